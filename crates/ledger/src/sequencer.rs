//! The sequencer: the single thread that admits records against the log's
//! state, extends the Merkle tree, signs a checkpoint and writes each batch in
//! one durable transaction (group commit) before acknowledging it.

use crate::ledger::{Receipt, Shared, SubmitError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use truce_core::admission::Signatures;
use truce_core::record::Record;
use truce_core::{Body, LogState, Rejection};
use truce_store::{AppendBatch, NewRecord, Store, StoreError, StoreHashes, StoredCheckpoint};
use truce_tlog::{Checkpoint, Frontier};

/// At most this many records go into one transaction.
const MAX_BATCH: usize = 4096;

/// A record on its way through the append path.
pub(crate) struct Job {
    pub record: Record,
    /// The keys its signatures must verify under, as the state named them.
    pub keys: Vec<ed25519_dalek::VerifyingKey>,
    /// The canonical opening of its confidential part, if any.
    pub opening: Option<Vec<u8>>,
    pub reply: Box<dyn FnOnce(Result<Receipt, SubmitError>) + Send>,
}

/// Rebuilds the admission state and the tree's right edge from the store.
pub(crate) fn replay(store: &dyn Store) -> Result<(LogState, Frontier), SubmitError> {
    let size = store.size()?;
    let mut state = LogState::new();
    let mut start = 0;
    while start < size {
        let end = (start + 10_000).min(size);
        for stored in store.records(start, end)? {
            let record = Record::from_json(&stored.leaf).map_err(|e| {
                StoreError::Corrupt(format!("record {} cannot be read: {e}", stored.index))
            })?;
            if record.hash != stored.hash {
                return Err(StoreError::Corrupt(format!(
                    "record {} does not hash to its stored hash; run `truce verify`",
                    stored.index
                ))
                .into());
            }
            state
                .admit_with(&record, Signatures::TrustStore)
                .map_err(|e| {
                    StoreError::Corrupt(format!(
                        "record {} is not admissible: {e}; run `truce verify`",
                        stored.index
                    ))
                })?;
        }
        start = end;
    }
    let frontier = Frontier::from_reader(size, &StoreHashes(store))
        .map_err(|e| StoreError::Corrupt(format!("the tree cannot be read: {e}")))?;
    Ok((state, frontier))
}

/// A batch admitted and ready to be written.
struct Pending {
    write: AppendBatch,
    admitted: Vec<(u64, Job)>,
    size_after: u64,
    /// Batches are admitted in epochs: when a write fails, every batch of its
    /// epoch (built on top of it) is failed too, and admission starts a new
    /// epoch from the state rebuilt from the store.
    epoch: u64,
}

/// Runs the two stages of sequencing: admission (this thread) and writing
/// (a second one). While one batch is being made durable, the next is
/// admitted, so the fsync of a commit never stalls admission.
pub(crate) fn run(shared: &Shared, frontier: Frontier, jobs: &Receiver<Job>) {
    // One batch waiting while another is written: memory runs at most two
    // batches ahead of the disk, and no record is acknowledged before its own.
    let (to_writer, pending) = mpsc::sync_channel::<Pending>(1);
    let rebuild = &AtomicBool::new(false);
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("truce-writer".into())
            .spawn_scoped(scope, move || write_loop(shared, &pending, rebuild));
        if writer.is_ok() {
            admit_loop(shared, frontier, jobs, &to_writer, rebuild);
        }
        // Closing the channel lets the writer finish what it holds and stop.
        drop(to_writer);
    });
}

fn admit_loop(
    shared: &Shared,
    mut frontier: Frontier,
    jobs: &Receiver<Job>,
    to_writer: &SyncSender<Pending>,
    rebuild: &AtomicBool,
) {
    let mut epoch = 0;
    while let Some(batch) = next_batch(jobs, MAX_BATCH) {
        if rebuild.swap(false, Ordering::SeqCst) {
            // A write failed: memory is ahead of the disk. Rebuild both from
            // the store before admitting anything more.
            match replay(shared.store.as_ref()) {
                Ok((state, tree)) => {
                    *write_state(shared) = state;
                    frontier = tree;
                    epoch += 1;
                }
                Err(_) => {
                    // Fail closed: state and store cannot be reconciled, so
                    // nothing more is accepted. Returning drops the receiver,
                    // and every later submission fails with `Closed`.
                    for job in batch {
                        (job.reply)(Err(SubmitError::Closed));
                    }
                    return;
                }
            }
        }
        let Some(pending) = admit(shared, &mut frontier, batch, epoch, rebuild) else {
            continue;
        };
        if let Err(unsent) = to_writer.send(pending) {
            for (_, job) in unsent.0.admitted {
                (job.reply)(Err(SubmitError::Closed));
            }
            return;
        }
    }
}

fn write_loop(shared: &Shared, pending: &Receiver<Pending>, rebuild: &AtomicBool) {
    let mut dead_epoch = None;
    while let Ok(batch) = pending.recv() {
        if dead_epoch.is_some_and(|dead| batch.epoch <= dead) {
            for (_, job) in batch.admitted {
                (job.reply)(Err(SubmitError::Storage(StoreError::Io(
                    "an earlier batch this one builds on could not be written; submit again".into(),
                ))));
            }
            continue;
        }
        let result = shared.store.append(&batch.write);
        // After an error, the store itself says whether the batch landed (an
        // error can come after the commit, e.g. from a failing fsync report).
        let landed = match &result {
            Ok(()) => true,
            Err(_) => shared
                .store
                .size()
                .is_ok_and(|size| size >= batch.size_after),
        };
        if landed {
            for (index, job) in batch.admitted {
                (job.reply)(Ok(Receipt {
                    index,
                    leaf_hash: job.record.hash,
                    tree_size: batch.size_after,
                }));
            }
        } else {
            // Ask for the rebuild before answering, so a submitter that
            // retries at once finds the state rebuilt, not still holding
            // the record that failed.
            dead_epoch = Some(batch.epoch);
            rebuild.store(true, Ordering::SeqCst);
            let message = result.err().map_or_else(String::new, |e| e.to_string());
            for (_, job) in batch.admitted {
                (job.reply)(Err(SubmitError::Storage(StoreError::Io(message.clone()))));
            }
        }
    }
}

/// Waits for one item, then takes whatever else is already queued, up to
/// `max`: batches form from what arrives while the stage is busy, never by
/// waiting for company. `None` once the queue is closed and empty.
pub(crate) fn next_batch<T>(queue: &Receiver<T>, max: usize) -> Option<Vec<T>> {
    let first = queue.recv().ok()?;
    let mut batch = vec![first];
    while batch.len() < max {
        match queue.try_recv() {
            Ok(item) => batch.push(item),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
        }
    }
    Some(batch)
}

fn write_state(shared: &Shared) -> std::sync::RwLockWriteGuard<'_, LogState> {
    match shared.state.write() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Admits one batch against the state, extends the tree and signs the
/// checkpoint for it. Refused records are answered here; `None` when nothing
/// was admitted.
fn admit(
    shared: &Shared,
    frontier: &mut Frontier,
    batch: Vec<Job>,
    epoch: u64,
    rebuild: &AtomicBool,
) -> Option<Pending> {
    let mut write = AppendBatch::default();
    let mut admitted = Vec::new();
    let mut refused = Vec::new();
    {
        let mut state = write_state(shared);
        for job in batch {
            let result = check_log_key(shared, &job.record).and_then(|()| {
                if frontier.size() == u64::MAX {
                    return Err(Rejection::Rule("the log is full".into()));
                }
                state.admit_with(&job.record, Signatures::VerifiedWith(&job.keys))
            });
            if let Err(rejection) = result {
                refused.push((job, rejection));
                continue;
            }
            let index = frontier.size();
            // Cannot fail after the size check above.
            write
                .nodes
                .extend(frontier.try_append(job.record.hash).unwrap_or_default());
            write.records.push(NewRecord {
                index,
                hash: job.record.hash,
                leaf: job.record.leaf.clone(),
                opening: job.opening.clone(),
            });
            admitted.push((index, job));
        }
    }
    // Replies run outside the lock: a reply may well read the state.
    for (job, rejection) in refused {
        (job.reply)(Err(rejection.into()));
    }
    if admitted.is_empty() {
        return None;
    }
    let checkpoint = Checkpoint {
        origin: shared.signer.name().to_string(),
        size: frontier.size(),
        root: frontier.root(),
        extensions: vec![],
    };
    match checkpoint.sign(&shared.signer) {
        Ok(note) => {
            write.checkpoint = Some(StoredCheckpoint {
                size: frontier.size(),
                note,
            })
        }
        Err(e) => {
            // Cannot happen with a valid key; if it does, the batch is not
            // written and the state is rebuilt from the store before the next.
            let message = format!("cannot sign the checkpoint: {e}");
            for (_, job) in admitted {
                (job.reply)(Err(SubmitError::Storage(StoreError::Io(message.clone()))));
            }
            rebuild.store(true, Ordering::SeqCst);
            return None;
        }
    }
    Some(Pending {
        write,
        admitted,
        size_after: frontier.size(),
        epoch,
    })
}

/// The charter must name this log's own checkpoint key, or nobody could
/// verify the checkpoints the log signs.
fn check_log_key(shared: &Shared, record: &Record) -> Result<(), Rejection> {
    if let Body::Charter(charter) = &record.body
        && charter.log_key.verifier() != &shared.signer.verifier()
    {
        return Err(Rejection::Rule(format!(
            "the charter names log key {}, but this log signs with {}",
            charter.log_key.verifier().vkey(),
            shared.signer.verifier().vkey()
        )));
    }
    Ok(())
}
