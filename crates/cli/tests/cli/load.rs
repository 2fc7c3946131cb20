//! What the crash and fault tests share: a demo mechanism with reporting
//! members of its own, the real `truce serve` as a child process that can be
//! SIGKILLed, clients that sign incident reports themselves and remember
//! every receipt, and an observer that checks the log against the receipts
//! and each checkpoint against the one before.

use crate::support::{ok, p};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId, Timestamp};
use truce_core::{Body, Kind, Record};
use truce_tlog::note::{NoteSigner, NoteVerifier};
use truce_tlog::{Checkpoint, Hash};

/// Every record the load signs claims this time: after everything in the
/// demo, and needing no clock (only the binary's edge reads one).
const TIME: &str = truce_scenario::VIEW_AT;

/// A `truce demo` mechanism, its log in `dir`'s SQLite file or in a
/// PostgreSQL database, plus reporting members added for the load (one per
/// client, so each keeps its own sequence).
pub struct Mechanism {
    pub dir: PathBuf,
    pub database: Option<String>,
    pub log_key: NoteVerifier,
    pub reporters: Vec<Reporter>,
    /// Where the servers' standard error goes (outside `dir`, which may be
    /// on a filesystem a test fills up).
    server_log: PathBuf,
}

#[derive(Clone)]
pub struct Reporter {
    pub signer: NoteSigner,
    pub accused: &'static str,
}

impl Mechanism {
    /// Builds the demo into `dir` (new, or empty) and adds `reporters`
    /// members with the report capability, alternately Pakistan's and
    /// Afghanistan's, each added by its party's head through `truce submit`.
    /// Their keys are written by `truce keygen` into `dir/keys`.
    pub fn demo(dir: &Path, database: Option<&str>, reporters: usize) -> Self {
        let parent = dir.parent().unwrap();
        let run = |command: &[&str]| ok_args(&args_for(dir, database, command));
        run(&["demo", "--no-serve"]);
        let mut m = Mechanism {
            dir: dir.to_path_buf(),
            database: database.map(str::to_string),
            log_key: NoteVerifier::from_vkey(run(&["log-key"]).trim()).unwrap(),
            reporters: Vec::new(),
            server_log: parent.join(format!(
                "{}-serve.log",
                dir.file_name().unwrap().to_str().unwrap()
            )),
        };
        for i in 0..reporters {
            let (party, accused) =
                [("pakistan", "afghanistan"), ("afghanistan", "pakistan")][i % 2];
            let id = format!("{party}.load-{i}");
            let key = dir.join("keys").join(format!("{id}.key"));
            let vkey = ok(&["keygen", "--out", p(&key), "--name", &id]);
            let add = json!({
                "kind": "member.add",
                "time": TIME,
                "body": {
                    "participant": party,
                    "member": {
                        "id": id,
                        "name": format!("Load reporter {i}"),
                        "key": vkey.trim(),
                        "capabilities": ["report"],
                    },
                },
            });
            let file = parent.join(format!("member-add-{i}.json"));
            std::fs::write(&file, add.to_string()).unwrap();
            let head = dir.join("keys").join(format!("{party}.head.key"));
            run(&["submit", "--key", p(&head), p(&file)]);
            let skey = std::fs::read_to_string(&key).unwrap();
            m.reporters.push(Reporter {
                signer: NoteSigner::from_skey(skey.trim()).unwrap(),
                accused,
            });
        }
        m
    }

    /// `truce <command> --dir DIR [--database URL]`.
    pub fn args(&self, command: &[&str]) -> Vec<String> {
        args_for(&self.dir, self.database.as_deref(), command)
    }

    /// `truce verify` on the log as it stands; panics with its report unless it passes.
    pub fn verify(&self) -> String {
        let report = ok_args(&self.args(&["verify"]));
        assert!(
            report.contains("every signature and admission rule holds"),
            "{report}"
        );
        report
    }

    /// The origin line of the log's checkpoints, which records name as their log.
    pub fn origin(&self) -> &str {
        self.log_key.name()
    }

    /// The last lines the servers wrote to standard error.
    pub fn server_log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.server_log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

fn args_for(dir: &Path, database: Option<&str>, command: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
    args.extend(["--dir".into(), p(dir).into()]);
    if let Some(url) = database {
        args.extend(["--database".into(), url.into()]);
    }
    args
}

fn ok_args(args: &[String]) -> String {
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// `truce serve` on a free port, as a child process.
pub struct Server {
    child: Child,
    address: Receiver<String>,
    base: Option<String>,
}

impl Server {
    /// Starts the server and returns at once, listening or not.
    pub fn spawn(m: &Mechanism) -> Server {
        let log = std::fs::File::options()
            .create(true)
            .append(true)
            .open(&m.server_log)
            .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
            .args(m.args(&["serve", "--listen", "127.0.0.1:0"]))
            .env("TRUCE_LOG_LEVEL", "warn")
            .env("TRUCE_RATE_LIMIT_PER_MINUTE", "100000000")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, address) = mpsc::channel();
        std::thread::spawn(move || {
            // "Truce is serving ORIGIN on http://ADDR"
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if let Some(base) = line.split(' ').find(|w| w.starts_with("http://")) {
                    let _ = tx.send(base.to_string());
                }
            }
        });
        Server {
            child,
            address,
            base: None,
        }
    }

    /// Starts the server and waits until it listens.
    pub fn start(m: &Mechanism) -> Server {
        let mut server = Server::spawn(m);
        match server.address.recv_timeout(Duration::from_secs(120)) {
            Ok(base) => server.base = Some(base),
            Err(e) => panic!(
                "the server did not start ({e}); its log:\n{}",
                m.server_log_tail()
            ),
        }
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> &str {
        self.base.as_deref().unwrap()
    }

    /// Whether it has said that it listens.
    pub fn listening(&mut self) -> bool {
        if self.base.is_none()
            && let Ok(base) = self.address.try_recv()
        {
            self.base = Some(base);
        }
        self.base.is_some()
    }

    /// Whether the process still runs (it was not restarted behind our back).
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What the log told a client it holds.
#[derive(Clone, Debug)]
pub struct Ack {
    pub index: u64,
    pub leaf_hash: Hash,
}

/// Concurrent clients, one per reporter, each posting signed incident
/// reports as fast as the server answers.
///
/// A client that gets no answer (the server died, say) does not know
/// whether its record landed, so it reads its member's next sequence number
/// again before signing the next one; so does one answered with an error.
/// Only a `201` with its receipt counts as acknowledged.
pub struct Load {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    base: RwLock<Option<String>>,
    stop: AtomicBool,
    acks: Mutex<Vec<Ack>>,
    /// Answers to posts other than 201, by status.
    statuses: Mutex<BTreeMap<u16, u64>>,
    /// Failed reads of a member's next sequence number, by status (0: no answer).
    failed_reads: Mutex<BTreeMap<u16, u64>>,
    /// Answers that are not a 503 problem+json (what a client cannot act on,
    /// or a refusal, which this load never earns), with their bodies.
    unclear: Mutex<Vec<String>>,
    /// Requests that got no answer at all.
    unanswered: AtomicU64,
}

/// What the load saw, once stopped.
pub struct LoadReport {
    pub acks: Vec<Ack>,
    pub statuses: BTreeMap<u16, u64>,
    pub failed_reads: BTreeMap<u16, u64>,
    pub unclear: Vec<String>,
    pub unanswered: u64,
}

impl Load {
    pub fn start(m: &Mechanism, base: &str) -> Load {
        let shared = Arc::new(Shared::default());
        *shared.base.write().unwrap() = Some(base.to_string());
        let threads = m
            .reporters
            .iter()
            .cloned()
            .map(|reporter| {
                let shared = Arc::clone(&shared);
                let origin = m.origin().to_string();
                std::thread::spawn(move || client(&shared, &origin, &reporter))
            })
            .collect();
        Load { shared, threads }
    }

    /// Where the clients post: `None` while no server runs.
    pub fn point_at(&self, base: Option<&str>) {
        *self.shared.base.write().unwrap() = base.map(str::to_string);
    }

    pub fn acks(&self) -> Vec<Ack> {
        self.shared.acks.lock().unwrap().clone()
    }

    /// How many posts and reads were answered with this status so far.
    pub fn answered(&self, status: u16) -> u64 {
        let count = |map: &Mutex<BTreeMap<u16, u64>>| {
            map.lock().unwrap().get(&status).copied().unwrap_or(0)
        };
        count(&self.shared.statuses) + count(&self.shared.failed_reads)
    }

    pub fn stop(mut self) -> LoadReport {
        self.shared.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            t.join().unwrap();
        }
        LoadReport {
            acks: self.acks(),
            statuses: self.shared.statuses.lock().unwrap().clone(),
            failed_reads: self.shared.failed_reads.lock().unwrap().clone(),
            unclear: self.shared.unclear.lock().unwrap().clone(),
            unanswered: self.shared.unanswered.load(Ordering::SeqCst),
        }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
    }
}

/// Waits until `done` holds, checking every 20 ms; panics with `what` after `limit`.
pub fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

fn client(shared: &Shared, origin: &str, reporter: &Reporter) {
    let http = http();
    let member = reporter.signer.name().to_string();
    let pause = || std::thread::sleep(Duration::from_millis(20));
    let mut next_seq: Option<u64> = None;
    while !shared.stop.load(Ordering::SeqCst) {
        let Some(base) = shared.base.read().unwrap().clone() else {
            pause();
            continue;
        };
        let seq = match next_seq {
            Some(seq) => seq,
            None => {
                let read = http.get(format!("{base}/api/v1/members/{member}")).send();
                let status = read.as_ref().map_or(0, |r| r.status().as_u16());
                let seq = read
                    .ok()
                    .filter(|r| r.status() == 200)
                    .and_then(|r| r.json::<serde_json::Value>().ok())
                    .and_then(|v| v["next_seq"].as_u64());
                match seq {
                    Some(seq) => seq,
                    None => {
                        *shared
                            .failed_reads
                            .lock()
                            .unwrap()
                            .entry(status)
                            .or_default() += 1;
                        pause();
                        continue;
                    }
                }
            }
        };
        let record = report(origin, reporter, seq);
        let answer = http
            .post(format!("{base}/api/v1/records"))
            .header("content-type", "application/json")
            .body(record.leaf().to_vec())
            .send();
        let response = match answer {
            Ok(r) => r,
            Err(_) => {
                // Landed or not, nobody said: ask again before signing.
                shared.unanswered.fetch_add(1, Ordering::SeqCst);
                next_seq = None;
                pause();
                continue;
            }
        };
        let status = response.status().as_u16();
        let problem_json = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v == "application/problem+json");
        let Ok(body) = response.text() else {
            shared.unanswered.fetch_add(1, Ordering::SeqCst);
            next_seq = None;
            continue;
        };
        if status == 201 {
            let receipt: serde_json::Value = serde_json::from_str(&body).unwrap();
            let ack = Ack {
                index: receipt["index"].as_u64().unwrap(),
                leaf_hash: serde_json::from_value(receipt["leaf_hash"].clone()).unwrap(),
            };
            assert_eq!(ack.leaf_hash, record.hash(), "a receipt for another record");
            shared.acks.lock().unwrap().push(ack);
            next_seq = Some(seq + 1);
            continue;
        }
        *shared.statuses.lock().unwrap().entry(status).or_default() += 1;
        if status != 503 || !problem_json {
            let mut unclear = shared.unclear.lock().unwrap();
            if unclear.len() < 20 {
                unclear.push(format!("{member} seq {seq}: {status} {body}"));
            }
        }
        next_seq = None;
        pause();
    }
}

/// A signed incident report of about 600 bytes.
fn report(origin: &str, reporter: &Reporter, seq: u64) -> Record {
    let author = reporter.signer.name();
    let body = json!({
        "title": format!("Shelling near a border post, report {seq}"),
        "incident_type": "shelling",
        "time": {"at": "2025-11-09T04:00:00Z", "precision": "hour"},
        "places": [{
            "point": {"lat_e6": 33_900_000 + (seq % 997) as i64 * 100, "lon_e6": 70_100_000},
            "precision": "locality"
        }],
        "accused": reporter.accused,
        "narrative": format!(
            "Report {seq} by {author}: mortar rounds landed near the post before dawn; \
             the patrol logged the time and bearing of each impact (load test record)."
        ),
    });
    sign(origin, &reporter.signer, seq, Kind::IncidentReport, &body)
}

/// A record of `kind` signed by `signer` with sequence number `seq`.
pub fn sign(
    origin: &str,
    signer: &NoteSigner,
    seq: u64,
    kind: Kind,
    body: &serde_json::Value,
) -> Record {
    RecordDraft {
        log: Label::parse(origin).unwrap(),
        author: MemberId::parse(signer.name()).unwrap(),
        seq,
        time: Timestamp::parse(TIME).unwrap(),
        body: Body::parse(kind, body).unwrap(),
        confidential: None,
        extra_refs: vec![],
    }
    .sign(&[signer])
    .unwrap()
}

/// The member's next sequence number, as the server at `base` has it.
pub fn next_seq(base: &str, member: &str) -> u64 {
    let member: serde_json::Value = http()
        .get(format!("{base}/api/v1/members/{member}"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    member["next_seq"].as_u64().unwrap()
}

/// Signs in as `signer`'s member: a bearer token.
pub fn sign_in(base: &str, signer: &NoteSigner) -> String {
    use base64::Engine;
    let http = http();
    let challenge: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/challenge"))
        .json(&json!({"member": signer.name()}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let signature = signer.sign_bytes(challenge["message"].as_str().unwrap().as_bytes());
    let token: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({
            "member": signer.name(),
            "challenge": challenge["challenge"],
            "signature": base64::engine::general_purpose::STANDARD.encode(signature),
        }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    token["token"].as_str().unwrap().to_string()
}

/// Checks what a server serves against what clients were told: each
/// checkpoint consistent with the last one seen (RFC 9162 proof from the
/// server, verified here), every acknowledged record at its index with its
/// hash.
pub struct Observer {
    log_key: NoteVerifier,
    http: reqwest::blocking::Client,
    last: Option<Checkpoint>,
    /// Acknowledged records already read one by one through the records API.
    read_one_by_one: usize,
    pub checkpoints: u64,
}

impl Observer {
    pub fn new(m: &Mechanism) -> Self {
        Observer {
            log_key: m.log_key.clone(),
            http: http(),
            last: None,
            read_one_by_one: 0,
            checkpoints: 0,
        }
    }

    fn get(&self, url: &str) -> reqwest::blocking::Response {
        let r = self.http.get(url).send().unwrap();
        assert_eq!(r.status(), 200, "GET {url}");
        r
    }

    /// Checks the server at `base` against `acks` (every receipt given so
    /// far, in the order given). Records acknowledged since the last check
    /// are read through `GET /api/v1/records/{index}`; all of them, every
    /// time, through the level-0 hash tiles under the checkpoint (c2sp.org/
    /// tlog-tiles), which carries 256 leaf hashes in 8 KiB.
    pub fn check(&mut self, base: &str, acks: &[Ack]) {
        // Every receipt was given once a checkpoint covering its record was
        // durable, so the latest checkpoint read now covers all of them. (No
        // witness runs beside this server: `/checkpoint` stays at the one
        // the demo's witnesses cosigned, and the latest is read here.)
        let witnessing: serde_json::Value = self
            .get(&format!("{base}/api/v1/witnessing"))
            .json()
            .unwrap();
        let note = witnessing["latest"]["note"].as_str().unwrap().to_owned();
        let checkpoint = Checkpoint::open(&note, &self.log_key)
            .unwrap_or_else(|e| panic!("the checkpoint does not verify: {e}\n{note}"));
        self.checkpoints += 1;
        if let Some(last) = &self.last {
            assert!(
                checkpoint.size >= last.size,
                "the log shrank from {} to {}",
                last.size,
                checkpoint.size
            );
            let proof: serde_json::Value = self
                .get(&format!(
                    "{base}/api/v1/proof/consistency?from={}&to={}",
                    last.size, checkpoint.size
                ))
                .json()
                .unwrap();
            let proof: Vec<Hash> = serde_json::from_value(proof["proof"].clone()).unwrap();
            truce_tlog::verify_consistency(
                last.size,
                checkpoint.size,
                &proof,
                &last.root,
                &checkpoint.root,
            )
            .unwrap_or_else(|e| {
                panic!(
                    "checkpoint {} is not consistent with checkpoint {}: {e}",
                    checkpoint.size, last.size
                )
            });
        }
        let mut want: BTreeMap<u64, Hash> = BTreeMap::new();
        for ack in acks {
            assert!(
                ack.index < checkpoint.size,
                "record {} was acknowledged, but the checkpoint holds {} records",
                ack.index,
                checkpoint.size
            );
            if let Some(other) = want.insert(ack.index, ack.leaf_hash) {
                assert_eq!(
                    other, ack.leaf_hash,
                    "two records acknowledged at {}",
                    ack.index
                );
                panic!("index {} was acknowledged twice", ack.index);
            }
        }
        for ack in &acks[self.read_one_by_one.min(acks.len())..] {
            self.check_one(base, ack);
        }
        self.read_one_by_one = acks.len();
        // Full tiles under the checkpoint; beyond the last full one, one by one.
        let full_tiles = checkpoint.size / 256;
        let mut tile: Option<(u64, Vec<u8>)> = None;
        for (&index, hash) in &want {
            let n = index / 256;
            if n >= full_tiles {
                self.check_one(
                    base,
                    &Ack {
                        index,
                        leaf_hash: *hash,
                    },
                );
                continue;
            }
            if tile.as_ref().is_none_or(|(t, _)| *t != n) {
                let bytes = self
                    .get(&format!("{base}/tile/0/{}", tile_index(n)))
                    .bytes()
                    .unwrap();
                assert_eq!(bytes.len(), 256 * 32, "tile 0/{n}");
                tile = Some((n, bytes.to_vec()));
            }
            let bytes = &tile.as_ref().unwrap().1;
            let at = usize::try_from(index % 256).unwrap() * 32;
            assert_eq!(
                &bytes[at..at + 32],
                hash.as_bytes(),
                "record {index} does not have its acknowledged hash"
            );
        }
        self.last = Some(checkpoint);
    }

    /// Reads every acknowledged record through `GET /api/v1/records/{index}`.
    pub fn check_each(&self, base: &str, acks: &[Ack]) {
        for ack in acks {
            self.check_one(base, ack);
        }
    }

    fn check_one(&self, base: &str, ack: &Ack) {
        let record: serde_json::Value = self
            .get(&format!("{base}/api/v1/records/{}", ack.index))
            .json()
            .unwrap();
        let hash: Hash = serde_json::from_value(record["leaf_hash"].clone()).unwrap();
        assert_eq!(
            hash, ack.leaf_hash,
            "record {} is not the record acknowledged there",
            ack.index
        );
    }

    /// The last checkpoint seen.
    pub fn size(&self) -> u64 {
        self.last.as_ref().map_or(0, |c| c.size)
    }
}

/// A tile index as c2sp.org/tlog-tiles spells it: 3-digit groups, all but
/// the last prefixed with `x` (1234067 is `x001/x234/067`).
fn tile_index(mut n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        groups.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

#[test]
fn tile_indexes_are_spelled_as_c2sp_says() {
    assert_eq!(tile_index(0), "000");
    assert_eq!(tile_index(17), "017");
    assert_eq!(tile_index(1234), "x001/234");
    assert_eq!(tile_index(1_234_067), "x001/x234/067");
}
