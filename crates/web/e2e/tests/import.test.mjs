// The import page: a party's liaison officer (who may report) picks an
// ACLED-format CSV file, sees the row the server's check rejects with its
// line and column, signs and imports the rest in this browser with a
// progress bar, and finds the reports in the log with the ACLED event ids
// they keep; the same file again is all "already in the log" and adds
// nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

// ACLED's columns, in ACLED's order (crates/import/src/sample.rs).
const COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"];

const cell = (value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function row(fields) {
  return COLUMNS.map((c) => cell(String(fields[c] ?? ""))).join(",");
}

/** Three events, the second with a latitude off the globe; ids unique to this run. */
function acledFile(run) {
  const common = {
    year: 2025, time_precision: 1, disorder_type: "Political violence", event_type: "Battles", sub_event_type: "Armed clash",
    actor1: "Military Forces of Afghanistan (2021-)", inter1: "State forces", actor2: "Unidentified Armed Group", inter2: "Rebel group",
    interaction: "State forces-Rebel group", iso: 4, region: "South Asia", country: "Afghanistan", admin1: "Nangarhar",
    geo_precision: 1, source: "Pajhwok Afghan News", source_scale: "National", fatalities: 0, timestamp: 1762300800,
  };
  const rows = [
    { ...common, event_id_cnty: `AFG${run}1`, event_date: "2025-11-03", admin2: "Momand Dara", location: "طورخم", latitude: "34.1125", longitude: "71.0931", notes: "أفادت مصادر محلية بوقوع اشتباكات قرب المعبر، دون تأكيد لعدد الضحايا." },
    { ...common, event_id_cnty: `AFG${run}2`, event_date: "2025-11-04", location: "Torkham", latitude: "134.5", longitude: "71.09", notes: "A row with its latitude off the globe." },
    { ...common, event_id_cnty: `AFG${run}3`, event_date: "2025-11-05", admin1: "Kandahar", admin2: "سپین بولدک", location: "Spin Boldak", latitude: "31.0061", longitude: "66.3997", notes: "Shelling hit homes near the crossing, \"heavy\" fire;\nresidents fled, local sources said." },
  ];
  return "\ufeff" + [COLUMNS.join(","), ...rows.map(row)].join("\n") + "\n";
}

async function logSize(page) {
  return page.evaluate(() => fetch("/api/v1/records?limit=1").then((r) => r.json()).then((j) => j.size));
}

async function preview(page, file) {
  await open(page, "#/import");
  await page.setInputFiles("#i-file", { name: "acled-events.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
  await page.selectOption("#i-format", "acled");
  await page.click("#i-preview");
  await page.waitForSelector("#import-summary");
}

test("a liaison officer imports an ACLED file once, with the rejected row shown by line and column", async () => {
  const { page, problems, context } = await user(browser);
  await signIn(page, "pakistan.liaison");
  assert.ok(await page.$('#nav a[href="#/import"]'), "the nav links the import page for a member who may report");
  const run = Date.now();
  const file = acledFile(run);
  const before = await logSize(page);

  await preview(page, file);
  assert.match(await page.textContent('[data-count="ready"]'), /2 reports ready/);
  assert.match(await page.textContent('[data-count="rejected"]'), /1 row rejected/);
  const rejected = await page.$$eval("#import-rejected tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0][0], "3");
  assert.equal(rejected[0][1], "latitude");
  assert.match(rejected[0][2], /134\.5/);
  await shot(page, "import-preview");

  await page.click("#i-import");
  await page.waitForSelector("#import-finished");
  const bar = await page.$eval("#i-bar", (p) => ({ value: p.value, max: p.max }));
  assert.deepEqual(bar, { value: 2, max: 2 });
  assert.match(await page.textContent("#import-finished"), /2 reports imported/);
  await shot(page, "import-done");
  assert.equal(await logSize(page), before + 2);

  // The new reports, found through the API by the case links, keep the ACLED ids.
  const indexes = await page.$$eval(".import-cases a", (as) => as.map((a) => a.getAttribute("href").split("/").pop()));
  assert.equal(indexes.length, 2);
  const events = [];
  for (const index of indexes) {
    const record = await page.evaluate((i) => fetch(`/api/v1/records/${i}`).then((r) => r.json()), index);
    assert.equal(record.record.envelope.author, "pakistan.liaison");
    events.push(record.record.envelope.body.imported_from);
  }
  assert.deepEqual(events, [
    { dataset: "acled", event_id: `AFG${run}1` },
    { dataset: "acled", event_id: `AFG${run}3` },
  ]);
  await page.click(".import-cases a");
  await page.waitForFunction((h) => document.body.dataset.rendered === h, `#/incidents/${indexes[0]}`);
  assert.match(await page.textContent("#main"), /طورخم/);

  // The same file again: both events are in the log; nothing to import.
  await preview(page, file);
  assert.match(await page.textContent('[data-count="ready"]'), /0 reports ready/);
  assert.match(await page.textContent('[data-count="present"]'), /2 rows already in the log/);
  assert.ok(await page.$("#import-nothing"));
  assert.equal(await page.$("#i-import"), null);
  const present = await page.$$eval("#import-present tbody tr", (rows) => rows.map((r) => r.dataset.line));
  assert.deepEqual(present, ["2", "4"]);
  await shot(page, "import-again");
  assert.equal(await logSize(page), before + 2);
  assertClean(problems);
  await context.close();
});

test("a member who may not report has no import page in the nav", async () => {
  const { page, problems, context } = await user(browser);
  await signIn(page, "turkiye.analyst");
  assert.equal(await page.$('#nav a[href="#/import"]'), null);
  await open(page, "#/import");
  assert.match(await page.textContent("#main [role=alert]"), /does not include filing reports/);
  assertClean(problems);
  await context.close();
});
