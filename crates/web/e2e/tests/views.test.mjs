// The read-only views, as an analyst opens them: the dashboard with its
// checkpoint verified in the browser, the map with filters, and a case whose
// inclusion in the log the browser proves — nothing loaded from elsewhere.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the dashboard verifies the latest checkpoint in the browser", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  await page.waitForSelector("[data-verified=true]");
  const size = Number((await page.textContent("#footer")).match(/(\d+) records/)[1]);
  assert.ok(size >= 98, `the scenario's records: ${size}`);
  const stages = await page.$$eval(".bars .bar-value", (els) => els.map((e) => Number(e.textContent)));
  assert.equal(stages.length, 6);
  assert.ok(stages.reduce((a, b) => a + b, 0) >= 9, "every scenario incident is in some stage");
  // The headline figures are the server's, counted by its rules: the
  // findings that verify their incident and count, not every finding.
  const summary = await page.evaluate(() => fetch("/api/v1/summary").then((r) => r.json()));
  assert.equal(Number(await page.textContent("[data-figure=verified-violations]")), summary.verified_violations);
  assert.equal(Number(await page.textContent("[data-figure=open-cases]")), summary.open_cases);
  assert.deepEqual(stages, summary.stages.map((s) => s.incidents));
  await shot(page, "dashboard");
  assertClean(problems);
  await context.close();
});

test("the map shows every incident and its filters narrow the list", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li a");
  const all = await page.$$eval("#incident-list li a", (els) => els.length);
  assert.match(await page.textContent("#result-count"), new RegExp(`^${all} `));
  assert.ok(await page.$(".leaflet-interactive, .marker-cluster"), "markers are drawn");
  assert.ok(await page.$(".crossing-icon"), "border crossings from the gazetteer are drawn");
  await shot(page, "map");

  await page.selectOption("#f-type", "crossing_closure");
  await page.click("#filters button[type=submit]");
  // The filtered view has rendered (not merely begun: its list starts empty).
  await page.waitForFunction(() => location.hash.includes("type=crossing_closure") && document.body.dataset.rendered === location.hash);
  const titles = await page.$$eval("#incident-list li a strong", (els) => els.map((e) => e.textContent));
  assert.ok(titles.length >= 1 && titles.every((t) => /crossing|closed|halted/i.test(t)), titles.join("; "));
  assert.match(page.url(), /type=crossing_closure/);

  await page.click("#incident-list li a");
  await page.waitForSelector(".case-page");
  assertClean(problems);
  await context.close();
});

test("the map counts incidents by area, the server's cells adding up to the list's total", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map?view=density");
  await page.waitForSelector(".density-cell span");
  const counts = () => page.$$eval(".density-cell span", (els) => els.map((e) => Number(e.dataset.incidents)));
  const total = await page.evaluate(() => fetch("/api/v1/incidents?limit=0").then((r) => r.json()).then((p) => p.total));
  const cells = await counts();
  assert.ok(cells.length >= 2, `incidents in several areas: ${cells.join(", ")}`);
  assert.equal(cells.reduce((a, b) => a + b, 0), total, "every incident counted once");
  assert.equal(Number(await page.getAttribute("#map", "data-density-total")), total);
  assert.match(await page.textContent("#result-count"), new RegExp(`^${total} incidents, counted by area`));
  assert.equal(await page.isVisible("#density-legend"), true);
  // Each cell says what it holds, for the pointer and for assistive technology.
  assert.match(await page.getAttribute(".density-cell", "title"), /^\d+ incidents?$/);
  await shot(page, "map-density");

  // A click zooms to the cell: finer cells are asked for, and they still
  // hold the cell's incidents.
  const before = Number(await page.getAttribute("#map", "data-density-cell"));
  const biggest = Math.max(...cells);
  // Dispatched to the cell itself: neighbouring cells' circles may overlap it.
  await page.dispatchEvent(`.density-cell:has(span[data-incidents="${biggest}"])`, "click");
  await page.waitForFunction((b) => Number(document.getElementById("map").dataset.densityCell) < b, before);
  const zoomed = await counts();
  assert.ok(zoomed.reduce((a, b) => a + b, 0) >= biggest, `zoomed in: ${zoomed.join(", ")}`);
  await shot(page, "map-density-zoomed");

  // Back to a marker each: the choice is in the URL only when it is not the default.
  await page.check("input[name=view][value=markers]");
  await page.waitForFunction(() => !location.hash.includes("view=") && document.body.dataset.rendered === location.hash);
  await page.waitForSelector(".leaflet-interactive, .marker-cluster");
  assert.equal(await page.$(".density-cell"), null);
  assertClean(problems);
  await context.close();
});

test("district centres from the gazetteer appear on the map when zoomed in and in the report form", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li a");
  const seats = () => page.$$eval(".leaflet-marker-pane .seat-icon", (els) => els.map((e) => e.textContent));
  assert.deepEqual(await seats(), [], "the whole region is too small a scale for district centres");
  for (let zoom = 0; zoom < 8 && (await seats()).length === 0; zoom++) {
    await page.click(".leaflet-control-zoom-in");
    await page.waitForTimeout(300); // Leaflet's zoom animation
  }
  const names = await seats();
  assert.ok(names.includes("Spin Boldak") && names.includes("Parachinar"), `district centres drawn: ${names.length}`);
  await shot(page, "map-district-centres");

  await signIn(page, "pakistan.liaison");
  await open(page, "#/report");
  await page.waitForSelector("#report-form");
  const label = await page.getAttribute("#gazetteer option[value='Spin Boldak, Kandahar, Afghanistan']", "label");
  assert.equal(label, "district centre");
  await page.fill("#r-place", "Spin Boldak, Kandahar, Afghanistan");
  await page.press("#r-place", "Tab");
  assert.match(await page.inputValue("#r-lat"), /^31\.0/);
  assert.match(await page.textContent("#r-seat-hint"), /^\u2068Spin Boldak\u2069 is a district centre/);
  await page.waitForTimeout(400); // the map's zoom animation, before the picture
  await shot(page, "report-district-centre");
  assertClean(problems);
  await context.close();
});

test("a case page proves the report's inclusion in the log, in the browser", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map?status=found");
  await page.waitForSelector("#incident-list li a");
  await page.click("#incident-list li a");
  await page.waitForSelector("#proof-badge[data-state=verified]");
  assert.match(await page.textContent("#proof-badge"), /Included in the log/);
  const kinds = await page.$$eval(".record .kind", (els) => els.map((e) => e.textContent));
  // Other tests share this server and add cases: any found case has both.
  assert.ok(kinds.includes("Report") && kinds.includes("Finding"), kinds.join(", "));
  await shot(page, "case");
  assertClean(problems);
  await context.close();
});

test("commitments, the channel and the statistics read from the log", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/commitments");
  // The scenario's two, and any a test declared (hostile.test.mjs does).
  const declared = await page.evaluate(() => fetch("/api/v1/commitments").then((r) => r.json()));
  assert.ok(declared.commitments.length >= 2);
  assert.equal((await page.$$(".commitment")).length, declared.commitments.length);
  await shot(page, "commitments");
  await open(page, "#/channel");
  assert.ok((await page.$$(".thread")).length >= 1);
  assert.ok(await page.$(".receipts li.overdue"), "an overdue acknowledgment is flagged");
  await shot(page, "channel");
  await open(page, "#/statistics");
  await page.waitForSelector("#chart-week");
  const rows = await page.$$eval("details table tbody tr", (trs) => trs.length);
  assert.ok(rows >= 4, `statistics rows: ${rows}`);
  await shot(page, "statistics");
  assertClean(problems);
  await context.close();
});
