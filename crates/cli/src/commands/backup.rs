//! `truce backup` and `truce restore`: a consistent copy of a mechanism taken
//! while its server writes, and a new mechanism made from one.
//!
//! A backup is one tar file (`truce-backup/v1`):
//! - `truce-backup.json` first: the format, the backend, and the signed
//!   checkpoint the copied log ends at (its size and root);
//! - `log.db` (SQLite, copied by `VACUUM INTO`) or `log.pgdump` (PostgreSQL,
//!   `pg_dump --format=custom` of an exported snapshot in which that
//!   checkpoint was read);
//! - `log.key`, the log's private checkpoint key — the backup is as secret as
//!   the directory, and is written readable by its owner only;
//! - `blobs/<sha256 hex>`, every evidence file, listed after the log was
//!   copied (a blob is stored before any record names it, so every blob the
//!   copy names is there).
//!
//! Restore refuses anything else in the file, checks every blob against its
//! name, and then proves the result: its latest checkpoint must be the one the
//! manifest names, and the whole log must pass the same audit as `truce verify`.

use crate::mechanism::MechanismDir;
use anyhow::{Context, Result, bail};
use clap::Args;
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use truce_store::Store;
use truce_store::blobs::BlobDir;
use truce_store_postgres::PostgresStore;
use truce_store_sqlite::SqliteStore;
use truce_tlog::checkpoint::Checkpoint;

const FORMAT: &str = "truce-backup/v1";
const MANIFEST: &str = "truce-backup.json";
const SQLITE_LOG: &str = "log.db";
const POSTGRES_LOG: &str = "log.pgdump";
const LOG_KEY: &str = "log.key";
/// A manifest is a few hundred bytes; anything much larger is not one.
const MAX_MANIFEST: u64 = 64 * 1024;

#[derive(Args)]
pub struct BackupArgs {
    /// The mechanism's directory.
    #[arg(long)]
    dir: PathBuf,
    /// The log is in this PostgreSQL database (backed up with pg_dump, which
    /// must be on the PATH or in /usr/lib/postgresql/*/bin).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// The backup file to write (it must not exist).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The backup file (from `truce backup`).
    #[arg(long)]
    from: PathBuf,
    /// The new mechanism directory (it must not exist, or be empty).
    #[arg(long)]
    dir: PathBuf,
    /// Restore the log into this empty PostgreSQL database (for a backup of
    /// a PostgreSQL log; pg_restore must be on the PATH or in
    /// /usr/lib/postgresql/*/bin).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Manifest {
    format: String,
    backend: Backend,
    /// The latest signed checkpoint in the copied log (absent for an empty log).
    checkpoint: Option<String>,
    size: u64,
    /// Base64 of the tree's root at `size`.
    root: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Backend {
    Sqlite,
    Postgres,
}

pub fn backup(args: BackupArgs) -> Result<ExitCode> {
    let dir = MechanismDir::open(&args.dir)?;
    if args.out.exists() {
        bail!("{} exists already; choose a new file", args.out.display());
    }
    let log_key = crate::keyfile::read(&dir.log_key_path(), &Default::default())
        .context("the backup needs the log key to check what it copied")?
        .verifier();
    let parent = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let work = tempfile::tempdir_in(&parent)
        .with_context(|| format!("cannot write beside {}", args.out.display()))?;

    // The log first, as one snapshot; the checkpoint is read in that snapshot.
    let (backend, log_name, checkpoint) = match &args.database {
        None => {
            let copy = work.path().join(SQLITE_LOG);
            let store = dir.read_only_store()?;
            let checkpoint = store
                .backup_into(&copy)
                .context("cannot copy the SQLite log")?;
            (Backend::Sqlite, SQLITE_LOG, checkpoint)
        }
        Some(url) => {
            let copy = work.path().join(POSTGRES_LOG);
            let store =
                PostgresStore::open_read_only(url).context("cannot open the PostgreSQL store")?;
            let pg_dump = postgres_tool("pg_dump")?;
            let checkpoint = store
                .with_exported_snapshot(|snapshot, checkpoint| {
                    run_tool(
                        Command::new(&pg_dump)
                            .arg(format!("--snapshot={snapshot}"))
                            .args(["--format=custom", "--no-owner", "--no-privileges"])
                            .arg(format!("--file={}", copy.display()))
                            .arg(format!("--dbname={url}")),
                        "pg_dump",
                    )
                    .map_err(|e| truce_store::StoreError::database("pg_dump in the snapshot", e))?;
                    Ok(checkpoint)
                })
                .context("cannot dump the PostgreSQL log")?;
            (Backend::Postgres, POSTGRES_LOG, checkpoint)
        }
    };
    let (size, root) = match &checkpoint {
        Some(c) => {
            let opened = Checkpoint::open(&c.note, &log_key)
                .context("the copied log's latest checkpoint does not verify under the log key")?;
            (opened.size, Some(opened.root.to_base64()))
        }
        None => (0, None),
    };
    let manifest = Manifest {
        format: FORMAT.into(),
        backend,
        checkpoint: checkpoint.map(|c| c.note),
        size,
        root,
    };

    // Then the archive, written beside its final name and renamed when whole.
    let partial = work.path().join("backup.tar");
    let file = create_private(&partial)?;
    let mut tar = tar::Builder::new(file);
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    append_bytes(&mut tar, MANIFEST, &manifest_bytes)?;
    tar.append_path_with_name(work.path().join(log_name), log_name)?;
    tar.append_path_with_name(dir.log_key_path(), LOG_KEY)?;
    let blobs = dir.blobs()?;
    let mut digests = blobs.digests()?;
    digests.sort();
    for digest in &digests {
        tar.append_path_with_name(blobs.blob_path(digest)?, format!("blobs/{digest}"))?;
    }
    let file = tar.into_inner()?;
    file.sync_all()?;
    drop(file);
    fs::rename(&partial, &args.out)
        .with_context(|| format!("cannot move the backup to {}", args.out.display()))?;
    File::open(&parent)?.sync_all()?;
    println!(
        "{}",
        serde_json::json!({
            "backup": args.out,
            "backend": backend,
            "size": size,
            "root": manifest.root,
            "blobs": digests.len(),
        })
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: RestoreArgs) -> Result<ExitCode> {
    if let Some(url) = &args.database
        && PostgresStore::open_read_only(url).is_ok()
    {
        bail!("that database already holds a Truce log; restore into an empty database");
    }
    let existed = args.dir.exists();
    let result = restore_into(&args);
    if result.is_err() {
        // Leave nothing half made: the directory was new or empty.
        let _ = fs::remove_dir_all(&args.dir);
        if existed {
            let _ = fs::create_dir(&args.dir);
        }
    }
    result
}

fn restore_into(args: &RestoreArgs) -> Result<ExitCode> {
    let mut archive = tar::Archive::new(
        File::open(&args.from).with_context(|| format!("cannot open {}", args.from.display()))?,
    );
    let dir = MechanismDir::create(&args.dir)?;
    let work = tempfile::tempdir_in(dir.root())?;
    let blobs = BlobDir::open(dir.root().join("blobs"))?;
    let mut manifest: Option<Manifest> = None;
    let mut log_file: Option<PathBuf> = None;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if !entry.header().entry_type().is_file() {
            bail!("the backup holds {name:?}, which is not a file; it is not a Truce backup");
        }
        match name.as_str() {
            MANIFEST => {
                let mut text = Vec::new();
                (&mut entry).take(MAX_MANIFEST).read_to_end(&mut text)?;
                let m: Manifest = serde_json::from_slice(&text)
                    .context("the backup's manifest cannot be read")?;
                if m.format != FORMAT {
                    bail!("the backup is {:?}; this build reads {FORMAT}", m.format);
                }
                manifest = Some(m);
            }
            _ if manifest.is_none() => {
                bail!("the backup does not begin with its manifest; it is not a Truce backup")
            }
            SQLITE_LOG | POSTGRES_LOG => {
                let path = work.path().join(&name);
                entry.unpack(&path)?;
                log_file = Some(path);
            }
            LOG_KEY => {
                let path = dir.log_key_path();
                let mut out = create_private(&path)?;
                std::io::copy(&mut entry, &mut out)?;
                out.sync_all()?;
            }
            _ => {
                let Some(digest) = name.strip_prefix("blobs/") else {
                    bail!("the backup holds {name:?}, which a Truce backup never holds");
                };
                blobs
                    .put(&mut entry, Some(digest), u64::MAX)
                    .with_context(|| format!("evidence {digest} in the backup is damaged"))?;
            }
        }
    }
    let Some(manifest) = manifest else {
        bail!("the backup has no manifest; it is not a Truce backup");
    };
    let Some(log_file) = log_file else {
        bail!("the backup holds no log");
    };
    if !dir.log_key_path().is_file() {
        bail!("the backup holds no log key");
    }

    let store: Box<dyn Store> = match (manifest.backend, &args.database) {
        (Backend::Sqlite, None) => {
            fs::rename(&log_file, dir.db_path())?;
            File::open(dir.root())?.sync_all()?;
            Box::new(SqliteStore::open(dir.db_path())?)
        }
        (Backend::Postgres, Some(url)) => {
            let pg_restore = postgres_tool("pg_restore")?;
            run_tool(
                Command::new(&pg_restore)
                    .args(["--exit-on-error", "--no-owner", "--no-privileges"])
                    .arg(format!("--dbname={url}"))
                    .arg(&log_file),
                "pg_restore (the database must be empty)",
            )?;
            Box::new(PostgresStore::open(url).context("cannot open the restored database")?)
        }
        (Backend::Sqlite, Some(_)) => bail!(
            "this backup is of a SQLite log: restore it without --database (then `truce serve --dir`)"
        ),
        (Backend::Postgres, None) => bail!(
            "this backup is of a PostgreSQL log: restore it with --database URL of an empty database"
        ),
    };
    drop(work);

    // The proof that this is the same log: the checkpoint the backup named is
    // the restored log's latest, and every record, node and checkpoint passes.
    let log_key = crate::keyfile::read(&dir.log_key_path(), &Default::default())?.verifier();
    let latest = store.latest_checkpoint()?.map(|c| c.note);
    if latest != manifest.checkpoint {
        bail!("the restored log's latest checkpoint is not the one the backup names");
    }
    let report = truce_ledger::verify_store(store.as_ref(), Some(log_key), None, &mut |_, _| {})
        .map_err(|f| {
            anyhow::anyhow!(
                "the restored log fails verification at {}: {}",
                f.place,
                f.reason
            )
        })?;
    let root = report.root.to_base64();
    let same_root = manifest.root.as_ref().is_none_or(|r| *r == root);
    if report.records != manifest.size || !same_root {
        bail!("the restored log is not the log the backup describes");
    }
    println!(
        "{}",
        serde_json::json!({
            "restored": args.dir,
            "size": report.records,
            "root": root,
            "verified": true,
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn append_bytes(tar: &mut tar::Builder<File>, name: &str, bytes: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, name, bytes)?;
    Ok(())
}

/// A new file only its owner may read (it will hold the log key).
fn create_private(path: &Path) -> Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

/// A PostgreSQL client program: on the PATH, else the newest Debian install.
fn postgres_tool(name: &str) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
    {
        return Ok(path);
    }
    let mut installed: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    installed.sort_by_key(|p| {
        p.components()
            .rev()
            .nth(2)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
    });
    installed.pop().with_context(|| {
        format!("{name} is needed for a PostgreSQL log: install PostgreSQL's client programs")
    })
}

fn run_tool(command: &mut Command, what: &str) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        // The first lines say what went wrong (pg_restore goes on to print
        // the whole statement that failed).
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said: Vec<&str> = stderr.lines().take(2).collect();
        bail!("{what} failed ({}): {}", output.status, said.join(" "));
    }
    Ok(())
}
