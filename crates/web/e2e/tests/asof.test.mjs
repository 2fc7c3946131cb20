// The record as of a moment in the browser: `truce demo` opens as of the
// scenario's end with a banner, every page honours the moment and the URL
// keeps it (links inside the app carry it over), the slider and the
// date-time move it, and one click returns to the present.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, user, open, shot, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const get = (page, path) => page.evaluate((p) => fetch(p).then((r) => r.json()), path);

/** The hash the demo announced ("Open: …"), or one as of the log's latest time. */
async function demoHash(page) {
  const printed = process.env.TRUCE_E2E_DEMO_OPEN;
  if (printed) return new URL(printed).hash;
  const timeline = await get(page, "/api/v1/as-of");
  return `#/?at=${timeline.latest}`;
}

test("the demo opens as of the scenario's end, and every page keeps that moment until the reader returns", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  const timeline = await get(page, "/api/v1/as-of");
  const hash = await demoHash(page);
  const at = new URLSearchParams(hash.split("?")[1]).get("at");
  // The demo's records end in 2025; other tests of this suite may since have
  // appended records of their own, claimed today. So: the moment is a
  // record's time, the records claimed no later form a prefix of the log,
  // and every record after it was claimed within the last day.
  const { records } = await get(page, "/api/v1/records?limit=1000");
  const times = records.map((r) => r.record.envelope.time);
  assert.ok(times.includes(at), `the demo opens at one of its records' times (${at})`);
  const end = times.findIndex((t) => t > at);
  const later = end === -1 ? [] : times.slice(end);
  assert.ok(later.every((t) => t > at), "the records claimed by then are a prefix of the log");
  const dayAgo = new Date(Date.parse(timeline.now) - 86_400_000).toISOString();
  assert.ok(later.every((t) => t > dayAgo), `only this run's own records come after ${at}: ${later}`);
  await open(page, hash);
  const banner = await page.waitForSelector("[data-asof-banner]");
  assert.match(await banner.textContent(), /as it stood on/);
  // The dashboard's figures are the server's as of then: the 2025 deadlines
  // are not all long overdue.
  const then = await get(page, `/api/v1/summary?at=${at}`);
  const now = await get(page, "/api/v1/summary");
  assert.equal(then.as_of, at);
  assert.equal(Number(await page.textContent("[data-figure=open-cases]")), then.open_cases);
  const overdue = (s) => s.stages.find((x) => x.stage === "unanswered_past_deadline").incidents;
  assert.ok(overdue(then) <= overdue(now), `${overdue(then)} overdue then, ${overdue(now)} now`);
  await shot(page, "asof-dashboard");

  // A link in the navigation keeps the moment: the URL and the banner.
  await page.click('#nav a[href="#/map"]');
  await page.waitForFunction(() => document.body.dataset.rendered?.startsWith("#/map?at="));
  assert.match(page.url(), /#\/map\?at=/);
  await page.waitForSelector("#incident-list li a");
  const listed = await page.$$eval("#incident-list li a", (els) => els.length);
  assert.equal(listed, (await get(page, `/api/v1/incidents?limit=0&at=${at}`)).total);
  assert.ok(await page.$("[data-asof-banner]"));
  await shot(page, "asof-map");

  // A case, as it stood: its stage is the server's at that moment.
  await page.click("#incident-list li a");
  await page.waitForSelector(".case-page");
  assert.match(page.url(), /#\/incidents\/\d+\?at=/);
  const index = Number(page.url().match(/incidents\/(\d+)/)[1]);
  const caseThen = await get(page, `/api/v1/incidents/${index}?at=${at}`);
  assert.ok(caseThen.records.length >= 1);
  assert.ok(await page.$("[data-asof-banner]"));

  for (const [nav, view] of [["#/commitments", "#/commitments"], ["#/channel", "#/channel"], ["#/statistics", "#/statistics"], ["#/agreement", "#/agreement"]]) {
    await page.click(`#nav a[href="${nav}"]`);
    await page.waitForFunction((v) => document.body.dataset.rendered === `${v}?at=${new URLSearchParams(location.hash.split("?")[1]).get("at")}`, view);
    assert.ok(await page.$("[data-asof-banner]"), `${view} shows the banner`);
    assert.ok(!(await page.$(".notice.error")), `${view} rendered without error`);
  }
  // The Reports page too: it proposes the week up to the moment, not the
  // present week, built from a checkpoint the log had then.
  await page.click('#nav a[href="#/reports"]');
  await page.waitForFunction(() => document.body.dataset.rendered?.startsWith("#/reports?at="));
  const moment = new URLSearchParams(page.url().split("?")[1]).get("at");
  await page.waitForSelector("#report-built-from");
  assert.equal(await page.inputValue("input[name=to]"), moment.slice(0, 10));
  assert.ok(await page.$("[data-asof-banner]"), "the Reports page shows the banner");

  // One click back to the present.
  await page.click("#asof-present");
  await page.waitForFunction(() => document.body.dataset.rendered === "#/reports");
  assert.equal(await page.$("[data-asof-banner]"), null);
  assert.doesNotMatch(page.url(), /at=/);
  await page.click('#nav a[href="#/"]');
  await page.waitForFunction(() => document.body.dataset.rendered === "#/");
  assert.equal(Number(await page.textContent("[data-figure=open-cases]")), now.open_cases);
  assertClean(problems);
  await context.close();
});

test("the slider moves over the log's positions and the date-time to any moment", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  const timeline = await get(page, "/api/v1/as-of");
  await page.click("#as-of summary");
  // Half-way along the log.
  const middle = Math.floor(timeline.steps.length / 2);
  const step = timeline.steps[middle];
  await page.$eval(
    "#asof-step",
    (el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    },
    middle,
  );
  await page.waitForFunction((s) => document.body.dataset.rendered === `#/?size=${s}`, step.size);
  const summary = await get(page, `/api/v1/summary?size=${step.size}`);
  assert.equal(Number(await page.textContent("[data-figure=open-cases]")), summary.open_cases);
  assert.match(await page.textContent("[data-asof-banner]"), new RegExp(`${step.size}`));
  await shot(page, "asof-slider");

  // A date and time (UTC), as typed.
  const moment = "2025-10-28T12:00:00";
  await page.fill("#asof-time", moment);
  await page.click("#asof-form button[type=submit]");
  await page.waitForFunction((m) => document.body.dataset.rendered === `#/?at=${m}Z`, moment);
  const then = await get(page, `/api/v1/summary?at=${moment}Z`);
  assert.equal(Number(await page.textContent("[data-figure=open-cases]")), then.open_cases);
  assert.equal(then.as_of, `${moment}Z`);

  // A moment the server refuses is said, not hidden.
  await open(page, "#/?at=2001-01-01T00:00:00Z");
  assert.match(await page.textContent("main"), /before the charter took effect/);
  assertClean(problems.filter((p) => !/status of 404/.test(p)));
  await context.close();
  assert.ok(BASE);
});
