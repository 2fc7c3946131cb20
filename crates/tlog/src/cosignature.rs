//! Witness cosignatures (c2sp.org/tlog-cosignature, `cosignature/v1`,
//! Ed25519): "as of this time, the largest consistent tree I have seen for
//! this log has this root".
//!
//! Why a key type of its own: a cosignature signs a different message from
//! a note signature (a `cosignature/v1` header and a timestamp line before
//! the checkpoint), so the spec gives the key another algorithm byte (0x04)
//! in its key ID and vkey. A cosigner is made from an ordinary signed-note
//! private key, as the Go witnesses (transparency-dev/formats' note package)
//! do, so one key file format serves members, logs and witnesses; only its
//! verifier key differs.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::TlogError;
use crate::note::{NoteSignature, NoteSigner, NoteVerifier, check_key_id, split_vkey};

/// Signature type identifier of an Ed25519 `cosignature/v1` key.
pub const ALG_COSIGNATURE_V1: u8 = 0x04;

/// The largest timestamp a cosignature may carry (2^63 − 1).
pub const MAX_TIMESTAMP: u64 = i64::MAX as u64;

const HEADER: &str = "cosignature/v1\n";

/// The key ID of a cosigner: the first four bytes of
/// SHA-256(name || "\n" || 0x04 || pubkey).
pub fn cosigner_key_id(name: &str, pubkey: &[u8; 32]) -> u32 {
    let digest: [u8; 32] = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update([ALG_COSIGNATURE_V1])
        .chain_update(pubkey)
        .finalize()
        .into();
    let [a, b, c, d, ..] = digest;
    u32::from_be_bytes([a, b, c, d])
}

/// The message a `cosignature/v1` signs: the header, the time line, then the
/// checkpoint's whole note text (extension lines included).
pub fn signed_message(checkpoint_text: &str, timestamp: u64) -> Vec<u8> {
    format!("{HEADER}time {timestamp}\n{checkpoint_text}").into_bytes()
}

/// A witness's signing key.
#[derive(Clone)]
pub struct Cosigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for Cosigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cosigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl Cosigner {
    /// The cosigner with the same name and Ed25519 key as a signed-note
    /// private key (Go: `NewSignerForCosignatureV1`). Its key ID differs.
    pub fn from_note_signer(signer: &NoteSigner) -> Self {
        let key = signer.signing_key().clone();
        Cosigner {
            name: signer.name().to_owned(),
            key_id: cosigner_key_id(signer.name(), key.verifying_key().as_bytes()),
            key,
        }
    }

    /// Key name (the witness's name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The matching verifier.
    pub fn verifier(&self) -> CosignatureVerifier {
        CosignatureVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// Cosigns a checkpoint's note text at `timestamp` (POSIX seconds).
    pub fn cosign(
        &self,
        checkpoint_text: &str,
        timestamp: u64,
    ) -> Result<NoteSignature, TlogError> {
        if timestamp > MAX_TIMESTAMP {
            return Err(TlogError::MalformedCosignature(format!(
                "timestamp {timestamp} exceeds 2^63 - 1"
            )));
        }
        let signature = self
            .key
            .sign(&signed_message(checkpoint_text, timestamp))
            .to_bytes();
        let mut bytes = Vec::with_capacity(72);
        bytes.extend_from_slice(&timestamp.to_be_bytes());
        bytes.extend_from_slice(&signature);
        Ok(NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature: bytes,
        })
    }
}

/// A witness's public key, as a policy names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    /// Parses `name+hex8+base64(0x04 || pubkey)`, checking the key ID.
    /// A signed-note vkey (type 0x01) is refused: c2sp.org/tlog-policy wants
    /// witness keys in the cosignature type, so that a log key can never be
    /// mistaken for a witness key. Convert one with
    /// [`CosignatureVerifier::from_note_verifier`] where that is meant.
    pub fn from_vkey(s: &str) -> Result<Self, TlogError> {
        let bad = |why: String| TlogError::InvalidVerifierKey(why);
        let (name, id, key) = split_vkey(s)?;
        let pubkey: [u8; 32] = match key.split_first() {
            Some((&ALG_COSIGNATURE_V1, rest)) => rest
                .try_into()
                .map_err(|_| bad(format!("Ed25519 key must be 32 bytes, got {}", rest.len())))?,
            Some((&crate::note::ALG_ED25519, _)) => {
                return Err(bad(
                    "this is a signed-note key (type 0x01), not a cosignature/v1 witness key (type 0x04)"
                        .into(),
                ));
            }
            Some((alg, _)) => return Err(bad(format!("unsupported signature type 0x{alg:02x}"))),
            None => return Err(bad("empty key".into())),
        };
        let key = VerifyingKey::from_bytes(&pubkey)
            .map_err(|e| bad(format!("not an Ed25519 public key: {e}")))?;
        let v = CosignatureVerifier {
            name: name.to_owned(),
            key_id: cosigner_key_id(name, &pubkey),
            key,
        };
        check_key_id(id, v.key_id)?;
        Ok(v)
    }

    /// The cosignature verifier for the same name and key as a signed-note
    /// verifier (Go: `VKeyToCosignatureV1`).
    pub fn from_note_verifier(v: &NoteVerifier) -> Self {
        CosignatureVerifier {
            name: v.name().to_owned(),
            key_id: cosigner_key_id(v.name(), v.verifying_key().as_bytes()),
            key: *v.verifying_key(),
        }
    }

    /// The verifier key string `name+hex8+base64(0x04 || pubkey)`.
    pub fn vkey(&self) -> String {
        let mut bytes = Vec::with_capacity(33);
        bytes.push(ALG_COSIGNATURE_V1);
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(bytes)
        )
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The raw Ed25519 public key (two vkeys wrapping the same key are
    /// duplicates in a policy, whatever their names).
    pub fn public_key(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    /// Whether `signature` is this key's line (same name and key ID).
    pub fn is_signer_of(&self, signature: &NoteSignature) -> bool {
        signature.name == self.name && signature.key_id == self.key_id
    }

    /// Checks a cosignature of `checkpoint_text` and returns its timestamp.
    /// Fails if the line is not this key's, is not a `timestamped_signature`
    /// or does not verify.
    pub fn verify(
        &self,
        checkpoint_text: &str,
        signature: &NoteSignature,
    ) -> Result<u64, TlogError> {
        if !self.is_signer_of(signature) {
            return Err(TlogError::MalformedCosignature(format!(
                "the line is by {}+{:08x}, not by {}+{:08x}",
                signature.name, signature.key_id, self.name, self.key_id
            )));
        }
        let timestamp = cosignature_timestamp(signature)?;
        let sig = signature
            .signature
            .get(8..)
            .and_then(|s| Signature::from_slice(s).ok())
            .ok_or_else(|| TlogError::MalformedCosignature("no Ed25519 signature".into()))?;
        self.key
            .verify_strict(&signed_message(checkpoint_text, timestamp), &sig)
            .map_err(|_| TlogError::InvalidSignature {
                name: signature.name.clone(),
                key_id: signature.key_id,
            })?;
        Ok(timestamp)
    }
}

/// The timestamp of a `cosignature/v1` line (without checking it): the first
/// eight bytes, big-endian, of a 72-byte `timestamped_signature`.
pub fn cosignature_timestamp(signature: &NoteSignature) -> Result<u64, TlogError> {
    let bytes: &[u8; 72] = signature.signature.as_slice().try_into().map_err(|_| {
        TlogError::MalformedCosignature(format!(
            "a cosignature/v1 signature is 72 bytes, this one is {}",
            signature.signature.len()
        ))
    })?;
    let (time, _) = bytes
        .split_first_chunk::<8>()
        .ok_or_else(|| TlogError::MalformedCosignature("no timestamp".into()))?;
    let timestamp = u64::from_be_bytes(*time);
    if timestamp > MAX_TIMESTAMP {
        return Err(TlogError::MalformedCosignature(format!(
            "timestamp {timestamp} exceeds 2^63 - 1"
        )));
    }
    Ok(timestamp)
}
