//! `truce submit --batch FILE.jsonl`: hundreds of records appended in order
//! into a directory and through a real `truce serve`, each line exactly once
//! however the runs are interrupted; `truce verify` passes afterwards.

use crate::support::*;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;

/// A template line whose title names the file's `tag` and the line.
fn line(tag: &str, i: usize, accused: &str) -> String {
    let mut template = incident_template(accused);
    template["body"]["title"] = serde_json::json!(format!("{tag} {i}"));
    // Every tenth has a confidential part, which must be recognised too.
    if i.is_multiple_of(10) {
        template["confidential"] =
            serde_json::json!({"readers": ["qatar"], "content": {"source": format!("{tag} {i}")}});
    }
    serde_json::to_string(&template).unwrap()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut file = std::fs::File::create(path).unwrap();
    for l in lines {
        writeln!(file, "{l}").unwrap();
    }
}

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    ok(&["demo", "--dir", p(&dir), "--no-serve", "--seed", "7"]);
    (tmp, dir)
}

/// How many records of the log carry each title starting with `tag`, and
/// whether they stand in the order of their line numbers.
fn titles(dir: &Path, tag: &str) -> (HashMap<String, usize>, bool) {
    let export = ok(&["export", "--dir", p(dir)]);
    let mut counts = HashMap::new();
    let mut last = None;
    let mut ordered = true;
    for l in export.lines() {
        let entry: serde_json::Value = serde_json::from_str(l).unwrap();
        let Some(title) = entry["record"]["envelope"]["body"]["title"].as_str() else {
            continue;
        };
        if let Some(n) = title.strip_prefix(&format!("{tag} ")) {
            let n: usize = n.parse().unwrap();
            ordered &= last.is_none_or(|l| l < n);
            last = Some(n);
            *counts.entry(title.to_string()).or_insert(0) += 1;
        }
    }
    (counts, ordered)
}

fn assert_each_once(dir: &Path, tag: &str, lines: usize) {
    let (counts, ordered) = titles(dir, tag);
    assert_eq!(counts.len(), lines, "every line of {tag} is in the log");
    assert!(
        counts.values().all(|&n| n == 1),
        "no line of {tag} twice: {counts:?}"
    );
    assert!(
        ordered,
        "the lines of {tag} are in the log in the file's order"
    );
}

fn submit_batch(location: &[&str], key: &Path, file: &Path) -> std::process::Output {
    let mut args = vec!["submit"];
    args.extend(location);
    args.extend(["--key", p(key), "--batch", p(file)]);
    truce(&args)
}

fn stdout_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_batch_file_is_appended_in_order_into_a_directory_and_through_a_real_server() {
    let (_tmp, dir) = demo();
    let keys = dir.join("keys");
    let file = dir.with_file_name("pakistan.jsonl");
    let lines: Vec<String> = (1..=300).map(|i| line("Dir", i, "afghanistan")).collect();
    write_lines(&file, &lines);
    let out = submit_batch(
        &["--dir", p(&dir)],
        &keys.join("pakistan.liaison.key"),
        &file,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = stdout_lines(&out);
    assert_eq!(printed.len(), 300);
    let first = printed[0]["index"].as_u64().unwrap();
    for (i, p) in printed.iter().enumerate() {
        assert_eq!(p["line"], i + 1);
        assert_eq!(p["index"].as_u64(), Some(first + i as u64), "{p}");
    }
    // Run again: nothing more.
    let again = submit_batch(
        &["--dir", p(&dir)],
        &keys.join("pakistan.liaison.key"),
        &file,
    );
    assert!(again.status.success());
    assert!(stdout_lines(&again).iter().all(|p| p["already"] == true));
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 appended, 300 already in the log"));
    assert_each_once(&dir, "Dir", 300);

    // Through `truce serve`, as another author.
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["serve", "--dir", p(&dir), "--listen", "127.0.0.1:0"])
        .env("TRUCE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    let mut stdout = std::io::BufReader::new(server.stdout.take().unwrap());
    stdout.read_line(&mut first_line).unwrap();
    let base = first_line.trim().rsplit(' ').next().unwrap().to_string();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let file = dir.with_file_name("afghanistan.jsonl");
    let lines: Vec<String> = (1..=300).map(|i| line("Server", i, "pakistan")).collect();
    write_lines(&file, &lines);
    let key = keys.join("afghanistan.liaison.key");
    let out = submit_batch(&["--server", &base], &key, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_lines(&out).len(), 300);
    let again = submit_batch(&["--server", &base], &key, &file);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 appended, 300 already in the log"));
    let _ = server.kill();
    let _ = server.wait();
    assert_each_once(&dir, "Server", 300);
    ok(&["verify", "--dir", p(&dir)]);
}

#[test]
fn a_refused_line_is_reported_with_its_number_and_once_fixed_is_appended_alone() {
    let (_tmp, dir) = demo();
    let key = dir.join("keys").join("pakistan.liaison.key");
    let file = dir.with_file_name("lines.jsonl");
    let mut lines: Vec<String> = (1..=200).map(|i| line("Fixed", i, "afghanistan")).collect();
    // Line 50 accuses its own side (a rule of its kind), line 120 is not JSON.
    lines[49] = line("Fixed", 50, "pakistan");
    lines[119] = "{not json".into();
    write_lines(&file, &lines);
    let out = submit_batch(&["--dir", p(&dir)], &key, &file);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 50: rejected:")
            && stderr.contains("(rule report_accuses_its_author)"),
        "{stderr}"
    );
    assert!(stderr.contains("line 120: not JSON"), "{stderr}");
    assert!(
        stderr.contains("198 appended, 0 already in the log, 2 refused"),
        "{stderr}"
    );
    // The lines after the refused one still landed.
    let (counts, _) = titles(&dir, "Fixed");
    assert_eq!(counts.len(), 198);

    lines[49] = line("Fixed", 50, "afghanistan");
    lines[119] = line("Fixed", 120, "afghanistan");
    write_lines(&file, &lines);
    let out = submit_batch(&["--dir", p(&dir)], &key, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 appended, 198 already in the log"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (counts, _) = titles(&dir, "Fixed");
    assert_eq!(counts.len(), 200);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    ok(&["verify", "--dir", p(&dir)]);
}

#[test]
fn a_batch_killed_mid_way_appends_each_line_exactly_once_when_run_again() {
    let (_tmp, dir) = demo();
    let key = dir.join("keys").join("pakistan.liaison.key");
    let file = dir.with_file_name("killed.jsonl");
    let lines: Vec<String> = (1..=1500)
        .map(|i| line("Killed", i, "afghanistan"))
        .collect();
    write_lines(&file, &lines);
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args([
            "submit",
            "--dir",
            p(&dir),
            "--key",
            p(&key),
            "--batch",
            p(&file),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed (SIGKILL) once it has reported its first appended line.
    let mut first = String::new();
    std::io::BufReader::new(run.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = run.kill();
    let _ = run.wait();
    let (counts, _) = titles(&dir, "Killed");
    assert!(!counts.is_empty(), "the first run appended something");

    let out = submit_batch(&["--dir", p(&dir)], &key, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_each_once(&dir, "Killed", 1500);
    ok(&["verify", "--dir", p(&dir)]);
}

#[test]
fn an_already_signed_line_of_the_author_takes_its_own_number_and_the_templates_follow_on() {
    let (_tmp, dir) = demo();
    let key = dir.join("keys").join("pakistan.liaison.key");
    let signer =
        truce_tlog::note::NoteSigner::from_skey(std::fs::read_to_string(&key).unwrap().trim())
            .unwrap();
    // The author's next number, from the log itself.
    let export = ok(&["export", "--dir", p(&dir)]);
    let mut next = 1;
    let mut origin = String::new();
    for l in export.lines() {
        let entry: serde_json::Value = serde_json::from_str(l).unwrap();
        let envelope = &entry["record"]["envelope"];
        origin = envelope["log"].as_str().unwrap().to_string();
        if envelope["author"] == "pakistan.liaison" {
            next = next.max(envelope["seq"].as_u64().unwrap() + 1);
        }
    }
    // Signed for the place it will take: after the first template line.
    let mut body = incident_template("afghanistan")["body"].clone();
    body["title"] = serde_json::json!("Mixed 2");
    let signed = truce_core::record::RecordDraft {
        log: truce_core::values::Label::parse(&origin).unwrap(),
        author: truce_core::values::MemberId::parse("pakistan.liaison").unwrap(),
        seq: next + 1,
        time: truce_core::values::Timestamp::parse("2026-12-01T00:00:00Z").unwrap(),
        body: truce_core::Body::parse(truce_core::Kind::IncidentReport, &body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&[&signer])
    .unwrap();
    let file = dir.with_file_name("mixed.jsonl");
    // Times that never go back: an author's records are in time order.
    let at = |i: usize, time: &str| {
        let mut template: serde_json::Value =
            serde_json::from_str(&line("Mixed", i, "afghanistan")).unwrap();
        template["time"] = serde_json::json!(time);
        template.to_string()
    };
    let lines = vec![
        at(1, "2026-11-30T00:00:00Z"),
        String::from_utf8(signed.leaf().to_vec()).unwrap(),
        at(3, "2026-12-02T00:00:00Z"),
        at(4, "2026-12-02T00:00:00Z"),
    ];
    write_lines(&file, &lines);
    let out = submit_batch(&["--dir", p(&dir)], &key, &file);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout_lines(&out)[1]["leaf_hash"],
        serde_json::json!(signed.hash())
    );
    let again = submit_batch(&["--dir", p(&dir)], &key, &file);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("0 appended, 4 already in the log"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_each_once(&dir, "Mixed", 4);
    ok(&["verify", "--dir", p(&dir)]);
}
