//! A throwaway PostgreSQL cluster, started once per test process from the
//! installed server binaries and reached over a Unix socket only.
//!
//! - Binaries: `pg_config --bindir`, else the newest Debian
//!   `/usr/lib/postgresql/<version>/bin`, else `initdb` on the `PATH`.
//! - Place: `/tmp/truce-pg-<pid>` holds the data directory and the socket
//!   (`/tmp/truce-pg-<pid>-<n>` for a test's own cluster, see
//!   [`Cluster::own`]). `/tmp`, not `$TMPDIR`, because a socket path must fit
//!   in 107 bytes.
//! - Root: `initdb` refuses to run as root, so when the effective uid is 0
//!   the binaries run as the `postgres` user (`runuser -u postgres --`) and
//!   the directory is handed to that user first.
//! - Stopping: nothing runs at process exit without `unsafe` (`atexit`), so
//!   a cluster outlives its test process. Each later start stops and removes
//!   every `truce-pg-<pid>` whose process has gone, so at most one idle
//!   cluster per concurrent test process is ever left behind.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

const HINT: &str = "install Debian's postgresql package or set TRUCE_TEST_DATABASE_URL";
const PREFIX: &str = "truce-pg-";

pub struct Cluster {
    dir: PathBuf,
    port: u16,
    bins: Binaries,
}

impl Cluster {
    /// The superuser's connection string for the `postgres` database.
    pub fn admin_url(&self) -> String {
        format!(
            "host={} port={} user=postgres dbname=postgres",
            self.dir.display(),
            self.port
        )
    }

    /// A cluster of the caller's own, which it may stop and start again
    /// without disturbing the shared one's other users.
    pub fn own() -> Result<Cluster, String> {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        start(format!("{}-{n}", std::process::id()))
    }

    /// Stops the server (`pg_ctl stop -m fast`: sessions are ended, the
    /// data stays).
    pub fn stop(&self) -> Result<(), String> {
        self.bins.run(
            self.bins
                .command("pg_ctl", &self.dir)
                .arg("-D")
                .arg(self.dir.join("data"))
                .args(["-m", "fast", "-w", "stop"]),
            "pg_ctl stop",
        )
    }

    /// Starts the server again, on the same socket and data.
    pub fn start_again(&self) -> Result<(), String> {
        self.bins.pg_ctl_start(&self.dir, self.port)
    }

    /// Stops the server if it runs and removes its directory; best effort.
    pub fn remove(&self) {
        self.bins.stop(&self.dir);
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The process's cluster, started on first use.
pub fn shared() -> Result<&'static Cluster, String> {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    CLUSTER
        .get_or_init(|| start(format!("{}", std::process::id())))
        .as_ref()
        .map_err(Clone::clone)
}

fn start(name: String) -> Result<Cluster, String> {
    let bins = Binaries::find()?;
    remove_stale(&bins);
    let dir = PathBuf::from(format!("/tmp/{PREFIX}{name}"));
    if dir.exists() {
        // Left by an earlier process that had our pid.
        bins.stop(&dir);
        fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    fs::create_dir(&dir)
        .and_then(|()| fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if bins.as_postgres {
        let (uid, gid) = postgres_ids()?;
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
            .map_err(|e| format!("cannot hand {} to the postgres user: {e}", dir.display()))?;
    }

    let data = dir.join("data");
    // --no-sync: the cluster is thrown away; the server itself runs with fsync on.
    bins.run(
        bins.command("initdb", &dir)
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8"])
            .args(["--no-locale", "--no-sync"]),
        "initdb",
    )?;
    let port = free_port();
    bins.pg_ctl_start(&dir, port)?;
    Ok(Cluster { dir, port, bins })
}

struct Binaries {
    bindir: PathBuf,
    /// Run them as the `postgres` user: we are root, which initdb refuses.
    as_postgres: bool,
}

impl Binaries {
    fn find() -> Result<Self, String> {
        let bindir = find_bindir().ok_or_else(|| {
            format!(
                "no PostgreSQL server binaries (initdb, pg_ctl) in `pg_config --bindir`, \
                 /usr/lib/postgresql/*/bin or the PATH: {HINT}"
            )
        })?;
        Ok(Self {
            bindir,
            as_postgres: effective_uid_is_root(),
        })
    }

    fn command(&self, program: &str, cwd: &Path) -> Command {
        let program = self.bindir.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        // A directory the postgres user can enter, whatever ours is.
        command.current_dir(cwd).stdin(Stdio::null());
        command
    }

    fn run(&self, command: &mut Command, what: &str) -> Result<(), String> {
        let runner = if self.as_postgres {
            " (as the postgres user, through runuser)"
        } else {
            ""
        };
        let out = command
            .output()
            .map_err(|e| format!("cannot run {what}{runner}: {e}: {HINT}"))?;
        if out.status.success() {
            return Ok(());
        }
        Err(format!(
            "{what}{runner} failed ({}): {}{}\n{HINT}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }

    /// `pg_ctl start` on the cluster in `dir`, waiting until it answers.
    fn pg_ctl_start(&self, dir: &Path, port: u16) -> Result<(), String> {
        let log = dir.join("server.log");
        // Unix socket only (listen_addresses=''), in our own directory, so the
        // port only names the socket file; one free on 127.0.0.1 is still taken,
        // to keep it distinct from any other cluster's.
        let options = format!(
            "-k {} -p {port} -c listen_addresses='' -c fsync=on",
            dir.display()
        );
        self.run(
            self.command("pg_ctl", dir)
                .arg("-D")
                .arg(dir.join("data"))
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-o"])
                .arg(options)
                .arg("start"),
            "pg_ctl start",
        )
        .map_err(|e| {
            let log = fs::read_to_string(&log).unwrap_or_default();
            format!("{e}\nserver log ({}):\n{log}", dir.display())
        })
    }

    /// Stops a cluster if one runs there; best effort.
    fn stop(&self, dir: &Path) {
        let data = dir.join("data");
        if data.join("postmaster.pid").exists() {
            let _ = self.run(
                self.command("pg_ctl", Path::new("/"))
                    .arg("-D")
                    .arg(&data)
                    .args(["-m", "immediate", "-w", "stop"]),
                "pg_ctl stop",
            );
        }
    }
}

fn find_bindir() -> Option<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    // Debian's pg_config comes with libpq-dev and may name a version whose
    // server is not installed: only trust it if the binaries are there.
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_server(&dir) {
            return Some(dir);
        }
    }
    let newest = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            has_server(&bin).then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version);
    if let Some((_, bin)) = newest {
        return Some(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|dir| has_server(dir))
}

/// From /proc (no `unsafe` geteuid): the second field of the `Uid:` line.
fn effective_uid_is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1))
                .map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

fn postgres_ids() -> Result<(u32, u32), String> {
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .map_err(|e| format!("cannot run `id`: {e}"))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| {
                format!(
                    "running as root, the test cluster must run as the `postgres` user, \
                     which does not exist: {HINT}"
                )
            })
    };
    Ok((id("-u")?, id("-g")?))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_or(55432, |addr| addr.port())
}

/// Stops and removes clusters whose test process has exited.
fn remove_stale(bins: &Binaries) {
    let Ok(entries) = fs::read_dir("/tmp") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.strip_prefix(PREFIX))
            // `<pid>`, or `<pid>-<n>` for a test's own cluster.
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        bins.stop(&entry.path());
        let _ = fs::remove_dir_all(entry.path());
    }
}
