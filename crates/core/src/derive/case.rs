//! An incident's case, derived: who reported, who must answer by when, what
//! they answered, what the mediators did and found.

use super::{LogView, Logged};
use crate::kinds::Body;
use crate::kinds::incident::{Determination, IncidentReport, InvestigationStep, Stance};
use crate::values::{ParticipantId, Timestamp};
use serde::Serialize;
use truce_tlog::Hash;

/// Whether the accused party has answered a report, and by when it must.
///
/// The deadline rule: the answer is due the charter's
/// `deadlines.incident_response_hours` after the report's signing time (its
/// record's envelope `time`), not after the event it reports; with no such
/// charter term, 72 hours. The first `incident.response` in log order is the
/// answer; one signed after the deadline is answered `late`; with none,
/// the case is `overdue` once the deadline has passed (strictly after it).
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

    /// The stage by its name in the API (`unanswered_past_deadline`).
    pub fn parse(name: &str) -> Option<CaseStage> {
        Some(match name {
            "reported" => CaseStage::Reported,
            "answered" => CaseStage::Answered,
            "unanswered_past_deadline" => CaseStage::UnansweredPastDeadline,
            "under_investigation" => CaseStage::UnderInvestigation,
            "finding_pending" => CaseStage::FindingPending,
            "found" => CaseStage::Found,
            _ => return None,
        })
    }

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

/// The response deadline when no charter sets one (a log read before its
/// charter, or a charter without deadlines).
pub const DEFAULT_RESPONSE_HOURS: u32 = 72;

/// When the accused party's answer to a report signed at `reported_at` is
/// due: the charter's response hours later.
pub fn response_deadline(reported_at: Timestamp, response_hours: u32) -> Timestamp {
    reported_at.plus_hours(response_hours)
}

/// Where the answer to a report stands at `now`: `first_response` is the
/// first response in log order (its stance and time); an answer after the
/// deadline is late, and no answer past it is overdue.
pub fn response_state(
    accused: bool,
    first_response: Option<(Stance, Timestamp)>,
    deadline: Timestamp,
    now: Timestamp,
) -> ResponseState {
    match (accused, first_response) {
        (false, _) => ResponseState::NotRequired,
        (true, Some((stance, at))) => ResponseState::Answered {
            stance,
            at,
            late: at > deadline,
        },
        (true, None) if now > deadline => ResponseState::Overdue {
            deadline,
            seconds_overdue: deadline.seconds_until(&now),
        },
        (true, None) => ResponseState::Awaiting {
            deadline,
            seconds_left: now.seconds_until(&deadline),
        },
    }
}

/// The facts about a case that decide its stage, apart from the clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageFacts {
    /// A finding has reached the charter's threshold of mediators.
    pub counting_finding: bool,
    /// Any finding has been filed.
    pub finding: bool,
    /// The latest investigation step, if any.
    pub last_step: Option<InvestigationStep>,
    /// The report names an accused party, who owes an answer.
    pub accused: bool,
    /// The accused has answered.
    pub answered: bool,
}

/// A case's stage apart from the clock: only a report awaiting its answer
/// changes stage with time, when its deadline passes. The index keeps this
/// per incident (a byte) and asks [`StageClass::stage`] at query time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StageClass {
    Found,
    FindingPending,
    UnderInvestigation,
    Answered,
    /// No party accused: nobody owes an answer.
    NotAccused,
    /// Accused and unanswered: reported until the deadline, then past it.
    Awaiting,
}

impl StageFacts {
    /// The stage rules, in order: a counting finding decides the case; then
    /// any finding; then an investigation not closed; then the answer owed.
    pub fn class(&self) -> StageClass {
        if self.counting_finding {
            StageClass::Found
        } else if self.finding {
            StageClass::FindingPending
        } else if self
            .last_step
            .is_some_and(|s| s != InvestigationStep::Closed)
        {
            StageClass::UnderInvestigation
        } else if !self.accused {
            StageClass::NotAccused
        } else if self.answered {
            StageClass::Answered
        } else {
            StageClass::Awaiting
        }
    }
}

impl StageClass {
    /// The stage, given whether the response deadline has passed.
    pub fn stage(self, deadline_passed: bool) -> CaseStage {
        match self {
            StageClass::Found => CaseStage::Found,
            StageClass::FindingPending => CaseStage::FindingPending,
            StageClass::UnderInvestigation => CaseStage::UnderInvestigation,
            StageClass::Answered => CaseStage::Answered,
            StageClass::NotAccused => CaseStage::Reported,
            StageClass::Awaiting if deadline_passed => CaseStage::UnansweredPastDeadline,
            StageClass::Awaiting => CaseStage::Reported,
        }
    }
}

/// Derives one incident's case at time `now`; `None` when `incident` is not a report.
pub fn case(view: &LogView<'_>, incident: &Hash, now: Timestamp) -> Option<CaseView> {
    let logged = view.get(incident)?;
    let Body::IncidentReport(report) = &logged.record.body() else {
        return None;
    };
    Some(build(view, logged, report, now))
}

/// Every incident case, in log order.
pub fn all_cases(view: &LogView<'_>, now: Timestamp) -> Vec<CaseView> {
    view.records
        .iter()
        .filter_map(|l| match &l.record.body() {
            Body::IncidentReport(r) => Some(build(view, l, r, now)),
            _ => None,
        })
        .collect()
}

fn build(view: &LogView<'_>, logged: &Logged, report: &IncidentReport, now: Timestamp) -> CaseView {
    let hash = logged.record.hash();
    let reported_at = logged.record.time();
    let hours = view.charter.map_or(DEFAULT_RESPONSE_HOURS, |c| {
        c.deadlines.incident_response_hours
    });
    let deadline = response_deadline(reported_at, hours);

    let mut responses = Vec::new();
    let mut investigation = Vec::new();
    let mut findings = Vec::new();
    let mut related = Vec::new();
    let mut duplicates = Vec::new();
    for l in view.records.iter().filter(|l| l.index > logged.index) {
        let r = &l.record;
        match &r.body() {
            Body::IncidentResponse(b) if b.incident == hash => responses.push(ResponseView {
                record: r.hash(),
                index: l.index,
                participant: view.participant(r).cloned(),
                stance: b.stance,
                at: r.time(),
                late: r.time() > deadline,
            }),
            Body::Investigation(b) if b.incident == hash => investigation.push(StepView {
                record: r.hash(),
                index: l.index,
                step: b.step,
                at: r.time(),
            }),
            Body::Finding(b) if b.incident == hash => findings.push(FindingView {
                record: r.hash(),
                index: l.index,
                determination: b.determination,
                responsible: b.responsible.clone(),
                signed_by: view.signers(&r.hash()),
                counts: view.meets_threshold(&r.hash()),
                at: r.time(),
            }),
            Body::IncidentLink(b) if b.incidents.iter().any(|i| *i == hash) => {
                related.push(r.hash());
                if b.relation == crate::kinds::incident::LinkRelation::Duplicate {
                    duplicates.extend(b.incidents.iter().filter(|i| **i != hash).copied());
                }
            }
            Body::EvidenceSubmit(b) if b.incident == Some(hash) => related.push(r.hash()),
            Body::Remedy(b) if findings.iter().any(|f| f.record == b.finding) => {
                related.push(r.hash())
            }
            _ => {}
        }
    }

    let response = response_state(
        report.accused.is_some(),
        responses.first().map(|r| (r.stance, r.at)),
        deadline,
        now,
    );
    let stage = StageFacts {
        counting_finding: findings.iter().any(|f| f.counts),
        finding: !findings.is_empty(),
        last_step: investigation.last().map(|s| s.step),
        accused: report.accused.is_some(),
        answered: !responses.is_empty(),
    }
    .class()
    .stage(now > deadline);

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

#[cfg(test)]
mod tests {
    use super::CaseStage;

    #[test]
    fn a_stage_parses_from_the_name_the_api_gives_it() {
        for stage in CaseStage::ALL {
            let name = serde_json::to_value(stage).expect("a stage serialises");
            let name = name.as_str().expect("as a string");
            assert_eq!(CaseStage::parse(name), Some(stage), "{name}");
        }
        assert_eq!(CaseStage::parse("Found"), None);
        assert_eq!(CaseStage::parse("closed"), None);
    }
}
