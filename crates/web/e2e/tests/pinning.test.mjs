// The browser does not take the log key from the server it is checking: it
// checks the founders' signatures on the charter, pins the charter's hash and
// log key on first use (or from a value given out of band), checks on every
// visit that the log extends the last checkpoint it saw, and says so loudly
// when the server contradicts any of it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const storage = (page, key) => page.evaluate((k) => JSON.parse(localStorage.getItem(k)), key);
const charterRecord = (page) => page.evaluate(() => fetch("/api/v1/records/0").then((r) => r.json()));
const checkpointSize = (page) => page.evaluate(() => fetch("/checkpoint").then((r) => r.text())).then((note) => Number(note.split("\n")[1]));

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

/** A record filed, and the witnessed checkpoint grown past it. */
async function grow(page) {
  const { index } = await sign(page, "channel.message", { to: ["pakistan"], subject: `Pinning test ${Date.now()}`, text: "A message to make the log grow (test record).", urgent: false });
  for (let tries = 0; (await checkpointSize(page)) <= index; tries++) {
    assert.ok(tries < 120, "the witnesses cosign the grown log within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test("the charter's signatures are checked and its hash and log key pinned on first use", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/trust");
  const charter = await charterRecord(page);
  assert.equal(await page.getAttribute("#trust-state", "data-state"), "ok");
  assert.equal(await page.textContent("#pinned-charter"), charter.leaf_hash);
  assert.equal(await page.textContent("#pinned-log-key"), charter.record.envelope.body.log_key);
  assert.match(await page.textContent("#trust-state"), /on first use/);
  assert.match(await page.textContent("#trust-state"), /turkiye\.host, pakistan\.head, afghanistan\.head, qatar\.mediator/);
  const pin = await storage(page, "truce.pin");
  assert.deepEqual([pin.charter, pin.log_key, pin.how], [charter.leaf_hash, charter.record.envelope.body.log_key, "first-use"]);
  assert.equal((await storage(page, "truce.seen")).size, await checkpointSize(page));
  assert.equal(await page.$("#trust-banner"), null);
  await shot(page, "trust-pinned");
  assertClean(problems);
  await context.close();
});

test("a charter whose founders' signatures do not verify is not believed", async () => {
  const { page, problems, context } = await user(browser);
  await page.route(
    (url) => url.pathname === "/api/v1/records/0",
    async (route) => {
      const charter = await (await route.fetch()).json();
      charter.record.envelope.body.deadlines.incident_response_hours = 720;
      return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(charter) });
    },
  );
  await open(page, "#/");
  await page.waitForSelector("#trust-banner");
  assert.equal(await page.getAttribute("#trust-banner", "data-problem"), "charter_signatures");
  assert.match(await page.textContent("#trust-banner"), /The charter's signatures do not verify\. .*turkiye\.host's signature on the charter does not verify/);
  assert.equal(await storage(page, "truce.pin"), null, "nothing is pinned from a charter that does not verify");
  assertClean(problems);
  await context.close();
});

test("a changed log key is warned about on every page, and nothing is verified under it", async () => {
  const { page, problems, context } = await user(browser);
  const charter = await (await fetch(`${process.env.TRUCE_E2E_BASE_URL ?? "http://127.0.0.1:8080"}/api/v1/records/0`)).json();
  const body = charter.record.envelope.body;
  // A delegation's value given out of band names another log key than the
  // server's (here, as if the server had swapped it: one of the members' keys).
  const other = body.participants[0].members[0].key;
  await open(page, "#/trust");
  await page.fill("#pin-charter", charter.leaf_hash);
  await page.fill("#pin-log-key", other);
  await page.click("#pin-form button[type=submit]");
  await page.waitForSelector("#trust-state[data-state=alarm]");
  assert.equal((await storage(page, "truce.pin")).how, "given");
  assert.equal(await page.getAttribute("#trust-banner", "data-problem"), "log_key_changed");
  assert.match(await page.textContent("#trust-banner"), /The log key has changed\./);
  await shot(page, "trust-log-key-changed");

  // On the next visit, on any page: the banner, and no checkpoint verified.
  await open(page, "#/");
  await page.waitForSelector("#trust-banner[data-problem=log_key_changed]");
  await page.waitForSelector("#checkpoint-body .notice.error");
  assert.equal(await page.$("[data-verified=true]"), null);
  const { items } = await page.evaluate(() => fetch("/api/v1/incidents?limit=1").then((r) => r.json()));
  await open(page, `#/incidents/${items[0].index}`);
  await page.waitForSelector("#proof-badge[data-state=failed]");
  assert.match(await page.textContent("#proof-badge"), /another log key than the one pinned/);
  await page.waitForSelector("#trust-banner[data-problem=log_key_changed]");
  await shot(page, "trust-log-key-changed-case");

  // The right value, given out of band, puts it right.
  await open(page, "#/trust");
  await page.fill("#pin-charter", charter.leaf_hash);
  await page.fill("#pin-log-key", body.log_key);
  await page.click("#pin-form button[type=submit]");
  await page.waitForSelector("#trust-state[data-state=ok]");
  assert.equal(await page.$("#trust-banner"), null);
  assertClean(problems);
  await context.close();
});

test("a changed charter is warned about", async () => {
  const { page, problems, context } = await user(browser);
  const charter = await (await fetch(`${process.env.TRUCE_E2E_BASE_URL ?? "http://127.0.0.1:8080"}/api/v1/records/0`)).json();
  await open(page, "#/trust");
  await page.fill("#pin-charter", Buffer.alloc(32, 7).toString("base64"));
  await page.fill("#pin-log-key", charter.record.envelope.body.log_key);
  await page.click("#pin-form button[type=submit]");
  await page.waitForSelector("#trust-banner[data-problem=charter_changed]");
  assert.match(await page.textContent("#trust-banner"), /The charter has changed\. .*another charter than the one pinned/);
  assertClean(problems);
  await context.close();
});

test("every visit checks that the log extends the checkpoint this browser saw last, and says when it does not", async () => {
  const { page, problems, context } = await user(browser);
  await signIn(page, "afghanistan.liaison");
  const first = await storage(page, "truce.seen");
  assert.ok(first.size > 0);

  // The log grows: the next visit checks a consistency proof from what it saw.
  await grow(page);
  const proofs = [];
  page.on("request", (r) => r.url().includes("/api/v1/proof/consistency") && proofs.push(new URL(r.url()).search));
  await open(page, "#/");
  await page.waitForFunction((size) => JSON.parse(localStorage.getItem("truce.seen")).size > size, first.size);
  assert.match(proofs[0], new RegExp(`from=${first.size}&to=\\d+`));
  assert.equal(await page.$("#trust-banner"), null);

  // It grows again, and the proof the server gives does not hold.
  const second = await storage(page, "truce.seen");
  await grow(page);
  await page.route(
    (url) => url.pathname === "/api/v1/proof/consistency",
    async (route) => {
      const proof = await (await route.fetch()).json();
      const bytes = Buffer.from(proof.proof[0], "base64");
      bytes[0] ^= 1;
      proof.proof[0] = bytes.toString("base64");
      return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(proof) });
    },
  );
  await open(page, "#/");
  await page.waitForSelector("#trust-banner[data-problem=inconsistent]");
  assert.match(await page.textContent("#trust-banner"), /The log does not extend what this browser saw\./);
  assert.deepEqual(await storage(page, "truce.seen"), second, "what it saw is kept, not replaced by what failed");
  await shot(page, "trust-inconsistent");
  await page.unroute((url) => url.pathname === "/api/v1/proof/consistency");

  // A log that shows less than this browser saw has gone back.
  await page.evaluate(() => {
    const seen = JSON.parse(localStorage.getItem("truce.seen"));
    localStorage.setItem("truce.seen", JSON.stringify({ ...seen, size: seen.size + 1000 }));
  });
  await open(page, "#/");
  await page.waitForSelector("#trust-banner[data-problem=rollback]");

  // And one that shows another tree of the size this browser saw has forked.
  const size = await checkpointSize(page);
  await page.evaluate((size) => {
    const seen = JSON.parse(localStorage.getItem("truce.seen"));
    localStorage.setItem("truce.seen", JSON.stringify({ ...seen, size, root: btoa(String.fromCharCode(...new Uint8Array(32).fill(9))) }));
  }, size);
  await open(page, "#/");
  await page.waitForSelector("#trust-banner[data-problem=fork]");
  assert.match(await page.textContent("#trust-banner"), /The log shows another history\./);
  assertClean(problems);
  await context.close();
});
