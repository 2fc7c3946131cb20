// Who said what, on every page that shows it: statements and session
// records with the published passages they rest on, attributed as the
// reports attribute them; a statement that names others shown as its
// author's word alone; an incident's sources on its case; and the one line
// saying what the demo is.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Text as read, without the Unicode isolates t() puts around values. */
const plain = (text) => text?.replace(/[\u2066-\u2069]/g, "") ?? null;

/** The talks page's article whose title starts with `title`, as text and its parts. */
async function talk(page, title) {
  const found = await page.$$eval(
    "article.talk",
    (articles, title) => {
      const a = articles.find((x) => x.querySelector("h2")?.textContent.startsWith(title));
      if (!a) return null;
      return {
        text: a.textContent,
        attributed: [...a.querySelectorAll(".sources .attributed")].map((e) => e.textContent),
        quotes: [...a.querySelectorAll(".sources blockquote")].map((e) => e.textContent),
        speaksFor: a.querySelector(".speaks-for")?.textContent ?? null,
      };
    },
    title,
  );
  return found && { ...found, text: plain(found.text), speaksFor: plain(found.speaksFor) };
}

test("the talks page shows every statement and session with its sources, attributed as published", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/talks");
  await page.waitForSelector("article.talk");
  const api = await page.evaluate(() => fetch("/api/v1/talks?limit=100").then((r) => r.json()));
  assert.equal(await page.$$eval("article.talk", (a) => a.length), api.records.length);

  const tarar = await talk(page, "Pakistan's information minister");
  assert.ok(tarar, "Tarar's statement is shown");
  assert.ok(tarar.attributed.every((a) => a.startsWith("Information Minister Attaullah Tarar")), tarar.attributed.join(" | "));
  assert.ok(tarar.quotes.some((q) => q.includes("The dialogue failed to bring about any workable solution")));
  assert.match(tarar.text, /as published by MNTV/);
  assert.match(tarar.text, /as published by Pakistan TV Digital/);
  assert.equal(tarar.speaksFor, null, "Pakistan's statement speaks for Pakistan alone");

  // Unnamed sources are quoted in the session record, as the report names them.
  const day4 = await talk(page, "Istanbul technical talks, day 4");
  for (const who of ["a senior security source", "sources close to the Afghan side", "a diplomatic source familiar with the negotiations"]) {
    assert.ok(day4.attributed.includes(who), `${who} in ${day4.attributed.join(" | ")}`);
  }
  const afghan = await talk(page, "Afghan officials: the talks were");
  assert.ok(afghan.quotes.some((q) => q.includes("improper conduct")));

  // One signature is one author's word: the joint statement says so.
  const joint = await talk(page, "Joint statement");
  assert.match(joint.speaksFor, /Türkiye says it speaks for Pakistan, Afghanistan, Qatar — not co-signed/);
  const turkish = await talk(page, "A senior Turkish official");
  assert.equal(turkish.speaksFor, null, "the Turkish official's words are Türkiye's alone");
  assert.ok(turkish.attributed.includes("a senior Turkish official"));
  await shot(page, "talks");
  assertClean(problems);
  await context.close();
});

test("a case shows its report's sources, and the dashboard says what the demo is", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  const notice = plain(await page.textContent("[data-illustrative=charter]"));
  assert.match(notice, /never existed/);
  assert.match(await page.textContent("#mechanism-title"), /agreed in principle on 30-31 October 2025/);

  const found = await page.evaluate(() => fetch("/api/v1/incidents?q=Kurram").then((r) => r.json()));
  const kurram = found.items.find((i) => i.title.includes("Kurram"));
  await open(page, `#/incidents/${kurram.index}`);
  await page.waitForSelector(`#record-${kurram.index} .sources`);
  const sources = plain(await page.textContent(`#record-${kurram.index} .sources`));
  assert.match(sources, /Pakistan's military/);
  assert.match(sources, /reported two infiltration attempts/);
  assert.match(sources, /as published by The Truth International/);
  await shot(page, "case-sources");
  assertClean(problems);
  await context.close();
});

test("every report title is shown with its reporter, and what is illustrative is marked, on every page", async () => {
  const { page, problems, context } = await user(browser);
  // Dashboard: deadlines and findings name the reporter; violations say how many are illustrative.
  await open(page, "#/");
  const figures = await page.evaluate(() => fetch("/api/v1/summary").then((r) => r.json()));
  assert.ok(figures.illustrative_violations > 0 && figures.illustrative_violations <= figures.verified_violations);
  const note = plain(await page.textContent(".status-note[data-illustrative]"));
  assert.equal(note, `${figures.illustrative_violations} of ${figures.verified_violations} illustrative`);
  const items = await page.$$eval("article.card .list li a", (links) => links.map((a) => ({ reporter: a.querySelector(".reporter")?.textContent ?? null, badge: !!a.querySelector("[data-illustrative]"), text: a.textContent })));
  assert.ok(items.length > 0);
  for (const item of items) {
    assert.match(plain(item.reporter ?? ""), /^(Pakistan|Afghanistan) reports:$/, item.text);
  }
  const incidents = await page.evaluate(() => fetch("/api/v1/incidents?limit=100").then((r) => r.json()));
  assert.ok(incidents.items.every((i) => typeof i.illustrative === "boolean"), "the list endpoint carries the flag");
  const listed = await page.$$eval("article.card .list li a", (links) => links.map((a) => Number(a.getAttribute("href").split("/").pop())));
  for (const index of listed) {
    const item = incidents.items.find((i) => i.index === index);
    const shown = items[listed.indexOf(index)];
    assert.equal(shown.badge, item.illustrative, `dashboard badge of #${index}`);
  }
  await shot(page, "dashboard-attribution");

  // The map: every list entry names its reporter, every pop-up too.
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li a");
  const entries = await page.$$eval("#incident-list li a", (links) => links.map((a) => a.textContent));
  for (const e of entries) assert.match(plain(e), /Reported by (Pakistan|Afghanistan)/, e);
  const badges = await page.$$eval("#incident-list li a [data-illustrative]", (b) => b.length);
  assert.equal(badges, incidents.items.filter((i) => i.illustrative).length);
  const markers = await page.$$("path.leaflet-interactive");
  assert.ok(markers.length > 0, "some markers stand alone at this zoom");
  for (const marker of markers.slice(0, 4)) {
    await marker.click({ force: true });
    const popup = await page.waitForSelector(".leaflet-popup-content .reporter");
    assert.match(plain(await popup.textContent()), /^(Pakistan|Afghanistan) reports:$/);
  }
  await shot(page, "map-popup");

  // A case's header, the compliance rows and the statistics say what is illustrative.
  const illustrative = incidents.items.find((i) => i.illustrative);
  await open(page, `#/incidents/${illustrative.index}`);
  assert.ok(await page.$("h1 [data-illustrative]"));
  await open(page, "#/commitments");
  const compliance = await page.evaluate(() => fetch("/api/v1/commitments").then((r) => r.json()));
  const rows = compliance.commitments.flatMap((c) => c.violations);
  assert.equal(await page.$$eval("article.commitment tbody [data-illustrative]", (b) => b.length), rows.filter((v) => v.illustrative).length);
  await open(page, "#/statistics");
  const stats = plain(await page.textContent("p.notice.illustrative"));
  assert.match(stats, new RegExp(`^${incidents.items.filter((i) => i.illustrative).length} of these ${incidents.total} incidents are illustrative`));

  // The agreement: the draft rests on invented clause texts and positions, and says so.
  await open(page, "#/agreement");
  const drafts = await page.evaluate(() => fetch("/api/v1/drafts").then((r) => r.json()));
  assert.equal(!!(await page.$("h1 [data-illustrative]")), drafts.drafts[0].illustrative);
  assert.ok(drafts.drafts[0].illustrative);
  assert.match(plain(await page.textContent(".agreement-page .illustrative")), /Clause texts illustrative/);
  // The near-agreements, as the API counts them by the rule it documents
  // (the scenario's own test holds them to the reports' "four or five times";
  // the agreement test may have signed the draft by now).
  assert.equal(Number(await page.getAttribute("[data-near-agreements]", "data-near-agreements")), drafts.drafts[0].near_agreements);

  // A statistics drill-down lands on the map, whose list names each report's reporter.
  await open(page, "#/statistics");
  const drill = await page.getAttribute("a[data-drill-down]", "href");
  await open(page, drill);
  await page.waitForSelector("#incident-list li a");
  for (const e of await page.$$eval("#incident-list li a", (links) => links.map((a) => a.textContent))) {
    assert.match(plain(e), /Reported by (Pakistan|Afghanistan)/, e);
  }

  // The channel: every thread says who wrote it.
  await open(page, "#/channel");
  const threads = await page.$$eval(".thread h2", (h) => h.map((x) => x.textContent));
  assert.ok(threads.length > 0);
  for (const h of threads) assert.match(plain(h), /^(Pakistan|Afghanistan|Türkiye|Qatar) writes:/, h);
  const channel = await page.evaluate(() => fetch("/api/v1/channel?limit=100").then((r) => r.json()));
  assert.equal(await page.$$eval(".message .illustrative", (n) => n.length), channel.messages.filter((m) => m.illustrative).length);
  assertClean(problems);
  await context.close();
});
