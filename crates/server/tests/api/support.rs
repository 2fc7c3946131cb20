use rand::SeedableRng;
use reqwest::blocking::Client;
use std::sync::Arc;
use truce_core::Record;
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId, Timestamp};
use truce_ledger::Ledger;
use truce_server::clock::FixedClock;
use truce_server::state::{AppState, Limits};
use truce_store::Store;
use truce_store_sqlite::SqliteStore;
use truce_tlog::note::NoteSigner;

pub struct App {
    pub base: String,
    pub http: Client,
    pub log_key: truce_tlog::note::NoteVerifier,
    pub scenario: truce_scenario::Scenario,
    _dir: tempfile::TempDir,
    server: Option<std::thread::JoinHandle<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Kept alive (and dropped last) when the app runs on PostgreSQL.
    pub database: Option<truce_store_postgres::testing::TestDatabase>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Let the server finish before its database (if any) is dropped.
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

/// The scenario served from SQLite, then from a fresh PostgreSQL database:
/// the API suite runs against both stores.
pub fn every_backend() -> impl Iterator<Item = App> {
    [false, true].into_iter().map(|postgres| {
        if postgres {
            spawn_app_on_postgres()
        } else {
            spawn_app()
        }
    })
}

/// Builds the scenario into a fresh PostgreSQL database and starts the real server on it.
pub fn spawn_app_on_postgres() -> App {
    let db = truce_store_postgres::testing::test_database();
    let store: Arc<dyn Store> =
        Arc::new(truce_store_postgres::PostgresStore::open(db.url()).unwrap());
    let (log, scenario) = build_scenario(&store);
    let mut app = spawn_on(tempfile::tempdir().unwrap(), store, log, scenario);
    app.database = Some(db);
    app
}

/// Two real servers, each with its own ledger, on one fresh PostgreSQL
/// database holding the scenario. The database is last in the tuple so it is
/// dropped after both servers.
pub fn two_servers_on_one_database() -> (App, App, truce_store_postgres::testing::TestDatabase) {
    let db = truce_store_postgres::testing::test_database();
    let store: Arc<dyn Store> =
        Arc::new(truce_store_postgres::PostgresStore::open(db.url()).unwrap());
    let (log, scenario) = build_scenario(&store);
    let server = |log: NoteSigner, scenario: truce_scenario::Scenario| {
        spawn_on(
            tempfile::tempdir().unwrap(),
            Arc::new(truce_store_postgres::PostgresStore::open(db.url()).unwrap()),
            log,
            scenario,
        )
    };
    let a = server(log.clone(), scenario.clone());
    let b = server(log, scenario);
    (a, b, db)
}

/// Builds the scenario into a fresh SQLite store and starts the real server on it.
pub fn spawn_app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("truce.db")).unwrap());
    let (log, scenario) = build_scenario(&store);
    spawn_on(dir, store, log, scenario)
}

/// The log key and scenario, built into `store` through a ledger that is then closed.
pub fn build_scenario(store: &Arc<dyn Store>) -> (NoteSigner, truce_scenario::Scenario) {
    build_scenario_seeded(store, 2025)
}

/// As [`build_scenario`], its keys drawn from `seed`: another seed, another
/// log (another log key in its charter) of the same length.
pub fn build_scenario_seeded(
    store: &Arc<dyn Store>,
    seed: u64,
) -> (NoteSigner, truce_scenario::Scenario) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let log = NoteSigner::generate(truce_scenario::ORIGIN, &mut rng).unwrap();
    let ledger = Ledger::open(Arc::clone(store), log.clone()).unwrap();
    let scenario = truce_scenario::build(&log.verifier(), &mut rng, &mut |record, opening| {
        ledger
            .submit(record, opening)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
    .unwrap();
    (log, scenario)
}

/// Starts the real server over `store` with its own ledger.
pub fn spawn_on(
    dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    log: NoteSigner,
    scenario: truce_scenario::Scenario,
) -> App {
    spawn_with(dir, store, log, scenario, Options::default())
}

/// How a test server differs from the plain one.
#[derive(Default)]
pub struct Options {
    /// Serve HTTPS with these files (the App's base is then https://localhost:…).
    pub tls: Option<truce_server::TlsFiles>,
    /// Write the audit log here.
    pub audit_log: Option<std::path::PathBuf>,
    /// Reads one caller may have in flight (16 when not given).
    pub reads_in_flight: Option<u32>,
    /// Hold the query index's background build at this gate until it opens.
    pub index_gate: Option<truce_server::follower::Gate>,
    /// Records a request indexes itself before leaving the rest to the
    /// background build (`follower::INLINE_RECORDS` when not given).
    pub inline_records: Option<u64>,
    /// Serve as `truce serve` does while it opens the ledger, until this
    /// gate opens: the ledger is handed to the server only then.
    pub ledger_gate: Option<truce_server::follower::Gate>,
    /// The query index's snapshot, written every so many records, each
    /// write held at the gate until it opens.
    pub index_snapshot: Option<(
        truce_server::snapshot::SnapshotFile,
        u64,
        truce_server::follower::Gate,
    )>,
}

/// The scenario on SQLite, served with `options`.
pub fn spawn_app_with(options: Options) -> App {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("truce.db")).unwrap());
    let (log, scenario) = build_scenario(&store);
    spawn_with(dir, store, log, scenario, options)
}

/// Starts the real server over `store` with its own ledger, as `options` say.
pub fn spawn_with(
    dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    log: NoteSigner,
    scenario: truce_scenario::Scenario,
    options: Options,
) -> App {
    let ledger = Arc::new(Ledger::open(Arc::clone(&store), log.clone()).unwrap());
    // The scenario's evidence blobs, as its records describe them.
    let blobs = truce_store::blobs::BlobDir::open(dir.path().join("blobs")).unwrap();
    for (_media_type, bytes) in &scenario.blobs {
        blobs.put(&mut bytes.as_slice(), None, u64::MAX).unwrap();
    }
    let limits = Limits {
        body_bytes: 256 * 1024,
        request_timeout_secs: 30,
        rate_per_minute: 100_000,
        reads_in_flight: options.reads_in_flight.unwrap_or(16),
    };
    let clock = Arc::new(FixedClock(
        Timestamp::parse(truce_scenario::VIEW_AT).unwrap(),
    ));
    let mut follower = truce_server::follower::IndexFollower::new(Arc::clone(&store));
    if let Some(gate) = options.index_gate.clone() {
        follower = follower.with_gate(gate);
    }
    if let Some(records) = options.inline_records {
        follower = follower.with_inline_records(records);
    }
    if let Some((file, every, gate)) = options.index_snapshot.clone() {
        follower = follower
            .with_snapshot(file)
            .with_snapshot_every(every)
            .with_snapshot_gate(gate);
    }
    let mut state = match options.ledger_gate.clone() {
        None => AppState::new(ledger, store, blobs, clock, limits),
        Some(gate) => {
            let opening = Arc::new(truce_server::opening::OpeningLedger::opening());
            // As the replay reports before it admits its first record.
            opening.report(0, store.size().unwrap());
            let charter = ledger.with_state(|s| s.charter().cloned());
            let slot = Arc::clone(&opening);
            std::thread::spawn(move || {
                gate.wait();
                slot.opened(Ok(ledger));
            });
            AppState::opening(opening, charter, store, blobs, clock, limits)
        }
    }
    .with_index(follower);
    if let Some(path) = &options.audit_log {
        state = state.with_audit(truce_server::audit::AuditLog::open(path).unwrap());
    }
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let tls = options.tls.clone();
    let scheme = if tls.is_some() {
        "https://localhost"
    } else {
        "http://127.0.0.1"
    };
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let stop = async {
                let _ = stop_rx.await;
            };
            match &tls {
                None => truce_server::serve(state, listener, stop).await.unwrap(),
                Some(files) => {
                    truce_server::serve_tls(state, listener.into_std().unwrap(), files, stop)
                        .await
                        .unwrap()
                }
            }
        });
    });
    let addr = addr_rx.recv().unwrap();
    App {
        base: format!("{scheme}:{}", addr.port()),
        http: Client::new(),
        log_key: log.verifier(),
        scenario,
        _dir: dir,
        server: Some(server),
        stop: Some(stop_tx),
        database: None,
    }
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        self.http.get(self.url(path)).send().unwrap()
    }

    /// The size of the checkpoint the server serves (its second line).
    pub fn checkpoint_size(&self) -> u64 {
        let note = self.get("/checkpoint").text().unwrap();
        note.lines().nth(1).unwrap().parse().unwrap()
    }

    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path);
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().unwrap()
    }

    /// How many incident reports the log holds, counted from the records themselves.
    pub fn scenario_reports(&self) -> u64 {
        let mut count = 0;
        let mut start = 0;
        loop {
            let page = self.get_json(&format!("/api/v1/records?start={start}&limit=1000"));
            count += page["records"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["record"]["envelope"]["kind"] == "incident.report")
                .count() as u64;
            match page["next"].as_u64() {
                Some(next) => start = next,
                None => return count,
            }
        }
    }

    /// The whole sign-in: ask for a challenge, sign its message with the
    /// member's key, exchange it for a token. Returns the token response.
    pub fn sign_in(&self, member: &str) -> reqwest::blocking::Response {
        self.sign_in_as(member, self.member(member).signer.signing_key())
    }

    /// The whole sign-in for `member`, signing the challenge with `key`
    /// (another key than the scenario's: a rotated one, or a forger's).
    pub fn sign_in_as(
        &self,
        member: &str,
        key: &ed25519_dalek::SigningKey,
    ) -> reqwest::blocking::Response {
        use base64::Engine;
        use ed25519_dalek::Signer;
        let c: serde_json::Value = self
            .http
            .post(self.url("/api/v1/auth/challenge"))
            .json(&serde_json::json!({"member": member}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let sig = key.sign(c["message"].as_str().unwrap().as_bytes());
        self.http
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({
                "member": member,
                "challenge": c["challenge"],
                "signature": base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()),
            }))
            .send()
            .unwrap()
    }

    /// A bearer token for `member`.
    pub fn token(&self, member: &str) -> String {
        let t: serde_json::Value = self.sign_in(member).json().unwrap();
        t["token"].as_str().unwrap().to_string()
    }

    pub fn member(&self, id: &str) -> &truce_scenario::DemoMember {
        self.scenario
            .members
            .iter()
            .find(|m| m.member == id)
            .unwrap()
    }

    /// Signs `body` as `member` with its next sequence number, as the server reports it.
    pub fn sign(&self, member: &str, kind: truce_core::Kind, body: serde_json::Value) -> Record {
        let next_seq = self.get_json(&format!("/api/v1/members/{member}"))["next_seq"]
            .as_u64()
            .unwrap();
        self.sign_as_number(member, next_seq, kind, body)
    }

    /// As [`App::sign`], as the author's record number `seq` (not asked of
    /// the server).
    pub fn sign_as_number(
        &self,
        member: &str,
        seq: u64,
        kind: truce_core::Kind,
        body: serde_json::Value,
    ) -> Record {
        let m = self.member(member);
        RecordDraft {
            log: Label::parse(self.scenario.origin.as_str()).unwrap(),
            author: MemberId::parse(member).unwrap(),
            seq,
            time: Timestamp::parse(truce_scenario::VIEW_AT).unwrap(),
            body: truce_core::Body::parse(kind, &body).unwrap(),
            confidential: None,
            extra_refs: vec![],
        }
        .sign(&[&m.signer])
        .unwrap()
    }

    pub fn post_record(&self, record: &Record) -> reqwest::blocking::Response {
        self.http
            .post(self.url("/api/v1/records"))
            .header("content-type", "application/json")
            .body(record.leaf().to_vec())
            .send()
            .unwrap()
    }
}

pub fn a_report(accused: &str) -> serde_json::Value {
    serde_json::json!({
        "title": "Mortar fire near a border post",
        "incident_type": "shelling",
        "time": {"at": "2025-11-09T04:00:00Z", "precision": "hour"},
        "places": [{"point": {"lat_e6": 33950000, "lon_e6": 70100000}, "precision": "locality"}],
        "accused": accused,
        "narrative": "Rounds landed near the post before dawn (test record)."
    })
}
