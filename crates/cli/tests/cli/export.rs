//! Incidents out of the demo's log as ACLED- and UCDP GED-compatible CSV,
//! GeoJSON and JSON Lines, through `truce export` and through the served
//! incidents endpoint: the target formats' own columns, one row per place,
//! and every row checkable against the log by its index and leaf hash.

use crate::support::*;
use std::collections::BTreeMap;
use std::path::Path;

const ACLED: [&str; 31] = [
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

const GED: [&str; 49] = [
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

/// Every incident report in the log: index → (leaf hash, its body).
fn reports(dir: &Path) -> BTreeMap<u64, (String, serde_json::Value)> {
    let mut out = BTreeMap::new();
    for line in ok(&["export", "--dir", p(dir)]).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["record"]["envelope"]["kind"] != "incident.report" {
            continue;
        }
        let record = truce_core::Record::from_json(v["record"].to_string().as_bytes()).unwrap();
        out.insert(
            v["index"].as_u64().unwrap(),
            (
                record.hash().to_hex(),
                v["record"]["envelope"]["body"].clone(),
            ),
        );
    }
    out
}

fn rows(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = csv
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

/// Each row names a report of the log by index and leaf hash; every report
/// has one row per place.
fn check_against_log(
    rows: &[BTreeMap<String, String>],
    reports: &BTreeMap<u64, (String, serde_json::Value)>,
) {
    let places: usize = reports
        .values()
        .map(|(_, b)| b["places"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), places);
    for row in rows {
        let index: u64 = row["truce_index"].parse().unwrap();
        let (hash, body) = &reports[&index];
        assert_eq!(&row["truce_leaf_hash"], hash, "row for {index}");
        assert_eq!(
            row["truce_incident_type"],
            body["incident_type"].as_str().unwrap()
        );
    }
}

#[test]
fn the_demo_exports_as_acled_ucdp_geojson_and_json_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&dir), "--no-serve", "--seed", "3"]);
    let reports = reports(&dir);
    let at = truce_scenario::VIEW_AT;
    let export = |format: &str| ok(&["export", "--dir", p(&dir), "--format", format, "--at", at]);

    let (header, acled) = rows(&export("acled"));
    assert_eq!(&header[..31], ACLED, "ACLED's own columns, in its order");
    assert!(header[31..].iter().all(|c| c.starts_with("truce_")));
    check_against_log(&acled, &reports);
    let kabul = acled
        .iter()
        .find(|r| r["location"] == "Kabul city")
        .unwrap();
    assert_eq!(kabul["iso"], "4");
    assert_eq!(kabul["country"], "Afghanistan");
    assert_eq!(kabul["latitude"], "34.555300");
    assert_eq!(kabul["longitude"], "69.207500");
    assert_eq!(kabul["time_precision"], "1");
    assert_eq!(kabul["geo_precision"], "1");
    assert_eq!(kabul["event_date"], "2025-11-03");
    assert!(kabul["event_id_cnty"].starts_with("AFG"));
    // An airspace violation has no ACLED equivalent: said, not invented.
    assert_eq!(kabul["sub_event_type"], "Other");
    assert!(
        kabul["tags"].contains("no exact ACLED equivalent"),
        "{kabul:?}"
    );
    assert!(kabul["tags"].contains("fatalities as claimed by Afghanistan"));
    // The actors carry no direction; who reported and who is accused stay apart.
    assert_eq!(kabul["actor2"], "Afghanistan");
    assert_eq!(kabul["truce_reporter"], "afghanistan");
    assert_eq!(kabul["truce_accused"], "pakistan");
    assert!(kabul["notes"].contains("Reported by Afghanistan"));
    let strikes: Vec<_> = acled
        .iter()
        .filter(|r| r["sub_event_type"] == "Air/drone strike")
        .collect();
    assert!(!strikes.is_empty());
    assert!(
        strikes
            .iter()
            .all(|r| r["event_type"] == "Explosions/Remote violence")
    );

    let (header, ged) = rows(&export("ucdp"));
    assert_eq!(&header[..49], GED, "GED's full column set, in its order");
    check_against_log(&ged, &reports);
    for row in &ged {
        // Deaths are the reporter's claim, its best estimate split as reported.
        let best: u32 = row["best"].parse().unwrap();
        let parts: u32 = row["deaths_civilians"].parse::<u32>().unwrap()
            + row["deaths_unknown"].parse::<u32>().unwrap();
        assert_eq!(best, parts);
        assert!(row["source_original"].contains("(reporter); figures are its claim"));
        assert!(row["geom_wkt"].starts_with("POINT ("));
    }
    let kabul = ged.iter().find(|r| r["adm_1"] == "Kabul").unwrap();
    assert_eq!(kabul["priogrid_gid"], "179779");
    assert_eq!(kabul["country_id"], "700");
    assert_eq!(kabul["where_prec"], "2");

    let geojson: serde_json::Value = serde_json::from_str(&export("geojson")).unwrap();
    assert_eq!(geojson["type"], "FeatureCollection");
    assert!(geojson.get("crs").is_none(), "RFC 7946 has no crs member");
    let features = geojson["features"].as_array().unwrap();
    assert_eq!(features.len(), acled.len());
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "Point");
        let [lon, lat] = [0, 1].map(|i| f["geometry"]["coordinates"][i].as_f64().unwrap());
        assert!(
            (60.0..75.0).contains(&lon) && (29.0..37.0).contains(&lat),
            "{lon},{lat}"
        );
        let index = f["properties"]["index"].as_u64().unwrap();
        assert_eq!(f["properties"]["leaf_hash"], reports[&index].0);
        assert_eq!(f["properties"]["case"], format!("#/incidents/{index}"));
        assert!(f["properties"]["reporter_name"].is_string());
        assert!(f["properties"]["status"].is_string());
    }

    let lines: Vec<serde_json::Value> = export("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), reports.len());
    for l in &lines {
        let index = l["index"].as_u64().unwrap();
        assert_eq!(l["leaf_hash"], reports[&index].0);
        assert_eq!(l["report"], reports[&index].1, "the body as signed");
    }

    // The incidents list's filters hold.
    let (_, strikes) = rows(&ok(&[
        "export",
        "--dir",
        p(&dir),
        "--format",
        "acled",
        "--at",
        at,
        "--type",
        "drone_strike",
        "--reporter",
        "afghanistan",
    ]));
    assert!(!strikes.is_empty());
    assert!(strikes.iter().all(
        |r| r["truce_incident_type"] == "drone_strike" && r["truce_reporter"] == "afghanistan"
    ));
    // As of a moment, as the API's ?at=: only the reports signed by then.
    let early: Vec<u64> = ok(&[
        "export",
        "--dir",
        p(&dir),
        "--format",
        "jsonl",
        "--at",
        "2025-10-26T00:00:00Z",
    ])
    .lines()
    .map(|l| {
        serde_json::from_str::<serde_json::Value>(l).unwrap()["index"]
            .as_u64()
            .unwrap()
    })
    .collect();
    let signed_by_then = lines
        .iter()
        .filter(|l| l["reported_at"].as_str().unwrap() <= "2025-10-26T00:00:00Z")
        .count();
    assert!(signed_by_then > 0 && signed_by_then < lines.len());
    assert_eq!(early.len(), signed_by_then);
    let refused = truce(&[
        "export",
        "--dir",
        p(&dir),
        "--format",
        "acled",
        "--type",
        "sabotage",
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("\"sabotage\" is not an incident type")
    );
}

#[test]
fn the_incidents_endpoint_answers_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let (_server, url) = serve_demo(&dir, None);
    let client = reqwest::blocking::Client::new();
    let get = |path: &str, accept: Option<&str>| {
        let mut request = client.get(format!("{url}{path}"));
        if let Some(a) = accept {
            request = request.header("Accept", a);
        }
        let response = request.send().unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let media = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let disposition = response
            .headers()
            .get("content-disposition")
            .map(|d| d.to_str().unwrap().to_owned());
        (media, disposition, response.text().unwrap())
    };

    let (media, disposition, text) = get("/api/v1/incidents?format=acled", None);
    assert_eq!(media, "text/csv; charset=utf-8");
    assert_eq!(
        disposition.as_deref(),
        Some("attachment; filename=\"incidents-acled.csv\"")
    );
    let (header, acled) = rows(&text);
    assert_eq!(&header[..31], ACLED);
    let page: serde_json::Value =
        serde_json::from_str(&get("/api/v1/incidents?limit=0", None).2).unwrap();
    let total = page["total"].as_u64().unwrap();
    let indexes: std::collections::BTreeSet<&str> =
        acled.iter().map(|r| r["truce_index"].as_str()).collect();
    assert_eq!(indexes.len() as u64, total, "every incident, not one page");

    // Accept asks the same, and the filters hold.
    let (media, _, text) = get("/api/v1/incidents?type=drone_strike", Some("text/csv"));
    assert_eq!(media, "text/csv; charset=utf-8");
    let (_, strikes) = rows(&text);
    assert!(!strikes.is_empty());
    assert!(
        strikes
            .iter()
            .all(|r| r["truce_incident_type"] == "drone_strike")
    );

    let (media, _, text) = get("/api/v1/incidents", Some("application/geo+json"));
    assert_eq!(media, "application/geo+json");
    let geojson: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(geojson["features"].as_array().unwrap().len(), acled.len());
    assert_eq!(
        geojson["features"][0]["properties"]["case"]
            .as_str()
            .unwrap()[..13],
        *"/#/incidents/"
    );

    let (header, _) = rows(&get("/api/v1/incidents?format=ucdp", None).2);
    assert_eq!(&header[..49], GED);
    let (media, _, text) = get("/api/v1/incidents?format=jsonl", None);
    assert_eq!(media, "application/jsonl");
    assert_eq!(text.lines().count() as u64, total);
    // JSON stays the default, and first when a client lists it first.
    let (media, _, _) = get("/api/v1/incidents", Some("application/json, text/csv"));
    assert!(media.starts_with("application/json"), "{media}");
    let bad = client
        .get(format!("{url}/api/v1/incidents?format=xlsx"))
        .send()
        .unwrap();
    assert_eq!(bad.status(), 400);
}

/// `truce export` takes the incidents list's filters, and selects what the
/// API selects for the same filters at the same moment.
#[test]
fn the_cli_and_the_api_select_the_same_incidents_for_every_filter() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let (_server, url) = serve_demo(&dir, None);
    let at = "2025-10-29T06:00:00Z";
    let lines = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let indexes = |lines: &[serde_json::Value]| -> Vec<u64> {
        lines.iter().map(|l| l["index"].as_u64().unwrap()).collect()
    };
    let cli = |flags: &[&str]| {
        let mut args = vec!["export", "--dir", p(&dir), "--format", "jsonl", "--at", at];
        args.extend_from_slice(flags);
        lines(&ok(&args))
    };
    let api = |query: &str| {
        let response = reqwest::blocking::get(format!(
            "{url}/api/v1/incidents?format=jsonl&at={at}&{query}"
        ))
        .unwrap();
        assert_eq!(response.status(), 200, "{query}");
        lines(&response.text().unwrap())
    };
    let all = cli(&[]);
    assert!(all.len() > 3, "the demo has incidents as of {at}");
    assert_eq!(indexes(&all), indexes(&api("")));
    let first_status = all[0]["status"].as_str().unwrap().to_owned();

    let cases: [(&[&str], &str, bool); 7] = [
        (
            &[
                "--from",
                "2025-10-26T00:00:00Z",
                "--to",
                "2025-10-28T00:00:00Z",
            ],
            "from=2025-10-26T00:00:00Z&to=2025-10-28T00:00:00Z",
            true,
        ),
        (&["--bbox", "33,69,35,72"], "bbox=33,69,35,72", true),
        // Every incident of a two-party border involves Afghanistan: the
        // party filter is checked here for agreeing with the API's.
        (&["--party", "afghanistan"], "party=afghanistan", false),
        (&["--reporter", "pakistan"], "reporter=pakistan", true),
        (&["--q", "torkham"], "q=torkham", true),
        (
            &["--status", &first_status],
            &format!("status={first_status}"),
            false,
        ),
        (
            &["--party", "pakistan", "--type", "drone_strike,airstrike"],
            "party=pakistan&type=drone_strike,airstrike",
            false,
        ),
    ];
    for (flags, query, narrower) in cases {
        let from_cli = cli(flags);
        let ids = indexes(&from_cli);
        assert_eq!(ids, indexes(&api(query)), "{flags:?} and ?{query}");
        assert!(!ids.is_empty(), "{flags:?} selects something in the demo");
        if narrower {
            assert!(ids.len() < all.len(), "{flags:?} filters");
        }
    }
    // Status is worked out at --at: every row has the stage asked for.
    assert!(
        cli(&["--status", &first_status])
            .iter()
            .all(|l| l["status"] == first_status.as_str())
    );

    for (flags, error) in [
        (
            &["--bbox", "33,69,35"][..],
            "bbox is south,west,north,east in degrees",
        ),
        (&["--bbox", "36,69,35,72"][..], "is north of its north edge"),
        (
            &["--status", "closed"][..],
            "\"closed\" is not a case status",
        ),
        (&["--from", "yesterday"][..], "--from \"yesterday\""),
    ] {
        let mut args = vec!["export", "--dir", p(&dir), "--format", "acled"];
        args.extend_from_slice(flags);
        let refused = truce(&args);
        assert!(!refused.status.success(), "{flags:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(error), "{flags:?}: {stderr}");
    }
}
