// The proof badge of a record: its inclusion in the log, proven in this
// browser against the checkpoint the witnesses cosigned. A record just filed
// is not in that checkpoint until the witnesses' quorum has cosigned one that
// covers it (about a second), so the badge says it is waiting and tries
// again; if the quorum does not come, it says who has not cosigned, and since
// when, as the log reports it.
import { api } from "./api.js";
import { currentLanguage, locale, pashtoFormatting, t } from "./i18n.js";
import { checkInclusion, NotYetWitnessed } from "./trust.js";
import { dateTime, participantName } from "./format.js";
import { html, fill } from "./html.js";

/** How long the badge waits for the witnesses before it says who is missing. */
const PATIENCE_MS = 30_000;
const RETRY_MS = 1_000;
/** After that, it keeps looking, less often, while the page is open. */
const LATER_RETRY_MS = 5_000;

export function list(names) {
  // Without Pashto's formatting data (Chromium), Intl would join Pashto
  // names with an English "and": Pashto joins them with "،" and "او".
  if (currentLanguage().code === "ps" && !pashtoFormatting()) {
    return names.length < 2 ? names.join("") : `${names.slice(0, -1).join("، ")} او ${names.at(-1)}`;
  }
  return new Intl.ListFormat(locale(), { style: "long", type: "conjunction" }).format(names);
}

/**
 * Who has cosigned and who has not, in one sentence: of `checkpoint` as this
 * browser verified it when given (a witness whose line does not verify is
 * said so), else of the log's latest checkpoint as the log reports it; the
 * silent ones with since when, from /api/v1/witnessing.
 */
export async function missingWitnesses(context, checkpoint = null) {
  const status = await api.get("/api/v1/witnessing");
  const name = (id) => participantName(id, context.participants);
  const cosigners = checkpoint ? checkpoint.cosigners : (status.latest?.cosigners ?? []);
  const cosigned = new Set(cosigners.map((c) => c.witness));
  const failed = new Set(checkpoint?.failed ?? []);
  const signed = status.witnesses.filter((w) => cosigned.has(w.name)).map((w) => name(w.name));
  const missing = status.witnesses
    .filter((w) => !cosigned.has(w.name))
    .map((w) => {
      if (failed.has(w.name)) return t("proof.cosignature_invalid", { witness: name(w.name) });
      const since = w.failing_since ?? w.last_cosigned_at;
      return since ? t("proof.not_answered_since", { witness: name(w.name), since: dateTime(since) }) : t("proof.never_answered", { witness: name(w.name) });
    });
  const head = signed.length ? t("proof.witnessed_by", { names: list(signed) }) : t("proof.witnessed_by_none");
  return missing.length ? `${head} — ${missing.join("; ")}` : head;
}

/**
 * Who cosigned a checkpoint, each cosignature verified in this browser
 * against the charter's policy, and whether that meets its quorum.
 */
export function witnessedBy(checkpoint, context) {
  const name = (id) => participantName(id, context.participants);
  if (checkpoint.quorum === null) return html`<p class="witnesses" data-quorum-met="true">${t("proof.no_quorum")}</p>`;
  const names = checkpoint.cosigners.map((c) => name(c.witness));
  return html`<p class="witnesses" data-quorum-met="${String(checkpoint.quorumMet)}">${names.length ? t("proof.cosigned_by", { names: list(names) }) : t("proof.witnessed_by_none")} ${checkpoint.quorumMet ? t("proof.quorum_met", { quorum: checkpoint.quorum }) : t("proof.quorum_not_met", { quorum: checkpoint.quorum })}</p>`;
}

/**
 * Fills `badge` with the proof of the record at `index`, waiting for the
 * witnesses when they have not reached it yet. Returns a function that stops
 * the waiting (the view's cleanup).
 */
export function showInclusion(badge, index, record, context) {
  let stopped = false;
  let timer = null;
  const started = Date.now();
  const attempt = async () => {
    timer = null;
    try {
      const proof = await checkInclusion(api, index, record);
      if (stopped) return;
      badge.dataset.state = "verified";
      fill(badge, html`<span class="badge ok">✓ ${t("case.proof_ok")}</span><p>${t("case.proof_detail", { index, count: proof.size, signers: proof.logSigner })}</p>${witnessedBy(proof, context)}`);
    } catch (error) {
      if (stopped) return;
      if (!(error instanceof NotYetWitnessed)) {
        badge.dataset.state = "failed";
        fill(badge, html`<span class="badge bad">✗ ${t("case.proof_failed")}</span><p dir="auto">${error.message}</p>`);
        return;
      }
      const patient = Date.now() - started < PATIENCE_MS;
      if (patient) {
        if (badge.dataset.state !== "awaiting") {
          badge.dataset.state = "awaiting";
          fill(badge, html`<span class="badge">${t("proof.awaiting")}</span><p>${t("proof.awaiting_detail", { index, count: error.size })}</p>`);
        }
      } else if (badge.dataset.state !== "unwitnessed") {
        const who = await missingWitnesses(context).catch((e) => e.message);
        if (stopped) return;
        badge.dataset.state = "unwitnessed";
        fill(badge, html`<span class="badge warn">${t("proof.unwitnessed")}</span><p dir="auto">${who}</p>`);
      }
      timer = setTimeout(attempt, patient ? RETRY_MS : LATER_RETRY_MS);
    }
  };
  attempt();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
