//! Commitments: a participant declares what it undertakes, to whom.

use super::super::Rejection;
use super::super::state::{Facts, LogState};
use super::Author;
use crate::kinds::commitment::CommitmentDeclare;
use crate::kinds::common::Capability;

impl LogState {
    pub(super) fn check_commitment_declare(
        &self,
        b: &CommitmentDeclare,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need(Capability::Sign)?;
        for p in &b.to {
            self.require_participant(p)?;
        }
        Ok(Facts::Commitment)
    }
}
