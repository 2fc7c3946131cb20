// Commitments and compliance: each written commitment with the verified
// violations found against it, what the mediators determined and decided,
// and the verified findings still awaiting their decision.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { dateTime, number, participantName } from "../format.js";
import { caseLink } from "./links.js";
import { html, fill } from "../html.js";
import { illustrativeBadge } from "../attribution.js";

export async function render(main, _params, context) {
  const compliance = await api.get("/api/v1/commitments");
  const p = (id) => participantName(id, context.participants);
  fill(main, html`
    <section class="page">
      <header class="page-header"><div><p class="eyebrow">${t("compliance.eyebrow")}</p><h1>${t("compliance.title")}</h1></div></header>
      ${compliance.awaiting_decision.length ? html`<div class="notice restricted" role="status">${t("compliance.awaiting", { count: compliance.awaiting_decision.length })}</div>` : ""}
      <div class="scorecard">
        ${compliance.commitments
          .map((c) => {
            // Core lists only verified violations here (findings that verify
            // the incident and count): nothing to filter again.
            const verified = c.violations;
            return html`
          <article class="card commitment ${verified.length ? "breached" : "kept"}">
            <header class="commitment-head">
              <div><p class="eyebrow">${c.party ? t("compliance.by", { party: p(c.party) }) : t("compliance.by_all")}</p><h2 dir="auto">${c.title}</h2></div>
              <div class="score"><strong>${number(verified.length)}</strong><span>${t("compliance.violations")}</span>${verified.some((v) => v.illustrative) ? illustrativeBadge(true) : ""}</div>
            </header>
            <p class="meta">${t("compliance.since", { date: dateTime(c.effective, "day") })} · ${c.incident_types.map((x) => t(`types.${x}`)).join(", ")}</p>
            ${c.violations.length ? html`<table class="simple"><thead><tr><th>${t("compliance.occurred")}</th><th>${t("compliance.type")}</th><th>${t("compliance.finding")}</th><th>${t("compliance.decisions")}</th></tr></thead><tbody>
              ${c.violations.map((v) => html`<tr><td>${caseLink(v.incident, dateTime(v.occurred, "day"))}${illustrativeBadge(v.illustrative)}</td><td>${t(`types.${v.incident_type}`)}</td><td>${t(`determinations.${v.determination}`)} · ${dateTime(v.found_at, "day")}</td><td>${v.determinations.length ? v.determinations.map((d) => t("compliance.step", { level: d.consequence_level ?? "?" })).join(", ") : t("compliance.none_yet")}</td></tr>`)}
            </tbody></table>` : html`<p class="kept-line">✓ ${t("compliance.no_violations")}</p>`}
          </article>`;
          })}
      </div>
    </section>`);
}
