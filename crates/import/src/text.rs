//! Cells into Truce's values: exact decimals for coordinates, one spelling
//! for dates, labels kept to one line, and the pieces both formats share
//! (places, sources, the `truce_*` columns of a Truce export).

use crate::error::{Reason, Rejected};
use crate::row::{Cell, Header, Row};
use truce_core::kinds::common::Source;
use truce_core::kinds::incident::{CasualtyFigures, Estimate, IncidentType};
use truce_core::values::{
    Bounded, Date, GeoPoint, GeoPrecision, Label, ParticipantId, Place, Prose, Timestamp,
};

/// A one-line name: line breaks inside a quoted cell become spaces.
pub(crate) fn label(cell: &Cell<'_>) -> Result<Option<Label>, Rejected> {
    if cell.is_empty() {
        return Ok(None);
    }
    Label::parse(one_line(cell.value))
        .map(Some)
        .map_err(|e| cell.refuse(e))
}

pub(crate) fn one_line(text: &str) -> String {
    text.split(['\r', '\n', '\t'])
        .filter(|part| !part.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A title made from the row, cut on a character boundary to fit a label.
pub(crate) fn title(text: &str, row: &Row, column: Option<&str>) -> Result<Label, Rejected> {
    let text = one_line(text);
    let fitted = if text.len() <= 200 {
        text
    } else {
        let mut end = 197;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", text.get(..end).unwrap_or_default())
    };
    Label::parse(fitted).map_err(|e| Rejected {
        line: row.line,
        column: column.map(str::to_owned),
        reason: Reason::Text(e),
    })
}

/// Prose keeps its paragraphs; Windows line ends become plain ones.
pub(crate) fn prose(text: &str, column: Option<&Cell<'_>>, row: &Row) -> Result<Prose, Rejected> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    Prose::parse(text).map_err(|e| match column {
        Some(cell) => cell.refuse(e),
        None => Rejected {
            line: row.line,
            column: None,
            reason: Reason::Text(e),
        },
    })
}

pub(crate) fn count(cell: &Cell<'_>) -> Result<Option<u32>, Rejected> {
    if cell.is_empty() {
        return Ok(None);
    }
    cell.value.parse::<u32>().map(Some).map_err(|_| {
        cell.refuse(Reason::Count {
            value: cell.value.to_owned(),
        })
    })
}

/// Decimal degrees to micro-degrees, exactly: the digits are read as
/// digits (no float), and a seventh decimal rounds half away from zero.
pub(crate) fn micro_degrees(cell: &Cell<'_>) -> Result<i64, Rejected> {
    let bad = || {
        cell.refuse(Reason::Degrees {
            value: cell.value.to_owned(),
        })
    };
    let (negative, digits) = match cell.value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cell.value.strip_prefix('+').unwrap_or(cell.value)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 3 || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    let mut micro: i64 = whole.parse::<i64>().map_err(|_| bad())? * 1_000_000;
    let mut scale = 100_000;
    for (i, b) in fraction.bytes().enumerate() {
        let digit = i64::from(b - b'0');
        if i < 6 {
            micro += digit * scale;
            scale /= 10;
        } else {
            if i == 6 && digit >= 5 {
                micro += 1;
            }
            break;
        }
    }
    Ok(if negative { -micro } else { micro })
}

/// The day an event happened on, as midnight UTC: ISO `2024-01-31`, or
/// ACLED's older `31 January 2024`.
pub(crate) fn day(cell: &Cell<'_>) -> Result<Timestamp, Rejected> {
    let bad = || {
        cell.refuse(Reason::Date {
            value: cell.value.to_owned(),
        })
    };
    if cell.is_empty() {
        return Err(cell.refuse(Reason::Missing));
    }
    let iso = match Date::parse(cell.value) {
        Ok(d) => d.to_string(),
        Err(_) => {
            let long = time::macros::format_description!(
                "[day padding:none] [month repr:long case_sensitive:false] [year]"
            );
            let d = time::Date::parse(&cell.value.replace('-', " "), long).map_err(|_| bad())?;
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
        }
    };
    Timestamp::parse(&format!("{iso}T00:00:00Z")).map_err(|_| bad())
}

/// A small integer code, one of `allowed` (as the format's codebook has it).
pub(crate) fn code(cell: &Cell<'_>, allowed: &'static str, max: u8) -> Result<u8, Rejected> {
    if cell.is_empty() {
        return Err(cell.refuse(Reason::Missing));
    }
    match cell.value.parse::<u8>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(cell.refuse(Reason::Code {
            value: cell.value.to_owned(),
            allowed,
        })),
    }
}

/// One place from a row: the point, its precision and its names.
pub(crate) struct PlaceColumns {
    pub(crate) country: &'static str,
    pub(crate) admin1: &'static str,
    pub(crate) admin2: &'static str,
    pub(crate) location: &'static str,
}

/// The first of an event's rows (it carries the event's other cells), once
/// the event is known to have no more places than a report holds.
pub(crate) fn first_of_event(rows: &[Row]) -> Result<&Row, Rejected> {
    let Some(first) = rows.first() else {
        return Err(Rejected {
            line: 0,
            column: None,
            reason: Reason::Missing,
        });
    };
    if rows.len() > 8 {
        return Err(first.refuse("truce_place", Reason::TooManyPlaces(rows.len())));
    }
    Ok(first)
}

/// An event's rows as the report's places, one a row; `precision` reads a
/// row's place precision its format's way.
pub(crate) fn event_places(
    rows: &[Row],
    header: &Header,
    names: &PlaceColumns,
    mut precision: impl FnMut(&Row) -> Result<GeoPrecision, Rejected>,
) -> Result<Bounded<Place, 8>, Rejected> {
    let mut places = Vec::with_capacity(rows.len());
    for row in rows {
        places.push(place(row, header, names, precision(row)?)?);
    }
    Bounded::new(places).map_err(|_| Rejected {
        line: rows.first().map_or(0, |r| r.line),
        column: None,
        reason: Reason::TooManyPlaces(rows.len()),
    })
}

pub(crate) fn place(
    row: &Row,
    header: &Header,
    names: &PlaceColumns,
    precision: GeoPrecision,
) -> Result<Place, Rejected> {
    let lat_cell = row.cell(header, "latitude");
    let lon_cell = row.cell(header, "longitude");
    if lat_cell.is_empty() {
        return Err(lat_cell.refuse(Reason::Missing));
    }
    if lon_cell.is_empty() {
        return Err(lon_cell.refuse(Reason::Missing));
    }
    let (lat, lon) = (micro_degrees(&lat_cell)?, micro_degrees(&lon_cell)?);
    let point = GeoPoint::new(lat, lon).map_err(|why| {
        let cell = if (-90_000_000..=90_000_000).contains(&lat) {
            &lon_cell
        } else {
            &lat_cell
        };
        cell.refuse(Reason::OffTheGlobe {
            value: cell.value.to_owned(),
            why,
        })
    })?;
    Ok(Place {
        point,
        precision,
        country: label(&row.cell(header, names.country))?,
        admin1: label(&row.cell(header, names.admin1))?,
        admin2: label(&row.cell(header, names.admin2))?,
        location: label(&row.cell(header, names.location))?,
        gazetteer_id: None,
    })
}

/// The sources a cell lists (`;`-separated), each as the file names it;
/// `dataset` (the dataset itself, to which the figures are attributed)
/// after them unless the cell already names it. A source too long for a
/// name is kept whole in `overlong`, for the narrative.
pub(crate) fn sources(
    cell: &Cell<'_>,
    dataset: Option<&str>,
    overlong: &mut Vec<String>,
) -> Result<Bounded<Source, 16>, Rejected> {
    let mut names: Vec<String> = Vec::new();
    for part in cell.value.split(';').map(one_line) {
        if part.is_empty() || names.contains(&part) {
            continue;
        }
        if part.len() > 200 {
            overlong.push(part);
        } else {
            names.push(part);
        }
    }
    if let Some(dataset) = dataset
        && !names.iter().any(|n| n == dataset)
    {
        names.push(dataset.to_owned());
    }
    let count = names.len();
    let mut sources = Vec::with_capacity(count);
    for name in names {
        sources.push(Source::Named(
            Label::parse(name).map_err(|e| cell.refuse(e))?,
        ));
    }
    Bounded::new(sources).map_err(|_| cell.refuse(Reason::TooManySources(count)))
}

/// What a Truce export's own columns say of its report.
pub(crate) struct TruceColumns {
    pub(crate) leaf_hash: String,
    pub(crate) incident_type: IncidentType,
    pub(crate) accused: Option<ParticipantId>,
    pub(crate) actor: Option<Label>,
    pub(crate) killed_military: u32,
    pub(crate) killed_civilian: u32,
    pub(crate) injured: u32,
    pub(crate) illustrative: bool,
}

pub(crate) fn truce_columns(row: &Row, header: &Header) -> Result<TruceColumns, Rejected> {
    let hash = row.cell(header, "truce_leaf_hash");
    let valid = hash.value.len() == 64
        && hash
            .value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        return Err(hash.refuse(Reason::LeafHash {
            value: hash.value.to_owned(),
        }));
    }
    let kind = row.cell(header, "truce_incident_type");
    let incident_type: IncidentType =
        serde_json::from_value(serde_json::Value::String(kind.value.to_owned())).map_err(|_| {
            kind.refuse(Reason::IncidentType {
                value: kind.value.to_owned(),
            })
        })?;
    let accused = row.cell(header, "truce_accused");
    let accused = if accused.is_empty() {
        None
    } else {
        Some(ParticipantId::parse(accused.value).map_err(|why| {
            accused.refuse(Reason::Participant {
                value: accused.value.to_owned(),
                why,
            })
        })?)
    };
    let figure =
        |column: &'static str| count(&row.cell(header, column)).map(Option::unwrap_or_default);
    Ok(TruceColumns {
        leaf_hash: hash.value.to_owned(),
        incident_type,
        accused,
        actor: label(&row.cell(header, "truce_actor"))?,
        killed_military: figure("truce_killed_military_best")?,
        killed_civilian: figure("truce_killed_civilian_best")?,
        injured: figure("truce_injured_best")?,
        illustrative: row.get(header, "truce_illustrative") == "true",
    })
}

/// An estimate known only as one figure.
pub(crate) fn exactly(n: u32) -> Estimate {
    Estimate {
        low: n,
        best: n,
        high: n,
    }
}

pub(crate) fn killed(military: Estimate, civilian: Estimate) -> CasualtyFigures {
    CasualtyFigures { military, civilian }
}

/// What a Truce export says an illustrative record is.
pub(crate) fn illustrative_label() -> Option<Label> {
    Label::parse("marked illustrative in the export it was imported from").ok()
}

/// The sentence a narrative gets for injured figures a CSV export gives
/// only as a total (it does not say whose).
pub(crate) fn injured_note(injured: u32) -> String {
    format!(
        "{injured} injured, as claimed in the export it was imported from (not broken down into military and civilian)."
    )
}

/// The dataset's event, its id checked as the body checks it, so a bad id
/// is refused with its column.
pub(crate) fn event(
    dataset: truce_core::kinds::incident::Dataset,
    cell: &Cell<'_>,
) -> Result<truce_core::kinds::incident::DatasetEvent, Rejected> {
    if cell.is_empty() {
        return Err(cell.refuse(Reason::Missing));
    }
    let event = truce_core::kinds::incident::DatasetEvent {
        dataset,
        event_id: Label::parse(cell.value).map_err(|e| cell.refuse(e))?,
    };
    event
        .validate()
        .map_err(|why| cell.refuse(Reason::Invalid(why)))?;
    Ok(event)
}
