//! Commitments and compliance, derived from findings: a verified violation of
//! a commitment is a finding that counts, verifies the incident, holds the
//! committing party responsible, and concerns an incident type the
//! commitment names, on or after it took effect.

use super::LogView;
use crate::kinds::Body;
use crate::kinds::incident::{Determination, IncidentType};
use crate::values::{ParticipantId, Timestamp};
use serde::Serialize;
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

pub fn commitments(view: &LogView<'_>) -> Vec<CommitmentView> {
    view.records
        .iter()
        .filter_map(|l| {
            let Body::CommitmentDeclare(c) = &l.record.body else {
                return None;
            };
            let party = view.participant(&l.record).cloned();
            let types: Vec<IncidentType> = c.incident_types.iter().copied().collect();
            let violations = verified_findings(view)
                .into_iter()
                .filter(|v| {
                    party.is_some()
                        && v.responsible == party
                        && types.contains(&v.view.incident_type)
                        && v.view.occurred >= c.effective
                })
                .map(|v| v.view)
                .collect();
            Some(CommitmentView {
                commitment: l.record.hash,
                party,
                title: c.title.to_string(),
                effective: c.effective,
                incident_types: types,
                violations,
            })
        })
        .collect()
}

/// Verified violations (counting findings that hold a party responsible) still
/// awaiting a counting determination by the mediators.
pub fn awaiting_decision(view: &LogView<'_>) -> Vec<AwaitingDecision> {
    verified_findings(view)
        .into_iter()
        .filter(|v| !v.view.determinations.iter().any(|d| d.counts))
        .filter_map(|v| {
            Some(AwaitingDecision {
                finding: v.view.finding,
                party: v.responsible?,
                found_at: v.view.found_at,
            })
        })
        .collect()
}

struct Verified {
    responsible: Option<ParticipantId>,
    view: ViolationView,
}

fn verified_findings(view: &LogView<'_>) -> Vec<Verified> {
    let mut out = Vec::new();
    for l in view.records {
        let Body::Finding(f) = &l.record.body else {
            continue;
        };
        if !f.determination.establishes_violation() || !view.meets_threshold(&l.record.hash) {
            continue;
        }
        let Some(incident) = view.get(&f.incident) else {
            continue;
        };
        let Body::IncidentReport(report) = &incident.record.body else {
            continue;
        };
        let determinations = view
            .records
            .iter()
            .filter_map(|d| match &d.record.body {
                Body::ViolationDetermination(b) if b.finding == l.record.hash => Some(DeterminationView {
                    record: d.record.hash,
                    consequence_level: b.consequence_level,
                    counts: view.meets_threshold(&d.record.hash),
                    decisions: view
                        .records
                        .iter()
                        .filter(|p| matches!(&p.record.body, Body::PenaltyDecision(x) if x.determination == d.record.hash))
                        .map(|p| p.record.hash)
                        .collect(),
                    party_response: view
                        .records
                        .iter()
                        .find(|p| matches!(&p.record.body, Body::ViolationResponse(x) if x.determination == d.record.hash))
                        .map(|p| p.record.hash),
                }),
                _ => None,
            })
            .collect();
        out.push(Verified {
            responsible: f.responsible.clone(),
            view: ViolationView {
                finding: l.record.hash,
                incident: f.incident,
                incident_type: report.incident_type,
                determination: f.determination,
                occurred: report.time.at,
                found_at: l.record.time(),
                determinations,
            },
        });
    }
    out
}
