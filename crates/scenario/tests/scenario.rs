#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The Istanbul scenario, admitted record by record into a real `LogState`
//! (full signature verification), says what it claims to say once derived.

use rand::SeedableRng;
use rand::rngs::StdRng;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use truce_core::derive::case::{CaseStage, ResponseState, all_cases};
use truce_core::derive::{LogView, Logged, channel, compliance, draft};
use truce_core::kinds::common::BlobDigest;
use truce_core::values::Timestamp;
use truce_core::{Body, Kind, LogState};
use truce_scenario::{ORIGIN, Scenario, ScenarioError, VIEW_AT, build};
use truce_tlog::note::NoteSigner;

struct Built {
    scenario: Scenario,
    records: Vec<Logged>,
    state: LogState,
}

fn build_with_seed(seed: u64) -> Built {
    let mut rng = StdRng::seed_from_u64(seed);
    let log_key = NoteSigner::generate(ORIGIN, &mut rng).unwrap();
    let mut state = LogState::new();
    let mut records = Vec::new();
    let scenario = build(&log_key.verifier(), &mut rng, &mut |record, _opening| {
        state.admit(&record).map_err(|e| e.to_string())?;
        records.push(Logged {
            index: records.len() as u64,
            record,
        });
        Ok(())
    })
    .unwrap_or_else(|e| panic!("the scenario must be admitted in full: {e}"));
    Built {
        scenario,
        records,
        state,
    }
}

/// One build shared by the tests that only read it: building verifies every
/// signature, which is slow in debug builds.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| build_with_seed(1))
}

fn now() -> Timestamp {
    Timestamp::parse(VIEW_AT).unwrap()
}

#[test]
fn every_record_is_admitted_and_every_kind_appears() {
    let built = built();
    assert_eq!(built.state.size(), built.records.len() as u64);
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    for l in &built.records {
        *counts.entry(l.record.kind()).or_default() += 1;
    }
    for kind in Kind::ALL {
        assert!(counts.contains_key(kind), "no {kind} record");
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    println!("{} records\n{}", built.records.len(), summary.join("\n"));
}

#[test]
fn the_log_is_in_time_order_and_within_the_charter() {
    let built = built();
    let times: Vec<Timestamp> = built.records.iter().map(|l| l.record.time()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert!(times.iter().all(|t| *t < now()));
    assert_eq!(built.records[0].record.kind(), Kind::Charter);
}

#[test]
fn cases_show_every_state_the_scenario_claims() {
    let built = built();
    let view = LogView::new(&built.records);
    let cases = all_cases(&view, now());
    let stages: Vec<CaseStage> = cases.iter().map(|c| c.stage).collect();
    for stage in [
        CaseStage::UnansweredPastDeadline,
        CaseStage::Found,
        CaseStage::FindingPending,
        CaseStage::UnderInvestigation,
        CaseStage::Answered,
    ] {
        assert!(stages.contains(&stage), "no case is {stage:?}: {stages:?}");
    }
    let late = cases
        .iter()
        .filter(|c| matches!(c.response, ResponseState::Answered { late: true, .. }))
        .count();
    assert!(late >= 1, "no late response");
    assert!(
        cases.iter().any(|c| !c.duplicates.is_empty()),
        "no duplicate link"
    );
    // Both sides report, and both sides leave one report unanswered.
    for side in ["pakistan", "afghanistan"] {
        assert!(
            cases
                .iter()
                .any(|c| c.reporter.as_ref().is_some_and(|p| p.as_str() == side))
        );
        assert!(
            cases
                .iter()
                .any(|c| c.stage == CaseStage::UnansweredPastDeadline
                    && c.accused.as_ref().is_some_and(|p| p.as_str() == side))
        );
    }
}

#[test]
fn the_draft_comes_close_is_withdrawn_and_ends_unsigned() {
    let built = built();
    let view = LogView::new(&built.records);
    let drafts = draft::all_drafts(&view);
    assert_eq!(drafts.len(), 1);
    let d = &drafts[0];
    assert!(d.versions.len() >= 5, "{} versions", d.versions.len());
    assert!(
        d.withdrawals.len() >= 4,
        "{} withdrawals",
        d.withdrawals.len()
    );
    assert!(
        d.withdrawals
            .iter()
            .all(|w| w.participant.as_str() == "afghanistan")
    );
    let episodes: std::collections::BTreeSet<_> = d.withdrawals.iter().map(|w| w.record).collect();
    assert!(episodes.len() >= 4, "{} withdrawal records", episodes.len());
    assert!(
        d.versions
            .iter()
            .skip(2)
            .any(|v| !v.late_clauses.is_empty())
    );
    assert!(d.versions[0].late_clauses.is_empty());
    assert!(
        d.closest_per_mille >= 800,
        "closest {}‰",
        d.closest_per_mille
    );
    assert!(d.in_force().is_none());
    let last = d.latest().unwrap();
    assert!(
        last.signatures
            .iter()
            .any(|s| s.participant.as_str() == "pakistan")
    );
    assert!(
        !last
            .signatures
            .iter()
            .any(|s| s.participant.as_str() == "afghanistan")
    );
}

#[test]
fn an_urgent_message_is_flagged() {
    let built = built();
    let view = LogView::new(&built.records);
    let messages = channel::messages(&view, now());
    let flagged: Vec<_> = messages.iter().filter(|m| m.flagged()).collect();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert!(messages.iter().any(|m| m.reply_to.is_some()));
}

#[test]
fn one_violation_is_determined_and_decided() {
    let built = built();
    let view = LogView::new(&built.records);
    let commitments = compliance::commitments(&view);
    assert_eq!(commitments.len(), 2);
    assert!(compliance::awaiting_decision(&view).is_empty());
    let decided = built
        .records
        .iter()
        .filter(|l| matches!(l.record.body(), Body::PenaltyDecision(_)))
        .filter(|l| view.meets_threshold(&l.record.hash()))
        .count();
    assert_eq!(decided, 1);
}

#[test]
fn every_incident_report_says_what_is_illustrative() {
    let built = built();
    for l in &built.records {
        let illustrative = match &l.record.body() {
            Body::IncidentReport(b) => &b.illustrative,
            Body::IncidentResponse(b) => &b.illustrative,
            Body::Investigation(b) => &b.illustrative,
            Body::Finding(b) => &b.illustrative,
            Body::ViolationDetermination(b) => &b.illustrative,
            Body::PenaltyDecision(b) => &b.illustrative,
            Body::Remedy(b) => &b.illustrative,
            Body::EvidenceSubmit(b) => &b.illustrative,
            Body::DraftPropose(b) => &b.illustrative,
            Body::DraftAmend(b) => &b.illustrative,
            Body::ChannelMessage(b) => &b.illustrative,
            Body::Charter(b) => &b.illustrative,
            _ => continue,
        };
        assert!(
            illustrative.is_some(),
            "{} at index {} has no illustrative note",
            l.record.kind(),
            l.index
        );
    }
}

#[test]
fn blobs_and_openings_match_their_records() {
    let built = built();
    let digests: Vec<BlobDigest> = built
        .scenario
        .blobs
        .iter()
        .map(|(_, bytes)| BlobDigest::of(bytes))
        .collect();
    let mut evidence = 0;
    for l in &built.records {
        if let Body::EvidenceSubmit(b) = &l.record.body() {
            evidence += 1;
            let i = digests
                .iter()
                .position(|d| *d == b.digest)
                .expect("a blob for every evidence record");
            let (media_type, bytes) = &built.scenario.blobs[i];
            assert_eq!(media_type, b.media_type.as_str());
            assert_eq!(bytes.len() as u64, b.size);
            match media_type.as_str() {
                "image/png" => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n")),
                "application/pdf" => {
                    assert!(bytes.starts_with(b"%PDF-1.4") && bytes.ends_with(b"%%EOF\n"))
                }
                other => panic!("unexpected media type {other}"),
            }
        }
    }
    assert_eq!(evidence, digests.len());
    assert_eq!(built.scenario.openings.len(), 2);
    for (hash, opening) in &built.scenario.openings {
        let l = built
            .records
            .iter()
            .find(|l| l.record.hash() == *hash)
            .unwrap();
        let sealed = l.record.signed().envelope.confidential.as_ref().unwrap();
        opening.matches(sealed).unwrap();
    }
}

#[test]
fn members_hold_the_keys_the_log_knows() {
    let built = built();
    let members = &built.scenario.members;
    assert!(
        members.iter().all(|m| m.member != "turkiye.secretariat"),
        "revoked members are left out"
    );
    for m in members {
        let id = truce_core::values::MemberId::parse(m.member.as_str()).unwrap();
        let state = built.state.member(&id).unwrap();
        assert_eq!(state.participant.as_str(), m.participant);
        assert!(
            state.active_key(m.signer.key_id()).is_some(),
            "{} has a stale key",
            m.member
        );
    }
    for p in ["pakistan", "afghanistan", "turkiye", "qatar"] {
        assert!((2..=4).contains(&members.iter().filter(|m| m.participant == p).count()));
        assert!(built.scenario.witnesses.iter().any(|w| w.participant == p));
    }
    let policy = &built.state.charter().unwrap().witness_policy;
    for w in &built.scenario.witnesses {
        assert!(policy.as_str().contains(&w.signer.verifier().vkey()));
    }
}

#[test]
fn the_same_seed_builds_the_same_log() {
    let a = build_with_seed(10);
    let b = build_with_seed(10);
    assert_ne!(a.records[0].record.hash(), built().records[0].record.hash());
    let hashes = |b: &Built| {
        b.records
            .iter()
            .map(|l| l.record.hash())
            .collect::<Vec<_>>()
    };
    assert_eq!(hashes(&a), hashes(&b));
}

#[test]
fn a_log_key_with_another_name_is_refused() {
    let mut rng = StdRng::seed_from_u64(11);
    let key = NoteSigner::generate("example.com/other", &mut rng).unwrap();
    let result = build(&key.verifier(), &mut rng, &mut |_, _| Ok(()));
    assert!(matches!(result, Err(ScenarioError::LogKeyName { .. })));
}

#[test]
fn a_rejection_stops_the_build_and_says_which_record() {
    let mut rng = StdRng::seed_from_u64(12);
    let key = NoteSigner::generate(ORIGIN, &mut rng).unwrap();
    let mut n = 0;
    let result = build(&key.verifier(), &mut rng, &mut |_, _| {
        n += 1;
        if n == 3 {
            Err("disk full".into())
        } else {
            Ok(())
        }
    });
    match result {
        Err(ScenarioError::Rejected { reason, .. }) => assert_eq!(reason, "disk full"),
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert_eq!(n, 3);
}
