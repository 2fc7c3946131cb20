// The map: incidents on the Afghanistan–Pakistan border region, drawn from
// geometry shipped with the server (Natural Earth) — no tiles, no network.
// Filters live in the URL, so a filtered view can be linked and shared.
import { api } from "../api.js";
import { apiPath } from "../asof.js";
import { CASE_STAGES, INCIDENT_TYPES } from "../vocabulary.js";
import { isRtl, t } from "../i18n.js";
import { dateTime, number, participantName } from "../format.js";
import { illustrativeBadge, reportTitle } from "../attribution.js";
import { html, fill, markup } from "../html.js";

const STAGE_COLOURS = {
  reported: "#2f6f9f",
  answered: "#6a8caf",
  unanswered_past_deadline: "#c0392b",
  under_investigation: "#b7791f",
  finding_pending: "#8e5ea2",
  found: "#2e7d4f",
};
/** The most incidents drawn one marker each; beyond, the map counts them by area. */
const MAX_ON_MAP = 2000;

/** A density cell's width on screen, about: it picks the cell size for the zoom. */
const CELL_PX = 56;
/** Cell sides the map asks for, micro-degrees: few, so that answers are shared. */
const CELL_STEPS = [1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000];

let geodata = null;
export async function loadGeodata() {
  if (!geodata) {
    const [region, gazetteer] = await Promise.all([
      fetch(new URL("../../data/region.geojson", import.meta.url)).then((r) => r.json()),
      fetch(new URL("../../data/gazetteer.json", import.meta.url)).then((r) => r.json()),
    ]);
    geodata = { region, gazetteer };
  }
  return geodata;
}

function readFilters(query) {
  const q = new URLSearchParams(query ?? "");
  return {
    from: q.get("from") ?? "",
    to: q.get("to") ?? "",
    type: q.get("type") ?? "",
    party: q.get("party") ?? "",
    status: q.get("status") ?? "",
    q: q.get("q") ?? "",
    view: q.get("view") === "density" ? "density" : "markers",
  };
}

function apiQuery(f) {
  const q = new URLSearchParams();
  if (f.from) q.set("from", `${f.from}T00:00:00Z`);
  if (f.to) q.set("to", `${f.to}T23:59:59Z`);
  for (const key of ["type", "party", "status", "q"]) if (f[key]) q.set(key, f[key]);
  return q;
}

/**
 * The files the incidents page offers, each every incident the filters
 * select; labelled with the formats' own names, which no language translates.
 */
const DOWNLOADS = [
  ["acled", "ACLED CSV"],
  ["ucdp", "UCDP GED CSV"],
  ["geojson", "GeoJSON"],
];

/**
 * Every incident the filters select, as a file: the server's export
 * (crates/export). The link goes through apiPath, so that a page shown as of
 * a past moment downloads that moment's incidents, as it lists them.
 */
function downloadQuery(filters, format) {
  const q = apiQuery(filters);
  q.set("format", format);
  return q;
}

/**
 * A place's name as the interface's language writes it, for the crossings
 * and main cities the catalogs name (Torkham is تورخم in Pashto and Dari,
 * طورخم in Urdu, Torham in Turkish); the gazetteer's name otherwise.
 */
function placeName(name) {
  const key = `map.places.${name}`;
  const local = t(key);
  return local === key ? name : local;
}

/** The cell side for a view of the map (`bounds` across its width): about CELL_PX pixels wide. */
function cellFor(map, bounds) {
  const wanted = ((bounds.getEast() - bounds.getWest()) / Math.max(1, map.getSize().x)) * CELL_PX * 1e6;
  return CELL_STEPS.find((step) => step >= wanted) ?? CELL_STEPS[CELL_STEPS.length - 1];
}

/**
 * The incidents the filters select, counted by the server in cells of the
 * map's view (GET /api/v1/incidents/density): one circle per cell, at the
 * mean point of its incidents, sized by its count, which it shows. A click
 * zooms to the cell. Redrawn when the map moves; an answer that arrives
 * after a later move's is dropped. A zoom asks for the view it is going to
 * as its animation starts (Leaflet's `zoomanim` says where it ends), so the
 * answer arrives while the map animates and is drawn as the zoom ends; the
 * `moveend` after it then finds that view asked for already.
 */
function densityLayer(map, filters, onError) {
  const layer = L.layerGroup().addTo(map);
  let asked = 0;
  let lastAsked = null;
  let timer = null;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  /** The map's view at `center` and `zoom`, as bounds (the view a zoom is heading to). */
  const boundsAt = (center, zoom) => {
    const pixels = map.getPixelBounds(center, zoom);
    return L.latLngBounds(map.unproject(pixels.getBottomLeft(), zoom), map.unproject(pixels.getTopRight(), zoom));
  };
  /** Draws the cells of the view `bounds`, once they have come and `ready` has resolved. */
  const draw = async (bounds = map.getBounds(), ready = Promise.resolve()) => {
    const view = bounds.pad(0.25);
    const box = [
      clamp(view.getSouth(), -90, 90),
      clamp(view.getWest(), -180, 180),
      clamp(view.getNorth(), -90, 90),
      clamp(view.getEast(), -180, 180),
    ].map((v) => v.toFixed(4));
    const q = apiQuery(filters);
    q.set("bbox", box.join(","));
    q.set("cell", String(cellFor(map, bounds)));
    const query = q.toString();
    // The view a zoom asked for as it began: drawn, or on its way.
    if (query === lastAsked) return;
    lastAsked = query;
    const ticket = ++asked;
    // For whoever watches the map (the UI benchmark): which drawing is
    // under way, and whether the latest has finished.
    const container = map.getContainer();
    container.dataset.densityAsked = String(ticket);
    container.dataset.densityBusy = "true";
    let density;
    try {
      [density] = await Promise.all([api.get(`/api/v1/incidents/density?${query}`), ready]);
    } catch (e) {
      // Asked again on the next move, even to the same view.
      if (ticket === asked) lastAsked = null;
      throw e;
    }
    if (ticket !== asked) return;
    layer.clearLayers();
    const most = Math.max(1, ...density.cells.map((c) => c.incidents));
    for (const cell of density.cells) {
      const side = Math.round(24 + 32 * Math.sqrt(cell.incidents / most));
      const label = t("map.count", { count: cell.incidents });
      const marker = L.marker([cell.lat_e6 / 1e6, cell.lon_e6 / 1e6], {
        icon: L.divIcon({ className: "density-cell", html: markup(html`<span data-incidents="${cell.incidents}">${number(cell.incidents)}</span>`), iconSize: [side, side] }),
        title: label,
        riseOnHover: true,
      });
      const south = cell.south_e6 / 1e6;
      const west = cell.west_e6 / 1e6;
      const size = density.cell_e6 / 1e6;
      marker.on("click", () => map.fitBounds([[south, west], [south + size, west + size]]));
      layer.addLayer(marker);
    }
    container.dataset.densityCell = String(density.cell_e6);
    container.dataset.densityTotal = String(density.total);
    container.dataset.densityBusy = "false";
  };
  map.on("zoomanim", (e) => {
    clearTimeout(timer);
    // Drawn once the zoom has ended (Leaflet places markers for the zoom
    // they were added at), or after a second should it never say so.
    const ended = new Promise((resolve) => {
      map.once("zoomend", resolve);
      setTimeout(resolve, 1000);
    });
    draw(boundsAt(e.center, e.zoom), ended).catch(onError);
  });
  map.on("moveend", () => {
    clearTimeout(timer);
    timer = setTimeout(() => draw().catch(onError), 150);
  });
  return draw();
}

/** Zoom from which district centres are drawn (below it they would crowd the map). */
const SEATS_FROM_ZOOM = 8;

/**
 * A gazetteer place drawn as a symbol and its name. With a `title` it can be
 * hovered (crossings say what they are); without, it is scenery only.
 */
function placeLabel(place, className, { symbol = "", title } = {}) {
  return L.marker([place.lat_e6 / 1e6, place.lon_e6 / 1e6], {
    icon: L.divIcon({ className, html: markup(html`<span>${symbol}</span><em dir="auto">${placeName(place.name)}</em>`), iconSize: null }),
    keyboard: false,
    ...(title ? { title } : { interactive: false }),
  });
}

/** The region's countries, main cities, district centres and border crossings, on `map`. */
export async function baseMapLayers(map) {
  const { region, gazetteer } = await loadGeodata();
  L.geoJSON(region, {
    style: (f) => ({
      color: f.properties.focus ? "#4b5d6b" : "#9aa7b1",
      weight: f.properties.focus ? 1.4 : 0.8,
      fillColor: f.properties.focus ? "#f3efe6" : "#e6e9ec",
      fillOpacity: 1,
    }),
    interactive: false,
  }).addTo(map);
  // A few names to find one's way: the two countries and their main cities.
  for (const [name, lat, lon] of [["Afghanistan", 34.3, 65.6], ["Pakistan", 30.6, 72.4]]) {
    L.marker([lat, lon], { icon: L.divIcon({ className: "country-label", html: markup(html`${t(`map.countries.${name}`)}`), iconSize: null }), keyboard: false, interactive: false }).addTo(map);
  }
  const cities = new Set(["Kabul", "Islamabad", "Peshawar", "Quetta", "Kandahar", "Jalalabad", "Khost"]);
  for (const c of gazetteer.places.filter((p) => p.kind === "place" && cities.has(p.name))) {
    placeLabel(c, "city-icon").addTo(map);
  }
  // District and provincial centres, where an incident reported "in the
  // district" is placed: shown once the map is close enough to read them.
  // Built on first use: the small maps (a case's, at zoom 7) never need them.
  let seats = null;
  const seatLayer = () =>
    L.layerGroup(
      gazetteer.places
        .filter((p) => p.seat && !cities.has(p.name))
        .map((c) => placeLabel(c, "seat-icon")),
    );
  const showSeats = () => {
    if (map.getZoom() >= SEATS_FROM_ZOOM) (seats ??= seatLayer()).addTo(map);
    else seats?.remove();
  };
  map.on("zoomend", showSeats);
  showSeats();
  for (const c of gazetteer.places.filter((p) => p.kind === "crossing")) {
    placeLabel(c, "crossing-icon", { symbol: "◆", title: `${placeName(c.name)} — ${t("map.crossing")}` }).addTo(map);
  }
}

/** A map of the border region, with the shipped geometry only. */
export async function baseMap(element) {
  // The map itself is geography and never mirrors; right to left, its
  // controls do: zoom at the top right (where the page starts), the
  // attribution at the bottom left.
  const map = L.map(element, { zoomSnap: 0.25, minZoom: 5, maxZoom: 13, zoomControl: false, attributionControl: false });
  L.control.zoom({ position: isRtl() ? "topright" : "topleft" }).addTo(map);
  L.control.attribution({ position: isRtl() ? "bottomleft" : "bottomright" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(t("map.attribution"));
  map.fitBounds([[29.0, 60.5], [37.0, 74.5]]);
  await baseMapLayers(map);
  return map;
}

export async function render(main, params, context) {
  const filters = readFilters(params.query);
  const parties = context.participants.filter((p) => p.role === "party");
  fill(main, html`
    <section class="page wide map-page">
      <header class="page-header">
        <h1>${t("map.title")}</h1>
        <p class="result-count" id="result-count" aria-live="polite"></p>
        <p class="downloads" id="downloads">${DOWNLOADS.map(([format, label]) => html`<a class="button secondary" data-format="${format}" href="${apiPath(`/api/v1/incidents?${downloadQuery(filters, format)}`)}" download>⤓ ${label}</a>`)}</p>
      </header>
      <form class="filters" id="filters" aria-label="${t("map.filters")}">
        <div class="field"><label for="f-from">${t("map.from")}</label><input type="date" id="f-from" name="from" value="${filters.from}"></div>
        <div class="field"><label for="f-to">${t("map.to")}</label><input type="date" id="f-to" name="to" value="${filters.to}"></div>
        <div class="field"><label for="f-type">${t("map.type")}</label>
          <select id="f-type" name="type"><option value="">${t("map.any")}</option>${INCIDENT_TYPES.map((x) => html`<option value="${x}" ${filters.type === x ? html`selected` : ""}>${t(`types.${x}`)}</option>`)}</select></div>
        <div class="field"><label for="f-party">${t("map.party")}</label>
          <select id="f-party" name="party"><option value="">${t("map.any")}</option>${parties.map((p) => html`<option value="${p.id}" ${filters.party === p.id ? html`selected` : ""} dir="auto">${p.name}</option>`)}</select></div>
        <div class="field"><label for="f-status">${t("map.status")}</label>
          <select id="f-status" name="status"><option value="">${t("map.any")}</option>${CASE_STAGES.map((x) => html`<option value="${x}" ${filters.status === x ? html`selected` : ""}>${t(`stages.${x}`)}</option>`)}</select></div>
        <div class="field grow"><label for="f-q">${t("map.search")}</label><input type="search" id="f-q" name="q" value="${filters.q}" dir="auto" placeholder="${t("map.search_hint")}"></div>
        <fieldset class="field map-view"><legend>${t("map.view_label")}</legend>
          <label><input type="radio" name="view" value="markers" ${filters.view === "markers" ? html`checked` : ""}> ${t("map.view_markers")}</label>
          <label><input type="radio" name="view" value="density" ${filters.view === "density" ? html`checked` : ""}> ${t("map.view_density")}</label>
        </fieldset>
        <div class="field actions"><button type="submit" class="button">${t("map.apply")}</button><a class="button secondary" href="#/map">${t("map.clear")}</a></div>
      </form>
      <div class="map-layout">
        <p id="map-list-note" class="visually-hidden">${t("map.list_note")}</p>
        <div id="map" class="map" role="region" aria-label="${t("map.map_label")}" aria-describedby="map-list-note"></div>
        <aside class="incident-list" aria-label="${t("map.list_label")}">
          <ol id="incident-list"></ol>
        </aside>
      </div>
      <div class="legend" role="group" aria-label="${t("map.legend")}">
        ${CASE_STAGES.map((s) => html`<span><i class="swatch" data-colour="${STAGE_COLOURS[s]}"></i>${t(`stages.${s}`)}</span>`)}
        <span><i class="crossing-swatch">◆</i>${t("map.crossing")}</span>
        <span><i class="seat-swatch"></i>${t("map.seat")}</span>
        <span id="density-legend" hidden><i class="density-swatch"></i>${t("map.density_legend")}</span>
      </div>
    </section>`);
  for (const swatch of main.querySelectorAll("[data-colour]")) swatch.style.background = swatch.dataset.colour;

  document.getElementById("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const q = new URLSearchParams();
    // Each incident is the default view: only the other is written down.
    for (const [key, value] of form) if (value && !(key === "view" && value === "markers")) q.set(key, value);
    location.hash = `#/map${q.size ? `?${q}` : ""}`;
  });
  for (const radio of main.querySelectorAll("input[name=view]")) {
    radio.addEventListener("change", () => document.getElementById("filters").requestSubmit());
  }

  const map = await baseMap(document.getElementById("map"));
  const cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  map.addLayer(cluster);

  // The newest page first: it says how many match, and so how to draw them.
  const first = apiQuery(filters);
  first.set("limit", "500");
  const page = await api.get(`/api/v1/incidents?${first}`);
  const items = [...page.items];
  const total = page.total;
  const dense = filters.view === "density" || total > MAX_ON_MAP;
  const count = document.getElementById("result-count");
  if (total > MAX_ON_MAP) {
    // Too many for a marker each: counts by area, said so, the other
    // choice disabled.
    const markersChoice = main.querySelector("input[name=view][value=markers]");
    markersChoice.disabled = true;
    markersChoice.checked = false;
    main.querySelector("input[name=view][value=density]").checked = true;
    markersChoice.closest("label").title = t("map.markers_limit", { max: number(MAX_ON_MAP) });
  }
  if (dense) {
    count.textContent = t("map.count_density", { count: total, shown: number(items.length) });
  } else {
    // Every matching incident, a page at a time (at most MAX_ON_MAP).
    let cursor = page.next;
    while (cursor && items.length < MAX_ON_MAP) {
      const q = apiQuery(filters);
      q.set("limit", "500");
      q.set("cursor", cursor);
      const next = await api.get(`/api/v1/incidents?${q}`);
      items.push(...next.items);
      cursor = next.next;
    }
    count.textContent = t("map.count", { count: total });
  }

  const list = document.getElementById("incident-list");
  fill(list, items.length
    ? html`${items
        .map(
          (i) => html`<li><a href="#/incidents/${i.index}" data-index="${i.index}">
            <span class="stage-dot" data-colour="${STAGE_COLOURS[i.stage]}"></span>
            <strong dir="auto">${i.title}</strong>${illustrativeBadge(i.illustrative)}
            <span class="meta">${dateTime(i.time.at, i.time.precision)} · ${t(`types.${i.incident_type}`)}</span>
            <span class="meta">${t("map.reported_by", { party: participantName(i.reporter, context.participants) })}${i.accused ? ` · ${t("map.accuses", { party: participantName(i.accused, context.participants) })}` : ""}</span>
            <span class="stage stage-${i.stage}">${t(`stages.${i.stage}`)}</span></a></li>`,
        )}`
    : html`<li class="empty">${t("map.none")}</li>`);
  for (const dot of list.querySelectorAll("[data-colour]")) dot.style.background = dot.dataset.colour;

  if (dense) {
    map.removeLayer(cluster);
    document.getElementById("density-legend").hidden = false;
    await densityLayer(map, filters, () => {
      count.textContent = t("errors.load_failed");
    });
    return () => map.remove();
  }
  for (const i of items) {
    const marker = L.circleMarker([i.place.point.lat_e6 / 1e6, i.place.point.lon_e6 / 1e6], {
      radius: 7 + Math.min(6, Math.sqrt(i.killed + i.injured)),
      color: "#ffffff",
      weight: 1.5,
      fillColor: STAGE_COLOURS[i.stage],
      fillOpacity: 0.92,
    });
    marker.bindPopup(
      markup(html`${reportTitle(i, context.participants)}<br>${i.accused ? html`${t("map.accuses", { party: participantName(i.accused, context.participants) })}<br>` : ""}${dateTime(i.time.at, i.time.precision)}<br>${t(`types.${i.incident_type}`)} · ${t(`stages.${i.stage}`)}<br><a href="#/incidents/${i.index}">${t("map.open_case")}</a>`),
    );
    cluster.addLayer(marker);
  }
  return () => map.remove();
}
