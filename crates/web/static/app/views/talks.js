// The record of the talks: every session record and statement in log order,
// each as its author's claim, with the published passages it rests on and,
// for a statement that names others, whose word it is that it speaks for them.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { talkRecord } from "../attribution.js";
import { html, fill } from "../html.js";

export async function render(main, params, context) {
  const after = new URLSearchParams(params.query ?? "").get("after");
  const page = await api.get(`/api/v1/talks?limit=50${after ? `&after=${encodeURIComponent(after)}` : ""}`);
  fill(main, html`
    <section class="page narrow talks-page">
      <header class="page-header">
        <div>
          <h1>${t("talks.title")}</h1>
          <p class="hint">${t("talks.hint")}</p>
        </div>
      </header>
      <div class="timeline">${page.records.map((r) => talkRecord(r, context))}</div>
      ${page.next !== null ? html`<p><a class="button secondary" href="#/talks?after=${page.next}">${t("talks.more")}</a></p>` : ""}
    </section>`);
}
