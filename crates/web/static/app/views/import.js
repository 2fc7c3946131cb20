// Importing an ACLED or UCDP GED CSV file as incident reports by the
// signed-in member. The server reads and checks the file
// (POST /api/v1/import/preview: the checks `truce import` runs) and signs
// nothing; this page signs each report body in the browser with the member's
// key, at consecutive sequence numbers, and files them in batches through
// POST /api/v1/records:batch. Events the log holds already (by the dataset's
// event id the reports keep) are shown and skipped, so a second import of
// the same file adds nothing. It needs the server: no offline outbox here.
import { authorization, api, ApiError } from "../api.js";
import { currentLanguage, t } from "../i18n.js";
import * as session from "../session.js";
import { capabilities, noteFiled, nowTimestamp, signPartsAt } from "../records.js";
import { html, fill } from "../html.js";
import { signInFirst } from "./report.js";

/** Records per batch request (the endpoint takes up to 1,000 and 8 MiB). */
const BATCH = 200;

export async function render(main, _params, context) {
  if (!session.current()) return signInFirst(main, t("import.sign_in_needed"));
  if (!capabilities(context).has("report")) {
    fill(main, html`<section class="page narrow"><div class="notice error" role="alert">${t("report.no_capability")}</div></section>`);
    return;
  }
  fill(main, html`
    <section class="page import-page">
      <header class="page-header"><div><p class="eyebrow">${t("report.eyebrow")}</p><h1>${t("import.title")}</h1></div></header>
      <form id="import-form" class="card" novalidate>
        <p class="hint">${t("import.intro")}</p>
        <div class="row">
          <div class="grow"><label for="i-file">${t("import.file")}</label><input type="file" id="i-file" accept=".csv,text/csv" required></div>
          <div><label for="i-format">${t("import.format")}</label>
            <select id="i-format">${["acled", "ucdp"].map((f) => html`<option value="${f}">${t(`import.formats.${f}`)}</option>`)}</select></div>
        </div>
        <p class="notice" id="i-offline" role="status" hidden>${t("import.offline")}</p>
        <button type="submit" class="button" id="i-preview">${t("import.preview")}</button>
      </form>
      <div id="import-error" role="alert"></div>
      <div id="import-preview"></div>
      <div id="import-progress" aria-live="polite"></div>
    </section>`);

  const form = document.getElementById("import-form");
  const offlineNote = document.getElementById("i-offline");
  const previewButton = document.getElementById("i-preview");
  const connection = () => {
    offlineNote.hidden = navigator.onLine;
    previewButton.disabled = !navigator.onLine;
  };
  connection();
  window.addEventListener("online", connection);
  window.addEventListener("offline", connection);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("import-error");
    error.replaceChildren();
    document.getElementById("import-preview").replaceChildren();
    document.getElementById("import-progress").replaceChildren();
    const file = document.getElementById("i-file").files[0];
    if (!file) {
      fill(error, html`<div class="notice error">${t("import.choose_file")}</div>`);
      return;
    }
    previewButton.disabled = true;
    try {
      const preview = await readPreview(file, document.getElementById("i-format").value);
      showPreview(preview, context);
    } catch (e) {
      fill(error, html`<div class="notice error"><p dir="auto">${e.message}</p></div>`);
    } finally {
      previewButton.disabled = !navigator.onLine;
    }
  });

  return () => {
    window.removeEventListener("online", connection);
    window.removeEventListener("offline", connection);
  };
}

/** The server's reading of the file: the bodies to sign, rejected and present rows. */
async function readPreview(file, format) {
  const response = await fetch(`/api/v1/import/preview?format=${format}`, {
    method: "POST",
    headers: { "Content-Type": "text/csv", Accept: "application/json", "Accept-Language": currentLanguage().code, ...authorization() },
    body: file,
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new ApiError(response.status, problem.title, problem.detail);
  }
  return response.json();
}

function showPreview(preview, context) {
  const box = document.getElementById("import-preview");
  const { reports, rejected, present } = preview;
  fill(box, html`
    <section class="card" id="import-summary" aria-labelledby="i-summary-title">
      <h2 id="i-summary-title">${t("import.preview_title")}</h2>
      <ul class="import-counts">
        <li data-count="ready">${t("import.ready", { count: reports.length })}</li>
        <li data-count="rejected">${t("import.rejected", { count: rejected.length })}</li>
        <li data-count="present">${t("import.present", { count: present.length })}</li>
      </ul>
      ${rejected.length ? html`
        <h3>${t("import.rejected_title")}</h3>
        <table class="simple" id="import-rejected">
          <thead><tr><th scope="col">${t("import.line")}</th><th scope="col">${t("import.column")}</th><th scope="col">${t("import.reason")}</th></tr></thead>
          <tbody>${rejected.map((r) => html`<tr data-line="${r.line}"><td>${r.line}</td><td><code>${r.column ?? "—"}</code></td><td dir="auto">${r.reason}</td></tr>`)}</tbody>
        </table>` : ""}
      ${present.length ? html`
        <details id="import-present">
          <summary>${t("import.present_title")}</summary>
          <table class="simple">
            <thead><tr><th scope="col">${t("import.line")}</th><th scope="col">${t("import.event")}</th></tr></thead>
            <tbody>${present.map((p) => html`<tr data-line="${p.line}"><td>${p.line}</td><td><code>${p.event_id}</code></td></tr>`)}</tbody>
          </table>
        </details>` : ""}
      ${reports.length ? html`
        <button type="button" class="button big" id="i-import">${t("import.sign_and_import", { count: reports.length })}</button>
        <p class="hint">${t("report.signing_hint", { member: session.current().member })}</p>`
      : html`<p class="notice" id="import-nothing">${t("import.nothing")}</p>`}
    </section>`);
  document.getElementById("i-import")?.addEventListener("click", (event) => {
    event.currentTarget.disabled = true;
    importAll(reports, context).catch((e) => {
      fill(document.getElementById("import-error"), html`<div class="notice error"><p dir="auto">${e.message}</p></div>`);
    });
  });
}

/**
 * Signs and files `reports` in batches, with a progress bar. A refused
 * record stops the import after its batch: the member's later records would
 * follow a sequence number the log does not hold. Previewing the file again
 * shows what is in the log and what is left.
 */
async function importAll(reports, context) {
  const box = document.getElementById("import-progress");
  fill(box, html`
    <section class="card" aria-labelledby="i-progress-title">
      <h2 id="i-progress-title">${t("import.importing")}</h2>
      <progress id="i-bar" max="${reports.length}" value="0" aria-labelledby="i-progress-title"></progress>
      <p id="i-done">${t("import.done_of", { done: 0, total: reports.length })}</p>
      <div id="i-refused"></div>
      <div id="i-result"></div>
    </section>`);
  const bar = document.getElementById("i-bar");
  const key = await session.signingKey();
  const member = await api.get(`/api/v1/members/${encodeURIComponent(key.member)}`);
  const origin = context.charter.origin;
  const time = nowTimestamp();
  const filed = [];
  const refused = [];
  for (let start = 0; start < reports.length && !refused.length; start += BATCH) {
    const part = reports.slice(start, start + BATCH);
    const signed = await signPartsAt(key, origin, part.map((r) => ({ kind: "incident.report", body: r.body })), member.next_seq + start, time);
    const answer = await api.post("/api/v1/records:batch", { records: signed.map((s) => s.record) });
    answer.results.forEach((result, i) => {
      if (result.problem) refused.push({ line: part[i].line, problem: result.problem });
      else {
        filed.push({ line: part[i].line, index: result.index, title: part[i].body.title });
        noteFiled(signed[i].record);
      }
    });
    bar.value = Math.min(reports.length, start + part.length);
    document.getElementById("i-done").textContent = t("import.done_of", { done: bar.value, total: reports.length });
  }
  if (refused.length) {
    fill(document.getElementById("i-refused"), html`
      <div class="notice error" role="alert"><p>${t("import.stopped")}</p></div>
      <table class="simple" id="import-refused">
        <thead><tr><th scope="col">${t("import.line")}</th><th scope="col">${t("import.reason")}</th></tr></thead>
        <tbody>${refused.map((r) => html`<tr data-line="${r.line}"><td>${r.line}</td><td dir="auto">${r.problem.detail ?? r.problem.title}</td></tr>`)}</tbody>
      </table>`);
  }
  fill(document.getElementById("i-result"), html`
    <p class="notice success" id="import-finished" role="status">${t("import.finished", { count: filed.length })}</p>
    <ul class="import-cases">${filed.map((f) => html`<li><a href="#/incidents/${f.index}" dir="auto">${f.title}</a></li>`)}</ul>`);
}
