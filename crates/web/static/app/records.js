// Writing to the log from the browser: a record is built, signed here with
// the signed-in member's key (WebCrypto Ed25519 over "truce-record-v1\n" ‖
// JCS(envelope)) and submitted. The server only checks and stores it.
import { api, authorization } from "./api.js";
import { canonicalize, leafHash, sign, toBase64 } from "./crypto.js";
import * as session from "./session.js";
import { sha256 } from "../vendor/noble-hashes/sha2.js";

/**
 * Every earlier record a body names, as `Body::references` in the core does
 * (tests/core-knowledge.test.mjs checks the two agree on every record in the log).
 */
export function references(kind, body) {
  const list = (xs) => xs ?? [];
  switch (kind) {
    case "incident.report":
      return list(body.evidence);
    case "incident.response":
    case "incident.investigation":
    case "incident.finding":
      return [body.incident, ...list(body.evidence)];
    case "incident.link":
      return list(body.incidents);
    case "incident.remedy":
      return [body.finding];
    case "concurrence":
      return [body.record];
    case "evidence.submit":
      return body.incident ? [body.incident] : [];
    case "evidence.acknowledge":
    case "evidence.access":
      return [body.evidence];
    case "draft.amend":
      return [body.previous];
    case "draft.position":
      return [body.version, ...list(body.positions).map((p) => p.withdraws).filter(Boolean)];
    case "draft.sign":
      return [body.version];
    case "violation.determination":
      return [body.finding, ...(body.commitment ? [body.commitment] : [])];
    case "penalty.decision":
    case "violation.response":
      return [body.determination];
    case "channel.message":
      return body.reply_to ? [body.reply_to] : [];
    case "channel.receipt":
      return [body.message];
    case "statement":
      return body.session ? [body.session] : [];
    case "disclosure":
      return [body.record];
    case "report.publish":
      return body.decision ? [body.decision] : [];
    default:
      return [];
  }
}

/** Now, in the log's one spelling: UTC to the second. */
export function nowTimestamp() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * `body` signed as a record of `kind` by `key`'s member at sequence `seq`:
 * the record, and its leaf hash as the log names it (base64).
 */
async function signRecord(key, origin, kind, body, seq, time) {
  const envelope = {
    v: 1,
    log: origin,
    kind,
    author: key.member,
    seq,
    time,
    refs: [...new Set(references(kind, body))],
    body,
  };
  const message = new TextEncoder().encode(`truce-record-v1\n${canonicalize(envelope)}`);
  const signature = await sign(key, message);
  const record = { envelope, signatures: [{ member: key.member, key: key.keyId, sig: toBase64(signature) }] };
  return { record, hash: toBase64(await leafHash(record)) };
}

/** Signs `body` as a record of `kind` by the signed-in member and submits it. */
export async function submit(kind, body, origin) {
  const key = await session.signingKey();
  const member = await api.get(`/api/v1/members/${encodeURIComponent(key.member)}`);
  const { record } = await signRecord(key, origin, kind, body, member.next_seq, nowTimestamp());
  const receipt = await api.post("/api/v1/records", record);
  noteFiled(record);
  return receipt;
}

/**
 * Remembers the member's latest record this browser saw the log take: the
 * sequence number to sign after when offline (outbox.js), which the views
 * last read from the server may not know yet.
 */
export function noteFiled(record) {
  const { author, seq } = record.envelope;
  if (seq > lastFiled(author)) localStorage.setItem(`truce.filed.${author}`, String(seq));
}

/** The sequence number of the member's latest record this browser saw filed, or 0. */
export function lastFiled(member) {
  return Number(localStorage.getItem(`truce.filed.${member}`)) || 0;
}

/**
 * Signs a group of records by the signed-in member at consecutive sequence
 * numbers, for `submitGroup`. Each part is `{kind, body}`, where `body` may
 * be a function of the hashes of the records signed before it: so a report
 * cites the evidence records of its own group.
 */
export async function signGroup(origin, parts) {
  const key = await session.signingKey();
  const member = await api.get(`/api/v1/members/${encodeURIComponent(key.member)}`);
  return signPartsAt(key, origin, parts, member.next_seq, nowTimestamp());
}

/**
 * Signs `parts` as `signGroup` does, with `key`, at sequence numbers from
 * `seq` and the claimed `time` given: for a record filed offline (outbox.js),
 * signed at the moment of filing and perhaps signed again later.
 */
export async function signPartsAt(key, origin, parts, seq, time) {
  const signed = [];
  for (const [i, part] of parts.entries()) {
    const body = typeof part.body === "function" ? part.body(signed.map((s) => s.hash)) : part.body;
    signed.push(await signRecord(key, origin, part.kind, body, seq + i, time));
  }
  return signed;
}

/**
 * Submits a signed group, which the log admits all or none: the receipts, in
 * order. A refusal (4xx) leaves nothing of it in the log; sent again after
 * it was filed, the same group is refused whole, so nothing is filed twice.
 */
export async function submitGroup(signed) {
  const receipts = await api.post("/api/v1/records/group", { records: signed.map((s) => s.record) });
  noteFiled(signed.at(-1).record);
  return receipts;
}

/** The index of the record with this leaf hash, or null if the log does not hold it. */
export async function indexOf(hash) {
  const urlSafe = hash.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  try {
    return (await api.get(`/api/v1/records/by-hash/${urlSafe}`)).index;
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

/** Files up to this size are hashed whole, by WebCrypto (fast, but it needs the bytes in memory). */
const HASH_WHOLE_UP_TO = 32 * 1024 * 1024;

/**
 * SHA-256 of a file, as evidence digests are written: "sha256:<hex>". A large
 * file (evidence may be up to 8 GiB) is read a chunk at a time into an
 * incremental hash (vendored @noble/hashes), so it is never whole in memory;
 * WebCrypto has no incremental digest.
 */
export async function fileDigest(file, { wholeUpTo = HASH_WHOLE_UP_TO } = {}) {
  let digest;
  if (file.size <= wholeUpTo) {
    digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  } else {
    const hash = sha256.create();
    const reader = file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
    }
    digest = hash.digest();
  }
  return `sha256:${[...digest].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Uploads an evidence file (streamed by the browser) under its digest,
 * reporting progress as a fraction. XMLHttpRequest, not fetch: only it
 * reports upload progress. The blob is content-addressed: uploading it again
 * stores nothing new, and no record names it until one is signed.
 */
export async function uploadBlob(file, digest, onProgress = () => {}) {
  await new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/v1/evidence?digest=${encodeURIComponent(digest)}`);
    for (const [name, value] of Object.entries(authorization())) request.setRequestHeader(name, value);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.upload.addEventListener("progress", (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    request.addEventListener("load", () => {
      if (request.status === 200 || request.status === 201) resolve();
      else {
        let detail = request.statusText;
        try {
          detail = JSON.parse(request.responseText).detail ?? detail;
        } catch {
          // Not problem+json.
        }
        reject(new Error(detail));
      }
    });
    request.addEventListener("error", () => reject(new Error("the upload was interrupted")));
    request.send(file);
  });
  onProgress(1);
}

/** The body of the `evidence.submit` record for an uploaded file. */
export function evidenceBody(file, details, digest) {
  const body = {
    digest,
    media_type: file.type || "application/octet-stream",
    size: file.size,
    filename: file.name.slice(0, 200) || undefined,
    description: details.description,
    confidentiality: details.confidentiality,
    ...(details.incident ? { incident: details.incident } : {}),
  };
  if (!body.filename) delete body.filename;
  return body;
}

/** Uploads an evidence file, then signs and submits its `evidence.submit` record. */
export async function uploadEvidence(file, details, origin, onProgress = () => {}) {
  const digest = details.digest ?? (await fileDigest(file));
  await uploadBlob(file, digest, onProgress);
  const receipt = await submit("evidence.submit", evidenceBody(file, details, digest), origin);
  return { ...receipt, digest };
}

/** What the signed-in member may do, from the participants list. */
export function capabilities(context) {
  const s = session.current();
  if (!s) return new Set();
  const member = context.participants.flatMap((p) => p.members).find((m) => m.id === s.member);
  return new Set(member?.capabilities ?? []);
}
