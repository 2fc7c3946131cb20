//! `truce monitor`: watch a log and its witnesses from outside, printing
//! one JSON line per event; any split view, rollback or bad signature is an
//! alert (and, with --once, a non-zero exit).

use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use truce_tlog::WitnessPolicy;
use truce_tlog::note::NoteVerifier;
use truce_witness::monitor::{Monitor, Seen};

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
        let (events, next) = runtime.block_on(monitor.round(&seen));
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
