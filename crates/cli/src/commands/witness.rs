//! `truce witness`: run a c2sp.org/tlog-witness service for the logs this
//! participant trusts, or show the evidence of misbehaviour it has kept.

use crate::keyfile;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use truce_core::admission::LogState;
use truce_core::record::Record;
use truce_tlog::Cosigner;
use truce_tlog::note::NoteVerifier;
use truce_witness::{Witness, WitnessState};

#[derive(Args)]
pub struct WitnessArgs {
    /// The witness's private key (a key file from `truce keygen --witness`).
    #[arg(long, value_name = "FILE", required_unless_present = "show_evidence")]
    key: Option<PathBuf>,
    /// The directory the witness keeps its state in (what it cosigned, and
    /// the evidence it met).
    #[arg(long, value_name = "DIR")]
    state: PathBuf,
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:7380")]
    listen: String,
    /// A log to witness, by its verifier key (the origin is the key's name).
    /// Repeatable.
    #[arg(long = "log", value_name = "VKEY")]
    logs: Vec<String>,
    /// Witness the log a charter names: the charter record (as `truce show
    /// --index 0` or `GET /api/v1/records/0` print it, or bare), whose
    /// founders' signatures are checked first. Repeatable.
    #[arg(long = "charter", value_name = "FILE")]
    charters: Vec<PathBuf>,
    /// Print the evidence of misbehaviour kept in --state as JSON and exit.
    #[arg(long)]
    show_evidence: bool,
    /// With --key, the key file is sealed under a passphrase.
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
}

pub fn run(args: WitnessArgs) -> Result<ExitCode> {
    let state = WitnessState::open(&args.state)?;
    if args.show_evidence {
        let evidence = state.evidence()?;
        println!("{}", serde_json::to_string_pretty(&evidence)?);
        eprintln!(
            "{} piece(s) of evidence in {}",
            evidence.len(),
            args.state.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(key_path) = &args.key else {
        bail!("give the witness's key with --key FILE");
    };
    let signer = keyfile::read(key_path, &args.passphrase.source())?;
    let cosigner = Cosigner::from_note_signer(&signer);
    let mut logs = Vec::new();
    for vkey in &args.logs {
        logs.push(NoteVerifier::from_vkey(vkey).with_context(|| format!("--log {vkey:?}"))?);
    }
    for path in &args.charters {
        logs.push(log_key_of_charter(path)?);
    }
    if logs.is_empty() {
        bail!("name at least one log to witness, with --log VKEY or --charter FILE");
    }
    let origins: Vec<String> = logs.iter().map(|k| k.name().to_owned()).collect();
    let witness = Arc::new(Witness::new(
        cosigner.clone(),
        logs,
        state,
        Arc::new(crate::clock::posix_now),
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        // One write, so that a reader of the first line alone still sees it whole.
        print!(
            "Witness {} is serving on http://{addr} for {}\nWitness key: {}\n",
            cosigner.name(),
            origins.join(", "),
            cosigner.verifier().vkey()
        );
        truce_witness::service::serve(listener, witness, truce_server::shutdown_signal())
            .await
            .context("serving the witness")?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The log key a charter record names, once the charter has passed the
/// same checks the log's first record must pass (every founder signed it).
fn log_key_of_charter(path: &Path) -> Result<NoteVerifier> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the charter {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not JSON", path.display()))?;
    let record_value = match value.get("record") {
        Some(inner) => inner.clone(),
        None => value,
    };
    let record = Record::from_value(record_value)
        .map_err(|e| anyhow::anyhow!("{} is not a record: {e}", path.display()))?;
    let mut state = LogState::new();
    state
        .admit(&record)
        .map_err(|e| anyhow::anyhow!("{} is not a valid charter: {e}", path.display()))?;
    let charter = state
        .charter()
        .with_context(|| format!("{} is not a charter", path.display()))?;
    Ok(charter.log_key.verifier().clone())
}
