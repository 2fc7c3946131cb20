//! Changing any stored byte by hand — a record, its hash, a tree node, a
//! checkpoint, a confidential part — makes `truce verify` fail and name the place.

use crate::support::*;
use rusqlite::{Connection, params};

fn mechanism_with_records() -> Example {
    let ex = example_mechanism();
    for accused in ["party-b", "party-b", "party-b"] {
        assert!(
            submit(&ex, "a-liaison", &incident_template(accused))
                .status
                .success()
        );
    }
    let mut confidential = incident_template("party-a");
    confidential["confidential"] = serde_json::json!({
        "readers": ["mediator-c"],
        "content": {"source": "a named informant"}
    });
    let out = submit(&ex, "b-liaison", &confidential);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = ok(&["verify", "--dir", p(&ex.dir)]);
    assert!(report.contains("verified 5 records"), "{report}");
    assert!(report.contains("1 confidential part"), "{report}");
    ex
}

fn verify_fails_naming(ex: &Example, place: &str) {
    let out = truce(&["verify", "--dir", p(&ex.dir)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "verify passed a tampered store");
    assert!(
        stderr.contains(place),
        "expected the failure to name {place:?}: {stderr}"
    );
}

fn db(ex: &Example) -> Connection {
    Connection::open(ex.dir.join("truce.db")).unwrap()
}

/// Replaces record `idx`'s stored leaf with `rewrite` of it, and mends its
/// stored hash to match (as a forger with write access to the store would).
fn rewrite_record(ex: &Example, idx: i64, rewrite: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let conn = db(ex);
    let leaf: Vec<u8> = conn
        .query_row(
            "SELECT leaf FROM records WHERE idx = ?1",
            params![idx],
            |r| r.get(0),
        )
        .unwrap();
    let forged = rewrite(leaf);
    let hash = truce_tlog::leaf_hash(&forged);
    conn.execute(
        "UPDATE records SET leaf = ?1, hash = ?2 WHERE idx = ?3",
        params![forged, &hash.0[..], idx],
    )
    .unwrap();
}

fn flip_blob_byte(ex: &Example, sql_select: &str, sql_update: &str, key: i64, at: usize) {
    let conn = db(ex);
    let mut bytes: Vec<u8> = conn
        .query_row(sql_select, params![key], |r| r.get(0))
        .unwrap();
    let i = at % bytes.len();
    bytes[i] ^= 0x01;
    conn.execute(sql_update, params![bytes, key]).unwrap();
}

#[test]
fn any_changed_byte_of_a_record_is_caught() {
    // Several positions across a leaf: the start, inside the body, the signature, the end.
    for at in [0usize, 17, 150, 333, 401, 10_000 - 1] {
        let ex = mechanism_with_records();
        flip_blob_byte(
            &ex,
            "SELECT leaf FROM records WHERE idx = ?1",
            "UPDATE records SET leaf = ?1 WHERE idx = ?2",
            2,
            at,
        );
        verify_fails_naming(&ex, "record 2");
    }
}

#[test]
fn a_record_rewritten_with_a_matching_hash_still_fails_its_signature() {
    let ex = mechanism_with_records();
    rewrite_record(&ex, 3, |leaf| {
        String::from_utf8(leaf)
            .unwrap()
            .replace("Mortar rounds", "Rocket rounds")
            .into_bytes()
    });
    verify_fails_naming(&ex, "record 3");
}

#[test]
fn a_changed_stored_record_hash_is_caught() {
    let ex = mechanism_with_records();
    flip_blob_byte(
        &ex,
        "SELECT hash FROM records WHERE idx = ?1",
        "UPDATE records SET hash = ?1 WHERE idx = ?2",
        1,
        5,
    );
    verify_fails_naming(&ex, "record 1");
}

#[test]
fn a_changed_tree_node_is_caught() {
    let ex = mechanism_with_records();
    // The node over leaves 0..4: level 2, index 0 (key = level << 56 | index).
    let key = 2i64 << 56;
    flip_blob_byte(
        &ex,
        "SELECT hash FROM tree_nodes WHERE node = ?1",
        "UPDATE tree_nodes SET hash = ?1 WHERE node = ?2",
        key,
        31,
    );
    verify_fails_naming(&ex, "tree node (level 2, index 0)");
}

#[test]
fn a_changed_checkpoint_is_caught() {
    let ex = mechanism_with_records();
    let conn = db(&ex);
    let note: String = conn
        .query_row("SELECT note FROM checkpoints WHERE size = 3", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Change one character of the root line.
    let mut lines: Vec<String> = note.lines().map(str::to_string).collect();
    let root = &mut lines[2];
    let first = root.remove(0);
    root.insert(0, if first == 'A' { 'B' } else { 'A' });
    conn.execute(
        "UPDATE checkpoints SET note = ?1 WHERE size = 3",
        params![lines.join("\n") + "\n"],
    )
    .unwrap();
    verify_fails_naming(&ex, "checkpoint for size 3");
}

#[test]
fn a_changed_confidential_part_is_caught() {
    let ex = mechanism_with_records();
    flip_blob_byte(
        &ex,
        "SELECT opening FROM sealed_parts WHERE record_idx = ?1",
        "UPDATE sealed_parts SET opening = ?1 WHERE record_idx = ?2",
        4,
        60,
    );
    verify_fails_naming(&ex, "confidential part of record 4");
}

#[test]
fn a_deleted_record_is_caught() {
    let ex = mechanism_with_records();
    db(&ex)
        .execute("DELETE FROM records WHERE idx = 2", [])
        .unwrap();
    verify_fails_naming(&ex, "record 2: is missing");
}

#[test]
fn a_stored_node_beyond_the_tree_is_caught() {
    let ex = mechanism_with_records();
    // An extra level-1 node past the end of a 5-record tree.
    db(&ex)
        .execute(
            "INSERT INTO tree_nodes (node, hash) VALUES (?1, ?2)",
            params![(1i64 << 56) | 7, vec![0u8; 32]],
        )
        .unwrap();
    verify_fails_naming(&ex, "tree nodes above the leaves");
}

#[test]
fn an_opening_stored_for_a_record_without_a_confidential_part_is_caught() {
    let ex = mechanism_with_records();
    db(&ex)
        .execute(
            "INSERT INTO sealed_parts (record_idx, opening) VALUES (1, ?1)",
            params![b"{\"content\":{},\"salt\":\"\"}".to_vec()],
        )
        .unwrap();
    verify_fails_naming(&ex, "confidential part of record 1");
}

#[test]
fn a_log_that_names_another_log_key_than_the_expected_one_fails() {
    let ex = mechanism_with_records();
    let other = ok(&[
        "keygen",
        "--out",
        p(&ex.dir.with_extension("other.key")),
        "--name",
        "truce.example",
    ]);
    let out = truce(&["verify", "--dir", p(&ex.dir), "--log-key", other.trim()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not the expected"));
    // The right key passes, and the report names the charter and the key.
    let key = ok(&["log-key", "--dir", p(&ex.dir)]);
    let report = ok(&["verify", "--dir", p(&ex.dir), "--log-key", key.trim()]);
    assert!(
        report.contains(&format!("log key: {}", key.trim())),
        "{report}"
    );
}

#[test]
fn a_bad_signature_deep_in_a_large_log_is_named_at_its_index_by_every_path() {
    // 3,000 records: the charter and 2,999 reports, so the auditor's
    // signature batches (about 1,024 records each) are several and record
    // 2,000 is deep in one. (Kept small: the test build verifies slowly.)
    let ex = example_mechanism();
    let file = ex.dir.with_extension("batch.jsonl");
    let lines: String = (1..3_000)
        .map(|i| {
            let mut t = incident_template("party-b");
            t["body"]["title"] = format!("Shelling {i}").into();
            serde_json::to_string(&t).unwrap() + "\n"
        })
        .collect();
    std::fs::write(&file, lines).unwrap();
    let key = ex.keys.join("a-liaison.key");
    ok(&[
        "submit",
        "--dir",
        p(&ex.dir),
        "--key",
        p(&key),
        "--batch",
        p(&file),
    ]);
    // Rewritten with a matching hash: it parses and hashes, but its
    // signature fails, and so do the tree nodes above it, which the
    // auditor checks at the end of the chunk.
    let conn = db(&ex);
    let leaf: Vec<u8> = conn
        .query_row("SELECT leaf FROM records WHERE idx = 2000", [], |r| {
            r.get(0)
        })
        .unwrap();
    let text = String::from_utf8(leaf).unwrap();
    assert!(text.contains("\"Shelling 2000\""), "{text}");
    let forged = text.replace("Mortar rounds", "Rocket rounds").into_bytes();
    let hash = truce_tlog::leaf_hash(&forged);
    conn.execute(
        "UPDATE records SET leaf = ?1, hash = ?2 WHERE idx = 2000",
        params![forged, &hash.0[..]],
    )
    .unwrap();
    let export = ex.dir.with_extension("export.jsonl");
    std::fs::write(&export, ok(&["export", "--dir", p(&ex.dir)])).unwrap();
    let expected = "verification FAILED at record 2000: signature 0 (by a-liaison) does not verify";
    for args in [
        vec!["verify", "--dir", p(&ex.dir)],
        vec!["verify", "--dir", p(&ex.dir), "--threads", "0"],
        vec!["verify", "--export", p(&export)],
        vec!["verify", "--export", p(&export), "--threads", "0"],
    ] {
        let out = truce(&args);
        assert!(!out.status.success(), "{args:?} passed a forged record");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            expected,
            "{args:?}"
        );
    }
}

#[test]
fn serve_stops_on_a_stored_record_that_is_not_canonical_naming_it() {
    // The same record with a space in it: it hashes (its stored hash is
    // mended to match) but is not the canonical form the ledger stores, so
    // it could stand for some other record's bytes.
    let ex = mechanism_with_records();
    rewrite_record(&ex, 3, |leaf| {
        let mut spaced = b"{ ".to_vec();
        spaced.extend_from_slice(&leaf[1..]);
        spaced
    });
    // `truce serve` listens while it opens the log, and stops once the
    // opening fails: with an error, not serving a log it cannot vouch for.
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["serve", "--dir", p(&ex.dir), "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = server.kill();
            panic!("truce serve went on serving a log it could not open");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let out = server.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("cannot open the log"), "{stderr}");
    assert!(stderr.contains("record 3 cannot be read"), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Truce is serving"),
        "it said it was serving"
    );
    verify_fails_naming(&ex, "record 3");
}
