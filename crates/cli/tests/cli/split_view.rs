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
    let (key, vkey) = witness_key(dir, &format!("{name}.witness.example"));
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
    (running, url, vkey)
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
    let b = another_history(&a);
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
    let no_quorum_args = ["--policy", p(&no_quorum)];
    {
        let (_server, url) = start(&["serve", "--dir", p(&a.dir)]);
        let (code, status) = mirror_once(&url, &mirror, &no_quorum_args);
        assert_eq!((code, status["size"].as_u64()), (0, Some(4)), "{status}");
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
        let (code, status) = mirror_once(
            &a_url,
            &mirror,
            &["--policy", p(&no_quorum), "--witness", &wb_url],
        );
        assert_eq!(code, 1, "{status}");
    }
    let found = alarms(&mirror);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["kind"], "split_view", "{}", found[0]);

    // Party A's mirror is shown history B: it stops, with both signed checkpoints.
    let (_b_server, b_url) = start(&["serve", "--dir", p(&b.dir)]);
    let (code, status) = mirror_once(&b_url, &mirror, &no_quorum_args);
    assert_eq!(code, 1, "{status}");
    let alarm = &alarms(&mirror)[1];
    assert_eq!(alarm["kind"], "fork", "{alarm}");
    let kept: Vec<Checkpoint> = signed_checkpoints(alarm, &log_key);
    assert_eq!(
        kept.iter().map(|c| c.root).collect::<Vec<_>>(),
        [a_signed.root, b_signed.root]
    );

    // Party B's monitor watches history B and party A's witness: the
    // witness cosigned a tree the log does not show B — a split view.
    let (code, events) = monitor_once(&b_url, &log_vkey, &no_quorum, &["--witness", &wa_url]);
    assert_eq!(code, 1, "{events:?}");
    let split = events
        .iter()
        .find(|e| e["event"] == "alert" && e["kind"] == "split_view")
        .unwrap_or_else(|| panic!("{events:?}"));
    let proof: Vec<Checkpoint> = signed_checkpoints(split, &log_key);
    let mut roots: Vec<_> = proof.iter().map(|c| c.root).collect();
    roots.sort_by_key(|r| r.to_hex());
    let mut expected = vec![a_signed.root, b_signed.root];
    expected.sort_by_key(|r| r.to_hex());
    assert_eq!(roots, expected, "both signed checkpoints kept: {split}");
}
