//! The record of the ground: incident reports from both sides and the other
//! side's answers, two reports of one event linked, an investigation, the
//! mediators' findings and the consequences of verified violations.
//!
//! Each report is its author's claim. The infiltration attempts in Kurram and
//! North Waziristan, the airspace violations Afghanistan attributes to
//! Pakistan and the tension at Torkham and Spin Boldak are from the reports;
//! coordinates, times, responses and everything the mechanism does (it never
//! existed) are illustrative, and each record says so.
//!
//! Outcomes the public record never had (an investigation, findings,
//! determinations, penalties) fall only on incidents that are themselves
//! illustrative (the crossing closures, one drone strike), never on the two
//! infiltration attempts the reports describe, and they are mirrored: one
//! closure found against each party, each with the same determination and
//! consequence, each objected to; the one investigation asks both parties for
//! information; the one pending finding is inconclusive. No visit is refused.

use crate::cast::*;
use crate::press::{MNTV, TRUTH_INTERNATIONAL, says};
use crate::{Log, ScenarioError, at};
use serde_json::{Value, json};
use truce_core::kinds::Kind;
use truce_core::values::Timestamp;
use truce_tlog::Hash;

const MECHANISM_NOTE: &str = "Illustrative: the mechanism did not exist; this shows how it would work. It is not the act of any real mediator.";
const INFILTRATIONS_REPORTED: &str = "As the Istanbul talks continued, Pakistan’s military reported two infiltration attempts along the Pak-Afghan border in Kurram and North Waziristan.";
const CROSSINGS_REPORTED: &str = "The Doha ceasefire still technically holds, though border incidents continue. Crossings at Spin Boldak and Torkham remain tense, and trade between the two countries has slowed sharply.";
const NO_FIGURES: &str =
    "The reports give no casualty figures for this incident; none are recorded.";

fn place(
    lat_e6: i64,
    lon_e6: i64,
    precision: &str,
    country: &str,
    admin1: &str,
    admin2: &str,
    location: &str,
) -> Value {
    json!({
        "point": {"lat_e6": lat_e6, "lon_e6": lon_e6},
        "precision": precision,
        "country": country,
        "admin1": admin1,
        "admin2": admin2,
        "location": location,
    })
}

fn when(at: Timestamp, precision: &str) -> Value {
    json!({"at": at, "precision": precision})
}

/// 21-24 October: an airspace violation and a drone strike Afghanistan
/// attributes to Pakistan; returns the drone strike report.
pub fn early_reports(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    let khost_airspace = log.post(
        AF_LIAISON,
        at!(2025-10-22 6:00),
        Kind::IncidentReport,
        json!({
            "title": "Airspace violation over Khost",
            "incident_type": "airspace_violation",
            "time": when(at!(2025-10-21 22:00), "hour"),
            "places": [place(33_339_500, 69_920_400, "locality", "Afghanistan", "Khost", "Khost", "Khost city")],
            "accused": PAKISTAN,
            "actor": "Drone, attributed by the reporter to Pakistan",
            "narrative": format!("Afghanistan reports that a drone flew over Khost city for about an hour on the night of 21 October, which it attributes to Pakistan, in breach of the ceasefire agreed in Doha. {NO_FIGURES}"),
            "sources": ["Afghanistan's Ministry of Interior"],
            "illustrative": "One instance of the airspace violations Afghanistan attributes to Pakistan; time, place and coordinates illustrative.",
        }),
    )?;
    log.post(
        PK_LIAISON,
        at!(2025-10-23 10:00),
        Kind::IncidentResponse,
        json!({
            "incident": khost_airspace,
            "stance": "deny",
            "narrative": "Pakistan denies that any Pakistani aircraft or drone entered Afghan airspace over Khost.",
            "counter_claims": ["Pakistan says it conducted no flight operations in the area that night."],
            "illustrative": "Response illustrative.",
        }),
    )?;
    let paktika_drone = log.post(
        AF_LIAISON,
        at!(2025-10-24 5:00),
        Kind::IncidentReport,
        json!({
            "title": "Drone strike in Barmal district, Paktika",
            "incident_type": "drone_strike",
            "time": when(at!(2025-10-23 21:00), "hour"),
            "places": [place(32_760_000, 69_280_000, "district", "Afghanistan", "Paktika", "Barmal", "Barmal district")],
            "accused": PAKISTAN,
            "actor": "Drone, attributed by the reporter to Pakistan",
            "narrative": format!("Afghanistan reports a drone strike in Barmal district, Paktika, which it attributes to Pakistan, and demands an end to the drone strikes and airspace violations it attributes to Pakistan. {NO_FIGURES}"),
            "sources": ["Afghanistan's Ministry of Interior"],
            "illustrative": "One instance of the drone strikes Afghanistan attributes to Pakistan; time, place and coordinates illustrative.",
        }),
    )?;
    Ok(paktika_drone)
}

/// 25 October: the two infiltration attempts Pakistan's military reported during the talks.
pub struct Infiltrations {
    pub kurram: Hash,
    pub north_waziristan: Hash,
}

pub fn infiltrations(log: &mut Log<'_>) -> Result<Infiltrations, ScenarioError> {
    let note = "Coordinates and times illustrative; the attempt and its district are as Pakistan's military reported. The reports name no group for it.";
    let kurram = log.post(
        PK_LIAISON,
        at!(2025-10-25 18:00),
        Kind::IncidentReport,
        json!({
            "title": "Infiltration attempt across the border in Kurram",
            "incident_type": "infiltration_attempt",
            "time": when(at!(2025-10-25 0:00), "day"),
            "places": [place(33_870_000, 69_980_000, "district", "Pakistan", "Khyber Pakhtunkhwa", "Kurram", "Kurram district, near the border")],
            "accused": AFGHANISTAN,
            "actor": "Militants, as the reporter describes them (no group named)",
            "narrative": format!("Pakistan's military reports an infiltration attempt along the border in Kurram district, during the Istanbul talks, and holds Afghanistan responsible for the use of its territory. {NO_FIGURES}"),
            "sources": ["Pakistan's military", says(TRUTH_INTERNATIONAL, INFILTRATIONS_REPORTED)],
            "illustrative": note,
        }),
    )?;
    let north_waziristan = log.post(
        PK_LIAISON,
        at!(2025-10-25 19:00),
        Kind::IncidentReport,
        json!({
            "title": "Infiltration attempt across the border in North Waziristan",
            "incident_type": "infiltration_attempt",
            "time": when(at!(2025-10-25 0:00), "day"),
            "places": [place(32_980_000, 69_900_000, "district", "Pakistan", "Khyber Pakhtunkhwa", "North Waziristan", "North Waziristan district, near the border")],
            "accused": AFGHANISTAN,
            "actor": "Militants, as the reporter describes them (no group named)",
            "narrative": format!("Pakistan's military reports an infiltration attempt along the border in North Waziristan, during the Istanbul talks, and holds Afghanistan responsible for the use of its territory. {NO_FIGURES}"),
            "sources": ["Pakistan's military", says(TRUTH_INTERNATIONAL, INFILTRATIONS_REPORTED)],
            "illustrative": note,
        }),
    )?;
    Ok(Infiltrations {
        kurram,
        north_waziristan,
    })
}

/// 26 October: Afghanistan answers both reports, in its stated position.
pub fn infiltration_answers(
    log: &mut Log<'_>,
    reports: &Infiltrations,
) -> Result<(), ScenarioError> {
    let note = "Wording illustrative; the position (the militants are Pakistani nationals, outside Kabul's control) is Afghanistan's as reported.";
    log.post(
        AF_LIAISON,
        at!(2025-10-26 12:00),
        Kind::IncidentResponse,
        json!({
            "incident": reports.kurram,
            "stance": "dispute",
            "narrative": "Afghanistan disputes the report. Its position: the militants are Pakistani nationals, outside Kabul's control, and territory under its control is not used for attacks on Pakistan.",
            "counter_claims": ["The militants Pakistan names are Pakistani nationals, outside Kabul's control."],
            "illustrative": note,
        }),
    )?;
    log.post(
        AF_LIAISON,
        at!(2025-10-26 12:30),
        Kind::IncidentResponse,
        json!({
            "incident": reports.north_waziristan,
            "stance": "deny",
            "narrative": "Afghanistan denies that anyone crossed into North Waziristan from territory under its control. Its position: the militants are Pakistani nationals, outside Kabul's control.",
            "illustrative": note,
        }),
    )?;
    Ok(())
}

/// The crossing reports: all illustrative instances of the tension the reports describe.
pub struct Crossings {
    /// Torkham, closed (Afghanistan reports; Pakistan acknowledges).
    pub torkham: Hash,
    /// Ghulam Khan, closed (Pakistan reports; Afghanistan acknowledges).
    pub ghulam_khan: Hash,
    /// Spin Boldak-Chaman, one halt reported by each side against the other.
    pub spin_boldak: Hash,
    pub chaman: Hash,
}

/// 27 October - 1 November: the crossings (back-filled to 31 October). Torkham and Ghulam Khan each closed
/// from one side, as the other reports and the closing side acknowledges (a
/// mirrored pair); one halt at Spin Boldak-Chaman reported by both sides, each
/// blaming the other, and linked as one event. Pakistan's late answer to the
/// Paktika report falls here too.
pub fn crossings(log: &mut Log<'_>, paktika_drone: Hash) -> Result<Crossings, ScenarioError> {
    let crossing_note = "The incident, which side halted movement, the times and the coordinates are illustrative; that the crossings were tense and trade slowed sharply is as reported.";
    let torkham = log.post(
        AF_LIAISON,
        at!(2025-10-27 11:00),
        Kind::IncidentReport,
        json!({
            "title": "Torkham crossing closed to trade and pedestrians",
            "incident_type": "crossing_closure",
            "time": when(at!(2025-10-27 6:00), "hour"),
            "places": [place(34_103_500, 71_080_000, "locality", "Afghanistan", "Nangarhar", "Mohmand Dara", "Torkham crossing")],
            "accused": PAKISTAN,
            "actor": "Pakistani border authorities, as named by the reporter",
            "narrative": "Afghanistan reports that the Torkham crossing was closed from the Pakistani side to trade and to pedestrians; trucks are held on both sides and trade has slowed sharply.",
            "sources": ["Afghanistan's Ministry of Interior", says(MNTV, CROSSINGS_REPORTED)],
            "illustrative": crossing_note,
        }),
    )?;
    let ghulam_khan = log.post(
        PK_LIAISON,
        at!(2025-10-27 11:30),
        Kind::IncidentReport,
        json!({
            "title": "Ghulam Khan crossing closed to trade and pedestrians",
            "incident_type": "crossing_closure",
            "time": when(at!(2025-10-27 7:00), "hour"),
            "places": [place(33_180_000, 70_040_000, "locality", "Pakistan", "Khyber Pakhtunkhwa", "North Waziristan", "Ghulam Khan crossing")],
            "accused": AFGHANISTAN,
            "actor": "Afghan border forces, as named by the reporter",
            "narrative": "Pakistan reports that the Ghulam Khan crossing was closed from the Afghan side to trade and to pedestrians; trucks are held on both sides.",
            "sources": ["Pakistan's Frontier Corps, Khyber Pakhtunkhwa", says(MNTV, CROSSINGS_REPORTED)],
            "illustrative": crossing_note,
        }),
    )?;
    let spin_boldak = log.post(
        AF_LIAISON,
        at!(2025-10-28 7:00),
        Kind::IncidentReport,
        json!({
            "title": "Movement halted at the Spin Boldak-Chaman crossing",
            "incident_type": "crossing_closure",
            "time": when(at!(2025-10-28 4:00), "hour"),
            "places": [place(30_997_000, 66_395_000, "locality", "Afghanistan", "Kandahar", "Spin Boldak", "Spin Boldak-Chaman crossing")],
            "accused": PAKISTAN,
            "actor": "Pakistani border authorities, as named by the reporter",
            "narrative": "Afghanistan reports that movement of traders and pedestrians through the Spin Boldak-Chaman crossing was halted from the Pakistani side.",
            "sources": ["Afghanistan's Ministry of Interior", says(MNTV, CROSSINGS_REPORTED)],
            "illustrative": crossing_note,
        }),
    )?;
    let chaman = log.post(
        PK_LIAISON,
        at!(2025-10-28 8:00),
        Kind::IncidentReport,
        json!({
            "title": "Movement halted at the Chaman-Spin Boldak crossing",
            "incident_type": "crossing_closure",
            "time": when(at!(2025-10-28 4:00), "hour"),
            "places": [place(30_992_000, 66_401_000, "locality", "Pakistan", "Balochistan", "Chaman", "Chaman-Spin Boldak crossing")],
            "accused": AFGHANISTAN,
            "actor": "Afghan border forces, as named by the reporter",
            "narrative": "Pakistan reports that movement through the Chaman-Spin Boldak crossing was halted after Afghan border forces closed the gate on their side.",
            "sources": ["Pakistan's Frontier Corps, Balochistan", says(MNTV, CROSSINGS_REPORTED)],
            "illustrative": crossing_note,
        }),
    )?;
    log.post(
        PK_LIAISON,
        at!(2025-10-28 9:00),
        Kind::IncidentResponse,
        json!({
            "incident": paktika_drone,
            "stance": "dispute",
            "narrative": "Pakistan disputes the report: it says it conducted no strike in Paktika after the ceasefire took effect, and asks that the evidence be examined by the mediators.",
            "counter_claims": ["No Pakistani strike in Paktika after 19 October 2025 (Pakistan's claim)."],
            "illustrative": "Response illustrative, as is its lateness.",
        }),
    )?;
    log.post(
        PK_LIAISON,
        at!(2025-10-28 9:30),
        Kind::IncidentResponse,
        json!({
            "incident": torkham,
            "stance": "acknowledge",
            "narrative": "Pakistan acknowledges that the crossing was closed to commercial traffic from its side, as a security measure while the talks continue; it says this is no breach of the ceasefire.",
            "illustrative": "Response illustrative.",
        }),
    )?;
    log.post(
        AF_LIAISON,
        at!(2025-10-28 9:30),
        Kind::IncidentResponse,
        json!({
            "incident": ghulam_khan,
            "stance": "acknowledge",
            "narrative": "Afghanistan acknowledges that the crossing was closed to commercial traffic from its side, as a security measure while the talks continue; it says this is no breach of the ceasefire.",
            "illustrative": "Response illustrative.",
        }),
    )?;
    log.post(
        PK_LIAISON,
        at!(2025-10-29 10:00),
        Kind::IncidentResponse,
        json!({
            "incident": spin_boldak,
            "stance": "dispute",
            "narrative": "Pakistan says movement was halted from the Afghan side of the crossing; see its own report of the same event.",
            "illustrative": "Response illustrative.",
        }),
    )?;
    // The mechanism's own act, so after its charter of 31 October.
    log.post(
        QA_ANALYST,
        at!(2025-10-31 13:30),
        Kind::IncidentLink,
        json!({
            "incidents": [spin_boldak, chaman],
            "relation": "duplicate",
            "note": "Two reports of one event: the halt of movement at the Spin Boldak-Chaman crossing on 28 October, each side holding the other responsible. Linked as one event; both accounts stand. (Illustrative.)",
        }),
    )?;
    log.post(
        AF_LIAISON,
        at!(2025-11-01 10:00),
        Kind::IncidentResponse,
        json!({
            "incident": chaman,
            "stance": "dispute",
            "narrative": "Afghanistan says movement was halted from the Pakistani side of the crossing; see its own report of the same event.",
            "illustrative": "Response illustrative, as is its lateness.",
        }),
    )?;
    Ok(Crossings {
        torkham,
        ghulam_khan,
        spin_boldak,
        chaman,
    })
}

/// 31 October - 1 November, once the charter is signed: the mediators investigate the halt at Spin
/// Boldak-Chaman, which each side blames on the other, asking both for
/// information. Recorded on both linked reports.
pub fn investigation(log: &mut Log<'_>, crossings: &Crossings) -> Result<(), ScenarioError> {
    let steps = [
        (
            at!(2025-10-31 14:30),
            json!({
                "step": "opened",
                "details": "The mediators open an investigation into the halt of movement at the Spin Boldak-Chaman crossing on 28 October, reported by both parties, each holding the other responsible.",
            }),
        ),
        (
            at!(2025-11-01 8:00),
            json!({
                "step": "team_assigned",
                "details": "A joint team of the mediators' analysts is assigned.",
                "team": ["Verification analyst, Türkiye", "Verification analyst, Qatar"],
            }),
        ),
        (
            at!(2025-11-01 10:00),
            json!({
                "step": "information_requested",
                "details": "The team asks Pakistan for its border authorities' log of gate movements at Chaman on 28 October.",
                "concerns": PAKISTAN,
            }),
        ),
        (
            at!(2025-11-01 10:05),
            json!({
                "step": "information_requested",
                "details": "The team asks Afghanistan for its border forces' log of gate movements at Spin Boldak on 28 October.",
                "concerns": AFGHANISTAN,
            }),
        ),
    ];
    for (time, body) in &steps {
        for incident in [crossings.spin_boldak, crossings.chaman] {
            let mut body = body.clone();
            let fields = body.as_object_mut().ok_or_else(|| {
                ScenarioError::Invalid("an investigation step is not a JSON object".to_owned())
            })?;
            fields.insert("incident".to_owned(), json!(incident));
            fields.insert("illustrative".to_owned(), json!(MECHANISM_NOTE));
            log.post(TR_ANALYST, *time, Kind::Investigation, body)?;
        }
    }
    Ok(())
}

/// 3 November: fire on a border post, as Pakistan reports it; left unanswered.
pub fn border_fire(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    log.post(
        PK_LIAISON,
        at!(2025-11-03 6:00),
        Kind::IncidentReport,
        json!({
            "title": "Fire on a border post in North Waziristan",
            "incident_type": "cross_border_attack",
            "time": when(at!(2025-11-02 23:00), "hour"),
            "places": [place(33_100_000, 69_950_000, "district", "Pakistan", "Khyber Pakhtunkhwa", "North Waziristan", "Border post, North Waziristan")],
            "accused": AFGHANISTAN,
            "actor": "Militants firing from across the border, named by the reporter as TTP",
            "narrative": format!("Pakistan reports that militants fired on one of its border posts in North Waziristan from across the border, and holds Afghanistan responsible. {NO_FIGURES}"),
            "sources": ["Pakistan's military"],
            "illustrative": "One instance of the border incidents that continued after the talks (as reported); the incident, its time and place, and the absence of an answer are illustrative.",
        }),
    )
}

/// 4 November: a drone over Kabul, as Afghanistan reports it; left unanswered.
pub fn kabul_airspace(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    log.post(
        AF_LIAISON,
        at!(2025-11-04 6:00),
        Kind::IncidentReport,
        json!({
            "title": "Drone over Kabul",
            "incident_type": "airspace_violation",
            "time": when(at!(2025-11-03 21:00), "hour"),
            "places": [place(34_555_300, 69_207_500, "locality", "Afghanistan", "Kabul", "Kabul", "Kabul city")],
            "accused": PAKISTAN,
            "actor": "Drone, which the reporter says entered Afghan airspace through Pakistan",
            "narrative": format!("Afghanistan reports a drone over Kabul on the night of 3 November, which it says entered Afghan airspace through Pakistan, and repeats its demand that drones, including third-country drones, be kept out of Afghan airspace. {NO_FIGURES}"),
            "sources": ["Afghanistan's Ministry of Interior"],
            "illustrative": "One instance of the airspace violations Afghanistan attributes to Pakistan; the incident, its time and place, and the absence of an answer are illustrative.",
        }),
    )
}

/// One closure found against the party that acknowledged it, with the
/// violation determined, the first consequence decided, the party's objection
/// and its remedy.
struct Verdict {
    incident: Hash,
    party: &'static str,
    party_name: &'static str,
    crossing: &'static str,
    /// The member answering for the party.
    answers_as: &'static str,
}

/// 1 November 2025 plus `days`, at `hour` UTC.
fn november(day: u8, hour: u8) -> Result<Timestamp, ScenarioError> {
    let bad = |e: &dyn std::fmt::Display| ScenarioError::Invalid(format!("a verdict's time: {e}"));
    let date =
        time::Date::from_calendar_date(2025, time::Month::November, day).map_err(|e| bad(&e))?;
    let at = time::Time::from_hms(hour, 0, 0).map_err(|e| bad(&e))?;
    Timestamp::from_datetime(time::PrimitiveDateTime::new(date, at).assume_utc())
        .ok_or_else(|| bad(&"out of range"))
}

/// Writes the verdicts step by step, each step for every verdict an hour
/// apart, so that every member's records stay in time order.
fn verdicts(log: &mut Log<'_>, all: &[Verdict]) -> Result<(), ScenarioError> {
    let mut findings = Vec::new();
    for (i, v) in (0u8..).zip(all) {
        let (name, crossing) = (v.party_name, v.crossing);
        findings.push(log.post(
            TR_ANALYST,
            november(1, 15 + i)?,
            Kind::Finding,
            json!({
                "incident": v.incident,
                "determination": "partly_verified",
                "responsible": v.party,
                "actor": format!("{name}'s border authorities"),
                "reasoning": format!("The {crossing} crossing was closed to commercial traffic from {name}'s side on 27 October, as {name} acknowledges. That pedestrians were also turned back, as the report says, could not be verified. Under the charter, closing an agreed crossing without notice through the channel counts against the ceasefire; {name}'s view that it was a security measure is recorded in its response."),
                "illustrative": MECHANISM_NOTE,
            }),
        )?);
    }
    for (i, finding) in (0u8..).zip(&findings) {
        log.post(
            QA_ANALYST,
            november(1, 18 + i)?,
            Kind::Concurrence,
            json!({"record": finding, "note": "Qatar concurs. (Illustrative.)"}),
        )?;
    }
    let mut determinations = Vec::new();
    for ((i, v), finding) in (0u8..).zip(all).zip(&findings) {
        determinations.push(log.post(
            QA_MEDIATOR,
            november(2, 10 + i)?,
            Kind::ViolationDetermination,
            json!({
                "finding": finding,
                "party": v.party,
                "consequence_level": 1,
                "reasoning": "A partly verified closure of an agreed crossing without notice; the first verified violation by this party, so the first step of the schedule applies.",
                "illustrative": MECHANISM_NOTE,
            }),
        )?);
    }
    for (i, determination) in (0u8..).zip(&determinations) {
        log.post(
            TR_ANALYST,
            november(2, 14 + i)?,
            Kind::Concurrence,
            json!({"record": determination, "note": "Türkiye concurs. (Illustrative.)"}),
        )?;
    }
    let mut decisions = Vec::new();
    for ((i, v), determination) in (0u8..).zip(all).zip(&determinations) {
        decisions.push(log.post(
            QA_MEDIATOR,
            november(3, 10 + i)?,
            Kind::PenaltyDecision,
            json!({
                "determination": determination,
                "consequence_level": 1,
                "measures": format!("Formal notice to {}, citing the finding on the {} crossing, asking that agreed crossings not be closed without notice through the channel.", v.party_name, v.crossing),
                "illustrative": MECHANISM_NOTE,
            }),
        )?);
    }
    for (i, decision) in (0u8..).zip(&decisions) {
        log.post(
            TR_ANALYST,
            november(3, 14 + i)?,
            Kind::Concurrence,
            json!({"record": decision, "note": "Türkiye concurs. (Illustrative.)"}),
        )?;
    }
    for ((v, finding), determination) in all.iter().zip(&findings).zip(&determinations) {
        let name = v.party_name;
        log.post(
            v.answers_as,
            november(4, 9)?,
            Kind::ViolationResponse,
            json!({
                "determination": determination,
                "stance": "object",
                "text": format!("{name} objects: the closure was a security measure at its own border, not a breach of the ceasefire (illustrative)."),
            }),
        )?;
        log.post(
            v.answers_as,
            november(4, 11)?,
            Kind::Remedy,
            json!({
                "finding": finding,
                "action": format!("{name} states that the {} crossing reopened to pedestrians and that commercial traffic will resume when security allows.", v.crossing),
                "illustrative": MECHANISM_NOTE,
            }),
        )?;
    }
    Ok(())
}

/// 1-5 November: the two crossing closures found, determined and decided,
/// one against each party, each objected to; and an inconclusive finding on
/// the Paktika drone strike that only one mediator has signed.
pub fn findings(
    log: &mut Log<'_>,
    crossings: &Crossings,
    paktika_drone: Hash,
) -> Result<(), ScenarioError> {
    verdicts(
        log,
        &[
            Verdict {
                incident: crossings.torkham,
                party: PAKISTAN,
                party_name: "Pakistan",
                crossing: "Torkham",
                answers_as: PK_LIAISON,
            },
            Verdict {
                incident: crossings.ghulam_khan,
                party: AFGHANISTAN,
                party_name: "Afghanistan",
                crossing: "Ghulam Khan",
                answers_as: AF_LIAISON,
            },
        ],
    )?;
    log.post(
        QA_MEDIATOR,
        at!(2025-11-05 14:00),
        Kind::Finding,
        json!({
            "incident": paktika_drone,
            "determination": "inconclusive",
            "reasoning": "The photograph Afghanistan filed shows debris but does not establish whose drone it was or when it fell; Pakistan disputes that it carried out any strike in Paktika after the ceasefire. Awaiting Türkiye's signature.",
            "illustrative": MECHANISM_NOTE,
        }),
    )?;
    Ok(())
}
