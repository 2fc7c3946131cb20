// The web UI's timings in a real browser (Debian's Chromium), against a
// running server — bench/scale.sh starts one over a large log. Prints, and
// appends to TRUCE_BENCH_FIGURES when set, the median and the slowest of
// ROUNDS runs (5) of:
//   - the incidents page (map and list) loaded, from navigation to drawn
//     (the page marks itself rendered once its map is drawn), in a fresh
//     context: the application itself loaded too, nothing cached;
//   - the map zoomed in one step and redrawn (density cells, or markers);
//   - the map panned and redrawn;
//   - the statistics page opened from there, as a click in the menu does
//     (the application already loaded), and the incidents page again;
//   - the statistics page loaded in a fresh context.
// The server keeps its answers as it always does (by question, index
// version and second).
//
//   TRUCE_E2E_BASE_URL=http://127.0.0.1:8080 node bench/ui.mjs
//
// The figures are named ui.*, or TRUCE_BENCH_UI_FIGURES.* (bench/scale.sh
// names them ui.postgres.* when the log is in PostgreSQL).
import { appendFileSync } from "node:fs";
import { BASE, launch, user } from "../support.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const figures = process.env.TRUCE_BENCH_FIGURES;
const named = process.env.TRUCE_BENCH_UI_FIGURES ?? "ui";

function figure(id, value, unit, conditions) {
  const name = id.replace(/^ui\./, `${named}.`);
  if (figures) appendFileSync(figures, `${name}\t${value}\t${unit}\t${conditions}\n`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Goes to another view within the loaded application, as the menu does. */
async function navigated(page, hash) {
  const start = performance.now();
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForFunction((h) => document.body.dataset.rendered === h, hash, { timeout: 120_000 });
  return performance.now() - start;
}

async function opened(browser, hash) {
  const { page, context } = await user(browser);
  await page.goto("about:blank");
  const start = performance.now();
  await page.goto(`${BASE}/${hash}`);
  await page.waitForFunction((h) => document.body.dataset.rendered === h, hash, { timeout: 120_000 });
  return { page, context, ms: performance.now() - start };
}

/** Waits until the map's drawing has caught up with a move: density cells re-asked, or markers. */
async function redrawn(page, move) {
  const before = await page.evaluate(() => document.getElementById("map").dataset.densityAsked ?? "");
  const start = performance.now();
  await move();
  await page.waitForFunction(
    (b) => {
      const map = document.getElementById("map");
      // Markers are drawn once; a density map redraws after each move.
      return map.dataset.densityAsked === undefined || (map.dataset.densityAsked !== b && map.dataset.densityBusy !== "true");
    },
    before,
    { timeout: 60_000 },
  );
  return performance.now() - start;
}

const browser = await launch();
const total = await fetch(`${BASE}/api/v1/incidents?limit=0`).then((r) => r.json()).then((p) => p.total);
const conditions = `${total} incidents, Chromium headless, ${ROUNDS} rounds`;
const runs = { open: [], zoom: [], pan: [], statistics: [], incidents: [], statisticsLoad: [] };
for (let round = 0; round < ROUNDS; round++) {
  const map = await opened(browser, "#/map");
  runs.open.push(map.ms);
  runs.zoom.push(await redrawn(map.page, () => map.page.click(".leaflet-control-zoom-in")));
  runs.pan.push(
    await redrawn(map.page, async () => {
      const box = await map.page.locator("#map").boundingBox();
      await map.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await map.page.mouse.down();
      await map.page.mouse.move(box.x + box.width / 2 - 200, box.y + box.height / 2 - 80, { steps: 8 });
      await map.page.mouse.up();
    }),
  );
  runs.statistics.push(await navigated(map.page, "#/statistics"));
  runs.incidents.push(await navigated(map.page, "#/map"));
  await map.context.close();
  const stats = await opened(browser, "#/statistics");
  runs.statisticsLoad.push(stats.ms);
  await stats.context.close();
}
await browser.close();

const report = [
  ["ui.incidents_open", "incidents page loaded and drawn", runs.open],
  ["ui.map_zoom", "map zoomed in one step and redrawn", runs.zoom],
  ["ui.map_pan", "map panned and redrawn", runs.pan],
  ["ui.statistics_open", "statistics page opened from the menu", runs.statistics],
  ["ui.incidents_navigate", "incidents page opened from the menu", runs.incidents],
  ["ui.statistics_load", "statistics page loaded and drawn", runs.statisticsLoad],
];
console.log(`web UI in Chromium over ${total} incidents (${ROUNDS} rounds): median, slowest`);
for (const [id, label, ms] of report) {
  console.log(`  ${label.padEnd(40)} ${median(ms).toFixed(0).padStart(6)} ms ${Math.max(...ms).toFixed(0).padStart(6)} ms`);
  figure(id, median(ms).toFixed(1), "ms", `median; ${conditions}`);
  figure(`${id}_slowest`, Math.max(...ms).toFixed(1), "ms", conditions);
}
