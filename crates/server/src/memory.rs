//! Giving memory back once start-up's big transient work is done.
//!
//! Building the query index (and, before it, replaying the log into the
//! admission state) parses every record and outgrows its columns, freeing as
//! much as it keeps. An allocator may hold freed memory for reuse rather than
//! return it (mimalloc 3 does, until the freeing thread allocates again), so
//! the server would sit on it. The allocator is the binary's choice, not the
//! server's: the binary says how to release memory, and the server says when.

use std::sync::OnceLock;

static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Sets how this process gives freed memory back to the system (once; later
/// calls change nothing).
pub fn set_release(release: fn()) {
    let _ = RELEASE.set(release);
}

/// Gives freed memory back, if the binary said how.
pub fn release() {
    if let Some(release) = RELEASE.get() {
        release();
    }
}
