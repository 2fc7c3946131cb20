//! Small shared pieces of record bodies.

use crate::values::Bounded;
use serde::{Deserialize, Serialize};
use std::fmt;
use truce_tlog::Hash;

/// A reference to an earlier record: the RFC 6962 leaf hash of its canonical bytes.
pub type RecordRef = Hash;

/// Up to 32 references to evidence records.
pub type EvidenceRefs = Bounded<RecordRef, 32>;

/// What a member may do. Capabilities are granted per member by the charter or
/// a `member.add` record; roles (party, mediator, observer) are per participant.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// File incident reports and evidence.
    Report,
    /// Answer reports about one's own side; state remedial action.
    Respond,
    /// Investigate and issue findings (mediators only).
    Find,
    /// Take positions on drafts, sign, declare commitments, issue statements.
    Sign,
    /// Add members, rotate and revoke keys for one's own participant.
    Admin,
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Capability::Report => "report",
            Capability::Respond => "respond",
            Capability::Find => "find",
            Capability::Sign => "sign",
            Capability::Admin => "admin",
        };
        f.write_str(s)
    }
}

/// A content digest of an evidence blob: `sha256:<64 lowercase hex>`, the form
/// content-addressed stores use, so a digest is never mistaken for a record hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobDigest(pub [u8; 32]);

impl BlobDigest {
    pub fn parse(value: &str) -> Result<Self, String> {
        let hex_part = value
            .strip_prefix("sha256:")
            .ok_or_else(|| format!("{value:?} must start with \"sha256:\""))?;
        if hex_part.len() != 64 || hex_part.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(format!(
                "{value:?} must be sha256: and 64 lowercase hex digits"
            ));
        }
        let hash = Hash::from_hex(hex_part).map_err(|e| e.to_string())?;
        Ok(Self(hash.0))
    }
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Self(sha2::Sha256::digest(bytes).into())
    }
    pub fn hex(&self) -> String {
        Hash(self.0).to_hex()
    }
}

impl fmt::Display for BlobDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for BlobDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobDigest({self})")
    }
}

impl Serialize for BlobDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for BlobDigest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}
