//! What the browser needs to file without a connection: the service worker,
//! served from the root so that it may control the page, naming this build
//! and every file of its shell; and, for re-signing a record filed offline,
//! the time a member's next record may not precede.

use super::support::{a_report, spawn_app};
use truce_core::Kind;

#[test]
fn the_service_worker_is_served_from_the_root_and_keeps_every_file_the_page_loads() {
    let app = spawn_app();
    let worker = app.get("/sw.js");
    assert_eq!(worker.status(), 200);
    assert_eq!(
        worker.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    // Asked for every time, as the page is: a new binary is a new worker.
    assert_eq!(worker.headers()["cache-control"], "no-cache");
    // `default-src 'self'` is what `worker-src` falls back to: this origin's
    // worker is allowed, and nothing else.
    let csp = worker.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("worker-src"),
        "{csp}"
    );
    let script = worker.text().unwrap();
    let version = truce_web::VERSION;
    assert!(script.starts_with(&format!("const VERSION = \"{version}\";\n")));
    let shell_line = script.lines().nth(1).unwrap();
    let shell: Vec<&str> = shell_line
        .trim_start_matches("const SHELL = [")
        .trim_end_matches("];")
        .split(", ")
        .map(|p| p.trim_matches('"'))
        .collect();
    assert!(shell.len() > 40, "{shell_line}");
    for path in &shell {
        assert!(
            *path == "/" || path.starts_with(&format!("/assets/v/{version}/")),
            "{path}"
        );
        assert_eq!(app.get(path).status(), 200, "{path}");
    }
    let page = app.get("/").text().unwrap();
    for attr in ["src=\"", "href=\""] {
        for part in page.split(attr).skip(1) {
            let url = part.split('"').next().unwrap();
            if url.starts_with("/assets/") {
                assert!(shell.contains(&url), "{url} is loaded but not kept");
            }
        }
    }
}

#[test]
fn a_member_shows_the_time_its_next_record_may_not_precede() {
    let app = spawn_app();
    let member = "pakistan.liaison";
    let before = app.get_json(&format!("/api/v1/members/{member}"));
    assert!(before["last_time"].is_string(), "{before}");
    let record = app.sign(member, Kind::IncidentReport, a_report("afghanistan"));
    assert_eq!(app.post_record(&record).status(), 201);
    let after = app.get_json(&format!("/api/v1/members/{member}"));
    assert_eq!(after["last_time"], serde_json::json!(record.time()));
    assert_eq!(
        after["next_seq"].as_u64(),
        before["next_seq"].as_u64().map(|n| n + 1)
    );
}
