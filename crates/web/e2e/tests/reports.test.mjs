// The Reports page: a period and a language picked, the server's HTML
// report previewed in a sandboxed frame, the PDF to download — real bytes
// of a PDF, the same the API serves — and the list of published reports.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, user, open, shot, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the reports page previews a week of the record and offers its PDF", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/reports?from=2025-10-25&to=2025-11-01&lang=en");
  await page.waitForSelector("#report-preview");
  assert.equal(await page.inputValue("input[name=from]"), "2025-10-25");
  assert.equal(await page.inputValue("select[name=lang]"), "en");
  // The preview is the server's report, with its contents, citations and map.
  const frame = await (await page.waitForSelector("#report-preview")).contentFrame();
  await frame.waitForSelector("section#records");
  assert.match(await frame.textContent("h1"), /Periodic report/);
  assert.ok(await frame.$("nav a[href='#summary']"), "a week has its table of contents");
  assert.ok(await frame.$("figure svg"), "charts and the map are inline SVG");
  const cites = await frame.$$eval("a[href^='#r']", (els) => els.length);
  assert.ok(cites > 10, `items cite their records: ${cites}`);
  // The download is a PDF, byte for byte what the API serves.
  const href = await page.getAttribute("#report-pdf", "href");
  assert.match(href, /format=pdf/);
  const head = await page.evaluate((url) => fetch(url).then((r) => r.arrayBuffer()).then((b) => String.fromCharCode(...new Uint8Array(b).slice(0, 5))), href);
  assert.equal(head, "%PDF-");
  // Published reports: the demo publishes none, and the page says so.
  assert.ok((await page.$("#published-none")) || (await page.$("#published-reports li")));
  await shot(page, "reports");
  // Another language: the form keeps it in the URL and the preview follows.
  await page.selectOption("select[name=lang]", "ar");
  await page.click("#report-form button[type=submit]");
  await page.waitForFunction(() => location.hash.includes("lang=ar"));
  await page.waitForFunction(() => document.querySelector("#report-preview")?.getAttribute("src")?.includes("lang=ar"));
  const arabic = await (await page.waitForSelector("#report-preview")).contentFrame();
  await arabic.waitForSelector("html[dir=rtl] section#records");
  assertClean(problems);
  await context.close();
});

test("as of a past moment, the page offers the week up to it, built from a checkpoint the log had then", async () => {
  const { page, problems, context } = await user(browser);
  const moment = "2025-11-08T10:00:00Z";
  await open(page, `#/reports?at=${moment}`);
  await page.waitForSelector("#report-built-from");
  assert.equal(await page.inputValue("input[name=from]"), "2025-11-01");
  assert.equal(await page.inputValue("input[name=to]"), "2025-11-08");
  // The report is the record as it stood at its period's end: the moment.
  const url = new URL(await page.getAttribute("#report-pdf", "href"), BASE);
  assert.equal(url.searchParams.get("to"), moment);
  assert.equal(url.searchParams.get("from"), "2025-11-01T10:00:00Z");
  // Built from a checkpoint the log signed, within what the moment counts.
  const size = Number(url.searchParams.get("size"));
  const then = await page.evaluate((m) => fetch(`/api/v1/summary?at=${m}`).then((r) => r.json()), moment);
  assert.ok(size >= 1 && size <= then.size, `size ${size} of ${then.size}`);
  const checkpoint = await page.evaluate((s) => fetch(`/api/v1/checkpoints/${s}`).then((r) => r.status), size);
  assert.equal(checkpoint, 200);
  assert.match(await page.textContent("#report-built-from"), new RegExp(`${size}`));
  // The published list is of that moment too.
  const listed = await page.evaluate((m) => fetch(`/api/v1/reports/published?at=${m}`).then((r) => r.json()), moment);
  assert.equal(await page.$$eval("#published-reports li", (els) => els.length), listed.reports.length);
  await shot(page, "reports-as-of");
  assertClean(problems);
  await context.close();
});
