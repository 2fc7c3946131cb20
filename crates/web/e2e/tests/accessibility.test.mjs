// Every page passes an automated accessibility audit in the real browser:
// axe-core (from npm, pinned in this directory's lock file, loaded into the
// page by the test only — never shipped in static/) finds no serious or
// critical violation on any page, in English and in a right-to-left
// language, in the present and as of a past moment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Runs axe-core on the page as it stands; the serious and critical violations. */
async function audit(page) {
  // The page's CSP allows no script but its own: the test's context
  // bypasses it (`bypassCSP`) to load axe, as a reader's extension would.
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

function describe(violations) {
  return violations.map((v) => `${v.impact} ${v.id} (${v.help}):\n  ${v.nodes.slice(0, 5).join("\n  ")}`).join("\n");
}

async function auditedUser() {
  const { context, page, problems } = await user(browser, { bypassCSP: true });
  return { context, page, problems };
}

async function firstIncident(page) {
  const list = await page.evaluate(() => fetch("/api/v1/incidents?limit=1").then((r) => r.json()));
  return list.items[0].index;
}

const PAGES = ["#/", "#/map", "#/map?view=density", "#/talks", "#/agreement", "#/commitments", "#/channel", "#/statistics", "#/reports", "#/trust", "#/sign-in"];

for (const language of ["en", "ar"]) {
  test(`every page passes axe-core with no serious or critical violation (${language})`, async () => {
    const { page, problems, context } = await auditedUser();
    await open(page, "#/");
    if (language !== "en") {
      await page.selectOption("#language", language);
      await page.waitForFunction((l) => document.documentElement.lang === l, language);
    }
    const incident = await firstIncident(page);
    const failures = [];
    for (const hash of [...PAGES, `#/incidents/${incident}`]) {
      await open(page, hash);
      // Charts and the map draw after the view has rendered.
      await page.waitForTimeout(300);
      const found = await audit(page);
      if (found.length) failures.push(`${hash}\n${describe(found)}`);
    }
    if (language === "ar") {
      assert.equal(await page.getAttribute("html", "dir"), "rtl");
      await shot(page, "a11y-case-ar");
    }
    assert.deepEqual(failures, [], failures.join("\n\n"));
    assertClean(problems);
    await context.close();
  });
}

test("pages as of a past moment, and the forms of a signed-in member, pass axe-core too", async () => {
  const { page, problems, context } = await auditedUser();
  await open(page, "#/");
  const timeline = await page.evaluate(() => fetch("/api/v1/as-of").then((r) => r.json()));
  const failures = [];
  for (const hash of [`#/?at=${timeline.latest}`, `#/map?at=${timeline.latest}`, `#/channel?size=${timeline.steps[Math.floor(timeline.steps.length / 2)].size}`]) {
    await open(page, hash);
    await page.waitForSelector("[data-asof-banner]");
    const found = await audit(page);
    if (found.length) failures.push(`${hash}\n${describe(found)}`);
  }
  await signIn(page, "pakistan.liaison");
  const incident = await firstIncident(page);
  for (const hash of ["#/report", "#/import", `#/incidents/${incident}`, "#/agreement", "#/channel", "#/outbox"]) {
    await open(page, hash);
    await page.waitForTimeout(300);
    const found = await audit(page);
    if (found.length) failures.push(`${hash} (signed in)\n${describe(found)}`);
  }
  assert.deepEqual(failures, [], failures.join("\n\n"));
  assertClean(problems);
  await context.close();
});

test("the map has a list alternative: every incident it draws, each a link to its case", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li a");
  const listed = await page.$$eval("#incident-list li a", (els) => els.length);
  const total = (await page.evaluate(() => fetch("/api/v1/incidents?limit=0").then((r) => r.json()))).total;
  assert.equal(listed, total);
  // The list is named, and the map says where its alternative is.
  const label = await page.getAttribute("#incident-list", "aria-label") ?? (await page.$eval("#incident-list", (el) => el.closest("[aria-label]")?.getAttribute("aria-label")));
  assert.ok(label, "the list has a name");
  const described = await page.getAttribute("#map", "aria-describedby");
  assert.ok(described && (await page.$(`#${described}`)), "the map points to its list alternative");
  assertClean(problems);
  await context.close();
});
