//! The ledger as a server opens it.
//!
//! Opening a log replays every record into the admission state (`Ledger::
//! open`), which takes about 16 s over a million records on the 2-core
//! development machine. `truce serve` listens meanwhile, so that nobody's
//! connection is refused and nothing hangs: what needs no ledger (the log's
//! records, proofs and checkpoints, incident lists from the query index,
//! the web UI's files) answers as it would, and what does (records
//! submitted, sign-ins, a signed-in caller's standing) answers at once with
//! [`ApiError::Indexing`] — 503, `Retry-After` and how far the replay has
//! come — until the ledger is open.

use crate::error::{ApiError, detail};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use truce_ledger::Ledger;

/// The longest `Retry-After` given while the ledger opens or the index
/// builds: the caller comes back at least this often to see the progress,
/// even when there is long to go. A 503 costs the server next to nothing;
/// with 30 s the web UI, told to wait 30 s early in a replay whose rate was
/// still rising, came back 30 s after a 1M-record log that was ready at 18 s.
pub(crate) const MAX_RETRY_SECS: u64 = 5;

/// A ledger that is open, or being opened on another thread.
pub struct OpeningLedger {
    ledger: OnceLock<Result<Arc<Ledger>, String>>,
    /// Records the replay has admitted so far, and of how many.
    replayed: AtomicU64,
    size: AtomicU64,
    started: Instant,
}

impl OpeningLedger {
    /// A ledger already open.
    pub fn open(ledger: Arc<Ledger>) -> Self {
        let size = ledger.with_state(truce_core::LogState::size);
        let opened = Self::opening();
        opened.replayed.store(size, Ordering::Release);
        opened.size.store(size, Ordering::Release);
        let _ = opened.ledger.set(Ok(ledger));
        opened
    }

    /// A ledger still to be opened: give [`OpeningLedger::report`] to its
    /// replay, and its outcome to [`OpeningLedger::opened`].
    pub fn opening() -> Self {
        Self {
            ledger: OnceLock::new(),
            replayed: AtomicU64::new(0),
            size: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// The replay's progress, for `Ledger::open_reporting`.
    pub fn report(&self, replayed: u64, size: u64) {
        self.size.store(size, Ordering::Release);
        self.replayed.store(replayed, Ordering::Release);
    }

    /// The opening's outcome: the ledger, or why it could not be opened (the
    /// server stops then; meanwhile requests are told why).
    pub fn opened(&self, outcome: Result<Arc<Ledger>, String>) {
        let _ = self.ledger.set(outcome);
    }

    /// The ledger, or the answer to give while it opens: 503 with how far the
    /// replay has come and when to ask again, from its rate so far.
    pub fn get(&self) -> Result<&Arc<Ledger>, ApiError> {
        match self.ledger.get() {
            Some(Ok(ledger)) => Ok(ledger),
            Some(Err(why)) => Err(ApiError::Unavailable(detail!(
                "ledger.unopened",
                cause = why
            ))),
            None => Err(self.behind()),
        }
    }

    /// How far the replay has come: (records admitted, records to admit).
    fn progress(&self) -> (u64, u64) {
        (
            self.replayed.load(Ordering::Acquire),
            self.size.load(Ordering::Acquire),
        )
    }

    fn behind(&self) -> ApiError {
        let (replayed, size) = self.progress();
        let secs = self.started.elapsed().as_secs_f64();
        let remaining = size.saturating_sub(replayed) as f64;
        // No rate yet (the replay has only just begun): a second.
        let retry_after_secs = if replayed > 0 && secs > 0.0 {
            ((remaining * secs / replayed as f64).ceil() as u64).clamp(1, MAX_RETRY_SECS)
        } else {
            1
        };
        ApiError::Indexing {
            indexed: replayed,
            size,
            retry_after_secs,
        }
    }
}

impl From<Arc<Ledger>> for OpeningLedger {
    fn from(ledger: Arc<Ledger>) -> Self {
        Self::open(ledger)
    }
}
