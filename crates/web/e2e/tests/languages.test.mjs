// Every page in every interface language: the document says its language and
// direction (right to left for Arabic, Urdu, Pashto and Dari), no catalog key
// shows raw, no English string shows where the language has its own, counted
// messages pick the form the browser's CLDR rules choose, and each page is
// screenshotted (lang-<code>-<page>.png) for people to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, user, open, shot, signIn, assertClean } from "../support.mjs";

const CATALOGS = new URL("../../static/app/i18n/", import.meta.url);
const catalog = (code) => JSON.parse(readFileSync(new URL(`${code}.json`, CATALOGS), "utf8"));

// As i18n.js and catalogs.rs (CLDR's cardinal categories for each language).
const LANGUAGES = [
  { code: "en", dir: "ltr", intl: "en", plural: ["one", "other"] },
  { code: "ar", dir: "rtl", intl: "ar", plural: ["few", "many", "one", "other", "two", "zero"] },
  { code: "ur", dir: "rtl", intl: "ur", plural: ["one", "other"] },
  { code: "ps", dir: "rtl", intl: "ps", plural: ["one", "other"] },
  { code: "prs", dir: "rtl", intl: "fa-AF", plural: ["one", "other"] },
  { code: "tr", dir: "ltr", intl: "tr", plural: ["one", "other"] },
];

const CATEGORIES = ["zero", "one", "two", "few", "many", "other"];
const isPlural = (v) => v && typeof v === "object" && "other" in v && Object.keys(v).every((k) => CATEGORIES.includes(k));

/** Every message of a catalog by its dotted key; a counted one's forms as a list. */
function flatten(node, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, [v]);
    else if (isPlural(v)) out.set(key, Object.values(v));
    else flatten(v, key, out);
  }
  return out;
}

const english = flatten(catalog("en"));

/**
 * English text that must not show in `code`'s pages: the pieces between
 * placeholders of every English message the language translates otherwise,
 * long enough (12 characters) not to be a word a record's own English
 * text could share by chance.
 */
function englishFallbacks(code) {
  const own = flatten(catalog(code));
  const pieces = new Set();
  for (const [key, forms] of english) {
    const translated = own.get(key) ?? [];
    for (const form of forms) {
      if (translated.includes(form)) continue;
      for (const piece of form.split(/\{\w+\}/)) {
        const text = piece.trim();
        if (text.length >= 12) pieces.add(text);
      }
    }
  }
  return [...pieces];
}

// Every catalog key, dotted, as it would show if a lookup failed.
const RAW_KEYS = [...english.keys()];

// Pages seen signed in, as a party's liaison officer.
const SIGNED_IN = [
  { name: "report-signed-in", hash: "#/report" },
  { name: "import", hash: "#/import" },
  { name: "outbox-signed-in", hash: "#/outbox" },
];

let browser;
let pages;
before(async () => {
  browser = await launch();
  const { page, context } = await user(browser);
  await open(page, "#/");
  const incidents = await page.evaluate(() => fetch("/api/v1/incidents?limit=1").then((r) => r.json()));
  await context.close();
  const navigation = ["#/", "#/map", "#/talks", "#/agreement", "#/commitments", "#/channel", "#/statistics", "#/reports", "#/report"];
  pages = [
    ...navigation.map((hash) => ({ name: hash === "#/" ? "dashboard" : hash.slice(2), hash })),
    { name: "case", hash: `#/incidents/${incidents.items[0].index}` },
    { name: "sign-in", hash: "#/sign-in" },
    { name: "trust", hash: "#/trust" },
    { name: "outbox", hash: "#/outbox" },
    { name: "not-found", hash: "#/no-such-page" },
  ];
});
after(async () => browser?.close());

/** The page's interface text: what people wrote (dir=auto) left out. */
function interfaceText(page) {
  return page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    for (const el of copy.querySelectorAll("[dir=auto], script, style, .leaflet-marker-pane, .leaflet-tooltip-pane")) el.remove();
    return copy.textContent.replace(/[\u2068\u2069]/g, "");
  });
}

for (const language of LANGUAGES) {
  test(`every page in ${language.code}`, async () => {
    const fallbacks = englishFallbacks(language.code);
    const { page, problems, context } = await user(browser);
    // On the server's pages only (open() passes by about:blank, which has no
    // storage), and not in the Reports page's preview, a sandboxed frame
    // without storage by design.
    await context.addInitScript((code) => window === window.top && location.protocol.startsWith("http") && localStorage.setItem("truce.language", code), language.code);

    // The browser's CLDR plural rules are the ones the catalogs are checked against.
    const categories = await page.evaluate((tag) => new Intl.PluralRules(tag).resolvedOptions().pluralCategories.sort(), language.intl);
    assert.deepEqual(categories, [...language.plural].sort(), `${language.code}: Intl.PluralRules`);

    const visit = async ({ name, hash }) => {
      await open(page, hash);
      // Let what loads after the first render (proof badges, charts) settle.
      await page.waitForLoadState("networkidle");
      const where = `${language.code} ${hash}`;
      const { lang, dir } = await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
      assert.equal(lang, language.code, `${where}: lang`);
      assert.equal(dir, language.dir, `${where}: dir`);
      if (language.dir === "rtl") {
        const body = await page.evaluate(() => getComputedStyle(document.body).direction);
        assert.equal(body, "rtl", `${where}: the layout runs right to left`);
      }
      const text = await interfaceText(page);
      const raw = RAW_KEYS.filter((key) => key.includes(".") && text.includes(key));
      assert.deepEqual(raw, [], `${where}: raw catalog keys shown`);
      const untranslated = fallbacks.filter((piece) => text.includes(piece));
      assert.deepEqual(untranslated, [], `${where}: English shown where ${language.code} has its own`);
      if (language.code !== "en") {
        const months = text.match(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/g) ?? [];
        assert.deepEqual(months, [], `${where}: dates formatted in English`);
      }
      await shot(page, `lang-${language.code}-${name}`);
    };
    for (const p of pages) await visit(p);
    // And what a signed-in party member sees: the filing form, the import
    // page (for members who may report) and the outbox.
    // The filing form, seen signed out, asked to come back to it after a
    // sign-in; signIn expects the dashboard.
    await page.evaluate(() => sessionStorage.removeItem("truce.after_sign_in"));
    await signIn(page, "pakistan.liaison");
    for (const p of SIGNED_IN) await visit(p);
    assertClean(problems);
    await context.close();
  });
}

test("counted messages take the form each language's plural rules choose", async () => {
  const { page, problems, context } = await user(browser);
  await open(page, "#/");
  const forms = await page.evaluate(async () => {
    const i18n = await import(new URL("i18n.js", document.querySelector("script[type=module]").src));
    const out = {};
    for (const code of ["en", "ar", "ur", "tr"]) {
      await i18n.setLanguage(code);
      out[code] = [0, 1, 2, 3, 11, 100, 1234].map((count) => i18n.t("map.count", { count }).replace(/[\u2068\u2069]/g, ""));
    }
    await i18n.setLanguage("en");
    return out;
  });
  const ar = catalog("ar").map.count;
  assert.deepEqual(forms.en, ["0 incidents", "1 incident", "2 incidents", "3 incidents", "11 incidents", "100 incidents", "1,234 incidents"]);
  // Arabic: zero, one and two spelled out; 3–10 "few", 11–99 "many", 100 "other".
  const arabicNumber = (n) => new Intl.NumberFormat("ar").format(n);
  assert.deepEqual(forms.ar, [
    ar.zero,
    ar.one,
    ar.two,
    ar.few.replace("{count}", arabicNumber(3)),
    ar.many.replace("{count}", arabicNumber(11)),
    ar.other.replace("{count}", arabicNumber(100)),
    ar.other.replace("{count}", arabicNumber(1234)),
  ]);
  assert.equal(forms.ur[1], "1 واقعہ");
  assert.equal(forms.ur[2], "2 واقعات");
  assert.equal(forms.tr[6], "1.234 olay", "Turkish groups thousands with a dot");

  // Dates: Gregorian in every language, with the language's month names and
  // digits; Pashto's from format.js where the browser has no Pashto data.
  const dates = await page.evaluate(async () => {
    const src = document.querySelector("script[type=module]").src;
    const i18n = await import(new URL("i18n.js", src));
    const format = await import(new URL("format.js", src));
    const proof = await import(new URL("proof.js", src));
    const out = {};
    for (const code of ["ar", "ur", "ps", "prs", "tr"]) {
      await i18n.setLanguage(code);
      out[code] = { day: format.dateTime("2025-10-19T12:05:00Z", "day"), number: format.number(1234), list: proof.list(["A", "B", "C"]) };
    }
    await i18n.setLanguage("en");
    return out;
  });
  assert.match(dates.ar.day, /أكتوبر/);
  assert.match(dates.ur.day, /اکتوبر/);
  assert.match(dates.tr.day, /Eki/);
  for (const code of ["ps", "prs"]) {
    assert.match(dates[code].day, /اکتوبر/, code);
    assert.match(dates[code].day, /۱۹/, `${code}: Extended Arabic-Indic digits`);
    assert.match(dates[code].day, /۲۰۲۵/, code);
    assert.match(dates[code].number, /^۱.۲۳۴$/, code);
  }
  assert.equal(dates.ps.list, "A، B او C");
  assert.doesNotMatch(JSON.stringify(dates), /Oct|\band\b/);
  assertClean(problems);
  await context.close();
});


// The server's own words in the reader's language: a record the log refuses
// is explained (the problem's detail, not only its title) in the interface's
// language, Dari asked for by the UI's own code `prs`. The facts of the case
// — which record of the group, whose signature — stay as the log has them.
const SERVER_CATALOGS = new URL("../../../server/i18n/", import.meta.url);
const serverCatalog = (file) => JSON.parse(readFileSync(new URL(`${file}.json`, SERVER_CATALOGS), "utf8"));

for (const { code, file } of [
  { code: "ur", file: "ur" },
  { code: "prs", file: "fa" },
]) {
  test(`a refused record is explained in ${code}`, async () => {
    const { page, problems, context } = await user(browser);
    await context.addInitScript((c) => window === window.top && location.protocol.startsWith("http") && localStorage.setItem("truce.language", c), code);
    await signIn(page, "afghanistan.liaison");
    await open(page, "#/report");
    await page.waitForSelector("#report-form");
    await page.fill("#r-title", `Shots across the Chaman crossing ${Date.now()}`);
    await page.selectOption("#r-type", "armed_clash");
    await page.selectOption("#r-accused", "pakistan");
    await page.fill("#r-narrative", "Shots were heard near the crossing gate (test record).");
    await page.fill("#r-place", "Chaman");
    await page.press("#r-place", "Tab");
    await page.setInputFiles("#r-files", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from(`Notes, ${Date.now()}.`) });
    // The report's signature spoiled on the way: the log's own check refuses
    // record 1 of the group (the report; the evidence is record 0).
    await page.route("**/api/v1/records/group", async (route) => {
      const group = route.request().postDataJSON();
      const [evidence, report] = group.records;
      report.signatures[0].sig = evidence.signatures[0].sig;
      return route.continue({ postData: JSON.stringify(group) });
    });
    await page.click("#report-submit");
    await page.waitForSelector("#report-error .notice.error");
    const shown = (await page.textContent("#report-error")).replace(/[\u2068\u2069]/g, "");
    const words = serverCatalog(file);
    // "record {position} of the group (none of which was filed): {reason}",
    // the reason being "signature {index} (by {member}) does not verify",
    // both in the language.
    for (const template of [words["group.refused"], words["record.bad_signature"]]) {
      for (const piece of template.split(/\{\w+\}/).map((p) => p.trim()).filter((p) => p.length > 3)) {
        assert.ok(shown.includes(piece), `${code}: ${JSON.stringify(piece)} in ${shown}`);
      }
    }
    assert.ok(shown.includes("afghanistan.liaison"), `${code}: the member named as the log names it: ${shown}`);
    assert.doesNotMatch(shown, /of the group|does not verify/, `${code}: English shown`);
    await shot(page, `lang-${code}-refused-record`);
    // The browser logs the refusal itself (a 422); nothing else may go wrong.
    assertClean(problems.filter((p) => !/status of 422/.test(p)));
    await context.close();
  });
}
