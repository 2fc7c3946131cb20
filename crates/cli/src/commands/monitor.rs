//! `truce monitor`: watch a log and its witnesses from outside, printing
//! one JSON line per event; any split view, rollback, bad signature or bad
//! entry is an alert (and, with --once, a non-zero exit).

use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use truce_ledger::Auditor;
use truce_mirror::Origin;
use truce_tlog::WitnessPolicy;
use truce_tlog::note::NoteVerifier;
use truce_tlog::{Checkpoint, Frontier, leaf_hash};
use truce_witness::monitor::{AlertKind, Event, Monitor, Seen, alert};

#[derive(Args)]
pub struct MonitorArgs {
    /// The log's base URL (its server: /checkpoint and the proof API).
    #[arg(long = "log", value_name = "URL")]
    log: String,
    /// A witness's monitoring URL (where `GET /checkpoints/{origin}` is
    /// served); repeatable.
    #[arg(long = "witness", value_name = "URL")]
    witnesses: Vec<String>,
    /// The witness policy (c2sp.org/tlog-policy; `truce policy` prints the
    /// charter's). Its `log` line gives the log key unless --log-key does.
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// The log's key (verifier-key form), from a source you trust.
    #[arg(long, value_name = "VKEY")]
    log_key: Option<String>,
    /// One round, then exit: non-zero if anything was alarming.
    #[arg(long)]
    once: bool,
    /// Seconds between rounds.
    #[arg(long, default_value_t = 10)]
    interval: u64,
    /// Remember the last checkpoint seen in this file, across runs (so that
    /// a --once run from cron compares with the run before).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Do not read the entries: check checkpoints, proofs and witnesses
    /// only. By default every entry is read (from the log's tiles) and
    /// checked as `truce verify` checks a log — each process reads the
    /// whole log once, then only what is new.
    #[arg(long)]
    no_entries: bool,
}

pub fn run(args: MonitorArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.policy)
        .with_context(|| format!("cannot read {}", args.policy.display()))?;
    let policy = WitnessPolicy::parse(&text)
        .with_context(|| format!("{} is not a witness policy", args.policy.display()))?;
    let log_key = match (&args.log_key, policy.logs()) {
        (Some(vkey), _) => NoteVerifier::from_vkey(vkey.trim()).context("--log-key")?,
        (None, [only]) => only.key.clone(),
        (None, []) => bail!("the policy names no log: add a `log` line or give --log-key"),
        (None, _) => bail!("the policy names several logs: say which with --log-key"),
    };
    let mut entries = (!args.no_entries)
        .then(|| EntryCheck::new(&args.log, log_key.clone()))
        .transpose()?;
    let monitor = Monitor::new(&args.log, args.witnesses.clone(), log_key, policy)?;
    let mut seen = match &args.state {
        Some(path) if path.is_file() => serde_json::from_slice(
            &std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
        )
        .with_context(|| format!("{} is not a monitor state", path.display()))?,
        _ => Seen::default(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    loop {
        let (mut events, next) = runtime.block_on(monitor.round(&seen));
        // The entries are read only up to a checkpoint the round found
        // sound: one that is a fork or a rollback has its alert already.
        if let (Some(check), Some(note)) = (&mut entries, &next.note)
            && !events.iter().any(|e| e.is_alert())
        {
            events.extend(runtime.block_on(check.up_to(note)));
        }
        let alarming = events.iter().any(|e| e.is_alert());
        for e in &events {
            println!("{}", serde_json::to_string(e)?);
        }
        // A checkpoint that raised an alarm is not taken as the new
        // reference: the next round compares with the last good one again.
        if !alarming {
            seen = next;
            if let Some(path) = &args.state {
                std::fs::write(path, serde_json::to_vec(&seen)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        if args.once {
            return Ok(if alarming {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        std::thread::sleep(std::time::Duration::from_secs(args.interval.max(1)));
    }
}

/// Entries read per request: a handful of entry bundles.
const ENTRIES_AT_ONCE: u64 = 16 * 256;

/// Every entry of the log, read from its tiles and checked as the mirror
/// checks what it copies: first that the entries served make the tree the
/// log signed, then that each passes as `truce verify` passes it (canonical
/// form, signature, admission rules, in order). The monitor keeps no copy:
/// only the tree's right edge and the rules' state, in memory.
struct EntryCheck {
    origin: Origin,
    log_key: NoteVerifier,
    /// The entries checked so far, by the rules.
    auditor: Auditor,
    /// The tree of the entries read so far (it may run ahead of the rules).
    frontier: Frontier,
    /// The first entry the rules refused, before any signed tree was found
    /// to hold it: the rules are not applied past it.
    refused: Option<String>,
    /// The first bad entry proven: the log is not checked past it.
    bad: Option<String>,
}

impl EntryCheck {
    fn new(log: &str, log_key: NoteVerifier) -> Result<Self> {
        Ok(EntryCheck {
            origin: Origin::new(log).context("cannot make the HTTP client for the log")?,
            auditor: Auditor::pinned(Some(log_key.clone())),
            log_key,
            frontier: Frontier::default(),
            refused: None,
            bad: None,
        })
    }

    /// Reads and checks the entries up to the checkpoint `note` (already
    /// checked by the round: signed, and one history with the last).
    async fn up_to(&mut self, note: &str) -> Vec<Event> {
        if let Some(bad) = &self.bad {
            return vec![alert(AlertKind::BadEntry, bad.clone(), Vec::new())];
        }
        let Ok(signed) = Checkpoint::open(note, &self.log_key) else {
            return Vec::new();
        };
        // The tree is checked before the rules' verdict is told: a refused
        // entry is the log's own only once the entries are known to be
        // what it signed. Both advance together, entry by entry, so that a
        // round cut short carries on where it stopped.
        while self.frontier.size() < signed.size {
            let at = self.frontier.size();
            let end = signed.size.min(at + ENTRIES_AT_ONCE);
            let leaves = match self.origin.entries(at, end, signed.size).await {
                Ok(leaves) => leaves,
                Err(e) => {
                    return vec![alert(
                        AlertKind::Unreachable,
                        format!(
                            "the log signed {} records but its entries from {at} could not be read: {e}",
                            signed.size
                        ),
                        vec![note.to_owned()],
                    )];
                }
            };
            for (index, leaf) in (at..).zip(&leaves) {
                self.frontier.append(leaf_hash(leaf));
                if self.refused.is_none()
                    && let Err(e) = self.auditor.push(leaf)
                {
                    self.refused = Some(format!("entry {index}: {e}"));
                }
            }
        }
        let tree = &self.frontier;
        if tree.size() != signed.size || tree.root() != signed.root {
            let finding = format!(
                "the entries the log serves are not those it signed: they make the root {} at size {}, not {}",
                tree.root().to_hex(),
                signed.size,
                signed.root.to_hex()
            );
            // Not proof that the log signed a bad entry: it may yet serve
            // the ones it signed. What was read is dropped, and read again.
            *self = EntryCheck {
                origin: self.origin.clone(),
                log_key: self.log_key.clone(),
                auditor: Auditor::pinned(Some(self.log_key.clone())),
                frontier: Frontier::default(),
                refused: None,
                bad: None,
            };
            return vec![alert(
                AlertKind::WithheldEntries,
                finding,
                vec![note.to_owned()],
            )];
        }
        if let Some(refused) = self.refused.clone() {
            return self.found_bad(
                format!(
                    "the log signed a tree of {} records that holds an entry `truce verify` refuses: {refused}",
                    signed.size
                ),
                note,
            );
        }
        vec![Event::EntriesChecked {
            size: self.frontier.size(),
        }]
    }

    fn found_bad(&mut self, finding: String, note: &str) -> Vec<Event> {
        self.bad = Some(finding.clone());
        vec![alert(AlertKind::BadEntry, finding, vec![note.to_owned()])]
    }
}
