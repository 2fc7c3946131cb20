//! The behaviour every store must show, written once and run by each
//! backend's tests against a real database (SQLite file, PostgreSQL server).
//! These are test helpers: they panic on a failed expectation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::{AppendBatch, NewRecord, Store, StoreError, StoredCheckpoint};
use truce_tlog::{Frontier, NodeId, leaf_hash};

fn record(index: u64, opening: Option<&str>) -> NewRecord {
    let leaf = format!("{{\"leaf\":{index}}}").into_bytes();
    NewRecord {
        index,
        hash: leaf_hash(&leaf),
        leaf,
        opening: opening.map(|o| o.as_bytes().to_vec()),
    }
}

/// A batch of `count` records continuing a tree held in `frontier`.
pub fn batch(frontier: &mut Frontier, count: u64) -> AppendBatch {
    let mut out = AppendBatch::default();
    for _ in 0..count {
        let index = frontier.size();
        let r = record(
            index,
            (index % 5 == 4).then_some("{\"salt\":\"s\",\"content\":{}}"),
        );
        out.nodes.extend(frontier.append(r.hash));
        out.records.push(r);
    }
    out.checkpoint = Some(StoredCheckpoint {
        size: frontier.size(),
        note: format!(
            "test\n{}\n{}\n\n— test sig\n",
            frontier.size(),
            frontier.root()
        ),
    });
    out
}

pub fn an_empty_store_has_nothing(store: &dyn Store) {
    assert_eq!(store.size().unwrap(), 0);
    assert!(store.records(0, 10).unwrap().is_empty());
    assert!(store.latest_checkpoint().unwrap().is_none());
    assert!(store.checkpoints().unwrap().is_empty());
}

pub fn appended_batches_read_back_exactly(store: &dyn Store) {
    let mut frontier = Frontier::new();
    let first = batch(&mut frontier, 7);
    store.append(&first).unwrap();
    let second = batch(&mut frontier, 5);
    store.append(&second).unwrap();

    assert_eq!(store.size().unwrap(), 12);
    let all: Vec<NewRecord> = first
        .records
        .iter()
        .chain(&second.records)
        .cloned()
        .collect();
    let read = store.records(0, 100).unwrap();
    assert_eq!(read.len(), 12);
    for (r, w) in read.iter().zip(&all) {
        assert_eq!((r.index, r.hash, &r.leaf), (w.index, w.hash, &w.leaf));
    }
    assert_eq!(
        store
            .records(3, 5)
            .unwrap()
            .iter()
            .map(|r| r.index)
            .collect::<Vec<_>>(),
        vec![3, 4]
    );

    assert_eq!(
        store.opening(4).unwrap().as_deref(),
        all[4].opening.as_deref()
    );
    assert_eq!(store.opening(3).unwrap(), None);
    assert_eq!(store.opening_indexes().unwrap(), vec![4, 9]);
    assert_eq!(
        store.internal_node_count().unwrap(),
        12 - u64::from(12u64.count_ones())
    );

    let ids = [
        NodeId {
            level: 0,
            index: 11,
        },
        NodeId { level: 3, index: 0 },
        NodeId { level: 2, index: 2 },
    ];
    let hashes = store.nodes(&ids).unwrap();
    assert_eq!(hashes.len(), 3);
    assert_eq!(
        hashes[1],
        truce_tlog::tree_root(8, &crate::StoreHashes(store)).unwrap()
    );
    assert_eq!(hashes[0], all[11].hash);
    let root = truce_tlog::tree_root(12, &crate::StoreHashes(store)).unwrap();
    assert_eq!(root, frontier.root());
    let level1 = store.nodes_at_level(1, 0, 100).unwrap();
    assert_eq!(level1.len(), 6);
    let leaves = store.nodes_at_level(0, 2, 5).unwrap();
    assert_eq!(
        leaves
            .iter()
            .map(|(id, h)| (id.index, *h))
            .collect::<Vec<_>>(),
        vec![(2, all[2].hash), (3, all[3].hash), (4, all[4].hash)]
    );

    let checkpoints = store.checkpoints().unwrap();
    assert_eq!(
        checkpoints.iter().map(|c| c.size).collect::<Vec<_>>(),
        vec![7, 12]
    );
    assert_eq!(store.latest_checkpoint().unwrap(), second.checkpoint);
}

pub fn a_batch_out_of_place_conflicts_and_writes_nothing(store: &dyn Store) {
    let mut frontier = Frontier::new();
    store.append(&batch(&mut frontier, 3)).unwrap();
    // A second writer that believes the log is still empty.
    let mut stale = Frontier::new();
    let conflicting = batch(&mut stale, 2);
    match store.append(&conflicting) {
        Err(StoreError::Conflict {
            expected: 0,
            actual: 3,
        }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(store.size().unwrap(), 3);
    assert_eq!(store.checkpoints().unwrap().len(), 1);
}

pub fn a_failing_batch_writes_nothing(store: &dyn Store) {
    let mut frontier = Frontier::new();
    store.append(&batch(&mut frontier, 2)).unwrap();
    let mut bad = batch(&mut frontier, 3);
    // The last record repeats an earlier index: the primary key fails mid-batch.
    bad.records[2].index = bad.records[1].index;
    assert!(store.append(&bad).is_err());
    assert_eq!(store.size().unwrap(), 2);
    assert_eq!(store.checkpoints().unwrap().len(), 1);
    assert!(store.nodes(&[NodeId { level: 0, index: 2 }]).is_err());
}

pub fn ranges_beyond_the_log_are_empty(store: &dyn Store) {
    let mut frontier = Frontier::new();
    store.append(&batch(&mut frontier, 2)).unwrap();
    assert!(store.records(u64::MAX - 1, u64::MAX).unwrap().is_empty());
    assert!(store.records(5, 2).unwrap().is_empty());
    assert_eq!(store.records(1, u64::MAX).unwrap().len(), 1);
}

pub fn a_missing_node_is_an_error(store: &dyn Store) {
    assert!(store.nodes(&[NodeId { level: 0, index: 0 }]).is_err());
}

pub fn cosignatures_are_kept_once_and_mark_the_witnessed_checkpoint(store: &dyn Store) {
    let mut frontier = Frontier::new();
    store.append(&batch(&mut frontier, 3)).unwrap();
    store.append(&batch(&mut frontier, 2)).unwrap();
    assert_eq!(store.checkpoint_at(3).unwrap().unwrap().size, 3);
    assert!(store.checkpoint_at(4).unwrap().is_none());
    assert!(store.checkpoint_at_most(2).unwrap().is_none());
    assert_eq!(store.checkpoint_at_most(4).unwrap().unwrap().size, 3);
    assert_eq!(store.checkpoint_at_most(5).unwrap().unwrap().size, 5);
    assert_eq!(
        store.checkpoint_at_most(u64::MAX).unwrap(),
        store.latest_checkpoint().unwrap()
    );
    assert!(store.cosignatures(3).unwrap().is_empty());
    assert_eq!(store.latest_witnessed_size().unwrap(), None);
    // Nothing witnessed yet: the latest is served, bare.
    let served = crate::served_checkpoint(store, true).unwrap().unwrap();
    assert_eq!(served, store.latest_checkpoint().unwrap().unwrap());

    let a = "— a.witness AAAAAQ==\n".to_string();
    let b = "— b.witness AAAAAg==\n".to_string();
    store
        .add_cosignatures(3, std::slice::from_ref(&a), false)
        .unwrap();
    store
        .add_cosignatures(3, &[a.clone(), b.clone()], true)
        .unwrap();
    assert_eq!(store.cosignatures(3).unwrap(), [a.clone(), b.clone()]);
    assert_eq!(store.latest_witnessed_size().unwrap(), Some(3));
    // Now the witnessed checkpoint is served, with its cosignatures, though
    // the log has signed a later one — unless the policy wants no quorum.
    assert_eq!(
        crate::served_checkpoint(store, false)
            .unwrap()
            .unwrap()
            .size,
        5
    );
    let served = crate::served_checkpoint(store, true).unwrap().unwrap();
    assert_eq!(served.size, 3);
    assert!(
        served.note.ends_with(&format!("— test sig\n{a}{b}")),
        "{}",
        served.note
    );
    // Marking again changes nothing; a later witnessed checkpoint takes over.
    store.add_cosignatures(3, &[], true).unwrap();
    store
        .add_cosignatures(5, std::slice::from_ref(&b), true)
        .unwrap();
    assert_eq!(store.latest_witnessed_size().unwrap(), Some(5));
    // No such checkpoint: refused, nothing kept.
    assert!(store.add_cosignatures(4, &[a], true).is_err());
    assert!(store.cosignatures(4).unwrap().is_empty());
    assert_eq!(store.latest_witnessed_size().unwrap(), Some(5));
}

/// Runs every check, each on a fresh store from `fresh`.
pub fn run_all(fresh: &mut dyn FnMut() -> Box<dyn Store>) {
    an_empty_store_has_nothing(fresh().as_ref());
    appended_batches_read_back_exactly(fresh().as_ref());
    a_batch_out_of_place_conflicts_and_writes_nothing(fresh().as_ref());
    a_failing_batch_writes_nothing(fresh().as_ref());
    ranges_beyond_the_log_are_empty(fresh().as_ref());
    a_missing_node_is_an_error(fresh().as_ref());
    cosignatures_are_kept_once_and_mark_the_witnessed_checkpoint(fresh().as_ref());
}
