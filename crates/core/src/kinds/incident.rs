//! Incidents and their case: report → response → investigation → finding →
//! remedial action. Each step is a separate record by its own author; the
//! case's status is derived from them (see `derive::case`).

use super::Invalid;
use super::common::{EvidenceRefs, RecordRef, Sources};
use crate::values::{Bounded, EventTime, Label, Paragraph, ParticipantId, Place, Prose};
use serde::{Deserialize, Serialize};
use std::fmt;

/// ACLED-compatible event types, extended for ceasefires.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncidentType {
    ArmedClash,
    CrossBorderAttack,
    InfiltrationAttempt,
    Airstrike,
    DroneStrike,
    Shelling,
    AirspaceViolation,
    Ied,
    Abduction,
    CrossingClosure,
    Other,
}

impl IncidentType {
    pub const ALL: [IncidentType; 11] = [
        IncidentType::ArmedClash,
        IncidentType::CrossBorderAttack,
        IncidentType::InfiltrationAttempt,
        IncidentType::Airstrike,
        IncidentType::DroneStrike,
        IncidentType::Shelling,
        IncidentType::AirspaceViolation,
        IncidentType::Ied,
        IncidentType::Abduction,
        IncidentType::CrossingClosure,
        IncidentType::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            IncidentType::ArmedClash => "armed_clash",
            IncidentType::CrossBorderAttack => "cross_border_attack",
            IncidentType::InfiltrationAttempt => "infiltration_attempt",
            IncidentType::Airstrike => "airstrike",
            IncidentType::DroneStrike => "drone_strike",
            IncidentType::Shelling => "shelling",
            IncidentType::AirspaceViolation => "airspace_violation",
            IncidentType::Ied => "ied",
            IncidentType::Abduction => "abduction",
            IncidentType::CrossingClosure => "crossing_closure",
            IncidentType::Other => "other",
        }
    }
}

impl fmt::Display for IncidentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A casualty figure as UCDP gives it: low, best and high estimates.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    pub low: u32,
    pub best: u32,
    pub high: u32,
}

impl Estimate {
    fn validate(&self, what: &'static str) -> Result<(), Invalid> {
        if !(self.low <= self.best && self.best <= self.high) {
            return Err(Invalid::Estimates { figure: what });
        }
        if self.high > 100_000 {
            return Err(Invalid::Implausible {
                figure: what,
                high: self.high,
            });
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CasualtyFigures {
    #[serde(default)]
    pub military: Estimate,
    #[serde(default)]
    pub civilian: Estimate,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Casualties {
    #[serde(default)]
    pub killed: CasualtyFigures,
    #[serde(default)]
    pub injured: CasualtyFigures,
}

impl Casualties {
    pub fn validate(&self) -> Result<(), Invalid> {
        self.killed.military.validate("killed, military")?;
        self.killed.civilian.validate("killed, civilian")?;
        self.injured.military.validate("injured, military")?;
        self.injured.civilian.validate("injured, civilian")
    }
    pub fn killed_best(&self) -> u32 {
        self.killed
            .military
            .best
            .saturating_add(self.killed.civilian.best)
    }
    pub fn injured_best(&self) -> u32 {
        self.injured
            .military
            .best
            .saturating_add(self.injured.civilian.best)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IncidentReport {
    pub title: Label,
    pub incident_type: IncidentType,
    pub time: EventTime,
    /// One or more places (an incident can span several).
    pub places: Bounded<Place, 8>,
    /// The party the reporter holds responsible, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accused: Option<ParticipantId>,
    /// The actor as the reporter names it, e.g. an armed group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Label>,
    #[serde(default)]
    pub casualties: Casualties,
    pub narrative: Prose,
    #[serde(default)]
    pub evidence: EvidenceRefs,
    /// The sources the reporter relies on: named by it, or passages of published reporting.
    #[serde(default)]
    pub sources: Sources,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
    /// The published dataset's event this report was imported from (`truce
    /// import`), so that importing the same file again adds nothing twice.
    /// Absent on reports filed directly, whose canonical form it leaves as
    /// it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<DatasetEvent>,
}

impl IncidentReport {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.places.is_empty() {
            return Err(Invalid::NoPlace);
        }
        if let Some(event) = &self.imported_from {
            event.validate()?;
        }
        self.casualties.validate()
    }
}

/// A published incident dataset a report can be imported from.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    /// ACLED (Armed Conflict Location & Event Data); the id is `event_id_cnty`.
    Acled,
    /// UCDP's Georeferenced Event Dataset; the id is GED's `id`.
    UcdpGed,
    /// Another Truce log's export (in either CSV format); the id is the
    /// report's leaf hash there, which no other log can share.
    Truce,
}

/// One event of a published dataset, by the dataset's own id for it.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DatasetEvent {
    pub dataset: Dataset,
    /// The dataset's id for the event, as it spells it (`PAK12345`, `338912`).
    pub event_id: Label,
}

impl DatasetEvent {
    /// Datasets' ids are short tokens: one spelling, no spaces, so that the
    /// same event cannot be imported twice under two spellings.
    pub const MAX_ID_LEN: usize = 100;

    pub fn validate(&self) -> Result<(), Invalid> {
        let id = self.event_id.as_str();
        if id.len() > Self::MAX_ID_LEN {
            return Err(Invalid::EventIdLength {
                len: id.len(),
                max: Self::MAX_ID_LEN,
            });
        }
        if id.chars().any(char::is_whitespace) {
            return Err(Invalid::EventIdSpace {
                event_id: id.to_owned(),
            });
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Acknowledge,
    Deny,
    Dispute,
}

/// The accused party's answer to a report.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IncidentResponse {
    pub incident: RecordRef,
    pub stance: Stance,
    pub narrative: Prose,
    #[serde(default)]
    pub counter_claims: Bounded<Paragraph, 16>,
    #[serde(default)]
    pub evidence: EvidenceRefs,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkRelation {
    /// Several reports of one event: a record, never a deletion.
    Duplicate,
    Related,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IncidentLink {
    pub incidents: Bounded<RecordRef, 16>,
    pub relation: LinkRelation,
    pub note: Paragraph,
}

impl IncidentLink {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.incidents.len() < 2 {
            return Err(Invalid::LinkTooShort);
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvestigationStep {
    Opened,
    TeamAssigned,
    InformationRequested,
    SiteVisit,
    /// Access to a site or person was refused: itself a fact worth recording.
    AccessDenied,
    Report,
    Closed,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Investigation {
    pub incident: RecordRef,
    pub step: InvestigationStep,
    pub details: Prose,
    #[serde(default)]
    pub team: Bounded<Label, 16>,
    /// Whom a request for information, or a denial of access, concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concerns: Option<ParticipantId>,
    #[serde(default)]
    pub evidence: EvidenceRefs,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Determination {
    Verified,
    PartlyVerified,
    NotVerified,
    Inconclusive,
}

impl Determination {
    /// Whether the finding establishes that the incident happened (in whole or part).
    pub fn establishes_violation(&self) -> bool {
        matches!(
            self,
            Determination::Verified | Determination::PartlyVerified
        )
    }
}

/// The mediators' finding. It counts once the charter's threshold of mediator
/// participants has signed it: its author's and `concurrence` records.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub incident: RecordRef,
    pub determination: Determination,
    /// The party the mediators hold responsible, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<ParticipantId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Label>,
    pub reasoning: Prose,
    #[serde(default)]
    pub evidence: EvidenceRefs,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

/// The responsible party's stated remedial action after a finding.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Remedy {
    pub finding: RecordRef,
    pub action: Prose,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

/// A mediator's signature on another mediator's finding, determination or decision.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Concurrence {
    pub record: RecordRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Paragraph>,
}
