use crate::kinds::Kind;
use crate::kinds::common::RecordRef;
use crate::sealed::SealedPart;
use crate::values::{Bounded, Label, MemberId, Timestamp};
use serde::{Deserialize, Serialize};

/// The envelope format this code writes and reads.
pub const ENVELOPE_VERSION: u32 = 1;

/// Domain separation: these bytes prefix every record signing message, so a
/// record signature can never be mistaken for a note, a checkpoint or a token.
pub(super) const RECORD_DOMAIN: &[u8] = b"truce-record-v1\n";

/// What an author signs.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Envelope format version (1).
    pub v: u32,
    /// The log's origin: a record signed for one mechanism cannot be replayed into another.
    pub log: Label,
    pub kind: Kind,
    pub author: MemberId,
    /// The author's sequence number: 1 for its first record, then each next integer.
    pub seq: u64,
    /// When the author says it signed.
    pub time: Timestamp,
    /// Every earlier record this one builds on, by leaf hash.
    #[serde(default)]
    pub refs: Bounded<RecordRef, 64>,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::kinds::Body))]
    pub body: serde_json::Value,
    /// A confidential part kept apart from the log, by salted digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidential: Option<SealedPart>,
}

/// One Ed25519 signature over the envelope's signing message.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecordSignature {
    pub member: MemberId,
    /// The signed-note key id (hex, 8 digits) of the key used.
    pub key: String,
    /// The 64-byte signature, base64.
    pub sig: String,
}

/// An envelope with its signatures: the author's first; for the charter, one
/// more per further founding participant.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedRecord {
    pub envelope: Envelope,
    pub signatures: Bounded<RecordSignature, 16>,
}
