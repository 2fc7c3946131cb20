#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo bench -p truce-ledger`: durable append rates through the real
//! append path on SQLite, and proof rates over a log of 1M records.
//!
//! A plain timed harness rather than criterion: these are throughput
//! measurements of a whole pipeline (threads, fsync, batching), where a
//! statistical per-iteration model does not fit. Set TRUCE_BENCH_RECORDS to
//! change the proof benchmark's log size (default 1,000,000), and
//! TRUCE_BENCH=single,batched,proofs to run only some parts.

#[path = "../tests/fixture/mod.rs"]
mod fixture;

use fixture::{fixture, incident};
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::{Duration, Instant};
use truce_bench::figure;
use truce_ledger::Ledger;
use truce_store::{AppendBatch, NewRecord, Store, StoreHashes, StoredCheckpoint};
use truce_store_sqlite::SqliteStore;
use truce_tlog::{Frontier, leaf_hash};

/// CPU time this process has used; zero where the kernel does not say.
fn cpu_time() -> Duration {
    truce_bench::cpu_time().unwrap_or_default()
}

/// Bytes this process has caused to be written to storage; zero where the
/// kernel does not say.
fn written_bytes() -> u64 {
    truce_bench::written_bytes().unwrap_or(0)
}

fn rate(n: u64, d: Duration) -> String {
    format!("{:>10.0}/s", n as f64 / d.as_secs_f64())
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        // `cargo bench -- --list` and test discovery: nothing to list.
        return;
    }
    println!(
        "truce-ledger benchmarks ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    // TRUCE_BENCH=single,batched,proofs picks which parts run (default: all).
    let only = std::env::var("TRUCE_BENCH").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p == part);
    if run("single") {
        let ledger = one_record_per_commit(3_000);
        let store = store_alone_one_record_per_commit(3_000);
        let check = record_signature_check(3_000);
        where_a_lone_records_time_goes(ledger, &store, check);
    }
    if run("batched") {
        batched(60, 1, 36_000);
        batched(60, 4, 60_000);
    }
    if !run("proofs") {
        return;
    }
    proofs(
        std::env::var("TRUCE_BENCH_RECORDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000),
    );
}

fn ledger_in(dir: &std::path::Path, fx: &fixture::Fixture) -> (Ledger, Arc<dyn Store>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.join("truce.db")).unwrap());
    let ledger = Ledger::open(Arc::clone(&store), fx.log.clone()).unwrap();
    ledger.submit(fx.charter.clone(), None).unwrap();
    (ledger, store)
}

/// One submitter, each record acknowledged (durable) before the next is sent.
/// Returns the time per record.
fn one_record_per_commit(n: u64) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let (ledger, _) = ledger_in(dir.path(), &fx);
    let records: Vec<_> = (1..=n).map(|seq| incident(&fx.reporters[0], seq)).collect();
    let bytes: usize = records.iter().map(|r| r.leaf().len()).sum();
    let start = Instant::now();
    let cpu = cpu_time();
    for r in records {
        ledger.submit(r, None).unwrap();
    }
    let took = start.elapsed();
    let cpu = cpu_time() - cpu;
    figure(
        "ledger.append.single",
        n as f64 / took.as_secs_f64(),
        "records/s",
        &format!("{n} records, one per commit, SQLite synchronous=FULL"),
    );
    println!(
        "durable appends, one record per commit:  {}  ({n} records of ~{} B, signature-verified, synchronous=FULL; {:.0} µs CPU each)",
        rate(n, took),
        bytes / usize::try_from(n).unwrap(),
        cpu.as_secs_f64() * 1e6 / n as f64
    );
    took / u32::try_from(n).unwrap()
}

/// The same records and commits as `one_record_per_commit`, written straight
/// into the store, one batch each: its record, the tree nodes it completes
/// and a checkpoint signed as the ledger's writer signs one. What this
/// leaves out of the ledger's figure — the records' signature checks,
/// admission, the hand-offs between threads — is the difference between the
/// two.
fn store_alone_one_record_per_commit(n: u64) -> StoreAlone {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(1);
    let store = SqliteStore::open(dir.path().join("truce.db")).unwrap();
    let mut frontier = Frontier::new();
    // The first n + 1 measure a fresh store; the rest, how far its
    // write-ahead log grows before it is reused, and n more after that.
    let records: Vec<_> = std::iter::once(fx.charter.clone())
        .chain((1..=n + REUSE_WITHIN + n).map(|seq| incident(&fx.reporters[0], seq)))
        .collect();
    // A checkpoint note as the ledger signs one, so each commit writes as
    // many bytes as the ledger's do.
    let note = |size: u64, root: truce_tlog::Hash| {
        truce_tlog::Checkpoint {
            origin: fixture::ORIGIN.to_string(),
            size,
            root,
            extensions: Vec::new(),
        }
        .sign(&fx.log)
        .unwrap()
    };
    // Returns the time it took to sign the checkpoint.
    let mut append = |record: &truce_core::Record| -> Duration {
        let hash = record.hash();
        let index = frontier.size();
        let nodes = frontier.append(hash);
        let signed = Instant::now();
        let note = note(frontier.size(), frontier.root());
        let signing = signed.elapsed();
        store
            .append(&AppendBatch {
                records: vec![NewRecord {
                    index,
                    hash,
                    leaf: record.leaf().to_vec(),
                    opening: None,
                }],
                nodes,
                checkpoint: Some(StoredCheckpoint {
                    size: frontier.size(),
                    note,
                }),
            })
            .unwrap();
        signing
    };
    append(&records[0]);
    let written = written_bytes();
    let start = Instant::now();
    let signing: Duration = records[1..=n as usize].iter().map(&mut append).sum();
    let took = start.elapsed();
    let written = written_bytes() - written;
    figure(
        "ledger.append.single_store_alone",
        n as f64 / took.as_secs_f64(),
        "records/s",
        &format!(
            "{n} records, one per commit, written straight into SQLite with their nodes and a signed checkpoint"
        ),
    );
    println!(
        "the same, straight into the store:       {}  (signed checkpoints; no signature checks, admission or threads; {:.1} KiB written each)",
        rate(n, took),
        written as f64 / 1024.0 / n as f64
    );
    once_its_log_is_reused(
        &dir.path().join("truce.db-wal"),
        &records[n as usize + 1..],
        n as usize,
        &mut append,
    );
    let per = |d: Duration| d / u32::try_from(n).unwrap();
    StoreAlone {
        commit: per(took.saturating_sub(signing)),
        signing: per(signing),
    }
}

/// Commits after the first within which the store's write-ahead log is
/// expected to be reset and written again from its start: its backstop
/// checkpoint comes at 256 MiB, about 12,000 of these commits.
const REUSE_WITHIN: u64 = 20_000;

/// Goes on appending `records` one per commit until the write-ahead log at
/// `wal` stops growing (SQLite writes it again from its start once a
/// checkpoint has copied all of it), then times the last `n`. A fresh
/// database's log grows with every commit, and a commit that extends the
/// file also waits for the file's new length to reach the disk; the
/// store's checkpointing thread never catches up with commits that follow
/// each other without a pause, so only the backstop checkpoint (at 256
/// MiB) resets it. The raw one-row commit of the limits bench never grows
/// its log past SQLite's default 4 MiB.
fn once_its_log_is_reused(
    wal: &std::path::Path,
    records: &[truce_core::Record],
    n: usize,
    append: &mut impl FnMut(&truce_core::Record) -> Duration,
) {
    let wal_len = || std::fs::metadata(wal).map_or(0, |m| m.len());
    let (growing, timed) = records.split_at(records.len() - n);
    let (mut longest, mut unchanged, mut commits) = (wal_len(), 0, 0);
    for r in growing {
        append(r);
        commits += 1;
        let len = wal_len();
        if len > longest {
            (longest, unchanged) = (len, 0);
        } else {
            unchanged += 1;
        }
        if unchanged == 1_000 {
            break;
        }
    }
    if unchanged < 1_000 {
        println!("  (its write-ahead log was still growing after {commits} more commits)");
        return;
    }
    let start = Instant::now();
    for r in timed {
        append(r);
    }
    let took = start.elapsed();
    figure(
        "ledger.append.single_store_alone_log_reused",
        n as f64 / took.as_secs_f64(),
        "records/s",
        &format!(
            "{n} records as above, once the store's write-ahead log is written again from its start"
        ),
    );
    println!(
        "  … once its write-ahead log is reused:  {}  (its log {} MiB at most, reused after {commits} more commits)",
        rate(n as u64, took),
        longest >> 20
    );
}

/// The store's share of a lone record's time: its transaction (with the
/// fsync) and the checkpoint's signature.
struct StoreAlone {
    commit: Duration,
    signing: Duration,
}

/// What the ledger's verifier does to a lone record: its signature checked
/// on its own (`verify_batch` of one). Returns the time per record.
fn record_signature_check(n: u64) -> Duration {
    let fx = fixture(1);
    let keys = [*fx.reporters[0].verifier().verifying_key()];
    let records: Vec<_> = (1..=n).map(|seq| incident(&fx.reporters[0], seq)).collect();
    let start = Instant::now();
    for r in &records {
        for result in truce_core::record::verify_batch(&[(r, &keys[..])], rand::thread_rng()) {
            result.unwrap();
        }
    }
    start.elapsed() / u32::try_from(n).unwrap()
}

/// Splits the ledger's time per lone record into what this run measured on
/// its own; the rest is the ledger's: admission, the tree's frontier, and
/// the hand-offs between its threads (submitter, verifier, sequencer, writer
/// and back).
fn where_a_lone_records_time_goes(ledger: Duration, store: &StoreAlone, check: Duration) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let rest = us(ledger) - us(store.commit) - us(store.signing) - us(check);
    figure(
        "ledger.append.single_rest",
        rest,
        "µs",
        "of a lone record's time through the ledger, beyond its commit, its signature check and the checkpoint's signature",
    );
    println!(
        "a lone record's {:.0} µs: the store's transaction and fsync {:.0} µs, the checkpoint's signature {:.0} µs, the record's signature check {:.0} µs, the ledger's admission and hand-offs {rest:.0} µs",
        us(ledger),
        us(store.commit),
        us(store.signing),
        us(check)
    );
}

/// Many concurrent submitters: records that arrive while a commit is in
/// flight are admitted and committed together.
/// Each client keeps up to `window` submissions in flight, as a server does
/// with one client's concurrent requests.
fn batched(clients: usize, window: usize, n: u64) {
    let dir = tempfile::tempdir().unwrap();
    let fx = fixture(clients);
    let (ledger, store) = ledger_in(dir.path(), &fx);
    let ledger = Arc::new(ledger);
    let per = n / clients as u64;
    let work: Vec<Vec<truce_core::Record>> = fx
        .reporters
        .iter()
        .map(|s| (1..=per).map(|seq| incident(s, seq)).collect())
        .collect();
    let start = Instant::now();
    let cpu = cpu_time();
    let written = written_bytes();
    let handles: Vec<_> = work
        .into_iter()
        .map(|records| {
            let ledger = Arc::clone(&ledger);
            std::thread::Builder::new()
                .name("client".into())
                .spawn(move || {
                    let (done_tx, done_rx) = std::sync::mpsc::channel();
                    let mut in_flight = 0;
                    for r in records {
                        if in_flight == window {
                            let acked: Result<_, _> = done_rx.recv().unwrap();
                            acked.unwrap();
                            in_flight -= 1;
                        }
                        let tx = done_tx.clone();
                        ledger
                            .submit_with(r, None, move |res| {
                                let _ = tx.send(res);
                            })
                            .unwrap();
                        in_flight += 1;
                    }
                    for _ in 0..in_flight {
                        done_rx.recv().unwrap().unwrap();
                    }
                })
                .unwrap()
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let took = start.elapsed();
    let cpu = cpu_time() - cpu;
    let written = written_bytes() - written;
    let total = per * clients as u64;
    let commits = store.checkpoints().unwrap().len() as u64 - 1;
    figure(
        &format!("ledger.append.batched_{clients}x{window}"),
        total as f64 / took.as_secs_f64(),
        "records/s",
        &format!("{clients} clients x {window} in flight, {total} records, SQLite"),
    );
    println!(
        "durable appends, {clients} clients x {window} in flight: {}  ({total} records in {commits} commits, {:.1} records/commit; {:.0} µs CPU and {:.1} KiB written each)",
        rate(total, took),
        total as f64 / commits as f64,
        cpu.as_secs_f64() * 1e6 / total as f64,
        written as f64 / 1024.0 / total as f64
    );
}

/// Fills a store with `n` synthetic leaves (the tree is what proofs read),
/// then measures proof generation from stored hashes and verification.
fn proofs(n: u64) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("truce.db")).unwrap();
    let mut frontier = Frontier::new();
    let fill = Instant::now();
    while frontier.size() < n {
        let mut batch = AppendBatch::default();
        for _ in 0..(n - frontier.size()).min(20_000) {
            let index = frontier.size();
            let leaf = format!("{{\"synthetic\":{index}}}").into_bytes();
            let hash = leaf_hash(&leaf);
            batch.nodes.extend(frontier.append(hash));
            batch.records.push(NewRecord {
                index,
                hash,
                leaf,
                opening: None,
            });
        }
        batch.checkpoint = Some(StoredCheckpoint {
            size: frontier.size(),
            note: String::new(),
        });
        store.append(&batch).unwrap();
    }
    println!(
        "(filled a store with {n} leaves and {} tree nodes in {:.1} s)",
        2 * n - 1,
        fill.elapsed().as_secs_f64()
    );
    let root = frontier.root();
    let reader = StoreHashes(&store);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);

    let queries = 20_000u64;
    let indexes: Vec<u64> = (0..queries).map(|_| rng.gen_range(0..n)).collect();
    let start = Instant::now();
    let generated: Vec<(u64, Vec<truce_tlog::Hash>)> = indexes
        .iter()
        .map(|&i| (i, truce_tlog::inclusion_proof(i, n, &reader).unwrap()))
        .collect();
    let took = start.elapsed();
    figure(
        "ledger.proof.inclusion",
        took.as_secs_f64() * 1e6 / queries as f64,
        "µs",
        &format!("from stored nodes, SQLite, {n} records"),
    );
    println!(
        "inclusion proofs at {n} records:        {}  ({:.1} µs each, {} hashes, from stored nodes)",
        rate(queries, took),
        took.as_secs_f64() * 1e6 / queries as f64,
        generated[0].1.len()
    );
    let leaves: Vec<truce_tlog::Hash> = indexes
        .iter()
        .map(|&i| {
            store
                .nodes(&[truce_tlog::NodeId { level: 0, index: i }])
                .unwrap()[0]
        })
        .collect();
    let start = Instant::now();
    for ((i, proof), leaf) in generated.iter().zip(&leaves) {
        truce_tlog::verify_inclusion(leaf, *i, n, proof, &root).unwrap();
    }
    let took = start.elapsed();
    println!(
        "inclusion proof verification:           {}  ({:.1} µs each)",
        rate(queries, took),
        took.as_secs_f64() * 1e6 / queries as f64
    );

    let pairs: Vec<u64> = (0..5_000).map(|_| rng.gen_range(1..n)).collect();
    let start = Instant::now();
    let consistency: Vec<(u64, Vec<truce_tlog::Hash>)> = pairs
        .iter()
        .map(|&m| (m, truce_tlog::consistency_proof(m, n, &reader).unwrap()))
        .collect();
    let took = start.elapsed();
    println!(
        "consistency proofs to {n} records:      {}  ({:.1} µs each)",
        rate(pairs.len() as u64, took),
        took.as_secs_f64() * 1e6 / pairs.len() as f64
    );
    let old_roots: Vec<truce_tlog::Hash> = pairs
        .iter()
        .take(200)
        .map(|&m| truce_tlog::tree_root(m, &reader).unwrap())
        .collect();
    let start = Instant::now();
    for ((m, proof), old) in consistency.iter().zip(&old_roots) {
        truce_tlog::verify_consistency(*m, n, proof, old, &root).unwrap();
    }
    let took = start.elapsed();
    println!(
        "consistency proof verification:         {}  ({:.1} µs each)",
        rate(old_roots.len() as u64, took),
        took.as_secs_f64() * 1e6 / old_roots.len() as f64
    );
}
