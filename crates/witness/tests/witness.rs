//! The witness over real HTTP on loopback, with its real SQLite state:
//! every answer the spec names, racing requests, durability across a
//! restart, and the evidence a dishonest log leaves behind.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use truce_tlog::witness::AddCheckpoint;
use truce_tlog::*;
use truce_witness::{Witness, WitnessState};

#[path = "witness/collector.rs"]
mod collector;
#[path = "witness/monitor.rs"]
mod monitor;
#[path = "witness/split_view.rs"]
mod split_view;

const ORIGIN: &str = "truce.example/log";

/// A log the test controls: its key and its leaves, so it can sign honest
/// checkpoints and, with the same key, another history.
struct Log {
    key: NoteSigner,
    leaves: Vec<Hash>,
}

impl Log {
    fn new(history: &str, size: usize) -> Self {
        Log {
            key: NoteSigner::from_seed(ORIGIN, [5; 32]).unwrap(),
            leaves: (0..size)
                .map(|i| leaf_hash(format!("{history}{i}").as_bytes()))
                .collect(),
        }
    }

    fn store(&self, size: u64) -> (HashMap<NodeId, Hash>, Hash) {
        let mut frontier = Frontier::new();
        let mut store = HashMap::new();
        for leaf in &self.leaves[..size as usize] {
            store.extend(frontier.append(*leaf));
        }
        (store, frontier.root())
    }

    fn request(&self, old: u64, size: u64) -> String {
        let (store, root) = self.store(size);
        let proof = if old == 0 || old == size {
            vec![]
        } else {
            consistency_proof(old, size, &store).unwrap()
        };
        let checkpoint = Checkpoint {
            origin: ORIGIN.into(),
            size,
            root,
            extensions: vec![],
        }
        .sign(&self.key)
        .unwrap();
        AddCheckpoint {
            old_size: old,
            proof,
            checkpoint,
        }
        .encode()
    }
}

struct Running {
    url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    cosigner: Cosigner,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(dir: &Path, log: &Log) -> Running {
    let cosigner =
        Cosigner::from_note_signer(&NoteSigner::from_seed("pakistan.witness", [9; 32]).unwrap());
    start_with(dir, log, cosigner)
}

fn start_with(dir: &Path, log: &Log, cosigner: Cosigner) -> Running {
    start_on(
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        dir,
        log,
        cosigner,
    )
}

/// Runs a witness on `listener`, in a thread with its own runtime.
fn start_on(listener: std::net::TcpListener, dir: &Path, log: &Log, cosigner: Cosigner) -> Running {
    let witness = Arc::new(Witness::new(
        cosigner.clone(),
        vec![log.key.verifier()],
        WitnessState::open(dir).unwrap(),
        Arc::new(|| 1_761_436_800),
    ));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            truce_witness::service::serve(listener, witness, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    Running {
        url: format!("http://{addr}"),
        stop: Some(stop),
        thread: Some(thread),
        cosigner,
    }
}

fn post(url: &str, body: &str) -> (u16, Option<String>, String) {
    let r = reqwest::blocking::Client::new()
        .post(format!("{url}/add-checkpoint"))
        .body(body.to_owned())
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, ct, r.text().unwrap())
}

fn get(url: &str) -> (u16, String) {
    let r = reqwest::blocking::get(url).unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

#[test]
fn every_answer_of_the_spec_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::new("a", 10);
    let w = start(dir.path(), &log);

    // First contact: old 0, empty proof → 200 and a cosignature that
    // verifies on the checkpoint.
    let body = log.request(0, 4);
    let (status, _, lines) = post(&w.url, &body);
    assert_eq!(status, 200, "{lines}");
    let cosigs = truce_tlog::witness::parse_cosignatures(&lines).unwrap();
    let text = parse_note(&AddCheckpoint::parse(body.as_bytes()).unwrap().checkpoint)
        .unwrap()
        .text;
    assert_eq!(
        w.cosigner.verifier().verify(&text, &cosigs[0]).unwrap(),
        1_761_436_800
    );

    // 409 with the witness's size, as text/x.tlog.size.
    let (status, ct, size) = post(&w.url, &log.request(0, 6));
    assert_eq!(
        (status, ct.as_deref(), size.as_str()),
        (409, Some("text/x.tlog.size"), "4\n")
    );
    // The client catches up from what the witness told it.
    assert_eq!(post(&w.url, &log.request(4, 6)).0, 200);

    // 400: old size above the checkpoint size; malformed bodies.
    assert_eq!(
        post(&w.url, &log.request(7, 7).replace("old 7", "old 8")).0,
        400
    );
    assert_eq!(post(&w.url, "old 6\n").0, 400);
    assert_eq!(post(&w.url, "").0, 400);
    // 404: an origin it does not follow; 403: not signed by the log's key.
    let stranger = NoteSigner::from_seed("elsewhere.example/log", [1; 32]).unwrap();
    let unknown = Checkpoint {
        origin: "elsewhere.example/log".into(),
        size: 1,
        root: leaf_hash(b"x"),
        extensions: vec![],
    }
    .sign(&stranger)
    .unwrap();
    assert_eq!(post(&w.url, &format!("old 0\n\n{unknown}")).0, 404);
    let impostor = NoteSigner::from_seed(ORIGIN, [2; 32]).unwrap();
    let (_, root) = log.store(8);
    let forged = Checkpoint {
        origin: ORIGIN.into(),
        size: 8,
        root,
        extensions: vec![],
    }
    .sign(&impostor)
    .unwrap();
    assert_eq!(post(&w.url, &format!("old 6\n\n{forged}")).0, 403);
    // 422: a proof that does not verify.
    let bad = log.request(6, 8);
    let mut lines: Vec<&str> = bad.split('\n').collect();
    lines[1] = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=";
    assert_eq!(post(&w.url, &lines.join("\n")).0, 422);
    // A body over the limit is refused before it is read.
    assert_eq!(post(&w.url, &"x".repeat(65 * 1024)).0, 413);

    // Monitors read the latest cosigned checkpoint: size 6, with both the
    // log's signature and the witness's cosignature.
    let (status, note) = get(&format!("{}/checkpoints/{ORIGIN}", w.url));
    assert_eq!(status, 200);
    let cp = Checkpoint::open(&note, &log.key.verifier()).unwrap();
    assert_eq!(cp.size, 6);
    let parsed = parse_note(&note).unwrap();
    assert!(
        w.cosigner
            .verifier()
            .verify(&parsed.text, &parsed.signatures[1])
            .is_ok()
    );
    assert_eq!(
        get(&format!("{}/checkpoints/nobody.example/log", w.url)).0,
        404
    );
    let (_, list) = get(&format!("{}/checkpoints", w.url));
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list[0]["size"], 6);
    let (_, about) = get(&w.url);
    let about: serde_json::Value = serde_json::from_str(&about).unwrap();
    assert_eq!(about["key"], w.cosigner.verifier().vkey());
    // An honest log that merely sent a bad proof left no evidence of a fork…
    // but a failed proof from the cosigned state is kept for a human to judge.
    let (_, ev) = get(&format!("{}/evidence", w.url));
    let ev: serde_json::Value = serde_json::from_str(&ev).unwrap();
    assert_eq!(ev.as_array().unwrap().len(), 1);
    assert_eq!(ev[0]["kind"], "inconsistent");
}

#[test]
fn a_split_view_is_refused_and_its_proof_kept_and_the_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let honest = Log::new("a", 8);
    let fork = Log::new("b", 8);
    {
        let w = start(dir.path(), &honest);
        assert_eq!(post(&w.url, &honest.request(0, 5)).0, 200);
        // The operator shows this witness another history, signed with the
        // genuine key: same size → 409, larger → 422. Neither is cosigned.
        assert_eq!(post(&w.url, &fork.request(5, 5)).0, 409);
        assert_eq!(post(&w.url, &fork.request(5, 8)).0, 422);
        // A rollback: the witness's own size as old, a smaller tree.
        let rollback = honest.request(4, 4).replacen("old 4", "old 5", 1);
        assert_eq!(post(&w.url, &rollback).0, 400);
    }
    // Restarted on the same directory: it still holds size 5 and the proof.
    let w = start(dir.path(), &honest);
    let (_, size) = {
        let (s, _, b) = post(&w.url, &honest.request(0, 8));
        (s, b)
    };
    assert_eq!(size, "5\n");
    let (_, ev) = get(&format!("{}/evidence", w.url));
    let ev: serde_json::Value = serde_json::from_str(&ev).unwrap();
    let kinds: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["fork", "inconsistent", "rollback"]);
    // Each piece of evidence holds both signed checkpoints: the cosigned one
    // and the one presented, each opening with the genuine log key.
    for e in ev.as_array().unwrap() {
        let cosigned =
            Checkpoint::open(e["cosigned"].as_str().unwrap(), &honest.key.verifier()).unwrap();
        assert_eq!(cosigned.size, 5);
        let request = AddCheckpoint::parse(e["request"].as_str().unwrap().as_bytes()).unwrap();
        let presented = Checkpoint::open(&request.checkpoint, &honest.key.verifier()).unwrap();
        assert_ne!(
            (presented.size, presented.root),
            (cosigned.size, cosigned.root)
        );
    }
    // And the honest history goes on.
    assert_eq!(post(&w.url, &honest.request(5, 8)).0, 200);
}

#[test]
fn racing_requests_cannot_roll_the_witness_back() {
    let dir = tempfile::tempdir().unwrap();
    let log = Log::new("a", 40);
    let w = start(dir.path(), &log);
    assert_eq!(post(&w.url, &log.request(0, 4)).0, 200);
    let mut held = 4u64;
    for round in 0..3 {
        // Sixteen clients extend from the same size to sixteen different
        // sizes at once: exactly one may win; every other gets 409 with the
        // winner's size; the stored size is the winner's, never a loser's.
        let sizes: Vec<u64> = (1..=16).map(|i| held + i + round).collect();
        let bodies: Vec<String> = sizes
            .iter()
            .map(|&s| log.request(held, s.min(40)))
            .collect();
        let barrier = Arc::new(std::sync::Barrier::new(bodies.len()));
        let answers: Vec<(u16, String)> = std::thread::scope(|scope| {
            let handles: Vec<_> = bodies
                .iter()
                .map(|b| {
                    let barrier = Arc::clone(&barrier);
                    let url = w.url.clone();
                    scope.spawn(move || {
                        barrier.wait();
                        let (s, _, body) = post(&url, b);
                        (s, body)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let winners: Vec<usize> = (0..answers.len())
            .filter(|&i| answers[i].0 == 200)
            .collect();
        assert_eq!(winners.len(), 1, "{answers:?}");
        let won = sizes[winners[0]].min(40);
        for (i, (status, body)) in answers.iter().enumerate() {
            if i != winners[0] && sizes[i].min(40) != won {
                assert_eq!((*status, body.as_str()), (409, format!("{won}\n").as_str()));
            }
        }
        let (_, note) = get(&format!("{}/checkpoints/{ORIGIN}", w.url));
        assert_eq!(
            Checkpoint::open(&note, &log.key.verifier()).unwrap().size,
            won
        );
        held = won;
    }
}
