//! Two servers on one PostgreSQL database, racing: the advisory-locked append
//! lets one batch in at a time, a server catches up with what the other
//! appended before admitting (and, if it loses a race anyway, gets a
//! conflict and reloads), and the log stays whole.

use crate::support::*;
use std::sync::Arc;
use truce_core::Kind;
use truce_store::Store;
use truce_store_postgres::PostgresStore;

#[test]
fn two_servers_on_one_database_keep_one_consistent_log() {
    let (a, b, db) = two_servers_on_one_database();
    let store: Arc<dyn Store> = Arc::new(PostgresStore::open(db.url()).unwrap());
    let size_before = store.size().unwrap();

    // Each server's clients submit reports of their own authors; a conflict
    // (the other server appended first) is answered 503 and retried, as a
    // client would. Only a conflict may be answered 503 here: its detail says so.
    let submit_all = |app: &App, member: &'static str, count: usize| {
        let mut acked = Vec::new();
        let mut conflicts = 0;
        let mut attempts = 0;
        while acked.len() < count {
            attempts += 1;
            assert!(
                attempts < 200,
                "{member}: no progress after {attempts} attempts"
            );
            let accused = if member.starts_with("pakistan") {
                "afghanistan"
            } else {
                "pakistan"
            };
            let record = app.sign(member, Kind::IncidentReport, a_report(accused));
            let r = app.post_record(&record);
            match r.status().as_u16() {
                201 => acked.push(r.json::<serde_json::Value>().unwrap()),
                503 => {
                    let detail = r.text().unwrap();
                    assert!(detail.contains("another writer appended first"), "{detail}");
                    conflicts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => panic!("unexpected {other}: {}", r.text().unwrap()),
            }
        }
        (acked, conflicts)
    };
    // Race in rounds until the conflict path has run at least once (a round
    // of 8 + 8 hits it about two times in three here; 12 rounds without one
    // would mean the path is gone, or the race is).
    let (mut acked, mut conflicts, mut rounds) = (Vec::new(), 0, 0);
    while conflicts == 0 {
        rounds += 1;
        assert!(
            rounds <= 12,
            "no conflict in {} rounds of racing appends",
            rounds - 1
        );
        let ((acked_a, conflicts_a), (acked_b, conflicts_b)) = std::thread::scope(|s| {
            let ta = s.spawn(|| submit_all(&a, "pakistan.liaison", 8));
            let tb = s.spawn(|| submit_all(&b, "afghanistan.liaison", 8));
            (ta.join().unwrap(), tb.join().unwrap())
        });
        eprintln!(
            "round {rounds}: conflicts: {conflicts_a} on one server, {conflicts_b} on the other"
        );
        conflicts += conflicts_a + conflicts_b;
        acked.extend(acked_a.into_iter().chain(acked_b));
    }
    let raced = 16 * rounds;

    // Every conflict was retried, and every acknowledged record is where its
    // receipt says.
    assert_eq!(store.size().unwrap(), size_before + raced);
    for receipt in &acked {
        let index = receipt["index"].as_u64().unwrap();
        let stored = store.records(index, index + 1).unwrap();
        assert_eq!(
            serde_json::json!(stored[0].hash),
            receipt["leaf_hash"],
            "record {index}"
        );
    }
    let report = truce_ledger::verify_store(store.as_ref(), None, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.records, size_before + raced);

    // One author taking turns between the servers: each server counts the
    // records the other appended (its next sequence number is right and its
    // admission agrees), so every record is accepted at the first attempt.
    for turn in 0..6 {
        let app = if turn % 2 == 0 { &a } else { &b };
        let record = app.sign(
            "pakistan.liaison",
            Kind::IncidentReport,
            a_report("afghanistan"),
        );
        let r = app.post_record(&record);
        assert_eq!(r.status(), 201, "turn {turn}: {}", r.text().unwrap());
    }
    // A member both servers know signs in on either.
    assert_eq!(b.sign_in("afghanistan.liaison").status(), 200);
    let report = truce_ledger::verify_store(store.as_ref(), None, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.records, size_before + raced + 6);
}
