//! The web UI in a real browser: `truce demo` serves the scenario for real,
//! and the Playwright suite in `crates/web/e2e` drives Debian's Chromium
//! against it (several users in separate browser contexts). Screenshots are
//! kept in `target/e2e-screenshots/` for people to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/e2e")
}

/// The suite's dependencies (playwright-core and axe-core, pinned in its lock
/// file) are installed from the npm registry the first time, like cargo's crates.
fn install_playwright(dir: &Path) {
    // axe-core: the accessibility audit's, loaded into pages by the test only.
    if ["playwright-core", "axe-core"]
        .iter()
        .all(|p| dir.join(format!("node_modules/{p}/package.json")).is_file())
    {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status()
        .expect("npm is needed for the browser tests (Node.js 20 or later)");
    assert!(status.success(), "npm ci in {} failed", dir.display());
}

fn chromium() -> String {
    let path = std::env::var("TRUCE_E2E_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&path).is_file(),
        "the browser tests drive Debian's Chromium at {path} (apt-get install chromium), \
         or set TRUCE_E2E_CHROMIUM to another Chromium; no browser is ever downloaded"
    );
    path
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_web_ui_works_in_a_real_browser() {
    let e2e = e2e_dir();
    let chromium = chromium();
    install_playwright(&e2e);

    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    // Every user the suite plays comes from 127.0.0.1, so the per-address
    // limits — 1,200 requests a minute and 16 reads in flight, meant for one
    // client — would be shared by all of them: the offline tests' service
    // workers alone fetch the whole shell (68 files) per browser context, and
    // a slow read left by one test (a thumbnail, content credentials checked
    // by the unoptimised test build) held slots the next test's page waited
    // for past its 30 s. The limits themselves are tested against the server
    // (crates/server/tests, crates/server/src/limits.rs).
    let limits = [
        ("TRUCE_RATE_LIMIT_PER_MINUTE", "1000000"),
        ("TRUCE_READS_IN_FLIGHT", "1000"),
    ];
    let (server, base, opening) = super::support::serve_demo_opening_with(&demo, None, &limits);

    // A demo member's key sealed under a passphrase by `truce encrypt-key`,
    // for the browser to open (tests/keys.test.mjs); and another one plain.
    let passphrase = "a passphrase for the browser test";
    let member = "turkiye.host";
    let encrypted = tmp.path().join(format!("{member}.encrypted.key"));
    let sealed = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["encrypt-key", "--passphrase-env", "E2E_PASSPHRASE", "--key"])
        .arg(demo.join(format!("keys/{member}.key")))
        .arg("--out")
        .arg(&encrypted)
        .env("E2E_PASSPHRASE", passphrase)
        .output()
        .unwrap();
    assert!(
        sealed.status.success(),
        "{}",
        String::from_utf8_lossy(&sealed.stderr)
    );
    let plain = demo.join("keys/qatar.analyst.key");
    let plain_seed = {
        use base64::Engine;
        let text = std::fs::read_to_string(&plain).unwrap();
        let encoded = text.trim().splitn(5, '+').nth(4).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        hex(&bytes[1..])
    };

    // A party's mirror of the demo, serving its copy read-only (tests/mirror.test.mjs).
    // Its server takes the same limits as the log's (and the same variables).
    let (_mirror, mirror_url) = crate::operator::start_with(
        &[
            "mirror",
            "--from",
            &base,
            "--dir",
            tmp.path().join("mirror").to_str().unwrap(),
            "--interval",
            "1",
        ],
        &limits,
    );

    let screenshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    let output = Command::new("node")
        .args([
            "--test",
            "--test-concurrency=1",
            "--test-reporter=spec",
            "tests/",
        ])
        .current_dir(&e2e)
        .env("TRUCE_E2E_BASE_URL", &base)
        .env("TRUCE_E2E_DEMO_OPEN", &opening)
        .env("TRUCE_E2E_CHROMIUM", &chromium)
        .env("TRUCE_E2E_SCREENSHOTS", &screenshots)
        .env("TRUCE_E2E_ENCRYPTED_KEY", &encrypted)
        .env("TRUCE_E2E_ENCRYPTED_KEY_MEMBER", member)
        .env("TRUCE_E2E_KEY_PASSPHRASE", passphrase)
        .env("TRUCE_E2E_PLAIN_KEY", &plain)
        .env("TRUCE_E2E_PLAIN_KEY_SEED", plain_seed)
        .env("TRUCE_E2E_MIRROR_URL", &mirror_url)
        .output()
        .expect("node is needed for the browser tests");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{report}");
    drop(server);
    assert!(
        output.status.success(),
        "the browser suite failed:\n{report}"
    );
    assert!(
        screenshots.join("dashboard.png").is_file(),
        "screenshots are kept in {}",
        screenshots.display()
    );
}
