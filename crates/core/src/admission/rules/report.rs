//! Publishing a report: by a mediator (the mechanism speaks through the
//! mediators), of a log prefix that exists, optionally as the public report
//! a penalty decision called for.

use super::super::state::{Facts, LogState};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::kinds::Kind;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::report::ReportPublish;

impl LogState {
    pub(super) fn check_report_publish(
        &self,
        b: &ReportPublish,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Find)?;
        // The report can only have been built from records already in the
        // log: a later size would cite what nobody can check yet.
        if b.checkpoint_size > self.size {
            return Err(RuleViolation::ReportBeyondLog {
                checkpoint_size: b.checkpoint_size,
                log_size: self.size,
            }
            .into());
        }
        if let Some(d) = &b.decision {
            self.referenced(d, "decision", &[Kind::PenaltyDecision])?;
        }
        Ok(Facts::Plain)
    }
}
