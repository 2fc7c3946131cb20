//! `truce mirror`: keep this participant's own complete, verified copy of a
//! log, and (with --listen) serve it read-only — the same API, tiles and web
//! interface — stating which log it mirrors and how far behind it is.

use crate::keyfile;
use crate::mechanism::MechanismDir;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use truce_mirror::{Mirror, MirrorError, MirrorStatus, Origin, Pin, Progress, SharedStatus};
use truce_server::clock::SystemClock;
use truce_server::state::AppState;
use truce_tlog::note::NoteVerifier;
use truce_tlog::{Cosigner, Hash, WitnessPolicy};

#[derive(Args)]
pub struct MirrorArgs {
    /// The base URL of the log's server to copy.
    #[arg(long, value_name = "URL")]
    from: String,
    /// The mirror's directory: its SQLite copy (unless --database), what it
    /// remembers of the log (mirror.json) and its alarms (alarms.jsonl).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// Keep the copy in this PostgreSQL database instead.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Serve the copy read-only on this address (API, tiles, web interface).
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
    /// Accept only a log whose charter names this log key (signed-note vkey),
    /// as given out of band.
    #[arg(long, value_name = "VKEY")]
    log_key: Option<String>,
    /// Accept only a log whose charter (record 0) has this leaf hash, as given
    /// out of band (`truce verify` prints it).
    #[arg(long, value_name = "HASH")]
    charter_hash: Option<String>,
    /// Check cosignatures against this witness policy (c2sp.org/tlog-policy)
    /// rather than the charter's.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The mirror's own key (from `truce keygen --witness`): it cosigns each
    /// checkpoint once its tree is stored (c2sp.org/tlog-mirror).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Also compare with this witness (its monitoring prefix); repeatable.
    /// The witnesses whose URL the policy gives are compared with anyway.
    #[arg(long = "witness", value_name = "URL")]
    witnesses: Vec<String>,
    /// Seconds between rounds.
    #[arg(long, default_value_t = 5)]
    interval: u64,
    /// Bring the copy up to date once, print the status as JSON and exit:
    /// 0 up to date, 1 an alarm, 2 the log could not be read or its answer
    /// could not be taken.
    #[arg(long, conflicts_with = "listen")]
    once: bool,
    /// With --key, the key file is sealed under a passphrase.
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
}

pub fn run(args: MirrorArgs) -> Result<ExitCode> {
    let dir = MechanismDir::for_mirror(&args.dir);
    if dir.log_key_path().is_file() {
        bail!(
            "{} holds a log's own key (log.key): a mirror keeps its copy in a directory of its own",
            args.dir.display()
        );
    }
    // The mirror's rounds call the store from async code: see BlockingStore.
    let store: Arc<dyn truce_store::Store> = Arc::new(truce_mirror::BlockingStore(
        dir.mirror_store(args.database.as_deref())?,
    ));
    let pin = Pin {
        log_key: args
            .log_key
            .as_deref()
            .map(NoteVerifier::from_vkey)
            .transpose()
            .context("--log-key")?,
        charter: args
            .charter_hash
            .as_deref()
            .map(|h| {
                h.parse::<Hash>()
                    .map_err(|e| anyhow::anyhow!("--charter-hash: {e}"))
            })
            .transpose()?,
    };
    let status = SharedStatus::new(MirrorStatus::new(&args.from));
    let origin = Origin::new(&args.from).context("cannot make the HTTP client")?;
    let mut mirror = Mirror::open(
        Arc::clone(&store),
        &args.dir,
        origin,
        pin,
        status.clone(),
        crate::clock::posix_now,
    )?
    .with_witnesses(args.witnesses.clone());
    if let Some(path) = &args.policy {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        mirror = mirror.with_policy(
            WitnessPolicy::parse(&text)
                .with_context(|| format!("{} is not a witness policy", path.display()))?,
        );
    }
    if let Some(path) = &args.key {
        let signer = keyfile::read(path, &args.passphrase.source())?;
        mirror = mirror.with_cosigner(Cosigner::from_note_signer(&signer));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(truce_server::BLOCKING_THREADS)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    if args.once {
        let outcome = runtime.block_on(catch_up(&mut mirror));
        println!("{}", serde_json::to_string_pretty(&status.get())?);
        return Ok(match outcome {
            Ok(_) => ExitCode::SUCCESS,
            Err(MirrorError::Alarm(_) | MirrorError::Halted(_)) => ExitCode::from(1),
            Err(e) => {
                eprintln!("truce mirror: {e}");
                ExitCode::from(2)
            }
        });
    }
    truce_server::init_logging("text", "info");
    runtime.block_on(async {
        // The first round before serving: a mirror that holds nothing yet
        // learns the log's key from its charter.
        if let Err(e) = catch_up(&mut mirror).await {
            tracing::warn!(error = %e, "the first round did not complete");
        }
        let Some(listen) = &args.listen else {
            mirror.run(Duration::from_secs(args.interval), || {}).await;
            return Ok(());
        };
        let log_key = mirror.log_key().cloned().with_context(|| {
            format!(
                "the mirror holds nothing yet and could not read the log at {}",
                args.from
            )
        })?;
        let ledger = Arc::new(truce_ledger::Ledger::open_read_only(
            Arc::clone(&store),
            log_key,
        )?);
        let state = AppState::new(
            Arc::clone(&ledger),
            Arc::clone(&store),
            truce_store::blobs::BlobDir::open(args.dir.join("blobs"))?,
            Arc::new(SystemClock),
            // The same limits as `truce serve`'s, and the same variables to
            // change them (TRUCE_READS_IN_FLIGHT, TRUCE_RATE_LIMIT_PER_MINUTE…):
            // a page of the web UI reads several views at once.
            truce_server::config::Config::load(None, |name| std::env::var(name).ok())?.limits(),
        )
        .with_mirror(status.clone());
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        println!(
            "Truce is serving a mirror of {} on http://{}",
            args.from,
            listener.local_addr()?
        );
        let interval = Duration::from_secs(args.interval);
        tokio::spawn(mirror.run(interval, move || {
            // The admission state (members, charter) follows the copy; the
            // query index follows the store on its own.
            let _ = ledger.catch_up();
        }));
        truce_server::serve(state, listener, truce_server::shutdown_signal()).await?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Rounds until the copy is up to date with the log (or waiting for its
/// witnesses), or something stops it.
async fn catch_up(mirror: &mut Mirror) -> Result<Progress, MirrorError> {
    loop {
        match mirror.round().await? {
            Progress::Advanced { .. } => continue,
            done => return Ok(done),
        }
    }
}
