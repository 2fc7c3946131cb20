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
use truce_bench::{figure, percentile_ms as percentile};
use truce_core::Record;
use truce_ledger::Ledger;
use truce_store::Store;

mod common;
use common::*;

const CHUNK: u64 = 2_000;

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
    figure(
        "startup.index_build",
        rate(build),
        "records/s",
        "read + parse + index, one thread, SQLite",
    );

    let blob_dir = tempfile::tempdir().unwrap();
    let state = bench_state(ledger, Arc::clone(&store), blob_dir.path());
    let runtime = server_runtime();
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
        let max_unavailable = unavailable.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        let conditions = format!("SQLite, {size} records");
        figure("startup.first_list", first.as_secs_f64(), "s", &conditions);
        figure("startup.unavailable_max", max_unavailable, "ms", &conditions);
        println!(
            "server started: the first list answered 200 after {:.1} s; meanwhile {} answers of 503, p50 {:.1} ms, max {:.1} ms",
            first.as_secs_f64(),
            unavailable.len(),
            percentile(&unavailable, 0.5),
            max_unavailable
        );
        let _ = stop.send(());
        server.await.unwrap().unwrap();
    });
}
