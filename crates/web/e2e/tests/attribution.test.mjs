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
