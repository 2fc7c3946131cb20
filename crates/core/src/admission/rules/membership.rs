//! Members: added by their participant's admin, their keys rotated, revoked.

use super::super::state::{Facts, KeyState, LogState, MemberState};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::membership::{KeyRotate, MemberAdd, MemberRevoke};
use crate::values::MemberId;
use truce_tlog::Hash;

impl LogState {
    pub(super) fn check_member_add(
        &self,
        b: &MemberAdd,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need(Capability::Admin)?;
        if b.participant != author.participant {
            return Err(RuleViolation::MemberAddToOtherParticipant {
                author: author.id.clone(),
                own: author.participant.clone(),
                target: b.participant.clone(),
            }
            .into());
        }
        if self.members.contains_key(&b.member.id) {
            return Err(RuleViolation::MemberIdTaken(b.member.id.clone()).into());
        }
        if b.member.capabilities.iter().any(|c| *c == Capability::Find)
            && author.role != Role::Mediator
        {
            return Err(RuleViolation::FindOnlyForMediators.into());
        }
        Ok(Facts::Plain)
    }

    pub(super) fn check_key_rotate(
        &self,
        b: &KeyRotate,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        let target = self.member_for_admin(author, &b.member)?;
        if b.new_key.name() != b.member.as_str() {
            return Err(RuleViolation::NewKeyName(b.member.clone()).into());
        }
        if target.keys.iter().any(|k| k.key_id == b.new_key.key_id()) {
            return Err(RuleViolation::NewKeyUsedBefore.into());
        }
        Ok(Facts::Plain)
    }

    pub(super) fn check_member_revoke(
        &self,
        b: &MemberRevoke,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        self.member_for_admin(author, &b.member)?;
        Ok(Facts::Plain)
    }

    /// A member changes its own keys; an admin, those of its participant's members.
    fn member_for_admin(
        &self,
        author: &Author<'_>,
        target: &MemberId,
    ) -> Result<&MemberState, Rejection> {
        let state = self
            .members
            .get(target)
            .ok_or_else(|| Rejection::UnknownMember(target.clone()))?;
        if state.revoked {
            return Err(Rejection::RevokedMember(target.clone()));
        }
        let is_self = target == author.id;
        let is_admin = author.capabilities.contains(&Capability::Admin)
            && state.participant == author.participant;
        if !(is_self || is_admin) {
            return Err(RuleViolation::MemberChangeNotPermitted(author.id.clone()).into());
        }
        Ok(state)
    }

    pub(super) fn apply_member_add(&mut self, b: &MemberAdd, hash: Hash) {
        self.members.insert(
            b.member.id.clone(),
            MemberState {
                participant: b.participant.clone(),
                capabilities: b.member.capabilities.iter().copied().collect(),
                keys: vec![KeyState {
                    key_id: b.member.key.key_id(),
                    key: *b.member.key.verifier().verifying_key(),
                    active: true,
                    granted_by: hash,
                }],
                revoked: false,
                last_seq: 0,
                last_time: None,
            },
        );
    }

    pub(super) fn apply_key_rotate(&mut self, b: &KeyRotate, hash: Hash) {
        if let Some(m) = self.members.get_mut(&b.member) {
            for k in &mut m.keys {
                k.active = false;
            }
            m.keys.push(KeyState {
                key_id: b.new_key.key_id(),
                key: *b.new_key.verifier().verifying_key(),
                active: true,
                granted_by: hash,
            });
        }
    }

    pub(super) fn apply_member_revoke(&mut self, b: &MemberRevoke) {
        if let Some(m) = self.members.get_mut(&b.member) {
            m.revoked = true;
            for k in &mut m.keys {
                k.active = false;
            }
        }
    }
}
