// Interface languages. English is complete; every other catalog may be
// partial and falls back to English key by key. Right-to-left languages set
// dir="rtl" on the document, and the stylesheet uses logical properties
// (margin-inline-start, …) so the layout mirrors without a second stylesheet.

export const LANGUAGES = [
  { code: "en", name: "English", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
  { code: "ur", name: "اردو", dir: "rtl" },
  { code: "ps", name: "پښتو", dir: "rtl" },
  { code: "prs", name: "دری", dir: "rtl" },
  { code: "tr", name: "Türkçe", dir: "ltr" },
];

let english = {};
let current = {};
let language = LANGUAGES[0];

async function catalog(code) {
  // Relative to this module: the catalogs of the same build as the code.
  const response = await fetch(new URL(`./i18n/${code}.json`, import.meta.url));
  if (!response.ok) throw new Error(`no catalog for ${code}`);
  return response.json();
}

export async function setLanguage(code) {
  language = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
  if (!english.app) english = await catalog("en");
  current = language.code === "en" ? english : await catalog(language.code).catch(() => ({}));
  document.documentElement.lang = language.code;
  document.documentElement.dir = language.dir;
  localStorage.setItem("truce.language", language.code);
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}

export function savedLanguage() {
  const saved = localStorage.getItem("truce.language");
  if (saved && LANGUAGES.some((l) => l.code === saved)) return saved;
  const browser = (navigator.language || "en").split("-")[0];
  return LANGUAGES.some((l) => l.code === browser) ? browser : "en";
}

export function currentLanguage() {
  return language;
}

/** Whether the interface reads right to left (Arabic, Urdu, Pashto, Dari). */
export function isRtl() {
  return language.dir === "rtl";
}

// Keys are dotted paths, but a name may itself hold dots (record kinds such
// as "incident.report"): at each level the longest matching name wins.
function lookup(node, key) {
  if (node == null || typeof node !== "object") return undefined;
  if (key in node) return node[key];
  const parts = key.split(".");
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join(".");
    if (head in node) return lookup(node[head], parts.slice(i).join("."));
  }
  return undefined;
}

// A value with letters in it (a name, a place, a date) is set apart from the
// sentence around it with Unicode isolates, FSI … PDI, as Fluent does: a
// party's name in Pashto inside an English sentence, or a name carrying a
// right-to-left override (U+202E), cannot reorder the words around it.
const isolate = (value) => (/\p{L}/u.test(value) ? `\u2068${value}\u2069` : value);

// CLDR's cardinal plural categories (https://cldr.unicode.org, "Language
// Plural Rules"): a counted message is an object of forms keyed by the
// categories its language uses, chosen by `Intl.PluralRules` for `count`.
export const PLURAL_CATEGORIES = ["zero", "one", "two", "few", "many", "other"];

/** Whether a catalog value is a counted message ({ one: …, other: … }). */
export function isPlural(value) {
  return value != null && typeof value === "object" && "other" in value && Object.keys(value).every((k) => PLURAL_CATEGORIES.includes(k));
}

const pluralRules = new Map();
function pluralCategory(code, count) {
  const tag = intlLocale(code);
  if (!pluralRules.has(tag)) pluralRules.set(tag, new Intl.PluralRules(tag));
  return pluralRules.get(tag).select(count);
}

/**
 * The text for `key` with `{name}` placeholders filled from `vars`, each
 * isolated. It is text, never markup: it is shown through `html` (which
 * escapes it, values and all) or `textContent`, so a value cannot become an
 * element however it is spelled. No catalog entry holds markup (none
 * needs to); a value that is a markup fragment is refused.
 *
 * A counted message takes its number as `vars.count` (a number): the form
 * is the one the language's plural rules choose for it, and `{count}` shows
 * it formatted for the locale. The language of the form (the catalog's, or
 * English when the catalog lacks the key) is the language of its rules.
 */
export function t(key, vars = {}) {
  const own = lookup(current, key);
  const [found, code] = own !== undefined ? [own, language.code] : [lookup(english, key), "en"];
  let text = found ?? key;
  if (isPlural(text)) {
    const count = Number(vars.count);
    text = text[pluralCategory(code, Number.isFinite(count) ? count : 0)] ?? text.other;
    if (typeof vars.count === "number") vars = { ...vars, count: new Intl.NumberFormat(intlLocale(code), intlOptions(code)).format(vars.count) };
  }
  if (typeof text !== "string") return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => {
    const value = vars[name] ?? `{${name}}`;
    if (typeof value === "object") throw new TypeError(`t("${key}"): {${name}} is text, not ${value}`);
    return isolate(String(value));
  });
}

// Dari is Afghan Persian: fa-AF, whose dates and digits are Afghanistan's.
const intlLocale = (code) => (code === "prs" ? "fa-AF" : code);

/** Whether this browser has Pashto's own formatting data. */
export function pashtoFormatting() {
  return Intl.DateTimeFormat.supportedLocalesOf(["ps"]).length > 0;
}

/**
 * Options every Intl formatter of the interface takes besides its locale.
 * Chromium ships Pashto's plural rules but no Pashto formatting data (dates
 * and numbers fall back to the browser's default locale: Latin digits,
 * English month names), so Pashto then asks for its own digits, Extended
 * Arabic-Indic as CLDR's ps has them, and format.js supplies its months.
 */
export function intlOptions(code = language.code) {
  return code === "ps" && !pashtoFormatting() ? { numberingSystem: "arabext" } : {};
}

/** Locale for Intl formatting: Latin digits in the English interface. */
export function locale() {
  return intlLocale(language.code);
}
