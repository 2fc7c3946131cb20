//! `truce demo --no-serve` builds the Istanbul scenario through the real
//! append path, and the result verifies.

use crate::support::*;
use std::collections::BTreeSet;

#[test]
fn the_demo_builds_every_record_kind_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let out = ok(&["demo", "--dir", p(&dir), "--no-serve"]);
    assert!(out.contains("Istanbul"), "{out}");
    let report = ok(&["verify", "--dir", p(&dir)]);
    assert!(
        report.contains("every signature and admission rule holds"),
        "{report}"
    );

    let export = ok(&["export", "--dir", p(&dir)]);
    let kinds: BTreeSet<String> = export
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["record"]["envelope"]["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for kind in truce_core::Kind::ALL {
        assert!(
            kinds.contains(kind.as_str()),
            "the demo has no {kind} record"
        );
    }
    // Four participants, each with its own keys on disk.
    let keys: Vec<_> = std::fs::read_dir(dir.join("keys")).unwrap().collect();
    assert!(
        keys.len() >= 8,
        "expected member and witness keys, found {}",
        keys.len()
    );

    let status = ok(&["status", "--dir", p(&dir), "--at", truce_scenario::VIEW_AT]);
    assert!(status.contains("UnansweredPastDeadline"), "{status}");
    assert!(status.contains("not in force"), "{status}");
}

#[test]
fn the_demo_refuses_a_directory_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("something"), b"x").unwrap();
    let out = truce(&["demo", "--dir", p(tmp.path()), "--no-serve"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
}
