//! One module per subcommand; this file holds the argument definitions.

mod backup;
mod demo;
mod encrypt_key;
mod export;
mod import;
mod init;
mod keygen;
mod logkeys;
mod mirror;
mod monitor;
mod prove;
mod report;
pub mod serve;
mod show;
pub mod status;
mod submit;
mod verify;
mod witness;

use crate::keyfile;
use crate::mechanism::MechanismDir;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use truce_store::Store;

#[derive(Parser)]
#[command(
    name = "truce",
    version,
    about = "Truce: a signed, witnessed record for a joint ceasefire verification mechanism",
    long_about = "Truce keeps one shared record of incidents, claims, evidence, findings, commitments \
                  and draft agreements. Every entry is signed by its author and sits in a Merkle \
                  transparency log that anyone can verify offline."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the Istanbul 2025 scenario into a new store and serve it (or only build it, with --no-serve).
    Demo(demo::DemoArgs),
    /// Serve a mechanism over HTTP (JSON API, transparency endpoints).
    Serve(serve::ServeArgs),
    /// Create a mechanism from a charter file.
    Init(init::InitArgs),
    /// Write a new member key to a file and print its public (verifier) key.
    Keygen(keygen::KeygenArgs),
    /// Write a copy of a plain key file sealed under a passphrase.
    EncryptKey(encrypt_key::EncryptKeyArgs),
    /// Sign and append one record; prints {"index":N,"leaf_hash":"…"}.
    Submit(submit::SubmitArgs),
    /// Print the log's verifier key (C2SP signed-note vkey form).
    LogKey(Location),
    /// Print the log's witnessed checkpoint (C2SP tlog-checkpoint), with its witnesses' cosignatures.
    Checkpoint(logkeys::CheckpointArgs),
    /// Print the charter's witness policy (c2sp.org/tlog-policy) with the log's key, for verifiers.
    Policy(Location),
    /// Print an inclusion proof (--index) or a consistency proof (--from/--to).
    Prove(prove::ProveArgs),
    /// Write every record as JSON Lines, in log order, with its exact leaf bytes
    /// (--format log, the default); or the incident reports as ACLED- or UCDP
    /// GED-compatible CSV, GeoJSON or JSON Lines (--format acled|ucdp|geojson|jsonl).
    Export(export::ExportArgs),
    /// Import an ACLED- or UCDP GED-format CSV file as incident reports signed
    /// by --key (events already in the log are skipped). Exit status 1 if
    /// some rows were refused (each is listed with its line and column), 2
    /// if the import could not run.
    Import(import::ImportArgs),
    /// Check every signature, every admission rule and the tree against the checkpoints.
    Verify(verify::VerifyArgs),
    /// Print one record.
    Show(show::ShowArgs),
    /// Summarise the derived state: cases, drafts, commitments, channel.
    Status(status::StatusArgs),
    /// Write a periodic report (HTML, PDF or Markdown) of a period, built from the log.
    Report(report::ReportArgs),
    /// Write a consistent backup of a mechanism (log, log key, evidence) while its server runs.
    Backup(backup::BackupArgs),
    /// Make a new mechanism from a backup and prove it is the same log.
    Restore(backup::RestoreArgs),
    /// Watch a log and its witnesses; report any split view, rollback or bad signature as a JSON line.
    Monitor(monitor::MonitorArgs),
    /// Keep this participant's own verified copy of a log, and serve it read-only with --listen.
    Mirror(mirror::MirrorArgs),
    /// Run a witness (c2sp.org/tlog-witness) that cosigns a log's checkpoints only while they stay consistent.
    Witness(witness::WitnessArgs),
}

/// Where a mechanism is: its directory (log key, evidence, and the SQLite
/// log unless `--database` puts the log in PostgreSQL).
#[derive(Args)]
pub struct Location {
    /// The mechanism's directory.
    #[arg(long)]
    dir: PathBuf,
    /// The log is in this PostgreSQL database, not the directory's SQLite file.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

/// Where the passphrase of an encrypted key file comes from (never the
/// command line, which every user of the machine can see).
#[derive(Args)]
pub struct PassphraseArgs {
    /// The passphrase of an encrypted key file is the text of this file
    /// (without its final line break).
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_env")]
    passphrase_file: Option<PathBuf>,
    /// The passphrase of an encrypted key file is in this environment
    /// variable. Reading a key, TRUCE_KEY_PASSPHRASE is used when neither
    /// option is given.
    #[arg(long, value_name = "VAR")]
    passphrase_env: Option<String>,
}

impl PassphraseArgs {
    /// The source the options name, if any.
    pub fn given(&self) -> Option<keyfile::Passphrase> {
        match (&self.passphrase_file, &self.passphrase_env) {
            (Some(file), _) => Some(keyfile::Passphrase::File(file.clone())),
            (None, Some(var)) => Some(keyfile::Passphrase::Env(var.clone())),
            (None, None) => None,
        }
    }

    /// Where to read an encrypted key file's passphrase from.
    pub fn source(&self) -> keyfile::Passphrase {
        self.given().unwrap_or_default()
    }
}

impl Location {
    /// The directory and its log's store.
    pub fn open(&self) -> anyhow::Result<(MechanismDir, Arc<dyn Store>)> {
        let dir = MechanismDir::open(&self.dir)?;
        let store = dir.open_store(self.database.as_deref())?;
        Ok((dir, store))
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Init(a) => init::run(a),
        Command::Keygen(a) => keygen::run(a),
        Command::EncryptKey(a) => encrypt_key::run(a),
        Command::Submit(a) => submit::run(a),
        Command::LogKey(a) => logkeys::log_key(&a),
        Command::Checkpoint(a) => logkeys::checkpoint(&a),
        Command::Policy(a) => logkeys::policy(&a),
        Command::Prove(a) => prove::run(a),
        Command::Export(a) => export::run(&a),
        Command::Import(a) => import::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Show(a) => show::run(a),
        Command::Status(a) => status::run(a),
        Command::Report(a) => report::run(a),
        Command::Backup(a) => backup::backup(a),
        Command::Witness(a) => witness::run(a),
        Command::Monitor(a) => monitor::run(a),
        Command::Mirror(a) => mirror::run(a),
        Command::Restore(a) => backup::restore(a),
    }
}
