// Where the signed-in member's key waits between signatures: IndexedDB,
// holding the non-extractable CryptoKey itself. A stored CryptoKey keeps its
// flag (structured clone), so scripts in this origin can sign with it but
// never read its bytes — unlike sessionStorage or localStorage, which hold
// only strings. Each sign-in stores its key under its own random id (kept
// with the session in the tab), so two tabs signed in as different members
// never sign with each other's key. An entry is deleted on sign-out, and
// swept once its session's token has expired (a tab closed without signing
// out).

import { objectStore } from "./idb.js";

/** Runs `action(store)` in one transaction; resolves with its request's result once committed. */
const transaction = objectStore("truce", "keys");

/** Keeps `entry` ({member, keyId, key: CryptoKey, expires}) under `id`. */
export function put(id, entry) {
  return transaction("readwrite", (store) => store.put(entry, id));
}

/** The entry kept under `id`, or undefined. */
export function get(id) {
  return transaction("readonly", (store) => store.get(id));
}

export function remove(id) {
  return transaction("readwrite", (store) => store.delete(id));
}

/** Deletes every entry whose session expired before `now` (a Date). */
export function sweep(now) {
  return transaction("readwrite", (store) => {
    const cursor = store.openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      if (!(Date.parse(at.value?.expires) > now.getTime())) at.delete();
      at.continue();
    };
    return null;
  });
}
