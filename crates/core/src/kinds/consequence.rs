//! Consequences: the mediators tie a verified finding to the step the
//! charter's schedule prescribes; the violating party answers. Truce enforces
//! nothing in the world: it makes the determination and its timing undeniable.

use super::common::RecordRef;
use crate::values::{Label, Paragraph, ParticipantId, Prose};
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ViolationDetermination {
    /// A finding that verified (in whole or part) the incident.
    pub finding: RecordRef,
    pub party: ParticipantId,
    /// The commitment the violation breaches, when one applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<RecordRef>,
    /// The step of the charter's schedule of consequences that applies.
    pub consequence_level: u8,
    pub reasoning: Prose,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PenaltyDecision {
    pub determination: RecordRef,
    pub consequence_level: u8,
    pub measures: Prose,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ViolationStance {
    Acknowledge,
    Object,
}

/// The violating party's acknowledgment of, or objection to, a determination.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ViolationResponse {
    pub determination: RecordRef,
    pub stance: ViolationStance,
    pub text: Paragraph,
}
