//! Indexes of the log as it stood at past moments, kept once built, and
//! the timeline the UI's slider reads: the cache `asof` answers from. It
//! knows the store and the query index, not the server's state, so the
//! state can hold it without the two modules naming each other.

use crate::error::{ApiError, detail, parse_stored};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde::Serialize;
use std::sync::{Arc, Mutex, TryLockError};
use truce_core::values::Timestamp;
use truce_index::Index;
use truce_store::Store;

/// Bytes of past indexes kept by default (least used out first).
pub const DEFAULT_CAPACITY_BYTES: u64 = 128 << 20;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    size: u64,
    at: Option<i64>,
}

#[derive(Clone)]
struct ByHeap;

impl Weighter<Key, Arc<Index>> for ByHeap {
    fn weight(&self, _key: &Key, index: &Arc<Index>) -> u64 {
        // Never 0: a weightless entry would never be evicted.
        index.heap_bytes() as u64 + 1024
    }
}

/// Indexes of the past, kept once built; and the timeline the UI's slider
/// reads, kept per log size.
pub struct AsOfIndexes {
    kept: Cache<Key, Arc<Index>, ByHeap>,
    /// Held while an index is built: one at a time on the whole server.
    building: Mutex<()>,
    timeline: Mutex<Option<Arc<Timeline>>>,
}

impl Default for AsOfIndexes {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY_BYTES)
    }
}

impl AsOfIndexes {
    pub fn new(capacity_bytes: u64) -> Self {
        Self {
            // The estimated count only sizes the tables.
            kept: Cache::with_weighter(16, capacity_bytes.max(1), ByHeap),
            building: Mutex::new(()),
            timeline: Mutex::new(None),
        }
    }

    /// The index of the log's first `size` records claimed no later than
    /// `at`: kept, or built (once, however many ask for it at the same time).
    pub fn index(
        &self,
        store: &dyn Store,
        size: u64,
        at: Option<Timestamp>,
    ) -> Result<Arc<Index>, ApiError> {
        let key = Key {
            size,
            at: at.map(|t| t.unix()),
        };
        self.kept.get_or_insert_with(&key, || {
            let _building = match self.building.try_lock() {
                Ok(guard) => guard,
                // A build that panicked left nothing behind but the flag.
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    return Err(ApiError::TooManyRequests(detail!("asof.busy")));
                }
            };
            build(store, size, at).map(Arc::new)
        })
    }

    /// Indexes kept now, for tests.
    pub fn kept(&self) -> usize {
        self.kept.len()
    }
}

/// One pass over the log's first `size` records: those claimed after `at`
/// take up their positions and nothing more — but for the charter, which
/// always counts: it sets the rules every record is read by, and may be
/// signed after the events it covers are dated (records are back-filled to
/// its `effective` time).
pub fn build(store: &dyn Store, size: u64, at: Option<Timestamp>) -> Result<Index, ApiError> {
    let mut index = Index::new();
    let mut next = 0;
    while next < size {
        crate::error::abandoned()?;
        let end = (next + 2_000).min(size);
        for stored in store.records(next, end)? {
            let record = parse_stored(stored.index, &stored.leaf)?;
            let counted = stored.index == 0 || at.is_none_or(|at| record.time() <= at);
            if counted {
                index.add(stored.index, &record)
            } else {
                index.skip(stored.index, record.kind())
            }
            .map_err(|e| {
                ApiError::Internal(detail!(
                    "internal.indexing",
                    index = stored.index,
                    cause = e
                ))
            })?;
        }
        next = end;
    }
    Ok(index)
}

/// What the UI's "as of" control offers: the log's span in time and
/// positions along it.
#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    /// The log's size now.
    pub size: u64,
    /// When the charter took effect: the earliest moment a record may claim,
    /// and the earliest `at` a view takes.
    pub charter: Timestamp,
    /// The latest time a record in the log claims.
    pub latest: Timestamp,
    /// The server's time.
    pub now: Timestamp,
    /// Up to 200 tree sizes spread over the log (the last always the log's
    /// size), each with the time its last record claims: where a slider may
    /// stop. Any size from 1 to `size` may be asked for.
    pub steps: Vec<TimelineStep>,
}

#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineStep {
    pub size: u64,
    pub time: Timestamp,
}

impl AsOfIndexes {
    /// The timeline kept for a log of `size` records, if any.
    pub fn timeline_of(&self, size: u64) -> Option<Arc<Timeline>> {
        self.timeline
            .lock()
            .ok()
            .and_then(|kept| kept.as_ref().filter(|t| t.size == size).map(Arc::clone))
    }

    /// Keeps `timeline` until the log grows.
    pub fn keep_timeline(&self, timeline: &Arc<Timeline>) {
        if let Ok(mut kept) = self.timeline.lock() {
            *kept = Some(Arc::clone(timeline));
        }
    }
}
