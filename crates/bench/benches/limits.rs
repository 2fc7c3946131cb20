#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
//! The machine's own limits, measured so that Truce's figures can be read
//! against them in the same run (`bench/run` puts both in BENCHMARKS.md):
//!
//! - durable commits: a 4 KiB write and `fdatasync` of a plain file, and a
//!   one-row SQLite transaction with the settings the store uses (WAL,
//!   `synchronous=FULL`) — the ceiling for one record per commit;
//! - SHA-256: bytes/s over 1 KiB inputs, and RFC 6962 leaf hashes/s of such
//!   leaves — what recomputing a tree costs;
//! - Ed25519 verification lives in truce-core's `ed25519` bench (it needs the
//!   same signature rules the core uses).
//!
//!   cargo bench -p truce-bench --bench limits [-- COMMITS]   (3,000 by default)

use sha2::{Digest, Sha256};
use std::io::Write;
use std::time::Instant;
use truce_bench::figure;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let commits: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3_000);
    let dir = tempfile::tempdir().unwrap();
    println!("The machine's limits ({commits} durable commits each)");
    file_syncs(&dir.path().join("synced"), commits);
    sqlite_commits(&dir.path().join("limits.db"), commits);
    hashing(1 << 20);
}

/// Rewrites one 4 KiB block and waits for it to be on disk, `n` times.
fn file_syncs(path: &std::path::Path, n: u32) {
    let mut file = std::fs::File::create(path).unwrap();
    let block = [7u8; 4096];
    let start = Instant::now();
    for _ in 0..n {
        file.write_all(&block).unwrap();
        file.sync_data().unwrap();
    }
    let rate = f64::from(n) / start.elapsed().as_secs_f64();
    println!("  4 KiB write + fdatasync            {rate:>10.0}/s");
    figure(
        "limit.fdatasync",
        rate,
        "syncs/s",
        "4 KiB appended to a file, then fdatasync",
    );
}

/// One-row transactions, each committed durably, as the SQLite store commits
/// (WAL journal, synchronous=FULL), rows of about a record's size.
fn sqlite_commits(path: &std::path::Path, n: u32) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch("CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        .unwrap();
    let body = vec![b'x'; 1_000];
    let written = truce_bench::written_bytes().unwrap_or(0);
    let start = Instant::now();
    for i in 0..n {
        let tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO rows (id, body) VALUES (?1, ?2)",
            rusqlite::params![i, body],
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let rate = f64::from(n) / start.elapsed().as_secs_f64();
    // What reached the disk per commit, to read against the store's (the
    // ledger bench prints its own): a durable commit's time grows with it.
    let written = truce_bench::written_bytes()
        .unwrap_or(0)
        .saturating_sub(written);
    println!(
        "  SQLite one-row durable commit      {rate:>10.0}/s  ({:.1} KiB written each)",
        written as f64 / 1024.0 / f64::from(n)
    );
    figure(
        "limit.sqlite_commit",
        rate,
        "commits/s",
        "one 1 KB row per transaction, WAL, synchronous=FULL",
    );
}

/// SHA-256 over `n` inputs of 1 KiB, and the RFC 6962 leaf hash of each.
fn hashing(n: usize) {
    let input: Vec<[u8; 1024]> = (0..64u8).map(|i| [i; 1024]).collect();
    let start = Instant::now();
    let mut last = [0u8; 32];
    for i in 0..n {
        let mut hasher = Sha256::new();
        hasher.update(input[i % input.len()]);
        hasher.update(last);
        last = hasher.finalize().into();
    }
    let seconds = start.elapsed().as_secs_f64();
    let bytes_per_second = (n * 1024) as f64 / seconds;
    println!(
        "  SHA-256 over 1 KiB inputs          {:>10.0} MB/s",
        bytes_per_second / 1e6
    );
    figure(
        "limit.sha256",
        bytes_per_second / 1e6,
        "MB/s",
        "one thread, 1 KiB inputs",
    );

    let start = Instant::now();
    let mut check = 0u8;
    for i in 0..n {
        check ^= truce_tlog::leaf_hash(&input[i % input.len()]).0[0];
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    println!("  RFC 6962 leaf hashes of 1 KiB       {rate:>10.0}/s  (check {check})");
    figure(
        "limit.leaf_hash",
        rate,
        "hashes/s",
        "one thread, 1 KiB leaves",
    );
}
