// The incidents page's download buttons: each asks the server for every
// incident the page's filters select, as ACLED or UCDP GED CSV or GeoJSON,
// and the file that comes back is that format, row by row checkable
// against the log by index and leaf hash.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the incidents page downloads what its filters select", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map?type=drone_strike");
  await page.waitForSelector("#incident-list li");
  const links = await page.$$eval("#downloads a", (as) => as.map((a) => ({ format: a.dataset.format, href: a.getAttribute("href"), download: a.hasAttribute("download") })));
  assert.deepEqual(links.map((l) => l.format), ["acled", "ucdp", "geojson"]);
  for (const l of links) {
    assert.ok(l.download, l.href);
    assert.match(l.href, new RegExp(`^/api/v1/incidents\\?type=drone_strike&format=${l.format}$`));
  }
  const shown = await page.$$eval("#incident-list li a", (as) => as.map((a) => a.dataset.index));
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#downloads a[data-format=acled]")]);
  assert.equal(download.suggestedFilename(), "incidents-acled.csv");
  const csv = await (await page.request.get(new URL(links[0].href, page.url()).href)).text();
  const [header, ...rows] = csv.trim().split("\n");
  assert.ok(header.startsWith("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"), header);
  assert.ok(header.endsWith(",truce_index,truce_leaf_hash,truce_place,truce_incident_type,truce_reporter,truce_accused,truce_actor,truce_status,truce_reported_at,truce_killed_military_best,truce_killed_civilian_best,truce_injured_best,truce_casualties_claimed_by,truce_illustrative"), header);
  // truce_index, truce_leaf_hash and truce_place, whatever the quoted notes before them hold.
  const indexes = rows.map((r) => r.match(/,(\d+),([0-9a-f]{64}),\d+,drone_strike,/)?.[1]);
  assert.deepEqual(indexes.sort(), [...shown].sort(), "the rows are the incidents the page lists");
  const geojson = await (await page.request.get(new URL(links[2].href, page.url()).href)).json();
  assert.equal(geojson.type, "FeatureCollection");
  assert.deepEqual(geojson.features.map((f) => String(f.properties.index)).sort(), [...shown].sort());
  assertClean(problems);
  await context.close();
});

test("shown as of a past moment, the incidents page downloads that moment's incidents", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li");
  const now = await page.$$eval("#incident-list li a", (as) => as.map((a) => a.dataset.index));
  const at = "2025-10-27T00:00:00Z";
  await open(page, `#/map?at=${at}`);
  await page.waitForSelector("#incident-list li");
  const then = await page.$$eval("#incident-list li a", (as) => as.map((a) => a.dataset.index));
  assert.ok(then.length > 0 && then.length < now.length, `${then.length} incidents as of ${at}, ${now.length} now`);
  const href = await page.$eval("#downloads a[data-format=acled]", (a) => a.getAttribute("href"));
  assert.equal(href, `/api/v1/incidents?format=acled&at=${at}`);
  const csv = await (await page.request.get(new URL(href, page.url()).href)).text();
  const rows = csv.trim().split("\n").slice(1);
  const indexes = rows.map((r) => r.match(/,(\d+),([0-9a-f]{64}),\d+,[a-z_]+,/)?.[1]);
  assert.deepEqual(indexes.sort(), [...then].sort(), "the rows are the incidents the page lists as of then");
  assertClean(problems);
  await context.close();
});
