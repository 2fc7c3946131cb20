// `#/by-hash/<hash>`: finds the record and opens the page that shows it —
// the case of an incident report, or the case a record belongs to.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { html, fill } from "../html.js";
import { illustrativeNote, sourceList, talkRecord } from "../attribution.js";

export async function render(main, params, context) {
  const found = await api.get(`/api/v1/records/by-hash/${params.hash}`);
  const kind = found.record.envelope.kind;
  const incident = kind === "incident.report" ? found.index : null;
  if (incident !== null) {
    location.replace(`#/incidents/${incident}`);
    return;
  }
  if (kind === "statement" || kind === "session.record") {
    fill(main, html`<section class="page narrow"><nav class="breadcrumbs"><a href="#/talks">${t("nav.talks")}</a></nav><div class="timeline">${talkRecord(found, context)}</div></section>`);
    return;
  }
  const body = found.record.envelope.body;
  fill(main, html`<section class="page narrow"><h1>${t("kinds." + kind)} #${found.index}</h1><pre class="confidential" dir="auto">${JSON.stringify(body, null, 2)}</pre>${sourceList(body.sources)}${illustrativeNote(body)}</section>`);
}
