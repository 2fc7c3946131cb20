// The application shell: navigation, language, session, and a hash router
// that renders one view into <main>. Views are modules exporting
// `render(main, params, context)`; they read the API and build the DOM.
import { api } from "./api.js";
import { LANGUAGES, currentLanguage, savedLanguage, setLanguage, t } from "./i18n.js";
import * as session from "./session.js";
import { html, fill } from "./html.js";
import * as dashboard from "./views/dashboard.js";
import * as map from "./views/map.js";
import * as caseView from "./views/case.js";
import * as signIn from "./views/signin.js";
import * as report from "./views/report.js";
import * as importView from "./views/import.js";
import { capabilities } from "./records.js";
import * as agreement from "./views/agreement.js";
import * as compliance from "./views/compliance.js";
import * as channel from "./views/channel.js";
import * as statistics from "./views/statistics.js";
import * as byHash from "./views/byhash.js";
import * as talks from "./views/talks.js";
import * as reports from "./views/reports.js";
import * as trustView from "./views/trust.js";
import * as mirrorView from "./views/mirror.js";
import * as asof from "./asof.js";
import * as asofBar from "./views/asof.js";
import * as offline from "./offline.js";
import * as indexing from "./indexing.js";
import * as outboxView from "./views/outbox.js";

const ROUTES = [
  { pattern: /^#?\/?$/, view: dashboard, nav: "dashboard" },
  { pattern: /^#\/map(?:\?(.*))?$/, view: map, nav: "map", params: ["query"] },
  { pattern: /^#\/incidents\/(\d+)$/, view: caseView, nav: "map", params: ["index"] },
  { pattern: /^#\/sign-in$/, view: signIn, nav: null },
  { pattern: /^#\/report$/, view: report, nav: "report" },
  { pattern: /^#\/import$/, view: importView, nav: "import" },
  { pattern: /^#\/agreement(?:\?(.*))?$/, view: agreement, nav: "agreement", params: ["query"] },
  { pattern: /^#\/commitments$/, view: compliance, nav: "compliance" },
  { pattern: /^#\/channel(?:\?(.*))?$/, view: channel, nav: "channel", params: ["query"] },
  { pattern: /^#\/statistics$/, view: statistics, nav: "statistics" },
  { pattern: /^#\/talks(?:\?(.*))?$/, view: talks, nav: "talks", params: ["query"] },
  { pattern: /^#\/reports(?:\?(.*))?$/, view: reports, nav: "reports", params: ["query"] },
  { pattern: /^#\/by-hash\/([A-Za-z0-9_-]+)$/, view: byHash, nav: null, params: ["hash"] },
  { pattern: /^#\/trust$/, view: trustView, nav: null },
  { pattern: /^#\/outbox$/, view: outboxView, nav: null },
];
const NAV = [
  { id: "dashboard", href: "#/" },
  { id: "map", href: "#/map" },
  { id: "talks", href: "#/talks" },
  { id: "agreement", href: "#/agreement" },
  { id: "compliance", href: "#/commitments" },
  { id: "channel", href: "#/channel" },
  { id: "statistics", href: "#/statistics" },
  { id: "reports", href: "#/reports" },
  { id: "report", href: "#/report" },
  // Only for a member who may report: importing files reports.
  { id: "import", href: "#/import", shown: () => capabilities(context).has("report") },
];

/** What every view may use: the participants, the charter, the session. */
const context = { participants: [], charter: null, session: session.current };

let cleanup = null;
let rendered = false;

// One view renders at a time: a view awaits the API, and a second one
// started meanwhile would be overwritten by the first when it finished. A
// navigation during a render waits, and only the latest one is rendered.
let wanted = null;
let routing = false;

async function route() {
  // An in-page anchor (the skip link's #main) is no route: the browser moves
  // focus to it, and the view on screen stays.
  if (location.hash && !location.hash.startsWith("#/")) return;
  wanted = location.hash || "#/";
  if (routing) return;
  routing = true;
  while (wanted !== null) {
    const { route: bare, full } = moment(wanted);
    wanted = null;
    offline.beginView();
    await Promise.all([render(bare), asofBar.render(bare)]);
    renderFooter();
    // Tests (and anyone curious) can tell which view is on screen.
    document.body.dataset.rendered = full;
  }
  routing = false;
}

// The moment the hash names is put in force; a hash that names none (a
// link inside the app) gets the one in force, so the past stays the past
// until the reader returns to the present.
function moment(hash) {
  const { route: bare, moment: named } = asof.split(hash);
  if (named) {
    asof.set(named);
    return { route: bare, full: hash };
  }
  if (!asof.inPast()) return { route: bare, full: hash };
  const full = asof.join(bare);
  history.replaceState(null, "", full);
  return { route: bare, full };
}

async function render(hash) {
  const match = ROUTES.map((r) => ({ r, m: hash.match(r.pattern) })).find((x) => x.m);
  const main = document.getElementById("main");
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  renderNav(match?.r.nav);
  main.replaceChildren();
  if (!match) {
    fill(main, html`<section class="page"><h1>${t("errors.not_found_title")}</h1><p>${t("errors.not_found")}</p><p><a href="#/">${t("nav.dashboard")}</a></p></section>`);
    return;
  }
  const params = Object.fromEntries((match.r.params ?? []).map((name, i) => [name, match.m[i + 1]]));
  try {
    cleanup = (await match.r.view.render(main, params, context)) ?? null;
  } catch (error) {
    fill(main, html`<section class="page"><div class="notice error" role="alert"><strong>${t("errors.load_failed")}</strong><p dir="auto">${error.message}</p></div></section>`);
  }
  // After navigating, focus moves to the new content (screen readers announce
  // it); on first load it stays at the top, where the skip link is.
  if (rendered) main.focus({ preventScroll: true });
  rendered = true;
}

function renderNav(active) {
  const nav = document.getElementById("nav");
  fill(
    nav,
    html`${NAV.filter((item) => !item.shown || item.shown()).map((item) => (item.id === active ? html`<a href="${item.href}" aria-current="page">${t(`nav.${item.id}`)}</a>` : html`<a href="${item.href}">${t(`nav.${item.id}`)}</a>`))}`,
  );
}

function renderSession() {
  offline.renderBadge();
  const box = document.getElementById("session");
  const s = session.current();
  if (!s) {
    fill(box, html`<a class="button secondary" href="#/sign-in">${t("session.sign_in")}</a>`);
    return;
  }
  const participant = context.participants.find((p) => p.id === s.participant);
  fill(
    box,
    html`<span class="who" title="${s.member}"><span class="role-dot role-${s.role}" aria-hidden="true"></span>${s.member}<small><bdi>${participant?.name ?? s.participant}</bdi> · ${t(`roles.${s.role}`)}</small></span><button type="button" class="button secondary" id="sign-out">${t("session.sign_out")}</button>`,
  );
  document.getElementById("sign-out").addEventListener("click", async () => {
    await session.signOut();
    route();
  });
}

async function renderFooter() {
  const footer = document.getElementById("footer");
  try {
    const note = await api.text("/checkpoint");
    const [origin, size] = note.split("\n");
    fill(footer, html`<span>${t("footer.log", { origin, count: Number(size) })}</span> <a href="/checkpoint">${t("footer.checkpoint")}</a> · <a href="#/trust">${t("footer.trust")}</a> · <a href="/api/v1/docs">${t("footer.api")}</a>`);
  } catch {
    footer.textContent = "";
  }
}

function renderLanguages() {
  const select = document.getElementById("language");
  fill(select, html`${LANGUAGES.map((l) => html`<option value="${l.code}" lang="${l.code}">${l.name}</option>`)}`);
  select.value = currentLanguage().code;
  select.addEventListener("change", async () => {
    await setLanguage(select.value);
    renderSession();
    renderFooter();
    route();
  });
}

async function start() {
  await setLanguage(savedLanguage());
  // Before the first read: a server still indexing says so above the view.
  indexing.start();
  try {
    context.participants = await api.get("/api/v1/participants");
    const charter = await api.get("/api/v1/records/0");
    context.charter = charter.record.envelope.body;
    document.getElementById("mechanism-title").textContent = context.charter.title;
  } catch {
    // The views say what failed; the shell still works.
  }
  renderLanguages();
  renderSession();
  renderFooter();
  session.onChange(renderSession);
  offline.start(route);
  window.addEventListener("hashchange", route);
  // Once per visit, beside the first view: the charter and log key against
  // the pinned ones, and the log against what this browser saw before.
  if (location.hash !== "#/trust") trustView.checkVisit().catch(() => {});
  // On a party's mirror: whose copy this is, and how far behind.
  mirrorView.show().catch(() => {});
  await route();
}

start();
