//! # truce-index
//!
//! An in-memory index over the log that answers the server's reads fast:
//! filtered, paged incident lists and statistics over up to a million
//! incidents, and the lookups the other pages need (records by kind, by hash,
//! the records about an incident, channel threads, drafts, evidence by
//! content digest).
//!
//! The server feeds it every admitted record in log order ([`Index::add`])
//! and queries it with "now" as a parameter. It is pure: no I/O, no clock,
//! no locking (the server wraps it as it likes). It stores no derived state
//! that could disagree with the log: a case's stage and response state are
//! computed at query time from the facts that decide them, through the rule
//! functions of `truce_core::derive::case` (the index keeps facts, core
//! decides; the tests also check the two derivations agree).
//!
//! It does not keep records or their full text: a summary carries what a list
//! shows, and only the first [`NARRATIVE_SEARCH_BYTES`] of a narrative are
//! searchable. The store has the records; the index says which to fetch.
//!
//! How a query runs: see `eval.rs`. Memory: see [`Index::heap_bytes`].
//!
//! `cargo bench -p truce-index` builds a million incidents (1.8 million
//! records with the case work on them) and times the server's queries on
//! one core. On the 2-core development machine: every filter's first page
//! under 10 ms at p99 except a text search over all million incidents
//! (about 20 ms p50, 27 ms p99: it reads every narrative start); about
//! 2 µs to add a record; about 500 bytes of heap per incident when titles
//! are all distinct (titles are kept as written and lower-cased, and
//! deduplicated, so repeated titles cost far less).

mod bits;
mod density;
mod eval;
mod grid;
mod incidents;
mod order;
mod packed;
mod pool;
mod query;
mod records;
mod room;
mod snapshot;
mod stats;
mod text;

pub use density::{DensityCell, MAX_CELL_E6, MAX_CELLS, MIN_CELL_E6};
pub use incidents::NARRATIVE_SEARCH_BYTES;
pub use query::{
    BoundingBox, Cursor, DEFAULT_LIMIT, Grouping, IncidentPage, IncidentQuery, IncidentSummary,
    MAX_LIMIT, PlaceSummary, QueryError, StatBucket, StatKey,
};
pub use snapshot::{SNAPSHOT_PARTS, SnapshotError};

use hashbrown::{HashMap, HashSet};
use incidents::{Incidents, NO_PARTY, Terms};
use records::Records;
use serde::{Deserialize, Serialize};
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::incident::DatasetEvent;
use truce_core::values::{MemberId, ParticipantId, Timestamp};
use truce_core::{Body, Hash, Kind, Record};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error(
        "record {got} arrived where record {expected} was due: feed every admitted record once, in log order, from index 0"
    )]
    OutOfOrder { expected: u64, got: u64 },
    #[error("the index holds at most 2^32 records")]
    Full,
}

/// The index. Build it with [`Index::new`] and feed it with [`Index::add`];
/// write it out with [`Index::write_snapshot`] and read it back with
/// [`Index::read_snapshot`], in parts (`snapshot.rs`), not through serde
/// whole.
#[derive(Debug, Default)]
pub struct Index {
    pub(crate) records: Records,
    pub(crate) incidents: Incidents,
    pub(crate) parties: Parties,
    pub(crate) terms: Terms,
    /// Findings (by log index) and the mediators that have signed them.
    findings: HashMap<u64, FindingFacts>,
    /// The channel's messages and receipts, kept by the core's own rules.
    channel: truce_core::derive::channel::Channel,
    /// Commitments, findings and what is decided on them, likewise.
    compliance: truce_core::derive::compliance::Compliance,
    /// Changes to what an incident list or statistic can show: see
    /// [`Index::incidents_version`].
    incidents_version: u64,
    /// The latest claimed time of the records fed (skipped ones aside).
    latest_time: Option<Timestamp>,
    /// The dataset events (ACLED, UCDP GED) reports were imported from, so
    /// that an import preview finds those already in the log without
    /// reading it.
    imported: HashSet<DatasetEvent>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FindingFacts {
    slot: u32,
    signers: Vec<u8>,
}

/// Participants by a one-byte id (a charter names at most 16), and the
/// participant each member acts for.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Parties {
    ids: Vec<ParticipantId>,
    by_id: HashMap<ParticipantId, u8>,
    members: HashMap<MemberId, u8>,
}

impl Parties {
    fn intern(&mut self, p: &ParticipantId) -> u8 {
        if let Some(&id) = self.by_id.get(p) {
            return id;
        }
        let Ok(id) = u8::try_from(self.ids.len()) else {
            return NO_PARTY;
        };
        if id == NO_PARTY {
            return NO_PARTY;
        }
        self.ids.push(p.clone());
        self.by_id.insert(p.clone(), id);
        id
    }

    pub(crate) fn lookup(&self, p: &ParticipantId) -> Option<u8> {
        self.by_id.get(p).copied()
    }

    pub(crate) fn get(&self, id: u8) -> Option<&ParticipantId> {
        self.ids.get(usize::from(id))
    }

    fn of_member(&self, m: &MemberId) -> u8 {
        self.members.get(m).copied().unwrap_or(NO_PARTY)
    }
}

impl Index {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes room for `additional` more records, shaped like those indexed
    /// so far (as many incidents per record, as much text per incident), so
    /// that a long build does not grow the columns: growing one copies it,
    /// and both copies are resident meanwhile (`room.rs`). Does nothing
    /// before the first record (there is nothing to go by) nor for fewer
    /// than an eighth of the records so far (the columns' next growth makes
    /// as much room). Changes nothing the index answers.
    pub fn reserve_records(&mut self, additional: u64) {
        let records = self.len();
        if records == 0 || additional <= records / 8 {
            return;
        }
        let room = room::Room::new(records, additional);
        self.records.reserve(room);
        self.incidents.reserve(room);
    }

    /// Whether a report in the log was imported from `event`.
    pub fn is_imported(&self, event: &DatasetEvent) -> bool {
        self.imported.contains(event)
    }

    /// Feeds the next admitted record. Records must come once each, in log
    /// order, from index 0; anything else is refused and changes nothing.
    /// Amortised O(log n).
    pub fn add(&mut self, index: u64, record: &Record) -> Result<(), IndexError> {
        self.add_parts(
            index,
            record.hash(),
            record.author(),
            record.time(),
            record.body(),
            record.signed().envelope.refs.as_slice(),
        )
    }

    /// What [`Index::add`] reads from a record, given separately. `add` calls
    /// it; the benchmark calls it to feed a million bodies without signing
    /// each. Like `add`, it trusts that the record was admitted.
    #[doc(hidden)]
    pub fn add_parts(
        &mut self,
        index: u64,
        hash: Hash,
        author: &MemberId,
        time: Timestamp,
        body: &Body,
        refs: &[Hash],
    ) -> Result<(), IndexError> {
        let expected = self.records.len();
        if index != expected {
            return Err(IndexError::OutOfOrder {
                expected,
                got: index,
            });
        }
        if u32::try_from(index).is_err() {
            return Err(IndexError::Full);
        }
        self.records.push(index, hash, body, refs);
        self.latest_time = self.latest_time.max(Some(time));
        let participant = self.parties.of_member(author);
        let author_participant = self.parties.get(participant);
        self.channel
            .apply(index, hash, time, body, author_participant);
        let (records, incidents) = (&self.records, &self.incidents);
        self.compliance
            .apply(hash, time, body, author_participant, |incident| {
                let slot = incidents.slot_of(records.index_of(incident)?)? as usize;
                Some(truce_core::derive::compliance::IncidentFacts {
                    incident_type: *incidents.kind.get(slot)?,
                    occurred: incidents::timestamp(*incidents.event_at.get(slot)?),
                    illustrative: incidents.rows.get(slot).is_some_and(|r| r.illustrative),
                })
            });
        // Anything about a case that says it is invented marks the case (a
        // report marks itself as it is added, below).
        if body.illustrative().is_some()
            && !matches!(body, Body::IncidentReport(_))
            && let Some(slot) = self
                .records
                .incident_of(index)
                .and_then(|i| self.incidents.slot_of(i))
            && self.incidents.mark_illustrative(slot)
        {
            self.incidents_version += 1;
        }
        match body {
            // As `LogView`: only the first record can be the charter.
            Body::Charter(c) if index == 0 => {
                for p in &c.participants {
                    let id = self.parties.intern(&p.id);
                    for m in &p.members {
                        self.parties.members.insert(m.id.clone(), id);
                    }
                }
                self.terms = Terms {
                    response_hours: c.deadlines.incident_response_hours,
                    required_mediators: c.required_mediators(),
                };
            }
            Body::MemberAdd(b) => {
                let id = self.parties.intern(&b.participant);
                self.parties.members.insert(b.member.id.clone(), id);
            }
            Body::IncidentReport(r) => {
                if let Some(event) = &r.imported_from {
                    self.imported.insert(event.clone());
                }
                let accused = r
                    .accused
                    .as_ref()
                    .map_or(NO_PARTY, |p| self.parties.intern(p));
                let deadline =
                    truce_core::derive::case::response_deadline(time, self.terms.response_hours);
                self.incidents
                    .add_report(index, deadline, participant, accused, r);
            }
            Body::IncidentResponse(b) => {
                if let Some(slot) = self.slot_of(&b.incident) {
                    self.incidents.update(slot, |case| {
                        // The first response in log order is the answer.
                        if case.response.is_none() {
                            case.response = Some(b.stance);
                            case.response_at = time.unix();
                        }
                    });
                }
            }
            Body::Investigation(b) => {
                if let Some(slot) = self.slot_of(&b.incident) {
                    self.incidents
                        .update(slot, |case| case.last_step = Some(b.step));
                }
            }
            Body::Finding(b) => {
                if let Some(slot) = self.slot_of(&b.incident) {
                    self.incidents.update(slot, |case| {
                        case.findings = case.findings.saturating_add(1);
                    });
                    self.findings.insert(
                        index,
                        FindingFacts {
                            slot,
                            signers: Vec::new(),
                        },
                    );
                    self.signed(index, participant);
                }
            }
            Body::Concurrence(b) => {
                if let Some(target) = self.records.index_of(&b.record) {
                    self.signed(target, participant);
                }
            }
            // Nothing an incident answer shows (every kind named, so that a
            // new one is decided here too; a charter past index 0 is refused
            // by admission and ignored here, as by `LogView`).
            Body::Charter(_)
            | Body::KeyRotate(_)
            | Body::MemberRevoke(_)
            | Body::IncidentLink(_)
            | Body::Remedy(_)
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
            | Body::ReportPublish(_) => return Ok(()),
        }
        // Every kind matched above can change an incident answer (the
        // charter's terms, a party's id, a case's facts).
        self.incidents_version += 1;
        Ok(())
    }

    /// Takes up the next log position without its record, for an index of
    /// the record as of a moment: a record claimed after that moment does not
    /// count, yet the positions of those claimed before it must stay the
    /// log's own. Nothing finds a skipped record. Sound only because
    /// admission refuses a record claimed before anything it refers to, so
    /// no record that counts refers to one skipped for its time.
    pub fn skip(&mut self, index: u64, kind: Kind) -> Result<(), IndexError> {
        let expected = self.records.len();
        if index != expected {
            return Err(IndexError::OutOfOrder {
                expected,
                got: index,
            });
        }
        if u32::try_from(index).is_err() {
            return Err(IndexError::Full);
        }
        self.records.skip(index, kind);
        Ok(())
    }

    /// The latest time claimed by a record fed (not skipped) so far.
    pub fn latest_time(&self) -> Option<Timestamp> {
        self.latest_time
    }

    fn slot_of(&self, incident: &Hash) -> Option<u32> {
        self.incidents.slot_of(self.records.index_of(incident)?)
    }

    /// A mediator participant signed finding `finding` (by authoring it or by
    /// a concurrence); the finding counts once the charter's threshold have.
    fn signed(&mut self, finding: u64, participant: u8) {
        if participant == NO_PARTY {
            return;
        }
        let Some(f) = self.findings.get_mut(&finding) else {
            return;
        };
        if f.signers.contains(&participant) {
            return;
        }
        f.signers.push(participant);
        // `max(1)`: a finding counts only once someone has signed it.
        if f.signers.len() == self.terms.required_mediators.max(1) {
            let slot = f.slot;
            self.incidents.update(slot, |case| {
                case.counting = case.counting.saturating_add(1);
            });
        }
    }

    /// A number that changes whenever a record changes what
    /// [`Index::incidents`] or [`Index::statistics`] can answer (a report,
    /// anything about a case, the charter, a member), and only then: two
    /// answers to the same query at the same version and the same "now" are
    /// the same, so the server may keep one and serve it again.
    pub fn incidents_version(&self) -> u64 {
        self.incidents_version
    }

    /// Records fed so far.
    pub fn len(&self) -> u64 {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.len() == 0
    }

    pub fn len_incidents(&self) -> usize {
        self.incidents.len()
    }

    /// The log index of the record with this hash.
    pub fn index_of(&self, hash: &Hash) -> Option<u64> {
        self.records.index_of(hash)
    }

    pub fn hash_of(&self, index: u64) -> Option<Hash> {
        self.records.hash_of(index)
    }

    pub fn kind_of(&self, index: u64) -> Option<Kind> {
        self.records.kind_of(index)
    }

    /// Log indexes of every record of `kind`, in log order.
    pub fn of_kind(&self, kind: Kind) -> &[u64] {
        self.records.of_kind(kind)
    }

    /// Records whose envelope refers to the record at `index`, in log order.
    pub fn referencing(&self, index: u64) -> Vec<u64> {
        self.records.referencing(index)
    }

    /// Everything about the record at `index`, for a case page: for an
    /// incident, its responses, investigation steps, findings with their
    /// concurrences, remedies, determinations and decisions, evidence filed
    /// for it or cited by any of these with its acknowledgments and the
    /// signed reads of it, and links naming it. Log order.
    pub fn case_records(&self, index: u64) -> Vec<u64> {
        self.records.about(index)
    }

    /// The thread (its first message) a channel message belongs to.
    pub fn thread_of(&self, message: u64) -> Option<u64> {
        self.records.thread_of(message)
    }

    /// A thread's messages, in log order (receipts: [`Index::referencing`]).
    pub fn thread(&self, root: u64) -> &[u64] {
        self.records.thread(root)
    }

    /// Every thread as (first message, latest message), latest activity first.
    pub fn threads(&self) -> Vec<(u64, u64)> {
        self.records.threads()
    }

    /// The channel: messages with their receipts, paged (see
    /// [`truce_core::derive::channel::Channel::page`]).
    pub fn channel(&self) -> &truce_core::derive::channel::Channel {
        &self.channel
    }

    /// Commitments and their compliance (see
    /// [`truce_core::derive::compliance::Compliance`]).
    pub fn compliance(&self) -> &truce_core::derive::compliance::Compliance {
        &self.compliance
    }

    /// The draft (its `draft.propose`) a version, position or signature belongs to.
    pub fn draft_of(&self, index: u64) -> Option<u64> {
        self.records.draft_of(index)
    }

    /// A draft's versions, positions and signatures, in log order.
    pub fn draft(&self, draft: u64) -> &[u64] {
        self.records.draft(draft)
    }

    /// Every draft (its `draft.propose`), in log order.
    pub fn drafts(&self) -> impl Iterator<Item = u64> + '_ {
        self.records.drafts()
    }

    /// `evidence.submit` records for a blob, in log order.
    pub fn evidence(&self, digest: &BlobDigest) -> &[u64] {
        self.records.evidence(digest)
    }

    /// An estimate of the heap the index holds, in bytes: capacities of its
    /// arrays and tables, not allocator overhead. Room reserved for records
    /// to come ([`Index::reserve_records`]) counts, though it is not resident
    /// until written.
    pub fn heap_bytes(&self) -> usize {
        self.records.heap_bytes()
            + self.incidents.heap_bytes()
            + self.findings.capacity() * (size_of::<(u64, FindingFacts)>() + 1)
    }
}
