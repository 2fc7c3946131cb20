//! ACLED-compatible CSV: ACLED's own columns, in ACLED's order (as of its
//! 2023 column changes), then Truce's.

use crate::mapping::{acled_geo_precision, acled_time_precision, acled_type, country};
use crate::{ExportError, Incident, TRUCE_COLUMNS, day, degrees, name, sources, truce_columns};
use std::io::Write;

pub const COLUMNS: [&str; 31] = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
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

fn row(i: &Incident<'_>, n: usize, place: &truce_core::values::Place) -> Vec<String> {
    let r = i.report;
    let class = acled_type(r.incident_type);
    let country_name = place.country.as_ref().map_or("", |c| c.as_str());
    let known = country(country_name);
    let id = format!(
        "{}TRUCE{}{}",
        known.map_or("", |c| c.iso3),
        i.index,
        if n > 1 {
            format!("-{n}")
        } else {
            String::new()
        }
    );
    let reporter = name(&i.reporter);
    let accused = name(&i.accused);
    // ACLED's actor1 and actor2 carry no direction; here actor1 is whom the
    // reporter holds responsible (its stated actor, with the party as the
    // associated actor) and actor2 the reporting party. Which is which is
    // in truce_reporter and truce_accused.
    let (actor1, assoc1) = match (&r.actor, accused) {
        (Some(actor), "") => (actor.to_string(), String::new()),
        (Some(actor), party) => (actor.to_string(), party.to_owned()),
        (None, party) => (party.to_owned(), String::new()),
    };
    let mut tags = vec![format!("truce type: {}", r.incident_type)];
    if !class.exact {
        tags.push("no exact ACLED equivalent".to_owned());
    }
    tags.push(format!("fatalities as claimed by {}", or_unknown(reporter)));
    if i.illustrative {
        tags.push("illustrative".to_owned());
    }
    let mut source = sources(r);
    if source.is_empty() {
        source.push(format!(
            "{} (report to the mechanism)",
            or_unknown(reporter)
        ));
    }
    let notes = format!(
        "{} [Reported by {} on {}{}; case {}; figures are the reporter's claim; log index {}, leaf hash {}.]",
        r.narrative.as_str().replace(['\n', '\r'], " "),
        or_unknown(reporter),
        day(i.reported_at),
        if accused.is_empty() {
            String::new()
        } else {
            format!(", holding {accused} responsible")
        },
        i.status,
        i.index,
        i.leaf_hash,
    );
    let at = r.time.at;
    vec![
        id,
        day(at),
        at.datetime().year().to_string(),
        acled_time_precision(r.time.precision).to_string(),
        class.disorder_type.to_owned(),
        class.event_type.to_owned(),
        class.sub_event_type.to_owned(),
        actor1,
        assoc1,
        // ACLED's actor types (state forces, rebels…) are its coders'
        // judgement, which a report does not make: left empty.
        String::new(),
        reporter.to_owned(),
        String::new(),
        String::new(),
        String::new(),
        // ACLED marks civilian targeting on its own judgement: not invented.
        String::new(),
        known.map_or(String::new(), |c| c.iso.to_string()),
        known.map_or(String::new(), |c| c.acled_region.to_owned()),
        country_name.to_owned(),
        opt(&place.admin1),
        opt(&place.admin2),
        String::new(),
        opt(&place.location),
        degrees(place.point.lat_e6()),
        degrees(place.point.lon_e6()),
        acled_geo_precision(place.precision).to_string(),
        source.join("; "),
        "Other".to_owned(),
        notes,
        r.casualties.killed_best().to_string(),
        tags.join("; "),
        i.reported_at.unix().to_string(),
    ]
}

fn opt(label: &Option<truce_core::values::Label>) -> String {
    label.as_ref().map_or(String::new(), |l| l.to_string())
}

fn or_unknown(name: &str) -> &str {
    if name.is_empty() {
        "an unknown reporter"
    } else {
        name
    }
}
