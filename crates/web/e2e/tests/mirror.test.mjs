// A party's mirror (`truce mirror --listen`) serves the same web interface
// read-only from its own verified copy, with a line above every page saying
// whose log it copies, how much of it this copy holds and how far behind it
// is. On the log's own server there is no such line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, user, shot, assertClean } from "../support.mjs";

const MIRROR = process.env.TRUCE_E2E_MIRROR_URL;

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("a party's mirror says whose log it copies and shows the record from its own copy", async () => {
  assert.ok(MIRROR, "TRUCE_E2E_MIRROR_URL: the suite runs beside a mirror of the demo");
  const { page, problems, context } = await user(browser, { base: MIRROR });
  // The mirror has caught up with the log's witnessed checkpoint (it
  // follows every second).
  let status;
  for (let i = 0; i < 60; i++) {
    status = (await (await fetch(`${MIRROR}/api/v1/mirror`)).json()).mirror;
    if (status.source_size != null && status.behind === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(status.behind, 0, JSON.stringify(status));
  assert.ok(status.size > 100, `the whole scenario: ${status.size}`);
  assert.equal(status.state, "following");
  await page.goto(`${MIRROR}/#/`);
  const banner = await page.waitForSelector("#mirror-banner");
  assert.equal(await banner.getAttribute("data-state"), "following");
  const text = await banner.textContent();
  assert.ok(text.includes(BASE), `the banner names the log it copies: ${text}`);
  assert.match(text, new RegExp(`${status.size.toLocaleString("en")}`), `and how much it holds: ${text}`);
  // The pages read the mirror's own copy: the same record as the log's.
  await page.waitForFunction(() => document.body.dataset.rendered === "#/");
  const mirrored = await page.evaluate(() => fetch("/api/v1/summary").then((r) => r.json()));
  assert.equal(mirrored.size, status.size);
  await shot(page, "mirror");
  assertClean(problems);
  await context.close();
});

test("the log's own server shows no mirror line", async () => {
  const { page, problems, context } = await user(browser);
  await page.goto(`${BASE}/#/`);
  await page.waitForFunction(() => document.body.dataset.rendered === "#/");
  assert.equal(await page.$("#mirror-banner"), null);
  assertClean(problems);
  await context.close();
});
