//! A mechanism's directory: `truce.db` (the SQLite store), `log.key` (the
//! log's checkpoint key), `blobs/` (evidence by digest) and, for the demo,
//! `keys/` (the demo members' private keys).

use crate::keyfile;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use truce_core::Record;
use truce_core::kinds::charter::Charter;
use truce_ledger::Ledger;
use truce_store::Store;
use truce_store::blobs::BlobDir;
use truce_store_sqlite::SqliteStore;
use truce_tlog::note::{NoteSigner, NoteVerifier};

pub struct MechanismDir {
    root: PathBuf,
}

impl MechanismDir {
    /// Prepares a new directory: it must not exist or be empty.
    pub fn create(root: &Path) -> Result<Self> {
        if root.exists() && root.read_dir()?.next().is_some() {
            bail!(
                "{} is not empty; choose a new directory for a new mechanism",
                root.display()
            );
        }
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    pub fn open(root: &Path) -> Result<Self> {
        let dir = Self {
            root: root.to_path_buf(),
        };
        // A mechanism whose log is in PostgreSQL has a log key but no truce.db.
        if !dir.db_path().is_file()
            && !dir.log_key_path().is_file()
            && !truce_mirror::follow::is_mirror_dir(root)
        {
            bail!(
                "{} holds no Truce mechanism (no truce.db or log.key); create one with `truce init` or `truce demo`",
                root.display()
            );
        }
        Ok(dir)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn db_path(&self) -> PathBuf {
        self.root.join("truce.db")
    }
    pub fn log_key_path(&self) -> PathBuf {
        self.root.join("log.key")
    }
    /// The server's query index as last written out (derived from the log,
    /// checked against it before use, safe to delete: `truce_server::snapshot`).
    pub fn index_snapshot_path(&self) -> PathBuf {
        self.root.join("index.snapshot")
    }
    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    pub fn blobs(&self) -> Result<BlobDir> {
        Ok(BlobDir::open(self.root.join("blobs"))?)
    }

    /// The directory's SQLite store, which must exist already.
    pub fn store(&self) -> Result<Arc<SqliteStore>> {
        if !self.db_path().is_file() {
            bail!(
                "{} has no truce.db: this mechanism keeps its log in PostgreSQL (use `truce serve --database` or `truce verify --database`)",
                self.root.display()
            );
        }
        self.create_store()
    }

    /// Opens the directory's SQLite store, creating it if needed.
    fn create_store(&self) -> Result<Arc<SqliteStore>> {
        Ok(Arc::new(SqliteStore::open(self.db_path()).with_context(
            || format!("cannot open {}", self.db_path().display()),
        )?))
    }

    /// The log's store: PostgreSQL when a URL is given (the directory still
    /// holds the log key and blobs), else the SQLite file in the directory.
    pub fn open_store(&self, database: Option<&str>) -> Result<Arc<dyn Store>> {
        Ok(match database {
            Some(url) => Arc::new(
                truce_store_postgres::PostgresStore::open(url)
                    .context("cannot open the PostgreSQL store")?,
            ),
            None => self.store()?,
        })
    }

    /// A mirror's store: PostgreSQL when a URL is given, else the SQLite
    /// file in the directory, made on the mirror's first run.
    pub fn mirror_store(&self, database: Option<&str>) -> Result<Arc<dyn Store>> {
        match database {
            Some(_) => self.open_store(database),
            None => {
                std::fs::create_dir_all(&self.root)
                    .with_context(|| format!("cannot create {}", self.root.display()))?;
                Ok(self.create_store()?)
            }
        }
    }

    /// A mirror's directory, made if it does not exist.
    pub fn for_mirror(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    /// A store for a new log: it must hold no records yet.
    pub fn new_store(&self, database: Option<&str>) -> Result<Arc<dyn Store>> {
        let store: Arc<dyn Store> = match database {
            Some(_) => self.open_store(database)?,
            None => self.create_store()?,
        };
        let size = store.size()?;
        if size > 0 {
            bail!(
                "that database already holds a log of {size} records; a new mechanism needs an empty one"
            );
        }
        Ok(store)
    }

    /// The store opened for reading only (for auditing).
    pub fn read_only_store(&self) -> Result<SqliteStore> {
        SqliteStore::open_read_only(self.db_path())
            .with_context(|| format!("cannot open {}", self.db_path().display()))
    }

    /// The append path over the log's store: needs the log's private key.
    pub fn ledger_on(&self, store: Arc<dyn Store>) -> Result<Ledger> {
        Ok(Ledger::open(store, self.log_signer()?)?)
    }

    /// The log's private key, which signs its checkpoints.
    pub fn log_signer(&self) -> Result<NoteSigner> {
        keyfile::read(&self.log_key_path(), &Default::default())
    }

    /// The log's verifier key, as the charter (record 0) fixes it.
    pub fn log_verifier(&self, store: &dyn Store) -> Result<NoteVerifier> {
        match charter(store)? {
            Some(c) => Ok(c.log_key.verifier().clone()),
            None => Ok(self.log_signer()?.verifier()),
        }
    }
}

/// The log's charter, record 0, as stored (none: the log is empty). Read
/// without the ledger, which checks it among every record when it opens.
pub fn charter(store: &dyn Store) -> Result<Option<Charter>> {
    let first = store.records(0, 1)?;
    let Some(stored) = first.first() else {
        return Ok(None);
    };
    let record = Record::from_json(&stored.leaf)?;
    match record.into_body() {
        truce_core::Body::Charter(c) => Ok(Some(c)),
        _ => bail!("record 0 is not a charter; run `truce verify`"),
    }
}

/// Files a person hands to `truce` (records, charters, checkpoints) are small;
/// anything larger than this is refused rather than read into memory.
pub const MAX_INPUT_BYTES: u64 = 1024 * 1024;

/// Reads a whole input file, refusing one over MAX_INPUT_BYTES.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        bail!("{} is larger than {MAX_INPUT_BYTES} bytes", path.display());
    }
    Ok(bytes)
}
