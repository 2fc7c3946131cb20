//! An incident's case, derived: who reported, who must answer by when, what
//! they answered, what the mediators did and found.

use super::{LogView, Logged};
use crate::kinds::Body;
use crate::kinds::incident::{Determination, IncidentReport, InvestigationStep, Stance};
use crate::values::{ParticipantId, Timestamp};
use serde::Serialize;
use truce_tlog::Hash;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ResponseState {
    /// The report names no accused party: nobody owes an answer.
    NotRequired,
    Awaiting {
        deadline: Timestamp,
        seconds_left: i64,
    },
    /// Unanswered past its deadline: a party that never answers stalls nothing.
    Overdue {
        deadline: Timestamp,
        seconds_overdue: i64,
    },
    Answered {
        stance: Stance,
        at: Timestamp,
        late: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStage {
    Reported,
    Answered,
    UnansweredPastDeadline,
    UnderInvestigation,
    /// A finding exists but has not yet reached the charter's threshold of mediators.
    FindingPending,
    Found,
}

impl CaseStage {
    /// Every stage, in the order a case moves through them.
    pub const ALL: [CaseStage; 6] = [
        CaseStage::Reported,
        CaseStage::Answered,
        CaseStage::UnansweredPastDeadline,
        CaseStage::UnderInvestigation,
        CaseStage::FindingPending,
        CaseStage::Found,
    ];

    /// Whether the case still waits on someone: every stage until a finding counts.
    pub fn is_open(&self) -> bool {
        *self != CaseStage::Found
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseView {
    pub record: Hash,
    pub index: u64,
    pub participant: Option<ParticipantId>,
    pub stance: Stance,
    pub at: Timestamp,
    pub late: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    pub record: Hash,
    pub index: u64,
    pub step: InvestigationStep,
    pub at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingView {
    pub record: Hash,
    pub index: u64,
    pub determination: Determination,
    pub responsible: Option<ParticipantId>,
    pub signed_by: Vec<ParticipantId>,
    /// Whether the charter's threshold of mediators has signed it.
    pub counts: bool,
    pub at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub incident: Hash,
    pub index: u64,
    pub reporter: Option<ParticipantId>,
    pub accused: Option<ParticipantId>,
    pub reported_at: Timestamp,
    pub stage: CaseStage,
    pub response: ResponseState,
    pub responses: Vec<ResponseView>,
    pub investigation: Vec<StepView>,
    pub findings: Vec<FindingView>,
    /// Records with evidence acknowledgments, remedies and links that mention this case.
    pub related: Vec<Hash>,
    /// Other reports linked to this one as duplicates.
    pub duplicates: Vec<Hash>,
}

/// Derives one incident's case at time `now`; `None` when `incident` is not a report.
pub fn case(view: &LogView<'_>, incident: &Hash, now: Timestamp) -> Option<CaseView> {
    let logged = view.get(incident)?;
    let Body::IncidentReport(report) = &logged.record.body else {
        return None;
    };
    Some(build(view, logged, report, now))
}

/// Every incident case, in log order.
pub fn all_cases(view: &LogView<'_>, now: Timestamp) -> Vec<CaseView> {
    view.records
        .iter()
        .filter_map(|l| match &l.record.body {
            Body::IncidentReport(r) => Some(build(view, l, r, now)),
            _ => None,
        })
        .collect()
}

fn build(view: &LogView<'_>, logged: &Logged, report: &IncidentReport, now: Timestamp) -> CaseView {
    let hash = logged.record.hash;
    let reported_at = logged.record.time();
    let hours = view
        .charter
        .map_or(72, |c| c.deadlines.incident_response_hours);
    let deadline = reported_at.plus_hours(hours);

    let mut responses = Vec::new();
    let mut investigation = Vec::new();
    let mut findings = Vec::new();
    let mut related = Vec::new();
    let mut duplicates = Vec::new();
    for l in view.records.iter().filter(|l| l.index > logged.index) {
        let r = &l.record;
        match &r.body {
            Body::IncidentResponse(b) if b.incident == hash => responses.push(ResponseView {
                record: r.hash,
                index: l.index,
                participant: view.participant(r).cloned(),
                stance: b.stance,
                at: r.time(),
                late: r.time() > deadline,
            }),
            Body::Investigation(b) if b.incident == hash => investigation.push(StepView {
                record: r.hash,
                index: l.index,
                step: b.step,
                at: r.time(),
            }),
            Body::Finding(b) if b.incident == hash => findings.push(FindingView {
                record: r.hash,
                index: l.index,
                determination: b.determination,
                responsible: b.responsible.clone(),
                signed_by: view.signers(&r.hash),
                counts: view.meets_threshold(&r.hash),
                at: r.time(),
            }),
            Body::IncidentLink(b) if b.incidents.iter().any(|i| *i == hash) => {
                related.push(r.hash);
                if b.relation == crate::kinds::incident::LinkRelation::Duplicate {
                    duplicates.extend(b.incidents.iter().filter(|i| **i != hash).copied());
                }
            }
            Body::EvidenceSubmit(b) if b.incident == Some(hash) => related.push(r.hash),
            Body::Remedy(b) if findings.iter().any(|f| f.record == b.finding) => {
                related.push(r.hash)
            }
            _ => {}
        }
    }

    let response = match (&report.accused, responses.first()) {
        (None, _) => ResponseState::NotRequired,
        (Some(_), Some(first)) => ResponseState::Answered {
            stance: first.stance,
            at: first.at,
            late: first.late,
        },
        (Some(_), None) if now > deadline => ResponseState::Overdue {
            deadline,
            seconds_overdue: deadline.seconds_until(&now),
        },
        (Some(_), None) => ResponseState::Awaiting {
            deadline,
            seconds_left: now.seconds_until(&deadline),
        },
    };

    let investigating = investigation
        .last()
        .is_some_and(|s| s.step != InvestigationStep::Closed);
    let stage = if findings.iter().any(|f| f.counts) {
        CaseStage::Found
    } else if !findings.is_empty() {
        CaseStage::FindingPending
    } else if investigating {
        CaseStage::UnderInvestigation
    } else {
        match response {
            ResponseState::Answered { .. } => CaseStage::Answered,
            ResponseState::Overdue { .. } => CaseStage::UnansweredPastDeadline,
            _ => CaseStage::Reported,
        }
    };

    CaseView {
        incident: hash,
        index: logged.index,
        reporter: view.participant(&logged.record).cloned(),
        accused: report.accused.clone(),
        reported_at,
        stage,
        response,
        responses,
        investigation,
        findings,
        related,
        duplicates,
    }
}

impl CaseView {
    /// The finding that decides the case: the latest one that counts.
    pub fn decisive_finding(&self) -> Option<&FindingView> {
        self.findings.iter().rev().find(|f| f.counts)
    }
}
