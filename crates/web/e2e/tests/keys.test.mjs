// Keys in the browser: a member's key is imported once into a
// non-extractable WebCrypto key kept in IndexedDB — nowhere in
// sessionStorage or localStorage — signs from there, and is deleted on
// sign-out; a passphrase-protected key file (written by `truce encrypt-key`
// in the Rust harness, crates/cli/tests/cli/browser.rs) opens only with its
// passphrase.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE, launch, user, open, shot, signIn, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Every IndexedDB key entry this page's origin holds, described (a CryptoKey cannot leave the page). */
function storedKeys(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open("truce");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    if (!db.objectStoreNames.contains("keys")) return [];
    const entries = await new Promise((resolve, reject) => {
      const request = db.transaction("keys").objectStore("keys").getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return Promise.all(
      entries.map(async (e) => ({
        member: e.member,
        isCryptoKey: e.key instanceof CryptoKey,
        type: e.key.type,
        algorithm: e.key.algorithm.name,
        extractable: e.key.extractable,
        usages: e.key.usages,
        // Asking for the bytes must fail.
        exported: await Promise.any(["pkcs8", "jwk", "raw"].map((f) => crypto.subtle.exportKey(f, e.key))).then(
          () => "exported",
          () => "refused",
        ),
      })),
    );
  });
}

/** Everything in sessionStorage and localStorage, as [storage, key, value]. */
function webStorage(page) {
  return page.evaluate(() =>
    [
      ["session", sessionStorage],
      ["local", localStorage],
    ].flatMap(([name, s]) => Object.keys(s).map((k) => [name, k, s.getItem(k)])),
  );
}

/** The 32-byte seed of a demo member's key, as the demo hands it out. */
async function demoSeed(member) {
  const members = await (await fetch(`${BASE}/api/v1/demo/members`)).json();
  const skey = members.find((m) => m.member === member).private_key;
  return Buffer.from(skey.split("+").slice(4).join("+"), "base64").subarray(1);
}

function assertNoKeyMaterial(entries, seed) {
  for (const [storage, key, value] of entries) {
    const where = `${storage}Storage ${key}`;
    assert.ok(!value.includes("PRIVATE+KEY"), `${where} holds a private key`);
    assert.ok(!value.toLowerCase().includes(seed.toString("hex")), `${where} holds the seed in hex`);
    // Any run that could be base64 (either alphabet) of 32 bytes or more
    // must not decode to anything containing the seed.
    for (const run of value.match(/[A-Za-z0-9+/_-]{43,}={0,2}/g) ?? []) {
      for (const start of [0, 1, 2, 3]) {
        const decoded = Buffer.from(run.slice(start).replace(/-/g, "+").replace(/_/g, "/"), "base64");
        assert.ok(!decoded.includes(seed), `${where} holds the seed in base64`);
      }
    }
  }
}

test("a signed-in member's key lives in IndexedDB as a non-extractable CryptoKey, and goes at sign-out", async () => {
  const member = "pakistan.liaison";
  const seed = await demoSeed(member);
  const { page, problems, context } = await user(browser);
  await signIn(page, member);

  const keys = await storedKeys(page);
  assert.deepEqual(keys, [
    { member, isCryptoKey: true, type: "private", algorithm: "Ed25519", extractable: false, usages: ["sign"], exported: "refused" },
  ]);
  const storage = await webStorage(page);
  assert.ok(storage.some(([, k]) => k === "truce.session"), "the session (who, not the key) is in sessionStorage");
  assertNoKeyMaterial(storage, seed);

  // After a reload the tab signs with the stored key, and the signature
  // verifies under the key the log lists for the member.
  await open(page, "#/");
  const verified = await page.evaluate(async (id) => {
    const session = await import(new URL("session.js", document.querySelector("script[type=module]").src));
    const key = await session.signingKey();
    const message = new TextEncoder().encode("truce e2e: a signature from the stored key");
    const signature = await crypto.subtle.sign({ name: "Ed25519" }, key.key, message);
    const listed = await (await fetch(`/api/v1/members/${id}`)).json();
    const logged = listed.keys.find((k) => k.key_id === key.keyId && k.active);
    const raw = Uint8Array.from(atob(logged.public_key), (c) => c.charCodeAt(0));
    const publicKey = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
    return crypto.subtle.verify({ name: "Ed25519" }, publicKey, signature, message);
  }, member);
  assert.equal(verified, true);

  await page.click("#sign-out");
  await page.waitForSelector("#session a[href='#/sign-in']");
  assert.deepEqual(await storedKeys(page), [], "sign-out deletes the key");
  assert.ok(!(await webStorage(page)).some(([, k]) => k === "truce.session"));
  assertClean(problems);
  await context.close();
});

test("a passphrase-protected key file signs in only with its passphrase", { skip: !process.env.TRUCE_E2E_ENCRYPTED_KEY && "TRUCE_E2E_ENCRYPTED_KEY is not set (the Rust harness sets it)" }, async () => {
  const file = process.env.TRUCE_E2E_ENCRYPTED_KEY;
  const member = process.env.TRUCE_E2E_ENCRYPTED_KEY_MEMBER;
  const { page, problems, context } = await user(browser);
  await open(page, "#/sign-in");
  assert.ok(await page.isHidden("#passphrase-field"), "no passphrase asked before a protected file is chosen");
  await page.setInputFiles("#key-file", file);
  await page.waitForSelector("#passphrase-field", { state: "visible" });
  await page.locator("#key-form").scrollIntoViewIfNeeded();
  await shot(page, "sign-in-passphrase");

  await page.click("#key-form button[type=submit]");
  await page.waitForSelector("#key-error .notice.error");
  assert.match(await page.textContent("#key-error"), /protected: enter its passphrase/);

  await page.fill("#key-passphrase", "not the passphrase");
  await page.click("#key-form button[type=submit]");
  await page.waitForFunction(() => /does not open this key file/.test(document.getElementById("key-error").textContent));
  assert.equal(await page.$("#sign-out"), null, "not signed in");
  assert.deepEqual(await storedKeys(page), []);
  await shot(page, "sign-in-wrong-passphrase");

  // The same file with hostile scrypt parameters is refused before any
  // work; with one bit of its ciphertext flipped, the right passphrase fails.
  const text = readFileSync(file, "utf8");
  const [magic, json] = text.split("\n");
  const sealed = JSON.parse(json);
  const variant = (change) => ({ name: "variant.key", mimeType: "text/plain", buffer: Buffer.from(`${magic}\n${JSON.stringify({ ...sealed, ...change })}\n`) });
  const flipped = Buffer.from(sealed.ciphertext, "base64");
  flipped[5] ^= 1;
  for (const [change, message] of [
    [{ log_n: 30 }, /more memory or work than Truce allows/],
    [{ p: 1000 }, /more memory or work than Truce allows/],
    [{ ciphertext: flipped.toString("base64") }, /does not open this key file/],
  ]) {
    await page.setInputFiles("#key-file", variant(change));
    await page.fill("#key-passphrase", process.env.TRUCE_E2E_KEY_PASSPHRASE);
    await page.click("#key-form button[type=submit]");
    await page.waitForFunction((m) => new RegExp(m).test(document.getElementById("key-error").textContent), message.source);
  }
  assert.equal(await page.$("#sign-out"), null, "not signed in");

  await page.setInputFiles("#key-file", file);
  await page.fill("#key-passphrase", process.env.TRUCE_E2E_KEY_PASSPHRASE);
  const started = Date.now();
  await page.click("#key-form button[type=submit]");
  await page.waitForSelector("#sign-out");
  console.log(`scrypt, AES-GCM and sign-in took ${Date.now() - started} ms`);
  assert.match(await page.textContent("#session"), new RegExp(member.replace(".", "\\.")));
  const [key] = await storedKeys(page);
  assert.equal(key.member, member);
  assert.equal(key.extractable, false);
  assert.equal(key.exported, "refused");
  assertClean(problems);
  await context.close();
});

test("a plain key file signs in through the same form", { skip: !process.env.TRUCE_E2E_PLAIN_KEY && "TRUCE_E2E_PLAIN_KEY is not set (the Rust harness sets it)" }, async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/sign-in");
  await page.setInputFiles("#key-file", process.env.TRUCE_E2E_PLAIN_KEY);
  assert.ok(await page.isHidden("#passphrase-field"));
  await page.click("#key-form button[type=submit]");
  await page.waitForSelector("#sign-out");
  const [key] = await storedKeys(page);
  assert.equal(key.extractable, false);
  assertNoKeyMaterial(await webStorage(page), Buffer.from(process.env.TRUCE_E2E_PLAIN_KEY_SEED, "hex"));
  assertClean(problems);
  await context.close();
});
