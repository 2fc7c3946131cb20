use anyhow::{Result, bail};
use clap::Args;
use serde::Serialize;
use std::process::ExitCode;
use truce_store::StoreHashes;
use truce_tlog::Hash;

#[derive(Args)]
pub struct ProveArgs {
    #[command(flatten)]
    location: super::Location,
    /// Prove that record N is in the tree.
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    index: Option<u64>,
    /// The tree size to prove inclusion in (default: the current size).
    #[arg(long, requires = "index")]
    size: Option<u64>,
    /// Prove that the tree of this size is a prefix of the larger one.
    #[arg(long)]
    from: Option<u64>,
    /// The larger tree size (default: the current size).
    #[arg(long, requires = "from")]
    to: Option<u64>,
    /// With --index: `json` (the proof alone, default) or `tlog-proof` (a
    /// c2sp.org/tlog-proof@v1 file with the record and the witnessed
    /// checkpoint, for `truce verify --proof`).
    #[arg(long, default_value = "json", requires = "index", value_parser = ["json", "tlog-proof"])]
    format: String,
}

#[derive(Serialize)]
struct InclusionOutput {
    index: u64,
    tree_size: u64,
    leaf_hash: Hash,
    proof: Vec<Hash>,
}

#[derive(Serialize)]
struct ConsistencyOutput {
    size1: u64,
    size2: u64,
    proof: Vec<Hash>,
}

pub fn run(args: ProveArgs) -> Result<ExitCode> {
    let (_, store) = args.location.open()?;
    let current = store.size()?;
    let hashes = StoreHashes(store.as_ref());
    if let (Some(index), "tlog-proof") = (args.index, args.format.as_str()) {
        if args.size.is_some() {
            bail!("a tlog-proof leads to the log's witnessed checkpoint: --size does not apply");
        }
        if index >= current {
            bail!("record {index} is not in the log of {current} records");
        }
        let proof = truce_ledger::bundle::build_tlog_proof(store.as_ref(), index)?;
        print!("{}", proof.encode());
    } else if let Some(index) = args.index {
        let size = args.size.unwrap_or(current);
        if size > current {
            bail!("the log has {current} records; it cannot prove anything at size {size}");
        }
        if index >= size {
            bail!("record {index} is not in a tree of {size} records");
        }
        let proof = truce_tlog::inclusion_proof(index, size, &hashes)?;
        let leaf_hash = store.nodes(&[truce_tlog::NodeId { level: 0, index }])?;
        let out = InclusionOutput {
            index,
            tree_size: size,
            leaf_hash: leaf_hash.first().copied().unwrap_or(Hash([0; 32])),
            proof,
        };
        println!("{}", serde_json::to_string(&out)?);
    } else if let Some(from) = args.from {
        let to = args.to.unwrap_or(current);
        if to > current {
            bail!("the log has {current} records; it cannot prove anything at size {to}");
        }
        if from > to {
            bail!("--from {from} is larger than --to {to}");
        }
        let proof = truce_tlog::consistency_proof(from, to, &hashes)?;
        println!(
            "{}",
            serde_json::to_string(&ConsistencyOutput {
                size1: from,
                size2: to,
                proof
            })?
        );
    }
    Ok(ExitCode::SUCCESS)
}
