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
