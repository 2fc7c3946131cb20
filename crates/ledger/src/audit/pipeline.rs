//! The auditor on several cores. Admission is sequential — each record's
//! rules depend on the state the ones before it leave — but parsing a leaf
//! (JSON, canonical form, hash) and checking its signatures depend on nothing
//! else. So worker threads prepare chunks of leaves ahead of admission; the
//! admission (on the caller's thread) admits each record without checking
//! its signatures, noting the keys they must verify under; and the workers
//! verify those in batches (ZIP-215, as the sequencer does) while admission
//! goes on with the next chunk.
//!
//! The ledger's replay uses the same pipeline to read stored records ahead
//! of its admission, with no signatures to check (`sequencer/replay.rs`).
//!
//! Deferring the signatures must not change what is reported: before any
//! failure at record k is returned, the signatures of every record before k
//! (and of k itself, when its failure comes after its admission) are settled,
//! and the first bad one wins, with the message admission gives it.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::Scope;

use ed25519_dalek::VerifyingKey;
use truce_core::Rejection;
use truce_core::record::Record;

use super::{AuditFailure, Place, fail};

/// An admitted record whose signatures are still to be checked.
pub(crate) struct Unverified {
    pub index: u64,
    pub record: Record,
    pub keys: Vec<VerifyingKey>,
}

impl Unverified {
    /// The failure admission would name: each signature in order, alone.
    fn failure(&self) -> Option<AuditFailure> {
        self.keys.iter().enumerate().find_map(|(i, key)| {
            self.record
                .verify_signature(i, key)
                .err()
                .map(|e| fail(Place::Record(self.index), Rejection::from(e).to_string()))
        })
    }
}

/// The first failure among `batch`: one batch check, and only if that fails
/// each record alone (which also names the signature).
fn verify(batch: &[Unverified]) -> Option<AuditFailure> {
    let checks: Vec<_> = batch
        .iter()
        .map(|u| (&u.record, u.keys.as_slice()))
        .collect();
    let results = truce_core::record::verify_batch(&checks, rand::thread_rng());
    batch
        .iter()
        .zip(results)
        .filter(|(_, result)| result.is_err())
        .find_map(|(u, _)| u.failure())
}

enum Job<I, O> {
    Prepare { seq: u64, first: u64, items: Vec<I> },
    Verify(Vec<Unverified>),
    Drop(Vec<O>),
}

enum Done<O> {
    Prepared {
        seq: u64,
        items: Vec<O>,
    },
    Verified {
        count: u64,
        failure: Option<AuditFailure>,
    },
}

fn index_of(failure: &AuditFailure) -> u64 {
    match failure.place {
        Place::Record(i) => i,
        _ => u64::MAX,
    }
}

/// Records read from a store into one chunk of the pipeline: the auditor's
/// and the ledger's replay alike. Large enough that a chunk's hand-offs cost
/// little beside its parsing, small enough that the chunks ahead of
/// admission ([`AHEAD_PER_WORKER`]) hold a few MB.
pub(crate) const CHUNK: u64 = 1_024;

/// How many chunks may be ahead of admission, prepared or being verified,
/// for each worker: enough to keep every core busy, few enough that memory
/// stays bounded whatever the log's length.
const AHEAD_PER_WORKER: usize = 2;

pub(crate) type Prepare<'env, I, O> = &'env (dyn Fn(u64, I) -> O + Sync);

/// Prepares items of type `I` into `O` (with `prepare`, given each item's
/// position in the stream) on worker threads, handing them back in order,
/// and verifies the signatures of admitted records. With no workers, all of
/// it runs on the caller's thread.
pub(crate) struct Pipeline<'env, I, O> {
    jobs: Option<Sender<Job<I, O>>>,
    done: Receiver<Done<O>>,
    workers: usize,
    prepare: Prepare<'env, I, O>,
    submitted: u64,
    next: u64,
    positions: u64,
    ready: BTreeMap<u64, Vec<O>>,
    verifying: usize,
    verified: u64,
    failure: Option<AuditFailure>,
}

impl<'scope, 'env: 'scope, I: Send + 'env, O: Send + 'env> Pipeline<'env, I, O> {
    pub fn start(
        scope: &'scope Scope<'scope, 'env>,
        workers: usize,
        prepare: Prepare<'env, I, O>,
    ) -> Self {
        let (jobs, queue) = mpsc::channel::<Job<I, O>>();
        let (results, done) = mpsc::channel();
        if workers > 0 {
            let queue = Arc::new(Mutex::new(queue));
            for _ in 0..workers {
                let (queue, results) = (Arc::clone(&queue), results.clone());
                scope.spawn(move || work(&queue, &results, prepare));
            }
        }
        Self {
            jobs: (workers > 0).then_some(jobs),
            done,
            workers,
            prepare,
            submitted: 0,
            next: 0,
            positions: 0,
            ready: BTreeMap::new(),
            verifying: 0,
            verified: 0,
            failure: None,
        }
    }

    /// Whether another chunk may be submitted without waiting.
    pub fn has_room(&self) -> bool {
        (self.submitted - self.next) as usize + self.verifying
            <= AHEAD_PER_WORKER * self.workers.max(1)
    }

    /// Queues the next chunk of items for preparation.
    pub fn submit(&mut self, items: Vec<I>) {
        let (seq, first) = (self.submitted, self.positions);
        self.submitted += 1;
        self.positions += items.len() as u64;
        match &self.jobs {
            Some(jobs) => {
                // A worker that stopped leaves its results channel to say so.
                let _ = jobs.send(Job::Prepare { seq, first, items });
            }
            None => {
                let prepared = prepare_all(self.prepare, first, items);
                self.ready.insert(seq, prepared);
            }
        }
    }

    /// The next chunk in order, once prepared; `None` when none is queued.
    pub fn next_chunk(&mut self) -> Result<Option<Vec<O>>, AuditFailure> {
        if self.next == self.submitted {
            return Ok(None);
        }
        loop {
            if let Some(chunk) = self.ready.remove(&self.next) {
                self.next += 1;
                return Ok(Some(chunk));
            }
            self.receive()?;
        }
    }

    /// Hands a chunk done with back to the workers, to be freed there.
    /// What a worker made is freed fastest on its own thread: the replay's
    /// admission spent as much time freeing the records the workers had
    /// parsed (mimalloc's frees from another thread) as admitting them.
    /// The chunk waits in the queue ahead of the next ones to prepare, which
    /// admission waits for: no more is held than before.
    pub fn free(&mut self, items: Vec<O>) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::Drop(items));
        }
    }

    /// Queues admitted records for their signatures to be checked.
    pub fn verify(&mut self, batch: Vec<Unverified>) -> Result<(), AuditFailure> {
        if batch.is_empty() {
            return Ok(());
        }
        match &self.jobs {
            Some(jobs) => {
                let _ = jobs.send(Job::Verify(batch));
                self.verifying += 1;
                // Waits only when admission has nothing else to do. With the
                // next chunk already prepared, going on costs no memory (a
                // chunk passes from prepared to verifying; no more are in
                // flight), whereas waiting for room left the workers idle
                // behind chunks that were ready: `verify --dir` of 300k
                // records took 5.0–5.4 s that way, 3.7–4.0 s this way.
                while !self.has_room() && self.verifying > 0 && !self.ready.contains_key(&self.next)
                {
                    self.receive()?;
                }
            }
            None => {
                let failure = verify(&batch);
                self.verified += batch.len() as u64;
                self.note(failure);
            }
        }
        Ok(())
    }

    /// Records whose signatures have been checked so far.
    pub fn verified(&self) -> u64 {
        self.verified
    }

    /// Waits for every signature check queued, then checks `pending` (the
    /// records admitted since, in order): the first bad signature, if any.
    pub fn settle(&mut self, pending: &[Unverified]) -> Option<AuditFailure> {
        while self.verifying > 0 {
            if let Err(stopped) = self.receive() {
                return Some(stopped);
            }
        }
        self.failure
            .take()
            .or_else(|| pending.iter().find_map(Unverified::failure))
    }

    /// The first bad signature, once one is found (and every check queued
    /// before it done): no need to read on.
    pub fn failed(&mut self) -> Option<AuditFailure> {
        self.failure.as_ref()?;
        self.settle(&[])
    }

    /// `failure`, unless an earlier record's signature fails first.
    pub fn late(&mut self, pending: &[Unverified], failure: AuditFailure) -> AuditFailure {
        self.settle(pending).unwrap_or(failure)
    }

    fn note(&mut self, failure: Option<AuditFailure>) {
        if let Some(f) = failure
            && self
                .failure
                .as_ref()
                .is_none_or(|known| index_of(&f) < index_of(known))
        {
            self.failure = Some(f);
        }
    }

    fn receive(&mut self) -> Result<(), AuditFailure> {
        let done = self
            .done
            .recv()
            .map_err(|_| fail(Place::Log, "a verification thread stopped"))?;
        match done {
            Done::Prepared { seq, items } => {
                self.ready.insert(seq, items);
            }
            Done::Verified { count, failure } => {
                self.verifying -= 1;
                self.verified += count;
                self.note(failure);
            }
        }
        Ok(())
    }
}

fn prepare_all<I, O>(prepare: &(dyn Fn(u64, I) -> O + Sync), first: u64, items: Vec<I>) -> Vec<O> {
    items
        .into_iter()
        .zip(first..)
        .map(|(item, position)| prepare(position, item))
        .collect()
}

fn work<I, O>(
    queue: &Mutex<Receiver<Job<I, O>>>,
    results: &Sender<Done<O>>,
    prepare: &(dyn Fn(u64, I) -> O + Sync),
) {
    loop {
        // Holding the lock while waiting is what makes the queue shared:
        // the other workers wait on the lock instead.
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else {
            return; // the auditor is done
        };
        let done = match job {
            Job::Prepare { seq, first, items } => Done::Prepared {
                seq,
                items: prepare_all(prepare, first, items),
            },
            Job::Verify(batch) => Done::Verified {
                count: batch.len() as u64,
                failure: verify(&batch),
            },
            Job::Drop(items) => {
                drop(items);
                continue;
            }
        };
        if results.send(done).is_err() {
            return;
        }
    }
}
