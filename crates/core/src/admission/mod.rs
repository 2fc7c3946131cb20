//! Admission: the rules a record must satisfy, checked against the log's own
//! state before it is appended. A rejected record changes nothing; an
//! admitted one updates the state through `apply`, which cannot fail.

mod check;
mod error;
mod rules;
mod state;
mod violation;

pub use error::Rejection;
pub use state::{Entry, Facts, KeyState, LogState, MemberState, PositionFacts, VersionFacts};
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

    /// Admits `records` all or none, in order: each is checked against the
    /// state the ones before it leave, so a report may cite the evidence
    /// filed just before it in the same group. If one is refused, the ones
    /// before it are undone and nothing has changed. A group has one author
    /// and only kinds whose admission changes nothing but the author's
    /// sequence, time and the record itself (see `plain`), which is what
    /// makes the undo exact.
    pub fn admit_group(&mut self, records: &[(&Record, Signatures<'_>)]) -> Result<(), Rejection> {
        let Some((first, _)) = records.first() else {
            return Ok(());
        };
        let author = first.author();
        let in_group = |position: usize, rejection: Rejection| Rejection::InGroup {
            position,
            rejection: Box::new(rejection),
        };
        for (position, (record, _)) in records.iter().enumerate() {
            if record.author() != author {
                return Err(in_group(
                    position,
                    Rejection::GroupOfAuthors {
                        first: author.clone(),
                        other: record.author().clone(),
                    },
                ));
            }
            if !Self::plain(record.body()) {
                return Err(in_group(position, Rejection::NotGroupable(record.kind())));
            }
        }
        let size = self.size;
        let last = self.members.get(author).map(|m| (m.last_seq, m.last_time));
        for (position, (record, signatures)) in records.iter().enumerate() {
            match self.check(record, *signatures) {
                Ok((facts, participant)) => self.apply(record, facts, participant),
                Err(rejection) => {
                    self.records.truncate(size);
                    self.size = size;
                    if let (Some(member), Some((seq, time))) = (self.members.get_mut(author), last)
                    {
                        member.last_seq = seq;
                        member.last_time = time;
                    }
                    return Err(in_group(position, rejection));
                }
            }
        }
        Ok(())
    }
}

/// Key ids are exactly eight lowercase hex digits: one spelling only, since
/// the signature list is part of the leaf and a relay must not be able to
/// change a record's hash by respelling it.
fn parse_key_id(key: &str) -> Option<u32> {
    if key.len() != 8
        || !key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    u32::from_str_radix(key, 16).ok()
}
