use anyhow::{Context, Result, bail};
use clap::Args;
use std::process::ExitCode;
use truce_store::Store;
use truce_tlog::Hash;

#[derive(Args)]
pub struct ShowArgs {
    #[command(flatten)]
    location: super::Location,
    /// The record's index in the log.
    #[arg(long, required_unless_present = "hash")]
    index: Option<u64>,
    /// The record's leaf hash (base64).
    #[arg(long, conflicts_with = "index")]
    hash: Option<String>,
    /// Also print the confidential part, if the record has one.
    #[arg(long)]
    confidential: bool,
}

pub fn run(args: ShowArgs) -> Result<ExitCode> {
    let (_, store) = args.location.open()?;
    let stored = match (args.index, &args.hash) {
        (Some(i), _) => store.records(i, i.saturating_add(1))?.into_iter().next(),
        (None, Some(h)) => find_by_hash(
            store.as_ref(),
            &Hash::from_base64(h).context("--hash is not a base64 hash")?,
        )?,
        (None, None) => None,
    };
    let Some(stored) = stored else {
        bail!("no such record");
    };
    let record: serde_json::Value = serde_json::from_slice(&stored.leaf)?;
    let mut out = serde_json::json!({
        "index": stored.index,
        "leaf_hash": stored.hash,
        "record": record,
    });
    if args.confidential
        && let Some(opening) = store.opening(stored.index)?
        && let Some(map) = out.as_object_mut()
    {
        map.insert("confidential".into(), serde_json::from_slice(&opening)?);
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}

/// The store keeps no hash index (the running ledger holds one in memory), so
/// an offline lookup reads the log in order.
fn find_by_hash(store: &dyn Store, hash: &Hash) -> Result<Option<truce_store::StoredRecord>> {
    let size = store.size()?;
    let mut start = 0;
    while start < size {
        let end = (start + 5_000).min(size);
        if let Some(found) = store
            .records(start, end)?
            .into_iter()
            .find(|r| r.hash == *hash)
        {
            return Ok(Some(found));
        }
        start = end;
    }
    Ok(None)
}
