use crate::keyfile;
use crate::mechanism::MechanismDir;
use anyhow::{Context, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use truce_ledger::{AuditFailure, AuditReport, Place};
use truce_tlog::note::NoteVerifier;

#[derive(Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["dir", "export", "bundle", "proof"]))]
pub struct VerifyArgs {
    /// Verify a mechanism's store in place.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// With --dir: the log is in this PostgreSQL database, not the directory's SQLite file.
    #[arg(long, requires = "dir")]
    database: Option<String>,
    /// Verify a `truce export` file (JSON Lines).
    #[arg(long)]
    export: Option<PathBuf>,
    /// Verify one record's proof bundle (from GET /api/v1/records/{index}/bundle).
    #[arg(long)]
    bundle: Option<PathBuf>,
    /// Verify one record's c2sp.org/tlog-proof@v1 file (from `truce prove
    /// --index N --format tlog-proof` or GET /api/v1/records/{index}/proof)
    /// against --policy, whose `log` lines (or --log-key) give the log key.
    #[arg(long, requires = "policy")]
    proof: Option<PathBuf>,
    /// With --export: a checkpoint note (from `truce checkpoint`) the export must match.
    #[arg(long, requires = "export")]
    checkpoint: Option<PathBuf>,
    /// The log key you expect (verifier-key form, from a source you trust). The
    /// charter must name it; without it, a log is only checked against itself.
    /// With --dir, the directory's own log.key is used when this is not given.
    #[arg(long)]
    log_key: Option<String>,
    /// A witness policy file (c2sp.org/tlog-policy) to check cosignatures
    /// with, instead of the charter's `witness_policy`.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// With --dir or --export: after verifying the log, rebuild the report
    /// this file's `report.publish` record describes and compare digests.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// With --dir or --export: threads that parse records and check
    /// signatures beside the admission, which is sequential (default: one
    /// per core; 0 does everything on one thread).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// An export line longer than this is refused rather than read into memory:
/// a record is at most 64 KiB, twice that in base64 and JSON beside it.
const MAX_LINE_BYTES: u64 = 512 * 1024;

/// Draws only when stderr is a terminal. A store counts records; an export
/// counts the bytes read (its length in records is not known until the end)
/// and shows the records in its message.
fn bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

const RECORDS: &str = "verifying {bar:40} {pos}/{len} records ({per_sec}, {eta} left)";
const BYTES: &str = "verifying {bar:40} {msg} records, {bytes}/{total_bytes} ({eta} left)";

pub fn run(args: VerifyArgs) -> Result<ExitCode> {
    let mut pin = match &args.log_key {
        Some(vkey) => {
            Some(NoteVerifier::from_vkey(vkey.trim()).context("--log-key is not a verifier key")?)
        }
        None => None,
    };
    let policy = match &args.policy {
        Some(path) => {
            let text = String::from_utf8(crate::mechanism::read_input(path)?)
                .with_context(|| format!("{} is not text", path.display()))?;
            Some(
                truce_tlog::WitnessPolicy::parse(&text)
                    .with_context(|| format!("{} is not a witness policy", path.display()))?,
            )
        }
        None => None,
    };
    if let Some(path) = &args.bundle {
        return verify_bundle(path, pin.as_ref(), policy.as_ref());
    }
    if let (Some(path), Some(policy)) = (&args.proof, &policy) {
        return verify_tlog_proof(path, pin.as_ref(), policy);
    }
    let workers = args.threads.unwrap_or_else(truce_ledger::default_workers);
    let result = if let Some(dir) = &args.dir {
        let dir = MechanismDir::open(dir)?;
        if pin.is_none() && dir.log_key_path().is_file() {
            pin = Some(keyfile::read(&dir.log_key_path(), &Default::default())?.verifier());
        }
        let store: Box<dyn truce_store::Store> = match &args.database {
            Some(url) => Box::new(
                truce_store_postgres::PostgresStore::open_read_only(url)
                    .context("cannot open the PostgreSQL store")?,
            ),
            None => Box::new(dir.read_only_store()?),
        };
        // A mirror holds the public log only: confidential openings are
        // never given out, so their absence is reported, not a failure.
        let openings = if truce_mirror::follow::is_mirror_dir(dir.root()) {
            truce_ledger::Openings::WhereHeld
        } else {
            truce_ledger::Openings::Required
        };
        let progress = bar(store.size()?, RECORDS);
        let r = truce_ledger::verify_copy(
            store.as_ref(),
            pin,
            policy.as_ref(),
            openings,
            workers,
            &mut |done, _| progress.set_position(done),
        );
        progress.finish_and_clear();
        r
    } else if let Some(path) = &args.export {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let note = match &args.checkpoint {
            Some(p) => Some(
                String::from_utf8(crate::mechanism::read_input(p)?)
                    .with_context(|| format!("{} is not text", p.display()))?,
            ),
            None => None,
        };
        let length = file.metadata().map(|m| m.len()).unwrap_or_default();
        let progress = bar(length, BYTES);
        let read = std::cell::Cell::new(0u64);
        let mut reader = std::io::BufReader::new(file);
        let mut n = 0;
        let mut failed = false;
        // Lines are read here, in order; they are decoded (JSON, base64) on
        // the auditor's worker threads.
        let lines = std::iter::from_fn(|| {
            if failed {
                return None;
            }
            let line = read_line(&mut reader, n).transpose()?;
            n += 1;
            match &line {
                Ok(l) => read.set(read.get() + l.len() as u64),
                Err(_) => failed = true,
            }
            Some(line)
        });
        let r = truce_ledger::verify_lines(
            lines,
            &|n, line| parse_line(n as usize, line),
            workers,
            (note.as_deref(), pin, policy.as_ref()),
            &mut |done| {
                progress.set_message(done.to_string());
                progress.set_position(read.get());
            },
        );
        progress.finish_and_clear();
        r
    } else {
        anyhow::bail!("give --dir or --export");
    };
    match result {
        Ok(report) => {
            print_report(&report, args.export.is_some() && args.checkpoint.is_none());
            match &args.report {
                Some(file) => published_report(&args, file),
                None => Ok(ExitCode::SUCCESS),
            }
        }
        Err(failure) => {
            eprintln!(
                "verification FAILED at {}: {}",
                failure.place, failure.reason
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// The log just verified, read again as records, and the published report
/// checked against it (`super::report::verify_published`).
fn published_report(args: &VerifyArgs, file: &std::path::Path) -> Result<ExitCode> {
    if let Some(dir) = &args.dir {
        let dir = MechanismDir::open(dir)?;
        let store: Box<dyn truce_store::Store> = match &args.database {
            Some(url) => Box::new(truce_store_postgres::PostgresStore::open_read_only(url)?),
            None => Box::new(dir.read_only_store()?),
        };
        let records = super::status::load(store.as_ref())?;
        let note_for = |size: u64| {
            truce_store::cosigned_checkpoint(store.as_ref(), size)
                .ok()
                .flatten()
                .map(|c| c.note)
        };
        return super::report::verify_published(file, &records, &note_for);
    }
    let Some(path) = &args.export else {
        anyhow::bail!("--report needs --dir or --export");
    };
    let file_in = std::fs::File::open(path)?;
    let mut reader = std::io::BufReader::new(file_in);
    let mut records = Vec::new();
    let mut n = 0;
    while let Some(line) = read_line(&mut reader, n).map_err(|f| anyhow::anyhow!(f.reason))? {
        let (index, leaf) = parse_line(n, line).map_err(|f| anyhow::anyhow!(f.reason))?;
        records.push(truce_core::derive::Logged {
            index,
            record: truce_core::Record::from_json(&leaf)?,
        });
        n += 1;
    }
    // An export carries no cosignatures: the checkpoint given with it does.
    let note = match &args.checkpoint {
        Some(p) => Some(String::from_utf8(crate::mechanism::read_input(p)?)?),
        None => None,
    };
    let note_for = |_size: u64| note.clone();
    super::report::verify_published(file, &records, &note_for)
}

/// Reads one line of at most MAX_LINE_BYTES; `Ok(None)` at the end.
fn read_line<R: BufRead>(reader: &mut R, n: usize) -> Result<Option<String>, AuditFailure> {
    let bad = |reason: String| AuditFailure {
        place: Place::Record(n as u64),
        reason,
    };
    let mut buf = Vec::new();
    let read = std::io::Read::take(reader, MAX_LINE_BYTES + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|e| bad(format!("cannot read line {}: {e}", n + 1)))?;
    if read == 0 {
        return Ok(None);
    }
    if buf.len() as u64 > MAX_LINE_BYTES {
        return Err(bad(format!(
            "line {} is longer than {MAX_LINE_BYTES} bytes",
            n + 1
        )));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| bad(format!("line {} is not UTF-8", n + 1)))
}

/// One line of `truce export`: the index, the leaf in base64, and the record
/// as JSON for reading. Read into these fields directly: the readable copy is
/// kept as its raw text, so that the usual case (it is the leaf's own text)
/// costs a byte comparison rather than two JSON trees.
#[derive(serde::Deserialize)]
struct ExportLine<'a> {
    index: Option<u64>,
    #[serde(borrow)]
    leaf: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    record: Option<&'a serde_json::value::RawValue>,
}

fn parse_line(n: usize, line: String) -> Result<(u64, Vec<u8>), AuditFailure> {
    let place = Place::Record(n as u64);
    let bad = |reason: String| AuditFailure {
        place: place.clone(),
        reason,
    };
    let parsed: ExportLine<'_> =
        serde_json::from_str(&line).map_err(|e| bad(format!("line {} is not JSON: {e}", n + 1)))?;
    let index = parsed
        .index
        .ok_or_else(|| bad(format!("line {} has no index", n + 1)))?;
    let leaf = parsed
        .leaf
        .and_then(|s| STANDARD.decode(s.as_bytes()).ok())
        .ok_or_else(|| bad(format!("line {} has no base64 leaf", n + 1)))?;
    // The readable copy must say what the leaf says, or a reader could be
    // misled: the same text, or failing that the same JSON value.
    if let Some(shown) = parsed.record
        && shown.get().as_bytes() != leaf.as_slice()
    {
        let shown: serde_json::Value = serde_json::from_str(shown.get())
            .map_err(|e| bad(format!("line {} is not JSON: {e}", n + 1)))?;
        let actual: serde_json::Value =
            serde_json::from_slice(&leaf).map_err(|e| bad(format!("the leaf is not JSON: {e}")))?;
        if shown != actual {
            return Err(AuditFailure {
                place: Place::Record(index),
                reason: "the \"record\" field differs from the leaf bytes".into(),
            });
        }
    }
    Ok((index, leaf))
}

fn print_report(report: &AuditReport, no_checkpoint: bool) {
    println!(
        "verified {} records: every signature and admission rule holds",
        report.records
    );
    if let (Some(charter), Some(key)) = (&report.charter, &report.log_key) {
        println!("charter: {charter}");
        println!("log key: {key}");
    }
    println!("tree root (size {}): {}", report.records, report.root);
    match report.checkpoint_size {
        Some(size) => println!(
            "{} checkpoint(s) signed by the charter's log key match the tree; latest at size {size}",
            report.checkpoints_checked
        ),
        None if no_checkpoint => {
            println!(
                "no checkpoint given: pass --checkpoint FILE (from `truce checkpoint`) to check the log's signature"
            )
        }
        None => println!("the log is empty"),
    }
    if let Some(w) = &report.witnessing {
        print_witnessing(w);
    }
    if report.confidential_parts_checked > 0 {
        println!(
            "{} confidential part(s) match their sealed digests",
            report.confidential_parts_checked
        );
    }
    if report.appended_meanwhile > 0 {
        println!(
            "{} record(s) appended while the log was verified are beyond the tree checked: verify again to check them",
            report.appended_meanwhile
        );
    }
    if report.confidential_parts_not_held > 0 {
        println!(
            "{} confidential part(s) not held by this copy (a mirror keeps the public log; each sealed digest is checked with its record)",
            report.confidential_parts_not_held
        );
    }
}

/// Who cosigned, and what that means under the policy.
fn print_witnessing(w: &truce_ledger::witnessed::Witnessing) {
    let who = if w.cosigners.is_empty() {
        "no witness of the policy".to_string()
    } else {
        w.cosigners.join(", ")
    };
    match (&w.quorum, w.quorum_met) {
        (None, _) => println!(
            "witnesses: the policy asks for none (quorum none); size {} cosigned by {who}",
            w.size
        ),
        (Some(q), true) => println!(
            "witnessed: the checkpoint of size {} is cosigned by {who}, which meets the quorum {q}",
            w.size
        ),
        (Some(q), false) => println!(
            "NOT witnessed: no checkpoint meets the quorum {q}; the latest (size {}) is cosigned by {who}",
            w.size
        ),
    }
}

/// A tlog-proof of one Truce record: the record (its extra data) is parsed
/// and its signature form checked, then the proof verified for its leaf hash.
fn verify_tlog_proof(
    path: &std::path::Path,
    pin: Option<&NoteVerifier>,
    policy: &truce_tlog::WitnessPolicy,
) -> Result<ExitCode> {
    let text = String::from_utf8(crate::mechanism::read_input(path)?)
        .with_context(|| format!("{} is not text", path.display()))?;
    let proof = truce_tlog::proof_file::TlogProof::parse(&text)
        .with_context(|| format!("{} is not a tlog-proof", path.display()))?;
    let mut logs: Vec<NoteVerifier> = policy.logs().iter().map(|l| l.key.clone()).collect();
    logs.extend(pin.cloned());
    if logs.is_empty() {
        anyhow::bail!("name the log's key with a `log` line in the policy or with --log-key");
    }
    let leaf = proof.extra.as_deref().context(
        "the proof carries no record (no extra line): Truce's proofs carry the record's leaf bytes",
    )?;
    let record = truce_core::record::Record::from_json(leaf)
        .map_err(|e| anyhow::anyhow!("the proof's record: {e}"))?;
    if record.leaf() != leaf {
        anyhow::bail!("the proof's record is not in canonical form");
    }
    match proof.verify(&record.hash(), &logs, policy) {
        Ok(verified) => {
            let who: Vec<&str> = verified
                .cosigners
                .iter()
                .map(|c| c.witness.as_str())
                .collect();
            println!(
                "verified record {} ({}, by {}): included in the tree of {} records",
                proof.index,
                record.kind(),
                record.author(),
                verified.checkpoint.size
            );
            println!("leaf hash: {}", record.hash());
            println!("tree root: {}", verified.checkpoint.root);
            println!(
                "witnessed: cosigned by {}, which meets the policy's quorum",
                if who.is_empty() {
                    "no witness (the policy asks for none)".to_string()
                } else {
                    who.join(", ")
                }
            );
            println!(
                "(the record's own signature is checked against its author's key by --bundle; a tlog-proof proves it is in the witnessed log)"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("verification FAILED: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

fn verify_bundle(
    path: &std::path::Path,
    pin: Option<&NoteVerifier>,
    policy: Option<&truce_tlog::WitnessPolicy>,
) -> Result<ExitCode> {
    let bytes = crate::mechanism::read_input(path)?;
    let bundle: truce_ledger::bundle::Bundle = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a proof bundle", path.display()))?;
    match truce_ledger::bundle::verify_bundle(&bundle, pin, policy) {
        Ok(report) => {
            println!(
                "verified record {} ({}, by {}): signed by its author and included in the tree of {} records",
                report.index, report.kind, report.author, report.tree_size
            );
            println!("leaf hash: {}", report.leaf_hash);
            println!("tree root: {}", report.root);
            println!("log key:   {}", report.log_key);
            print_witnessing(&report.witnessing);
            if pin.is_none() {
                println!(
                    "(the log key came from the charter in the bundle; pass --log-key to pin the one you trust)"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("verification FAILED: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(index: &str, leaf: &[u8], record: &str) -> String {
        format!(
            "{{\"index\":{index},\"leaf\":\"{}\",\"record\":{record}}}",
            STANDARD.encode(leaf)
        )
    }

    #[test]
    fn an_export_line_gives_its_index_and_leaf_and_its_readable_copy_must_agree() {
        let leaf = br#"{"envelope":{"kind":"x","seq":1},"signatures":[]}"#;
        let text = std::str::from_utf8(leaf).unwrap();
        // The leaf's own text, or the same value written otherwise.
        assert_eq!(
            parse_line(0, line("7", leaf, text)).unwrap(),
            (7, leaf.to_vec())
        );
        let spaced = r#"{ "signatures": [], "envelope": { "seq": 1, "kind": "x" } }"#;
        assert_eq!(
            parse_line(0, line("7", leaf, spaced)).unwrap(),
            (7, leaf.to_vec())
        );
        let no_copy = format!("{{\"index\":7,\"leaf\":\"{}\"}}", STANDARD.encode(leaf));
        assert_eq!(parse_line(0, no_copy).unwrap(), (7, leaf.to_vec()));

        let refused = |l: String| parse_line(4, l).unwrap_err().reason;
        let other = r#"{"envelope":{"kind":"x","seq":2},"signatures":[]}"#;
        assert_eq!(
            refused(line("7", leaf, other)),
            "the \"record\" field differs from the leaf bytes"
        );
        assert_eq!(
            refused(line("\"seven\"", leaf, text)).split(':').next(),
            Some("line 5 is not JSON")
        );
        assert_eq!(
            refused(format!("{{\"leaf\":\"{}\"}}", STANDARD.encode(leaf))),
            "line 5 has no index"
        );
        assert_eq!(
            refused("{\"index\":7,\"leaf\":\"not base64!\"}".into()),
            "line 5 has no base64 leaf"
        );
        assert!(refused("not json".into()).starts_with("line 5 is not JSON"));
    }
}
