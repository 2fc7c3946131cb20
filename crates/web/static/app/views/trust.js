// What this browser trusts, and why: the charter whose founders' signatures
// it checked, the charter hash and log key it pinned (on first use, or from
// a value a member was given out of band — a paper copy from the signing
// ceremony, a message from one's own delegation), and the last witnessed
// checkpoint it saw, from which every visit checks a consistency proof.
// The banner is the loud half: shown on every page while the server
// contradicts what is pinned.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { checkLog, forget, pinGiven, pinned, seen, TrustError } from "../trust.js";
import { dateTime } from "../format.js";
import { html, fill } from "../html.js";

/** Shows (or clears) the banner above every page. */
export function banner(error) {
  let box = document.getElementById("trust-banner");
  if (!error) {
    box?.remove();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.id = "trust-banner";
    box.className = "trust-banner";
    box.setAttribute("role", "alert");
    document.getElementById("main").before(box);
  }
  box.dataset.problem = error.code ?? "error";
  fill(box, html`<strong>${t(`trust.banner.${error.code}`)}</strong> <span dir="auto">${error.message}</span> <a href="#/trust">${t("trust.banner.what_to_do")}</a>`);
}

/** The check every visit makes, its outcome shown in the banner. */
export async function checkVisit() {
  try {
    const result = await checkLog(api);
    banner(null);
    return result;
  } catch (error) {
    // Only a contradiction is alarming; a server that does not answer is not one.
    if (error instanceof TrustError) banner(error);
    throw error;
  }
}

export async function render(main) {
  let result = null;
  let problem = null;
  try {
    result = await checkVisit();
  } catch (error) {
    problem = error;
  }
  const held = pinned();
  const last = seen();
  fill(main, html`
    <section class="page">
      <header class="page-header"><div><h1>${t("trust.title")}</h1><p class="lede">${t("trust.lede")}</p></div></header>
      <div class="grid two">
        <article class="card" id="trust-state" data-state="${problem ? "alarm" : "ok"}">
          <h2>${t("trust.pinned")}</h2>
          ${problem ? html`<p class="notice error" dir="auto">${problem.message}</p>` : html`<p><span class="badge ok">✓ ${t("trust.consistent")}</span></p>`}
          <dl class="facts">
            <dt>${t("trust.charter_hash")}</dt><dd><code id="pinned-charter" dir="ltr">${held?.charter ?? t("common.none")}</code></dd>
            <dt>${t("trust.log_key")}</dt><dd><code id="pinned-log-key" dir="ltr">${held?.log_key ?? t("common.none")}</code></dd>
            <dt>${t("trust.how")}</dt><dd>${held ? t(`trust.how_${held.how === "given" ? "given" : "first_use"}`, { at: dateTime(held.at) }) : t("common.none")}</dd>
            <dt>${t("trust.founders")}</dt><dd>${result ? result.trusted.signers.join(", ") : "—"}</dd>
            <dt>${t("trust.last_seen")}</dt><dd id="last-seen">${last ? t("trust.seen_size", { count: last.size }) : "—"}</dd>
          </dl>
          <p class="hint">${t("trust.hint")}</p>
        </article>
        <article class="card">
          <h2>${t("trust.pin_title")}</h2>
          <p>${t("trust.pin_hint")}</p>
          <form id="pin-form" class="form">
            <label for="pin-charter">${t("trust.charter_hash")}</label>
            <input id="pin-charter" name="charter" dir="ltr" required autocomplete="off" spellcheck="false">
            <label for="pin-log-key">${t("trust.log_key")}</label>
            <input id="pin-log-key" name="log_key" dir="ltr" required autocomplete="off" spellcheck="false">
            <p id="pin-error" aria-live="polite"></p>
            <div class="form-actions"><button type="submit" class="button">${t("trust.pin")}</button> <button type="button" class="button secondary" id="pin-forget">${t("trust.forget")}</button></div>
          </form>
        </article>
      </div>
    </section>`);
  const rerender = () => render(main);
  document.getElementById("pin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      pinGiven(document.getElementById("pin-charter").value, document.getElementById("pin-log-key").value);
    } catch (error) {
      fill(document.getElementById("pin-error"), html`<span class="notice error" dir="auto">${error.message}</span>`);
      return;
    }
    await rerender();
  });
  document.getElementById("pin-forget").addEventListener("click", async () => {
    forget();
    await rerender();
  });
}
