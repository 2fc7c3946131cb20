// Links to records the API names by hash: the case page is addressed by the
// report's index, which `#/by-hash/…` looks up.
import { html } from "../html.js";

export function toUrlSafe(hash) {
  return hash.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function caseLink(hash, text) {
  return html`<a href="#/by-hash/${toUrlSafe(hash)}">${text}</a>`;
}
