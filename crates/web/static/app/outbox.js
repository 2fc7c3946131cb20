// Records filed without a connection. A record is signed at once, at the
// moment of filing (its signature and claimed time are that moment's), and
// kept in IndexedDB with its evidence files until the server answers; then
// the queue is sent in order — each item's evidence files first, then its
// records (one, or a group the log admits all or none) — on the browser's
// `online` event and on retries that back off.
//
// The sequence number to sign with is the member's next one as last known
// (the participants list, the member's own page) after the items already
// queued. When the log refuses an item and its member's sequence has moved
// on meanwhile (another device filed) or no longer follows (an item before
// it was discarded), the item is in conflict: it is signed again — with new
// sequence numbers, and the moment of filing kept unless the log's rule that
// an author's times never go back forbids it — only once the member agrees
// (views/outbox.js shows what changes). Nothing is ever re-signed silently.
import { api, ApiError, authorization } from "./api.js";
import { indexOf, lastFiled, noteFiled, nowTimestamp, signPartsAt } from "./records.js";
import * as session from "./session.js";
import { t } from "./i18n.js";
import { objectStore } from "./idb.js";

const transaction = objectStore("truce-outbox", "items", { keyPath: "id", autoIncrement: true });

/** The member's queued items, in the order they were filed. */
export async function items(member) {
  const all = (await transaction("readonly", (store) => store.getAll())) ?? [];
  return all.filter((item) => item.member === member).sort((a, b) => a.id - b.id);
}

const save = (item) => transaction("readwrite", (store) => store.put(item));

// Who is told when the queue changes (the badge, the list) or an item is in
// conflict (the dialog).
const listeners = new Set();
const conflictListeners = new Set();
export const onChange = (listener) => listeners.add(listener);
export const onConflict = (listener) => conflictListeners.add(listener);
function changed(event = {}) {
  for (const l of listeners) l(event);
}

/** Whether records of `member` wait here: a new one must then wait behind them. */
export async function waiting(member) {
  return (await items(member)).length > 0;
}

/** Seq and claimed time of an item's first record. */
export const first = (item) => item.signed[0].record.envelope;

// Stored parts are {kind, body, cites}: `cites` marks the record (a report)
// whose `evidence` lists the records signed before it in the item, by hash.
const toParts = (parts) => parts.map((p) => ({ kind: p.kind, body: p.cites ? (hashes) => ({ ...p.body, evidence: hashes }) : p.body }));

/**
 * The member's next sequence number as last known: the participants list
 * loaded with the page, the member's own page (the network's answer, or
 * this device's copy when offline) and the latest record this browser saw
 * filed, after what is queued here.
 */
async function nextSeq(member, participants) {
  const listed = participants.flatMap((p) => p.members).find((m) => m.id === member)?.next_seq ?? 1;
  let known = Math.max(listed, lastFiled(member) + 1);
  try {
    known = Math.max(known, (await api.get(`/api/v1/members/${encodeURIComponent(member)}`)).next_seq);
  } catch {
    // Offline and never read: the participants list is what is known.
  }
  const queued = (await items(member)).map((item) => first(item).seq + item.signed.length);
  return Math.max(known, ...queued);
}

/**
 * Signs `parts` now as the signed-in member and queues them with their
 * evidence `files` ([{digest, blob, name}]). `label` ({kind, title}) names
 * the item in the list. Returns the queued item.
 */
export async function file({ parts, files = [], origin, label, participants }) {
  const key = await session.signingKey();
  const seq = await nextSeq(key.member, participants);
  const time = nowTimestamp();
  const signed = await signPartsAt(key, origin, toParts(parts), seq, time);
  const item = { member: key.member, origin, filedAt: time, label, parts, files, signed, state: "waiting" };
  item.id = await save(item);
  changed();
  schedule(0);
  return item;
}

/**
 * A case action (views/case-actions.js): submitted at once while online with
 * nothing queued, else signed and queued; then the page says which.
 */
export async function submitOrQueue(submit, { kind, body, origin, files = [], participants, title = "" }) {
  const s = session.current();
  if (navigator.onLine && !(s && (await waiting(s.member)))) return submit();
  const item = await file({ parts: [{ kind, body }], files, origin, label: { kind, title }, participants });
  sessionStorage.setItem("truce.flash", t("outbox.queued", { seq: first(item).seq }));
  return null;
}

export async function discard(id) {
  await transaction("readwrite", (store) => store.delete(id));
  changed();
  schedule(0);
}

// Sending. One run at a time; a run stops at the first item it cannot send.
let running = false;
let timer = null;
let delay = 0;
const MAX_DELAY_MS = 60_000;

export function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(() => flush().catch(() => {}), ms);
}

/** Sends the signed-in member's queue, in order, as far as it goes. */
export async function flush() {
  if (running) return;
  running = true;
  try {
    const s = session.current();
    if (!s) return;
    for (;;) {
      const [item] = await items(s.member);
      // A conflict waits for the member's consent, asked again on each run
      // (a page load, the network back, a sign-in); a refusal, for a discard.
      if (item?.state === "conflict") for (const l of conflictListeners) l(item.member);
      if (!item || item.state === "conflict" || item.state === "refused") break;
      const outcome = await send(item);
      if (outcome === "retry") {
        // No answer, or a server that cannot take it now: again later,
        // waiting longer each time (and at once when the browser is online again).
        delay = Math.min(delay ? delay * 2 : 2000, MAX_DELAY_MS);
        schedule(delay);
        break;
      }
      if (outcome !== "sent") break;
      delay = 0;
    }
  } finally {
    running = false;
  }
}

async function send(item) {
  try {
    for (const f of item.files) await upload(f);
    const records = item.signed.map((s) => s.record);
    const receipts = records.length === 1 ? [await api.post("/api/v1/records", records[0])] : await api.post("/api/v1/records/group", { records });
    return done(item, receipts.at(-1).index);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500 || error.status === 429 || error.status === 408) return "retry";
    if (error.status === 401 || error.status === 403) return mark(item, "sign_in", t("outbox.sign_in_again"));
    try {
      return await refused(item, error);
    } catch {
      return "retry";
    }
  }
}

async function done(item, index) {
  noteFiled(item.signed.at(-1).record);
  await transaction("readwrite", (store) => store.delete(item.id));
  changed({ sent: item, index });
  return "sent";
}

async function mark(item, state, problem) {
  Object.assign(item, { state, problem });
  await save(item);
  changed();
  return state;
}

// The log refused the item (4xx). It may be in the log already (an earlier
// answer was lost); else, if the member's sequence moved, it is a conflict.
async function refused(item, error) {
  const index = await indexOf(item.signed.at(-1).hash);
  if (index !== null) return done(item, index);
  const member = await current(item.member);
  const envelope = first(item);
  if (member.next_seq !== envelope.seq || (member.last_time && envelope.time < member.last_time)) {
    await mark(item, "conflict", error.message);
    for (const l of conflictListeners) l(item.member);
    return "conflict";
  }
  return mark(item, "refused", error.message);
}

// The member as the server has it now, never this device's copy: a decision
// about sequence numbers cannot rest on what was last seen.
async function current(member) {
  const response = await fetch(`/api/v1/members/${encodeURIComponent(member)}`, { headers: { Accept: "application/json" } });
  if (!response.ok || response.headers.get("x-truce-last-seen")) throw new Error("no answer");
  return response.json();
}

async function upload(f) {
  const response = await fetch(`/api/v1/evidence?digest=${encodeURIComponent(f.digest)}`, {
    method: "POST",
    headers: { ...authorization(), "Content-Type": "application/octet-stream" },
    body: f.blob,
  });
  if (response.ok) return;
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // Not problem+json.
  }
  throw new ApiError(response.status, problem.title, problem.detail);
}

/**
 * What re-signing the member's queue would change: for each item, its
 * sequence numbers and claimed time now and after. The moment of filing is
 * kept unless the member's latest record in the log claims a later one (the
 * log refuses an author's record dated before the previous): then it takes
 * that record's time, the earliest the log accepts.
 */
export async function proposal(member) {
  const now = await current(member);
  let seq = now.next_seq;
  let previous = now.last_time ?? null;
  const plan = [];
  for (const item of await items(member)) {
    const envelope = first(item);
    const time = previous && item.filedAt < previous ? previous : item.filedAt;
    plan.push({ item, from: { seq: envelope.seq, time: envelope.time }, to: { seq, time }, moved: time !== item.filedAt });
    seq += item.signed.length;
    previous = time;
  }
  return plan;
}

/** Signs every item of the plan again as it says, and sends the queue. */
export async function resign(plan) {
  const key = await session.signingKey();
  for (const { item, to } of plan) {
    if (item.member !== key.member) throw new Error(t("outbox.other_member", { member: item.member }));
    item.signed = await signPartsAt(key, item.origin, toParts(item.parts), to.seq, to.time);
    item.state = "waiting";
    item.problem = null;
    await save(item);
  }
  changed();
  delay = 0;
  await flush();
}

/** Starts sending: now, whenever the browser is online again, and after each sign-in. */
export function start() {
  window.addEventListener("online", () => {
    delay = 0;
    schedule(0);
  });
  session.onChange(() => schedule(0));
  schedule(0);
}
