//! A server whose query index is not yet built answers every derived view at
//! once — 503, `Retry-After`, how far the build has come — rather than hold
//! the request; once built it answers them, and a few new records are
//! indexed by the request that finds them. Likewise while the server is
//! still opening its ledger (`truce serve` listens meanwhile): what needs
//! the ledger answers 503 with the replay's progress, and everything else
//! as it would.

use crate::support::{Options, a_report, spawn_app_with};
use truce_core::Kind;
use truce_server::follower::Gate;

/// Derived views: each reads the query index.
const VIEWS: &[&str] = &[
    "/api/v1/incidents",
    "/api/v1/incidents?accused=pakistan",
    "/api/v1/statistics",
    "/api/v1/summary",
    "/api/v1/drafts",
    "/api/v1/commitments",
    "/api/v1/channel",
    "/api/v1/talks",
    "/api/v1/reports/published",
    "/api/v1/as-of",
];

#[test]
fn views_answer_503_with_progress_until_the_index_is_built() {
    let gate = Gate::closed();
    let app = spawn_app_with(Options {
        index_gate: Some(gate.clone()),
        // The scenario is small: so that the build, not the request, is
        // left to index it.
        inline_records: Some(3),
        ..Options::default()
    });
    let size = app.checkpoint_size();
    assert!(size > 3);
    // A case page (record 1 is no incident, but the index must say so).
    for path in VIEWS.iter().copied().chain(["/api/v1/incidents/1"]) {
        let problem = nothing_yet_of(app.get(path), size, path);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("0 of {size} records")),
            "{problem}"
        );
    }
    // The log itself does not wait for the index.
    assert_eq!(app.get("/api/v1/records?start=0&limit=5").status(), 200);

    gate.open();
    // Asked again as the answer says, until the build is done.
    let r = first_not_503(&app, "/api/v1/incidents");
    assert_eq!(r.status(), 200);
    let first: serde_json::Value = r.json().unwrap();
    for path in VIEWS {
        assert_eq!(app.get(path).status(), 200, "{path}");
    }

    // Steady state: a new record or two are indexed by the next request.
    for _ in 0..2 {
        let report = app.sign(
            "afghanistan.liaison",
            Kind::IncidentReport,
            a_report("pakistan"),
        );
        let r = app.post_record(&report);
        assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    }
    let now = app.get_json("/api/v1/incidents");
    assert_eq!(
        now["total"].as_u64().unwrap(),
        first["total"].as_u64().unwrap() + 2
    );
}

/// The first answer to `GET path` that is not a 503 (the server still
/// building its index or opening its ledger), asked again until then.
fn first_not_503(app: &crate::support::App, path: &str) -> reqwest::blocking::Response {
    loop {
        let r = app.get(path);
        if r.status() != 503 {
            return r;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A 503 for a server still starting (its index building or its ledger
/// opening): `Retry-After`, problem+json, and the progress — nothing done
/// yet of `size` records. Returns the problem.
fn nothing_yet_of(r: reqwest::blocking::Response, size: u64, what: &str) -> serde_json::Value {
    assert_eq!(r.status(), 503, "{what}");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1, "{what}");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json"),
        "{what}"
    );
    let problem: serde_json::Value = r.json().unwrap();
    assert_eq!(
        problem["type"], "https://truce.example/problems/indexing",
        "{what}"
    );
    assert_eq!(problem["progress"]["indexed"], 0, "{what}: {problem}");
    assert_eq!(problem["progress"]["size"], size, "{what}: {problem}");
    problem
}

#[test]
fn while_the_ledger_opens_reads_answer_and_what_needs_it_answers_503_with_progress() {
    let gate = Gate::closed();
    let app = spawn_app_with(Options {
        ledger_gate: Some(gate.clone()),
        ..Options::default()
    });
    // What needs no ledger answers as it would: the log, its proofs and
    // checkpoints (the charter, record 0, gives the witness policy), the
    // query index's views, the web UI.
    let size = app.checkpoint_size();
    for path in [
        "/api/v1/records?start=0&limit=5",
        "/api/v1/records/3",
        "/api/v1/records/3/proof",
        "/api/v1/witnessing",
        "/",
    ] {
        assert_eq!(app.get(path).status(), 200, "{path}");
    }
    let incidents = first_not_503(&app, "/api/v1/incidents");
    assert_eq!(incidents.status(), 200);
    assert!(
        first_not_503(&app, "/api/v1/statistics")
            .status()
            .is_success()
    );

    // What needs it: records submitted, the members' standing, sign-in.
    let report = app.sign_as_number(
        "afghanistan.liaison",
        0,
        Kind::IncidentReport,
        a_report("pakistan"),
    );
    nothing_yet_of(app.post_record(&report), size, "a record submitted");
    nothing_yet_of(
        app.get("/api/v1/participants"),
        size,
        "the participants and their members",
    );
    let challenge = app
        .http
        .post(app.url("/api/v1/auth/challenge"))
        .json(&serde_json::json!({"member": "afghanistan.liaison"}))
        .send()
        .unwrap();
    nothing_yet_of(challenge, size, "a sign-in");
    // The refused record changed nothing.
    assert_eq!(app.checkpoint_size(), size);

    gate.open();
    // Asked again as the answer says, until the ledger is open.
    assert_eq!(first_not_503(&app, "/api/v1/participants").status(), 200);
    let report = app.sign(
        "afghanistan.liaison",
        Kind::IncidentReport,
        a_report("pakistan"),
    );
    let r = app.post_record(&report);
    assert_eq!(r.status(), 201, "{}", r.text().unwrap());
    assert_eq!(app.sign_in("afghanistan.liaison").status(), 200);
}

#[test]
fn a_server_started_over_an_empty_log_learns_its_charter_once_it_is_appended() {
    use std::sync::Arc;
    use truce_store::Store;
    // The charter of a log built elsewhere, appended to an empty one that a
    // server already serves (a mirror, say, that starts before it copies).
    let dir = tempfile::tempdir().unwrap();
    let built: Arc<dyn Store> =
        Arc::new(truce_store_sqlite::SqliteStore::open(dir.path().join("built.db")).unwrap());
    let (log, _) = crate::support::build_scenario(&built);
    let charter = truce_core::Record::from_json(&built.records(0, 1).unwrap()[0].leaf).unwrap();
    let truce_core::Body::Charter(terms) = charter.body() else {
        panic!("record 0 is the charter");
    };
    let empty: Arc<dyn Store> =
        Arc::new(truce_store_sqlite::SqliteStore::open(dir.path().join("empty.db")).unwrap());
    let ledger = Arc::new(truce_ledger::Ledger::open(Arc::clone(&empty), log).unwrap());
    let state = truce_server::state::AppState::new(
        Arc::clone(&ledger),
        empty,
        truce_store::blobs::BlobDir::open(dir.path().join("blobs")).unwrap(),
        Arc::new(truce_server::clock::FixedClock(
            truce_core::values::Timestamp::parse(truce_scenario::VIEW_AT).unwrap(),
        )),
        truce_server::state::Limits {
            body_bytes: 256 * 1024,
            request_timeout_secs: 30,
            rate_per_minute: 100_000,
            reads_in_flight: 16,
        },
    );
    assert!(state.charter().is_none());
    assert!(!state.quorum_required());

    ledger.submit(charter.clone(), None).unwrap();
    let learnt = state.charter().expect("the charter, once appended");
    assert_eq!(learnt.origin, terms.origin);
    let quorum = terms.policy().unwrap().quorum().is_some();
    assert!(quorum, "the scenario's policy asks for a quorum");
    assert!(state.quorum_required());
}

/// A follower over `store`, its index built (from its snapshot and the log).
fn built(
    follower: truce_server::follower::IndexFollower,
) -> std::sync::Arc<truce_server::follower::IndexFollower> {
    let follower = std::sync::Arc::new(follower);
    follower.build_in_background();
    // Neither building nor writing a snapshot, and something indexed.
    until(|| {
        !follower.progress().1
            && !follower.snapshot_progress().0
            && !follower.read().unwrap().is_empty()
    });
    follower
}

fn until(done: impl Fn() -> bool) {
    while !done() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// What the server's lists and case pages read, from two indexes: alike.
fn assert_indexes_alike(
    a: &truce_server::follower::IndexFollower,
    b: &truce_server::follower::IndexFollower,
    what: &str,
) {
    use truce_index::IncidentQuery;
    let now = truce_core::values::Timestamp::parse(truce_scenario::VIEW_AT).unwrap();
    let (a, b) = (a.read().unwrap(), b.read().unwrap());
    assert_eq!(a.len(), b.len(), "{what}");
    assert_eq!(a.incidents_version(), b.incidents_version(), "{what}");
    for i in 0..a.len() {
        assert_eq!(a.hash_of(i), b.hash_of(i), "{what}: record {i}");
        assert_eq!(a.case_records(i), b.case_records(i), "{what}: record {i}");
    }
    let all = IncidentQuery {
        limit: truce_index::MAX_LIMIT,
        ..IncidentQuery::default()
    };
    let (pa, pb) = (
        a.incidents(&all, now).unwrap(),
        b.incidents(&all, now).unwrap(),
    );
    assert!(pa.total > 0);
    assert_eq!(format!("{pa:?}"), format!("{pb:?}"), "{what}");
    assert_eq!(a.channel().all(now), b.channel().all(now), "{what}");
    assert_eq!(
        a.compliance().commitments(),
        b.compliance().commitments(),
        "{what}"
    );
}

/// A follower given `file` does not use it (it says it read none) and
/// builds from the log what `from_the_log` holds.
fn indexed_from_the_log_instead(
    file: truce_server::snapshot::SnapshotFile,
    store: &std::sync::Arc<dyn truce_store::Store>,
    from_the_log: &truce_server::follower::IndexFollower,
    what: &str,
) {
    let follower = truce_server::follower::IndexFollower::new(std::sync::Arc::clone(store));
    let rebuilt = built(follower.with_snapshot(file));
    assert_eq!(rebuilt.snapshot_progress(), (false, 0), "{what} snapshot");
    assert_indexes_alike(&rebuilt, from_the_log, &format!("{what} snapshot"));
}

#[test]
fn a_restarted_server_starts_from_its_index_snapshot_only_when_the_log_proves_it() {
    use std::sync::Arc;
    use truce_server::follower::IndexFollower;
    use truce_server::snapshot::{SnapshotError, SnapshotFile};
    use truce_store::Store;
    let open = |path: std::path::PathBuf| -> Arc<dyn Store> {
        Arc::new(truce_store_sqlite::SqliteStore::open(path).unwrap())
    };
    let snapshots = tempfile::tempdir().unwrap();
    let path = snapshots.path().join("index.snapshot");
    let this_build = SnapshotFile::for_build(&path, [1; 32]);

    // The scenario, indexed and written out.
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path().join("truce.db"));
    let (log, scenario) = crate::support::build_scenario(&store);
    let at_snapshot = store.size().unwrap();
    let first = Arc::new(
        IndexFollower::new(Arc::clone(&store))
            .with_snapshot(this_build.clone())
            .with_snapshot_every(1),
    );
    first.build_in_background();
    until(|| first.snapshot_progress() == (false, at_snapshot));
    assert!(path.is_file());

    // The log goes on: two reports, through the server.
    let app =
        crate::support::spawn_with(dir, Arc::clone(&store), log, scenario, Options::default());
    for _ in 0..2 {
        let report = app.sign(
            "afghanistan.liaison",
            Kind::IncidentReport,
            a_report("pakistan"),
        );
        assert_eq!(app.post_record(&report).status(), 201);
    }
    assert_eq!(store.size().unwrap(), at_snapshot + 2);
    let from_the_log = built(IndexFollower::new(Arc::clone(&store)));
    assert_eq!(from_the_log.snapshot_progress(), (false, 0));

    // Restarted: it reads the snapshot (the last one it read or wrote is
    // the snapshot's size) and indexes the two reports after it.
    let restarted = built(IndexFollower::new(Arc::clone(&store)).with_snapshot(this_build.clone()));
    assert_eq!(restarted.snapshot_progress(), (false, at_snapshot));
    assert_indexes_alike(&restarted, &from_the_log, "from the snapshot");

    // Not used, and the index built from the log instead: a snapshot of
    // another build ...
    let other_build = SnapshotFile::for_build(&path, [2; 32]);
    assert!(matches!(
        other_build.load(store.as_ref()),
        Err(SnapshotError::OtherBuild)
    ));
    indexed_from_the_log_instead(other_build, &store, &from_the_log, "another build's");

    // ... a damaged one ...
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let damaged_path = snapshots.path().join("damaged.snapshot");
    std::fs::write(&damaged_path, &bytes).unwrap();
    let damaged = SnapshotFile::for_build(&damaged_path, [1; 32]);
    assert!(matches!(
        damaged.load(store.as_ref()),
        Err(SnapshotError::Damaged)
    ));
    indexed_from_the_log_instead(damaged, &store, &from_the_log, "a damaged");

    // ... one of a longer log (as after a restore from an older backup) ...
    let longer = SnapshotFile::for_build(snapshots.path().join("longer.snapshot"), [1; 32]);
    let saved = longer
        .save(&restarted.read().unwrap(), store.as_ref())
        .unwrap();
    assert_eq!(saved.size, at_snapshot + 2);
    let elsewhere = tempfile::tempdir().unwrap();
    let older = open(elsewhere.path().join("older.db"));
    crate::support::build_scenario(&older);
    assert!(matches!(
        longer.load(older.as_ref()),
        Err(SnapshotError::LongerThanLog { snapshot, log }) if snapshot == at_snapshot + 2 && log == at_snapshot
    ));

    // ... and one of another log as long (another log key in its charter).
    let other = open(elsewhere.path().join("other.db"));
    crate::support::build_scenario_seeded(&other, 7);
    assert_eq!(other.size().unwrap(), at_snapshot);
    assert!(matches!(
        this_build.load(other.as_ref()),
        Err(SnapshotError::OtherLog { size }) if size == at_snapshot
    ));
    let own = built(IndexFollower::new(Arc::clone(&other)));
    indexed_from_the_log_instead(this_build, &other, &own, "another log's");
    drop(app);
}

#[test]
fn while_a_snapshot_is_written_reads_answer_and_new_records_wait_with_a_503_not_a_hang() {
    use truce_server::snapshot::SnapshotFile;
    let snapshots = tempfile::tempdir().unwrap();
    let path = snapshots.path().join("index.snapshot");
    let writing = Gate::closed();
    let dir = tempfile::tempdir().unwrap();
    let store: std::sync::Arc<dyn truce_store::Store> = std::sync::Arc::new(
        truce_store_sqlite::SqliteStore::open(dir.path().join("truce.db")).unwrap(),
    );
    let (log, scenario) = crate::support::build_scenario(&store);
    let app = crate::support::spawn_with(
        dir,
        std::sync::Arc::clone(&store),
        log,
        scenario,
        Options {
            // Written as soon as the index is built, and held there.
            index_snapshot: Some((SnapshotFile::for_build(&path, [1; 32]), 1, writing.clone())),
            ..Options::default()
        },
    );
    let before = first_not_503(&app, "/api/v1/incidents");
    assert_eq!(before.status(), 200);
    let before: serde_json::Value = before.json().unwrap();
    // The write has begun (the index's read lock taken) and is held.
    until(|| writing.is_waited_on());
    assert!(!path.exists(), "held at the gate");

    // The index has all there is: reads answer from it.
    assert_eq!(app.get("/api/v1/statistics").status(), 200);
    // A new record must wait for the write to end before it is indexed:
    // the list says so at once rather than hold the request.
    let report = app.sign(
        "afghanistan.liaison",
        Kind::IncidentReport,
        a_report("pakistan"),
    );
    assert_eq!(app.post_record(&report).status(), 201);
    let size = app.checkpoint_size();
    let waiting = app.get("/api/v1/incidents");
    assert_eq!(waiting.status(), 503);
    let problem: serde_json::Value = waiting.json().unwrap();
    assert_eq!(problem["progress"]["indexed"], size - 1, "{problem}");
    assert_eq!(problem["progress"]["size"], size, "{problem}");

    writing.open();
    let after: serde_json::Value = first_not_503(&app, "/api/v1/incidents").json().unwrap();
    assert_eq!(after["total"], before["total"].as_u64().unwrap() + 1);
    let written = SnapshotFile::for_build(&path, [1; 32]);
    until(|| path.exists());
    // As it was when held, or already written again with the new record.
    let indexed = written.load(store.as_ref()).unwrap().unwrap().len();
    assert!(
        indexed == size - 1 || indexed == size,
        "{indexed} of {size}"
    );
}
