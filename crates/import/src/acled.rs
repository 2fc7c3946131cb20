//! ACLED rows in. One row is one event at one place; a Truce export's
//! report with several places is several consecutive rows with one leaf
//! hash, read back as one report.

use crate::error::{Reason, Rejected};
use crate::row::{Header, Row};
use crate::text::{
    PlaceColumns, code, count, day, event, event_places, exactly, first_of_event,
    illustrative_label, injured_note, killed, one_line, prose, sources, title, truce_columns,
};
use truce_core::kinds::incident::{Casualties, Dataset, IncidentReport, IncidentType};
use truce_core::values::{Bounded, EventTime, GeoPrecision, TimePrecision};

pub(crate) const REQUIRED: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "time_precision",
    "latitude",
    "longitude",
    "geo_precision",
];

const PLACE: PlaceColumns = PlaceColumns {
    country: "country",
    admin1: "admin1",
    admin2: "admin2",
    location: "location",
};

/// ACLED's sub-event type as ours, where ACLED has the kind of event as
/// such (the inverse of the export's table); everything else is `other`,
/// with ACLED's own classification in the narrative. ACLED does not tell
/// an air strike from a drone strike: "Air/drone strike" is `airstrike`.
fn incident_type(sub_event_type: &str) -> IncidentType {
    match sub_event_type {
        "Armed clash" => IncidentType::ArmedClash,
        "Air/drone strike" => IncidentType::Airstrike,
        "Shelling/artillery/missile attack" => IncidentType::Shelling,
        "Remote explosive/landmine/IED" => IncidentType::Ied,
        "Abduction/forced disappearance" => IncidentType::Abduction,
        _ => IncidentType::Other,
    }
}

fn time_precision(n: u8) -> TimePrecision {
    match n {
        1 => TimePrecision::Day,
        2 => TimePrecision::Week,
        _ => TimePrecision::Month,
    }
}

/// ACLED's 1 is the named place itself; a report says `locality` for
/// that (near a named town), never `exact`, which ACLED does not claim.
fn geo_precision(n: u8) -> GeoPrecision {
    match n {
        1 => GeoPrecision::Locality,
        2 => GeoPrecision::District,
        _ => GeoPrecision::Province,
    }
}

pub(crate) fn report(header: &Header, rows: &[Row]) -> Result<IncidentReport, Rejected> {
    let first = first_of_event(rows)?;
    let id = first.required(header, "event_id_cnty")?;
    let at = day(&first.cell(header, "event_date"))?;
    let precision = time_precision(code(&first.cell(header, "time_precision"), "1, 2, 3", 3)?);
    let places = event_places(rows, header, &PLACE, |row| {
        Ok(geo_precision(code(
            &row.cell(header, "geo_precision"),
            "1, 2, 3",
            3,
        )?))
    })?;
    let notes_cell = first.cell(header, "notes");
    let fatalities_cell = first.cell(header, "fatalities");
    let fatalities = count(&fatalities_cell)?;
    let source_cell = first.cell(header, "source");
    let mut overlong = Vec::new();
    let sub_event = first.get(header, "sub_event_type");
    let place_name = [
        first.get(header, "location"),
        first.get(header, "admin2"),
        first.get(header, "admin1"),
        first.get(header, "country"),
    ]
    .into_iter()
    .find(|n| !n.is_empty())
    .unwrap_or("an unnamed place");
    let made_title = format!(
        "{} in {place_name}, {}",
        if sub_event.is_empty() {
            "Event"
        } else {
            sub_event
        },
        first.get(header, "event_date")
    );
    let event_time = EventTime { at, precision };

    if header.truce && !first.get(header, "truce_leaf_hash").is_empty() {
        let truce = truce_columns(first, header)?;
        let (military, civilian) = (truce.killed_military, truce.killed_civilian);
        if let Some(f) = fatalities
            && u64::from(f) != u64::from(military) + u64::from(civilian)
        {
            return Err(fatalities_cell.refuse(Reason::FatalitiesDisagree {
                fatalities: f,
                military,
                civilian,
            }));
        }
        // The export's notes are the narrative and a bracket about the
        // log it came from; the bracket is that log's, not the report's.
        let notes = notes_cell.value;
        let narrative = match notes.rfind(" [Reported by ") {
            Some(at) if notes.ends_with(']') => notes.get(..at).unwrap_or(notes),
            _ => notes,
        };
        let mut narrative = narrative.trim().to_owned();
        if truce.injured > 0 {
            narrative = format!("{narrative}\n\n{}", injured_note(truce.injured));
        }
        if narrative.trim().is_empty() {
            narrative = format!(
                "Imported from an ACLED-format export of another Truce log (report {}).",
                truce.leaf_hash
            );
        }
        return Ok(IncidentReport {
            title: title(&made_title, first, None)?,
            incident_type: truce.incident_type,
            time: event_time,
            places,
            accused: truce.accused,
            actor: truce.actor,
            casualties: Casualties {
                killed: killed(exactly(military), exactly(civilian)),
                ..Casualties::default()
            },
            narrative: prose(&narrative, Some(&notes_cell), first)?,
            evidence: Bounded::default(),
            sources: sources(&source_cell, None, &mut overlong)?,
            illustrative: if truce.illustrative {
                illustrative_label()
            } else {
                None
            },
            imported_from: Some(event(
                Dataset::Truce,
                &first.cell(header, "truce_leaf_hash"),
            )?),
        });
    }

    // ACLED's own: what Truce has no field for is said in the narrative.
    let sources = sources(&source_cell, Some("ACLED"), &mut overlong)?;
    let mut facts = vec![format!("ACLED event {id}")];
    let class: Vec<&str> = ["disorder_type", "event_type", "sub_event_type"]
        .into_iter()
        .map(|c| first.get(header, c))
        .filter(|v| !v.is_empty())
        .collect();
    if !class.is_empty() {
        facts.push(format!("classified {}", class.join(" / ")));
    }
    let actor = |name: &str, assoc: &str| -> Option<String> {
        let (name, assoc) = (first.get(header, name), first.get(header, assoc));
        match (name.is_empty(), assoc.is_empty()) {
            (true, _) => None,
            (false, true) => Some(one_line(name)),
            (false, false) => Some(format!("{} (with {})", one_line(name), one_line(assoc))),
        }
    };
    let actors: Vec<String> = [
        actor("actor1", "assoc_actor_1"),
        actor("actor2", "assoc_actor_2"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !actors.is_empty() {
        facts.push(format!(
            "actors (ACLED gives them no direction): {}",
            actors.join("; ")
        ));
    }
    for (column, what) in [
        ("inter1", "inter1"),
        ("inter2", "inter2"),
        ("interaction", "interaction"),
        ("civilian_targeting", "civilian targeting"),
        ("admin3", "admin3"),
        ("iso", "iso"),
        ("region", "region"),
        ("source_scale", "source scale"),
        ("tags", "tags"),
        ("timestamp", "ACLED timestamp"),
    ] {
        let value = first.get(header, column);
        if !value.is_empty() {
            facts.push(format!("{what}: {}", one_line(value)));
        }
    }
    if let Some(f) = fatalities {
        facts.push(format!(
            "{f} fatalities as ACLED records them (not broken down into military and civilian)"
        ));
    }
    for source in overlong {
        facts.push(format!("source: {source}"));
    }
    let trailer = format!("[{}.]", facts.join("; "));
    let narrative = if notes_cell.is_empty() {
        trailer
    } else {
        format!("{}\n\n{trailer}", notes_cell.value)
    };
    Ok(IncidentReport {
        title: title(&made_title, first, None)?,
        incident_type: incident_type(sub_event),
        time: event_time,
        places,
        accused: None,
        actor: None,
        casualties: Casualties::default(),
        narrative: prose(&narrative, Some(&notes_cell), first)?,
        evidence: Bounded::default(),
        sources,
        illustrative: None,
        imported_from: Some(event(Dataset::Acled, &first.cell(header, "event_id_cnty"))?),
    })
}
