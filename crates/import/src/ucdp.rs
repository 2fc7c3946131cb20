//! UCDP GED rows in. GED has no narrative and no event types: a report's
//! narrative is what GED says of the event that Truce has no field for
//! (type of violence, conflict, dyad, sides, deaths of unknown status), and
//! its type is `other` unless a Truce export's own column says more.

use crate::error::{Reason, Rejected};
use crate::row::{Header, Row};
use crate::text::{
    PlaceColumns, code, count, day, event, event_places, exactly, first_of_event,
    illustrative_label, injured_note, killed, one_line, prose, sources, title, truce_columns,
};
use truce_core::kinds::incident::{Casualties, Dataset, Estimate, IncidentReport, IncidentType};
use truce_core::values::{Bounded, EventTime, GeoPrecision, TimePrecision};

pub(crate) const REQUIRED: &[&str] = &[
    "id",
    "date_start",
    "date_prec",
    "where_prec",
    "latitude",
    "longitude",
];

const PLACE: PlaceColumns = PlaceColumns {
    country: "country",
    admin1: "adm_1",
    admin2: "adm_2",
    location: "where_coordinates",
};

/// GED's `date_prec` as ours: 1 the day, 2-3 within a week, 4 within a
/// month; 5 (more than a month) has no Truce precision and reads as a
/// month, with GED's own code and `date_end` in the narrative.
fn time_precision(n: u8) -> TimePrecision {
    match n {
        1 => TimePrecision::Day,
        2 | 3 => TimePrecision::Week,
        _ => TimePrecision::Month,
    }
}

/// GED's `where_prec` as ours: 1 the exact place, 2 within 25 km of a
/// named one, 3 a district, 4 a province; 5-7 (a larger region, the
/// country, waters or air) read as a province, with GED's code in the
/// narrative.
fn geo_precision(n: u8) -> GeoPrecision {
    match n {
        1 => GeoPrecision::Exact,
        2 => GeoPrecision::Locality,
        3 => GeoPrecision::District,
        _ => GeoPrecision::Province,
    }
}

fn type_of_violence(code: &str) -> Option<&'static str> {
    match code {
        "1" => Some("state-based conflict"),
        "2" => Some("non-state conflict"),
        "3" => Some("one-sided violence"),
        _ => None,
    }
}

pub(crate) fn report(header: &Header, rows: &[Row]) -> Result<IncidentReport, Rejected> {
    let first = first_of_event(rows)?;
    let id = first.required(header, "id")?;
    let at = day(&first.cell(header, "date_start"))?;
    let date_prec = code(&first.cell(header, "date_prec"), "1, 2, 3, 4, 5", 5)?;
    let mut where_precs = Vec::new();
    let places = event_places(rows, header, &PLACE, |row| {
        let n = code(&row.cell(header, "where_prec"), "1 to 7", 7)?;
        where_precs.push(n);
        Ok(geo_precision(n))
    })?;
    let time = EventTime {
        at,
        precision: time_precision(date_prec),
    };
    let headline = first.cell(header, "source_headline");
    let source_cell = first.cell(header, "source_article");
    let mut overlong = Vec::new();
    let figure = |column: &'static str| count(&first.cell(header, column));
    let (best, low, high) = (figure("best")?, figure("low")?, figure("high")?);
    let place_name = [
        first.get(header, "where_coordinates"),
        first.get(header, "adm_2"),
        first.get(header, "adm_1"),
        first.get(header, "country"),
    ]
    .into_iter()
    .find(|n| !n.is_empty())
    .unwrap_or("an unnamed place");
    let made_title = if headline.is_empty() {
        format!(
            "UCDP GED event {} in {place_name}, {}",
            one_line(id),
            first.get(header, "date_start")
        )
    } else {
        headline.value.to_owned()
    };

    if header.truce && !first.get(header, "truce_leaf_hash").is_empty() {
        let truce = truce_columns(first, header)?;
        let (military, civilian) = (truce.killed_military, truce.killed_civilian);
        let casualties = split(
            military,
            civilian,
            low.unwrap_or(military.saturating_add(civilian)),
            high.unwrap_or(military.saturating_add(civilian)),
        )
        .map_err(|why| first.refuse("low", Reason::Estimates(why)))?;
        if let Some(best) = best
            && u64::from(best) != u64::from(military) + u64::from(civilian)
        {
            return Err(first.refuse(
                "best",
                Reason::FatalitiesDisagree {
                    fatalities: best,
                    military,
                    civilian,
                },
            ));
        }
        let mut narrative = format!(
            "Imported from a UCDP GED-format export of another Truce log (report {}); that format carries no narrative.",
            truce.leaf_hash
        );
        if truce.injured > 0 {
            narrative = format!("{narrative}\n\n{}", injured_note(truce.injured));
        }
        return Ok(IncidentReport {
            title: title(&made_title, first, Some("source_headline"))?,
            incident_type: truce.incident_type,
            time,
            places,
            accused: truce.accused,
            actor: truce.actor,
            casualties,
            narrative: prose(&narrative, None, first)?,
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

    // GED's own. Deaths on the two sides are combatants' (military);
    // civilians are civilians; deaths of unknown status stay in the
    // narrative, where GED's totals are too.
    let sources = sources(&source_cell, Some("UCDP GED"), &mut overlong)?;
    let sides = figure("deaths_a")?
        .unwrap_or_default()
        .saturating_add(figure("deaths_b")?.unwrap_or_default());
    let civilians = figure("deaths_civilians")?.unwrap_or_default();
    let unknown = figure("deaths_unknown")?.unwrap_or_default();
    let mut facts = vec![format!("UCDP GED event {}", one_line(id))];
    let relid = first.get(header, "relid");
    if !relid.is_empty() {
        facts.push(format!("relid {}", one_line(relid)));
    }
    if let Some(kind) = type_of_violence(first.get(header, "type_of_violence")) {
        facts.push(kind.to_owned());
    }
    for (column, what) in [
        ("conflict_name", "conflict"),
        ("dyad_name", "dyad"),
        ("side_a", "side A"),
        ("side_b", "side B"),
        ("where_description", "where"),
        ("event_clarity", "event clarity"),
        ("source_original", "original source"),
        ("source_office", "source office"),
        ("source_date", "source date"),
        ("code_status", "code status"),
    ] {
        let value = first.get(header, column);
        if !value.is_empty() {
            facts.push(format!("{what}: {}", one_line(value)));
        }
    }
    if date_prec == 5 {
        facts.push(format!(
            "date_prec 5: between {} and {}",
            first.get(header, "date_start"),
            first.get(header, "date_end")
        ));
    }
    if let Some(n) = where_precs.iter().find(|n| **n > 4) {
        facts.push(format!(
            "where_prec {n}: known only to a region larger than a province"
        ));
    }
    if let Some(best) = best {
        facts.push(format!(
            "deaths as GED estimates them: best {best}{}{}; {sides} on the sides, {civilians} civilians, {unknown} of unknown status",
            low.map_or(String::new(), |l| format!(", low {l}")),
            high.map_or(String::new(), |h| format!(", high {h}")),
        ));
    }
    for source in overlong {
        facts.push(format!("source: {source}"));
    }
    Ok(IncidentReport {
        title: title(&made_title, first, Some("source_headline"))?,
        incident_type: IncidentType::Other,
        time,
        places,
        accused: None,
        actor: None,
        casualties: Casualties {
            killed: killed(exactly(sides), exactly(civilians)),
            ..Casualties::default()
        },
        narrative: prose(&format!("[{}.]", facts.join("; ")), None, first)?,
        evidence: Bounded::default(),
        sources,
        illustrative: None,
        imported_from: Some(event(Dataset::UcdpGed, &first.cell(header, "id"))?),
    })
}

/// GED's low and high are for all the killed; a Truce export's killed
/// columns give the military and civilian best. The civilian figure is
/// taken as given and the range put on the military one, so that the
/// totals are what the file says.
fn split(military: u32, civilian: u32, low: u32, high: u32) -> Result<Casualties, String> {
    let civilian_low = civilian.min(low);
    let military = Estimate {
        low: low - civilian_low,
        best: military,
        high: high
            .checked_sub(civilian)
            .ok_or_else(|| format!("high {high} is below the civilian figure {civilian}"))?,
    };
    let civilian = Estimate {
        low: civilian_low,
        best: civilian,
        high: civilian,
    };
    if !(military.low <= military.best && military.best <= military.high) {
        return Err(format!(
            "low {low} and high {high} leave the military figure {} outside {}..{}",
            military.best, military.low, military.high
        ));
    }
    Ok(Casualties {
        killed: killed(military, civilian),
        ..Casualties::default()
    })
}
