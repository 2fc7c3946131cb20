//! `truce backup` while the real server takes signed records, `truce
//! restore` into a new mechanism, and the proof that it is the same log: the
//! restored root at the backup's size is consistent with the live log, and
//! `truce verify` passes. On SQLite and on PostgreSQL; and a damaged or
//! foreign backup is refused with nothing left behind.

use super::support::*;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId, Timestamp};
use truce_tlog::Hash;
use truce_tlog::note::NoteSigner;

/// Posts signed incident reports as `pakistan.liaison` until told to stop;
/// returns how many were acknowledged.
fn load(base: String, dir: &Path, stop: Arc<AtomicBool>, acked: Arc<Mutex<u64>>) {
    let key = std::fs::read_to_string(dir.join("keys/pakistan.liaison.key")).unwrap();
    let signer = NoteSigner::from_skey(key.trim()).unwrap();
    let http = reqwest::blocking::Client::new();
    let log: serde_json::Value = http
        .get(format!("{base}/api/v1/records/0"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let log = log["record"]["envelope"]["log"]
        .as_str()
        .unwrap()
        .to_string();
    while !stop.load(Ordering::SeqCst) {
        let member: serde_json::Value = http
            .get(format!("{base}/api/v1/members/pakistan.liaison"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let record = RecordDraft {
            log: Label::parse(&log).unwrap(),
            author: MemberId::parse("pakistan.liaison").unwrap(),
            seq: member["next_seq"].as_u64().unwrap(),
            time: Timestamp::parse("2026-01-06T00:00:00Z").unwrap(),
            body: truce_core::Body::parse(
                truce_core::Kind::IncidentReport,
                &incident_template("afghanistan")["body"],
            )
            .unwrap(),
            confidential: None,
            extra_refs: vec![],
        }
        .sign(&[&signer])
        .unwrap();
        let r = http
            .post(format!("{base}/api/v1/records"))
            .header("content-type", "application/json")
            .body(record.leaf().to_vec())
            .send()
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().unwrap_or_default());
        *acked.lock().unwrap() += 1;
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text.trim()).unwrap()
}

/// Backs up while records are being posted, restores, and proves the
/// restored log is a prefix of the live one and passes verification.
fn backup_under_load_and_restore(database: Option<&str>, restore_into: Option<&str>) {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let (server, base) = serve_demo(&demo, database);
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(0u64));
    let writer = {
        let (base, demo, stop, acked) = (base.clone(), demo.clone(), stop.clone(), acked.clone());
        std::thread::spawn(move || load(base, &demo, stop, acked))
    };
    while *acked.lock().unwrap() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let acked_before = *acked.lock().unwrap();
    let backup = tmp.path().join("truce.backup");
    let mut args = vec!["backup", "--dir", p(&demo), "--out", p(&backup)];
    if let Some(url) = database {
        args.extend(["--database", url]);
    }
    let made = json(&ok(&args));
    // Records kept coming while the backup ran.
    while *acked.lock().unwrap() < acked_before + 20 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the backup holds the log key: owner only");
    }

    let restored = tmp.path().join("restored");
    let mut args = vec!["restore", "--from", p(&backup), "--dir", p(&restored)];
    if let Some(url) = restore_into {
        args.extend(["--database", url]);
    }
    let done = json(&ok(&args));
    assert_eq!(done["verified"], true);
    assert_eq!(done["size"], made["size"]);
    assert_eq!(done["root"], made["root"]);
    let size = made["size"].as_u64().unwrap();
    // The backup holds at least the scenario and what was acknowledged
    // before it began, and is a prefix of the live log: the live checkpoint
    // is consistent with the restored root at the backup's size.
    assert!(size >= 98 + acked_before, "{size} < 98 + {acked_before}");
    let http = reqwest::blocking::Client::new();
    // The latest checkpoint (no witness runs beside this server, so
    // `/checkpoint` stays at the demo's witnessed one).
    let witnessing: serde_json::Value = http
        .get(format!("{base}/api/v1/witnessing"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let checkpoint = witnessing["latest"]["note"].as_str().unwrap().to_owned();
    let lines: Vec<&str> = checkpoint.lines().collect();
    let live_size: u64 = lines[1].parse().unwrap();
    let live_root = Hash::from_base64(lines[2]).unwrap();
    assert!(live_size > size, "records were appended after the backup");
    let proof: serde_json::Value = http
        .get(format!(
            "{base}/api/v1/proof/consistency?from={size}&to={live_size}"
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let proof: Vec<Hash> = proof["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap())
        .collect();
    let restored_root = Hash::from_base64(made["root"].as_str().unwrap()).unwrap();
    truce_tlog::verify_consistency(size, live_size, &proof, &restored_root, &live_root)
        .expect("the restored log is a prefix of the live one");
    drop(server);

    // `truce verify` agrees, and the restored mechanism serves the same log.
    let mut args = vec!["verify", "--dir", p(&restored)];
    if let Some(url) = restore_into {
        args.extend(["--database", url]);
    }
    let report = ok(&args);
    assert!(report.contains(made["root"].as_str().unwrap()), "{report}");
    // Every evidence file came back (two-level `blobs/ab/ab…` layout).
    let evidence: usize = std::fs::read_dir(restored.join("blobs"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() != "tmp")
        .map(|shard| std::fs::read_dir(shard.path()).unwrap().count())
        .sum();
    assert_eq!(evidence as u64, made["blobs"].as_u64().unwrap());
    assert!(evidence >= 4, "the scenario's evidence");
}

#[test]
fn an_online_sqlite_backup_restores_to_the_same_log() {
    backup_under_load_and_restore(None, None);
}

#[test]
fn an_online_postgres_backup_restores_to_the_same_log() {
    let live = truce_store_postgres::testing::test_database();
    let copy = truce_store_postgres::testing::test_database();
    backup_under_load_and_restore(Some(live.url()), Some(copy.url()));
    // A backup restores only into an empty database.
    let tmp = tempfile::tempdir().unwrap();
    let again = truce(&[
        "restore",
        "--from",
        "/nonexistent",
        "--dir",
        p(&tmp.path().join("x")),
        "--database",
        copy.url(),
    ]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds a Truce log"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn a_damaged_or_foreign_backup_is_refused_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&demo), "--no-serve"]);
    let backup = tmp.path().join("b.tar");
    ok(&["backup", "--dir", p(&demo), "--out", p(&backup)]);
    // A second backup to the same file is refused.
    assert!(
        !truce(&["backup", "--dir", p(&demo), "--out", p(&backup)])
            .status
            .success()
    );

    // One byte of one evidence file changed inside the archive.
    let mut bytes = std::fs::read(&backup).unwrap();
    let blob_name = bytes
        .windows(6)
        .position(|w| w == b"blobs/")
        .expect("the backup holds evidence");
    // The file's content starts at the next 512-byte block after its header.
    let content = (blob_name / 512 + 1) * 512;
    bytes[content + 10] ^= 0x01;
    let damaged = tmp.path().join("damaged.tar");
    std::fs::write(&damaged, &bytes).unwrap();
    let target = tmp.path().join("restored");
    let out = truce(&["restore", "--from", p(&damaged), "--dir", p(&target)]);
    assert!(!out.status.success());
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("damaged"), "{why}");
    assert!(!target.exists(), "a refused restore leaves nothing");

    // Archives that are not Truce backups: names outside the layout (one
    // climbing out of the directory), before or after a real manifest.
    let manifest = {
        let mut archive = tar::Archive::new(std::fs::File::open(&backup).unwrap());
        let mut first = archive.entries().unwrap().next().unwrap().unwrap();
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut first, &mut text).unwrap();
        text
    };
    for (with_manifest, name) in [
        (false, "../escape"),
        (true, "../escape"),
        (true, "blobs/../../escape"),
        (true, "notes.txt"),
    ] {
        let foreign = tmp.path().join("foreign.tar");
        let mut tar = tar::Builder::new(std::fs::File::create(&foreign).unwrap());
        if with_manifest {
            let header = raw_header("truce-backup.json", manifest.len());
            tar.append(&header, manifest.as_slice()).unwrap();
        }
        tar.append(&raw_header(name, 4), &b"evil"[..]).unwrap();
        tar.finish().unwrap();
        drop(tar);
        let out = truce(&["restore", "--from", p(&foreign), "--dir", p(&target)]);
        assert!(!out.status.success(), "{name}");
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(
            why.contains("Truce backup") || why.contains("damaged"),
            "{name}: {why}"
        );
        assert!(!target.exists(), "{name}: a refused restore leaves nothing");
        assert!(!tmp.path().join("escape").exists(), "{name}");
    }
}

/// A tar header naming `name` as given, however hostile (the tar crate's own
/// builder refuses `..`, as a hostile writer would not).
fn raw_header(name: &str, size: usize) -> tar::Header {
    let mut header = tar::Header::new_old();
    header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    header.set_size(size as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    header
}
