//! Derived state: what a case, a draft, a commitment or a message thread looks
//! like at a given moment, computed from the log alone with "now" passed in.
//! Expected deadlines come from the charter's numbers (72 h, 24 h), not from
//! the code under test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::support::*;
use serde_json::json;
use truce_core::Record;
use truce_core::derive::case::{CaseStage, ResponseState, all_cases, case};
use truce_core::derive::channel::messages;
use truce_core::derive::compliance::{awaiting_decision, commitments};
use truce_core::derive::draft::{Cell, draft_history};
use truce_core::kinds::Kind;
use truce_core::kinds::channel::ReceiptStatus;
use truce_core::kinds::draft::SignatureCapacity;
use truce_core::kinds::incident::{Determination, IncidentType, Stance};
use truce_core::values::{ClauseId, ParticipantId};

const HOUR: i64 = 3600;

fn pid(id: &str) -> ParticipantId {
    ParticipantId::parse(id).unwrap()
}

fn cid(id: &str) -> ClauseId {
    ClauseId::parse(id).unwrap()
}

fn ids(items: &[&str]) -> Vec<ClauseId> {
    items.iter().map(|i| cid(i)).collect()
}

/// Pakistan reports, at 10:00 on 26 October, shelling it blames on Afghanistan.
fn reported(fx: &mut Fx) -> Record {
    fx.at("2025-10-26T10:00:00Z");
    fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    )
}

// ---- incident cases -----------------------------------------------------------

#[test]
fn a_fresh_report_awaits_the_accused_partys_answer_with_the_time_left() {
    let mut fx = Fx::new();
    let r = reported(&mut fx);
    let view = fx.view();
    let c = case(&view, &r.hash(), ts("2025-10-26T11:00:00Z")).unwrap();
    assert_eq!(c.stage, CaseStage::Reported);
    assert_eq!(c.reporter, Some(pid(PAKISTAN)));
    assert_eq!(c.accused, Some(pid(AFGHANISTAN)));
    assert_eq!(c.reported_at, ts("2025-10-26T10:00:00Z"));
    assert_eq!(
        c.response,
        ResponseState::Awaiting {
            deadline: ts("2025-10-29T10:00:00Z"),
            seconds_left: 71 * HOUR
        }
    );
    // At the deadline itself the answer is still awaited, with nothing left.
    let c = case(&view, &r.hash(), ts("2025-10-29T10:00:00Z")).unwrap();
    assert_eq!(
        c.response,
        ResponseState::Awaiting {
            deadline: ts("2025-10-29T10:00:00Z"),
            seconds_left: 0
        }
    );
}

#[test]
fn an_unanswered_report_past_its_deadline_shows_as_overdue() {
    let mut fx = Fx::new();
    let r = reported(&mut fx);
    let view = fx.view();
    let c = case(&view, &r.hash(), ts("2025-10-29T12:30:00Z")).unwrap();
    assert_eq!(c.stage, CaseStage::UnansweredPastDeadline);
    assert_eq!(
        c.response,
        ResponseState::Overdue {
            deadline: ts("2025-10-29T10:00:00Z"),
            seconds_overdue: 2 * HOUR + 30 * 60
        }
    );
}

#[test]
fn an_answer_after_the_deadline_is_flagged_late_and_one_before_is_not() {
    let mut fx = Fx::new();
    let late = reported(&mut fx);
    let on_time = fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "airstrike", "2025-10-26T08:00:00Z"),
    );
    fx.at("2025-10-27T09:00:00Z");
    fx.admit(AF, response(on_time.hash(), "dispute"));
    fx.at("2025-10-29T10:00:01Z");
    let answer = fx.admit(AF, response(late.hash(), "deny"));
    let view = fx.view();
    let now = ts("2025-11-01T00:00:00Z");

    let c = case(&view, &late.hash(), now).unwrap();
    assert_eq!(c.stage, CaseStage::Answered);
    assert_eq!(
        c.response,
        ResponseState::Answered {
            stance: Stance::Deny,
            at: ts("2025-10-29T10:00:01Z"),
            late: true
        }
    );
    assert_eq!(c.responses.len(), 1);
    assert_eq!(c.responses[0].record, answer.hash());
    assert_eq!(c.responses[0].participant, Some(pid(AFGHANISTAN)));

    let c = case(&view, &on_time.hash(), now).unwrap();
    assert_eq!(c.stage, CaseStage::Answered);
    assert!(matches!(
        c.response,
        ResponseState::Answered {
            stance: Stance::Dispute,
            late: false,
            ..
        }
    ));
}

#[test]
fn a_report_that_accuses_no_one_owes_no_answer() {
    let mut fx = Fx::new();
    let r = fx.admit(PK, incident(None, "ied", "2025-10-26T06:00:00Z"));
    let view = fx.view();
    let c = case(&view, &r.hash(), ts("2026-01-01T00:00:00Z")).unwrap();
    assert_eq!(c.response, ResponseState::NotRequired);
    assert_eq!(c.stage, CaseStage::Reported);
}

#[test]
fn an_open_investigation_puts_the_case_under_investigation_until_closed() {
    let mut fx = Fx::new();
    let r = reported(&mut fx);
    fx.admit(TR, investigation(r.hash(), "opened"));
    fx.admit(QA, investigation(r.hash(), "access_denied"));
    let long_after = ts("2025-11-15T00:00:00Z");
    {
        let view = fx.view();
        let c = case(&view, &r.hash(), long_after).unwrap();
        assert_eq!(c.stage, CaseStage::UnderInvestigation);
        assert_eq!(c.investigation.len(), 2);
        // The missing answer still shows.
        assert!(matches!(c.response, ResponseState::Overdue { .. }));
    }
    fx.admit(TR, investigation(r.hash(), "closed"));
    let view = fx.view();
    let c = case(&view, &r.hash(), long_after).unwrap();
    assert_eq!(c.stage, CaseStage::UnansweredPastDeadline);
}

#[test]
fn a_finding_is_pending_until_the_threshold_of_mediators_has_signed_it() {
    let mut fx = Fx::new();
    let r = reported(&mut fx);
    fx.admit(TR, investigation(r.hash(), "opened"));
    let f = fx.admit(TR, finding(r.hash(), "verified", Some(AFGHANISTAN)));
    let now = ts("2025-11-01T00:00:00Z");
    {
        let view = fx.view();
        let c = case(&view, &r.hash(), now).unwrap();
        assert_eq!(c.stage, CaseStage::FindingPending);
        assert_eq!(c.findings.len(), 1);
        assert_eq!(c.findings[0].record, f.hash());
        assert!(!c.findings[0].counts);
        assert_eq!(c.findings[0].signed_by, vec![pid(TURKIYE)]);
        assert!(c.decisive_finding().is_none());
    }
    fx.admit(QA, concurrence(f.hash()));
    let view = fx.view();
    let c = case(&view, &r.hash(), now).unwrap();
    assert_eq!(c.stage, CaseStage::Found);
    assert!(c.findings[0].counts);
    assert_eq!(c.findings[0].signed_by, vec![pid(QATAR), pid(TURKIYE)]);
    assert_eq!(c.findings[0].determination, Determination::Verified);
    assert_eq!(c.findings[0].responsible, Some(pid(AFGHANISTAN)));
    assert_eq!(c.decisive_finding().map(|f| f.record), Some(f.hash()));
}

#[test]
fn linked_duplicates_and_case_listing() {
    let mut fx = Fx::new();
    let a = reported(&mut fx);
    let b = fx.admit(
        AF,
        incident(Some(PAKISTAN), "armed_clash", "2025-10-26T06:00:00Z"),
    );
    let not_a_report = fx.admit(PK, statement("Not an incident"));
    let link = fx.admit(
        TR,
        body(
            Kind::IncidentLink,
            json!({"incidents": [a.hash(), b.hash()], "relation": "duplicate", "note": "One exchange of fire, reported by both sides."}),
        ),
    );
    let view = fx.view();
    let now = ts("2025-10-27T00:00:00Z");
    let c = case(&view, &a.hash(), now).unwrap();
    assert_eq!(c.duplicates, vec![b.hash()]);
    assert!(c.related.contains(&link.hash()));
    assert_eq!(
        case(&view, &b.hash(), now).unwrap().duplicates,
        vec![a.hash()]
    );
    assert!(case(&view, &not_a_report.hash(), now).is_none());
    let all: Vec<_> = all_cases(&view, now)
        .into_iter()
        .map(|c| c.incident)
        .collect();
    assert_eq!(all, vec![a.hash(), b.hash()]);
}

// ---- drafts ------------------------------------------------------------------

#[test]
fn each_version_has_its_own_clause_by_party_matrix() {
    let mut fx = Fx::new();
    let v1 = fx.admit(
        TR,
        propose(&[("c1", "No attacks."), ("c2", "A monitoring cell.")]),
    );
    fx.admit(
        PK,
        position(v1.hash(), &[("c1", "accept", None), ("c2", "reject", None)]),
    );
    fx.admit(
        AF,
        position(
            v1.hash(),
            &[("c1", "accept", None), ("c2", "reserve", None)],
        ),
    );
    let later = fx.admit(AF, position(v1.hash(), &[("c2", "accept", None)]));
    let v2 = fx.admit(
        QA,
        amend(v1.hash(), &[("c1", "No attacks."), ("c2", "A cell.")]),
    );
    let view = fx.view();
    let h = draft_history(&view, &v1.hash()).unwrap();
    assert_eq!(h.parties, vec![pid(PAKISTAN), pid(AFGHANISTAN)]);
    assert_eq!(h.versions.len(), 2);
    let m = &h.versions[0].matrix;
    assert_eq!(m[&cid("c1")][&pid(PAKISTAN)].cell, Cell::Accept);
    assert_eq!(m[&cid("c2")][&pid(PAKISTAN)].cell, Cell::Reject);
    assert_eq!(m[&cid("c1")][&pid(AFGHANISTAN)].cell, Cell::Accept);
    // The latest position on a version is the one shown.
    assert_eq!(m[&cid("c2")][&pid(AFGHANISTAN)].cell, Cell::Accept);
    assert_eq!(m[&cid("c2")][&pid(AFGHANISTAN)].record, later.hash());
    assert_eq!(h.versions[0].agreed_clauses, 1);
    // Positions on version 1 say nothing about version 2.
    assert_eq!(h.versions[1].version, v2.hash());
    assert_eq!(h.versions[1].number, 2);
    assert!(h.versions[1].matrix.values().all(|row| row.is_empty()));
    assert_eq!(h.versions[1].agreed_clauses, 0);
    // 3 of the 4 cells of version 1 were accepted at best.
    assert_eq!(h.closest_per_mille, 750);
}

#[test]
fn withdrawals_are_listed_and_shown_in_the_matrix() {
    let mut fx = Fx::new();
    let v1 = fx.admit(
        TR,
        propose(&[("c1", "No attacks."), ("c2", "A monitoring cell.")]),
    );
    let accepted = fx.admit(
        PK,
        position(v1.hash(), &[("c1", "accept", None), ("c2", "accept", None)]),
    );
    fx.admit(AF, position(v1.hash(), &[("c1", "accept", None)]));
    fx.at("2025-10-27T18:00:00Z");
    let withdrawal = fx.admit(
        PK,
        position(v1.hash(), &[("c1", "withdraw", Some(accepted.hash()))]),
    );
    let view = fx.view();
    let h = draft_history(&view, &v1.hash()).unwrap();
    assert_eq!(h.withdrawals.len(), 1);
    let w = &h.withdrawals[0];
    assert_eq!(w.participant, pid(PAKISTAN));
    assert_eq!(w.clause, cid("c1"));
    assert_eq!(w.version, v1.hash());
    assert_eq!(w.version_number, 1);
    assert_eq!(w.withdrawn_acceptance, accepted.hash());
    assert_eq!(w.record, withdrawal.hash());
    assert_eq!(w.at, ts("2025-10-27T18:00:00Z"));
    let v = &h.versions[0];
    assert_eq!(v.matrix[&cid("c1")][&pid(PAKISTAN)].cell, Cell::Withdrawn);
    assert_eq!(v.matrix[&cid("c2")][&pid(PAKISTAN)].cell, Cell::Accept);
    assert_eq!(v.agreed_clauses, 0);
    // Progress shows the high point (3 of 4 cells) and the step back.
    let last = h.progress.last().unwrap();
    assert!(last.withdrawal);
    assert_eq!((last.accepted_cells, last.total_cells), (2, 4));
    assert_eq!(h.closest_per_mille, 750);
}

#[test]
fn amendments_show_a_clause_diff_and_clauses_that_came_late() {
    let mut fx = Fx::new();
    let v1 = fx.admit(
        TR,
        propose(&[("c1", "No attacks."), ("c2", "A monitoring cell.")]),
    );
    fx.admit(
        QA,
        amend(
            v1.hash(),
            &[
                ("c1", "No attacks of any kind."),
                ("c2", "A monitoring cell."),
                ("c3", "Written guarantees."),
            ],
        ),
    );
    let v2 = fx.log.last().unwrap().record.hash();
    fx.admit(
        TR,
        amend(
            v2,
            &[
                ("c1", "No attacks of any kind."),
                ("c3", "Written guarantees."),
                ("c4", "Penalties."),
            ],
        ),
    );
    let view = fx.view();
    let h = draft_history(&view, &v1.hash()).unwrap();
    let [first, second, third] = &h.versions[..] else {
        panic!("expected three versions, got {}", h.versions.len())
    };
    assert_eq!(first.change.added, ids(&["c1", "c2"]));
    assert!(first.late_clauses.is_empty());
    assert_eq!(second.change.added, ids(&["c3"]));
    assert!(second.change.removed.is_empty());
    assert_eq!(second.change.changed, ids(&["c1"]));
    assert_eq!(second.late_clauses, ids(&["c3"]));
    assert_eq!(third.change.added, ids(&["c4"]));
    assert_eq!(third.change.removed, ids(&["c2"]));
    assert!(third.change.changed.is_empty());
    assert_eq!(third.late_clauses, ids(&["c3", "c4"]));
    assert_eq!(h.latest().map(|v| v.number), Some(3));
    assert_eq!(third.author, Some(pid(TURKIYE)));
}

#[test]
fn a_version_is_in_force_only_when_both_parties_signed_that_exact_version() {
    let mut fx = Fx::new();
    let v1 = fx.admit(TR, propose(&[("c1", "No attacks.")]));
    let v2 = fx.admit(TR, amend(v1.hash(), &[("c1", "No attacks at all.")]));
    fx.admit(TR, sign_version(v1.hash(), "guarantor"));
    fx.admit(QA, sign_version(v1.hash(), "guarantor"));
    fx.admit(PK, sign_version(v1.hash(), "party"));
    fx.admit(AF, sign_version(v2.hash(), "party"));
    {
        let view = fx.view();
        let h = draft_history(&view, &v1.hash()).unwrap();
        // Both guarantors and one party on v1, the other party on v2: nothing in force.
        assert!(!h.versions[0].in_force);
        assert!(!h.versions[1].in_force);
        assert!(h.in_force().is_none());
        let capacities: Vec<_> = h.versions[0]
            .signatures
            .iter()
            .map(|s| s.capacity)
            .collect();
        assert_eq!(
            capacities,
            [
                SignatureCapacity::Guarantor,
                SignatureCapacity::Guarantor,
                SignatureCapacity::Party
            ]
        );
    }
    fx.admit(PK, sign_version(v2.hash(), "party"));
    let view = fx.view();
    let h = draft_history(&view, &v1.hash()).unwrap();
    assert!(!h.versions[0].in_force);
    assert!(h.versions[1].in_force);
    assert_eq!(h.in_force().map(|v| v.version), Some(v2.hash()));
}

// ---- commitments and compliance ---------------------------------------------

struct Compliance {
    fx: Fx,
    commitment: Record,
    finding: Record,
}

/// Afghanistan commits to no shelling or cross-border attacks; Pakistan
/// reports shelling; Türkiye finds it verified against Afghanistan.
fn compliance() -> Compliance {
    let mut fx = Fx::new();
    let commitment = fx.admit(
        AF,
        commitment(&["shelling", "cross_border_attack"], "2025-10-26T00:00:00Z"),
    );
    let r = reported(&mut fx);
    let finding = fx.admit(TR, finding(r.hash(), "verified", Some(AFGHANISTAN)));
    Compliance {
        fx,
        commitment,
        finding,
    }
}

#[test]
fn a_counting_verified_finding_against_the_committed_party_is_a_violation() {
    let Compliance {
        mut fx,
        commitment,
        finding,
    } = compliance();
    {
        let view = fx.view();
        let c = commitments(&view);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].commitment, commitment.hash());
        assert_eq!(c[0].party, Some(pid(AFGHANISTAN)));
        assert!(
            c[0].violations.is_empty(),
            "a finding Qatar has not signed is no violation yet"
        );
    }
    fx.admit(QA, concurrence(finding.hash()));
    let view = fx.view();
    let c = commitments(&view);
    assert_eq!(c[0].violations.len(), 1);
    let v = &c[0].violations[0];
    assert_eq!(v.finding, finding.hash());
    assert_eq!(v.incident_type, IncidentType::Shelling);
    assert_eq!(v.occurred, ts("2025-10-26T06:00:00Z"));
    assert!(v.determinations.is_empty());
}

#[test]
fn findings_of_other_types_other_parties_or_before_the_commitment_are_no_violation_of_it() {
    let Compliance { mut fx, .. } = compliance();
    let incidents = [
        (
            PK,
            AFGHANISTAN,
            "airspace_violation",
            "2025-10-26T07:00:00Z",
        ),
        (AF, PAKISTAN, "shelling", "2025-10-26T07:00:00Z"),
        (PK, AFGHANISTAN, "shelling", "2025-10-25T12:00:00Z"),
    ];
    for (reporter, accused, ty, at) in incidents {
        let r = fx.admit(reporter, incident(Some(accused), ty, at));
        let f = fx.admit(TR, finding(r.hash(), "verified", Some(accused)));
        fx.admit(QA, concurrence(f.hash()));
    }
    let r = fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T08:00:00Z"),
    );
    let f = fx.admit(TR, finding(r.hash(), "not_verified", None));
    fx.admit(QA, concurrence(f.hash()));
    let view = fx.view();
    let c = commitments(&view);
    assert!(c[0].violations.is_empty(), "{:?}", c[0].violations);
    // They are still verified violations awaiting a decision, whatever the commitment.
    let parties: Vec<_> = awaiting_decision(&view)
        .into_iter()
        .map(|a| a.party)
        .collect();
    assert_eq!(
        parties,
        vec![pid(AFGHANISTAN), pid(PAKISTAN), pid(AFGHANISTAN)]
    );
}

#[test]
fn a_verified_violation_awaits_a_decision_until_a_determination_counts() {
    let Compliance {
        mut fx, finding, ..
    } = compliance();
    assert!(awaiting_decision(&fx.view()).is_empty());
    fx.admit(QA, concurrence(finding.hash()));
    let awaiting = awaiting_decision(&fx.view());
    assert_eq!(awaiting.len(), 1);
    assert_eq!(awaiting[0].finding, finding.hash());
    assert_eq!(awaiting[0].party, pid(AFGHANISTAN));

    let d = fx.admit(TR, determination(finding.hash(), AFGHANISTAN, 1));
    assert_eq!(
        awaiting_decision(&fx.view()).len(),
        1,
        "one mediator's determination does not count"
    );
    fx.admit(QA, concurrence(d.hash()));
    assert!(awaiting_decision(&fx.view()).is_empty());

    let p = fx.admit(QA, decision(d.hash(), 1));
    let answer = fx.admit(
        AF,
        body(
            Kind::ViolationResponse,
            json!({"determination": d.hash(), "stance": "acknowledge", "text": "Noted."}),
        ),
    );
    let view = fx.view();
    let c = commitments(&view);
    let dv = &c[0].violations[0].determinations;
    assert_eq!(dv.len(), 1);
    assert_eq!(dv[0].record, d.hash());
    assert!(dv[0].counts);
    assert_eq!(dv[0].consequence_level, 1);
    assert_eq!(dv[0].decisions, vec![p.hash()]);
    assert_eq!(dv[0].party_response, Some(answer.hash()));
}

// ---- channel -----------------------------------------------------------------

/// Pakistan sends an urgent message to Afghanistan and Türkiye at noon on 27 October.
fn urgent(fx: &mut Fx) -> Record {
    fx.at("2025-10-27T12:00:00Z");
    fx.admit(PK, message(&[AFGHANISTAN, TURKIYE], true))
}

#[test]
fn an_urgent_message_unacknowledged_past_its_deadline_is_flagged() {
    let mut fx = Fx::new();
    let m = urgent(&mut fx);
    let view = fx.view();
    let before = messages(&view, ts("2025-10-28T12:00:00Z"));
    assert_eq!(before[0].ack_deadline, ts("2025-10-28T12:00:00Z"));
    assert!(!before[0].flagged(), "not yet past the deadline");
    let after = messages(&view, ts("2025-10-28T12:00:01Z"));
    assert_eq!(after[0].message, m.hash());
    assert!(after[0].flagged());
    assert!(
        after[0]
            .recipients
            .iter()
            .all(|r| r.overdue && r.status.is_none())
    );
}

#[test]
fn an_urgent_message_acknowledged_in_time_is_not_flagged() {
    let mut fx = Fx::new();
    let m = urgent(&mut fx);
    fx.at("2025-10-27T13:00:00Z");
    fx.admit(AF, receipt(m.hash(), "delivered"));
    fx.admit(AF, receipt(m.hash(), "acknowledged"));
    fx.admit(TR, receipt(m.hash(), "acknowledged"));
    let view = fx.view();
    let later = messages(&view, ts("2025-12-01T00:00:00Z"));
    assert!(!later[0].flagged());
    let af = &later[0].recipients[0];
    assert_eq!(af.participant, pid(AFGHANISTAN));
    assert_eq!(af.status, Some(ReceiptStatus::Acknowledged));
    assert_eq!(af.acknowledged_at, Some(ts("2025-10-27T13:01:00Z")));
    assert!(!af.overdue);
}

#[test]
fn a_late_or_missing_acknowledgment_from_any_recipient_flags_the_message() {
    let mut fx = Fx::new();
    let m = urgent(&mut fx);
    fx.at("2025-10-27T13:00:00Z");
    fx.admit(AF, receipt(m.hash(), "acknowledged"));
    fx.admit(TR, receipt(m.hash(), "read"));
    fx.at("2025-10-28T13:00:00Z");
    fx.admit(TR, receipt(m.hash(), "acknowledged"));
    let view = fx.view();
    let msgs = messages(&view, ts("2025-10-28T14:00:00Z"));
    let tr = &msgs[0].recipients[1];
    assert_eq!(tr.participant, pid(TURKIYE));
    assert!(tr.overdue, "acknowledged an hour after the deadline");
    assert!(!msgs[0].recipients[0].overdue);
    assert!(msgs[0].flagged());
}

#[test]
fn only_urgent_messages_are_flagged_and_a_message_may_set_its_own_deadline() {
    let mut fx = Fx::new();
    fx.at("2025-10-27T12:00:00Z");
    let routine = fx.admit(PK, message(&[AFGHANISTAN], false));
    let mut short = message(&[AFGHANISTAN], true).to_value().unwrap();
    short["ack_within_hours"] = json!(2);
    let short = fx.admit(PK, body(Kind::ChannelMessage, short));
    let mut reply = message(&[PAKISTAN], false).to_value().unwrap();
    reply["reply_to"] = json!(short.hash());
    let reply = fx.admit(AF, body(Kind::ChannelMessage, reply));
    let view = fx.view();
    let msgs = messages(&view, ts("2025-10-27T14:02:00Z"));
    assert_eq!(msgs[0].message, routine.hash());
    assert!(!msgs[0].flagged());
    assert!(!msgs[0].recipients[0].overdue);
    let msgs = messages(&view, ts("2025-10-30T00:00:00Z"));
    assert!(msgs[0].recipients[0].overdue && !msgs[0].flagged());
    assert_eq!(msgs[1].ack_deadline, ts("2025-10-27T14:01:00Z"));
    assert!(msgs[1].flagged());
    assert_eq!(msgs[2].message, reply.hash());
    assert_eq!(msgs[2].thread, short.hash());
    assert_eq!(msgs[2].reply_to, Some(short.hash()));
}

/// The channel kept record by record answers a page and the overdue count
/// exactly as the whole channel derived at once does, at every moment.
#[test]
fn the_channels_pages_and_overdue_count_agree_with_the_whole_channel() {
    use truce_core::derive::channel::Channel;
    let mut fx = Fx::new();
    let first = urgent(&mut fx);
    fx.at("2025-10-27T13:00:00Z");
    let routine = fx.admit(PK, message(&[AFGHANISTAN], false));
    fx.admit(AF, receipt(first.hash(), "acknowledged"));
    let mut reply = message(&[PAKISTAN, TURKIYE], true).to_value().unwrap();
    reply["reply_to"] = json!(first.hash());
    reply["ack_within_hours"] = json!(3);
    let reply = fx.admit(AF, body(Kind::ChannelMessage, reply));
    fx.at("2025-10-28T13:00:00Z");
    fx.admit(TR, receipt(first.hash(), "acknowledged"));
    fx.admit(PK, receipt(reply.hash(), "read"));
    fx.admit(AF, receipt(routine.hash(), "acknowledged"));
    fx.at("2025-10-29T09:00:00Z");
    fx.admit(PK, receipt(reply.hash(), "acknowledged"));
    let view = fx.view();
    let mut channel = Channel::new();
    for l in view.records {
        let r = &l.record;
        channel.apply(l.index, r.hash(), r.time(), r.body(), view.participant(r));
    }
    assert_eq!(channel.len(), 3);
    for now in [
        "2025-10-27T12:30:00Z",
        "2025-10-27T16:01:00Z",
        "2025-10-28T12:00:00Z",
        "2025-10-28T12:00:01Z",
        "2025-10-28T13:00:01Z",
        "2025-11-30T00:00:00Z",
    ] {
        let now = ts(now);
        let all = messages(&view, now);
        let overdue = all
            .iter()
            .flat_map(|m| &m.recipients)
            .filter(|r| r.overdue)
            .count() as u64;
        assert_eq!(channel.overdue_acknowledgments(now), overdue, "at {now}");
        // Pages of two, newest first, walk the whole channel once.
        let mut walked = Vec::new();
        let mut before = None;
        loop {
            let page = channel.page(before, 2, now);
            assert_eq!(page.total, 3);
            assert_eq!(page.overdue_acknowledgments, overdue);
            walked.extend(page.messages);
            match page.next {
                Some(n) => before = Some(n),
                None => break,
            }
        }
        walked.reverse();
        assert_eq!(walked, all, "at {now}");
    }
    // Three acknowledgments came late and stay overdue (Türkiye's of the
    // first message, Afghanistan's of the routine one, Pakistan's of the
    // reply); Türkiye never acknowledged the reply.
    let late = ts("2025-11-30T00:00:00Z");
    assert_eq!(channel.overdue_acknowledgments(late), 4);
}

#[test]
fn a_clause_diff_shows_each_clause_before_and_after() {
    use truce_core::derive::draft::{ClauseStatus, clause_diff, draft_history};
    let mut fx = Fx::new();
    let v1 = fx.admit(
        TR,
        propose(&[("a", "Stay"), ("b", "Change me"), ("c", "Remove me")]),
    );
    let v2 = fx.admit(
        TR,
        amend(
            v1.hash(),
            &[("a", "Stay"), ("b", "Changed"), ("d", "Late clause")],
        ),
    );
    let _ = v2;
    let view = fx.view();
    let history = draft_history(&view, &v1.hash()).unwrap();
    let diff = clause_diff(&history.versions[0], &history.versions[1]);
    let status: Vec<(&str, ClauseStatus)> =
        diff.iter().map(|d| (d.id.as_str(), d.status)).collect();
    assert_eq!(
        status,
        vec![
            ("a", ClauseStatus::Unchanged),
            ("b", ClauseStatus::Changed),
            ("d", ClauseStatus::Added),
            ("c", ClauseStatus::Removed),
        ]
    );
    assert_eq!(diff[1].before.as_ref().unwrap().text.as_str(), "Change me");
    assert_eq!(diff[1].after.as_ref().unwrap().text.as_str(), "Changed");
    assert!(diff[3].after.is_none());
}

#[test]
fn a_near_agreement_is_an_episode_at_80_percent_ended_by_a_withdrawal() {
    let mut fx = Fx::new();
    let v1 = fx.admit(TR, propose(&[("a", "A."), ("b", "B.")]));
    let near = |fx: &Fx| {
        draft_history(&fx.view(), &v1.hash())
            .unwrap()
            .near_agreements
    };
    fx.admit(
        PK,
        position(v1.hash(), &[("a", "accept", None), ("b", "accept", None)]),
    );
    let accepted = fx.admit(AF, position(v1.hash(), &[("a", "accept", None)]));
    assert_eq!(near(&fx), 0, "3 of 4 cells is 75 %");
    fx.admit(AF, position(v1.hash(), &[("b", "accept", None)]));
    assert_eq!(near(&fx), 1, "4 of 4");
    // Still there: the same episode.
    fx.admit(PK, position(v1.hash(), &[("a", "accept", None)]));
    assert_eq!(near(&fx), 1);
    // A withdrawal ends it; coming back is another one.
    fx.admit(
        AF,
        position(v1.hash(), &[("a", "withdraw", Some(accepted.hash()))]),
    );
    assert_eq!(near(&fx), 1);
    fx.admit(AF, position(v1.hash(), &[("a", "accept", None)]));
    assert_eq!(near(&fx), 2);
    // Reaching it on another version is another one too.
    let v2 = fx.admit(TR, amend(v1.hash(), &[("a", "A."), ("b", "B2.")]));
    fx.admit(
        PK,
        position(v2.hash(), &[("a", "accept", None), ("b", "accept", None)]),
    );
    fx.admit(
        AF,
        position(v2.hash(), &[("a", "accept", None), ("b", "accept", None)]),
    );
    assert_eq!(near(&fx), 3);
}
