//! A store whose calls may be made from the mirror's async code. The
//! mirror's rounds call the store between awaits; the PostgreSQL store's
//! client (the `postgres` crate) drives its own runtime with `block_on`,
//! which panics inside another runtime ("Cannot start a runtime from within
//! a runtime"). Each call here runs in `block_in_place`: on the
//! multi-threaded runtime the mirror runs on, the thread leaves the runtime
//! for the call (other tasks move to other workers); outside any runtime,
//! and on `spawn_blocking` threads, the call runs as it is.

use std::sync::Arc;
use truce_store::{AppendBatch, Store, StoreError, StoredCheckpoint, StoredRecord};
use truce_tlog::{Hash, NodeId};

/// `inner`, each call made off the async runtime.
pub struct BlockingStore(pub Arc<dyn Store>);

fn off<T>(call: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(call)
}

impl Store for BlockingStore {
    fn append(&self, batch: &AppendBatch) -> Result<(), StoreError> {
        off(|| self.0.append(batch))
    }
    fn size(&self) -> Result<u64, StoreError> {
        off(|| self.0.size())
    }
    fn records(&self, start: u64, end: u64) -> Result<Vec<StoredRecord>, StoreError> {
        off(|| self.0.records(start, end))
    }
    fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
        off(|| self.0.nodes(ids))
    }
    fn nodes_at_level(
        &self,
        level: u8,
        start: u64,
        end: u64,
    ) -> Result<Vec<(NodeId, Hash)>, StoreError> {
        off(|| self.0.nodes_at_level(level, start, end))
    }
    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        off(|| self.0.latest_checkpoint())
    }
    fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        off(|| self.0.checkpoints())
    }
    fn checkpoint_at(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        off(|| self.0.checkpoint_at(size))
    }
    fn checkpoint_at_most(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        off(|| self.0.checkpoint_at_most(size))
    }
    fn add_cosignatures(
        &self,
        size: u64,
        lines: &[String],
        quorum_met: bool,
    ) -> Result<(), StoreError> {
        off(|| self.0.add_cosignatures(size, lines, quorum_met))
    }
    fn cosignatures(&self, size: u64) -> Result<Vec<String>, StoreError> {
        off(|| self.0.cosignatures(size))
    }
    fn latest_witnessed_size(&self) -> Result<Option<u64>, StoreError> {
        off(|| self.0.latest_witnessed_size())
    }
    fn opening(&self, index: u64) -> Result<Option<Vec<u8>>, StoreError> {
        off(|| self.0.opening(index))
    }
    fn opening_indexes(&self) -> Result<Vec<u64>, StoreError> {
        off(|| self.0.opening_indexes())
    }
    fn internal_node_count(&self) -> Result<u64, StoreError> {
        off(|| self.0.internal_node_count())
    }
}
