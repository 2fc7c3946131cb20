//! Where admission leaves admitted batches for the writer.

use super::queue::{Job, MAX_BATCH};
use super::rebuild::REBUILD_POLL;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use truce_store::AppendBatch;

/// A batch admitted and ready to be written. Its checkpoint is signed by the
/// writer, once per commit, since batches admitted while a commit runs are
/// merged into one.
pub(super) struct Pending {
    pub(super) write: AppendBatch,
    pub(super) admitted: Vec<(u64, Job)>,
    pub(super) size_after: u64,
    /// The tree's root at `size_after`.
    pub(super) root: truce_tlog::Hash,
    /// Batches are admitted in epochs: when a write fails, every batch of its
    /// epoch (built on top of it) is failed too, and admission starts a new
    /// epoch from the state rebuilt from the store.
    pub(super) epoch: u64,
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
pub(super) struct Handoff {
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
pub(super) enum Unwritable {
    /// A write failed meanwhile, and these records were admitted on top of it.
    BuiltOnFailed(Vec<(u64, Job)>),
    /// The writer has stopped.
    WriterGone(Vec<(u64, Job)>),
}

/// Tells admission when the writer stops, however it stops.
pub(super) struct WriterDeparture<'a>(pub(super) &'a Handoff);

impl Drop for WriterDeparture<'_> {
    fn drop(&mut self) {
        self.0.lock().writer_gone = true;
        self.0.changed.notify_all();
    }
}

impl Handoff {
    pub(super) fn new() -> Self {
        Self {
            slot: Mutex::new(Slot::default()),
            changed: Condvar::new(),
        }
    }

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
    pub(super) fn put(&self, batch: Pending, rebuild: &AtomicBool) -> Result<(), Unwritable> {
        let mut slot = self.lock();
        loop {
            if slot.writer_gone {
                return Err(Unwritable::WriterGone(batch.admitted));
            }
            let must_wait = slot.pending.as_ref().is_some_and(|waiting| {
                waiting.epoch != batch.epoch || waiting.write.records.len() >= MAX_BATCH
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
    pub(super) fn take(&self) -> Option<Pending> {
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

    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}
