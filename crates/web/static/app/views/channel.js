// The channel: threads between the parties (and the mediators), each message
// with every recipient's receipt, and acknowledgments that are overdue. A
// signed-in member sends messages and acknowledges those sent to its side.
// The API pages the channel newest first; `#/channel?before=N` shows the
// messages before log index N.
import { api } from "../api.js";
import { t } from "../i18n.js";
import * as session from "../session.js";
import { submit } from "../records.js";
import { dateTime, participantName } from "../format.js";
import { onSubmit, showConfirmation } from "../forms.js";
import { illustrativeNote } from "../attribution.js";
import { html, fill } from "../html.js";

const PAGE = 50;

export async function render(main, params, context) {
  const before = new URLSearchParams(params.query ?? "").get("before");
  const page = await api.get(`/api/v1/channel?limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ""}`);
  // The page is newest first; threads read oldest first.
  const messages = [...page.messages].reverse();
  const threads = new Map();
  for (const m of messages) threads.set(m.thread, [...(threads.get(m.thread) ?? []), m]);
  const ordered = [...threads.values()].sort((a, b) => b.at(-1).index - a.at(-1).index);
  const s = session.current();
  const p = (id) => participantName(id, context.participants);
  const others = context.participants.filter((x) => x.id !== s?.participant && x.role !== "observer");

  fill(main, html`
    <section class="page">
      <header class="page-header"><div><p class="eyebrow">${t("channel.eyebrow")}</p><h1>${t("channel.title")}</h1></div>
        ${page.overdue_acknowledgments ? html`<span class="badge bad">${t("channel.overdue", { count: page.overdue_acknowledgments })}</span>` : ""}</header>
      ${s && s.role !== "observer" ? html`
      <details class="card compose" id="compose"><summary>${t("channel.new")}</summary>
        <form data-action="send">
          <fieldset class="recipients"><legend>${t("channel.to")}</legend>${others.map((x) => html`<label><input type="checkbox" name="to" value="${x.id}"> <span dir="auto">${x.name}</span></label>`)}</fieldset>
          <label for="c-subject">${t("channel.subject")}</label><input id="c-subject" name="subject" required maxlength="200">
          <label for="c-text">${t("channel.text")}</label><textarea id="c-text" name="text" rows="4" required></textarea>
          <label class="inline"><input type="checkbox" name="urgent"> ${t("channel.urgent")}</label>
          <div class="action-error" role="alert"></div>
          <button type="submit" class="button">${t("channel.send")}</button>
        </form>
      </details>` : ""}
      <div class="threads">
        ${ordered.length ? ordered
          .map(
            (thread) => html`<article class="card thread">
          <h2 dir="auto"><span class="reporter">${t("claims.writes", { party: p(thread[0].from) })}</span> ${thread[0].subject}</h2>
          ${thread
            .map((m) => {
              const mineToAck = s && m.recipients.some((r) => r.participant === s.participant && r.status !== "acknowledged");
              return html`<div class="message ${m.urgent ? "urgent" : ""}" id="message-${m.index}">
                <header><strong dir="auto">${p(m.from)}</strong> → <span dir="auto">${m.recipients.map((r) => p(r.participant)).join(", ")}</span> <time>${dateTime(m.sent_at)}</time>${m.urgent ? html` <span class="badge bad">${t("channel.urgent_badge")}</span>` : ""}</header>
                <p class="prose" dir="auto">${page.texts[m.index] ?? ""}</p>
                ${illustrativeNote(m)}
                <ul class="receipts">${m.recipients
                  .map((r) => html`<li class="${r.overdue ? "overdue" : r.status ?? "none"}"><span dir="auto">${p(r.participant)}</span>: ${r.status ? t(`channel.status.${r.status}`) : t("channel.status.none")}${r.acknowledged_at ? ` ${dateTime(r.acknowledged_at)}` : ""}${r.overdue ? ` · ${t("channel.ack_overdue", { date: dateTime(m.ack_deadline) })}` : ""}</li>`)}</ul>
                ${mineToAck ? html`<form data-action="ack" data-message="${m.message}"><div class="action-error" role="alert"></div><button type="submit" class="button secondary">${t("channel.acknowledge")}</button></form>` : ""}
              </div>`;
            })}
        </article>`,
          ) : html`<p class="empty">${t("channel.none")}</p>`}
      </div>
      <nav class="pager" aria-label="${t("channel.pages")}">
        ${before ? html`<a class="button secondary" href="#/channel">${t("channel.newest")}</a>` : ""}
        ${page.next != null ? html`<a class="button secondary" href="#/channel?before=${page.next}">${t("channel.older")}</a>` : ""}
      </nav>
    </section>`);

  const origin = context.charter?.origin;
  for (const form of main.querySelectorAll("form[data-action]")) {
    onSubmit(form, (f) => {
      if (f.dataset.action === "ack") return submit("channel.receipt", { message: f.dataset.message, status: "acknowledged" }, origin);
      const to = [...f.querySelectorAll("input[name=to]:checked")].map((i) => i.value);
      if (!to.length) throw new Error(t("channel.choose_recipient"));
      return submit("channel.message", { to, subject: f.subject.value.trim(), text: f.text.value.trim(), urgent: f.urgent.checked }, origin);
    });
  }
  showConfirmation(main);
}
