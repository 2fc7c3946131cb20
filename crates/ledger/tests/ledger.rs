#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The append path against a real SQLite file: acknowledged means durable,
//! refused means unchanged, concurrent submitters are batched, and a reopened
//! ledger carries on where it stopped.

mod fixture;

use fixture::{fixture, incident};
use std::sync::Arc;
use truce_core::{Rejection, RuleViolation};
use truce_ledger::{Ledger, SubmitError};
use truce_store::Store;
use truce_store_sqlite::SqliteStore;

fn open(dir: &std::path::Path, log: &truce_tlog::note::NoteSigner) -> Ledger {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.join("truce.db")).unwrap());
    Ledger::open(store, log.clone()).unwrap()
}

/// A new log in `dir`: the charter, then `incidents` records of the first reporter.
fn a_log_with_incidents(dir: &std::path::Path, fx: &fixture::Fixture, incidents: u64) -> Ledger {
    let ledger = open(dir, &fx.log);
    ledger.submit(fx.charter.clone(), None).unwrap();
    for seq in 1..=incidents {
        ledger
            .submit(incident(&fx.reporters[0], seq), None)
            .unwrap();
    }
    ledger
}

#[test]
fn an_acknowledged_record_is_in_the_store_with_its_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let ledger = open(dir.path(), &fx.log);
    let receipt = ledger.submit(fx.charter.clone(), None).unwrap();
    assert_eq!((receipt.index, receipt.tree_size), (0, 1));
    let r = ledger.submit(incident(&fx.reporters[0], 1), None).unwrap();
    assert_eq!(r.index, 1);
    // A separate connection sees it: it was committed before the receipt.
    let other = SqliteStore::open(dir.path().join("truce.db")).unwrap();
    assert_eq!(other.size().unwrap(), 2);
    let stored = other.records(1, 2).unwrap();
    assert_eq!(stored[0].hash, r.leaf_hash);
    assert_eq!(ledger.index_of(&r.leaf_hash), Some(1));
    let cp = other.latest_checkpoint().unwrap().unwrap();
    let checkpoint = truce_tlog::Checkpoint::open(&cp.note, &fx.log.verifier()).unwrap();
    assert_eq!(checkpoint.size, 2);
}

#[test]
fn a_refused_record_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let ledger = open(dir.path(), &fx.log);
    ledger.submit(fx.charter.clone(), None).unwrap();
    ledger.submit(incident(&fx.reporters[0], 1), None).unwrap();
    // Replayed and skipped sequence numbers.
    for seq in [1, 3] {
        match ledger.submit(incident(&fx.reporters[0], seq), None) {
            Err(SubmitError::Rejected(_)) => {}
            other => panic!("seq {seq} should be refused, got {other:?}"),
        }
    }
    // A second charter.
    assert!(matches!(
        ledger.submit(fx.charter.clone(), None),
        Err(SubmitError::Rejected(_))
    ));
    let store = ledger.store();
    assert_eq!(store.size().unwrap(), 2);
    assert_eq!(store.checkpoints().unwrap().len(), 2);
    // The next valid record still takes the next place.
    assert_eq!(
        ledger
            .submit(incident(&fx.reporters[0], 2), None)
            .unwrap()
            .index,
        2
    );
}

#[test]
fn a_charter_naming_another_log_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let other_key = truce_tlog::note::NoteSigner::from_seed(fixture::ORIGIN, [9; 32]).unwrap();
    let ledger = open(dir.path(), &other_key);
    let err = ledger.submit(fx.charter.clone(), None).unwrap_err();
    assert!(
        matches!(
            err,
            SubmitError::Rejected(Rejection::Rule(RuleViolation::CharterLogKey { .. }))
        ),
        "{err}"
    );
    assert_eq!(ledger.store().size().unwrap(), 0);
}

/// Runs `submit` for every reporter of `fx` at once, each on its own
/// thread, and gives back what each returned, in the reporters' order.
fn on_a_thread_each<T: Send + 'static>(
    fx: &fixture::Fixture,
    ledger: &Arc<Ledger>,
    submit: impl Fn(Arc<Ledger>, truce_tlog::note::NoteSigner) -> T + Clone + Send + 'static,
) -> Vec<T> {
    let handles: Vec<_> = fx
        .reporters
        .iter()
        .cloned()
        .map(|signer| {
            let (ledger, submit) = (Arc::clone(ledger), submit.clone());
            std::thread::spawn(move || submit(ledger, signer))
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn concurrent_submitters_are_all_acknowledged_in_one_consistent_log() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(8);
    let ledger = Arc::new(open(dir.path(), &fx.log));
    ledger.submit(fx.charter.clone(), None).unwrap();
    let per_thread = 40u64;
    let mut indexes: Vec<u64> = on_a_thread_each(&fx, &ledger, move |ledger, signer| {
        (1..=per_thread)
            .map(|seq| ledger.submit(incident(&signer, seq), None).unwrap().index)
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    indexes.sort_unstable();
    let expected: Vec<u64> = (1..=8 * per_thread).collect();
    assert_eq!(indexes, expected, "every record got exactly one place");
    let store = ledger.store();
    // Whatever the batching, the latest checkpoint signs the whole log.
    assert_eq!(
        store.latest_checkpoint().unwrap().unwrap().size,
        8 * per_thread + 1
    );
    let report = truce_ledger::verify_store(store.as_ref(), None, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.records, 8 * per_thread + 1);
}

/// Each author's submissions reach the sequencer in the order submitted,
/// while other authors' submissions share their verification thread: every
/// author's records here are sent without waiting for one another, and a
/// record that overtook its predecessor would be refused for its sequence
/// number. (It caught both ordering mistakes of a trial that verified a
/// lone submission on its submitter's thread: see ARCHITECTURE.md.)
#[test]
fn an_authors_records_sent_without_waiting_land_in_the_order_sent() {
    let dir = tempfile::tempdir().unwrap();
    // More authors than this machine has verification shards (one per
    // core, at most eight), so some share one.
    let fx = fixture(12);
    let ledger = Arc::new(open(dir.path(), &fx.log));
    ledger.submit(fx.charter.clone(), None).unwrap();
    let per_author = 150u64;
    let every_authors = on_a_thread_each(&fx, &ledger, move |ledger, signer| {
        let (tx, rx) = std::sync::mpsc::channel();
        for seq in 1..=per_author {
            let tx = tx.clone();
            ledger
                .submit_with(incident(&signer, seq), None, move |result| {
                    let _ = tx.send((seq, result));
                })
                .unwrap();
        }
        drop(tx);
        let mut answers: Vec<_> = rx.into_iter().collect();
        answers.sort_by_key(|(seq, _)| *seq);
        answers
    });
    for answers in every_authors {
        assert_eq!(answers.len() as u64, per_author);
        let indexes: Vec<u64> = answers
            .into_iter()
            .map(|(seq, result)| match result {
                Ok(receipt) => receipt.index,
                Err(e) => panic!("record {seq} was refused: {e}"),
            })
            .collect();
        assert!(
            indexes.windows(2).all(|w| w[0] < w[1]),
            "an author's records in the order sent: {indexes:?}"
        );
    }
    assert_eq!(ledger.store().size().unwrap(), 12 * per_author + 1);
}

/// A log of six records (the charter, five incidents) whose ledger is closed.
fn a_closed_log_of_six() -> (tempfile::TempDir, fixture::Fixture) {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    a_log_with_incidents(dir.path(), &fx, 5);
    (dir, fx)
}

#[test]
fn a_ledger_opening_says_how_far_its_replay_has_come_and_goes_on_where_the_log_ends() {
    // The replay on this thread alone, and with two threads reading ahead.
    for workers in [0, 2] {
        let (dir, fx) = a_closed_log_of_six();
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(dir.path().join("truce.db")).unwrap());
        let reports = std::sync::Mutex::new(Vec::new());
        let ledger = Ledger::open_reporting(store, fx.log.clone(), workers, &|replayed, size| {
            reports.lock().unwrap().push((replayed, size));
        })
        .unwrap();
        let reports = reports.into_inner().unwrap();
        // Nothing yet of six, then all six (a report per chunk between).
        assert_eq!(reports, vec![(0, 6), (6, 6)], "{workers} workers");
        assert_eq!(ledger.with_state(truce_core::LogState::size), 6);
        // The replayed state refuses a sequence number already used and
        // takes the next one, at the next index.
        assert!(matches!(
            ledger.submit(incident(&fx.reporters[0], 5), None),
            Err(SubmitError::Rejected(_))
        ));
        let next = ledger.submit(incident(&fx.reporters[0], 6), None).unwrap();
        assert_eq!(next.index, 6, "{workers} workers");
    }
}

#[test]
fn a_replay_names_the_stored_record_it_cannot_read_or_admit_on_one_thread_or_more() {
    let (dir, fx) = a_closed_log_of_six();
    let db = dir.path().join("truce.db");
    let leaf_of = |idx: i64| -> Vec<u8> {
        rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT leaf FROM records WHERE idx = ?1", [idx], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let (third, fifth) = (leaf_of(3), leaf_of(5));
    let set_leaf = |idx: i64, leaf: &[u8]| {
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute(
                "UPDATE records SET leaf = ?1 WHERE idx = ?2",
                rusqlite::params![leaf, idx],
            )
            .unwrap();
    };
    let opened = |workers: usize| {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
        match Ledger::open_reporting(store, fx.log.clone(), workers, &|_, _| {}) {
            Err(SubmitError::Storage(e)) => e.to_string(),
            Err(other) => panic!("{workers}: not the store's error: {other}"),
            Ok(_) => panic!("{workers}: a damaged log opened"),
        }
    };
    // Record 3 no longer parses; record 5 then holds another record's leaf
    // too (it parses, but not to its stored hash): each is named, the first
    // in the log first, whichever thread read it.
    set_leaf(3, b"{\"not\":\"a record\"}");
    set_leaf(5, &third);
    for workers in [0, 1, 2] {
        let why = opened(workers);
        assert!(why.contains("record 3 cannot be read"), "{workers}: {why}");
    }
    set_leaf(3, &third);
    for workers in [0, 1, 2] {
        let why = opened(workers);
        assert!(
            why.contains("record 5 does not hash to its stored hash"),
            "{workers}: {why}"
        );
    }
    set_leaf(5, &fifth);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&db).unwrap());
    Ledger::open_reporting(store, fx.log.clone(), 2, &|_, _| {}).unwrap();
}

#[test]
fn a_reopened_ledger_continues_the_same_tree_and_sequences() {
    let (dir, fx) = a_closed_log_of_six();
    let ledger = open(dir.path(), &fx.log);
    assert!(matches!(
        ledger.submit(incident(&fx.reporters[0], 5), None),
        Err(SubmitError::Rejected(_))
    ));
    assert_eq!(
        ledger
            .submit(incident(&fx.reporters[0], 6), None)
            .unwrap()
            .index,
        6
    );
    truce_ledger::verify_store(ledger.store().as_ref(), None, None, &mut |_, _| {}).unwrap();
    // The wrong log key cannot open it.
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("truce.db")).unwrap());
    let wrong = truce_tlog::note::NoteSigner::from_seed(fixture::ORIGIN, [3; 32]).unwrap();
    assert!(Ledger::open(store, wrong).is_err());
}

#[test]
fn two_ledgers_on_one_store_each_take_in_what_the_other_appended() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(2);
    let first = open(dir.path(), &fx.log);
    first.submit(fx.charter.clone(), None).unwrap();
    // The second opens now, then the first carries on: the second's state is behind.
    let second = open(dir.path(), &fx.log);
    for seq in 1..=5 {
        first.submit(incident(&fx.reporters[0], seq), None).unwrap();
    }
    let author = truce_core::values::MemberId::parse(fx.reporters[0].name()).unwrap();
    assert_eq!(
        second.with_state(|s| s.next_seq(&author)),
        1,
        "not yet caught up"
    );

    // A reader asking the second ledger sees the log as it is.
    assert_eq!(second.catch_up().unwrap(), 6);
    assert_eq!(second.with_state(|s| s.next_seq(&author)), 6);

    // The first appends more; the second admits the next record of the same
    // author at once (its sequence number is right only against the whole log).
    first.submit(incident(&fx.reporters[0], 6), None).unwrap();
    let receipt = second.submit(incident(&fx.reporters[0], 7), None).unwrap();
    assert_eq!(receipt.index, 7);
    // And a replay of an author's record the other ledger admitted is refused.
    assert!(matches!(
        second.submit(incident(&fx.reporters[0], 6), None),
        Err(SubmitError::Rejected(_))
    ));
    // Both carry on alternately on one consistent log.
    for seq in 8..=11 {
        let ledger = if seq % 2 == 0 { &first } else { &second };
        ledger
            .submit(incident(&fx.reporters[0], seq), None)
            .unwrap();
    }
    let report =
        truce_ledger::verify_store(second.store().as_ref(), None, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.records, 12);
}

#[test]
fn a_ledger_opening_while_another_appends_takes_in_what_landed_after_its_replay() {
    // What a second server (or a server restarted a moment after one was
    // killed mid-commit, on PostgreSQL) meets: an append lands after the
    // replay has read the log's size and before the latest checkpoint is
    // compared with the replayed tree. That checkpoint signs a larger tree,
    // whose records are in the store: the ledger opens on them.
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let first = Arc::new(a_log_with_incidents(dir.path(), &fx, 3));
    let store = FailingOnce::new(dir.path());
    let (appender, reporter) = (Arc::clone(&first), fx.reporters[0].clone());
    *store.before_checkpoint_read.lock().unwrap() = Some(Box::new(move || {
        for seq in 4..=5 {
            appender.submit(incident(&reporter, seq), None).unwrap();
        }
    }));
    let store: Arc<dyn Store> = Arc::new(store);
    let second = Ledger::open(Arc::clone(&store), fx.log.clone())
        .expect("a ledger opens on a log another process appended to meanwhile");
    assert_eq!(store.size().unwrap(), 6, "the other appends landed");

    // Without asking to catch up, the second has the two records it did not
    // replay: the author's next number, and a replay of one is refused.
    let author = truce_core::values::MemberId::parse(fx.reporters[0].name()).unwrap();
    assert_eq!(second.with_state(|s| s.next_seq(&author)), 6);
    assert_eq!(
        second.index_of(&incident(&fx.reporters[0], 5).hash()),
        Some(5)
    );
    assert!(matches!(
        second.submit(incident(&fx.reporters[0], 5), None),
        Err(SubmitError::Rejected(_))
    ));
    let receipt = second.submit(incident(&fx.reporters[0], 6), None).unwrap();
    assert_eq!((receipt.index, receipt.tree_size), (6, 7));
    let report = truce_ledger::verify_store(store.as_ref(), None, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.records, 7);
}

#[test]
fn a_ledger_refuses_a_store_that_lacks_records_its_latest_checkpoint_signs() {
    // Unlike the appends above, records deleted from under a checkpoint are
    // not in the store to take in: the ledger signs nothing on that tree.
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    drop(a_log_with_incidents(dir.path(), &fx, 3));
    rusqlite::Connection::open(dir.path().join("truce.db"))
        .unwrap()
        .execute("DELETE FROM records WHERE idx = 3", [])
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("truce.db")).unwrap());
    let Err(refused) = Ledger::open(store, fx.log.clone()) else {
        panic!("a ledger opened on a store missing a signed record");
    };
    let why = truce_store::describe(&refused);
    assert!(
        why.contains("the stored tree (size 3) does not match the latest checkpoint (size 4)"),
        "{why}"
    );
}

/// The real SQLite store, with one append made to fail, or the whole store
/// unreachable for a while: the failure paths of the append pipeline,
/// exercised for real. It can also run something (another process's append)
/// just before the latest checkpoint is first read.
struct FailingOnce {
    inner: SqliteStore,
    before_checkpoint_read: std::sync::Mutex<Option<Box<dyn FnOnce() + Send>>>,
    fail_at: std::sync::atomic::AtomicU64,
    appends: std::sync::atomic::AtomicU64,
    /// Panic instead of failing (a bug in a store, say).
    panics: std::sync::atomic::AtomicBool,
    /// Every call fails, reads too (a database server that is down).
    down: std::sync::atomic::AtomicBool,
    /// The append at which the store goes down (its write fails with it).
    down_at: std::sync::atomic::AtomicU64,
    /// The append that is committed and then reported failed (a connection
    /// lost before the commit's answer), the store going down with it when
    /// `down_after_commit` is set.
    commit_then_fail_at: std::sync::atomic::AtomicU64,
    down_after_commit: std::sync::atomic::AtomicBool,
}

impl FailingOnce {
    /// A new SQLite store in `dir` that neither fails nor panics until told.
    fn new(dir: &std::path::Path) -> Self {
        Self {
            inner: SqliteStore::open(dir.join("truce.db")).unwrap(),
            before_checkpoint_read: std::sync::Mutex::new(None),
            fail_at: std::sync::atomic::AtomicU64::new(u64::MAX),
            appends: Default::default(),
            panics: Default::default(),
            down: Default::default(),
            down_at: std::sync::atomic::AtomicU64::new(u64::MAX),
            commit_then_fail_at: std::sync::atomic::AtomicU64::new(u64::MAX),
            down_after_commit: Default::default(),
        }
    }

    fn reachable(&self) -> Result<(), truce_store::StoreError> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(truce_store::StoreError::database(
                "injected",
                std::io::Error::new(
                    std::io::ErrorKind::ConnectionRefused,
                    "the database server is down",
                ),
            ));
        }
        Ok(())
    }
}

impl Store for FailingOnce {
    fn append(&self, batch: &truce_store::AppendBatch) -> Result<(), truce_store::StoreError> {
        use std::sync::atomic::Ordering;
        let n = self.appends.fetch_add(1, Ordering::SeqCst);
        if self.panics.load(Ordering::SeqCst) {
            panic!("injected: a bug in the store");
        }
        if n == self.down_at.load(Ordering::SeqCst) {
            self.down.store(true, Ordering::SeqCst);
        }
        self.reachable()?;
        if n == self.fail_at.load(Ordering::SeqCst) {
            return Err(truce_store::StoreError::io(
                "injected",
                std::io::Error::new(std::io::ErrorKind::StorageFull, "the disk is full"),
            ));
        }
        self.inner.append(batch)?;
        if n == self.commit_then_fail_at.load(Ordering::SeqCst) {
            if self.down_after_commit.load(Ordering::SeqCst) {
                self.down.store(true, Ordering::SeqCst);
            }
            return Err(truce_store::StoreError::database(
                "injected",
                std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "the connection was lost before the commit's answer",
                ),
            ));
        }
        Ok(())
    }
    fn size(&self) -> Result<u64, truce_store::StoreError> {
        self.reachable()?;
        self.inner.size()
    }
    fn records(
        &self,
        s: u64,
        e: u64,
    ) -> Result<Vec<truce_store::StoredRecord>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.records(s, e)
    }
    fn nodes(
        &self,
        ids: &[truce_tlog::NodeId],
    ) -> Result<Vec<truce_tlog::Hash>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.nodes(ids)
    }
    fn nodes_at_level(
        &self,
        l: u8,
        s: u64,
        e: u64,
    ) -> Result<Vec<(truce_tlog::NodeId, truce_tlog::Hash)>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.nodes_at_level(l, s, e)
    }
    fn latest_checkpoint(
        &self,
    ) -> Result<Option<truce_store::StoredCheckpoint>, truce_store::StoreError> {
        self.reachable()?;
        let before = self.before_checkpoint_read.lock().unwrap().take();
        if let Some(append) = before {
            append();
        }
        self.inner.latest_checkpoint()
    }
    fn checkpoints(&self) -> Result<Vec<truce_store::StoredCheckpoint>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.checkpoints()
    }
    fn checkpoint_at(
        &self,
        size: u64,
    ) -> Result<Option<truce_store::StoredCheckpoint>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.checkpoint_at(size)
    }
    fn checkpoint_at_most(
        &self,
        size: u64,
    ) -> Result<Option<truce_store::StoredCheckpoint>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.checkpoint_at_most(size)
    }
    fn add_cosignatures(
        &self,
        size: u64,
        lines: &[String],
        quorum_met: bool,
    ) -> Result<(), truce_store::StoreError> {
        self.reachable()?;
        self.inner.add_cosignatures(size, lines, quorum_met)
    }
    fn cosignatures(&self, size: u64) -> Result<Vec<String>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.cosignatures(size)
    }
    fn latest_witnessed_size(&self) -> Result<Option<u64>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.latest_witnessed_size()
    }
    fn opening(&self, i: u64) -> Result<Option<Vec<u8>>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.opening(i)
    }
    fn opening_indexes(&self) -> Result<Vec<u64>, truce_store::StoreError> {
        self.reachable()?;
        self.inner.opening_indexes()
    }
    fn internal_node_count(&self) -> Result<u64, truce_store::StoreError> {
        self.reachable()?;
        self.inner.internal_node_count()
    }
}

#[test]
fn a_failed_write_is_reported_and_the_log_carries_on_consistently() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(6);
    let store = Arc::new(FailingOnce::new(dir.path()));
    let ledger = Arc::new(Ledger::open(store.clone(), fx.log.clone()).unwrap());
    ledger.submit(fx.charter.clone(), None).unwrap();
    store.fail_at.store(3, std::sync::atomic::Ordering::SeqCst);
    // Six authors submit concurrently; each retries a refused record once the
    // failure has passed, as a client would.
    let handles: Vec<_> = fx
        .reporters
        .iter()
        .cloned()
        .map(|signer| {
            let ledger = Arc::clone(&ledger);
            std::thread::spawn(move || {
                let mut acked = Vec::new();
                let mut failures = 0;
                let mut seq = 1;
                while seq <= 20 {
                    match ledger.submit(incident(&signer, seq), None) {
                        Ok(r) => {
                            acked.push(r);
                            seq += 1;
                        }
                        Err(SubmitError::Storage(_) | SubmitError::Unavailable { .. }) => {
                            failures += 1;
                        }
                        Err(e) => panic!("unexpected refusal: {e}"),
                    }
                }
                (acked, failures)
            })
        })
        .collect();
    let mut acked = Vec::new();
    let mut failures = 0;
    for h in handles {
        let (a, f) = h.join().unwrap();
        acked.extend(a);
        failures += f;
    }
    assert!(failures >= 1, "the injected failure reached a submitter");
    // Every acknowledged record is in the store at the index it was given.
    for receipt in &acked {
        let stored = store.records(receipt.index, receipt.index + 1).unwrap();
        assert_eq!(stored[0].hash, receipt.leaf_hash);
    }
    assert_eq!(store.size().unwrap(), 1 + 6 * 20);
    truce_ledger::verify_store(store.as_ref(), None, None, &mut |_, _| {}).unwrap();
}

#[test]
fn a_failed_write_reaches_its_submitter_with_the_stores_own_error_as_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let store = Arc::new(FailingOnce::new(dir.path()));
    let ledger = Ledger::open(store.clone(), fx.log.clone()).unwrap();
    ledger.submit(fx.charter.clone(), None).unwrap();
    store.fail_at.store(
        store.appends.load(std::sync::atomic::Ordering::SeqCst),
        std::sync::atomic::Ordering::SeqCst,
    );
    let refused = ledger.submit(incident(&fx.reporters[0], 1), None);
    let Err(SubmitError::Storage(e)) = &refused else {
        panic!("expected a storage error, got {refused:?}");
    };
    assert!(
        matches!(e.as_ref(), truce_store::StoreError::Io { .. }),
        "{e:?}"
    );
    let io = std::error::Error::source(e.as_ref()).and_then(|e| e.downcast_ref::<std::io::Error>());
    assert_eq!(
        io.map(std::io::Error::kind),
        Some(std::io::ErrorKind::StorageFull)
    );
    // The whole chain, as the server logs it.
    let Err(refused) = refused else {
        unreachable!()
    };
    assert_eq!(
        truce_store::describe(&refused),
        "not stored: injected: the disk is full"
    );
}

#[test]
fn if_the_writer_dies_every_submitter_is_answered_and_none_waits() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let store = Arc::new(FailingOnce::new(dir.path()));
    let ledger = Ledger::open(store.clone(), fx.log.clone()).unwrap();
    ledger.submit(fx.charter.clone(), None).unwrap();
    store
        .panics
        .store(true, std::sync::atomic::Ordering::SeqCst);
    // The first record dies with the writer; the ones after it find the
    // ledger closed rather than waiting for a writer that is gone.
    for seq in 1..=3 {
        match ledger.submit(incident(&fx.reporters[0], seq), None) {
            Err(SubmitError::Closed) => {}
            other => panic!("record {seq}: expected the ledger closed, got {other:?}"),
        }
    }
    assert_eq!(store.size().unwrap(), 1, "nothing more was written");
}

/// A write reported failed after its commit (the connection lost before the
/// answer) is acknowledged when the store, read back, holds it; when the
/// store cannot be read back its outcome is reported unknown, and once the
/// store is back the record is found at its index — never "not stored".
#[test]
fn a_write_that_failed_after_its_commit_is_acknowledged_or_reported_unknown_never_lost() {
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let store = Arc::new(FailingOnce::new(dir.path()));
    let ledger = Ledger::open(store.clone(), fx.log.clone()).unwrap();
    ledger.submit(fx.charter.clone(), None).unwrap();

    // The store still answers: reading back shows the record, so it is acknowledged.
    store
        .commit_then_fail_at
        .store(store.appends.load(Ordering::SeqCst), Ordering::SeqCst);
    let first = incident(&fx.reporters[0], 1);
    let receipt = ledger.submit(first.clone(), None).unwrap();
    assert_eq!((receipt.index, receipt.leaf_hash), (1, first.hash()));

    // The store goes down with the lost answer: the outcome is unknown.
    store.down_after_commit.store(true, Ordering::SeqCst);
    store
        .commit_then_fail_at
        .store(store.appends.load(Ordering::SeqCst), Ordering::SeqCst);
    let second = incident(&fx.reporters[0], 2);
    match ledger.submit(second.clone(), None) {
        Err(e @ SubmitError::Unknown { .. }) => {
            let chain = truce_store::describe(&e);
            assert!(chain.contains("connection was lost"), "{chain}");
        }
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
    // Back: it was committed, and is where the log put it.
    store.down.store(false, Ordering::SeqCst);
    let start = std::time::Instant::now();
    while ledger.catch_up().is_err() && start.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let stored = store.records(2, 3).unwrap();
    assert_eq!(stored[0].hash, second.hash());
    // Sent again as it was, it is refused as a replay, not filed twice.
    assert!(matches!(
        ledger.submit(second, None),
        Err(SubmitError::Rejected(_))
    ));
    ledger.submit(incident(&fx.reporters[0], 3), None).unwrap();
    assert_eq!(store.size().unwrap(), 4);
    truce_ledger::verify_store(store.as_ref(), None, None, &mut |_, _| {}).unwrap();
}

#[test]
fn while_the_store_is_unreachable_records_are_refused_and_once_it_is_back_they_are_taken() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(2);
    let store = Arc::new(FailingOnce::new(dir.path()));
    let ledger = Ledger::open(store.clone(), fx.log.clone()).unwrap();
    ledger.submit(fx.charter.clone(), None).unwrap();
    ledger.submit(incident(&fx.reporters[0], 1), None).unwrap();
    // The next write fails as the store goes down, and so does reading the
    // store back to rebuild the state: every submission is answered with the
    // error at once (none waits, and the ledger does not close for good).
    let appends = store.appends.load(std::sync::atomic::Ordering::SeqCst);
    store
        .down_at
        .store(appends, std::sync::atomic::Ordering::SeqCst);
    // The write that failed with it cannot be read back: whether it landed
    // is not known, and the answer says so (not "not stored").
    match ledger.submit(incident(&fx.reporters[0], 2), None) {
        Err(SubmitError::Unknown { .. }) => {}
        other => panic!("expected an unknown outcome, got {other:?}"),
    }
    // Until the log is read back nothing is admitted, and the answer carries
    // the store's own error as its cause.
    for _ in 0..2 {
        match ledger.submit(incident(&fx.reporters[0], 2), None) {
            Err(SubmitError::Unavailable {
                cause: Some(cause), ..
            }) => {
                let io = std::error::Error::source(cause.as_ref())
                    .and_then(|e| e.downcast_ref::<std::io::Error>());
                assert_eq!(
                    io.map(std::io::Error::kind),
                    Some(std::io::ErrorKind::ConnectionRefused),
                    "{cause:?}"
                );
            }
            other => panic!("expected the store's error, got {other:?}"),
        }
    }
    assert!(ledger.catch_up().is_err(), "nothing to catch up from");
    store.down.store(false, std::sync::atomic::Ordering::SeqCst);
    // Back: a retry rebuilds the state from the store (within its back-off
    // of at most a second), and the record refused before is taken.
    let start = std::time::Instant::now();
    let receipt = loop {
        match ledger.submit(incident(&fx.reporters[0], 2), None) {
            Ok(receipt) => break receipt,
            Err(SubmitError::Storage(_) | SubmitError::Unavailable { .. })
                if start.elapsed().as_secs() < 10 =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("the ledger did not recover: {e}"),
        }
    };
    assert_eq!(receipt.index, 2);
    assert_eq!(ledger.catch_up().unwrap(), 3);
    ledger.submit(incident(&fx.reporters[1], 1), None).unwrap();
    assert_eq!(store.size().unwrap(), 4);
    truce_ledger::verify_store(store.as_ref(), None, None, &mut |_, _| {}).unwrap();
}

/// `body` as `kind`, signed by `signer` with sequence `seq`.
fn signed(
    signer: &truce_tlog::note::NoteSigner,
    seq: u64,
    kind: truce_core::Kind,
    body: serde_json::Value,
) -> truce_core::Record {
    truce_core::record::RecordDraft {
        log: truce_core::values::Label::parse(fixture::ORIGIN).unwrap(),
        author: truce_core::values::MemberId::parse(signer.name()).unwrap(),
        seq,
        time: truce_core::values::Timestamp::parse("2026-01-02T04:00:00Z").unwrap(),
        body: truce_core::Body::parse(kind, &body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&[signer])
    .unwrap()
}

/// Evidence and a report citing it, by `signer` from sequence `seq`; the
/// report accuses `accused`.
fn evidence_and_report(
    signer: &truce_tlog::note::NoteSigner,
    seq: u64,
    accused: &str,
) -> (truce_core::Record, truce_core::Record) {
    use serde_json::json;
    let evidence = signed(
        signer,
        seq,
        truce_core::Kind::EvidenceSubmit,
        json!({"digest": format!("sha256:{}", "cd".repeat(32)), "media_type": "image/png", "size": 10, "description": "A photograph", "confidentiality": "public"}),
    );
    let report = signed(
        signer,
        seq + 1,
        truce_core::Kind::IncidentReport,
        json!({
            "title": "Fire across the ridge",
            "incident_type": "armed_clash",
            "time": {"at": "2026-01-02T03:00:00Z", "precision": "hour"},
            "places": [{"point": {"lat_e6": 34_100_000, "lon_e6": 71_100_000}, "precision": "locality"}],
            "accused": accused,
            "narrative": "Shots were fired across the ridge.",
            "evidence": [evidence.hash()],
        }),
    );
    (evidence, report)
}

/// Evidence filed with the report that cites it, as one group: a refused
/// report leaves nothing in the log — no evidence record either — and the
/// same evidence is filed with a good report afterwards, once.
#[test]
fn a_refused_report_filed_with_its_evidence_leaves_nothing_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let ledger = open(dir.path(), &fx.log);
    ledger.submit(fx.charter.clone(), None).unwrap();
    let reporter = &fx.reporters[0];

    // Accusing a mediator breaks a rule of the report: the group is refused.
    let (evidence, bad) = evidence_and_report(reporter, 1, "east");
    let refused = ledger.submit_group(vec![(evidence.clone(), None), (bad, None)]);
    match &refused {
        Err(SubmitError::Rejected(Rejection::InGroup {
            position: 1,
            rejection,
        })) => {
            assert!(
                matches!(
                    **rejection,
                    Rejection::Rule(RuleViolation::NotAParty { .. })
                ),
                "{rejection:?}"
            );
        }
        other => panic!("expected the report refused, got {other:?}"),
    }
    assert_eq!(
        ledger.store().size().unwrap(),
        1,
        "nothing of the group was written"
    );
    assert_eq!(ledger.index_of(&evidence.hash()), None);

    // The same evidence record, with a report that keeps the rules.
    let (evidence, good) = evidence_and_report(reporter, 1, "south");
    let receipts = ledger
        .submit_group(vec![(evidence.clone(), None), (good.clone(), None)])
        .unwrap();
    let placed: Vec<_> = receipts
        .iter()
        .map(|r| (r.index, r.leaf_hash, r.tree_size))
        .collect();
    assert_eq!(placed, vec![(1, evidence.hash(), 3), (2, good.hash(), 3)]);
    let stored = ledger.store().records(0, 3).unwrap();
    assert_eq!(stored[1].hash, evidence.hash());
    assert_eq!(stored[2].hash, good.hash());
    // Sent again (its answer lost, say), the group is refused whole: no duplicates.
    assert!(matches!(
        ledger.submit_group(vec![(evidence, None), (good, None)]),
        Err(SubmitError::Rejected(Rejection::InGroup {
            position: 0,
            ..
        }))
    ));
    assert_eq!(ledger.store().size().unwrap(), 3);
    truce_ledger::verify_store(ledger.store().as_ref(), None, None, &mut |_, _| {}).unwrap();
}

#[test]
fn records_submitted_each_on_their_own_land_in_order_and_a_refused_one_stops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(2);
    let ledger = open(dir.path(), &fx.log);
    // A member added by the first record of the call signs later ones: the
    // call lets what is queued land before it looks for that member's key.
    let newcomer = truce_tlog::note::NoteSigner::generate(
        "north-new",
        &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(9),
    )
    .unwrap();
    let add = signed(
        &fx.heads[0],
        2,
        truce_core::Kind::MemberAdd,
        serde_json::json!({"participant": "north", "member": {"id": "north-new", "name": "Newcomer", "key": newcomer.verifier().vkey(), "capabilities": ["report"]}}),
    );
    let records = vec![
        fx.charter.clone(),
        incident(&fx.reporters[0], 1),
        add,
        // A replay of the second record.
        incident(&fx.reporters[0], 1),
        incident(&fx.reporters[1], 1),
        incident(&newcomer, 1),
        incident(&fx.reporters[0], 2),
    ];
    let hashes: Vec<_> = records.iter().map(truce_core::Record::hash).collect();
    let results = ledger.submit_each(records.into_iter().map(|r| (r, None)).collect());
    assert_eq!(results.len(), 7);
    assert!(
        matches!(
            results[3],
            Err(SubmitError::Rejected(Rejection::Sequence { .. }))
        ),
        "{:?}",
        results[3]
    );
    let landed: Vec<_> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().ok().map(|receipt| (i, receipt)))
        .collect();
    assert_eq!(landed.len(), 6, "{results:?}");
    for (index, (i, receipt)) in landed.iter().enumerate() {
        assert_eq!(receipt.index, index as u64, "in the order given");
        assert_eq!(receipt.leaf_hash, hashes[*i]);
    }
    // Durable: another connection reads them all.
    let other = SqliteStore::open(dir.path().join("truce.db")).unwrap();
    assert_eq!(other.size().unwrap(), 6);
    let empty: Vec<(truce_core::Record, Option<&truce_core::sealed::Opening>)> = Vec::new();
    assert!(ledger.submit_each(empty).is_empty());
}

#[test]
fn a_log_verifies_while_another_process_appends_to_it() {
    // An auditor runs `truce verify` on the database of a server that is
    // taking records: the audit covers the log as it was when it began, and
    // what lands meanwhile is no fault of the log.
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let ledger = Arc::new(a_log_with_incidents(dir.path(), &fx, 50));
    // 150 more, one commit each, while audits run one after another.
    let appender = std::thread::spawn({
        let (ledger, reporter) = (Arc::clone(&ledger), fx.reporters[0].clone());
        move || {
            for seq in 51..=200 {
                ledger.submit(incident(&reporter, seq), None).unwrap();
            }
        }
    });
    let (mut audited, mut first_audit) = (0, None);
    loop {
        let appending = !appender.is_finished();
        let store = SqliteStore::open(dir.path().join("truce.db")).unwrap();
        let report =
            truce_ledger::verify_store(&store, Some(fx.log.verifier()), None, &mut |_, _| {})
                .unwrap_or_else(|e| panic!("a log being appended to fails its audit: {e}"));
        assert!(
            report.records >= audited,
            "{} after {audited}",
            report.records
        );
        assert_eq!(report.checkpoint_size, Some(report.records));
        audited = report.records;
        first_audit.get_or_insert(audited);
        if !appending {
            break;
        }
    }
    appender.join().unwrap();
    // The race was run: an audit began while records were still coming.
    assert!(first_audit.is_some_and(|n| n < 201), "{first_audit:?}");
    // Begun once the appends were done, the last audit took in all of them.
    let store = SqliteStore::open(dir.path().join("truce.db")).unwrap();
    let report = truce_ledger::verify_store(&store, None, None, &mut |_, _| {}).unwrap();
    assert_eq!(
        (audited, report.records, report.appended_meanwhile),
        (201, 201, 0)
    );
}
