// People: two party members and a mediator signed in at once, each in a
// separate browser context, with their key signing the challenge in the
// page; the interface in Arabic, right to left; keyboard use; a tablet.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("two parties and a mediator sign in side by side", async () => {
  const people = ["pakistan.liaison", "afghanistan.liaison", "qatar.mediator"];
  const sessions = await Promise.all(people.map(() => user(browser)));
  await Promise.all(sessions.map((s, i) => signIn(s.page, people[i])));
  for (const [i, s] of sessions.entries()) {
    // Each context keeps its own member: nothing is shared between them.
    assert.match(await s.page.textContent("#session"), new RegExp(people[i].replace(".", "\\.")));
    assertClean(s.problems);
  }
  await shot(sessions[2].page, "signed-in-mediator");
  await sessions[0].page.click("#sign-out");
  await sessions[0].page.waitForSelector("#session a[href='#/sign-in']");
  assert.match(await sessions[1].page.textContent("#session"), /afghanistan\.liaison/);
  await Promise.all(sessions.map((s) => s.context.close()));
});

test("the interface reads right to left in Arabic", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  await page.selectOption("#language", "ar");
  await page.waitForFunction(() => document.documentElement.dir === "rtl");
  await page.waitForSelector("[data-verified=true]");
  assert.equal(await page.getAttribute("html", "lang"), "ar");
  assert.equal((await page.textContent("#nav a[aria-current=page]")).trim(), "لوحة المتابعة");
  // The brand sits at the right edge and the navigation follows it leftwards.
  const width = page.viewportSize().width;
  const brand = await page.locator(".brand").boundingBox();
  const nav = await page.locator("#nav").boundingBox();
  assert.ok(brand.x > width / 2, `brand at x=${brand.x}`);
  assert.ok(nav.x + nav.width <= brand.x + 1, "navigation to the left of the brand");
  await shot(page, "dashboard-ar");
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li a");
  await shot(page, "map-ar");
  // The choice is remembered; English comes back as it left.
  await page.selectOption("#language", "en");
  await page.waitForFunction(() => document.documentElement.dir === "ltr");
  assertClean(problems);
  await context.close();
});

test("keyboard users reach the content first and every control has a label", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/map");
  await page.waitForSelector("#incident-list li a");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  const unlabelled = await page.$$eval("input, select, textarea", (els) =>
    els.filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label")).map((el) => el.id || el.name),
  );
  assert.deepEqual(unlabelled, []);
  assertClean(problems);
  await context.close();
});

test("on a tablet nothing overflows the screen", async () => {
  const { page, problems, context } = await user(browser, { viewport: { width: 820, height: 1180 } });
  for (const [hash, ready, name] of [["#/", "[data-verified=true]", "tablet-dashboard"], ["#/map", "#incident-list li a", "tablet-map"]]) {
    await open(page, hash);
    await page.waitForSelector(ready);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${hash} overflows by ${overflow}px`);
    await shot(page, name);
  }
  assertClean(problems);
  await context.close();
});

test("a message on the channel is acknowledged by the side it was sent to", async () => {
  const [pk, af] = await Promise.all([user(browser), user(browser)]);
  await signIn(pk.page, "pakistan.liaison");
  await open(pk.page, "#/channel");
  await pk.page.click("#compose summary");
  await pk.page.check("#compose input[value=afghanistan]");
  await pk.page.fill("#c-subject", "Movement near Ghulam Khan tonight");
  await pk.page.fill("#c-text", "A supply convoy will pass the crossing between 22:00 and 23:00 UTC.");
  await pk.page.click("#compose button[type=submit]");
  await pk.page.waitForSelector(".thread h2:text('Movement near Ghulam Khan tonight')");

  await signIn(af.page, "afghanistan.liaison");
  await open(af.page, "#/channel");
  const thread = af.page.locator(".thread", { hasText: "Movement near Ghulam Khan tonight" });
  await thread.locator("form[data-action=ack] button").click();
  await af.page.waitForFunction(() => [...document.querySelectorAll(".thread")].some((t) => t.textContent.includes("Movement near Ghulam Khan tonight") && t.querySelector(".receipts li.acknowledged")));
  await shot(af.page, "channel-acknowledged");
  for (const u of [pk, af]) {
    assertClean(u.problems);
    await u.context.close();
  }
});

test("restricted evidence opens only after the read is signed into the log", async () => {
  const anonymous = await user(browser);
  await open(anonymous.page, "#/map?q=Barmal");
  await anonymous.page.waitForSelector("#incident-list li a");
  const href = await anonymous.page.$eval("#incident-list li a", (a) => a.getAttribute("href"));
  await open(anonymous.page, href);
  assert.ok(await anonymous.page.$(".notice.restricted"), "marked restricted");
  assert.equal(await anonymous.page.$(".restricted-viewer button"), null, "no way in when signed out");

  const { page, problems, context } = await user(browser);
  await signIn(page, "pakistan.liaison");
  await open(page, href);
  const reads = async () => (await page.$$eval(".record .kind", (els) => els.map((e) => e.textContent))).filter((k) => k === "Evidence read").length;
  const before = await reads();
  await page.click(".restricted-viewer button");
  await page.waitForSelector(".restricted-viewer img.evidence-image");
  assert.match(await page.textContent(".restricted-viewer"), /recorded in the log/);
  await shot(page, "restricted-evidence-opened");
  await open(page, href);
  assert.equal(await reads(), before + 1, "the read is a record of the case");
  assertClean(problems);
  assertClean(anonymous.problems);
  await Promise.all([context.close(), anonymous.context.close()]);
});

test("text meets WCAG AA contrast on every main view", async () => {
  const { page, problems, context } = await user(browser);
  for (const hash of ["#/", "#/map", "#/agreement", "#/commitments", "#/channel", "#/statistics"]) {
    await open(page, hash);
    // Every element with its own text: its colour against the first opaque
    // background behind it (WCAG 2.1 relative luminance; 4.5:1, or 3:1 for
    // large or bold-large text).
    const failures = await page.evaluate(() => {
      const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]) => {
        const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = rgb(getComputedStyle(e).backgroundColor);
          if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const out = [];
      for (const el of document.querySelectorAll("main *, header *, footer *")) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own || el.closest(".leaflet-container, canvas, .visually-hidden, option")) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden" || style.display === "none") continue;
        const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))];
        const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) out.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
      }
      return [...new Set(out)];
    });
    assert.deepEqual(failures, [], `${hash}: ${failures.join("\n")}`);
  }
  assertClean(problems);
  await context.close();
});
