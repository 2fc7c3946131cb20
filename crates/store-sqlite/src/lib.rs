//! # truce-store-sqlite
//!
//! The default, zero-set-up store: one SQLite file in WAL mode with
//! `synchronous=FULL`, so a commit has reached the disk before `append`
//! returns and the ledger acknowledges anything. Batches are one transaction
//! each: the ledger's group commit turns many records into one fsync.
//!
//! Why rusqlite rather than sqlx: the Merkle algorithms read stored hashes
//! through a synchronous interface, a proof is a handful of point reads, and
//! rusqlite runs them as direct calls on a cached statement, where sqlx's
//! SQLite driver hands every query to a worker thread and back.

mod checkpoint;
mod migrate;
mod pool;

use pool::Readers;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use truce_store::upper::UpperNodes;
use truce_store::{AppendBatch, Store, StoreError, StoredCheckpoint, StoredRecord};
use truce_tlog::{Hash, NodeId};

pub struct SqliteStore {
    path: PathBuf,
    /// Levels 6 and up of the tree, kept in memory (see `truce_store::upper`).
    upper: UpperNodes,
    /// `None` when opened read-only (for auditing: verify never writes to what it checks).
    writer: Option<Mutex<Connection>>,
    readers: Readers,
    /// Declared after `writer`, so it stops after the writer closes.
    _checkpointer: Option<checkpoint::Checkpointer>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::database("SQLite", e)
}

fn node_key(id: &NodeId) -> Result<i64, StoreError> {
    if id.index >= 1 << 56 {
        return Err(StoreError::Unusable(format!(
            "node index {} is out of range",
            id.index
        )));
    }
    i64::try_from((u64::from(id.level) << 56) | id.index).map_err(|_| {
        StoreError::Unusable(format!("node {id:?} does not fit the database's integers"))
    })
}

fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v)
        .map_err(|_| StoreError::Unusable(format!("{v} does not fit the database's integers")))
}

fn to_u64(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative index {v}")))
}

fn hash_from(bytes: Vec<u8>) -> Result<Hash, StoreError> {
    Hash::from_slice(&bytes)
        .map_err(|e| StoreError::Corrupt(format!("a stored hash is not 32 bytes: {e}")))
}

pub(crate) fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(db)?;
    // FULL: the WAL is fsynced at every commit, so an acknowledged append
    // survives power loss, not only a process crash.
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(db)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
    // `checkpoint::Checkpointer` copies the WAL into the database from a
    // thread of its own, so a commit checkpoints only as a backstop: should
    // that thread fall behind or be missing, once the WAL reaches 256 MiB.
    conn.pragma_update(None, "wal_autocheckpoint", 65_536)
        .map_err(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(db)?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut writer = Connection::open(&path).map_err(db)?;
        configure(&writer)?;
        migrate::run(&mut writer)?;
        let checkpointer = checkpoint::Checkpointer::start(&path);
        let store = Self {
            readers: Readers::new(path.clone()),
            path,
            upper: Default::default(),
            writer: Some(Mutex::new(writer)),
            _checkpointer: Some(checkpointer),
        };
        store.load_upper()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens an existing store for reading only: no migration, no pragma
    /// changes, no writes — what an auditor needs.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(StoreError::io(
                format!("cannot open {}", path.display()),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let store = Self {
            readers: Readers::new(path.clone()),
            path,
            upper: Default::default(),
            writer: None,
            _checkpointer: None,
        };
        store.readers.with(migrate::check_current)?;
        store.load_upper()?;
        Ok(store)
    }

    /// Writes a consistent copy of the whole database to `dest` (a new
    /// file) while appends go on: SQLite's `VACUUM INTO` reads one snapshot
    /// in a read transaction, which in WAL mode never blocks the writer.
    /// Returns the latest checkpoint the copy holds.
    pub fn backup_into(&self, dest: &Path) -> Result<Option<StoredCheckpoint>, StoreError> {
        if dest.exists() {
            return Err(StoreError::Unusable(format!(
                "{} exists already; a backup is written to a new file",
                dest.display()
            )));
        }
        let target = dest
            .to_str()
            .ok_or_else(|| StoreError::Unusable(format!("{} is not UTF-8", dest.display())))?;
        self.readers.with(|c| {
            c.execute("VACUUM INTO ?1", [target])
                .map(|_| ())
                .map_err(db)
        })?;
        std::fs::File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::io(format!("syncing {}", dest.display()), e))?;
        Self::open_read_only(dest)?.latest_checkpoint()
    }

    /// Rewrites the closed store at `path` in key order (SQLite's `VACUUM`),
    /// so that the same content makes the same file whatever order its
    /// writes came in: a seeded demo's witnesses answer concurrently, and
    /// their cosignatures would otherwise sit in arrival order on the page.
    /// No other connection may have the file open.
    pub fn compact(path: &Path) -> Result<(), StoreError> {
        let conn = Connection::open(path).map_err(db)?;
        configure(&conn)?;
        conn.execute_batch("VACUUM").map_err(db)?;
        // Closing the last connection copies the WAL back and removes it.
        conn.close().map_err(|(_, e)| db(e))
    }

    fn load_upper(&self) -> Result<(), StoreError> {
        let from = node_key(&NodeId {
            level: truce_store::upper::CACHED_LEVEL,
            index: 0,
        })?;
        let nodes = self.readers.with(|c| {
            let mut stmt = c
                .prepare("SELECT node, hash FROM tree_nodes WHERE node >= ?1")
                .map_err(db)?;
            let rows = stmt
                .query_map(params![from], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (key, hash) = row.map_err(db)?;
                let key = to_u64(key)?;
                let level =
                    u8::try_from(key >> 56).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                out.push((
                    NodeId {
                        level,
                        index: key & ((1 << 56) - 1),
                    },
                    hash_from(hash)?,
                ));
            }
            Ok(out)
        })?;
        self.upper.remember(nodes);
        Ok(())
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StoreError> {
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| StoreError::Unusable("this store was opened read-only".into()))?;
        writer.lock().map_err(|_| {
            StoreError::Unusable("the writer connection was poisoned by a panic".into())
        })
    }
}

impl Store for SqliteStore {
    fn append(&self, batch: &AppendBatch) -> Result<(), StoreError> {
        let mut conn = self.writer()?;
        let tx = conn.transaction().map_err(db)?;
        let actual: i64 = tx
            .prepare_cached("SELECT COALESCE(MAX(idx) + 1, 0) FROM records")
            .map_err(db)?
            .query_row([], |r| r.get(0))
            .map_err(db)?;
        batch.check_starts_at(to_u64(actual)?)?;
        {
            let mut insert_record = tx
                .prepare_cached("INSERT INTO records (idx, hash, leaf) VALUES (?1, ?2, ?3)")
                .map_err(db)?;
            let mut insert_opening = tx
                .prepare_cached("INSERT INTO sealed_parts (record_idx, opening) VALUES (?1, ?2)")
                .map_err(db)?;
            for r in &batch.records {
                let idx = to_i64(r.index)?;
                insert_record
                    .execute(params![idx, &r.hash.0[..], r.leaf])
                    .map_err(db)?;
                if let Some(opening) = &r.opening {
                    insert_opening.execute(params![idx, opening]).map_err(db)?;
                }
            }
            let mut insert_node = tx
                .prepare_cached("INSERT INTO tree_nodes (node, hash) VALUES (?1, ?2)")
                .map_err(db)?;
            // Level 0 is the leaf hashes, which the records table already
            // holds: storing them twice would double the writes per record.
            for (id, hash) in batch.nodes.iter().filter(|(id, _)| id.level > 0) {
                insert_node
                    .execute(params![node_key(id)?, &hash.0[..]])
                    .map_err(db)?;
            }
            if let Some(cp) = &batch.checkpoint {
                tx.prepare_cached("INSERT INTO checkpoints (size, note) VALUES (?1, ?2)")
                    .map_err(db)?
                    .execute(params![to_i64(cp.size)?, cp.note])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        self.upper.remember(batch.nodes.iter().copied());
        Ok(())
    }

    fn size(&self) -> Result<u64, StoreError> {
        self.readers.with(|c| {
            // Cached: the ledger asks before each batch it admits while idle
            // (has anyone else appended?), and parsing the statement anew
            // each time was a visible share of a one-record commit.
            let n: i64 = c
                .prepare_cached("SELECT COALESCE(MAX(idx) + 1, 0) FROM records")
                .map_err(db)?
                .query_row([], |r| r.get(0))
                .map_err(db)?;
            to_u64(n)
        })
    }

    fn records(&self, start: u64, end: u64) -> Result<Vec<StoredRecord>, StoreError> {
        // No index reaches past i64::MAX, so such a range is simply empty.
        let (start, end) = (
            start.min(i64::MAX as u64) as i64,
            end.min(i64::MAX as u64) as i64,
        );
        self.readers.with(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT idx, hash, leaf FROM records WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
                )
                .map_err(db)?;
            let rows = stmt
                .query_map(params![start, end], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                    ))
                })
                .map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (idx, hash, leaf) = row.map_err(db)?;
                out.push(StoredRecord {
                    index: to_u64(idx)?,
                    hash: hash_from(hash)?,
                    leaf,
                });
            }
            Ok(out)
        })
    }

    fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
        let cached = self.upper.get_all(ids);
        if cached.iter().all(Option::is_some) {
            return Ok(cached.into_iter().flatten().collect());
        }
        self.readers.with(|c| {
            let mut node = c
                .prepare_cached("SELECT hash FROM tree_nodes WHERE node = ?1")
                .map_err(db)?;
            let mut leaf = c
                .prepare_cached("SELECT hash FROM records WHERE idx = ?1")
                .map_err(db)?;
            // Read each hash straight out of SQLite's row buffer: a proof is
            // a few dozen point reads, and per-row allocations would dominate.
            let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Option<Hash>> {
                Ok(Hash::from_slice(r.get_ref(0)?.as_blob()?).ok())
            };
            ids.iter()
                .enumerate()
                .map(|(i, id)| {
                    if let Some(Some(hash)) = cached.get(i) {
                        return Ok(*hash);
                    }
                    let found = if id.level == 0 {
                        leaf.query_row(params![to_i64(id.index)?], read)
                    } else {
                        node.query_row(params![node_key(id)?], read)
                    }
                    .optional()
                    .map_err(db)?;
                    match found {
                        Some(Some(hash)) => Ok(hash),
                        Some(None) => Err(StoreError::Corrupt(format!(
                            "tree node (level {}, index {}) is not 32 bytes",
                            id.level, id.index
                        ))),
                        None => Err(StoreError::Corrupt(format!(
                            "tree node (level {}, index {}) is missing",
                            id.level, id.index
                        ))),
                    }
                })
                .collect()
        })
    }

    fn nodes_at_level(
        &self,
        level: u8,
        start: u64,
        end: u64,
    ) -> Result<Vec<(NodeId, Hash)>, StoreError> {
        let end = end.min((1 << 56) - 1);
        // Level 0 lives in the records table (see `append`); higher levels in tree_nodes.
        let (sql, lo, hi) = if level == 0 {
            (
                "SELECT idx, hash FROM records WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
                to_i64(start)?,
                to_i64(end)?,
            )
        } else {
            (
                "SELECT node, hash FROM tree_nodes WHERE node >= ?1 AND node < ?2 ORDER BY node",
                node_key(&NodeId {
                    level,
                    index: start,
                })?,
                node_key(&NodeId { level, index: end })?,
            )
        };
        self.readers.with(|c| {
            let mut stmt = c.prepare_cached(sql).map_err(db)?;
            let rows = stmt
                .query_map(params![lo, hi], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (key, hash) = row.map_err(db)?;
                let index = to_u64(key)? & ((1 << 56) - 1);
                out.push((NodeId { level, index }, hash_from(hash)?));
            }
            Ok(out)
        })
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        self.readers.with(|c| {
            let row = c
                .prepare_cached("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1")
                .map_err(db)?
                .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .optional()
                .map_err(db)?;
            row.map(|(size, note)| {
                Ok(StoredCheckpoint {
                    size: to_u64(size)?,
                    note,
                })
            })
            .transpose()
        })
    }

    fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        self.readers.with(|c| {
            let mut stmt = c
                .prepare_cached("SELECT size, note FROM checkpoints ORDER BY size")
                .map_err(db)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(db)?;
            let mut out = Vec::new();
            for row in rows {
                let (size, note) = row.map_err(db)?;
                out.push(StoredCheckpoint {
                    size: to_u64(size)?,
                    note,
                });
            }
            Ok(out)
        })
    }

    fn checkpoint_at(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        let Ok(key) = i64::try_from(size) else {
            return Ok(None);
        };
        self.readers.with(|c| {
            c.prepare_cached("SELECT note FROM checkpoints WHERE size = ?1")
                .map_err(db)?
                .query_row([key], |r| r.get::<_, String>(0))
                .optional()
                .map_err(db)
                .map(|note| note.map(|note| StoredCheckpoint { size, note }))
        })
    }

    fn checkpoint_at_most(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        // Beyond i64 every checkpoint qualifies.
        let key = i64::try_from(size).unwrap_or(i64::MAX);
        self.readers.with(|c| {
            c.prepare_cached(
                "SELECT size, note FROM checkpoints WHERE size <= ?1 ORDER BY size DESC LIMIT 1",
            )
            .map_err(db)?
            .query_row([key], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .optional()
            .map_err(db)?
            .map(|(size, note)| {
                Ok(StoredCheckpoint {
                    size: u64::try_from(size)
                        .map_err(|_| StoreError::Corrupt(format!("checkpoint size {size}")))?,
                    note,
                })
            })
            .transpose()
        })
    }

    fn add_cosignatures(
        &self,
        size: u64,
        lines: &[String],
        quorum_met: bool,
    ) -> Result<(), StoreError> {
        let key = to_i64(size)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction().map_err(db)?;
        let signed: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM checkpoints WHERE size = ?1)")
            .map_err(db)?
            .query_row([key], |r| r.get(0))
            .map_err(db)?;
        if !signed {
            return Err(StoreError::Unusable(format!(
                "the log signed no checkpoint of size {size} to keep cosignatures for"
            )));
        }
        {
            let mut insert = tx
                .prepare_cached("INSERT OR IGNORE INTO cosignatures (size, line) VALUES (?1, ?2)")
                .map_err(db)?;
            for line in lines {
                insert.execute(params![key, line]).map_err(db)?;
            }
            if quorum_met {
                tx.prepare_cached("INSERT OR IGNORE INTO witnessed (size) VALUES (?1)")
                    .map_err(db)?
                    .execute([key])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)
    }

    fn cosignatures(&self, size: u64) -> Result<Vec<String>, StoreError> {
        let Ok(key) = i64::try_from(size) else {
            return Ok(Vec::new());
        };
        self.readers.with(|c| {
            let mut stmt = c
                .prepare_cached("SELECT line FROM cosignatures WHERE size = ?1 ORDER BY line")
                .map_err(db)?;
            let rows = stmt.query_map([key], |r| r.get(0)).map_err(db)?;
            rows.collect::<Result<Vec<String>, _>>().map_err(db)
        })
    }

    fn latest_witnessed_size(&self) -> Result<Option<u64>, StoreError> {
        self.readers.with(|c| {
            c.prepare_cached("SELECT MAX(size) FROM witnessed")
                .map_err(db)?
                .query_row([], |r| r.get::<_, Option<i64>>(0))
                .map_err(db)?
                .map(to_u64)
                .transpose()
        })
    }

    fn opening_indexes(&self) -> Result<Vec<u64>, StoreError> {
        self.readers.with(|c| {
            let mut stmt = c
                .prepare_cached("SELECT record_idx FROM sealed_parts ORDER BY record_idx")
                .map_err(db)?;
            let rows = stmt.query_map([], |r| r.get::<_, i64>(0)).map_err(db)?;
            rows.map(|r| to_u64(r.map_err(db)?)).collect()
        })
    }

    fn internal_node_count(&self) -> Result<u64, StoreError> {
        self.readers.with(|c| {
            let n: i64 = c
                .query_row("SELECT COUNT(*) FROM tree_nodes", [], |r| r.get(0))
                .map_err(db)?;
            to_u64(n)
        })
    }

    fn opening(&self, index: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let idx = to_i64(index)?;
        self.readers.with(|c| {
            c.prepare_cached("SELECT opening FROM sealed_parts WHERE record_idx = ?1")
                .map_err(db)?
                .query_row(params![idx], |r| r.get(0))
                .optional()
                .map_err(db)
        })
    }
}
