// Shared by the end-to-end tests: Debian's Chromium driven by playwright-core
// (never a downloaded browser), one browser context per user, and a watch on
// every page for console errors, Content-Security-Policy violations and any
// request that leaves the server's origin.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";

export const BASE = process.env.TRUCE_E2E_BASE_URL ?? "http://127.0.0.1:8080";
const SHOTS = process.env.TRUCE_E2E_SCREENSHOTS ?? "screenshots";
mkdirSync(SHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.TRUCE_E2E_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/** A fresh context (its own storage: one user) with a watched page. */
export async function user(browser, { viewport = { width: 1440, height: 1000 }, bypassCSP = false, serviceWorkers = "block", base = BASE } = {}) {
  // bypassCSP: only for a test that loads its own script into the page
  // (the accessibility audit's axe-core). The page's service worker (offline
  // use) is allowed only where a test asks for it (tests/offline.test.mjs):
  // a request the worker answers never reaches `page.route`, by which other
  // tests stand in for a hostile or slow server.
  const context = await browser.newContext({ viewport, locale: "en-GB", timezoneId: "UTC", bypassCSP, serviceWorkers });
  const page = await context.newPage();
  const problems = [];
  // The one origin the page may reach: the server it came from (a test of
  // a party's mirror passes the mirror's URL as `base`).
  const origin = new URL(base).origin;
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.origin !== origin) problems.push(`left the origin: ${request.url()}`);
  });
  return { context, page, problems };
}

/** Opens a view and waits until it has rendered. */
export async function open(page, hash = "#/") {
  // A full load every time: going to the URL a page is already on would
  // change nothing, and the test would read what was there before.
  await page.goto("about:blank");
  await page.goto(`${BASE}/${hash}`);
  await page.waitForFunction((h) => document.body.dataset.rendered === h, hash);
}

export async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

export async function signIn(page, member) {
  await open(page, "#/sign-in");
  await page.click(`[data-demo-member="${member}"]`);
  await page.waitForSelector("#sign-out");
  await page.waitForFunction(() => document.body.dataset.rendered === "#/");
  assert.match(await page.textContent("#session"), new RegExp(member.replace(".", "\\.")));
}

export function assertClean(problems) {
  assert.deepEqual(problems, [], problems.join("\n"));
}
