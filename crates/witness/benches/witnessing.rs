#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo bench -p truce-witness --bench witnessing`: what witnessing costs.
//!
//! 1. A witness's `add-checkpoint` over loopback HTTP: one client growing the
//!    log one entry per request (each a compare-and-store with an fsync),
//!    and eight clients re-submitting the current checkpoint at once.
//! 2. Append to quorum: a SQLite log appending 100-record batches at
//!    TRUCE_BENCH_RATE records/s (default 10,000), four witnesses on loopback
//!    and the log's collector; for every batch, the time from its append to
//!    a checkpoint covering it meeting the quorum (all four): p50, p99, max.
//! 3. The same log appending as fast as it can for five seconds, with the
//!    collector and its witnesses running and without: appends/s both ways.
//!
//! A plain timed harness: whole-system figures for this machine, printed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use truce_bench::{figure, percentile_ms as percentile};
use truce_store::{AppendBatch, NewRecord, Store, StoredCheckpoint};
use truce_tlog::witness::AddCheckpoint;
use truce_tlog::{
    Checkpoint, Cosigner, Frontier, Hash, NodeId, WitnessPolicy, consistency_proof, leaf_hash,
    note::NoteSigner,
};
use truce_witness::collector::Collector;
use truce_witness::{Witness, WitnessState};

const ORIGIN: &str = "truce.example/bench";

fn log_key() -> NoteSigner {
    NoteSigner::from_seed(ORIGIN, [1; 32]).unwrap()
}

/// Starts a witness for the bench log; returns its URL and key (it serves
/// until the process ends).
fn witness(dir: &std::path::Path, name: &str, seed: u8) -> (String, Cosigner) {
    let cosigner = Cosigner::from_note_signer(&NoteSigner::from_seed(name, [seed; 32]).unwrap());
    let w = Arc::new(Witness::new(
        cosigner.clone(),
        vec![log_key().verifier()],
        WitnessState::open(&dir.join(name)).unwrap(),
        Arc::new(|| 1_800_000_000),
    ));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            truce_witness::service::serve(listener, w, std::future::pending())
                .await
                .unwrap();
        });
    });
    (url, cosigner)
}

/// A log kept in memory, for building requests.
struct MemLog {
    frontier: Frontier,
    nodes: HashMap<NodeId, Hash>,
}

impl MemLog {
    fn grow(&mut self, n: u64) {
        for _ in 0..n {
            let i = self.frontier.size();
            self.nodes.extend(
                self.frontier
                    .append(leaf_hash(format!("entry {i}").as_bytes())),
            );
        }
    }
    fn note(&self) -> String {
        Checkpoint {
            origin: ORIGIN.into(),
            size: self.frontier.size(),
            root: self.frontier.root(),
            extensions: vec![],
        }
        .sign(&log_key())
        .unwrap()
    }
}

fn add_checkpoint_rate(dir: &std::path::Path) {
    let (url, _) = witness(dir, "solo.witness", 9);
    let client = reqwest::blocking::Client::new();
    let endpoint = format!("{url}/add-checkpoint");
    let mut log = MemLog {
        frontier: Frontier::new(),
        nodes: HashMap::new(),
    };
    log.grow(1);
    let first = AddCheckpoint {
        old_size: 0,
        proof: vec![],
        checkpoint: log.note(),
    }
    .encode();
    assert_eq!(
        client.post(&endpoint).body(first).send().unwrap().status(),
        200
    );
    let n = 2_000;
    let mut latencies = Vec::with_capacity(n);
    let started = Instant::now();
    for _ in 0..n {
        let old = log.frontier.size();
        log.grow(1);
        let size = log.frontier.size();
        let body = AddCheckpoint {
            old_size: old,
            proof: consistency_proof(old, size, &log.nodes).unwrap(),
            checkpoint: log.note(),
        }
        .encode();
        let t = Instant::now();
        let r = client.post(&endpoint).body(body).send().unwrap();
        assert_eq!(r.status(), 200);
        latencies.push(t.elapsed());
    }
    let took = started.elapsed();
    latencies.sort();
    println!(
        "witness add-checkpoint, one client growing the log: {:>6.0} requests/s; p50 {:.2} ms, p99 {:.2} ms ({n} requests, each durable)",
        n as f64 / took.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    // Eight clients re-submitting the checkpoint the witness holds (old =
    // size): each is still a full check, transaction and cosignature.
    let same = AddCheckpoint {
        old_size: log.frontier.size(),
        proof: vec![],
        checkpoint: log.note(),
    }
    .encode();
    let per = 500;
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..8 {
            let (endpoint, same) = (&endpoint, &same);
            s.spawn(move || {
                let client = reqwest::blocking::Client::new();
                for _ in 0..per {
                    let r = client.post(endpoint).body(same.clone()).send().unwrap();
                    assert_eq!(r.status(), 200);
                }
            });
        }
    });
    println!(
        "witness add-checkpoint, eight clients at once:      {:>6.0} requests/s",
        (8 * per) as f64 / started.elapsed().as_secs_f64()
    );
}

/// Appends one batch of `n` ~1 KiB records and its signed checkpoint.
fn append(store: &dyn Store, frontier: &mut Frontier, key: &NoteSigner, n: u64) -> u64 {
    let mut batch = AppendBatch::default();
    for _ in 0..n {
        let index = frontier.size();
        let leaf =
            format!("{{\"record\":{index},\"padding\":\"{}\"}}", "x".repeat(900)).into_bytes();
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
    frontier.size()
}

/// A fresh log, with four witnesses and the collector when `witnessed`.
fn log_with_witnesses(
    dir: &std::path::Path,
    witnessed: bool,
) -> (Arc<dyn Store>, Option<tokio::runtime::Runtime>) {
    let store: Arc<dyn Store> =
        Arc::new(truce_store_sqlite::SqliteStore::open(dir.join("log.db")).unwrap());
    if !witnessed {
        return (store, None);
    }
    let mut urls = BTreeMap::new();
    let mut policy = String::new();
    for (i, name) in ["pakistan", "afghanistan", "turkiye", "qatar"]
        .iter()
        .enumerate()
    {
        let (url, key) = witness(dir, &format!("{name}.witness"), 20 + i as u8);
        urls.insert((*name).to_owned(), url);
        policy.push_str(&format!("witness {name} {}\n", key.verifier().vkey()));
    }
    policy.push_str("group all4 all pakistan afghanistan turkiye qatar\nquorum all4\n");
    let collector = Arc::new(
        Collector::new(
            Arc::clone(&store),
            WitnessPolicy::parse(&policy).unwrap(),
            urls,
            Arc::new(|| 1_800_000_000),
        )
        .unwrap(),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async { collector.spawn() });
    (store, Some(rt))
}

fn append_to_quorum(rate: u64) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _rt) = log_with_witnesses(dir.path(), true);
    let key = log_key();
    let mut frontier = Frontier::new();
    let batch = 100;
    let every = Duration::from_secs_f64(batch as f64 / rate as f64);
    let appended: Arc<std::sync::Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (store, appended, done) =
            (Arc::clone(&store), Arc::clone(&appended), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut latencies = Vec::new();
            let mut next = 0usize;
            loop {
                let witnessed = store.latest_witnessed_size().unwrap().unwrap_or(0);
                let now = Instant::now();
                let list = appended.lock().unwrap();
                while next < list.len() && list[next].0 <= witnessed {
                    latencies.push(now - list[next].1);
                    next += 1;
                }
                let all = next == list.len();
                drop(list);
                if done.load(Ordering::Relaxed) && all {
                    return latencies;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let run_for = Duration::from_secs(10);
    let started = Instant::now();
    let mut tick = started;
    while started.elapsed() < run_for {
        let size = append(store.as_ref(), &mut frontier, &key, batch);
        appended.lock().unwrap().push((size, Instant::now()));
        tick += every;
        if let Some(wait) = tick.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let achieved = frontier.size() as f64 / started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let mut latencies = watcher.join().unwrap();
    latencies.sort();
    figure(
        "witness.append_to_quorum_p99",
        percentile(&latencies, 0.99),
        "ms",
        &format!("four witnesses on loopback, quorum all four, {achieved:.0} records/s"),
    );
    println!(
        "append to a checkpoint all four witnesses cosigned, at {achieved:.0} records/s: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms ({} batches of {batch})",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
        latencies.len()
    );
}

fn appends_per_second(witnessed: bool) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let (store, _rt) = log_with_witnesses(dir.path(), witnessed);
    let key = log_key();
    let mut frontier = Frontier::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        append(store.as_ref(), &mut frontier, &key, 100);
    }
    frontier.size() as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rate = std::env::var("TRUCE_BENCH_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    println!(
        "truce-witness benchmark ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let dir = tempfile::tempdir().unwrap();
    add_checkpoint_rate(dir.path());
    append_to_quorum(rate);
    let without = appends_per_second(false);
    let with = appends_per_second(true);
    figure(
        "witness.appends_without",
        without,
        "records/s",
        "100-record batches, SQLite",
    );
    figure(
        "witness.appends_with",
        with,
        "records/s",
        "100-record batches, SQLite, four witnesses and the collector",
    );
    println!(
        "appends as fast as they go (100-record batches, SQLite): {without:.0} records/s without witnesses, {with:.0} with four and the collector ({:+.1}%)",
        (with - without) / without * 100.0
    );
}
