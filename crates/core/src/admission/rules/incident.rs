//! Incidents: reports, the accused party's response, links, investigations,
//! findings with their concurrences, and remedies.

use super::super::state::{Facts, LogState};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::kinds::Kind;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::kinds::incident::{
    Concurrence, Finding, IncidentLink, IncidentReport, IncidentResponse, Investigation, Remedy,
};

impl LogState {
    pub(super) fn check_incident_report(
        &self,
        b: &IncidentReport,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need(Capability::Report)?;
        if let Some(accused) = &b.accused {
            self.require_party(accused, "the accused")?;
            if *accused == author.participant {
                return Err(RuleViolation::AccusesItself.into());
            }
        }
        self.check_evidence_refs(&b.evidence)?;
        Ok(Facts::Incident {
            accused: b.accused.as_ref().map(|p| self.known(p)),
        })
    }

    pub(super) fn check_incident_response(
        &self,
        b: &IncidentResponse,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need(Capability::Respond)?;
        let incident = self.referenced(&b.incident, "incident", &[Kind::IncidentReport])?;
        match &incident.facts {
            Facts::Incident {
                accused: Some(accused),
            } if *accused == author.participant => {}
            Facts::Incident {
                accused: Some(accused),
            } => {
                return Err(RuleViolation::ResponseNotByAccused {
                    accused: accused.clone(),
                    responder: author.participant.clone(),
                }
                .into());
            }
            _ => return Err(RuleViolation::ResponseWithoutAccused.into()),
        }
        self.check_evidence_refs(&b.evidence)?;
        Ok(Facts::Plain)
    }

    pub(super) fn check_incident_link(
        &self,
        b: &IncidentLink,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_any(&[Capability::Report, Capability::Find])?;
        for i in &b.incidents {
            self.referenced(i, "incidents", &[Kind::IncidentReport])?;
        }
        Ok(Facts::Plain)
    }

    pub(super) fn check_investigation(
        &self,
        b: &Investigation,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Find)?;
        self.referenced(&b.incident, "incident", &[Kind::IncidentReport])?;
        if let Some(p) = &b.concerns {
            self.require_participant(p)?;
        }
        self.check_evidence_refs(&b.evidence)?;
        Ok(Facts::Plain)
    }

    pub(super) fn check_finding(
        &self,
        b: &Finding,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Find)?;
        self.referenced(&b.incident, "incident", &[Kind::IncidentReport])?;
        if let Some(p) = &b.responsible {
            self.require_party(p, "the party held responsible")?;
        }
        if !b.determination.establishes_violation() && b.responsible.is_some() {
            return Err(RuleViolation::FindingResponsibleWithoutVerification.into());
        }
        self.check_evidence_refs(&b.evidence)?;
        Ok(Facts::Finding {
            determination: b.determination,
            responsible: b.responsible.as_ref().map(|p| self.known(p)),
        })
    }

    pub(super) fn check_remedy(&self, b: &Remedy, author: &Author<'_>) -> Result<Facts, Rejection> {
        author.need(Capability::Respond)?;
        let finding = self.referenced(&b.finding, "finding", &[Kind::Finding])?;
        match &finding.facts {
            Facts::Finding {
                responsible: Some(p),
                ..
            } if *p == author.participant => Ok(Facts::Plain),
            _ => Err(RuleViolation::RemedyNotByResponsible.into()),
        }
    }

    pub(super) fn check_concurrence(
        &self,
        b: &Concurrence,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        author.need_role(Role::Mediator, "mediator")?;
        author.need(Capability::Find)?;
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
            return Err(RuleViolation::AlreadyConcurred(author.participant.clone()).into());
        }
        Ok(Facts::Plain)
    }
}
