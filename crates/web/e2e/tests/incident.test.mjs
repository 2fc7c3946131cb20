// An incident walked from report to finding by four people, each in their
// own browser context: Afghanistan's liaison reports it with evidence,
// Pakistan's liaison answers it and acknowledges the evidence, Qatar's
// mediator investigates and issues a finding, and Türkiye's host concurs —
// the charter needs both mediators. Every record is signed in the browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function act(page, action, fill) {
  // The confirmation of an earlier action must not be mistaken for this one's.
  await page.evaluate(() => document.querySelectorAll(".notice.success").forEach((n) => n.remove()));
  await page.click(`#${action} summary`);
  await fill(page);
  await page.click(`form[data-action=${action}] button[type=submit]`);
  await page.waitForSelector(".notice.success");
}

test("an incident goes from report to finding, each step signed in the browser", async () => {
  const [afghan, pakistani, qatari, turkish] = await Promise.all([1, 2, 3, 4].map(() => user(browser)));

  // Afghanistan's liaison files the report, with a photograph.
  await signIn(afghan.page, "afghanistan.liaison");
  await open(afghan.page, "#/report");
  await afghan.page.waitForSelector("#report-form");
  await afghan.page.fill("#r-title", "Mortar rounds near the Torkham crossing");
  await afghan.page.selectOption("#r-type", "shelling");
  await afghan.page.selectOption("#r-accused", "pakistan");
  await afghan.page.fill("#r-narrative", "Three mortar rounds landed near the customs yard at dawn; no one was hurt.");
  await afghan.page.fill("#r-place", "Torkham, Khyber Pakhtunkhwa, Pakistan");
  await afghan.page.press("#r-place", "Tab");
  assert.equal(await afghan.page.inputValue("#r-lat"), "34.101000");
  await afghan.page.fill("#r-killed-military", "0");
  await afghan.page.setInputFiles("#r-files", { name: "crater.png", mimeType: "image/png", buffer: PNG });
  await afghan.page.fill("#r-evidence-description", "Photograph of a crater by the customs yard");
  await shot(afghan.page, "walk-1-report-form");
  await afghan.page.click("#report-submit");
  await afghan.page.waitForSelector(".case-page");
  await afghan.page.waitForSelector("#proof-badge[data-state=verified]");
  const caseUrl = afghan.page.url().split("/#")[1];
  assert.match(caseUrl, /^\/incidents\/\d+$/);
  assert.match(await afghan.page.textContent(".case-status .stage"), /Awaiting response/);
  assert.match(await afghan.page.textContent("#countdown"), /left/);
  // The countdown ticks every second: it must not sit in a live region,
  // or a screen reader would read it out every second.
  assert.equal(await afghan.page.$eval("#countdown", (el) => el.closest("[aria-live]:not([aria-live=off])")?.id ?? null), null);
  assert.ok(await afghan.page.$(".record-evidence-submit .evidence-image"), "the photograph shows in the page");
  await shot(afghan.page, "walk-2-reported");

  // Pakistan's liaison answers and acknowledges the evidence.
  await signIn(pakistani.page, "pakistan.liaison");
  await open(pakistani.page, `#${caseUrl}`);
  await act(pakistani.page, "respond", async (p) => {
    await p.selectOption("#respond select[name=stance]", "deny");
    await p.fill("#respond textarea[name=narrative]", "No Pakistani unit fired at that hour; the rounds came from elsewhere.");
  });
  assert.match(await pakistani.page.textContent(".case-status .stage"), /Answered/);
  await act(pakistani.page, "acknowledge", async (p) => {
    await p.selectOption("#acknowledge select[name=status]", "received");
  });
  await shot(pakistani.page, "walk-3-answered");

  // Qatar's mediator investigates and finds; the finding waits for Türkiye.
  await signIn(qatari.page, "qatar.mediator");
  await open(qatari.page, `#${caseUrl}`);
  await act(qatari.page, "investigate", async (p) => {
    await p.selectOption("#investigate select[name=step]", "site_visit");
    await p.fill("#investigate textarea[name=details]", "A joint team visited the customs yard and photographed the impact points.");
  });
  assert.match(await qatari.page.textContent(".case-status .stage"), /Under investigation/);
  await act(qatari.page, "find", async (p) => {
    await p.selectOption("#find select[name=determination]", "not_verified");
    await p.fill("#find textarea[name=reasoning]", "The impacts are real, but their origin could not be established from the site.");
  });
  assert.match(await qatari.page.textContent(".case-status .stage"), /Finding pending/);
  await shot(qatari.page, "walk-4-finding-pending");

  // Türkiye's host concurs: the finding is issued.
  await signIn(turkish.page, "turkiye.host");
  await open(turkish.page, `#${caseUrl}`);
  await act(turkish.page, "concur", async (p) => {
    await p.fill("#concur textarea[name=note]", "Türkiye concurs.");
  });
  assert.match(await turkish.page.textContent(".case-status .stage"), /Finding issued/);

  // Everyone sees the same case, proven in their own browser.
  await open(afghan.page, `#${caseUrl}`);
  await afghan.page.waitForSelector("#proof-badge[data-state=verified]");
  const kinds = await afghan.page.$$eval(".record .kind", (els) => els.map((e) => e.textContent));
  // In log order: the photograph was filed just before the report citing it.
  assert.deepEqual(kinds, ["Evidence", "Report", "Response", "Evidence acknowledged", "Investigation", "Finding", "Concurrence"]);
  await shot(afghan.page, "walk-5-found");
  for (const u of [afghan, pakistani, qatari, turkish]) {
    assertClean(u.problems);
    await u.context.close();
  }
});

test("a party cannot act for the other side, and the log says why", async () => {
  const { page, problems, context } = await user(browser);
  await signIn(page, "afghanistan.liaison");
  await open(page, "#/map?status=unanswered_past_deadline");
  await page.waitForSelector("#incident-list li a");
  // An Afghan report accusing Pakistan: Afghanistan's liaison owes no answer to it.
  const own = await page.$$eval("#incident-list li a", (els) => els.filter((a) => /Reported by \u2068Afghanistan\u2069/.test(a.textContent)).map((a) => a.getAttribute("href")));
  assert.ok(own.length >= 1);
  await open(page, own[0]);
  await page.waitForSelector(".actions-card, .case-side .card");
  assert.equal(await page.$("#respond"), null, "no answer form for one's own report");
  assertClean(problems);
  await context.close();
});

test("a refused report leaves no evidence in the log, and one whose answer is lost is not filed twice", async () => {
  const { page, context } = await user(browser);
  await signIn(page, "afghanistan.liaison");
  await open(page, "#/report");
  await page.waitForSelector("#report-form");
  const title = `Shots across the Chaman crossing ${Date.now()}`;
  await page.fill("#r-title", title);
  await page.selectOption("#r-type", "armed_clash");
  await page.selectOption("#r-accused", "pakistan");
  await page.fill("#r-narrative", "Shots were heard near the crossing gate (test record).");
  await page.fill("#r-place", "Chaman");
  await page.press("#r-place", "Tab");
  const content = Buffer.from(`Notes taken at the gate, ${Date.now()}.`);
  await page.setInputFiles("#r-files", { name: "notes.txt", mimeType: "text/plain", buffer: content });

  // What the log holds of this report and its evidence.
  const logged = () =>
    page.evaluate(
      async ([text, title]) => {
        const digest = `sha256:${[...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
        const filings = [];
        const reports = [];
        let start = 0;
        for (;;) {
          const page = await (await fetch(`/api/v1/records?start=${start}&limit=1000`)).json();
          for (const r of page.records) {
            const { kind, body } = r.record.envelope;
            if (kind === "evidence.submit" && body.digest === digest) filings.push(r.leaf_hash);
            if (kind === "incident.report" && body.title === title) reports.push(body);
          }
          if (page.next == null) break;
          start = page.next;
        }
        return { filings, reports };
      },
      [content.toString(), title],
    );

  // The evidence goes with its report, in one group: the first time the
  // report is refused (its signature spoiled on the way, so the log's own
  // check refuses it), the second time the group is filed but its answer is
  // lost. Nothing else reaches the log.
  const groups = [];
  await page.route("**/api/v1/records/group", async (route) => {
    const request = route.request();
    const group = request.postDataJSON();
    groups.push(group.records.map((r) => r.envelope.kind));
    if (groups.length === 1) {
      const [evidence, report] = group.records;
      report.signatures[0].sig = evidence.signatures[0].sig;
      return route.continue({ postData: JSON.stringify(group) });
    }
    if (groups.length === 2) {
      const filed = await route.fetch();
      assert.equal(filed.status(), 201);
      return route.fulfill({
        status: 503,
        contentType: "application/problem+json",
        body: JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, detail: "the log stopped before answering; submit again" }),
      });
    }
    return route.continue();
  });
  await page.route("**/api/v1/records", (route) => {
    assert.notEqual(route.request().method(), "POST", "the report form files only groups");
    return route.continue();
  });

  await page.click("#report-submit");
  await page.waitForSelector("#report-error .notice.error");
  assert.match(await page.textContent("#report-error"), /record 1 of the group/);
  assert.deepEqual(await logged(), { filings: [], reports: [] }, "a refused report leaves no evidence behind");

  await page.click("#report-submit");
  await page.waitForFunction(() => /submit again/.test(document.getElementById("report-error")?.textContent ?? ""));
  // Sent again: the form finds the report it filed and shows it.
  await page.click("#report-submit");
  await page.waitForSelector(".case-page");
  assert.deepEqual(groups, [
    ["evidence.submit", "incident.report"],
    ["evidence.submit", "incident.report"],
  ]);
  const { filings, reports } = await logged();
  assert.equal(filings.length, 1, "the evidence was filed once");
  assert.equal(reports.length, 1, "the report was filed once");
  assert.deepEqual(reports[0].evidence, filings);
  await context.close();
});
