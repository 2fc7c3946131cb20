//! Commitments and compliance, derived from findings: a verified violation of
//! a commitment is a finding that counts, verifies the incident, holds the
//! committing party responsible, and concerns an incident type the
//! commitment names, on or after it took effect.
//!
//! [`Compliance`] is kept up to date record by record (the server's index
//! feeds it), holding only commitments, findings and what is decided on
//! them — never the incidents, whose type and time it asks of the caller
//! when a finding arrives — so answering costs the commitments and findings,
//! not the log. [`commitments`] and [`awaiting_decision`] derive the same
//! from a slice of records through the same rules.

use super::LogView;
use crate::kinds::Body;
use crate::kinds::charter::Charter;
use crate::kinds::incident::{Determination, IncidentType};
use crate::values::{ParticipantId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use truce_tlog::Hash;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViolationView {
    pub finding: Hash,
    pub incident: Hash,
    pub incident_type: IncidentType,
    pub determination: Determination,
    pub occurred: Timestamp,
    pub found_at: Timestamp,
    /// Determinations the mediators made on this finding, with their decisions.
    pub determinations: Vec<DeterminationView>,
    /// The finding, or the report it is on, says something in it is invented
    /// (the demo's outcomes): the violation rests on something illustrative.
    pub illustrative: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeterminationView {
    pub record: Hash,
    pub consequence_level: u8,
    pub counts: bool,
    pub decisions: Vec<Hash>,
    pub party_response: Option<Hash>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentView {
    pub commitment: Hash,
    pub party: Option<ParticipantId>,
    pub title: String,
    pub effective: Timestamp,
    pub incident_types: Vec<IncidentType>,
    pub violations: Vec<ViolationView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwaitingDecision {
    /// A verified finding that holds a party responsible but has no counting determination yet.
    pub finding: Hash,
    pub party: ParticipantId,
    pub found_at: Timestamp,
}

/// What a finding needs to know about its incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFacts {
    pub incident_type: IncidentType,
    pub occurred: Timestamp,
    /// Whether the report says something in it is invented (`Body::illustrative`).
    pub illustrative: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Commitment {
    hash: Hash,
    party: Option<ParticipantId>,
    title: String,
    effective: Timestamp,
    incident_types: Vec<IncidentType>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct FindingState {
    incident: Hash,
    facts: IncidentFacts,
    determination: Determination,
    responsible: Option<ParticipantId>,
    found_at: Timestamp,
    signers: Vec<ParticipantId>,
    /// Its violation determinations, in log order.
    determinations: Vec<Hash>,
    /// The finding or its report is illustrative, and so is all that rests on it.
    illustrative: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct DeterminationState {
    consequence_level: u8,
    signers: Vec<ParticipantId>,
    decisions: Vec<Hash>,
    party_response: Option<Hash>,
}

/// Commitments and compliance, as of the records applied so far. Serde:
/// as [`super::channel::Channel`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Compliance {
    /// Mediators whose signatures make a finding or determination count;
    /// nothing counts before the charter is read.
    required: Option<usize>,
    commitments: Vec<Commitment>,
    /// Findings that establish a violation, in log order, and by hash.
    findings: Vec<Hash>,
    finding_state: HashMap<Hash, FindingState>,
    determination_state: HashMap<Hash, DeterminationState>,
}

impl Compliance {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in one admitted record (its hash, claimed time and body), in
    /// log order. `author_participant` is the participant its author acts
    /// for; `incident` tells the type and time of an incident report by its
    /// hash (asked only when a finding arrives).
    pub fn apply(
        &mut self,
        hash: Hash,
        time: Timestamp,
        body: &Body,
        author_participant: Option<&ParticipantId>,
        incident: impl FnOnce(&Hash) -> Option<IncidentFacts>,
    ) {
        match body {
            Body::Charter(c) => self.required = Some(Charter::required_mediators(c)),
            Body::CommitmentDeclare(c) => self.commitments.push(Commitment {
                hash,
                party: author_participant.cloned(),
                title: c.title.to_string(),
                effective: c.effective,
                incident_types: c.incident_types.iter().copied().collect(),
            }),
            Body::Finding(f) if f.determination.establishes_violation() => {
                let Some(facts) = incident(&f.incident) else {
                    return;
                };
                self.findings.push(hash);
                self.finding_state.insert(
                    hash,
                    FindingState {
                        incident: f.incident,
                        facts,
                        determination: f.determination,
                        responsible: f.responsible.clone(),
                        found_at: time,
                        signers: author_participant.into_iter().cloned().collect(),
                        determinations: Vec::new(),
                        illustrative: facts.illustrative || f.illustrative.is_some(),
                    },
                );
            }
            Body::ViolationDetermination(d) => {
                if let Some(finding) = self.finding_state.get_mut(&d.finding) {
                    finding.determinations.push(hash);
                }
                self.determination_state.insert(
                    hash,
                    DeterminationState {
                        consequence_level: d.consequence_level,
                        signers: author_participant.into_iter().cloned().collect(),
                        decisions: Vec::new(),
                        party_response: None,
                    },
                );
            }
            Body::PenaltyDecision(p) => {
                if let Some(d) = self.determination_state.get_mut(&p.determination) {
                    d.decisions.push(hash);
                }
            }
            Body::ViolationResponse(r) => {
                if let Some(d) = self.determination_state.get_mut(&r.determination) {
                    d.party_response.get_or_insert(hash);
                }
            }
            Body::Concurrence(c) => {
                let Some(p) = author_participant else {
                    return;
                };
                let signers = match self.finding_state.get_mut(&c.record) {
                    Some(f) => &mut f.signers,
                    None => match self.determination_state.get_mut(&c.record) {
                        Some(d) => &mut d.signers,
                        None => return,
                    },
                };
                if !signers.contains(p) {
                    signers.push(p.clone());
                }
            }
            _ => {}
        }
    }

    fn counts(&self, signers: &[ParticipantId]) -> bool {
        self.required.is_some_and(|n| signers.len() >= n)
    }

    /// Findings that establish a violation and count, in log order.
    fn verified(&self) -> impl Iterator<Item = (&Hash, &FindingState)> {
        self.findings
            .iter()
            .filter_map(|h| self.finding_state.get(h).map(|f| (h, f)))
            .filter(|(_, f)| self.counts(&f.signers))
    }

    fn violation(&self, hash: &Hash, f: &FindingState) -> ViolationView {
        ViolationView {
            finding: *hash,
            incident: f.incident,
            incident_type: f.facts.incident_type,
            determination: f.determination,
            occurred: f.facts.occurred,
            found_at: f.found_at,
            illustrative: f.illustrative,
            determinations: f
                .determinations
                .iter()
                .filter_map(|d| {
                    let state = self.determination_state.get(d)?;
                    Some(DeterminationView {
                        record: *d,
                        consequence_level: state.consequence_level,
                        counts: self.counts(&state.signers),
                        decisions: state.decisions.clone(),
                        party_response: state.party_response,
                    })
                })
                .collect(),
        }
    }

    /// How many findings establish a violation (the incident verified in
    /// whole or part) and count (enough mediators signed): the mechanism's
    /// "violations found", whatever commitment they concern. A finding that
    /// did not verify the incident, or is still short of signatures, is not one.
    pub fn verified_violations(&self) -> usize {
        self.verified().count()
    }

    /// How many of [`Compliance::verified_violations`] rest on something
    /// illustrative (the finding or its report says so).
    pub fn illustrative_violations(&self) -> usize {
        self.verified().filter(|(_, f)| f.illustrative).count()
    }

    /// Every commitment with the verified violations found against it.
    pub fn commitments(&self) -> Vec<CommitmentView> {
        self.commitments
            .iter()
            .map(|c| CommitmentView {
                commitment: c.hash,
                party: c.party.clone(),
                title: c.title.clone(),
                effective: c.effective,
                incident_types: c.incident_types.clone(),
                violations: self
                    .verified()
                    .filter(|(_, f)| {
                        c.party.is_some()
                            && f.responsible == c.party
                            && c.incident_types.contains(&f.facts.incident_type)
                            && f.facts.occurred >= c.effective
                    })
                    .map(|(h, f)| self.violation(h, f))
                    .collect(),
            })
            .collect()
    }

    /// Verified violations (counting findings that hold a party responsible)
    /// still awaiting a counting determination by the mediators.
    pub fn awaiting_decision(&self) -> Vec<AwaitingDecision> {
        self.verified()
            .filter(|(_, f)| {
                !f.determinations.iter().any(|d| {
                    self.determination_state
                        .get(d)
                        .is_some_and(|s| self.counts(&s.signers))
                })
            })
            .filter_map(|(h, f)| {
                Some(AwaitingDecision {
                    finding: *h,
                    party: f.responsible.clone()?,
                    found_at: f.found_at,
                })
            })
            .collect()
    }
}

/// Compliance kept over the records of `view`.
fn kept(view: &LogView<'_>) -> Compliance {
    let mut compliance = Compliance::new();
    for l in view.records {
        let r = &l.record;
        compliance.apply(
            r.hash(),
            r.time(),
            r.body(),
            view.participant(r),
            |incident| match &view.get(incident)?.record.body() {
                Body::IncidentReport(report) => Some(IncidentFacts {
                    incident_type: report.incident_type,
                    occurred: report.time.at,
                    illustrative: report.illustrative.is_some(),
                }),
                _ => None,
            },
        );
    }
    compliance
}

/// Every commitment in `view` with its verified violations.
pub fn commitments(view: &LogView<'_>) -> Vec<CommitmentView> {
    kept(view).commitments()
}

/// Verified violations (counting findings that hold a party responsible) still
/// awaiting a counting determination by the mediators.
pub fn awaiting_decision(view: &LogView<'_>) -> Vec<AwaitingDecision> {
    kept(view).awaiting_decision()
}
