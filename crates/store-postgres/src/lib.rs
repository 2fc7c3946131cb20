//! # truce-store-postgres
//!
//! The store for a log served by more than one process: PostgreSQL through
//! the synchronous `postgres` crate (the `Store` trait is synchronous, and the
//! server calls it from blocking tasks). The schema mirrors the SQLite
//! store's; level-0 tree nodes are the records' `hash` column, not rows of
//! `tree_nodes`.
//!
//! ## One sequencer across processes
//!
//! `append` is one call of the `truce_append` procedure
//! (`migrations/0002_append_procedure.sql`): one READ COMMITTED transaction
//! that first takes `pg_advisory_xact_lock(APPEND_LOCK)` and ends with its
//! own COMMIT, before the call answers. Every server appending to the same
//! database waits on that lock, so appends are serialised however many
//! servers there are, and the lock is released by COMMIT or ROLLBACK (or by
//! the server when a session dies), never left behind. Holding it, the
//! procedure reads the log's size — READ COMMITTED takes a new snapshot per
//! statement, so this sees every append committed before the lock was
//! granted — and refuses a batch that does not start exactly there with
//! `StoreError::Conflict`, writing nothing. A server whose view is stale
//! therefore fails cleanly instead of forking the tree; catching up and
//! retrying is the ledger's job, not the store's.
//!
//! ## Durability
//!
//! Every session sets `synchronous_commit = on` (see `pool.rs`): COMMIT
//! returns only after the WAL is flushed, so an acknowledged append survives
//! a crash of the database server.
//!
//! ## What it does not do
//!
//! - No retries. A call on a broken connection fails, and the session is
//!   dropped from the pool. Only a break while the call runs leaves it
//!   unknown whether a batch was written; the ledger rebuilds its state from the
//!   store after any failed append, which settles that.
//! - No TLS: connect over a Unix socket or a trusted network.
//! - No index on record hashes: the ledger holds that index in memory.

mod migrate;
mod pool;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;

use pool::{Conn, Pool};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use truce_store::upper::UpperNodes;
use truce_store::{AppendBatch, Store, StoreError, StoredCheckpoint, StoredRecord};
use truce_tlog::{Hash, NodeId};

/// Advisory lock key every appender takes ("truce" in ASCII, then 0x02).
/// Advisory locks are per database: logs in different databases do not
/// wait on each other.
const APPEND_LOCK: i64 = 0x7472_7563_6502;

const INDEX_BITS: u32 = 56;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

pub struct PostgresStore {
    pool: Arc<Pool>,
    read_only: bool,
    /// Levels 6 and up of the tree, kept in memory (see `truce_store::upper`).
    upper: Arc<UpperNodes>,
    /// The thread reading the stored upper nodes into `upper` after open;
    /// `None` once it has been waited for.
    loading_upper: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for PostgresStore {
    // No URL: it may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

pub(crate) fn db(e: postgres::Error) -> StoreError {
    StoreError::database("PostgreSQL", e)
}

fn node_key(id: &NodeId) -> Result<i64, StoreError> {
    if id.index > INDEX_MASK {
        return Err(StoreError::Unusable(format!(
            "node index {} is out of range",
            id.index
        )));
    }
    i64::try_from((u64::from(id.level) << INDEX_BITS) | id.index).map_err(|_| {
        StoreError::Unusable(format!("node {id:?} does not fit the database's integers"))
    })
}

fn node_id(key: i64) -> Result<NodeId, StoreError> {
    let key = to_u64(key)?;
    let level = u8::try_from(key >> INDEX_BITS)
        .map_err(|_| StoreError::Corrupt(format!("tree node key {key} has no valid level")))?;
    Ok(NodeId {
        level,
        index: key & INDEX_MASK,
    })
}

fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v)
        .map_err(|_| StoreError::Unusable(format!("{v} does not fit the database's integers")))
}

fn to_u64(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative index {v}")))
}

fn hash_of(bytes: &[u8], id: NodeId) -> Result<Hash, StoreError> {
    Hash::from_slice(bytes).map_err(|_| {
        StoreError::Corrupt(format!(
            "tree node (level {}, index {}) is {} bytes, not 32",
            id.level,
            id.index,
            bytes.len()
        ))
    })
}

fn config(url: &str) -> Result<postgres::Config, StoreError> {
    // The parser's message never repeats the URL, which may hold a password.
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e| StoreError::database("invalid PostgreSQL URL", e))?;
    if config.get_application_name().is_none() {
        config.application_name("truce");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    Ok(config)
}

/// Reads the upper tree nodes into memory (see `truce_store::upper`) as one
/// range, which PostgreSQL reads by a sequential scan of the table. That is
/// the cheapest plan here: nodes are stored in the order appends complete
/// them, so level 6's lie on nearly every page. Over ten million records the
/// scan took 1.3 s, and the same nodes read level by level, each an index
/// range, 1.9–2.7 s.
fn load_upper(pool: &Pool, upper: &UpperNodes) -> Result<(), StoreError> {
    let from = node_key(&NodeId {
        level: truce_store::upper::CACHED_LEVEL,
        index: 0,
    })?;
    let nodes = pool.with(|Conn { client, sql }| {
        client
            .query(&sql.upper_nodes, &[&from])
            .map_err(db)?
            .iter()
            .map(|row| {
                let id = node_id(row.try_get(0).map_err(db)?)?;
                Ok((id, hash_of(row.try_get(1).map_err(db)?, id)?))
            })
            .collect::<Result<Vec<_>, StoreError>>()
    })?;
    upper.remember(nodes);
    Ok(())
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db` or libpq's
    /// `host=… dbname=…` form) and brings the schema up to date.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let config = config(url)?;
        let mut client = Pool::connect(&config, false)?;
        migrate::run(&mut client)?;
        drop(client);
        Self::start(Pool::new(config, false), false)
    }

    /// Opens an existing store for reading only: no migration, no writes
    /// (every session is read-only) — what an auditor needs. Refuses a
    /// database whose schema is missing or not this build's.
    pub fn open_read_only(url: &str) -> Result<Self, StoreError> {
        let config = config(url)?;
        let mut client = Pool::connect(&config, true)?;
        migrate::check_current(&mut client)?;
        drop(client);
        Self::start(Pool::new(config, true), true)
    }

    /// How many upper tree nodes (level 6 and up) this store holds in
    /// memory: read after open (this waits for that read) and kept as
    /// appends complete them.
    pub fn upper_nodes_kept(&self) -> usize {
        let loading = self
            .loading_upper
            .lock()
            .map(|mut loading| loading.take())
            .unwrap_or_default();
        if let Some(thread) = loading {
            let _ = thread.join();
        }
        self.upper.len()
    }

    fn start(pool: Pool, read_only: bool) -> Result<Self, StoreError> {
        let (pool, upper) = (Arc::new(pool), Arc::new(UpperNodes::default()));
        // In the background: over ten million records the read takes 1.3 s,
        // which a restarting server spent before it could answer its first
        // list. Nothing waits for it. The cache only spares reads — until it
        // is filled, `nodes` reads what it lacks from the database and keeps
        // it — and its nodes never change, so appends meanwhile add theirs
        // beside it. Should the read fail, reads go on to the database.
        let loading_upper = std::thread::Builder::new()
            .name("truce-pg-upper".into())
            .spawn({
                let (pool, upper) = (Arc::clone(&pool), Arc::clone(&upper));
                move || {
                    let _ = load_upper(&pool, &upper);
                }
            })
            .map_err(|e| StoreError::io("starting the thread that reads the upper tree", e))?;
        Ok(Self {
            pool,
            read_only,
            upper,
            loading_upper: Mutex::new(Some(loading_upper)),
        })
    }

    /// Runs `dump` while a read-only, repeatable-read transaction holds an
    /// exported snapshot of the database, passing the snapshot's id and the
    /// latest checkpoint as that snapshot sees it. A `pg_dump
    /// --snapshot=<id>` run by `dump` copies exactly the log that checkpoint
    /// covers, however many appends land meanwhile: an online, consistent
    /// backup whose checkpoint is known.
    pub fn with_exported_snapshot<T>(
        &self,
        dump: impl FnOnce(&str, Option<StoredCheckpoint>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.pool.with(|Conn { client, sql }| {
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(db)?;
            let snapshot: String = tx
                .query_one("SELECT pg_export_snapshot()", &[])
                .map_err(db)?
                .try_get(0)
                .map_err(db)?;
            let checkpoint = tx
                .query_opt(&sql.latest_checkpoint, &[])
                .map_err(db)?
                .as_ref()
                .map(Self::checkpoint)
                .transpose()?;
            let out = dump(&snapshot, checkpoint)?;
            tx.commit().map_err(db)?;
            Ok(out)
        })
    }

    fn checkpoint(row: &postgres::Row) -> Result<StoredCheckpoint, StoreError> {
        Ok(StoredCheckpoint {
            size: to_u64(row.try_get(0).map_err(db)?)?,
            note: row.try_get(1).map_err(db)?,
        })
    }
}

impl Store for PostgresStore {
    fn append(&self, batch: &AppendBatch) -> Result<(), StoreError> {
        if self.read_only {
            return Err(StoreError::Unusable(
                "this store was opened read-only".into(),
            ));
        }
        // Columns for the array-valued INSERTs (see sql.rs), built before a
        // connection is taken.
        let mut idx = Vec::with_capacity(batch.records.len());
        let mut hashes = Vec::with_capacity(batch.records.len());
        let mut leaves = Vec::with_capacity(batch.records.len());
        let (mut opening_idx, mut openings) = (Vec::new(), Vec::new());
        for r in &batch.records {
            let i = to_i64(r.index)?;
            idx.push(i);
            hashes.push(&r.hash.0[..]);
            leaves.push(&r.leaf[..]);
            if let Some(opening) = &r.opening {
                opening_idx.push(i);
                openings.push(&opening[..]);
            }
        }
        // Level 0 is the leaf hashes, which the records table already holds:
        // storing them twice would double the writes per record.
        let (mut node_keys, mut node_hashes) = (Vec::new(), Vec::new());
        for (id, hash) in batch.nodes.iter().filter(|(id, _)| id.level > 0) {
            node_keys.push(node_key(id)?);
            node_hashes.push(&hash.0[..]);
        }
        let checkpoint = match &batch.checkpoint {
            Some(cp) => Some((to_i64(cp.size)?, cp.note.as_str())),
            None => None,
        };

        let first = batch.records.first().map(|r| to_i64(r.index)).transpose()?;
        let (checkpoint_size, checkpoint_note) = checkpoint.unzip();
        let actual = self.pool.with(|Conn { client, sql }| {
            // Outside any transaction block, so that the procedure's own
            // COMMIT ends the append: its answer means the batch is durable.
            client
                .query_one(
                    &sql.append,
                    &[
                        &APPEND_LOCK,
                        &first,
                        &idx,
                        &hashes,
                        &leaves,
                        &opening_idx,
                        &openings,
                        &node_keys,
                        &node_hashes,
                        &checkpoint_size,
                        &checkpoint_note,
                    ],
                )
                .and_then(|row| row.try_get::<_, i64>(0))
                .map_err(db)
        })?;
        // On a conflict the procedure wrote nothing and released the lock.
        batch.check_starts_at(to_u64(actual)?)?;
        self.upper.remember(batch.nodes.iter().copied());
        Ok(())
    }

    fn size(&self) -> Result<u64, StoreError> {
        self.pool.with(|Conn { client, sql }| {
            to_u64(
                client
                    .query_one(&sql.size, &[])
                    .and_then(|row| row.try_get(0))
                    .map_err(db)?,
            )
        })
    }

    fn records(&self, start: u64, end: u64) -> Result<Vec<StoredRecord>, StoreError> {
        // No index reaches past i64::MAX, so such a range is simply empty.
        let (start, end) = (
            start.min(i64::MAX as u64) as i64,
            end.min(i64::MAX as u64) as i64,
        );
        self.pool.with(|Conn { client, sql }| {
            client
                .query(
                    &sql.records,
                    &[&start, &end, &end.saturating_sub(start).max(0)],
                )
                .map_err(db)?
                .iter()
                .map(|row| {
                    let index = to_u64(row.try_get(0).map_err(db)?)?;
                    Ok(StoredRecord {
                        index,
                        hash: hash_of(row.try_get(1).map_err(db)?, NodeId { level: 0, index })?,
                        leaf: row.try_get(2).map_err(db)?,
                    })
                })
                .collect()
        })
    }

    fn nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
        let mut found: HashMap<NodeId, Hash> = HashMap::with_capacity(ids.len());
        found.extend(
            ids.iter()
                .zip(self.upper.get_all(ids))
                .filter_map(|(id, hash)| Some((*id, hash?))),
        );
        let (mut leaves, mut inner) = (Vec::new(), Vec::new());
        for id in ids.iter().filter(|id| !found.contains_key(id)) {
            if id.level == 0 {
                leaves.push(to_i64(id.index)?);
            } else {
                inner.push(node_key(id)?);
            }
        }
        if !leaves.is_empty() || !inner.is_empty() {
            // At most two queries for the whole request: a proof is one call.
            let fetched = self.pool.with(|Conn { client, sql }| {
                let mut out = Vec::with_capacity(leaves.len() + inner.len());
                if !leaves.is_empty() {
                    for row in client.query(&sql.leaf_hashes, &[&leaves]).map_err(db)? {
                        let id = NodeId {
                            level: 0,
                            index: to_u64(row.try_get(0).map_err(db)?)?,
                        };
                        out.push((id, hash_of(row.try_get(1).map_err(db)?, id)?));
                    }
                }
                if !inner.is_empty() {
                    for row in client.query(&sql.node_hashes, &[&inner]).map_err(db)? {
                        let id = node_id(row.try_get(0).map_err(db)?)?;
                        out.push((id, hash_of(row.try_get(1).map_err(db)?, id)?));
                    }
                }
                Ok(out)
            })?;
            // Another server's nodes, read once: they never change.
            self.upper.remember(fetched.iter().copied());
            found.extend(fetched);
        }
        ids.iter()
            .map(|id| {
                found.get(id).copied().ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "tree node (level {}, index {}) is missing",
                        id.level, id.index
                    ))
                })
            })
            .collect()
    }

    fn nodes_at_level(
        &self,
        level: u8,
        start: u64,
        end: u64,
    ) -> Result<Vec<(NodeId, Hash)>, StoreError> {
        let end = end.min(INDEX_MASK);
        // Level 0 lives in the records table (see `append`); higher levels in tree_nodes.
        let (lo, hi) = if level == 0 {
            (to_i64(start)?, to_i64(end)?)
        } else {
            (
                node_key(&NodeId {
                    level,
                    index: start,
                })?,
                node_key(&NodeId { level, index: end })?,
            )
        };
        self.pool.with(|Conn { client, sql }| {
            let stmt = if level == 0 {
                &sql.leaf_range
            } else {
                &sql.node_range
            };
            client
                .query(stmt, &[&lo, &hi, &hi.saturating_sub(lo).max(0)])
                .map_err(db)?
                .iter()
                .map(|row| {
                    let key = to_u64(row.try_get(0).map_err(db)?)?;
                    let id = NodeId {
                        level,
                        index: key & INDEX_MASK,
                    };
                    Ok((id, hash_of(row.try_get(1).map_err(db)?, id)?))
                })
                .collect()
        })
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        self.pool.with(|Conn { client, sql }| {
            client
                .query_opt(&sql.latest_checkpoint, &[])
                .map_err(db)?
                .as_ref()
                .map(Self::checkpoint)
                .transpose()
        })
    }

    fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        self.pool.with(|Conn { client, sql }| {
            client
                .query(&sql.checkpoints, &[])
                .map_err(db)?
                .iter()
                .map(Self::checkpoint)
                .collect()
        })
    }

    fn checkpoint_at(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        let Ok(key) = i64::try_from(size) else {
            return Ok(None);
        };
        self.pool.with(|Conn { client, sql }| {
            client
                .query_opt(&sql.checkpoint_at, &[&key])
                .map_err(db)?
                .as_ref()
                .map(Self::checkpoint)
                .transpose()
        })
    }

    fn checkpoint_at_most(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        // Beyond i64 every checkpoint qualifies.
        let key = i64::try_from(size).unwrap_or(i64::MAX);
        self.pool.with(|Conn { client, sql }| {
            client
                .query_opt(&sql.checkpoint_at_most, &[&key])
                .map_err(db)?
                .as_ref()
                .map(Self::checkpoint)
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
        self.pool.with(|Conn { client, sql }| {
            let mut tx = client.transaction().map_err(db)?;
            if tx
                .query_opt(&sql.checkpoint_at, &[&key])
                .map_err(db)?
                .is_none()
            {
                return Err(StoreError::Unusable(format!(
                    "the log signed no checkpoint of size {size} to keep cosignatures for"
                )));
            }
            for line in lines {
                tx.execute(&sql.add_cosignature, &[&key, line])
                    .map_err(db)?;
            }
            if quorum_met {
                tx.execute(&sql.mark_witnessed, &[&key]).map_err(db)?;
            }
            tx.commit().map_err(db)
        })
    }

    fn cosignatures(&self, size: u64) -> Result<Vec<String>, StoreError> {
        let Ok(key) = i64::try_from(size) else {
            return Ok(Vec::new());
        };
        self.pool.with(|Conn { client, sql }| {
            client
                .query(&sql.cosignatures, &[&key])
                .map_err(db)?
                .iter()
                .map(|row| row.try_get(0).map_err(db))
                .collect()
        })
    }

    fn latest_witnessed_size(&self) -> Result<Option<u64>, StoreError> {
        self.pool.with(|Conn { client, sql }| {
            let max: Option<i64> = client
                .query_one(&sql.latest_witnessed, &[])
                .map_err(db)?
                .try_get(0)
                .map_err(db)?;
            max.map(to_u64).transpose()
        })
    }

    fn opening(&self, index: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let idx = to_i64(index)?;
        self.pool.with(|Conn { client, sql }| {
            client
                .query_opt(&sql.opening, &[&idx])
                .map_err(db)?
                .map(|row| row.try_get(0).map_err(db))
                .transpose()
        })
    }

    fn opening_indexes(&self) -> Result<Vec<u64>, StoreError> {
        self.pool.with(|Conn { client, sql }| {
            client
                .query(&sql.opening_indexes, &[])
                .map_err(db)?
                .iter()
                .map(|row| to_u64(row.try_get(0).map_err(db)?))
                .collect()
        })
    }

    fn internal_node_count(&self) -> Result<u64, StoreError> {
        self.pool.with(|Conn { client, sql }| {
            to_u64(
                client
                    .query_one(&sql.internal_node_count, &[])
                    .and_then(|row| row.try_get(0))
                    .map_err(db)?,
            )
        })
    }
}
