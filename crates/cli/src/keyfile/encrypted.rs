//! Passphrase-protected key files, format `truce-encrypted-key-v1`: the one
//! definition on the Rust side (the browser's reader is
//! `crates/web/static/app/keyfile.js`; README.md, "Key files", documents both).
//!
//! ```text
//! truce-encrypted-key-v1
//! {"log_n":17,"r":8,"p":1,"salt":"…","nonce":"…","ciphertext":"…"}
//! ```
//!
//! scrypt (RFC 7914) turns the passphrase's UTF-8 bytes and the salt into a
//! 256-bit key; AES-256-GCM under that key and the 96-bit nonce, with the
//! first line as associated data, seals the signed-note private key string
//! (`PRIVATE+KEY+…`, no line break). `salt`, `nonce` and `ciphertext` (the
//! sealed key followed by the 16-byte tag) are standard base64 with padding.
//! Every parameter is in the file, so a stronger setting later needs no new
//! version; a reader refuses parameters beyond the caps below, so a hostile
//! file cannot make it allocate gigabytes or compute for minutes.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Nonce, Payload};
use anyhow::{Context, Result, bail, ensure};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The first line of every encrypted key file, and the AEAD's associated data.
pub const MAGIC: &str = "truce-encrypted-key-v1";

/// What `truce keygen` writes: scrypt's recommended interactive setting
/// (N = 2^17, r = 8, p = 1: 128 MiB), about half a second natively or in a
/// browser.
const LOG_N: u8 = 17;
const R: u32 = 8;
const P: u32 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;

/// What a reader accepts: scrypt's memory, 128·r·N bytes, at most 256 MiB;
/// p at most 4 (so at most eight times the default's work); a salt of 16 to
/// 64 bytes; a sealed key of at most 1 KiB; a file of at most 4 KiB.
const MAX_MEMORY: u64 = 256 << 20;
const MAX_P: u32 = 4;
const MAX_R: u32 = 32;
const SALT_RANGE: std::ops::RangeInclusive<usize> = 16..=64;
const MAX_CIPHERTEXT: usize = 1024;
pub const MAX_FILE: usize = 4096;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed {
    log_n: u8,
    r: u32,
    p: u32,
    salt: String,
    nonce: String,
    ciphertext: String,
}

/// Is this a `truce-encrypted-key-v1` file (rather than a plain key)?
pub fn is_encrypted(text: &str) -> bool {
    text.lines().next().map(str::trim_end) == Some(MAGIC)
}

/// Seals a private key string under `passphrase`, as the file's whole text.
pub fn seal(skey: &str, passphrase: &str) -> Result<String> {
    ensure!(
        !passphrase.is_empty(),
        "an empty passphrase protects nothing"
    );
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let key = derive(passphrase, &salt, LOG_N, R, P)?;
    let ciphertext = Aes256Gcm::new(&(*key).into())
        .encrypt(
            &Nonce::<Aes256Gcm>::from(nonce),
            Payload {
                msg: skey.as_bytes(),
                aad: MAGIC.as_bytes(),
            },
        )
        .map_err(|_| anyhow::anyhow!("AES-GCM refused to seal the key"))?;
    let sealed = Sealed {
        log_n: LOG_N,
        r: R,
        p: P,
        salt: STANDARD.encode(salt),
        nonce: STANDARD.encode(nonce),
        ciphertext: STANDARD.encode(ciphertext),
    };
    Ok(format!("{MAGIC}\n{}\n", serde_json::to_string(&sealed)?))
}

/// Opens an encrypted key file's text with `passphrase`: the private key string.
pub fn open(text: &str, passphrase: &str) -> Result<Zeroizing<String>> {
    ensure!(text.len() <= MAX_FILE, "the key file is too long");
    let mut lines = text.lines();
    ensure!(
        lines.next().map(str::trim_end) == Some(MAGIC),
        "its first line is not {MAGIC}"
    );
    let sealed: Sealed = serde_json::from_str(lines.next().unwrap_or_default())
        .context("its second line is not the JSON object of a truce-encrypted-key-v1 file")?;
    ensure!(
        lines.all(|l| l.trim().is_empty()),
        "it has more than two lines"
    );
    let salt = decode("salt", &sealed.salt)?;
    let nonce: [u8; NONCE_LEN] = decode("nonce", &sealed.nonce)?
        .try_into()
        .map_err(|_| anyhow::anyhow!("its nonce is not {NONCE_LEN} bytes"))?;
    let ciphertext = decode("ciphertext", &sealed.ciphertext)?;
    ensure!(
        SALT_RANGE.contains(&salt.len()),
        "its salt is not 16 to 64 bytes"
    );
    ensure!(
        (17..=MAX_CIPHERTEXT).contains(&ciphertext.len()),
        "its ciphertext is not 17 to {MAX_CIPHERTEXT} bytes"
    );
    check_params(sealed.log_n, sealed.r, sealed.p)?;
    let key = derive(passphrase, &salt, sealed.log_n, sealed.r, sealed.p)?;
    let plain = Aes256Gcm::new(&(*key).into())
        .decrypt(
            &Nonce::<Aes256Gcm>::from(nonce),
            Payload {
                msg: &ciphertext,
                aad: MAGIC.as_bytes(),
            },
        )
        .map_err(|_| {
            anyhow::anyhow!(
                "the passphrase does not open this key file (or the file has been altered)"
            )
        })?;
    String::from_utf8(plain)
        .map(Zeroizing::new)
        .map_err(|_| anyhow::anyhow!("the sealed key is not text"))
}

fn check_params(log_n: u8, r: u32, p: u32) -> Result<()> {
    let memory = (1u64 << log_n.min(63)) * 128 * u64::from(r);
    if !(1..=MAX_R).contains(&r)
        || !(1..=MAX_P).contains(&p)
        || log_n == 0
        || log_n > 40
        || memory > MAX_MEMORY
    {
        bail!(
            "its scrypt parameters (log_n {log_n}, r {r}, p {p}) are beyond what truce accepts: \
             at most 256 MiB (128·r·2^log_n bytes), r ≤ {MAX_R}, p ≤ {MAX_P}"
        );
    }
    Ok(())
}

fn derive(passphrase: &str, salt: &[u8], log_n: u8, r: u32, p: u32) -> Result<Zeroizing<[u8; 32]>> {
    let params = scrypt::Params::new(log_n, r, p)
        .map_err(|_| anyhow::anyhow!("invalid scrypt parameters"))?;
    let mut key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(passphrase.as_bytes(), salt, &params, &mut *key)
        .map_err(|_| anyhow::anyhow!("scrypt refused the output length"))?;
    Ok(key)
}

fn decode(field: &str, text: &str) -> Result<Vec<u8>> {
    STANDARD
        .decode(text)
        .with_context(|| format!("its {field} is not base64"))
}
