// Says above the view that the server is still building its query index
// (it has just started over a big log) and when the page asks again
// (api.js waits and asks), rather than showing an error: the view appears
// by itself once the index is built.
import { onIndexing } from "./api.js";
import { t } from "./i18n.js";
import { number } from "./format.js";
import { html, fill } from "./html.js";

function show(progress) {
  let box = document.getElementById("indexing-banner");
  if (!progress) {
    box?.remove();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.id = "indexing-banner";
    box.className = "offline-banner";
    box.setAttribute("role", "status");
    document.getElementById("main").before(box);
  }
  box.dataset.indexed = String(progress.indexed);
  box.dataset.size = String(progress.size);
  fill(box, html`${t("indexing.progress", { indexed: number(progress.indexed), size: number(progress.size), count: progress.seconds })}`);
}

export function start() {
  onIndexing(show);
}
