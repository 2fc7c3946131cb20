//! Sessions the mediators host, and statements made in them or on their own.

use super::super::Rejection;
use super::super::state::{Facts, LogState};
use super::Author;
use crate::kinds::Kind;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::session::{SessionRecord, Statement};

impl LogState {
    pub(super) fn check_session_record(
        &self,
        b: &SessionRecord,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator (the host)")?;
        for a in &b.attendees {
            self.require_participant(&a.participant)?;
        }
        Ok(Facts::Plain)
    }

    pub(super) fn check_statement(
        &self,
        b: &Statement,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need(Capability::Sign)?;
        for p in &b.on_behalf_of {
            self.require_participant(p)?;
        }
        if let Some(s) = &b.session {
            self.referenced(s, "session", &[Kind::SessionRecord])?;
        }
        Ok(Facts::Plain)
    }
}
