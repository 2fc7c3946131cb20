//! The query index follows the store: it reads whatever records the store
//! holds beyond what it has seen — this server's or another server's on the
//! same database — before answering.

use crate::error::ApiError;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use truce_core::Record;
use truce_index::Index;
use truce_store::Store;

pub struct IndexFollower {
    store: Arc<dyn Store>,
    index: RwLock<Index>,
}

impl IndexFollower {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            index: RwLock::new(Index::new()),
        }
    }

    /// Brings the index up to the store's size; cheap when nothing is new.
    /// Runs store reads: call it from a blocking thread.
    pub fn catch_up(&self) -> Result<(), ApiError> {
        let seen = self.read()?.len();
        let size = self.store.size()?;
        if seen >= size {
            return Ok(());
        }
        let mut index = self
            .index
            .write()
            .map_err(|_| ApiError::Internal("the query index is poisoned".into()))?;
        let mut next = index.len();
        while next < size {
            let end = (next + 2_000).min(size);
            for stored in self.store.records(next, end)? {
                let record = Record::from_json(&stored.leaf).map_err(|e| {
                    ApiError::Internal(format!("stored record {}: {e}", stored.index))
                })?;
                index.add(stored.index, &record).map_err(|e| {
                    ApiError::Internal(format!("indexing record {}: {e}", stored.index))
                })?;
            }
            next = end;
        }
        Ok(())
    }

    pub fn read(&self) -> Result<RwLockReadGuard<'_, Index>, ApiError> {
        self.index
            .read()
            .map_err(|_| ApiError::Internal("the query index is poisoned".into()))
    }
}
