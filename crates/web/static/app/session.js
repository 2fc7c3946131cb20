// Signing in: the member's key signs the server's challenge in this browser
// (WebCrypto Ed25519); only the signature and then a bearer token cross the
// network. The key file (plain or passphrase-protected, keyfile.js) is
// imported once into a non-extractable CryptoKey, which is kept in IndexedDB
// (keystore.js) until sign-out; the tab's sessionStorage holds only who is
// signed in and the id of that key. In demo mode the server lists its demo
// members with their keys, so anyone can try each role.
import { api, setToken } from "./api.js";
import { sign, toBase64, importPrivateKey } from "./crypto.js";
import { importKeyFile } from "./keyfile.js";
import * as keystore from "./keystore.js";
import { t } from "./i18n.js";

const KEY = "truce.session";
let session = JSON.parse(sessionStorage.getItem(KEY) || "null");
// A session from before keys moved to IndexedDB held its private key here:
// drop it (its member signs in again).
if (session && !session.keyRef) {
  sessionStorage.removeItem(KEY);
  session = null;
}
const listeners = new Set();

// Keys of sessions that ended without a sign-out (a closed tab) go once
// their token has expired.
keystore.sweep(new Date()).catch(() => {});

export function current() {
  return session;
}

export function onChange(listener) {
  listeners.add(listener);
}

function set(value) {
  session = value;
  if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l(value);
}

/** The demo members (without their keys), or null when this server runs no demo. */
export async function demoMembers() {
  try {
    const members = await api.get("/api/v1/demo/members");
    return members.map(({ private_key: _, ...member }) => member);
  } catch {
    return null;
  }
}

/** Signs in with a key file's text; `passphrase` opens a protected one. */
export async function signIn(keyFileText, passphrase) {
  return signInWith(await importKeyFile(keyFileText, passphrase));
}

/** Demo mode: signs in as a demo member, with the key the server hands out for it. */
export async function signInAsDemoMember(id) {
  const members = await api.get("/api/v1/demo/members");
  const member = members.find((m) => m.member === id);
  if (!member) throw new Error(`${id} is not a demo member`);
  return signInWith(await importPrivateKey(member.private_key));
}

async function signInWith(key) {
  const challenge = await api.post("/api/v1/auth/challenge", { member: key.member });
  const signature = await sign(key, new TextEncoder().encode(challenge.message));
  const token = await api.post("/api/v1/auth/token", {
    member: key.member,
    challenge: challenge.challenge,
    signature: toBase64(signature),
  });
  const keyRef = crypto.randomUUID();
  await keystore.put(keyRef, { member: key.member, keyId: key.keyId, key: key.key, expires: token.expires });
  if (session) await forgetKey(session);
  setToken(token.token);
  set({
    member: token.member,
    participant: token.participant,
    role: token.role,
    expires: token.expires,
    keyRef,
  });
  return session;
}

async function forgetKey(s) {
  try {
    await keystore.remove(s.keyRef);
  } catch {
    // Nothing to forget where IndexedDB cannot be opened.
  }
}

/** Signs out: the key is deleted from this browser, then the session. */
export async function signOut() {
  const s = session;
  setToken(null);
  if (s) await forgetKey(s);
  set(null);
}

/** The signed-in member's key, ready to sign with: {member, keyId, key}. */
export async function signingKey() {
  if (!session) throw new Error("sign in first");
  const entry = await keystore.get(session.keyRef);
  if (!entry) throw new Error(t("session.key_gone"));
  return { member: entry.member, keyId: entry.keyId, key: entry.key };
}
