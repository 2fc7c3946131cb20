#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo bench -p truce-server --bench startup`: how soon a server over a
//! big SQLite log answers its first list, and where the query index's build
//! spends its time.
//!
//! Builds a log of TRUCE_BENCH_PRELOAD incident reports (default 1,000,000)
//! through the ledger — or reuses the one at TRUCE_BENCH_DB if that file
//! holds a log already, so a second run skips the preload — then times, on
//! that store: reading every record in chunks of 2,000 (the build's reads);
//! reading and parsing each; reading, parsing and indexing each (the whole
//! build, one thread); and a real server started over it: how long its 503
//! answers take while it indexes, and how long until a list answers 200.
//! A plain timed harness: whole-system measurements.

use std::sync::Arc;
use std::time::{Duration, Instant};
use truce_core::Record;
use truce_ledger::Ledger;
use truce_server::clock::FixedClock;
use truce_server::state::{AppState, Limits};
use truce_store::Store;

mod common;
use common::*;

const CHUNK: u64 = 2_000;

fn preload(ledger: &Arc<Ledger>, m: &Mechanism, incidents: usize) {
    let per = incidents.div_ceil(CLIENTS) as u64;
    std::thread::scope(|s| {
        for (signer, accused) in &m.reporters {
            let ledger = Arc::clone(ledger);
            s.spawn(move || {
                let (tx, rx) = std::sync::mpsc::channel();
                for seq in 1..=per {
                    let tx = tx.clone();
                    ledger
                        .submit_with(report(signer, accused, seq), None, move |r| {
                            let _ = tx.send(r);
                        })
                        .unwrap();
                    if seq % 8 == 0 {
                        for _ in 0..8 {
                            rx.recv().unwrap().unwrap();
                        }
                    }
                }
                drop(tx);
                for r in rx {
                    r.unwrap();
                }
            });
        }
    });
}

/// One pass over the log in chunks, doing `each` to every stored record.
fn pass(store: &dyn Store, mut each: impl FnMut(truce_store::StoredRecord)) -> f64 {
    let size = store.size().unwrap();
    let started = Instant::now();
    let mut next = 0;
    while next < size {
        let end = (next + CHUNK).min(size);
        for stored in store.records(next, end).unwrap() {
            each(stored);
        }
        next = end;
    }
    started.elapsed().as_secs_f64()
}

fn main() {
    let incidents: usize = std::env::var("TRUCE_BENCH_PRELOAD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var("TRUCE_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("truce.db"));
    let store: Arc<dyn Store> = Arc::new(truce_store_sqlite::SqliteStore::open(&path).unwrap());
    let m = mechanism("quorum none\n");
    let ledger = Arc::new(Ledger::open(Arc::clone(&store), m.log.clone()).unwrap());
    if store.size().unwrap() == 0 {
        ledger.submit(m.charter.clone(), None).unwrap();
        let started = Instant::now();
        preload(&ledger, &m, incidents);
        println!(
            "preloaded {} records through the ledger in {:.1} s",
            store.size().unwrap(),
            started.elapsed().as_secs_f64()
        );
    }
    let size = store.size().unwrap();
    println!("truce-server start-up benchmark: SQLite, {size} records");

    let mut bytes = 0usize;
    let read = pass(store.as_ref(), |s| bytes += s.leaf.len());
    let parse = pass(store.as_ref(), |s| {
        std::hint::black_box(Record::from_json(&s.leaf).unwrap());
    });
    let mut index = truce_index::Index::new();
    let build = pass(store.as_ref(), |s| {
        let record = Record::from_json(&s.leaf).unwrap();
        index.add(s.index, &record).unwrap();
    });
    drop(index);
    let rate = |secs: f64| size as f64 / secs;
    println!(
        "read {size} records ({:.0} MiB) in chunks of {CHUNK}: {read:.1} s ({:.0}/s)",
        bytes as f64 / 1048576.0,
        rate(read)
    );
    println!(
        "read + parse: {parse:.1} s ({:.0}/s; parsing {:.1} s)",
        rate(parse),
        parse - read
    );
    println!(
        "read + parse + index (the whole build, one thread): {build:.1} s ({:.0}/s; indexing {:.1} s)",
        rate(build),
        build - parse
    );

    let blob_dir = tempfile::tempdir().unwrap();
    let state = AppState::new(
        ledger,
        Arc::clone(&store),
        truce_store::blobs::BlobDir::open(blob_dir.path()).unwrap(),
        Arc::new(FixedClock(
            truce_core::values::Timestamp::parse("2026-11-02T00:00:00Z").unwrap(),
        )),
        Limits {
            body_bytes: 256 * 1024,
            request_timeout_secs: 30,
            rate_per_minute: u32::MAX,
            reads_in_flight: u32::MAX,
        },
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(truce_server::BLOCKING_THREADS)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let started = Instant::now();
        let server = tokio::spawn(truce_server::serve(state, listener, async {
            let _ = stopped.await;
        }));
        let mut connection = Connection::open(addr).await;
        let mut unavailable = Vec::new();
        let first = loop {
            let asked = Instant::now();
            let (status, answer) = connection.get("/api/v1/incidents?limit=1").await;
            if status == hyper::StatusCode::OK {
                break started.elapsed();
            }
            assert_eq!(
                status,
                hyper::StatusCode::SERVICE_UNAVAILABLE,
                "{}",
                String::from_utf8_lossy(&answer)
            );
            unavailable.push(asked.elapsed());
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        unavailable.sort();
        println!(
            "server started: the first list answered 200 after {:.1} s; meanwhile {} answers of 503, p50 {:.1} ms, max {:.1} ms",
            first.as_secs_f64(),
            unavailable.len(),
            percentile(&unavailable, 0.5),
            unavailable.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        );
        let _ = stop.send(());
        server.await.unwrap().unwrap();
    });
}
