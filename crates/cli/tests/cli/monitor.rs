//! `truce monitor --once`, as a real process against real servers that a
//! dishonest operator runs on copies of one log under one key: an honest
//! round exits 0 having read and checked every entry; a rollback, a fork
//! and an entry other than the one the log signed each raise their alert
//! and exit 1, and an alarming checkpoint is not remembered as the new
//! reference.

use crate::operator::*;
use crate::support::*;

/// The kinds of the alerts among `events`.
fn alerts(events: &[serde_json::Value]) -> Vec<&str> {
    events
        .iter()
        .filter(|e| e["event"] == "alert")
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

#[test]
fn the_monitor_exits_non_zero_on_a_rollback_a_fork_and_entries_other_than_signed() {
    let (a, policy) = example_with(2);
    let log_key = ok(&["log-key", "--dir", p(&a.dir)]).trim().to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("monitor.json");
    let state_arg = ["--state", p(&state)];
    // b: the same three records under the same key; a then takes a fourth.
    let b = another_history(&a);
    assert!(
        submit(&a, "a-liaison", &another_incident("seen by the monitor"))
            .status
            .success()
    );
    let (_a_server, a_url) = start(&["serve", "--dir", p(&a.dir)]);

    // An honest round: the checkpoint, and every entry read and checked.
    let (code, events) = monitor_once(&a_url, &log_key, &policy, &state_arg);
    assert_eq!(code, 0, "{events:?}");
    assert_eq!(events[0]["event"], "checkpoint");
    assert_eq!(events[0]["size"], 4);
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "entries_checked" && e["size"] == 4),
        "{events:?}"
    );

    // Shown the shorter tree of the same history: a rollback.
    let (b_server, b_url) = start(&["serve", "--dir", p(&b.dir)]);
    let (code, events) = monitor_once(&b_url, &log_key, &policy, &state_arg);
    assert_eq!((code, alerts(&events)), (1, vec!["rollback"]), "{events:?}");

    // The same size with another fourth record: a split view. The monitor
    // still compares with a's checkpoint (the rollback was not remembered).
    drop(b_server);
    assert!(
        submit(&b, "a-liaison", &another_incident("shown to b instead"))
            .status
            .success()
    );
    let (_b_server, b_url) = start(&["serve", "--dir", p(&b.dir)]);
    let (code, events) = monitor_once(&b_url, &log_key, &policy, &state_arg);
    assert_eq!(
        (code, alerts(&events)),
        (1, vec!["split_view"]),
        "{events:?}"
    );
    let proof = events.iter().find(|e| e["event"] == "alert").unwrap();
    assert_eq!(
        proof["checkpoints"].as_array().map(Vec::len),
        Some(2),
        "both signed checkpoints kept: {proof}"
    );

    // a's checkpoint, but its fourth record served otherwise than signed
    // (one that no longer carries its author's signature): the entries do
    // not make the tree the log signed, and the signed checkpoint is kept.
    let front = LogFront::start(&a_url);
    front.rewrite(b"seen by the monitor", b"SEEN by the monitor");
    let (code, events) = monitor_once(&front.url, &log_key, &policy, &[]);
    assert_eq!(
        (code, alerts(&events)),
        (1, vec!["withheld_entries"]),
        "{events:?}"
    );
    let bad = events.iter().find(|e| e["event"] == "alert").unwrap();
    assert!(
        bad["finding"]
            .as_str()
            .unwrap()
            .starts_with("the entries the log serves are not those it signed"),
        "{bad}"
    );
    let kept = truce_tlog::Checkpoint::open(
        bad["checkpoints"][0].as_str().unwrap(),
        &truce_tlog::note::NoteVerifier::from_vkey(&log_key).unwrap(),
    )
    .unwrap();
    assert_eq!(kept.size, 4);
    // Checking checkpoints alone, the same front raises nothing: only the
    // entries show it.
    let (code, events) = monitor_once(&front.url, &log_key, &policy, &["--no-entries"]);
    assert_eq!(code, 0, "{events:?}");
    assert!(alerts(&events).is_empty());
}

/// The operator signs a tree holding an entry the rules refuse (a report
/// whose title it changed after its author signed it): the entries are the
/// ones signed, so this is the log's own doing. The monitor alerts
/// `bad_entry` naming the entry; a party's mirror halts on it, keeping the
/// entry and the signed checkpoint.
#[test]
fn a_signed_tree_holding_a_refused_entry_alerts_the_monitor_and_halts_the_mirror() {
    let (ex, policy) = example_with(3);
    let log_key = ok(&["log-key", "--dir", p(&ex.dir)]).trim().to_owned();
    let tmp = tempfile::tempdir().unwrap();
    let mirror = tmp.path().join("mirror");
    {
        let (_server, url) = start(&["serve", "--dir", p(&ex.dir)]);
        let (code, status) = mirror_once(&url, &mirror, &["--policy", p(&policy)]);
        assert_eq!((code, status["size"].as_u64()), (0, Some(4)), "{status}");
    }
    // The next record its author would sign (made on a copy of the log, so
    // it carries the right sequence number), with its title changed after:
    // canonical and in order, but its author's signature no longer holds.
    let copy = another_history(&ex);
    assert!(
        submit(
            &copy,
            "a-liaison",
            &another_incident("as its author signed it")
        )
        .status
        .success()
    );
    let export = ok(&["export", "--dir", p(&copy.dir)]);
    let next: serde_json::Value = serde_json::from_str(export.lines().nth(4).unwrap()).unwrap();
    let leaf = serde_json::to_string(&next["record"]).unwrap();
    let forged = leaf.replace("as its author signed it", "AS ITS AUTHOR SIGNED IT");
    assert_ne!(forged, leaf);
    sign_an_entry_past_the_rules(&ex.dir, forged.into_bytes());
    let (_server, url) = start(&["serve", "--dir", p(&ex.dir)]);

    let (code, events) = monitor_once(&url, &log_key, &policy, &[]);
    assert_eq!(code, 1, "{events:?}");
    assert_eq!(alerts(&events), ["bad_entry"], "{events:?}");
    let bad = events.iter().find(|e| e["event"] == "alert").unwrap();
    let finding = bad["finding"].as_str().unwrap();
    assert!(
        finding.starts_with("the log signed a tree of 5 records that holds an entry `truce verify` refuses: entry 4:"),
        "{finding}"
    );
    assert!(finding.contains("signature"), "{finding}");

    let (code, status) = mirror_once(&url, &mirror, &["--policy", p(&policy)]);
    assert_eq!(code, 1, "{status}");
    assert_eq!(status["state"], "halted", "{status}");
    assert_eq!(status["size"], 4, "nothing of the bad tree taken: {status}");
    let alarm = &status["alarms"][0];
    assert_eq!(alarm["kind"], "bad_entry", "{alarm}");
    assert_eq!(alarm["index"], 4);
}
