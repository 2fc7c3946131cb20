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

/// SQLite's own error is kept as the cause, not flattened into a string:
/// the server logs the chain, and a caller can tell what SQLite said.
#[test]
fn a_database_error_keeps_sqlites_error_as_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truce.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let Err(e) = SqliteStore::open(&path) else {
        panic!("a file of garbage opened as a store");
    };
    assert!(
        matches!(e, truce_store::StoreError::Database { .. }),
        "{e:?}"
    );
    let source = std::error::Error::source(&e).expect("a source");
    let sqlite = source
        .downcast_ref::<rusqlite::Error>()
        .expect("the source is rusqlite's error");
    assert_eq!(
        sqlite.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase)
    );
    // Shown with its causes, as the server and the CLI print it.
    let shown = truce_store::describe(&e);
    assert!(shown.starts_with(&format!("SQLite: {sqlite}")), "{shown}");
}

/// What is neither a database's nor the file system's error says so.
#[test]
fn a_missing_file_is_an_io_error_and_a_read_only_store_refuses_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truce.db");
    let Err(missing) = SqliteStore::open_read_only(&path) else {
        panic!("a missing file opened");
    };
    let io = std::error::Error::source(&missing)
        .and_then(|e| e.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    assert_eq!(io, Some(std::io::ErrorKind::NotFound), "{missing:?}");

    drop(SqliteStore::open(&path).unwrap());
    let store = SqliteStore::open_read_only(&path).unwrap();
    let refused = store.append(&conformance::batch(&mut truce_tlog::Frontier::new(), 1));
    assert!(
        matches!(refused, Err(truce_store::StoreError::Unusable(_))),
        "{refused:?}"
    );
}

/// A log written before witnesses cosigned (schema version 1) is migrated
/// on open, keeps its records, and then keeps cosignatures; a read-only
/// open refuses it until then.
#[test]
fn a_database_from_an_earlier_build_is_migrated_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("truce.db");
    let mut frontier = truce_tlog::Frontier::new();
    drop(SqliteStore::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE witnessed; DROP TABLE cosignatures; PRAGMA user_version = 1",
        )
        .unwrap();
    }
    let refused = SqliteStore::open_read_only(&path)
        .err()
        .unwrap()
        .to_string();
    assert!(refused.contains("schema version 1"), "{refused}");
    let store = SqliteStore::open(&path).unwrap();
    store.append(&conformance::batch(&mut frontier, 3)).unwrap();
    store
        .add_cosignatures(3, &["— w AAAAAQ==\n".into()], true)
        .unwrap();
    assert_eq!(store.latest_witnessed_size().unwrap(), Some(3));
}
