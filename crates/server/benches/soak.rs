#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo bench -p truce-server --bench soak`: the real server's resident
//! memory under a steady load, sampled as it runs.
//!
//! Over a log of TRUCE_BENCH_PRELOAD incidents (default 100,000, appended
//! through the ledger), the server takes, for TRUCE_BENCH_SECONDS (default
//! 120), signed ~1 KiB reports at TRUCE_BENCH_RATE records/s (default 500,
//! from 8 writers, each record signed as it is sent so that the clients hold
//! no growing backlog) while 8 readers walk every list endpoint. Every five
//! seconds it prints the records appended and the process's resident memory;
//! at the end, memory after the warm-up (the first 20 s: connections, the
//! answer cache and the allocator's pools filling), memory at the end, and
//! the growth per record appended after the warm-up, fitted by least squares
//! over the samples. The query index keeps every incident in memory by
//! design, so memory grows with the log; the figure to read is how much per
//! record, against the index's own bytes per incident (`cargo bench -p
//! truce-index`), and that nothing else grows.
//!
//! The answer cache fills as the log grows (each new record is a new version
//! of every list, so new answers are kept beside the old until its bound,
//! 64 MiB, evicts them): over two minutes it is most of the growth, and
//! after its bound none of it. So the bench also samples the bytes the cache
//! holds and fits the growth beyond them, `soak.growth_per_record_beyond_caches`:
//! what would still grow once every bounded cache is full.

use hyper::{Method, StatusCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use truce_bench::figure;
use truce_ledger::Ledger;
use truce_store::Store;

mod common;
use common::*;

const WRITERS: usize = 8;
const READERS: usize = 8;
const WARM_UP: Duration = Duration::from_secs(20);
const SAMPLE_EVERY: Duration = Duration::from_secs(5);

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let preload = env("TRUCE_BENCH_PRELOAD", 100_000) as usize;
    let seconds = env("TRUCE_BENCH_SECONDS", 120);
    let rate = env("TRUCE_BENCH_RATE", 500).max(1);
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(truce_store_sqlite::SqliteStore::open(dir.path().join("truce.db")).unwrap());
    let m = mechanism("quorum none\n");
    let ledger = Arc::new(Ledger::open(Arc::clone(&store), m.log.clone()).unwrap());
    ledger.submit(m.charter.clone(), None).unwrap();
    let started = Instant::now();
    common::preload(&ledger, &m, preload);
    let first_seq = preload.div_ceil(CLIENTS) as u64 + 1;
    println!(
        "truce-server soak: SQLite, {} records preloaded in {:.1} s; {seconds} s at {rate} records/s from {WRITERS} writers, {READERS} readers of every list endpoint",
        store.size().unwrap(),
        started.elapsed().as_secs_f64()
    );

    let blob_dir = tempfile::tempdir().unwrap();
    let state = bench_state(ledger, Arc::clone(&store), blob_dir.path());
    let (answers, index) = (Arc::clone(&state.answers), Arc::clone(&state.index));
    let runtime = server_runtime();
    let samples = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(truce_server::serve(state, listener, async {
            let _ = stopped.await;
        }));
        let mut probe = Connection::open(addr).await;
        while probe.get("/api/v1/incidents?limit=1").await.0 != StatusCode::OK {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        let done = Arc::new(AtomicBool::new(false));
        let appended = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        // Writers: each at its share of the rate, each record signed when
        // its turn comes.
        let every = Duration::from_secs_f64(WRITERS as f64 / rate as f64);
        for (signer, accused) in m.reporters.iter().take(WRITERS).cloned() {
            let (done, appended) = (Arc::clone(&done), Arc::clone(&appended));
            tasks.push(tokio::spawn(async move {
                let mut connection = Connection::open(addr).await;
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                let mut seq = first_seq;
                while !done.load(Ordering::Relaxed) {
                    tick.tick().await;
                    let body = bytes::Bytes::from(report(&signer, accused, seq).leaf().to_vec());
                    let (status, answer) =
                        connection.send(Method::POST, "/api/v1/records", body).await;
                    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&answer));
                    appended.fetch_add(1, Ordering::Relaxed);
                    seq += 1;
                }
            }));
        }
        // Readers: every list endpoint in turn, ten requests a second each.
        for r in 0..READERS {
            let done = Arc::clone(&done);
            tasks.push(tokio::spawn(async move {
                let mut connection = Connection::open(addr).await;
                let endpoints = [
                    "/api/v1/incidents?limit=50",
                    "/api/v1/incidents?type=shelling&accused=north&limit=50",
                    "/api/v1/statistics?group=week",
                    "/api/v1/channel",
                    "/api/v1/commitments",
                    "/api/v1/drafts",
                    "/api/v1/records?start=1&limit=100",
                    "/api/v1/summary",
                ];
                let mut tick = tokio::time::interval(Duration::from_millis(100));
                let mut i = r;
                while !done.load(Ordering::Relaxed) {
                    tick.tick().await;
                    let (status, _) = connection.get(endpoints[i % endpoints.len()]).await;
                    assert_eq!(status, 200, "{}", endpoints[i % endpoints.len()]);
                    i += 1;
                }
            }));
        }

        let began = Instant::now();
        let mut samples = Vec::new();
        println!(
            "{:>8} {:>10} {:>12} {:>18} {:>15}",
            "seconds", "appended", "resident MiB", "answers kept MiB", "index heap MiB"
        );
        while began.elapsed() < Duration::from_secs(seconds) {
            tokio::time::sleep(SAMPLE_EVERY).await;
            let at = began.elapsed();
            let records = appended.load(Ordering::Relaxed);
            let resident = truce_bench::resident_bytes().unwrap_or(0);
            let kept = answers.weight();
            let index_heap = index.read().map_or(0, |i| i.heap_bytes() as u64);
            println!(
                "{:>8.0} {records:>10} {:>12.1} {:>18.1} {:>15.1}",
                at.as_secs_f64(),
                mib(resident),
                mib(kept),
                mib(index_heap)
            );
            samples.push(Sample {
                at,
                records,
                resident,
                kept,
                index_heap,
            });
        }
        done.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await.unwrap();
        }
        let _ = stop.send(());
        server.await.unwrap().unwrap();
        samples
    });

    let steady: Vec<&Sample> = samples.iter().filter(|s| s.at >= WARM_UP).collect();
    let (Some(first), Some(last)) = (steady.first(), steady.last()) else {
        println!(
            "too short a run to say anything after the {} s warm-up",
            WARM_UP.as_secs()
        );
        return;
    };
    let per_record = slope(&steady, |s| s.resident);
    let beyond_caches = slope(&steady, |s| s.resident.saturating_sub(s.kept));
    let index_growth = slope(&steady, |s| s.index_heap);
    let appended = last.records - first.records;
    let conditions = format!(
        "SQLite, {preload} incidents preloaded, {appended} records appended at {rate}/s with {READERS} readers over {:.0} s after a {} s warm-up",
        (last.at - first.at).as_secs_f64(),
        WARM_UP.as_secs()
    );
    println!(
        "resident memory {:.0} MiB after the warm-up, {:.0} MiB at the end: {per_record:.0} bytes per record appended ({conditions})",
        mib(first.resident),
        mib(last.resident)
    );
    println!(
        "the answer cache held {:.0} MiB after the warm-up, {:.0} MiB at the end (bound {:.0} MiB); beyond it, {beyond_caches:.0} bytes per record appended, of which the query index's heap {index_growth:.0}",
        mib(first.kept),
        mib(last.kept),
        mib(truce_server::answers::DEFAULT_CAPACITY_BYTES)
    );
    figure(
        "soak.resident_start",
        mib(first.resident),
        "MiB",
        &conditions,
    );
    figure("soak.resident_end", mib(last.resident), "MiB", &conditions);
    figure("soak.growth_per_record", per_record, "bytes", &conditions);
    figure(
        "soak.growth_per_record_beyond_caches",
        beyond_caches,
        "bytes",
        &format!("beyond the answers kept (bounded); {conditions}"),
    );
}

/// One look at the process.
struct Sample {
    at: Duration,
    records: u64,
    resident: u64,
    /// Bytes the answer cache holds.
    kept: u64,
    /// The query index's estimate of its own heap.
    index_heap: u64,
}

/// Least-squares slope of `bytes` over records appended.
fn slope(samples: &[&Sample], bytes: impl Fn(&Sample) -> u64) -> f64 {
    let n = samples.len() as f64;
    let mean_x = samples.iter().map(|s| s.records as f64).sum::<f64>() / n;
    let mean_y = samples.iter().map(|s| bytes(s) as f64).sum::<f64>() / n;
    let (mut covariance, mut variance) = (0.0, 0.0);
    for s in samples {
        let (dx, dy) = (s.records as f64 - mean_x, bytes(s) as f64 - mean_y);
        covariance += dx * dy;
        variance += dx * dx;
    }
    if variance == 0.0 {
        0.0
    } else {
        covariance / variance
    }
}
