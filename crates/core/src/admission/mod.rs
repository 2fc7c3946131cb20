//! Admission: the rules a record must satisfy, checked against the log's own
//! state before it is appended. A rejected record changes nothing; an
//! admitted one updates the state through `apply`, which cannot fail.

mod check;
mod error;
mod rules;
mod state;
mod violation;

pub use error::Rejection;
pub use state::{Entry, Facts, KeyState, LogState, MemberState};
pub use violation::RuleViolation;

use crate::record::Record;

/// How admission treats signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signatures<'a> {
    /// Verify every signature now.
    Verify,
    /// The caller verified each signature (e.g. in parallel, before the
    /// sequencer) against these keys, in signature order; if the state now
    /// names other keys (a rotation came in between), they are verified again.
    VerifiedWith(&'a [ed25519_dalek::VerifyingKey]),
    /// Replaying the log's own store, whose records were verified when they
    /// were appended; `truce verify` is what re-checks them.
    TrustStore,
}
impl LogState {
    /// Checks `record` and, if it is admissible, applies it.
    pub fn admit(&mut self, record: &Record) -> Result<(), Rejection> {
        self.admit_with(record, Signatures::Verify)
    }

    pub fn admit_with(
        &mut self,
        record: &Record,
        signatures: Signatures<'_>,
    ) -> Result<(), Rejection> {
        let (facts, participant) = self.check(record, signatures)?;
        self.apply(record, facts, participant);
        Ok(())
    }
}
