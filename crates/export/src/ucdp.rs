//! UCDP GED-compatible CSV: GED's full column set, in GED's order, then
//! Truce's. Deaths are the reporter's claim: whose dead they were (side a,
//! side b) a report does not say, so military dead go to `deaths_unknown`
//! and `deaths_a`/`deaths_b` stay empty; `best`, `low` and `high` are the
//! reporter's own estimates. UCDP's own codings (type of violence, its
//! conflict and dyad ids, event clarity) are its coders' judgement and are
//! left empty rather than guessed.

use crate::mapping::{country, priogrid, ucdp_date_prec, ucdp_where_prec};
use crate::{ExportError, Incident, TRUCE_COLUMNS, day, degrees, name, sources, truce_columns};
use std::io::Write;
use truce_core::values::{TimePrecision, Timestamp};

pub const COLUMNS: [&str; 49] = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
];

pub fn write(incidents: &[Incident<'_>], out: impl Write) -> Result<(), ExportError> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS.iter().chain(TRUCE_COLUMNS.iter()))?;
    for i in incidents {
        for (n, place) in (1usize..).zip(&i.report.places) {
            let mut row = row(i, n, place);
            row.extend(truce_columns(i, n));
            csv.write_record(&row)?;
        }
    }
    csv.flush()?;
    Ok(())
}

/// The last day an event time of this precision may fall on.
fn date_end(at: Timestamp, precision: TimePrecision) -> String {
    let d = at.datetime().date();
    let end = match precision {
        TimePrecision::Minute | TimePrecision::Hour | TimePrecision::Day => Some(d),
        TimePrecision::Week => d.checked_add(time::Duration::days(6)),
        TimePrecision::Month => {
            time::Date::from_calendar_date(d.year(), d.month(), d.month().length(d.year())).ok()
        }
    };
    match end {
        Some(e) => format!("{:04}-{:02}-{:02}", e.year(), u8::from(e.month()), e.day()),
        None => day(at),
    }
}

fn row(i: &Incident<'_>, n: usize, place: &truce_core::values::Place) -> Vec<String> {
    let r = i.report;
    let country_name = place.country.as_ref().map_or("", |c| c.as_str());
    let known = country(country_name);
    let reporter = name(&i.reporter);
    let accused = name(&i.accused);
    // UCDP's sides carry no direction either: side a is whom the reporter
    // holds responsible, side b the reporter (see truce_reporter and
    // truce_accused for which is which).
    let side_a = match (&r.actor, accused) {
        (Some(actor), "") => actor.to_string(),
        (Some(actor), party) => format!("{party} ({actor})"),
        (None, party) => party.to_owned(),
    };
    let side_b = reporter.to_owned();
    let dyad = if side_a.is_empty() || side_b.is_empty() {
        String::new()
    } else {
        format!("{side_a} - {side_b}")
    };
    let gw_of = |party: &str| country(party).map_or(String::new(), |c| c.gw.to_string());
    let listed = sources(r);
    let c = &r.casualties;
    let killed = |f: fn(&truce_core::kinds::incident::Estimate) -> u32| {
        f(&c.killed.military).saturating_add(f(&c.killed.civilian))
    };
    let (lat, lon) = (place.point.lat_e6(), place.point.lon_e6());
    let at = r.time.at;
    vec![
        i.index.to_string(),
        format!("TRUCE-{}-{n}", i.index),
        at.datetime().year().to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        dyad,
        String::new(),
        String::new(),
        side_a,
        String::new(),
        String::new(),
        side_b,
        listed.len().max(1).to_string(),
        if listed.is_empty() {
            format!(
                "Report by {} to the mechanism, log index {}",
                if reporter.is_empty() { "?" } else { reporter },
                i.index
            )
        } else {
            listed.join("; ")
        },
        String::new(),
        day(i.reported_at),
        r.title.to_string(),
        format!(
            "{} (reporter); figures are its claim{}",
            if reporter.is_empty() { "?" } else { reporter },
            if i.illustrative { "; illustrative" } else { "" }
        ),
        ucdp_where_prec(place.precision).to_string(),
        place
            .location
            .as_ref()
            .map_or(String::new(), |l| l.to_string()),
        [
            place.location.as_ref(),
            place.admin2.as_ref(),
            place.admin1.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(", "),
        place
            .admin1
            .as_ref()
            .map_or(String::new(), |l| l.to_string()),
        place
            .admin2
            .as_ref()
            .map_or(String::new(), |l| l.to_string()),
        degrees(lat),
        degrees(lon),
        format!("POINT ({} {})", degrees(lon), degrees(lat)),
        priogrid(lat, lon).to_string(),
        country_name.to_owned(),
        known.map_or(String::new(), |c| c.gw.to_string()),
        known.map_or(String::new(), |c| c.ucdp_region.to_owned()),
        String::new(),
        ucdp_date_prec(r.time.precision).to_string(),
        day(at),
        date_end(at, r.time.precision),
        String::new(),
        String::new(),
        c.killed.civilian.best.to_string(),
        c.killed.military.best.to_string(),
        killed(|e| e.best).to_string(),
        killed(|e| e.high).to_string(),
        killed(|e| e.low).to_string(),
        gw_of(accused),
        gw_of(reporter),
    ]
}
