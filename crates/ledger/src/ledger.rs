//! The public face of the append path: open a log, submit records.

use crate::sequencer::{self, Item, Job, Work};
use crate::shared::Shared;
use crate::submission::{Receipt, SubmitError};
use crate::verifier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;
use truce_core::record::Record;
use truce_core::sealed::Opening;
use truce_core::{LogState, Rejection};
use truce_store::{Store, StoreError};
use truce_tlog::note::{NoteSigner, NoteVerifier};
use truce_tlog::{Checkpoint, Hash};

/// The append path of one log. Share it with an `Arc`.
pub struct Ledger {
    shared: Arc<Shared>,
    /// One queue per verification thread; an author's records always go to
    /// the same one, so they reach the sequencer in the order submitted.
    verifiers: Vec<Sender<Job>>,
    /// For requests to catch up with what others appended.
    sequencer: Option<Sender<Work>>,
    threads: Vec<JoinHandle<()>>,
}

/// How long `catch_up` waits for our own writes in flight to land first.
const CATCH_UP_WAIT: Duration = Duration::from_secs(2);

impl Ledger {
    /// Opens the log in `store`, replaying its records into the admission
    /// state. `signer` is the log's checkpoint key; it must be the key the
    /// charter names.
    pub fn open(store: Arc<dyn Store>, signer: NoteSigner) -> Result<Self, SubmitError> {
        Self::open_reporting(store, signer, 0, &|_, _| {})
    }

    /// As [`Ledger::open`], with `replay_workers` threads reading the stored
    /// records ahead of the replay's admission (none: the replay is one
    /// thread; give them only when nothing else needs the cores meanwhile),
    /// telling `progress` how many of the log's records the replay has
    /// admitted so far, and of how many, as it goes: a server that listens
    /// while it opens a big log says so to the requests that need the ledger.
    pub fn open_reporting(
        store: Arc<dyn Store>,
        signer: NoteSigner,
        replay_workers: usize,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Self, SubmitError> {
        let log_key = signer.verifier();
        Self::start(store, Some(signer), log_key, replay_workers, progress)
    }

    /// Opens a copy of a log that this process keeps but does not run (a
    /// mirror): the admission state follows what the store holds, and every
    /// submission is refused with [`SubmitError::ReadOnly`]. `log_key` is the
    /// key the log's checkpoints verify with; it must be the one the charter
    /// names.
    pub fn open_read_only(
        store: Arc<dyn Store>,
        log_key: NoteVerifier,
    ) -> Result<Self, SubmitError> {
        Self::start(store, None, log_key, 0, &|_, _| {})
    }

    fn start(
        store: Arc<dyn Store>,
        signer: Option<NoteSigner>,
        log_key: NoteVerifier,
        replay_workers: usize,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Self, SubmitError> {
        let (mut state, mut frontier) =
            sequencer::replay_reporting(store.as_ref(), replay_workers, progress)?;
        if let Some(charter) = state.charter()
            && charter.log_key.verifier() != &log_key
        {
            return Err(StoreError::Corrupt(format!(
                "the log key given ({}) is not the one the charter names ({})",
                log_key.vkey(),
                charter.log_key.verifier().vkey()
            ))
            .into());
        }
        // Never sign on top of a tree that disagrees with what was signed before.
        if let Some(stored) = store.latest_checkpoint()? {
            let signed = Checkpoint::open(&stored.note, &log_key).map_err(|e| {
                StoreError::Corrupt(format!(
                    "the latest checkpoint does not verify: {e}; run `truce verify`"
                ))
            })?;
            // Each append writes its records and the checkpoint over them in
            // one transaction, so a checkpoint beyond the replayed tree is an
            // append that landed after the replay read the log's size: by
            // another server or `truce submit` on the same store, or, on
            // PostgreSQL, by a server killed a moment ago whose session was
            // still committing. Its records are in the store: take them in,
            // then compare (a log that could not open while another process
            // appended would refuse to start exactly when it is busy). A
            // store without them is told apart below.
            if signed.size > frontier.size() && store.size()? >= signed.size {
                sequencer::extend_to(store.as_ref(), &mut state, &mut frontier, signed.size)?;
            }
            if signed.size != frontier.size() || signed.root != frontier.root() {
                return Err(StoreError::Corrupt(format!(
                    "the stored tree (size {}) does not match the latest checkpoint (size {}); run `truce verify`",
                    frontier.size(),
                    signed.size
                ))
                .into());
            }
        }
        let shared = Arc::new(Shared {
            store,
            state: RwLock::new(state),
            signer,
            log_key,
            durable: AtomicU64::new(frontier.size()),
        });
        let spawn_error = SubmitError::Start;
        let (to_sequencer, jobs) = mpsc::channel();
        let worker = Arc::clone(&shared);
        let mut threads = vec![
            std::thread::Builder::new()
                .name("truce-sequencer".into())
                .spawn(move || sequencer::run(&worker, frontier, &jobs))
                .map_err(spawn_error)?,
        ];
        let mut verifiers = Vec::new();
        let count = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        for i in 0..count {
            let (tx, rx) = mpsc::channel();
            let next = to_sequencer.clone();
            threads.push(
                std::thread::Builder::new()
                    .name(format!("truce-verify-{i}"))
                    .spawn(move || verifier::run(&rx, &next))
                    .map_err(spawn_error)?,
            );
            verifiers.push(tx);
        }
        Ok(Self {
            shared,
            verifiers,
            sequencer: Some(to_sequencer),
            threads,
        })
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.shared.store
    }

    pub fn log_key(&self) -> NoteVerifier {
        self.shared.log_key.clone()
    }

    /// Whether this is a read-only copy of the log (see [`Ledger::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.shared.signer.is_none()
    }

    /// Reads the admission state (e.g. for the next sequence number of a member).
    pub fn with_state<T>(&self, f: impl FnOnce(&LogState) -> T) -> T {
        match self.shared.state.read() {
            Ok(state) => f(&state),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// The index of the record with this leaf hash. The admission state is
    /// the log's hash index (the store keeps none: see its schema). A record
    /// found here may be a moment away from being readable in the store.
    pub fn index_of(&self, hash: &Hash) -> Option<u64> {
        self.with_state(|s| s.entry(hash).map(|e| e.index))
    }

    /// Brings the admission state up to what the store holds, when other
    /// servers (or `truce submit`) append to the same store; returns the
    /// log's size. Blocks briefly: the sequencer does it between batches, and
    /// after `CATCH_UP_WAIT` the answer is the size as this ledger has it.
    /// The sequencer also catches up on its own before admitting records, so
    /// this is for readers of the state (next sequence numbers, members).
    pub fn catch_up(&self) -> Result<u64, SubmitError> {
        let sequencer = self.sequencer.as_ref().ok_or(SubmitError::Closed)?;
        let (tx, rx) = mpsc::sync_channel(1);
        sequencer
            .send(Work::CatchUp(tx))
            .map_err(|_| SubmitError::Closed)?;
        match rx.recv_timeout(CATCH_UP_WAIT) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(self.shared.durable.load(Ordering::SeqCst)),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(SubmitError::Closed),
        }
    }

    /// Submits a record and blocks until it is durable or refused.
    pub fn submit(
        &self,
        record: Record,
        opening: Option<&Opening>,
    ) -> Result<Receipt, SubmitError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit_with(record, opening, move |result| {
            let _ = tx.send(result);
        })?;
        rx.recv().map_err(|_| SubmitError::Closed)?
    }

    /// Submits a record; `reply` is called once it is durable or refused (on
    /// a ledger thread). Errors found before queueing (unknown member or key,
    /// a bad opening) are returned directly.
    pub fn submit_with(
        &self,
        record: Record,
        opening: Option<&Opening>,
        reply: impl FnOnce(Result<Receipt, SubmitError>) + Send + 'static,
    ) -> Result<(), SubmitError> {
        self.queue(vec![(record, opening)], move |result| {
            reply(
                result.and_then(|receipts| receipts.into_iter().next().ok_or(SubmitError::Closed)),
            )
        })
    }

    /// Submits one author's records as a group, admitted all or none at
    /// consecutive indexes (`LogState::admit_group`): evidence and the report
    /// that cites it, so a refused report leaves no evidence record behind.
    /// Blocks until the group is durable (a receipt per record, in order) or
    /// refused, in which case nothing of it is in the log.
    pub fn submit_group(
        &self,
        records: Vec<(Record, Option<&Opening>)>,
    ) -> Result<Vec<Receipt>, SubmitError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit_group_with(records, move |result| {
            let _ = tx.send(result);
        })?;
        rx.recv().map_err(|_| SubmitError::Closed)?
    }

    /// `submit_group`, answered through `reply` on a ledger thread.
    pub fn submit_group_with(
        &self,
        records: Vec<(Record, Option<&Opening>)>,
        reply: impl FnOnce(Result<Vec<Receipt>, SubmitError>) + Send + 'static,
    ) -> Result<(), SubmitError> {
        self.queue(records, reply)
    }

    /// Submits many records, each admitted or refused on its own, in the
    /// order given, and blocks until every one is durable or refused: a
    /// receipt or the reason, per record, in order. Bulk submission
    /// (`POST /api/v1/records:batch`, `truce submit --batch`) uses it.
    ///
    /// Every record goes through the same verification thread, so they reach
    /// the sequencer in order whoever wrote them; they are queued without
    /// waiting for one another, so the sequencer takes them in as few
    /// batches — durable commits — as it can. A refused record stops nothing
    /// after it; a later record that depended on it fails its own admission.
    ///
    /// The one wait: a record whose author or key the state does not know
    /// may be signed with a key an earlier record of the same call adds
    /// (`member.add`, `member.rotate_key`), so the records already queued are
    /// let land, and then — once per call — the state catches up with what
    /// other servers appended, before that record is refused.
    pub fn submit_each(
        &self,
        records: Vec<(Record, Option<&Opening>)>,
    ) -> Vec<Result<Receipt, SubmitError>> {
        let mut results: Vec<Option<Result<Receipt, SubmitError>>> =
            std::iter::repeat_with(|| None)
                .take(records.len())
                .collect();
        let Some((first, _)) = records.first() else {
            return Vec::new();
        };
        let shard = shard_of(first.author().as_str(), self.verifiers.len());
        let (tx, rx) = mpsc::channel();
        let mut in_flight = 0usize;
        let mut caught_up = false;
        // Waits for every record queued so far to be answered.
        let settle = |in_flight: &mut usize, results: &mut [Option<_>]| {
            while *in_flight > 0 {
                let Ok((position, result)) = rx.recv() else {
                    break;
                };
                *in_flight -= 1;
                if let Some(slot) = results.get_mut(position) {
                    *slot = Some(result);
                }
            }
        };
        for (position, (record, opening)) in records.into_iter().enumerate() {
            let mut prepared = self.prepare(&record, opening);
            if let Err(SubmitError::Rejected(_)) = prepared
                && self.with_state(|s| s.signing_keys(&record).is_err())
            {
                settle(&mut in_flight, &mut results);
                prepared = self.prepare(&record, opening);
                if prepared.is_err() && !caught_up {
                    caught_up = true;
                    let _ = self.catch_up();
                    prepared = self.prepare(&record, opening);
                }
            }
            let sent = prepared.and_then(|(opening, keys)| {
                let tx = tx.clone();
                self.send(
                    shard,
                    Job {
                        items: vec![Item {
                            record,
                            keys,
                            opening,
                        }],
                        reply: Box::new(move |result| {
                            let one = result.and_then(|receipts| {
                                receipts.into_iter().next().ok_or(SubmitError::Closed)
                            });
                            let _ = tx.send((position, one));
                        }),
                    },
                )
            });
            match sent {
                Ok(()) => in_flight += 1,
                Err(e) => {
                    if let Some(slot) = results.get_mut(position) {
                        *slot = Some(Err(e));
                    }
                }
            }
        }
        settle(&mut in_flight, &mut results);
        // A reply lost (a ledger thread gone) leaves its record unanswered:
        // the ledger stopped, and nothing says it is durable.
        results
            .into_iter()
            .map(|r| r.unwrap_or(Err(SubmitError::Closed)))
            .collect()
    }

    fn queue(
        &self,
        records: Vec<(Record, Option<&Opening>)>,
        reply: impl FnOnce(Result<Vec<Receipt>, SubmitError>) + Send + 'static,
    ) -> Result<(), SubmitError> {
        let Some((first, _)) = records.first() else {
            if self.is_read_only() {
                return Err(SubmitError::ReadOnly);
            }
            reply(Ok(Vec::new()));
            return Ok(());
        };
        // One author's records go to one verification thread, in order.
        let shard = shard_of(first.author().as_str(), self.verifiers.len());
        let group = records.len() > 1;
        let mut items = Vec::with_capacity(records.len());
        for (position, (record, opening)) in records.into_iter().enumerate() {
            let (opening, keys) = match self.prepare(&record, opening) {
                Ok(checked) => checked,
                Err(SubmitError::Rejected(rejection)) if group => {
                    return Err(SubmitError::Rejected(Rejection::InGroup {
                        position,
                        rejection: Box::new(rejection),
                    }));
                }
                Err(e) => return Err(e),
            };
            items.push(Item {
                record,
                keys,
                opening,
            });
        }
        self.send(
            shard,
            Job {
                items,
                reply: Box::new(reply),
            },
        )
    }

    /// What a record needs before it is queued: its opening checked and in
    /// canonical form, and the keys its signatures must verify under.
    fn prepare(
        &self,
        record: &Record,
        opening: Option<&Opening>,
    ) -> Result<(Option<Vec<u8>>, Vec<ed25519_dalek::VerifyingKey>), SubmitError> {
        if self.is_read_only() {
            return Err(SubmitError::ReadOnly);
        }
        let opening = check_opening(record, opening)?;
        let keys = self.with_state(|s| s.signing_keys(record))?;
        Ok((opening, keys))
    }

    fn send(&self, shard: usize, job: Job) -> Result<(), SubmitError> {
        let queue = self.verifiers.get(shard).ok_or(SubmitError::Closed)?;
        queue.send(job).map_err(|_| SubmitError::Closed)
    }
}

impl Drop for Ledger {
    fn drop(&mut self) {
        // Closing the queues lets each stage finish what it holds and stop:
        // verifiers first, then (when their senders drop) the sequencer.
        self.verifiers.clear();
        self.sequencer = None;
        for handle in self.threads.drain(..) {
            let _ = handle.join();
        }
    }
}

fn shard_of(author: &str, shards: usize) -> usize {
    use std::hash::{Hash as _, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    author.hash(&mut h);
    usize::try_from(h.finish() % shards.max(1) as u64).unwrap_or(0)
}

fn check_opening(
    record: &Record,
    opening: Option<&Opening>,
) -> Result<Option<Vec<u8>>, SubmitError> {
    match (&record.signed().envelope.confidential, opening) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(SubmitError::Opening("the record has no confidential part".into())),
        (Some(_), None) => Err(SubmitError::Opening(
            "a record with a confidential part is filed together with its opening, so the mechanism can hold it for its readers".into(),
        )),
        (Some(sealed), Some(opening)) => {
            opening.matches(sealed).map_err(|e| SubmitError::Opening(e.to_string()))?;
            // Stored in canonical form, so the auditor can require exactly these bytes.
            truce_core::canonical::to_canonical_bytes(opening)
                .map(Some)
                .map_err(|e| SubmitError::Opening(e.to_string()))
        }
    }
}
