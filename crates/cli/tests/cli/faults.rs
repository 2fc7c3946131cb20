//! Faults under a running `truce serve`: the disk fills up, the database
//! goes away, the evidence directory turns read-only. Each must give clear
//! errors (problem+json a client can act on), acknowledge nothing it did not
//! keep, and recover once the fault clears, without a restart.
//!
//! The disk is a small tmpfs and the read-only directory a read-only bind
//! mount: both need root (or CAP_SYS_ADMIN); where mounting is refused, the
//! test says so and passes without checking anything.

use crate::load::{Load, Mechanism, Observer, Server, next_seq, sign, sign_in, wait_for};
use crate::support::p;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use truce_core::Kind;
use truce_core::kinds::common::BlobDigest;

/// Long enough for anything that should happen "at once" on a loaded 2-core machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A mount made for one test, undone when dropped.
struct Mounted(PathBuf);

impl Mounted {
    fn mount(args: &[&str], at: &Path) -> Result<Mounted, String> {
        run("mount", args, at)?;
        Ok(Mounted(at.to_path_buf()))
    }

    fn remount(&self, options: &str) {
        run("mount", &["-o", options], &self.0).unwrap();
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if run("umount", &[], &self.0).is_err() {
            let _ = run("umount", &["-l"], &self.0);
        }
    }
}

fn run(program: &str, args: &[&str], path: &Path) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {args:?} {} failed: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Acknowledged records: all still there after the load stops, read one by
/// one, and again after a SIGKILL and a restart (so they were on disk, not
/// only in the server's memory); then `truce verify` on the store.
fn everything_acknowledged_was_kept(
    m: &Mechanism,
    mut server: Server,
    load: Load,
    observer: &mut Observer,
) -> crate::load::LoadReport {
    assert!(server.running(), "the server was not restarted");
    let report = load.stop();
    observer.check(server.base(), &report.acks);
    observer.check_each(server.base(), &report.acks);
    server.kill();
    let server = Server::start(m);
    observer.check(server.base(), &report.acks);
    drop(server);
    m.verify();
    assert!(
        report.unclear.is_empty(),
        "answers a client cannot act on (not a 503 problem+json): {:#?}",
        report.unclear
    );
    report
}

#[test]
fn a_full_disk_refuses_records_with_503_and_recovers_when_space_is_freed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    std::fs::create_dir(&dir).unwrap();
    // The mechanism's directory, SQLite file and all, on a 16 MiB filesystem.
    let _disk = match Mounted::mount(&["-t", "tmpfs", "-o", "size=16m", "tmpfs"], &dir) {
        Ok(disk) => disk,
        Err(e) => {
            eprintln!("SKIPPED: the full-disk test needs to mount a small tmpfs: {e}");
            return;
        }
    };
    let m = Mechanism::demo(&dir, None, 4);
    let server = Server::start(&m);
    let load = Load::start(&m, server.base());
    let mut observer = Observer::new(&m);
    wait_for("records acknowledged", PATIENCE, || load.acks().len() >= 40);

    // Fill the disk to the last page.
    let filler = dir.join("filler");
    for chunk in [1 << 20, 4096] {
        let mut file = std::fs::File::options()
            .create(true)
            .append(true)
            .open(&filler)
            .unwrap();
        let bytes = vec![0u8; chunk];
        while std::io::Write::write_all(&mut file, &bytes).is_ok() {}
    }
    wait_for(
        "records refused with 503 on the full disk",
        PATIENCE,
        || load.answered(503) >= 10,
    );
    let at_full = load.acks().len();
    // Reads go on meanwhile.
    observer.check(server.base(), &load.acks());

    std::fs::remove_file(&filler).unwrap();
    let freed = load.acks().len();
    wait_for(
        "records acknowledged again once space was freed",
        PATIENCE,
        || load.acks().len() >= freed + 40,
    );
    let report = everything_acknowledged_was_kept(&m, server, load, &mut observer);
    eprintln!(
        "full disk: {} records acknowledged ({at_full} by the time the disk was full and \
         refusing, {} after space was freed, without a restart); answers to posts other than \
         201: {:?}, failed reads of next_seq: {:?}; all kept, truce verify passed",
        report.acks.len(),
        report.acks.len() - freed,
        report.statuses,
        report.failed_reads,
    );
}

#[test]
fn records_are_refused_with_503_while_postgresql_is_down_and_taken_again_once_it_is_back() {
    let cluster = match truce_store_postgres::testing::OwnCluster::start() {
        Ok(cluster) => cluster,
        Err(e) if std::env::var(truce_store_postgres::testing::URL_VAR).is_ok() => {
            eprintln!(
                "SKIPPED: stopping PostgreSQL needs a throwaway cluster of the test's own, \
                 and none can be started here: {e}"
            );
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let db = cluster.database().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let m = Mechanism::demo(&tmp.path().join("demo"), Some(db.url()), 4);
    let server = Server::start(&m);
    let load = Load::start(&m, server.base());
    let mut observer = Observer::new(&m);
    wait_for("records acknowledged", PATIENCE, || load.acks().len() >= 40);

    cluster.stop().unwrap();
    let at_stop = load.acks().len();
    wait_for(
        "records refused with 503 while the database is down",
        PATIENCE,
        || load.answered(503) >= 10,
    );
    // Reads say what is wrong too, as problem+json.
    let read = reqwest::blocking::get(format!("{}/checkpoint", server.base())).unwrap();
    let status = read.status();
    let kind = read.headers()["content-type"].clone();
    assert!(status.is_server_error(), "{status}");
    assert_eq!(kind, "application/problem+json", "{}", read.text().unwrap());
    std::thread::sleep(Duration::from_secs(1));
    let down = load.acks().len();

    cluster.start_again().unwrap();
    wait_for(
        "records acknowledged again once the database was back",
        PATIENCE,
        || load.acks().len() >= down + 40,
    );
    let report = everything_acknowledged_was_kept(&m, server, load, &mut observer);
    eprintln!(
        "database down: {} records acknowledged ({at_stop} before PostgreSQL was stopped, \
         {} while it was down, {} after it was back, without restarting truce); answers \
         to posts other than 201: {:?}, failed reads of next_seq: {:?}; all kept, truce \
         verify passed",
        report.acks.len(),
        down - at_stop,
        report.acks.len() - down,
        report.statuses,
        report.failed_reads,
    );
}

#[test]
fn evidence_is_refused_with_503_while_its_directory_is_read_only_and_taken_once_writable() {
    let tmp = tempfile::tempdir().unwrap();
    let m = Mechanism::demo(&tmp.path().join("demo"), None, 1);
    let blobs = m.dir.join("blobs");
    // Root writes through any file mode, so the directory is bind-mounted
    // onto itself and that mount made read-only.
    let read_only = match Mounted::mount(&["--bind", p(&blobs)], &blobs) {
        Ok(mounted) => mounted,
        Err(e) => {
            eprintln!("SKIPPED: the read-only evidence test needs a bind mount: {e}");
            return;
        }
    };
    read_only.remount("remount,bind,ro");
    let server = Server::start(&m);
    let base = server.base();
    let reporter = &m.reporters[0].signer;
    let token = sign_in(base, reporter);
    let content = b"A photograph of the crater by the border post (fault test).".to_vec();
    let digest = BlobDigest::of(&content).to_string();
    let upload = || {
        reqwest::blocking::Client::new()
            .post(format!("{base}/api/v1/evidence?digest={digest}"))
            .bearer_auth(&token)
            .header("content-type", "application/octet-stream")
            .body(content.clone())
            .send()
            .unwrap()
    };

    let refused = upload();
    assert_eq!(refused.status(), 503);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = refused.json().unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("nothing was stored"), "{detail}");
    assert!(detail.contains("Read-only file system"), "{detail}");

    read_only.remount("remount,bind,rw");
    // 201, not 200: the refused upload kept nothing.
    assert_eq!(upload().status(), 201);
    assert_eq!(upload().status(), 200);
    let record = sign(
        m.origin(),
        reporter,
        next_seq(base, reporter.name()),
        Kind::EvidenceSubmit,
        &json!({
            "digest": digest,
            "media_type": "image/jpeg",
            "size": content.len(),
            "description": "Fault test evidence.",
            "confidentiality": "public",
        }),
    );
    let posted = reqwest::blocking::Client::new()
        .post(format!("{base}/api/v1/records"))
        .header("content-type", "application/json")
        .body(record.leaf().to_vec())
        .send()
        .unwrap();
    assert_eq!(posted.status(), 201);
    let served = reqwest::blocking::get(format!("{base}/api/v1/evidence/{digest}")).unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().unwrap().as_ref(), content.as_slice());
    drop(server);
    drop(read_only);
    m.verify();
}
