//! The record of the talks themselves: meeting rounds and formal statements
//! (written demands, a mediators' statement, a joint statement).

use super::Invalid;
use super::common::{RecordRef, Sources};
use crate::values::{Bounded, Label, ParticipantId, Prose, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    pub participant: ParticipantId,
    pub name: Label,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Label>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionRecord {
    pub title: Label,
    pub place: Label,
    pub start: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    #[serde(default)]
    pub attendees: Bounded<Attendee, 64>,
    pub summary: Prose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Label>,
    /// The published reporting this record rests on, each passage with its
    /// publication, day and attribution.
    #[serde(default, skip_serializing_if = "Bounded::is_empty")]
    pub sources: Sources,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

impl SessionRecord {
    pub fn validate(&self) -> Result<(), Invalid> {
        if let Some(end) = self.end
            && end < self.start
        {
            return Err(Invalid::SessionEndsBeforeStart);
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatementCategory {
    /// A side's written demands.
    Demands,
    /// A side's written answer to the other's demands.
    Reply,
    MediatorsStatement,
    JointStatement,
    PublicStatement,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub category: StatementCategory,
    pub title: Label,
    pub text: Prose,
    /// Participants the author says it speaks for (a joint statement names all).
    #[serde(default)]
    pub on_behalf_of: Bounded<ParticipantId, 16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<RecordRef>,
    /// The published reporting this record rests on, each passage with its
    /// publication, day and attribution.
    #[serde(default, skip_serializing_if = "Bounded::is_empty")]
    pub sources: Sources,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}
