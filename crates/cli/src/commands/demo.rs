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
    let log = NoteSigner::generate(truce_scenario::ORIGIN, &mut rand::rngs::OsRng)?;
    keyfile::write(&dir.log_key_path(), &log)?;
    let store: Arc<dyn Store> = dir.new_store(args.database.as_deref())?;
    let ledger = Ledger::open(Arc::clone(&store), log.clone())?;

    let mut appended = 0u64;
    let scenario = truce_scenario::build(
        &log.verifier(),
        &mut rand::rngs::OsRng,
        &mut |record, opening| {
            ledger
                .submit(record, opening)
                .map(|_| appended += 1)
                .map_err(|e| e.to_string())
        },
    )
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

    // The build's ledger stops here; the server opens its own on the same store.
    drop(ledger);
    let checkpoint = store
        .latest_checkpoint()?
        .map(|c| c.note)
        .unwrap_or_default();
    println!(
        "Built the Istanbul 2025 scenario: {appended} signed records in {}",
        dir.root().display()
    );
    println!("\nLog key: {}", log.verifier().vkey());
    println!("Checkpoint:\n{checkpoint}");
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
    let config = Config {
        listen: args.listen.clone(),
        dir: Some(dir.root().to_path_buf()),
        database: args.database.clone(),
        demo: true,
        ..Config::default()
    };
    let announce = |addr: std::net::SocketAddr| {
        println!("\nServing the demo on http://{addr}");
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
    Ok(ExitCode::SUCCESS)
}
