// The record as of a moment: one state for every page, kept in the URL.
// The hash carries it as `at` (an RFC 3339 UTC time) and `size` (a tree
// size) in its query, beside a view's own parameters (`#/map?type=…&at=…`);
// the router takes them off before matching a route, so no view sees them,
// and `api.js` adds them to every read of a derived view. Links inside the
// app name no moment: the router carries the one in force over to the page
// a link opens, so the whole app stays in the past until the reader returns
// to the present (`clear`).

const KEYS = ["at", "size"];

let state = { at: null, size: null };

/** The moment in force: `{at, size}`, each null when not given. */
export function current() {
  return state;
}

/** Whether the pages show the past (a moment is in force). */
export function inPast() {
  return state.at !== null || state.size !== null;
}

export function set(moment) {
  state = { at: moment.at ?? null, size: moment.size ?? null };
}

export function clear() {
  state = { at: null, size: null };
}

/**
 * A hash split into the route it names, without the moment, and the moment
 * it names (null when it names none).
 */
export function split(hash) {
  const q = hash.indexOf("?");
  if (q < 0) return { route: hash, moment: null };
  const params = new URLSearchParams(hash.slice(q + 1));
  const at = params.get("at");
  const size = params.get("size");
  // A view's own query is left as written unless a moment is taken out of it.
  if (at === null && size === null) return { route: hash, moment: null };
  for (const k of KEYS) params.delete(k);
  const rest = params.toString();
  const route = rest ? `${hash.slice(0, q)}?${rest}` : hash.slice(0, q);
  return { route, moment: { at, size: size === null ? null : Number(size) } };
}

/** The query string of a moment (`at=…&size=…`), empty for the present. */
export function query(moment = state) {
  const parts = [];
  // A time's colons stay as they are, so the URL reads as the time it names.
  if (moment.at !== null && moment.at !== undefined) parts.push(`at=${encodeURIComponent(moment.at).replace(/%3A/gi, ":")}`);
  if (moment.size !== null && moment.size !== undefined) parts.push(`size=${encodeURIComponent(String(moment.size))}`);
  return parts.join("&");
}

/** `route` with the moment in force added to its query. */
export function join(route, moment = state) {
  const extra = query(moment);
  if (!extra) return route;
  return `${route}${route.includes("?") ? "&" : "?"}${extra}`;
}

// The API's derived views: each takes `at` and `size`. Everything else (the
// log itself, proofs, checkpoints, participants) is read as it is now. A
// report is the record as it stood at its period's end, built from one
// checkpoint: its page builds its own URLs from the moment (reports.js).
const DERIVED = /^\/api\/v1\/(summary|incidents|statistics|drafts|commitments|channel|talks|reports\/published)(\/|\?|$)/;

/** An API path with the moment in force, when it reads a derived view. */
export function apiPath(path) {
  if (!inPast() || !DERIVED.test(path)) return path;
  return join(path);
}
