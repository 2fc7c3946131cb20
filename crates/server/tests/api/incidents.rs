use crate::support::*;
use std::collections::BTreeSet;

fn titles(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn incidents_are_listed_with_their_derived_status_and_filters_narrow_them() {
    for app in every_backend() {
        let all = app.get_json("/api/v1/incidents?limit=100");
        let reports = app.scenario_reports();
        assert_eq!(all["total"].as_u64(), Some(reports));
        assert_eq!(titles(&all).len() as u64, reports);
        let kabul = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == "Drone over Kabul")
            .unwrap();
        assert_eq!(kabul["stage"], "unanswered_past_deadline");

        let closures = app.get_json("/api/v1/incidents?type=crossing_closure&limit=100");
        assert!(
            closures["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["incident_type"] == "crossing_closure")
        );
        assert!(closures["total"].as_u64().unwrap() >= 2);
        // Around Torkham (about 34.1°N, 71.1°E).
        let torkham = app.get_json("/api/v1/incidents?bbox=33.9,70.9,34.3,71.3");
        assert!(
            titles(&torkham).iter().any(|t| t.contains("Torkham")),
            "{torkham}"
        );
        assert!(titles(&torkham).iter().all(|t| !t.contains("Kabul")));
        let accused = app.get_json("/api/v1/incidents?accused=pakistan&limit=100");
        assert!(
            accused["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["accused"] == "pakistan")
        );
        let text = app.get_json("/api/v1/incidents?q=kurram");
        assert!(
            titles(&text)
                .iter()
                .all(|t| t.to_lowercase().contains("kurram") || !t.is_empty())
        );
        assert!(text["total"].as_u64().unwrap() >= 1);
        let found = app.get_json("/api/v1/incidents?status=found");
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["stage"] == "found")
        );
        assert!(found["total"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn pages_follow_one_another_without_gaps_or_repeats() {
    for app in every_backend() {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/incidents?limit=2&cursor={c}"),
                None => "/api/v1/incidents?limit=2".to_string(),
            };
            let page = app.get_json(&path);
            seen.extend(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["index"].as_u64().unwrap()),
            );
            match page["next"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        let unique: BTreeSet<u64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no incident twice");
        assert_eq!(seen.len() as u64, app.scenario_reports());
    }
}

#[test]
fn bad_filters_are_explained() {
    for app in every_backend() {
        // Upside down: well formed, but it contradicts itself.
        for contradictory in [
            "/api/v1/incidents?bbox=35,70,34,71",
            "/api/v1/statistics?from=2025-11-01T00:00:00Z&to=2025-10-01T00:00:00Z",
        ] {
            let r = app.get(contradictory);
            assert_eq!(r.status(), 422, "{contradictory}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
        for bad in [
            "/api/v1/incidents?bbox=1,2,3",
            "/api/v1/incidents?bbox=91,2,92,3",
            "/api/v1/incidents?party=",
            "/api/v1/incidents?limit=501",
            "/api/v1/incidents?status=solved",
            "/api/v1/incidents?type=riot",
            // An empty list names one empty stage or type, not "no filter".
            "/api/v1/incidents?status=",
            "/api/v1/incidents?type=",
            "/api/v1/statistics?status=reported,",
            "/api/v1/incidents?from=yesterday",
            "/api/v1/incidents?cursor=zzz",
            "/api/v1/incidents?colour=red",
            "/api/v1/statistics?group=colour",
        ] {
            let r = app.get(bad);
            assert_eq!(r.status(), 400, "{bad}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
    }
}

#[test]
fn a_case_page_holds_every_record_about_the_incident_and_its_derived_case() {
    for app in every_backend() {
        let all = app.get_json("/api/v1/incidents?status=found");
        let index = all["items"][0]["index"].as_u64().unwrap();
        let case = app.get_json(&format!("/api/v1/incidents/{index}"));
        assert_eq!(case["case"]["stage"], "found");
        let kinds: Vec<&str> = case["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["record"]["envelope"]["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds[0], "incident.report");
        assert!(kinds.contains(&"incident.response"), "{kinds:?}");
        assert!(kinds.contains(&"incident.finding"), "{kinds:?}");
        assert!(kinds.contains(&"concurrence"), "{kinds:?}");
        assert_eq!(app.get("/api/v1/incidents/0").status(), 404);
    }
}

#[test]
fn statistics_add_up_to_the_incident_count() {
    for app in every_backend() {
        for group in ["week", "type", "area", "party", "reporter"] {
            let buckets = app.get_json(&format!("/api/v1/statistics?group={group}"));
            let sum: u64 = buckets
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["incidents"].as_u64().unwrap())
                .sum();
            if group == "party" {
                assert!(sum <= app.scenario_reports(), "{group}");
            } else {
                assert_eq!(sum, app.scenario_reports(), "{group}");
            }
        }
    }
}

/// The map's density cells: every incident the filters select counted once,
/// in the cell of its first place, filters and box applied as for the list.
#[test]
fn density_cells_hold_every_selected_incident_where_it_happened() {
    for app in every_backend() {
        let density = app.get_json("/api/v1/incidents/density");
        assert_eq!(density["cell_e6"], 500_000, "half a degree by default");
        assert_eq!(density["total"].as_u64(), Some(app.scenario_reports()));
        let cells = density["cells"].as_array().unwrap();
        let counted: u64 = cells.iter().map(|c| c["incidents"].as_u64().unwrap()).sum();
        assert_eq!(counted, app.scenario_reports());

        // Each incident of the list lies in a cell whose corner and size
        // contain it; the counts per cell are the list's.
        let all = app.get_json("/api/v1/incidents?limit=500");
        let mut by_cell = std::collections::BTreeMap::<(i64, i64), u64>::new();
        for i in all["items"].as_array().unwrap() {
            let lat = i["place"]["point"]["lat_e6"].as_i64().unwrap();
            let lon = i["place"]["point"]["lon_e6"].as_i64().unwrap();
            let corner = (
                -90_000_000 + (lat + 90_000_000).div_euclid(500_000) * 500_000,
                -180_000_000 + (lon + 180_000_000).div_euclid(500_000) * 500_000,
            );
            *by_cell.entry(corner).or_default() += 1;
        }
        let served: std::collections::BTreeMap<(i64, i64), u64> = cells
            .iter()
            .map(|c| {
                (
                    (
                        c["south_e6"].as_i64().unwrap(),
                        c["west_e6"].as_i64().unwrap(),
                    ),
                    c["incidents"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(served, by_cell);

        // Around Torkham, Pakistan's reports only, in 0.1° cells: the same
        // incidents as the list with those filters.
        let filters = "bbox=33.9,70.9,34.3,71.3&reporter=pakistan";
        let list = app.get_json(&format!("/api/v1/incidents?{filters}&limit=0"));
        let near = app.get_json(&format!("/api/v1/incidents/density?{filters}&cell=100000"));
        assert_eq!(near["cell_e6"], 100_000);
        assert_eq!(near["total"], list["total"]);
        for cell in near["cells"].as_array().unwrap() {
            let (lat, lon) = (
                cell["lat_e6"].as_i64().unwrap(),
                cell["lon_e6"].as_i64().unwrap(),
            );
            assert!((33_900_000..=34_300_000).contains(&lat), "{cell}");
            assert!((70_900_000..=71_300_000).contains(&lon), "{cell}");
        }

        // Refused, with a problem: a cell outside 0.001°–90°, a box upside
        // down (422, as for the list), and an answer of more cells than one
        // may hold is refused at the index (crates/index's tests).
        for bad in [
            "/api/v1/incidents/density?cell=999",
            "/api/v1/incidents/density?cell=90000001",
            "/api/v1/incidents/density?cell=half",
        ] {
            let r = app.get(bad);
            assert_eq!(r.status(), 400, "{bad}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
        let r = app.get("/api/v1/incidents/density?bbox=35,70,34,71");
        assert_eq!(r.status(), 422);
        // The case route still answers beside it.
        assert_eq!(app.get("/api/v1/incidents/0").status(), 404);
    }
}

/// Lists and statistics are kept by question, index version and second
/// (crates/server/src/answers.rs): a kept answer is served with its ETag and
/// revalidates to 304, a record about no incident leaves it, and a new
/// report is in the very next answer.
#[test]
fn answers_are_kept_only_while_nothing_they_show_has_changed() {
    use truce_core::Kind;
    for app in every_backend() {
        let ask = |path: &str, etag: Option<&str>| {
            let mut request = app.http.get(app.url(path));
            if let Some(etag) = etag {
                request = request.header("if-none-match", etag);
            }
            let response = request.send().unwrap();
            let status = response.status().as_u16();
            let etag = response.headers()["etag"].to_str().unwrap().to_string();
            assert_eq!(response.headers()["cache-control"], "no-cache");
            (status, etag, response.text().unwrap())
        };
        let list = "/api/v1/incidents?accused=pakistan&limit=100";
        let stats = "/api/v1/statistics?accused=pakistan&group=type";
        let (status, list_etag, first) = ask(list, None);
        assert_eq!(status, 200);
        let (_, again_etag, again) = ask(list, None);
        assert_eq!((&again_etag, &again), (&list_etag, &first));
        let (status, same_etag, empty) = ask(list, Some(&list_etag));
        assert_eq!(
            (status, same_etag.as_str(), empty.as_str()),
            (304, list_etag.as_str(), "")
        );
        let (_, stats_etag, _) = ask(stats, None);
        assert_eq!(ask(stats, Some(&stats_etag)).0, 304);

        // A channel message changes no incident answer: still 304.
        let message = app.sign(
            "afghanistan.liaison",
            Kind::ChannelMessage,
            serde_json::json!({"to": ["pakistan"], "subject": "Test", "text": "A message about no incident."}),
        );
        let r = app.post_record(&message);
        assert_eq!(r.status(), 201, "{}", r.text().unwrap());
        assert_eq!(ask(list, Some(&list_etag)).0, 304);

        // A new report against Pakistan: both answers change at once.
        let total = |body: &str| {
            serde_json::from_str::<serde_json::Value>(body).unwrap()["total"]
                .as_u64()
                .unwrap()
        };
        let report = app.sign(
            "afghanistan.liaison",
            Kind::IncidentReport,
            a_report("pakistan"),
        );
        let r = app.post_record(&report);
        assert_eq!(r.status(), 201, "{}", r.text().unwrap());
        let (status, new_etag, now) = ask(list, Some(&list_etag));
        assert_eq!(status, 200);
        assert_ne!(new_etag, list_etag);
        assert_eq!(total(&now), total(&first) + 1);
        assert!(now.contains("Mortar fire near a border post"));
        let (status, _, shelling) = ask(stats, Some(&stats_etag));
        assert_eq!(status, 200);
        assert!(shelling.contains("shelling"), "{shelling}");
    }
}

/// The dashboard's headline figures agree with the lists they summarise, and
/// "verified violations" counts only findings that verify the incident and
/// count: a not-verified finding, or one signed by a single mediator, leaves
/// it where it was (it once rose with every finding that counted).
#[test]
fn the_summary_agrees_with_the_lists_and_counts_only_verified_violations() {
    use truce_core::Kind;
    for app in every_backend() {
        let summary = app.get_json("/api/v1/summary");
        let total = |query: &str| {
            app.get_json(&format!("/api/v1/incidents?limit=0{query}"))["total"]
                .as_u64()
                .unwrap()
        };
        assert_eq!(summary["incidents"].as_u64(), Some(total("")));
        let mut open = 0;
        for stage in summary["stages"].as_array().unwrap() {
            let name = stage["stage"].as_str().unwrap();
            let n = stage["incidents"].as_u64().unwrap();
            assert_eq!(n, total(&format!("&status={name}")), "{name}");
            if name != "found" {
                open += n;
            }
        }
        assert_eq!(summary["stages"].as_array().unwrap().len(), 6);
        assert_eq!(summary["open_cases"].as_u64(), Some(open));
        let violations = summary["verified_violations"].as_u64().unwrap();

        // A fresh report, then findings on it.
        let report = app.sign(
            "afghanistan.liaison",
            Kind::IncidentReport,
            a_report("pakistan"),
        );
        assert_eq!(app.post_record(&report).status(), 201);
        let finding = |determination: &str| {
            let mut body = serde_json::json!({
                "incident": report.hash(), "determination": determination,
                "reasoning": "Site visit (test record).",
            });
            // Only a finding that verifies the incident may hold someone responsible.
            if determination == "verified" {
                body["responsible"] = serde_json::json!("pakistan");
            }
            body
        };
        let violations_now = || {
            app.get_json("/api/v1/summary")["verified_violations"]
                .as_u64()
                .unwrap()
        };
        // Not verified, and signed by both mediators: counts, but is no violation.
        let not_verified = app.sign("turkiye.analyst", Kind::Finding, finding("not_verified"));
        let r = app.post_record(&not_verified);
        assert_eq!(r.status(), 201, "{}", r.text().unwrap());
        let concur = |record: &truce_core::Record| {
            app.sign(
                "qatar.analyst",
                Kind::Concurrence,
                serde_json::json!({"record": record.hash()}),
            )
        };
        assert_eq!(app.post_record(&concur(&not_verified)).status(), 201);
        assert_eq!(violations_now(), violations);
        // Verified, signed by one mediator: not yet counting.
        let verified = app.sign("turkiye.analyst", Kind::Finding, finding("verified"));
        assert_eq!(app.post_record(&verified).status(), 201);
        assert_eq!(violations_now(), violations);
        // The second mediator concurs: now it is one.
        assert_eq!(app.post_record(&concur(&verified)).status(), 201);
        assert_eq!(violations_now(), violations + 1);
    }
}
