//! The admission state and the tree's right edge, rebuilt from the store or
//! brought up to what others appended to it.

use crate::audit::{CHUNK, Pipeline};
use crate::shared::Shared;
use std::sync::atomic::{AtomicBool, Ordering};
use truce_core::LogState;
use truce_core::admission::Signatures;
use truce_core::record::Record;
use truce_store::{Store, StoreError, StoreHashes, StoredRecord};
use truce_tlog::Frontier;

/// Rebuilds the admission state and the tree's right edge from the store.
pub(crate) fn replay(store: &dyn Store) -> Result<(LogState, Frontier), StoreError> {
    replay_reporting(store, 0, &|_, _| {})
}

/// As [`replay`], with `workers` threads reading the stored leaves ahead of
/// the admission (none: all on this thread), telling `progress` how many of
/// how many records it has admitted after each chunk (a server over a big
/// log says so meanwhile).
pub(crate) fn replay_reporting(
    store: &dyn Store,
    workers: usize,
    progress: &dyn Fn(u64, u64),
) -> Result<(LogState, Frontier), StoreError> {
    let size = store.size()?;
    let mut state = LogState::new();
    // Room for the whole log and a sixteenth more, so that neither the
    // replay nor the appends soon after it grow the admission state's
    // columns (a sixteenth of the log: untouched until used, so not
    // resident; without it the first append after the replay would copy
    // them whole).
    state.reserve_records(size + size / 16);
    progress(0, size);
    if workers == 0 {
        admit_stored(store, &mut state, 0, size, progress)?;
    } else {
        admit_all_stored(store, &mut state, size, workers, progress)?;
    }
    let frontier = Frontier::from_reader(size, &StoreHashes(store))
        .map_err(|e| StoreError::Corrupt(format!("the tree cannot be read: {e}")))?;
    Ok((state, frontier))
}

/// Admits the stored records `start..end` into `state` (their signatures were
/// checked when they were first admitted, here or by another server, and
/// `truce verify` checks them all again).
fn admit_stored(
    store: &dyn Store,
    state: &mut LogState,
    mut start: u64,
    size: u64,
    progress: &dyn Fn(u64, u64),
) -> Result<(), StoreError> {
    while start < size {
        let end = (start + 10_000).min(size);
        for stored in store.records(start, end)? {
            admit(state, stored.index, &read_stored(&stored)?)?;
        }
        start = end;
        progress(start, size);
    }
    Ok(())
}

/// As [`admit_stored`] for the whole log from its start, with `workers`
/// threads reading the leaves ahead of the admission (the auditor's
/// pipeline, without its signature checks): reading is most of the work and
/// needs no state, admission stays in order on this thread. Only for a
/// replay that has the cores to itself: a server whose query index is still
/// being built from the log would see its first list later (see `truce
/// serve`).
fn admit_all_stored(
    store: &dyn Store,
    state: &mut LogState,
    size: u64,
    workers: usize,
    progress: &dyn Fn(u64, u64),
) -> Result<(), StoreError> {
    let prepare = |_: u64, stored: StoredRecord| (stored.index, read_stored(&stored));
    std::thread::scope(|scope| {
        let mut pipe = Pipeline::start(scope, workers, &prepare);
        let (mut read, mut admitted) = (0, 0);
        loop {
            while read < size && pipe.has_room() {
                let end = (read + CHUNK).min(size);
                pipe.submit(store.records(read, end)?);
                read = end;
            }
            let chunk = pipe
                .next_chunk()
                .map_err(|stopped| StoreError::Corrupt(stopped.reason))?;
            let Some(chunk) = chunk else {
                return Ok(());
            };
            let mut done = Vec::with_capacity(chunk.len());
            for (index, record) in chunk {
                let record = record?;
                admit(state, index, &record)?;
                done.push((index, Ok(record)));
            }
            admitted += done.len() as u64;
            pipe.free(done);
            progress(admitted, size);
        }
    })
}

/// A stored leaf as a record, checked against its stored hash.
fn read_stored(stored: &StoredRecord) -> Result<Record, StoreError> {
    // Stored leaves are canonical (the ledger stores nothing else): the
    // reader for exactly those bytes skips the intermediate JSON value
    // (`truce serve` over 1M records: first list at 17 s, not 21).
    let record = Record::from_canonical_leaf(&stored.leaf)
        .map_err(|e| StoreError::Corrupt(format!("record {} cannot be read: {e}", stored.index)))?;
    if record.hash() != stored.hash {
        return Err(StoreError::Corrupt(format!(
            "record {} does not hash to its stored hash; run `truce verify`",
            stored.index
        )));
    }
    Ok(record)
}

/// Admits a stored record (its signatures were checked when it was first
/// admitted).
fn admit(state: &mut LogState, index: u64, record: &Record) -> Result<(), StoreError> {
    state
        .admit_with(record, Signatures::TrustStore)
        .map_err(|e| {
            StoreError::Corrupt(format!(
                "record {index} is not admissible: {e}; run `truce verify`"
            ))
        })
}

/// Brings the state and the tree's right edge up to the store when others
/// have appended to it: only the new records are read and admitted. Called
/// only when nothing of ours is in flight, so every record in the store
/// beyond our tree is someone else's. A store that does not extend our tree
/// (it shrank, or its records do not admit) asks for a full rebuild instead.
pub(super) fn catch_up(
    shared: &Shared,
    frontier: &mut Frontier,
    rebuild: &AtomicBool,
) -> Result<u64, StoreError> {
    let ours = frontier.size();
    let stored = shared.store.size()?;
    if stored == ours {
        return Ok(ours);
    }
    let extended = if stored > ours {
        let mut state = shared.state_mut();
        extend_to(shared.store.as_ref(), &mut state, frontier, stored)
    } else {
        Err(StoreError::Corrupt(format!(
            "the store holds {stored} records, fewer than the {ours} admitted"
        )))
    };
    if let Err(e) = extended {
        // Records may have been half admitted: only a replay is sure.
        rebuild.store(true, Ordering::SeqCst);
        return Err(e);
    }
    shared.durable.store(stored, Ordering::SeqCst);
    Ok(stored)
}

/// Admits the stored records from the tree's size up to `size` (which the
/// store holds) and moves the tree's right edge there. On an error the state
/// may hold some of them: only a replay is sure then.
pub(crate) fn extend_to(
    store: &dyn Store,
    state: &mut LogState,
    frontier: &mut Frontier,
    size: u64,
) -> Result<(), StoreError> {
    admit_stored(store, state, frontier.size(), size, &|_, _| {})?;
    *frontier = Frontier::from_reader(size, &StoreHashes(store))
        .map_err(|e| StoreError::Corrupt(format!("the tree cannot be read: {e}")))?;
    Ok(())
}
