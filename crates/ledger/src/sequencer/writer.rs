//! The second stage: each batch signed and written in one durable
//! transaction, then acknowledged — or, when the write fails, answered
//! after the state is rebuilt.

use super::handoff::{Handoff, Pending, WriterDeparture};
use super::rebuild::{REBUILD_WAIT, Rebuild, built_on_failed};
use crate::shared::Shared;
use crate::submission::{Receipt, SubmitError};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use truce_store::{AppendBatch, Store, StoreError, StoredCheckpoint, describe};
use truce_tlog::Checkpoint;

pub(super) fn write_loop(shared: &Shared, handoff: &Handoff, sync: &Rebuild) {
    let _departure = WriterDeparture(handoff);
    let mut dead_epoch = None;
    while let Some(mut batch) = handoff.take() {
        if dead_epoch.is_some_and(|dead| batch.epoch <= dead) {
            for (_, job) in batch.admitted {
                (job.reply)(Err(built_on_failed()));
            }
            continue;
        }
        let result = sign_checkpoint(shared, &batch).and_then(|checkpoint| {
            batch.write.checkpoint = Some(checkpoint);
            shared
                .store
                .append(&batch.write)
                .map_err(|e| Failure::Store(Arc::new(e)))
        });
        // After an error, the store itself says whether the batch landed (an
        // error can come after the commit, e.g. from a failing fsync report
        // or a connection lost before the commit's answer): it did if our
        // records are at our indexes — not merely if the log grew, since
        // another server may have appended in our place.
        let mut landed = match &result {
            Ok(()) => Landed::Yes,
            // Nothing was written without a checkpoint to write.
            Err(Failure::Sign(_)) => Landed::No,
            Err(Failure::Store(_)) => batch_landed(shared.store.as_ref(), &batch.write),
        };
        if landed != Landed::Yes {
            // Rebuild before answering, so a submitter that retries at once
            // (or asks for its next sequence number) finds the state rebuilt,
            // not still holding the record that failed.
            dead_epoch = Some(batch.epoch);
            let before = sync.attempts.load(Ordering::SeqCst);
            sync.wanted.store(true, Ordering::SeqCst);
            let asked = Instant::now();
            while sync.attempts.load(Ordering::SeqCst) == before && asked.elapsed() < REBUILD_WAIT {
                std::thread::sleep(Duration::from_millis(1));
            }
            // The store could not say: ask it again, now that the rebuild
            // has read it (or given up trying).
            if let Landed::Unknown(_) = landed {
                landed = batch_landed(shared.store.as_ref(), &batch.write);
            }
        }
        let failure = result.err();
        match landed {
            Landed::Yes => {
                shared.durable.fetch_max(batch.size_after, Ordering::SeqCst);
                for (first, job) in batch.admitted {
                    let receipts = (first..)
                        .zip(&job.items)
                        .map(|(index, item)| Receipt {
                            index,
                            leaf_hash: item.record.hash(),
                            tree_size: batch.size_after,
                        })
                        .collect();
                    (job.reply)(Ok(receipts));
                }
            }
            Landed::No => {
                for (_, job) in batch.admitted {
                    (job.reply)(Err(not_stored(failure.as_ref())));
                }
            }
            Landed::Unknown(why) => {
                for (_, job) in batch.admitted {
                    (job.reply)(Err(match &failure {
                        Some(Failure::Store(written)) => SubmitError::Unknown {
                            written: Arc::clone(written),
                            read_back: why.clone(),
                        },
                        other => not_stored(other.as_ref()),
                    }));
                }
            }
        }
    }
}

/// Why a batch was not written.
enum Failure {
    /// Its checkpoint could not be signed (why).
    Sign(String),
    /// The store failed; every record of the batch is answered with it.
    Store(Arc<StoreError>),
}

/// The answer to each record of a batch that is not in the store.
fn not_stored(failure: Option<&Failure>) -> SubmitError {
    match failure {
        Some(Failure::Store(e)) => SubmitError::Storage(Arc::clone(e)),
        Some(Failure::Sign(why)) => SubmitError::Unavailable {
            reason: format!("the checkpoint cannot be signed: {why}"),
            cause: None,
        },
        None => built_on_failed(),
    }
}

/// Whether a batch whose write reported an error is in the store after all.
#[derive(Debug, PartialEq, Eq)]
enum Landed {
    Yes,
    No,
    /// The store could not be read to tell (why).
    Unknown(String),
}

fn batch_landed(store: &dyn Store, batch: &AppendBatch) -> Landed {
    let (Some(first), Some(last)) = (batch.records.first(), batch.records.last()) else {
        return Landed::No;
    };
    match store.records(first.index, last.index.saturating_add(1)) {
        Ok(stored)
            if stored.len() == batch.records.len()
                && stored
                    .iter()
                    .zip(&batch.records)
                    .all(|(s, r)| s.index == r.index && s.hash == r.hash) =>
        {
            Landed::Yes
        }
        Ok(_) => Landed::No,
        Err(e) => Landed::Unknown(describe(&e)),
    }
}

/// The signed checkpoint for the tree as it will be once `batch` is written.
/// (It cannot fail with a valid key; if it does, the batch is not written,
/// and the state is rebuilt from the store as after any failed write.)
fn sign_checkpoint(shared: &Shared, batch: &Pending) -> Result<StoredCheckpoint, Failure> {
    // A read-only ledger refuses submissions before they are queued; this
    // is the last line should one ever reach the writer.
    let signer = shared
        .signer
        .as_ref()
        .ok_or_else(|| Failure::Sign("a read-only copy of the log signs nothing".into()))?;
    let checkpoint = Checkpoint {
        origin: signer.name().to_string(),
        size: batch.size_after,
        root: batch.root,
        extensions: vec![],
    };
    let note = checkpoint
        .sign(signer)
        .map_err(|e| Failure::Sign(e.to_string()))?;
    Ok(StoredCheckpoint {
        size: batch.size_after,
        note,
    })
}
