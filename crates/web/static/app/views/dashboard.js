// The dashboard: where the ceasefire stands, what is open, what is due, what
// the mediators found, and the latest checkpoint — verified in this browser
// against the log key the charter names.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { openWitnessed, trust } from "../trust.js";
import { missingWitnesses } from "../proof.js";
import { dateTime, number, participantName, shortHash, timeLeft } from "../format.js";
import { html, fill } from "../html.js";
import { illustrativeBadge, reportTitle } from "../attribution.js";


export async function render(main, _params, context) {
  // The headline figures come counted by the server (/api/v1/summary), by
  // the same rules as the lists and the compliance view: never recounted here.
  const [summary, awaiting, found, drafts, channel, note] = await Promise.all([
    api.get("/api/v1/summary"),
    api.get("/api/v1/incidents?status=reported,unanswered_past_deadline&limit=200"),
    api.get("/api/v1/incidents?status=found&limit=6"),
    api.get("/api/v1/drafts?limit=100").then((page) => page.drafts),
    api.get("/api/v1/channel?limit=1"),
    api.text("/checkpoint"),
  ]);
  const p = (id) => participantName(id, context.participants);

  const latestDraft = drafts[0]?.versions.at(-1);
  const inForce = drafts.some((d) => d.versions.some((v) => v.in_force));

  const deadlines = awaiting.items
    .filter((i) => i.deadline)
    .map((i) => ({ ...i, left: i.response.seconds_left ?? -(i.response.seconds_overdue ?? 0) }))
    .sort((a, b) => a.left - b.left);
  const upcoming = deadlines.filter((d) => d.left >= 0).slice(0, 6);
  const overdue = deadlines.filter((d) => d.left < 0);
  const overdueAcks = channel.overdue_acknowledgments;

  fill(main, html`
    <section class="page">
      <header class="page-header">
        <div>
          <p class="eyebrow" dir="auto">${context.charter?.title ?? ""}</p>
          <h1>${t("dashboard.title")}</h1>
          ${context.charter?.illustrative ? html`<p class="demo-notice" data-illustrative="charter" dir="auto">${context.charter.illustrative}</p>` : ""}
        </div>
        <a class="button" href="#/map">${t("dashboard.open_map")}</a>
      </header>

      <div class="status-strip" role="group" aria-label="${t("dashboard.status")}">
        <div class="status-item">
          <span class="status-label">${t("dashboard.ceasefire")}</span>
          <strong>${t("dashboard.effective_since", { date: dateTime(context.charter?.effective, "day") })}</strong>
        </div>
        <div class="status-item ${summary.verified_violations ? "warn" : ""}">
          <span class="status-label">${t("dashboard.verified_violations")}</span>
          <strong data-figure="verified-violations">${number(summary.verified_violations)}</strong>
          ${summary.illustrative_violations ? html`<span class="status-note" data-illustrative="true">${t("dashboard.illustrative_violations", { n: number(summary.illustrative_violations), total: number(summary.verified_violations) })}</span>` : ""}
        </div>
        <div class="status-item">
          <span class="status-label">${t("dashboard.open_cases")}</span>
          <strong data-figure="open-cases">${number(summary.open_cases)}</strong>
        </div>
        <div class="status-item ${inForce ? "ok" : ""}">
          <span class="status-label">${t("dashboard.agreement")}</span>
          <strong>${latestDraft ? (inForce ? t("dashboard.in_force") : t("dashboard.draft_version", { n: latestDraft.number, closest: Math.round(drafts[0].closest_per_mille / 10) })) : t("common.none")}</strong>
        </div>
      </div>

      <div class="grid two">
        <article class="card">
          <h2>${t("dashboard.cases_by_state")}</h2>
          <ul class="bars">
            ${summary.stages.map(({ stage: s, incidents: n }) => {
              const max = Math.max(1, ...summary.stages.map((st) => st.incidents));
              return html`<li><a href="#/map?status=${s}"><span class="bar-label"><span class="stage stage-${s}">${t(`stages.${s}`)}</span></span><span class="bar-track"><span class="bar stage-bg-${s}" data-width="${(100 * n) / max}"></span></span><span class="bar-value">${number(n)}</span></a></li>`;
            })}
          </ul>
        </article>

        <article class="card">
          <h2>${t("dashboard.deadlines")}</h2>
          ${upcoming.length ? html`<ul class="list">${upcoming.map((d) => html`<li><a href="#/incidents/${d.index}">${reportTitle(d, context.participants)}</a><span class="meta">${t("dashboard.answer_owed", { party: p(d.accused) })}</span><span class="countdown ${d.left < 86400 ? "soon" : ""}">${timeLeft(d.left)}</span></li>`)}</ul>` : html`<p class="empty">${t("dashboard.no_deadlines")}</p>`}
          ${overdue.length || overdueAcks ? html`<p class="overdue-summary">${t("dashboard.overdue_summary", { reports: t("dashboard.overdue_reports", { count: overdue.length }), acks: t("dashboard.overdue_acks", { count: overdueAcks }) })}</p>` : ""}
        </article>

        <article class="card">
          <h2>${t("dashboard.latest_findings")}</h2>
          ${found.items.length ? html`<ul class="list">${found.items.map((i) => html`<li><a href="#/incidents/${i.index}">${reportTitle(i, context.participants)}</a><span class="meta">${dateTime(i.time.at, i.time.precision)} · ${t(`types.${i.incident_type}`)}</span></li>`)}</ul>` : html`<p class="empty">${t("dashboard.no_findings")}</p>`}
        </article>

        <article class="card" id="checkpoint-card">
          <h2>${t("dashboard.checkpoint")}</h2>
          <div id="checkpoint-body"><p class="empty">${t("common.checking")}</p></div>
        </article>
      </div>
    </section>`);

  // Widths through the CSSOM: the Content-Security-Policy refuses inline style attributes.
  for (const bar of main.querySelectorAll("[data-width]")) bar.style.inlineSize = `${bar.dataset.width}%`;

  const body = document.getElementById("checkpoint-body");
  try {
    const trusted = await trust(api);
    const checkpoint = await openWitnessed(note, trusted);
    const root = note.split("\n")[2];
    const cosigned = new Map(checkpoint.cosigners.map((c) => [c.witness, c.at]));
    const witness = (w) => {
      const at = cosigned.get(w.name);
      const state = at ? "verified" : checkpoint.failed.includes(w.name) ? "invalid" : "missing";
      const label = at ? t("dashboard.cosigned_at", { at: dateTime(at.toISOString()) }) : state === "invalid" ? t("dashboard.cosignature_invalid") : t("dashboard.not_cosigned");
      return html`<li data-witness="${w.name}" data-cosigned="${state}"><span class="badge ${at ? "ok" : "bad"}">${at ? "✓" : "✗"}</span> <bdi>${p(w.name)}</bdi> <span class="meta">${label}</span></li> `;
    };
    const quorum = checkpoint.quorum === null
      ? html`<p>${t("proof.no_quorum")}</p>`
      : html`<p class="verified" data-witnessed="${String(checkpoint.quorumMet)}"><span class="badge ${checkpoint.quorumMet ? "ok" : "bad"}">${checkpoint.quorumMet ? "✓" : "✗"} ${checkpoint.quorumMet ? t("proof.quorum_met", { quorum: checkpoint.quorum }) : t("proof.quorum_not_met", { quorum: checkpoint.quorum })}</span></p>`;
    fill(body, html`
      <p class="verified" data-verified="true"><span class="badge ok">✓ ${t("dashboard.checkpoint_verified")}</span></p>
      <dl class="facts">
        <dt>${t("dashboard.tree_size")}</dt><dd>${number(checkpoint.size)}</dd>
        <dt>${t("dashboard.root")}</dt><dd><code title="${root}">${shortHash(root)}</code></dd>
        <dt>${t("dashboard.signed_by")}</dt><dd><span class="chip" dir="auto">${checkpoint.logSigner}</span></dd>
        <dt>${t("dashboard.witnessed_by")}</dt><dd><ul class="witness-list" id="witness-list">${trusted.policy.witnesses.map(witness)}</ul></dd>
      </dl>
      ${quorum}
      <p class="notice" id="witness-status" hidden></p>
      <p class="hint">${t("dashboard.checkpoint_hint")}</p>`);
    if (!checkpoint.quorumMet) {
      const status = document.getElementById("witness-status");
      status.hidden = false;
      status.textContent = await missingWitnesses(context, checkpoint).catch((e) => e.message);
    }
  } catch (error) {
    fill(body, html`<p class="notice error" dir="auto">${error.message}</p>`);
  }
}
