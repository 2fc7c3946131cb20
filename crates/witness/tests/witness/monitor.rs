//! The monitor against real witnesses and a log server on loopback that the
//! test controls: an honest round raises nothing; a log that then shows a
//! fork, or rolls back, is caught, both against what the monitor saw before
//! and against what the witnesses cosigned.

use super::*;
use std::sync::Mutex;
use truce_tlog::WitnessPolicy;
use truce_witness::monitor::{AlertKind, Event, Monitor, Seen};

/// What the test's log server shows: a history and the note it serves.
struct Shown {
    log: Log,
    note: String,
}

/// A log server answering `/checkpoint` and the consistency proofs of the
/// history the test sets.
fn serve_log(shown: Arc<Mutex<Shown>>) -> (String, std::thread::JoinHandle<()>) {
    use axum::extract::{Query, State};
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/checkpoint",
            get(|State(s): State<Arc<Mutex<Shown>>>| async move { s.lock().unwrap().note.clone() }),
        )
        .route(
            "/api/v1/proof/consistency",
            get(
                |State(s): State<Arc<Mutex<Shown>>>,
                 Query(q): Query<std::collections::HashMap<String, u64>>| async move {
                    let shown = s.lock().unwrap();
                    let (from, to) = (q["from"], q["to"]);
                    let (store, _) = shown.log.store(to);
                    let proof = consistency_proof(from, to, &store).unwrap();
                    axum::Json(serde_json::json!({"size1": from, "size2": to, "proof": proof}))
                },
            ),
        )
        .with_state(shown);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let _ = axum::serve(listener, app).await;
        });
    });
    (url, thread)
}

/// The note of `log` at `size` with the cosignatures `witnesses` give it
/// (each submitted from `old`).
fn cosigned_by(log: &Log, old: u64, size: u64, witnesses: &[&Running]) -> String {
    let body = log.request(old, size);
    let mut note = parse_note(&AddCheckpoint::parse(body.as_bytes()).unwrap().checkpoint).unwrap();
    for w in witnesses {
        let (status, _, answer) = post(&w.url, &body);
        assert_eq!(status, 200, "{answer}");
        note.signatures
            .extend(truce_tlog::witness::parse_cosignatures(&answer).unwrap());
    }
    note.encode()
}

fn alerts(events: &[Event]) -> Vec<AlertKind> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Alert { kind, .. } => Some(*kind),
            _ => None,
        })
        .collect()
}

#[test]
fn the_monitor_catches_a_fork_and_a_rollback() {
    let tmp = tempfile::tempdir().unwrap();
    let honest = Log::new("a", 9);
    let keys: Vec<Cosigner> = (0u8..2)
        .map(|i| {
            Cosigner::from_note_signer(
                &NoteSigner::from_seed(&format!("w{i}.example"), [60 + i; 32]).unwrap(),
            )
        })
        .collect();
    let w0 = start_with(&tmp.path().join("w0"), &honest, keys[0].clone());
    let w1 = start_with(&tmp.path().join("w1"), &honest, keys[1].clone());
    let policy = WitnessPolicy::parse(&format!(
        "witness w0 {}\nwitness w1 {}\ngroup both all w0 w1\nquorum both\n",
        keys[0].verifier().vkey(),
        keys[1].verifier().vkey()
    ))
    .unwrap();

    let note = cosigned_by(&honest, 0, 9, &[&w0, &w1]);
    let shown = Arc::new(Mutex::new(Shown {
        log: Log::new("a", 9),
        note,
    }));
    let (url, _server) = serve_log(Arc::clone(&shown));
    let monitor = Monitor::new(
        &url,
        vec![w0.url.clone(), w1.url.clone()],
        honest.key.verifier(),
        policy,
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // An honest round: the checkpoint meets the quorum and both witnesses agree.
    let (events, seen) = rt.block_on(monitor.round(&Seen::default()));
    assert!(alerts(&events).is_empty(), "{events:?}");
    assert!(
        matches!(
            &events[0],
            Event::Checkpoint {
                size: 9,
                quorum_met: true,
                ..
            }
        ),
        "{events:?}"
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::WitnessAgrees { .. }))
            .count(),
        2
    );

    // The log now shows another history of the same size, signed with the
    // genuine key but cosigned by nobody: a split view both against what the
    // monitor saw and against each witness, and the quorum is missing.
    let mut fork = Log::new("a", 5);
    fork.leaves
        .extend((0..4).map(|i| leaf_hash(format!("fork{i}").as_bytes())));
    let fork_note = parse_note(
        &AddCheckpoint::parse(fork.request(0, 9).as_bytes())
            .unwrap()
            .checkpoint,
    )
    .unwrap()
    .encode();
    *shown.lock().unwrap() = Shown {
        log: Log {
            key: fork.key.clone(),
            leaves: fork.leaves.clone(),
        },
        note: fork_note,
    };
    let (events, _) = rt.block_on(monitor.round(&seen));
    let found = alerts(&events);
    assert_eq!(
        found.iter().filter(|k| **k == AlertKind::SplitView).count(),
        3,
        "{events:?}"
    );
    assert!(found.contains(&AlertKind::QuorumMissing), "{events:?}");
    // Each alert carries the signed checkpoints that prove it.
    let json = serde_json::to_string(&events).unwrap();
    assert!(json.contains("\"kind\":\"split_view\""), "{json}");

    // A rollback: the log shows a smaller tree than before and than the
    // witnesses cosigned.
    let shorter = parse_note(
        &AddCheckpoint::parse(honest.request(0, 6).as_bytes())
            .unwrap()
            .checkpoint,
    )
    .unwrap()
    .encode();
    *shown.lock().unwrap() = Shown {
        log: Log::new("a", 9),
        note: shorter,
    };
    let (events, _) = rt.block_on(monitor.round(&seen));
    let found = alerts(&events);
    assert_eq!(
        found.iter().filter(|k| **k == AlertKind::Rollback).count(),
        3,
        "{events:?}"
    );
}
