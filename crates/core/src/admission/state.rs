//! The compact facts about the log that admission needs: who may sign with
//! which key, each author's last sequence number, and for every record its
//! kind, author and the few fields later records are checked against.

use crate::kinds::Kind;
use crate::kinds::charter::{Charter, Role};
use crate::kinds::common::Capability;
use crate::kinds::incident::Determination;
use crate::per_record::Column;
use crate::values::{ClauseId, MemberId, ParticipantId, Timestamp};
use ed25519_dalek::VerifyingKey;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;
use truce_tlog::Hash;

#[derive(Clone, Debug)]
pub struct KeyState {
    pub key_id: u32,
    pub key: VerifyingKey,
    pub active: bool,
    /// The record that granted this key (charter, `member.add`, `member.rotate_key`).
    pub granted_by: Hash,
}

#[derive(Clone, Debug)]
pub struct MemberState {
    pub participant: ParticipantId,
    pub capabilities: Vec<Capability>,
    pub keys: Vec<KeyState>,
    pub revoked: bool,
    pub last_seq: u64,
    pub last_time: Option<Timestamp>,
}

impl MemberState {
    pub fn active_key(&self, key_id: u32) -> Option<&VerifyingKey> {
        self.keys
            .iter()
            .find(|k| k.active && k.key_id == key_id)
            .map(|k| &k.key)
    }
    pub fn can(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }
}

/// What later records need to know about an earlier one. Kept for every
/// record, so it is small (24 bytes): the rare kinds with more to keep box it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Facts {
    Plain,
    Incident {
        accused: Option<ParticipantId>,
    },
    Finding {
        determination: Determination,
        responsible: Option<ParticipantId>,
    },
    DraftVersion(Box<VersionFacts>),
    Position(Box<PositionFacts>),
    Determination {
        party: ParticipantId,
    },
    Decision,
    Message {
        to: Box<[ParticipantId]>,
    },
    Commitment,
    Evidence {
        confidentiality: crate::kinds::evidence::Confidentiality,
    },
}

/// A draft version's facts: its draft and its clauses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionFacts {
    /// The `draft.propose` record that started this draft.
    pub draft: Hash,
    pub clauses: Vec<ClauseId>,
}

/// A position's facts: its draft and the clauses it accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PositionFacts {
    pub draft: Hash,
    pub accepted: Vec<ClauseId>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub index: u64,
    /// The author's claimed time.
    pub time: Timestamp,
    pub kind: Kind,
    /// The author's participant: shared with the member's state, not a copy.
    pub participant: ParticipantId,
    pub facts: Facts,
    /// For a confidential record: its sealed digest (boxed: most records
    /// have none, and an inline one would add 33 bytes to every entry).
    pub sealed: Option<Box<Hash>>,
}

/// Every admitted record's entry, in log order, found by hash. The hashes
/// sit in their own vector and the table holds only positions into it:
/// the map from hash to entry this replaces cost about 240 bytes a record
/// (heaptrack, 200,000 records), these about 130.
#[derive(Clone, Debug, Default)]
pub(super) struct Entries {
    hashes: Vec<Hash>,
    entries: Vec<Entry>,
    by_hash: HashTable<u64>,
    hasher: DefaultHashBuilder,
}

impl Entries {
    pub(super) fn get(&self, hash: &Hash) -> Option<&Entry> {
        let at = self.position(hash)?;
        self.entries.get(usize::try_from(at).ok()?)
    }

    fn position(&self, hash: &Hash) -> Option<u64> {
        let h = self.hasher.hash_one(hash.0);
        self.by_hash
            .find(h, |&at| self.hash_at(at) == Some(hash))
            .copied()
    }

    fn hash_at(&self, at: u64) -> Option<&Hash> {
        self.hashes.get(usize::try_from(at).ok()?)
    }

    pub(super) fn len(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Adds the entry of a record not yet held (`check` refuses a record
    /// already in the log).
    pub(super) fn push(&mut self, hash: Hash, entry: Entry) {
        let at = self.len();
        self.hashes.push_kept(hash);
        self.entries.push_kept(entry);
        let (hashes, hasher) = (&self.hashes, &self.hasher);
        self.by_hash
            .insert_unique(hasher.hash_one(hash.0), at, |&at| {
                usize::try_from(at)
                    .ok()
                    .and_then(|at| hashes.get(at))
                    .map_or(0, |h| hasher.hash_one(h.0))
            });
    }

    /// Makes room for `additional` more entries without growing, where the
    /// allocator grants it: a room it refuses (a size no log reaches, from
    /// a store that is corrupt, say) is left for the columns to grow into.
    fn reserve(&mut self, additional: usize) {
        if self.hashes.try_reserve_exact(additional).is_err()
            || self.entries.try_reserve_exact(additional).is_err()
        {
            return;
        }
        let (hashes, hasher) = (&self.hashes, &self.hasher);
        let _ = self.by_hash.try_reserve(additional, |&at| {
            usize::try_from(at)
                .ok()
                .and_then(|at| hashes.get(at))
                .map_or(0, |h| hasher.hash_one(h.0))
        });
    }

    /// Forgets every entry from position `len` on (undoing a group).
    pub(super) fn truncate(&mut self, len: u64) {
        while self.len() > len {
            let Some(hash) = self.hashes.pop() else {
                break;
            };
            self.entries.pop();
            let at = self.len();
            if let Ok(found) = self
                .by_hash
                .find_entry(self.hasher.hash_one(hash.0), |&p| p == at)
            {
                found.remove();
            }
        }
    }
}

/// The log's state as admission sees it. Built only by admitting records in
/// order, so it is always the state some valid log prefix implies.
#[derive(Clone, Debug, Default)]
pub struct LogState {
    pub(super) charter: Option<Arc<Charter>>,
    pub(super) roles: HashMap<ParticipantId, Role>,
    pub(super) members: HashMap<MemberId, MemberState>,
    pub(super) records: Entries,
    /// Mediator participants that signed each threshold record (finding,
    /// determination, decision): its author's and every concurrence.
    pub(super) signers: HashMap<Hash, BTreeSet<ParticipantId>>,
    /// The latest version of each draft, keyed by the draft's first version.
    pub(super) latest_version: HashMap<Hash, Hash>,
    /// Who signed which version, in what capacity.
    pub(super) draft_signatures: HashMap<Hash, BTreeSet<(ParticipantId, bool)>>,
    pub(super) size: u64,
}

impl LogState {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes room for `additional` more records, so that admitting that
    /// many never grows the columns kept per record: growing one copies it
    /// into a new allocation, and both are resident while it is copied.
    /// Replaying ten million records, the columns' last growths each held
    /// 0.5–0.8 GB more for a second or two, and set the server's peak while
    /// starting (4.4 GiB, against 3.7 GiB once open).
    pub fn reserve_records(&mut self, additional: u64) {
        self.records
            .reserve(usize::try_from(additional).unwrap_or(usize::MAX));
    }

    /// Number of records admitted.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn charter(&self) -> Option<&Charter> {
        self.charter.as_deref()
    }

    pub fn member(&self, id: &MemberId) -> Option<&MemberState> {
        self.members.get(id)
    }

    pub fn members(&self) -> impl Iterator<Item = (&MemberId, &MemberState)> {
        self.members.iter()
    }

    pub fn role(&self, participant: &ParticipantId) -> Option<Role> {
        self.roles.get(participant).copied()
    }

    pub fn entry(&self, hash: &Hash) -> Option<&Entry> {
        self.records.get(hash)
    }

    /// The log's own copy of a participant's id (the key of its role), so
    /// that the facts kept for every record share one id rather than each
    /// holding the copy its record was parsed into.
    pub(super) fn known(&self, participant: &ParticipantId) -> ParticipantId {
        self.roles
            .get_key_value(participant)
            .map_or_else(|| participant.clone(), |(id, _)| id.clone())
    }

    /// The next sequence number `member` must use.
    pub fn next_seq(&self, member: &MemberId) -> u64 {
        self.members.get(member).map_or(1, |m| m.last_seq + 1)
    }

    /// Whether a finding, determination or decision has reached the charter's threshold.
    pub fn meets_threshold(&self, record: &Hash) -> bool {
        let required = self
            .charter
            .as_deref()
            .map_or(usize::MAX, Charter::required_mediators);
        self.signers
            .get(record)
            .is_some_and(|s| s.len() >= required)
    }

    pub fn threshold_signers(&self, record: &Hash) -> Option<&BTreeSet<ParticipantId>> {
        self.signers.get(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The state keeps one entry per record for the life of the server, so
    /// its size is memory per record (issue 16's budget is 429 bytes a
    /// record for everything): a field that grows it should be a choice.
    #[test]
    fn an_entry_stays_small() {
        assert!(
            size_of::<Facts>() <= 24,
            "Facts: {} bytes",
            size_of::<Facts>()
        );
        assert!(
            size_of::<Entry>() <= 80,
            "Entry: {} bytes",
            size_of::<Entry>()
        );
    }

    #[test]
    fn entries_are_found_by_hash_and_undone_from_the_end() {
        let entry = |index| Entry {
            index,
            time: Timestamp::EPOCH,
            kind: Kind::IncidentReport,
            participant: ParticipantId::parse("pakistan").unwrap(),
            facts: Facts::Plain,
            sealed: None,
        };
        let mut entries = Entries::default();
        for i in 0..100u8 {
            entries.push(Hash([i; 32]), entry(u64::from(i)));
        }
        assert_eq!(entries.get(&Hash([42; 32])).map(|e| e.index), Some(42));
        entries.truncate(40);
        assert_eq!(entries.len(), 40);
        assert!(entries.get(&Hash([42; 32])).is_none());
        assert_eq!(entries.get(&Hash([39; 32])).map(|e| e.index), Some(39));
        entries.push(Hash([42; 32]), entry(40));
        assert_eq!(entries.get(&Hash([42; 32])).map(|e| e.index), Some(40));
    }
}
