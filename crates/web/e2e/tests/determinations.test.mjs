// Every determination a finding can carry, issued in the browser, against
// every figure that shows violations found: the dashboard's "Violations
// found" (the server's /api/v1/summary, by core's
// Compliance::verified_violations), the commitments page (the breached
// commitment's count and rows, and the findings awaiting a decision), and the
// statistics page (incidents reported, which no finding changes). A finding
// that does not verify its incident (not_verified, inconclusive) must raise
// none of them; one that does (verified, partly_verified) raises each by one,
// and only once both mediators have signed it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

// Core's Determination::establishes_violation, as the figures must follow it.
const ESTABLISHES = { not_verified: false, inconclusive: false, partly_verified: true, verified: true };

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Signs `body` as a `kind` record by the member signed in on `page`, with the application's own code. */
async function sign(page, kind, body) {
  return page.evaluate(
    async ([kind, body]) => {
      const { submit } = await import(new URL("records.js", document.querySelector("script[type=module]").src));
      const charter = await fetch("/api/v1/records/0").then((r) => r.json());
      return submit(kind, body, charter.record.envelope.body.origin);
    },
    [kind, body],
  );
}

async function act(page, action, fill) {
  await page.evaluate(() => document.querySelectorAll(".notice.success").forEach((n) => n.remove()));
  await page.click(`#${action} summary`);
  await fill(page);
  await page.click(`form[data-action=${action}] button[type=submit]`);
  await page.waitForSelector(".notice.success");
}

/** The digits of a figure as shown (numbers are grouped, values isolated). */
const figure = (text) => Number((text ?? "").replace(/[^0-9]/g, "") || 0);

/** Every figure that shows violations found (or must not move with them), as the pages show them. */
async function figures(page, commitment) {
  await open(page, "#/");
  const dashboard = figure(await page.textContent("[data-figure=verified-violations]"));
  const summary = (await page.evaluate(() => fetch("/api/v1/summary").then((r) => r.json()))).verified_violations;

  await open(page, "#/commitments");
  const card = await page.evaluateHandle((title) => [...document.querySelectorAll("article.commitment")].find((a) => a.querySelector("h2")?.textContent === title), commitment.title);
  assert.ok(await card.evaluate((a) => a !== undefined), `the commitments page shows "${commitment.title}"`);
  const score = figure(await card.evaluate((a) => a.querySelector(".score strong").textContent));
  const rows = await card.evaluate((a) => a.querySelectorAll("tbody tr").length);
  const awaiting = figure(await page.evaluate(() => document.querySelector(".notice.restricted")?.textContent));

  await open(page, "#/statistics");
  const incidents = figure(await page.textContent(".page-header .meta"));
  return { dashboard, summary, score, rows, awaiting, incidents };
}

test("a finding raises the violations found wherever they show only if it verifies the incident", async () => {
  const [afghan, qatari, turkish, reader] = await Promise.all([1, 2, 3, 4].map(() => user(browser)));
  await signIn(afghan.page, "afghanistan.liaison");
  await signIn(qatari.page, "qatar.mediator");
  await signIn(turkish.page, "turkiye.host");

  // Every determination core knows is tried here.
  await open(reader.page, "#/");
  const document_ = await reader.page.evaluate(() => fetch("/api/v1/openapi.json").then((r) => r.json()));
  assert.deepEqual([...document_.components.schemas.Determination.enum].sort(), Object.keys(ESTABLISHES).sort());

  // Pakistan's commitment, and an incident of a type it covers: a finding
  // that holds Pakistan responsible is a violation of it.
  const { commitments } = await reader.page.evaluate(() => fetch("/api/v1/commitments").then((r) => r.json()));
  const commitment = commitments.find((c) => c.party === "pakistan" && c.incident_types.length);
  assert.ok(commitment, "the demo holds a commitment by Pakistan");
  const at = new Date(Date.now() - 3600_000).toISOString().replace(/:\d\d\.\d{3}Z$/, ":00Z");
  const zero = { low: 0, best: 0, high: 0 };

  let shown = await figures(reader.page, commitment);
  assert.equal(shown.dashboard, shown.summary, "the dashboard shows the server's count");
  for (const [determination, establishes] of Object.entries(ESTABLISHES)) {
    const report = await sign(afghan.page, "incident.report", {
      title: `Determinations: a report to be found ${determination}`,
      incident_type: commitment.incident_types[0],
      time: { at, precision: "hour" },
      places: [{ point: { lat_e6: 34_101_000, lon_e6: 71_097_000 }, precision: "locality" }],
      casualties: { killed: { military: zero, civilian: zero }, injured: { military: zero, civilian: zero } },
      narrative: "Filed by the browser test of determinations.",
      accused: "pakistan",
      evidence: [],
    });
    const before = await figures(reader.page, commitment);
    assert.equal(before.incidents, shown.incidents + 1, "the report is one more incident");
    assert.deepEqual({ ...before, incidents: 0 }, { ...shown, incidents: 0 }, "a report alone finds no violation");

    // Qatar's mediator issues the finding in the case page's form.
    await open(qatari.page, `#/incidents/${report.index}`);
    await act(qatari.page, "find", async (p) => {
      await p.selectOption("#find select[name=determination]", determination);
      // Only a finding that verifies the incident may hold a party responsible.
      if (establishes) await p.selectOption("#find select[name=responsible]", "pakistan");
      await p.fill("#find textarea[name=reasoning]", `Found ${determination} by the browser test.`);
    });
    assert.match(await qatari.page.textContent(".case-status .stage"), /Finding pending/);
    const pending = await figures(reader.page, commitment);
    assert.deepEqual(pending, before, `a ${determination} finding one mediator short counts nowhere`);

    // Türkiye's host concurs: the finding is issued and counts.
    await open(turkish.page, `#/incidents/${report.index}`);
    await act(turkish.page, "concur", async (p) => p.fill("#concur textarea[name=note]", "Türkiye concurs."));
    assert.match(await turkish.page.textContent(".case-status .stage"), /Finding issued/);
    const after = await figures(reader.page, commitment);
    const step = establishes ? 1 : 0;
    assert.deepEqual(
      after,
      {
        dashboard: before.dashboard + step,
        summary: before.summary + step,
        score: before.score + step,
        rows: before.rows + step,
        awaiting: before.awaiting + step,
        incidents: before.incidents,
      },
      `after an issued ${determination} finding`,
    );
    shown = after;
  }
  await open(reader.page, "#/");
  await shot(reader.page, "determinations-dashboard");
  await open(reader.page, "#/commitments");
  await shot(reader.page, "determinations-commitments");
  for (const u of [afghan, qatari, turkish, reader]) {
    assertClean(u.problems);
    await u.context.close();
  }
});
