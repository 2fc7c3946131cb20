// The public API, and nothing else: every read and write the UI makes goes
// through here, to this origin. Errors are the server's problem+json, whose
// `detail` is written for people, so it is shown as it is.
import { apiPath } from "./asof.js";
import { currentLanguage, t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
  }
}

let token = sessionStorage.getItem("truce.token");

/** The Authorization header for requests made outside `api` (uploads, blobs). */
export function authorization() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function setToken(value) {
  token = value;
  if (value) sessionStorage.setItem("truce.token", value);
  else sessionStorage.removeItem("truce.token");
}

// Told when an answer is this device's copy, kept by the service worker
// (sw.js) and given because the network failed: when it was fetched.
const staleListeners = new Set();
export const onStale = (listener) => staleListeners.add(listener);

/** How often a read refused with 429 (too many at once) is tried again. */
const READ_RETRIES = 4;

// Told while the server is still building its query index (it has just
// started over a big log): `{ indexed, size, seconds }` before each wait,
// then `null` once a read is answered.
const indexingListeners = new Set();
export const onIndexing = (listener) => indexingListeners.add(listener);
const INDEXING = "https://truce.example/problems/indexing";
/** How often a read is asked again while the server indexes (at ≤ 30 s a wait). */
const INDEXING_RETRIES = 240;

/** The progress a 503 names when it is the index's build, else null. */
async function indexing(response) {
  if (response.status !== 503) return null;
  try {
    const problem = await response.clone().json();
    if (problem.type !== INDEXING) return null;
    const seconds = Math.max(1, Math.min(Number(response.headers.get("Retry-After")) || 1, 30));
    return { indexed: problem.progress?.indexed ?? 0, size: problem.progress?.size ?? 0, seconds };
  } catch {
    return null;
  }
}

async function request(method, path, body) {
  // A read of a derived view answers as of the moment in force (asof.js).
  if (method === "GET") path = apiPath(path);
  // Problems come back in the interface's language, title and detail (the
  // server's languages.rs), with the facts of the case as the log has them.
  const headers = { Accept: "application/json", "Accept-Language": currentLanguage().code, ...authorization() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // The server bounds how many reads one caller has in flight: a read it
  // turned away is asked again after the wait it names (writes never are:
  // a signed record is answered once, and the form shows the refusal).
  for (let attempt = 0; method === "GET" && response.status === 429 && attempt < READ_RETRIES; attempt++) {
    const seconds = Number(response.headers.get("Retry-After")) || 1;
    await new Promise((resolve) => setTimeout(resolve, Math.min(seconds, 5) * 1000));
    response = await fetch(path, { method, headers });
  }
  // A server still indexing answers reads at once with its progress: shown
  // (main.js), and the read asked again when it says.
  let waited = false;
  for (let attempt = 0; method === "GET" && attempt < INDEXING_RETRIES; attempt++) {
    const progress = await indexing(response);
    if (!progress) break;
    waited = true;
    for (const listener of indexingListeners) listener(progress);
    await new Promise((resolve) => setTimeout(resolve, progress.seconds * 1000));
    response = await fetch(path, { method, headers });
  }
  if (waited) for (const listener of indexingListeners) listener(null);
  if (!response.ok) {
    let problem = {};
    try {
      problem = await response.json();
    } catch {
      // Not problem+json: the status says enough.
    }
    if (response.status === 401 && token) setToken(null);
    // The service worker's answer when offline with nothing kept.
    if (problem.type === "https://truce.example/problems/offline") throw new ApiError(response.status, problem.title, t("offline.not_seen"));
    throw new ApiError(response.status, problem.title, problem.detail);
  }
  const seen = response.headers.get("x-truce-last-seen");
  if (seen) for (const listener of staleListeners) listener(seen);
  return response;
}

export const api = {
  get: async (path) => (await request("GET", path)).json(),
  text: async (path) => (await request("GET", path)).text(),
  post: async (path, body) => (await request("POST", path, body)).json(),
};
