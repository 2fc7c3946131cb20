// Signing in: the member's key signs the server's challenge in this browser
// (WebCrypto Ed25519); only the signature and then a bearer token cross the
// network. In demo mode the server lists its demo members with their keys,
// so anyone can try each role; otherwise the member loads its key file.
import { api, setToken } from "./api.js";
import { importPrivateKey, sign, toBase64 } from "./crypto.js";

const KEY = "truce.session";
let session = JSON.parse(sessionStorage.getItem(KEY) || "null");
const listeners = new Set();

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

/** The demo members, or null when this server runs no demo. */
export async function demoMembers() {
  try {
    return await api.get("/api/v1/demo/members");
  } catch {
    return null;
  }
}

/**
 * Signs in with a private key in signed-note form. The key stays in this
 * tab (sessionStorage) so records can be signed here; it is never sent.
 */
export async function signIn(privateKeyText) {
  const key = await importPrivateKey(privateKeyText);
  const challenge = await api.post("/api/v1/auth/challenge", { member: key.member });
  const signature = await sign(key, new TextEncoder().encode(challenge.message));
  const token = await api.post("/api/v1/auth/token", {
    member: key.member,
    challenge: challenge.challenge,
    signature: toBase64(signature),
  });
  setToken(token.token);
  set({
    member: token.member,
    participant: token.participant,
    role: token.role,
    expires: token.expires,
    key: privateKeyText.trim(),
  });
  return session;
}

export function signOut() {
  setToken(null);
  set(null);
}

/** The signed-in member's key, ready to sign with. */
export async function signingKey() {
  if (!session) throw new Error("sign in first");
  return importPrivateKey(session.key);
}
