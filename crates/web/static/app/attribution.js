// Who says what, on whose word: the pieces every view uses to show a record
// as its author's claim. Sources (a name, or a passage of published
// reporting with its publication, day and the report's own attribution), a
// statement's "speaks for" line (one signature is one author's word, never
// the others'), and the illustrative note of anything the demo invented.
import { t } from "./i18n.js";
import { dateTime, participantName } from "./format.js";
import { html } from "./html.js";
import { participantOf } from "./vocabulary.js";

/** A record's sources, or nothing when it has none. */
export function sourceList(sources) {
  if (!sources?.length) return "";
  return html`<details class="sources" open><summary>${t("sources.title", { n: sources.length })}</summary><ul>${sources.map(
    (s) =>
      typeof s === "string"
        ? html`<li class="source-named">${t("sources.named")}: <span dir="auto">${s}</span></li>`
        : html`<li class="source-reported"><blockquote dir="auto">${s.quote}</blockquote><p class="meta">${s.attributed_to ? html`<span class="attributed" dir="auto">${s.attributed_to}</span>, ` : ""}${t("sources.as_published", { publication: s.publication, date: dateTime(s.date, "day") })}</p></li>`,
  )}</ul></details>`;
}

/**
 * For a statement that names participants it speaks for: signed by its
 * author alone, so "X says it speaks for Y — not co-signed" unless it only
 * speaks for its author's own participant.
 */
export function speaksFor(body, author, participants) {
  const on = body.on_behalf_of ?? [];
  const own = participantOf(author, participants);
  const others = on.filter((p) => p !== own);
  if (!others.length) return "";
  const names = (ids) => ids.map((id) => participantName(id, participants)).join(", ");
  return html`<p class="speaks-for" data-cosigned="false">${t("sources.speaks_for", { author: participantName(own, participants), others: names(others) })}</p>`;
}

/** The record's illustrative note, if it has one. */
export function illustrativeNote(body) {
  if (!body?.illustrative) return "";
  return html`<p class="illustrative">${/^illustrative/i.test(body.illustrative) ? "" : `${t("case.illustrative")}: `}<span dir="auto">${body.illustrative}</span></p>`;
}

/** A session record or a statement, whole: what the talks page and a record's own page show. */
export function talkRecord(view, context) {
  const e = view.record.envelope;
  const b = e.body;
  const participant = participantOf(e.author, context.participants);
  const p = (id) => participantName(id, context.participants);
  const content =
    e.kind === "session.record"
      ? html`<p class="meta"><span dir="auto">${b.place}</span> · ${dateTime(b.start)}${b.end ? html` – ${dateTime(b.end)}` : ""}</p>
          <p class="prose" dir="auto">${b.summary}</p>
          ${b.outcome ? html`<p><strong>${t("talks.outcome")}:</strong> <span dir="auto">${b.outcome}</span></p>` : ""}
          ${b.attendees?.length ? html`<details class="attendees"><summary>${t("talks.attendees", { n: b.attendees.length })}</summary><ul>${b.attendees.map((a) => html`<li><span dir="auto">${a.name}</span>${a.role ? html` · <span dir="auto">${a.role}</span>` : ""} (${p(a.participant)})</li>`)}</ul></details>` : ""}`
      : html`<p class="meta">${t(`talks.categories.${b.category}`)}</p>${speaksFor(b, e.author, context.participants)}<p class="prose" dir="auto">${b.text}</p>`;
  return html`
    <article class="record talk record-${e.kind.replace(/\./g, "-")}" id="record-${view.index}">
      <header>
        <span class="kind">${t(`kinds.${e.kind}`)}</span>
        <span class="author"><span class="role-dot party-${participant ?? ""}" aria-hidden="true"></span><span dir="auto">${p(participant)}</span> · ${e.author}</span>
        <time datetime="${e.time}">${dateTime(e.time)}</time>
      </header>
      <h2 dir="auto">${b.title}</h2>
      ${content}
      ${sourceList(b.sources)}
      ${illustrativeNote(b)}
      <footer class="record-footer"><span>#${view.index}</span> <a href="/api/v1/records/${view.index}/bundle" download="truce-record-${view.index}.bundle.json">${t("case.bundle")}</a></footer>
    </article>`;
}

/** A mark for what is illustrative or rests on something illustrative. */
export function illustrativeBadge(flag) {
  return flag ? html` <span class="badge illustrative-badge" data-illustrative="true" title="${t("illustrative.hint")}">${t("illustrative.badge")}</span>` : "";
}

/**
 * An incident's title as what it is: its reporter's wording, so never shown
 * without the reporter ("Afghanistan reports: …"), and marked when illustrative.
 */
export function reportTitle(item, participants) {
  return html`<span class="reported-title"><span class="reporter" data-reporter="${item.reporter ?? ""}">${t("claims.reports", { party: participantName(item.reporter, participants) })}</span> <strong dir="auto">${item.title}</strong></span>${illustrativeBadge(item.illustrative)}`;
}
