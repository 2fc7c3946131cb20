// One IndexedDB object store, opened once per page and used a transaction at
// a time: what the key store (keystore.js) and the outbox (outbox.js) share.

/**
 * The store `store` of database `name` (created, with `options`, the first
 * time): returns `transaction(mode, action)`, which runs `action(objectStore)`
 * in one transaction and resolves with its request's result once committed.
 */
export function objectStore(name, store, options) {
  let opened = null;
  function database() {
    opened ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(store, options);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }).catch((error) => {
      // A failed open is tried again by the next transaction.
      opened = null;
      throw error;
    });
    return opened;
  }
  return async function transaction(mode, action) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = action(tx.objectStore(store));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  };
}
