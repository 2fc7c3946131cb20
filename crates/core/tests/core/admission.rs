//! Admission: the rules a record must meet against the log so far. Every
//! refusal goes through `Fx::rejects`, which also checks that a refused record
//! changes nothing: same size, same state, and the next valid record is
//! admitted with the sequence number it would have had anyway.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::support::*;
use serde_json::json;
use truce_core::admission::LogState;
use truce_core::kinds::Kind;
use truce_core::kinds::charter::Role;
use truce_core::record::RecordError;
use truce_core::sealed::{Opening, SealedPart};
use truce_core::values::{Bounded, ClauseId, Label, ParticipantId};
use truce_core::{Hash, Record, Rejection, RuleViolation};

/// The refusal is for breaking exactly this rule, with exactly these facts.
macro_rules! assert_rule {
    ($rejection:expr, $violation:expr) => {{
        let expected: RuleViolation = $violation;
        assert_eq!($rejection, Rejection::Rule(expected));
    }};
}

fn cid(id: &str) -> ClauseId {
    ClauseId::parse(id).unwrap()
}

/// Pakistan reports shelling and accuses Afghanistan.
fn report(fx: &mut Fx) -> Record {
    fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    )
}

/// A report, a verified finding against Afghanistan by Türkiye, and (when
/// `concur`) Qatar's concurrence.
fn found(fx: &mut Fx, concur: bool) -> (Record, Record) {
    let r = report(fx);
    let f = fx.admit(TR, finding(r.hash(), "verified", Some(AFGHANISTAN)));
    if concur {
        fx.admit(QA, concurrence(f.hash()));
    }
    (r, f)
}

fn pid(id: &str) -> ParticipantId {
    ParticipantId::parse(id).unwrap()
}

// ---- the charter -----------------------------------------------------------

#[test]
fn the_charter_must_come_first() {
    let mut fx = Fx::unchartered(false);
    let early = fx.sign(PK, statement("Before the charter"));
    assert_eq!(fx.rejects(&early), Rejection::CharterFirst);
    let charter = fx.charter_record.clone();
    fx.admit_record(&charter);
    assert_eq!(fx.state.size(), 1);
    assert_eq!(fx.state.role(&pid(QATAR)), Some(Role::Mediator));
    assert_eq!(fx.state.role(&pid(PAKISTAN)), Some(Role::Party));
    // The log's checkpoint key is the one every founder signed, named after the origin.
    let log_key = &fx.state.charter().unwrap().log_key;
    assert_eq!(log_key.name(), ORIGIN);
    assert_eq!(log_key.key_id(), fx.log_signer.key_id());
}

#[test]
fn a_log_has_exactly_one_charter() {
    let mut fx = Fx::new();
    let replay = fx.charter_record.clone();
    assert_eq!(fx.rejects(&replay), Rejection::SecondCharter);
    let mut draft = fx.charter_draft();
    draft.seq = fx.state.next_seq(&member(TR));
    draft.time = fx.now;
    let again = draft
        .sign(&[fx.key(TR), fx.key(PK), fx.key(AF), fx.key(QA)])
        .unwrap();
    assert_eq!(fx.rejects(&again), Rejection::SecondCharter);
}

#[test]
fn the_charter_is_signed_by_every_founding_participant() {
    let mut fx = Fx::unchartered(false);
    let draft = fx.charter_draft();
    for (missing, participant) in [(PK, PAKISTAN), (AF, AFGHANISTAN), (QA, QATAR)] {
        let signers: Vec<_> = [TR, PK, AF, QA]
            .into_iter()
            .filter(|m| *m != missing)
            .map(|m| fx.key(m))
            .collect();
        let record = draft.sign(&signers).unwrap();
        let rejection = fx.rejects(&record);
        assert_rule!(
            rejection,
            RuleViolation::CharterNotSignedBy(pid(participant))
        );
    }
    // The author signs first: a charter whose first signature is not its author's.
    let record = draft
        .sign(&[fx.key(PK), fx.key(TR), fx.key(AF), fx.key(QA)])
        .unwrap();
    assert!(matches!(
        fx.rejects(&record),
        Rejection::AuthorMustSignFirst { .. }
    ));
    // Two members of one participant do not make up for a missing one.
    let record = draft
        .sign(&[fx.key(TR), fx.key(PK), fx.key(PK_REPORTER), fx.key(QA)])
        .unwrap();
    assert_rule!(
        fx.rejects(&record),
        RuleViolation::CharterNotSignedBy(pid(AFGHANISTAN))
    );
    let record = draft
        .sign(&[
            fx.key(TR),
            fx.key(PK),
            fx.key(PK_REPORTER),
            fx.key(AF),
            fx.key(QA),
        ])
        .unwrap();
    assert_rule!(fx.rejects(&record), RuleViolation::CharterSignedTwiceForOne);
}

#[test]
fn every_charter_signature_must_verify_under_the_key_the_charter_names() {
    let mut fx = Fx::unchartered(false);
    let draft = fx.charter_draft();
    // Afghanistan's signature by a key the charter does not list for af.lead.
    let impostor = fx.fresh_key(AF);
    let record = draft
        .sign(&[fx.key(TR), fx.key(PK), &impostor, fx.key(QA)])
        .unwrap();
    assert!(
        matches!(fx.rejects(&record), Rejection::InactiveKey { ref member, .. } if member.as_str() == AF)
    );
    // The right key id, the wrong signature.
    let mut value = to_value(&fx.charter_record);
    value["signatures"][2]["sig"] = value["signatures"][1]["sig"].clone();
    let record = Record::from_json(value.to_string().as_bytes()).unwrap();
    assert_eq!(
        fx.rejects(&record),
        Rejection::Record(RecordError::BadSignature {
            index: 2,
            member: AF.into()
        })
    );
    // A signer the charter does not name.
    let stranger = fx.fresh_key("stranger");
    let record = draft
        .sign(&[fx.key(TR), fx.key(PK), fx.key(AF), fx.key(QA), &stranger])
        .unwrap();
    assert!(
        matches!(fx.rejects(&record), Rejection::UnknownMember(ref m) if m.as_str() == "stranger")
    );
}

#[test]
fn the_charter_opens_its_own_log_with_sequence_one_and_no_references() {
    let mut fx = Fx::unchartered(false);
    let signers = [TR, PK, AF, QA].map(|m| fx.key(m).clone());
    let signers: Vec<_> = signers.iter().collect();
    let mut draft = fx.charter_draft();
    draft.log = Label::parse("another.example/log").unwrap();
    let record = draft.sign(&signers).unwrap();
    assert!(matches!(fx.rejects(&record), Rejection::WrongLog { .. }));
    let mut draft = fx.charter_draft();
    draft.seq = 2;
    let record = draft.sign(&signers).unwrap();
    assert!(matches!(
        fx.rejects(&record),
        Rejection::Sequence {
            expected: 1,
            got: 2,
            ..
        }
    ));
    let mut draft = fx.charter_draft();
    draft.extra_refs = vec![Hash([1; 32])];
    let record = draft.sign(&signers).unwrap();
    assert_rule!(fx.rejects(&record), RuleViolation::CharterReferences);
}

#[test]
fn observers_need_not_sign_the_charter_and_author_nothing() {
    let mut fx = Fx::with_observer();
    assert_eq!(fx.state.role(&pid(OBSERVER)), Some(Role::Observer));
    for b in [
        statement("Press statement"),
        message(&[PAKISTAN], false),
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    ] {
        let rejection = fx.refuses(UN, b);
        assert!(
            matches!(
                rejection,
                Rejection::WrongRole {
                    role: Role::Observer,
                    ..
                }
            ),
            "{rejection:?}"
        );
    }
}

// ---- envelope rules ----------------------------------------------------------

#[test]
fn records_for_another_log_are_refused() {
    let mut fx = Fx::new();
    let mut draft = fx.draft(PK, statement("Elsewhere"));
    draft.log = Label::parse("another.example/log").unwrap();
    let record = fx.sign_draft(&draft);
    assert_eq!(
        fx.rejects(&record),
        Rejection::WrongLog {
            expected: ORIGIN.into(),
            got: "another.example/log".into()
        }
    );
}

#[test]
fn only_members_sign() {
    let mut fx = Fx::new();
    let ghost = fx.fresh_key("pk.ghost");
    let mut draft = fx.draft(PK, statement("Who am I"));
    draft.author = member("pk.ghost");
    draft.seq = 1;
    let record = draft.sign(&[&ghost]).unwrap();
    assert_eq!(
        fx.rejects(&record),
        Rejection::UnknownMember(member("pk.ghost"))
    );
}

#[test]
fn a_signature_that_does_not_verify_is_refused() {
    let mut fx = Fx::new();
    let record = fx.sign(PK, statement("Original"));
    let mut value = to_value(&record);
    value["envelope"]["body"]["title"] = json!("Altered");
    let altered = Record::from_json(value.to_string().as_bytes()).unwrap();
    assert_eq!(
        fx.rejects(&altered),
        Rejection::Record(RecordError::BadSignature {
            index: 0,
            member: PK.into()
        })
    );
    // A key of the same name claiming the registered key id.
    let impostor = fx.fresh_key(PK);
    let mut value = to_value(&fx.sign_draft(&fx.draft(PK, statement("Forged"))));
    let forged = fx
        .draft(PK, statement("Forged"))
        .sign(&[&impostor])
        .unwrap();
    value["signatures"][0]["sig"] = json!(forged.signed().signatures.as_slice()[0].sig);
    let forged = Record::from_json(value.to_string().as_bytes()).unwrap();
    assert!(matches!(
        fx.rejects(&forged),
        Rejection::Record(RecordError::BadSignature { .. })
    ));
}

#[test]
fn a_key_id_that_is_not_the_members_active_key_is_refused() {
    let mut fx = Fx::new();
    let impostor = fx.fresh_key(PK);
    let record = fx
        .draft(PK, statement("Other key"))
        .sign(&[&impostor])
        .unwrap();
    assert!(
        matches!(fx.rejects(&record), Rejection::InactiveKey { ref member, .. } if member.as_str() == PK)
    );
    for key in ["00000000", "zzzzzzzz", "1234", ""] {
        let mut value = to_value(&fx.sign(PK, statement("Key id")));
        value["signatures"][0]["key"] = json!(key);
        let record = Record::from_json(value.to_string().as_bytes()).unwrap();
        assert_eq!(
            fx.rejects(&record),
            Rejection::InactiveKey {
                member: member(PK),
                key: key.into()
            }
        );
    }
}

#[test]
fn the_author_signs_first_and_alone() {
    let mut fx = Fx::new();
    let draft = fx.draft(PK, statement("Joint"));
    let record = draft.sign(&[fx.key(AF)]).unwrap();
    assert!(matches!(
        fx.rejects(&record),
        Rejection::AuthorMustSignFirst { .. }
    ));
    let record = draft.sign(&[fx.key(PK), fx.key(AF)]).unwrap();
    assert_eq!(
        fx.rejects(&record),
        Rejection::ExtraSignatures(Kind::Statement)
    );
}

#[test]
fn a_replayed_sequence_number_is_refused() {
    let mut fx = Fx::new();
    let first = fx.admit(PK, statement("First"));
    let seq = first.signed().envelope.seq;
    assert_eq!(
        fx.rejects(&first),
        Rejection::Sequence {
            member: member(PK),
            expected: seq + 1,
            got: seq
        }
    );
    let mut draft = fx.draft(PK, statement("Second, with the first's number"));
    draft.seq = seq;
    let record = fx.sign_draft(&draft);
    assert!(matches!(fx.rejects(&record), Rejection::Sequence { got, .. } if got == seq));
}

#[test]
fn a_skipped_sequence_number_is_refused() {
    let mut fx = Fx::new();
    let next = fx.state.next_seq(&member(AF));
    for seq in [next + 1, next + 100, 0] {
        let mut draft = fx.draft(AF, statement("Out of order"));
        draft.seq = seq;
        let record = fx.sign_draft(&draft);
        assert_eq!(
            fx.rejects(&record),
            Rejection::Sequence {
                member: member(AF),
                expected: next,
                got: seq
            }
        );
    }
    fx.admit(AF, statement("In order"));
    assert_eq!(fx.state.next_seq(&member(AF)), next + 1);
}

#[test]
fn an_authors_time_never_goes_back() {
    let mut fx = Fx::new();
    fx.at("2025-10-27T12:00:00Z");
    fx.admit(PK, statement("Noon"));
    let mut draft = fx.draft(PK, statement("A second earlier"));
    draft.time = ts("2025-10-27T11:59:59Z");
    let record = fx.sign_draft(&draft);
    assert!(matches!(
        fx.rejects(&record),
        Rejection::TimeGoesBack { .. }
    ));
    // The same second is fine, and another author's clock is its own.
    draft.time = ts("2025-10-27T12:00:00Z");
    let record = fx.sign_draft(&draft);
    fx.admit_record(&record);
    let mut draft = fx.draft(AF, statement("Earlier, by someone else"));
    draft.time = ts("2025-10-27T08:00:00Z");
    let record = fx.sign_draft(&draft);
    fx.admit_record(&record);
}

#[test]
fn nothing_is_dated_before_the_charter_took_effect() {
    let mut fx = Fx::new();
    let mut draft = fx.draft(PK, statement("Backdated"));
    draft.time = ts("2025-10-24T23:59:59Z");
    let record = fx.sign_draft(&draft);
    assert_eq!(
        fx.rejects(&record),
        Rejection::BeforeCharter {
            effective: EFFECTIVE.into(),
            got: "2025-10-24T23:59:59Z".into()
        }
    );
    draft.time = ts(EFFECTIVE);
    let record = fx.sign_draft(&draft);
    fx.admit_record(&record);
}

// ---- capabilities and roles --------------------------------------------------

#[test]
fn a_party_cannot_investigate_find_or_concur() {
    let mut fx = Fx::new();
    let (r, f) = found(&mut fx, false);
    for (who, b) in [
        (PK, investigation(r.hash(), "opened")),
        (AF, finding(r.hash(), "not_verified", None)),
        (PK, finding(r.hash(), "verified", Some(AFGHANISTAN))),
        (PK, concurrence(f.hash())),
        (PK, propose(&[("c1", "Text")])),
    ] {
        let rejection = fx.refuses(who, b);
        assert!(
            matches!(
                rejection,
                Rejection::WrongRole {
                    role: Role::Party,
                    ..
                }
            ),
            "{rejection:?}"
        );
    }
}

#[test]
fn each_act_needs_its_capability() {
    let mut fx = Fx::new();
    // Qatar's lead may find but not report.
    let rejection = fx.refuses(
        QA,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    );
    assert_eq!(
        rejection,
        Rejection::MissingCapability {
            member: member(QA),
            capability: "report".into(),
            kind: Kind::IncidentReport
        }
    );
    // Pakistan's reporter may report but not sign a statement.
    let rejection = fx.refuses(PK_REPORTER, statement("Not mine to make"));
    assert!(
        matches!(rejection, Rejection::MissingCapability { ref capability, .. } if capability == "sign")
    );
    // A mediator's member without the find capability cannot investigate.
    let clerk = fx.fresh_key("qa.clerk");
    fx.admit(QA, member_add(QATAR, &clerk, &["sign"]));
    fx.set_key(clerk);
    let r = report(&mut fx);
    let rejection = fx.refuses("qa.clerk", investigation(r.hash(), "opened"));
    assert!(
        matches!(rejection, Rejection::MissingCapability { ref capability, .. } if capability == "find")
    );
    fx.admit("qa.clerk", statement("Qatar's clerk can sign statements"));
}

#[test]
fn only_the_accused_party_may_respond() {
    let mut fx = Fx::new();
    let r = report(&mut fx);
    assert_rule!(
        fx.refuses(PK, response(r.hash(), "deny")),
        RuleViolation::ResponseNotByAccused {
            accused: pid(AFGHANISTAN),
            responder: pid(PAKISTAN),
        }
    );
    assert!(matches!(
        fx.refuses(PK_REPORTER, response(r.hash(), "deny")),
        Rejection::MissingCapability { .. }
    ));
    // Mediators do not answer for a party either.
    assert!(matches!(
        fx.refuses(TR, response(r.hash(), "deny")),
        Rejection::MissingCapability { .. }
    ));
    fx.admit(AF, response(r.hash(), "deny"));
}

#[test]
fn an_incident_without_an_accused_party_takes_no_responses() {
    let mut fx = Fx::new();
    let r = fx.admit(PK, incident(None, "ied", "2025-10-26T06:00:00Z"));
    for who in [AF, PK] {
        assert_rule!(
            fx.refuses(who, response(r.hash(), "acknowledge")),
            RuleViolation::ResponseWithoutAccused
        );
    }
}

#[test]
fn a_report_accuses_another_party_of_this_mechanism() {
    let mut fx = Fx::new();
    assert_rule!(
        fx.refuses(
            PK,
            incident(Some(PAKISTAN), "shelling", "2025-10-26T06:00:00Z")
        ),
        RuleViolation::AccusesItself
    );
    assert_rule!(
        fx.refuses(
            PK,
            incident(Some(TURKIYE), "shelling", "2025-10-26T06:00:00Z")
        ),
        RuleViolation::NotAParty {
            field: "the accused",
            participant: pid(TURKIYE),
            role: Role::Mediator,
        }
    );
    assert_rule!(
        fx.refuses(
            PK,
            incident(Some("india"), "shelling", "2025-10-26T06:00:00Z")
        ),
        RuleViolation::NotAParticipant(pid("india"))
    );
}

#[test]
fn references_must_exist_and_be_of_the_right_kind() {
    let mut fx = Fx::new();
    let unknown = Hash([7; 32]);
    assert_eq!(
        fx.refuses(AF, response(unknown, "deny")),
        Rejection::UnknownReference(unknown)
    );
    let s = fx.admit(PK, statement("Not an incident"));
    assert_eq!(
        fx.refuses(AF, response(s.hash(), "deny")),
        Rejection::WrongReferenceKind {
            hash: s.hash(),
            field: "incident",
            expected: "incident.report",
            found: Kind::Statement
        }
    );
    let r = report(&mut fx);
    for (who, b, field) in [
        (
            TR,
            finding(s.hash(), "verified", Some(AFGHANISTAN)),
            "incident",
        ),
        (QA, concurrence(r.hash()), "record"),
        (AF, receipt(r.hash(), "read"), "message"),
        (TR, amend(r.hash(), &[("c1", "Text")]), "previous"),
        (PK, position(s.hash(), &[("c1", "accept", None)]), "version"),
        (TR, decision(r.hash(), 1), "determination"),
    ] {
        let rejection = fx.refuses(who, b);
        assert!(
            matches!(rejection, Rejection::WrongReferenceKind { field: f, .. } if f == field),
            "{rejection:?}"
        );
    }
    // Evidence named by a report must be evidence.
    let mut ev = incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z")
        .to_value()
        .unwrap();
    ev["evidence"] = json!([s.hash()]);
    let rejection = fx.refuses(PK, body(Kind::IncidentReport, ev));
    assert!(matches!(
        rejection,
        Rejection::WrongReferenceKind {
            field: "evidence",
            ..
        }
    ));
}

// ---- findings, determinations, decisions -------------------------------------

#[test]
fn a_finding_counts_only_once_the_threshold_of_mediators_has_signed() {
    let mut fx = Fx::new();
    let (_, f) = found(&mut fx, false);
    assert!(!fx.state.meets_threshold(&f.hash()));
    assert_eq!(
        fx.state
            .threshold_signers(&f.hash())
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [&pid(TURKIYE)]
    );
    fx.admit(QA, concurrence(f.hash()));
    assert!(fx.state.meets_threshold(&f.hash()));
    assert_eq!(
        fx.state
            .threshold_signers(&f.hash())
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [&pid(QATAR), &pid(TURKIYE)]
    );
}

#[test]
fn a_mediator_concurs_only_once_and_not_with_itself() {
    let mut fx = Fx::new();
    let (_, f) = found(&mut fx, true);
    assert_rule!(
        fx.refuses(QA, concurrence(f.hash())),
        RuleViolation::AlreadyConcurred(pid(QATAR))
    );
    assert_rule!(
        fx.refuses(TR, concurrence(f.hash())),
        RuleViolation::AlreadyConcurred(pid(TURKIYE))
    );
    // A second member of Qatar does not count as a second mediator either.
    let deputy = fx.fresh_key("qa.deputy");
    fx.admit(QA, member_add(QATAR, &deputy, &["find"]));
    fx.set_key(deputy);
    assert_rule!(
        fx.refuses("qa.deputy", concurrence(f.hash())),
        RuleViolation::AlreadyConcurred(pid(QATAR))
    );
}

#[test]
fn a_finding_that_does_not_verify_holds_no_one_responsible() {
    let mut fx = Fx::new();
    let r = report(&mut fx);
    for d in ["not_verified", "inconclusive"] {
        assert_rule!(
            fx.refuses(TR, finding(r.hash(), d, Some(AFGHANISTAN))),
            RuleViolation::FindingResponsibleWithoutVerification
        );
    }
    fx.admit(TR, finding(r.hash(), "inconclusive", None));
    fx.admit(TR, finding(r.hash(), "partly_verified", Some(AFGHANISTAN)));
}

#[test]
fn a_violation_is_determined_only_on_a_counting_verified_finding() {
    let mut fx = Fx::new();
    let (r, f) = found(&mut fx, false);
    assert_rule!(
        fx.refuses(TR, determination(f.hash(), AFGHANISTAN, 1)),
        RuleViolation::FindingBelowThreshold
    );
    let unverified = fx.admit(TR, finding(r.hash(), "not_verified", None));
    fx.admit(QA, concurrence(unverified.hash()));
    assert_rule!(
        fx.refuses(TR, determination(unverified.hash(), AFGHANISTAN, 1)),
        RuleViolation::DeterminationOnUnverifiedFinding
    );
    assert!(matches!(
        fx.refuses(PK, determination(f.hash(), AFGHANISTAN, 1)),
        Rejection::WrongRole { .. }
    ));
    fx.admit(QA, concurrence(f.hash()));
    assert_rule!(
        fx.refuses(TR, determination(f.hash(), AFGHANISTAN, 3)),
        RuleViolation::ConsequenceLevelUnknown(3)
    );
    fx.admit(TR, determination(f.hash(), AFGHANISTAN, 1));
}

#[test]
fn a_determination_names_the_party_the_finding_holds_responsible() {
    let mut fx = Fx::new();
    let (r, f) = found(&mut fx, true);
    assert_rule!(
        fx.refuses(TR, determination(f.hash(), PAKISTAN, 1)),
        RuleViolation::DeterminationNamesOtherParty {
            responsible: pid(AFGHANISTAN),
            named: pid(PAKISTAN),
        }
    );
    // A verified finding that attributes the incident to no one determines no violation.
    let anonymous = fx.admit(TR, finding(r.hash(), "verified", None));
    fx.admit(QA, concurrence(anonymous.hash()));
    assert_rule!(
        fx.refuses(TR, determination(anonymous.hash(), AFGHANISTAN, 1)),
        RuleViolation::DeterminationWithoutResponsible
    );
    fx.admit(QA, determination(f.hash(), AFGHANISTAN, 1));
}

#[test]
fn a_determination_cites_only_the_violating_partys_own_commitment() {
    let mut fx = Fx::new();
    let pk_commitment = fx.admit(PK, commitment(&["shelling"], EFFECTIVE));
    let af_commitment = fx.admit(AF, commitment(&["shelling"], EFFECTIVE));
    let (_, f) = found(&mut fx, true);
    let with = |c: Hash| {
        let mut v = determination(f.hash(), AFGHANISTAN, 1).to_value().unwrap();
        v["commitment"] = json!(c);
        body(Kind::ViolationDetermination, v)
    };
    assert_rule!(
        fx.refuses(TR, with(pk_commitment.hash())),
        RuleViolation::CommitmentOfAnotherParty {
            declared_by: pid(PAKISTAN),
            party: pid(AFGHANISTAN),
        }
    );
    assert!(matches!(
        fx.refuses(TR, with(f.hash())),
        Rejection::WrongReferenceKind {
            field: "commitment",
            ..
        }
    ));
    fx.admit(TR, with(af_commitment.hash()));
}

#[test]
fn a_penalty_is_decided_only_on_a_counting_determination() {
    let mut fx = Fx::new();
    let (_, f) = found(&mut fx, true);
    let d = fx.admit(TR, determination(f.hash(), AFGHANISTAN, 1));
    assert!(!fx.state.meets_threshold(&d.hash()));
    assert_rule!(
        fx.refuses(TR, decision(d.hash(), 1)),
        RuleViolation::DeterminationBelowThreshold
    );
    assert!(matches!(
        fx.refuses(TR, decision(f.hash(), 1)),
        Rejection::WrongReferenceKind {
            field: "determination",
            ..
        }
    ));
    fx.admit(QA, concurrence(d.hash()));
    assert!(fx.state.meets_threshold(&d.hash()));
    assert_rule!(
        fx.refuses(TR, decision(d.hash(), 9)),
        RuleViolation::ConsequenceLevelUnknown(9)
    );
    assert!(matches!(
        fx.refuses(AF, decision(d.hash(), 1)),
        Rejection::WrongRole { .. }
    ));
    let p = fx.admit(TR, decision(d.hash(), 2));
    fx.admit(QA, concurrence(p.hash()));
    assert!(fx.state.meets_threshold(&p.hash()));
}

#[test]
fn only_the_named_party_answers_a_determination_or_states_remedy() {
    let mut fx = Fx::new();
    let (_, f) = found(&mut fx, true);
    let d = fx.admit(TR, determination(f.hash(), AFGHANISTAN, 1));
    let answer = body(
        Kind::ViolationResponse,
        json!({"determination": d.hash(), "stance": "object", "text": "We object."}),
    );
    assert_rule!(
        fx.refuses(PK, answer.clone()),
        RuleViolation::ViolationResponseNotByNamed
    );
    fx.admit(AF, answer);
    let remedy = body(
        Kind::Remedy,
        json!({"finding": f.hash(), "action": "Units withdrawn from the crossing."}),
    );
    assert_rule!(
        fx.refuses(PK, remedy.clone()),
        RuleViolation::RemedyNotByResponsible
    );
    fx.admit(AF, remedy);
}

// ---- drafts ----------------------------------------------------------------

fn drafted(fx: &mut Fx) -> Record {
    fx.admit(
        TR,
        propose(&[
            ("c1", "No attacks from territory."),
            ("c2", "A joint monitoring cell."),
        ]),
    )
}

#[test]
fn only_mediators_propose_and_amend_and_only_parties_take_positions() {
    let mut fx = Fx::new();
    assert!(matches!(
        fx.refuses(AF, propose(&[("c1", "Text")])),
        Rejection::WrongRole { .. }
    ));
    let v1 = drafted(&mut fx);
    assert!(matches!(
        fx.refuses(PK, amend(v1.hash(), &[("c1", "Text")])),
        Rejection::WrongRole { .. }
    ));
    assert!(matches!(
        fx.refuses(QA, position(v1.hash(), &[("c1", "accept", None)])),
        Rejection::WrongRole { .. }
    ));
}

#[test]
fn an_amendment_builds_on_the_latest_version() {
    let mut fx = Fx::new();
    let v1 = drafted(&mut fx);
    let v2 = fx.admit(
        QA,
        amend(v1.hash(), &[("c1", "No attacks."), ("c3", "Late item.")]),
    );
    assert_rule!(
        fx.refuses(TR, amend(v1.hash(), &[("c1", "A fork of version 1.")])),
        RuleViolation::AmendmentNotOnLatest
    );
    let v3 = fx.admit(TR, amend(v2.hash(), &[("c1", "No attacks at all.")]));
    assert_rule!(
        fx.refuses(TR, amend(v2.hash(), &[("c1", "Again.")])),
        RuleViolation::AmendmentNotOnLatest
    );
    // A second draft has its own latest version.
    let other = fx.admit(QA, propose(&[("x1", "Another agreement.")]));
    fx.admit(TR, amend(other.hash(), &[("x1", "Amended.")]));
    fx.admit(TR, amend(v3.hash(), &[("c1", "Still the first draft.")]));
}

#[test]
fn positions_name_clauses_of_that_version() {
    let mut fx = Fx::new();
    let v1 = drafted(&mut fx);
    let v2 = fx.admit(
        TR,
        amend(v1.hash(), &[("c1", "No attacks."), ("c3", "Late item.")]),
    );
    assert_rule!(
        fx.refuses(PK, position(v1.hash(), &[("c3", "accept", None)])),
        RuleViolation::ClauseNotInVersion(cid("c3"))
    );
    assert_rule!(
        fx.refuses(
            PK,
            position(v2.hash(), &[("c1", "accept", None), ("c2", "reject", None)])
        ),
        RuleViolation::ClauseNotInVersion(cid("c2"))
    );
    fx.admit(PK, position(v2.hash(), &[("c3", "reserve", None)]));
    fx.admit(PK, position(v1.hash(), &[("c2", "reject", None)]));
}

#[test]
fn a_withdrawal_names_an_earlier_acceptance_of_that_clause_by_the_same_party_on_that_draft() {
    let mut fx = Fx::new();
    let v1 = drafted(&mut fx);
    let pk_accepts = fx.admit(
        PK,
        position(v1.hash(), &[("c1", "accept", None), ("c2", "reject", None)]),
    );
    let af_accepts = fx.admit(AF, position(v1.hash(), &[("c1", "accept", None)]));
    let pk_rejects = fx.admit(PK, position(v1.hash(), &[("c1", "reject", None)]));
    let other = fx.admit(QA, propose(&[("c1", "Same clause id, other draft.")]));
    let pk_accepts_other = fx.admit(PK, position(other.hash(), &[("c1", "accept", None)]));

    let must = |clause: &str| RuleViolation::WithdrawalWithoutAcceptance {
        clause: cid(clause),
        participant: pid(PAKISTAN),
    };
    // Someone else's acceptance.
    assert_rule!(
        fx.refuses(
            PK,
            position(v1.hash(), &[("c1", "withdraw", Some(af_accepts.hash()))])
        ),
        must("c1")
    );
    // A rejection is not an acceptance.
    assert_rule!(
        fx.refuses(
            PK,
            position(v1.hash(), &[("c1", "withdraw", Some(pk_rejects.hash()))])
        ),
        must("c1")
    );
    // An acceptance of another clause.
    assert_rule!(
        fx.refuses(
            PK,
            position(v1.hash(), &[("c2", "withdraw", Some(pk_accepts.hash()))])
        ),
        must("c2")
    );
    // An acceptance on another draft.
    assert_rule!(
        fx.refuses(
            PK,
            position(
                v1.hash(),
                &[("c1", "withdraw", Some(pk_accepts_other.hash()))]
            )
        ),
        must("c1")
    );
    // Not a position at all.
    assert!(matches!(
        fx.refuses(
            PK,
            position(v1.hash(), &[("c1", "withdraw", Some(v1.hash()))])
        ),
        Rejection::WrongReferenceKind {
            field: "withdraws",
            ..
        }
    ));
    fx.admit(
        PK,
        position(v1.hash(), &[("c1", "withdraw", Some(pk_accepts.hash()))]),
    );
    fx.admit(
        AF,
        position(v1.hash(), &[("c1", "withdraw", Some(af_accepts.hash()))]),
    );
}

#[test]
fn a_withdrawal_may_take_back_an_acceptance_of_an_earlier_version_of_the_same_draft() {
    let mut fx = Fx::new();
    let v1 = drafted(&mut fx);
    let accepted = fx.admit(AF, position(v1.hash(), &[("c1", "accept", None)]));
    let v2 = fx.admit(
        TR,
        amend(v1.hash(), &[("c1", "No attacks."), ("c2", "Cell.")]),
    );
    fx.admit(
        AF,
        position(v2.hash(), &[("c1", "withdraw", Some(accepted.hash()))]),
    );
}

#[test]
fn each_participant_signs_a_version_once_in_its_own_capacity() {
    let mut fx = Fx::new();
    let v1 = drafted(&mut fx);
    assert!(matches!(
        fx.refuses(TR, sign_version(v1.hash(), "party")),
        Rejection::WrongRole { .. }
    ));
    assert!(matches!(
        fx.refuses(PK, sign_version(v1.hash(), "guarantor")),
        Rejection::WrongRole { .. }
    ));
    assert!(matches!(
        fx.refuses(PK_REPORTER, sign_version(v1.hash(), "party")),
        Rejection::MissingCapability { .. }
    ));
    fx.admit(PK, sign_version(v1.hash(), "party"));
    assert_rule!(
        fx.refuses(PK, sign_version(v1.hash(), "party")),
        RuleViolation::VersionAlreadySigned(pid(PAKISTAN))
    );
    fx.admit(TR, sign_version(v1.hash(), "guarantor"));
    assert_rule!(
        fx.refuses(TR, sign_version(v1.hash(), "guarantor")),
        RuleViolation::VersionAlreadySigned(pid(TURKIYE))
    );
    // A new version is a new text to sign.
    let v2 = fx.admit(QA, amend(v1.hash(), &[("c1", "Changed.")]));
    fx.admit(PK, sign_version(v2.hash(), "party"));
}

// ---- membership ---------------------------------------------------------------

#[test]
fn after_a_key_rotation_the_old_key_signs_nothing_and_the_new_key_works() {
    let mut fx = Fx::new();
    let old = fx.key(PK).clone();
    let new = fx.fresh_key(PK);
    fx.admit(PK, rotate(PK, &new));
    let by_old = fx.sign(PK, statement("Old key"));
    assert!(matches!(fx.rejects(&by_old), Rejection::InactiveKey { .. }));
    fx.set_key(new.clone());
    fx.admit(PK, statement("New key"));
    // Going back to a key used before is refused.
    assert_rule!(
        fx.refuses(PK, rotate(PK, &old)),
        RuleViolation::NewKeyUsedBefore
    );
    // The new key must carry the member's name.
    let misnamed = fx.fresh_key("pk.other");
    assert_rule!(
        fx.refuses(PK, rotate(PK, &misnamed)),
        RuleViolation::NewKeyName(member(PK))
    );
}

#[test]
fn an_admin_rotates_and_revokes_only_its_own_participants_members() {
    let mut fx = Fx::new();
    let new = fx.fresh_key(PK_REPORTER);
    assert_rule!(
        fx.refuses(AF, rotate(PK_REPORTER, &new)),
        RuleViolation::MemberChangeNotPermitted(member(AF))
    );
    assert_rule!(
        fx.refuses(AF, revoke(PK_REPORTER)),
        RuleViolation::MemberChangeNotPermitted(member(AF))
    );
    // A member without admin changes only its own key.
    assert_rule!(
        fx.refuses(PK_REPORTER, revoke(PK)),
        RuleViolation::MemberChangeNotPermitted(member(PK_REPORTER))
    );
    fx.admit(PK, rotate(PK_REPORTER, &new));
    fx.set_key(new);
    fx.admit(
        PK_REPORTER,
        incident(Some(AFGHANISTAN), "drone_strike", "2025-10-26T07:00:00Z"),
    );
    assert!(matches!(
        fx.refuses(PK, rotate("pk.nobody", &fx.key(PK).clone())),
        Rejection::UnknownMember(_)
    ));
}

#[test]
fn a_revoked_member_signs_nothing() {
    let mut fx = Fx::new();
    fx.admit(PK, revoke(PK_REPORTER));
    let rejection = fx.refuses(
        PK_REPORTER,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    );
    assert_eq!(rejection, Rejection::RevokedMember(member(PK_REPORTER)));
    // Nor can it be revoked twice or given a new key.
    assert_eq!(
        fx.refuses(PK, revoke(PK_REPORTER)),
        Rejection::RevokedMember(member(PK_REPORTER))
    );
    let new = fx.fresh_key(PK_REPORTER);
    assert_eq!(
        fx.refuses(PK, rotate(PK_REPORTER, &new)),
        Rejection::RevokedMember(member(PK_REPORTER))
    );
    // A member may revoke itself.
    fx.admit(AF, revoke(AF));
    assert_eq!(
        fx.refuses(AF, statement("Gone")),
        Rejection::RevokedMember(member(AF))
    );
}

#[test]
fn members_are_added_only_by_an_admin_of_the_same_participant() {
    let mut fx = Fx::new();
    let newcomer = fx.fresh_key("pk.liaison");
    assert_rule!(
        fx.refuses(AF, member_add(PAKISTAN, &newcomer, &["sign"])),
        RuleViolation::MemberAddToOtherParticipant {
            author: member(AF),
            own: pid(AFGHANISTAN),
            target: pid(PAKISTAN),
        }
    );
    assert!(matches!(
        fx.refuses(PK_REPORTER, member_add(PAKISTAN, &newcomer, &["sign"])),
        Rejection::MissingCapability { .. }
    ));
    assert_rule!(
        fx.refuses(PK, member_add(PAKISTAN, &newcomer, &["find"])),
        RuleViolation::FindOnlyForMediators
    );
    let taken = fx.key(AF).clone();
    assert_rule!(
        fx.refuses(AF, member_add(AFGHANISTAN, &taken, &["sign"])),
        RuleViolation::MemberIdTaken(member(AF))
    );
    fx.admit(PK, member_add(PAKISTAN, &newcomer, &["sign"]));
    fx.set_key(newcomer);
    assert_eq!(fx.state.next_seq(&member("pk.liaison")), 1);
    fx.admit("pk.liaison", statement("Liaison reporting for duty"));
    // A member's key must carry its id as its name: refused before admission.
    let misnamed = fx.fresh_key("pk.misnamed");
    let mut v = member_add(PAKISTAN, &misnamed, &["sign"])
        .to_value()
        .unwrap();
    v["member"]["id"] = json!("pk.other");
    let err = fx
        .draft(PK, body(Kind::MemberAdd, v))
        .sign(&[fx.key(PK)])
        .unwrap_err();
    assert!(
        matches!(
            err,
            RecordError::Body {
                invalid: truce_core::kinds::Invalid::MemberKeyName { .. },
                ..
            }
        ),
        "{err}"
    );
}

// ---- channel, evidence, disclosure ------------------------------------------

#[test]
fn channel_receipts_come_only_from_recipients() {
    let mut fx = Fx::new();
    let m = fx.admit(PK, message(&[AFGHANISTAN, TURKIYE], true));
    assert_rule!(
        fx.refuses(QA, receipt(m.hash(), "read")),
        RuleViolation::ReceiptByNonRecipient
    );
    assert_rule!(
        fx.refuses(PK, receipt(m.hash(), "acknowledged")),
        RuleViolation::ReceiptByNonRecipient
    );
    fx.admit(AF, receipt(m.hash(), "acknowledged"));
    fx.admit(TR, receipt(m.hash(), "delivered"));
}

#[test]
fn messages_go_to_other_participants_and_only_those_in_a_thread_reply() {
    let mut fx = Fx::new();
    assert_rule!(
        fx.refuses(PK, message(&[PAKISTAN], false)),
        RuleViolation::MessageToSelf
    );
    assert_rule!(
        fx.refuses(PK, message(&["india"], false)),
        RuleViolation::NotAParticipant(pid("india"))
    );
    let m = fx.admit(PK, message(&[AFGHANISTAN], false));
    let mut reply = message(&[PAKISTAN], false).to_value().unwrap();
    reply["reply_to"] = json!(m.hash());
    assert_rule!(
        fx.refuses(QA, body(Kind::ChannelMessage, reply.clone())),
        RuleViolation::ReplyByOutsider
    );
    fx.admit(AF, body(Kind::ChannelMessage, reply));
}

#[test]
fn a_participant_acknowledges_only_the_other_sides_evidence() {
    let mut fx = Fx::new();
    let e = fx.admit(PK, evidence(None));
    let ack = body(
        Kind::EvidenceAcknowledge,
        json!({"evidence": e.hash(), "status": "examined"}),
    );
    assert_rule!(
        fx.refuses(PK, ack.clone()),
        RuleViolation::AcknowledgesOwnEvidence
    );
    fx.admit(AF, ack);
}

#[test]
fn a_disclosure_must_open_the_sealed_part_exactly() {
    let mut fx = Fx::new();
    let opening = Opening::new(
        [5; 32],
        json!({"detainee": "name withheld until disclosure"}),
    );
    let mut draft = fx.draft(PK, evidence(None));
    draft.confidential = Some(SealedPart {
        digest: opening.digest().unwrap(),
        readers: Bounded::new(vec![pid(TURKIYE), pid(QATAR)]).unwrap(),
    });
    let sealed = fx.sign_draft(&draft);
    fx.admit_record(&sealed);
    let plain = fx.admit(PK, evidence(None));
    let disclose = |record: Hash, opening: &Opening| {
        body(
            Kind::Disclosure,
            json!({"record": record, "opening": opening}),
        )
    };
    let wrong_content = Opening::new([5; 32], json!({"detainee": "someone else"}));
    let wrong_salt = Opening::new([6; 32], opening.content.clone());
    for o in [&wrong_content, &wrong_salt] {
        assert_rule!(
            fx.refuses(PK, disclose(sealed.hash(), o)),
            RuleViolation::DisclosureMismatch
        );
    }
    assert_rule!(
        fx.refuses(PK, disclose(plain.hash(), &opening)),
        RuleViolation::NothingToDisclose
    );
    assert_rule!(
        fx.refuses(AF, disclose(sealed.hash(), &opening)),
        RuleViolation::DisclosureNotByFiler
    );
    fx.admit(PK, disclose(sealed.hash(), &opening));
    // Readers must be participants.
    let mut draft = fx.draft(PK, evidence(None));
    draft.confidential = Some(SealedPart {
        digest: opening.digest().unwrap(),
        readers: Bounded::new(vec![pid("india")]).unwrap(),
    });
    let record = fx.sign_draft(&draft);
    assert_rule!(
        fx.rejects(&record),
        RuleViolation::NotAParticipant(pid("india"))
    );
}

#[test]
fn a_state_rebuilt_by_admitting_the_same_records_agrees() {
    let mut fx = Fx::new();
    let (_, f) = found(&mut fx, true);
    fx.admit(TR, determination(f.hash(), AFGHANISTAN, 1));
    let mut rebuilt = LogState::new();
    for l in &fx.log {
        rebuilt.admit(&l.record).unwrap();
    }
    assert_eq!(rebuilt.size(), fx.state.size());
    for m in [PK, AF, TR, QA] {
        assert_eq!(rebuilt.next_seq(&member(m)), fx.state.next_seq(&member(m)));
    }
    assert!(rebuilt.meets_threshold(&f.hash()));
    assert_eq!(
        rebuilt.entry(&f.hash()).map(|e| e.index),
        fx.state.entry(&f.hash()).map(|e| e.index)
    );
}

#[test]
fn room_reserved_for_records_changes_nothing_admitted_and_an_impossible_room_is_refused_quietly() {
    let mut fx = Fx::new();
    let (_, f) = found(&mut fx, true);
    let mut rebuilt = LogState::new();
    // No allocator grants this: it must be refused, not panic.
    rebuilt.reserve_records(u64::MAX);
    rebuilt.reserve_records(fx.log.len() as u64 / 2);
    for l in &fx.log {
        rebuilt.admit(&l.record).unwrap();
    }
    assert_eq!(rebuilt.size(), fx.state.size());
    assert!(rebuilt.meets_threshold(&f.hash()));
    for l in &fx.log {
        let hash = l.record.hash();
        assert_eq!(
            rebuilt.entry(&hash).map(|e| e.index),
            fx.state.entry(&hash).map(|e| e.index)
        );
    }
    // A record already in the log is still refused once the room is used up.
    assert!(rebuilt.admit(&fx.log[0].record).is_err());
}

#[test]
fn a_record_cannot_claim_to_precede_what_it_refers_to() {
    let mut fx = Fx::new();
    fx.at("2025-10-28T12:00:00Z");
    let report = fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-28T03:00:00Z"),
    );
    // Afghanistan answers with a time before the report: backdating to look on time.
    fx.at("2025-10-27T12:00:00Z");
    let rejection = fx.refuses(AF, response(report.hash(), "deny"));
    assert_rule!(
        rejection,
        RuleViolation::PrecedesReference {
            time: ts("2025-10-27T12:00:00Z"),
            referenced_index: fx.state.entry(&report.hash()).unwrap().index,
            referenced_time: ts("2025-10-28T12:00:00Z"),
        }
    );
    fx.at("2025-10-28T13:00:00Z");
    fx.admit(AF, response(report.hash(), "deny"));
}

#[test]
fn the_charter_signatures_have_one_order_only() {
    let mut fx = Fx::unchartered(false);
    let draft = fx.charter_draft();
    // The same signatures, co-signers reordered: a different leaf for the same charter.
    let reordered = draft
        .sign(&[fx.key(TR), fx.key(QA), fx.key(AF), fx.key(PK)])
        .unwrap();
    assert_rule!(fx.rejects(&reordered), RuleViolation::CharterSignatureOrder);
}

#[test]
fn key_ids_have_one_spelling() {
    let mut fx = Fx::new();
    let record = fx.sign(PK, statement("Upper-case key id"));
    let mut value = to_value(&record);
    let key = value["signatures"][0]["key"]
        .as_str()
        .unwrap()
        .to_uppercase();
    if key.chars().any(|c| c.is_ascii_uppercase()) {
        value["signatures"][0]["key"] = serde_json::Value::String(key);
        let respelled = Record::from_value(value).unwrap();
        assert!(matches!(
            fx.rejects(&respelled),
            Rejection::InactiveKey { .. }
        ));
    }
    let mut value = to_value(&record);
    let key = value["signatures"][0]["key"].as_str().unwrap().to_string();
    value["signatures"][0]["key"] = serde_json::Value::String(format!("+{}", &key[1..]));
    let respelled = Record::from_value(value).unwrap();
    assert!(matches!(
        fx.rejects(&respelled),
        Rejection::InactiveKey { .. }
    ));
}

#[test]
fn a_finding_holds_only_a_party_responsible() {
    let mut fx = Fx::new();
    let report = fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T03:00:00Z"),
    );
    let rejection = fx.refuses(TR, finding(report.hash(), "verified", Some(QATAR)));
    assert_rule!(
        rejection,
        RuleViolation::NotAParty {
            field: "the party held responsible",
            participant: pid(QATAR),
            role: Role::Mediator,
        }
    );
}

#[test]
fn only_those_entitled_may_log_opening_restricted_evidence() {
    let mut fx = Fx::new();
    let mut value = serde_json::to_value(match evidence(None) {
        truce_core::Body::EvidenceSubmit(b) => b,
        _ => unreachable!(),
    })
    .unwrap();
    value["confidentiality"] = json!("mediators");
    let restricted = fx.admit(PK, body(Kind::EvidenceSubmit, value));
    let access = |hash| {
        body(
            Kind::EvidenceAccess,
            json!({"evidence": hash, "purpose": "review"}),
        )
    };
    assert_rule!(
        fx.refuses(AF, access(restricted.hash())),
        RuleViolation::EvidenceRestricted
    );
    fx.admit(QA, access(restricted.hash()));
    fx.admit(PK, access(restricted.hash()));
    // Evidence shared with all participants may be opened by the other party.
    let shared = fx.admit(PK, evidence(None));
    fx.admit(AF, access(shared.hash()));
}

/// An incident report citing `evidence`, accusing `accused`.
fn report_citing(evidence: Hash, accused: &str) -> truce_core::Body {
    let mut value = serde_json::to_value(
        match incident(Some(accused), "shelling", "2025-10-26T03:00:00Z") {
            truce_core::Body::IncidentReport(b) => b,
            _ => unreachable!(),
        },
    )
    .unwrap();
    value["evidence"] = json!([evidence]);
    body(Kind::IncidentReport, value)
}

/// Evidence and the report citing it, filed as one group: admitted together,
/// or — when the report is refused — neither, with the state as it was (the
/// same evidence record is admitted afterwards with its own sequence number).
#[test]
fn a_group_is_admitted_whole_or_not_at_all() {
    use truce_core::admission::Signatures::Verify;
    let mut fx = Fx::new();
    let filed = fx.sign(PK, evidence(None));
    let second = |fx: &Fx, body| {
        let mut draft = fx.draft(PK, body);
        draft.seq += 1;
        fx.sign_draft(&draft)
    };
    // Accusing a mediator breaks a rule of the report.
    let refused = second(&fx, report_citing(filed.hash(), QATAR));
    let size = fx.state.size();
    let next = fx.state.next_seq(&member(PK));
    let last_time = fx.state.member(&member(PK)).unwrap().last_time;
    let rejection = fx
        .state
        .admit_group(&[(&filed, Verify), (&refused, Verify)])
        .unwrap_err();
    let Rejection::InGroup {
        position,
        rejection,
    } = &rejection
    else {
        panic!("{rejection:?}");
    };
    assert_eq!(*position, 1);
    assert!(
        matches!(
            **rejection,
            Rejection::Rule(RuleViolation::NotAParty { .. })
        ),
        "{rejection:?}"
    );
    assert_eq!(fx.state.size(), size);
    assert_eq!(fx.state.next_seq(&member(PK)), next);
    assert_eq!(fx.state.member(&member(PK)).unwrap().last_time, last_time);
    assert!(
        fx.state.entry(&filed.hash()).is_none(),
        "the evidence was undone"
    );

    // The same evidence with a report that keeps the rules: both, in order.
    let report = second(&fx, report_citing(filed.hash(), AFGHANISTAN));
    fx.state
        .admit_group(&[(&filed, Verify), (&report, Verify)])
        .unwrap();
    assert_eq!(fx.state.entry(&filed.hash()).unwrap().index, size);
    assert_eq!(fx.state.entry(&report.hash()).unwrap().index, size + 1);
    assert_eq!(fx.state.next_seq(&member(PK)), next + 2);
}

/// A group holds one author's records of kinds whose admission can be undone
/// exactly; anything else is refused before any of it is checked.
#[test]
fn a_group_has_one_author_and_only_plain_kinds() {
    use truce_core::admission::Signatures::Verify;
    let mut fx = Fx::new();
    let size = fx.state.size();
    let filed = fx.sign(PK, evidence(None));
    let by_other = fx.sign(AF, evidence(None));
    assert_eq!(
        fx.state
            .admit_group(&[(&filed, Verify), (&by_other, Verify)]),
        Err(Rejection::InGroup {
            position: 1,
            rejection: Box::new(Rejection::GroupOfAuthors {
                first: member(PK),
                other: member(AF),
            }),
        })
    );
    let report = fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T03:00:00Z"),
    );
    let found = fx.sign(TR, finding(report.hash(), "verified", Some(AFGHANISTAN)));
    assert_eq!(
        fx.state.admit_group(&[(&found, Verify)]),
        Err(Rejection::InGroup {
            position: 0,
            rejection: Box::new(Rejection::NotGroupable(Kind::Finding)),
        })
    );
    assert_eq!(fx.state.size(), size + 1);
}

// ---- reports ---------------------------------------------------------------

fn publish(size: u64, decision: Option<Hash>, to: &str) -> serde_json::Value {
    let mut v = json!({
        "digest": format!("sha256:{}", "ab".repeat(32)),
        "from": "2025-10-25T00:00:00Z",
        "to": to,
        "lang": "en",
        "format": "pdf",
        "checkpoint_size": size,
    });
    if let Some(d) = decision {
        v["decision"] = json!(d);
    }
    v
}

#[test]
fn a_mediator_publishes_a_report_of_a_prefix_the_log_has() {
    let mut fx = Fx::new();
    let r = report(&mut fx);
    let to = "2025-11-01T00:00:00Z";
    assert!(matches!(
        fx.refuses(PK, body(Kind::ReportPublish, publish(1, None, to))),
        Rejection::WrongRole { .. }
    ));
    assert!(matches!(
        fx.refuses(TR, body(Kind::ReportPublish, publish(1_000, None, to))),
        Rejection::Rule(RuleViolation::ReportBeyondLog {
            checkpoint_size: 1_000,
            ..
        })
    ));
    assert!(matches!(
        fx.refuses(
            TR,
            body(Kind::ReportPublish, publish(1, Some(r.hash()), to))
        ),
        Rejection::WrongReferenceKind {
            field: "decision",
            ..
        }
    ));
    fx.admit(TR, body(Kind::ReportPublish, publish(2, None, to)));
}

#[test]
fn a_published_reports_period_ends_after_it_starts_and_is_bounded() {
    let valid = |v: serde_json::Value| {
        truce_core::Body::parse(Kind::ReportPublish, &v)
            .unwrap()
            .validate()
    };
    assert!(valid(publish(2, None, "2025-11-01T00:00:00Z")).is_ok());
    assert!(valid(publish(2, None, "2025-10-25T00:00:00Z")).is_err());
    assert!(valid(publish(2, None, "2026-10-25T00:00:00Z")).is_err());
    assert!(valid(publish(0, None, "2025-11-01T00:00:00Z")).is_err());
}
