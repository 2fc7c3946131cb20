//! Admission: the rules a record must satisfy, checked against the log's own
//! state before it is appended. A rejected record changes nothing; an
//! admitted one updates the state through `apply`, which cannot fail.

mod error;
mod rules;
mod state;

pub use error::Rejection;
pub use state::{Entry, Facts, KeyState, LogState, MemberState};

use crate::record::Record;

/// Whether signatures were already checked (e.g. in parallel, before the
/// sequencer) against the keys the state names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signatures {
    /// Verify every signature now.
    Verify,
    /// The caller verified each signature against the key `LogState::signing_keys` returned.
    AlreadyVerified,
}

impl LogState {
    /// Checks `record` and, if it is admissible, applies it.
    pub fn admit(&mut self, record: &Record) -> Result<(), Rejection> {
        self.admit_with(record, Signatures::Verify)
    }

    pub fn admit_with(&mut self, record: &Record, signatures: Signatures) -> Result<(), Rejection> {
        let facts = self.check(record, signatures)?;
        self.apply(record, facts);
        Ok(())
    }
}
