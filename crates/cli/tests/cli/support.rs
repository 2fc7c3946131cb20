use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(args)
        .output()
        .expect("the truce binary runs")
}

pub fn ok(args: &[&str]) -> String {
    let out = truce(args);
    assert!(
        out.status.success(),
        "truce {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A mechanism made from the example charter, with its keys.
pub struct Example {
    pub _tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub keys: PathBuf,
}

pub fn example_mechanism() -> Example {
    let ex = example_charter();
    let out = init_signed_by(&ex, &["a-head", "b-head", "c-mediator"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ex
}

/// The example charter and its keys, written out; no mechanism yet.
pub fn example_charter() -> Example {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    let charter = ok(&["init", "--example-charter", "--keys-out", p(&keys)]);
    std::fs::write(tmp.path().join("charter.json"), charter).unwrap();
    let dir = tmp.path().join("mechanism");
    Example {
        _tmp: tmp,
        dir,
        keys,
    }
}

/// Runs `truce init` on the example charter, signed by the given members.
pub fn init_signed_by(ex: &Example, members: &[&str]) -> Output {
    let charter = ex.keys.with_file_name("charter.json");
    let log_key = ex.keys.join("log.key");
    let key_files: Vec<PathBuf> = members
        .iter()
        .map(|m| ex.keys.join(format!("{m}.key")))
        .collect();
    let mut args = vec![
        "init",
        "--dir",
        p(&ex.dir),
        "--charter",
        p(&charter),
        "--log-key",
        p(&log_key),
    ];
    for k in &key_files {
        args.extend(["--key", p(k)]);
    }
    truce(&args)
}

/// Writes a record template and submits it as `member`.
pub fn submit(ex: &Example, member: &str, template: &serde_json::Value) -> Output {
    let file = ex
        .dir
        .with_extension(format!("{member}-{}.json", rand_suffix()));
    std::fs::write(&file, serde_json::to_vec(template).unwrap()).unwrap();
    truce(&[
        "submit",
        "--dir",
        p(&ex.dir),
        "--key",
        p(&ex.keys.join(format!("{member}.key"))),
        p(&file),
    ])
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

pub fn incident_template(accused: &str) -> serde_json::Value {
    serde_json::json!({
        "kind": "incident.report",
        "body": {
            "title": "Shelling near a border post",
            "incident_type": "shelling",
            "time": {"at": "2026-01-05T04:00:00Z", "precision": "hour"},
            "places": [{"point": {"lat_e6": 34100000, "lon_e6": 71100000}, "precision": "locality"}],
            "accused": accused,
            "narrative": "Mortar rounds landed near the post before dawn."
        }
    })
}

/// A `truce demo` process, killed when dropped.
pub struct DemoServer(pub std::process::Child);

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `truce demo` building into `dir` and serving on a free port, optionally
/// with its log in PostgreSQL; returns the process and its base URL.
pub fn serve_demo(dir: &Path, database: Option<&str>) -> (DemoServer, String) {
    let (server, base, _) = serve_demo_opening(dir, database);
    (server, base)
}

/// As `serve_demo`, with the URL the demo tells people to open (as of the
/// scenario's end).
pub fn serve_demo_opening(dir: &Path, database: Option<&str>) -> (DemoServer, String, String) {
    serve_demo_opening_with(dir, database, &[])
}

/// As `serve_demo_opening`, with environment variables for the server.
pub fn serve_demo_opening_with(
    dir: &Path,
    database: Option<&str>,
    env: &[(&str, &str)],
) -> (DemoServer, String, String) {
    use std::io::BufRead;
    let mut command = Command::new(env!("CARGO_BIN_EXE_truce"));
    command.args(["demo", "--dir", p(dir), "--listen", "127.0.0.1:0"]);
    command.envs(env.iter().copied());
    if let Some(url) = database {
        command.args(["--database", url]);
    }
    let mut child = command
        .env("TRUCE_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = DemoServer(child);
    let mut lines = std::io::BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the demo stopped before serving")
            .unwrap();
        if let Some(url) = line.strip_prefix("Serving the demo on ") {
            break url.trim().to_string();
        }
    };
    let opening = loop {
        let line = lines
            .next()
            .expect("the demo stopped before saying what to open")
            .unwrap();
        if let Some(rest) = line.trim().strip_prefix("Open:") {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    // Keep reading what the server prints, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (server, base, opening)
}
