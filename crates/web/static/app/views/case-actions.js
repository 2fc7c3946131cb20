// What the signed-in member may do on a case, each a signed record: answer
// the report (the accused side), attach or acknowledge evidence, and — for
// mediators — record investigation steps, issue a finding, concur with one.
// The log's admission rules have the last word; a refusal is shown as given.
import { t } from "../i18n.js";
import * as session from "../session.js";
import { capabilities, evidenceBody, fileDigest, submit as submitNow, uploadEvidence } from "../records.js";
import { items as queued, submitOrQueue } from "../outbox.js";
import { participantName } from "../format.js";
import { onSubmit } from "../forms.js";
import { DETERMINATIONS, INVESTIGATION_STEPS, STANCES, participantOf } from "../vocabulary.js";
import { html } from "../html.js";


function form(id, title, fields, submitLabel) {
  return html`<details class="action" id="${id}"><summary>${title}</summary><form data-action="${id}">${fields}<div class="action-error" role="alert"></div><button type="submit" class="button">${submitLabel}</button></form></details>`;
}

const select = (id, label, options) =>
  html`<label for="${id}">${label}</label><select id="${id}" name="${id}">${options.map(([v, text]) => html`<option value="${v}" dir="auto">${text}</option>`)}</select>`;
const textarea = (id, label, required = true) => html`<label for="${id}">${label}</label><textarea id="${id}" name="${id}" rows="4" ${required ? html`required` : ""}></textarea>`;

/** The actions panel for this case and member, a fragment. */
export function actionsPanel(page, context) {
  const s = session.current();
  if (!s) return html`<section class="card"><h2>${t("actions.title")}</h2><p>${t("actions.sign_in")}</p><a class="button secondary" href="#/sign-in">${t("session.sign_in")}</a></section>`;
  const can = capabilities(context);
  const { case: c, records } = page;
  const mine = (r) => participantOf(r.record.envelope.author, context.participants) === s.participant;
  const parts = [];
  const answered = c.responses.some((r) => r.participant === s.participant);
  if (can.has("respond") && c.accused === s.participant && !answered) {
    parts.push(form("respond", t("actions.respond"), html`${select("stance", t("actions.stance"), STANCES.map((x) => [x, t(`stances.${x}`)]))}${textarea("narrative", t("actions.narrative"))}`, t("actions.sign_response")));
  }
  if (can.has("report") || can.has("find")) {
    parts.push(form("attach", t("actions.attach"), html`<label for="file">${t("report.files")}</label><input type="file" id="file" name="file" required>
      <label for="description">${t("report.evidence_description")}</label><input id="description" name="description" required maxlength="4096">
      ${select("confidentiality", t("report.confidentiality"), ["public", "participants", "mediators"].map((x) => [x, t(`report.confidentiality_${x}`)]))}
      <progress max="1" value="0" hidden></progress>`, t("actions.sign_evidence")));
  }
  const acknowledged = new Set(records.filter((r) => r.record.envelope.kind === "evidence.acknowledge" && mine(r)).map((r) => r.record.envelope.body.evidence));
  const unacknowledged = records.filter((r) => r.record.envelope.kind === "evidence.submit" && !mine(r) && !acknowledged.has(r.leaf_hash));
  if (unacknowledged.length && (can.has("respond") || can.has("find"))) {
    parts.push(form("acknowledge", t("actions.acknowledge"), html`${select("evidence", t("actions.which_evidence"), unacknowledged.map((r) => [r.leaf_hash, `#${r.index} ${r.record.envelope.body.description}`]))}${select("status", t("actions.ack_status"), [["received", t("acknowledgments.received")], ["examined", t("acknowledgments.examined")]])}${textarea("note", t("actions.note"), false)}`, t("actions.sign_acknowledgment")));
  }
  if (can.has("find")) {
    parts.push(form("investigate", t("actions.investigate"), html`${select("step", t("actions.step"), INVESTIGATION_STEPS.map((x) => [x, t(`steps.${x}`)]))}${textarea("details", t("actions.details"))}`, t("actions.sign_step")));
    const parties = context.participants.filter((p) => p.role === "party");
    parts.push(form("find", t("actions.find"), html`${select("determination", t("actions.determination"), DETERMINATIONS.map((x) => [x, t(`determinations.${x}`)]))}${select("responsible", t("actions.responsible"), [["", t("report.no_one")], ...parties.map((p) => [p.id, p.name])])}${textarea("reasoning", t("actions.reasoning"))}`, t("actions.sign_finding")));
    const toConcur = c.findings.filter((f) => !f.signed_by.includes(s.participant));
    if (toConcur.length) {
      parts.push(form("concur", t("actions.concur"), html`${select("finding", t("actions.which_finding"), toConcur.map((f) => [f.record, `#${f.index} ${t(`determinations.${f.determination}`)} (${f.signed_by.map((p) => participantName(p, context.participants)).join(", ")})`]))}${textarea("note", t("actions.note"), false)}`, t("actions.sign_concurrence")));
    }
  }
  if (!parts.length) return html`<section class="card"><h2>${t("actions.title")}</h2><p class="hint">${t("actions.none")}</p></section>`;
  return html`<section class="card actions-card"><h2>${t("actions.title")}</h2><p class="hint">${t("actions.signed_as", { member: s.member })}</p>${parts}</section>`;
}

/** Wires the forms: each signs its record, then the case is shown again. */
export function wireActions(main, page, context) {
  const origin = context.charter.origin;
  const incident = page.case.incident;
  // Offline (or behind queued records), each is signed now and queued.
  const title = page.summary?.title ?? "";
  const submit = (kind, body) => submitOrQueue(() => submitNow(kind, body, origin), { kind, body, origin, participants: context.participants, title });
  const handlers = {
    respond: (f) => submit("incident.response", { incident, stance: f.stance.value, narrative: f.narrative.value.trim() }, origin),
    attach: async (f) => {
      const file = f.file.files[0];
      const details = { description: f.description.value.trim(), confidentiality: f.confidentiality.value, incident };
      const digest = await fileDigest(file);
      const progress = f.querySelector("progress");
      const upload = () => {
        progress.hidden = false;
        return uploadEvidence(file, { ...details, digest }, origin, (x) => (progress.value = x));
      };
      return submitOrQueue(upload, { kind: "evidence.submit", body: evidenceBody(file, details, digest), origin, files: [{ digest, blob: file, name: file.name }], participants: context.participants, title });
    },
    acknowledge: (f) => submit("evidence.acknowledge", { evidence: f.evidence.value, status: f.status.value, ...(f.note.value.trim() ? { note: f.note.value.trim() } : {}) }, origin),
    investigate: (f) => submit("incident.investigation", { incident, step: f.step.value, details: f.details.value.trim() }, origin),
    find: (f) =>
      submit("incident.finding", { incident, determination: f.determination.value, ...(f.responsible.value ? { responsible: f.responsible.value } : {}), reasoning: f.reasoning.value.trim() }, origin),
    concur: (f) => submit("concurrence", { record: f.finding.value, ...(f.note.value.trim() ? { note: f.note.value.trim() } : {}) }, origin),
  };
  for (const f of main.querySelectorAll("form[data-action]")) onSubmit(f, (form) => handlers[form.dataset.action](form.elements));
  // An answer signed here and still queued is this side's answer: not offered twice.
  const s = session.current();
  queued(s?.member ?? "")
    .then((list) => {
      const answering = (r) => r.record.envelope.kind === "incident.response" && r.record.envelope.body.incident === incident;
      if (list.some((item) => item.signed.some(answering))) main.querySelector("#respond")?.remove();
    })
    .catch(() => {});
}
