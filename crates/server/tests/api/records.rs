use crate::support::*;
use truce_core::Kind;

#[test]
fn a_signed_record_is_acknowledged_once_durable_and_can_be_read_back() {
    for app in every_backend() {
        let before = app.get_json("/api/v1/records?limit=1")["size"]
            .as_u64()
            .unwrap();
        let record = app.sign(
            "pakistan.liaison",
            Kind::IncidentReport,
            a_report("afghanistan"),
        );
        let response = app.post_record(&record);
        assert_eq!(response.status(), 201);
        let receipt: serde_json::Value = response.json().unwrap();
        assert_eq!(receipt["index"].as_u64(), Some(before));
        assert_eq!(receipt["leaf_hash"], serde_json::json!(record.hash()));

        let read = app.get_json(&format!("/api/v1/records/{before}"));
        assert_eq!(read["leaf_hash"], receipt["leaf_hash"]);
        assert_eq!(read["record"]["envelope"]["kind"], "incident.report");
        let by_hash = {
            use base64::Engine;
            let h = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(record.hash().0);
            app.get_json(&format!("/api/v1/records/by-hash/{h}"))
        };
        assert_eq!(by_hash["index"].as_u64(), Some(before));
    }
}

#[test]
fn refused_and_malformed_submissions_get_a_problem_and_change_nothing() {
    for app in every_backend() {
        let size = || {
            app.get_json("/api/v1/records?limit=1")["size"]
                .as_u64()
                .unwrap()
        };
        let before = size();
        let record = app.sign(
            "pakistan.liaison",
            Kind::IncidentReport,
            a_report("afghanistan"),
        );
        assert_eq!(app.post_record(&record).status(), 201);

        // The same record again: a replay.
        let again = app.post_record(&record);
        assert_eq!(again.status(), 422);
        assert_eq!(again.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = again.json().unwrap();
        assert!(
            problem["detail"].as_str().unwrap().contains("out of order"),
            "{problem}"
        );

        // Not JSON; JSON but not a record; a body past the limit.
        for (body, status) in [
            (b"{not json".to_vec(), 400),
            (b"{\"hello\": 1}".to_vec(), 400),
            (vec![b' '; 300 * 1024], 413),
        ] {
            // A fresh connection: after refusing an oversized body the server closes it.
            let r = reqwest::blocking::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap()
                .post(app.url("/api/v1/records"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .unwrap();
            assert_eq!(r.status(), status);
        }
        // A party may not investigate.
        let charter = app.get_json("/api/v1/records/0")["leaf_hash"].clone();
        let _ = charter;
        let report_hash = record.hash();
        let investigation = app.sign(
            "pakistan.liaison",
            Kind::Investigation,
            serde_json::json!({"incident": report_hash, "step": "opened", "details": "x"}),
        );
        let refused = app.post_record(&investigation);
        assert_eq!(refused.status(), 422);
        assert_eq!(size(), before + 1);
    }
}

#[test]
fn responses_carry_security_headers_and_unknown_paths_are_problems() {
    for app in every_backend() {
        let r = app.get("/no/such/thing");
        assert_eq!(r.status(), 404);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert!(
            r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        assert_eq!(r.headers()["x-frame-options"], "DENY");
    }
}

#[test]
fn a_record_dated_in_the_future_is_refused() {
    let app = spawn_app();
    let member = app.member("pakistan.liaison");
    let next = app.get_json("/api/v1/members/pakistan.liaison")["next_seq"]
        .as_u64()
        .unwrap();
    let future = truce_core::record::RecordDraft {
        log: truce_core::values::Label::parse(truce_scenario::ORIGIN).unwrap(),
        author: truce_core::values::MemberId::parse("pakistan.liaison").unwrap(),
        seq: next,
        // The test server's clock says VIEW_AT; an hour later is too far.
        time: truce_core::values::Timestamp::parse(truce_scenario::VIEW_AT)
            .unwrap()
            .plus_hours(1),
        body: truce_core::Body::parse(Kind::IncidentReport, &a_report("afghanistan")).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&[&member.signer])
    .unwrap();
    let r = app.post_record(&future);
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("check your clock"));
}

#[test]
fn a_record_that_breaks_a_rule_of_its_kind_is_refused_with_that_rules_problem_type_and_code() {
    let app = spawn_app();
    // Pakistan accuses itself.
    let record = app.sign(
        "pakistan.liaison",
        Kind::IncidentReport,
        a_report("pakistan"),
    );
    let r = app.post_record(&record);
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = r.json().unwrap();
    let code = truce_core::RuleViolation::AccusesItself.code();
    assert_eq!(problem["code"], code, "{problem}");
    assert_eq!(
        problem["type"],
        format!("https://truce.example/problems/rule/{code}")
    );
    assert_eq!(problem["status"], 422);
    assert_eq!(
        problem["detail"],
        truce_core::RuleViolation::AccusesItself.to_string()
    );
    // A refusal that is not a rule of the kind has no code (a replay).
    let record = app.sign(
        "pakistan.liaison",
        Kind::IncidentReport,
        a_report("afghanistan"),
    );
    assert_eq!(app.post_record(&record).status(), 201);
    let replayed: serde_json::Value = app.post_record(&record).json().unwrap();
    assert_eq!(replayed["type"], "https://truce.example/problems/rejected");
    assert!(replayed.get("code").is_none(), "{replayed}");
}
