//! Each kind's own rules, one file per family of kinds (as in `kinds/`):
//! `check_*` decides whether a record may enter and what later records need
//! to know of it, `apply_*` records that. Both dispatches below name every
//! kind, so a new kind does not compile until it is decided here.

pub(super) mod channel;
pub(super) mod charter;
pub(super) mod commitment;
pub(super) mod consequence;
pub(super) mod disclosure;
pub(super) mod draft;
pub(super) mod evidence;
pub(super) mod incident;
pub(super) mod membership;
pub(super) mod report;
pub(super) mod session;

use super::Rejection;
use super::RuleViolation;
use super::state::{Entry, Facts, LogState};
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::{Body, Kind};
use crate::record::Record;
use crate::values::{MemberId, ParticipantId};
use truce_tlog::Hash;

/// The author of a record being checked, as the log knows it.
pub(in crate::admission) struct Author<'a> {
    pub id: &'a MemberId,
    pub participant: ParticipantId,
    pub role: Role,
    pub capabilities: &'a [Capability],
    /// The kind of the record, for refusals that name it.
    pub kind: Kind,
}

impl Author<'_> {
    fn need(&self, capability: Capability) -> Result<(), Rejection> {
        if self.capabilities.contains(&capability) {
            Ok(())
        } else {
            Err(Rejection::capability(self.id, capability, self.kind))
        }
    }

    fn need_any(&self, capabilities: &[Capability]) -> Result<(), Rejection> {
        if capabilities.iter().any(|c| self.capabilities.contains(c)) {
            Ok(())
        } else {
            Err(Rejection::MissingAnyCapability {
                member: self.id.clone(),
                capabilities: capabilities.to_vec(),
                kind: self.kind,
            })
        }
    }

    fn need_role(&self, role: Role, needed: &'static str) -> Result<(), Rejection> {
        if self.role == role {
            Ok(())
        } else {
            Err(Rejection::WrongRole {
                participant: self.participant.clone(),
                role: self.role,
                kind: self.kind,
                needed,
            })
        }
    }
}

impl LogState {
    /// The rules of the record's kind; what later records need to know of it.
    pub(super) fn check_body(
        &self,
        record: &Record,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        match &record.body() {
            // `check` admits a charter only as the first record.
            Body::Charter(_) => Err(Rejection::SecondCharter),
            Body::MemberAdd(b) => self.check_member_add(b, author),
            Body::KeyRotate(b) => self.check_key_rotate(b, author),
            Body::MemberRevoke(b) => self.check_member_revoke(b, author),
            Body::IncidentReport(b) => self.check_incident_report(b, author),
            Body::IncidentResponse(b) => self.check_incident_response(b, author),
            Body::IncidentLink(b) => self.check_incident_link(b, author),
            Body::Investigation(b) => self.check_investigation(b, author),
            Body::Finding(b) => self.check_finding(b, author),
            Body::Remedy(b) => self.check_remedy(b, author),
            Body::Concurrence(b) => self.check_concurrence(b, author),
            Body::EvidenceSubmit(b) => self.check_evidence_submit(b, author),
            Body::EvidenceAcknowledge(b) => self.check_evidence_acknowledge(b, author),
            Body::EvidenceAccess(b) => self.check_evidence_access(b, author),
            Body::CommitmentDeclare(b) => self.check_commitment_declare(b, author),
            Body::DraftPropose(b) => self.check_draft_propose(b, author, record.hash()),
            Body::DraftAmend(b) => self.check_draft_amend(b, author),
            Body::DraftPosition(b) => self.check_draft_position(b, author),
            Body::DraftSign(b) => self.check_draft_sign(b, author),
            Body::ViolationDetermination(b) => self.check_violation_determination(b, author),
            Body::PenaltyDecision(b) => self.check_penalty_decision(b, author),
            Body::ViolationResponse(b) => self.check_violation_response(b, author),
            Body::ChannelMessage(b) => self.check_channel_message(b, author),
            Body::ChannelReceipt(b) => self.check_channel_receipt(b, author),
            Body::SessionRecord(b) => self.check_session_record(b, author),
            Body::Statement(b) => self.check_statement(b, author),
            Body::Disclosure(b) => self.check_disclosure(b, author),
            Body::ReportPublish(b) => self.check_report_publish(b, author),
        }
    }

    /// Applies an admitted record (`check` passed), which cannot fail.
    pub(super) fn apply(&mut self, record: &Record, facts: Facts, participant: ParticipantId) {
        let hash = record.hash();
        match &record.body() {
            Body::Charter(b) => self.apply_charter(b, hash),
            Body::MemberAdd(b) => self.apply_member_add(b, hash),
            Body::KeyRotate(b) => self.apply_key_rotate(b, hash),
            Body::MemberRevoke(b) => self.apply_member_revoke(b),
            // Threshold records: their author is the first mediator to sign.
            Body::Finding(_) | Body::ViolationDetermination(_) | Body::PenaltyDecision(_) => {
                self.add_signer(hash, &participant)
            }
            Body::Concurrence(b) => self.add_signer(b.record, &participant),
            Body::DraftPropose(_) => self.apply_draft_propose(hash),
            Body::DraftAmend(_) => self.apply_draft_amend(&facts, hash),
            Body::DraftSign(b) => self.apply_draft_sign(b, &participant),
            // What these leave for later records is all in their facts.
            Body::IncidentReport(_)
            | Body::IncidentResponse(_)
            | Body::IncidentLink(_)
            | Body::Investigation(_)
            | Body::Remedy(_)
            | Body::EvidenceSubmit(_)
            | Body::EvidenceAcknowledge(_)
            | Body::EvidenceAccess(_)
            | Body::CommitmentDeclare(_)
            | Body::DraftPosition(_)
            | Body::ViolationResponse(_)
            | Body::ChannelMessage(_)
            | Body::ChannelReceipt(_)
            | Body::SessionRecord(_)
            | Body::Statement(_)
            | Body::Disclosure(_)
            | Body::ReportPublish(_) => {}
        }
        let envelope = &record.signed().envelope;
        // `check` found the author, so it is a member (for a charter, one
        // added just above).
        if let Some(m) = self.members.get_mut(&envelope.author) {
            m.last_seq = envelope.seq;
            m.last_time = Some(envelope.time);
        }
        let sealed = envelope.confidential.as_ref().map(|s| Box::new(s.digest));
        self.records.push(
            hash,
            Entry {
                index: self.size,
                time: envelope.time,
                kind: record.kind(),
                participant,
                facts,
                sealed,
            },
        );
        self.size += 1;
    }

    /// Whether admitting a record of this kind changes nothing but what
    /// `apply` changes for every record (its author's sequence number and
    /// time, the record's entry, the size). Only such records are admitted
    /// as a group (`LogState::admit_group`), so that a refusal part way
    /// through can undo the records before it exactly.
    pub(super) fn plain(body: &Body) -> bool {
        match body {
            Body::Charter(_)
            | Body::MemberAdd(_)
            | Body::KeyRotate(_)
            | Body::MemberRevoke(_)
            | Body::Finding(_)
            | Body::ViolationDetermination(_)
            | Body::PenaltyDecision(_)
            | Body::Concurrence(_)
            | Body::DraftPropose(_)
            | Body::DraftAmend(_)
            | Body::DraftSign(_) => false,
            Body::IncidentReport(_)
            | Body::IncidentResponse(_)
            | Body::IncidentLink(_)
            | Body::Investigation(_)
            | Body::Remedy(_)
            | Body::EvidenceSubmit(_)
            | Body::EvidenceAcknowledge(_)
            | Body::EvidenceAccess(_)
            | Body::CommitmentDeclare(_)
            | Body::DraftPosition(_)
            | Body::ViolationResponse(_)
            | Body::ChannelMessage(_)
            | Body::ChannelReceipt(_)
            | Body::SessionRecord(_)
            | Body::Statement(_)
            | Body::Disclosure(_)
            | Body::ReportPublish(_) => true,
        }
    }

    pub(super) fn require_participant(&self, p: &ParticipantId) -> Result<Role, Rejection> {
        self.roles
            .get(p)
            .copied()
            .ok_or_else(|| RuleViolation::NotAParticipant(p.clone()).into())
    }

    fn require_party(&self, p: &ParticipantId, field: &'static str) -> Result<(), Rejection> {
        match self.require_participant(p)? {
            Role::Party => Ok(()),
            role => Err(RuleViolation::NotAParty {
                field,
                participant: p.clone(),
                role,
            }
            .into()),
        }
    }

    /// The earlier record `hash` names in `field`, which must be one of `expected`.
    fn referenced(
        &self,
        hash: &Hash,
        field: &'static str,
        expected: &[Kind],
    ) -> Result<&Entry, Rejection> {
        let entry = self
            .records
            .get(hash)
            .ok_or(Rejection::UnknownReference(*hash))?;
        if expected.contains(&entry.kind) {
            Ok(entry)
        } else {
            Err(Rejection::WrongReferenceKind {
                hash: *hash,
                field,
                expected: expected.first().map_or("record", |k| k.as_str()),
                found: entry.kind,
            })
        }
    }

    fn check_evidence_refs<'a>(
        &self,
        refs: impl IntoIterator<Item = &'a Hash>,
    ) -> Result<(), Rejection> {
        for r in refs {
            self.referenced(r, "evidence", &[Kind::EvidenceSubmit])?;
        }
        Ok(())
    }

    /// A mediator participant signed a threshold record (as author or concurrence).
    fn add_signer(&mut self, record: Hash, participant: &ParticipantId) {
        self.signers
            .entry(record)
            .or_default()
            .insert(participant.clone());
    }
}
