//! # truce-store
//!
//! The one interface between Truce's log and a database. A backend stores
//! what the ledger hands it — leaves, tree nodes, checkpoints, confidential
//! parts — atomically and durably, and reads them back. It decides nothing:
//! admission, hashing and signing happen before anything reaches it.
//!
//! `conformance` holds the behaviour every backend must show; each backend's
//! tests run it against a real database.

pub mod blobs;
pub mod conformance;
pub mod upper;

use std::error::Error;
use truce_tlog::{Hash, HashReader, NodeId, TlogError};

/// Why a store could not do what was asked. Where a database or the
/// operating system failed, its own error is the `source`, not copied into
/// the message: whoever shows or logs the error walks the chain
/// ([`describe`]), and a caller can look at the cause itself.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended first: the batch was not written.
    #[error(
        "the log has {actual} records, but this batch starts at index {expected}: another writer appended first"
    )]
    Conflict { expected: u64, actual: u64 },
    /// What the store holds is not what a store of this log can hold.
    #[error("the store is corrupt: {0}")]
    Corrupt(String),
    /// The database refused or failed an operation (its error is the source).
    #[error("{context}")]
    Database {
        context: String,
        #[source]
        source: Box<dyn Error + Send + Sync>,
    },
    /// The file system failed (its error is the source).
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// The store cannot do what was asked for a reason of its own, with no
    /// error beneath: opened read-only, a schema of another version, a pool
    /// poisoned by a panic, no connection free in time, a value the
    /// database cannot hold.
    #[error("{0}")]
    Unusable(String),
}

impl StoreError {
    /// The database failed while doing `context`.
    pub fn database(
        context: impl Into<String>,
        source: impl Into<Box<dyn Error + Send + Sync>>,
    ) -> Self {
        StoreError::Database {
            context: context.into(),
            source: source.into(),
        }
    }

    /// The file system failed while doing `context`.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io {
            context: context.into(),
            source,
        }
    }
}

/// An error and its causes on one line, each after a colon (`anyhow`'s
/// `{:#}` form): what to show or log, since an error's own message leaves
/// its cause to `source()`. A cause that spans lines (PostgreSQL's
/// messages can) is kept on the one line.
pub fn describe(error: &dyn Error) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        out.push_str(": ");
        out.push_str(&e.to_string().replace('\n', "; "));
        cause = e.source();
    }
    out
}

/// One record as the ledger appends it. Only what `truce verify` can check
/// is stored: the leaf, its hash, and the opening of its confidential part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecord {
    pub index: u64,
    pub hash: Hash,
    /// The exact leaf bytes.
    pub leaf: Vec<u8>,
    /// The confidential part's opening (canonical JSON), stored apart from the leaf.
    pub opening: Option<Vec<u8>>,
}

/// What one append writes in one transaction: records, the tree nodes they
/// complete, and the checkpoint that signs the new tree.
#[derive(Clone, Debug, Default)]
pub struct AppendBatch {
    pub records: Vec<NewRecord>,
    pub nodes: Vec<(NodeId, Hash)>,
    pub checkpoint: Option<StoredCheckpoint>,
}

impl AppendBatch {
    /// Refuses, with `Conflict`, a batch whose first record is not at
    /// `size`: the log's size as the store finds it, holding its append lock.
    pub fn check_starts_at(&self, size: u64) -> Result<(), StoreError> {
        match self.records.first() {
            Some(first) if first.index != size => Err(StoreError::Conflict {
                expected: first.index,
                actual: size,
            }),
            _ => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    /// The signed note, exactly as served.
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    pub index: u64,
    pub hash: Hash,
    pub leaf: Vec<u8>,
}

/// A log store. Implementations must make `append` atomic (all or nothing)
/// and durable before it returns: the ledger acknowledges a record only after.
pub trait Store: Send + Sync {
    /// Appends a batch whose first record has index == current size; fails
    /// with `Conflict` (writing nothing) otherwise.
    fn append(&self, batch: &AppendBatch) -> Result<(), StoreError>;
    /// Number of records.
    fn size(&self) -> Result<u64, StoreError>;
    /// Records with index in `[start, end)`, in order.
    fn records(&self, start: u64, end: u64) -> Result<Vec<StoredRecord>, StoreError>;

    /// Stored tree node hashes, in the order asked; an absent node is an error.
    fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError>;
    /// Every stored node at `level` with index in `[start, end)`, in order.
    fn nodes_at_level(
        &self,
        level: u8,
        start: u64,
        end: u64,
    ) -> Result<Vec<(NodeId, Hash)>, StoreError>;
    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError>;
    /// Every checkpoint the log has signed, smallest first.
    fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError>;
    /// The checkpoint the log signed at `size`, if it signed one.
    fn checkpoint_at(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError>;
    /// The largest checkpoint the log signed at `size` or below, if any: a
    /// mirror copies a long log in steps from one such checkpoint to the
    /// next, so it never holds more than a step of unproven records.
    fn checkpoint_at_most(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError>;
    /// Keeps witnesses' cosignature lines (each a whole `— name base64`
    /// line, ending in a newline) for the checkpoint of `size`, and, when
    /// `quorum_met`, that this checkpoint met the witness policy's quorum.
    /// Append-only and idempotent, like the rest of the log: a line kept
    /// before is not kept twice, nothing is removed. `Unusable` if the log
    /// signed no checkpoint of that size.
    fn add_cosignatures(
        &self,
        size: u64,
        lines: &[String],
        quorum_met: bool,
    ) -> Result<(), StoreError>;
    /// The cosignature lines kept for the checkpoint of `size`, in a fixed
    /// order (by line).
    fn cosignatures(&self, size: u64) -> Result<Vec<String>, StoreError>;
    /// The largest checkpoint size whose cosignatures met the quorum.
    fn latest_witnessed_size(&self) -> Result<Option<u64>, StoreError>;
    /// The opening of a record's confidential part, if it has one.
    fn opening(&self, index: u64) -> Result<Option<Vec<u8>>, StoreError>;
    /// The indexes of every record with a stored opening, in order.
    fn opening_indexes(&self) -> Result<Vec<u64>, StoreError>;
    /// How many tree nodes above the leaves are stored (a tree of n leaves
    /// has exactly n − popcount(n) complete subtrees above level 0).
    fn internal_node_count(&self) -> Result<u64, StoreError>;
}

/// The checkpoint of `size` with the cosignatures kept for it, as one
/// signed note (the log's signature, then each witness's).
pub fn cosigned_checkpoint(
    store: &dyn Store,
    size: u64,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    let Some(mut checkpoint) = store.checkpoint_at(size)? else {
        return Ok(None);
    };
    for line in store.cosignatures(size)? {
        checkpoint.note.push_str(&line);
    }
    Ok(Some(checkpoint))
}

/// The checkpoint a reader should be given. When the witness policy has a
/// quorum (`quorum_required`), the latest whose cosignatures met it, with
/// them — a reader holding the log to the policy can check nothing newer —
/// or, while none has, the latest. With `quorum none`, the latest, with
/// whatever cosignatures it has.
pub fn served_checkpoint(
    store: &dyn Store,
    quorum_required: bool,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    let witnessed = if quorum_required {
        store.latest_witnessed_size()?
    } else {
        None
    };
    let size = match witnessed {
        Some(size) => size,
        None => match store.latest_checkpoint()? {
            Some(latest) => latest.size,
            None => return Ok(None),
        },
    };
    cosigned_checkpoint(store, size)
}

/// Lets the Merkle algorithms read a store's nodes (one query per proof).
pub struct StoreHashes<'a, S: ?Sized>(pub &'a S);

impl<S: Store + ?Sized> HashReader for StoreHashes<'_, S> {
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, TlogError> {
        self.0
            .nodes(ids)
            .map_err(|e| TlogError::Storage(describe(&e)))
    }
}
