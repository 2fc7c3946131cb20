//! The access matrix, walked whole: every kind of endpoint × each party, a
//! mediator, an observer and anonymous × their own and others' records.
//! The log itself is published; what is not for everyone stays out of it.

use crate::support::*;
use rand::SeedableRng;
use serde_json::{Value, json};
use std::sync::Arc;
use truce_core::Kind;
use truce_core::kinds::common::BlobDigest;
use truce_core::record::RecordDraft;
use truce_core::sealed::{Opening, SealedPart};
use truce_core::values::{Label, MemberId, Timestamp};
use truce_store::Store;
use truce_tlog::note::NoteSigner;

const ORIGIN: &str = "truce.example/matrix";
const WHO: [Option<&str>; 5] = [Some("pk"), Some("af"), Some("qa"), Some("press"), None];

/// Two parties, two mediators and an observer, charter only.
fn mechanism() -> App {
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let log = NoteSigner::generate(ORIGIN, &mut rng).unwrap();
    let key = |rng: &mut rand::rngs::StdRng, id: &str| NoteSigner::generate(id, rng).unwrap();
    let members: Vec<(&str, &str, NoteSigner)> = vec![
        ("pakistan", "pk", key(&mut rng, "pk")),
        ("afghanistan", "af", key(&mut rng, "af")),
        ("qatar", "qa", key(&mut rng, "qa")),
        ("turkiye", "tr", key(&mut rng, "tr")),
        ("press", "press", key(&mut rng, "press")),
    ];
    let spec = |id: &str, s: &NoteSigner, caps: Value| json!({"id": id, "name": id, "key": s.verifier().vkey(), "capabilities": caps});
    let caps = |p: &str| match p {
        "pakistan" | "afghanistan" => json!(["report", "respond", "sign"]),
        "press" => json!([]),
        _ => json!(["find", "sign"]),
    };
    let role = |p: &str| match p {
        "pakistan" | "afghanistan" => "party",
        "press" => "observer",
        _ => "mediator",
    };
    let participants: Vec<Value> = members
        .iter()
        .map(|(p, id, s)| json!({"id": p, "name": p, "role": role(p), "members": [spec(id, s, caps(p))]}))
        .collect();
    let body = json!({
        "title": "Access matrix", "origin": ORIGIN, "log_key": log.verifier().vkey(),
        "effective": "2025-10-01T00:00:00Z", "participants": participants,
        "deadlines": {"incident_response_hours": 72, "channel_ack_hours": 24},
        "finding_threshold": "all", "witness_policy": "quorum none\n",
        "consequences": [{"level": 1, "name": "Formal notice", "description": "Written notice."}]
    });
    let founders: Vec<&NoteSigner> = members
        .iter()
        .filter(|(p, ..)| *p != "press")
        .map(|(.., s)| s)
        .collect();
    let charter = RecordDraft {
        log: Label::parse(ORIGIN).unwrap(),
        author: MemberId::parse("pk").unwrap(),
        seq: 1,
        time: Timestamp::parse("2025-10-01T00:00:00Z").unwrap(),
        body: truce_core::Body::parse(Kind::Charter, &body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&founders)
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(truce_store_sqlite::SqliteStore::open(dir.path().join("truce.db")).unwrap());
    truce_ledger::Ledger::open(Arc::clone(&store), log.clone())
        .unwrap()
        .submit(charter, None)
        .unwrap();
    let scenario = truce_scenario::Scenario {
        members: members
            .into_iter()
            .map(|(p, id, signer)| truce_scenario::DemoMember {
                participant: p.into(),
                member: id.into(),
                display_name: id.into(),
                signer,
            })
            .collect(),
        witnesses: vec![],
        origin: ORIGIN.into(),
        openings: vec![],
        blobs: vec![],
    };
    spawn_on(dir, store, log, scenario)
}

fn get(app: &App, token: Option<&String>, path: &str) -> reqwest::blocking::Response {
    let r = app.http.get(app.url(path));
    match token {
        Some(t) => r.bearer_auth(t),
        None => r,
    }
    .send()
    .unwrap()
}

fn evidence(
    app: &App,
    tokens: &std::collections::HashMap<&str, String>,
    confidentiality: &str,
    bytes: &[u8],
) -> (String, truce_core::Hash) {
    let digest = BlobDigest::of(bytes).to_string();
    let up = app
        .http
        .post(app.url(&format!("/api/v1/evidence?digest={digest}")))
        .bearer_auth(&tokens["pk"])
        .body(bytes.to_vec())
        .send()
        .unwrap();
    assert!(up.status().is_success(), "{}", up.text().unwrap());
    let record = app.sign(
        "pk",
        Kind::EvidenceSubmit,
        json!({"digest": digest, "media_type": "text/plain", "size": bytes.len(), "description": "Test evidence.", "confidentiality": confidentiality}),
    );
    assert_eq!(app.post_record(&record).status(), 201);
    (digest, record.hash())
}

#[test]
fn every_endpoint_by_every_role_on_own_and_others_records() {
    let app = mechanism();
    let tokens: std::collections::HashMap<&str, String> = ["pk", "af", "qa", "press"]
        .into_iter()
        .map(|m| (m, app.token(m)))
        .collect();
    let observer: Value = app.get_json("/api/v1/members/press");
    assert_eq!(observer["role"], "observer");

    // Pakistan's report with a part only Qatar may read; Afghanistan's plain report.
    let next = app.get_json("/api/v1/members/pk")["next_seq"]
        .as_u64()
        .unwrap();
    let opening = Opening::new([3; 32], json!({"source": "a named informant"}));
    let sealed: SealedPart =
        serde_json::from_value(json!({"digest": opening.digest().unwrap(), "readers": ["qatar"]}))
            .unwrap();
    let pk_report = RecordDraft {
        log: Label::parse(ORIGIN).unwrap(),
        author: MemberId::parse("pk").unwrap(),
        seq: next,
        time: Timestamp::parse(truce_scenario::VIEW_AT).unwrap(),
        body: truce_core::Body::parse(Kind::IncidentReport, &a_report("afghanistan")).unwrap(),
        confidential: Some(sealed),
        extra_refs: vec![],
    }
    .sign(&[&app.member("pk").signer])
    .unwrap();
    let record: Value = serde_json::from_slice(pk_report.leaf()).unwrap();
    let r = app
        .http
        .post(app.url("/api/v1/records"))
        .json(&json!({"record": record, "opening": opening}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    let pk_index = 1;
    let af_report = app.sign("af", Kind::IncidentReport, a_report("pakistan"));
    let r = app.post_record(&af_report);
    assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    let af_index = 2;

    // Records: everyone reads every envelope; the sealed part only its side and readers.
    for who in WHO {
        let t = who.map(|m| &tokens[m]);
        for (index, sealed_readers) in [(pk_index, vec!["pk", "qa"]), (af_index, vec![])] {
            let r = get(&app, t, &format!("/api/v1/records/{index}"));
            assert_eq!(r.status(), 200, "{who:?} record {index}");
            let v: Value = r.json().unwrap();
            let shown = v.get("confidential").is_some();
            let should = who.is_some_and(|m| sealed_readers.contains(&m));
            assert_eq!(shown, should, "{who:?} confidential part of record {index}");
        }
        // Published views: open to all, observers and anonymous included.
        for path in [
            "/api/v1/incidents",
            "/api/v1/incidents/1",
            "/api/v1/statistics",
            "/api/v1/drafts",
            "/api/v1/commitments",
            "/api/v1/channel",
            "/api/v1/talks",
            "/api/v1/participants",
            "/checkpoint",
            "/api/v1/proof/inclusion?index=1",
            "/api/v1/records/2/bundle",
        ] {
            assert_eq!(get(&app, t, path).status(), 200, "{who:?} {path}");
        }
        assert_eq!(
            get(&app, t, "/api/v1/demo/members").status(),
            404,
            "not a demo"
        );
    }

    // Evidence: Pakistan files one of each confidentiality.
    let (public, _) = evidence(&app, &tokens, "public", b"public evidence");
    let (shared, shared_hash) = evidence(
        &app,
        &tokens,
        "participants",
        b"evidence for the participants",
    );
    let (restricted, restricted_hash) =
        evidence(&app, &tokens, "mediators", b"evidence for the mediators");
    // Signed traces: Afghanistan for the shared one, Qatar and Pakistan for the restricted one.
    for (member, hash, expected) in [
        ("af", shared_hash, 201),
        ("qa", restricted_hash, 201),
        ("pk", restricted_hash, 201),
        ("pk", shared_hash, 201),
        ("af", restricted_hash, 422),
        ("press", shared_hash, 422),
    ] {
        let r = app.post_record(&app.sign(member, Kind::EvidenceAccess, json!({"evidence": hash})));
        assert_eq!(r.status().as_u16(), expected, "{member} opening {hash}");
    }
    let expect = |who: Option<&str>, digest: &str, status: u16| {
        let r = get(
            &app,
            who.map(|m| &tokens[m]),
            &format!("/api/v1/evidence/{digest}"),
        );
        assert_eq!(r.status().as_u16(), status, "{who:?} {digest}");
    };
    for who in WHO {
        expect(who, &public, 200);
    }
    expect(Some("pk"), &shared, 200);
    expect(Some("af"), &shared, 200);
    expect(Some("qa"), &shared, 403); // entitled, but has signed no access record
    expect(Some("press"), &shared, 403);
    expect(None, &shared, 401);
    expect(Some("pk"), &restricted, 200);
    expect(Some("qa"), &restricted, 200);
    expect(Some("af"), &restricted, 403);
    expect(Some("press"), &restricted, 403);
    expect(None, &restricted, 401);

    // Writes: an observer authors nothing; uploads need a party or mediator.
    let from_press = app.sign(
        "press",
        Kind::Statement,
        json!({"category": "public_statement", "title": "x", "text": "y"}),
    );
    assert_eq!(app.post_record(&from_press).status(), 422);
    let upload = |who: Option<&str>| {
        let r = app.http.post(app.url(&format!(
            "/api/v1/evidence?digest={}",
            BlobDigest::of(b"new")
        )));
        match who {
            Some(m) => r.bearer_auth(&tokens[m]),
            None => r,
        }
        .body(b"new".to_vec())
        .send()
        .unwrap()
        .status()
        .as_u16()
    };
    assert_eq!(upload(None), 401);
    assert_eq!(upload(Some("press")), 403);
    assert_eq!(upload(Some("af")), 201);
    assert_eq!(upload(Some("qa")), 200, "already stored");
}
