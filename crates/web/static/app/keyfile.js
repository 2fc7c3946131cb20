// Member key files in the browser: a plain signed-note private key
// (PRIVATE+KEY+…), or one sealed under a passphrase in the format
// truce-encrypted-key-v1 that `truce keygen` writes (defined in
// crates/cli/src/keyfile/encrypted.rs, documented in README.md "Key files"):
//
//   truce-encrypted-key-v1
//   {"log_n":17,"r":8,"p":1,"salt":"…","nonce":"…","ciphertext":"…"}
//
// scrypt (RFC 7914; vendored @noble/hashes, as WebCrypto has none) derives a
// 256-bit key from the passphrase's UTF-8 bytes and the salt; AES-256-GCM
// (WebCrypto) opens the ciphertext with the nonce and the first line as
// associated data. Either way the result is imported at once as a
// non-extractable CryptoKey; the bytes that held the key are overwritten.
import { scryptAsync } from "../vendor/noble-hashes/scrypt.js";
import { fromBase64, importPrivateKey } from "./crypto.js";

export const MAGIC = "truce-encrypted-key-v1";

// What a reader accepts, as the CLI does: scrypt's memory (128·r·N bytes) at
// most 256 MiB, r ≤ 32, p ≤ 4, a salt of 16 to 64 bytes, a 12-byte nonce, a
// sealed key of 17 to 1024 bytes, a file of at most 4 KiB. A hostile file
// cannot make this tab allocate gigabytes or compute for minutes.
const MAX_MEMORY = 256 * 2 ** 20;
const MAX_R = 32;
const MAX_P = 4;
const MAX_FILE = 4096;
const FIELDS = ["log_n", "r", "p", "salt", "nonce", "ciphertext"];

/** Why a key file could not be opened; `code` names an i18n message (signin.errors.*). */
export class KeyFileError extends Error {
  constructor(code, detail = code) {
    super(detail);
    this.code = code;
  }
}

/** Does this text (or its first bytes) begin a passphrase-protected key file? */
export function isEncrypted(text) {
  return text.split("\n", 1)[0].trimEnd() === MAGIC;
}

/**
 * Opens a key file's text as {member, keyId, key}, where `key` is a
 * non-extractable Ed25519 CryptoKey that can sign and nothing else.
 */
export async function importKeyFile(text, passphrase) {
  if (text.length > MAX_FILE) throw new KeyFileError("malformed", "the key file is too long");
  if (!isEncrypted(text)) return importPlain(text);
  if (!passphrase) throw new KeyFileError("passphrase_needed");
  const sealed = parse(text);
  const derived = await scryptAsync(new TextEncoder().encode(passphrase), sealed.salt, {
    N: 2 ** sealed.log_n,
    r: sealed.r,
    p: sealed.p,
    dkLen: 32,
  });
  let plain;
  try {
    const aes = await crypto.subtle.importKey("raw", derived, { name: "AES-GCM" }, false, ["decrypt"]);
    plain = new Uint8Array(
      await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.nonce, additionalData: new TextEncoder().encode(MAGIC) }, aes, sealed.ciphertext),
    );
  } catch {
    throw new KeyFileError("wrong_passphrase", "the passphrase does not open this key file (or the file has been altered)");
  } finally {
    derived.fill(0);
  }
  try {
    return await importPlain(new TextDecoder().decode(plain));
  } finally {
    plain.fill(0);
  }
}

async function importPlain(text) {
  try {
    return await importPrivateKey(text);
  } catch (error) {
    throw new KeyFileError("malformed", error.message);
  }
}

function parse(text) {
  const lines = text.split("\n");
  let sealed;
  try {
    sealed = JSON.parse(lines[1] ?? "");
  } catch {
    throw new KeyFileError("malformed", `its second line is not the JSON object of a ${MAGIC} file`);
  }
  const keys = sealed && typeof sealed === "object" ? Object.keys(sealed) : [];
  if (keys.length !== FIELDS.length || !FIELDS.every((f) => keys.includes(f)) || lines.slice(2).some((l) => l.trim())) {
    throw new KeyFileError("malformed", `not a ${MAGIC} file`);
  }
  const { log_n: logN, r, p } = sealed;
  if (![logN, r, p].every(Number.isSafeInteger)) throw new KeyFileError("malformed", "its scrypt parameters are not integers");
  if (logN < 1 || logN > 40 || r < 1 || r > MAX_R || p < 1 || p > MAX_P || 128 * r * 2 ** logN > MAX_MEMORY) {
    throw new KeyFileError("beyond_limits", `its scrypt parameters (log_n ${logN}, r ${r}, p ${p}) are beyond what Truce accepts`);
  }
  const bytes = (field) => {
    if (typeof sealed[field] !== "string") throw new KeyFileError("malformed", `its ${field} is not base64`);
    try {
      return fromBase64(sealed[field]);
    } catch {
      throw new KeyFileError("malformed", `its ${field} is not base64`);
    }
  };
  const salt = bytes("salt");
  const nonce = bytes("nonce");
  const ciphertext = bytes("ciphertext");
  if (salt.length < 16 || salt.length > 64 || nonce.length !== 12 || ciphertext.length < 17 || ciphertext.length > 1024) {
    throw new KeyFileError("malformed", "its salt, nonce or ciphertext has the wrong length");
  }
  return { log_n: logN, r, p, salt, nonce, ciphertext };
}
