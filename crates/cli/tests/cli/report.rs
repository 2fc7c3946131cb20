//! `truce report` and `truce verify --report`, through the real binary:
//! the same log prefix gives the same bytes from SQLite and from a
//! PostgreSQL copy of it; a mediator publishes a report as a record, and
//! anyone holding the log (its directory or an export) rebuilds and checks it.

use super::support::{ok, p, truce};
use std::path::Path;

const FROM: &str = "2025-10-25T00:00:00Z";
const TO: &str = "2025-11-01T00:00:00Z";

/// `truce report` of the log in `dir` for a period, in a language and a
/// format, into `out`; callers add what else they need.
fn report_args<'a>(
    dir: &'a Path,
    (from, to): (&'a str, &'a str),
    lang: &'a str,
    format: &'a str,
    out: &'a Path,
) -> Vec<&'a str> {
    vec![
        "report",
        "--dir",
        p(dir),
        "--from",
        from,
        "--to",
        to,
        "--lang",
        lang,
        "--format",
        format,
        "--out",
        p(out),
    ]
}

fn report(dir: &Path, database: Option<&str>, lang: &str, format: &str, out: &Path) -> Vec<u8> {
    let mut args = report_args(dir, (FROM, TO), lang, format, out);
    if let Some(url) = database {
        args.extend(["--database", url]);
    }
    ok(&args);
    std::fs::read(out).unwrap()
}

#[test]
fn a_report_is_the_same_bytes_from_sqlite_and_from_a_postgres_copy_of_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let sqlite = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&sqlite), "--no-serve", "--seed", "7"]);
    // The same log in PostgreSQL: the demo from the same seed holds the
    // same records byte for byte, and the same witnessed checkpoint.
    let db = truce_store_postgres::testing::test_database();
    let copy = tmp.path().join("copy");
    ok(&[
        "demo",
        "--dir",
        p(&copy),
        "--database",
        db.url(),
        "--no-serve",
        "--seed",
        "7",
    ]);
    for (lang, format) in [("en", "pdf"), ("ar", "pdf"), ("en", "html"), ("ar", "md")] {
        let a = report(&sqlite, None, lang, format, &tmp.path().join("a"));
        let again = report(&sqlite, None, lang, format, &tmp.path().join("b"));
        let b = report(&copy, Some(db.url()), lang, format, &tmp.path().join("c"));
        assert!(a == again, "{lang} {format}: two builds differ");
        assert!(a == b, "{lang} {format}: SQLite and PostgreSQL differ");
        assert!(a.len() > 5_000);
    }
    let html =
        String::from_utf8(report(&sqlite, None, "en", "html", &tmp.path().join("h"))).unwrap();
    // Built from the witnessed checkpoint, which names its cosigners.
    // By the participants' names, in the order of the witness policy's names.
    assert!(html.contains("Witnesses that cosigned it: Afghanistan, Pakistan, Qatar, Türkiye."));
}

#[test]
fn a_published_report_verifies_from_the_directory_and_from_an_export() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&dir), "--no-serve", "--seed", "7"]);
    let pdf = tmp.path().join("week.pdf");
    let record = tmp.path().join("publish.json");
    let mut args = report_args(&dir, (FROM, TO), "en", "pdf", &pdf);
    args.extend(["--publish-record", p(&record)]);
    ok(&args);
    let keys = dir.join("keys");
    // A party cannot speak for the mechanism; a mediator can.
    let refused = truce(&[
        "submit",
        "--dir",
        p(&dir),
        "--key",
        p(&keys.join("pakistan.head.key")),
        p(&record),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("mediator"));
    ok(&[
        "submit",
        "--dir",
        p(&dir),
        "--key",
        p(&keys.join("turkiye.host.key")),
        p(&record),
    ]);
    let out = ok(&["verify", "--dir", p(&dir), "--report", p(&pdf)]);
    assert!(out.contains("report verified"), "{out}");
    assert!(out.contains("rebuilt byte for byte"), "{out}");

    // One byte changed: no record publishes it.
    let mut bytes = std::fs::read(&pdf).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 1;
    let altered = tmp.path().join("altered.pdf");
    std::fs::write(&altered, &bytes).unwrap();
    let failed = truce(&["verify", "--dir", p(&dir), "--report", p(&altered)]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("no report.publish record"));

    // From an export and the witnessed checkpoint (which names the cosigners).
    let export = tmp.path().join("log.jsonl");
    std::fs::write(&export, ok(&["export", "--dir", p(&dir)])).unwrap();
    let checkpoint = tmp.path().join("checkpoint.txt");
    std::fs::write(&checkpoint, ok(&["checkpoint", "--dir", p(&dir)])).unwrap();
    let out = ok(&[
        "verify",
        "--export",
        p(&export),
        "--checkpoint",
        p(&checkpoint),
        "--report",
        p(&pdf),
    ]);
    assert!(out.contains("report verified"), "{out}");
    // Without the checkpoint the cosigners cannot be named, and it says so.
    let without = truce(&["verify", "--export", p(&export), "--report", p(&pdf)]);
    assert!(!without.status.success());
    assert!(String::from_utf8_lossy(&without.stderr).contains("give --checkpoint"));
}

#[test]
fn bad_periods_languages_and_formats_are_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&dir), "--no-serve", "--seed", "7"]);
    let out = tmp.path().join("r");
    for (from, to, lang, format, says) in [
        (TO, FROM, "en", "pdf", "must end after it starts"),
        ("2025-01-01T00:00:00Z", TO, "en", "pdf", "at most 92 days"),
        (FROM, TO, "xx", "pdf", "use one of en, ar"),
        (FROM, TO, "en", "docx", "use html, pdf or md"),
    ] {
        let r = truce(&report_args(&dir, (from, to), lang, format, &out));
        assert!(!r.status.success());
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(err.contains(says), "{err}");
    }
    assert!(!out.exists(), "nothing written on a refusal");
}

#[test]
fn the_server_serves_the_same_report_lists_published_ones_and_serves_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let (_server, base) = super::support::serve_demo(&dir, None);
    let http = reqwest::blocking::Client::new();
    let checkpoint = http
        .get(format!("{base}/checkpoint"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let size: u64 = checkpoint.lines().nth(1).unwrap().parse().unwrap();
    let url = format!("{base}/api/v1/reports?from={FROM}&to={TO}&lang=ar&format=pdf&size={size}");
    let served = http.get(&url).send().unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "application/pdf");
    let served = served.bytes().unwrap().to_vec();
    let local = tmp.path().join("local.pdf");
    let size_arg = size.to_string();
    let mut args = report_args(&dir, (FROM, TO), "ar", "pdf", &local);
    args.extend(["--size", &size_arg]);
    ok(&args);
    assert!(
        served == std::fs::read(&local).unwrap(),
        "the server and the CLI differ"
    );

    // The HTML states its own policy: its stylesheet only, framed by this origin only.
    let html = http
        .get(format!(
            "{base}/api/v1/reports?from={FROM}&to={TO}&size={size}"
        ))
        .send()
        .unwrap();
    let csp = html.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    assert!(html.text().unwrap().contains("<style>"));

    // As of a moment: the week up to it, the same bytes as that period.
    let week_to = |at: &str| {
        http.get(format!(
            "{base}/api/v1/reports?at={at}&format=md&size={size}"
        ))
        .send()
        .unwrap()
    };
    let as_of = week_to(TO);
    assert_eq!(as_of.status(), 200);
    let as_of = as_of.text().unwrap();
    // FROM is the week before TO.
    let period = http
        .get(format!(
            "{base}/api/v1/reports?from={FROM}&to={TO}&format=md&size={size}"
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(as_of == period, "?at= is the week up to it");
    assert!(as_of.contains("25 October 2025, 00:00 to 1 November 2025, 00:00"));

    for (query, status) in [
        (format!("at={TO}&from={FROM}&to=2025-11-05T00:00:00Z"), 422),
        ("at=2999-01-01T00:00:00Z".to_string(), 404),
        (format!("to={TO}"), 400),
        ("lang=ar".to_string(), 400),
        (format!("from={TO}&to={FROM}"), 422),
        (format!("from={FROM}&to={TO}&lang=xx"), 400),
        (format!("from={FROM}&to={TO}&format=docx"), 400),
        (format!("from={FROM}&to={TO}&size=100000"), 404),
        ("from=yesterday&to=today".to_string(), 400),
    ] {
        let r = http
            .get(format!("{base}/api/v1/reports?{query}"))
            .send()
            .unwrap();
        assert_eq!(r.status(), status, "{query}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{query}"
        );
    }

    // Published: a mediator signs the report's digest; the list names it and
    // its file is rebuilt from the log and served. It is the public report
    // of a decided consequence (the demo's first `penalty.decision`).
    let records: serde_json::Value = http
        .get(format!("{base}/api/v1/records?limit=1000"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let decision = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record"]["envelope"]["kind"] == "penalty.decision")
        .expect("the demo decides a consequence");
    let record = tmp.path().join("publish.json");
    let publish = |decision: &str| {
        let mut args = report_args(&dir, (FROM, TO), "ar", "pdf", &local);
        args.extend([
            "--size",
            &size_arg,
            "--publish-record",
            p(&record),
            "--decision",
            decision,
        ]);
        truce(&args)
    };
    let not_a_decision = publish("0");
    assert!(!not_a_decision.status.success());
    assert!(
        String::from_utf8_lossy(&not_a_decision.stderr).contains("not a penalty.decision"),
        "{}",
        String::from_utf8_lossy(&not_a_decision.stderr)
    );
    let published = publish(&decision["index"].to_string());
    assert!(published.status.success());
    let publish_record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(publish_record["body"]["decision"], decision["leaf_hash"]);
    // Through the CLI on the same store: the server follows appends made
    // beside it.
    let receipt: serde_json::Value = serde_json::from_str(&ok(&[
        "submit",
        "--dir",
        p(&dir),
        "--key",
        p(&dir.join("keys/turkiye.host.key")),
        p(&record),
    ]))
    .unwrap();
    let index = receipt["index"].as_u64().unwrap();
    let list: serde_json::Value = http
        .get(format!("{base}/api/v1/reports/published"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let first = &list["reports"][0];
    assert_eq!(first["index"], index);
    assert_eq!(first["lang"], "ar");
    assert_eq!(first["checkpoint_size"], size);
    assert_eq!(first["decision"], decision["index"]);
    // As of a moment before it was published, the list does not have it.
    let before: serde_json::Value = http
        .get(format!("{base}/api/v1/reports/published?size={index}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        before["reports"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["index"] != index),
        "{before}"
    );
    let file = http
        .get(format!("{base}{}", first["href"].as_str().unwrap()))
        .send()
        .unwrap();
    assert_eq!(file.status(), 200);
    assert!(file.bytes().unwrap().to_vec() == served);
}
