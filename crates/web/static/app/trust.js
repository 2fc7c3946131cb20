// What this browser holds the log to, beyond the log's own signature: the
// charter's witness policy. Every checkpoint it is shown is opened under the
// log key the charter names and its cosignatures are checked here, one by
// one, against the witnesses the charter names; a checkpoint whose verified
// cosignatures miss the charter's quorum proves nothing.
import { fromBase64, leafHash, openCheckpoint, toBase64, verifyInclusion } from "./crypto.js";
import { parsePolicy, verifyCosignatures } from "./policy.js";

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

/** The charter's log key and witness policy (read once per page load). */
export function trust(api) {
  charterTrust ??= (async () => {
    const charter = (await api.get("/api/v1/records/0")).record.envelope.body;
    const policy = await parsePolicy(charter.witness_policy ?? "quorum none");
    return { charter, logKey: charter.log_key, policy };
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
