//! The exact output shapes outside checks rely on.

use crate::support::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use truce_tlog::{Checkpoint, Hash, note::NoteVerifier};

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s.trim()).unwrap()
}

#[test]
fn keygen_writes_a_private_key_and_prints_its_verifier_key() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&["keygen", "--out", p(&tmp.path().join("pk-ops.key"))]);
    let vkey = NoteVerifier::from_vkey(out.trim()).unwrap();
    assert_eq!(vkey.name(), "pk-ops");
    let private = std::fs::read_to_string(tmp.path().join("pk-ops.key")).unwrap();
    assert!(private.starts_with("PRIVATE+KEY+pk-ops+"));
    // A key file is never overwritten.
    assert!(
        !truce(&["keygen", "--out", p(&tmp.path().join("pk-ops.key"))])
            .status
            .success()
    );
}

#[test]
fn submit_prints_the_index_and_leaf_hash_of_the_durable_record() {
    let ex = example_mechanism();
    let out = submit(&ex, "a-liaison", &incident_template("party-b"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let receipt = json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(receipt["index"], 1);
    let leaf_hash = Hash::from_base64(receipt["leaf_hash"].as_str().unwrap()).unwrap();
    let shown = json(&ok(&["show", "--dir", p(&ex.dir), "--index", "1"]));
    assert_eq!(shown["leaf_hash"], receipt["leaf_hash"]);
    assert_eq!(shown["record"]["envelope"]["author"], "a-liaison");
    assert_eq!(shown["record"]["envelope"]["seq"], 1);
    // The receipt's hash is the RFC 6962 leaf hash of the exported leaf bytes.
    let export = ok(&["export", "--dir", p(&ex.dir)]);
    let line = json(export.lines().nth(1).unwrap());
    let leaf = STANDARD.decode(line["leaf"].as_str().unwrap()).unwrap();
    assert_eq!(truce_tlog::leaf_hash(&leaf), leaf_hash);
}

#[test]
fn a_rejected_record_exits_non_zero_with_the_reason_and_appends_nothing() {
    let ex = example_mechanism();
    // A party may not investigate: only mediators do.
    let charter = json(&ok(&["show", "--dir", p(&ex.dir), "--index", "0"]));
    let investigation = serde_json::json!({
        "kind": "incident.investigation",
        "body": {"incident": charter["leaf_hash"], "step": "opened", "details": "x"},
    });
    let out = submit(&ex, "a-liaison", &investigation);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rejected") && stderr.contains("needs a mediator"),
        "{stderr}"
    );
    // A reference to a record that does not exist.
    let unknown = serde_json::json!({
        "kind": "incident.response",
        "body": {"incident": Hash([1; 32]), "stance": "deny", "narrative": "x"},
    });
    let out = submit(&ex, "b-liaison", &unknown);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not in the log"));
    // Malformed: an unknown field.
    let mut bad = incident_template("party-b");
    bad["body"]["severity"] = serde_json::json!("high");
    let out = submit(&ex, "a-liaison", &bad);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field"));
    // Accusing oneself is refused by the rules: the refusal names the rule by
    // its code (the API's `code` too), which stays when the sentence changes.
    let out = submit(&ex, "a-liaison", &incident_template("party-a"));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("(rule report_accuses_its_author)"),
        "{stderr}"
    );
    let export = ok(&["export", "--dir", p(&ex.dir)]);
    assert_eq!(export.lines().count(), 1, "only the charter is in the log");
    let checkpoint = ok(&["checkpoint", "--dir", p(&ex.dir)]);
    assert_eq!(checkpoint.lines().nth(1), Some("1"));
}

#[test]
fn proofs_verify_against_the_signed_checkpoint() {
    let ex = example_mechanism();
    for _ in 0..6 {
        assert!(
            submit(&ex, "a-liaison", &incident_template("party-b"))
                .status
                .success()
        );
    }
    let vkey = NoteVerifier::from_vkey(ok(&["log-key", "--dir", p(&ex.dir)]).trim()).unwrap();
    let note = ok(&["checkpoint", "--dir", p(&ex.dir)]);
    let checkpoint = Checkpoint::open(&note, &vkey).unwrap();
    assert_eq!(checkpoint.size, 7);

    let hashes = |v: &serde_json::Value| -> Vec<Hash> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap())
            .collect()
    };
    for index in 0..7 {
        let proof = json(&ok(&[
            "prove",
            "--dir",
            p(&ex.dir),
            "--index",
            &index.to_string(),
        ]));
        assert_eq!(proof["index"], index);
        assert_eq!(proof["tree_size"], 7);
        let leaf = Hash::from_base64(proof["leaf_hash"].as_str().unwrap()).unwrap();
        truce_tlog::verify_inclusion(&leaf, index, 7, &hashes(&proof["proof"]), &checkpoint.root)
            .unwrap();
    }
    // An inclusion proof in an older tree, and a consistency proof from it.
    let old = json(&ok(&[
        "prove",
        "--dir",
        p(&ex.dir),
        "--index",
        "2",
        "--size",
        "4",
    ]));
    assert_eq!(old["tree_size"], 4);
    let consistency = json(&ok(&[
        "prove",
        "--dir",
        p(&ex.dir),
        "--from",
        "4",
        "--to",
        "7",
    ]));
    assert_eq!(
        (consistency["size1"].as_u64(), consistency["size2"].as_u64()),
        (Some(4), Some(7))
    );
    let default_to = json(&ok(&["prove", "--dir", p(&ex.dir), "--from", "4"]));
    assert_eq!(default_to, consistency);
    // The size-4 root comes from the exported leaves alone.
    let export = ok(&["export", "--dir", p(&ex.dir)]);
    let mut frontier = truce_tlog::Frontier::new();
    let mut root4 = None;
    for line in export.lines() {
        let leaf = STANDARD
            .decode(json(line)["leaf"].as_str().unwrap())
            .unwrap();
        frontier.append(truce_tlog::leaf_hash(&leaf));
        if frontier.size() == 4 {
            root4 = Some(frontier.root());
        }
    }
    assert_eq!(frontier.root(), checkpoint.root);
    truce_tlog::verify_consistency(
        4,
        7,
        &hashes(&consistency["proof"]),
        &root4.unwrap(),
        &checkpoint.root,
    )
    .unwrap();
    // Out of range is a clear error, not a panic.
    let out = truce(&["prove", "--dir", p(&ex.dir), "--index", "7"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in a tree of 7"));
}

#[test]
fn an_export_verifies_offline_with_its_checkpoint_and_fails_when_edited() {
    let ex = example_mechanism();
    for _ in 0..3 {
        assert!(
            submit(&ex, "b-liaison", &incident_template("party-a"))
                .status
                .success()
        );
    }
    let export_path = ex.dir.with_extension("jsonl");
    std::fs::write(&export_path, ok(&["export", "--dir", p(&ex.dir)])).unwrap();
    let cp_path = ex.dir.with_extension("checkpoint");
    std::fs::write(&cp_path, ok(&["checkpoint", "--dir", p(&ex.dir)])).unwrap();
    // The example charter's witness policy needs all three witnesses, and
    // none ever ran: held to it, the checkpoint is refused.
    let unwitnessed = truce(&[
        "verify",
        "--export",
        p(&export_path),
        "--checkpoint",
        p(&cp_path),
    ]);
    assert!(!unwitnessed.status.success());
    assert!(
        String::from_utf8_lossy(&unwitnessed.stderr)
            .contains("does not meet the witness quorum everyone: cosigned by no witness")
    );
    // A verifier who accepts an unwitnessed log says so with its own policy.
    let policy = ex.dir.with_extension("policy");
    std::fs::write(&policy, "quorum none\n").unwrap();
    let out = ok(&[
        "verify",
        "--export",
        p(&export_path),
        "--checkpoint",
        p(&cp_path),
        "--policy",
        p(&policy),
    ]);
    assert!(out.contains("verified 4 records"), "{out}");

    // Drop a line: the checkpoint no longer matches.
    let text = std::fs::read_to_string(&export_path).unwrap();
    let shorter: Vec<&str> = text.lines().take(3).collect();
    std::fs::write(&export_path, shorter.join("\n") + "\n").unwrap();
    let out = truce(&[
        "verify",
        "--export",
        p(&export_path),
        "--checkpoint",
        p(&cp_path),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("checkpoint for size 4"));

    // Edit the readable copy of a record: refused, naming the record.
    let mut lines: Vec<serde_json::Value> = text.lines().map(json).collect();
    lines[2]["record"]["envelope"]["seq"] = serde_json::json!(99);
    let edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&export_path, edited.join("\n") + "\n").unwrap();
    let out = truce(&["verify", "--export", p(&export_path)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("record 2"));
}

#[test]
fn init_refuses_a_charter_not_signed_by_every_founding_participant_and_leaves_no_trace() {
    let ex = example_charter();
    let out = init_signed_by(&ex, &["a-head", "b-head"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("(rule charter_not_signed_by_founder)") && stderr.contains("mediator-c"),
        "{stderr}"
    );
    assert!(!ex.dir.exists());
}
