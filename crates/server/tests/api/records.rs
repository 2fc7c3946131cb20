use crate::support::*;
use serde_json::json;
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

/// `body` as `kind` by `member` at sequence `seq` (for records signed ahead
/// of the ones before them in a group).
fn signed_at(
    app: &App,
    member: &str,
    seq: u64,
    kind: Kind,
    body: serde_json::Value,
) -> truce_core::Record {
    truce_core::record::RecordDraft {
        log: truce_core::values::Label::parse(app.scenario.origin.as_str()).unwrap(),
        author: truce_core::values::MemberId::parse(member).unwrap(),
        seq,
        time: truce_core::values::Timestamp::parse(truce_scenario::VIEW_AT).unwrap(),
        body: truce_core::Body::parse(kind, &body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&[&app.member(member).signer])
    .unwrap()
}

/// Evidence and the report citing it, as the report form files them: one
/// group, all or none. A refused report leaves nothing in the log (no
/// evidence record either); a good one files both at consecutive indexes; the
/// same group sent again files nothing twice.
#[test]
fn a_report_and_its_evidence_are_filed_as_one_group_all_or_none() {
    let app = spawn_app();
    let member = "pakistan.liaison";
    let seq = app.get_json(&format!("/api/v1/members/{member}"))["next_seq"]
        .as_u64()
        .unwrap();
    let size = |app: &App| {
        app.get_json("/api/v1/records?limit=1")["size"]
            .as_u64()
            .unwrap()
    };
    let evidence = signed_at(
        &app,
        member,
        seq,
        Kind::EvidenceSubmit,
        json!({"digest": format!("sha256:{}", "ef".repeat(32)), "media_type": "image/png", "size": 10, "description": "A photograph", "confidentiality": "public"}),
    );
    let citing = |accused: &str| {
        let mut report = a_report(accused);
        report["evidence"] = json!([evidence.hash()]);
        signed_at(&app, member, seq + 1, Kind::IncidentReport, report)
    };
    let post = |records: &[&truce_core::Record]| {
        let records: Vec<serde_json::Value> = records
            .iter()
            .map(|r| serde_json::from_slice(r.leaf()).unwrap())
            .collect();
        app.http
            .post(app.url("/api/v1/records/group"))
            .json(&json!({ "records": records }))
            .send()
            .unwrap()
    };
    let before = size(&app);

    // Pakistan accuses itself: the report is refused, and so is its evidence.
    let refused = post(&[&evidence, &citing("pakistan")]);
    assert_eq!(refused.status(), 422);
    let problem: serde_json::Value = refused.json().unwrap();
    let code = truce_core::RuleViolation::AccusesItself.code();
    assert_eq!(problem["code"], code, "{problem}");
    assert_eq!(
        problem["type"],
        format!("https://truce.example/problems/rule/{code}")
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("record 1 of the group"),
        "{problem}"
    );
    assert_eq!(size(&app), before, "nothing of the group is in the log");
    let path = {
        use base64::Engine;
        let h = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(evidence.hash().0);
        format!("/api/v1/records/by-hash/{h}")
    };
    assert_eq!(app.get(&path).status(), 404, "no orphaned evidence record");

    // The same evidence with a good report: both, at consecutive indexes.
    let report = citing("afghanistan");
    let filed = post(&[&evidence, &report]);
    assert_eq!(filed.status(), 201);
    let receipts: serde_json::Value = filed.json().unwrap();
    assert_eq!(receipts[0]["index"], before);
    assert_eq!(receipts[0]["leaf_hash"], json!(evidence.hash()));
    assert_eq!(receipts[1]["index"], before + 1);
    assert_eq!(receipts[1]["leaf_hash"], json!(report.hash()));
    assert_eq!(size(&app), before + 2);
    assert_eq!(app.get(&path).status(), 200);

    // Sent again (its answer lost, say): refused whole, nothing filed twice.
    let again = post(&[&evidence, &report]);
    assert_eq!(again.status(), 422);
    assert_eq!(size(&app), before + 2);
}
