// Filing without a connection. Once a page has loaded, its service worker
// keeps the application and the member's recent views; a report filed
// offline is signed at once in the browser, with the moment of filing as its
// claimed time, kept with its photo in IndexedDB and listed as "signed, not
// yet in the log" — across a reload while still offline — and sent, photo
// first, when the network is back. When the member's sequence moved on from
// another device meanwhile, nothing is re-signed until the member agrees in
// a dialog that shows the new sequence number and time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import { createHash } from "node:crypto";
import { BASE, launch, user, open, shot, signIn, assertClean } from "../support.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** A real PNG (RGB, `size`×`size`, a gradient), made here: no binary in the repository. */
function png(size = 16) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = [];
  for (let y = 0; y < size; y++) {
    rows.push(0); // no filter
    for (let x = 0; x < size; x++) rows.push((x * 255) / size, (y * 255) / size, 128);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.from(rows))), chunk("IEND", Buffer.alloc(0))]);
}

const json = async (path) => {
  const response = await fetch(`${BASE}${path}`);
  assert.equal(response.status, 200, path);
  return response.json();
};

/** The log's incident report with this title: its record. */
async function reportTitled(title) {
  const list = await json(`/api/v1/incidents?q=${encodeURIComponent(title)}&limit=5`);
  const found = list.items.filter((i) => i.title === title);
  assert.equal(found.length, 1, `one report titled ${title}: ${JSON.stringify(list.items.map((i) => i.title))}`);
  return json(`/api/v1/records/${found[0].index}`);
}

/** A member signed in, with the page under its service worker and its views seen once online. */
async function memberOnline(member, options = {}) {
  const u = await user(browser, { serviceWorkers: "allow", ...options });
  await signIn(u.page, member);
  await u.page.waitForFunction(() => navigator.serviceWorker?.controller != null);
  // Loaded again under the worker: the views it reads are now kept.
  await open(u.page, "#/");
  await open(u.page, "#/report");
  await u.page.waitForSelector("#report-form");
  return u;
}

async function fillReport(page, title, { photo } = {}) {
  await page.fill("#r-title", title);
  await page.selectOption("#r-type", "armed_clash");
  await page.fill("#r-narrative", "Filed with no connection at the crossing (test record).");
  await page.fill("#r-lat", "31.000000");
  await page.fill("#r-lon", "66.400000");
  if (photo) await page.setInputFiles("#r-files", { name: "gate.png", mimeType: "image/png", buffer: photo });
}

// Offline, a read the page makes of a view never seen fails, and Chromium
// logs the refused resource; those lines are the expected sound of being offline.
const offlineNoise = (problems) => problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|status of 503/.test(p));

test("a report filed offline is signed at once, kept with its photo, and lands in the log with its time when the network is back", async () => {
  const { page, problems, context } = await memberOnline("pakistan.liaison");
  // One report filed online first: the views the page last read do not know
  // its sequence number, but this browser saw it filed.
  await fillReport(page, `Filed online before the connection went ${Date.now()}`);
  await page.click("#report-submit");
  await page.waitForSelector(".case-page");
  const before = await json("/api/v1/members/pakistan.liaison");
  await page.evaluate(() => (location.hash = "#/report"));
  await page.waitForSelector("#report-form");

  await context.setOffline(true);
  const title = `Filed offline at the crossing ${Date.now()}`;
  const photo = png();
  await fillReport(page, title, { photo });
  await page.click("#report-submit");
  await page.waitForFunction(() => document.body.dataset.rendered === "#/outbox");
  await page.waitForSelector(".outbox-item");
  const item = page.locator(".outbox-item");
  assert.match(await item.textContent(), /Signed, not yet in the log/);
  assert.match(await item.textContent(), /gate\.png/);
  assert.match(await item.textContent(), /Waiting for a connection/);
  // Signed now: the evidence record and the report, at the next sequence numbers.
  assert.equal(await item.getAttribute("data-seq"), String(before.next_seq));
  const claimed = await item.locator("dd code").first().textContent();
  assert.match(claimed, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(await page.getAttribute("#outbox-badge", "data-count"), "1");
  await shot(page, "offline-queued");

  // A reload with no connection: the application comes from the worker, the
  // queued report from IndexedDB, and views from what was last seen.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.rendered === "#/outbox");
  await page.waitForSelector(".outbox-item");
  assert.equal(await page.locator(".outbox-item dd code").first().textContent(), claimed);
  await page.evaluate(() => (location.hash = "#/"));
  await page.waitForFunction(() => document.body.dataset.rendered === "#/");
  await page.waitForSelector("#offline-banner");
  assert.match(await page.textContent("#offline-banner"), /Offline — shown as last seen at/);
  await shot(page, "offline-dashboard");
  // Still nothing in the log.
  assert.equal((await json("/api/v1/members/pakistan.liaison")).next_seq, before.next_seq);

  await page.evaluate(() => (location.hash = "#/outbox"));
  await page.waitForFunction(() => document.body.dataset.rendered === "#/outbox");
  await context.setOffline(false);
  await page.waitForSelector("#outbox-empty");
  assert.equal(await page.$("#outbox-badge"), null);
  await shot(page, "offline-sent");

  const report = await reportTitled(title);
  await page.waitForSelector(".notice.success");
  assert.equal(await page.textContent(".notice.success"), `Recorded in the log as #${report.index}.`);
  assert.equal(report.record.envelope.time, claimed, "the claimed time is the moment of filing");
  assert.equal(report.record.envelope.seq, before.next_seq + 1);
  const [evidenceHash] = report.record.envelope.body.evidence;
  const evidence = await json(`/api/v1/records/by-hash/${evidenceHash.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`);
  assert.equal(evidence.record.envelope.time, claimed);
  const digest = `sha256:${createHash("sha256").update(photo).digest("hex")}`;
  assert.equal(evidence.record.envelope.body.digest, digest);
  const download = await fetch(`${BASE}/api/v1/evidence/${encodeURIComponent(digest)}`);
  assert.equal(download.status, 200);
  assert.deepEqual(Buffer.from(await download.arrayBuffer()), photo, "the photo uploaded before its record");

  // What was read as this member is not kept for whoever signs in next.
  const kept = () => page.evaluate(async () => (await caches.match("/api/v1/members/pakistan.liaison")) !== undefined);
  assert.equal(await kept(), true);
  await page.click("#sign-out");
  await page.waitForFunction(() => !sessionStorage.getItem("truce.session"));
  await page.waitForFunction(async () => (await caches.match("/api/v1/members/pakistan.liaison")) === undefined);
  assert.deepEqual(offlineNoise(problems), []);
  await context.close();
});

test("when the member's sequence moved on from another device, the queued report is signed again only with consent", async () => {
  const member = "afghanistan.liaison";
  const { page, problems, context } = await memberOnline(member, { bypassCSP: true });
  await context.setOffline(true);
  const title = `Queued while another device filed ${Date.now()}`;
  await fillReport(page, title);
  await page.click("#report-submit");
  await page.waitForSelector(".outbox-item");
  const queuedSeq = Number(await page.getAttribute(".outbox-item", "data-seq"));
  const filedAt = await page.locator(".outbox-item dd code").first().textContent();

  // Meanwhile the same member files from another device, online.
  const other = await user(browser);
  await signIn(other.page, member);
  await open(other.page, "#/report");
  await other.page.waitForSelector("#report-form");
  const otherTitle = `Filed from the other device ${Date.now()}`;
  await fillReport(other.page, otherTitle);
  await other.page.click("#report-submit");
  await other.page.waitForSelector(".case-page");
  const taken = await reportTitled(otherTitle);
  assert.equal(taken.record.envelope.seq, queuedSeq, "the other device took the queued record's sequence number");
  assertClean(other.problems);
  await other.context.close();

  // Online again: the log refuses the queued report, and the member is asked.
  await context.setOffline(false);
  await page.waitForSelector("#resign-dialog[open]");
  const row = page.locator("#resign-dialog tbody tr");
  assert.equal(await row.count(), 1);
  assert.equal(await row.getAttribute("data-new-seq"), String(queuedSeq + 1));
  // The other device's record claims a later time than the moment of filing
  // (the log forbids an author's times to go back): the new time is that
  // record's, and the dialog says so; otherwise the moment of filing stays.
  const latest = taken.record.envelope.time;
  const expected = latest > filedAt ? latest : filedAt;
  assert.equal(await row.getAttribute("data-new-time"), expected);
  assert.match(await page.textContent("#resign-dialog"), latest > filedAt ? /Moved to the time of your latest record/ : /The moment of filing is kept/);
  assert.match(await page.textContent("#resign-dialog"), new RegExp(`expects sequence number ${queuedSeq + 1}`));
  assert.equal((await json(`/api/v1/members/${member}`)).next_seq, queuedSeq + 1, "nothing was re-signed or sent without consent");
  // The page's CSP allows no script but its own: this context bypasses it
  // to load axe-core, as accessibility.test.mjs does.
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(violations, [], "the dialog passes axe-core");
  await shot(page, "offline-conflict");

  // Not now: it waits, in conflict, and is asked about again on the next load.
  await page.click("#resign-cancel");
  await page.waitForSelector("#resign-dialog", { state: "detached" });
  await page.waitForSelector('.outbox-item[data-state="conflict"] [data-resign]');
  assert.equal((await json(`/api/v1/members/${member}`)).next_seq, queuedSeq + 1);
  await page.reload();
  await page.waitForSelector("#resign-dialog[open]");

  await page.click("#resign-confirm");
  await page.waitForSelector("#outbox-empty");
  const report = await reportTitled(title);
  assert.equal(report.record.envelope.seq, queuedSeq + 1);
  assert.equal(report.record.envelope.time, expected);
  // The refusal of the queued report, and the look-up by its hash that
  // showed it was not in the log, are the two failed loads expected here.
  const expectedRefusals = /status of 422 \(Unprocessable Entity\)|status of 404 \(Not Found\)/;
  assert.deepEqual(offlineNoise(problems).filter((p) => !expectedRefusals.test(p)), []);
  await context.close();
});

test("an answer to a case, given offline from the page last seen, is signed at once and filed when the network is back", async () => {
  // Pakistan's liaison reports, online, accusing Afghanistan.
  const reporter = await user(browser);
  await signIn(reporter.page, "pakistan.liaison");
  await open(reporter.page, "#/report");
  await reporter.page.waitForSelector("#report-form");
  const title = `Answered offline ${Date.now()}`;
  await fillReport(reporter.page, title);
  await reporter.page.selectOption("#r-accused", "afghanistan");
  await reporter.page.click("#report-submit");
  await reporter.page.waitForSelector(".case-page");
  assertClean(reporter.problems);
  await reporter.context.close();
  const report = await reportTitled(title);
  const list = await json(`/api/v1/incidents?q=${encodeURIComponent(title)}&limit=1`);
  const index = list.items[0].index;

  // Afghanistan's liaison has the case on screen, and loses the connection.
  const { page, problems, context } = await memberOnline("afghanistan.liaison");
  await open(page, `#/incidents/${index}`);
  await page.waitForSelector("#respond");
  const next = (await json("/api/v1/members/afghanistan.liaison")).next_seq;
  await context.setOffline(true);
  await page.click("#respond summary");
  await page.selectOption("#respond select[name=stance]", "deny");
  await page.fill("#respond textarea[name=narrative]", "No Afghan unit was near the crossing (answered offline).");
  await page.click("form[data-action=respond] button[type=submit]");
  await page.waitForSelector(".notice.success");
  assert.match(await page.textContent(".notice.success"), new RegExp(`Signed with sequence number ${next}, not yet in the log`));
  await page.waitForSelector("#offline-banner");
  assert.equal(await page.getAttribute("#outbox-badge", "data-count"), "1");
  // The answer waiting here is this side's answer: the form is not offered again.
  await page.waitForFunction(() => !document.getElementById("respond"));
  await shot(page, "offline-answer-queued");

  await context.setOffline(false);
  await page.waitForFunction(() => !document.getElementById("outbox-badge"));
  const answer = await json(`/api/v1/incidents/${index}`);
  const response = answer.records.find((r) => r.record.envelope.kind === "incident.response");
  assert.ok(response, "the answer is in the log");
  assert.equal(response.record.envelope.seq, next);
  assert.equal(response.record.envelope.body.incident, report.leaf_hash);
  assert.deepEqual(offlineNoise(problems), []);
  await context.close();
});

test("a queued record may be discarded, and then never reaches the log", async () => {
  const { page, problems, context } = await memberOnline("pakistan.liaison");
  const before = await json("/api/v1/members/pakistan.liaison");
  await context.setOffline(true);
  const title = `Discarded before it was sent ${Date.now()}`;
  await fillReport(page, title);
  await page.click("#report-submit");
  await page.waitForSelector(".outbox-item");
  page.once("dialog", (dialog) => dialog.accept());
  await page.click(".outbox-item [data-discard]");
  await page.waitForSelector("#outbox-empty");
  assert.equal(await page.$("#outbox-badge"), null);

  await context.setOffline(false);
  await page.reload();
  await page.waitForSelector("#outbox-empty");
  const list = await json(`/api/v1/incidents?q=${encodeURIComponent(title)}&limit=5`);
  assert.deepEqual(list.items, []);
  assert.equal((await json("/api/v1/members/pakistan.liaison")).next_seq, before.next_seq);
  assert.deepEqual(offlineNoise(problems), []);
  await context.close();
});
