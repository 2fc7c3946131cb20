//! The first stage: records admitted against the log's state, the tree
//! extended, batches left for the writer.

use super::handoff::{Handoff, Pending, Unwritable};
use super::queue::{Job, MAX_BATCH, Work, drain};
use super::rebuild::{REBUILD_POLL, Rebuild, built_on_failed};
use super::replay::{catch_up, replay};
use crate::shared::Shared;
use crate::submission::SubmitError;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};
use truce_core::admission::Signatures;
use truce_core::record::Record;
use truce_core::{Body, Rejection, RuleViolation};
use truce_store::{AppendBatch, NewRecord, StoreError};
use truce_tlog::Frontier;

pub(super) fn admit_loop(
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
                    *shared.state_mut() = state;
                    frontier = tree;
                    shared.durable.store(frontier.size(), Ordering::SeqCst);
                    epoch += 1;
                    retry = Retry::default();
                }
                Err(e) => {
                    // Still owed: nothing is admitted on a state the store
                    // may not hold, until a later attempt succeeds.
                    sync.wanted.store(true, Ordering::SeqCst);
                    retry.failed(e);
                }
            }
            sync.attempts.fetch_add(1, Ordering::SeqCst);
        }
        if let Some(why) = retry.pending(sync) {
            let unavailable = || SubmitError::Unavailable {
                reason: "the log cannot be read back from the store since a write failed".into(),
                cause: Some(Arc::clone(why)),
            };
            for reply in catch_ups.drain(..) {
                let _ = reply.send(Err(unavailable()));
            }
            for job in batch.into_iter().flatten() {
                (job.reply)(Err(unavailable()));
            }
            continue;
        }
        // With nothing of ours in flight, anything the store holds beyond
        // our tree was appended by someone else: admit it before our own
        // records, so they are checked against the log as it is (and a
        // write does not fail on a conflict it could have avoided).
        let idle = shared.durable.load(Ordering::SeqCst) == frontier.size();
        if idle && (batch.is_some() || !catch_ups.is_empty()) {
            let caught_up = catch_up(shared, &mut frontier, &sync.wanted).map_err(Arc::new);
            for reply in catch_ups.drain(..) {
                let _ = reply.send(match &caught_up {
                    Ok(size) => Ok(*size),
                    Err(e) => Err(SubmitError::Storage(Arc::clone(e))),
                });
            }
            if let Err(e) = caught_up {
                // Nothing is admitted on a state that may be behind the
                // store (a rebuild, if needed, runs first on the next turn).
                for job in batch.into_iter().flatten() {
                    (job.reply)(Err(SubmitError::Unavailable {
                        reason: "the log could not be read from the store".into(),
                        cause: Some(Arc::clone(&e)),
                    }));
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
                    (job.reply)(Err(built_on_failed()));
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

/// When to try a failed rebuild again: the store is read in full each time,
/// so attempts back off from 10 ms to a second.
struct Retry {
    at: Instant,
    delay: Duration,
    /// Why the last attempt failed, while a rebuild is owed.
    error: Option<Arc<StoreError>>,
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

    fn failed(&mut self, error: StoreError) {
        self.at = Instant::now() + self.delay;
        self.delay = (self.delay * 2).min(Duration::from_secs(1));
        self.error = Some(Arc::new(error));
    }

    /// Why nothing can be admitted yet, if a failed rebuild is still owed.
    fn pending(&self, sync: &Rebuild) -> Option<&Arc<StoreError>> {
        self.error
            .as_ref()
            .filter(|_| sync.wanted.load(Ordering::SeqCst))
    }
}

/// Admits one batch against the state and extends the tree. Refused records
/// are answered here; `None` when nothing was admitted.
fn admit(shared: &Shared, frontier: &mut Frontier, batch: Vec<Job>, epoch: u64) -> Option<Pending> {
    let mut write = AppendBatch::default();
    let mut admitted = Vec::new();
    let mut refused = Vec::new();
    {
        let mut state = shared.state_mut();
        for job in batch {
            let room = u64::MAX - frontier.size();
            let result = if u64::try_from(job.items.len()).map_or(true, |n| n > room) {
                Err(job.refusal(0, Rejection::LogFull))
            } else {
                match job.items.as_slice() {
                    [one] => check_log_key(shared, &one.record).and_then(|()| {
                        state.admit_with(&one.record, Signatures::VerifiedWith(&one.keys))
                    }),
                    items => state.admit_group(
                        &items
                            .iter()
                            .map(|i| (&i.record, Signatures::VerifiedWith(&i.keys)))
                            .collect::<Vec<_>>(),
                    ),
                }
            };
            if let Err(rejection) = result {
                refused.push((job, rejection));
                continue;
            }
            let first = frontier.size();
            for item in &job.items {
                let index = frontier.size();
                // Cannot fail: the room was checked above.
                write
                    .nodes
                    .extend(frontier.try_append(item.record.hash()).unwrap_or_default());
                write.records.push(NewRecord {
                    index,
                    hash: item.record.hash(),
                    leaf: item.record.leaf().to_vec(),
                    opening: item.opening.clone(),
                });
            }
            admitted.push((first, job));
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

/// The charter must name this log's own checkpoint key, or nobody could
/// verify the checkpoints the log signs.
fn check_log_key(shared: &Shared, record: &Record) -> Result<(), Rejection> {
    if let Body::Charter(charter) = &record.body()
        && charter.log_key.verifier() != &shared.log_key
    {
        return Err(RuleViolation::CharterLogKey {
            named: charter.log_key.verifier().vkey(),
            signs_with: shared.log_key.vkey(),
        }
        .into());
    }
    Ok(())
}
