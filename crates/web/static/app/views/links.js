// Links to records the API names by hash: the case page is addressed by the
// report's index, which `#/by-hash/…` looks up.
import { escapeHtml } from "../format.js";

export function toUrlSafe(hash) {
  return hash.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function caseLink(hash, text) {
  return `<a href="#/by-hash/${toUrlSafe(hash)}">${escapeHtml(text)}</a>`;
}
