// Periodic reports: pick a period and a language, preview the report (the
// server's self-contained HTML, in a sandboxed frame: no script runs in it),
// download it as PDF or Markdown, and list the reports published in the log
// (report.publish records), each served only if the log rebuilds its digest.
import { api } from "../api.js";
import * as asof from "../asof.js";
import { t, currentLanguage } from "../i18n.js";
import { html, fill } from "../html.js";

const LANGS = ["en", "ar", "ur", "ps", "fa", "tr"];

const WEEK = 7 * 86400 * 1000;

/** A time in the log's one spelling: RFC 3339 UTC to the second. */
function stamp(date) {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * The period and checkpoint a report is built from unless the reader picks
 * others. In the present: the last seven whole days, from the checkpoint
 * the log serves. As of a past moment (a report is the record as it stood
 * at its period's end): the seven days up to that moment, from the last
 * checkpoint the log had signed within the moment's size.
 */
async function defaults() {
  if (!asof.inPast()) {
    const to = new Date();
    to.setUTCHours(0, 0, 0, 0);
    return { from: stamp(new Date(to.getTime() - WEEK)), to: stamp(to), size: null };
  }
  // The summary answers as of the moment: its time, and the size it counts.
  const moment = await api.get("/api/v1/summary");
  const to = new Date(moment.as_of);
  const checkpoint = await api.get(`/api/v1/checkpoints?at_most=${moment.size}`);
  return { from: stamp(new Date(to.getTime() - WEEK)), to: stamp(to), size: checkpoint.size };
}

/** A day picked in the form, or a time kept in the URL, as a time. */
function asTime(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
}

function reportUrl(q, format) {
  const params = new URLSearchParams({ from: q.from, to: q.to, lang: q.lang, format });
  if (q.size !== null) params.set("size", String(q.size));
  return `/api/v1/reports?${params}`;
}

export async function render(main, params) {
  const query = new URLSearchParams(params.query ?? "");
  const standard = await defaults();
  // The UI's Dari (prs) is the report's fa.
  const code = currentLanguage().code;
  const uiLang = code === "prs" ? "fa" : code;
  const q = {
    from: asTime(query.get("from") ?? standard.from),
    to: asTime(query.get("to") ?? standard.to),
    lang: LANGS.includes(query.get("lang")) ? query.get("lang") : LANGS.includes(uiLang) ? uiLang : "en",
    size: standard.size,
  };
  const published = await api.get("/api/v1/reports/published");
  fill(main, html`
    <section class="page reports-page">
      <header class="page-header">
        <div>
          <h1>${t("reports.title")}</h1>
          <p class="hint">${t("reports.hint")}</p>
        </div>
      </header>
      <form id="report-form" class="filters">
        <label>${t("reports.from")} <input type="date" name="from" value="${q.from.slice(0, 10)}" required></label>
        <label>${t("reports.to")} <input type="date" name="to" value="${q.to.slice(0, 10)}" required></label>
        <label>${t("reports.language")}
          <select name="lang">${LANGS.map((l) => l === q.lang ? html`<option value="${l}" selected>${l}</option>` : html`<option value="${l}">${l}</option>`)}</select>
        </label>
        <button type="submit">${t("reports.show")}</button>
      </form>
      <p class="report-downloads">
        <a id="report-pdf" class="button secondary" href="${reportUrl(q, "pdf")}" download>${t("reports.pdf")}</a>
        <a id="report-md" class="button secondary" href="${reportUrl(q, "md")}" download>${t("reports.markdown")}</a>
        <a id="report-html" href="${reportUrl(q, "html")}" target="_blank" rel="noopener">${t("reports.open")}</a>
      </p>
      ${q.size !== null ? html`<p class="hint" id="report-built-from">${t("reports.built_from", { size: q.size })}</p>` : ""}
      <iframe id="report-preview" class="report-preview" title="${t("reports.preview")}" sandbox src="${reportUrl(q, "html")}"></iframe>
      <h2>${t("reports.published")}</h2>
      ${published.reports.length === 0
        ? html`<p class="hint" id="published-none">${t("reports.none_published")}</p>`
        : html`<ul id="published-reports">${published.reports.map((r) => html`
            <li>
              <a href="${r.href}" download>${r.from.slice(0, 10)} – ${r.to.slice(0, 10)} · ${r.lang} · ${r.format}</a>
              <span class="hint"> ${t("reports.published_by", { author: r.author, index: r.index })}${r.decision !== null ? html` · <span class="public-report-of">${t("reports.public_report_of", { index: r.decision })}</span>` : ""}</span>
              <code class="digest">${r.digest}</code>
            </li>`)}</ul>`}
    </section>`);
  main.querySelector("#report-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    const next = new URLSearchParams({ from: data.get("from"), to: data.get("to"), lang: data.get("lang") });
    location.hash = `#/reports?${next}`;
  });
}
