//! `truce-tlog`: the pure algorithms of Truce's transparency log.
//!
//! Truce's ceasefire records are only trustworthy if nobody — including the
//! operator — can quietly rewrite history. An RFC 6962/9162 Merkle log gives
//! every reader a short root that commits to all records, inclusion proofs
//! that a record is in it, and consistency proofs that a later root extends
//! an earlier one. Checkpoints (c2sp.org/tlog-checkpoint) carry signed roots
//! as signed notes (c2sp.org/signed-note) so that independent witnesses and
//! standard Go tooling can check them.
//!
//! This crate is deliberately pure and synchronous: no I/O, no clock, no
//! network. Storage is reached only through [`HashReader`], so the same code
//! serves an in-memory map in tests and a SQL store in production, and every
//! algorithm can be tested exhaustively.
//!
//! ```
//! use std::collections::HashMap;
//! use truce_tlog::*;
//!
//! # fn main() -> Result<(), TlogError> {
//! // Append: the frontier says which stored nodes each leaf completes.
//! let mut frontier = Frontier::new();
//! let mut store = HashMap::new();
//! for record in ["a", "b", "c"] {
//!     store.extend(frontier.append(leaf_hash(record.as_bytes())));
//! }
//! let root = frontier.root();
//!
//! // Prove and verify inclusion of record 1, and consistency 2 -> 3.
//! let proof = inclusion_proof(1, 3, &store)?;
//! verify_inclusion(&leaf_hash(b"b"), 1, 3, &proof, &root)?;
//! let old_root = tree_root(2, &store)?;
//! verify_consistency(2, 3, &consistency_proof(2, 3, &store)?, &old_root, &root)?;
//!
//! // Sign and open a checkpoint.
//! let log_key = NoteSigner::from_seed("example.com/log", [7; 32])?;
//! let cp = Checkpoint { origin: "example.com/log".into(), size: 3, root, extensions: vec![] };
//! let signed = cp.sign(&log_key)?;
//! assert_eq!(Checkpoint::open(&signed, &log_key.verifier())?, cp);
//! # Ok(())
//! # }
//! ```

pub mod checkpoint;
pub mod cosignature;
mod error;
mod hash;
pub mod note;
pub mod policy;
mod proof;
pub mod proof_file;
pub mod tile;
mod tree;
pub mod witness;

pub use checkpoint::Checkpoint;
pub use cosignature::{CosignatureVerifier, Cosigner};
pub use error::TlogError;
pub use hash::{Hash, empty_root, leaf_hash, node_hash};
pub use note::{
    Note, NoteSignature, NoteSigner, NoteVerifier, key_id, open_note, parse_note, sign_note,
};
pub use policy::WitnessPolicy;
pub use proof::{
    consistency_proof, consistency_proof_nodes, inclusion_proof, inclusion_proof_nodes,
    verify_consistency, verify_inclusion,
};
pub use tile::TilePath;
pub use tree::{Frontier, HashReader, NodeId, tree_root, tree_root_nodes};
