//! The record of the ground: incident reports from both sides and the other
//! side's answers, two reports of one event linked, an investigation, the
//! mediators' findings and the consequences of one verified violation.
//!
//! Each report is its author's claim. The infiltration attempts in Kurram and
//! North Waziristan, the airspace violations Afghanistan attributes to
//! Pakistan and the tension at Torkham and Spin Boldak are from the reports;
//! coordinates, times, responses and everything the mechanism does (it never
//! existed) are illustrative, and each record says so.

use crate::cast::*;
use crate::{Log, ScenarioError, at};
use serde_json::{Value, json};
use truce_core::kinds::Kind;
use truce_core::values::Timestamp;
use truce_tlog::Hash;

const MECHANISM_NOTE: &str = "Illustrative: the mechanism did not exist; this shows how it would work. It is not the act of any real mediator.";
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
    let note = "Coordinates and times illustrative; the attempt, its district and the group named are as Pakistan's military reported.";
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
            "actor": "Tehrik-e-Taliban Pakistan (TTP), as named by the reporter",
            "narrative": format!("Pakistan's military reports an attempt by militants to infiltrate across the border from Afghanistan into Kurram district, during the Istanbul talks. Pakistan names the TTP and holds Afghanistan responsible for the use of its territory. {NO_FIGURES}"),
            "sources": ["Pakistan's military"],
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
            "actor": "Tehrik-e-Taliban Pakistan (TTP), as named by the reporter",
            "narrative": format!("Pakistan's military reports an attempt by militants to infiltrate across the border from Afghanistan into North Waziristan, during the Istanbul talks. Pakistan names the TTP and holds Afghanistan responsible for the use of its territory. {NO_FIGURES}"),
            "sources": ["Pakistan's military"],
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

/// 27 October - 1 November: the crossings. Torkham closed; one halt at Spin
/// Boldak-Chaman reported by both sides, each blaming the other, and linked as
/// one event. Pakistan's late answer to the Paktika report falls here too.
/// Returns the Torkham report.
pub fn crossings(log: &mut Log<'_>, paktika_drone: Hash) -> Result<Hash, ScenarioError> {
    let crossing_note = "Which side halted movement, the times and the coordinates are illustrative; that the crossing was tense and trade slowed sharply is as reported.";
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
            "sources": ["Afghanistan's Ministry of Interior"],
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
            "sources": ["Afghanistan's Ministry of Interior"],
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
            "sources": ["Pakistan's Frontier Corps, Balochistan"],
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
    log.post(
        QA_ANALYST,
        at!(2025-10-30 12:00),
        Kind::IncidentLink,
        json!({
            "incidents": [spin_boldak, chaman],
            "relation": "duplicate",
            "note": "Two reports of one event: the halt of movement at the Spin Boldak-Chaman crossing on 28 October, each side holding the other responsible. Linked as one event; both accounts stand.",
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
    Ok(torkham)
}

/// 29 October - 4 November: the mediators investigate the Kurram report.
pub fn investigation(log: &mut Log<'_>, kurram: Hash) -> Result<(), ScenarioError> {
    let steps = [
        (
            at!(2025-10-29 8:00),
            json!({
                "step": "opened",
                "details": "The mediators open an investigation into the infiltration attempt Pakistan reported in Kurram, which Afghanistan disputes.",
            }),
        ),
        (
            at!(2025-10-30 9:00),
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
                "details": "The team asks Afghanistan for information on movements in the border area opposite Kurram on 24-25 October.",
                "concerns": AFGHANISTAN,
            }),
        ),
        (
            at!(2025-11-04 11:00),
            json!({
                "step": "access_denied",
                "details": "The team's request to visit the border area on the Afghan side opposite Kurram was not granted.",
                "concerns": AFGHANISTAN,
            }),
        ),
    ];
    for (time, mut body) in steps {
        let fields = body.as_object_mut().ok_or_else(|| {
            ScenarioError::Invalid("an investigation step is not a JSON object".to_owned())
        })?;
        fields.insert("incident".to_owned(), json!(kurram));
        fields.insert("illustrative".to_owned(), json!(MECHANISM_NOTE));
        log.post(TR_ANALYST, time, Kind::Investigation, body)?;
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

/// 2-6 November: a finding signed by both mediators, the violation determined
/// and the first consequence decided, Pakistan's objection and remedy; and a
/// second finding that only one mediator has signed.
pub fn findings(
    log: &mut Log<'_>,
    torkham: Hash,
    north_waziristan: Hash,
) -> Result<(), ScenarioError> {
    let finding = log.post(
        TR_HOST,
        at!(2025-11-02 10:00),
        Kind::Finding,
        json!({
            "incident": torkham,
            "determination": "partly_verified",
            "responsible": PAKISTAN,
            "actor": "Pakistani border authorities",
            "reasoning": "The Torkham crossing was closed to commercial traffic from the Pakistani side on 27 October, as Pakistan acknowledges. That pedestrians were also turned back, as the report says, could not be verified. Under the charter, closing an agreed crossing without notice through the channel counts against the ceasefire; Pakistan's view that it was a security measure is recorded in its response.",
            "illustrative": MECHANISM_NOTE,
        }),
    )?;
    log.post(
        QA_ANALYST,
        at!(2025-11-03 9:00),
        Kind::Concurrence,
        json!({"record": finding, "note": "Qatar concurs."}),
    )?;
    let determination = log.post(
        QA_MEDIATOR,
        at!(2025-11-04 10:00),
        Kind::ViolationDetermination,
        json!({
            "finding": finding,
            "party": PAKISTAN,
            "consequence_level": 1,
            "reasoning": "A partly verified closure of an agreed crossing without notice; the first verified violation by this party, so the first step of the schedule applies.",
            "illustrative": MECHANISM_NOTE,
        }),
    )?;
    log.post(
        TR_HOST,
        at!(2025-11-04 12:00),
        Kind::Concurrence,
        json!({"record": determination, "note": "Türkiye concurs."}),
    )?;
    let decision = log.post(
        TR_HOST,
        at!(2025-11-05 10:00),
        Kind::PenaltyDecision,
        json!({
            "determination": determination,
            "consequence_level": 1,
            "measures": "Formal notice to Pakistan, citing the finding on the Torkham crossing, asking that agreed crossings not be closed without notice through the channel.",
            "illustrative": MECHANISM_NOTE,
        }),
    )?;
    log.post(
        QA_MEDIATOR,
        at!(2025-11-05 12:00),
        Kind::Concurrence,
        json!({"record": decision, "note": "Qatar concurs."}),
    )?;
    log.post(
        QA_MEDIATOR,
        at!(2025-11-05 14:00),
        Kind::Finding,
        json!({
            "incident": north_waziristan,
            "determination": "inconclusive",
            "reasoning": "The material shared does not establish where the group crossed from; Afghanistan denies that anyone crossed from territory under its control. Awaiting Türkiye's signature.",
            "illustrative": MECHANISM_NOTE,
        }),
    )?;
    log.post(
        PK_LIAISON,
        at!(2025-11-06 9:00),
        Kind::ViolationResponse,
        json!({
            "determination": determination,
            "stance": "object",
            "text": "Pakistan objects: the closure was a security measure at its own border, not a breach of the ceasefire (illustrative).",
        }),
    )?;
    log.post(
        PK_LIAISON,
        at!(2025-11-06 9:30),
        Kind::Remedy,
        json!({
            "finding": finding,
            "action": "Pakistan states that the Torkham crossing reopened to pedestrians on 6 November and that commercial traffic will resume when security allows.",
            "illustrative": MECHANISM_NOTE,
        }),
    )?;
    Ok(())
}
