use super::state::{Entry, Facts, KeyState, LogState, MemberState};
use super::{Rejection, Signatures};
use crate::kinds::charter::{Charter, Role};
use crate::kinds::common::Capability;
use crate::kinds::draft::{Position, SignatureCapacity};
use crate::kinds::evidence::Confidentiality;
use crate::kinds::{Body, Kind};
use crate::record::Record;
use crate::values::{MemberId, ParticipantId};
use ed25519_dalek::VerifyingKey;
use std::collections::BTreeSet;
use std::sync::Arc;
use truce_tlog::Hash;

fn rule(message: impl Into<String>) -> Rejection {
    Rejection::Rule(message.into())
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

/// The author (and, for a charter, co-signer) context of a record being checked.
struct Author<'a> {
    id: &'a MemberId,
    participant: ParticipantId,
    role: Role,
    capabilities: &'a [Capability],
}

impl LogState {
    /// The keys a record's signatures must verify under, in signature order,
    /// as the current state says. Lets a caller verify signatures in parallel
    /// before handing the record to the single-threaded sequencer.
    pub fn signing_keys(&self, record: &Record) -> Result<Vec<VerifyingKey>, Rejection> {
        if record.kind() == Kind::Charter {
            let Body::Charter(charter) = &record.body else {
                return Err(rule("a charter record must carry a charter body"));
            };
            return charter_signing_keys(charter, record);
        }
        let envelope = &record.signed.envelope;
        let signatures = record.signed.signatures.as_slice();
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
        let envelope = &record.signed.envelope;
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

        if let Body::Charter(charter) = &record.body {
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
                return Err(rule(format!(
                    "the record is dated {} but refers to record {} dated {}; it cannot precede what it refers to",
                    envelope.time, referenced.index, referenced.time
                )));
            }
        }
        let role = self
            .roles
            .get(&member.participant)
            .copied()
            .ok_or_else(|| rule(format!("participant {} has no role", member.participant)))?;
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
        };
        if let Some(sealed) = &envelope.confidential {
            for reader in &sealed.readers {
                self.require_participant(reader)?;
            }
        }
        let facts = self.check_body(record, &author)?;
        Ok((facts, author.participant))
    }

    fn check_charter(&self, record: &Record, charter: &Charter) -> Result<(), Rejection> {
        let envelope = &record.signed.envelope;
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
            return Err(rule("the charter references nothing earlier"));
        }
        let signed_for: BTreeSet<&ParticipantId> = record
            .signed
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
                return Err(rule(format!(
                    "the charter must be signed by every founding participant; {} has not signed",
                    p.id
                )));
            }
        }
        if signed_for.len() != record.signed.signatures.len() {
            return Err(rule(
                "the charter carries two signatures for one participant",
            ));
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
            .signed
            .signatures
            .iter()
            .skip(1)
            .map(|s| position(&s.member))
            .collect();
        if cosigners.windows(2).any(|w| w.first() >= w.get(1)) {
            return Err(rule(
                "after the author's, the charter's signatures must follow the order of the participants in the charter",
            ));
        }
        Ok(())
    }

    fn require_participant(&self, p: &ParticipantId) -> Result<Role, Rejection> {
        self.roles
            .get(p)
            .copied()
            .ok_or_else(|| rule(format!("{p} is not a participant of this mechanism")))
    }

    fn require_party(&self, p: &ParticipantId, what: &str) -> Result<(), Rejection> {
        match self.require_participant(p)? {
            Role::Party => Ok(()),
            role => Err(rule(format!("{what} must be a party; {p} is a {role:?}"))),
        }
    }

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

    fn check_body(&self, record: &Record, author: &Author<'_>) -> Result<Facts, Rejection> {
        let kind = record.kind();
        let need = |capability: Capability| -> Result<(), Rejection> {
            if author.capabilities.contains(&capability) {
                Ok(())
            } else {
                Err(Rejection::capability(author.id, capability, kind))
            }
        };
        let need_any = |caps: &[Capability]| -> Result<(), Rejection> {
            if caps.iter().any(|c| author.capabilities.contains(c)) {
                Ok(())
            } else {
                Err(rule(format!(
                    "{} needs one of the capabilities {} for {kind}",
                    author.id,
                    caps.iter()
                        .map(|c| c.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        };
        let need_role = |role: Role, needed: &'static str| -> Result<(), Rejection> {
            if author.role == role {
                Ok(())
            } else {
                Err(Rejection::WrongRole {
                    participant: author.participant.clone(),
                    role: author.role,
                    kind,
                    needed,
                })
            }
        };

        match &record.body {
            Body::Charter(_) => Err(Rejection::SecondCharter),
            Body::MemberAdd(b) => {
                need(Capability::Admin)?;
                if b.participant != author.participant {
                    return Err(rule(format!(
                        "{} may add members only to its own participant ({}), not {}",
                        author.id, author.participant, b.participant
                    )));
                }
                if self.members.contains_key(&b.member.id) {
                    return Err(rule(format!("member id {} is already taken", b.member.id)));
                }
                if b.member.capabilities.iter().any(|c| *c == Capability::Find)
                    && author.role != Role::Mediator
                {
                    return Err(rule("only mediators' members may hold the find capability"));
                }
                Ok(Facts::Plain)
            }
            Body::KeyRotate(b) => {
                let target = self.member_for_admin(author, &b.member)?;
                if b.new_key.name() != b.member.as_str() {
                    return Err(rule(format!("the new key must be named {}", b.member)));
                }
                if target.keys.iter().any(|k| k.key_id == b.new_key.key_id()) {
                    return Err(rule("the new key has been used by this member before"));
                }
                Ok(Facts::Plain)
            }
            Body::MemberRevoke(b) => {
                self.member_for_admin(author, &b.member)?;
                Ok(Facts::Plain)
            }
            Body::IncidentReport(b) => {
                need(Capability::Report)?;
                if let Some(accused) = &b.accused {
                    self.require_party(accused, "the accused")?;
                    if *accused == author.participant {
                        return Err(rule(
                            "a participant does not accuse itself; report with no accused party instead",
                        ));
                    }
                }
                self.check_evidence_refs(&b.evidence)?;
                Ok(Facts::Incident {
                    accused: b.accused.clone(),
                })
            }
            Body::IncidentResponse(b) => {
                need(Capability::Respond)?;
                let incident = self.referenced(&b.incident, "incident", &[Kind::IncidentReport])?;
                match &incident.facts {
                    Facts::Incident {
                        accused: Some(accused),
                    } if *accused == author.participant => {}
                    Facts::Incident {
                        accused: Some(accused),
                    } => {
                        return Err(rule(format!(
                            "only the accused party ({accused}) responds to this incident, not {}",
                            author.participant
                        )));
                    }
                    _ => {
                        return Err(rule(
                            "this incident accuses no party, so no party responds to it",
                        ));
                    }
                }
                self.check_evidence_refs(&b.evidence)?;
                Ok(Facts::Plain)
            }
            Body::IncidentLink(b) => {
                need_any(&[Capability::Report, Capability::Find])?;
                for i in &b.incidents {
                    self.referenced(i, "incidents", &[Kind::IncidentReport])?;
                }
                Ok(Facts::Plain)
            }
            Body::Investigation(b) => {
                need_role(Role::Mediator, "mediator")?;
                need(Capability::Find)?;
                self.referenced(&b.incident, "incident", &[Kind::IncidentReport])?;
                if let Some(p) = &b.concerns {
                    self.require_participant(p)?;
                }
                self.check_evidence_refs(&b.evidence)?;
                Ok(Facts::Plain)
            }
            Body::Finding(b) => {
                need_role(Role::Mediator, "mediator")?;
                need(Capability::Find)?;
                self.referenced(&b.incident, "incident", &[Kind::IncidentReport])?;
                if let Some(p) = &b.responsible {
                    self.require_party(p, "the party held responsible")?;
                }
                if !b.determination.establishes_violation() && b.responsible.is_some() {
                    return Err(rule(
                        "a finding that does not verify the incident holds no one responsible",
                    ));
                }
                self.check_evidence_refs(&b.evidence)?;
                Ok(Facts::Finding {
                    incident: b.incident,
                    determination: b.determination,
                    responsible: b.responsible.clone(),
                })
            }
            Body::Remedy(b) => {
                need(Capability::Respond)?;
                let finding = self.referenced(&b.finding, "finding", &[Kind::Finding])?;
                match &finding.facts {
                    Facts::Finding {
                        responsible: Some(p),
                        ..
                    } if *p == author.participant => Ok(Facts::Plain),
                    _ => Err(rule(
                        "only the party a finding holds responsible states remedial action on it",
                    )),
                }
            }
            Body::Concurrence(b) => {
                need_role(Role::Mediator, "mediator")?;
                need(Capability::Find)?;
                self.referenced(
                    &b.record,
                    "record",
                    &[
                        Kind::Finding,
                        Kind::ViolationDetermination,
                        Kind::PenaltyDecision,
                    ],
                )?;
                if self
                    .signers
                    .get(&b.record)
                    .is_some_and(|s| s.contains(&author.participant))
                {
                    return Err(rule(format!(
                        "{} has already signed this record",
                        author.participant
                    )));
                }
                Ok(Facts::Plain)
            }
            Body::EvidenceSubmit(b) => {
                need_any(&[Capability::Report, Capability::Respond, Capability::Find])?;
                if let Some(i) = &b.incident {
                    self.referenced(i, "incident", &[Kind::IncidentReport])?;
                }
                Ok(Facts::Evidence {
                    confidentiality: b.confidentiality,
                })
            }
            Body::EvidenceAccess(b) => {
                let evidence = self.referenced(&b.evidence, "evidence", &[Kind::EvidenceSubmit])?;
                let entitled = match &evidence.facts {
                    Facts::Evidence {
                        confidentiality: Confidentiality::Mediators,
                    } => {
                        author.role == Role::Mediator || evidence.participant == author.participant
                    }
                    _ => true,
                };
                if !entitled {
                    return Err(rule(
                        "that evidence is restricted to the mediators and the participant that filed it",
                    ));
                }
                Ok(Facts::Plain)
            }
            Body::EvidenceAcknowledge(b) => {
                need_any(&[
                    Capability::Report,
                    Capability::Respond,
                    Capability::Find,
                    Capability::Sign,
                ])?;
                let evidence = self.referenced(&b.evidence, "evidence", &[Kind::EvidenceSubmit])?;
                if evidence.participant == author.participant {
                    return Err(rule(
                        "a participant acknowledges the other side's evidence, not its own",
                    ));
                }
                Ok(Facts::Plain)
            }
            Body::CommitmentDeclare(b) => {
                need(Capability::Sign)?;
                for p in &b.to {
                    self.require_participant(p)?;
                }
                Ok(Facts::Commitment)
            }
            Body::DraftPropose(b) => {
                need_role(Role::Mediator, "mediator")?;
                need(Capability::Sign)?;
                Ok(Facts::DraftVersion {
                    draft: record.hash,
                    clauses: b.clauses.iter().map(|c| c.id.clone()).collect(),
                })
            }
            Body::DraftAmend(b) => {
                need_role(Role::Mediator, "mediator")?;
                need(Capability::Sign)?;
                let previous = self.referenced(
                    &b.previous,
                    "previous",
                    &[Kind::DraftPropose, Kind::DraftAmend],
                )?;
                let Facts::DraftVersion { draft, .. } = &previous.facts else {
                    return Err(rule("previous is not a draft version"));
                };
                if self.latest_version.get(draft) != Some(&b.previous) {
                    return Err(rule(
                        "an amendment must build on the draft's latest version",
                    ));
                }
                Ok(Facts::DraftVersion {
                    draft: *draft,
                    clauses: b.clauses.iter().map(|c| c.id.clone()).collect(),
                })
            }
            Body::DraftPosition(b) => {
                need_role(Role::Party, "party")?;
                need(Capability::Sign)?;
                let version = self.referenced(
                    &b.version,
                    "version",
                    &[Kind::DraftPropose, Kind::DraftAmend],
                )?;
                let Facts::DraftVersion { draft, clauses } = &version.facts else {
                    return Err(rule("version is not a draft version"));
                };
                let mut accepted = Vec::new();
                for p in &b.positions {
                    if !clauses.contains(&p.clause) {
                        return Err(rule(format!("clause {} is not in that version", p.clause)));
                    }
                    if p.position == Position::Accept {
                        accepted.push(p.clause.clone());
                    }
                    if let Some(earlier) = &p.withdraws {
                        let e = self.referenced(earlier, "withdraws", &[Kind::DraftPosition])?;
                        let accepted_there = matches!(&e.facts,
                            Facts::Position { draft: d, accepted } if d == draft && accepted.contains(&p.clause));
                        if e.participant != author.participant || !accepted_there {
                            return Err(rule(format!(
                                "the withdrawal on clause {} must name an earlier acceptance of that clause by {} on this draft",
                                p.clause, author.participant
                            )));
                        }
                    }
                }
                Ok(Facts::Position {
                    draft: *draft,
                    accepted,
                })
            }
            Body::DraftSign(b) => {
                need(Capability::Sign)?;
                match b.capacity {
                    SignatureCapacity::Party => need_role(Role::Party, "party to sign as a party")?,
                    SignatureCapacity::Guarantor => {
                        need_role(Role::Mediator, "mediator to countersign as guarantor")?
                    }
                }
                self.referenced(
                    &b.version,
                    "version",
                    &[Kind::DraftPropose, Kind::DraftAmend],
                )?;
                let key = (
                    author.participant.clone(),
                    b.capacity == SignatureCapacity::Party,
                );
                if self
                    .draft_signatures
                    .get(&b.version)
                    .is_some_and(|s| s.contains(&key))
                {
                    return Err(rule(format!(
                        "{} has already signed this version",
                        author.participant
                    )));
                }
                Ok(Facts::Plain)
            }
            Body::ViolationDetermination(b) => {
                need_role(Role::Mediator, "mediator")?;
                need(Capability::Find)?;
                let finding = self.referenced(&b.finding, "finding", &[Kind::Finding])?;
                let responsible = match &finding.facts {
                    Facts::Finding {
                        determination,
                        responsible,
                        ..
                    } if determination.establishes_violation() => responsible.as_ref(),
                    _ => {
                        return Err(rule(
                            "a violation is determined only on a finding that verified the incident",
                        ));
                    }
                };
                // The determination ties the finding to the party it found
                // responsible; naming another would mark the finding decided
                // without any finding against the party named.
                match responsible {
                    Some(p) if *p == b.party => {}
                    Some(p) => {
                        return Err(rule(format!(
                            "the finding holds {p} responsible; a determination on it cannot name {}",
                            b.party
                        )));
                    }
                    None => {
                        return Err(rule(
                            "the finding holds no party responsible, so it determines no party's violation",
                        ));
                    }
                }
                if !self.meets_threshold(&b.finding) {
                    return Err(rule(
                        "the finding has not yet been signed by the charter's threshold of mediators",
                    ));
                }
                self.require_party(&b.party, "the violating party")?;
                if let Some(c) = &b.commitment {
                    let commitment =
                        self.referenced(c, "commitment", &[Kind::CommitmentDeclare])?;
                    if commitment.participant != b.party {
                        return Err(rule(format!(
                            "that commitment was declared by {}, not {}",
                            commitment.participant, b.party
                        )));
                    }
                }
                self.check_consequence_level(b.consequence_level)?;
                Ok(Facts::Determination {
                    party: b.party.clone(),
                })
            }
            Body::PenaltyDecision(b) => {
                need_role(Role::Mediator, "mediator")?;
                need(Capability::Find)?;
                self.referenced(
                    &b.determination,
                    "determination",
                    &[Kind::ViolationDetermination],
                )?;
                if !self.meets_threshold(&b.determination) {
                    return Err(rule(
                        "the determination has not yet been signed by the charter's threshold of mediators",
                    ));
                }
                self.check_consequence_level(b.consequence_level)?;
                Ok(Facts::Decision)
            }
            Body::ViolationResponse(b) => {
                need(Capability::Respond)?;
                let d = self.referenced(
                    &b.determination,
                    "determination",
                    &[Kind::ViolationDetermination],
                )?;
                match &d.facts {
                    Facts::Determination { party } if *party == author.participant => {
                        Ok(Facts::Plain)
                    }
                    _ => Err(rule("only the party a determination names answers it")),
                }
            }
            Body::ChannelMessage(b) => {
                for p in &b.to {
                    self.require_participant(p)?;
                    if *p == author.participant {
                        return Err(rule("a channel message goes to other participants"));
                    }
                }
                if let Some(r) = &b.reply_to {
                    let m = self.referenced(r, "reply_to", &[Kind::ChannelMessage])?;
                    let involved = m.participant == author.participant
                        || matches!(&m.facts, Facts::Message { to } if to.contains(&author.participant));
                    if !involved {
                        return Err(rule(
                            "only a sender or recipient of a message replies to it",
                        ));
                    }
                }
                Ok(Facts::Message {
                    to: b.to.iter().cloned().collect(),
                })
            }
            Body::ChannelReceipt(b) => {
                let m = self.referenced(&b.message, "message", &[Kind::ChannelMessage])?;
                match &m.facts {
                    Facts::Message { to } if to.contains(&author.participant) => Ok(Facts::Plain),
                    _ => Err(rule("only a recipient of a message gives a receipt for it")),
                }
            }
            Body::SessionRecord(b) => {
                need_role(Role::Mediator, "mediator (the host)")?;
                for a in &b.attendees {
                    self.require_participant(&a.participant)?;
                }
                Ok(Facts::Plain)
            }
            Body::Statement(b) => {
                need(Capability::Sign)?;
                for p in &b.on_behalf_of {
                    self.require_participant(p)?;
                }
                if let Some(s) = &b.session {
                    self.referenced(s, "session", &[Kind::SessionRecord])?;
                }
                Ok(Facts::Plain)
            }
            Body::Disclosure(b) => {
                let target = self
                    .records
                    .get(&b.record)
                    .ok_or(Rejection::UnknownReference(b.record))?;
                if target.participant != author.participant {
                    return Err(rule(
                        "only the participant that filed a confidential part discloses it",
                    ));
                }
                let digest = target
                    .sealed
                    .ok_or_else(|| rule("that record has no confidential part to disclose"))?;
                if b.opening.digest().map_err(|e| rule(e.to_string()))? != digest {
                    return Err(rule(
                        "the disclosed content does not match the sealed digest",
                    ));
                }
                Ok(Facts::Plain)
            }
        }
    }

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
            return Err(rule(format!(
                "{} may change only its own keys or, as admin, those of its participant's members",
                author.id
            )));
        }
        Ok(state)
    }

    fn check_consequence_level(&self, level: u8) -> Result<(), Rejection> {
        let known = self
            .charter
            .as_deref()
            .is_some_and(|c| c.consequences.iter().any(|s| s.level == level));
        if known {
            Ok(())
        } else {
            Err(rule(format!(
                "consequence level {level} is not in the charter's schedule"
            )))
        }
    }

    pub(super) fn apply(&mut self, record: &Record, facts: Facts, participant: ParticipantId) {
        let envelope = &record.signed.envelope;
        if let Body::Charter(charter) = &record.body {
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
                                granted_by: record.hash,
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
        // `check` found the author, so it is a member (added above for a charter).
        if let Some(m) = self.members.get_mut(&envelope.author) {
            m.last_seq = envelope.seq;
            m.last_time = Some(envelope.time);
        }
        match &record.body {
            Body::MemberAdd(b) => {
                self.members.insert(
                    b.member.id.clone(),
                    MemberState {
                        participant: b.participant.clone(),
                        capabilities: b.member.capabilities.iter().copied().collect(),
                        keys: vec![KeyState {
                            key_id: b.member.key.key_id(),
                            key: *b.member.key.verifier().verifying_key(),
                            active: true,
                            granted_by: record.hash,
                        }],
                        revoked: false,
                        last_seq: 0,
                        last_time: None,
                    },
                );
            }
            Body::KeyRotate(b) => {
                if let Some(m) = self.members.get_mut(&b.member) {
                    for k in &mut m.keys {
                        k.active = false;
                    }
                    m.keys.push(KeyState {
                        key_id: b.new_key.key_id(),
                        key: *b.new_key.verifier().verifying_key(),
                        active: true,
                        granted_by: record.hash,
                    });
                }
            }
            Body::MemberRevoke(b) => {
                if let Some(m) = self.members.get_mut(&b.member) {
                    m.revoked = true;
                    for k in &mut m.keys {
                        k.active = false;
                    }
                }
            }
            Body::Finding(_) | Body::ViolationDetermination(_) | Body::PenaltyDecision(_) => {
                self.signers
                    .entry(record.hash)
                    .or_default()
                    .insert(participant.clone());
            }
            Body::Concurrence(b) => {
                self.signers
                    .entry(b.record)
                    .or_default()
                    .insert(participant.clone());
            }
            Body::DraftPropose(_) => {
                self.latest_version.insert(record.hash, record.hash);
            }
            Body::DraftAmend(_) => {
                if let Facts::DraftVersion { draft, .. } = &facts {
                    self.latest_version.insert(*draft, record.hash);
                }
            }
            Body::DraftSign(b) => {
                self.draft_signatures
                    .entry(b.version)
                    .or_default()
                    .insert((participant.clone(), b.capacity == SignatureCapacity::Party));
            }
            _ => {}
        }
        let sealed = envelope.confidential.as_ref().map(|s| s.digest);
        self.records.insert(
            record.hash,
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
}

fn charter_signing_keys(
    charter: &Charter,
    record: &Record,
) -> Result<Vec<VerifyingKey>, Rejection> {
    let envelope = &record.signed.envelope;
    let mut keys = Vec::new();
    for (index, s) in record.signed.signatures.iter().enumerate() {
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
