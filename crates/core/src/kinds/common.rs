//! Small shared pieces of record bodies.

use crate::values::{Bounded, Date, Label, Paragraph};
use serde::{Deserialize, Serialize};
use std::fmt;
use truce_tlog::Hash;

/// A reference to an earlier record: the RFC 6962 leaf hash of its canonical bytes.
pub type RecordRef = Hash;

/// Up to 32 references to evidence records.
pub type EvidenceRefs = Bounded<RecordRef, 32>;

/// Where a record's content comes from. Either a source as the author names
/// it (`"Pakistan's military"`, a plain string), or a passage of published
/// reporting: which publication, on which day, whose words by the report's
/// own attribution, and the words themselves.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Source {
    Named(Label),
    Reported(ReportedSource),
}

/// A passage of published reporting a record rests on.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportedSource {
    /// The publication, as it names itself: "MNTV", "Pakistan TV Digital".
    pub publication: Label,
    /// The day it was published.
    pub date: Date,
    /// Whom the report gives the words to, in the report's own terms ("a
    /// senior security source", "Information Minister Attaullah Tarar"); absent
    /// when the words are the report's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributed_to: Option<Label>,
    /// The words quoted, exactly as published, hedges ("reportedly") included.
    pub quote: Paragraph,
}

// By hand rather than `untagged`, so that a malformed passage is refused with
// what is wrong in it, not "data did not match any variant".
impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => {
                Label::parse(s).map(Source::Named).map_err(Error::custom)
            }
            value @ serde_json::Value::Object(_) => serde_json::from_value(value)
                .map(Source::Reported)
                .map_err(Error::custom),
            _ => Err(Error::custom(
                "a source is a string naming it, or an object {publication, date, attributed_to, quote}",
            )),
        }
    }
}

/// Up to 16 sources.
pub type Sources = Bounded<Source, 16>;

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

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for BlobDigest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::values::schema::string(
            Some("^sha256:[0-9a-f]{64}$"),
            None,
            "The SHA-256 digest of an evidence file: sha256: and 64 lowercase hex digits.",
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for BlobDigest {}

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
