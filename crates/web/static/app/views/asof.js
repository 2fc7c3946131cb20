// The "as of" control above every page: a date-time and a slider over the
// log's positions (`GET /api/v1/as-of`), and while a past moment is in force
// a banner that says so, with one button back to the present. The moment
// itself lives in the URL (see `asof.js`).
import { api } from "../api.js";
import { t } from "../i18n.js";
import * as asof from "../asof.js";
import { dateTime, number } from "../format.js";
import { html, fill } from "../html.js";

/** `2025-11-07T12:00:00Z` → `2025-11-07T12:00:00`, for a datetime-local input (read as UTC). */
const toInput = (iso) => (iso ? iso.replace(/Z$/, "") : "");

/** A datetime-local value (UTC) → RFC 3339 UTC to the second, or null. */
function fromInput(value) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(value);
  return m ? `${m[1]}${m[2] ?? ":00"}Z` : null;
}

// Whether the reader opened the control: it stays open from page to page
// (and as the moment moves) until closed.
let opened = false;

/** Shows the moment in `route`'s view, or the present (`moment` null). */
function go(route, moment) {
  if (moment) asof.set(moment);
  else asof.clear();
  location.hash = asof.join(route);
}

/** Renders the control (and the banner in the past) for the view at `route`. */
export async function render(route) {
  let box = document.getElementById("as-of");
  if (!box) {
    box = document.createElement("section");
    box.id = "as-of";
    box.setAttribute("aria-label", t("asof.label"));
    document.getElementById("main").before(box);
  }
  let timeline = null;
  try {
    timeline = await api.get("/api/v1/as-of");
  } catch {
    // Without the timeline the pages still work, in the present.
  }
  const past = asof.inPast();
  const moment = asof.current();
  box.className = past ? "asof asof-past" : "asof";
  box.dataset.past = String(past);
  if (!timeline) {
    box.replaceChildren();
    return;
  }
  const steps = timeline.steps;
  // The slider stops at the log's positions; it starts at the moment in force.
  const stepOf = (size) => {
    const i = steps.findIndex((s) => s.size >= size);
    return i < 0 ? steps.length - 1 : i;
  };
  const shownAt = moment.at ?? (moment.size !== null ? steps.find((s) => s.size === moment.size)?.time : null);
  const start = moment.size !== null ? stepOf(moment.size) : moment.at ? Math.max(0, steps.findLastIndex((s) => s.time <= moment.at)) : steps.length - 1;
  const stepText = (i) => t("asof.step", { size: number(steps[i]?.size ?? 0), total: number(timeline.size), time: dateTime(steps[i]?.time) });

  const banner = !past
    ? ""
    : html`<div class="asof-banner" role="status" data-asof-banner>
        <p><strong>${moment.at ? t("asof.banner_time", { time: dateTime(moment.at) }) : t("asof.banner_size", { size: number(moment.size), total: number(timeline.size) })}</strong>
        ${moment.at && moment.size !== null ? html` <span>${t("asof.banner_both", { size: number(moment.size), total: number(timeline.size) })}</span>` : ""}
        <span>${t("asof.banner_note")}</span></p>
        <button type="button" class="button" id="asof-present">${t("asof.return")}</button>
      </div>`;
  fill(
    box,
    html`${banner}<details class="asof-control">
      <summary>${past ? t("asof.change") : t("asof.open")}</summary>
      <form id="asof-form" class="asof-form">
        <div class="field">
          <label for="asof-time">${t("asof.time_label")}</label>
          <input type="datetime-local" id="asof-time" step="1" min="${toInput(timeline.charter)}" max="${toInput(timeline.now)}" value="${toInput(shownAt ?? timeline.latest)}">
        </div>
        <button type="submit" class="button secondary">${t("asof.show")}</button>
        <div class="field asof-slider">
          <label for="asof-step">${t("asof.slider_label")}</label>
          <input type="range" id="asof-step" min="0" max="${String(steps.length - 1)}" step="1" value="${String(start)}" aria-valuetext="${stepText(start)}">
          <output id="asof-step-text" for="asof-step">${stepText(start)}</output>
        </div>
      </form>
    </details>`,
  );
  const details = box.querySelector("details");
  details.open = opened;
  details.addEventListener("toggle", () => (opened = details.open));
  const slider = box.querySelector("#asof-step");
  slider.addEventListener("input", () => {
    const text = stepText(Number(slider.value));
    box.querySelector("#asof-step-text").textContent = text;
    slider.setAttribute("aria-valuetext", text);
  });
  slider.addEventListener("change", () => {
    const step = steps[Number(slider.value)];
    if (step) go(route, step.size === timeline.size ? null : { size: step.size });
  });
  box.querySelector("#asof-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const at = fromInput(box.querySelector("#asof-time").value);
    if (at) go(route, { at });
  });
  box.querySelector("#asof-present")?.addEventListener("click", () => go(route, null));
}
