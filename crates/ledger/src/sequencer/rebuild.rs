//! After a failed write, memory is ahead of the disk: the writer asks
//! admission to rebuild the state from the store, and waits until it has
//! tried.

use crate::submission::SubmitError;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::Duration;

/// How the writer asks admission to rebuild its state from the store, and
/// learns that it has tried.
#[derive(Default)]
pub(super) struct Rebuild {
    pub(super) wanted: AtomicBool,
    /// Rebuilds attempted, whether they succeeded or not.
    pub(super) attempts: AtomicU64,
}

/// The answer to records admitted on top of a batch whose write failed.
pub(super) fn built_on_failed() -> SubmitError {
    SubmitError::Unavailable {
        reason: "an earlier batch this one builds on could not be written".into(),
        cause: None,
    }
}

/// How often admission looks for a rebuild the writer asked for.
pub(super) const REBUILD_POLL: Duration = Duration::from_millis(5);
/// How long the writer waits for a rebuild before answering anyway.
pub(super) const REBUILD_WAIT: Duration = Duration::from_secs(60);
