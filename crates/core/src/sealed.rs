//! Confidential parts. The log holds only a salted digest of a confidential
//! part (an intelligence source, a detainee's identity); the part itself is
//! stored apart under access control. The digest proves *that* and *when*
//! something was filed; a later disclosure proves *what*. The salt stops
//! anyone guessing short contents by hashing candidates.

use crate::canonical::{self, CanonicalError};
use crate::values::{Bounded, ParticipantId};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use truce_tlog::Hash;

const SEALED_DOMAIN: &[u8] = b"truce-sealed-v1\n";
/// A confidential part may be at most this large once canonicalised.
pub const MAX_SEALED_BYTES: usize = 64 * 1024;

/// What the envelope carries in place of a confidential part.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SealedPart {
    /// SHA-256("truce-sealed-v1\n" ‖ salt ‖ JCS(content)).
    pub digest: Hash,
    /// Participants besides the author's own who may read the part.
    pub readers: Bounded<ParticipantId, 16>,
}

/// The confidential part itself, kept apart from the log.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// 32 random bytes, base64.
    pub salt: String,
    pub content: serde_json::Value,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("the salt must be 32 bytes in base64")]
    BadSalt,
    #[error("the confidential part is not canonical JSON: {0}")]
    Canonical(#[from] CanonicalError),
    #[error("the confidential part is {0} bytes; the limit is {MAX_SEALED_BYTES}")]
    TooLarge(usize),
    #[error("the disclosed content does not match the sealed digest")]
    Mismatch,
}

impl Opening {
    pub fn new(salt: [u8; 32], content: serde_json::Value) -> Self {
        Self {
            salt: STANDARD.encode(salt),
            content,
        }
    }

    pub fn digest(&self) -> Result<Hash, SealError> {
        let salt = STANDARD
            .decode(&self.salt)
            .map_err(|_| SealError::BadSalt)?;
        if salt.len() != 32 {
            return Err(SealError::BadSalt);
        }
        canonical::reject_floats(&self.content)?;
        let bytes = canonical::to_canonical_bytes(&self.content)?;
        if bytes.len() > MAX_SEALED_BYTES {
            return Err(SealError::TooLarge(bytes.len()));
        }
        let mut h = Sha256::new();
        h.update(SEALED_DOMAIN);
        h.update(&salt);
        h.update(&bytes);
        Ok(Hash(h.finalize().into()))
    }

    /// Proves that this opening is what `sealed` committed to.
    pub fn matches(&self, sealed: &SealedPart) -> Result<(), SealError> {
        if self.digest()? == sealed.digest {
            Ok(())
        } else {
            Err(SealError::Mismatch)
        }
    }
}

/// A disclosure record: publishes the opening of an earlier sealed part.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    pub record: truce_tlog::Hash,
    pub opening: Opening,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_disclosure_matches_only_its_own_content_and_salt() {
        let opening = Opening::new([7; 32], json!({"source": "informant 12"}));
        let sealed = SealedPart {
            digest: opening.digest().unwrap(),
            readers: Bounded::default(),
        };
        assert_eq!(opening.matches(&sealed), Ok(()));
        let other_content = Opening::new([7; 32], json!({"source": "informant 13"}));
        assert_eq!(other_content.matches(&sealed), Err(SealError::Mismatch));
        let other_salt = Opening::new([8; 32], json!({"source": "informant 12"}));
        assert_eq!(other_salt.matches(&sealed), Err(SealError::Mismatch));
    }

    #[test]
    fn key_order_does_not_change_the_digest() {
        let a: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":2}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
        assert_eq!(
            Opening::new([1; 32], a).digest().unwrap(),
            Opening::new([1; 32], b).digest().unwrap()
        );
    }
}
