// Filing an incident report: place from the map or the gazetteer, type, time
// with its precision, casualties, narrative, evidence with upload progress.
// Everything is signed in this browser with the member's key.
import { t } from "../i18n.js";
import { INCIDENT_TYPES, TIME_PRECISIONS } from "../vocabulary.js";
import * as session from "../session.js";
import { capabilities, evidenceBody, fileDigest, indexOf, signGroup, submitGroup, uploadBlob } from "../records.js";
import { baseMap, loadGeodata } from "./map.js";
import { html, fill } from "../html.js";
import * as outbox from "../outbox.js";

const PLACE_PRECISIONS = ["exact", "locality", "district", "province"];

export function signInFirst(main, why) {
  sessionStorage.setItem("truce.after_sign_in", location.hash);
  fill(main, html`<section class="page narrow"><div class="card"><h1>${t("report.sign_in_title")}</h1><p>${why}</p><a class="button" href="#/sign-in">${t("session.sign_in")}</a></div></section>`);
}

export async function render(main, _params, context) {
  if (!session.current()) return signInFirst(main, t("report.sign_in_needed"));
  if (!capabilities(context).has("report")) {
    fill(main, html`<section class="page narrow"><div class="notice error" role="alert">${t("report.no_capability")}</div></section>`);
    return;
  }
  const own = session.current().participant;
  const others = context.participants.filter((p) => p.role === "party" && p.id !== own);
  const { gazetteer } = await loadGeodata();
  const now = new Date().toISOString().slice(0, 16);

  fill(main, html`
    <section class="page report-page">
      <header class="page-header"><div><p class="eyebrow">${t("report.eyebrow")}</p><h1>${t("report.title")}</h1></div></header>
      <form id="report-form" class="report-form" novalidate>
        <div class="form-main">
          <fieldset class="card">
            <legend>${t("report.what")}</legend>
            <label for="r-title">${t("report.field_title")}</label>
            <input id="r-title" name="title" required maxlength="200" autocomplete="off">
            <div class="row">
              <div><label for="r-type">${t("map.type")}</label>
                <select id="r-type" name="incident_type" required>${INCIDENT_TYPES.map((x) => html`<option value="${x}">${t(`types.${x}`)}</option>`)}</select></div>
              <div><label for="r-accused">${t("report.accused")}</label>
                <select id="r-accused" name="accused"><option value="">${t("report.no_one")}</option>${others.map((p) => html`<option value="${p.id}">${p.name}</option>`)}</select></div>
            </div>
            <label for="r-actor">${t("report.actor")}</label>
            <input id="r-actor" name="actor" maxlength="200" autocomplete="off">
            <label for="r-narrative">${t("report.narrative")}</label>
            <textarea id="r-narrative" name="narrative" rows="6" required maxlength="16384"></textarea>
          </fieldset>
          <fieldset class="card">
            <legend>${t("report.when")}</legend>
            <div class="row">
              <div><label for="r-time">${t("report.time_utc")}</label><input type="datetime-local" id="r-time" name="time" value="${now}" max="${now}" required></div>
              <div><label for="r-time-precision">${t("report.precision")}</label>
                <select id="r-time-precision" name="time_precision">${TIME_PRECISIONS.map((x) => html`<option value="${x}" ${x === "hour" ? html`selected` : ""}>${t(`report.time_precision.${x}`)}</option>`)}</select></div>
            </div>
          </fieldset>
          <fieldset class="card">
            <legend>${t("report.casualties")}</legend>
            <p class="hint">${t("report.casualties_hint")}</p>
            <div class="row four">
              ${["killed.military", "killed.civilian", "injured.military", "injured.civilian"].map((k) => html`<div><label for="r-${k.replace(".", "-")}">${t(`report.${k.replace(".", "_")}`)}</label><input type="number" min="0" max="100000" value="0" id="r-${k.replace(".", "-")}" name="${k}"></div>`)}
            </div>
          </fieldset>
          <fieldset class="card">
            <legend>${t("report.evidence")}</legend>
            <label for="r-files">${t("report.files")}</label>
            <input type="file" id="r-files" multiple>
            <div class="row">
              <div><label for="r-confidentiality">${t("report.confidentiality")}</label>
                <select id="r-confidentiality">${["public", "participants", "mediators"].map((x) => html`<option value="${x}">${t(`report.confidentiality_${x}`)}</option>`)}</select></div>
              <div class="grow"><label for="r-evidence-description">${t("report.evidence_description")}</label><input id="r-evidence-description" maxlength="4096"></div>
            </div>
            <ul id="uploads" class="uploads" aria-live="polite"></ul>
          </fieldset>
        </div>
        <div class="form-side">
          <fieldset class="card">
            <legend>${t("report.where")}</legend>
            <label for="r-place">${t("report.gazetteer")}</label>
            <input id="r-place" list="gazetteer" autocomplete="off" placeholder="${t("report.gazetteer_hint")}">
            <datalist id="gazetteer">${gazetteer.places.map((p) => html`<option value="${p.name}, ${p.admin1 ?? ""}, ${p.country}" ${p.seat ? html`label="${t(`report.seat.${p.seat}`)}"` : ""}></option>`)}</datalist>
            <div id="report-map" class="pick-map" role="region" aria-label="${t("report.map_hint")}"></div>
            <p class="hint">${t("report.map_hint")}</p>
            <div class="row">
              <div><label for="r-lat">${t("report.lat")}</label><input id="r-lat" type="number" step="0.000001" min="-90" max="90" required></div>
              <div><label for="r-lon">${t("report.lon")}</label><input id="r-lon" type="number" step="0.000001" min="-180" max="180" required></div>
            </div>
            <label for="r-place-precision">${t("report.precision")}</label>
            <select id="r-place-precision" aria-describedby="r-seat-hint">${PLACE_PRECISIONS.map((x) => html`<option value="${x}" ${x === "locality" ? html`selected` : ""}>${t(`precision.${x}`)}</option>`)}</select>
            <p class="hint" id="r-seat-hint" aria-live="polite" hidden></p>
            <label for="r-location">${t("report.location_name")}</label>
            <input id="r-location" maxlength="200" autocomplete="off">
          </fieldset>
          <div id="report-error" role="alert"></div>
          <button type="submit" class="button big" id="report-submit">${t("report.sign_and_file")}</button>
          <p class="hint">${t("report.signing_hint", { member: session.current().member })}</p>
        </div>
      </form>
    </section>`);

  const map = await baseMap(document.getElementById("report-map"));
  let marker = null;
  let picked = null; // the gazetteer entry, when the place came from it
  const lat = document.getElementById("r-lat");
  const lon = document.getElementById("r-lon");
  const setPoint = (la, lo) => {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    if (marker) marker.setLatLng([la, lo]);
    else marker = L.circleMarker([la, lo], { radius: 8, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 1 }).addTo(map);
  };
  // A district or provincial centre stands for its district or province too:
  // say so, since a report known only to the district is placed on its centre.
  const seatHint = document.getElementById("r-seat-hint");
  const showSeat = (entry) => {
    const seat = entry?.seat === "district" || entry?.seat === "province" ? entry.seat : null;
    seatHint.textContent = seat ? t(`report.seat_hint.${seat}`, { place: entry.name }) : "";
    seatHint.hidden = !seat;
  };
  map.on("click", (e) => {
    picked = null;
    showSeat(null);
    setPoint(e.latlng.lat, e.latlng.lng);
  });
  document.getElementById("r-place").addEventListener("change", (e) => {
    const [name] = e.target.value.split(", ");
    const entry = gazetteer.places.find((p) => `${p.name}, ${p.admin1 ?? ""}, ${p.country}` === e.target.value) ?? gazetteer.places.find((p) => p.name === name);
    if (!entry) return;
    picked = entry;
    setPoint(entry.lat_e6 / 1e6, entry.lon_e6 / 1e6);
    // Without animation: a zoom still running when the form is sent and the
    // map removed throws in Leaflet (_leaflet_pos of a pane already gone).
    map.setView([entry.lat_e6 / 1e6, entry.lon_e6 / 1e6], 9, { animate: false });
    document.getElementById("r-location").value = entry.name;
    document.getElementById("r-place-precision").value = entry.kind === "crossing" ? "exact" : "locality";
    showSeat(entry);
  });

  // Evidence is filed with its report as one group, which the log admits
  // all or none: a refused report leaves no evidence record behind. A group
  // whose answer never came may be in the log all the same: before anything
  // is signed again, its report is looked up by hash, so a retry never files
  // it twice. Blobs uploaded on an earlier try are not uploaded again.
  let unanswered = null;
  const uploaded = new Set();
  document.getElementById("report-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const error = document.getElementById("report-error");
    error.replaceChildren();
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    const button = document.getElementById("report-submit");
    button.disabled = true;
    try {
      if (unanswered) {
        const index = await indexOf(unanswered.at(-1).hash);
        if (index !== null) {
          location.hash = `#/incidents/${index}`;
          return;
        }
        unanswered = null;
      }
      const origin = context.charter.origin;
      const files = [...document.getElementById("r-files").files];
      // Offline, or behind records still queued: signed now, sent later.
      const queue = !navigator.onLine || (await outbox.waiting(session.current().member));
      const kept = [];
      const uploads = document.getElementById("uploads");
      const evidence = [];
      for (const file of files) {
        const description = document.getElementById("r-evidence-description").value.trim() || file.name;
        const confidentiality = document.getElementById("r-confidentiality").value;
        const digest = await fileDigest(file);
        if (queue) kept.push({ digest, blob: file, name: file.name });
        else if (!uploaded.has(digest)) {
          const item = document.createElement("li");
          fill(item, html`<span dir="auto">${file.name}</span><progress max="1" value="0"></progress><span class="state">${t("report.uploading")}</span>`);
          uploads.append(item);
          await uploadBlob(file, digest, (f) => {
            item.querySelector("progress").value = f;
          });
          item.querySelector(".state").textContent = t("report.uploaded");
          uploaded.add(digest);
        }
        evidence.push(evidenceBody(file, { description, confidentiality }, digest));
      }
      const estimate = (name) => {
        const n = Number(form.elements[name].value) || 0;
        return { low: n, best: n, high: n };
      };
      const time = form.elements.time.value;
      const place = {
        point: { lat_e6: Math.round(Number(lat.value) * 1e6), lon_e6: Math.round(Number(lon.value) * 1e6) },
        precision: document.getElementById("r-place-precision").value,
      };
      if (picked) {
        place.country = picked.country;
        if (picked.admin1) place.admin1 = picked.admin1;
        place.gazetteer_id = picked.id;
      }
      const locationName = document.getElementById("r-location").value.trim();
      if (locationName) place.location = locationName;
      const body = {
        title: form.elements.title.value.trim(),
        incident_type: form.elements.incident_type.value,
        time: { at: `${time}:00Z`, precision: form.elements.time_precision.value },
        places: [place],
        casualties: {
          killed: { military: estimate("killed.military"), civilian: estimate("killed.civilian") },
          injured: { military: estimate("injured.military"), civilian: estimate("injured.civilian") },
        },
        narrative: form.elements.narrative.value.trim(),
      };
      if (form.elements.accused.value) body.accused = form.elements.accused.value;
      if (form.elements.actor.value.trim()) body.actor = form.elements.actor.value.trim();
      if (queue) {
        const parts = [...evidence.map((b) => ({ kind: "evidence.submit", body: b })), { kind: "incident.report", body, cites: true }];
        await outbox.file({ parts, files: kept, origin, label: { kind: "incident.report", title: body.title }, participants: context.participants });
        location.hash = "#/outbox";
        return;
      }
      const signed = await signGroup(origin, [
        ...evidence.map((b) => ({ kind: "evidence.submit", body: b })),
        { kind: "incident.report", body: (hashes) => ({ ...body, evidence: hashes }) },
      ]);
      try {
        const receipts = await submitGroup(signed);
        location.hash = `#/incidents/${receipts.at(-1).index}`;
      } catch (e) {
        // Refused (4xx): nothing of the group is in the log. Otherwise the
        // answer may have been lost after the group was filed.
        if (!(e.status >= 400 && e.status < 500)) unanswered = signed;
        throw e;
      }
    } catch (e) {
      fill(error, html`<div class="notice error" dir="auto">${e.message}</div>`);
      button.disabled = false;
    }
  });
  return () => map.remove();
}
