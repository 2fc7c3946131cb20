//! The record of the talks themselves: the rounds, the Doha commitments, each
//! side's written demands and replies, and the public statements.
//!
//! Who signs what: a party's statement carries only what that party, or
//! officials the reports place on its side, said, in their words and with
//! their hedges; what one side says the other did stays the first side's
//! statement. The sessions are the host's record: they state what the
//! reports state in their own voice (dates, the collapse, no signed
//! agreement) and leave each side's account to that side's statement, with
//! the words of unnamed sources quoted in `sources` as the reports give them.

use crate::cast::*;
use crate::press::{DAILY_ITTEHAD, MNTV, PTV, TRUTH_INTERNATIONAL, WE_NEWS, quotes, says};
use crate::{Log, ScenarioError, at};
use serde_json::{Value, json};
use truce_core::kinds::Kind;
use truce_core::values::Timestamp;
use truce_tlog::Hash;

const TIMES_NOTE: &str = "Times of day illustrative; the dates are as reported.";
const SIGNER_NOTE: &str = "The words are as reported, with their attribution; which member signs them for the demo is illustrative.";

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
        {"participant": AFGHANISTAN, "name": "Noorur Rahman Nusrat", "role": "Deputy Defence Minister, delegation member"},
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
            "summary": "After weeks of fighting along the border, and Pakistani airstrikes on suspected Gul Bahadur group camps inside Afghan territory (as reported), a ceasefire was agreed in Doha on 19 October 2025. Both sides agreed to reconvene in Türkiye for follow-up technical talks. Qatar's representatives act as guarantors of the Doha ceasefire.",
            "outcome": "Ceasefire agreed; technical talks to follow in Türkiye",
            "sources": [
                says(MNTV, "The Istanbul dialogue followed weeks of fighting along the Pakistan-Afghanistan border and Pakistani airstrikes on suspected Gul Bahadur group camps inside Afghan territory. Those hostilities had been temporarily halted by a ceasefire brokered in Doha earlier this month, where both sides agreed to reconvene in Türkiye for follow-up technical talks."),
                says(MNTV, "Qatar’s representatives served as co-mediators, acting as guarantors of the earlier Doha ceasefire."),
            ],
            "illustrative": "Start and end times and the attendees' roles illustrative; the ceasefire date (19 October 2025) is as reported.",
        }),
    )
}

/// Each side's Doha undertaking, in the terms the other side asks it to keep.
pub fn doha_commitments(log: &mut Log<'_>) -> Result<(Hash, Hash), ScenarioError> {
    let note = "Wording and signer illustrative: the reports give the Doha ceasefire, agreed by ministers, not its clauses or signers; signed here by the side's head of delegation in Istanbul.";
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
        at!(2025-10-25 20:30),
        json!({
            "title": "Istanbul technical talks, day 1 (Saturday 25 October)",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-25 4:00),
            "end": at!(2025-10-25 20:00),
            "attendees": istanbul_attendees(),
            "summary": "Technical talks hosted by Türkiye (its intelligence chief, İbrahim Kalın, hosting) and co-mediated by Qatar, described as \"technical\": intelligence and security officials drafting a mechanism to monitor and prevent cross-border attacks, to be approved later by political leaders. Each side set out its demands in writing.",
            "outcome": "Written demands exchanged",
            "sources": [
                says(MNTV, "Unlike the Doha talks, which involved ministers and resulted in a temporary truce, the Istanbul round was described as “technical,” involving intelligence and security officials tasked with drafting a mechanism to be approved later by political leadership."),
                says(MNTV, "Pakistan’s delegation was led by Lt. Gen. Shahab Aslam of the Inter-Services Intelligence (ISI), joined by a brigadier, a military operations officer, and two aides."),
                says(MNTV, "Afghanistan’s side was headed by Deputy Interior Minister Mawlawi Rahmatullah Najeeb, accompanied by senior figures including Anas Haqqani, Suhail Shaheen, and Deputy Defense Minister Noorur Rahman Nusrat."),
                says(MNTV, "Turkish intelligence chief İbrahim Kalın hosted the talks, while Qatar’s representatives served as co-mediators, acting as guarantors of the earlier Doha ceasefire."),
            ],
            "illustrative": TIMES_NOTE,
        }),
    )
}

/// The written demands of each side, filed on day 1.
pub fn demands(log: &mut Log<'_>, day1: Hash) -> Result<(Hash, Hash), ScenarioError> {
    let note = "Wording illustrative; the demands are as reported.";
    let pakistan = log.post(
        PK_HEAD,
        at!(2025-10-25 21:30),
        Kind::Statement,
        json!({
            "category": "demands",
            "title": "Pakistan's written demands",
            "text": "Pakistan demands verifiable assurances that Afghan soil will not be used by Tehrik-e-Taliban Pakistan (TTP) and by Baloch insurgent groups, which Pakistan says India backs, and verifiable action against them, with written guarantees to that effect.\n\nPakistan's figures: attacks from Afghan territory have risen sharply since the Taliban took Kabul in August 2021; nearly 1,800 Pakistani personnel have been killed in such attacks since then, around 460 of them in 2025. These are Pakistani figures.",
            "on_behalf_of": [PAKISTAN],
            "session": day1,
            "sources": [
                says(MNTV, "Islamabad demanded verifiable assurances that Afghan soil would not be used by the Tehreek-e-Taliban Pakistan (TTP) and Baloch insurgent groups it accuses India of backing."),
                quotes(MNTV, "officials (Pakistani)", "Officials say nearly 1,800 Pakistani personnel have been killed in such attacks since the Taliban takeover of Kabul in August 2021, including around 460 deaths this year."),
            ],
            "illustrative": note,
        }),
    )?;
    let afghanistan = log.post(
        AF_HEAD,
        at!(2025-10-25 21:30),
        Kind::Statement,
        json!({
            "category": "demands",
            "title": "Afghanistan's written demands",
            "text": "Afghanistan demands an end to the drone strikes and airspace violations it attributes to Pakistan, including that Pakistan prevent US drones, some said to operate from Qatar, from entering Afghan airspace; and respect for Afghan sovereignty. Afghanistan's position: the militants Pakistan names are Pakistani nationals, outside Kabul's control.",
            "on_behalf_of": [AFGHANISTAN],
            "session": day1,
            "sources": [
                says(MNTV, "Kabul, in turn, demanded an end to drone strikes and airspace violations it attributes to Pakistan."),
                says(MNTV, "Islamabad also dismissed Kabul’s demand that Pakistan prevent U.S. drones—some operating from Qatar—from entering Afghan airspace, calling it unrealistic."),
                says(MNTV, "The Afghan team argued that the militants attacking Pakistan were Pakistani nationals and therefore outside Kabul’s control."),
            ],
            "illustrative": note,
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
            "text": "Pakistan calls the demand that it prevent US drones from entering Afghan airspace unrealistic, and rejects the reasoning that the militants are outside Kabul's control. It refuses the offer, which Afghan representatives reportedly made, to facilitate direct talks between Pakistan and the TTP: it will not negotiate with a group it calls a terrorist organisation. It maintains its demand for verifiable action against the TTP and for written guarantees.",
            "on_behalf_of": [PAKISTAN],
            "sources": [
                says(MNTV, "Islamabad also dismissed Kabul’s demand that Pakistan prevent U.S. drones—some operating from Qatar—from entering Afghan airspace, calling it unrealistic."),
                says(MNTV, "Pakistan rejected this reasoning and refused an Afghan offer to facilitate direct talks with the TTP."),
                says(TRUTH_INTERNATIONAL, "During the discussions, Afghan representatives reportedly suggested facilitating direct talks between Islamabad and the TTP. Pakistan firmly refused, emphasizing that it would not negotiate with a terrorist organization."),
            ],
            "illustrative": "Wording illustrative; the substance (the drone demand called unrealistic, the refused offer of talks with the TTP) is as reported.",
        }),
    )?;
    log.post(
        AF_HEAD,
        at!(2025-10-26 9:30),
        Kind::Statement,
        json!({
            "category": "reply",
            "title": "Afghanistan's reply to Pakistan's demands",
            "text": "Afghanistan answers that the militants attacking Pakistan are Pakistani nationals and therefore outside Kabul's control. It maintains its demand for an end to drone strikes and airspace violations and for respect for Afghan sovereignty.",
            "on_behalf_of": [AFGHANISTAN],
            "sources": [
                says(MNTV, "The Afghan team argued that the militants attacking Pakistan were Pakistani nationals and therefore outside Kabul’s control."),
                quotes(MNTV, "one Afghan participant (reportedly)", "“We cannot call your citizens into Afghanistan to control them,” one Afghan participant reportedly said."),
            ],
            "illustrative": "Wording illustrative; the substance (the militants are Pakistani nationals outside Kabul's control) is the Afghan team's argument as reported.",
        }),
    )?;
    Ok(())
}

/// Day 2 (Sunday 26 October). Times are UTC (Istanbul is three hours
/// ahead): the two days run from 07:00 to late evening in Istanbul, more than
/// the reported 30 hours together, and day 2 ends on the Sunday.
pub fn istanbul_day2(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-10-26 21:00),
        json!({
            "title": "Istanbul technical talks, day 2 (Sunday 26 October)",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-26 4:00),
            "end": at!(2025-10-26 20:30),
            "attendees": istanbul_attendees(),
            "summary": "The talks continued into Sunday. Both sides exchanged written responses to each other's demands, and Pakistan, as reported, presented photographic and documentary evidence. No agreement on measures against militant sanctuaries. By Monday, reports put the first two sessions at more than 30 hours in all. Pakistani officials' account of the Afghan side's conduct is quoted in the sources as reported.",
            "outcome": "No agreement on measures against sanctuaries",
            "sources": [
                says(TRUTH_INTERNATIONAL, "The talks extended into Sunday after both delegations failed to agree on measures to eliminate safe havens for the Tehreek-e-Taliban Pakistan (TTP) and other militant groups based in Afghanistan."),
                says(TRUTH_INTERNATIONAL, "The absence of clear commitments diminished early optimism generated after both sides exchanged written responses to each other’s demands."),
                says(TRUTH_INTERNATIONAL, "Afghan negotiators, who were reportedly consulting leaders in Kabul and Kandahar, did not provide any written assurances."),
                quotes(TRUTH_INTERNATIONAL, "officials (Pakistani)", "Officials described the Taliban’s response as “illogical” and disconnected from ground realities."),
                quotes(DAILY_ITTEHAD, "sources", "According to sources, two extensive sessions spanning more than 30 hours have failed to yield any significant results."),
            ],
            "illustrative": "Start and end times illustrative; \"more than 30 hours\" for the two sessions is as reported. The first draft annex tabled this day (see the agreement) is illustrative.",
        }),
    )
}

/// Day 3 (Monday 27 October): the third round, the brief collapse.
pub fn istanbul_day3(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-10-27 23:30),
        json!({
            "title": "Istanbul technical talks, day 3 (Monday 27 October): brief collapse",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-27 5:00),
            "end": at!(2025-10-27 20:30),
            "attendees": istanbul_attendees(),
            "summary": "A third round met on Monday and ended without an agreement. Tensions flared on day three and the talks briefly collapsed; Turkish intelligence officials pressed both sides to resume, and the talks were set to resume on Tuesday.",
            "outcome": "No agreement; talks to resume on Tuesday",
            "sources": [
                says(DAILY_ITTEHAD, "A third round of talks is expected to take place on Monday (today), though hopes for a breakthrough remain uncertain."),
                says(WE_NEWS, "On Monday talks in Istanbul ended without an agreement as Islamabad’s key demand — dismantling the Tehrik-e-Taliban Pakistan (TTP) network operating from Afghan soil — faced resistance from the Afghan Taliban’s interim government."),
                says(WE_NEWS, "The Pakistan–Afghanistan peace talks are set to resume on Tuesday in Istanbul after failing to reach a breakthrough during three days of intense discussions."),
                says(MNTV, "Türkiye and Qatar played key roles in salvaging the process after it briefly collapsed. Turkish intelligence officials pressed both sides to resume dialogue after tensions flared on day three."),
            ],
            "illustrative": TIMES_NOTE,
        }),
    )
}

/// Day 4 (Tuesday 28 October), ending early on Wednesday 29 without agreement.
pub fn istanbul_day4(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    session(
        log,
        TR_SECRETARIAT,
        at!(2025-10-29 3:00),
        json!({
            "title": "Istanbul technical talks, day 4 (Tuesday 28 October): no agreement",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-10-28 7:00),
            "end": at!(2025-10-29 2:30),
            "attendees": istanbul_attendees(),
            "summary": "The talks resumed on Tuesday, ran late into the night and ended early on Wednesday 29 October without a signed agreement, after four days in all. Each side's account of why is in its own statements; what unnamed sources on each side and a diplomatic source told the press is quoted in the sources as reported. The mediators are reported to be exploring a short follow-up session to finalise a draft \"verification annex\", possibly before a political-level meeting in Doha.",
            "outcome": "No agreement",
            "sources": [
                says(MNTV, "Talks eventually continued late into the night but produced no signed agreement."),
                quotes(MNTV, "a diplomatic source familiar with the negotiations", "“Both sides wanted written guarantees from the other and neither was ready to give them,” said a diplomatic source familiar with the negotiations."),
                quotes(MNTV, "sources close to the Afghan side", "Sources close to the Afghan side said the delegations came close to agreement “four or five times” but fresh instructions from Kabul each time scuttled progress."),
                quotes(MNTV, "one source (close to the Afghan side)", "“Most points were done,” one source said, “but new items appeared late that were not acceptable.”"),
                quotes(PTV, "sources", "According to the sources, the four-day negotiations concluded after the Afghan delegation “declined to accept verifiable measures” against the Tehrik-e-Taliban Pakistan (TTP)."),
                quotes(PTV, "a senior security source", "“The central issue was verifiable action to restrain the TTP and prevent cross-border attacks,” a senior security source said. “The Afghan side did not sign the final draft despite multiple near-agreements.”"),
                quotes(PTV, "another source", "“They acknowledged the concern but would not agree to mechanisms of verification. This affects peace and stability,” another source said."),
                says(MNTV, "Mediators are now exploring the possibility of a short, follow-up session to finalize a draft “verification annex” that could form the basis of a future political-level meeting, possibly in Doha."),
            ],
            "illustrative": TIMES_NOTE,
        }),
    )
}

/// The public accounts of the outcome: each side's, and the host's.
pub fn outcome_statements(log: &mut Log<'_>, day4: Hash) -> Result<(), ScenarioError> {
    log.post(
        PK_INFO,
        at!(2025-10-29 5:00),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Pakistan's information minister: the dialogue \"failed to bring about any workable solution\"",
            "text": "Information Minister Attaullah Tarar confirmed early on Wednesday that the talks had failed: \"The dialogue failed to bring about any workable solution.\" He said \"the Afghan Taliban resorted to blame game, deflection and ruses\"; that Pakistan had provided \"sufficient and irrefutable evidence\" of terrorist networks operating from Afghan soil, which he said was acknowledged by the Afghan side and the hosts, while Kabul gave no assurances or written commitments; that Pakistan had time and again asked the Afghan side to fulfil its written commitments under the Doha Agreement; and that \"Pakistan's patience has run its course\". He said Pakistan attended the Doha and Istanbul rounds \"to give peace a chance\" at the request of Qatar and Türkiye, and thanked Türkiye, Qatar and \"other friendly states\".",
            "on_behalf_of": [PAKISTAN],
            "session": day4,
            "sources": [
                quotes(MNTV, "Information Minister Attaullah Tarar", "“The dialogue failed to bring about any workable solution,” Tarar said. “Pakistan will continue to take all possible measures necessary to protect its people from the menace of terrorism.”"),
                quotes(MNTV, "Information Minister Attaullah Tarar", "“Instead of accepting any responsibility, the Afghan Taliban resorted to blame game, deflection and ruses,” Tarar said."),
                quotes(MNTV, "Information Minister Attaullah Tarar", "He said Pakistan had provided “sufficient and irrefutable evidence” of terrorist networks operating from Afghan soil, which was acknowledged by both the Afghan side and mediators, but Kabul gave no assurances or written commitments."),
                quotes(PTV, "Information Minister Attaullah Tarar, in a statement on X", "“Irrefutable evidence was shared and acknowledged by the Afghan side and the hosts,” he said."),
                quotes(PTV, "Information Minister Attaullah Tarar, in a statement on X", "“Pakistan has time and again asked the Afghan Taliban regime to fulfil their written commitments under the Doha Agreement,” Tarar said."),
                quotes(PTV, "Information Minister Attaullah Tarar, in a statement on X", "“For four years, Pakistan has borne heavy losses in men and material. Pakistan’s patience has run its course,” he said."),
                quotes(PTV, "Information Minister Attaullah Tarar, in a statement on X", "Tarar added that Pakistan attended the Doha and Istanbul rounds “to give peace a chance” at the request of Qatar and Türkiye."),
                quotes(MNTV, "Information Minister Attaullah Tarar", "He added that Pakistan was grateful to Türkiye, Qatar, and “other friendly states” for their efforts to secure a peaceful resolution."),
            ],
            "illustrative": SIGNER_NOTE,
        }),
    )?;
    log.post(
        PK_INFO,
        at!(2025-10-29 5:30),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Pakistan's defence minister: \"Whenever we got close to an agreement, they called Kabul and withdrew\"",
            "text": "Defence Minister Khawaja Asif alleged that the Afghan delegation \"backpedaled\" several times after contacting Kabul during the talks: \"Whenever we got close to an agreement, they called Kabul and withdrew,\" he told Geo News. He also alleged: \"I believe the negotiations were sabotaged. The people in Kabul pulling the strings are being controlled by Delhi.\"",
            "on_behalf_of": [PAKISTAN],
            "session": day4,
            "sources": [
                quotes(MNTV, "Defence Minister Khawaja Asif, to Geo News", "Defence Minister Khawaja Asif went further, alleging that the Afghan delegation “backpedaled” several times after contacting Kabul during the talks. “Whenever we got close to an agreement, they called Kabul and withdrew,” Asif told Geo News."),
                quotes(MNTV, "Defence Minister Khawaja Asif", "“I believe the negotiations were sabotaged. The people in Kabul pulling the strings are being controlled by Delhi.”"),
            ],
            "illustrative": SIGNER_NOTE,
        }),
    )?;
    log.post(
        PK_INFO,
        at!(2025-10-29 6:30),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Pakistani officials: no agreement without verifiable guarantees",
            "text": "Pakistani officials say no agreement will be acceptable without verifiable guarantees that Afghan soil will not be used for terrorism.",
            "on_behalf_of": [PAKISTAN],
            "sources": [
                quotes(MNTV, "Pakistani officials", "Pakistani officials say no agreement will be acceptable without verifiable guarantees that Afghan soil will not be used for terrorism."),
            ],
            "illustrative": SIGNER_NOTE,
        }),
    )?;
    log.post(
        AF_SPOKES,
        at!(2025-10-29 6:00),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Afghan officials: the talks were \"inconclusive\"",
            "text": "Afghan officials described the talks as \"inconclusive\" and accused the Pakistani delegation of \"improper conduct\" and of making \"demands unacceptable to Afghanistan\".",
            "on_behalf_of": [AFGHANISTAN],
            "session": day4,
            "sources": [
                quotes(MNTV, "Afghan officials", "Afghan officials also described the talks as “inconclusive” and accused the Pakistani delegation of “improper conduct” and making “demands unacceptable to Afghanistan.”"),
            ],
            "illustrative": SIGNER_NOTE,
        }),
    )?;
    log.post(
        AF_SPOKES,
        at!(2025-10-29 6:15),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Afghan officials: Islamabad refuses to recognise Afghan sovereignty",
            "text": "Afghan officials expressed frustration at what they saw as Islamabad's refusal to recognise Afghan sovereignty.",
            "on_behalf_of": [AFGHANISTAN],
            "session": day4,
            "sources": [
                quotes(MNTV, "Afghan officials", "Afghan officials also expressed frustration at what they saw as Islamabad’s refusal to recognize Afghan sovereignty."),
            ],
            "illustrative": SIGNER_NOTE,
        }),
    )?;
    log.post(
        AF_SPOKES,
        at!(2025-10-29 6:30),
        Kind::Statement,
        json!({
            "category": "public_statement",
            "title": "Afghan officials: nothing implying control over the TTP or concessions on airspace",
            "text": "Afghan officials insist they will not sign anything implying control over the TTP or concessions on airspace.",
            "on_behalf_of": [AFGHANISTAN],
            "sources": [
                quotes(MNTV, "Afghan officials", "Afghan officials insist they will not sign anything implying control over the TTP or concessions on airspace."),
            ],
            "illustrative": SIGNER_NOTE,
        }),
    )?;
    log.post(
        TR_SECRETARIAT,
        at!(2025-10-29 7:00),
        Kind::Statement,
        json!({
            "category": "mediators_statement",
            "title": "A senior Turkish official: \"The ceasefire is fragile but alive\"",
            "text": "A senior Turkish official, not named in the report, said the mediators remain optimistic: \"We remain positive that both sides can retrieve this process. The ceasefire is fragile but alive. A short annex on verification could unlock a political round.\"",
            "on_behalf_of": [TURKIYE],
            "session": day4,
            "sources": [
                quotes(MNTV, "a senior Turkish official", "A senior Turkish official said the mediators remain optimistic. “We remain positive that both sides can retrieve this process,” the official said."),
                quotes(MNTV, "a senior Turkish official", "“The ceasefire is fragile but alive. A short annex on verification could unlock a political round.”"),
            ],
            "illustrative": "The words are an unnamed senior Turkish official's, as reported; that the talks' secretariat signs them for Türkiye is illustrative. The reports quote no Qatari official.",
        }),
    )?;
    Ok(())
}

/// 30-31 October: the joint statement issued by Türkiye's foreign ministry
/// for all four, signed by Türkiye alone (the others did not sign it here).
pub fn joint_statement(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    log.post(
        TR_MFA,
        at!(2025-10-31 9:00),
        Kind::Statement,
        json!({
            "category": "joint_statement",
            "title": "Joint statement: ceasefire maintained, monitoring and verification mechanism agreed in principle",
            "text": "Issued by Türkiye's foreign ministry on behalf of Pakistan, Afghanistan, Türkiye and Qatar. The parties agreed to keep the ceasefire and to put in place a monitoring and verification mechanism that will ensure maintenance of peace and imposing penalty on the violating party. The modalities are left to a principal-level meeting in Istanbul on 6 November 2025.",
            "on_behalf_of": [PAKISTAN, AFGHANISTAN, TURKIYE, QATAR],
            "illustrative": "Dated 31 October; the statement was reported on 30-31 October 2025 and is not among the five reports the demo quotes.",
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
            "title": "Istanbul third round (principal level), 6-7 November",
            "place": "Istanbul, Türkiye",
            "start": at!(2025-11-06 7:00),
            "end": at!(2025-11-07 17:00),
            "attendees": [
                {"participant": PAKISTAN, "name": "Lt. Gen. Asim Malik", "role": "ISI chief, head of delegation"},
                {"participant": AFGHANISTAN, "name": "Abdul Haq Wasiq", "role": "Intelligence chief, head of delegation"},
                {"participant": AFGHANISTAN, "name": "Suhail Shaheen", "role": "Delegation member"},
                {"participant": AFGHANISTAN, "name": "Anas Haqqani", "role": "Delegation member"},
                {"participant": AFGHANISTAN, "name": "Rahmatullah Najeeb", "role": "Delegation member"},
                {"participant": TURKIYE, "name": "Turkish mediators", "role": "Host"},
                {"participant": QATAR, "name": "Qatari mediators", "role": "Co-mediators"},
            ],
            "summary": "The principal-level meeting to which the joint statement left the modalities of the monitoring and verification mechanism. It ended without agreement on the mechanism, which was therefore never set up.",
            "outcome": "No agreement on the mechanism",
            "illustrative": "Times of day illustrative; the dates, delegations and outcome are as reported after the five reports the demo quotes.",
        }),
    )
}
