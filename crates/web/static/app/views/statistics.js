// Timeline and statistics: incidents and reported casualties by week, by
// area, by type and by accused party. Casualties are the reporters' best
// estimates — claims, not findings — and the page says so.
import { api } from "../api.js";
import { isRtl, locale, t } from "../i18n.js";
import { dateTime, number, participantName } from "../format.js";
import { html, fill } from "../html.js";

const COLOURS = { incidents: "#1f3a4d", killed: "#b42318", injured: "#d08c2f" };

function label(key, context) {
  switch (key.by) {
    case "week":
      return dateTime(key.value, "day");
    case "type":
      return t(`types.${key.value}`);
    case "party":
    case "reporter":
      return key.value ? participantName(key.value, context.participants) : t("statistics.no_party");
    default:
      return key.value ?? t("statistics.unknown_area");
  }
}

function chart(canvas, buckets, context, { horizontal = false, stacked = false } = {}) {
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels: buckets.map((b) => label(b.key, context)),
      datasets: [
        { label: t("statistics.incidents"), data: buckets.map((b) => b.incidents), backgroundColor: COLOURS.incidents },
        { label: t("statistics.killed"), data: buckets.map((b) => b.killed), backgroundColor: COLOURS.killed },
        { label: t("statistics.injured"), data: buckets.map((b) => b.injured), backgroundColor: COLOURS.injured },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      // Numbers in the interface's locale; right to left, the first week or
      // the bars' base is on the right and the value axis stands there too.
      locale: locale(),
      scales: {
        x: { stacked, reverse: isRtl(), ...(horizontal ? { ticks: { precision: 0, callback: number } } : {}) },
        y: { stacked, beginAtZero: true, position: isRtl() ? "right" : "left", ...(horizontal ? {} : { ticks: { precision: 0, callback: number } }) },
      },
      plugins: {
        legend: { position: "bottom", rtl: isRtl(), textDirection: isRtl() ? "rtl" : "ltr" },
        tooltip: { rtl: isRtl(), textDirection: isRtl() ? "rtl" : "ltr" },
      },
    },
  });
}

/** The incidents behind a bucket, on the map (whose list names each report's reporter). */
function drillDown(key) {
  const q = new URLSearchParams();
  switch (key.by) {
    case "week": {
      const from = key.value.slice(0, 10);
      const to = new Date(Date.parse(key.value) + 6 * 86400000).toISOString().slice(0, 10);
      q.set("from", from);
      q.set("to", to);
      break;
    }
    case "type":
      q.set("type", key.value);
      break;
    case "party":
    case "reporter":
      if (!key.value) return null;
      q.set("party", key.value);
      break;
    default:
      if (!key.value) return null;
      q.set("q", key.value);
  }
  return `#/map?${q}`;
}

function table(buckets, context) {
  return html`<table class="simple"><thead><tr><th></th><th>${t("statistics.incidents")}</th><th>${t("statistics.of_them_illustrative")}</th><th>${t("statistics.killed")}</th><th>${t("statistics.injured")}</th></tr></thead><tbody>
    ${buckets.map((b) => html`<tr><th scope="row" dir="auto">${drillDown(b.key) ? html`<a href="${drillDown(b.key)}" data-drill-down>${label(b.key, context)}</a>` : label(b.key, context)}</th><td>${number(b.incidents)}</td><td data-illustrative="${b.illustrative}">${number(b.illustrative)}</td><td>${number(b.killed)}</td><td>${number(b.injured)}</td></tr>`)}</tbody></table>`;
}

export async function render(main, _params, context) {
  const groups = ["week", "area", "type", "party"];
  const [week, area, type, party] = await Promise.all(groups.map((g) => api.get(`/api/v1/statistics?group=${g}`)));
  const total = week.reduce((n, b) => n + b.incidents, 0);
  const illustrative = week.reduce((n, b) => n + b.illustrative, 0);
  fill(main, html`
    <section class="page wide">
      <header class="page-header"><div><p class="eyebrow">${t("statistics.eyebrow")}</p><h1>${t("statistics.title")}</h1></div>
        <p class="meta">${t("statistics.total", { count: total })}</p></header>
      <p class="notice">${t("statistics.claims")}</p>
      ${illustrative ? html`<p class="notice illustrative" data-illustrative="${illustrative}">${t("statistics.illustrative", { count: illustrative, total: number(total) })}</p>` : ""}
      <article class="card"><h2>${t("statistics.by_week")}</h2><div class="chart-box tall"><canvas id="chart-week" role="img" aria-label="${t("statistics.by_week")}"></canvas></div>
        <details><summary>${t("statistics.as_table")}</summary>${table(week, context)}</details></article>
      <div class="grid two">
        <article class="card"><h2>${t("statistics.by_area")}</h2><div class="chart-box"><canvas id="chart-area" role="img" aria-label="${t("statistics.by_area")}"></canvas></div>
          <details><summary>${t("statistics.as_table")}</summary>${table(area, context)}</details></article>
        <article class="card"><h2>${t("statistics.by_type")}</h2><div class="chart-box"><canvas id="chart-type" role="img" aria-label="${t("statistics.by_type")}"></canvas></div>
          <details><summary>${t("statistics.as_table")}</summary>${table(type, context)}</details></article>
        <article class="card"><h2>${t("statistics.by_party")}</h2><div class="chart-box"><canvas id="chart-party" role="img" aria-label="${t("statistics.by_party")}"></canvas></div>
          <details><summary>${t("statistics.as_table")}</summary>${table(party, context)}</details></article>
      </div>
    </section>`);
  const charts = [
    chart(document.getElementById("chart-week"), week, context),
    chart(document.getElementById("chart-area"), area, context, { horizontal: true }),
    chart(document.getElementById("chart-type"), type, context, { horizontal: true }),
    chart(document.getElementById("chart-party"), party, context),
  ];
  return () => charts.forEach((c) => c.destroy());
}
