//! Evidence: a content-addressed blob described by a signed record, and the
//! acknowledgments that it was received or examined.

use super::Invalid;
use super::common::{BlobDigest, RecordRef, Sources};
use crate::values::{Bounded, EventTime, Label, Paragraph, Place, Timestamp};
use serde::{Deserialize, Serialize};

/// Who may read a blob or a confidential part.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    /// Anyone the log is published to, observers included.
    Public,
    /// Every party and mediator.
    Participants,
    /// The mediators and the submitting participant only.
    Mediators,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Capture {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<EventTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<Label>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustodyStep {
    pub at: Timestamp,
    pub holder: Label,
    pub note: Paragraph,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceSubmit {
    pub digest: BlobDigest,
    pub media_type: Label,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<Label>,
    pub description: Paragraph,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<Capture>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_by: Option<Label>,
    #[serde(default)]
    pub custody: Bounded<CustodyStep, 32>,
    pub confidentiality: Confidentiality,
    /// The incident this evidence concerns, when filed for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<RecordRef>,
    /// The published reporting this record rests on, each passage with its
    /// publication, day and attribution.
    #[serde(default, skip_serializing_if = "Bounded::is_empty")]
    pub sources: Sources,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

/// Evidence blobs above this size are refused: 8 GiB covers long video.
pub const MAX_BLOB_BYTES: u64 = 8 << 30;

impl EvidenceSubmit {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.size > MAX_BLOB_BYTES {
            return Err(Invalid::EvidenceTooLarge {
                size: self.size,
                max: MAX_BLOB_BYTES,
            });
        }
        let mt = self.media_type.as_str();
        let valid_media_type = mt.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && !mt.contains(char::is_whitespace)
        });
        if !valid_media_type {
            return Err(Invalid::MediaType {
                media_type: mt.to_owned(),
            });
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AcknowledgmentStatus {
    Received,
    Examined,
}

/// "The evidence was shared and acknowledged", as a record of the acknowledging side.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceAcknowledge {
    pub evidence: RecordRef,
    pub status: AcknowledgmentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Paragraph>,
}

/// A member's signed notice that it is opening a piece of evidence. A server
/// serves a restricted blob only to a member who has filed one, so every read
/// of restricted material leaves a trace in the log itself.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceAccess {
    pub evidence: RecordRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Label>,
}
