//! Who takes part: the four participants, their members and keys, the charter
//! that founds the mechanism, and the later membership changes.

use crate::{DemoWitness, Kept, Log, ScenarioError, at};
use serde_json::json;
use truce_core::kinds::Kind;
use truce_tlog::Hash;
use truce_tlog::note::{NoteSigner, NoteVerifier};

pub const PAKISTAN: &str = "pakistan";
pub const AFGHANISTAN: &str = "afghanistan";
pub const TURKIYE: &str = "turkiye";
pub const QATAR: &str = "qatar";

pub const PK_HEAD: &str = "pakistan.head";
pub const PK_LIAISON: &str = "pakistan.liaison";
pub const PK_INFO: &str = "pakistan.information";
pub const PK_HEAD_R3: &str = "pakistan.head-r3";
pub const AF_HEAD: &str = "afghanistan.head";
pub const AF_LIAISON: &str = "afghanistan.liaison";
pub const AF_SPOKES: &str = "afghanistan.spokesperson";
pub const AF_HEAD_R3: &str = "afghanistan.head-r3";
pub const TR_HOST: &str = "turkiye.host";
pub const TR_ANALYST: &str = "turkiye.analyst";
pub const TR_SECRETARIAT: &str = "turkiye.secretariat";
pub const TR_MFA: &str = "turkiye.foreign-ministry";
pub const QA_MEDIATOR: &str = "qatar.mediator";
pub const QA_ANALYST: &str = "qatar.analyst";

struct Participant {
    id: &'static str,
    name: &'static str,
    role: &'static str,
    /// (member id, display name, capabilities)
    members: &'static [(&'static str, &'static str, &'static [&'static str])],
}

/// Real public figures appear only as display names of delegation heads (and
/// the host); every other member is a role, not an invented person. A named
/// figure signs, as head of delegation, only acts the demo marks as
/// illustrative with who signs them — the charter, the Doha commitments, the
/// written demands and replies, drafts, positions and the members it adds —
/// never words the reports give to someone else.
const FOUNDERS: [Participant; 4] = [
    Participant {
        id: PAKISTAN,
        name: "Pakistan",
        role: "party",
        members: &[
            (
                PK_HEAD,
                "Lt. Gen. Shahab Aslam (ISI), head of Pakistan's delegation",
                &["sign", "admin"],
            ),
            (
                PK_LIAISON,
                "Military operations liaison officer, Pakistan",
                &["report", "respond"],
            ),
            (
                PK_INFO,
                "Ministry of Information and Broadcasting, Pakistan",
                &["sign"],
            ),
        ],
    },
    Participant {
        id: AFGHANISTAN,
        name: "Afghanistan",
        role: "party",
        members: &[
            (
                AF_HEAD,
                "Mawlawi Rahmatullah Najeeb, Deputy Interior Minister, head of Afghanistan's delegation",
                &["sign", "admin"],
            ),
            (
                AF_LIAISON,
                "Liaison officer, Ministry of Interior, Afghanistan",
                &["report", "respond"],
            ),
            (AF_SPOKES, "Spokesperson's office, Afghanistan", &["sign"]),
        ],
    },
    Participant {
        id: TURKIYE,
        name: "Türkiye",
        role: "mediator",
        members: &[
            (
                TR_HOST,
                "İbrahim Kalın, head of Türkiye's intelligence organisation (MIT), host",
                &["find", "sign", "admin"],
            ),
            (TR_ANALYST, "Verification analyst, Türkiye", &["find"]),
            (
                TR_SECRETARIAT,
                "Secretariat of the Istanbul talks, Türkiye",
                &["sign"],
            ),
            (TR_MFA, "Ministry of Foreign Affairs, Türkiye", &["sign"]),
        ],
    },
    Participant {
        id: QATAR,
        name: "Qatar",
        role: "mediator",
        members: &[
            (
                QA_MEDIATOR,
                "Co-mediator, State of Qatar (guarantor of the Doha ceasefire)",
                &["find", "sign", "admin"],
            ),
            (QA_ANALYST, "Verification analyst, Qatar", &["find"]),
        ],
    },
];

/// What the demo is, in one line: the dashboard shows it under the title.
const CHARTER_NOTE: &str = "A replay of the public reporting in a mechanism that never existed: every claim attributed, every invention marked. Events before 31 October are entered after the charter, at their dates.";

/// The mechanism the joint statement agreed in principle, named and dated as
/// such: never the "verification annex", which stays the draft that failed.
const CHARTER_TITLE: &str = "Monitoring and verification mechanism agreed in principle on 30-31 October 2025, whose modalities failed on 6-7 November (illustrative)";

/// The genesis record, signed by one member of each founding participant on
/// 31 October 2025, after the joint statement that agreed the mechanism in
/// principle (the statement itself is recorded as Türkiye's, before it in
/// time). It covers the Doha ceasefire from its start (`effective`: 19
/// October), so the talks and the ground of 19-31 October are entered after
/// it, back-filled, each dated at its event: the log's order shows they were
/// recorded later. Nothing the mechanism itself does (membership, receipts
/// of evidence, links, investigations, findings) is dated before it. Its
/// title and note say that the mechanism was only agreed in principle and
/// never set up; the schedule of consequences, members, deadlines, threshold
/// and witness policy are all invented (the penalty principle is the joint
/// statement's).
pub fn charter(
    log: &mut Log<'_>,
    log_key: &NoteVerifier,
    rng: &mut (impl rand::RngCore + rand::CryptoRng),
    kept: &mut Kept,
) -> Result<Hash, ScenarioError> {
    let effective = at!(2025-10-19 0:00);
    let signed = at!(2025-10-31 12:00);
    let mut participants = Vec::new();
    for p in &FOUNDERS {
        let mut members = Vec::new();
        for (id, display, caps) in p.members {
            let signer = NoteSigner::generate(id, rng)?;
            members.push(json!({
                "id": id,
                "name": display,
                "key": signer.verifier().vkey(),
                "capabilities": caps,
            }));
            log.enrol(p.id, display, signer, effective);
        }
        participants.push(json!({
            "id": p.id, "name": p.name, "role": p.role, "members": members,
        }));
    }

    let mut policy = String::new();
    for p in &FOUNDERS {
        let witness = NoteSigner::generate(&format!("{}.witness", p.id), rng)?;
        policy.push_str(&format!(
            "witness {} {}\n",
            p.id,
            truce_tlog::Cosigner::from_note_signer(&witness)
                .verifier()
                .vkey()
        ));
        kept.witnesses.push(DemoWitness {
            participant: p.id.to_owned(),
            signer: witness,
        });
    }
    policy.push_str("group everyone all pakistan afghanistan turkiye qatar\nquorum everyone\n");

    // Türkiye, which issued the joint statement and hosts the talks, authors
    // it; its host signs nothing dated earlier, as the log requires of an
    // author (its co-signers may: their own records start from `effective`).
    log.post_charter(
        TR_HOST,
        &[PK_HEAD, AF_HEAD, QA_MEDIATOR],
        signed,
        json!({
            "title": CHARTER_TITLE,
            "origin": crate::ORIGIN,
            "log_key": log_key.vkey(),
            "effective": effective,
            "participants": participants,
            "deadlines": {"incident_response_hours": 72, "channel_ack_hours": 24},
            "finding_threshold": "all",
            "witness_policy": policy,
            "consequences": [
                {"level": 1, "name": "Formal notice",
                 "description": "The mediators notify the violating party in writing, citing the finding and the commitment breached, and record its answer."},
                {"level": 2, "name": "Public report to the guarantors",
                 "description": "The mediators report the verified violation to the guarantors of the ceasefire and publish the report."},
                {"level": 3, "name": "Measures decided by the guarantors",
                 "description": "The guarantors decide measures against the violating party, as the joint statement of 30-31 October 2025 foresees a penalty on the violating party."}
            ],
            "illustrative": CHARTER_NOTE,
        }),
    )
}

/// A key rotation: Qatar's analyst replaces its key before travelling to
/// Istanbul for the third round (a mechanism's act, so after its charter).
pub fn rotate_qatar_analyst(
    log: &mut Log<'_>,
    rng: &mut (impl rand::RngCore + rand::CryptoRng),
) -> Result<Hash, ScenarioError> {
    let new_key = NoteSigner::generate(QA_ANALYST, rng)?;
    let at = at!(2025-11-05 5:00);
    let hash = log.post(
        QA_ANALYST,
        at,
        Kind::KeyRotate,
        json!({
            "member": QA_ANALYST,
            "new_key": new_key.verifier().vkey(),
            "reason": "Routine rotation: the analyst's laptop was replaced before travel to Istanbul for the third round (illustrative).",
        }),
    )?;
    log.rotate(new_key, at)?;
    Ok(hash)
}

/// The third round's delegation heads join as members of their participants.
pub fn third_round_heads(
    log: &mut Log<'_>,
    rng: &mut (impl rand::RngCore + rand::CryptoRng),
) -> Result<(), ScenarioError> {
    let heads = [
        (
            PK_HEAD,
            PAKISTAN,
            PK_HEAD_R3,
            "Lt. Gen. Asim Malik, ISI chief, head of Pakistan's delegation (third round)",
        ),
        (
            AF_HEAD,
            AFGHANISTAN,
            AF_HEAD_R3,
            "Abdul Haq Wasiq, intelligence chief, head of Afghanistan's delegation (third round)",
        ),
    ];
    for (admin, participant, id, display) in heads {
        let signer = NoteSigner::generate(id, rng)?;
        let at = at!(2025-11-06 5:00);
        log.post(
            admin,
            at,
            Kind::MemberAdd,
            json!({
                "participant": participant,
                "member": {
                    "id": id,
                    "name": display,
                    "key": signer.verifier().vkey(),
                    "capabilities": ["sign", "admin"],
                },
            }),
        )?;
        log.enrol(participant, display, signer, at);
    }
    Ok(())
}

/// The Istanbul secretariat stands down after the third round; its key is retired.
pub fn retire_secretariat(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    let at = at!(2025-11-08 10:00);
    let hash = log.post(
        TR_HOST,
        at,
        Kind::MemberRevoke,
        json!({
            "member": TR_SECRETARIAT,
            "reason": "The secretariat of the Istanbul talks stood down after the third round; its key is retired (illustrative).",
        }),
    )?;
    log.revoke(TR_SECRETARIAT, at)?;
    Ok(hash)
}
