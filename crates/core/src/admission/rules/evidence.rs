//! Evidence: submitted, acknowledged by the other side, and each access to
//! restricted evidence signed by its reader.

use super::super::state::{Facts, LogState};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::kinds::Kind;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::evidence::{
    Confidentiality, EvidenceAccess, EvidenceAcknowledge, EvidenceSubmit,
};

impl LogState {
    pub(super) fn check_evidence_submit(
        &self,
        b: &EvidenceSubmit,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_any(&[Capability::Report, Capability::Respond, Capability::Find])?;
        if let Some(i) = &b.incident {
            self.referenced(i, "incident", &[Kind::IncidentReport])?;
        }
        Ok(Facts::Evidence {
            confidentiality: b.confidentiality,
        })
    }

    pub(super) fn check_evidence_access(
        &self,
        b: &EvidenceAccess,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        let evidence = self.referenced(&b.evidence, "evidence", &[Kind::EvidenceSubmit])?;
        let entitled = match &evidence.facts {
            Facts::Evidence {
                confidentiality: Confidentiality::Mediators,
            } => author.role == Role::Mediator || evidence.participant == author.participant,
            _ => true,
        };
        if !entitled {
            return Err(RuleViolation::EvidenceRestricted.into());
        }
        Ok(Facts::Plain)
    }

    pub(super) fn check_evidence_acknowledge(
        &self,
        b: &EvidenceAcknowledge,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_any(&[
            Capability::Report,
            Capability::Respond,
            Capability::Find,
            Capability::Sign,
        ])?;
        let evidence = self.referenced(&b.evidence, "evidence", &[Kind::EvidenceSubmit])?;
        if evidence.participant == author.participant {
            return Err(RuleViolation::AcknowledgesOwnEvidence.into());
        }
        Ok(Facts::Plain)
    }
}
