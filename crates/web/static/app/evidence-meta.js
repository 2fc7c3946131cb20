// What an evidence file says about itself (its EXIF and whether it embeds
// content credentials), set beside what the records state, from
// GET /api/v1/evidence/{digest}/metadata. The server makes the checks
// (truce-evidence-meta, the one place their rule lives); this shows them,
// neutrally: a disagreement is flagged for a reader to weigh, not judged.
import { t } from "./i18n.js";
import { dateTime, degrees, number } from "./format.js";
import { html, fill } from "./html.js";

/** Images the server makes thumbnails of (by their bytes; these are the types that carry them). */
export const THUMBNAILED = new Set(["image/jpeg", "image/png"]);

export function thumbnailUrl(digest) {
  return `/api/v1/evidence/${encodeURIComponent(digest)}/thumbnail`;
}

const point = (p) => `${degrees(p.lat_e6)}, ${degrees(p.lon_e6)}`;
// Coordinates and EXIF's digits read left to right in every sentence: in an
// Arabic-script one, "30.1798, 66.9750" would otherwise show its halves
// swapped. (t() isolates only values with letters.)
const ltr = (s) => (s ? `\u2066${s}\u2069` : s);
const km = (m) => t("evidence_meta.km", { n: number(Math.round(m / 100) / 10) });

/** A capture time as the file writes it, with its zone or the lack of one. */
function fileTime(c) {
  const digits = c.local.replace("T", " ");
  return c.offset ? `${digits} ${c.offset}` : `${digits} ${t("evidence_meta.no_zone")}`;
}

function fileDevice(exif) {
  return [exif?.make, exif?.model].filter(Boolean).join(" ");
}

/** The values a check's sentence names: what the file says, what is stated. */
function values(check, exif) {
  switch (check.about) {
    case "incident_place":
    case "stated_place":
      return {
        file: exif?.position ? ltr(point(exif.position)) : "",
        stated: ltr(point(check.stated)),
        distance: check.distance_m !== undefined ? km(check.distance_m) : "",
        threshold: km(check.threshold_m),
      };
    case "stated_time":
    case "incident_time":
      return { file: exif?.captured ? ltr(fileTime(exif.captured)) : "", stated: dateTime(check.stated.at, check.stated.precision) };
    case "report_filed":
    case "evidence_filed":
      return { file: exif?.captured ? ltr(fileTime(exif.captured)) : "", stated: dateTime(check.stated) };
    case "stated_device":
      return { file: fileDevice(exif), stated: check.stated };
    default:
      return {};
  }
}

function checkLine(check, exif) {
  const v = values(check, exif);
  const sentence =
    check.outcome === "not_in_file" ? t(`evidence_meta.missing.${check.about}`, v) : t(`evidence_meta.says.${check.about}`, v);
  const flag = check.outcome === "disagrees";
  return html`<li class="meta-check meta-${check.outcome}" data-about="${check.about}">
      <span class="meta-outcome">${flag ? "⚑ " : ""}${t(`evidence_meta.outcome.${check.outcome}`)}</span>
      <span>${sentence}</span>${flag && v.threshold ? html` <span class="meta">${t("evidence_meta.threshold", { threshold: v.threshold })}</span>` : ""}
    </li>`;
}

/** The manifest's claims, set out as its own, then what validating it gave. */
function contentCredentials(c) {
  if (!c.present) return html`<p class="meta-credentials">${t("evidence_meta.c2pa_absent")}</p>`;
  const m = c.manifest;
  const signer = m?.signer && (m.signer.common_name || m.signer.issuer);
  const claims = m
    ? html`<p>${t("evidence_meta.c2pa_says")}</p>
        <ul class="plain">
          ${m.claim_generator ? html`<li>${t("evidence_meta.c2pa_generator", { generator: m.claim_generator })}</li>` : ""}
          ${signer ? html`<li>${t("evidence_meta.c2pa_signer", { signer: [m.signer.common_name, m.signer.issuer].filter(Boolean).join(", ") })}</li>` : ""}
          ${m.signer?.time ? html`<li>${t("evidence_meta.c2pa_signed_at", { time: m.signer.time })}</li>` : ""}
          ${m.actions.map(
            (a) => html`<li class="meta-action"><span dir="ltr">${a.action}</span>${a.when ? html` · <span dir="ltr">${a.when}</span>` : ""}${a.software_agent ? html` · <span dir="auto">${a.software_agent}</span>` : ""}</li>`,
          )}
        </ul>`
    : html`<p>${t("evidence_meta.c2pa_present")}</p>`;
  const failures = c.failures?.join(", ") ?? "";
  const verdict = {
    valid: t("evidence_meta.c2pa_valid"),
    invalid: t("evidence_meta.c2pa_invalid", { failures }),
    unreadable: t("evidence_meta.c2pa_unreadable", { failures }),
    file_not_read_whole: t("evidence_meta.c2pa_not_whole"),
  }[c.validation];
  return html`<div class="meta-credentials" data-validation="${c.validation}">
      ${claims}
      ${c.identity_failures?.length ? html`<p class="hint">${t("evidence_meta.c2pa_identity", { failures: c.identity_failures.join(", ") })}</p>` : ""}
      ${verdict ? html`<p class="meta-c2pa-${c.validation}">${c.validation === "invalid" || c.validation === "unreadable" ? "⚑ " : ""}${verdict}</p>` : ""}
    </div>`;
}

function panel(meta) {
  const { file } = meta;
  const exif = file.exif;
  const facts = exif
    ? html`<dl class="facts compact">
        ${exif.captured ? html`<dt>${t("evidence_meta.time")}</dt><dd dir="ltr">${fileTime(exif.captured)}</dd>` : ""}
        ${exif.position ? html`<dt>${t("evidence_meta.position")}</dt><dd dir="ltr">${point(exif.position)}</dd>` : ""}
        ${fileDevice(exif) ? html`<dt>${t("evidence_meta.device")}</dt><dd dir="auto">${fileDevice(exif)}</dd>` : ""}
        ${exif.software ? html`<dt>${t("evidence_meta.software")}</dt><dd dir="auto">${exif.software}</dd>` : ""}
      </dl>`
    : html`<p class="meta-none">${file.exif_unreadable ? t("evidence_meta.unreadable") : t("evidence_meta.no_exif")}</p>`;
  const credentials = contentCredentials(file.content_credentials);
  const flagged = meta.checks.filter((c) => c.outcome === "disagrees").length;
  return html`
    <section class="evidence-meta-panel" aria-label="${t("evidence_meta.title")}">
      <h3>${t("evidence_meta.title")}</h3>
      <p class="hint">${t("evidence_meta.caveat")}</p>
      ${facts}
      ${credentials}
      ${!file.whole_file_read ? html`<p class="hint">${t("evidence_meta.prefix", { bytes: number(file.bytes_read) })}</p>` : ""}
      ${meta.checks.length ? html`<p class="meta-summary">${flagged ? t("evidence_meta.flagged", { count: flagged }) : t("evidence_meta.none_flagged")}</p><ul class="meta-checks plain">${meta.checks.map((c) => checkLine(c, exif))}</ul>` : ""}
    </section>`;
}

/**
 * Fills `box` with the metadata of the evidence `digest`, asked with
 * `headers` (a restricted file's reader's authorization). A file whose
 * metadata cannot be had leaves the box empty: the record still says
 * everything it states.
 */
export async function showMetadata(box, digest, headers = {}) {
  try {
    const response = await fetch(`/api/v1/evidence/${encodeURIComponent(digest)}/metadata`, { headers });
    if (!response.ok) return;
    fill(box, panel(await response.json()));
  } catch {
    // Offline or refused: the record's own statement is on the page already.
  }
}
