//! Read connections. WAL lets readers run beside the writer; each reader is
//! used by one thread at a time and returned after. A Vec behind a mutex is
//! all the pooling a handful of connections to a local file needs.
//!
//! The pool is bounded: each connection keeps its own page cache (2 MiB by
//! SQLite's default), so a burst of 64 concurrent reads once opened 64 of
//! them and the server's memory grew by their caches (measured: 281 →
//! 505 MiB). A reader beyond the bound waits for one to come back; on two
//! cores more than a few readers at once only queue inside SQLite anyway.

use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::Duration;
use truce_store::StoreError;

/// Read connections open at most.
const MAX_READERS: usize = 8;
/// How long a read waits for a connection before giving up.
const WAIT: Duration = Duration::from_secs(30);

pub struct Readers {
    path: PathBuf,
    pool: Mutex<Pool>,
    returned: Condvar,
}

struct Pool {
    idle: Vec<Connection>,
    /// Connections that exist: idle, lent out, or being opened.
    open: usize,
}

fn database(e: rusqlite::Error) -> StoreError {
    StoreError::database("opening a SQLite read connection", e)
}

impl Readers {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            pool: Mutex::new(Pool {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }

    pub fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.checkout()?;
        let result = f(&conn);
        if let Ok(mut pool) = self.pool.lock() {
            pool.idle.push(conn);
        }
        self.returned.notify_one();
        result
    }

    /// An idle connection, a new one while fewer than the bound exist, or
    /// the next one returned.
    fn checkout(&self) -> Result<Connection, StoreError> {
        let poisoned = || StoreError::Unusable("the reader pool is poisoned".into());
        let mut pool = self.pool.lock().map_err(|_| poisoned())?;
        loop {
            if let Some(conn) = pool.idle.pop() {
                return Ok(conn);
            }
            if pool.open < MAX_READERS {
                pool.open += 1;
                drop(pool);
                return self.open().inspect_err(|_| {
                    if let Ok(mut pool) = self.pool.lock() {
                        pool.open -= 1;
                    }
                });
            }
            let (guard, timeout) = self
                .returned
                .wait_timeout(pool, WAIT)
                .map_err(|_| poisoned())?;
            pool = guard;
            if timeout.timed_out() && pool.idle.is_empty() {
                return Err(StoreError::Unusable(format!(
                    "no read connection came free in {} s",
                    WAIT.as_secs()
                )));
            }
        }
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let c = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(database)?;
        c.busy_timeout(Duration::from_secs(10)).map_err(database)?;
        Ok(c)
    }
}
