#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The store conformance suite against a real SQLite file.

use truce_store::{Store, conformance};
use truce_store_sqlite::SqliteStore;

#[test]
fn sqlite_passes_the_store_conformance_suite() {
    let dirs: std::cell::RefCell<Vec<tempfile::TempDir>> = Default::default();
    conformance::run_all(&mut || {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("truce.db")).unwrap();
        dirs.borrow_mut().push(dir);
        Box::new(store) as Box<dyn Store>
    });
}

#[test]
fn what_was_appended_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truce.db");
    let mut frontier = truce_tlog::Frontier::new();
    {
        let store = SqliteStore::open(&path).unwrap();
        store.append(&conformance::batch(&mut frontier, 9)).unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.size().unwrap(), 9);
    assert_eq!(
        truce_tlog::tree_root(9, &truce_store::StoreHashes(&store)).unwrap(),
        frontier.root()
    );
}

#[test]
fn the_database_runs_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truce.db");
    let _store = SqliteStore::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

/// The writer never checkpoints (its commits would wait for the copy); the
/// background checkpointer moves appended records from the WAL into the
/// database file itself while the store stays open.
#[test]
fn appended_records_reach_the_database_file_while_the_store_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truce.db");
    let store = SqliteStore::open(&path).unwrap();
    let mut frontier = truce_tlog::Frontier::new();
    store.append(&conformance::batch(&mut frontier, 5)).unwrap();

    // The main file alone, without its WAL: what a checkpoint has copied.
    let records_in_main_file = || {
        let copy = dir.path().join("main-only.db");
        std::fs::copy(&path, &copy).unwrap();
        let _ = std::fs::remove_file(dir.path().join("main-only.db-wal"));
        let conn = rusqlite::Connection::open(&copy).unwrap();
        let n = conn
            .query_row("SELECT COUNT(*) FROM records", [], |r| r.get::<_, i64>(0))
            .unwrap_or(0);
        drop(conn);
        std::fs::remove_file(&copy).unwrap();
        n
    };
    let started = std::time::Instant::now();
    while records_in_main_file() < 5 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the WAL was not checkpointed into the database file"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(store.size().unwrap(), 5);
}
