// What the browser checks for itself: SHA-256 Merkle hashes (RFC 9162),
// inclusion proofs, C2SP signed notes (the checkpoint), and Ed25519 keys in
// signed-note form — all with WebCrypto, so a badge that says "verified"
// means this browser verified it, not that the server said so.
import canonicalize from "../vendor/canonicalize/canonicalize.js";

const encoder = new TextEncoder();

export function fromBase64(text) {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function toBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** RFC 6962 leaf hash of a record: SHA-256(0x00 ‖ JCS(record)). */
export async function leafHash(record) {
  return sha256(concat(Uint8Array.of(0), encoder.encode(canonicalize(record))));
}

const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right));

export function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** RFC 9162 §2.1.3.2: does `proof` lead from the leaf at `index` to `root`? */
export async function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `size1` leaves with
 * `root1` is a prefix of the tree of `size2` leaves with `root2`?
 */
export async function verifyConsistency(size1, size2, root1, root2, proof) {
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  // A first tree whose size is a power of two is itself a node of the second.
  let odd = size1;
  while (odd % 2 === 0) odd /= 2;
  const path = odd === 1 ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}

/** A verifier key `name+hex8+base64(0x01 ‖ key)` as name, key id and raw key. */
export function parseVerifierKey(vkey) {
  // base64 may itself contain "+": only the first two are separators.
  const match = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(vkey);
  if (!match) throw new Error(`not a verifier key: ${vkey}`);
  const [, name, hex, encoded] = match;
  const bytes = fromBase64(encoded);
  if (!name || !/^[0-9a-f]{8}$/.test(hex ?? "") || bytes.length !== 33 || bytes[0] !== 1) {
    throw new Error(`not a verifier key: ${vkey}`);
  }
  return { name, keyId: parseInt(hex, 16), key: bytes.slice(1) };
}

/**
 * Opens a C2SP signed note: the text, and each signature line as
 * {name, keyId, signature}. Verifies the one by `vkey` and returns the
 * checkpoint's origin, size and root with the names of every signer, its
 * note text and its signature lines (for the witnesses' cosignatures).
 */
export async function openCheckpoint(note, vkey) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new Error("the checkpoint is not a signed note");
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2)
    .split("\n")
    .filter((line) => line.startsWith("— "))
    .map((line) => {
      const [, name, encoded] = line.split(" ");
      const bytes = fromBase64(encoded);
      const keyId = new DataView(bytes.buffer).getUint32(0);
      return { name, keyId, signature: bytes.slice(4) };
    });
  const verifier = parseVerifierKey(vkey);
  const own = signatures.find((s) => s.name === verifier.name && s.keyId === verifier.keyId);
  if (!own) throw new Error("the checkpoint carries no signature by the log's key");
  const key = await crypto.subtle.importKey("raw", verifier.key, { name: "Ed25519" }, false, ["verify"]);
  const valid = await crypto.subtle.verify({ name: "Ed25519" }, key, own.signature, encoder.encode(text));
  if (!valid) throw new Error("the checkpoint's signature does not verify under the log's key");
  const [origin, size, root] = text.split("\n");
  return { origin, size: Number(size), root: fromBase64(root), signers: signatures.map((s) => s.name), text, signatures };
}

/**
 * A member's private key `PRIVATE+KEY+name+hex8+base64(0x01 ‖ seed)` as a
 * non-extractable WebCrypto key: script may sign with it, never read it. The
 * byte arrays that held the seed are overwritten once it is imported.
 */
export async function importPrivateKey(skey) {
  const match = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(skey.trim());
  if (!match) throw new Error("not a private key (PRIVATE+KEY+name+id+key)");
  const [, member, keyId, encoded] = match;
  const bytes = fromBase64(encoded);
  // PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410).
  const pkcs8 = concat(Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]), bytes.subarray(1));
  try {
    if (bytes.length !== 33 || bytes[0] !== 1) throw new Error("not an Ed25519 private key");
    const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    return { member, keyId, key };
  } finally {
    bytes.fill(0);
    pkcs8.fill(0);
  }
}

export async function sign(privateKey, messageBytes) {
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, privateKey.key, messageBytes));
}

export { canonicalize };
