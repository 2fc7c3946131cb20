// Witness policies (c2sp.org/tlog-policy) and cosignatures
// (c2sp.org/tlog-cosignature, cosignature/v1), checked in this browser with
// WebCrypto: which witnesses the charter names, which of them really
// cosigned a checkpoint, and whether they meet its quorum. The reference is
// crates/tlog/src/{policy,cosignature}.rs; the two must read a policy alike,
// so this follows the spec as strictly as they do (space and tab separate
// words, comments are whole lines, a group names only what is defined above
// it, one quorum line).
import { equal, fromBase64, parseVerifierKey, sha256 } from "./crypto.js";

const encoder = new TextEncoder();

/** c2sp.org/tlog-policy: implementations support at least 32 of each; ours 64, as the Rust side. */
const MAX = 64;
const ALG_COSIGNATURE_V1 = 0x04;
const MAX_TIMESTAMP = (1n << 63n) - 1n;

export class PolicyError extends Error {}

/** First four bytes of SHA-256(name ‖ "\n" ‖ 0x04 ‖ pubkey), as a number. */
export async function cosignerKeyId(name, pubkey) {
  const name8 = encoder.encode(`${name}\n`);
  const bytes = new Uint8Array(name8.length + 1 + pubkey.length);
  bytes.set(name8);
  bytes[name8.length] = ALG_COSIGNATURE_V1;
  bytes.set(pubkey, name8.length + 1);
  return new DataView((await sha256(bytes)).buffer).getUint32(0);
}

/** A witness key `name+hex8+base64(0x04 ‖ pubkey)`, its key ID checked. */
export async function parseCosignerKey(vkey) {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey);
  if (!match) throw new PolicyError(`not a witness key: ${vkey}`);
  const [, name, hex, encoded] = match;
  let bytes;
  try {
    bytes = fromBase64(encoded);
  } catch {
    throw new PolicyError(`not a witness key: ${vkey}`);
  }
  if (bytes.length !== 33 || bytes[0] !== ALG_COSIGNATURE_V1) throw new PolicyError(`not a cosignature/v1 witness key (type 0x04): ${vkey}`);
  const key = bytes.slice(1);
  const keyId = await cosignerKeyId(name, key);
  if (keyId !== parseInt(hex, 16)) throw new PolicyError(`the key ID of ${vkey} does not match its key`);
  return { name, keyId, key };
}

/**
 * Parses a policy text: {witnesses: [{name, key, url}], entities, quorum}.
 * `quorum` is null for `quorum none`.
 */
export async function parsePolicy(text) {
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) throw new PolicyError("control character in the policy: only tab and newline are allowed");
  const logs = [];
  const witnesses = [];
  const entities = new Map();
  let quorum;
  let groups = 0;
  const define = (line, name, entity) => {
    if (name === "none") throw new PolicyError(`line ${line}: "none" is reserved`);
    if (entities.has(name)) throw new PolicyError(`line ${line}: ${name} is defined twice`);
    entities.set(name, entity);
  };
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = n + 1;
    const words = lines[n].split(/[ \t]/).filter(Boolean);
    if (words.length === 0 || words[0].startsWith("#")) continue;
    const [keyword, ...rest] = words;
    if (keyword === "log" && (rest.length === 1 || rest.length === 2)) {
      // The log's key this browser uses is the pinned one (trust.js); a log
      // line is still read as strictly as the Rust side reads it.
      let key;
      try {
        key = parseVerifierKey(rest[0]);
      } catch (e) {
        throw new PolicyError(`line ${line}: log key: ${e.message}`);
      }
      if (logs.some((k) => equal(k, key.key))) throw new PolicyError(`line ${line}: this log key is listed twice`);
      if (logs.length === MAX) throw new PolicyError(`line ${line}: more than ${MAX} logs`);
      logs.push(key.key);
    } else if (keyword === "witness" && (rest.length === 2 || rest.length === 3)) {
      const [name, vkey, url] = rest;
      const key = await parseCosignerKey(vkey).catch((e) => {
        throw new PolicyError(`line ${line}: witness key: ${e.message}`);
      });
      if (witnesses.some((w) => equal(w.key.key, key.key))) throw new PolicyError(`line ${line}: this witness key is listed twice`);
      if (witnesses.length === MAX) throw new PolicyError(`line ${line}: more than ${MAX} witnesses`);
      define(line, name, { witness: witnesses.length });
      witnesses.push({ name, key, url: url ?? null });
    } else if (keyword === "group" && rest.length >= 3) {
      const [name, threshold, ...members] = rest;
      const seen = new Set();
      for (const m of members) {
        if (m === "none") throw new PolicyError(`line ${line}: "none" cannot be a group member`);
        if (!entities.has(m)) throw new PolicyError(`line ${line}: group ${name} names ${m}, which is not defined above it`);
        if (seen.has(m)) throw new PolicyError(`line ${line}: group ${name} lists ${m} twice`);
        seen.add(m);
      }
      let need;
      if (threshold === "all") need = members.length;
      else if (threshold === "any") need = 1;
      else if (/^[0-9]+$/.test(threshold) && Number(threshold) >= 1 && Number(threshold) <= members.length) need = Number(threshold);
      else throw new PolicyError(`line ${line}: group ${name} needs all, any or between 1 and ${members.length} of its members, not ${threshold}`);
      if (++groups > MAX) throw new PolicyError(`line ${line}: more than ${MAX} groups`);
      define(line, name, { need, members });
    } else if (keyword === "quorum" && rest.length === 1) {
      if (quorum !== undefined) throw new PolicyError(`line ${line}: a policy has exactly one quorum line`);
      const [name] = rest;
      if (name !== "none" && !entities.has(name)) throw new PolicyError(`line ${line}: the quorum ${name} is not defined above it`);
      quorum = name === "none" ? null : name;
    } else {
      throw new PolicyError(`line ${line}: ${JSON.stringify(lines[n].trim())} is not a log, witness, group or quorum line`);
    }
  }
  if (quorum === undefined) throw new PolicyError("the policy has no quorum line");
  return { witnesses, entities, quorum };
}

/** Whether the named witnesses (by their names in the policy) meet its quorum. */
export function quorumMet(policy, names) {
  const met = (name) => {
    const entity = policy.entities.get(name);
    if (!entity) return false;
    if ("witness" in entity) return names.includes(name);
    // Groups name only entities defined above them: this recursion ends.
    return entity.members.filter(met).length >= entity.need;
  };
  return policy.quorum === null || met(policy.quorum);
}

/** The message a cosignature/v1 signs: header, time line, the checkpoint's note text. */
function cosignedMessage(text, timestamp) {
  return encoder.encode(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/**
 * The policy's witnesses whose cosignature lines among `signatures` (as
 * openCheckpoint gives them) verify on the note `text`, each with when it
 * cosigned (a Date). A line by a key the policy does not name is ignored,
 * as the spec asks; so is one that does not verify — it proves nothing —
 * but it is returned in `failed`, so that the page can say so.
 */
export async function verifyCosignatures(policy, text, signatures) {
  const cosigners = [];
  const failed = [];
  for (const w of policy.witnesses) {
    const lines = signatures.filter((s) => s.name === w.key.name && s.keyId === w.key.keyId);
    let valid = null;
    for (const s of lines) {
      const bytes = s.signature;
      if (bytes.length !== 72) continue;
      const timestamp = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0);
      if (timestamp > MAX_TIMESTAMP) continue;
      const key = await crypto.subtle.importKey("raw", w.key.key, { name: "Ed25519" }, false, ["verify"]);
      if (await crypto.subtle.verify({ name: "Ed25519" }, key, bytes.slice(8), cosignedMessage(text, timestamp))) {
        valid = new Date(Number(timestamp) * 1000);
        break;
      }
    }
    if (valid) cosigners.push({ witness: w.name, at: valid });
    else if (lines.length) failed.push(w.name);
  }
  const met = quorumMet(policy, cosigners.map((c) => c.witness));
  return { cosigners, failed, quorum: policy.quorum, quorumMet: met };
}
