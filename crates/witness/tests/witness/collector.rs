//! The log's collector against real witnesses on loopback and a real SQLite
//! store: cosignatures are kept, the quorum is marked only when met, a
//! witness that is down is reported and caught up when it comes back, and a
//! restarted collector catches witnesses up from the size they hold.

use super::*;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use truce_store::{AppendBatch, NewRecord, Store, StoredCheckpoint};
use truce_store_sqlite::SqliteStore;
use truce_tlog::policy::WitnessPolicy;
use truce_witness::collector::Collector;

/// Appends `n` records to `store`, signing the new checkpoint with `key`.
fn append(store: &dyn Store, frontier: &mut Frontier, key: &NoteSigner, n: u64) {
    let mut batch = AppendBatch::default();
    for _ in 0..n {
        let index = frontier.size();
        let leaf = format!("{{\"record\":{index}}}").into_bytes();
        let hash = leaf_hash(&leaf);
        batch.nodes.extend(frontier.append(hash));
        batch.records.push(NewRecord {
            index,
            hash,
            leaf,
            opening: None,
        });
    }
    let note = Checkpoint {
        origin: ORIGIN.into(),
        size: frontier.size(),
        root: frontier.root(),
        extensions: vec![],
    }
    .sign(key)
    .unwrap();
    batch.checkpoint = Some(StoredCheckpoint {
        size: frontier.size(),
        note,
    });
    store.append(&batch).unwrap();
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn the_log_collects_cosignatures_and_marks_the_quorum() {
    let tmp = tempfile::tempdir().unwrap();
    let log = Log::new("a", 0);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(tmp.path().join("log.db")).unwrap());
    let mut frontier = Frontier::new();

    // Three witnesses; the third is down at first (its port is closed).
    let keys: Vec<Cosigner> = (0..3)
        .map(|i| {
            Cosigner::from_note_signer(
                &NoteSigner::from_seed(&format!("w{i}.example"), [20 + i; 32]).unwrap(),
            )
        })
        .collect();
    let up: Vec<Running> = (0..2)
        .map(|i| start_with(&tmp.path().join(format!("w{i}")), &log, keys[i].clone()))
        .collect();
    let later_port = free_port();
    let mut urls = BTreeMap::new();
    for (i, w) in up.iter().enumerate() {
        urls.insert(format!("w{i}"), w.url.clone());
    }
    urls.insert("w2".to_string(), format!("http://127.0.0.1:{later_port}"));
    let policy = WitnessPolicy::parse(&format!(
        "log {}\nwitness w0 {}\nwitness w1 {}\nwitness w2 {}\ngroup all3 all w0 w1 w2\nquorum all3\n",
        log.key.verifier().vkey(),
        keys[0].verifier().vkey(),
        keys[1].verifier().vkey(),
        keys[2].verifier().vkey()
    ))
    .unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let collector = Arc::new(
        Collector::new(
            Arc::clone(&store),
            policy.clone(),
            urls.clone(),
            Arc::new(|| 1_761_436_800),
        )
        .unwrap(),
    );
    runtime.block_on(async { collector.spawn() });

    append(store.as_ref(), &mut frontier, &log.key, 5);
    wait_for("two cosignatures on size 5", || {
        store.cosignatures(5).unwrap().len() == 2
    });
    // Two of three: the quorum is not met, and the down witness says so.
    assert_eq!(store.latest_witnessed_size().unwrap(), None);
    wait_for("the down witness to be reported", || {
        collector.reports()[2].failing_since.is_some()
    });
    // (A witness's report follows the keeping of its cosignature.)
    wait_for("the first witness's report", || {
        collector.reports()[0].cosigned_size == Some(5)
    });
    let reports = collector.reports();
    assert!(
        reports[2]
            .last_error
            .as_deref()
            .unwrap()
            .contains("no answer"),
        "{reports:?}"
    );

    // The third witness comes up; the log grows meanwhile. All three cosign
    // the latest; the quorum is met and that checkpoint is served, with
    // three cosignatures that verify against the policy.
    append(store.as_ref(), &mut frontier, &log.key, 3);
    let listener = std::net::TcpListener::bind(("127.0.0.1", later_port)).unwrap();
    let third = start_on(listener, &tmp.path().join("w2"), &log, keys[2].clone());
    wait_for("the quorum on size 8", || {
        store.latest_witnessed_size().unwrap() == Some(8)
    });
    let served = truce_store::served_checkpoint(store.as_ref(), true)
        .unwrap()
        .unwrap();
    assert_eq!(served.size, 8);
    let note = parse_note(&served.note).unwrap();
    assert_eq!(policy.cosigners(&note.text, &note.signatures).len(), 3);
    assert!(policy.quorum_met(&note.text, &note.signatures));
    wait_for("the third witness's report to clear", || {
        collector.reports()[2].failing_since.is_none()
    });

    // A restarted server (a new collector, knowing nothing) catches every
    // witness up from the size it holds, with a consistency proof.
    runtime.shutdown_background();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let again = Arc::new(
        Collector::new(Arc::clone(&store), policy, urls, Arc::new(|| 1_761_440_000)).unwrap(),
    );
    runtime.block_on(async { again.spawn() });
    append(store.as_ref(), &mut frontier, &log.key, 4);
    wait_for("the quorum on size 12", || {
        store.latest_witnessed_size().unwrap() == Some(12)
    });
    for w in up.iter().chain([&third]) {
        let (_, note) = get(&format!("{}/checkpoints/{ORIGIN}", w.url));
        assert_eq!(
            Checkpoint::open(&note, &log.key.verifier()).unwrap().size,
            12
        );
    }
    runtime.shutdown_background();
}
