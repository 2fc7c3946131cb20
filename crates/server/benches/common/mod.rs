//! What the server's benchmarks share: a mechanism of two parties and two
//! mediators with 64 reporters, its ~1 KiB incident reports, a lean HTTP/1.1
//! client, and the figures' arithmetic. Each bench uses a part of it.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rand::SeedableRng;
use serde_json::json;
use std::sync::Arc;
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId, Timestamp};
use truce_core::{Body, Kind, Record};
use truce_ledger::Ledger;
use truce_server::clock::FixedClock;
use truce_server::state::{AppState, Limits};
use truce_store::Store;
use truce_tlog::note::NoteSigner;

// The allocator `truce` ships with, so the numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub const ORIGIN: &str = "truce.example/load";
pub const CLIENTS: usize = 64;

pub struct Mechanism {
    pub log: NoteSigner,
    pub charter: Record,
    pub reporters: Vec<(NoteSigner, &'static str)>,
    /// The two parties' heads, who write to each other on the channel.
    pub heads: [NoteSigner; 2],
}

/// The log's key, the same in every run.
pub fn log_key() -> NoteSigner {
    NoteSigner::generate(ORIGIN, &mut rand::rngs::StdRng::seed_from_u64(64)).unwrap()
}

/// The mechanism, its charter naming `witness_policy` (c2sp.org/tlog-policy).
pub fn mechanism(witness_policy: &str) -> Mechanism {
    let log = log_key();
    let mut rng = rand::rngs::StdRng::seed_from_u64(65);
    let key = |rng: &mut rand::rngs::StdRng, id: &str| NoteSigner::generate(id, rng).unwrap();
    let spec = |s: &NoteSigner, caps: serde_json::Value| json!({"id": s.name(), "name": s.name(), "key": s.verifier().vkey(), "capabilities": caps});
    let heads: Vec<NoteSigner> = ["north-head", "south-head", "east-head", "west-head"]
        .iter()
        .map(|i| key(&mut rng, i))
        .collect();
    let mut reporters = Vec::new();
    let mut north = vec![spec(&heads[0], json!(["sign"]))];
    let mut south = vec![spec(&heads[1], json!(["sign"]))];
    for i in 0..CLIENTS / 2 {
        let n = key(&mut rng, &format!("north-r{i}"));
        let s = key(&mut rng, &format!("south-r{i}"));
        north.push(spec(&n, json!(["report"])));
        south.push(spec(&s, json!(["report"])));
        reporters.push((n, "south"));
        reporters.push((s, "north"));
    }
    let body = json!({
        "title": "Load mechanism", "origin": ORIGIN, "log_key": log.verifier().vkey(),
        "effective": "2026-01-01T00:00:00Z",
        "participants": [
            {"id": "north", "name": "North", "role": "party", "members": north},
            {"id": "south", "name": "South", "role": "party", "members": south},
            {"id": "east", "name": "East", "role": "mediator", "members": [spec(&heads[2], json!(["find", "sign"]))]},
            {"id": "west", "name": "West", "role": "mediator", "members": [spec(&heads[3], json!(["find", "sign"]))]}
        ],
        "deadlines": {"incident_response_hours": 72, "channel_ack_hours": 24},
        "finding_threshold": "all", "witness_policy": witness_policy,
        "consequences": [{"level": 1, "name": "Formal notice", "description": "Written notice."}]
    });
    let charter = RecordDraft {
        log: Label::parse(ORIGIN).unwrap(),
        author: MemberId::parse("north-head").unwrap(),
        seq: 1,
        time: Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
        body: Body::parse(Kind::Charter, &body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&heads.iter().collect::<Vec<_>>())
    .unwrap();
    Mechanism {
        log,
        charter,
        reporters,
        heads: [heads[0].clone(), heads[1].clone()],
    }
}

/// A signed ~1 KiB report; places and days spread over the border region.
pub fn report(signer: &NoteSigner, accused: &str, seq: u64) -> Record {
    let day = seq % 300;
    let kind = [
        "armed_clash",
        "shelling",
        "drone_strike",
        "crossing_closure",
    ][(seq % 4) as usize];
    let body = json!({
        "title": format!("Exchange of fire near post {}", seq % 977),
        "incident_type": kind,
        "time": {"at": Timestamp::from_unix(1_767_225_600 + (day as i64) * 86_400).unwrap(), "precision": "hour"},
        "places": [{"point": {"lat_e6": 29_000_000 + ((seq * 7919) % 8_000_000) as i64, "lon_e6": 64_000_000 + ((seq * 104_729) % 9_000_000) as i64}, "precision": "locality"}],
        "accused": accused,
        "narrative": format!("Report {seq} by {}: small-arms fire from the ridge for twenty minutes; patrols logged the time and bearing of each burst. {}", signer.name(), "Details follow. ".repeat(40)),
    });
    RecordDraft {
        log: Label::parse(ORIGIN).unwrap(),
        author: MemberId::parse(signer.name()).unwrap(),
        seq,
        time: Timestamp::parse("2026-11-01T00:00:00Z").unwrap(),
        body: Body::parse(Kind::IncidentReport, &body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&[signer])
    .unwrap()
}

/// One client's HTTP/1.1 connection, on hyper's connection API rather than
/// reqwest: the load generator shares the server's two cores, so it should
/// take as little of them as it can. (reqwest's pool and per-request URL
/// parsing took about a quarter of the runtime's CPU in a profile; this
/// client's requests are built from parts and its connections kept alive.)
pub struct Connection(hyper::client::conn::http1::SendRequest<Full<Bytes>>);

impl Connection {
    pub async fn open(addr: std::net::SocketAddr) -> Connection {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        Connection(sender)
    }

    /// Sends one request and reads the whole answer: its status and body.
    pub async fn send(&mut self, method: Method, path: &str, body: Bytes) -> (StatusCode, Bytes) {
        self.0.ready().await.unwrap();
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, "127.0.0.1")
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .unwrap();
        let response = self.0.send_request(request).await.unwrap();
        let status = response.status();
        (
            status,
            response.into_body().collect().await.unwrap().to_bytes(),
        )
    }

    pub async fn get(&mut self, path: &str) -> (StatusCode, Bytes) {
        self.send(Method::GET, path, Bytes::new()).await
    }
}

/// Appends `incidents` reports through the ledger (faster than over HTTP),
/// spread over the 64 reporters: seqs 1 to `incidents / 64` (rounded up)
/// of each are taken.
pub fn preload(ledger: &Arc<Ledger>, m: &Mechanism, incidents: usize) {
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

/// The server's state over `ledger` and `store` as the benches run it: the
/// clock fixed, and limits that let every bench client in (they share one
/// address, which the per-caller limits would otherwise throttle).
pub fn bench_state(
    ledger: Arc<Ledger>,
    store: Arc<dyn Store>,
    blobs: &std::path::Path,
) -> AppState {
    AppState::new(
        ledger,
        store,
        truce_store::blobs::BlobDir::open(blobs).unwrap(),
        Arc::new(FixedClock(
            Timestamp::parse("2026-11-02T00:00:00Z").unwrap(),
        )),
        Limits {
            body_bytes: 256 * 1024,
            request_timeout_secs: 30,
            rate_per_minute: u32::MAX,
            reads_in_flight: u32::MAX,
        },
    )
}

/// The runtime `truce serve` runs on: two workers, capped blocking threads.
pub fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(truce_server::BLOCKING_THREADS)
        .enable_all()
        .build()
        .unwrap()
}
