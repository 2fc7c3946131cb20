//! Copying the write-ahead log into the database off the append path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses the
//! threshold, so one append in every few thousand waited for the whole copy
//! and its fsyncs: under the load benchmark that set the p99 (19–20 ms,
//! against 12–13 ms with no checkpoint at all). Here a thread of its own runs
//! a PASSIVE checkpoint, which blocks neither the writer nor readers, once a
//! second; the writer checkpoints only as a backstop (see `configure`).
//! Durability is unchanged: a commit is durable once its WAL frames are
//! synced, whoever later copies them.

use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the WAL is copied into the database. Measured on the load
/// benchmark (~40 MB of WAL a second): every 250 ms gave p99 15–17 ms, every
/// second 14 ms; the WAL then stays near 40 MB under full load.
const EVERY: Duration = Duration::from_secs(1);

/// The checkpointing thread; stops (and closes its connection) when dropped.
pub(crate) struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the store at `path`. Should its connection not
    /// open, the writer's own (rare, large) automatic checkpoint still bounds
    /// the WAL.
    pub(crate) fn start(path: &Path) -> Checkpointer {
        let (stop, stopped) = mpsc::channel::<()>();
        let path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("truce-checkpoint".into())
            .spawn(move || {
                let Ok(conn) = Connection::open(&path) else {
                    return;
                };
                let _ = conn.busy_timeout(Duration::from_secs(1));
                loop {
                    match stopped.recv_timeout(EVERY) {
                        Err(RecvTimeoutError::Timeout) => {
                            // A busy or failed checkpoint is retried on the
                            // next turn; the data is safe in the WAL meanwhile.
                            let _ =
                                conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                        }
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .ok();
        Checkpointer {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
