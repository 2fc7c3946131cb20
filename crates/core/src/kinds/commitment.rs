//! Written commitments and guarantees, with the incident types that count
//! against them; compliance is derived from findings (see `derive::compliance`).

use super::Invalid;
use super::incident::IncidentType;
use crate::values::{Bounded, Label, Paragraph, ParticipantId, Prose, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommitmentDeclare {
    pub title: Label,
    pub text: Prose,
    /// Whom the commitment is made to (empty: to all participants).
    #[serde(default)]
    pub to: Bounded<ParticipantId, 16>,
    /// How compliance can be checked.
    #[serde(default)]
    pub indicators: Bounded<Paragraph, 16>,
    /// Incident types that, when verified against the declaring party, violate it.
    pub incident_types: Bounded<IncidentType, 11>,
    pub effective: Timestamp,
    /// Where the commitment was made, e.g. "Doha ceasefire, 19 October 2025".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Label>,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

impl CommitmentDeclare {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.incident_types.is_empty() {
            return Err(Invalid::NoIncidentType);
        }
        Ok(())
    }
}
