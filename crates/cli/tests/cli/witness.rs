//! `truce keygen --witness` and `truce witness`, as real processes: a
//! participant's witness trusts the log its charter names, cosigns the
//! log's checkpoint over HTTP, and refuses a charter whose signatures fail.

use crate::support::*;
use std::io::BufRead;
use truce_tlog::CosignatureVerifier;

struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `truce witness` with `args`; returns it and its base URL.
fn start(args: &[&str]) -> (Running, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .arg("witness")
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    (Running(child), url)
}

#[test]
fn a_witness_started_from_the_charter_cosigns_the_logs_checkpoint() {
    let ex = example_mechanism();
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("witness.key");
    let vkey = ok(&[
        "keygen",
        "--witness",
        "--out",
        p(&key),
        "--name",
        "party-a.witness.example",
    ]);
    let verifier = CosignatureVerifier::from_vkey(vkey.trim()).unwrap();
    let charter = tmp.path().join("charter.json");
    std::fs::write(&charter, ok(&["show", "--dir", p(&ex.dir), "--index", "0"])).unwrap();
    let state = tmp.path().join("state");

    let (_witness, url) = start(&[
        "--key",
        p(&key),
        "--state",
        p(&state),
        "--charter",
        p(&charter),
    ]);
    let checkpoint = ok(&["checkpoint", "--dir", p(&ex.dir)]);
    let answer = reqwest::blocking::Client::new()
        .post(format!("{url}/add-checkpoint"))
        .body(format!("old 0\n\n{checkpoint}"))
        .send()
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let lines = truce_tlog::witness::parse_cosignatures(&answer.text().unwrap()).unwrap();
    let text = truce_tlog::parse_note(&checkpoint).unwrap().text;
    assert!(verifier.verify(&text, &lines[0]).is_ok());

    // The same witness does not follow another log.
    let other = example_mechanism();
    let foreign = ok(&["checkpoint", "--dir", p(&other.dir)]);
    let status = reqwest::blocking::Client::new()
        .post(format!("{url}/add-checkpoint"))
        .body(format!("old 0\n\n{foreign}"))
        .send()
        .unwrap()
        .status();
    // Both example logs share the example origin, so the witness knows the
    // origin but not that key: 403, not a cosignature.
    assert_eq!(status.as_u16(), 403);

    let shown = ok(&["witness", "--state", p(&state), "--show-evidence"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&shown).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn a_charter_whose_signatures_fail_is_refused() {
    let ex = example_mechanism();
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("witness.key");
    ok(&[
        "keygen",
        "--witness",
        "--out",
        p(&key),
        "--name",
        "w.example",
    ]);
    let shown = ok(&["show", "--dir", p(&ex.dir), "--index", "0"]);
    let forged = shown.replacen("Example ceasefire", "Exemplary ceasefire", 1);
    assert_ne!(forged, shown);
    let charter = tmp.path().join("charter.json");
    std::fs::write(&charter, forged).unwrap();
    let out = truce(&[
        "witness",
        "--key",
        p(&key),
        "--state",
        p(&tmp.path().join("s")),
        "--charter",
        p(&charter),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a valid charter"), "{err}");
}
