//! The record as of a moment (`?at=` and `?size=`) on every derived view.

use crate::support::*;
use serde_json::Value;

/// Every record's index, kind and claimed time, read from the log itself.
fn log(app: &App) -> Vec<(u64, String, String)> {
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let page = app.get_json(&format!("/api/v1/records?start={start}&limit=1000"));
        for r in page["records"].as_array().unwrap() {
            let envelope = &r["record"]["envelope"];
            out.push((
                r["index"].as_u64().unwrap(),
                envelope["kind"].as_str().unwrap().to_string(),
                envelope["time"].as_str().unwrap().to_string(),
            ));
        }
        match page["next"].as_u64() {
            Some(next) => start = next,
            None => return out,
        }
    }
}

/// One second before an RFC 3339 UTC time.
fn second_before(time: &str) -> String {
    let t = truce_core::values::Timestamp::parse(time).unwrap();
    truce_core::values::Timestamp::from_unix(t.unix() - 1)
        .unwrap()
        .to_string()
}

fn count(log: &[(u64, String, String)], kind: &str, keep: impl Fn(u64, &str) -> bool) -> u64 {
    log.iter()
        .filter(|(i, k, t)| k == kind && keep(*i, t))
        .count() as u64
}

/// Keeps records claimed no later than `t`.
fn at(t: &str) -> impl Fn(u64, &str) -> bool + '_ {
    move |_, time| time <= t
}

fn problem(app: &App, path: &str, status: u16) -> Value {
    let response = app.get(path);
    assert_eq!(response.status(), status, "GET {path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "GET {path}"
    );
    response.json().unwrap()
}

#[test]
fn every_derived_view_counts_only_the_records_of_the_moment_asked() {
    let app = spawn_app();
    let log = log(&app);
    let size = log.len() as u64;

    // A response that answered a report: just before it, the report stood
    // unanswered, and as of the report's own time plus the charter's 72 h it
    // was past its deadline if the answer came later still.
    let (response_index, _, response_time) = log
        .iter()
        .find(|(_, k, _)| k == "incident.response")
        .unwrap()
        .clone();
    let before_response = second_before(&response_time);
    let case_of_response = app.get_json(&format!("/api/v1/records/{response_index}"))["record"]
        ["envelope"]["body"]["incident"]
        .as_str()
        .unwrap()
        .to_string();
    let incident = app.get_json("/api/v1/incidents?limit=500")["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["hash"] == case_of_response.as_str())
        .unwrap()["index"]
        .as_u64()
        .unwrap();

    // Summary: incidents counted by time, and by size.
    let summary = app.get_json(&format!("/api/v1/summary?at={before_response}"));
    assert_eq!(
        summary["incidents"].as_u64().unwrap(),
        count(&log, "incident.report", at(&before_response))
    );
    assert_eq!(summary["as_of"], before_response.as_str());
    assert_eq!(summary["size"].as_u64(), Some(size));
    let now = app.get_json("/api/v1/summary");
    assert_eq!(now["size"].as_u64(), Some(size));
    let half = size / 2;
    let by_size = app.get_json(&format!("/api/v1/summary?size={half}"));
    assert_eq!(
        by_size["incidents"].as_u64().unwrap(),
        count(&log, "incident.report", |i, _| i < half)
    );
    // With a size alone, deadlines run to the latest time its records claim.
    let latest_in_half = log
        .iter()
        .filter(|(i, _, _)| *i < half)
        .map(|(_, _, t)| t.clone())
        .max()
        .unwrap();
    assert_eq!(by_size["as_of"], latest_in_half.as_str());

    // Incidents and statistics: the same count both ways, stages as they stood.
    let list = app.get_json(&format!("/api/v1/incidents?limit=500&at={before_response}"));
    assert_eq!(list["total"], summary["incidents"]);
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["index"].as_u64() == Some(incident))
        .unwrap();
    assert_ne!(item["stage"], "answered", "not answered yet then: {item}");
    let stats = app.get_json(&format!(
        "/api/v1/statistics?group=type&at={before_response}"
    ));
    let counted: u64 = stats
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["incidents"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(counted), summary["incidents"].as_u64());

    // The case page: without the response then, with it now.
    let then = app.get_json(&format!(
        "/api/v1/incidents/{incident}?at={before_response}"
    ));
    let indexes = |page: &Value| -> Vec<u64> {
        page["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["index"].as_u64().unwrap())
            .collect()
    };
    assert!(!indexes(&then).contains(&response_index));
    assert!(
        indexes(&app.get_json(&format!("/api/v1/incidents/{incident}"))).contains(&response_index)
    );
    // Before the report, the case is not there.
    let reported = &log.iter().find(|(i, _, _)| *i == incident).unwrap().2;
    let gone = problem(
        &app,
        &format!(
            "/api/v1/incidents/{incident}?at={}",
            second_before(reported)
        ),
        404,
    );
    assert!(
        gone["detail"]
            .as_str()
            .unwrap()
            .contains("as of that moment"),
        "{gone}"
    );

    // Drafts: as of the first amendment's size, one version; before the
    // first proposal, none.
    let first_amend = log.iter().find(|(_, k, _)| k == "draft.amend").unwrap().0;
    let drafts = app.get_json(&format!("/api/v1/drafts?size={first_amend}"));
    assert_eq!(
        drafts["drafts"][0]["versions"].as_array().unwrap().len(),
        1,
        "{drafts}"
    );
    let first_draft = log.iter().find(|(_, k, _)| k == "draft.propose").unwrap().0;
    let none = app.get_json(&format!("/api/v1/drafts?size={first_draft}"));
    assert!(none["drafts"].as_array().unwrap().is_empty());
    let one = app.get_json(&format!("/api/v1/drafts/{first_draft}?size={first_amend}"));
    assert_eq!(one["versions"].as_array().unwrap().len(), 1);
    problem(
        &app,
        &format!("/api/v1/drafts/{first_draft}?size={first_draft}"),
        404,
    );
    let diff = problem(
        &app,
        &format!("/api/v1/drafts/{first_draft}/diff?from=1&to=2&size={first_amend}"),
        404,
    );
    assert!(diff["detail"].as_str().unwrap().contains("versions 1 to 1"));

    // Commitments: none before the first is declared.
    let first_commitment = log
        .iter()
        .find(|(_, k, _)| k == "commitment.declare")
        .unwrap();
    let before = app.get_json(&format!(
        "/api/v1/commitments?at={}",
        second_before(&first_commitment.2)
    ));
    assert!(before["commitments"].as_array().unwrap().is_empty());
    let at_it = app.get_json(&format!(
        "/api/v1/commitments?size={}",
        first_commitment.0 + 1
    ));
    assert_eq!(at_it["commitments"].as_array().unwrap().len(), 1);

    // The channel: no message before the first; overdue as it stood.
    let first_message = log.iter().find(|(_, k, _)| k == "channel.message").unwrap();
    let empty = app.get_json(&format!(
        "/api/v1/channel?at={}",
        second_before(&first_message.2)
    ));
    assert!(empty["messages"].as_array().unwrap().is_empty());
    assert_eq!(empty["overdue_acknowledgments"], 0);
    let first = app.get_json(&format!("/api/v1/channel?at={}", first_message.2));
    assert_eq!(
        first["messages"].as_array().unwrap().len() as u64,
        count(&log, "channel.message", at(&first_message.2))
    );
    assert_eq!(
        first["overdue_acknowledgments"], 0,
        "nothing was overdue at the moment it was sent"
    );

    // The talks: only what was recorded by then.
    let talks = app.get_json(&format!("/api/v1/talks?limit=100&at={before_response}"));
    assert_eq!(
        talks["records"].as_array().unwrap().len() as u64,
        count(&log, "session.record", at(&before_response))
            + count(&log, "statement", at(&before_response))
    );
}

#[test]
fn a_moment_outside_the_log_is_refused_with_what_would_do() {
    let app = spawn_app();
    let size = log(&app).len() as u64;
    let beyond = problem(&app, &format!("/api/v1/summary?size={}", size + 1), 404);
    assert_eq!(
        beyond["detail"],
        format!(
            "the log holds {size} records: size {} is beyond it",
            size + 1
        )
    );
    problem(&app, "/api/v1/incidents?size=0", 400);
    let early = problem(&app, "/api/v1/commitments?at=2001-01-01T00:00:00Z", 404);
    assert!(
        early["detail"]
            .as_str()
            .unwrap()
            .contains("before the charter took effect"),
        "{early}"
    );
    // The test server's clock is the scenario's VIEW_AT.
    let later = problem(&app, "/api/v1/channel?at=2030-01-01T00:00:00Z", 404);
    assert!(
        later["detail"]
            .as_str()
            .unwrap()
            .contains("after the server's time"),
        "{later}"
    );
    problem(&app, "/api/v1/statistics?at=yesterday", 400);
    problem(&app, "/api/v1/drafts?at=2025-10-30T18:00:00%2B03:00", 400);
}

#[test]
fn the_timeline_spans_the_log_and_every_step_is_a_moment_the_views_answer() {
    let app = spawn_app();
    let log = log(&app);
    let timeline = app.get_json("/api/v1/as-of");
    let size = log.len() as u64;
    assert_eq!(timeline["size"].as_u64(), Some(size));
    let charter = app.get_json("/api/v1/records/0");
    assert_eq!(
        timeline["charter"],
        charter["record"]["envelope"]["body"]["effective"]
    );
    assert_eq!(
        timeline["latest"].as_str().unwrap(),
        log.iter().map(|(_, _, t)| t.as_str()).max().unwrap()
    );
    assert_eq!(timeline["now"], truce_scenario::VIEW_AT);
    let steps = timeline["steps"].as_array().unwrap();
    assert!(!steps.is_empty() && steps.len() <= 200);
    assert_eq!(steps.last().unwrap()["size"].as_u64(), Some(size));
    for step in steps.iter().step_by(steps.len().div_ceil(5)) {
        let n = step["size"].as_u64().unwrap();
        assert_eq!(step["time"], log[n as usize - 1].2.as_str());
        let summary = app.get_json(&format!("/api/v1/summary?size={n}"));
        assert_eq!(summary["size"].as_u64(), Some(n));
    }
}

/// What a past index costs per record (reading, parsing, indexing), measured
/// by building the scenario's whole log again and again: `cargo nextest run
/// -p truce-server -E 'test(as_of_build_cost)' --run-ignored only
/// --no-capture`. The figure `asof.rs` states comes from here.
#[test]
#[ignore = "a measurement, not a check"]
fn as_of_build_cost() {
    let dir = tempfile::tempdir().unwrap();
    let store: std::sync::Arc<dyn truce_store::Store> = std::sync::Arc::new(
        truce_store_sqlite::SqliteStore::open(dir.path().join("truce.db")).unwrap(),
    );
    build_scenario(&store);
    let size = store.size().unwrap();
    let rounds = 200;
    let started = std::time::Instant::now();
    for _ in 0..rounds {
        truce_server::asof::build(store.as_ref(), size, None).unwrap();
    }
    let per_record = started.elapsed() / (rounds * size as u32);
    println!(
        "{size} records × {rounds}: {per_record:?} a record, {:?} per 10,000",
        per_record * 10_000
    );
}
