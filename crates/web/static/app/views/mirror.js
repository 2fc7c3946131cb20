// On a party's mirror (`truce mirror --listen`), a line above every page
// says whose log this is a copy of, how much of it this copy holds —
// verified here, record by record — and how far behind the log it is; in
// red when the mirror stopped at an alarm (a fork, a rollback, a bad
// entry), with what it found. On the log's own server there is no mirror
// and nothing is shown.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { dateTime } from "../format.js";
import { html, fill } from "../html.js";

const REFRESH_MS = 30_000;
let timer = null;

/** Shows the mirror's line, and keeps it current. */
export async function show() {
  clearTimeout(timer);
  let status = null;
  try {
    status = (await api.get("/api/v1/mirror")).mirror;
  } catch {
    // Say nothing rather than guess.
  }
  if (!status) {
    // The log's own server mirrors nothing.
    document.getElementById("mirror-banner")?.remove();
    return;
  }
  let box = document.getElementById("mirror-banner");
  if (!box) {
    box = document.createElement("div");
    box.id = "mirror-banner";
    box.setAttribute("role", "status");
    document.getElementById("main").before(box);
  }
  const halted = status.state === "halted";
  box.className = halted ? "mirror-banner mirror-halted" : "mirror-banner";
  box.dataset.state = status.state;
  const latest = status.alarms[status.alarms.length - 1];
  const parts = [
    html`<strong>${t("mirror.title")}</strong>`,
    html`<span>${t("mirror.copy_of", { source: status.source, count: status.size })}</span>`,
  ];
  if (halted) {
    parts.push(html`<span>${t("mirror.halted")}</span>`);
    if (latest) parts.push(html`<span dir="auto">${latest.finding}</span>`);
  } else if (status.state === "unreachable") {
    parts.push(html`<span>${t("mirror.unreachable", { since: dateTime(status.last_contact) })}</span>`);
  } else if (status.state === "waiting_for_witnesses") {
    parts.push(html`<span>${t("mirror.waiting")}</span>`);
  } else if (status.behind) {
    parts.push(html`<span>${t("mirror.behind", { count: status.behind })}</span>`);
  } else if (status.source_size != null) {
    parts.push(html`<span>${t("mirror.up_to_date", { at: dateTime(status.last_contact) })}</span>`);
  }
  if (!halted && latest) parts.push(html`<span>${t("mirror.alarms", { count: status.alarms.length })}</span>`);
  fill(box, html`${parts.map((p) => html`${p} `)}`);
  timer = setTimeout(() => show().catch(() => {}), REFRESH_MS);
}
