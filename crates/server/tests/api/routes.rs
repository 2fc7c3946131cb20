//! Every route, walked from the API document, fed each class of bad request
//! it can receive: every refusal is problem+json and its status is one the
//! document lists for that operation, by number.

use crate::support::*;
use serde_json::Value;

/// A fresh connection per request: after refusing a body the server may close it.
fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// The path with its parameters filled: integers with `integer`, strings
/// with `string`.
fn fill(path: &str, params: &[Value], integer: &str, string: &str) -> String {
    let mut out = path.to_string();
    for p in params.iter().filter(|p| p["in"] == "path") {
        let name = p["name"].as_str().unwrap();
        let value = if p["schema"]["type"] == "integer" {
            integer
        } else {
            string
        };
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[test]
fn every_route_answers_every_class_of_bad_request_with_a_documented_problem() {
    let app = spawn_app();
    let doc: Value = app.get_json("/api/v1/openapi.json");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method: reqwest::Method = match method.to_uppercase().parse::<reqwest::Method>() {
                Ok(m) if ["GET", "POST"].contains(&m.as_str()) => m,
                _ => continue,
            };
            let documented: Vec<&str> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let body = op["requestBody"]["content"].as_object().cloned();
            let json_body = body
                .as_ref()
                .is_some_and(|b| b.contains_key("application/json"));
            let mut attempts: Vec<(String, reqwest::blocking::RequestBuilder)> = Vec::new();
            let request = |path: &str| client().request(method.clone(), app.url(path));
            // Path parameters that are not what they should be.
            if params.iter().any(|p| p["in"] == "path") {
                for (integer, string) in [("x", "%00"), ("18446744073709551616", "-"), ("-1", "")] {
                    let p = fill(path, &params, integer, string);
                    attempts.push((format!("path {p}"), request(&p)));
                }
            }
            let valid = fill(path, &params, "1", "qatar.mediator");
            // Query parameters that are not what they should be.
            for p in params.iter().filter(|p| p["in"] == "query") {
                let name = p["name"].as_str().unwrap();
                for bad in ["x", "-1", "", "99999999999999999999999"] {
                    let q = format!("{valid}?{name}={bad}");
                    attempts.push((format!("query {q}"), request(&q)));
                }
            }
            // A token that is no token.
            for token in ["Bearer nope", "Basic abc", "Bearer "] {
                attempts.push((
                    format!("authorization {token:?}"),
                    request(&valid).header("authorization", token),
                ));
            }
            if json_body {
                attempts.push((
                    "text/plain body".into(),
                    request(&valid)
                        .header("content-type", "text/plain")
                        .body("{}"),
                ));
                attempts.push(("no content type".into(), request(&valid).body("{}")));
                for (what, bytes) in [
                    ("malformed", b"{\"a\":".to_vec()),
                    ("empty", Vec::new()),
                    ("wrong shape", b"[1,2,3]".to_vec()),
                    ("oversized", vec![b' '; 2 * 1024 * 1024]),
                ] {
                    attempts.push((
                        format!("{what} JSON"),
                        request(&valid)
                            .header("content-type", "application/json")
                            .body(bytes),
                    ));
                }
            }
            for (what, attempt) in attempts {
                let r = attempt.send().unwrap();
                let status = r.status();
                if status.is_success() || status.is_redirection() {
                    continue;
                }
                checked += 1;
                assert!(
                    documented.contains(&status.as_str()),
                    "{method} {path} ({what}) answered {status}, which the document does not list: {documented:?}"
                );
                assert_eq!(
                    r.headers()
                        .get("content-type")
                        .map(|v| v.to_str().unwrap().to_string()),
                    Some("application/problem+json".to_string()),
                    "{method} {path} ({what}) answered {status}"
                );
                let problem: Value = r.json().unwrap();
                assert_eq!(
                    problem["status"],
                    status.as_u16(),
                    "{method} {path} ({what})"
                );
                assert!(!problem["detail"].as_str().unwrap().is_empty());
            }
            // A method the path does not answer.
            let r = client().delete(app.url(&valid)).send().unwrap();
            assert_eq!(r.status(), 405, "DELETE {path}");
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        }
    }
    assert!(checked > 100, "only {checked} refusals were checked");
    // Nothing at all.
    let r = app.get("/api/v1/nothing-here");
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}
