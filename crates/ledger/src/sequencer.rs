//! The sequencer: the single thread that admits records against the log's
//! state, extends the Merkle tree, signs a checkpoint and writes each batch in
//! one durable transaction (group commit) before acknowledging it.

use crate::ledger::{Receipt, Shared, SubmitError};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use truce_core::admission::Signatures;
use truce_core::record::Record;
use truce_core::{Body, LogState, Rejection, RuleViolation};
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

/// What reaches the sequencer: a verified record, or a request to catch up
/// with records another server (or `truce submit`) appended to the store.
// Nearly every item is a record: boxing it to shrink the rare request would
// cost an allocation per record on the hot path.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Work {
    Record(Job),
    /// Answered with the log's size once the state has caught up.
    CatchUp(SyncSender<Result<u64, SubmitError>>),
}

/// Rebuilds the admission state and the tree's right edge from the store.
pub(crate) fn replay(store: &dyn Store) -> Result<(LogState, Frontier), SubmitError> {
    let size = store.size()?;
    let mut state = LogState::new();
    admit_stored(store, &mut state, 0, size)?;
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
) -> Result<(), SubmitError> {
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
    Ok(())
}

/// Brings the state and the tree's right edge up to the store when others
/// have appended to it: only the new records are read and admitted. Called
/// only when nothing of ours is in flight, so every record in the store
/// beyond our tree is someone else's. A store that does not extend our tree
/// (it shrank, or its records do not admit) asks for a full rebuild instead.
fn catch_up(
    shared: &Shared,
    frontier: &mut Frontier,
    rebuild: &AtomicBool,
) -> Result<u64, SubmitError> {
    let ours = frontier.size();
    let stored = shared.store.size()?;
    if stored == ours {
        return Ok(ours);
    }
    let extended = if stored > ours {
        let mut state = write_state(shared);
        admit_stored(shared.store.as_ref(), &mut state, ours, stored)
    } else {
        Err(StoreError::Corrupt(format!(
            "the store holds {stored} records, fewer than the {ours} admitted"
        ))
        .into())
    };
    if let Err(e) = extended {
        // Records may have been half admitted: only a replay is sure.
        rebuild.store(true, Ordering::SeqCst);
        return Err(e);
    }
    *frontier = Frontier::from_reader(stored, &StoreHashes(shared.store.as_ref()))
        .map_err(|e| StoreError::Corrupt(format!("the tree cannot be read: {e}")))?;
    shared.durable.store(stored, Ordering::SeqCst);
    Ok(stored)
}

/// A batch admitted and ready to be written. Its checkpoint is signed by the
/// writer, once per commit, since batches admitted while a commit runs are
/// merged into one.
struct Pending {
    write: AppendBatch,
    admitted: Vec<(u64, Job)>,
    size_after: u64,
    /// The tree's root at `size_after`.
    root: truce_tlog::Hash,
    /// Batches are admitted in epochs: when a write fails, every batch of its
    /// epoch (built on top of it) is failed too, and admission starts a new
    /// epoch from the state rebuilt from the store.
    epoch: u64,
}

impl Pending {
    /// Appends `later`, admitted right after this one in the same epoch.
    fn extend(&mut self, later: Pending) {
        self.write.records.extend(later.write.records);
        self.write.nodes.extend(later.write.nodes);
        self.admitted.extend(later.admitted);
        self.size_after = later.size_after;
        self.root = later.root;
    }
}

/// Where admission leaves batches for the writer. Batches admitted while the
/// writer is busy are merged, so each commit takes everything admitted during
/// the one before it: measured with 64 clients, a direct hand-over of each
/// batch (a channel of one) made a third of all commits hold one record and
/// averaged 11, where this forms batches as large as the commit time allows,
/// with no waiting for company.
struct Handoff {
    slot: Mutex<Slot>,
    changed: Condvar,
}

#[derive(Default)]
struct Slot {
    pending: Option<Pending>,
    /// Admission has stopped: the writer finishes what is left and stops.
    closed: bool,
    /// The writer has stopped (it never should before admission, but if it
    /// panicked, admission must not wait for it).
    writer_gone: bool,
}

/// Why admitted records cannot be left for the writer.
enum Unwritable {
    /// A write failed meanwhile, and these records were admitted on top of it.
    BuiltOnFailed(Vec<(u64, Job)>),
    /// The writer has stopped.
    WriterGone(Vec<(u64, Job)>),
}

/// Tells admission when the writer stops, however it stops.
struct WriterDeparture<'a>(&'a Handoff);

impl Drop for WriterDeparture<'_> {
    fn drop(&mut self) {
        self.0.lock().writer_gone = true;
        self.0.changed.notify_all();
    }
}

impl Handoff {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Leaves `batch` for the writer, merged into what waits there. Waits
    /// while the waiting batch belongs to another epoch (it must be written
    /// or failed on its own) or already holds `MAX_BATCH` records (memory
    /// stays a bounded distance ahead of the disk) — but gives the batch's
    /// records back if meanwhile a write fails (they build on that write,
    /// and the writer waits for admission to rebuild the state before it
    /// takes anything more) or the writer has stopped.
    fn put(&self, batch: Pending, rebuild: &AtomicBool) -> Result<(), Unwritable> {
        let mut slot = self.lock();
        loop {
            if slot.writer_gone {
                return Err(Unwritable::WriterGone(batch.admitted));
            }
            let must_wait = slot.pending.as_ref().is_some_and(|waiting| {
                waiting.epoch != batch.epoch || waiting.admitted.len() >= MAX_BATCH
            });
            if !must_wait {
                break;
            }
            if rebuild.load(Ordering::SeqCst) {
                return Err(Unwritable::BuiltOnFailed(batch.admitted));
            }
            slot = self
                .changed
                .wait_timeout(slot, REBUILD_POLL)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        match &mut slot.pending {
            Some(waiting) => waiting.extend(batch),
            None => slot.pending = Some(batch),
        }
        self.changed.notify_all();
        Ok(())
    }

    /// Takes everything waiting, waiting for something if need be; `None`
    /// once admission has stopped and nothing is left.
    fn take(&self) -> Option<Pending> {
        let mut slot = self.lock();
        loop {
            if let Some(batch) = slot.pending.take() {
                self.changed.notify_all();
                return Some(batch);
            }
            if slot.closed {
                return None;
            }
            slot = self
                .changed
                .wait(slot)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}

/// Runs the two stages of sequencing: admission (this thread) and writing
/// (a second one). While one batch is being made durable, the next is
/// admitted, so the fsync of a commit never stalls admission.
pub(crate) fn run(shared: &Shared, frontier: Frontier, jobs: &Receiver<Work>) {
    let handoff = &Handoff {
        slot: Mutex::new(Slot::default()),
        changed: Condvar::new(),
    };
    let sync = &Rebuild {
        wanted: AtomicBool::new(false),
        attempts: AtomicU64::new(0),
    };
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("truce-writer".into())
            .spawn_scoped(scope, move || write_loop(shared, handoff, sync));
        if writer.is_ok() {
            admit_loop(shared, frontier, jobs, handoff, sync);
        }
        // The writer finishes what is left and stops.
        handoff.close();
    });
}

fn admit_loop(
    shared: &Shared,
    mut frontier: Frontier,
    jobs: &Receiver<Work>,
    handoff: &Handoff,
    sync: &Rebuild,
) {
    let mut epoch = 0;
    // Requests to catch up, answered once nothing of ours is in flight.
    let mut catch_ups: Vec<SyncSender<Result<u64, SubmitError>>> = Vec::new();
    // While the store cannot be read back after a failed write (a database
    // that is down, say), rebuilding is retried at growing intervals.
    let mut retry = Retry::default();
    loop {
        // Wake at least every few milliseconds, so a rebuild asked for by the
        // writer happens at once, not only when the next record arrives.
        let work = match jobs.recv_timeout(REBUILD_POLL) {
            Ok(first) => drain(jobs, first, MAX_BATCH),
            Err(RecvTimeoutError::Timeout) => Vec::new(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut records = Vec::with_capacity(work.len());
        for item in work {
            match item {
                Work::Record(job) => records.push(job),
                Work::CatchUp(reply) => catch_ups.push(reply),
            }
        }
        let batch = (!records.is_empty()).then_some(records);
        if retry.due() && sync.wanted.swap(false, Ordering::SeqCst) {
            // A write failed: memory is ahead of the disk. Rebuild both from
            // the store before admitting anything more.
            match replay(shared.store.as_ref()) {
                Ok((state, tree)) => {
                    *write_state(shared) = state;
                    frontier = tree;
                    shared.durable.store(frontier.size(), Ordering::SeqCst);
                    epoch += 1;
                    retry = Retry::default();
                }
                Err(e) => {
                    // Still owed: nothing is admitted on a state the store
                    // may not hold, until a later attempt succeeds.
                    sync.wanted.store(true, Ordering::SeqCst);
                    retry.failed(e.to_string());
                }
            }
            sync.attempts.fetch_add(1, Ordering::SeqCst);
        }
        if let Some(why) = retry.pending(sync) {
            let message = format!(
                "the log cannot be read back from the store since a write failed ({why}); submit again"
            );
            for reply in catch_ups.drain(..) {
                let _ = reply.send(Err(SubmitError::Storage(StoreError::Io(message.clone()))));
            }
            for job in batch.into_iter().flatten() {
                (job.reply)(Err(SubmitError::Storage(StoreError::Io(message.clone()))));
            }
            continue;
        }
        // With nothing of ours in flight, anything the store holds beyond
        // our tree was appended by someone else: admit it before our own
        // records, so they are checked against the log as it is (and a
        // write does not fail on a conflict it could have avoided).
        let idle = shared.durable.load(Ordering::SeqCst) == frontier.size();
        if idle && (batch.is_some() || !catch_ups.is_empty()) {
            let caught_up = catch_up(shared, &mut frontier, &sync.wanted);
            for reply in catch_ups.drain(..) {
                let _ = reply.send(match &caught_up {
                    Ok(size) => Ok(*size),
                    Err(e) => Err(SubmitError::Storage(StoreError::Io(e.to_string()))),
                });
            }
            if let Err(e) = caught_up {
                // Nothing is admitted on a state that may be behind the
                // store (a rebuild, if needed, runs first on the next turn).
                let message =
                    format!("the log could not be read from the store: {e}; submit again");
                for job in batch.into_iter().flatten() {
                    (job.reply)(Err(SubmitError::Storage(StoreError::Io(message.clone()))));
                }
                continue;
            }
        }
        let Some(batch) = batch else { continue };
        let Some(pending) = admit(shared, &mut frontier, batch, epoch) else {
            continue;
        };
        match handoff.put(pending, &sync.wanted) {
            Ok(()) => {}
            Err(Unwritable::BuiltOnFailed(jobs)) => {
                for (_, job) in jobs {
                    (job.reply)(Err(SubmitError::Storage(StoreError::Io(
                        BUILT_ON_FAILED.into(),
                    ))));
                }
            }
            Err(Unwritable::WriterGone(jobs)) => {
                // Fail closed: nothing can write what is admitted.
                for (_, job) in jobs {
                    (job.reply)(Err(SubmitError::Closed));
                }
                return;
            }
        }
    }
}

/// How the writer asks admission to rebuild its state from the store, and
/// learns that it has tried.
struct Rebuild {
    wanted: AtomicBool,
    /// Rebuilds attempted, whether they succeeded or not.
    attempts: AtomicU64,
}

/// When to try a failed rebuild again: the store is read in full each time,
/// so attempts back off from 10 ms to a second.
struct Retry {
    at: Instant,
    delay: Duration,
    /// Why the last attempt failed, while a rebuild is owed.
    error: Option<String>,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            at: Instant::now(),
            delay: Duration::from_millis(10),
            error: None,
        }
    }
}

impl Retry {
    fn due(&self) -> bool {
        Instant::now() >= self.at
    }

    fn failed(&mut self, error: String) {
        self.at = Instant::now() + self.delay;
        self.delay = (self.delay * 2).min(Duration::from_secs(1));
        self.error = Some(error);
    }

    /// Why nothing can be admitted yet, if a failed rebuild is still owed.
    fn pending(&self, sync: &Rebuild) -> Option<&str> {
        self.error
            .as_deref()
            .filter(|_| sync.wanted.load(Ordering::SeqCst))
    }
}

/// The answer to records admitted on top of a batch whose write failed.
const BUILT_ON_FAILED: &str =
    "an earlier batch this one builds on could not be written; submit again";

const REBUILD_POLL: Duration = Duration::from_millis(5);
/// How long the writer waits for a rebuild before answering anyway.
const REBUILD_WAIT: Duration = Duration::from_secs(60);

fn write_loop(shared: &Shared, handoff: &Handoff, sync: &Rebuild) {
    let _departure = WriterDeparture(handoff);
    let mut dead_epoch = None;
    while let Some(mut batch) = handoff.take() {
        if dead_epoch.is_some_and(|dead| batch.epoch <= dead) {
            for (_, job) in batch.admitted {
                (job.reply)(Err(SubmitError::Storage(StoreError::Io(
                    BUILT_ON_FAILED.into(),
                ))));
            }
            continue;
        }
        let result = sign_checkpoint(shared, &batch).and_then(|checkpoint| {
            batch.write.checkpoint = Some(checkpoint);
            shared.store.append(&batch.write)
        });
        // After an error, the store itself says whether the batch landed (an
        // error can come after the commit, e.g. from a failing fsync report
        // or a connection lost before the commit's answer): it did if our
        // records are at our indexes — not merely if the log grew, since
        // another server may have appended in our place.
        let mut landed = match &result {
            Ok(()) => Landed::Yes,
            Err(_) => batch_landed(shared.store.as_ref(), &batch.write),
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
        let message = result.err().map_or_else(String::new, |e| e.to_string());
        match landed {
            Landed::Yes => {
                shared.durable.fetch_max(batch.size_after, Ordering::SeqCst);
                for (index, job) in batch.admitted {
                    (job.reply)(Ok(Receipt {
                        index,
                        leaf_hash: job.record.hash,
                        tree_size: batch.size_after,
                    }));
                }
            }
            Landed::No => {
                for (_, job) in batch.admitted {
                    (job.reply)(Err(SubmitError::Storage(StoreError::Io(message.clone()))));
                }
            }
            Landed::Unknown(why) => {
                for (_, job) in batch.admitted {
                    (job.reply)(Err(SubmitError::Unknown(format!(
                        "{message}; reading it back: {why}"
                    ))));
                }
            }
        }
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

/// Waits for one item, then takes whatever else is already queued, up to
/// `max`: batches form from what arrives while the stage is busy, never by
/// waiting for company. `None` once the queue is closed and empty.
pub(crate) fn next_batch<T>(queue: &Receiver<T>, max: usize) -> Option<Vec<T>> {
    let first = queue.recv().ok()?;
    Some(drain(queue, first, max))
}

/// `first`, and whatever else is queued already, up to `max`.
fn drain<T>(queue: &Receiver<T>, first: T, max: usize) -> Vec<T> {
    let mut batch = vec![first];
    while batch.len() < max {
        match queue.try_recv() {
            Ok(item) => batch.push(item),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
        }
    }
    batch
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
        Err(e) => Landed::Unknown(e.to_string()),
    }
}

fn write_state(shared: &Shared) -> std::sync::RwLockWriteGuard<'_, LogState> {
    match shared.state.write() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Admits one batch against the state and extends the tree. Refused records
/// are answered here; `None` when nothing was admitted.
fn admit(shared: &Shared, frontier: &mut Frontier, batch: Vec<Job>, epoch: u64) -> Option<Pending> {
    let mut write = AppendBatch::default();
    let mut admitted = Vec::new();
    let mut refused = Vec::new();
    {
        let mut state = write_state(shared);
        for job in batch {
            let result = check_log_key(shared, &job.record).and_then(|()| {
                if frontier.size() == u64::MAX {
                    return Err(Rejection::LogFull);
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
    Some(Pending {
        write,
        admitted,
        size_after: frontier.size(),
        root: frontier.root(),
        epoch,
    })
}

/// The signed checkpoint for the tree as it will be once `batch` is written.
/// (It cannot fail with a valid key; if it does, the batch is not written,
/// and the state is rebuilt from the store as after any failed write.)
fn sign_checkpoint(shared: &Shared, batch: &Pending) -> Result<StoredCheckpoint, StoreError> {
    let checkpoint = Checkpoint {
        origin: shared.signer.name().to_string(),
        size: batch.size_after,
        root: batch.root,
        extensions: vec![],
    };
    let note = checkpoint
        .sign(&shared.signer)
        .map_err(|e| StoreError::Io(format!("cannot sign the checkpoint: {e}")))?;
    Ok(StoredCheckpoint {
        size: batch.size_after,
        note,
    })
}

/// The charter must name this log's own checkpoint key, or nobody could
/// verify the checkpoints the log signs.
fn check_log_key(shared: &Shared, record: &Record) -> Result<(), Rejection> {
    if let Body::Charter(charter) = &record.body
        && charter.log_key.verifier() != &shared.signer.verifier()
    {
        return Err(RuleViolation::CharterLogKey {
            named: charter.log_key.verifier().vkey(),
            signs_with: shared.signer.verifier().vkey(),
        }
        .into());
    }
    Ok(())
}
