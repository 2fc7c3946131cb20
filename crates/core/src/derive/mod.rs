//! Derived state: pure functions over records in log order, with "now"
//! passed in. Nothing here is stored; status is always recomputed from the
//! log, so it can never disagree with it.

pub mod case;
pub mod channel;
pub mod compliance;
pub mod draft;

use crate::kinds::charter::{Charter, Role};
use crate::kinds::{Body, Kind};
use crate::record::Record;
use crate::values::ParticipantId;
use std::collections::{BTreeSet, HashMap};
use truce_tlog::Hash;

/// A record with its position in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub index: u64,
    pub record: Record,
}

/// Indexes over a slice of logged records that every derivation needs.
pub struct LogView<'a> {
    pub records: &'a [Logged],
    pub charter: Option<&'a Charter>,
    by_hash: HashMap<Hash, &'a Logged>,
    participant_of: HashMap<&'a str, &'a ParticipantId>,
    signers: HashMap<Hash, BTreeSet<ParticipantId>>,
}

impl<'a> LogView<'a> {
    pub fn new(records: &'a [Logged]) -> Self {
        let charter = records.first().and_then(|l| match &l.record.body() {
            Body::Charter(c) => Some(c),
            _ => None,
        });
        let mut participant_of = HashMap::new();
        if let Some(c) = charter {
            for p in &c.participants {
                for m in &p.members {
                    participant_of.insert(m.id.as_str(), &p.id);
                }
            }
        }
        let mut by_hash = HashMap::new();
        for l in records {
            by_hash.insert(l.record.hash(), l);
            if let Body::MemberAdd(b) = &l.record.body() {
                participant_of.insert(b.member.id.as_str(), &b.participant);
            }
        }
        let mut view = Self {
            records,
            charter,
            by_hash,
            participant_of,
            signers: HashMap::new(),
        };
        for l in records {
            let target = match &l.record.body() {
                Body::Finding(_) | Body::ViolationDetermination(_) | Body::PenaltyDecision(_) => {
                    Some(l.record.hash())
                }
                Body::Concurrence(c) => Some(c.record),
                _ => None,
            };
            if let (Some(target), Some(p)) = (target, view.participant(&l.record).cloned()) {
                view.signers.entry(target).or_default().insert(p);
            }
        }
        view
    }

    pub fn get(&self, hash: &Hash) -> Option<&'a Logged> {
        self.by_hash.get(hash).copied()
    }

    /// The participant a record's author acts for.
    pub fn participant(&self, record: &Record) -> Option<&'a ParticipantId> {
        self.participant_of.get(record.author().as_str()).copied()
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a Logged> + '_ {
        self.records.iter().filter(move |l| l.record.kind() == kind)
    }

    pub fn parties(&self) -> Vec<&'a ParticipantId> {
        self.with_role(Role::Party)
    }

    pub fn mediators(&self) -> Vec<&'a ParticipantId> {
        self.with_role(Role::Mediator)
    }

    fn with_role(&self, role: Role) -> Vec<&'a ParticipantId> {
        self.charter
            .map(|c| {
                c.participants
                    .iter()
                    .filter(|p| p.role == role)
                    .map(|p| &p.id)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Mediator participants that have signed a finding, determination or decision.
    pub fn signers(&self, hash: &Hash) -> Vec<ParticipantId> {
        self.signers
            .get(hash)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub fn meets_threshold(&self, hash: &Hash) -> bool {
        let required = self.charter.map_or(usize::MAX, Charter::required_mediators);
        self.signers.get(hash).is_some_and(|s| s.len() >= required)
    }
}
