// The witnesses, as the browser holds the log to them: a record just filed
// waits for their cosignatures before its badge says verified, and a quorum
// that does not come is named, witness by witness.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

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

async function fileReport(page, title) {
  const at = new Date(Date.now() - 3600_000).toISOString().replace(/:\d\d\.\d{3}Z$/, ":00Z");
  const zero = { low: 0, best: 0, high: 0 };
  return sign(page, "incident.report", {
    title,
    incident_type: "other",
    time: { at, precision: "hour" },
    places: [{ point: { lat_e6: 34_101_000, lon_e6: 71_097_000 }, precision: "locality", location: "Torkham" }],
    casualties: { killed: { military: zero, civilian: zero }, injured: { military: zero, civilian: zero } },
    narrative: "Shots heard near the gate (test record).",
    accused: "pakistan",
    evidence: [],
  });
}

/**
 * Serves, while `hold.stale` is true, the witnessed checkpoint the log
 * served before: the witnesses have not yet cosigned one that covers what
 * was filed since.
 */
async function holdCheckpoint(page) {
  const hold = { stale: true, note: await page.evaluate(() => fetch("/checkpoint").then((r) => r.text())) };
  await page.route(
    (url) => url.pathname === "/checkpoint",
    (route) => (hold.stale ? route.fulfill({ status: 200, contentType: "text/plain; charset=utf-8", body: hold.note }) : route.continue()),
  );
  return hold;
}

test("a record just filed waits for the witnesses, then its badge verifies", async () => {
  const { page, problems, context } = await user(browser);
  await signIn(page, "afghanistan.liaison");
  const hold = await holdCheckpoint(page);
  const report = await fileReport(page, `Awaiting the witnesses ${Date.now()}`);
  await open(page, `#/incidents/${report.index}`);
  await page.waitForSelector("#proof-badge[data-state=awaiting]");
  assert.match(await page.textContent("#proof-badge"), /Awaiting the witnesses/);
  await shot(page, "witness-awaiting");
  // The witnesses cosign: the badge, trying again, finds the record covered.
  hold.stale = false;
  await page.waitForSelector("#proof-badge[data-state=verified]");
  assert.match(await page.textContent("#proof-badge"), /Included in the log/);
  assertClean(problems);
  await context.close();
});

test("a quorum that does not come is named: who witnessed, and whose witness is silent since when", async () => {
  const { page, problems, context } = await user(browser);
  await signIn(page, "afghanistan.liaison");
  const hold = await holdCheckpoint(page);
  const report = await fileReport(page, `A silent witness ${Date.now()}`);
  // What the log says of its witnesses: Afghanistan's has not answered
  // since a quarter past four (the others cosigned its latest checkpoint).
  await page.route(
    (url) => url.pathname === "/api/v1/witnessing",
    async (route) => {
      const status = await (await route.fetch()).json();
      const silent = status.witnesses.find((w) => w.name === "afghanistan");
      silent.failing_since = "2026-12-03T16:15:00Z";
      silent.last_error = "connection refused";
      status.latest.cosigners = status.latest.cosigners.filter((c) => c.witness !== "afghanistan");
      status.latest.quorum_met = false;
      return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(status) });
    },
  );
  await page.clock.install();
  await open(page, `#/incidents/${report.index}`);
  await page.waitForSelector("#proof-badge[data-state=awaiting]");
  await page.clock.fastForward(31_000);
  await page.waitForSelector("#proof-badge[data-state=unwitnessed]");
  const text = await page.textContent("#proof-badge");
  assert.match(text, /Not yet witnessed/);
  assert.match(text, /Witnessed by \u2068Pakistan, Türkiye, and Qatar\u2069 — /);
  assert.match(text, /\u2068Afghanistan\u2069's witness has not answered since \u2068Dec 3, 2026, 16:15 UTC\u2069/);
  await shot(page, "witness-silent");
  hold.stale = false;
  await page.clock.fastForward(6_000);
  await page.waitForSelector("#proof-badge[data-state=verified]");
  assertClean(problems);
  await context.close();
});

test("the dashboard shows who witnessed the checkpoint, each cosignature checked in the browser", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  await page.waitForSelector("[data-witnessed]");
  const witnesses = await page.$$eval("#witness-list li", (els) => els.map((e) => [e.dataset.witness, e.dataset.cosigned, e.querySelector("bdi").textContent]));
  assert.deepEqual(witnesses, [
    ["pakistan", "verified", "Pakistan"],
    ["afghanistan", "verified", "Afghanistan"],
    ["turkiye", "verified", "Türkiye"],
    ["qatar", "verified", "Qatar"],
  ]);
  assert.equal(await page.getAttribute("[data-witnessed]", "data-witnessed"), "true");
  assert.match(await page.textContent("[data-witnessed]"), /quorum \(\u2068everyone\u2069\) is met/);
  assert.equal(await page.isVisible("#witness-status"), false);
  await shot(page, "witness-dashboard");
  assertClean(problems);
  await context.close();
});

test("a tampered cosignature does not verify in the browser, and without it the quorum is not met", async () => {
  const { page, problems, context } = await user(browser);
  // Qatar's cosignature altered by one bit on the way, Afghanistan's dropped.
  await page.route(
    (url) => url.pathname === "/checkpoint",
    async (route) => {
      const note = await (await route.fetch()).text();
      const tampered = note
        .split("\n")
        .filter((line) => !line.startsWith("— afghanistan.witness "))
        .map((line) => {
          if (!line.startsWith("— qatar.witness ")) return line;
          const bytes = Buffer.from(line.split(" ")[2], "base64");
          bytes[bytes.length - 1] ^= 1;
          return `— qatar.witness ${bytes.toString("base64")}`;
        })
        .join("\n");
      assert.notEqual(tampered, note);
      return route.fulfill({ status: 200, contentType: "text/plain; charset=utf-8", body: tampered });
    },
  );
  await open(page, "#/");
  await page.waitForSelector("[data-witnessed]");
  const states = Object.fromEntries(await page.$$eval("#witness-list li", (els) => els.map((e) => [e.dataset.witness, e.dataset.cosigned])));
  assert.deepEqual(states, { pakistan: "verified", afghanistan: "missing", turkiye: "verified", qatar: "invalid" });
  assert.equal(await page.getAttribute("[data-witnessed]", "data-witnessed"), "false");
  assert.match(await page.textContent("[data-witnessed]"), /quorum \(\u2068everyone\u2069\) is not met/);
  await page.waitForFunction(() => document.getElementById("witness-status")?.textContent.includes("Qatar"));
  const status = await page.textContent("#witness-status");
  assert.match(status, /Witnessed by \u2068Pakistan and Türkiye\u2069 — /);
  assert.match(status, /\u2068Qatar\u2069's cosignature does not verify in this browser/);
  await shot(page, "witness-tampered-dashboard");

  // A proof against that checkpoint proves nothing.
  const { items } = await page.evaluate(() => fetch("/api/v1/incidents?limit=1").then((r) => r.json()));
  await open(page, `#/incidents/${items[0].index}`);
  await page.waitForSelector("#proof-badge[data-state=failed]");
  assert.match(await page.textContent("#proof-badge"), /do not meet the charter's quorum everyone \(verified: pakistan, turkiye; the cosignatures of qatar do not verify\)/);
  assertClean(problems);
  await context.close();
});
