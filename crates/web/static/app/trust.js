// What this browser holds the log to, without taking the server's word:
//
// - the charter (record 0), whose founders' signatures it checks itself, and
//   whose leaf hash and log key it pins in localStorage on first use (or
//   from a value a member was given out of band, on the #/trust page); a
//   server that later shows another charter or another log key is not
//   believed, and the page says so in a banner;
// - the charter's witness policy: every checkpoint is opened under the
//   pinned log key and its cosignatures are checked here, one by one,
//   against the witnesses the charter names; a checkpoint whose verified
//   cosignatures miss the quorum proves nothing;
// - the last witnessed checkpoint it saw: on every visit it asks for a
//   consistency proof from that one to the one served now, so a log that
//   rewrote or dropped what this browser saw is caught.
import { canonicalize, fromBase64, leafHash, openCheckpoint, parseVerifierKey, toBase64, verifyConsistency, verifyInclusion } from "./crypto.js";
import { parsePolicy, verifyCosignatures } from "./policy.js";

const PIN = "truce.pin";
const SEEN = "truce.seen";

/** A reason not to believe the server: the page shows it in its banner. */
export class TrustError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const read = (key) => {
  try {
    return JSON.parse(localStorage.getItem(key) ?? "null");
  } catch {
    return null;
  }
};

/** What this browser has pinned: {origin, charter, log_key, how, at} or null. */
export function pinned() {
  return read(PIN);
}

/** The last witnessed checkpoint this browser saw: {origin, size, root} or null. */
export function seen() {
  return read(SEEN);
}

/**
 * Pins a charter's leaf hash (base64) and the log key it names; `how` says
 * whether on first use or from a value given out of band. A new pin starts
 * the log's history afresh here.
 */
export function pin(charterHash, logKey, how) {
  let hash;
  try {
    hash = fromBase64(charterHash);
  } catch {
    hash = [];
  }
  if (hash.length !== 32) throw new TrustError("bad_pin", "a charter hash is 32 bytes, in base64");
  parseVerifierKey(logKey);
  const origin = logKey.split("+")[0];
  localStorage.setItem(PIN, JSON.stringify({ origin, charter: charterHash, log_key: logKey, how, at: new Date().toISOString() }));
  localStorage.removeItem(SEEN);
}

/** Pins a value given out of band, and checks the server against it from now on. */
export function pinGiven(charterHash, logKey) {
  pin(charterHash.trim(), logKey.trim(), "given");
  charterTrust = null;
}

export function forget() {
  localStorage.removeItem(PIN);
  localStorage.removeItem(SEEN);
  charterTrust = null;
}

/**
 * Checks the founders' signatures on a charter record in this browser, by
 * the admission rule (core admission/rules/charter.rs): the author signs
 * first, every signature verifies over "truce-record-v1\n" ‖ JCS(envelope)
 * under the key the charter itself names for that member, and every
 * participant but the observers signed, once. Returns the signers' ids.
 */
export async function verifyCharter(record) {
  const { envelope, signatures } = record;
  const body = envelope?.body;
  if (envelope?.kind !== "charter" || !body?.participants) throw new TrustError("charter_signatures", "record 0 is not a charter");
  if (signatures[0]?.member !== envelope.author) throw new TrustError("charter_signatures", "the charter's author does not sign it first");
  const message = new TextEncoder().encode(`truce-record-v1\n${canonicalize(envelope)}`);
  const signedFor = new Set();
  for (const s of signatures) {
    const participant = body.participants.find((p) => p.members.some((m) => m.id === s.member));
    const member = participant?.members.find((m) => m.id === s.member);
    if (!member) throw new TrustError("charter_signatures", `the charter is signed by ${s.member}, whom it does not name`);
    const key = parseVerifierKey(member.key);
    if (key.keyId !== parseInt(s.key, 16) || !/^[0-9a-f]{8}$/.test(s.key)) throw new TrustError("charter_signatures", `${s.member} signed the charter with a key it does not name`);
    const verifier = await crypto.subtle.importKey("raw", key.key, { name: "Ed25519" }, false, ["verify"]);
    if (!(await crypto.subtle.verify({ name: "Ed25519" }, verifier, fromBase64(s.sig), message))) {
      throw new TrustError("charter_signatures", `${s.member}'s signature on the charter does not verify`);
    }
    if (signedFor.has(participant.id)) throw new TrustError("charter_signatures", `the charter is signed twice for ${participant.id}`);
    signedFor.add(participant.id);
  }
  for (const p of body.participants) {
    if (p.role !== "observer" && !signedFor.has(p.id)) throw new TrustError("charter_signatures", `the charter is not signed for ${p.id}`);
  }
  return signatures.map((s) => s.member);
}

/**
 * A record the served checkpoint does not cover yet: /checkpoint serves the
 * latest checkpoint the witnesses' quorum has cosigned, and a record just
 * filed waits (about a second, in the demo) for their cosignatures.
 */
export class NotYetWitnessed extends Error {
  constructor(index, size) {
    super(`record ${index} is not yet in the witnessed checkpoint (${size} records)`);
    this.index = index;
    this.size = size;
  }
}

let charterTrust = null;

/**
 * The charter as this browser trusts it: its founders' signatures checked
 * here, its leaf hash and log key the pinned ones (pinned now if nothing
 * was). Throws a TrustError when the server shows another charter or log
 * key than the pinned ones. Read once per page load.
 */
export function trust(api) {
  charterTrust ??= (async () => {
    const { record } = await api.get("/api/v1/records/0");
    const signers = await verifyCharter(record);
    const charter = record.envelope.body;
    const hash = toBase64(await leafHash(record));
    const firstUse = !pinned();
    if (firstUse) pin(hash, charter.log_key, "first-use");
    const held = pinned();
    if (charter.log_key !== held.log_key) {
      throw new TrustError("log_key_changed", `the server names another log key than the one pinned in this browser (pinned ${held.log_key}, shown ${charter.log_key})`);
    }
    if (hash !== held.charter) {
      throw new TrustError("charter_changed", `the server shows another charter than the one pinned in this browser (pinned ${held.charter}, shown ${hash})`);
    }
    const policy = await parsePolicy(charter.witness_policy ?? "quorum none");
    return { charter, hash, signers, logKey: held.log_key, policy, pin: held, firstUse };
  })().catch((error) => {
    charterTrust = null;
    throw error;
  });
  return charterTrust;
}

/**
 * Opens a checkpoint note under the charter's log key and checks its
 * cosignatures against the charter's policy: the checkpoint with
 * `cosigners` [{witness, at}], `failed` (witnesses whose line does not
 * verify), `quorum` and `quorumMet`.
 */
export async function openWitnessed(note, { logKey, policy }) {
  const checkpoint = await openCheckpoint(note, logKey);
  const witnessed = await verifyCosignatures(policy, checkpoint.text, checkpoint.signatures);
  return { ...checkpoint, ...witnessed, logSigner: logKey.split("+")[0] };
}

/** The latest witnessed checkpoint, as /checkpoint serves it, checked. */
export async function latestCheckpoint(api) {
  const [t, note] = await Promise.all([trust(api), api.text("/checkpoint")]);
  return { note, ...(await openWitnessed(note, t)) };
}

export function quorumError(checkpoint) {
  const who = checkpoint.cosigners.map((c) => c.witness).join(", ") || "none";
  const bad = checkpoint.failed.length ? `; the cosignatures of ${checkpoint.failed.join(", ")} do not verify` : "";
  return new Error(`the checkpoint's cosignatures do not meet the charter's quorum ${checkpoint.quorum} (verified: ${who}${bad})`);
}

/**
 * Checks, in this browser, that `record` (as the API returned it) is the leaf
 * at `index` of the tree the latest checkpoint signs, under the log key that
 * the charter names, with its witnesses' quorum. Throws NotYetWitnessed when
 * that checkpoint does not reach the record yet.
 */
export async function checkInclusion(api, index, record) {
  const checkpoint = await latestCheckpoint(api);
  if (!checkpoint.quorumMet) throw quorumError(checkpoint);
  if (index >= checkpoint.size) throw new NotYetWitnessed(index, checkpoint.size);
  const proof = await api.get(`/api/v1/proof/inclusion?index=${index}&size=${checkpoint.size}`);
  const leaf = await leafHash(record);
  if (toBase64(leaf) !== proof.leaf_hash) throw new Error("the record does not hash to the logged leaf");
  const ok = await verifyInclusion(index, checkpoint.size, leaf, proof.proof.map(fromBase64), checkpoint.root);
  if (!ok) throw new Error("the inclusion proof does not lead to the checkpoint's root");
  return { ...checkpoint, root: toBase64(checkpoint.root) };
}

/**
 * Once per visit: the charter and log key against the pinned ones, and the
 * served checkpoint against the last one this browser saw, by a consistency
 * proof checked here. The checkpoint is remembered only when it checks out
 * and its witnesses meet the quorum. Returns {trusted, checkpoint, from}; a
 * failure is thrown as a TrustError.
 */
export async function checkLog(api) {
  const trusted = await trust(api);
  const checkpoint = await latestCheckpoint(api);
  const last = seen();
  if (last && last.origin === checkpoint.origin) {
    const root = toBase64(checkpoint.root);
    if (checkpoint.size < last.size) {
      throw new TrustError("rollback", `the log shows a checkpoint of ${checkpoint.size} records, after this browser saw one of ${last.size}`);
    }
    if (checkpoint.size === last.size && root !== last.root) {
      throw new TrustError("fork", `the log shows another tree of ${checkpoint.size} records than the one this browser saw`);
    }
    if (checkpoint.size > last.size) {
      const proof = await api.get(`/api/v1/proof/consistency?from=${last.size}&to=${checkpoint.size}`);
      const ok = await verifyConsistency(last.size, checkpoint.size, fromBase64(last.root), checkpoint.root, proof.proof.map(fromBase64));
      if (!ok) {
        throw new TrustError("inconsistent", `the log of ${checkpoint.size} records does not extend the one of ${last.size} this browser saw: its consistency proof fails`);
      }
    }
  }
  if (checkpoint.quorumMet) {
    localStorage.setItem(SEEN, JSON.stringify({ origin: checkpoint.origin, size: checkpoint.size, root: toBase64(checkpoint.root) }));
  }
  return { trusted, checkpoint, from: last };
}
