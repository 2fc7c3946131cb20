//! `truce report`: a periodic report of the log (truce-report builds and
//! renders it), and what `truce verify --report` needs to rebuild a
//! published one and compare digests.

use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use truce_core::derive::Logged;
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::report::ReportPublish;
use truce_core::{Body, Record};
use truce_report::{Checkpoint, Format, Lang, Period};
use truce_store::Store;

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    location: super::Location,
    /// The period's start (RFC 3339 UTC), included.
    #[arg(long)]
    from: String,
    /// The period's end (RFC 3339 UTC), excluded; at most 92 days after --from.
    #[arg(long)]
    to: String,
    /// en, ar, ur, ps, fa or tr.
    #[arg(long, default_value = "en")]
    lang: String,
    /// html, pdf or md.
    #[arg(long, default_value = "html")]
    format: String,
    /// Where to write the report ("-": standard output).
    #[arg(long)]
    out: PathBuf,
    /// Build from the log prefix of this many records (a checkpoint's size).
    /// Default: the latest checkpoint the witnesses' quorum cosigned, or
    /// the latest checkpoint when the policy asks for none.
    #[arg(long)]
    size: Option<u64>,
    /// Also write the body of a `report.publish` record for this report
    /// ({"kind","body"}), ready to sign with `truce submit` by a mediator.
    #[arg(long, value_name = "FILE")]
    publish_record: Option<PathBuf>,
    /// With --publish-record: the report is the public report of the
    /// consequence decided by this `penalty.decision` record (its index in
    /// the log, within the report's prefix); the decision's case links to it.
    #[arg(long, value_name = "INDEX", requires = "publish_record")]
    decision: Option<u64>,
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let (_, store) = args.location.open()?;
    let period = Period::parse(&args.from, &args.to)?;
    let lang = Lang::parse(&args.lang)?;
    let format = Format::parse(&args.format)?;
    let size = match args.size {
        Some(size) => size,
        None => default_size(store.as_ref())?,
    };
    let (records, checkpoint) = prefix(store.as_ref(), size)?;
    let report = truce_report::build(&records, &checkpoint, period, lang)?;
    let bytes = truce_report::render(&report, format)?;
    if args.out.as_os_str() == "-" {
        use std::io::Write;
        std::io::stdout().write_all(&bytes)?;
    } else {
        std::fs::write(&args.out, &bytes)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
    }
    let digest = BlobDigest::of(&bytes);
    eprintln!(
        "report of {} to {} ({}, {}) from the log's first {size} records: {} bytes, {digest}",
        args.from,
        args.to,
        lang.as_str(),
        format.as_str(),
        bytes.len()
    );
    if let Some(path) = &args.publish_record {
        let decision = match args.decision {
            None => None,
            Some(index) => Some(decision_ref(&records, index)?),
        };
        let body = ReportPublish {
            digest,
            from: period.from(),
            to: period.to(),
            lang: truce_report::record_lang(lang),
            format: Format::in_record(format),
            checkpoint_size: size,
            decision,
            note: None,
        };
        let record = serde_json::json!({"kind": "report.publish", "body": body});
        std::fs::write(path, serde_json::to_vec_pretty(&record)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The leaf hash of the `penalty.decision` at `index` in the report's prefix.
fn decision_ref(records: &[Logged], index: u64) -> Result<truce_core::Hash> {
    let Some(logged) = records.iter().find(|l| l.index == index) else {
        bail!(
            "record {index} is not in the log's first {} records the report is built from",
            records.len()
        );
    };
    if !matches!(logged.record.body(), Body::PenaltyDecision(_)) {
        bail!(
            "record {index} is a {}, not a penalty.decision: a public report is of a decided consequence",
            logged.record.kind()
        );
    }
    Ok(logged.record.hash())
}

/// The latest checkpoint a reader is served (witnessed, where the policy
/// asks for witnesses).
fn default_size(store: &dyn Store) -> Result<u64> {
    if let Some(size) = store.latest_witnessed_size()? {
        return Ok(size);
    }
    match store.latest_checkpoint()? {
        Some(c) => Ok(c.size),
        None => bail!("the log has no checkpoint yet"),
    }
}

/// The first `size` records of the store, with the checkpoint they make:
/// the root worked out from the records themselves, and the witnesses whose
/// cosignatures on the stored checkpoint of that size verify.
pub fn prefix(store: &dyn Store, size: u64) -> Result<(Vec<Logged>, Checkpoint)> {
    let total = store.size()?;
    if size == 0 || size > total {
        bail!("the log holds {total} records: choose a size from 1 to {total}");
    }
    let mut records = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut start = 0;
    while start < size {
        let end = (start + 5_000).min(size);
        for s in store.records(start, end)? {
            records.push(Logged {
                index: s.index,
                record: Record::from_json(&s.leaf)?,
            });
        }
        start = end;
    }
    let note = truce_store::cosigned_checkpoint(store, size)?.map(|c| c.note);
    let checkpoint = checkpoint_of(&records, note.as_deref())?;
    Ok((records, checkpoint))
}

/// The checkpoint of `records` (see `truce_report::Checkpoint::of`).
pub fn checkpoint_of(records: &[Logged], note: Option<&str>) -> Result<Checkpoint> {
    Ok(Checkpoint::of(records, note)?)
}

/// `truce verify --report FILE`: finds the `report.publish` record that
/// carries the file's digest in the (already verified) log, rebuilds the
/// report it describes from the log at its size, and compares.
/// `note_for(size)` gives the checkpoint note of that size, if the copy has it.
pub fn verify_published(
    file: &Path,
    records: &[Logged],
    note_for: &dyn Fn(u64) -> Option<String>,
) -> Result<ExitCode> {
    let bytes = crate::mechanism::read_input(file)?;
    let digest = BlobDigest::of(&bytes);
    let published = records.iter().rev().find_map(|l| match l.record.body() {
        Body::ReportPublish(b) if b.digest == digest => Some((l.index, b.clone())),
        _ => None,
    });
    let Some((index, b)) = published else {
        eprintln!(
            "verification FAILED: no report.publish record in the log carries {digest} (the digest of {})",
            file.display()
        );
        return Ok(ExitCode::from(1));
    };
    let size = usize::try_from(b.checkpoint_size)?;
    let Some(prefix) = records.get(..size) else {
        bail!("record {index} names a prefix of {size} records, longer than the log");
    };
    let note = note_for(b.checkpoint_size);
    let checkpoint = checkpoint_of(prefix, note.as_deref())?;
    let period = Period::new(b.from, b.to)?;
    let report = truce_report::build(
        prefix,
        &checkpoint,
        period,
        truce_report::lang_of_record(b.lang),
    )?;
    let rebuilt = truce_report::render(&report, Format::of_record(b.format))?;
    if BlobDigest::of(&rebuilt) != digest {
        eprintln!(
            "verification FAILED: record {index} publishes {digest}, but the report rebuilt from the log's first {size} records is {} ({} bytes, the file has {}){}",
            BlobDigest::of(&rebuilt),
            rebuilt.len(),
            bytes.len(),
            if note.is_none() {
                "; this copy has no checkpoint of that size, so its cosigners could not be named (give --checkpoint with that checkpoint)"
            } else {
                ""
            }
        );
        return Ok(ExitCode::from(1));
    }
    println!(
        "report verified: {} is the report record {index} publishes ({digest}): {} to {}, {}, {}, rebuilt byte for byte from the log's first {size} records (root {})",
        file.display(),
        b.from,
        b.to,
        truce_report::lang_of_record(b.lang).as_str(),
        Format::of_record(b.format).as_str(),
        checkpoint.root
    );
    Ok(ExitCode::SUCCESS)
}
