use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use truce_core::admission::Signatures;
use truce_core::record::Record;
use truce_core::sealed::Opening;
use truce_core::{Body, LogState, Rejection};
use truce_store::{AppendBatch, NewRecord, Store, StoreError, StoreHashes, StoredCheckpoint};
use truce_tlog::note::NoteSigner;
use truce_tlog::{Checkpoint, Frontier, Hash};

/// At most this many records go into one transaction.
const MAX_BATCH: usize = 4096;

/// What a submitter learns once its record is durable.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    pub index: u64,
    pub leaf_hash: Hash,
    /// The size of the tree the batch's checkpoint signs.
    pub tree_size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("rejected: {0}")]
    Rejected(#[from] Rejection),
    #[error("the confidential part cannot be filed: {0}")]
    Opening(String),
    #[error("not stored: {0}")]
    Storage(#[from] StoreError),
    #[error("the ledger is shutting down")]
    Closed,
}

struct Job {
    record: Record,
    keys: Vec<ed25519_dalek::VerifyingKey>,
    opening: Option<Vec<u8>>,
    reply: Box<dyn FnOnce(Result<Receipt, SubmitError>) + Send>,
}

struct Shared {
    store: Arc<dyn Store>,
    /// The state admission checks against. Submitters read it briefly to find
    /// keys; only the sequencer writes it.
    state: RwLock<LogState>,
    signer: NoteSigner,
}

/// The append path of one log. Cheap to share: clone the `Arc` around it.
pub struct Ledger {
    shared: Arc<Shared>,
    jobs: Option<Sender<Job>>,
    sequencer: Option<JoinHandle<()>>,
}

impl Ledger {
    /// Opens the log in `store`, replaying its records into the admission
    /// state. `signer` is the log's checkpoint key; it must be the key the
    /// charter names.
    pub fn open(store: Arc<dyn Store>, signer: NoteSigner) -> Result<Self, SubmitError> {
        let (state, frontier) = replay(store.as_ref())?;
        if let Some(charter) = state.charter()
            && charter.log_key.verifier() != &signer.verifier()
        {
            return Err(SubmitError::Storage(StoreError::Corrupt(format!(
                "the log key given ({}) is not the one the charter names ({})",
                signer.verifier().vkey(),
                charter.log_key.verifier().vkey()
            ))));
        }
        // Never sign on top of a tree that disagrees with what was signed before.
        if let Some(stored) = store.latest_checkpoint()? {
            let signed = Checkpoint::open(&stored.note, &signer.verifier()).map_err(|e| {
                StoreError::Corrupt(format!(
                    "the latest checkpoint does not verify: {e}; run `truce verify`"
                ))
            })?;
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
        });
        let (tx, rx) = mpsc::channel();
        let worker = Arc::clone(&shared);
        let sequencer = std::thread::Builder::new()
            .name("truce-sequencer".into())
            .spawn(move || run(&worker, frontier, &rx))
            .map_err(|e| SubmitError::Storage(StoreError::Io(e.to_string())))?;
        Ok(Self {
            shared,
            jobs: Some(tx),
            sequencer: Some(sequencer),
        })
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.shared.store
    }

    pub fn log_key(&self) -> truce_tlog::note::NoteVerifier {
        self.shared.signer.verifier()
    }

    /// Reads the admission state (e.g. for the next sequence number of a member).
    pub fn with_state<T>(&self, f: impl FnOnce(&LogState) -> T) -> T {
        match self.shared.state.read() {
            Ok(state) => f(&state),
            Err(poisoned) => f(&poisoned.into_inner()),
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

    /// Submits a record; `reply` is called once it is durable or refused
    /// (possibly on the sequencer thread). Errors found before queueing
    /// (bad signature, unknown key, bad opening) are returned directly.
    pub fn submit_with(
        &self,
        record: Record,
        opening: Option<&Opening>,
        reply: impl FnOnce(Result<Receipt, SubmitError>) + Send + 'static,
    ) -> Result<(), SubmitError> {
        let opening = check_opening(&record, opening)?;
        let keys = self.with_state(|s| s.signing_keys(&record))?;
        for (index, key) in keys.iter().enumerate() {
            record
                .verify_signature(index, key)
                .map_err(Rejection::from)?;
        }
        let jobs = self.jobs.as_ref().ok_or(SubmitError::Closed)?;
        jobs.send(Job {
            record,
            keys,
            opening,
            reply: Box::new(reply),
        })
        .map_err(|_| SubmitError::Closed)
    }
}

impl Drop for Ledger {
    fn drop(&mut self) {
        // Closing the queue lets the sequencer finish what is queued and stop.
        self.jobs.take();
        if let Some(handle) = self.sequencer.take() {
            let _ = handle.join();
        }
    }
}

fn check_opening(
    record: &Record,
    opening: Option<&Opening>,
) -> Result<Option<Vec<u8>>, SubmitError> {
    match (&record.signed.envelope.confidential, opening) {
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

/// Rebuilds the admission state and the tree's right edge from the store.
fn replay(store: &dyn Store) -> Result<(LogState, Frontier), SubmitError> {
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

fn run(shared: &Shared, mut frontier: Frontier, jobs: &Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        match commit(shared, frontier, batch) {
            Some(next) => frontier = next,
            None => {
                // Fail closed: the state could not be brought back in line
                // with the store, so nothing more is accepted. Dropping the
                // receiver makes every later submission fail with `Closed`.
                while let Ok(job) = jobs.try_recv() {
                    (job.reply)(Err(SubmitError::Closed));
                }
                return;
            }
        }
    }
}

fn write_state(shared: &Shared) -> std::sync::RwLockWriteGuard<'_, LogState> {
    match shared.state.write() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Admits, writes and acknowledges one batch; returns the tree after it, or
/// `None` if the ledger must stop.
fn commit(shared: &Shared, frontier: Frontier, batch: Vec<Job>) -> Option<Frontier> {
    let mut next = frontier.clone();
    let mut write = AppendBatch::default();
    let mut admitted = Vec::new();
    let mut refused = Vec::new();
    {
        let mut state = write_state(shared);
        for job in batch {
            let result = check_log_key(shared, &job.record).and_then(|()| {
                if next.size() == u64::MAX {
                    return Err(Rejection::Rule("the log is full".into()));
                }
                state.admit_with(&job.record, Signatures::VerifiedWith(&job.keys))
            });
            if let Err(rejection) = result {
                refused.push((job, rejection));
                continue;
            }
            let index = next.size();
            match next.try_append(job.record.hash) {
                Ok(nodes) => write.nodes.extend(nodes),
                // Unreachable after the size check above; fail closed if not.
                Err(_) => return None,
            }
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
        return Some(frontier);
    }
    let checkpoint = Checkpoint {
        origin: shared.signer.name().to_string(),
        size: next.size(),
        root: next.root(),
        extensions: vec![],
    };
    let result = checkpoint
        .sign(&shared.signer)
        .map_err(|e| StoreError::Io(format!("cannot sign the checkpoint: {e}")))
        .and_then(|note| {
            write.checkpoint = Some(StoredCheckpoint {
                size: next.size(),
                note,
            });
            shared.store.append(&write)
        });
    match result {
        Ok(()) => {
            for (index, job) in admitted {
                (job.reply)(Ok(Receipt {
                    index,
                    leaf_hash: job.record.hash,
                    tree_size: next.size(),
                }));
            }
            Some(next)
        }
        Err(error) => {
            // The state already holds the batch, but the store may not. Rebuild
            // both from the store, and answer each submitter by what the store
            // actually holds, so memory never runs ahead of disk.
            let message = error.to_string();
            let rebuilt = replay(shared.store.as_ref());
            let (stored, tree) = match rebuilt {
                Ok((state, tree)) => {
                    *write_state(shared) = state;
                    (tree.size(), Some(tree))
                }
                Err(_) => (frontier.size(), None),
            };
            for (index, job) in admitted {
                let reply = if index < stored && tree.is_some() {
                    Ok(Receipt {
                        index,
                        leaf_hash: job.record.hash,
                        tree_size: stored,
                    })
                } else {
                    Err(SubmitError::Storage(StoreError::Io(message.clone())))
                };
                (job.reply)(reply);
            }
            tree
        }
    }
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
