//! Every write endpoint, fed malformed, oversized, truncated, replayed and
//! wrongly signed requests: each gets a 4xx problem, and the log is unchanged.

use crate::support::*;
use truce_core::Kind;

fn log_size(app: &App) -> u64 {
    app.get_json("/api/v1/records?limit=1")["size"]
        .as_u64()
        .unwrap()
}

/// A fresh connection per request: after refusing an oversized body the
/// server closes the connection, which a pooled client would reuse.
fn post(app: &App, path: &str, body: Vec<u8>) -> reqwest::blocking::Response {
    reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .unwrap()
}

#[test]
fn bad_writes_get_a_4xx_and_change_nothing() {
    for app in every_backend() {
        let before = log_size(&app);
        let checkpoint_before = app.get("/checkpoint").text().unwrap();
        let record = app.sign(
            "pakistan.liaison",
            Kind::IncidentReport,
            a_report("afghanistan"),
        );
        let leaf = record.leaf().to_vec();

        let mut wrong_signature: serde_json::Value = serde_json::from_slice(&leaf).unwrap();
        let sig = wrong_signature["signatures"][0]["sig"]
            .as_str()
            .unwrap()
            .to_string();
        let mut flipped = sig.into_bytes();
        flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
        wrong_signature["signatures"][0]["sig"] =
            serde_json::Value::String(String::from_utf8(flipped).unwrap());

        let mut other_key: serde_json::Value = serde_json::from_slice(&leaf).unwrap();
        other_key["signatures"][0]["member"] = serde_json::json!("afghanistan.liaison");

        let mut tampered_body: serde_json::Value = serde_json::from_slice(&leaf).unwrap();
        tampered_body["envelope"]["body"]["narrative"] =
            serde_json::json!("Something else entirely.");

        // The signed record with a second "narrative" in its body: a parser
        // that keeps the first would read another record than one that keeps
        // the last, so it is refused whichever the signature covers.
        let text = String::from_utf8(leaf.clone()).unwrap();
        let duplicated_body = text.replacen(
            "\"narrative\":",
            "\"narrative\":\"Nothing happened.\",\"narrative\":",
            1,
        );
        assert_ne!(duplicated_body, text);
        let duplicated_top = format!("{{\"signatures\":[],{}", &text[1..]);

        let cases: Vec<(&str, &str, Vec<u8>)> = vec![
            (
                "/api/v1/records",
                "a duplicate member in the body",
                duplicated_body.into_bytes(),
            ),
            (
                "/api/v1/records",
                "a duplicate member at the top",
                duplicated_top.into_bytes(),
            ),
            (
                "/api/v1/auth/challenge",
                "a duplicate member",
                b"{\"member\":\"qatar.mediator\",\"member\":\"pakistan.liaison\"}".to_vec(),
            ),
            ("/api/v1/records", "empty", Vec::new()),
            ("/api/v1/records", "not JSON", b"\x00\x01garbage".to_vec()),
            (
                "/api/v1/records",
                "truncated",
                leaf[..leaf.len() / 2].to_vec(),
            ),
            ("/api/v1/records", "oversized", vec![b'['; 2 * 1024 * 1024]),
            (
                "/api/v1/records",
                "deeply nested",
                format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            ),
            (
                "/api/v1/records",
                "wrong signature",
                serde_json::to_vec(&wrong_signature).unwrap(),
            ),
            (
                "/api/v1/records",
                "signed by another member",
                serde_json::to_vec(&other_key).unwrap(),
            ),
            (
                "/api/v1/records",
                "body changed after signing",
                serde_json::to_vec(&tampered_body).unwrap(),
            ),
            (
                "/api/v1/records",
                "a float",
                b"{\"envelope\":{\"v\":1.5},\"signatures\":[]}".to_vec(),
            ),
            ("/api/v1/auth/challenge", "not JSON", b"{".to_vec()),
            (
                "/api/v1/auth/challenge",
                "unknown field",
                b"{\"member\":\"x\",\"admin\":true}".to_vec(),
            ),
            (
                "/api/v1/auth/challenge",
                "oversized",
                vec![b' '; 2 * 1024 * 1024],
            ),
            (
                "/api/v1/auth/token",
                "truncated",
                b"{\"member\":\"qatar.mediator\",\"chall".to_vec(),
            ),
            (
                "/api/v1/auth/token",
                "forged",
                b"{\"member\":\"qatar.mediator\",\"challenge\":\"nope\",\"signature\":\"AAAA\"}"
                    .to_vec(),
            ),
        ];
        for (path, what, body) in cases {
            let r = post(&app, path, body);
            let status = r.status().as_u16();
            assert!((400..500).contains(&status), "{path} {what}: {status}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{path} {what}"
            );
            if what == "oversized" {
                assert_eq!(status, 413, "{path}");
            }
        }
        // JSON only as JSON: another or no Content-Type is a 415, before
        // anything is read.
        for path in ["/api/v1/records", "/api/v1/auth/challenge"] {
            for content_type in [
                Some("text/plain"),
                Some("application/x-www-form-urlencoded"),
                None,
            ] {
                let mut request = app.http.post(app.url(path)).body(leaf.clone());
                if let Some(c) = content_type {
                    request = request.header("content-type", c);
                }
                let r = request.send().unwrap();
                assert_eq!(r.status(), 415, "{path} as {content_type:?}");
                assert_eq!(r.headers()["content-type"], "application/problem+json");
            }
        }
        let r = app
            .http
            .post(app.url("/api/v1/records"))
            .header("content-type", "text/plain")
            .body(leaf.clone())
            .send()
            .unwrap();
        assert!(r.text().unwrap().contains("application/json"));
        // Accepted once; replayed, refused.
        assert_eq!(app.post_record(&record).status(), 201);
        assert_eq!(app.post_record(&record).status(), 422);
        assert_eq!(log_size(&app), before + 1);
        // Only the one good record changed the log.
        assert_ne!(app.get("/checkpoint").text().unwrap(), checkpoint_before);
    }
}

#[test]
fn wrong_methods_and_paths_are_problems_not_panics() {
    for app in every_backend() {
        for (method, path) in [
            (reqwest::Method::DELETE, "/api/v1/records/0"),
            (reqwest::Method::PUT, "/api/v1/records"),
            (reqwest::Method::GET, "/api/v1/records/18446744073709551615"),
            (reqwest::Method::GET, "/api/v1/records/-1"),
            (reqwest::Method::GET, "/api/v1/records/by-hash/%00"),
            (reqwest::Method::GET, "/api/v1/records/1/bundle/extra"),
        ] {
            let r = app
                .http
                .request(method.clone(), app.url(path))
                .send()
                .unwrap();
            assert!(
                r.status().is_client_error(),
                "{method} {path}: {}",
                r.status()
            );
        }
    }
}
