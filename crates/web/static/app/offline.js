// The page's side of working without a connection: it registers the service
// worker (/sw.js, which keeps the application and the member's recent
// views), says above the view when what is shown is this device's copy
// ("offline — shown as last seen at …"), and keeps the header's count of
// records signed here but not yet in the log (outbox.js), which links to
// their list (views/outbox.js).
import { onStale } from "./api.js";
import { t } from "./i18n.js";
import { dateTime } from "./format.js";
import { html, fill } from "./html.js";
import * as outbox from "./outbox.js";
import * as session from "./session.js";
import * as outboxView from "./views/outbox.js";

let oldest = null;

/** A new view: nothing it shows has been read from the copy yet. */
export function beginView() {
  oldest = null;
  document.getElementById("offline-banner")?.remove();
}

function showStale(seen) {
  if (oldest && oldest <= seen) return;
  oldest = seen;
  let box = document.getElementById("offline-banner");
  if (!box) {
    box = document.createElement("div");
    box.id = "offline-banner";
    box.className = "offline-banner";
    box.setAttribute("role", "status");
    document.getElementById("main").before(box);
  }
  box.dataset.lastSeen = seen;
  fill(box, html`${t("offline.last_seen", { time: dateTime(seen) })}`);
}

/** The header's count of the member's records waiting here. */
export async function renderBadge() {
  const tools = document.querySelector(".topbar-tools");
  let badge = document.getElementById("outbox-badge");
  const s = session.current();
  const count = s ? (await outbox.items(s.member).catch(() => [])).length : 0;
  if (!count) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement("a");
    badge.id = "outbox-badge";
    badge.className = "outbox-badge";
    badge.href = "#/outbox";
    tools.prepend(badge);
  }
  badge.dataset.count = String(count);
  badge.textContent = t("outbox.badge", { count });
}

async function forgetViews() {
  if (!("caches" in window)) return;
  for (const name of await caches.keys()) if (name.startsWith("truce-api-")) await caches.delete(name);
}

export function start(rerender) {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // Without a worker the UI works as before, online only.
    });
  }
  onStale(showStale);
  outbox.onChange(({ index }) => {
    renderBadge();
    if (index !== undefined && location.hash === "#/outbox") sessionStorage.setItem("truce.flash", t("actions.recorded", { index }));
    if (location.hash === "#/outbox") rerender();
  });
  outbox.onConflict((member) => outboxView.openConflict(member));
  // What was read as one member is not left for the next: the worker's
  // copies of API reads go at sign-out, or when another member signs in.
  let member = session.current()?.member ?? null;
  session.onChange((s) => {
    if ((s?.member ?? null) === member) return;
    member = s?.member ?? null;
    forgetViews().catch(() => {});
  });
  outbox.start();
}
