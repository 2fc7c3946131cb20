use crate::mechanism::MechanismDir;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use truce_ledger::Ledger;
use truce_server::clock::SystemClock;
use truce_server::config::Config;
use truce_server::follower::IndexFollower;
use truce_server::opening::OpeningLedger;
use truce_server::snapshot::SnapshotFile;
use truce_server::state::{AppState, DemoMember};
use truce_store::Store;
use truce_tlog::note::NoteSigner;

#[derive(Args)]
pub struct ServeArgs {
    /// The mechanism's directory (or TRUCE_DIR).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// A PostgreSQL URL (or TRUCE_DATABASE); the SQLite file in --dir when absent.
    #[arg(long)]
    database: Option<String>,
    /// Address to listen on (or TRUCE_LISTEN; default 127.0.0.1:8080).
    #[arg(long)]
    listen: Option<String>,
    /// A TOML configuration file (default: truce.toml in --dir, when present).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain, a PEM file (or TRUCE_TLS_CERT); needs --tls-key.
    #[arg(long, value_name = "PEM")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key, a PEM file (or TRUCE_TLS_KEY).
    #[arg(long, value_name = "PEM")]
    tls_key: Option<PathBuf>,
    /// Append the audit log — sign-ins, refusals, revocations, as JSON lines — to this file (or TRUCE_AUDIT_LOG).
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,
    /// Where a witness of the charter's policy runs, as NAME=URL (its
    /// submission prefix); repeatable. Needed for the witnesses the policy
    /// gives no URL.
    #[arg(long = "witness-url", value_name = "NAME=URL")]
    witness_urls: Vec<String>,
    /// Print the effective configuration and exit.
    #[arg(long)]
    print_config: bool,
}

pub fn effective_config(args: &ServeArgs) -> Result<Config> {
    let file = args.config.clone().or_else(|| {
        args.dir
            .as_ref()
            .map(|d| d.join("truce.toml"))
            .filter(|p| p.is_file())
    });
    let mut config = Config::load(file.as_deref(), |k| std::env::var(k).ok())?;
    if let Some(d) = &args.dir {
        config.dir = Some(d.clone());
    }
    if let Some(db) = &args.database {
        config.database = Some(db.clone());
    }
    if let Some(l) = &args.listen {
        config.listen = l.clone();
    }
    if let Some(c) = &args.tls_cert {
        config.tls_cert = Some(c.clone());
    }
    if let Some(k) = &args.tls_key {
        config.tls_key = Some(k.clone());
    }
    if let Some(a) = &args.audit_log {
        config.audit_log = Some(a.clone());
    }
    for pair in &args.witness_urls {
        let (name, url) = pair
            .split_once('=')
            .with_context(|| format!("--witness-url {pair:?}: write it as NAME=URL"))?;
        config.witness_urls.insert(name.to_owned(), url.to_owned());
    }
    Ok(config)
}

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let config = effective_config(&args)?;
    if args.print_config {
        print!(
            "{}",
            config
                .to_toml()
                .context("cannot print the configuration as TOML")?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let dir = config
        .dir
        .clone()
        .context("give the mechanism's directory with --dir (or TRUCE_DIR)")?;
    serve(&config, &MechanismDir::open(&dir)?, None, None)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves a mechanism directory until Ctrl-C. `on_listening` is told the
/// address once the server takes records (its ledger open); it answers
/// reads from the moment it listens, which is before that over a big log.
pub fn serve(
    config: &Config,
    dir: &MechanismDir,
    demo_members: Option<Vec<DemoMember>>,
    on_listening: Option<&dyn Fn(std::net::SocketAddr)>,
) -> Result<()> {
    truce_server::init_logging(&config.log_format, &config.log_level);
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(truce_server::TlsFiles {
            cert: cert.clone(),
            key: key.clone(),
        }),
        (None, None) => None,
        _ => anyhow::bail!("HTTPS needs both a certificate (--tls-cert) and its key (--tls-key)"),
    };
    let store = dir.open_store(config.database.as_deref())?;
    let signer = dir.log_signer()?;
    // The query index is built from the store alone, and the ledger's replay
    // of the log into its admission state needs nothing from it: the index
    // starts building now, on threads of its own, while the replay runs on
    // another, so the first list waits for the longer of the two rather
    // than for both in turn (each reads and parses every record). The
    // server listens meanwhile (`truce_server::opening`). The index starts
    // from its snapshot when the log proves it (`snapshot.rs`), and then the
    // replay waits for that read.
    let index = Arc::new(
        IndexFollower::new(Arc::clone(&store))
            .with_snapshot(SnapshotFile::for_this_build(dir.index_snapshot_path())),
    );
    index.build_in_background();
    let index_for_open = Arc::clone(&index);
    let ledger = Arc::new(OpeningLedger::opening());
    let mut state = AppState::opening(
        Arc::clone(&ledger),
        crate::mechanism::charter(store.as_ref())?,
        Arc::clone(&store),
        dir.blobs()?,
        Arc::new(SystemClock),
        config.limits(),
    )
    .with_index(index);
    if let Some(path) = &config.audit_log {
        state = state.with_audit(truce_server::audit::AuditLog::open(path)?);
    }
    if let Some(members) = demo_members {
        state = state.with_demo_members(members);
    }
    if let Some(collector) = witness_collector(config, &state)? {
        state = state.with_witnessing(collector);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(truce_server::BLOCKING_THREADS)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let origin = state.origin.clone();
        tracing::info!(%addr, scheme, "listening; opening the log");
        let opened = open_in_background(&ledger, store, signer, index_for_open)?;
        // The server stops on Ctrl-C, or when the log cannot be opened.
        let stop = Arc::new(tokio::sync::Notify::new());
        let shutdown = {
            let stop = Arc::clone(&stop);
            async move {
                tokio::select! {
                    () = truce_server::shutdown_signal() => {},
                    () = stop.notified() => {},
                }
            }
        };
        let mut server = match &tls {
            None => tokio::spawn(truce_server::serve(state, listener, shutdown)),
            Some(files) => {
                let (listener, files) = (listener.into_std()?, files.clone());
                tokio::spawn(async move {
                    truce_server::serve_tls(state, listener, &files, shutdown).await
                })
            }
        };
        // Stopped (Ctrl-C) while the log is still being opened: the replay
        // only reads, so it is left to end with the process.
        let opened = tokio::select! {
            opened = opened => opened,
            stopped = &mut server => {
                stopped.context("the server stopped")??;
                tracing::info!("stopped before the log was open");
                return Ok(());
            }
        };
        let outcome = match opened {
            Ok(Ok(())) => {
                tracing::info!(%addr, scheme, "serving");
                match on_listening {
                    Some(f) => f(addr),
                    None => println!("Truce is serving {origin} on {scheme}://{addr}"),
                }
                Ok(())
            }
            Ok(Err(why)) => Err(anyhow::anyhow!(why)),
            Err(_) => Err(anyhow::anyhow!("the thread opening the log stopped")),
        };
        if outcome.is_err() {
            stop.notify_one();
        }
        server.await.context("the server stopped")??;
        outcome?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Opens the ledger on a thread of its own, telling `ledger` how far the
/// replay has come, and then its outcome; the receiver hears it too (the
/// error, as text, is all that crosses threads).
fn open_in_background(
    ledger: &Arc<OpeningLedger>,
    store: Arc<dyn Store>,
    signer: NoteSigner,
    index: Arc<IndexFollower>,
) -> Result<tokio::sync::oneshot::Receiver<Result<(), String>>> {
    let (done, opened) = tokio::sync::oneshot::channel();
    let ledger = Arc::clone(ledger);
    std::thread::Builder::new()
        .name("truce-ledger-open".into())
        .spawn(move || {
            // After the query index's snapshot is read (seconds), so that
            // it has both cores (`IndexFollower::snapshot_read`); a minute
            // at most, whatever happens to the index.
            index
                .snapshot_read()
                .wait_at_most(std::time::Duration::from_secs(60));
            let workers = replay_workers(&index, store.as_ref());
            let outcome = Ledger::open_reporting(store, signer, workers, &|replayed, size| {
                ledger.report(replayed, size);
            });
            let told = match outcome {
                Ok(opened) => {
                    ledger.opened(Ok(Arc::new(opened)));
                    // What the replay freed (as much as it keeps), given back.
                    truce_server::memory::release();
                    Ok(())
                }
                Err(e) => {
                    // With its causes: "not stored" alone names no cause.
                    let e = truce_store::describe(&e);
                    let why = format!("cannot open the log: {e}");
                    tracing::error!("{why}");
                    ledger.opened(Err(e));
                    Err(why)
                }
            };
            let _ = done.send(told);
        })
        .context("cannot start the thread that opens the log")?;
    Ok(opened)
}

/// Threads for the ledger's replay to read records ahead of its admission:
/// every core once the query index holds nearly all the log (read from its
/// snapshot), none while the index is still being built from the log. That
/// build reads and parses every record too, and the first list waits for
/// it; a replay on more threads would take cores from it. A restart over
/// 300k records took 2.9–3.1 s to open the ledger with one thread, 2.2–2.4 s
/// with two reading ahead.
fn replay_workers(index: &IndexFollower, store: &dyn Store) -> usize {
    let (indexed, _) = index.progress();
    let size = store.size().unwrap_or(u64::MAX);
    if size.saturating_sub(indexed) <= size / 10 {
        truce_ledger::default_workers()
    } else {
        0
    }
}

/// The collector of cosignatures for the charter's witness policy, when the
/// log has a charter. Witnesses with no URL (in the policy or the
/// configuration) are listed but not submitted to.
fn witness_collector(
    config: &Config,
    state: &AppState,
) -> Result<Option<truce_witness::collector::Collector>> {
    let Some(policy) = state
        .charter()
        .map(|c| c.policy())
        .transpose()
        .map_err(|e| anyhow::anyhow!("the charter's witness policy: {e}"))?
    else {
        return Ok(None);
    };
    for name in config.witness_urls.keys() {
        if !policy.witnesses().iter().any(|w| &w.name == name) {
            anyhow::bail!(
                "witness_urls names {name:?}, which the charter's witness policy does not"
            );
        }
    }
    let collector = truce_witness::collector::Collector::new(
        Arc::clone(&state.store),
        policy,
        config.witness_urls.clone(),
        Arc::new(crate::clock::posix_now),
    )
    .context("cannot make the HTTP client for witnesses")?;
    Ok(Some(collector))
}
