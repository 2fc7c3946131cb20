//! `truce mirror`, as real processes over real HTTP: a party's copy follows
//! the log, verifies as `truce verify` does, serves the record read-only
//! once the log's server is gone — and stops, keeping both signed
//! checkpoints, when the operator shows it another history — and says so
//! when the operator withholds the records a checkpoint commits to.

use crate::operator::*;
use crate::support::*;
use std::path::Path;
use std::time::{Duration, Instant};
use truce_tlog::Checkpoint;
use truce_tlog::note::NoteVerifier;

fn get(url: &str) -> reqwest::blocking::Response {
    reqwest::blocking::get(url).unwrap()
}

/// The root `truce verify` reports for a directory.
fn verified_root(dir: &Path) -> String {
    ok(&["verify", "--dir", p(dir)])
        .lines()
        .find(|l| l.starts_with("tree root"))
        .unwrap()
        .to_owned()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_mirror_keeps_proves_and_serves_the_whole_record_once_the_log_is_gone() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let (server, origin) = serve_demo(&demo, None);
    let copy = tmp.path().join("mirror");

    // The demo's checkpoints are cosigned by all four witnesses, as its
    // charter's quorum wants: the mirror takes the whole log.
    let own: serde_json::Value = get(&format!("{origin}/api/v1/mirror")).json().unwrap();
    assert!(own["mirror"].is_null(), "{own}");
    let (code, status) = mirror_once(&origin, &copy, &[]);
    assert_eq!(code, 0, "{status}");
    let size = status["size"].as_u64().unwrap();
    assert!(size > 100, "{status}");
    assert_eq!(status["behind"], 0);
    assert_eq!(status["state"], "following");

    // The log grows; the mirror, serving, follows.
    let incident = demo.join("incident.json");
    std::fs::write(
        &incident,
        serde_json::to_vec(&incident_template("afghanistan")).unwrap(),
    )
    .unwrap();
    ok(&[
        "submit",
        "--dir",
        p(&demo),
        "--key",
        p(&demo.join("keys/pakistan.liaison.key")),
        p(&incident),
    ]);
    let (_mirror, served) = start(&[
        "mirror",
        "--from",
        &origin,
        "--dir",
        p(&copy),
        "--interval",
        "1",
    ]);
    wait_until("the mirror holds the new record", || {
        get(&format!("{served}/api/v1/mirror"))
            .json::<serde_json::Value>()
            .unwrap()["mirror"]["size"]
            == size + 1
    });

    // The log's server disappears: the party's copy still shows and proves it.
    drop(server);
    let record = get(&format!("{served}/api/v1/records/{size}"));
    assert_eq!(record.status(), 200);
    let note = get(&format!("{served}/checkpoint")).text().unwrap();
    let log_key = NoteVerifier::from_vkey(ok(&["log-key", "--dir", p(&demo)]).trim()).unwrap();
    let checkpoint = Checkpoint::open(&note, &log_key).unwrap();
    assert_eq!(checkpoint.size, size + 1);
    let bundle = get(&format!("{served}/tile/entries/000.p/{}", size + 1));
    assert_eq!(bundle.status(), 200);
    let proof = get(&format!("{served}/api/v1/records/{size}/proof"));
    assert_eq!(proof.status(), 200);
    let status: serde_json::Value = get(&format!("{served}/api/v1/mirror")).json().unwrap();
    assert_eq!(status["mirror"]["source"], origin.as_str());
    wait_until("the mirror says the log is unreachable", || {
        get(&format!("{served}/api/v1/mirror"))
            .json::<serde_json::Value>()
            .unwrap()["mirror"]["state"]
            == "unreachable"
    });

    // It takes nothing: records go to the log's own server.
    let refused = reqwest::blocking::Client::new()
        .post(format!("{served}/api/v1/records"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .unwrap();
    assert_eq!(refused.status(), 405);
    let problem: serde_json::Value = refused.json().unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains(&origin),
        "{problem}"
    );

    // `truce verify` proves the copy is the log: same root, cosigned as the
    // policy wants; the confidential openings it was never given are said.
    let verified = ok(&["verify", "--dir", p(&copy)]);
    assert!(verified.contains("meets the quorum"), "{verified}");
    assert!(verified.contains("not held by this copy"), "{verified}");
    assert_eq!(verified_root(&copy), verified_root(&demo));
}

#[test]
fn without_the_quorum_a_mirror_takes_nothing() {
    let (ex, _) = example_with(1);
    let (_server, origin) = start(&["serve", "--dir", p(&ex.dir)]);
    let tmp = tempfile::tempdir().unwrap();
    let (code, status) = mirror_once(&origin, &tmp.path().join("m"), &[]);
    assert_eq!(code, 0, "{status}");
    assert_eq!(status["state"], "waiting_for_witnesses", "{status}");
    assert_eq!(status["size"], 0);
}

#[test]
fn a_mirror_stops_at_a_fork_or_a_rollback_and_keeps_the_signed_proof() {
    let (a, policy) = example_with(2);
    let policy_args = ["--policy", p(&policy)];
    let tmp = tempfile::tempdir().unwrap();
    // Another history under the same key: b is a's log of 3 records, then
    // each is given a different fourth (and b a fifth).
    let b = another_history(&a);
    assert!(
        submit(&a, "a-liaison", &another_incident("shown to a"))
            .status
            .success()
    );
    let (_a_server, a_url) = start(&["serve", "--dir", p(&a.dir)]);
    let (b_server, b_url) = start(&["serve", "--dir", p(&b.dir)]);

    let rollback = tmp.path().join("rollback");
    let fork_same_size = tmp.path().join("fork-same-size");
    let fork_larger = tmp.path().join("fork-larger");
    for dir in [&rollback, &fork_same_size, &fork_larger] {
        let (code, status) = mirror_once(&a_url, dir, &policy_args);
        assert_eq!((code, status["size"].as_u64()), (0, Some(4)), "{status}");
    }

    // Shown a shorter tree of the same history: a rollback.
    let (code, status) = mirror_once(&b_url, &rollback, &policy_args);
    assert_eq!(code, 1, "{status}");
    assert_eq!(status["state"], "halted");
    let found = alarms(&rollback);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["kind"], "rollback");
    let log_key = NoteVerifier::from_vkey(ok(&["log-key", "--dir", p(&a.dir)]).trim()).unwrap();
    let signed: Vec<Checkpoint> = signed_checkpoints(&found[0], &log_key);
    assert_eq!(
        signed.iter().map(|c| c.size).collect::<Vec<_>>(),
        [4, 3],
        "both checkpoints, signed by the log key"
    );

    // The same size with another root: a fork, both roots signed.
    drop(b_server);
    assert!(
        submit(&b, "a-liaison", &another_incident("shown to b"))
            .status
            .success()
    );
    let (b_server, b_url) = start(&["serve", "--dir", p(&b.dir)]);
    let (code, _) = mirror_once(&b_url, &fork_same_size, &policy_args);
    assert_eq!(code, 1);
    let found = alarms(&fork_same_size);
    assert_eq!(found[0]["kind"], "fork");
    let signed: Vec<Checkpoint> = signed_checkpoints(&found[0], &log_key);
    assert_eq!((signed[0].size, signed[1].size), (4, 4));
    assert_ne!(signed[0].root, signed[1].root);

    // A larger tree that does not extend the copy: the log's own
    // consistency proof fails, and is kept.
    drop(b_server);
    assert!(
        submit(&b, "a-liaison", &another_incident("shown to b, again"))
            .status
            .success()
    );
    let (_b_server, b_url) = start(&["serve", "--dir", p(&b.dir)]);
    let (code, _) = mirror_once(&b_url, &fork_larger, &policy_args);
    assert_eq!(code, 1);
    let found = alarms(&fork_larger);
    assert_eq!(found[0]["kind"], "fork");
    assert!(!found[0]["proof"].as_array().unwrap().is_empty());

    // Halted for good: even the honest server is not followed further, and
    // every copy still verifies as the history it took.
    let (code, status) = mirror_once(&a_url, &fork_larger, &policy_args);
    assert_eq!(code, 1, "{status}");
    for dir in [&rollback, &fork_same_size, &fork_larger] {
        assert_eq!(verified_root(dir), verified_root(&a.dir));
    }
}

/// A mirror that copied a log of 3 records, the log grown by a fourth
/// titled as given, its server restarted and a front before it.
struct Grown {
    ex: Example,
    policy: std::path::PathBuf,
    /// The mirror's directory.
    dir: std::path::PathBuf,
    /// The log's server (the address the mirror first copied from).
    origin: String,
    front: LogFront,
    _server: Running,
    _tmp: tempfile::TempDir,
}

impl Grown {
    fn after_a_mirror_copy(fourth: &str) -> Grown {
        let (ex, policy) = example_with(2);
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("m");
        let (server, origin) = start(&["serve", "--dir", p(&ex.dir)]);
        let (code, status) = mirror_once(&origin, &dir, &["--policy", p(&policy)]);
        assert_eq!((code, status["size"].as_u64()), (0, Some(3)), "{status}");
        drop(server);
        assert!(
            submit(&ex, "a-liaison", &another_incident(fourth))
                .status
                .success()
        );
        let (server, origin) = start(&["serve", "--dir", p(&ex.dir)]);
        let front = LogFront::start(&origin);
        Grown {
            ex,
            policy,
            dir,
            origin,
            front,
            _server: server,
            _tmp: tmp,
        }
    }
}

/// The log signs a checkpoint but will not give out the records it commits
/// to: the mirror takes nothing, says so once with the signed checkpoint as
/// its evidence, and is not halted — entries withheld prove no lie, and the
/// copy catches up once they are served. (Before the mirror holds the
/// charter it cannot tell the log's signature from any other: a server that
/// withholds the charter itself is only unreachable.)
#[test]
fn a_mirror_says_when_the_log_withholds_the_entries_it_signed() {
    let grown = Grown::after_a_mirror_copy("withheld");
    let (ex, dir, front) = (&grown.ex, &grown.dir, &grown.front);
    let policy_args = ["--policy", p(&grown.policy)];
    front.withhold(true);
    for _ in 0..2 {
        let (code, status) = mirror_once(&front.url, dir, &policy_args);
        assert_eq!(code, 1, "an alarm: {status}");
        assert_ne!(status["state"], "halted", "{status}");
        assert_eq!(status["size"], 3, "{status}");
    }
    let found = alarms(dir);
    assert_eq!(found.len(), 1, "said once, not every round: {found:?}");
    assert_eq!(found[0]["kind"], "withheld_entries");
    assert_eq!(found[0]["index"], 3, "the first record withheld");
    let log_key = NoteVerifier::from_vkey(ok(&["log-key", "--dir", p(&ex.dir)]).trim()).unwrap();
    let signed = Checkpoint::open(found[0]["checkpoints"][0].as_str().unwrap(), &log_key)
        .expect("the checkpoint that commits to the withheld entries, signed by the log key");
    assert_eq!(signed.size, 4);

    front.withhold(false);
    let (code, status) = mirror_once(&front.url, dir, &policy_args);
    assert_eq!((code, status["size"].as_u64()), (0, Some(4)), "{status}");
    assert_eq!(status["state"], "following", "{status}");
    assert_eq!(alarms(dir).len(), 1, "the alarm stays on record");
    assert_eq!(verified_root(dir), verified_root(&ex.dir));
}

/// The log serves records other than those its checkpoint commits to (one
/// rewritten, its author's signature no longer its own): the mirror takes
/// none of them, keeps the signed checkpoint as evidence, and — since the
/// signed tree may yet be served as signed — is not halted.
#[test]
fn a_mirror_takes_nothing_the_log_serves_otherwise_than_it_signed() {
    let grown = Grown::after_a_mirror_copy("served as signed");
    let (ex, dir, front) = (&grown.ex, &grown.dir, &grown.front);
    let policy_args = ["--policy", p(&grown.policy)];
    front.rewrite(b"served as signed", b"SERVED as signed");
    let (code, status) = mirror_once(&front.url, dir, &policy_args);
    assert_eq!(code, 1, "an alarm: {status}");
    assert_eq!(status["size"], 3, "nothing taken: {status}");
    assert_ne!(status["state"], "halted", "{status}");
    let found = alarms(dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["kind"], "withheld_entries");
    let log_key = NoteVerifier::from_vkey(ok(&["log-key", "--dir", p(&ex.dir)]).trim()).unwrap();
    let signed = Checkpoint::open(found[0]["checkpoints"][0].as_str().unwrap(), &log_key).unwrap();
    assert_eq!(signed.size, 4);
    // Served as signed, the copy catches up.
    let (code, status) = mirror_once(&grown.origin, dir, &policy_args);
    assert_eq!((code, status["size"].as_u64()), (0, Some(4)), "{status}");
    assert_eq!(verified_root(dir), verified_root(&ex.dir));
}

/// A party may keep its copy in its own PostgreSQL and have its mirror
/// cosign each checkpoint once it holds the tree (c2sp.org/tlog-mirror):
/// the copy verifies as the log does, and the checkpoint it keeps carries
/// the mirror's cosignature beside the witnesses'.
#[test]
fn a_mirror_keeps_its_copy_in_postgres_and_cosigns_what_it_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = tmp.path().join("demo");
    let (_server, origin) = serve_demo(&demo, None);
    let db = truce_store_postgres::testing::test_database();
    let (key, vkey) = witness_key(tmp.path(), "party-a.mirror.example");
    let dir = tmp.path().join("m");
    let (code, status) = mirror_once(&origin, &dir, &["--database", db.url(), "--key", p(&key)]);
    assert_eq!(code, 0, "{status}");
    assert!(!dir.join("truce.db").exists(), "the copy is in PostgreSQL");
    let verified = ok(&["verify", "--dir", p(&dir), "--database", db.url()]);
    let root = |report: &str| {
        report
            .lines()
            .find(|l| l.starts_with("tree root"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(root(&verified), verified_root(&demo));
    let kept = ok(&["checkpoint", "--dir", p(&dir), "--database", db.url()]);
    let note = truce_tlog::parse_note(&kept).unwrap();
    let mirror = truce_tlog::CosignatureVerifier::from_vkey(&vkey).unwrap();
    assert!(
        note.signatures
            .iter()
            .any(|line| mirror.verify(&note.text, line).is_ok()),
        "no valid cosignature by the mirror's key: {kept}"
    );
    assert!(
        note.signatures.len() >= 6,
        "the log's signature, the four witnesses' and the mirror's: {kept}"
    );
}

#[test]
fn a_mirror_refuses_a_log_other_than_the_one_pinned() {
    let (a, policy) = example_with(0);
    let (other, _) = example_with(0);
    let (_server, url) = start(&["serve", "--dir", p(&a.dir)]);
    let tmp = tempfile::tempdir().unwrap();
    let other_key = ok(&["log-key", "--dir", p(&other.dir)]);
    let (code, status) = mirror_once(
        &url,
        &tmp.path().join("m"),
        &["--policy", p(&policy), "--log-key", other_key.trim()],
    );
    assert_eq!(code, 2, "{status}");
    assert_eq!(status["size"], 0);
    assert!(
        status["last_error"].as_str().unwrap().contains("log key"),
        "{status}"
    );
}
