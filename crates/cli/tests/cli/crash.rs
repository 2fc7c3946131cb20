//! The crash harness: the real `truce serve` SIGKILLed at random moments
//! under concurrent signed load, and killed again while it restarts, on
//! SQLite and on PostgreSQL. After every restart each acknowledged record
//! must be at its acknowledged index with its hash, and the new checkpoint
//! consistent with the last one seen; at the end `truce verify` must pass.
//!
//! `cargo test` runs a short run (10 kill cycles per backend). The long run:
//!
//! ```sh
//! TRUCE_CRASH_CYCLES=200 cargo test -p truce-cli --test cli crash -- --nocapture
//! ```
//!
//! `TRUCE_CRASH_CLIENTS` (default 4) sets the number of clients, and
//! `TRUCE_CRASH_SEED` repeats a run's kill timings (each run prints its seed).

use crate::load::{Load, Mechanism, Observer, Server};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
        })
        .unwrap_or(default)
}

#[test]
fn acknowledged_records_survive_sigkill_under_load_on_sqlite() {
    crash_cycles("SQLite", None);
}

#[test]
fn acknowledged_records_survive_sigkill_under_load_on_postgresql() {
    let db = truce_store_postgres::testing::test_database();
    crash_cycles("PostgreSQL", Some(db.url()));
}

fn crash_cycles(backend: &str, database: Option<&str>) {
    let cycles = setting("TRUCE_CRASH_CYCLES", 10);
    let clients = usize::try_from(setting("TRUCE_CRASH_CLIENTS", 4)).unwrap();
    let seed = setting("TRUCE_CRASH_SEED", rand::random::<u32>().into());
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();
    eprintln!(
        "crash harness, {backend}: {cycles} cycles, {clients} clients, TRUCE_CRASH_SEED={seed}"
    );

    let tmp = tempfile::tempdir().unwrap();
    let m = Mechanism::demo(&tmp.path().join("demo"), database, clients);
    let t = Instant::now();
    let mut server = Server::start(&m);
    // Kills during start-up come within the time a start took.
    let start_up = t.elapsed().max(Duration::from_millis(20));
    let mut observer = Observer::new(&m);
    observer.check(server.base(), &[]);
    let before_load = observer.size();
    let load = Load::start(&m, server.base());

    let (mut start_kills, mut before_listening) = (0u64, 0u64);
    for _ in 0..cycles {
        std::thread::sleep(Duration::from_millis(rng.gen_range(50..300)));
        server.kill();
        load.point_at(None);
        for _ in 0..rng.gen_range(0..=2) {
            let mut starting = Server::spawn(&m);
            std::thread::sleep(start_up.mul_f64(rng.gen_range(0.0..1.0)));
            if !starting.listening() {
                before_listening += 1;
            }
            starting.kill();
            start_kills += 1;
        }
        server = Server::start(&m);
        load.point_at(Some(server.base()));
        observer.check(server.base(), &load.acks());
    }
    // Let the clients see the last server, then stop them.
    std::thread::sleep(Duration::from_millis(200));
    let report = load.stop();
    observer.check(server.base(), &report.acks);
    observer.check_each(server.base(), &report.acks);
    server.kill();
    m.verify();
    // The load's records in the log: each acknowledged, or posted by a
    // client that got no answer (durable, but not counted as acknowledged).
    let unacknowledged = observer.size() - before_load - report.acks.len() as u64;
    assert!(
        unacknowledged <= report.unanswered,
        "{unacknowledged} records in the log were never acknowledged, but only {} posts went \
         unanswered",
        report.unanswered
    );

    eprintln!(
        "crash harness, {backend}: {cycles} SIGKILLs under load and {start_kills} more during \
         restarts ({before_listening} before the server listened); {} records acknowledged by \
         {clients} clients, all at their index with their hash after every restart ({} \
         checkpoints, each consistent with the one before; log size {}); {} posts unanswered, \
         of which {unacknowledged} durable; other answers {:?}; truce verify passed; {:.1} s \
         (seed {seed})",
        report.acks.len(),
        observer.checkpoints,
        observer.size(),
        report.unanswered,
        report.statuses,
        started.elapsed().as_secs_f64(),
    );
    assert!(
        report.unclear.is_empty(),
        "answers a client cannot act on: {:#?}",
        report.unclear
    );
    assert!(!report.acks.is_empty(), "nothing was acknowledged");
}
