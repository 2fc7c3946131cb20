//! A dishonest operator's tools, for the tests of those who watch it (the
//! mirror's and the monitor's): real servers on copies of one log under one
//! key, and a front that withholds or rewrites the entries a log serves.

use crate::support::*;
use std::io::BufRead;
use std::path::Path;

pub struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `truce <args> --listen 127.0.0.1:0`; returns it and the URL it
/// serves on (the last one in the first line that names one).
pub fn start(args: &[&str]) -> (Running, String) {
    start_with(args, &[])
}

/// `start` with these environment variables set (a server's limits, say).
pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> (Running, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .env("TRUCE_LOG_LEVEL", "warn")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let running = Running(child);
    let url = loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "stopped before serving"
        );
        if let Some(url) = line.split_whitespace().rfind(|w| w.starts_with("http://")) {
            break url.to_owned();
        }
    };
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (running, url)
}

/// A mechanism from the example charter with `records` incidents, and a
/// policy that asks no witness (the example's witnesses do not run here).
pub fn example_with(records: usize) -> (Example, std::path::PathBuf) {
    let ex = example_mechanism();
    for _ in 0..records {
        let out = submit(&ex, "a-liaison", &incident_template("party-b"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let policy = ex.keys.with_file_name("no-quorum.policy");
    std::fs::write(&policy, "quorum none\n").unwrap();
    (ex, policy)
}

/// A second directory holding the same log and the same log key: what a
/// dishonest operator needs to sign another history.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// An incident report that differs from every other one this test files.
pub fn another_incident(title: &str) -> serde_json::Value {
    let mut template = incident_template("party-b");
    template["body"]["title"] = serde_json::Value::from(title);
    template
}

/// `truce mirror … --once`: the exit code and the status it prints.
pub fn mirror_once(from: &str, dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = truce(
        &[
            &["mirror", "--from", from, "--dir", p(dir), "--once"],
            extra,
        ]
        .concat(),
    );
    let status = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), status)
}

/// The alarms a mirror in `dir` has raised, in order.
pub fn alarms(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("alarms.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `truce monitor --log URL --once …` of the log whose key is `log_key`:
/// the exit code and the events.
pub fn monitor_once(
    log: &str,
    log_key: &str,
    policy: &Path,
    extra: &[&str],
) -> (i32, Vec<serde_json::Value>) {
    let args = [
        &[
            "monitor",
            "--log",
            log,
            "--log-key",
            log_key,
            "--policy",
            p(policy),
            "--once",
        ],
        extra,
    ]
    .concat();
    let out = truce(&args);
    let events = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{e}: {l}\n{}", String::from_utf8_lossy(&out.stderr)))
        })
        .collect();
    (out.status.code().unwrap_or(-1), events)
}

/// A second directory holding `a`'s log and its log key, with its own
/// temporary directory: what the operator signs another history in.
pub fn another_history(a: &Example) -> Example {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    copy_dir(&a.dir, &dir);
    Example {
        _tmp: tmp,
        dir,
        keys: a.keys.clone(),
    }
}

/// A witness key made by `truce keygen --witness` in `dir`, named `name`:
/// its file and its verifier key.
pub fn witness_key(dir: &Path, name: &str) -> (std::path::PathBuf, String) {
    let key = dir.join(format!("{name}.key"));
    let vkey = ok(&["keygen", "--witness", "--out", p(&key), "--name", name]);
    (key, vkey.trim().to_owned())
}

/// The signed checkpoints an alarm or an alert keeps as its evidence
/// (`evidence["checkpoints"]`), each opened under the log key: they must be
/// the log's own.
pub fn signed_checkpoints(
    evidence: &serde_json::Value,
    log_key: &truce_tlog::note::NoteVerifier,
) -> Vec<truce_tlog::Checkpoint> {
    evidence["checkpoints"]
        .as_array()
        .unwrap_or_else(|| panic!("no checkpoints kept: {evidence}"))
        .iter()
        .map(|n| truce_tlog::Checkpoint::open(n.as_str().unwrap(), log_key).unwrap())
        .collect()
}

/// A front to a real log server that passes everything on but what it is
/// told to tamper with in the entry bundles (`/tile/entries/…`): withheld
/// (404) — the operator who shows a party a signed checkpoint but keeps the
/// records it commits to — or rewritten — one who serves records other
/// than those it signed. One request per connection (`Connection: close`),
/// GET only: all a mirror or a monitor asks.
pub struct LogFront {
    pub url: String,
    tampering: std::sync::Arc<std::sync::Mutex<Tampering>>,
}

#[derive(Default)]
struct Tampering {
    withhold: bool,
    /// Every occurrence of the first byte string replaced by the second.
    rewrite: Option<(Vec<u8>, Vec<u8>)>,
}

impl LogFront {
    pub fn start(upstream: &str) -> LogFront {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let tampering = std::sync::Arc::new(std::sync::Mutex::new(Tampering::default()));
        let (told, upstream) = (tampering.clone(), upstream.to_owned());
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::new();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let entries = path.starts_with("/tile/entries/");
                let (withhold, rewrite) = {
                    let t = told.lock().unwrap();
                    (t.withhold, t.rewrite.clone())
                };
                let (status, content_type, body) = if withhold && entries {
                    (404, String::from("text/plain"), b"withheld".to_vec())
                } else {
                    let answer = client.get(format!("{upstream}{path}")).send().unwrap();
                    let content_type = answer
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("application/octet-stream")
                        .to_owned();
                    let status = answer.status().as_u16();
                    let mut body = answer.bytes().unwrap().to_vec();
                    if let (true, Some((from, to))) = (entries, &rewrite) {
                        body = replace(&body, from, to);
                    }
                    (status, content_type, body)
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        LogFront { url, tampering }
    }

    /// Withholds the entry bundles, or serves them again.
    pub fn withhold(&self, withhold: bool) {
        self.tampering.lock().unwrap().withhold = withhold;
    }

    /// Serves entry bundles with `from` replaced by `to` (of the same
    /// length, so the bundle's framing holds).
    pub fn rewrite(&self, from: &[u8], to: &[u8]) {
        assert_eq!(from.len(), to.len(), "a rewrite keeps the entry's length");
        self.tampering.lock().unwrap().rewrite = Some((from.to_vec(), to.to_vec()));
    }
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// The operator, holding the log key, appends `leaf` to the SQLite log in
/// `dir` past the ledger's admission and signs a checkpoint over it: a
/// signed tree that holds an entry the rules refuse. (At an even index, so
/// that no tree node above the leaves completes and none need be stored.)
pub fn sign_an_entry_past_the_rules(dir: &Path, leaf: Vec<u8>) {
    use truce_store::{AppendBatch, NewRecord, Store, StoredCheckpoint};
    use truce_tlog::note::NoteSigner;
    use truce_tlog::{Checkpoint, Frontier, leaf_hash};
    let store = truce_store_sqlite::SqliteStore::open(dir.join("truce.db")).unwrap();
    let size = store.size().unwrap();
    assert_eq!(size % 2, 0, "an even index: no inner node completes");
    let mut tree = Frontier::default();
    for record in store.records(0, size).unwrap() {
        tree.append(record.hash);
    }
    let hash = leaf_hash(&leaf);
    tree.append(hash);
    let key = std::fs::read_to_string(dir.join("log.key")).unwrap();
    let signer = NoteSigner::from_skey(key.trim()).unwrap();
    let note = Checkpoint {
        origin: signer.name().to_owned(),
        size: size + 1,
        root: tree.root(),
        extensions: Vec::new(),
    }
    .sign(&signer)
    .unwrap();
    store
        .append(&AppendBatch {
            records: vec![NewRecord {
                index: size,
                hash,
                leaf,
                opening: None,
            }],
            nodes: Vec::new(),
            checkpoint: Some(StoredCheckpoint {
                size: size + 1,
                note,
            }),
        })
        .unwrap();
}
