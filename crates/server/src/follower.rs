//! The query index follows the store: it reads whatever records the store
//! holds beyond what it has seen — this server's or another server's on the
//! same database — before answering.
//!
//! A request never waits for a long build. A few new records (at most
//! [`INLINE_RECORDS`]) are indexed by the request that finds them, as
//! before; when the index is further behind (a server starting over a big
//! log, a bulk import through another server), one background thread builds
//! it and every request meanwhile answers at once with
//! [`ApiError::Indexing`]: 503, `Retry-After`, and how far the build has
//! come. The index is taken in chunks of [`CHUNK`] records, each under the
//! write lock on its own, so neither the builder nor a request holds the
//! lock for longer than one chunk takes.
//!
//! With a [`SnapshotFile`], the build starts from the index as it was last
//! written out, if the log proves it (`snapshot.rs`), and indexes only what
//! came after; the index is written out again as it grows.

use crate::error::{ApiError, detail, parse_stored};
use crate::snapshot::SnapshotFile;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock, RwLockReadGuard};
use std::time::Instant;
use truce_core::Record;
use truce_index::Index;
use truce_store::Store;

/// How far behind the store a request still catches the index up itself:
/// steady-state appends (a few records between two reads, a batch of a few
/// thousand) are indexed inline in well under a second; anything further is
/// left to the background build.
pub const INLINE_RECORDS: u64 = 20_000;

/// Records read from the store and indexed under one hold of the write lock.
const CHUNK: u64 = 2_000;

/// The index is written out once it holds this many records more than its
/// last snapshot, or a quarter more when that is more: a steady trickle
/// writes seldom, a bulk import a few times, and a restart never has more
/// than about a fifth of the log to index.
pub const SNAPSHOT_EVERY: u64 = 100_000;

pub struct IndexFollower {
    store: Arc<dyn Store>,
    index: RwLock<Index>,
    /// The index's length, readable while a chunk holds the write lock.
    indexed: AtomicU64,
    /// Whether a background build runs (at most one does).
    building: AtomicBool,
    /// When the running build started and how many records the index held
    /// then: its rate so far gives the `Retry-After` estimate.
    started: Mutex<Option<(Instant, u64)>>,
    /// Bigger than this behind, a request leaves the work to the background.
    inline_records: u64,
    gate: Gate,
    snapshot: Option<SnapshotFile>,
    snapshot_every: u64,
    /// The size of the snapshot last written or read (0: none yet).
    saved: AtomicU64,
    /// Whether a snapshot is being written (at most one is).
    saving: AtomicBool,
    /// Holds a snapshot's write once it has the read lock (for tests).
    saving_gate: Gate,
    /// Opens once the build has read its snapshot (or found none to read).
    snapshot_read: Gate,
}

/// Holds the background build before it starts, so a test can see the
/// server answer while its index is not built, without racing a timer (the
/// API tests hold a ledger's opening with one too). Open by default;
/// [`Gate::closed`] makes one that holds until opened.
#[derive(Clone, Default)]
pub struct Gate(Arc<GateState>);

#[derive(Default)]
struct GateState {
    held: Mutex<bool>,
    wake: Condvar,
    /// Threads waiting at the gate now.
    waiting: AtomicU64,
}

impl Gate {
    /// A gate that holds the build until [`Gate::open`].
    pub fn closed() -> Self {
        Self(Arc::new(GateState {
            held: Mutex::new(true),
            ..GateState::default()
        }))
    }

    /// Lets the build go on.
    pub fn open(&self) {
        if let Ok(mut held) = self.0.held.lock() {
            *held = false;
        }
        self.0.wake.notify_all();
    }

    /// Whether a thread waits at the gate now (a test knows then that what
    /// it holds has come that far).
    pub fn is_waited_on(&self) -> bool {
        self.0.waiting.load(Ordering::Acquire) > 0
    }

    /// Returns once the gate is open, or after `limit` at most.
    pub fn wait_at_most(&self, limit: std::time::Duration) {
        let Ok(guard) = self.0.held.lock() else {
            return;
        };
        self.0.waiting.fetch_add(1, Ordering::AcqRel);
        let _ = self.0.wake.wait_timeout_while(guard, limit, |held| *held);
        self.0.waiting.fetch_sub(1, Ordering::AcqRel);
    }

    /// Returns once the gate is open.
    pub fn wait(&self) {
        let Ok(mut guard) = self.0.held.lock() else {
            return;
        };
        self.0.waiting.fetch_add(1, Ordering::AcqRel);
        while *guard {
            match self.0.wake.wait(guard) {
                Ok(g) => guard = g,
                Err(_) => break,
            }
        }
        self.0.waiting.fetch_sub(1, Ordering::AcqRel);
    }
}

impl IndexFollower {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            index: RwLock::new(Index::new()),
            indexed: AtomicU64::new(0),
            building: AtomicBool::new(false),
            started: Mutex::new(None),
            inline_records: INLINE_RECORDS,
            gate: Gate::default(),
            snapshot: None,
            snapshot_every: SNAPSHOT_EVERY,
            saved: AtomicU64::new(0),
            saving: AtomicBool::new(false),
            saving_gate: Gate::default(),
            snapshot_read: Gate::default(),
        }
    }

    /// Starts the build from `file` when it holds a snapshot the log proves,
    /// and writes the index out there as it grows.
    pub fn with_snapshot(self, file: SnapshotFile) -> Self {
        Self {
            snapshot: Some(file),
            snapshot_read: Gate::closed(),
            ..self
        }
    }

    /// Opens once the build has read the index's snapshot, or found none to
    /// read. `truce serve` holds the ledger's replay of the log until then,
    /// so that the snapshot, which gives the first lists, has both cores:
    /// the replay takes minutes over millions of records, the snapshot
    /// seconds.
    pub fn snapshot_read(&self) -> Gate {
        self.snapshot_read.clone()
    }

    /// Holds each snapshot's write at `gate`, the index's read lock taken,
    /// until it opens (for tests: the server meanwhile is as it is while a
    /// long snapshot is written).
    pub fn with_snapshot_gate(self, gate: Gate) -> Self {
        Self {
            saving_gate: gate,
            ..self
        }
    }

    /// Writes a snapshot every `records` records rather than every
    /// [`SNAPSHOT_EVERY`] (tests, on small logs).
    pub fn with_snapshot_every(self, records: u64) -> Self {
        Self {
            snapshot_every: records.max(1),
            ..self
        }
    }

    /// Indexes at most `records` new records inside a request (tests set it
    /// low to see the background build at work on a small log).
    pub fn with_inline_records(self, records: u64) -> Self {
        Self {
            inline_records: records,
            ..self
        }
    }

    /// Holds the background build at `gate` until it opens (for tests).
    pub fn with_gate(self, gate: Gate) -> Self {
        Self { gate, ..self }
    }

    /// Brings the index up to the store's size if it is only a little
    /// behind; further behind, starts the background build (if none runs)
    /// and answers [`ApiError::Indexing`] at once. Cheap when nothing is new.
    /// Runs store reads: call it from a blocking thread.
    pub fn catch_up(self: &Arc<Self>) -> Result<(), ApiError> {
        let size = self.store.size()?;
        let seen = self.indexed.load(Ordering::Acquire);
        if seen >= size {
            return Ok(());
        }
        // Even while a build runs: near its end, the request and the build
        // share the last chunks rather than the request being turned away.
        if size - seen <= self.inline_records {
            self.advance_to(size)?;
            self.save_if_due();
            return Ok(());
        }
        self.build_in_background();
        Err(self.behind(seen, size))
    }

    /// Starts the build on a thread of its own unless one runs already; it
    /// goes on until the index holds everything the store does.
    pub fn build_in_background(self: &Arc<Self>) {
        if self.building.swap(true, Ordering::AcqRel) {
            return;
        }
        let follower = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("truce-index-build".into())
            .spawn(move || follower.build());
        if let Err(e) = spawned {
            self.building.store(false, Ordering::Release);
            self.snapshot_read.open();
            tracing::error!(error = %e, "cannot start the query index's build");
        }
    }

    fn build(self: &Arc<Self>) {
        self.gate.wait();
        if self.indexed.load(Ordering::Acquire) == 0 {
            self.read_snapshot();
        }
        self.snapshot_read.open();
        let began = Instant::now();
        if let Ok(mut started) = self.started.lock() {
            *started = Some((began, self.indexed.load(Ordering::Acquire)));
        }
        // Until the store holds nothing new: records appended while the
        // build ran are taken too, so no request finds it far behind after.
        let outcome = loop {
            let size = match self.store.size() {
                Ok(size) => size,
                Err(e) => break Err(ApiError::from(e)),
            };
            if self.indexed.load(Ordering::Acquire) >= size {
                break Ok(size);
            }
            if let Err(e) = self.advance_in_parallel(size) {
                break Err(e);
            }
        };
        if let Ok(mut started) = self.started.lock() {
            *started = None;
        }
        self.building.store(false, Ordering::Release);
        if outcome.is_ok() {
            crate::memory::release();
            self.save_if_due();
        }
        match outcome {
            Ok(size) => tracing::info!(
                records = size,
                secs = began.elapsed().as_secs_f64(),
                "the query index has caught up with the store"
            ),
            // The next request that finds it behind starts another.
            Err(e) => tracing::error!(error = %e, "the query index could not be built"),
        }
    }

    /// Starts from the snapshot, if there is one the log proves; otherwise
    /// says why not and leaves the index empty, to be built from the log.
    fn read_snapshot(&self) {
        let Some(file) = &self.snapshot else { return };
        let began = Instant::now();
        match file.load(self.store.as_ref()) {
            Ok(Some(read)) => {
                let Ok(mut index) = self.index.write() else {
                    return;
                };
                // A request may have indexed a small log meanwhile.
                if !index.is_empty() {
                    return;
                }
                let size = read.len();
                *index = read;
                self.indexed.store(size, Ordering::Release);
                self.saved.store(size, Ordering::Release);
                tracing::info!(
                    records = size,
                    secs = began.elapsed().as_secs_f64(),
                    path = %file.path().display(),
                    "read the query index's snapshot"
                );
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(
                error = %e,
                path = %file.path().display(),
                "the query index's snapshot is not used: the index is built from the log"
            ),
        }
    }

    /// Writes the index out, on a thread of its own, once it has grown
    /// enough since the last snapshot (see [`SNAPSHOT_EVERY`]). The write
    /// holds the index's read lock: requests read on meanwhile, and one
    /// that finds new records to index answers 503 rather than wait.
    fn save_if_due(self: &Arc<Self>) {
        let Some(file) = &self.snapshot else { return };
        let saved = self.saved.load(Ordering::Acquire);
        let due = saved + self.snapshot_every.max(saved / 4);
        if self.indexed.load(Ordering::Acquire) < due || self.saving.swap(true, Ordering::AcqRel) {
            return;
        }
        let (follower, file) = (Arc::clone(self), file.clone());
        let spawned = std::thread::Builder::new()
            .name("truce-index-snapshot".into())
            .spawn(move || {
                let began = Instant::now();
                let outcome = match follower.read() {
                    Ok(index) => {
                        follower.saving_gate.wait();
                        file.save(&index, follower.store.as_ref())
                            .map_err(|e| e.to_string())
                    }
                    Err(e) => Err(e.to_string()),
                };
                match outcome {
                    Ok(saved) => {
                        follower.saved.store(saved.size, Ordering::Release);
                        tracing::info!(
                            records = saved.size,
                            bytes = saved.bytes,
                            secs = began.elapsed().as_secs_f64(),
                            path = %file.path().display(),
                            "wrote the query index's snapshot"
                        );
                    }
                    Err(error) => tracing::warn!(
                        %error,
                        path = %file.path().display(),
                        "cannot write the query index's snapshot"
                    ),
                }
                follower.saving.store(false, Ordering::Release);
            });
        if let Err(e) = spawned {
            self.saving.store(false, Ordering::Release);
            tracing::warn!(error = %e, "cannot start writing the query index's snapshot");
        }
    }

    /// Whether a snapshot is being written, and the size of the last one
    /// written or read (tests wait on it).
    pub fn snapshot_progress(&self) -> (bool, u64) {
        (
            self.saving.load(Ordering::Acquire),
            self.saved.load(Ordering::Acquire),
        )
    }

    /// Indexes the store's records up to `size`, a chunk per hold of the
    /// write lock.
    fn advance_to(&self, size: u64) -> Result<(), ApiError> {
        loop {
            // While a snapshot is written (seconds, at millions of records,
            // under the read lock) a request does not wait for the write
            // lock: every read would queue behind it. It answers 503 at
            // once instead, as while the index builds.
            if self.saving.load(Ordering::Acquire) {
                return Err(self.behind(self.indexed.load(Ordering::Acquire), size));
            }
            let mut index = self.index.write().map_err(|_| {
                ApiError::Internal(detail!("internal.poisoned", table = "query index"))
            })?;
            // Another thread may have taken this chunk while we waited.
            let next = index.len();
            if next >= size {
                return Ok(());
            }
            let end = (next + CHUNK).min(size);
            for (at, record) in read_chunk(self.store.as_ref(), next, end)? {
                index.add(at, &record).map_err(|e| {
                    ApiError::Internal(detail!("internal.indexing", index = at, cause = e))
                })?;
            }
            self.indexed.store(index.len(), Ordering::Release);
        }
    }

    /// As [`IndexFollower::advance_to`], on two threads: one reads the
    /// store's records and parses them a chunk ahead while this one adds
    /// them to the index in log order. Reading and parsing take most of a
    /// build's time (the start-up bench says how much), so the build takes
    /// about as long as they do rather than as all three.
    fn advance_in_parallel(&self, size: u64) -> Result<(), ApiError> {
        let from = self.indexed.load(Ordering::Acquire);
        // A few chunks ahead at most: what is parsed waits in memory.
        let (parsed, chunks) =
            std::sync::mpsc::sync_channel::<Result<Vec<(u64, Record)>, ApiError>>(4);
        let store = &self.store;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut next = from;
                while next < size {
                    let end = (next + CHUNK).min(size);
                    let chunk = read_chunk(store.as_ref(), next, end);
                    let failed = chunk.is_err();
                    // The receiver is gone when adding failed: stop.
                    if parsed.send(chunk).is_err() || failed {
                        return;
                    }
                    next = end;
                }
            });
            let mut room_next = 1;
            for chunk in chunks {
                let chunk = chunk?;
                // Nor does the build queue for the lock behind a snapshot
                // being written (see `advance_to`).
                while self.saving.load(Ordering::Acquire) {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                let mut index = self.index.write().map_err(|_| {
                    ApiError::Internal(detail!("internal.poisoned", table = "query index"))
                })?;
                for (at, record) in &chunk {
                    // A request may have indexed these already.
                    if *at < index.len() {
                        continue;
                    }
                    index.add(*at, record).map_err(|e| {
                        ApiError::Internal(detail!("internal.indexing", index = at, cause = e))
                    })?;
                }
                self.indexed.store(index.len(), Ordering::Release);
                // Room for the rest of the log and a sixteenth more, for
                // what is appended meanwhile, as the ledger's replay makes
                // (from the log alone, the index's columns growing set the
                // peak). Made once the first chunk shows what the log
                // holds, and again each time the index has doubled since,
                // as the shape it goes by settles: text that grows longer
                // as the log goes on (the 10M bench's titles end in ever
                // more digits) outgrew the first room near the end, where
                // a copy costs most; a copy early on costs little.
                if index.len() >= room_next {
                    let rest = size.saturating_sub(index.len());
                    index.reserve_records(rest + size / 16);
                    room_next = index.len().saturating_mul(2);
                }
            }
            Ok(())
        })
    }

    /// The answer while the index builds: how far it has come, and when to
    /// ask again from the build's rate so far.
    fn behind(&self, indexed: u64, size: u64) -> ApiError {
        let rate = self.started.lock().ok().and_then(|started| {
            let (at, from) = (*started)?;
            let secs = at.elapsed().as_secs_f64();
            let done = indexed.saturating_sub(from) as f64;
            (secs > 0.0 && done > 0.0).then(|| done / secs)
        });
        let remaining = size.saturating_sub(indexed) as f64;
        // No rate yet (the build has just started or is held): a second.
        let retry_after_secs = rate.map_or(1, |rate| {
            ((remaining / rate).ceil() as u64).clamp(1, crate::opening::MAX_RETRY_SECS)
        });
        ApiError::Indexing {
            indexed,
            size,
            retry_after_secs,
        }
    }

    /// How many records the index holds and whether a build runs.
    pub fn progress(&self) -> (u64, bool) {
        (
            self.indexed.load(Ordering::Acquire),
            self.building.load(Ordering::Acquire),
        )
    }

    pub fn read(&self) -> Result<RwLockReadGuard<'_, Index>, ApiError> {
        self.index
            .read()
            .map_err(|_| ApiError::Internal(detail!("internal.poisoned", table = "query index")))
    }
}

/// The store's records `start..end`, parsed, with their log positions.
fn read_chunk(store: &dyn Store, start: u64, end: u64) -> Result<Vec<(u64, Record)>, ApiError> {
    store
        .records(start, end)?
        .into_iter()
        .map(|stored| parse_stored(stored.index, &stored.leaf).map(|record| (stored.index, record)))
        .collect()
}
