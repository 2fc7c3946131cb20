// One incident's case: the report, every record about it in log order, the
// derived stage and deadline, evidence viewable in the page, and a badge
// whose check of the report's inclusion in the log runs in this browser.
import { api, authorization } from "../api.js";
import { t } from "../i18n.js";
import { showInclusion } from "../proof.js";
import { baseMapLayers } from "./map.js";
import { actionsPanel, wireActions } from "./case-actions.js";
import { participantOf } from "../vocabulary.js";
import * as session from "../session.js";
import { submit } from "../records.js";
import { showConfirmation } from "../forms.js";
import { dateTime, degrees, number, participantName, shortHash, timeLeft } from "../format.js";
import { html, fill } from "../html.js";
import { illustrativeBadge, illustrativeNote, sourceList } from "../attribution.js";
import { THUMBNAILED, showMetadata, thumbnailUrl } from "../evidence-meta.js";

function casualtyLine(c) {
  if (!c) return "";
  const killed = (c.killed?.military?.best ?? 0) + (c.killed?.civilian?.best ?? 0);
  const injured = (c.injured?.military?.best ?? 0) + (c.injured?.civilian?.best ?? 0);
  return t("case.casualties", { killed: number(killed), injured: number(injured) });
}

function place(p) {
  const names = [p.location, p.admin2, p.admin1, p.country].filter(Boolean).join(", ");
  return html`<span dir="auto">${names}</span> <span class="meta">(${degrees(p.point.lat_e6)}, ${degrees(p.point.lon_e6)} · ${t(`precision.${p.precision}`)})</span>`;
}

/** Evidence inline where the browser can show it, with its digest and capture metadata. */
function evidence(body, index) {
  const url = `/api/v1/evidence/${encodeURIComponent(body.digest)}`;
  const c = body.captured;
  const capture = [
    c?.time ? html`<dt>${t("case.captured")}</dt><dd>${dateTime(c.time.at, c.time.precision)}</dd>` : "",
    c?.place ? html`<dt>${t("case.captured_at")}</dt><dd>${place(c.place)}</dd>` : "",
    c?.device ? html`<dt>${t("case.device")}</dt><dd dir="auto">${c.device}</dd>` : "",
    body.collected_by ? html`<dt>${t("case.collected_by")}</dt><dd dir="auto">${body.collected_by}</dd>` : "",
    body.custody?.length ? html`<dt>${t("case.custody")}</dt><dd><ol class="custody">${body.custody.map((s) => html`<li>${dateTime(s.at)} · <span dir="auto">${s.holder}</span>: <span dir="auto">${s.note}</span></li>`)}</ol></dd>` : "",
  ];
  let viewer = "";
  if (body.confidentiality === "public") {
    // JPEG and PNG as the server's thumbnail, linking to the file itself.
    if (THUMBNAILED.has(body.media_type)) viewer = html`<a href="${url}"><img class="evidence-image" src="${thumbnailUrl(body.digest)}" alt="${body.description}" loading="lazy"></a>`;
    else if (body.media_type.startsWith("image/")) viewer = html`<img class="evidence-image" src="${url}" alt="${body.description}" loading="lazy">`;
    else if (body.media_type === "application/pdf") viewer = html`<object class="evidence-pdf" data="${url}" type="application/pdf" aria-label="${body.description}"><a href="${url}">${t("case.open_file")}</a></object>`;
  } else {
    // Restricted: shown only after the reader signs an evidence.access
    // record, so that every read of it is in the log.
    viewer = html`<p class="notice restricted">🔒 ${t(`case.restricted_${body.confidentiality}`)}</p>
      <div class="restricted-viewer" data-digest="${body.digest}" data-media-type="${body.media_type}" data-index="${index}"></div>`;
  }
  return html`
    <div class="evidence" id="evidence-${index}">
      ${viewer}
      <dl class="facts compact">
        <dt>${t("case.digest")}</dt><dd><code>${body.digest}</code></dd>
        <dt>${t("case.file")}</dt><dd>${body.media_type} · ${number(body.size)} ${t("case.bytes")}${body.confidentiality === "public" ? html` · <a href="${url}" download>${t("case.download")}</a>` : ""}</dd>
        ${capture}
      </dl>
      <div class="evidence-metadata" data-digest="${body.digest}" data-public="${body.confidentiality === "public" ? "yes" : "no"}"></div>
    </div>`;
}

function recordBody(kind, body, index, context) {
  const p = (id) => participantName(id, context.participants);
  const text = (s) => (s ? html`<p class="prose" dir="auto">${s}</p>` : "");
  switch (kind) {
    case "incident.report":
      return html`${text(body.narrative)}${body.actor ? html`<p class="meta">${t("case.actor")}: <span dir="auto">${body.actor}</span></p>` : ""}<p class="meta">${casualtyLine(body.casualties)}</p>`;
    case "incident.response":
      return html`<p><span class="stance stance-${body.stance}">${t(`stances.${body.stance}`)}</span></p>${text(body.narrative)}${(body.counter_claims ?? []).map((c) => html`<blockquote dir="auto">${c}</blockquote>`)}`;
    case "incident.investigation":
      return html`<p><strong>${t(`steps.${body.step}`)}</strong></p>${text(body.details)}`;
    case "incident.finding":
      return html`<p><span class="determination det-${body.determination}">${t(`determinations.${body.determination}`)}</span>${body.responsible ? ` · ${t("case.responsible", { party: p(body.responsible) })}` : ""}</p>${text(body.reasoning)}`;
    case "concurrence":
      return text(body.note);
    case "incident.remedy":
      return text(body.action);
    case "evidence.submit":
      return html`${text(body.description)}${evidence(body, index)}`;
    case "evidence.acknowledge":
      return html`<p>${t(`acknowledgments.${body.status}`)}</p>${text(body.note)}`;
    case "violation.determination":
      return html`<p>${t("case.consequence_level", { level: body.consequence_level, party: p(body.party) })}</p>${text(body.reasoning)}`;
    case "penalty.decision":
      // Filled with the report published for this decision, if any (publicReports).
      return html`<p>${t("case.consequence_level_only", { level: body.consequence_level })}</p>${text(body.measures)}<p class="public-report" data-decision="${index}" hidden></p>`;
    case "violation.response":
      return html`<p><span class="stance stance-${body.stance}">${t(`stances.${body.stance}`)}</span></p>${text(body.text)}`;
    case "disclosure":
      return html`<p>${t("case.disclosed")}</p>`;
    case "incident.link":
      return html`<p dir="auto">${body.relation}</p>${text(body.note)}`;
    default:
      return "";
  }
}

/**
 * A decided consequence whose schedule step is a public report links to the
 * report published for it (a `report.publish` naming the decision), served
 * only if the log rebuilds its digest. As of a past moment, only reports
 * published by then (the list is a derived view).
 */
async function publicReports(main) {
  const slots = [...main.querySelectorAll(".public-report[data-decision]")];
  if (slots.length === 0) return;
  const { reports } = await api.get("/api/v1/reports/published");
  for (const slot of slots) {
    const mine = reports.filter((r) => String(r.decision) === slot.dataset.decision);
    if (mine.length === 0) continue;
    fill(slot, html`${mine.map((r, i) => html`${i ? " · " : ""}<a href="${r.href}" download>${t("case.public_report", { period: `${r.from.slice(0, 10)} – ${r.to.slice(0, 10)} · ${r.lang} · ${r.format}` })}</a>`)}`);
    slot.hidden = false;
  }
}

const RASTER_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

/**
 * Restricted evidence opens only for those it is shared with, and each
 * opening first signs an `evidence.access` record: the read is in the log
 * before a byte is served.
 */
function wireRestrictedEvidence(main, page, context) {
  const s = session.current();
  for (const box of main.querySelectorAll(".restricted-viewer")) {
    if (!s || s.role === "observer") continue;
    const record = page.records.find((r) => String(r.index) === box.dataset.index);
    fill(box, html`<button type="button" class="button secondary">${t("case.open_restricted")}</button><div class="action-error" role="alert"></div>`);
    box.querySelector("button").addEventListener("click", async (event) => {
      event.target.disabled = true;
      try {
        await submit("evidence.access", { evidence: record.leaf_hash, purpose: t("case.access_purpose") }, context.charter.origin);
        const response = await fetch(`/api/v1/evidence/${encodeURIComponent(box.dataset.digest)}`, {
          headers: authorization(),
        });
        if (!response.ok) throw new Error((await response.json().catch(() => ({}))).detail ?? response.statusText);
        // The uploader's bytes under the uploader's word for their type must
        // never become a document of this origin (an HTML or SVG "photo" would
        // run as the page): the link is opaque bytes to save, and only a
        // raster image is shown, inside an <img>.
        const bytes = await response.arrayBuffer();
        const download = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
        const type = box.dataset.mediaType;
        const picture = RASTER_IMAGES.has(type) ? URL.createObjectURL(new Blob([bytes], { type })) : null;
        const name = record.record.envelope.body.filename ?? "";
        fill(box, html`${picture ? html`<img class="evidence-image" src="${picture}" alt="">` : ""}<p class="notice success">${t("case.access_logged")} <a href="${download}" download="${name}">${t("case.download")}</a></p>`);
        const meta = box.closest(".evidence")?.querySelector(".evidence-metadata");
        if (meta) showMetadata(meta, box.dataset.digest, authorization());
      } catch (error) {
        fill(box.querySelector(".action-error"), html`<div class="notice error" dir="auto">${error.message}</div>`);
        event.target.disabled = false;
      }
    });
  }
}

export async function render(main, params, context) {
  const index = Number(params.index);
  const page = await api.get(`/api/v1/incidents/${index}`);
  const { summary, case: c, records } = page;
  const report = records.find((r) => r.index === index);
  const body = report.record.envelope.body;
  const p = (id) => participantName(id, context.participants);

  fill(main, html`
    <section class="page case-page">
      <nav class="breadcrumbs" aria-label="${t("case.breadcrumbs")}"><a href="#/map">${t("nav.map")}</a> › <span>${t("case.case_n", { n: index })}</span></nav>
      <header class="page-header">
        <div>
          <p class="eyebrow">${t(`types.${summary.incident_type}`)} · ${dateTime(summary.time.at, summary.time.precision)}</p>
          <h1><span dir="auto">${summary.title}</span>${illustrativeBadge(summary.illustrative)}</h1>
          <p class="claim-line">${t("case.claim", { reporter: p(c.reporter), accused: c.accused ? p(c.accused) : t("common.none") })}</p>
        </div>
        <div class="case-status">
          <span class="stage stage-${c.stage}">${t(`stages.${c.stage}`)}</span>
          <div id="countdown" class="countdown-box"></div>
        </div>
      </header>

      <div class="grid case-grid">
        <div class="timeline" role="group" aria-label="${t("case.records")}">
          ${records
            .map((r) => {
              const e = r.record.envelope;
              const participant = participantOf(e.author, context.participants);
              return html`
              <article class="record record-${e.kind.replace(/\./g, "-")}" id="record-${r.index}">
                <header>
                  <span class="kind">${t(`kinds.${e.kind}`)}</span>
                  <span class="author"><span class="role-dot party-${participant ?? ""}" aria-hidden="true"></span><span dir="auto">${p(participant)}</span> · ${e.author}</span>
                  <time datetime="${e.time}">${dateTime(e.time)}</time>
                </header>
                ${recordBody(e.kind, e.body, r.index, context)}
                ${e.confidential ? html`<p class="notice restricted">🔒 ${r.confidential ? t("case.confidential_shown") : t("case.confidential_hidden")}</p>${r.confidential ? html`<pre class="confidential" dir="auto">${JSON.stringify(r.confidential.content, null, 2)}</pre>` : ""}` : ""}
                ${sourceList(e.body.sources)}
                ${illustrativeNote(e.body)}
                <footer class="record-footer"><span>#${r.index}</span> <code title="${r.leaf_hash}">${shortHash(r.leaf_hash)}</code> <a href="/api/v1/records/${r.index}/bundle" download="truce-record-${r.index}.bundle.json">${t("case.bundle")}</a></footer>
              </article>`;
            })}
        </div>

        <aside class="case-side">
          ${actionsPanel(page, context)}
          <section class="card">
            <h2>${t("case.proof")}</h2>
            <div id="proof-badge" class="proof-badge" data-state="checking"><span class="badge">${t("common.checking")}</span></div>
            <p class="hint">${t("case.proof_hint")}</p>
          </section>
          <section class="card">
            <h2>${t("case.where")}</h2>
            <ul class="plain">${body.places.map((pl) => html`<li>${place(pl)}</li>`)}</ul>
            <div id="case-map" class="mini-map" role="img" aria-label="${t("case.where")}"></div>
          </section>
          <section class="card">
            <h2>${t("case.summary")}</h2>
            <dl class="facts">
              <dt>${t("case.reported")}</dt><dd>${dateTime(c.reported_at)}</dd>
              <dt>${t("case.responses")}</dt><dd>${number(c.responses.length)}</dd>
              <dt>${t("case.steps")}</dt><dd>${number(c.investigation.length)}</dd>
              <dt>${t("case.findings")}</dt><dd>${c.findings.map((f) => `${t(`determinations.${f.determination}`)} (${f.signed_by.map(p).join(", ")})`).join("; ") || t("common.none")}</dd>
            </dl>
          </section>
        </aside>
      </div>
    </section>`);

  wireRestrictedEvidence(main, page, context);
  publicReports(main).catch(() => {});
  for (const box of main.querySelectorAll(".evidence-metadata[data-public=yes]")) showMetadata(box, box.dataset.digest);
  wireActions(main, page, context);
  showConfirmation(main);

  // The deadline, counting down in place.
  const countdown = document.getElementById("countdown");
  const shownAt = Date.now();
  const tick = () => {
    const r = c.response;
    const elapsed = Math.floor((Date.now() - shownAt) / 1000);
    if (r.state === "awaiting") {
      const left = r.seconds_left - elapsed;
      fill(countdown, html`<span class="countdown ${left < 86400 ? "soon" : ""}">${t("case.answer_due", { party: p(c.accused) })}: ${timeLeft(left)}</span><small>${dateTime(r.deadline)}</small>`);
    } else if (r.state === "overdue") {
      fill(countdown, html`<span class="countdown overdue">${t("case.unanswered")}: ${timeLeft(-(r.seconds_overdue + elapsed))}</span><small>${t("case.deadline_was", { date: dateTime(r.deadline) })}</small>`);
    } else if (r.state === "answered") {
      fill(countdown, html`<span class="countdown done">${t("case.answered_on", { date: dateTime(r.at) })}${r.late ? ` · ${t("case.late")}` : ""}</span>`);
    } else {
      fill(countdown, html`<span class="countdown">${t("case.no_answer_owed")}</span>`);
    }
  };
  tick();
  const timer = setInterval(tick, 1000);

  // Leaflet draws layers only on a map that has a view, so the view comes first.
  const points = body.places.map((pl) => [pl.point.lat_e6 / 1e6, pl.point.lon_e6 / 1e6]);
  const map = L.map("case-map", { zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false });
  map.setView(points[0], 7);
  await baseMapLayers(map);
  for (const point of points) L.circleMarker(point, { radius: 7, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 1 }).addTo(map);

  const stopProof = showInclusion(document.getElementById("proof-badge"), index, report.record, context);

  return () => {
    clearInterval(timer);
    stopProof();
    map.remove();
  };
}
