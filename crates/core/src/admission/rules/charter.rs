//! The charter: the first record, signed by every founding participant.

use super::super::parse_key_id;
use super::super::state::{KeyState, LogState, MemberState};
use super::super::{Rejection, RuleViolation};
use crate::kinds::charter::{Charter, Role};
use crate::record::Record;
use crate::values::{MemberId, ParticipantId};
use ed25519_dalek::VerifyingKey;
use std::collections::BTreeSet;
use std::sync::Arc;
use truce_tlog::Hash;

/// The keys a charter's signatures must verify under: the ones the charter
/// itself names for each signing member.
pub(in crate::admission) fn signing_keys(
    charter: &Charter,
    record: &Record,
) -> Result<Vec<VerifyingKey>, Rejection> {
    let envelope = &record.signed().envelope;
    let mut keys = Vec::new();
    for (index, s) in record.signed().signatures.iter().enumerate() {
        if index == 0 && s.member != envelope.author {
            return Err(Rejection::AuthorMustSignFirst {
                author: envelope.author.clone(),
                found: s.member.clone(),
            });
        }
        let spec = charter
            .participants
            .iter()
            .flat_map(|p| p.members.iter())
            .find(|m| m.id == s.member)
            .ok_or_else(|| Rejection::UnknownMember(s.member.clone()))?;
        if parse_key_id(&s.key) != Some(spec.key.key_id()) {
            return Err(Rejection::InactiveKey {
                member: s.member.clone(),
                key: s.key.clone(),
            });
        }
        keys.push(*spec.key.verifier().verifying_key());
    }
    Ok(keys)
}

impl LogState {
    pub(in crate::admission) fn check_charter(
        &self,
        record: &Record,
        charter: &Charter,
    ) -> Result<(), Rejection> {
        let envelope = &record.signed().envelope;
        if self.size != 0 {
            return Err(Rejection::SecondCharter);
        }
        if envelope.log.as_str() != charter.origin.as_str() {
            return Err(Rejection::WrongLog {
                expected: charter.origin.to_string(),
                got: envelope.log.to_string(),
            });
        }
        if envelope.seq != 1 {
            return Err(Rejection::Sequence {
                member: envelope.author.clone(),
                expected: 1,
                got: envelope.seq,
            });
        }
        if !envelope.refs.is_empty() {
            return Err(RuleViolation::CharterReferences.into());
        }
        let signed_for: BTreeSet<&ParticipantId> = record
            .signed()
            .signatures
            .iter()
            .filter_map(|s| {
                charter
                    .participants
                    .iter()
                    .find(|p| p.members.iter().any(|m| m.id == s.member))
                    .map(|p| &p.id)
            })
            .collect();
        for p in charter
            .participants
            .iter()
            .filter(|p| p.role != Role::Observer)
        {
            if !signed_for.contains(&p.id) {
                return Err(RuleViolation::CharterNotSignedBy(p.id.clone()).into());
            }
        }
        if signed_for.len() != record.signed().signatures.len() {
            return Err(RuleViolation::CharterSignedTwiceForOne.into());
        }
        // One order only (the author, then the others in the charter's order
        // of participants), so nobody can change the leaf by reordering.
        let position = |member: &MemberId| {
            charter
                .participants
                .iter()
                .position(|p| p.members.iter().any(|m| &m.id == member))
        };
        let cosigners: Vec<Option<usize>> = record
            .signed()
            .signatures
            .iter()
            .skip(1)
            .map(|s| position(&s.member))
            .collect();
        if cosigners.windows(2).any(|w| w.first() >= w.get(1)) {
            return Err(RuleViolation::CharterSignatureOrder.into());
        }
        Ok(())
    }

    pub(super) fn apply_charter(&mut self, charter: &Charter, hash: Hash) {
        for p in &charter.participants {
            self.roles.insert(p.id.clone(), p.role);
            for m in &p.members {
                self.members.insert(
                    m.id.clone(),
                    MemberState {
                        participant: p.id.clone(),
                        capabilities: m.capabilities.iter().copied().collect(),
                        keys: vec![KeyState {
                            key_id: m.key.key_id(),
                            key: *m.key.verifier().verifying_key(),
                            active: true,
                            granted_by: hash,
                        }],
                        revoked: false,
                        last_seq: 0,
                        last_time: None,
                    },
                );
            }
        }
        self.charter = Some(Arc::new(charter.clone()));
    }
}
