// The Reports page: a period and a language picked, the server's HTML
// report previewed in a sandboxed frame, the PDF to download — real bytes
// of a PDF, the same the API serves — and the list of published reports.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, user, open, shot, signIn, assertClean } from "../support.mjs";

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

test("a decided consequence links to the report published for it, served only as signed", async () => {
  const { page, problems, context } = await user(browser);
  await signIn(page, "qatar.mediator");
  // The demo's first decided consequence, and the case it belongs to.
  const found = await page.evaluate(async () => {
    const { records } = await fetch("/api/v1/records?limit=1000").then((r) => r.json());
    const decision = records.find((r) => r.record.envelope.kind === "penalty.decision");
    const { items: incidents } = await fetch("/api/v1/incidents?limit=500").then((r) => r.json());
    for (const incident of incidents) {
      const page = await fetch(`/api/v1/incidents/${incident.index}`).then((r) => r.json());
      if (page.records.some((r) => r.index === decision.index)) return { decision, incident: incident.index };
    }
    return { decision, incident: null };
  });
  assert.notEqual(found.incident, null, "the decision belongs to a case");
  // A mediator publishes a week's report as that decision's public report:
  // the digest of the bytes the API builds, signed with the app's own code.
  const published = await page.evaluate(async (decision) => {
    const size = Number((await fetch("/checkpoint").then((r) => r.text())).split("\n")[1]);
    const period = { from: "2025-10-25T00:00:00Z", to: "2025-11-01T00:00:00Z" };
    const query = new URLSearchParams({ ...period, lang: "en", format: "md", size: String(size) });
    const bytes = await fetch(`/api/v1/reports?${query}`).then((r) => r.arrayBuffer());
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    const digest = `sha256:${[...hash].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
    const { submit } = await import(new URL("records.js", document.querySelector("script[type=module]").src));
    const charter = await fetch("/api/v1/records/0").then((r) => r.json());
    const body = { digest, ...period, lang: "en", format: "md", checkpoint_size: size, decision: decision.leaf_hash };
    const receipt = await submit("report.publish", body, charter.record.envelope.body.origin);
    return { digest, receipt };
  }, found.decision);
  // The case page shows the decision with a link to it…
  await open(page, `#/incidents/${found.incident}`);
  const link = await page.waitForSelector(`.public-report[data-decision="${found.decision.index}"] a`);
  const href = await link.getAttribute("href");
  assert.match(href, /^\/api\/v1\/reports\/published\/\d+$/);
  assert.match(await link.textContent(), /2025-10-25/);
  // …and the file it serves is the one whose digest was signed.
  const served = await page.evaluate(async (url) => {
    const response = await fetch(url);
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
    return { status: response.status, digest: `sha256:${[...hash].map((b) => b.toString(16).padStart(2, "0")).join("")}` };
  }, href);
  assert.equal(served.status, 200);
  assert.equal(served.digest, published.digest);
  await shot(page, "case-public-report");
  assertClean(problems);
  await context.close();
});
