//! Facts about every record, not only incidents: its hash (and the way back
//! from a hash to the record), its kind, who refers to it, and the groupings
//! the server's pages are built from: channel threads, drafts, evidence by
//! content digest.

use crate::room::Room;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hash::BuildHasher;
use truce_core::kinds::common::BlobDigest;
use truce_core::per_record::Column;
use truce_core::{Body, Hash, Kind};

const NONE: u32 = u32::MAX;

#[derive(Debug, Serialize, Deserialize)]
struct Edge {
    referrer: u32,
    next: u32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Records {
    /// By log index.
    #[serde(with = "crate::packed::column")]
    hashes: Vec<Hash>,
    #[serde(with = "crate::packed::column")]
    kinds: Vec<Kind>,
    /// Log indexes, found through `hashes`: about five bytes an entry.
    /// Not written out: rebuilt from `hashes` ([`Records::rebuild_tables`]).
    #[serde(skip)]
    by_hash: HashTable<u32>,
    #[serde(skip)]
    hasher: DefaultHashBuilder,
    /// Not written out either: rebuilt from `kinds` (faster than reading a
    /// position per record back through serde).
    #[serde(skip)]
    by_kind: BTreeMap<Kind, Vec<u64>>,
    /// Who refers to whom, as one linked list per target threaded through
    /// `edges` (newest first): 4 bytes a record and 8 an edge, where a map of
    /// vectors cost about 50 bytes a target.
    #[serde(with = "crate::packed::column")]
    first_referrer: Vec<u32>,
    edges: Vec<Edge>,
    /// By log index: the record each record is about (see `subject`).
    #[serde(with = "crate::packed::column")]
    subjects: Vec<u32>,
    /// Channel message → the first message of its thread.
    thread_of: HashMap<u64, u64>,
    /// Thread (first message) → its messages, in log order.
    threads: BTreeMap<u64, Vec<u64>>,
    /// Draft record (version, position or signature) → the draft's `draft.propose`.
    draft_of: HashMap<u64, u64>,
    /// Draft → every version, position and signature on it, in log order.
    drafts: BTreeMap<u64, Vec<u64>>,
    evidence: HashMap<BlobDigest, Vec<u64>>,
    /// Record → the evidence records its body cites (a report's photographs
    /// are filed just before it, so they do not point at it: it points at them).
    cited: HashMap<u64, Vec<u64>>,
    /// Log indexes held as skipped (see `skip`), in order: empty but for an
    /// index of the record as of a moment.
    skipped: Vec<u64>,
}

/// The evidence a body cites by reference.
fn cited_evidence(body: &Body) -> &[Hash] {
    match body {
        Body::IncidentReport(b) => b.evidence.as_slice(),
        Body::IncidentResponse(b) => b.evidence.as_slice(),
        Body::Investigation(b) => b.evidence.as_slice(),
        Body::Finding(b) => b.evidence.as_slice(),
        // Every kind named, so that a new one is decided here too.
        Body::Charter(_)
        | Body::MemberAdd(_)
        | Body::KeyRotate(_)
        | Body::MemberRevoke(_)
        | Body::IncidentLink(_)
        | Body::Remedy(_)
        | Body::Concurrence(_)
        | Body::EvidenceSubmit(_)
        | Body::EvidenceAcknowledge(_)
        | Body::EvidenceAccess(_)
        | Body::CommitmentDeclare(_)
        | Body::DraftPropose(_)
        | Body::DraftAmend(_)
        | Body::DraftPosition(_)
        | Body::DraftSign(_)
        | Body::ViolationDetermination(_)
        | Body::PenaltyDecision(_)
        | Body::ViolationResponse(_)
        | Body::ChannelMessage(_)
        | Body::ChannelReceipt(_)
        | Body::SessionRecord(_)
        | Body::Statement(_)
        | Body::Disclosure(_)
        | Body::ReportPublish(_) => &[],
    }
}

/// The one record a record is chiefly about, when it has one: a response's
/// incident, a concurrence's finding, a receipt's message. A case page
/// gathers records by following these links down from the incident.
fn subject(body: &Body) -> Option<Hash> {
    match body {
        Body::IncidentResponse(b) => Some(b.incident),
        Body::Investigation(b) => Some(b.incident),
        Body::Finding(b) => Some(b.incident),
        Body::Remedy(b) => Some(b.finding),
        Body::Concurrence(b) => Some(b.record),
        Body::EvidenceSubmit(b) => b.incident,
        Body::EvidenceAcknowledge(b) => Some(b.evidence),
        Body::EvidenceAccess(b) => Some(b.evidence),
        Body::ViolationDetermination(b) => Some(b.finding),
        Body::PenaltyDecision(b) => Some(b.determination),
        Body::ViolationResponse(b) => Some(b.determination),
        Body::DraftAmend(b) => Some(b.previous),
        Body::DraftPosition(b) => Some(b.version),
        Body::DraftSign(b) => Some(b.version),
        Body::ChannelMessage(b) => b.reply_to,
        Body::ChannelReceipt(b) => Some(b.message),
        Body::Statement(b) => b.session,
        Body::Disclosure(b) => Some(b.record),
        Body::ReportPublish(b) => b.decision,
        // About several records, or about none: every kind named, so that a
        // new one is decided here too.
        Body::Charter(_)
        | Body::MemberAdd(_)
        | Body::KeyRotate(_)
        | Body::MemberRevoke(_)
        | Body::IncidentReport(_)
        | Body::IncidentLink(_)
        | Body::CommitmentDeclare(_)
        | Body::DraftPropose(_)
        | Body::SessionRecord(_) => None,
    }
}

impl Records {
    pub(crate) fn len(&self) -> u64 {
        self.hashes.len() as u64
    }

    pub(crate) fn index_of(&self, hash: &Hash) -> Option<u64> {
        let h = self.hasher.hash_one(hash.0);
        self.by_hash
            .find(h, |&i| self.hashes.get(i as usize) == Some(hash))
            .map(|&i| u64::from(i))
    }

    pub(crate) fn hash_of(&self, index: u64) -> Option<Hash> {
        if self.is_skipped(index) {
            return None;
        }
        self.hashes.get(usize::try_from(index).ok()?).copied()
    }

    pub(crate) fn kind_of(&self, index: u64) -> Option<Kind> {
        if self.is_skipped(index) {
            return None;
        }
        self.kinds.get(usize::try_from(index).ok()?).copied()
    }

    fn is_skipped(&self, index: u64) -> bool {
        !self.skipped.is_empty() && self.skipped.binary_search(&index).is_ok()
    }

    /// Takes up the log position `index` (which must be `self.len()`) without
    /// the record: nothing finds it by hash, kind, reference or subject. An
    /// index of the record as of a moment skips what was claimed later, so
    /// that the positions it answers with stay the log's own.
    pub(crate) fn skip(&mut self, index: u64, kind: Kind) {
        if u32::try_from(index).is_err() {
            return;
        }
        // A placeholder hash that `by_hash` never holds.
        self.hashes.push_kept(Hash([0; 32]));
        self.kinds.push_kept(kind);
        self.first_referrer.push_kept(NONE);
        self.subjects.push_kept(NONE);
        self.skipped.push(index);
    }

    /// Fills the hash → position table from `hashes` and the records by
    /// kind from `kinds`, after a snapshot is read back (the table hashes
    /// with a key of its process, so it is not written out). Skipped
    /// positions hold a placeholder hash and stay out of both.
    pub(crate) fn rebuild_tables(&mut self) {
        let (hashes, hasher) = (&self.hashes, &self.hasher);
        let mut table = HashTable::with_capacity(hashes.len());
        // By the kind's place in `Kind::ALL` (a map lookup a record would
        // cost a fifth of a second at ten million), sized exactly: these
        // are kept for the life of the process.
        let mut counts = vec![0; Kind::ALL.len()];
        for kind in &self.kinds {
            if let Some(n) = counts.get_mut(*kind as usize) {
                *n += 1;
            }
        }
        let mut by_kind: Vec<Vec<u64>> = counts.into_iter().map(Vec::with_capacity).collect();
        let mut skipped = self.skipped.iter().peekable();
        for (position, (hash, kind)) in hashes.iter().zip(&self.kinds).enumerate() {
            if skipped.next_if(|&&s| s == position as u64).is_some() {
                continue;
            }
            let Ok(position) = u32::try_from(position) else {
                break;
            };
            table.insert_unique(hasher.hash_one(hash.0), position, |&i| {
                hashes.get(i as usize).map_or(0, |h| hasher.hash_one(h.0))
            });
            if let Some(list) = by_kind.get_mut(*kind as usize) {
                list.push(u64::from(position));
            }
        }
        self.by_hash = table;
        self.by_kind = Kind::ALL
            .iter()
            .zip(by_kind)
            .filter(|(_, list)| !list.is_empty())
            .map(|(kind, list)| (*kind, list))
            .collect();
    }

    /// Makes room for more records (see `room.rs`).
    pub(crate) fn reserve(&mut self, room: Room) {
        room.column(&mut self.hashes);
        room.column(&mut self.kinds);
        room.column(&mut self.first_referrer);
        room.column(&mut self.edges);
        room.column(&mut self.subjects);
        for list in self.by_kind.values_mut() {
            room.column(list);
        }
        let (hashes, hasher) = (&self.hashes, &self.hasher);
        let _ = self
            .by_hash
            .try_reserve(room.for_len(self.by_hash.len()), |&i| {
                hashes.get(i as usize).map_or(0, |h| hasher.hash_one(h.0))
            });
    }

    /// Records the record at `index`, which must be `self.len()` and below 2³².
    pub(crate) fn push(&mut self, index: u64, hash: Hash, body: &Body, refs: &[Hash]) {
        let Ok(position) = u32::try_from(index) else {
            return;
        };
        self.hashes.push_kept(hash);
        self.kinds.push_kept(body.kind());
        let (hashes, hasher) = (&self.hashes, &self.hasher);
        self.by_hash
            .insert_unique(hasher.hash_one(hash.0), position, |&i| {
                hashes.get(i as usize).map_or(0, |h| hasher.hash_one(h.0))
            });
        self.by_kind
            .entry(body.kind())
            .or_default()
            .push_kept(index);

        self.first_referrer.push_kept(NONE);
        let mut seen = Vec::with_capacity(refs.len());
        for r in refs {
            if let Some(target) = self.index_of(r)
                && target < index
                && !seen.contains(&target)
                && let Some(first) = self.first_referrer.get_mut(target as usize)
                && let Ok(edge) = u32::try_from(self.edges.len())
            {
                seen.push(target);
                self.edges.push_kept(Edge {
                    referrer: position,
                    next: *first,
                });
                *first = edge;
            }
        }
        let cited: Vec<u64> = cited_evidence(body)
            .iter()
            .filter_map(|h| self.index_of(h))
            .filter(|&target| target < index)
            .collect();
        if !cited.is_empty() {
            self.cited.insert(index, cited);
        }
        let subject = subject(body).and_then(|h| self.index_of(&h));
        self.subjects
            .push_kept(subject.and_then(|s| u32::try_from(s).ok()).unwrap_or(NONE));

        match body {
            Body::ChannelMessage(_) => {
                // As `derive::channel`: a reply joins its message's thread.
                let root = subject
                    .and_then(|s| self.thread_of.get(&s).copied())
                    .unwrap_or(index);
                self.thread_of.insert(index, root);
                self.threads.entry(root).or_default().push(index);
            }
            Body::DraftPropose(_) => {
                self.draft_of.insert(index, index);
                self.drafts.entry(index).or_default().push(index);
            }
            Body::DraftAmend(_) | Body::DraftPosition(_) | Body::DraftSign(_) => {
                if let Some(draft) = subject.and_then(|s| self.draft_of.get(&s).copied()) {
                    self.draft_of.insert(index, draft);
                    self.drafts.entry(draft).or_default().push(index);
                }
            }
            Body::EvidenceSubmit(b) => self.evidence.entry(b.digest).or_default().push(index),
            // No thread, draft or blob to file under: every kind named, so
            // that a new one is decided here too.
            Body::Charter(_)
            | Body::MemberAdd(_)
            | Body::KeyRotate(_)
            | Body::MemberRevoke(_)
            | Body::IncidentReport(_)
            | Body::IncidentResponse(_)
            | Body::IncidentLink(_)
            | Body::Investigation(_)
            | Body::Finding(_)
            | Body::Remedy(_)
            | Body::Concurrence(_)
            | Body::EvidenceAcknowledge(_)
            | Body::EvidenceAccess(_)
            | Body::CommitmentDeclare(_)
            | Body::ViolationDetermination(_)
            | Body::PenaltyDecision(_)
            | Body::ViolationResponse(_)
            | Body::ChannelReceipt(_)
            | Body::SessionRecord(_)
            | Body::Statement(_)
            | Body::Disclosure(_)
            | Body::ReportPublish(_) => {}
        }
    }

    pub(crate) fn of_kind(&self, kind: Kind) -> &[u64] {
        self.by_kind.get(&kind).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn referencing(&self, index: u64) -> Vec<u64> {
        let mut out = Vec::new();
        let mut edge = usize::try_from(index)
            .ok()
            .and_then(|i| self.first_referrer.get(i))
            .copied()
            .unwrap_or(NONE);
        while let Some(e) = self.edges.get(edge as usize) {
            out.push(u64::from(e.referrer));
            edge = e.next;
        }
        out.reverse();
        out
    }

    /// Everything about `index`, followed down through subjects: for an
    /// incident, its responses, investigation steps, findings with their
    /// concurrences, remedies, determinations and decisions, evidence filed
    /// for it with its acknowledgments, and links naming it. Log order.
    pub(crate) fn about(&self, index: u64) -> Vec<u64> {
        let cited = |i: u64| self.cited.get(&i).map_or(&[][..], Vec::as_slice);
        let mut out: Vec<u64> = self.referencing(index);
        out.extend(
            cited(index)
                .iter()
                .filter(|e| !out.contains(e))
                .collect::<Vec<_>>(),
        );
        let mut next = 0;
        while let Some(&i) = out.get(next) {
            next += 1;
            for &evidence in cited(i) {
                if evidence != index && !out.contains(&evidence) {
                    out.push(evidence);
                }
            }
            for part in self.referencing(i) {
                let about_i = usize::try_from(part)
                    .ok()
                    .and_then(|p| self.subjects.get(p))
                    .is_some_and(|&s| u64::from(s) == i);
                if about_i && !out.contains(&part) {
                    out.push(part);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The incident report a record is ultimately about, following what each
    /// record is about (a concurrence → a determination → a finding → its
    /// incident); the report itself for a report.
    pub(crate) fn incident_of(&self, index: u64) -> Option<u64> {
        let mut at = index;
        // Deeper than any chain of kinds (a receipt is not about an incident).
        for _ in 0..8 {
            if self.kind_of(at)? == Kind::IncidentReport {
                return Some(at);
            }
            let next = *self.subjects.get(usize::try_from(at).ok()?)?;
            if next == NONE {
                return None;
            }
            at = u64::from(next);
        }
        None
    }

    pub(crate) fn thread_of(&self, message: u64) -> Option<u64> {
        self.thread_of.get(&message).copied()
    }

    pub(crate) fn thread(&self, root: u64) -> &[u64] {
        self.threads.get(&root).map_or(&[], Vec::as_slice)
    }

    /// Threads, the one with the latest message first.
    pub(crate) fn threads(&self) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = self
            .threads
            .iter()
            .filter_map(|(&root, messages)| Some((root, *messages.last()?)))
            .collect();
        out.sort_unstable_by_key(|t| std::cmp::Reverse(t.1));
        out
    }

    pub(crate) fn draft_of(&self, index: u64) -> Option<u64> {
        self.draft_of.get(&index).copied()
    }

    pub(crate) fn draft(&self, draft: u64) -> &[u64] {
        self.drafts.get(&draft).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn drafts(&self) -> impl Iterator<Item = u64> + '_ {
        self.drafts.keys().copied()
    }

    pub(crate) fn evidence(&self, digest: &BlobDigest) -> &[u64] {
        self.evidence.get(digest).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        fn lists<K>(m: impl Iterator<Item = (K, usize)>, entry: usize) -> usize {
            m.map(|(_, cap)| entry + cap * size_of::<u64>()).sum()
        }
        self.hashes.capacity() * size_of::<Hash>()
            + self.kinds.capacity() * size_of::<Kind>()
            + self.by_hash.capacity() * (size_of::<u32>() + 1)
            + self.by_kind.values().map(Vec::capacity).sum::<usize>() * size_of::<u64>()
            + self.first_referrer.capacity() * size_of::<u32>()
            + self.edges.capacity() * size_of::<Edge>()
            + self.subjects.capacity() * size_of::<u32>()
            + self.thread_of.capacity() * 17
            + lists(self.threads.iter().map(|(k, v)| (k, v.capacity())), 48)
            + self.draft_of.capacity() * 17
            + lists(self.drafts.iter().map(|(k, v)| (k, v.capacity())), 48)
            + lists(self.evidence.iter().map(|(k, v)| (k, v.capacity())), 64)
            + lists(self.cited.iter().map(|(k, v)| (k, v.capacity())), 40)
            + self.skipped.capacity() * size_of::<u64>()
    }
}
