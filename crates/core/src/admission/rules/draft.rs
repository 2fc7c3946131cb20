//! Draft agreements: versions proposed and amended by the mediators, the
//! parties' positions clause by clause, and signatures.

use super::super::state::{Facts, LogState, PositionFacts, VersionFacts};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::kinds::Kind;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::draft::{
    DraftAmend, DraftPosition, DraftPropose, DraftSign, Position, SignatureCapacity,
};
use crate::values::ParticipantId;
use truce_tlog::Hash;

impl LogState {
    /// `hash` is the proposal's own: it names the draft from now on.
    pub(super) fn check_draft_propose(
        &self,
        b: &DraftPropose,
        author: &Author<'_>,
        hash: Hash,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Sign)?;
        Ok(Facts::DraftVersion(Box::new(VersionFacts {
            draft: hash,
            clauses: b.clauses.iter().map(|c| c.id.clone()).collect(),
        })))
    }

    pub(super) fn check_draft_amend(
        &self,
        b: &DraftAmend,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Sign)?;
        let previous = self.referenced(
            &b.previous,
            "previous",
            &[Kind::DraftPropose, Kind::DraftAmend],
        )?;
        let Facts::DraftVersion(previous) = &previous.facts else {
            return Err(RuleViolation::NotADraftVersion("previous").into());
        };
        if self.latest_version.get(&previous.draft) != Some(&b.previous) {
            return Err(RuleViolation::AmendmentNotOnLatest.into());
        }
        Ok(Facts::DraftVersion(Box::new(VersionFacts {
            draft: previous.draft,
            clauses: b.clauses.iter().map(|c| c.id.clone()).collect(),
        })))
    }

    pub(super) fn check_draft_position(
        &self,
        b: &DraftPosition,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Party, "party")?;
        author.need(Capability::Sign)?;
        let version = self.referenced(
            &b.version,
            "version",
            &[Kind::DraftPropose, Kind::DraftAmend],
        )?;
        let Facts::DraftVersion(version) = &version.facts else {
            return Err(RuleViolation::NotADraftVersion("version").into());
        };
        let VersionFacts { draft, clauses } = version.as_ref();
        let mut accepted = Vec::new();
        for p in &b.positions {
            if !clauses.contains(&p.clause) {
                return Err(RuleViolation::ClauseNotInVersion(p.clause.clone()).into());
            }
            if p.position == Position::Accept {
                accepted.push(p.clause.clone());
            }
            if let Some(earlier) = &p.withdraws {
                let e = self.referenced(earlier, "withdraws", &[Kind::DraftPosition])?;
                let accepted_there = matches!(&e.facts,
                    Facts::Position(there) if there.draft == *draft && there.accepted.contains(&p.clause));
                if e.participant != author.participant || !accepted_there {
                    return Err(RuleViolation::WithdrawalWithoutAcceptance {
                        clause: p.clause.clone(),
                        participant: author.participant.clone(),
                    }
                    .into());
                }
            }
        }
        Ok(Facts::Position(Box::new(PositionFacts {
            draft: *draft,
            accepted,
        })))
    }

    pub(super) fn check_draft_sign(
        &self,
        b: &DraftSign,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need(Capability::Sign)?;
        match b.capacity {
            SignatureCapacity::Party => {
                author.need_role(Role::Party, "party to sign as a party")?
            }
            SignatureCapacity::Guarantor => {
                author.need_role(Role::Mediator, "mediator to countersign as guarantor")?
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
            return Err(RuleViolation::VersionAlreadySigned(author.participant.clone()).into());
        }
        Ok(Facts::Plain)
    }

    pub(super) fn apply_draft_propose(&mut self, hash: Hash) {
        self.latest_version.insert(hash, hash);
    }

    pub(super) fn apply_draft_amend(&mut self, facts: &Facts, hash: Hash) {
        if let Facts::DraftVersion(version) = facts {
            self.latest_version.insert(version.draft, hash);
        }
    }

    pub(super) fn apply_draft_sign(&mut self, b: &DraftSign, participant: &ParticipantId) {
        self.draft_signatures
            .entry(b.version)
            .or_default()
            .insert((participant.clone(), b.capacity == SignatureCapacity::Party));
    }
}
