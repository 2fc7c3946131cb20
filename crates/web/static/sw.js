// The service worker: the web UI without a connection, once loaded. The
// server serves this file at /sw.js after two lines naming the build
// (VERSION) and the application shell's files (SHELL), so a new binary is a
// new worker, which installs its own caches and drops the old build's.
//
// - The shell (the page, modules, styles, catalogs, vendored libraries, map
//   geometry) is cached whole at install and answered from the cache: its
//   URLs carry the build, so a cached file is never stale.
// - Reads of the API are network first: an answer is kept, and when the
//   network fails the last kept one is given, with `x-truce-last-seen`
//   saying when it was fetched, so the page can say it is not current. The
//   page deletes these copies when its member changes (offline.js).
// - Nothing else is touched: writes, evidence files (which may be large and
//   are streamed) and sign-in always go to the network.
/* global VERSION, SHELL */

const SHELL_CACHE = `truce-shell-${VERSION}`;
const API_CACHE = `truce-api-${VERSION}`;
// The member's recent views, not the whole log: the oldest go first.
const API_ENTRIES = 300;
const LAST_SEEN = "x-truce-last-seen";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("truce-") && n !== SHELL_CACHE && n !== API_CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function cached(path) {
  return path === "/checkpoint" || (path.startsWith("/api/v1/") && !/^\/api\/v1\/(evidence|auth|reports|docs|openapi)/.test(path));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(fetch(request).catch(() => caches.match("/", { cacheName: SHELL_CACHE }).then((r) => r ?? Response.error())));
  } else if (url.pathname.startsWith(`/assets/v/${VERSION}/`)) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then((r) => r ?? fetch(request)));
  } else if (cached(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

async function networkFirst(request) {
  const kept = () => caches.match(request, { cacheName: API_CACHE, ignoreVary: true });
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return (await kept()) ?? offline();
  }
  // A gateway with no server behind it is no answer either.
  if ([502, 503, 504].includes(response.status)) return (await kept()) ?? response;
  const type = response.headers.get("content-type") ?? "";
  if (response.ok && (type.includes("json") || type.startsWith("text/plain"))) {
    const copy = response.clone();
    const headers = new Headers(copy.headers);
    headers.set(LAST_SEEN, new Date().toISOString());
    const body = await copy.blob();
    const cache = await caches.open(API_CACHE);
    await cache.delete(request, { ignoreVary: true });
    await cache.put(request, new Response(body, { status: copy.status, statusText: copy.statusText, headers }));
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - API_ENTRIES))) await cache.delete(old);
  }
  return response;
}

// A read with no connection and nothing kept: a problem the page knows.
function offline() {
  const problem = { type: "https://truce.example/problems/offline", title: "Offline", status: 503, detail: "no connection, and this was not read before on this device" };
  return new Response(JSON.stringify(problem), { status: 503, headers: { "content-type": "application/problem+json" } });
}
