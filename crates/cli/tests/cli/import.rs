//! `truce import`, run for real on made-up files in ACLED's and UCDP GED's
//! real column layouts (truce_import::sample: a BOM, quoted cells with
//! commas and line breaks, Arabic-script names, empty admin levels, rows
//! broken on purpose): counts, refused rows by line and column, a second
//! import adding nothing, `truce verify` after; and the round trip export →
//! import into a fresh mechanism → export.

use crate::support::{Example, example_mechanism, incident_template, ok, p, submit, truce};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

fn import(ex: &Example, format: &str, file: &Path, extra: &[&str]) -> Output {
    let key = ex.keys.join("a-liaison.key");
    let mut args = vec![
        "import",
        "--format",
        format,
        p(file),
        "--dir",
        p(&ex.dir),
        "--key",
        p(&key),
    ];
    args.extend(extra);
    truce(&args)
}

fn summary(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no summary: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `(line, column)` of each refused row, as the command lists them.
fn refused(out: &Output) -> Vec<(u64, String)> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("line ")?;
            let (line, rest) = rest.split_once(", column ")?;
            let (column, _) = rest.split_once(": ")?;
            Some((line.parse().ok()?, column.to_owned()))
        })
        .collect()
}

fn log_size(ex: &Example) -> usize {
    ok(&["export", "--dir", p(&ex.dir)]).lines().count()
}

fn verified(ex: &Example) {
    let out = truce(&["verify", "--dir", p(&ex.dir)]);
    assert!(
        out.status.success(),
        "verify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_thousand_rows_of_each_format_import_once_with_their_refused_rows_listed() {
    let ex = example_mechanism();
    for (format, sample) in [
        ("acled", truce_import::sample::acled(1000, 21, true)),
        ("ucdp", truce_import::sample::ucdp(1000, 22, true)),
    ] {
        let file = ex.dir.with_extension(format!("{format}.csv"));
        std::fs::write(&file, &sample.text).unwrap();
        assert!(sample.text.starts_with('\u{feff}'));
        assert!(sample.text.contains("طورخم"));

        let before = log_size(&ex);
        let out = import(&ex, format, &file, &[]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let s = summary(&out);
        assert_eq!(s["imported"], sample.events, "{format}");
        assert_eq!(s["rejected"], sample.broken.len());
        let expected: Vec<(u64, String)> = sample
            .broken
            .iter()
            .map(|(line, column)| (*line, (*column).to_owned()))
            .collect();
        assert_eq!(refused(&out), expected, "{format}");
        assert_eq!(log_size(&ex), before + sample.events);

        // The same file again adds nothing.
        let again = import(&ex, format, &file, &[]);
        assert_eq!(summary(&again)["imported"], 0);
        assert_eq!(summary(&again)["skipped"], sample.events);
        assert_eq!(log_size(&ex), before + sample.events);
    }
    verified(&ex);
    // The reports carry their dataset's event ids, and the importing member signed them.
    let log = ok(&["export", "--dir", p(&ex.dir)]);
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["record"]["envelope"]["author"], "a-liaison");
    assert_eq!(
        last["record"]["envelope"]["body"]["imported_from"]["dataset"],
        "ucdp_ged"
    );
}

#[test]
fn a_dry_run_and_an_all_or_nothing_import_with_a_refused_row_append_nothing() {
    let ex = example_mechanism();
    let sample = truce_import::sample::ucdp(100, 4, true);
    assert_eq!(sample.broken.len(), 1);
    let file = ex.dir.with_extension("ucdp.csv");
    std::fs::write(&file, &sample.text).unwrap();
    let before = log_size(&ex);
    let dry = import(&ex, "ucdp", &file, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "a row is refused");
    assert_eq!(summary(&dry)["would_import"], 99);
    assert_eq!(summary(&dry)["appended"], false);
    let none = import(&ex, "ucdp", &file, &["--all-or-nothing"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(summary(&none)["imported"], 0);
    assert_eq!(refused(&none), refused(&dry));
    assert_eq!(log_size(&ex), before);
}

#[test]
fn a_clean_file_imports_whole_and_exits_zero() {
    let ex = example_mechanism();
    let sample = truce_import::sample::acled(50, 5, false);
    let file = ex.dir.with_extension("clean.csv");
    std::fs::write(&file, &sample.text).unwrap();
    let out = import(&ex, "acled", &file, &["--all-or-nothing"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(summary(&out)["imported"], 50);
    let again = import(&ex, "acled", &file, &[]);
    assert!(again.status.success(), "all skipped is success");
    assert_eq!(summary(&again)["skipped"], 50);
}

#[test]
fn what_cannot_run_exits_two() {
    let ex = example_mechanism();
    let missing = ex.dir.with_extension("missing.csv");
    assert_eq!(import(&ex, "acled", &missing, &[]).status.code(), Some(2));
    let wrong = ex.dir.with_extension("wrong.csv");
    std::fs::write(&wrong, truce_import::sample::acled(3, 1, false).text).unwrap();
    let out = import(&ex, "ucdp", &wrong, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no \"id\" column"));
    assert_eq!(import(&ex, "xlsx", &wrong, &[]).status.code(), Some(2));
}

/// Rows without the columns that name the log (ids, indexes, hashes,
/// signing times, the notes' closing bracket about the log), sorted: what
/// must survive a round trip.
fn comparable(text: &str) -> Vec<BTreeMap<String, String>> {
    const LOG: [&str; 8] = [
        "event_id_cnty",
        "id",
        "relid",
        "truce_index",
        "truce_leaf_hash",
        "timestamp",
        "source_date",
        "truce_reported_at",
    ];
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    let mut rows: Vec<BTreeMap<String, String>> = csv
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .filter(|(h, _)| !LOG.contains(&h.as_str()))
                .map(|(h, v)| {
                    let v = match (h.as_str(), v.rsplit_once(" [Reported by ")) {
                        ("notes", Some((narrative, _))) => narrative.to_owned(),
                        _ => v,
                    };
                    (h, v)
                })
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn export_then_import_into_a_fresh_mechanism_then_export_gives_the_same_rows() {
    let a = example_mechanism();
    let file = a.dir.with_extension("acled.csv");
    std::fs::write(&file, truce_import::sample::acled(120, 9, false).text).unwrap();
    assert!(import(&a, "acled", &file, &[]).status.success());
    let file = a.dir.with_extension("ucdp.csv");
    std::fs::write(&file, truce_import::sample::ucdp(80, 10, false).text).unwrap();
    assert!(import(&a, "ucdp", &file, &[]).status.success());
    // Reports filed directly: two places, an accused party, an actor, named
    // sources, military and civilian dead.
    let filed = serde_json::json!({
        "kind": "incident.report",
        "body": {
            "title": "Shelling of two villages, \"confirmed\" by residents",
            "incident_type": "shelling",
            "time": {"at": "2026-01-05T04:00:00Z", "precision": "hour"},
            "places": [
                {"point": {"lat_e6": 34112500, "lon_e6": 71093100}, "precision": "exact",
                 "country": "Afghanistan", "admin1": "ننگرهار", "location": "طورخم"},
                {"point": {"lat_e6": 34098600, "lon_e6": 71145300}, "precision": "district",
                 "country": "Pakistan", "admin1": "Khyber Pakhtunkhwa"}
            ],
            "accused": "party-b",
            "actor": "Border forces, as the residents name them",
            "casualties": {"killed": {"military": {"low": 1, "best": 2, "high": 3},
                                      "civilian": {"low": 4, "best": 4, "high": 4}}},
            "narrative": "Rounds fell on both villages, one after the other;\nthe second hit a school, residents say.",
            "sources": ["Village elders", "District police, by telephone"]
        }
    });
    for _ in 0..3 {
        let out = submit(&a, "a-liaison", &filed);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for format in ["acled", "ucdp"] {
        let first = ok(&["export", "--dir", p(&a.dir), "--format", format]);
        let b = example_mechanism();
        let file = b.dir.with_extension(format!("export.{format}.csv"));
        std::fs::write(&file, &first).unwrap();
        let out = import(&b, format, &file, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(summary(&out)["imported"], 120 + 80 + 3, "{format}");
        verified(&b);
        let second = ok(&["export", "--dir", p(&b.dir), "--format", format]);
        let (first, second) = (comparable(&first), comparable(&second));
        assert_eq!(first.len(), second.len());
        for (x, y) in first.iter().zip(&second) {
            assert_eq!(x, y, "{format}");
        }
        // The other format's export of the same log names the same reports.
        let other = if format == "acled" { "ucdp" } else { "acled" };
        let file = b.dir.with_extension(format!("export.{other}.csv"));
        std::fs::write(
            &file,
            ok(&["export", "--dir", p(&a.dir), "--format", other]),
        )
        .unwrap();
        let out = import(&b, other, &file, &[]);
        assert!(out.status.success());
        assert_eq!(summary(&out)["skipped"], 120 + 80 + 3);
    }
}

#[test]
fn a_row_the_log_refuses_is_listed_by_its_line_and_column() {
    let a = example_mechanism();
    let file = a.dir.with_extension("acled.csv");
    std::fs::write(&file, truce_import::sample::acled(5, 3, false).text).unwrap();
    assert!(import(&a, "acled", &file, &[]).status.success());
    let exported = ok(&["export", "--dir", p(&a.dir), "--format", "acled"]);
    // The third row accuses a party the charter does not name.
    let mut csv = csv::Reader::from_reader(exported.as_bytes());
    let header = csv.headers().unwrap().clone();
    let at = header.iter().position(|h| h == "truce_accused").unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for (n, r) in csv.records().enumerate() {
        let mut cells: Vec<String> = r.unwrap().iter().map(str::to_owned).collect();
        if n == 2 {
            cells[at] = "party-z".to_owned();
        }
        w.write_record(&cells).unwrap();
    }
    let b = example_mechanism();
    let file = b.dir.with_extension("edited.csv");
    std::fs::write(&file, w.into_inner().unwrap()).unwrap();
    let out = import(&b, "acled", &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary(&out)["imported"], 4);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("line 4, column truce_accused: rejected: "),
        "{stderr}"
    );
    assert!(stderr.contains("party-z"), "{stderr}");
    verified(&b);
}

/// A `truce serve` process, killed when dropped.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn an_import_through_a_real_server_goes_through_its_batch_endpoint_once() {
    use std::io::BufRead;
    let ex = example_mechanism();
    let before = log_size(&ex);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["serve", "--dir", p(&ex.dir), "--listen", "127.0.0.1:0"])
        .env("TRUCE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let server = Served(child);
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).unwrap();
    let base = first_line.trim().rsplit(' ').next().unwrap().to_string();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));

    let sample = truce_import::sample::ucdp(300, 31, true);
    let file = ex.dir.with_extension("ucdp.csv");
    std::fs::write(&file, &sample.text).unwrap();
    let key = ex.keys.join("a-liaison.key");
    let args = [
        "import",
        "--format",
        "ucdp",
        p(&file),
        "--server",
        &base,
        "--key",
        p(&key),
    ];
    let out = truce(&args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(summary(&out)["imported"], sample.events);
    let expected: Vec<(u64, String)> = sample
        .broken
        .iter()
        .map(|(line, column)| (*line, (*column).to_owned()))
        .collect();
    assert_eq!(refused(&out), expected);
    let again = truce(&args);
    assert_eq!(summary(&again)["imported"], 0);
    assert_eq!(summary(&again)["skipped"], sample.events);
    drop(server);
    assert_eq!(log_size(&ex), before + sample.events);
    verified(&ex);
}

#[test]
fn an_import_into_a_postgres_log_gives_the_same_export_as_into_sqlite() {
    let db = truce_store_postgres::testing::test_database();
    let sqlite = example_mechanism();
    let pg = crate::support::example_charter();
    let charter = pg.keys.with_file_name("charter.json");
    ok(&[
        "init",
        "--dir",
        p(&pg.dir),
        "--database",
        db.url(),
        "--charter",
        p(&charter),
        "--log-key",
        p(&pg.keys.join("log.key")),
        "--key",
        p(&pg.keys.join("a-head.key")),
        "--key",
        p(&pg.keys.join("b-head.key")),
        "--key",
        p(&pg.keys.join("c-mediator.key")),
    ]);
    let sample = truce_import::sample::acled(200, 41, true);
    let file = sqlite.dir.with_extension("acled.csv");
    std::fs::write(&file, &sample.text).unwrap();
    let a = import(&sqlite, "acled", &file, &[]);
    let b = import(&pg, "acled", &file, &["--database", db.url()]);
    assert_eq!(summary(&a), summary(&b));
    assert_eq!(refused(&a), refused(&b));
    let again = import(&pg, "acled", &file, &["--database", db.url()]);
    assert_eq!(summary(&again)["skipped"], sample.events);
    let export = |ex: &Example, database: &[&str]| {
        let mut args = vec!["export", "--dir", p(&ex.dir), "--format", "acled"];
        args.extend(database);
        comparable(&ok(&args))
    };
    assert_eq!(export(&sqlite, &[]), export(&pg, &["--database", db.url()]));
    let out = truce(&["verify", "--dir", p(&pg.dir), "--database", db.url()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A row the log's rules refuse is listed with the column at fault: a file
/// `truce export` wrote names each row's accused party (`truce_accused`), and
/// a member cannot import a report that accuses its own side.
#[test]
fn a_row_the_logs_rules_refuse_is_listed_with_its_column() {
    let a = example_mechanism();
    for (author, accused) in [
        ("a-liaison", "party-b"),
        ("a-liaison", "party-b"),
        ("b-liaison", "party-a"),
    ] {
        let out = submit(&a, author, &incident_template(accused));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let file = a.dir.with_extension("acled.csv");
    std::fs::write(
        &file,
        ok(&["export", "--dir", p(&a.dir), "--format", "acled"]),
    )
    .unwrap();
    let b = example_mechanism();
    let key = b.keys.join("b-liaison.key");
    let out = truce(&[
        "import",
        "--format",
        "acled",
        p(&file),
        "--dir",
        p(&b.dir),
        "--key",
        p(&key),
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(1), "some rows refused");
    let listed = refused(&out);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|(_, column)| column == "truce_accused"),
        "{listed:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("report_accuses_its_author"), "{stderr}");
    assert_eq!(summary(&out)["would_import"], 1);
}
