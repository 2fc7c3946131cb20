//! The witness's durable state, in a SQLite file in its state directory:
//! for each log origin the latest checkpoint it cosigned, and the evidence
//! of misbehaviour it met.
//!
//! Why SQLite and one immediate transaction per request: the spec requires
//! the check of the old size and the store of the new checkpoint to be one
//! atomic step (otherwise two racing requests can roll the witness back),
//! and the new state to be durable before the cosignature is returned. A
//! `BEGIN IMMEDIATE` transaction takes the write lock before reading, so
//! concurrent requests — in this process or in another one on the same
//! directory — are serialised; `synchronous=FULL` makes the commit reach
//! the disk before it returns.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use truce_tlog::Cosigner;
use truce_tlog::Hash;
use truce_tlog::note::NoteSignature;
use truce_tlog::witness::{Accepted, AddCheckpoint, Refusal, Witnessed, decide};

use crate::AddError;

/// The state database's file name inside the state directory.
pub const STATE_FILE: &str = "witness.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("witness state {path}: {source}")]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("witness state {path}: cannot create its directory: {source}")]
    Directory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("witness state is unusable: {0}")]
    Corrupt(String),
}

/// What the witness last cosigned for one log, as monitors read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LatestCheckpoint {
    pub origin: String,
    pub size: u64,
    pub root: String,
    /// The checkpoint with the log's signature and this witness's
    /// cosignature, as a signed note.
    pub note: String,
    /// When it was cosigned (POSIX seconds).
    pub cosigned_at: u64,
}

/// A request, validly signed by the log, that contradicts what this witness
/// cosigned: both signed checkpoints and the failed proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub id: i64,
    pub origin: String,
    /// `fork` (same size, another root), `inconsistent` (the consistency
    /// proof from the cosigned checkpoint fails) or `rollback` (a smaller
    /// tree presented as the latest).
    pub kind: String,
    /// What the witness found, in words.
    pub finding: String,
    /// POSIX seconds when the request came.
    pub observed_at: u64,
    /// The checkpoint the witness had cosigned (log signature and
    /// cosignature).
    pub cosigned: String,
    /// The whole request: old size, proof lines, the signed checkpoint.
    pub request: String,
}

pub struct WitnessState {
    path: PathBuf,
    connection: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS latest (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    cosigned_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS evidence (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    kind TEXT NOT NULL,
    finding TEXT NOT NULL,
    observed_at INTEGER NOT NULL,
    cosigned TEXT NOT NULL,
    request TEXT NOT NULL
) STRICT;
";

fn to_i64(n: u64, what: &str) -> Result<i64, Refusal> {
    i64::try_from(n).map_err(|_| Refusal::Malformed(format!("{what} {n} is beyond 2^63 - 1")))
}

impl WitnessState {
    /// Opens (creating if needed) the state in `dir`.
    pub fn open(dir: &Path) -> Result<Self, StateError> {
        std::fs::create_dir_all(dir).map_err(|source| StateError::Directory {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(STATE_FILE);
        let db = |source| StateError::Database {
            path: path.clone(),
            source,
        };
        let connection = Connection::open(&path).map_err(db)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        connection
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(db)?;
        connection.execute_batch(SCHEMA).map_err(db)?;
        Ok(WitnessState {
            path,
            connection: Mutex::new(connection),
        })
    }

    fn db(&self, source: rusqlite::Error) -> StateError {
        StateError::Database {
            path: self.path.clone(),
            source,
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StateError> {
        self.connection
            .lock()
            .map_err(|_| StateError::Corrupt("a request panicked while holding the state".into()))
    }

    /// Decides on `request` against the stored state and, if it passes,
    /// cosigns it and stores it as the latest — one atomic, durable step.
    /// A refusal that is evidence of misbehaviour is stored before it is
    /// returned.
    pub fn compare_and_store(
        &self,
        request: &AddCheckpoint,
        accepted: &Accepted,
        cosigner: &Cosigner,
        now: u64,
    ) -> Result<NoteSignature, AddError> {
        let origin = &accepted.checkpoint.origin;
        let mut connection = self.lock()?;
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.db(e))?;
        let held = tx
            .query_row(
                "SELECT size, root, note FROM latest WHERE origin = ?1",
                params![origin],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, Vec<u8>>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.db(e))?
            .map(|(size, root, note)| {
                Ok::<_, StateError>(Witnessed {
                    size: u64::try_from(size)
                        .map_err(|_| StateError::Corrupt(format!("negative size for {origin}")))?,
                    root: Hash::from_slice(&root)
                        .map_err(|e| StateError::Corrupt(format!("root of {origin}: {e}")))?,
                    note,
                })
            })
            .transpose()?;

        if let Err(refusal) = decide(request, accepted, held.as_ref()) {
            if let (true, Some(held)) = (refusal.is_evidence(), &held) {
                let kind = match refusal {
                    Refusal::RootMismatch => "fork",
                    Refusal::OldSizeTooLarge { .. } => "rollback",
                    _ => "inconsistent",
                };
                tx.execute(
                    "INSERT INTO evidence (origin, kind, finding, observed_at, cosigned, request)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        origin,
                        kind,
                        refusal.to_string(),
                        to_i64(now, "time").map_err(AddError::Refused)?,
                        held.note,
                        request.encode()
                    ],
                )
                .map_err(|e| self.db(e))?;
                tx.commit().map_err(|e| self.db(e))?;
                tracing::warn!(origin = %origin, kind, "kept evidence of log misbehaviour: {refusal}");
            }
            return Err(AddError::Refused(refusal));
        }

        let cosignature = cosigner
            .cosign(&accepted.note.text, now)
            .map_err(|e| AddError::Refused(Refusal::Malformed(e.to_string())))?;
        let mut cosigned = accepted.note.clone();
        cosigned.signatures.push(cosignature.clone());
        let size = to_i64(accepted.checkpoint.size, "size").map_err(AddError::Refused)?;
        tx.execute(
            "INSERT INTO latest (origin, size, root, note, cosigned_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (origin) DO UPDATE SET size = ?2, root = ?3, note = ?4, cosigned_at = ?5",
            params![
                origin,
                size,
                accepted.checkpoint.root.as_bytes().as_slice(),
                cosigned.encode(),
                to_i64(now, "time").map_err(AddError::Refused)?
            ],
        )
        .map_err(|e| self.db(e))?;
        tx.commit().map_err(|e| self.db(e))?;
        Ok(cosignature)
    }

    /// The latest cosigned checkpoint of every log, by origin.
    pub fn latest(&self) -> Result<Vec<LatestCheckpoint>, StateError> {
        let connection = self.lock()?;
        let mut stmt = connection
            .prepare("SELECT origin, size, root, note, cosigned_at FROM latest ORDER BY origin")
            .map_err(|e| self.db(e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, i64>(4)?,
                ))
            })
            .map_err(|e| self.db(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (origin, size, root, note, at) = row.map_err(|e| self.db(e))?;
            out.push(LatestCheckpoint {
                size: u64::try_from(size)
                    .map_err(|_| StateError::Corrupt(format!("negative size for {origin}")))?,
                root: Hash::from_slice(&root)
                    .map_err(|e| StateError::Corrupt(format!("root of {origin}: {e}")))?
                    .to_base64(),
                note,
                cosigned_at: u64::try_from(at).unwrap_or(0),
                origin,
            });
        }
        Ok(out)
    }

    /// The latest cosigned checkpoint of one log, if any.
    pub fn latest_of(&self, origin: &str) -> Result<Option<LatestCheckpoint>, StateError> {
        Ok(self.latest()?.into_iter().find(|c| c.origin == origin))
    }

    /// Every piece of evidence kept, oldest first.
    pub fn evidence(&self) -> Result<Vec<Evidence>, StateError> {
        let connection = self.lock()?;
        let mut stmt = connection
            .prepare(
                "SELECT id, origin, kind, finding, observed_at, cosigned, request
                 FROM evidence ORDER BY id",
            )
            .map_err(|e| self.db(e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok(Evidence {
                    id: row.get(0)?,
                    origin: row.get(1)?,
                    kind: row.get(2)?,
                    finding: row.get(3)?,
                    observed_at: u64::try_from(row.get::<_, i64>(4)?).unwrap_or(0),
                    cosigned: row.get(5)?,
                    request: row.get(6)?,
                })
            })
            .map_err(|e| self.db(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.db(e))
    }
}
