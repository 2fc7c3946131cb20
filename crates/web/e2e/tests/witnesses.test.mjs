// The witnesses, as the browser holds the log to them: a record just filed
// waits for their cosignatures before its badge says verified, and a quorum
// that does not come is named, witness by witness.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

const vectors = (name) => JSON.parse(readFileSync(new URL(`../../../../testdata/tlog-vectors/cosignature/${name}`, import.meta.url), "utf8"));

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

test("the browser reads policies and cosignatures as the Rust side does: published checkpoints of public witnesses", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  // The same material and the same policy as crates/tlog's
  // a_policy_over_the_public_witnesses_counts_who_cosigned: a staging CT
  // log's checkpoint cosigned by four public witnesses, three more named.
  const result = await page.evaluate(
    async ([v, go]) => {
      const base = document.querySelector("script[type=module]").src;
      const { parsePolicy, parseCosignerKey, verifyCosignatures, PolicyError } = await import(new URL("policy.js", base));
      const { openCheckpoint } = await import(new URL("crypto.js", base));
      const all = [...v.witness_vkeys, ...v.other_witness_vkeys_not_on_this_checkpoint];
      const names = all.map((_, i) => `w${i}`);
      const text = `log ${v.log_vkey}\n${all.map((k, i) => `witness w${i} ${k}`).join("\n")}\ngroup four 4 ${names.join(" ")}\ngroup five 5 ${names.join(" ")}\n`;
      const note = await openCheckpoint(v.checkpoint, v.log_vkey);
      const four = await verifyCosignatures(await parsePolicy(`${text}quorum four\n`), note.text, note.signatures);
      const five = await verifyCosignatures(await parsePolicy(`${text}quorum five\n`), note.text, note.signatures);
      // The same lines on another text prove nothing.
      const forged = await verifyCosignatures(await parsePolicy(`${text}quorum four\n`), note.text.replace(/\n(\d+)\n/, (_, n) => `\n${Number(n) + 1}\n`), note.signatures);
      const refused = async (f) => f().then(() => "accepted", (e) => (e instanceof PolicyError ? "refused" : `threw ${e}`));
      const native = await parseCosignerKey(go.vkey_type_0x04);
      const w = v.witness_vkeys[0];
      return {
        four: [four.cosigners.map((c) => c.witness), four.quorumMet],
        at: four.cosigners.map((c) => c.at.getTime() / 1000),
        five: five.quorumMet,
        forged: [forged.cosigners.length, forged.failed, forged.quorumMet],
        nativeKeyId: native.keyId.toString(16),
        refusals: await Promise.all([
          refused(() => parseCosignerKey(go.vkey_type_0x01_converts)),
          ...go.bad_vkeys.map((k) => refused(() => parseCosignerKey(k))),
          refused(() => parsePolicy(`witness a ${w}\n`)),
          refused(() => parsePolicy(`witness a ${w}\nwitness b ${w}\nquorum a\n`)),
          refused(() => parsePolicy(`group g any a\nwitness a ${w}\nquorum g\n`)),
          refused(() => parsePolicy(`witness a ${w}\ngroup g 2 a\nquorum g\n`)),
          refused(() => parsePolicy(`witness a ${w}\nquorum a\nquorum a\n`)),
          refused(() => parsePolicy(`log ${v.log_vkey}\nlog ${v.log_vkey}\nquorum none\n`)),
          refused(() => parsePolicy(`witness a ${w}\n\rquorum a\n`)),
          refused(() => parsePolicy("cosign everything\nquorum none\n")),
        ]),
        comment: (await parsePolicy(`# the witnesses\nwitness a ${w} https://a.example/#frag\nquorum a\n`)).witnesses[0].url,
      };
    },
    [vectors("public-witnesses.json"), vectors("transparency-dev-formats.json")],
  );
  assert.deepEqual(result.four, [["w0", "w1", "w2", "w3"], true]);
  assert.ok(result.at.every((t) => Number.isInteger(t) && t > 1.7e9), `cosignature times: ${result.at}`);
  assert.equal(result.five, false, "four cosignatures do not meet a quorum of five");
  assert.deepEqual(result.forged, [0, ["w0", "w1", "w2", "w3"], false]);
  assert.equal(result.nativeKeyId, "da77ade7");
  assert.deepEqual(result.refusals, Array(result.refusals.length).fill("refused"));
  assert.equal(result.comment, "https://a.example/#frag");
  assertClean(problems);
  await context.close();
});
