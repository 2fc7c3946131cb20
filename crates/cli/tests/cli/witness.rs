//! `truce keygen --witness` and `truce witness`, as real processes: a
//! participant's witness trusts the log its charter names, cosigns the
//! log's checkpoint over HTTP, and refuses a charter whose signatures fail.

use crate::support::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
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
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut first).unwrap();
    // Keep reading what it prints, so that it never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
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
    // `truce keygen --witness`.
    let (key, vkey) = crate::operator::witness_key(tmp.path(), "party-a.witness.example");
    let verifier = CosignatureVerifier::from_vkey(&vkey).unwrap();
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
    let (key, _) = crate::operator::witness_key(tmp.path(), "w.example");
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

/// The demo opens on a checkpoint every participant's witness cosigned, and
/// every verifier holds a copy of the log to the charter's witness policy.
#[test]
fn verifiers_enforce_the_witness_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let built = ok(&["demo", "--dir", p(&dir), "--no-serve"]);
    for participant in ["pakistan", "afghanistan", "turkiye", "qatar"] {
        assert!(
            built.contains(&format!("Witnessed by {participant} at size")),
            "{built}"
        );
    }
    let report = ok(&["verify", "--dir", p(&dir)]);
    assert!(
        report.contains(
            "is cosigned by pakistan, afghanistan, turkiye, qatar, which meets the quorum"
        ),
        "{report}"
    );

    // An export checks against the witnessed checkpoint; the same checkpoint
    // stripped of a cosignature misses the quorum (all four) and is refused.
    let export = tmp.path().join("log.jsonl");
    std::fs::write(&export, ok(&["export", "--dir", p(&dir)])).unwrap();
    let checkpoint = ok(&["checkpoint", "--dir", p(&dir)]);
    assert_eq!(checkpoint.matches('\u{2014}').count(), 5, "{checkpoint}");
    let note = tmp.path().join("checkpoint.txt");
    std::fs::write(&note, &checkpoint).unwrap();
    let verified = ok(&["verify", "--export", p(&export), "--checkpoint", p(&note)]);
    assert!(
        verified.contains("which meets the quorum everyone"),
        "{verified}"
    );
    let stripped: String = checkpoint
        .lines()
        .filter(|l| !l.starts_with("\u{2014} qatar.witness"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&note, &stripped).unwrap();
    let refused = truce(&["verify", "--export", p(&export), "--checkpoint", p(&note)]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("does not meet the witness quorum everyone"),
        "{err}"
    );
    assert!(
        err.contains("cosigned by pakistan, afghanistan, turkiye"),
        "{err}"
    );
    // A verifier may hold it to its own policy instead: here, none.
    let lenient = tmp.path().join("policy.txt");
    std::fs::write(&lenient, "quorum none\n").unwrap();
    ok(&[
        "verify",
        "--export",
        p(&export),
        "--checkpoint",
        p(&note),
        "--policy",
        p(&lenient),
    ]);

    // A cosignature altered in the store is caught.
    let conn = rusqlite::Connection::open(dir.join("truce.db")).unwrap();
    let line: String = conn
        .query_row(
            "SELECT line FROM cosignatures WHERE line LIKE '%qatar.witness%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // One bit of the signature flipped: the line still names qatar's key
    // (changing a base64 letter at random could land in the key ID, and the
    // line would then be nobody's, which once made this test fail).
    let (head, encoded) = line.trim_end().rsplit_once(' ').unwrap();
    let mut bytes = STANDARD.decode(encoded).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    let mut forged = format!("{head} {}", STANDARD.encode(&bytes));
    forged.push_str(&line[line.trim_end().len()..]);
    conn.execute(
        "UPDATE cosignatures SET line = ?1 WHERE line = ?2",
        [&forged, &line],
    )
    .unwrap();
    let caught = truce(&["verify", "--dir", p(&dir)]);
    assert!(!caught.status.success());
    let err = String::from_utf8_lossy(&caught.stderr);
    assert!(err.contains("qatar"), "{err}");
}

/// One record as a c2sp.org/tlog-proof file verifies offline against the
/// charter's policy (from `truce policy`), and not once a cosignature it
/// needs is gone.
#[test]
fn a_tlog_proof_verifies_against_the_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&dir), "--no-serve"]);
    let policy = tmp.path().join("policy.txt");
    let text = ok(&["policy", "--dir", p(&dir)]);
    assert!(
        text.contains("\nlog truce.example/istanbul-2025+"),
        "{text}"
    );
    assert!(text.contains("quorum everyone"), "{text}");
    std::fs::write(&policy, &text).unwrap();
    let proof = ok(&[
        "prove",
        "--dir",
        p(&dir),
        "--index",
        "7",
        "--format",
        "tlog-proof",
    ]);
    assert!(
        proof.starts_with("c2sp.org/tlog-proof@v1\nextra "),
        "{proof}"
    );
    let path = tmp.path().join("record-7.tlog-proof");
    std::fs::write(&path, &proof).unwrap();
    let verified = ok(&["verify", "--proof", p(&path), "--policy", p(&policy)]);
    assert!(verified.contains("verified record 7"), "{verified}");
    assert!(
        verified.contains("cosigned by pakistan, afghanistan, turkiye, qatar"),
        "{verified}"
    );

    // Without Türkiye's cosignature it misses the quorum (all four).
    let stripped: String = proof
        .lines()
        .filter(|l| !l.starts_with("\u{2014} turkiye.witness"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, stripped).unwrap();
    let refused = truce(&["verify", "--proof", p(&path), "--policy", p(&policy)]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("do not meet the quorum everyone"), "{err}");
    // Another record's bytes in the same proof: not included there.
    let other = ok(&[
        "prove",
        "--dir",
        p(&dir),
        "--index",
        "8",
        "--format",
        "tlog-proof",
    ]);
    let extra8 = other.lines().nth(1).unwrap();
    let swapped = proof.replacen(proof.lines().nth(1).unwrap(), extra8, 1);
    std::fs::write(&path, swapped).unwrap();
    assert!(
        !truce(&["verify", "--proof", p(&path), "--policy", p(&policy)])
            .status
            .success()
    );
}

/// `truce monitor --once` against the served demo and its four witnesses:
/// the checkpoint meets the quorum and every witness agrees with the log.
#[test]
fn the_monitor_finds_the_demo_and_its_witnesses_in_agreement() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["demo", "--dir", p(&dir), "--listen", "127.0.0.1:0"])
        .env("TRUCE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Running(child);
    let mut witnesses = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("the demo stopped before serving")
            .unwrap();
        if line.starts_with("Witnessed by ") {
            let url = line.rsplit('(').next().unwrap().trim_end_matches(')');
            witnesses.push(url.to_owned());
        }
        if let Some(url) = line.strip_prefix("Serving the demo on ") {
            break url.trim().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    assert_eq!(witnesses.len(), 4);
    let policy = tmp.path().join("policy.txt");
    std::fs::write(&policy, ok(&["policy", "--dir", p(&dir)])).unwrap();
    let mut args = vec!["monitor", "--log", &base, "--policy", p(&policy), "--once"];
    for w in &witnesses {
        args.extend(["--witness", w.as_str()]);
    }
    let out = truce(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events[0]["event"], "checkpoint");
    assert_eq!(events[0]["quorum_met"], true);
    let agreeing: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "witness_agrees")
        .map(|e| e["witness"].as_str().unwrap())
        .collect();
    assert_eq!(agreeing, ["pakistan", "afghanistan", "turkiye", "qatar"]);
}
