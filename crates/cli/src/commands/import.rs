//! `truce import`: an ACLED- or UCDP GED-format CSV file in, as incident
//! reports signed by the importing member. The mapping is truce-import's;
//! here are only the file, the key, the log and the progress bar.
//!
//! Every report is checked against the log's own admission rules before
//! anything is appended (on a copy of the log's state), so a row the log
//! would refuse is reported like a row the parser refuses, and the records
//! that are appended carry consecutive sequence numbers that cannot be
//! refused later for a gap. Events the log already holds (by the dataset's
//! event id the reports keep) are skipped, so importing a file twice adds
//! nothing the second time.

use crate::batch::{Server, Target};
use anyhow::{Context, Result, anyhow};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use truce_core::admission::{LogState, Signatures};
use truce_core::kinds::incident::DatasetEvent;
use truce_core::values::MemberId;
use truce_core::{Body, Record};
use truce_import::{Format, Imported};
use truce_store::Store;

#[derive(Args)]
pub struct ImportArgs {
    /// The file's layout: ACLED's columns or UCDP GED's. A file `truce
    /// export` wrote in either is read back through its truce_* columns.
    #[arg(long, value_parser = ["acled", "ucdp"])]
    format: String,
    /// The CSV file (UTF-8, with or without a byte order mark).
    file: PathBuf,
    /// The mechanism's directory: import into its log directly.
    #[arg(long, required_unless_present = "server", conflicts_with = "server")]
    dir: Option<PathBuf>,
    /// With --dir: the log is in this PostgreSQL database, not the directory's SQLite file.
    #[arg(long, value_name = "URL", requires = "dir")]
    database: Option<String>,
    /// A mechanism's server: read its log through the API and append through
    /// `POST /api/v1/records:batch`.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// The importing member's private key file: every report is signed by it.
    #[arg(long)]
    key: PathBuf,
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
    /// Read and check every row against the log, and append nothing.
    #[arg(long)]
    dry_run: bool,
    /// Append nothing if any row is refused.
    #[arg(long)]
    all_or_nothing: bool,
}

/// Reports appended per round (one batch request with --server; a few
/// group commits with --dir); the progress bar moves a round at a time.
const ROUND: usize = 1_000;

/// Exit status 2: the command could not run (a file, the key, the log).
const TROUBLE: u8 = 2;

pub fn run(args: ImportArgs) -> Result<ExitCode> {
    match import(&args) {
        Ok(code) => Ok(code),
        Err(error) => {
            eprintln!("truce: {error:#}");
            Ok(ExitCode::from(TROUBLE))
        }
    }
}

/// One report, signed, and the line of the file it came from.
struct Signed {
    line: u64,
    record: Record,
}

/// What became of the file's rows.
#[derive(Default)]
struct Tally {
    imported: usize,
    skipped: usize,
    rejected: Vec<(u64, Option<String>, String)>,
}

fn import(args: &ImportArgs) -> Result<ExitCode> {
    let format = Format::parse(&args.format).ok_or_else(|| anyhow!("--format acled or ucdp"))?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let parsed = truce_import::parse(format, std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a {} file", args.file.display(), format.name()))?;
    let signer = crate::keyfile::read(&args.key, &args.passphrase.source())?;
    let mut tally = Tally::default();
    for r in &parsed.rejected {
        tally
            .rejected
            .push((r.line, r.column.clone(), r.reason.to_string()));
    }
    // The log's state and the events already imported: the ledger's own
    // with --dir; with --server, the log read through the API and replayed.
    let opened;
    let (target, state, present) = match (&args.dir, &args.server) {
        (Some(dir), _) => {
            let dir = crate::mechanism::MechanismDir::open(dir)?;
            let store = dir.open_store(args.database.as_deref())?;
            opened = dir.ledger_on(store.clone())?;
            let state = opened.with_state(Clone::clone);
            (
                Target::Ledger(&opened),
                state,
                imported_events(store.as_ref())?,
            )
        }
        (None, Some(url)) => {
            let target = Target::Server(Server::new(url)?);
            let (state, present) = replay(&target)?;
            (target, state, present)
        }
        (None, None) => return Err(anyhow!("--dir or --server says which log to import into")),
    };
    let signed = sign_all(state, &signer, parsed.reports, &present, &mut tally)?;
    // Nothing is appended on a dry run, nor when one refused row stops all.
    let held_back = args.dry_run || (args.all_or_nothing && !tally.rejected.is_empty());
    let append = !held_back;
    if append {
        append_all(&target, signed, &mut tally)?;
    } else {
        tally.imported = signed.len();
    }
    tally.rejected.sort_by_key(|(line, _, _)| *line);
    for (line, column, reason) in &tally.rejected {
        match column {
            Some(column) => eprintln!("line {line}, column {column}: {reason}"),
            None => eprintln!("line {line}: {reason}"),
        }
    }
    println!(
        "{}",
        serde_json::json!({
            "imported": if append { tally.imported } else { 0 },
            "would_import": if append { 0 } else { tally.imported },
            "skipped": tally.skipped,
            "rejected": tally.rejected.len(),
            "appended": append,
        })
    );
    Ok(if tally.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The dataset events the log's reports were imported from.
fn imported_events(store: &dyn Store) -> Result<HashSet<DatasetEvent>> {
    let size = store.size()?;
    let mut events = HashSet::new();
    let mut start = 0;
    while start < size {
        let end = (start + 5_000).min(size);
        for r in store.records(start, end)? {
            let event = truce_import::imported_event(&r.leaf)
                .with_context(|| format!("reading record {} of the log", r.index))?;
            events.extend(event);
        }
        start = end;
    }
    Ok(events)
}

/// Signs each new report and checks it on a copy of the log's state, in
/// order (truce-import's `check`, which the server's import preview runs
/// too): a report the log would refuse is a rejected row, and the next one
/// takes its sequence number.
fn sign_all(
    mut state: LogState,
    signer: &truce_tlog::note::NoteSigner,
    reports: Vec<Imported>,
    present: &HashSet<DatasetEvent>,
    tally: &mut Tally,
) -> Result<Vec<Signed>> {
    let author = MemberId::parse(signer.name()).map_err(|e| anyhow!("the key's name {e}"))?;
    let time = crate::clock::now()?;
    let checked = truce_import::check(
        &mut state,
        &author,
        time,
        reports,
        |e| present.contains(e),
        |draft| draft.sign(&[signer]),
    )?;
    tally.skipped += checked.present.len();
    for (line, column, rejection) in checked.refused {
        tally.rejected.push((
            line,
            column.map(str::to_owned),
            crate::batch::rejected(rejection).to_string(),
        ));
    }
    Ok(checked
        .admitted
        .into_iter()
        .map(|(line, record)| Signed { line, record })
        .collect())
}

/// Appends in rounds through the target (the ledger's group commits, or
/// the server's batch endpoint); a progress bar on a terminal. A record
/// refused now (another writer got in between) is listed by its line.
fn append_all(target: &Target<'_>, signed: Vec<Signed>, tally: &mut Tally) -> Result<()> {
    let bar = bar(signed.len() as u64);
    let mut signed = signed.into_iter().peekable();
    while signed.peek().is_some() {
        let round: Vec<Signed> = signed.by_ref().take(ROUND).collect();
        let lines: Vec<u64> = round.iter().map(|s| s.line).collect();
        let outcomes = target
            .submit(round.into_iter().map(|s| (s.record, None)).collect())
            .with_context(|| {
                format!(
                    "appending the rows from line {} on (those before are in the log)",
                    lines.first().copied().unwrap_or_default()
                )
            })?;
        for (line, outcome) in lines.into_iter().zip(outcomes) {
            match outcome {
                Ok(_) => tally.imported += 1,
                Err(why) => tally.rejected.push((line, None, why)),
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    Ok(())
}

/// The log read through a server and replayed into the admission state,
/// which the server's own admission checked already; and the dataset events
/// its reports were imported from.
fn replay(target: &Target<'_>) -> Result<(LogState, HashSet<DatasetEvent>)> {
    let mut state = LogState::new();
    let mut events = HashSet::new();
    let mut failed = None;
    target.records_from(0, &mut |index, record| {
        if failed.is_some() {
            return;
        }
        if let Body::IncidentReport(report) = record.body()
            && let Some(event) = &report.imported_from
        {
            events.insert(event.clone());
        }
        if let Err(rejection) = state.admit_with(&record, Signatures::TrustStore) {
            failed = Some(anyhow!(
                "the server's record {index} does not follow from the ones before it: {rejection}"
            ));
        }
    })?;
    match failed {
        Some(error) => Err(error),
        None => Ok((state, events)),
    }
}

fn bar(len: u64) -> ProgressBar {
    // Draws only when stderr is a terminal.
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(
        "importing {bar:40} {pos}/{len} reports ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}
