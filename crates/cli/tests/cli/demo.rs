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
        // The talks produced no signed agreement: the demo signs no draft
        // (the browser's agreement test signs one).
        if *kind == truce_core::Kind::DraftSign {
            assert!(
                !kinds.contains(kind.as_str()),
                "the demo invents a signature"
            );
            continue;
        }
        // A report is published from the log by its users (the report tests
        // publish one); the scenario publishes none.
        if *kind == truce_core::Kind::ReportPublish {
            continue;
        }
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

/// `--seed N` builds the same store from the same seed, byte for byte:
/// keys, salts and so every record, the witnesses' cosignatures (stamped at
/// the scenario's end) and so the cosigned checkpoint, the SQLite file, the
/// evidence blobs and the witnesses' own state. Another seed, another log.
#[test]
fn the_same_seed_builds_the_same_store_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let build = |name: &str, seed: &str| {
        let dir = tmp.path().join(name);
        ok(&["demo", "--dir", p(&dir), "--no-serve", "--seed", seed]);
        dir
    };
    let a = build("a", "7");
    let b = build("b", "7");
    let c = build("c", "8");

    let a_files = files_under(&a);
    assert!(
        a_files.contains_key(std::path::Path::new("truce.db"))
            && a_files.keys().any(|f| f.starts_with("witnesses"))
            && a_files.keys().any(|f| f.starts_with("blobs")),
        "the store's files: {:?}",
        a_files.keys().collect::<Vec<_>>()
    );
    let b_files = files_under(&b);
    assert_eq!(
        a_files.keys().collect::<Vec<_>>(),
        b_files.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &a_files {
        assert!(
            b_files[path] == *bytes,
            "{} differs between two builds from seed 7",
            path.display()
        );
    }

    // The cosigned checkpoint as served: origin, size, root, the log's
    // signature and one cosignature per witness, all the same.
    let served = |dir: &std::path::Path| ok(&["checkpoint", "--dir", p(dir)]);
    let a_checkpoint = served(&a);
    assert!(
        a_checkpoint
            .lines()
            .filter(|l| l.starts_with("\u{2014} "))
            .count()
            >= 5,
        "the log's signature and four cosignatures: {a_checkpoint}"
    );
    assert_eq!(a_checkpoint, served(&b));
    let c_checkpoint = served(&c);
    assert_ne!(
        a_checkpoint.lines().nth(2),
        c_checkpoint.lines().nth(2),
        "another seed, another root"
    );
    assert_ne!(
        ok(&["log-key", "--dir", p(&a)]),
        ok(&["log-key", "--dir", p(&c)])
    );
}

/// Every file under `root`, by its path relative to `root`.
fn files_under(root: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

#[test]
fn the_demo_refuses_a_directory_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("something"), b"x").unwrap();
    let out = truce(&["demo", "--dir", p(tmp.path()), "--no-serve"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
}

/// `truce serve` for real: the served bundle verifies offline with `truce verify --bundle`.
#[test]
fn a_served_bundle_verifies_offline_and_the_server_stops_on_sigterm() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&dir), "--no-serve"]);
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["serve", "--dir", p(&dir), "--listen", "127.0.0.1:0"])
        .env("TRUCE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim().rsplit(' ').next().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");

    let bundle = reqwest::blocking::get(format!("{base}/api/v1/records/7/bundle"))
        .unwrap()
        .text()
        .unwrap();
    let path = tmp.path().join("bundle.json");
    std::fs::write(&path, &bundle).unwrap();
    let log_key = ok(&["log-key", "--dir", p(&dir)]);
    let report = ok(&["verify", "--bundle", p(&path), "--log-key", log_key.trim()]);
    assert!(report.contains("verified record 7"), "{report}");
    // The demo's witnesses cosigned the checkpoint it leads to.
    assert!(
        report
            .contains("cosigned by pakistan, afghanistan, turkiye, qatar, which meets the quorum"),
        "{report}"
    );
    // Any edit to the bundle breaks it.
    std::fs::write(&path, bundle.replacen("\"index\":7", "\"index\":8", 1)).unwrap();
    assert!(
        !truce(&["verify", "--bundle", p(&path), "--log-key", log_key.trim()])
            .status
            .success()
    );

    // Graceful shutdown on SIGTERM.
    std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    let status = server.wait().unwrap();
    assert!(status.success(), "the server exits cleanly: {status:?}");
}

#[test]
fn serve_prints_its_effective_configuration() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["serve", "--print-config", "--listen", "0.0.0.0:9999"])
        .env("TRUCE_RATE_LIMIT_PER_MINUTE", "77")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("listen = \"0.0.0.0:9999\""), "{text}");
    assert!(text.contains("rate_limit_per_minute = 77"), "{text}");
}

/// The demo built into a fresh PostgreSQL database; the directory keeps the
/// log key, the members' keys and the evidence.
fn demo_in_postgresql() -> (
    truce_store_postgres::testing::TestDatabase,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let db = truce_store_postgres::testing::test_database();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    ok(&[
        "demo",
        "--dir",
        p(&dir),
        "--no-serve",
        "--database",
        db.url(),
    ]);
    (db, tmp, dir)
}

#[test]
fn every_command_that_reads_or_appends_works_on_a_log_in_postgresql() {
    let (db, tmp, dir) = demo_in_postgresql();
    let at = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        args.extend([
            "--dir".into(),
            p(&dir).into(),
            "--database".into(),
            db.url().into(),
        ]);
        args
    };
    let run = |extra: &[&str]| -> String {
        let args = at(extra);
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };

    // Without --database the directory says where its log is.
    let out = truce(&["checkpoint", "--dir", p(&dir)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PostgreSQL"));

    let before: u64 = run(&["checkpoint", "--latest"])
        .lines()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let template = tmp.path().join("report.json");
    std::fs::write(&template, incident_template("pakistan").to_string()).unwrap();
    let key = dir.join("keys").join("afghanistan.liaison.key");
    let receipt: serde_json::Value =
        serde_json::from_str(&run(&["submit", "--key", p(&key), p(&template)])).unwrap();
    assert_eq!(receipt["index"], before);

    let checkpoint = run(&["checkpoint", "--latest"]);
    assert_eq!(
        checkpoint.lines().nth(1),
        Some((before + 1).to_string().as_str())
    );
    assert!(run(&["log-key"]).starts_with("truce.example/"));
    let shown: serde_json::Value =
        serde_json::from_str(&run(&["show", "--index", &before.to_string()])).unwrap();
    assert_eq!(shown["leaf_hash"], receipt["leaf_hash"]);
    let proof: serde_json::Value =
        serde_json::from_str(&run(&["prove", "--index", &before.to_string()])).unwrap();
    assert_eq!(proof["tree_size"], before + 1);
    assert_eq!(run(&["export"]).lines().count() as u64, before + 1);
    let status: serde_json::Value = serde_json::from_str(&run(&["status", "--json"])).unwrap();
    assert_eq!(status["records"], before + 1);
}

#[test]
fn the_demo_can_keep_its_log_in_postgresql_and_it_verifies_there() {
    let (db, tmp, dir) = demo_in_postgresql();
    assert!(!dir.join("truce.db").exists(), "the log is not in SQLite");
    let report = ok(&["verify", "--dir", p(&dir), "--database", db.url()]);
    assert!(
        report.contains("every signature and admission rule holds"),
        "{report}"
    );
    // A second mechanism cannot be started in the same database.
    let out = truce(&[
        "demo",
        "--dir",
        p(&tmp.path().join("again")),
        "--no-serve",
        "--database",
        db.url(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds a log"));
}

/// The demo's server takes the `TRUCE_*` environment as `truce serve` does
/// (the browser suite lifts the per-address limits through it).
#[test]
fn the_demo_server_reads_the_truce_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let (_server, base, _) = super::support::serve_demo_opening_with(
        &tmp.path().join("demo"),
        None,
        &[("TRUCE_RATE_LIMIT_PER_MINUTE", "3")],
    );
    let statuses: Vec<u16> = (0..6)
        .map(|_| {
            reqwest::blocking::get(format!("{base}/api/v1/participants"))
                .unwrap()
                .status()
                .as_u16()
        })
        .collect();
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert!(statuses[3..].contains(&429), "{statuses:?}");
}
