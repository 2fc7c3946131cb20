//! Disclosure: the filer of a confidential part opens it to everyone.

use super::super::state::{Facts, LogState};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::sealed::Disclosure;

impl LogState {
    pub(super) fn check_disclosure(
        &self,
        b: &Disclosure,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        let target = self
            .records
            .get(&b.record)
            .ok_or(Rejection::UnknownReference(b.record))?;
        if target.participant != author.participant {
            return Err(RuleViolation::DisclosureNotByFiler.into());
        }
        let digest = *target
            .sealed
            .as_deref()
            .ok_or(RuleViolation::NothingToDisclose)?;
        if b.opening.digest().map_err(RuleViolation::OpeningInvalid)? != digest {
            return Err(RuleViolation::DisclosureMismatch.into());
        }
        Ok(Facts::Plain)
    }
}
