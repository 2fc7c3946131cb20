//! The draft verification annex, which stays the draft that failed (the
//! mechanism's charter is not this annex): six versions tabled by the mediators (Türkiye's foreign ministry and Qatar's co-mediator), the
//! parties' positions clause by clause, five near-agreements each undone by
//! Afghanistan's withdrawals "after consulting Kabul", items added late, and
//! a final version nobody signs: the talks "produced no signed agreement"
//! (MNTV), "the Afghan side did not sign the final draft" (a senior security
//! source to Pakistan TV Digital), and no report says Pakistan signed it, so
//! no signature is invented for either side. Negotiated during the talks, it
//! is entered after the charter of 31 October at its dates (back-filled).
//!
//! The reports give no draft text: every clause text is illustrative. The
//! near-agreements "four or five times", the withdrawals after calls to Kabul,
//! the late items and the unsigned final draft are as reported.

use crate::cast::*;
use crate::{Log, ScenarioError, at};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use truce_core::kinds::Kind;
use truce_core::values::Timestamp;
use truce_tlog::Hash;

const CLAUSES_NOTE: &str = "Clause texts illustrative: the reports give no draft text.";
/// Pakistan's comment on the reciprocal guarantees of versions 5 and 6.
const GUARANTEES_REJECTED: &str =
    "Pakistan asks written guarantees of Afghanistan and is not ready to give its own.";
const POSITION_NOTE: &str = "Positions illustrative; near-agreements \"four or five times\", undone by instructions from Kabul, are as sources close to the Afghan side and Pakistan's defence minister told the press.";

/// The text of clause `id` as it stands in version `v`, or `None` if the
/// clause is not in that version.
fn clause(id: &str, v: u8) -> Option<(&'static str, &'static str)> {
    let text = match (id, v) {
        ("committee", _) => (
            "Joint verification committee",
            "A joint verification committee is established, with one representative of each party, chaired jointly by Türkiye and Qatar. It receives reports of violations of the Doha ceasefire, requests information from the parties and submits its findings to the mediators.",
        ),
        ("reporting", _) => (
            "Reporting within 72 hours",
            "Each party reports to the committee, within 72 hours, any incident it considers a violation of the ceasefire, with its time, place and the evidence available. The party named in a report answers within 72 hours.",
        ),
        ("evidence", 1) => (
            "Evidence sharing",
            "The parties share with the committee the evidence their reports rely on. Evidence that reveals sources or personal data may be shared with the mediators only.",
        ),
        ("evidence", _) => (
            "Evidence sharing",
            "The parties share with the committee the evidence their reports rely on; the committee acknowledges receipt in writing. Evidence that reveals sources or personal data is shared with the mediators only and used for no purpose other than this annex.",
        ),
        ("territory", 1) => (
            "No use of territory",
            "Afghanistan does not allow territory under its control to be used by the TTP or any other group for attacks against Pakistan, and takes verifiable action against such groups.",
        ),
        ("territory", 2) => (
            "No use of territory",
            "Neither party allows territory under its control to be used for attacks against the other. Each party acts against armed groups on its own territory in accordance with its own laws.",
        ),
        ("territory", _) => (
            "No use of territory",
            "Neither party allows territory under its control to be used by any group, including the TTP, for attacks against the other, and each takes verifiable action against such groups.",
        ),
        ("airspace", 1) => (
            "No drone strikes or airspace violations",
            "Pakistan carries out no drone strikes or airstrikes on Afghan territory and respects Afghan airspace.",
        ),
        ("airspace", _) => (
            "No drone strikes or airspace violations",
            "Neither party carries out drone strikes or airstrikes on the other's territory or violates the other's airspace.",
        ),
        ("hotline", _) => (
            "Hotline",
            "A hotline between the parties' liaison officers, run by the committee, is open at all times; urgent messages are acknowledged within 24 hours.",
        ),
        ("consequences", 3..) => (
            "Consequences",
            "A violation verified by both mediators leads to the consequences in the schedule: a formal notice, then a public report to the guarantors, then measures decided by the guarantors.",
        ),
        ("guarantees", 3 | 4) => (
            "Written guarantees",
            "Afghanistan gives written guarantees of action against the TTP and the other groups Pakistan names, with verifiable steps reported to the committee every month.",
        ),
        ("guarantees", 5..) => (
            "Written guarantees",
            "Each party gives written guarantees of the action it takes under the clause on the use of territory, with steps reported to the committee every month and verified by the mediators.",
        ),
        ("third-party-drones", 4) => (
            "Third-country drones",
            "Pakistan does not allow drones of third countries to enter Afghan airspace from or through its territory or airspace.",
        ),
        ("third-party-drones", 5..) => (
            "Third-country drones",
            "Either party may raise flights of third-country aircraft or drones with the committee, which refers them to the mediators.",
        ),
        ("review", 6..) => (
            "Review",
            "The parties review the working of this annex at the political meeting in Doha and every three months thereafter.",
        ),
        _ => return None,
    };
    Some(text)
}

const ORDER: [&str; 10] = [
    "committee",
    "reporting",
    "evidence",
    "territory",
    "airspace",
    "hotline",
    "consequences",
    "guarantees",
    "third-party-drones",
    "review",
];

fn clauses(v: u8) -> Value {
    ORDER
        .iter()
        .filter_map(|id| clause(id, v).map(|(heading, text)| (id, heading, text)))
        .map(|(id, heading, text)| json!({"id": id, "heading": heading, "text": text}))
        .collect()
}

fn ids(v: u8) -> Vec<&'static str> {
    ORDER
        .iter()
        .copied()
        .filter(|id| clause(id, v).is_some())
        .collect()
}

/// One round of the negotiation on a version.
struct Round {
    /// The mediator tabling the version, when, and why.
    tabled_by: &'static str,
    tabled_at: Timestamp,
    note: &'static str,
    pakistan_at: Timestamp,
    /// Clauses Pakistan rejects (it accepts the rest), with its comment.
    pakistan_rejects: &'static [(&'static str, &'static str)],
    afghanistan_at: Timestamp,
    /// Clauses Afghanistan reserves, awaiting instructions (it accepts the rest).
    afghanistan_reserves: &'static [&'static str],
    /// When Afghanistan withdrew acceptances after consulting Kabul, and which.
    withdrawal: Option<(Timestamp, &'static [&'static str])>,
}

fn rounds() -> [Round; 6] {
    [
        Round {
            tabled_by: TR_MFA,
            tabled_at: at!(2025-10-26 10:00),
            note: "First draft of a short verification annex, tabled by the mediators.",
            pakistan_at: at!(2025-10-26 16:00),
            pakistan_rejects: &[],
            afghanistan_at: at!(2025-10-26 20:00),
            afghanistan_reserves: &["territory"],
            withdrawal: Some((at!(2025-10-27 2:00), &["reporting", "evidence"])),
        },
        Round {
            tabled_by: QA_MEDIATOR,
            tabled_at: at!(2025-10-27 6:00),
            note: "The clauses on territory and airspace reworded as reciprocal undertakings; written acknowledgment of evidence added.",
            pakistan_at: at!(2025-10-27 8:00),
            pakistan_rejects: &[],
            afghanistan_at: at!(2025-10-27 10:00),
            afghanistan_reserves: &["territory"],
            withdrawal: Some((at!(2025-10-27 12:30), &["committee", "evidence"])),
        },
        Round {
            tabled_by: TR_MFA,
            tabled_at: at!(2025-10-27 19:00),
            note: "New items: consequences of verified violations, and written guarantees.",
            pakistan_at: at!(2025-10-27 21:00),
            pakistan_rejects: &[],
            afghanistan_at: at!(2025-10-27 22:30),
            afghanistan_reserves: &["consequences", "guarantees"],
            withdrawal: Some((at!(2025-10-28 3:00), &["territory", "evidence"])),
        },
        Round {
            tabled_by: QA_MEDIATOR,
            tabled_at: at!(2025-10-28 7:30),
            note: "New item at Afghanistan's request: third-country drones.",
            pakistan_at: at!(2025-10-28 10:00),
            pakistan_rejects: &[(
                "third-party-drones",
                "Pakistan calls the demand that it stop third-country drones unrealistic.",
            )],
            afghanistan_at: at!(2025-10-28 11:30),
            afghanistan_reserves: &["guarantees"],
            withdrawal: Some((at!(2025-10-28 15:00), &["consequences", "committee"])),
        },
        Round {
            tabled_by: TR_MFA,
            tabled_at: at!(2025-10-28 18:00),
            note: "Written guarantees made reciprocal; third-country flights referred to the committee.",
            pakistan_at: at!(2025-10-28 19:30),
            // "Both sides wanted written guarantees from the other and
            // neither was ready to give them" (a diplomatic source, MNTV).
            pakistan_rejects: &[("guarantees", GUARANTEES_REJECTED)],
            afghanistan_at: at!(2025-10-28 21:00),
            afghanistan_reserves: &["guarantees"],
            withdrawal: Some((
                at!(2025-10-28 23:30),
                &["territory", "consequences", "evidence"],
            )),
        },
        Round {
            tabled_by: TR_MFA,
            tabled_at: at!(2025-10-29 0:30),
            note: "Final draft; a review clause added.",
            pakistan_at: at!(2025-10-29 1:30),
            pakistan_rejects: &[("guarantees", GUARANTEES_REJECTED)],
            afghanistan_at: at!(2025-10-29 2:00),
            // Five reserved of ten: the final draft is not a near-agreement,
            // so there are five, as Afghan-side sources counted "four or five times".
            afghanistan_reserves: &[
                "territory",
                "consequences",
                "guarantees",
                "third-party-drones",
                "review",
            ],
            withdrawal: None,
        },
    ]
}

/// Writes the whole negotiation; returns the hash of the first version (the draft's identity).
pub fn negotiate(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    let mut first = None;
    let mut previous: Option<Hash> = None;
    // Afghanistan's latest acceptance of each clause, for its withdrawals to name.
    let mut accepted_by_afghanistan: BTreeMap<&str, Hash> = BTreeMap::new();
    for (v, round) in (1u8..).zip(rounds()) {
        let version = match previous {
            None => log.post(
                round.tabled_by,
                round.tabled_at,
                Kind::DraftPropose,
                json!({
                    "title": "Draft verification annex to the Doha ceasefire (never agreed)",
                    "clauses": clauses(v),
                    "note": round.note,
                    "illustrative": CLAUSES_NOTE,
                }),
            )?,
            Some(previous) => log.post(
                round.tabled_by,
                round.tabled_at,
                Kind::DraftAmend,
                json!({
                    "previous": previous,
                    "clauses": clauses(v),
                    "note": round.note,
                    "illustrative": CLAUSES_NOTE,
                }),
            )?,
        };
        first.get_or_insert(version);
        previous = Some(version);

        let pakistan: Vec<Value> = ids(v)
            .into_iter()
            .map(
                |id| match round.pakistan_rejects.iter().find(|(c, _)| *c == id) {
                    Some((_, comment)) => {
                        json!({"clause": id, "position": "reject", "comment": comment})
                    }
                    None => json!({"clause": id, "position": "accept"}),
                },
            )
            .collect();
        log.post(
            PK_HEAD,
            round.pakistan_at,
            Kind::DraftPosition,
            json!({
                "version": version,
                "positions": pakistan,
                "illustrative": POSITION_NOTE,
            }),
        )?;

        let afghanistan: Vec<Value> = ids(v)
            .into_iter()
            .map(|id| {
                if round.afghanistan_reserves.contains(&id) {
                    json!({"clause": id, "position": "reserve", "comment": "Awaiting instructions from Kabul."})
                } else {
                    json!({"clause": id, "position": "accept"})
                }
            })
            .collect();
        let acceptance = log.post(
            AF_HEAD,
            round.afghanistan_at,
            Kind::DraftPosition,
            json!({
                "version": version,
                "positions": afghanistan,
                "illustrative": POSITION_NOTE,
            }),
        )?;
        for id in ids(v) {
            if !round.afghanistan_reserves.contains(&id) {
                accepted_by_afghanistan.insert(id, acceptance);
            }
        }

        if let Some((at, withdrawn)) = round.withdrawal {
            let mut positions = Vec::new();
            for id in withdrawn {
                let earlier = accepted_by_afghanistan.remove(id).ok_or_else(|| {
                    ScenarioError::Invalid(format!(
                        "Afghanistan withdraws clause {id} of version {v} but never accepted it"
                    ))
                })?;
                positions.push(json!({
                    "clause": id,
                    "position": "withdraw",
                    "withdraws": earlier,
                    "comment": "Acceptance withdrawn after consulting Kabul.",
                }));
            }
            log.post(
                AF_HEAD,
                at,
                Kind::DraftPosition,
                json!({
                    "version": version,
                    "positions": positions,
                    "note": "After consulting Kabul.",
                    "illustrative": POSITION_NOTE,
                }),
            )?;
        }
    }
    first.ok_or_else(|| ScenarioError::Invalid("the annex has no version".into()))
}
