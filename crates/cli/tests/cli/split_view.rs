//! A split view, for real: a dishonest operator signs two histories with
//! the genuine log key (two `truce serve` on copies of one log, each given
//! a different fourth record) and shows one to each party — to its witness
//! (`truce witness`), its mirror (`truce mirror`) and its monitor (`truce
//! monitor`). No witness cosigns both; no checkpoint of either history
//! meets a quorum of both witnesses; each party's mirror or monitor detects
//! the fork and keeps both signed checkpoints; `truce verify` refuses a
//! proof without the quorum. (Rollbacks and withheld entries, one party at
//! a time: mirror.rs and monitor.rs.)

use crate::operator::*;
use crate::support::*;
use truce_tlog::Checkpoint;
use truce_tlog::note::NoteVerifier;

/// A witness of the log whose key is `log_vkey`, as a party runs it.
fn witness(name: &str, log_vkey: &str, dir: &std::path::Path) -> (Running, String, String) {
    let key = dir.join(format!("{name}.key"));
    let vkey = ok(&[
        "keygen",
        "--witness",
        "--out",
        p(&key),
        "--name",
        &format!("{name}.witness.example"),
    ]);
    let state = dir.join(format!("{name}-state"));
    let (running, url) = start(&[
        "witness",
        "--key",
        p(&key),
        "--state",
        p(&state),
        "--log",
        log_vkey,
    ]);
    (running, url, vkey.trim().to_owned())
}

/// The operator shows `checkpoint` to the witness at `url`, saying it last
/// cosigned size `old` (no proof needed: 0, or the same size): its answer's
/// status and body.
fn show(url: &str, old: u64, checkpoint: &str) -> (u16, String) {
    let body = format!("old {old}\n\n{checkpoint}");
    let answer = reqwest::blocking::Client::new()
        .post(format!("{url}/add-checkpoint"))
        .body(body)
        .send()
        .unwrap();
    (answer.status().as_u16(), answer.text().unwrap())
}

#[test]
fn two_histories_shown_to_two_parties_are_caught_by_each_partys_own_tools() {
    let (a, no_quorum) = example_with(2);
    let log_vkey = ok(&["log-key", "--dir", p(&a.dir)]).trim().to_owned();
    let log_key = NoteVerifier::from_vkey(&log_vkey).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let b = Example {
        _tmp: tempfile::tempdir().unwrap(),
        dir: tmp.path().join("b"),
        keys: a.keys.clone(),
    };
    copy_dir(&a.dir, &b.dir);
    for (ex, title) in [
        (&a, "the history shown to A"),
        (&b, "the history shown to B"),
    ] {
        assert!(
            submit(ex, "a-liaison", &another_incident(title))
                .status
                .success()
        );
    }
    let a_note = ok(&["checkpoint", "--dir", p(&a.dir)]);
    let b_note = ok(&["checkpoint", "--dir", p(&b.dir)]);
    let (a_signed, b_signed) = (
        Checkpoint::open(&a_note, &log_key).unwrap(),
        Checkpoint::open(&b_note, &log_key).unwrap(),
    );
    assert_eq!((a_signed.size, b_signed.size), (4, 4));
    assert_ne!(a_signed.root, b_signed.root, "two histories, both signed");

    // Party A's mirror copies the history shown to A.
    let mirror = tmp.path().join("mirror-of-a");
    {
        let (_server, url) = start(&["serve", "--dir", p(&a.dir)]);
        let out = truce(&[
            "mirror",
            "--from",
            &url,
            "--dir",
            p(&mirror),
            "--once",
            "--policy",
            p(&no_quorum),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // Each party's witness is shown its own history first, and cosigns it.
    let (_wa, wa_url, wa_vkey) = witness("party-a", &log_vkey, tmp.path());
    let (_wb, wb_url, wb_vkey) = witness("party-b", &log_vkey, tmp.path());
    let (status, a_cosignature) = show(&wa_url, 0, &a_note);
    assert_eq!(status, 200, "{a_cosignature}");
    let (status, b_cosignature) = show(&wb_url, 0, &b_note);
    assert_eq!(status, 200, "{b_cosignature}");
    // Shown the other history, neither cosigns it: the same size with
    // another root is a 409, and each keeps it as evidence.
    for (url, other) in [(&wa_url, &b_note), (&wb_url, &a_note)] {
        let (status, body) = show(url, 4, other);
        assert_eq!(status, 409, "{body}");
    }
    for party in ["party-a", "party-b"] {
        let state = tmp.path().join(format!("{party}-state"));
        let evidence: serde_json::Value =
            serde_json::from_str(&ok(&["witness", "--state", p(&state), "--show-evidence"]))
                .unwrap();
        assert_eq!(
            evidence.as_array().map(Vec::len),
            Some(1),
            "{party}: {evidence}"
        );
    }

    // A policy that asks both parties' witnesses: neither history has a
    // checkpoint that meets it, and `truce verify` refuses a proof from
    // either, cosigned by the one witness it fooled.
    let policy = tmp.path().join("both.policy");
    std::fs::write(
        &policy,
        format!(
            "log {log_vkey}\nwitness a {wa_vkey}\nwitness b {wb_vkey}\ngroup both all a b\nquorum both\n"
        ),
    )
    .unwrap();
    for (ex, cosignature, name) in [(&a, &a_cosignature, "a"), (&b, &b_cosignature, "b")] {
        let mut proof = ok(&[
            "prove",
            "--dir",
            p(&ex.dir),
            "--index",
            "3",
            "--format",
            "tlog-proof",
        ]);
        proof.push_str(cosignature);
        let file = tmp.path().join(format!("{name}.tlog-proof"));
        std::fs::write(&file, &proof).unwrap();
        let refused = truce(&["verify", "--proof", p(&file), "--policy", p(&policy)]);
        assert!(
            !refused.status.success(),
            "history {name} passed without the quorum"
        );
        let err = String::from_utf8_lossy(&refused.stderr);
        assert!(err.contains("do not meet the quorum"), "{err}");
    }

    // Party A's mirror, following history A, also asks party B's witness
    // what it cosigned: another tree of the same size, a split view.
    {
        let (_server, a_url) = start(&["serve", "--dir", p(&a.dir)]);
        let out = truce(&[
            "mirror",
            "--from",
            &a_url,
            "--dir",
            p(&mirror),
            "--once",
            "--policy",
            p(&no_quorum),
            "--witness",
            &wb_url,
        ]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let alarms: Vec<serde_json::Value> = std::fs::read_to_string(mirror.join("alarms.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(alarms.len(), 1, "{alarms:?}");
    assert_eq!(alarms[0]["kind"], "split_view", "{}", alarms[0]);

    // Party A's mirror is shown history B: it stops, with both signed checkpoints.
    let (_b_server, b_url) = start(&["serve", "--dir", p(&b.dir)]);
    let out = truce(&[
        "mirror",
        "--from",
        &b_url,
        "--dir",
        p(&mirror),
        "--once",
        "--policy",
        p(&no_quorum),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let alarm: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(mirror.join("alarms.jsonl"))
            .unwrap()
            .lines()
            .nth(1)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(alarm["kind"], "fork", "{alarm}");
    let kept: Vec<Checkpoint> = alarm["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| Checkpoint::open(n.as_str().unwrap(), &log_key).unwrap())
        .collect();
    assert_eq!(
        kept.iter().map(|c| c.root).collect::<Vec<_>>(),
        [a_signed.root, b_signed.root]
    );

    // Party B's monitor watches history B and party A's witness: the
    // witness cosigned a tree the log does not show B — a split view.
    let out = truce(&[
        "monitor",
        "--log",
        &b_url,
        "--witness",
        &wa_url,
        "--log-key",
        &log_vkey,
        "--policy",
        p(&no_quorum),
        "--once",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let events: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let split = events
        .iter()
        .find(|e| e["event"] == "alert" && e["kind"] == "split_view")
        .unwrap_or_else(|| panic!("{events:?}"));
    let proof: Vec<Checkpoint> = split["checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| Checkpoint::open(n.as_str().unwrap(), &log_key).unwrap())
        .collect();
    let mut roots: Vec<_> = proof.iter().map(|c| c.root).collect();
    roots.sort_by_key(|r| r.to_hex());
    let mut expected = vec![a_signed.root, b_signed.root];
    expected.sort_by_key(|r| r.to_hex());
    assert_eq!(roots, expected, "both signed checkpoints kept: {split}");
}
