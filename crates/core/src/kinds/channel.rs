//! The channel: a hotline between participants through the mechanism, with
//! receipts. Unanswered urgent messages are flagged (see `derive::channel`).

use super::Invalid;
use super::common::RecordRef;
use crate::values::{Bounded, Label, Paragraph, ParticipantId, Prose};
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChannelMessage {
    pub to: Bounded<ParticipantId, 16>,
    pub subject: Label,
    pub text: Prose,
    #[serde(default)]
    pub urgent: bool,
    /// The message this one answers, which starts or continues a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<RecordRef>,
    /// Overrides the charter's acknowledgment deadline for this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_within_hours: Option<u32>,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

impl ChannelMessage {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.to.is_empty() {
            return Err(Invalid::NoRecipient);
        }
        if let Some(h) = self.ack_within_hours
            && !(1..=24 * 365).contains(&h)
        {
            return Err(Invalid::AckHours { hours: h });
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    Delivered,
    Read,
    Acknowledged,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChannelReceipt {
    pub message: RecordRef,
    pub status: ReceiptStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Paragraph>,
}
