//! The mapping and its refusals, row by row; and a Truce export read back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use truce_core::kinds::common::Source;
use truce_core::kinds::incident::{Dataset, IncidentType};
use truce_core::values::{GeoPrecision, TimePrecision};
use truce_import::{Format, ImportError, Reason, parse, sample};

fn acled_file(rows: &[Vec<(&str, &str)>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(sample::ACLED_COLUMNS).unwrap();
    for row in rows {
        let cells: Vec<&str> = sample::ACLED_COLUMNS
            .iter()
            .map(|c| row.iter().find(|(k, _)| k == c).map_or("", |(_, v)| *v))
            .collect();
        w.write_record(cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn an_acled_row() -> Vec<(&'static str, &'static str)> {
    vec![
        ("event_id_cnty", "AFG70001"),
        ("event_date", "2024-03-09"),
        ("year", "2024"),
        ("time_precision", "2"),
        ("disorder_type", "Political violence"),
        ("event_type", "Explosions/Remote violence"),
        ("sub_event_type", "Shelling/artillery/missile attack"),
        ("actor1", "Military Forces of Pakistan (2018-)"),
        ("actor2", "Civilians (Afghanistan)"),
        ("country", "Afghanistan"),
        ("admin1", "ننگرهار"),
        ("admin2", ""),
        ("admin3", "Lalpur"),
        ("location", "طورخم"),
        ("latitude", "34.1125"),
        ("longitude", "-71.09315"),
        ("geo_precision", "2"),
        ("source", "Pajhwok Afghan News; Tolo News"),
        (
            "notes",
            "Shells hit homes, a shop and, reportedly,\na school.",
        ),
        ("fatalities", "3"),
        ("tags", "crowd size=no report"),
        ("timestamp", "1710000000"),
    ]
}

#[test]
fn an_acled_row_becomes_a_report_that_invents_nothing() {
    let text = format!("\u{feff}{}", acled_file(&[an_acled_row()]));
    let parsed = parse(Format::Acled, text.as_bytes()).unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let [imported] = parsed.reports.as_slice() else {
        panic!("one report")
    };
    assert_eq!(imported.line, 2);
    let r = &imported.report;
    let event = r.imported_from.as_ref().unwrap();
    assert_eq!(
        (event.dataset, event.event_id.as_str()),
        (Dataset::Acled, "AFG70001")
    );
    assert_eq!(r.incident_type, IncidentType::Shelling);
    assert_eq!(r.time.at.to_string(), "2024-03-09T00:00:00Z");
    assert_eq!(r.time.precision, TimePrecision::Week);
    let place = &r.places.as_slice()[0];
    assert_eq!(
        (place.point.lat_e6(), place.point.lon_e6()),
        (34_112_500, -71_093_150)
    );
    assert_eq!(place.precision, GeoPrecision::District);
    assert_eq!(place.admin1.as_ref().unwrap().as_str(), "ننگرهار");
    assert_eq!(place.admin2, None, "an empty admin level stays empty");
    assert_eq!(place.location.as_ref().unwrap().as_str(), "طورخم");
    // ACLED's actors carry no direction: no accused, no actor, both named
    // in the narrative; the fatalities are not split into military and
    // civilian, so the casualty fields stay empty and the narrative says it.
    assert_eq!(r.accused, None);
    assert_eq!(r.actor, None);
    assert_eq!(r.casualties.killed_best(), 0);
    let narrative = r.narrative.as_str();
    assert!(narrative.starts_with("Shells hit homes, a shop and, reportedly,\na school."));
    for says in [
        "ACLED event AFG70001",
        "Military Forces of Pakistan (2018-); Civilians (Afghanistan)",
        "3 fatalities as ACLED records them (not broken down into military and civilian)",
        "admin3: Lalpur",
        "tags: crowd size=no report",
    ] {
        assert!(narrative.contains(says), "{narrative} should say {says}");
    }
    // The dataset is named as a source, after ACLED's own.
    let names: Vec<String> = r
        .sources
        .iter()
        .map(|s| match s {
            Source::Named(n) => n.to_string(),
            Source::Reported(r) => r.publication.to_string(),
        })
        .collect();
    assert_eq!(names, ["Pajhwok Afghan News", "Tolo News", "ACLED"]);
    assert_eq!(
        r.title.as_str(),
        "Shelling/artillery/missile attack in طورخم, 2024-03-09"
    );
}

#[test]
fn acled_sub_event_types_map_back_where_acled_has_them() {
    for (sub, ours) in [
        ("Armed clash", IncidentType::ArmedClash),
        ("Air/drone strike", IncidentType::Airstrike),
        ("Remote explosive/landmine/IED", IncidentType::Ied),
        ("Abduction/forced disappearance", IncidentType::Abduction),
        ("Peaceful protest", IncidentType::Other),
    ] {
        let mut row = an_acled_row();
        row.retain(|(k, _)| *k != "sub_event_type");
        row.push(("sub_event_type", sub));
        let parsed = parse(Format::Acled, acled_file(&[row]).as_bytes()).unwrap();
        assert_eq!(parsed.reports[0].report.incident_type, ours, "{sub}");
    }
}

#[test]
fn every_refused_row_says_its_line_and_column() {
    let mut off = an_acled_row();
    off.retain(|(k, _)| *k != "latitude" && *k != "event_id_cnty");
    off.extend([("latitude", "91.5"), ("event_id_cnty", "AFG70002")]);
    let mut date = an_acled_row();
    date.retain(|(k, _)| *k != "event_date" && *k != "event_id_cnty");
    date.extend([
        ("event_date", "9 Brumaire 2024"),
        ("event_id_cnty", "AFG70003"),
    ]);
    let mut code = an_acled_row();
    code.retain(|(k, _)| *k != "time_precision" && *k != "event_id_cnty");
    code.extend([("time_precision", "7"), ("event_id_cnty", "AFG70004")]);
    let mut spaced = an_acled_row();
    spaced.retain(|(k, _)| *k != "event_id_cnty");
    spaced.push(("event_id_cnty", "AFG 70005"));
    // Line 2 is the good row, whose notes run onto line 3.
    let text = acled_file(&[an_acled_row(), off, date, code, an_acled_row(), spaced]);
    let parsed = parse(Format::Acled, text.as_bytes()).unwrap();
    assert_eq!(parsed.reports.len(), 1);
    let got: Vec<(u64, Option<&str>)> = parsed
        .rejected
        .iter()
        .map(|r| (r.line, r.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (4, Some("latitude")),
            (6, Some("event_date")),
            (8, Some("time_precision")),
            (10, Some("event_id_cnty")),
            (12, Some("event_id_cnty")),
        ]
    );
    assert!(matches!(
        parsed.rejected[0].reason,
        Reason::OffTheGlobe { .. }
    ));
    assert!(matches!(parsed.rejected[1].reason, Reason::Date { .. }));
    assert!(matches!(parsed.rejected[2].reason, Reason::Code { .. }));
    assert_eq!(
        parsed.rejected[3].reason,
        Reason::Repeated { first_line: 2 }
    );
    assert!(matches!(parsed.rejected[4].reason, Reason::Invalid(_)));
    assert_eq!(
        parsed.rejected[0].to_string(),
        "line 4, column latitude: \"91.5\" is off the globe: latitude 91500000 µ° is outside ±90°"
    );
}

/// Lines are numbered as an editor shows them whatever the file's line ends:
/// `\r\n` (Windows) and a lone `\r` (Excel for Mac's "CSV (Macintosh)")
/// as `\n`. The `csv` crate counts only `\n`, so a `\r` file's rows were
/// all "line 1" (found by fuzzing).
#[test]
fn rows_are_numbered_by_their_line_whatever_the_line_ends() {
    let mut off = an_acled_row();
    off.retain(|(k, _)| *k != "latitude" && *k != "event_id_cnty");
    off.extend([("latitude", "91.5"), ("event_id_cnty", "AFG70002")]);
    let unix = acled_file(&[an_acled_row(), off]);
    let lines = |text: &str| {
        let parsed = parse(Format::Acled, text.as_bytes()).unwrap();
        let reports: Vec<u64> = parsed.reports.iter().map(|r| r.line).collect();
        let rejected: Vec<u64> = parsed.rejected.iter().map(|r| r.line).collect();
        (reports, rejected)
    };
    // The good row's notes run onto line 3.
    assert_eq!(lines(&unix), (vec![2], vec![4]));
    assert_eq!(lines(&unix.replace('\n', "\r\n")), (vec![2], vec![4]));
    assert_eq!(lines(&unix.replace('\n', "\r")), (vec![2], vec![4]));
}

#[test]
fn a_row_with_the_wrong_number_of_fields_or_bytes_that_are_not_utf8_is_refused() {
    let mut text = acled_file(&[an_acled_row()]).into_bytes();
    text.extend_from_slice(b"AFG1,2024-01-01\n");
    let mut bad = acled_file(&[an_acled_row()]).into_bytes();
    let header_end = bad.iter().position(|b| *b == b'\n').unwrap() + 1;
    bad.drain(..header_end);
    let at = bad.windows(8).position(|w| w == b"AFG70001").unwrap();
    bad.splice(at..at + 3, [0xff, 0xfe, b'X']);
    text.extend_from_slice(&bad);
    let parsed = parse(Format::Acled, text.as_slice()).unwrap();
    assert_eq!(parsed.reports.len(), 1);
    assert_eq!(parsed.rejected[0].line, 4);
    assert_eq!(
        parsed.rejected[0].reason,
        Reason::FieldCount {
            found: 2,
            expected: 31
        }
    );
    assert_eq!(parsed.rejected[1].line, 5);
    assert_eq!(parsed.rejected[1].column.as_deref(), Some("event_id_cnty"));
    assert_eq!(parsed.rejected[1].reason, Reason::NotUtf8);
}

#[test]
fn a_file_without_the_formats_columns_is_refused_whole() {
    let err = parse(Format::Ucdp, acled_file(&[an_acled_row()]).as_bytes()).unwrap_err();
    assert!(
        matches!(err, ImportError::MissingColumn { column: "id", .. }),
        "{err}"
    );
    assert!(matches!(
        parse(Format::Acled, &b""[..]).unwrap_err(),
        ImportError::NoHeader
    ));
}

#[test]
fn a_ged_row_keeps_sides_and_civilians_apart_and_unknowns_in_the_narrative() {
    let sample = sample::ucdp(3, 7, false);
    let parsed = parse(Format::Ucdp, sample.text.as_bytes()).unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.reports.len(), 3);
    let mut reader =
        csv::Reader::from_reader(sample.text.trim_start_matches('\u{feff}').as_bytes());
    for (row, imported) in reader.records().zip(&parsed.reports) {
        let row = row.unwrap();
        let cell = |c: &str| {
            let i = sample::UCDP_COLUMNS.iter().position(|x| *x == c).unwrap();
            row[i].to_owned()
        };
        let n = |c: &str| cell(c).parse::<u32>().unwrap();
        let r = &imported.report;
        assert_eq!(
            r.imported_from.as_ref().unwrap().event_id.as_str(),
            cell("id")
        );
        assert_eq!(r.imported_from.as_ref().unwrap().dataset, Dataset::UcdpGed);
        assert_eq!(r.incident_type, IncidentType::Other);
        assert_eq!(
            r.casualties.killed.military.best,
            n("deaths_a") + n("deaths_b")
        );
        assert_eq!(r.casualties.killed.civilian.best, n("deaths_civilians"));
        assert_eq!(r.title.as_str(), cell("source_headline"));
        let narrative = r.narrative.as_str();
        assert!(narrative.contains(&format!("{} of unknown status", n("deaths_unknown"))));
        assert!(narrative.contains(&format!("side A: {}", cell("side_a"))));
        let place = &r.places.as_slice()[0];
        assert_eq!(
            place
                .location
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_default(),
            cell("where_coordinates")
        );
        assert_eq!(
            place
                .admin2
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_default(),
            cell("adm_2")
        );
    }
}

#[test]
fn generated_files_import_except_their_broken_rows() {
    for (format, sample) in [
        (Format::Acled, sample::acled(1000, 1, true)),
        (Format::Ucdp, sample::ucdp(1000, 2, true)),
    ] {
        let parsed = parse(format, sample.text.as_bytes()).unwrap();
        assert_eq!(parsed.reports.len(), sample.events, "{format:?}");
        let got: Vec<(u64, &str)> = parsed
            .rejected
            .iter()
            .map(|r| (r.line, r.column.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(got, sample.broken, "{format:?}");
    }
}

#[test]
fn decimals_are_read_exactly_and_rounded_at_the_seventh_place() {
    let cases = [
        ("34", 34_000_000),
        ("-0.5", -500_000),
        ("71.0931", 71_093_100),
        ("71.09315", 71_093_150),
        ("12.3456785", 12_345_679),
        ("-12.3456784", -12_345_678),
        ("+1.000001", 1_000_001),
    ];
    for (text, e6) in cases {
        let mut row = an_acled_row();
        row.retain(|(k, _)| *k != "latitude");
        row.push(("latitude", text));
        let parsed = parse(Format::Acled, acled_file(&[row]).as_bytes()).unwrap();
        assert_eq!(
            parsed.reports[0].report.places.as_slice()[0].point.lat_e6(),
            e6,
            "{text}"
        );
    }
    for text in ["", "1e3", "34,5", "--1", ".5", "1.2.3", "NaN"] {
        let mut row = an_acled_row();
        row.retain(|(k, _)| *k != "latitude");
        row.push(("latitude", text));
        let parsed = parse(Format::Acled, acled_file(&[row]).as_bytes()).unwrap();
        assert_eq!(
            parsed.rejected[0].column.as_deref(),
            Some("latitude"),
            "{text:?}"
        );
    }
}

/// The columns that name the log a row came from (ids, indexes, hashes,
/// the signing time) and so differ between two logs; every other cell must
/// survive export → import → export.
const LOG_COLUMNS: [&str; 9] = [
    "event_id_cnty",
    "id",
    "relid",
    "truce_index",
    "truce_leaf_hash",
    "timestamp",
    "source_date",
    "truce_reported_at",
    "notes",
];

fn comparable(text: &[u8]) -> Vec<Vec<(String, String)>> {
    let mut reader = csv::Reader::from_reader(text);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| {
                    // The notes end with a bracket about the log (who filed
                    // it when, its index and hash): compare what precedes it.
                    let v = if h == "notes" {
                        v.rsplit_once(" [Reported by ").map_or(v, |(n, _)| n)
                    } else {
                        v
                    };
                    (h.clone(), v.to_owned())
                })
                .filter(|(h, _)| h == "notes" || !LOG_COLUMNS.contains(&h.as_str()))
                .collect()
        })
        .collect()
}

#[test]
fn a_truce_export_reads_back_to_the_same_rows() {
    let report: truce_core::kinds::incident::IncidentReport = serde_json::from_value(serde_json::json!({
        "title": "Drone strike on two villages, \"confirmed\"",
        "incident_type": "drone_strike",
        "time": {"at": "2025-10-26T06:30:00Z", "precision": "hour"},
        "places": [
            {"point": {"lat_e6": 34112500, "lon_e6": 71093100}, "precision": "exact",
             "country": "Afghanistan", "admin1": "Nangarhar", "location": "طورخم"},
            {"point": {"lat_e6": -500, "lon_e6": 66399700}, "precision": "province",
             "country": "Pakistan", "admin1": "Balochistan", "admin2": "Qilla Abdullah"}
        ],
        "accused": "party-b",
        "actor": "An armed group, as named",
        "casualties": {"killed": {"military": {"low": 1, "best": 2, "high": 4},
                                  "civilian": {"low": 3, "best": 3, "high": 3}}},
        "narrative": "Two strikes, one after the other;\nthe second hit a house, the report says.",
        "sources": ["Local officials", {"publication": "MNTV", "date": "2025-10-27", "quote": "q"}],
        "illustrative": "the whole report"
    }))
    .unwrap();
    let party = |id: &str, name: &str| truce_export::Party {
        id: id.into(),
        name: name.into(),
    };
    let incident = truce_export::Incident {
        index: 7,
        leaf_hash: "ab".repeat(32),
        reported_at: truce_core::values::Timestamp::parse("2025-10-26T09:00:00Z").unwrap(),
        report: &report,
        reporter: Some(party("party-a", "Party A")),
        accused: Some(party("party-b", "Party B")),
        status: "reported".into(),
        illustrative: true,
    };
    for (format, out) in [
        (Format::Acled, truce_export::Format::Acled),
        (Format::Ucdp, truce_export::Format::Ucdp),
    ] {
        let mut first = Vec::new();
        truce_export::write(
            out,
            std::slice::from_ref(&incident),
            &|_| String::new(),
            &mut first,
        )
        .unwrap();
        let parsed = parse(format, first.as_slice()).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        let [imported] = parsed.reports.as_slice() else {
            panic!("the two places' rows are one report")
        };
        let event = imported.event().unwrap();
        assert_eq!(
            (event.dataset, event.event_id.as_str()),
            (Dataset::Truce, "ab".repeat(32).as_str())
        );
        let again = truce_export::Incident {
            index: 12,
            leaf_hash: "cd".repeat(32),
            reported_at: truce_core::values::Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            report: &imported.report,
            ..incident.clone()
        };
        let mut second = Vec::new();
        truce_export::write(out, &[again], &|_| String::new(), &mut second).unwrap();
        assert_eq!(comparable(&first), comparable(&second), "{format:?}");
    }
}
