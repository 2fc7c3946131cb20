//! `POST /api/v1/import/preview`: a CSV file read and checked against the
//! log for the web UI's import page, signing nothing; the reports it gives,
//! signed by the member and filed through the batch endpoint, are then
//! shown as already in the log.

use crate::support::*;
use serde_json::{Value, json};
use truce_core::Body;
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId, Timestamp};

const LIAISON: &str = "pakistan.liaison";

fn preview(
    app: &App,
    token: Option<&str>,
    format: &str,
    file: Vec<u8>,
) -> reqwest::blocking::Response {
    let mut request = app
        .http
        .post(app.url(&format!("/api/v1/import/preview?format={format}")))
        .header("content-type", "text/csv")
        .body(file);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().unwrap()
}

fn size(app: &App) -> u64 {
    app.get_json("/api/v1/records?limit=1")["size"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_file_with_good_and_bad_rows_previews_then_imports_once() {
    let app = spawn_app();
    let token = app.token(LIAISON);
    let sample = truce_import::sample::acled(120, 5, true);
    assert!(!sample.broken.is_empty());
    let before = size(&app);

    let r = preview(
        &app,
        Some(&token),
        "acled",
        sample.text.clone().into_bytes(),
    );
    assert_eq!(r.status(), 200);
    let answer: Value = r.json().unwrap();
    assert_eq!(size(&app), before, "a preview appends nothing");
    let reports = answer["reports"].as_array().unwrap();
    let rejected = answer["rejected"].as_array().unwrap();
    assert_eq!(reports.len(), sample.events, "{rejected:?}");
    for (line, column) in &sample.broken {
        assert!(
            rejected
                .iter()
                .any(|r| r["line"] == json!(line) && r["column"] == json!(column)),
            "line {line}, column {column} not in {rejected:?}"
        );
    }
    assert_eq!(answer["present"], json!([]));

    // In English each row's reason is the one `truce import` prints; asked
    // in Turkish, the same rows are refused, each reason said in Turkish.
    let parsed = truce_import::parse(truce_import::Format::Acled, sample.text.as_bytes()).unwrap();
    assert!(!parsed.rejected.is_empty());
    for row in &parsed.rejected {
        let shown = rejected.iter().find(|r| r["line"] == json!(row.line));
        assert_eq!(
            shown.map(|r| &r["reason"]),
            Some(&json!(row.reason.to_string()))
        );
    }
    let turkish: Value = app
        .http
        .post(app.url("/api/v1/import/preview?format=acled"))
        .header("content-type", "text/csv")
        .header("accept-language", "tr")
        .bearer_auth(&token)
        .body(sample.text.clone().into_bytes())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let turkish = turkish["rejected"].as_array().unwrap();
    assert_eq!(turkish.len(), rejected.len());
    for (tr, en) in turkish.iter().zip(rejected) {
        assert_eq!((&tr["line"], &tr["column"]), (&en["line"], &en["column"]));
        assert_ne!(tr["reason"], en["reason"], "{tr} in Turkish");
    }
    let lines: Vec<u64> = reports
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "file order");

    // The member signs the bodies as they are, at consecutive sequence
    // numbers, and files them through the batch endpoint.
    let member = app.member(LIAISON);
    let mut seq = app.get_json(&format!("/api/v1/members/{LIAISON}"))["next_seq"]
        .as_u64()
        .unwrap();
    let records: Vec<Value> = reports
        .iter()
        .map(|r| {
            let body = Body::parse(truce_core::Kind::IncidentReport, &r["body"]).unwrap();
            let record = RecordDraft {
                log: Label::parse(app.scenario.origin.as_str()).unwrap(),
                author: MemberId::parse(LIAISON).unwrap(),
                seq,
                time: Timestamp::parse(truce_scenario::VIEW_AT).unwrap(),
                body,
                confidential: None,
                extra_refs: vec![],
            }
            .sign(&[&member.signer])
            .unwrap();
            seq += 1;
            // The body signed is the body previewed, byte for byte.
            let value: Value = serde_json::from_slice(record.leaf()).unwrap();
            assert_eq!(value["envelope"]["body"], r["body"]);
            value
        })
        .collect();
    let answer: Value = app
        .http
        .post(app.url("/api/v1/records:batch"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&json!({ "records": records })).unwrap())
        .send()
        .unwrap()
        .json()
        .unwrap();
    let results = answer["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["index"].is_u64()), "{results:?}");
    assert_eq!(size(&app), before + records.len() as u64);

    // The same file again: every event is in the log already.
    let again: Value = preview(&app, Some(&token), "acled", sample.text.into_bytes())
        .json()
        .unwrap();
    assert_eq!(again["reports"], json!([]));
    assert_eq!(again["present"].as_array().unwrap().len(), sample.events);
    assert_eq!(again["present"][0]["dataset"], "acled");
    assert_eq!(again["rejected"].as_array().unwrap().len(), rejected.len());
}

#[test]
fn only_a_signed_in_member_who_may_report_previews() {
    let app = spawn_app();
    let file = truce_import::sample::acled(3, 1, false).text.into_bytes();
    let r = preview(&app, None, "acled", file.clone());
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let token = app.token("pakistan.information");
    let r = preview(&app, Some(&token), "acled", file);
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[test]
fn an_oversized_file_or_another_format_is_refused_with_a_problem() {
    let app = spawn_app();
    let token = app.token(LIAISON);
    let mut big = truce_import::sample::acled(1, 1, false).text.into_bytes();
    big.resize((16 << 20) + 1, b'\n');
    let r = preview(&app, Some(&token), "acled", big);
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let file = truce_import::sample::acled(2, 1, false).text.into_bytes();
    let r = preview(&app, Some(&token), "ucdp", file);
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = preview(&app, Some(&token), "geojson", b"x".to_vec());
    assert_eq!(r.status(), 400);
}
