use super::Location;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn log_key(location: &Location) -> Result<ExitCode> {
    let (dir, store) = location.open()?;
    println!("{}", dir.log_verifier(store.as_ref())?.vkey());
    Ok(ExitCode::SUCCESS)
}

/// The checkpoint readers should check the log against, as `/checkpoint`
/// serves it — the latest that met the witness quorum, with its
/// cosignatures (the latest while none has) — or, with `latest`, the latest
/// the log signed, with whatever cosignatures it has.
pub fn checkpoint(args: &CheckpointArgs) -> Result<ExitCode> {
    let (_, store) = args.location.open()?;
    let quorum_required = !args.latest && quorum_of(store.as_ref())?;
    match truce_store::served_checkpoint(store.as_ref(), quorum_required)? {
        Some(c) => print!("{}", c.note),
        None => bail!("the log is empty: nothing has been checkpointed yet"),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args)]
pub struct CheckpointArgs {
    #[command(flatten)]
    location: Location,
    /// The latest checkpoint the log signed, witnessed or not.
    #[arg(long)]
    latest: bool,
}

/// Whether the log's charter (record 0) has a witness quorum.
fn quorum_of(store: &dyn truce_store::Store) -> Result<bool> {
    let Some(first) = store.records(0, 1)?.into_iter().next() else {
        return Ok(false);
    };
    let record = truce_core::record::Record::from_json(&first.leaf)
        .map_err(|e| anyhow::anyhow!("record 0: {e}"))?;
    Ok(match record.body() {
        truce_core::kinds::Body::Charter(c) => c
            .policy()
            .map_err(|e| anyhow::anyhow!("the charter's witness policy: {e}"))?
            .quorum()
            .is_some(),
        _ => false,
    })
}

/// The charter's witness policy as a c2sp.org/tlog-policy file, with the
/// log's key as its `log` line: what `truce verify --proof` and other
/// verifiers need to hold the log to it.
pub fn policy(location: &Location) -> Result<ExitCode> {
    let (dir, store) = location.open()?;
    let Some(first) = store.records(0, 1)?.into_iter().next() else {
        bail!("the log is empty: it has no charter yet");
    };
    let record = truce_core::record::Record::from_json(&first.leaf)
        .map_err(|e| anyhow::anyhow!("record 0: {e}"))?;
    let truce_core::kinds::Body::Charter(charter) = record.body() else {
        bail!("record 0 is not a charter");
    };
    let log_key = dir.log_verifier(store.as_ref())?;
    print!(
        "# The witness policy of {} (its charter, record 0), with the log's key.\nlog {}\n{}",
        charter.origin.as_str(),
        log_key.vkey(),
        charter.witness_policy.as_str()
    );
    if !charter.witness_policy.as_str().ends_with('\n') {
        println!();
    }
    Ok(ExitCode::SUCCESS)
}
