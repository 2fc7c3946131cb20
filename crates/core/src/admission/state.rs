//! The compact facts about the log that admission needs: who may sign with
//! which key, each author's last sequence number, and for every record its
//! kind, author and the few fields later records are checked against.

use crate::kinds::Kind;
use crate::kinds::charter::{Charter, Role};
use crate::kinds::common::Capability;
use crate::kinds::incident::Determination;
use crate::values::{ClauseId, MemberId, ParticipantId, Timestamp};
use ed25519_dalek::VerifyingKey;
use std::collections::{BTreeSet, HashMap};
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

/// What later records need to know about an earlier one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Facts {
    Plain,
    Incident {
        accused: Option<ParticipantId>,
    },
    Finding {
        incident: Hash,
        determination: Determination,
        responsible: Option<ParticipantId>,
    },
    DraftVersion {
        /// The `draft.propose` record that started this draft.
        draft: Hash,
        clauses: Vec<ClauseId>,
    },
    Position {
        draft: Hash,
        accepted: Vec<ClauseId>,
    },
    Determination {
        party: ParticipantId,
    },
    Decision,
    Message {
        to: Vec<ParticipantId>,
    },
    Commitment,
    Evidence {
        confidentiality: crate::kinds::evidence::Confidentiality,
    },
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub index: u64,
    /// The author's claimed time.
    pub time: Timestamp,
    pub kind: Kind,
    pub participant: ParticipantId,
    pub facts: Facts,
    /// For a confidential record: its sealed digest.
    pub sealed: Option<Hash>,
}

/// The log's state as admission sees it. Built only by admitting records in
/// order, so it is always the state some valid log prefix implies.
#[derive(Clone, Debug, Default)]
pub struct LogState {
    pub(super) charter: Option<Arc<Charter>>,
    pub(super) roles: HashMap<ParticipantId, Role>,
    pub(super) members: HashMap<MemberId, MemberState>,
    pub(super) records: HashMap<Hash, Entry>,
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
