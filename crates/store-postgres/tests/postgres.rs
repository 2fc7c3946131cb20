#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The PostgreSQL store against a real server: a throwaway cluster, or the
//! one named by TRUCE_TEST_DATABASE_URL (see `truce_store_postgres::testing`).

use std::collections::{HashMap, HashSet};
use truce_store::{
    AppendBatch, NewRecord, Store, StoreError, StoreHashes, StoredCheckpoint, conformance,
};
use truce_store_postgres::PostgresStore;
use truce_store_postgres::testing::{TestDatabase, test_database};
use truce_tlog::{Frontier, NodeId, leaf_hash, tree_root};

fn admin(db: &TestDatabase) -> postgres::Client {
    postgres::Client::connect(db.url(), postgres::NoTls).unwrap()
}

fn refusal(opened: Result<PostgresStore, StoreError>) -> String {
    match opened {
        Ok(store) => panic!("expected a refusal, got {store:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn postgres_passes_the_store_conformance_suite() {
    let dbs: std::cell::RefCell<Vec<TestDatabase>> = Default::default();
    conformance::run_all(&mut || {
        let db = test_database();
        let store = PostgresStore::open(db.url()).unwrap();
        dbs.borrow_mut().push(db);
        Box::new(store) as Box<dyn Store>
    });
}

/// A store opened over a log reads every complete node from level 6 up
/// into memory: over 300 records, 4 at level 6, 2 at level 7 and 1 at
/// level 8.
#[test]
fn an_opened_store_keeps_every_complete_upper_node() {
    let db = test_database();
    let mut frontier = Frontier::new();
    PostgresStore::open(db.url())
        .unwrap()
        .append(&conformance::batch(&mut frontier, 300))
        .unwrap();
    let store = PostgresStore::open(db.url()).unwrap();
    assert_eq!(store.upper_nodes_kept(), 4 + 2 + 1);
    assert_eq!(tree_root(256, &StoreHashes(&store)).unwrap(), {
        store.nodes(&[NodeId { level: 8, index: 0 }]).unwrap()[0]
    });
}

#[test]
fn what_was_appended_survives_reopening() {
    let db = test_database();
    let mut frontier = Frontier::new();
    let (first, second) = (
        conformance::batch(&mut frontier, 70),
        conformance::batch(&mut frontier, 9),
    );
    {
        let store = PostgresStore::open(db.url()).unwrap();
        store.append(&first).unwrap();
        store.append(&second).unwrap();
    }
    for store in [
        PostgresStore::open(db.url()).unwrap(),
        PostgresStore::open_read_only(db.url()).unwrap(),
    ] {
        assert_eq!(store.size().unwrap(), 79);
        assert_eq!(
            tree_root(79, &StoreHashes(&store)).unwrap(),
            frontier.root()
        );
        assert_eq!(tree_root(64, &StoreHashes(&store)).unwrap(), {
            // The level-6 node (loaded into the cache at open) is the root of the first 64.
            store.nodes(&[NodeId { level: 6, index: 0 }]).unwrap()[0]
        });
        assert_eq!(
            store.internal_node_count().unwrap(),
            79 - u64::from(79u64.count_ones())
        );
        assert_eq!(
            store.checkpoints().unwrap(),
            vec![
                first.checkpoint.clone().unwrap(),
                second.checkpoint.clone().unwrap()
            ]
        );
        let with_openings: Vec<u64> = first
            .records
            .iter()
            .chain(&second.records)
            .filter(|r| r.opening.is_some())
            .map(|r| r.index)
            .collect();
        assert_eq!(store.opening_indexes().unwrap(), with_openings);
        assert_eq!(
            store.opening(4).unwrap().as_deref(),
            first.records[4].opening.as_deref()
        );
    }
}

#[test]
fn stores_opening_together_migrate_once() {
    let db = test_database();
    std::thread::scope(|s| {
        let opens: Vec<_> = (0..4)
            .map(|_| s.spawn(|| PostgresStore::open(db.url()).map(drop)))
            .collect();
        for open in opens {
            open.join().unwrap().unwrap();
        }
    });
    // Without the migration lock, the losers fail creating tables the winner created.
    PostgresStore::open_read_only(db.url()).unwrap();
}

#[test]
fn read_only_open_refuses_a_database_without_the_schema() {
    let db = test_database();
    let refused = refusal(PostgresStore::open_read_only(db.url()));
    assert!(refused.contains("no Truce schema"), "{refused}");
    // …and created nothing.
    let tables: i64 = admin(&db)
        .query_one(
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[test]
fn a_newer_schema_is_refused_by_both_opens() {
    let db = test_database();
    drop(PostgresStore::open(db.url()).unwrap());
    let newer: i32 = admin(&db)
        .query_one(
            "INSERT INTO schema_migrations (version) \
             SELECT MAX(version) + 1 FROM schema_migrations RETURNING version",
            &[],
        )
        .unwrap()
        .get(0);
    let refused = refusal(PostgresStore::open_read_only(db.url()));
    assert!(
        refused.contains(&format!("schema version {newer}")),
        "{refused}"
    );
    let refused = refusal(PostgresStore::open(db.url()));
    assert!(refused.contains("newer than this build"), "{refused}");
}

#[test]
fn a_database_from_an_earlier_build_is_migrated_on_open() {
    let db = test_database();
    drop(PostgresStore::open(db.url()).unwrap());
    // What the first release left: the log's tables, without the append
    // procedure or the cosignature tables.
    admin(&db)
        .batch_execute(
            "DROP TABLE witnessed, cosignatures; DROP PROCEDURE truce_append; \
             DELETE FROM schema_migrations WHERE version > 1",
        )
        .unwrap();
    let refused = refusal(PostgresStore::open_read_only(db.url()));
    assert!(refused.contains("schema version 1"), "{refused}");
    let store = PostgresStore::open(db.url()).unwrap();
    let mut frontier = Frontier::new();
    store.append(&conformance::batch(&mut frontier, 3)).unwrap();
    assert_eq!(store.size().unwrap(), 3);
    store.add_cosignatures(3, &[], true).unwrap();
    PostgresStore::open_read_only(db.url()).unwrap();
}

#[test]
fn the_append_procedure_refuses_to_run_on_a_stale_snapshot() {
    let db = test_database();
    drop(PostgresStore::open(db.url()).unwrap());
    let mut client = admin(&db);
    let call =
        "CALL truce_append(NULL, 1, NULL, '{}', '{}', '{}', '{}', '{}', '{}', '{}', 0, 'a note')";
    // Under REPEATABLE READ its size check could miss the append it waited
    // for, so it refuses (and so writes nothing)...
    client
        .batch_execute("SET default_transaction_isolation = 'repeatable read'")
        .unwrap();
    let refused = client.batch_execute(call).unwrap_err();
    let refused = refused
        .as_db_error()
        .map(|e| e.message())
        .unwrap_or_default();
    assert!(
        refused.contains("must run under READ COMMITTED"),
        "{refused}"
    );
    let count = |client: &mut postgres::Client| -> i64 {
        client
            .query_one("SELECT COUNT(*) FROM checkpoints", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(count(&mut client), 0);
    // ...and under READ COMMITTED it runs, and commits.
    client
        .batch_execute("SET default_transaction_isolation = 'read committed'")
        .unwrap();
    client.batch_execute(call).unwrap();
    assert_eq!(count(&mut client), 1);
}

#[test]
fn a_read_only_store_reads_but_never_writes() {
    let db = test_database();
    let mut frontier = Frontier::new();
    PostgresStore::open(db.url())
        .unwrap()
        .append(&conformance::batch(&mut frontier, 3))
        .unwrap();
    let store = PostgresStore::open_read_only(db.url()).unwrap();
    assert_eq!(store.size().unwrap(), 3);
    let refused = store.append(&conformance::batch(&mut frontier, 1));
    assert!(
        matches!(refused, Err(StoreError::Unusable(_))),
        "{refused:?}"
    );
    assert_eq!(store.size().unwrap(), 3);
}

#[test]
fn a_stored_hash_that_is_not_32_bytes_is_corruption_not_a_panic() {
    let db = test_database();
    let store = PostgresStore::open(db.url()).unwrap();
    store
        .append(&conformance::batch(&mut Frontier::new(), 4))
        .unwrap();
    let mut admin = admin(&db);
    admin
        .batch_execute(
            "UPDATE records SET hash = '\\x0102' WHERE idx = 2;
             UPDATE tree_nodes SET hash = '\\x' WHERE node = (2::BIGINT << 56)",
        )
        .unwrap();
    let leaf = NodeId { level: 0, index: 2 };
    let top = NodeId { level: 2, index: 0 };
    assert!(matches!(store.records(0, 4), Err(StoreError::Corrupt(_))));
    assert!(matches!(store.nodes(&[leaf]), Err(StoreError::Corrupt(_))));
    assert!(matches!(store.nodes(&[top]), Err(StoreError::Corrupt(_))));
    assert!(matches!(
        store.nodes_at_level(2, 0, 1),
        Err(StoreError::Corrupt(_))
    ));
}

/// A batch from one writer whose leaves no other batch repeats, continuing
/// the tree as that writer believes it to be.
fn writer_batch(
    view: &Frontier,
    writer: usize,
    attempt: usize,
    count: u64,
) -> (AppendBatch, Frontier) {
    let mut next = view.clone();
    let mut batch = AppendBatch::default();
    for i in 0..count {
        let leaf = format!(r#"{{"writer":{writer},"attempt":{attempt},"i":{i}}}"#).into_bytes();
        let record = NewRecord {
            index: next.size(),
            hash: leaf_hash(&leaf),
            opening: (i % 7 == 3).then(|| format!(r#"{{"of":{i}}}"#).into_bytes()),
            leaf,
        };
        batch.nodes.extend(next.append(record.hash));
        batch.records.push(record);
    }
    batch.checkpoint = Some(StoredCheckpoint {
        size: next.size(),
        note: format!("test\n{}\n{}\n", next.size(), next.root()),
    });
    (batch, next)
}

/// One server's appender: starts believing the log is empty, and after each
/// conflict catches up from the store and tries again with a new batch.
fn appender(store: &PostgresStore, writer: usize, goal: usize) -> Vec<(AppendBatch, bool)> {
    let mut view = Frontier::new();
    let mut tried = Vec::new();
    let mut committed = 0;
    while committed < goal {
        let attempt = tried.len();
        let count = 1 + ((writer * 7 + attempt * 13) % 40) as u64;
        let (batch, next) = writer_batch(&view, writer, attempt, count);
        match store.append(&batch) {
            Ok(()) => {
                view = next;
                committed += 1;
                tried.push((batch, true));
            }
            Err(StoreError::Conflict { expected, actual }) => {
                assert_eq!(expected, view.size());
                assert!(actual > expected, "the log shrank: {actual} < {expected}");
                for r in store.records(view.size(), u64::MAX).unwrap() {
                    assert_eq!(r.index, view.size());
                    view.append(r.hash);
                }
                tried.push((batch, false));
            }
            Err(other) => panic!("writer {writer}: expected success or a conflict, got {other}"),
        }
    }
    tried
}

#[test]
fn two_servers_appending_concurrently_keep_one_gapless_log() {
    let db = test_database();
    // Two pools standing in for two server processes; two appenders on each.
    let servers = [
        PostgresStore::open(db.url()).unwrap(),
        PostgresStore::open(db.url()).unwrap(),
    ];
    let tried: Vec<(AppendBatch, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|writer| {
                let store = &servers[writer % 2];
                s.spawn(move || appender(store, writer, 10))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let conflicts = tried.iter().filter(|(_, ok)| !ok).count();
    assert!(
        conflicts > 0,
        "the appenders never raced: nothing was tested"
    );

    let fresh = PostgresStore::open_read_only(db.url()).unwrap();
    let size = fresh.size().unwrap();
    let records = fresh.records(0, u64::MAX).unwrap();
    // No gaps, no duplicates: exactly the indexes 0..size, each leaf once.
    assert_eq!(
        records.iter().map(|r| r.index).collect::<Vec<_>>(),
        (0..size).collect::<Vec<_>>()
    );
    let at: HashMap<&[u8], u64> = records.iter().map(|r| (&r.leaf[..], r.index)).collect();
    assert_eq!(at.len() as u64, size);

    // Every batch is in the log whole, where it asked to be, or not at all.
    let mut expected_checkpoints = Vec::new();
    let mut expected_openings = Vec::new();
    for (batch, committed) in &tried {
        for r in &batch.records {
            if *committed {
                assert_eq!(at.get(&r.leaf[..]), Some(&r.index));
                if r.opening.is_some() {
                    expected_openings.push(r.index);
                    assert_eq!(fresh.opening(r.index).unwrap(), r.opening);
                }
            } else {
                assert_eq!(
                    at.get(&r.leaf[..]),
                    None,
                    "part of a refused batch was written"
                );
            }
        }
        if *committed {
            expected_checkpoints.push(batch.checkpoint.clone().unwrap());
        }
    }
    let committed: u64 = tried
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(b, _)| b.records.len() as u64)
        .sum();
    assert_eq!(committed, size);
    expected_checkpoints.sort_by_key(|c| c.size);
    assert_eq!(fresh.checkpoints().unwrap(), expected_checkpoints);
    expected_openings.sort_unstable();
    assert_eq!(fresh.opening_indexes().unwrap(), expected_openings);

    // The stored tree is exactly the one recomputed from the leaves…
    let mut recomputed = Frontier::new();
    let mut nodes = Vec::new();
    let mut roots = HashMap::new();
    for r in &records {
        assert_eq!(r.hash, leaf_hash(&r.leaf));
        nodes.extend(
            recomputed
                .append(r.hash)
                .into_iter()
                .filter(|(id, _)| id.level > 0),
        );
        roots.insert(recomputed.size(), recomputed.root());
    }
    let stored: Vec<_> = (1..64)
        .flat_map(|level| fresh.nodes_at_level(level, 0, u64::MAX).unwrap())
        .collect();
    nodes.sort_by_key(|(id, _)| *id);
    assert_eq!(stored, nodes);
    assert_eq!(fresh.internal_node_count().unwrap(), nodes.len() as u64);
    // …and every store, whatever its cache holds, proves the same roots,
    // including each signed checkpoint's.
    for store in servers.iter().chain([&fresh]) {
        assert_eq!(
            tree_root(size, &StoreHashes(store)).unwrap(),
            recomputed.root()
        );
        for cp in &expected_checkpoints {
            assert_eq!(
                tree_root(cp.size, &StoreHashes(store)).unwrap(),
                roots[&cp.size]
            );
            assert!(cp.note.contains(&roots[&cp.size].to_string()));
        }
    }
    let unique: HashSet<_> = expected_checkpoints.iter().map(|c| c.size).collect();
    assert_eq!(unique.len(), expected_checkpoints.len());
}
