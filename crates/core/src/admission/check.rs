//! The checks every record meets whatever its kind: the charter first and
//! only once, the log's origin, signatures by active keys, sequence numbers,
//! times and references. Each kind's own rules are in `rules/`.

use super::rules::Author;
use super::state::{Facts, LogState};
use super::{Rejection, RuleViolation, Signatures, parse_key_id};
use crate::kinds::charter::Role;
use crate::kinds::{Body, Kind};
use crate::record::Record;
use crate::values::ParticipantId;
use ed25519_dalek::VerifyingKey;

impl LogState {
    /// The keys a record's signatures must verify under, in signature order,
    /// as the current state says. Lets a caller verify signatures in parallel
    /// before handing the record to the single-threaded sequencer.
    pub fn signing_keys(&self, record: &Record) -> Result<Vec<VerifyingKey>, Rejection> {
        // The body's kind is the envelope's (`Body::parse`).
        if let Body::Charter(charter) = &record.body() {
            return super::rules::charter::signing_keys(charter, record);
        }
        let envelope = &record.signed().envelope;
        let signatures = record.signed().signatures.as_slice();
        if signatures.len() != 1 {
            return Err(Rejection::ExtraSignatures(record.kind()));
        }
        let mut keys = Vec::with_capacity(1);
        for s in signatures {
            if s.member != envelope.author {
                return Err(Rejection::AuthorMustSignFirst {
                    author: envelope.author.clone(),
                    found: s.member.clone(),
                });
            }
            let member = self
                .members
                .get(&s.member)
                .ok_or_else(|| Rejection::UnknownMember(s.member.clone()))?;
            if member.revoked {
                return Err(Rejection::RevokedMember(s.member.clone()));
            }
            let key = parse_key_id(&s.key)
                .and_then(|id| member.active_key(id))
                .ok_or_else(|| Rejection::InactiveKey {
                    member: s.member.clone(),
                    key: s.key.clone(),
                })?;
            keys.push(*key);
        }
        Ok(keys)
    }

    /// Checks every rule; on success returns what `apply` records and the
    /// participant the author acts for.
    pub(super) fn check(
        &self,
        record: &Record,
        signatures: Signatures,
    ) -> Result<(Facts, ParticipantId), Rejection> {
        let envelope = &record.signed().envelope;
        // The charter opens the log and nothing else may.
        match (self.charter.as_deref(), record.kind()) {
            (None, Kind::Charter) => {}
            (None, _) => return Err(Rejection::CharterFirst),
            (Some(_), Kind::Charter) => return Err(Rejection::SecondCharter),
            (Some(charter), _) => {
                if envelope.log.as_str() != charter.origin.as_str() {
                    return Err(Rejection::WrongLog {
                        expected: charter.origin.to_string(),
                        got: envelope.log.to_string(),
                    });
                }
                if envelope.time < charter.effective {
                    return Err(Rejection::BeforeCharter {
                        effective: charter.effective.to_string(),
                        got: envelope.time.to_string(),
                    });
                }
            }
        }

        let keys = self.signing_keys(record)?;
        let verify_now = match signatures {
            Signatures::Verify => true,
            Signatures::VerifiedWith(verified) => verified != keys.as_slice(),
            Signatures::TrustStore => false,
        };
        if verify_now {
            for (index, key) in keys.iter().enumerate() {
                record.verify_signature(index, key)?;
            }
        }

        if let Body::Charter(charter) = &record.body() {
            self.check_charter(record, charter)?;
            let founder = charter
                .participants
                .iter()
                .find(|p| p.members.iter().any(|m| m.id == envelope.author))
                .map(|p| p.id.clone())
                .ok_or_else(|| Rejection::UnknownMember(envelope.author.clone()))?;
            return Ok((Facts::Plain, founder));
        }

        let member = self
            .members
            .get(&envelope.author)
            .ok_or_else(|| Rejection::UnknownMember(envelope.author.clone()))?;
        let expected = member.last_seq + 1;
        if envelope.seq != expected {
            return Err(Rejection::Sequence {
                member: envelope.author.clone(),
                expected,
                got: envelope.seq,
            });
        }
        if let Some(previous) = member.last_time
            && envelope.time < previous
        {
            return Err(Rejection::TimeGoesBack {
                member: envelope.author.clone(),
                previous: previous.to_string(),
                got: envelope.time.to_string(),
            });
        }
        for r in &envelope.refs {
            let referenced = self.records.get(r).ok_or(Rejection::UnknownReference(*r))?;
            // Deadlines and lateness are computed from claimed times, so a
            // record may not claim to precede what it answers.
            if envelope.time < referenced.time {
                return Err(RuleViolation::PrecedesReference {
                    time: envelope.time,
                    referenced_index: referenced.index,
                    referenced_time: referenced.time,
                }
                .into());
            }
        }
        let role = self
            .roles
            .get(&member.participant)
            .copied()
            // Every member's participant has a role (the charter's, or its
            // adder's); were one missing, it would be no participant at all.
            .ok_or_else(|| RuleViolation::NotAParticipant(member.participant.clone()))?;
        if role == Role::Observer {
            return Err(Rejection::WrongRole {
                participant: member.participant.clone(),
                role,
                kind: record.kind(),
                needed: "party or mediator",
            });
        }
        let author = Author {
            id: &envelope.author,
            participant: member.participant.clone(),
            role,
            capabilities: &member.capabilities,
            kind: record.kind(),
        };
        if let Some(sealed) = &envelope.confidential {
            for reader in &sealed.readers {
                self.require_participant(reader)?;
            }
        }
        let facts = self.check_body(record, &author)?;
        Ok((facts, author.participant))
    }
}
