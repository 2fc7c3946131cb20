//! `POST /api/v1/records:batch`: already-signed records, each admitted or
//! refused on its own, answered per record.

use crate::support::*;
use serde_json::{Value, json};
use truce_core::Kind;
use truce_core::Record;
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId, Timestamp};

/// `member`'s record with sequence number `seq` (the test server's clock
/// is the scenario's `VIEW_AT`).
fn signed(app: &App, member: &str, seq: u64, kind: Kind, body: Value) -> Record {
    RecordDraft {
        log: Label::parse(app.scenario.origin.as_str()).unwrap(),
        author: MemberId::parse(member).unwrap(),
        seq,
        time: Timestamp::parse(truce_scenario::VIEW_AT).unwrap(),
        body: truce_core::Body::parse(kind, &body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&[&app.member(member).signer])
    .unwrap()
}

fn next_seq(app: &App, member: &str) -> u64 {
    app.get_json(&format!("/api/v1/members/{member}"))["next_seq"]
        .as_u64()
        .unwrap()
}

fn size(app: &App) -> u64 {
    app.get_json("/api/v1/records?limit=1")["size"]
        .as_u64()
        .unwrap()
}

fn post_batch(app: &App, records: &[Value]) -> reqwest::blocking::Response {
    app.http
        .post(app.url("/api/v1/records:batch"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&json!({ "records": records })).unwrap())
        .send()
        .unwrap()
}

fn value(record: &Record) -> Value {
    serde_json::from_slice(record.leaf()).unwrap()
}

/// Each acknowledged record is read back from the store at its index.
fn assert_durable(app: &App, results: &[Value], records: &[Record]) {
    for (result, record) in results.iter().zip(records) {
        let index = result["index"].as_u64().unwrap();
        assert!(result["tree_size"].as_u64().unwrap() > index);
        let stored = app.get_json(&format!("/api/v1/records/{index}"));
        assert_eq!(stored["leaf_hash"], json!(record.hash()));
    }
}

#[test]
fn a_batch_of_good_records_lands_in_order_and_each_is_durable_when_acknowledged() {
    for app in every_backend() {
        let before = size(&app);
        let (pk, af) = (
            next_seq(&app, "pakistan.liaison"),
            next_seq(&app, "afghanistan.liaison"),
        );
        // Two authors interleaved: the log keeps the request's order.
        let records: Vec<Record> = (0..60)
            .map(|i| {
                if i % 2 == 0 {
                    signed(
                        &app,
                        "pakistan.liaison",
                        pk + i / 2,
                        Kind::IncidentReport,
                        a_report("afghanistan"),
                    )
                } else {
                    signed(
                        &app,
                        "afghanistan.liaison",
                        af + i / 2,
                        Kind::IncidentReport,
                        a_report("pakistan"),
                    )
                }
            })
            .collect();
        let response = post_batch(&app, &records.iter().map(value).collect::<Vec<_>>());
        assert_eq!(response.status(), 200);
        let answer: Value = response.json().unwrap();
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), records.len());
        for (i, (result, record)) in results.iter().zip(&records).enumerate() {
            assert_eq!(
                result["index"].as_u64(),
                Some(before + i as u64),
                "{result}"
            );
            assert_eq!(result["leaf_hash"], json!(record.hash()));
        }
        assert_durable(&app, results, &records);
        assert_eq!(size(&app), before + 60);
    }
}

#[test]
fn refused_records_of_a_batch_get_the_single_endpoints_problem_and_the_others_land() {
    for app in every_backend() {
        let before = size(&app);
        let pk = next_seq(&app, "pakistan.liaison");
        let af = next_seq(&app, "afghanistan.liaison");
        let first = signed(
            &app,
            "pakistan.liaison",
            pk,
            Kind::IncidentReport,
            a_report("afghanistan"),
        );
        // A signature that no longer matches: the narrative changed after signing.
        let mut forged = value(&signed(
            &app,
            "afghanistan.liaison",
            af,
            Kind::IncidentReport,
            a_report("pakistan"),
        ));
        forged["envelope"]["body"]["narrative"] = json!("Something else entirely.");
        // A record already in the log: a replay.
        let replayed: Value = app.get_json("/api/v1/records/1")["record"].clone();
        // A party may not investigate.
        let unauthorised = signed(
            &app,
            "pakistan.head",
            next_seq(&app, "pakistan.head"),
            Kind::Investigation,
            json!({"incident": first.hash(), "step": "opened", "details": "x"}),
        );
        // Not a record at all.
        let malformed = json!({"hello": 1});
        // Afghanistan's next record takes the sequence number the forged one
        // did not use.
        let second = signed(
            &app,
            "pakistan.liaison",
            pk + 1,
            Kind::IncidentReport,
            a_report("afghanistan"),
        );
        let third = signed(
            &app,
            "afghanistan.liaison",
            af,
            Kind::IncidentReport,
            a_report("pakistan"),
        );
        let sent = vec![
            value(&first),
            forged.clone(),
            replayed.clone(),
            value(&unauthorised),
            malformed.clone(),
            value(&second),
            value(&third),
        ];
        let response = post_batch(&app, &sent);
        assert_eq!(response.status(), 200);
        let answer: Value = response.json().unwrap();
        let results = answer["results"].as_array().unwrap().clone();
        assert_eq!(results.len(), sent.len());
        assert_durable(
            &app,
            &[results[0].clone(), results[5].clone(), results[6].clone()],
            &[first, second, third],
        );
        assert_eq!(results[0]["index"].as_u64(), Some(before));
        assert_eq!(results[5]["index"].as_u64(), Some(before + 1));
        assert_eq!(results[6]["index"].as_u64(), Some(before + 2));
        assert_eq!(
            size(&app),
            before + 3,
            "the refused records changed nothing"
        );
        // Each refused record, sent alone now, gets the problem it got in the batch.
        for (position, expected_status) in [(1, 422), (2, 422), (3, 422), (4, 400)] {
            let problem = &results[position]["problem"];
            assert_eq!(problem["status"], expected_status, "{problem}");
            let alone = app
                .http
                .post(app.url("/api/v1/records"))
                .header("content-type", "application/json")
                .body(serde_json::to_vec(&sent[position]).unwrap())
                .send()
                .unwrap();
            assert_eq!(alone.status().as_u16(), expected_status);
            let alone: Value = alone.json().unwrap();
            for field in ["type", "title", "status", "detail", "code"] {
                assert_eq!(problem[field], alone[field], "record {position}: {field}");
            }
        }
        assert_eq!(size(&app), before + 3);
    }
}

#[test]
fn an_oversized_batch_is_refused_whole() {
    let app = spawn_app();
    let before = size(&app);
    let pk = next_seq(&app, "pakistan.liaison");
    let one = value(&signed(
        &app,
        "pakistan.liaison",
        pk,
        Kind::IncidentReport,
        a_report("afghanistan"),
    ));
    // More records than a batch holds (the first would be admitted alone).
    let many = vec![one.clone(); 1001];
    let r = post_batch(&app, &many);
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // More bytes than the endpoint reads.
    let fresh = reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let r = fresh
        .post(app.url("/api/v1/records:batch"))
        .header("content-type", "application/json")
        .body(vec![b' '; 9 << 20])
        .send()
        .unwrap();
    assert_eq!(r.status(), 413);
    // Empty, or not the batch's shape.
    assert_eq!(post_batch(&app, &[]).status(), 400);
    assert_eq!(post_batch(&app, &[one.clone(), json!(5)]).status(), 400);
    let r = app
        .http
        .post(app.url("/api/v1/records:batch"))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&json!({"records": [one], "extra": 1})).unwrap())
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = app
        .http
        .post(app.url("/api/v1/records:batch"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(r.status(), 415);
    assert_eq!(size(&app), before, "nothing of a refused batch is filed");
}

#[test]
fn a_record_of_a_batch_larger_than_one_submission_may_be_is_refused_alone() {
    let app = spawn_app();
    let pk = next_seq(&app, "pakistan.liaison");
    let mut big = a_report("afghanistan");
    big["narrative"] = json!("x".repeat(300 * 1024));
    let big = json!({"envelope": {"body": big}, "signatures": []});
    let good = signed(
        &app,
        "pakistan.liaison",
        pk,
        Kind::IncidentReport,
        a_report("afghanistan"),
    );
    let answer: Value = post_batch(&app, &[big, value(&good)]).json().unwrap();
    assert_eq!(answer["results"][0]["problem"]["status"], 413);
    assert_eq!(answer["results"][1]["leaf_hash"], json!(good.hash()));
}
