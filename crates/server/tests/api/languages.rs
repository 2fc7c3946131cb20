//! Problems in the reader's language: a refused request asked in Urdu gets
//! the Urdu title and detail (with the facts of the case as they are), one
//! asked in a language Truce does not speak the English ones, and the
//! problem's `type`, `code` and `status` do not change with the language.

use crate::support::*;
use truce_core::Kind;
use truce_i18n::Lang;
use truce_server::error::title;

/// Status, `Content-Language`, `Vary` and the problem, asked in `language`.
fn ask(
    request: reqwest::blocking::RequestBuilder,
    language: &str,
) -> (u16, String, String, serde_json::Value) {
    let r = request.header("accept-language", language).send().unwrap();
    let status = r.status().as_u16();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (content_language, vary) = (header("content-language"), header("vary"));
    assert_eq!(header("content-type"), "application/problem+json");
    (status, content_language, vary, r.json().unwrap())
}

fn slug(problem: &serde_json::Value) -> &str {
    let kind = problem["type"].as_str().unwrap();
    let rest = kind
        .strip_prefix("https://truce.example/problems/")
        .unwrap();
    if rest.starts_with("rule/") {
        "rule"
    } else {
        rest
    }
}

#[test]
fn a_refused_request_is_explained_in_the_language_asked_for() {
    let app = spawn_app();
    // A party may not investigate: the log refuses the record (422).
    let report = app.sign(
        "pakistan.liaison",
        Kind::IncidentReport,
        a_report("afghanistan"),
    );
    assert_eq!(app.post_record(&report).status(), 201);
    let investigation = app.sign(
        "pakistan.liaison",
        Kind::Investigation,
        serde_json::json!({"incident": report.hash(), "step": "opened", "details": "x"}),
    );
    let refuse = || {
        app.http
            .post(app.url("/api/v1/records"))
            .header("content-type", "application/json")
            .body(investigation.leaf().to_vec())
    };

    let (status, language, vary, urdu) = ask(refuse(), "ur-PK, ur;q=0.9, en;q=0.8");
    assert_eq!(status, 422, "{urdu}");
    assert_eq!(language, "ur");
    assert!(
        vary.to_ascii_lowercase().contains("accept-language"),
        "{vary}"
    );
    let urdu_title = title(slug(&urdu), Lang::Ur);
    assert_eq!(urdu["title"], urdu_title);
    // Urdu's own letters, not Arabic's or a transliteration.
    let urdu_detail = urdu["detail"].as_str().unwrap();
    for text in [urdu_title.as_str(), urdu_detail] {
        assert!(text.chars().any(|c| "ٹڈڑںےہھ".contains(c)), "{text}");
    }

    for unknown in ["de-DE, fr;q=0.9", "xx", "ur;q=0, sw"] {
        let (status, language, _, english) = ask(refuse(), unknown);
        assert_eq!(status, 422);
        assert_eq!(language, "en", "{unknown}");
        assert_eq!(
            english["title"].as_str(),
            Some(title(slug(&english), Lang::En).as_str()),
            "{unknown}"
        );
        for stable in ["type", "code", "status"] {
            assert_eq!(urdu[stable], english[stable], "{stable}");
        }
        // The detail is said again in Urdu, with the same facts: who is
        // refused, and the kind of record, named as the log names them.
        let english_detail = english["detail"].as_str().unwrap();
        assert_ne!(urdu_detail, english_detail);
        for fact in ["pakistan", "investigation"] {
            assert!(english_detail.contains(fact), "{english_detail}");
            assert!(urdu_detail.contains(fact), "{urdu_detail}");
        }
    }

    // Any problem, wherever it comes from: an unknown endpoint, a method an
    // endpoint does not answer (the router's fallbacks, not a handler).
    for (method, path, expected) in [
        (
            reqwest::Method::GET,
            "/api/v1/no-such-endpoint",
            "not-found",
        ),
        (
            reqwest::Method::DELETE,
            "/api/v1/records/0",
            "method-not-allowed",
        ),
    ] {
        for (asked, language) in [
            ("ur", Lang::Ur),
            ("ar", Lang::Ar),
            ("ps", Lang::Ps),
            ("fa-AF", Lang::Fa),
            ("tr-TR", Lang::Tr),
            ("en-GB", Lang::En),
        ] {
            let request = app.http.request(method.clone(), app.url(path));
            let (status, content_language, _, problem) = ask(request, asked);
            assert!((400..500).contains(&status), "{path}: {status}");
            assert_eq!(slug(&problem), expected);
            assert_eq!(content_language, language.tag(), "{path} {asked}");
            assert_eq!(
                problem["title"].as_str(),
                Some(title(expected, language).as_str()),
                "{path} {asked}"
            );
        }
    }
}
