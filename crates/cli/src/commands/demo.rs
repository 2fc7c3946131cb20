use crate::keyfile;
use crate::mechanism::MechanismDir;
use anyhow::{Context, Result, anyhow};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use truce_core::kinds::evidence::MAX_BLOB_BYTES;
use truce_ledger::Ledger;
use truce_server::config::Config;
use truce_server::state::DemoMember;
use truce_store::Store;
use truce_tlog::note::NoteSigner;

#[derive(Args)]
pub struct DemoArgs {
    /// Where to build the demo's store (a new or empty directory). Default: a
    /// new directory under the system's temporary directory.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Build the store and exit instead of serving it.
    #[arg(long)]
    no_serve: bool,
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Keep the log in this PostgreSQL database (which must be empty) rather
    /// than in the directory's SQLite file.
    #[arg(long)]
    database: Option<String>,
    /// Draw every key and salt from this seed instead of the system's
    /// randomness, and stamp the witnesses' cosignatures at the scenario's
    /// end rather than now: the same seed builds the same store, byte for
    /// byte, so two builds have the same checkpoint root and the same
    /// cosigned checkpoint. Never for a real mechanism:
    /// anyone who knows the seed holds every key.
    #[arg(long)]
    seed: Option<u64>,
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let path = match args.dir {
        Some(d) => d,
        // A fresh directory of its own, kept after the demo stops.
        None => tempfile::Builder::new()
            .prefix("truce-demo-")
            .tempdir()
            .context("cannot make a directory for the demo")?
            .keep()
            .join("mechanism"),
    };
    let dir = MechanismDir::create(&path)?;
    // Keys and salts come from one generator, seeded when asked (the record
    // times are the scenario's own), so a seed fixes every byte of every record.
    let mut rng = match args.seed {
        Some(seed) => <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed),
        None => <rand::rngs::StdRng as rand::SeedableRng>::from_rng(rand::rngs::OsRng)
            .context("cannot read the system's randomness")?,
    };
    let log = NoteSigner::generate(truce_scenario::ORIGIN, &mut rng)?;
    keyfile::write(&dir.log_key_path(), &log)?;
    let store: Arc<dyn Store> = dir.new_store(args.database.as_deref())?;
    let ledger = Ledger::open(Arc::clone(&store), log.clone())?;

    let mut appended = 0u64;
    let scenario = truce_scenario::build(&log.verifier(), &mut rng, &mut |record, opening| {
        ledger
            .submit(record, opening)
            .map(|_| appended += 1)
            .map_err(|e| e.to_string())
    })
    .context("building the Istanbul scenario")?;

    std::fs::create_dir_all(dir.keys_dir())?;
    for m in &scenario.members {
        keyfile::write(&dir.keys_dir().join(format!("{}.key", m.member)), &m.signer)?;
    }
    for w in &scenario.witnesses {
        keyfile::write(
            &dir.keys_dir()
                .join(format!("witness-{}.key", w.participant)),
            &w.signer,
        )?;
    }
    let blobs = dir.blobs()?;
    for (_, bytes) in &scenario.blobs {
        blobs
            .put(&mut bytes.as_slice(), None, MAX_BLOB_BYTES)
            .map_err(|e| anyhow!("storing an evidence blob: {e}"))?;
    }

    // Every participant's witness cosigns the scenario's checkpoint before
    // anyone sees it; they keep serving beside the demo server after.
    let policy = ledger
        .with_state(|s| s.charter().map(|c| c.policy()))
        .context("the scenario has no charter")?
        .map_err(|e| anyhow!("the scenario's witness policy: {e}"))?;
    let named: Vec<(String, NoteSigner)> = scenario
        .witnesses
        .iter()
        .map(|w| (w.participant.clone(), w.signer.clone()))
        .collect();
    let end = scenario_end(store.as_ref())?;
    // A seed fixes the cosignatures' timestamps too: the build's are stamped
    // at the scenario's end, so the same seed gives the same store.
    let clock = crate::clock::HeldClock::new(
        args.seed
            .map(|_| u64::try_from(end.unix()).unwrap_or_default()),
    );
    let witnesses = crate::local_witnesses::LocalWitnesses::start(
        &dir.root().join("witnesses"),
        &log.verifier(),
        &named,
        clock.clock(),
    )?;
    let reports = witness_once(&store, policy, &witnesses, &clock)?;
    clock.release();

    // The build's ledger stops here; the server opens its own on the same store.
    drop(ledger);
    // With the witnesses' cosignatures, as /checkpoint serves it.
    let checkpoint = truce_store::served_checkpoint(store.as_ref(), true)?
        .map(|c| c.note)
        .unwrap_or_default();
    drop(store);
    if args.seed.is_some() && args.database.is_none() {
        truce_store_sqlite::SqliteStore::compact(&dir.db_path())
            .context("rewriting the seeded demo's store in key order")?;
    }
    println!(
        "Built the Istanbul 2025 scenario: {appended} signed records in {}",
        dir.root().display()
    );
    println!("\nLog key: {}", log.verifier().vkey());
    println!("Checkpoint:\n{checkpoint}");
    for r in &reports {
        match (&r.cosigned_size, &r.last_error) {
            (Some(size), _) => println!(
                "Witnessed by {} at size {size} ({})",
                r.name,
                r.url.as_deref().unwrap_or("")
            ),
            (None, Some(why)) => println!("Not witnessed by {}: {why}", r.name),
            (None, None) => println!("Not witnessed by {}", r.name),
        }
    }
    println!(
        "Demo members (private keys in {}):",
        dir.keys_dir().display()
    );
    for m in &scenario.members {
        println!(
            "  {:<22} {:<12} {}",
            m.member, m.participant, m.display_name
        );
    }
    println!("\nVerify it:   truce verify --dir {}", dir.root().display());
    println!(
        "Summarise:   truce status --dir {} --at {}",
        dir.root().display(),
        truce_scenario::VIEW_AT
    );
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    let members: Vec<DemoMember> = scenario
        .members
        .iter()
        .map(|m| DemoMember {
            member: m.member.clone(),
            participant: m.participant.clone(),
            display_name: m.display_name.clone(),
            private_key: m.signer.skey(),
        })
        .collect();
    // The environment tunes the demo's server as it does `truce serve`'s
    // (log level, limits, time-outs: README, "Configuration"); the demo's
    // own flags and what it has just built win over it.
    let config = Config {
        listen: args.listen.clone(),
        dir: Some(dir.root().to_path_buf()),
        database: args.database.clone(),
        demo: true,
        witness_urls: witnesses.urls.clone(),
        ..Config::load(None, |name| std::env::var(name).ok())
            .context("the TRUCE_* environment variables")?
    };
    let announce = |addr: std::net::SocketAddr| {
        println!("\nServing the demo on http://{addr}");
        // The scenario's 2025 deadlines read as they did then, not as long
        // overdue on today's clock: the UI opens as of its last record, with
        // the banner that says so, and one click returns to the present.
        println!(
            "  Open:       http://{addr}/#/?at={end}  (as the record stood at the scenario's end)"
        );
        println!("  API:        http://{addr}/api/v1/participants");
        println!("  Checkpoint: http://{addr}/checkpoint");
        println!("Sign in as any demo member: its key is served to browsers in demo mode");
        println!("(GET /api/v1/demo/members), or sign a challenge with the key files above.");
        println!(
            "Press Ctrl-C to stop; the store stays in {}.",
            dir.root().display()
        );
    };
    super::serve::serve(&config, &dir, Some(members), Some(&announce))?;
    drop(witnesses);
    Ok(ExitCode::SUCCESS)
}

/// The scenario's end: the latest time any of its records claims.
fn scenario_end(store: &dyn Store) -> Result<truce_core::values::Timestamp> {
    let size = store.size()?;
    let mut latest = None;
    for stored in store.records(0, size)? {
        let record = truce_core::Record::from_json(&stored.leaf)
            .map_err(|e| anyhow!("stored record {}: {e}", stored.index))?;
        latest = latest.max(Some(record.time()));
    }
    latest.context("the scenario holds no record")
}

/// Submits the log's latest checkpoint to every witness once and keeps the
/// cosignatures; returns what each witness did.
fn witness_once(
    store: &Arc<dyn Store>,
    policy: truce_tlog::WitnessPolicy,
    witnesses: &crate::local_witnesses::LocalWitnesses,
    clock: &crate::clock::HeldClock,
) -> Result<Vec<truce_witness::collector::WitnessReport>> {
    let collector = Arc::new(
        truce_witness::collector::Collector::new(
            Arc::clone(store),
            policy,
            witnesses.urls.clone(),
            clock.clock(),
        )
        .context("cannot make the HTTP client for the witnesses")?,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(collector.witness_latest()))
}
