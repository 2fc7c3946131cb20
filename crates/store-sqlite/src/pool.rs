//! Read connections. WAL lets readers run beside the writer; each reader is
//! used by one thread at a time and returned after. A Vec behind a mutex is
//! all the pooling a handful of connections to a local file needs.

use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::Mutex;
use truce_store::StoreError;

pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = match self.idle.lock().ok().and_then(|mut idle| idle.pop()) {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| StoreError::Database(e.to_string()))?;
                c.busy_timeout(std::time::Duration::from_secs(10))
                    .map_err(|e| StoreError::Database(e.to_string()))?;
                c
            }
        };
        let result = f(&conn);
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
        result
    }
}
