//! Draft agreements clause by clause. A version is identified by the hash of
//! the record that proposed or amended it; positions and signatures name an
//! exact version, so nobody signs a text other than the one they read.

use super::Invalid;
use super::common::RecordRef;
use crate::values::{Bounded, ClauseId, Label, Paragraph, Prose};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: ClauseId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<Label>,
    pub text: Prose,
}

pub type Clauses = Bounded<Clause, 200>;

fn validate_clauses(clauses: &Clauses) -> Result<(), Invalid> {
    if clauses.is_empty() {
        return Err(Invalid::NoClause);
    }
    let mut seen = HashSet::new();
    for c in clauses {
        if !seen.insert(&c.id) {
            return Err(Invalid::ClauseTwice {
                clause: c.id.clone(),
            });
        }
    }
    Ok(())
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftPropose {
    pub title: Label,
    pub clauses: Clauses,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Paragraph>,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

impl DraftPropose {
    pub fn validate(&self) -> Result<(), Invalid> {
        validate_clauses(&self.clauses)
    }
}

/// A new version: the full clause list, replacing the previous version's.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftAmend {
    pub previous: RecordRef,
    pub clauses: Clauses,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Paragraph>,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

impl DraftAmend {
    pub fn validate(&self) -> Result<(), Invalid> {
        validate_clauses(&self.clauses)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Accept,
    Reject,
    /// Awaiting instructions.
    Reserve,
    /// Takes back an earlier acceptance, which `withdraws` must name.
    Withdraw,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClausePosition {
    pub clause: ClauseId,
    pub position: Position,
    /// For a withdrawal: the earlier `draft.position` record that accepted this clause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdraws: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Paragraph>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftPosition {
    pub version: RecordRef,
    pub positions: Bounded<ClausePosition, 200>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Paragraph>,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

impl DraftPosition {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.positions.is_empty() {
            return Err(Invalid::NoPosition);
        }
        let mut seen = HashSet::new();
        for p in &self.positions {
            if !seen.insert(&p.clause) {
                return Err(Invalid::TwoPositions {
                    clause: p.clause.clone(),
                });
            }
            match (p.position, &p.withdraws) {
                (Position::Withdraw, None) => {
                    return Err(Invalid::WithdrawalNamesNothing {
                        clause: p.clause.clone(),
                    });
                }
                (Position::Withdraw, Some(_)) | (_, None) => {}
                (_, Some(_)) => {
                    return Err(Invalid::AcceptanceNamedOutsideWithdrawal {
                        clause: p.clause.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignatureCapacity {
    /// A party to the agreement: in force when every party has signed.
    Party,
    /// A mediator countersigning as guarantor.
    Guarantor,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftSign {
    pub version: RecordRef,
    pub capacity: SignatureCapacity,
}
