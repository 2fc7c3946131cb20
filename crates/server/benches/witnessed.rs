#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo bench -p truce-server --bench witnessed`: what the charter's
//! witnesses cost the real server under its full write load.
//!
//! 64 clients post signed ~1 KiB incident reports over HTTP to a SQLite log
//! as fast as the server acknowledges them (on two cores that is the
//! server's whole write capacity, 10k records/s or so), in rounds that
//! alternate between a server with no witnessing and one whose collector
//! submits every new checkpoint to four witnesses on loopback (all four
//! make the quorum). For each round it prints records/s; for the witnessed
//! ones also the time from each record's acknowledgment to the first
//! checkpoint served at `/checkpoint` — the latest one that meets the
//! quorum — that covers it: p50, p99 and max. Then the records/s with
//! witnessing against the median of the rounds without.
//!
//! TRUCE_BENCH_RECORDS (per round, default 40,000), TRUCE_BENCH_ROUNDS
//! (pairs of rounds, default 3). A plain timed harness: whole-system figures
//! for this machine, printed.

use bytes::Bytes;
use hyper::{Method, StatusCode};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use truce_bench::{cpu_time, figure, percentile_ms as percentile};
use truce_ledger::Ledger;
use truce_store::Store;
use truce_tlog::Cosigner;
use truce_tlog::note::{NoteSigner, NoteVerifier};
use truce_witness::{Witness, WitnessState};

mod common;
use common::*;

const WITNESSES: [&str; 4] = [
    "north.witness",
    "south.witness",
    "east.witness",
    "west.witness",
];

/// Starts a witness trusting `log` on loopback, on a runtime of its own
/// thread (as a participant's machine would run it: apart from the log's
/// server); returns its URL and key. It serves until the process ends.
fn witness(dir: &std::path::Path, name: &str, seed: u8, log: NoteVerifier) -> (String, Cosigner) {
    let cosigner = Cosigner::from_note_signer(&NoteSigner::from_seed(name, [seed; 32]).unwrap());
    let w = Arc::new(Witness::new(
        cosigner.clone(),
        vec![log],
        WitnessState::open(&dir.join(name)).unwrap(),
        Arc::new(|| 1_800_000_000),
    ));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
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

/// What one round measured.
struct Round {
    records_per_second: f64,
    /// This process's CPU time per record (server, clients and, when
    /// witnessed, the witnesses and the collector): steadier than records/s
    /// on a machine others share.
    cpu_per_record: Option<Duration>,
    /// Acknowledgment to quorum, for each record (witnessed rounds only).
    to_quorum: Vec<Duration>,
}

fn round(records: usize, witnessed: bool) -> Round {
    let tmp = tempfile::tempdir().unwrap();
    // The witnesses are fresh each round, as the log is.
    let log_key = log_key();
    let mut urls = BTreeMap::new();
    let mut policy = String::new();
    for (i, name) in WITNESSES.iter().enumerate() {
        let (url, cosigner) = witness(tmp.path(), name, 100 + i as u8, log_key.verifier());
        policy.push_str(&format!(
            "witness {name} {} {url}\n",
            cosigner.verifier().vkey()
        ));
        urls.insert((*name).to_owned(), url);
    }
    policy.push_str(&format!(
        "group all {} {}\nquorum all\n",
        WITNESSES.len(),
        WITNESSES.join(" ")
    ));
    let m = mechanism(&policy);
    let store: Arc<dyn Store> =
        Arc::new(truce_store_sqlite::SqliteStore::open(tmp.path().join("truce.db")).unwrap());
    let ledger = Arc::new(Ledger::open(Arc::clone(&store), log_key.clone()).unwrap());
    ledger.submit(m.charter.clone(), None).unwrap();
    let mut state = bench_state(ledger, Arc::clone(&store), &tmp.path().join("blobs"));
    if witnessed {
        let collector = truce_witness::collector::Collector::new(
            Arc::clone(&store),
            truce_tlog::WitnessPolicy::parse(&policy).unwrap(),
            urls,
            Arc::new(|| 1_800_000_000),
        )
        .unwrap();
        state = state.with_witnessing(collector);
    }
    let per_client = records.div_ceil(CLIENTS) as u64;
    let work: Vec<Vec<Bytes>> = m
        .reporters
        .iter()
        .map(|(s, a)| {
            (1..=per_client)
                .map(|seq| Bytes::from(report(s, a, seq).leaf().to_vec()))
                .collect()
        })
        .collect();

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
        let server = tokio::spawn(truce_server::serve(state, listener, async {
            let _ = stopped.await;
        }));
        let mut connections = Vec::with_capacity(CLIENTS);
        for _ in 0..CLIENTS {
            connections.push(Connection::open(addr).await);
        }
        // The size of the checkpoint `/checkpoint` serves, and when each
        // was first seen: a poll every 5 ms on a connection of its own.
        let writing = Arc::new(AtomicBool::new(true));
        let watcher = {
            let writing = Arc::clone(&writing);
            let mut connection = Connection::open(addr).await;
            tokio::spawn(async move {
                let mut seen: Vec<(u64, Instant)> = Vec::new();
                let mut idle_since: Option<Instant> = None;
                loop {
                    let (status, note) = connection.get("/checkpoint").await;
                    let size = (status == StatusCode::OK)
                        .then(|| {
                            String::from_utf8_lossy(&note)
                                .lines()
                                .nth(1)
                                .and_then(|l| l.parse::<u64>().ok())
                        })
                        .flatten();
                    if let Some(size) = size
                        && seen.last().is_none_or(|(s, _)| *s < size)
                    {
                        seen.push((size, Instant::now()));
                        idle_since = None;
                    }
                    // After the writes, until the quorum has stood still
                    // for two seconds: it has caught up, or never will.
                    if !writing.load(Ordering::SeqCst) {
                        let idle = *idle_since.get_or_insert_with(Instant::now);
                        if idle.elapsed() > Duration::from_secs(2) {
                            return seen;
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        };

        let started = Instant::now();
        let cpu_before = cpu_time();
        let mut tasks = Vec::new();
        for (bodies, mut connection) in work.into_iter().zip(connections.drain(..)) {
            tasks.push(tokio::spawn(async move {
                let mut acks = Vec::with_capacity(bodies.len());
                for body in bodies {
                    let (status, answer) =
                        connection.send(Method::POST, "/api/v1/records", body).await;
                    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&answer));
                    let receipt: serde_json::Value = serde_json::from_slice(&answer).unwrap();
                    acks.push((receipt["index"].as_u64().unwrap(), Instant::now()));
                }
                acks
            }));
        }
        let mut acks = Vec::new();
        for t in tasks {
            acks.extend(t.await.unwrap());
        }
        let took = started.elapsed();
        let cpu = cpu_before
            .zip(cpu_time())
            .map(|(before, after)| (after - before) / acks.len().max(1) as u32);
        writing.store(false, Ordering::SeqCst);
        let seen = watcher.await.unwrap();
        let _ = stop.send(());
        let _ = server.await;

        let mut to_quorum = Vec::new();
        if witnessed {
            for (index, acked) in &acks {
                // The first checkpoint of the quorum that holds the record.
                let at = seen.partition_point(|(size, _)| *size <= *index);
                let (_, covered) = seen.get(at).unwrap_or_else(|| {
                    panic!("record {index} never reached a checkpoint with the quorum")
                });
                to_quorum.push(covered.saturating_duration_since(*acked));
            }
            to_quorum.sort();
        }
        Round {
            records_per_second: acks.len() as f64 / took.as_secs_f64(),
            cpu_per_record: cpu,
            to_quorum,
        }
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let records = env("TRUCE_BENCH_RECORDS", 40_000);
    let rounds = env("TRUCE_BENCH_ROUNDS", 3);
    println!(
        "truce-server witnessed-write benchmark ({} cores, SQLite, {CLIENTS} clients, {records} records a round)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let (mut without, mut with) = (Vec::new(), Vec::new());
    let (mut cpu_without, mut cpu_with) = (Vec::new(), Vec::new());
    let mut worst_p99 = 0.0f64;
    for r in 0..rounds {
        let plain = round(records, false);
        println!(
            "round {}: no witnessing:            {:>8.0} records/s, {} CPU/record",
            r + 1,
            plain.records_per_second,
            micros(plain.cpu_per_record)
        );
        cpu_without.extend(plain.cpu_per_record);
        without.push(plain.records_per_second);
        let witnessed = round(records, true);
        let q = &witnessed.to_quorum;
        println!(
            "round {}: four witnesses, quorum all: {:>8.0} records/s, {} CPU/record; acknowledgment to quorum p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            r + 1,
            witnessed.records_per_second,
            micros(witnessed.cpu_per_record),
            percentile(q, 0.5),
            percentile(q, 0.99),
            percentile(q, 1.0)
        );
        worst_p99 = worst_p99.max(percentile(q, 0.99));
        with.push(witnessed.records_per_second);
        cpu_with.extend(witnessed.cpu_per_record);
    }
    let (without, with) = (median(without), median(with));
    println!(
        "median records/s: {without:.0} without witnessing, {with:.0} with ({:+.1} %)",
        (with / without - 1.0) * 100.0
    );
    let secs = |v: Vec<Duration>| median(v.iter().map(Duration::as_secs_f64).collect());
    let (cpu_without, cpu_with) = (secs(cpu_without), secs(cpu_with));
    let conditions = format!(
        "{CLIENTS} clients over HTTP, SQLite, four witnesses on loopback, {rounds} rounds of {records}"
    );
    figure(
        "witnessed.to_quorum_p99",
        worst_p99,
        "ms",
        &format!("{conditions}; the worst round"),
    );
    if cpu_without > 0.0 {
        figure(
            "witnessed.cpu_overhead",
            (cpu_with / cpu_without - 1.0) * 100.0,
            "% CPU/record",
            &conditions,
        );
        println!(
            "median CPU/record: {:.0} µs without witnessing, {:.0} µs with ({:+.1} %)",
            cpu_without * 1e6,
            cpu_with * 1e6,
            (cpu_with / cpu_without - 1.0) * 100.0
        );
    }
}

fn micros(d: Option<Duration>) -> String {
    d.map_or("?".into(), |d| format!("{:.0} µs", d.as_secs_f64() * 1e6))
}
