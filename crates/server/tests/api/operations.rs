//! Running it safely: HTTPS with HSTS for a field server without a proxy,
//! and the audit log of sign-ins, refusals and revocations.

use crate::support::*;
use serde_json::{Value, json};
use truce_core::Kind;

#[test]
fn https_serves_the_api_with_hsts_and_refuses_plain_http() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let files = tempfile::tempdir().unwrap();
    let cert = files.path().join("cert.pem");
    let key = files.path().join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.key_pair.serialize_pem()).unwrap();
    let mut app = spawn_app_with(Options {
        tls: Some(truce_server::TlsFiles {
            cert: cert.clone(),
            key,
        }),
        ..Options::default()
    });
    assert!(app.base.starts_with("https://localhost:"), "{}", app.base);
    // A client that trusts the certificate, and nothing else.
    app.http = reqwest::blocking::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap(),
        )
        .tls_built_in_root_certs(false)
        .https_only(true)
        .build()
        .unwrap();
    let r = app.get("/checkpoint");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    assert!(r.text().unwrap().starts_with(truce_scenario::ORIGIN));
    // Sign-in and a signed record go through as over HTTP.
    assert_eq!(app.sign_in("qatar.mediator").status(), 200);
    let record = app.sign(
        "pakistan.liaison",
        Kind::IncidentReport,
        a_report("afghanistan"),
    );
    assert_eq!(app.post_record(&record).status(), 201);
    // Errors carry the header too.
    let r = app.get("/api/v1/records/999999");
    assert_eq!(r.status(), 404);
    assert!(r.headers().contains_key("strict-transport-security"));

    // Plain HTTP on the HTTPS port gets no answer from the API, and a
    // client that does not trust the certificate cannot connect.
    let plain = reqwest::blocking::Client::new()
        .get(app.base.replace("https://", "http://") + "/checkpoint")
        .send();
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
    let stranger = reqwest::blocking::Client::new()
        .get(app.url("/checkpoint"))
        .send();
    assert!(stranger.is_err(), "an untrusted certificate is refused");
}

#[test]
fn the_audit_log_records_sign_ins_refusals_and_revocations() {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let app = spawn_app_with(Options {
        audit_log: Some(audit.clone()),
        ..Options::default()
    });

    // A sign-in, and one with another member's signature.
    let token = app.token("afghanistan.liaison");
    let r = app.sign_in_as(
        "qatar.mediator",
        app.member("pakistan.liaison").signer.signing_key(),
    );
    assert_eq!(r.status(), 401);
    // A record replayed.
    let record = app.sign(
        "pakistan.liaison",
        Kind::IncidentReport,
        a_report("afghanistan"),
    );
    assert_eq!(app.post_record(&record).status(), 201);
    assert_eq!(app.post_record(&record).status(), 422);
    // Restricted evidence without a signed trace.
    let page = app.get_json("/api/v1/records?limit=1000");
    let restricted = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["record"]["envelope"]["kind"] == "evidence.submit"
                && r["record"]["envelope"]["body"]["confidentiality"] == "participants"
        })
        .unwrap()["record"]["envelope"]["body"]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .http
        .get(app.url(&format!("/api/v1/evidence/{restricted}")))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
    // The member is revoked; its token is refused from then on.
    let revoke = app.sign(
        "afghanistan.head",
        Kind::MemberRevoke,
        json!({"member": "afghanistan.liaison", "reason": "The liaison left the post (test)."}),
    );
    let receipt: Value = app.post_record(&revoke).json().unwrap();
    let r = app
        .http
        .get(app.url("/api/v1/records/0"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);

    let lines: Vec<Value> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["event"].as_str().unwrap(),
                l["member"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            ("sign_in", "afghanistan.liaison"),
            ("sign_in_refused", "qatar.mediator"),
            ("record_refused", "pakistan.liaison"),
            ("access_refused", "afghanistan.liaison"),
            ("member_revoked", "afghanistan.liaison"),
            ("token_refused", "afghanistan.liaison"),
        ]
    );
    for line in &lines {
        assert_eq!(line["address"], "127.0.0.1", "{line}");
        assert_eq!(line["time"], truce_scenario::VIEW_AT, "the server's clock");
        assert!(!line["detail"].as_str().unwrap().is_empty());
    }
    assert!(
        lines[2]["detail"].as_str().unwrap().contains("seq"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[4]["record"], receipt["index"]);
    assert!(lines[5]["detail"].as_str().unwrap().contains("revoked"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&audit).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the audit log is for the operator only");
    }
}

/// One caller's reads in flight are bounded: with a bound of one, reads a
/// caller makes at once are partly turned away with 429 and `Retry-After`
/// (and answered when asked again), while another caller is not held up.
#[test]
fn a_callers_reads_in_flight_are_bounded_and_others_are_not_held_up() {
    let app = spawn_app_with(Options {
        reads_in_flight: Some(1),
        ..Options::default()
    });
    let case = app.get_json("/api/v1/incidents?limit=1")["items"][0]["index"]
        .as_u64()
        .unwrap();
    let path = format!("/api/v1/incidents/{case}");
    let mut turned_away = 0;
    // Reads overlap in time only by chance: try rounds until some do.
    for _round in 0..50 {
        let answers: Vec<(u16, Option<String>, String)> = std::thread::scope(|s| {
            let readers: Vec<_> = (0..12)
                .map(|_| {
                    s.spawn(|| {
                        let r = reqwest::blocking::Client::new()
                            .get(app.url(&path))
                            .send()
                            .unwrap();
                        let retry = r
                            .headers()
                            .get("retry-after")
                            .map(|v| v.to_str().unwrap().to_string());
                        let kind = r.headers()["content-type"].to_str().unwrap().to_string();
                        (r.status().as_u16(), retry, kind)
                    })
                })
                .collect();
            readers.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (status, retry, kind) in &answers {
            match status {
                200 => assert_eq!(kind, "application/json"),
                429 => {
                    assert_eq!(retry.as_deref(), Some("1"));
                    assert_eq!(kind, "application/problem+json");
                    turned_away += 1;
                }
                other => panic!("unexpected {other}"),
            }
        }
        assert!(
            answers.iter().any(|a| a.0 == 200),
            "one read is always answered"
        );
        if turned_away > 0 {
            break;
        }
    }
    assert!(
        turned_away > 0,
        "concurrent reads of one caller were never bounded"
    );
    // A signed-in member is another caller, with its own slot.
    let token = app.token("qatar.mediator");
    let r = app
        .http
        .get(app.url(&path))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
}
