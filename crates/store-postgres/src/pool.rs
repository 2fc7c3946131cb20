//! Connections to the server, at most `MAX_CONNECTIONS` per store.
//!
//! Why not r2d2_postgres: it fits (it is sfackler's, on postgres 0.19), but
//! r2d2 itself has had no release since 2022, runs a background thread per
//! pool, opens all its connections eagerly at start, and by default spends a
//! round trip checking each connection on checkout — a proof is a couple of
//! point reads, so that would add a third. What we need is what the SQLite
//! store's pool does plus a bound (PostgreSQL's `max_connections` is shared
//! by every server): an idle list behind a mutex, a condition variable to wait
//! on when all connections are out, and a connection that the client reports
//! closed is dropped rather than reused.

use crate::db;
use crate::sql::Statements;
use postgres::{Client, Config, NoTls};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use truce_store::StoreError;

/// Per store. The ledger writes from one thread; the rest serve reads.
const MAX_CONNECTIONS: usize = 8;
/// How long a caller waits for a connection when all are in use.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(30);

/// A session and the statements prepared on it (prepared statements belong
/// to one session, so they travel with their client).
pub struct Conn {
    pub client: Client,
    pub sql: Statements,
}

pub struct Pool {
    config: Config,
    read_only: bool,
    state: Mutex<State>,
    returned: Condvar,
}

struct State {
    idle: Vec<Conn>,
    /// Connections that exist: idle, lent out, or being opened.
    open: usize,
}

impl Pool {
    pub fn new(config: Config, read_only: bool) -> Self {
        Self {
            config,
            read_only,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            returned: Condvar::new(),
        }
    }

    /// Opens a session configured as every session of this store is.
    pub fn connect(config: &Config, read_only: bool) -> Result<Client, StoreError> {
        let mut client = config.connect(NoTls).map_err(db)?;
        // Explicit, whatever the server, database or role default says: with
        // `synchronous_commit = off` (a common tuning) COMMIT returns before
        // the WAL reaches the disk, and a crash could then lose a batch the
        // ledger has already acknowledged. `on` waits for the local flush.
        let mut session = String::from("SET synchronous_commit = on");
        // The append procedure reads the log's size after taking its lock,
        // which sees the previous holder's commit only under READ COMMITTED
        // (it refuses to run under any other level).
        session.push_str("; SET default_transaction_isolation = 'read committed'");
        // An append is one call that commits before it answers, so it never
        // sits idle holding the append lock; should any session ever do so,
        // PostgreSQL ends it after a minute, which releases every lock.
        session.push_str("; SET idle_in_transaction_session_timeout = '60s'");
        // Every statement here is a short lookup or range read: compiling
        // one (JIT, on by default since PostgreSQL 12, for plans that look
        // costly) takes milliseconds and never pays, and a generic plan is
        // compiled again at every execution.
        session.push_str("; SET jit = off");
        if read_only {
            // An auditor's store cannot write even by mistake.
            session.push_str("; SET default_transaction_read_only = on");
        }
        client.batch_execute(&session).map_err(db)?;
        Ok(client)
    }

    /// Runs `f` on a pooled session. If `f` fails because the connection
    /// broke, the session is dropped, not reused.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut lent = Lent {
            pool: self,
            conn: Some(self.checkout()?),
        };
        match lent.conn.as_mut() {
            Some(conn) => f(conn),
            None => Err(StoreError::Unusable("no connection was lent".into())),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, StoreError> {
        self.state
            .lock()
            .map_err(|_| StoreError::Unusable("the connection pool was poisoned by a panic".into()))
    }

    fn checkout(&self) -> Result<Conn, StoreError> {
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        let mut state = self.lock()?;
        loop {
            if let Some(conn) = state.idle.pop() {
                if !conn.client.is_closed() {
                    return Ok(conn);
                }
                state.open = state.open.saturating_sub(1);
                continue;
            }
            if state.open < MAX_CONNECTIONS {
                state.open += 1;
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(StoreError::Unusable(format!(
                    "all {MAX_CONNECTIONS} database connections stayed busy for {}s",
                    CHECKOUT_TIMEOUT.as_secs()
                )));
            }
            state = self
                .returned
                .wait_timeout(state, left)
                .map_err(|_| {
                    StoreError::Unusable("the connection pool was poisoned by a panic".into())
                })?
                .0;
        }
        drop(state);
        // Connect outside the lock: other callers keep using idle sessions.
        let opened = Self::connect(&self.config, self.read_only).and_then(|mut client| {
            let sql = Statements::prepare(&mut client)?;
            Ok(Conn { client, sql })
        });
        if opened.is_err() {
            self.give_back(None);
        }
        opened
    }

    fn give_back(&self, conn: Option<Conn>) {
        if let Ok(mut state) = self.state.lock() {
            match conn {
                Some(conn) if !conn.client.is_closed() => state.idle.push(conn),
                _ => state.open = state.open.saturating_sub(1),
            }
        }
        self.returned.notify_one();
    }
}

impl Drop for Pool {
    /// The synchronous client closes its session by blocking on its own
    /// runtime, which panics if it happens on an async thread (a server
    /// dropping its state at shutdown does exactly that). The idle sessions
    /// are therefore closed on a plain thread of their own.
    fn drop(&mut self) {
        let idle = match self.state.get_mut() {
            Ok(state) => std::mem::take(&mut state.idle),
            Err(poisoned) => std::mem::take(&mut poisoned.into_inner().idle),
        };
        if !idle.is_empty() {
            let _ = std::thread::Builder::new()
                .name("truce-pg-close".into())
                .spawn(move || drop(idle));
        }
    }
}

/// Returns its connection to the pool however `with` ends (even by a panic).
struct Lent<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        self.pool.give_back(self.conn.take());
    }
}
