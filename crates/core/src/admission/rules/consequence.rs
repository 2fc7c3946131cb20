//! Consequences: a violation determined on a verified finding, the penalty
//! decided on it, and the named party's response.

use super::super::state::{Facts, LogState};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::kinds::Kind;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::consequence::{PenaltyDecision, ViolationDetermination, ViolationResponse};

impl LogState {
    pub(super) fn check_violation_determination(
        &self,
        b: &ViolationDetermination,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Find)?;
        let finding = self.referenced(&b.finding, "finding", &[Kind::Finding])?;
        let responsible = match &finding.facts {
            Facts::Finding {
                determination,
                responsible,
            } if determination.establishes_violation() => responsible.as_ref(),
            _ => return Err(RuleViolation::DeterminationOnUnverifiedFinding.into()),
        };
        // The determination ties the finding to the party it found
        // responsible; naming another would mark the finding decided
        // without any finding against the party named.
        match responsible {
            Some(p) if *p == b.party => {}
            Some(p) => {
                return Err(RuleViolation::DeterminationNamesOtherParty {
                    responsible: p.clone(),
                    named: b.party.clone(),
                }
                .into());
            }
            None => return Err(RuleViolation::DeterminationWithoutResponsible.into()),
        }
        if !self.meets_threshold(&b.finding) {
            return Err(RuleViolation::FindingBelowThreshold.into());
        }
        self.require_party(&b.party, "the violating party")?;
        if let Some(c) = &b.commitment {
            let commitment = self.referenced(c, "commitment", &[Kind::CommitmentDeclare])?;
            if commitment.participant != b.party {
                return Err(RuleViolation::CommitmentOfAnotherParty {
                    declared_by: commitment.participant.clone(),
                    party: b.party.clone(),
                }
                .into());
            }
        }
        self.check_consequence_level(b.consequence_level)?;
        Ok(Facts::Determination {
            party: self.known(&b.party),
        })
    }

    pub(super) fn check_penalty_decision(
        &self,
        b: &PenaltyDecision,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Find)?;
        self.referenced(
            &b.determination,
            "determination",
            &[Kind::ViolationDetermination],
        )?;
        if !self.meets_threshold(&b.determination) {
            return Err(RuleViolation::DeterminationBelowThreshold.into());
        }
        self.check_consequence_level(b.consequence_level)?;
        Ok(Facts::Decision)
    }

    pub(super) fn check_violation_response(
        &self,
        b: &ViolationResponse,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need(Capability::Respond)?;
        let d = self.referenced(
            &b.determination,
            "determination",
            &[Kind::ViolationDetermination],
        )?;
        match &d.facts {
            Facts::Determination { party } if *party == author.participant => Ok(Facts::Plain),
            _ => Err(RuleViolation::ViolationResponseNotByNamed.into()),
        }
    }

    fn check_consequence_level(&self, level: u8) -> Result<(), Rejection> {
        let known = self
            .charter
            .as_deref()
            .is_some_and(|c| c.consequences.iter().any(|s| s.level == level));
        if known {
            Ok(())
        } else {
            Err(RuleViolation::ConsequenceLevelUnknown(level).into())
        }
    }
}
