//! What the ledger's threads share: the store, the admission state, the log
//! key and how far our own writes have made the log durable.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use truce_core::LogState;
use truce_store::Store;
use truce_tlog::note::{NoteSigner, NoteVerifier};

pub(crate) struct Shared {
    pub store: Arc<dyn Store>,
    /// The state admission checks against. Submitters read it briefly to find
    /// keys; only the sequencer writes it.
    pub state: RwLock<LogState>,
    /// The log's checkpoint key; none on a read-only copy (a mirror), which
    /// serves the checkpoints the log signed and never signs one itself.
    pub signer: Option<NoteSigner>,
    /// The key the log's checkpoints verify with.
    pub log_key: NoteVerifier,
    /// The size of the log as far as our own writes have made it durable
    /// (or as last read from the store): when it equals the sequencer's tree
    /// size, nothing of ours is in flight.
    pub durable: AtomicU64,
}

impl Shared {
    /// The admission state, to change it (the sequencer alone does). A
    /// poisoned lock is taken over: the state is rebuilt from the store after
    /// any failed write anyway.
    pub(crate) fn state_mut(&self) -> std::sync::RwLockWriteGuard<'_, LogState> {
        self.state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
