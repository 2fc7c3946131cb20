// The public API, and nothing else: every read and write the UI makes goes
// through here, to this origin. Errors are the server's problem+json, whose
// `detail` is written for people, so it is shown as it is.

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

/** How often a read refused with 429 (too many at once) is tried again. */
const READ_RETRIES = 4;

async function request(method, path, body) {
  const headers = { Accept: "application/json", ...authorization() };
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
  if (!response.ok) {
    let problem = {};
    try {
      problem = await response.json();
    } catch {
      // Not problem+json: the status says enough.
    }
    if (response.status === 401 && token) setToken(null);
    throw new ApiError(response.status, problem.title, problem.detail);
  }
  return response;
}

export const api = {
  get: async (path) => (await request("GET", path)).json(),
  text: async (path) => (await request("GET", path)).text(),
  post: async (path, body) => (await request("POST", path, body)).json(),
};
