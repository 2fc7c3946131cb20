// Records signed in this browser but not yet in the log (outbox.js): each
// with what it is, the sequence number and time it was signed with, its
// evidence files and why it waits; sent again on request, or discarded.
// And the dialog asking the member's consent before anything is signed
// again with new sequence numbers (a conflict), showing what changes.
import { t } from "../i18n.js";
import * as session from "../session.js";
import * as outbox from "../outbox.js";
import { signInFirst } from "./report.js";
import { html, fill } from "../html.js";
import { showConfirmation } from "../forms.js";

const code = (value) => html`<code dir="ltr">${value}</code>`;

// An item's records take consecutive sequence numbers from its first.
const seqs = (from, item) => (item.signed.length > 1 ? `${from}–${from + item.signed.length - 1}` : String(from));

function kindName(kind) {
  return t(`kinds.${kind}`);
}

function stateText(item) {
  if (item.state === "conflict") return t("outbox.state_conflict");
  if (item.state === "refused") return t("outbox.state_refused");
  if (item.state === "sign_in") return t("outbox.sign_in_again");
  return navigator.onLine ? t("outbox.state_sending") : t("outbox.state_offline");
}

export async function render(main) {
  const s = session.current();
  if (!s) return signInFirst(main, t("outbox.sign_in_needed"));
  const list = await outbox.items(s.member);
  fill(main, html`
    <section class="page narrow outbox-page">
      <header class="page-header"><div><h1>${t("outbox.title")}</h1><p class="lede">${t("outbox.lede")}</p></div></header>
      ${list.length ? "" : html`<p class="card" id="outbox-empty">${t("outbox.empty")}</p>`}
      <ol class="outbox-list">${list.map(
        (item) => html`<li class="card outbox-item" data-id="${item.id}" data-state="${item.state}" data-seq="${outbox.first(item).seq}">
          <h2><span class="badge pending">${t("outbox.not_in_log")}</span> ${kindName(item.label.kind)}${item.label.title ? html`: <bdi>${item.label.title}</bdi>` : ""}</h2>
          <dl class="facts">
            <dt>${t("outbox.signed_at")}</dt><dd>${code(outbox.first(item).time)}</dd>
            <dt>${t("outbox.seq")}</dt><dd>${code(seqs(outbox.first(item).seq, item))}</dd>
            ${item.files.length ? html`<dt>${t("outbox.files")}</dt><dd>${item.files.map((f) => html`<bdi>${f.name}</bdi> `)}</dd>` : ""}
            <dt>${t("outbox.state")}</dt><dd class="outbox-state">${stateText(item)}</dd>
          </dl>
          ${item.problem && item.state === "refused" ? html`<p class="notice error" dir="auto">${item.problem}</p>` : ""}
          <div class="buttons">
            ${item.state === "conflict" ? html`<button type="button" class="button" data-resign>${t("outbox.review")}</button>` : ""}
            ${item.state !== "conflict" && item.state !== "refused" ? html`<button type="button" class="button secondary" data-send>${t("outbox.send_now")}</button>` : ""}
            <button type="button" class="button secondary" data-discard="${item.id}">${t("outbox.discard")}</button>
          </div>
        </li>`,
      )}</ol>
    </section>`);
  showConfirmation(main);
  for (const b of main.querySelectorAll("[data-send]")) b.addEventListener("click", () => outbox.flush());
  for (const b of main.querySelectorAll("[data-resign]")) b.addEventListener("click", () => openConflict(s.member));
  for (const b of main.querySelectorAll("[data-discard]")) {
    b.addEventListener("click", async () => {
      if (confirm(t("outbox.discard_confirm"))) await outbox.discard(Number(b.dataset.discard));
    });
  }
}

/** The consent dialog: what re-signing changes, for every queued item of `member`. */
export async function openConflict(member) {
  if (document.getElementById("resign-dialog")?.open) return;
  let plan;
  try {
    plan = await outbox.proposal(member);
  } catch {
    return; // No answer from the server: asked again when it answers.
  }
  if (!plan.length) return;
  document.getElementById("resign-dialog")?.remove();
  const dialog = document.createElement("dialog");
  dialog.id = "resign-dialog";
  dialog.className = "resign-dialog";
  dialog.setAttribute("aria-labelledby", "resign-title");
  fill(dialog, html`
    <h2 id="resign-title">${t("outbox.conflict_title")}</h2>
    <p>${t("outbox.conflict_explain", { seq: plan[0].to.seq })}</p>
    <table class="resign-plan">
      <thead><tr><th scope="col">${t("outbox.record")}</th><th scope="col">${t("outbox.seq")}</th><th scope="col">${t("outbox.claimed_time")}</th></tr></thead>
      <tbody>${plan.map(
        (p) => html`<tr data-id="${p.item.id}" data-new-seq="${p.to.seq}" data-new-time="${p.to.time}">
          <td>${kindName(p.item.label.kind)}${p.item.label.title ? html`: <bdi>${p.item.label.title}</bdi>` : ""}</td>
          <td>${code(seqs(p.from.seq, p.item))} → ${code(seqs(p.to.seq, p.item))}</td>
          <td>${p.from.time === p.to.time ? html`${code(p.to.time)} <small>${t("outbox.time_kept")}</small>` : html`${code(p.from.time)} → ${code(p.to.time)} <small>${p.moved ? t("outbox.time_moved") : t("outbox.time_kept")}</small>`}</td>
        </tr>`,
      )}</tbody>
    </table>
    <p class="hint">${t("outbox.conflict_hint")}</p>
    <div class="action-error" role="alert"></div>
    <div class="buttons">
      <button type="button" class="button" id="resign-confirm">${t("outbox.resign")}</button>
      <button type="button" class="button secondary" id="resign-cancel">${t("outbox.not_now")}</button>
    </div>`);
  document.body.append(dialog);
  dialog.querySelector("#resign-cancel").addEventListener("click", () => dialog.close());
  dialog.querySelector("#resign-confirm").addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      await outbox.resign(plan);
      dialog.close();
    } catch (error) {
      fill(dialog.querySelector(".action-error"), html`<div class="notice error" dir="auto">${error.message}</div>`);
      event.target.disabled = false;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  dialog.showModal();
}
