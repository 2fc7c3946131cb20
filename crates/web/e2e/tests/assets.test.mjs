// The page loads its scripts and styles under /assets/v/<version>/, the
// version being a digest of this build's static files, and the modules
// import each other (and fetch their catalogs and data) by relative URLs: so
// every module a page runs comes from one build, and an upgrade cannot leave
// a browser running cached old modules beside new ones. The page itself is
// revalidated every time, since it names the version.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, user, open, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("every module and stylesheet a page loads comes from one versioned build", async () => {
  const index = await fetch(`${BASE}/`);
  assert.equal(index.headers.get("cache-control"), "no-cache");
  const version = (await index.text()).match(/src="\/assets\/v\/([0-9a-f]{16})\/app\/main\.js"/)?.[1];
  assert.ok(version, "the page names its build");
  const [versioned, plain] = await Promise.all([fetch(`${BASE}/assets/v/${version}/app/main.js`), fetch(`${BASE}/assets/app/main.js`)]);
  assert.equal(versioned.status, 200);
  assert.equal(await versioned.text(), await plain.text());
  assert.equal((await fetch(`${BASE}/assets/v/0000000000000000/app/main.js`)).status, 404, "another build's files are not served");

  const { page, problems, context } = await user(browser);
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li a");
  const loaded = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((p) => p.startsWith("/assets/")));
  assert.ok(loaded.some((p) => p.endsWith("/app/views/case.js")) && loaded.some((p) => p.endsWith("/app/i18n/en.json")) && loaded.some((p) => p.endsWith("/data/region.geojson")), loaded.join("\n"));
  assert.deepEqual(loaded.filter((p) => !p.startsWith(`/assets/v/${version}/`)), []);
  assertClean(problems);
  await context.close();
});
