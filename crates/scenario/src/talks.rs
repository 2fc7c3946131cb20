//! The record of the talks themselves: the rounds, the Doha commitments, each
//! side's written demands and replies, and the public statements. Quotations
//! are as reported in the press; each statement is its author's claim.

use crate::cast::*;
use crate::{Log, ScenarioError, at};
use serde_json::{Value, json};
use truce_core::kinds::Kind;
use truce_core::values::Timestamp;
use truce_tlog::Hash;

const TIMES_NOTE: &str = "Times of day illustrative; the dates are as reported.";

fn pakistan_delegation() -> Value {
    json!([
        {"participant": PAKISTAN, "name": "Lt. Gen. Shahab Aslam", "role": "Head of delegation (ISI)"},
        {"participant": PAKISTAN, "name": "A brigadier", "role": "Delegation member"},
        {"participant": PAKISTAN, "name": "A military operations officer", "role": "Delegation member"},
        {"participant": PAKISTAN, "name": "Two aides", "role": "Delegation staff"},
    ])
}

fn afghan_delegation() -> Value {
    json!([
        {"participant": AFGHANISTAN, "name": "Mawlawi Rahmatullah Najeeb", "role": "Deputy Interior Minister, head of delegation"},
        {"participant": AFGHANISTAN, "name": "Anas Haqqani", "role": "Delegation member"},
        {"participant": AFGHANISTAN, "name": "Suhail Shaheen", "role": "Delegation member"},
        {"participant": AFGHANISTAN, "name": "Noorur Rahman Nusrat", "role": "Deputy Defence Minister"},
    ])
}

fn mediators() -> Value {
    json!([
        {"participant": TURKIYE, "name": "İbrahim Kalın", "role": "Head of Türkiye's intelligence organisation (MIT), host"},
        {"participant": QATAR, "name": "Qatari mediators", "role": "Co-mediators"},
    ])
}

fn istanbul_attendees() -> Value {
    let mut all = Vec::new();
    for list in [pakistan_delegation(), afghan_delegation(), mediators()] {
        if let Value::Array(items) = list {
            all.extend(items);
        }
    }
    Value::Array(all)
}

fn session(
    log: &mut Log<'_>,
    author: &str,
    at: Timestamp,
    body: Value,
) -> Result<Hash, ScenarioError> {
    log.post(author, at, Kind::SessionRecord, body)
}

/// The Doha round of 18-19 October, recorded by Qatar, which mediated it.
pub fn doha_round(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        QA_MEDIATOR,
        at!(2025-10-19 12:00),
        json!({
            "title": "Doha round: ceasefire agreed",
            "place": "Doha, Qatar",
            "start": at!(2025-10-18 9:00),
            "end": at!(2025-10-19 6:00),
            "attendees": [
                {"participant": PAKISTAN, "name": "Pakistan's delegation"},
                {"participant": AFGHANISTAN, "name": "Afghanistan's delegation"},
                {"participant": QATAR, "name": "Qatari mediators", "role": "Mediator and guarantor"},
                {"participant": TURKIYE, "name": "Turkish mediators", "role": "Mediator"},
            ],
            "summary": "After weeks of fighting along the border in October 2025, including Pakistani airstrikes on camps of the Gul Bahadur group inside Afghanistan (as reported), a ceasefire was agreed in Doha on 19 October 2025, mediated by Qatar with Türkiye. Both sides agreed to reconvene in Türkiye for follow-up technical talks. Qatar's representatives act as guarantors of the Doha ceasefire.",
            "outcome": "Ceasefire agreed; technical talks to follow in Türkiye",
            "illustrative": "Start and end times illustrative; the ceasefire date (19 October 2025) is as reported.",
        }),
    )
}

/// Each side's Doha undertaking, in the terms the other side asks it to keep.
pub fn doha_commitments(log: &mut Log<'_>) -> Result<(Hash, Hash), ScenarioError> {
    let note = "Wording illustrative: the reports give the ceasefire agreed in Doha, not its clauses; this states the side's undertaking in the terms the other side demanded.";
    let pakistan = log.post(
        PK_HEAD,
        at!(2025-10-19 12:00),
        Kind::CommitmentDeclare,
        json!({
            "title": "No drone strikes, airstrikes or airspace violations on Afghan territory",
            "text": "Pakistan will observe the ceasefire agreed in Doha and will carry out no airstrikes or drone strikes on Afghan territory and no violations of Afghan airspace.",
            "to": [AFGHANISTAN],
            "indicators": [
                "No verified airstrike or drone strike on Afghan territory attributed to Pakistan.",
                "No verified violation of Afghan airspace attributed to Pakistan."
            ],
            "incident_types": ["airstrike", "drone_strike", "airspace_violation"],
            "effective": at!(2025-10-19 0:00),
            "source": "Doha ceasefire, 19 October 2025",
            "illustrative": note,
        }),
    )?;
    let afghanistan = log.post(
        AF_HEAD,
        at!(2025-10-19 12:00),
        Kind::CommitmentDeclare,
        json!({
            "title": "Afghan territory not used for attacks or infiltration against Pakistan",
            "text": "Afghanistan will observe the ceasefire agreed in Doha and will not allow territory under its control to be used for cross-border attacks on Pakistan or for infiltration into Pakistan.",
            "to": [PAKISTAN],
            "indicators": [
                "No verified cross-border attack from Afghan territory attributed to Afghanistan.",
                "No verified infiltration attempt from Afghan territory attributed to Afghanistan."
            ],
            "incident_types": ["cross_border_attack", "infiltration_attempt"],
            "effective": at!(2025-10-19 0:00),
            "source": "Doha ceasefire, 19 October 2025",
            "illustrative": note,
        }),
    )?;
    Ok((pakistan, afghanistan))
}

/// Istanbul, day 1 (Saturday 25 October).
pub fn istanbul_day1(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-10-25 20:00),
        json!({
            "title": "Istanbul technical talks, day 1",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-25 7:00),
            "end": at!(2025-10-25 19:00),
            "attendees": istanbul_attendees(),
            "summary": "Technical talks hosted by Türkiye (its intelligence chief, İbrahim Kalın, hosting) and co-mediated by Qatar: intelligence and security officials drafting a mechanism to monitor and prevent cross-border attacks, for later approval by political leaders. The sides exchanged written demands.",
            "outcome": "Written demands exchanged",
            "illustrative": TIMES_NOTE,
        }),
    )
}

/// The written demands of each side, filed on day 1.
pub fn demands(log: &mut Log<'_>, day1: Hash) -> Result<(Hash, Hash), ScenarioError> {
    let pakistan = log.post(
        PK_HEAD,
        at!(2025-10-25 21:30),
        Kind::Statement,
        json!({
            "category": "demands",
            "title": "Pakistan's written demands",
            "text": "Pakistan demands verifiable action against Tehrik-e-Taliban Pakistan (TTP) and other groups operating from Afghan territory, including Baloch insurgent groups which Pakistan says India backs, and written guarantees to that effect. Pakistan declines the Afghan offer to facilitate direct talks with the TTP.\n\nPakistan's figures: attacks from Afghan territory by the TTP have risen sharply since the Taliban took Kabul in August 2021; about 1,800 Pakistani security personnel have been killed since then, about 460 of them in 2025. These are Pakistani figures.",
            "on_behalf_of": [PAKISTAN],
            "session": day1,
        }),
    )?;
    let afghanistan = log.post(
        AF_HEAD,
        at!(2025-10-25 21:30),
        Kind::Statement,
        json!({
            "category": "demands",
            "title": "Afghanistan's written demands",
            "text": "Afghanistan demands an end to the drone strikes and airspace violations it attributes to Pakistan, including stopping US drones, some said to operate from Qatar, from entering Afghan airspace; and respect for Afghan sovereignty. Afghanistan's position: the militants Pakistan names are Pakistani nationals, outside Kabul's control. Afghanistan offers to facilitate direct talks between Pakistan and the TTP.",
            "on_behalf_of": [AFGHANISTAN],
            "session": day1,
        }),
    )?;
    Ok((pakistan, afghanistan))
}

/// Each side's written answer to the other's demands (day 2).
pub fn replies(log: &mut Log<'_>) -> Result<(), ScenarioError> {
    log.post(
        PK_HEAD,
        at!(2025-10-26 9:00),
        Kind::Statement,
        json!({
            "category": "reply",
            "title": "Pakistan's reply to Afghanistan's demands",
            "text": "Pakistan calls the demand that it stop US drones from entering Afghan airspace unrealistic. It maintains its demand for verifiable action against the TTP and for written guarantees, and again declines direct talks with the TTP.",
            "on_behalf_of": [PAKISTAN],
            "illustrative": "Wording illustrative; the substance (the third-country drone demand called unrealistic, the refusal of talks with the TTP) is as reported.",
        }),
    )?;
    log.post(
        AF_HEAD,
        at!(2025-10-26 9:30),
        Kind::Statement,
        json!({
            "category": "reply",
            "title": "Afghanistan's reply to Pakistan's demands",
            "text": "Afghanistan answers that the militants are Pakistani nationals and outside Kabul's control, and that it cannot give guarantees for them. The delegation consults the leadership in Kabul and Kandahar; it gives no written assurances on action against militant sanctuaries.",
            "on_behalf_of": [AFGHANISTAN],
            "illustrative": "Wording illustrative; the substance (the militants are Pakistani nationals outside Kabul's control; consultations with Kabul and Kandahar; no written assurances given) is as reported.",
        }),
    )?;
    Ok(())
}

/// Days 2 and 3: the 30-hour day and the brief collapse.
pub fn istanbul_day2(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-10-27 13:30),
        json!({
            "title": "Istanbul technical talks, day 2",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-26 6:00),
            "end": at!(2025-10-27 13:00),
            "attendees": istanbul_attendees(),
            "summary": "Day 2 ended after two sessions of more than 30 hours in all. Both sides had exchanged written responses to each other's demands. No progress on action against militant sanctuaries; the Afghan negotiators consulted leaders in Kabul and Kandahar and gave no written assurances. Pakistan presented photographic and documentary evidence. A first draft of a verification annex was tabled by the mediators.",
            "outcome": "No progress on sanctuaries; draft annex tabled",
            "illustrative": "Start and end times illustrative; \"more than 30 hours in all\" is as reported.",
        }),
    )
}

pub fn istanbul_day3(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-10-28 0:30),
        json!({
            "title": "Istanbul technical talks, day 3",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-27 14:00),
            "end": at!(2025-10-27 23:45),
            "attendees": istanbul_attendees(),
            "summary": "The talks briefly collapsed on day 3. Turkish officials pressed both sides to resume, and the talks ran late into the night.",
            "outcome": "Resumed after a brief collapse",
            "illustrative": TIMES_NOTE,
        }),
    )
}

pub fn istanbul_final_days(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-10-29 3:00),
        json!({
            "title": "Istanbul technical talks, days 4-5: no agreement",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-28 7:00),
            "end": at!(2025-10-29 2:30),
            "attendees": istanbul_attendees(),
            "summary": "By Afghan-side sources, the delegations came close to agreement \"four or five times\", but fresh instructions from Kabul each time undid it; \"most points were done, but new items appeared late\". Pakistan's defence minister said that whenever they got close, the Afghan side called Kabul and withdrew. Pakistan says the Afghan side did not sign the final draft despite multiple near-agreements; the central issue was verifiable action against the TTP and mechanisms of verification. The talks ended early on Wednesday 29 October without agreement.",
            "outcome": "No agreement",
            "illustrative": TIMES_NOTE,
        }),
    )
}

/// The public accounts of the outcome, each side's own, and the mediators'.
pub fn outcome_statements(log: &mut Log<'_>, final_days: Hash) -> Result<(), ScenarioError> {
    log.post(
        PK_INFO,
        at!(2025-10-29 5:00),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Pakistan: the dialogue failed to bring about a workable solution",
            "text": "Pakistan's information minister Attaullah Tarar said the dialogue \"failed to bring about any workable solution\". He said Pakistan had presented evidence, which was acknowledged by the Afghan side and by the hosts, and that the Afghan side did not sign the final draft despite multiple near-agreements.",
            "on_behalf_of": [PAKISTAN],
            "session": final_days,
        }),
    )?;
    log.post(
        AF_SPOKES,
        at!(2025-10-29 6:00),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Afghanistan: the talks were inconclusive",
            "text": "Afghan officials called the talks inconclusive. They accused the Pakistani delegation of improper conduct and of making demands unacceptable to Afghanistan.",
            "on_behalf_of": [AFGHANISTAN],
            "session": final_days,
        }),
    )?;
    log.post(
        TR_HOST,
        at!(2025-10-29 7:00),
        Kind::Statement,
        json!({
            "category": "mediators_statement",
            "title": "Mediators: the ceasefire is fragile but alive",
            "text": "The mediators consider the ceasefire \"fragile but alive\". A short annex on verification could unlock a political round. They are exploring a short follow-up session to finalise a draft verification annex, possibly before a political meeting in Doha.",
            "on_behalf_of": [TURKIYE, QATAR],
            "session": final_days,
        }),
    )?;
    Ok(())
}

/// 30-31 October: the joint statement issued by Türkiye for all four.
pub fn joint_statement(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    log.post(
        TR_HOST,
        at!(2025-10-31 9:00),
        Kind::Statement,
        json!({
            "category": "joint_statement",
            "title": "Joint statement: ceasefire maintained, monitoring and verification mechanism agreed in principle",
            "text": "Issued by Türkiye's foreign ministry on behalf of Pakistan, Afghanistan, Türkiye and Qatar. The parties agreed to keep the ceasefire and to put in place a monitoring and verification mechanism that will ensure maintenance of peace and imposing penalty on the violating party. The modalities are left to a principal-level meeting in Istanbul on 6 November 2025.",
            "on_behalf_of": [PAKISTAN, AFGHANISTAN, TURKIYE, QATAR],
            "illustrative": "Dated 31 October; the statement was reported on 30-31 October 2025.",
        }),
    )
}

/// 6-7 November: the principal-level third round.
pub fn third_round(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-11-07 20:00),
        json!({
            "title": "Istanbul third round (principal level)",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-11-06 7:00),
            "end": at!(2025-11-07 17:00),
            "attendees": [
                {"participant": PAKISTAN, "name": "Lt. Gen. Asim Malik", "role": "ISI chief, head of delegation"},
                {"participant": AFGHANISTAN, "name": "Abdul Haq Wasiq", "role": "Intelligence chief, head of delegation"},
                {"participant": AFGHANISTAN, "name": "Suhail Shaheen", "role": "Delegation member"},
                {"participant": AFGHANISTAN, "name": "Anas Haqqani", "role": "Delegation member"},
                {"participant": AFGHANISTAN, "name": "Rahmatullah Najib", "role": "Delegation member"},
                {"participant": TURKIYE, "name": "Turkish mediators", "role": "Host"},
                {"participant": QATAR, "name": "Qatari mediators", "role": "Co-mediators"},
            ],
            "summary": "The principal-level meeting to which the joint statement left the modalities of the monitoring and verification mechanism. It ended without agreement on the mechanism.",
            "outcome": "No agreement on the mechanism",
            "illustrative": TIMES_NOTE,
        }),
    )
}
