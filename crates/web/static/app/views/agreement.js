// The agreement: every version of a draft, the clause-level diff from the
// version before, the clause × party matrix (accept, reject, reserve,
// withdrawn), the progress chart with each near-agreement and withdrawal,
// late-added clauses marked, signatures and whether it is in force. Party
// members with the signing capability take positions and sign here.
import { api } from "../api.js";
import { intlOptions, isRtl, locale, t } from "../i18n.js";
import * as session from "../session.js";
import { capabilities, submit } from "../records.js";
import { dateTime, number, participantName } from "../format.js";
import { onSubmit, showConfirmation } from "../forms.js";
import { illustrativeBadge, illustrativeNote } from "../attribution.js";
import { html, fill } from "../html.js";

const CELL_MARK = { accept: "✓", reject: "✗", reserve: "?", withdrawn: "↩" };

function matrixTable(version, parties, context) {
  const late = new Set(version.late_clauses);
  return html`
    <table class="matrix">
      <caption class="visually-hidden">${t("agreement.matrix_caption", { n: version.number })}</caption>
      <thead><tr><th scope="col">${t("agreement.clause")}</th>${parties.map((p) => html`<th scope="col" dir="auto">${participantName(p, context.participants)}</th>`)}</tr></thead>
      <tbody>
        ${version.clauses
          .map((c) => {
            const row = version.matrix[c.id] ?? {};
            return html`<tr>
              <th scope="row"><span class="clause-id">${c.id}</span>${late.has(c.id) ? html` <span class="late-badge" title="${t("agreement.late_hint")}">${t("agreement.late")}</span>` : ""}
                <div class="clause-heading" dir="auto">${c.heading ?? ""}</div><div class="clause-text" dir="auto">${c.text}</div></th>
              ${parties
                .map((p) => {
                  const cell = row[p];
                  return cell
                    ? html`<td class="cell cell-${cell.cell}" title="${dateTime(cell.at)}"><span aria-hidden="true">${CELL_MARK[cell.cell]}</span> ${t(`agreement.cells.${cell.cell}`)}</td>`
                    : html`<td class="cell cell-none">— <span class="visually-hidden">${t("agreement.cells.none")}</span></td>`;
                })}
            </tr>`;
          })}
      </tbody>
    </table>`;
}

function diffList(diff) {
  const changed = diff.clauses.filter((c) => c.status !== "unchanged");
  if (!changed.length) return html`<p class="empty">${t("agreement.no_changes")}</p>`;
  return html`<ul class="diff">${changed
    .map(
      (c) => html`<li class="diff-${c.status}"><strong>${c.id}</strong> <span class="diff-status">${t(`agreement.diff.${c.status}`)}</span>
        ${c.before && c.status !== "added" ? html`<del dir="auto">${c.before.text}</del>` : ""}
        ${c.after && c.status !== "removed" ? html`<ins dir="auto">${c.after.text}</ins>` : ""}</li>`,
    )}</ul>`;
}

function positionForm(version, draft, context) {
  const s = session.current();
  if (!s || !capabilities(context).has("sign")) return "";
  if (s.role === "mediator") {
    // Mediators take no positions; they may countersign as guarantors.
    const countersigned = version.signatures.some((x) => x.participant === s.participant && x.capacity === "guarantor");
    return html`<section class="card actions-card" id="agreement-actions"><h2>${t("agreement.guarantor")}</h2>
      ${countersigned ? html`<p class="notice success">${t("agreement.you_countersigned")}</p>` : html`<form data-action="countersign"><div class="action-error" role="alert"></div><button type="submit" class="button secondary">${t("agreement.countersign", { n: version.number })}</button></form>`}</section>`;
  }
  if (s.role !== "party") return "";
  const own = (c) => version.matrix[c.id]?.[s.participant];
  const signed = version.signatures.some((x) => x.participant === s.participant && x.capacity === "party");
  return html`
    <section class="card actions-card" id="agreement-actions">
      <h2>${t("agreement.your_positions", { party: participantName(s.participant, context.participants) })}</h2>
      <p class="hint">${t("actions.signed_as", { member: s.member })}</p>
      <form data-action="positions" class="positions-form">
        ${version.clauses
          .map((c) => {
            const current = own(c)?.cell;
            const options = ["", "accept", "reject", "reserve", ...(current === "accept" ? ["withdraw"] : [])];
            return html`<label for="pos-${c.id}">${c.id}${current ? html` <small>(${t(`agreement.cells.${current}`)})</small>` : ""}</label>
              <select id="pos-${c.id}" name="${c.id}" data-accepted-in="${current === "accept" ? own(c).record : ""}">
                ${options.map((o) => html`<option value="${o}">${o ? t(`agreement.positions.${o}`) : t("agreement.positions.unchanged")}</option>`)}
              </select>`;
          })}
        <div class="action-error" role="alert"></div>
        <button type="submit" class="button">${t("agreement.sign_positions")}</button>
      </form>
      ${signed ? html`<p class="notice success">${t("agreement.you_signed")}</p>` : html`<form data-action="sign"><div class="action-error" role="alert"></div><button type="submit" class="button secondary">${t("agreement.sign_version", { n: version.number })}</button></form>`}
    </section>`;
}

export async function render(main, params, context) {
  // The API pages drafts in the order proposed; a negotiation has a few.
  const { drafts } = await api.get("/api/v1/drafts?limit=100");
  if (!drafts.length) {
    fill(main, html`<section class="page"><h1>${t("agreement.title")}</h1><p class="empty">${t("agreement.none")}</p></section>`);
    return;
  }
  const query = new URLSearchParams(params.query ?? "");
  const draft = drafts.find((d) => d.versions.some((v) => String(v.index) === query.get("draft"))) ?? drafts[0];
  const latest = draft.versions.at(-1);
  const selected = draft.versions.find((v) => String(v.number) === query.get("v")) ?? latest;
  const diff = selected.number > 1 ? await api.get(`/api/v1/drafts/${draft.versions[0].index}/diff?from=${selected.number - 1}&to=${selected.number}`) : null;
  const parties = draft.parties;
  const inForce = draft.versions.find((v) => v.in_force);
  const link = (v) => `#/agreement?draft=${draft.versions[0].index}&v=${v.number}`;

  fill(main, html`
    <section class="page wide agreement-page">
      <header class="page-header">
        <div>
          <p class="eyebrow">${t("agreement.eyebrow")}</p>
          <h1><span dir="auto">${draft.title}</span>${illustrativeBadge(draft.illustrative)}</h1>
        </div>
        <div class="agreement-status">${inForce ? html`<span class="badge ok">${t("agreement.in_force", { n: inForce.number })}</span>` : html`<span class="badge">${t("agreement.not_in_force")}</span>`}
          <span class="meta">${t("agreement.closest", { pct: Math.round(draft.closest_per_mille / 10) })}</span>
          <span class="meta" data-near-agreements="${draft.near_agreements}" title="${t("agreement.near_agreements_rule")}">${t("agreement.near_agreements", { n: draft.near_agreements })}</span></div>
      </header>
      ${drafts.length > 1 ? html`<nav class="tabs" aria-label="${t("agreement.drafts")}">${drafts.map((d) => html`<a href="#/agreement?draft=${d.versions[0].index}" ${d === draft ? html`aria-current="page"` : ""} dir="auto">${d.title}</a>`)}</nav>` : ""}
      <article class="card">
        <h2>${t("agreement.progress")}</h2>
        <div class="chart-box"><canvas id="progress-chart" role="img" aria-label="${t("agreement.progress_label")}"></canvas></div>
        <p class="hint">${t("agreement.progress_hint")}</p>
      </article>
      <nav class="tabs versions" aria-label="${t("agreement.versions")}">
        ${draft.versions.map((v) => html`<a href="${link(v)}" ${v === selected ? html`aria-current="page"` : ""}>${t("agreement.version", { n: v.number })}<small>${dateTime(v.at, "day")}</small></a>`)}
      </nav>
      <div class="grid agreement-grid">
        <div>
          <article class="card">
            <h2>${t("agreement.matrix", { n: selected.number })}</h2>
            <p class="meta">${t("agreement.agreed", { agreed: number(selected.agreed_clauses), count: selected.clauses.length })}${selected.author ? ` · ${t("agreement.proposed_by", { party: participantName(selected.author, context.participants), date: dateTime(selected.at) })}` : ""}</p>
            ${selected.illustrative ? illustrativeNote(selected) : ""}
            <div class="table-scroll">${matrixTable(selected, parties, context)}</div>
          </article>
        </div>
        <aside>
          ${positionForm(selected, draft, context)}
          <article class="card">
            <h2>${t("agreement.changes", { n: selected.number })}</h2>
            ${diff ? diffList(diff) : html`<p class="empty">${t("agreement.first_version")}</p>`}
          </article>
          <article class="card">
            <h2>${t("agreement.signatures")}</h2>
            ${selected.signatures.length ? html`<ul class="plain" id="signatures">${selected.signatures.map((s) => html`<li>✍ <span dir="auto">${participantName(s.participant, context.participants)}</span> · ${t(`agreement.capacity.${s.capacity}`)} · ${dateTime(s.at)}</li>`)}</ul>` : html`<p class="empty">${t("agreement.unsigned")}</p>`}
          </article>
          <article class="card">
            <h2>${t("agreement.withdrawals")}</h2>
            ${draft.withdrawals.length ? html`<ul class="plain">${draft.withdrawals.map((w) => html`<li>↩ <span dir="auto">${participantName(w.participant, context.participants)}</span>: ${w.clause} (${t("agreement.version", { n: w.version_number })}) · ${dateTime(w.at)}</li>`)}</ul>` : html`<p class="empty">${t("common.none")}</p>`}
          </article>
        </aside>
      </div>
    </section>`);

  const chart = new Chart(document.getElementById("progress-chart"), {
    type: "line",
    data: {
      labels: draft.progress.map((p) => dateTime(p.at, "day")),
      datasets: [
        {
          label: t("agreement.accepted_share"),
          data: draft.progress.map((p) => (p.total_cells ? (100 * p.accepted_cells) / p.total_cells : 0)),
          borderColor: "#1f3a4d",
          backgroundColor: "rgba(31, 58, 77, 0.08)",
          fill: true,
          stepped: true,
          pointRadius: draft.progress.map((p) => (p.withdrawal ? 7 : 3)),
          pointStyle: draft.progress.map((p) => (p.withdrawal ? "triangle" : "circle")),
          pointBackgroundColor: draft.progress.map((p) => (p.withdrawal ? "#b42318" : "#1f3a4d")),
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      // Right to left, time runs from the right and the percentages stand
      // on the right; numbers are the interface locale's.
      locale: locale(),
      scales: {
        x: { reverse: isRtl() },
        y: { min: 0, max: 100, position: isRtl() ? "right" : "left", ticks: { callback: (v) => new Intl.NumberFormat(locale(), { style: "percent", ...intlOptions() }).format(v / 100) } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          rtl: isRtl(),
          textDirection: isRtl() ? "rtl" : "ltr",
          callbacks: {
            label: (item) => {
              const p = draft.progress[item.dataIndex];
              return `${t("agreement.version", { n: p.version_number })}: ${p.accepted_cells}/${p.total_cells}${p.withdrawal ? ` · ${t("agreement.withdrawal")}` : ""}`;
            },
          },
        },
      },
    },
  });

  const origin = context.charter.origin;
  const wire = (action, handler) => {
    const form = main.querySelector(`form[data-action=${action}]`);
    if (form) onSubmit(form, handler);
  };
  wire("positions", (form) => {
    const positions = [...form.querySelectorAll("select")]
      .filter((s) => s.value)
      .map((s) => ({ clause: s.name, position: s.value, ...(s.value === "withdraw" ? { withdraws: s.dataset.acceptedIn } : {}) }));
    if (!positions.length) throw new Error(t("agreement.choose_position"));
    return submit("draft.position", { version: selected.version, positions }, origin);
  });
  wire("sign", () => submit("draft.sign", { version: selected.version, capacity: "party" }, origin));
  wire("countersign", () => submit("draft.sign", { version: selected.version, capacity: "guarantor" }, origin));
  showConfirmation(main);
  return () => chart.destroy();
}
