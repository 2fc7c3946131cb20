//! A draft agreement's history, derived: per version the clause × party
//! matrix, what changed, which clauses came late, who withdrew what, who
//! signed, and whether it is in force.

use super::LogView;
use crate::kinds::Body;
use crate::kinds::draft::{Clause, Position, SignatureCapacity};
use crate::values::{ClauseId, ParticipantId, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;
use truce_tlog::Hash;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Accept,
    Reject,
    Reserve,
    /// An acceptance taken back.
    Withdrawn,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellView {
    pub cell: Cell,
    pub record: Hash,
    pub at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureView {
    pub participant: ParticipantId,
    pub capacity: SignatureCapacity,
    pub record: Hash,
    pub at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseChange {
    pub added: Vec<ClauseId>,
    pub removed: Vec<ClauseId>,
    pub changed: Vec<ClauseId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionView {
    /// The version's identity: the hash of the record that proposed or amended it.
    pub version: Hash,
    pub number: usize,
    pub index: u64,
    pub at: Timestamp,
    pub author: Option<ParticipantId>,
    pub clauses: Vec<Clause>,
    /// Against the previous version (everything is "added" in version 1).
    pub change: ClauseChange,
    /// Clauses that did not exist in version 1.
    pub late_clauses: Vec<ClauseId>,
    /// clause → party → latest position on this exact version.
    pub matrix: BTreeMap<ClauseId, BTreeMap<ParticipantId, CellView>>,
    /// Clauses every party currently accepts on this version.
    pub agreed_clauses: usize,
    pub signatures: Vec<SignatureView>,
    /// Every party has signed this exact version.
    pub in_force: bool,
    /// What the version's record says is invented in it (`Body::illustrative`).
    pub illustrative: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawalView {
    pub participant: ParticipantId,
    pub clause: ClauseId,
    pub version: Hash,
    pub version_number: usize,
    pub withdrawn_acceptance: Hash,
    pub record: Hash,
    pub at: Timestamp,
}

/// One step in the draft's progress: after each position or amendment, how
/// many clause × party cells of the current version were accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressPoint {
    pub index: u64,
    pub at: Timestamp,
    pub version_number: usize,
    pub accepted_cells: usize,
    pub total_cells: usize,
    pub withdrawal: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftHistory {
    pub draft: Hash,
    pub title: String,
    pub parties: Vec<ParticipantId>,
    pub versions: Vec<VersionView>,
    pub withdrawals: Vec<WithdrawalView>,
    pub progress: Vec<ProgressPoint>,
    /// The highest share of accepted cells any version reached, in ‰.
    pub closest_per_mille: u32,
    /// How many times the parties came close to agreement: episodes in which
    /// the accepted share of one version's clause × party cells reached
    /// 80 % (`NEAR_AGREEMENT_PER_MILLE`). An episode ends with a withdrawal
    /// on that version; reaching the threshold again after it is another
    /// near-agreement, as is reaching it on another version.
    pub near_agreements: usize,
    /// A version or a position on it says something in it is invented: the
    /// history rests on something illustrative.
    pub illustrative: bool,
}

impl DraftHistory {
    pub fn latest(&self) -> Option<&VersionView> {
        self.versions.last()
    }
    pub fn in_force(&self) -> Option<&VersionView> {
        self.versions.iter().find(|v| v.in_force)
    }
}

/// The accepted share of a version's clause × party cells, in ‰, at which
/// the parties count as close to agreement (see `DraftHistory::near_agreements`).
pub const NEAR_AGREEMENT_PER_MILLE: usize = 800;

/// Counts near-agreements over a draft's progress, in log order.
fn near_agreements(progress: &[ProgressPoint]) -> usize {
    let mut open: Option<usize> = None;
    let mut count = 0;
    for p in progress {
        if p.withdrawal && open == Some(p.version_number) {
            open = None;
        }
        let close = p.total_cells > 0
            && p.accepted_cells * 1000 >= NEAR_AGREEMENT_PER_MILLE * p.total_cells;
        if close && open != Some(p.version_number) {
            count += 1;
            open = Some(p.version_number);
        }
    }
    count
}

/// Every draft in the log, by the hash of its first version.
pub fn all_drafts(view: &LogView<'_>) -> Vec<DraftHistory> {
    view.records
        .iter()
        .filter(|l| matches!(l.record.body(), Body::DraftPropose(_)))
        .filter_map(|l| draft_history(view, &l.record.hash()))
        .collect()
}

pub fn draft_history(view: &LogView<'_>, draft: &Hash) -> Option<DraftHistory> {
    let first = view.get(draft)?;
    let Body::DraftPropose(proposal) = &first.record.body() else {
        return None;
    };
    let parties: Vec<ParticipantId> = view.parties().into_iter().cloned().collect();
    let mut versions: Vec<VersionView> = Vec::new();
    let mut withdrawals = Vec::new();
    let mut progress = Vec::new();
    let first_ids: Vec<ClauseId> = proposal.clauses.iter().map(|c| c.id.clone()).collect();

    let new_version =
        |hash: Hash, index, at, author, clauses: Vec<Clause>, previous: Option<&VersionView>| {
            let ids: Vec<ClauseId> = clauses.iter().map(|c| c.id.clone()).collect();
            let change = match previous {
                None => ClauseChange {
                    added: ids.clone(),
                    removed: vec![],
                    changed: vec![],
                },
                Some(p) => ClauseChange {
                    added: ids
                        .iter()
                        .filter(|id| !p.clauses.iter().any(|c| &c.id == *id))
                        .cloned()
                        .collect(),
                    removed: p
                        .clauses
                        .iter()
                        .filter(|c| !ids.contains(&c.id))
                        .map(|c| c.id.clone())
                        .collect(),
                    changed: clauses
                        .iter()
                        .filter(|c| {
                            p.clauses.iter().any(|o| {
                                o.id == c.id && (o.text != c.text || o.heading != c.heading)
                            })
                        })
                        .map(|c| c.id.clone())
                        .collect(),
                },
            };
            VersionView {
                version: hash,
                number: previous.map_or(1, |p| p.number + 1),
                index,
                at,
                author,
                late_clauses: ids
                    .iter()
                    .filter(|id| !first_ids.contains(id))
                    .cloned()
                    .collect(),
                matrix: ids.iter().map(|id| (id.clone(), BTreeMap::new())).collect(),
                clauses,
                change,
                agreed_clauses: 0,
                signatures: vec![],
                in_force: false,
                illustrative: None,
            }
        };

    let mut positions_illustrative = false;
    for l in view.records.iter().filter(|l| l.index >= first.index) {
        let r = &l.record;
        match &r.body() {
            Body::DraftPropose(b) if r.hash() == *draft => {
                versions.push(new_version(
                    r.hash(),
                    l.index,
                    r.time(),
                    view.participant(r).cloned(),
                    b.clauses.iter().cloned().collect(),
                    None,
                ));
                if let Some(v) = versions.last_mut() {
                    v.illustrative = b.illustrative.as_ref().map(ToString::to_string);
                }
            }
            Body::DraftAmend(b) if versions.iter().any(|v| v.version == b.previous) => {
                let v = new_version(
                    r.hash(),
                    l.index,
                    r.time(),
                    view.participant(r).cloned(),
                    b.clauses.iter().cloned().collect(),
                    versions.last(),
                );
                versions.push(VersionView {
                    illustrative: b.illustrative.as_ref().map(ToString::to_string),
                    ..v
                });
                progress.push(point(l.index, r.time(), versions.last(), &parties, false));
            }
            Body::DraftPosition(b) => {
                let Some(party) = view.participant(r).cloned() else {
                    continue;
                };
                let Some(v) = versions.iter_mut().find(|v| v.version == b.version) else {
                    continue;
                };
                positions_illustrative |= b.illustrative.is_some();
                let mut withdrew = false;
                for p in &b.positions {
                    let cell = match p.position {
                        Position::Accept => Cell::Accept,
                        Position::Reject => Cell::Reject,
                        Position::Reserve => Cell::Reserve,
                        Position::Withdraw => Cell::Withdrawn,
                    };
                    if let (Position::Withdraw, Some(earlier)) = (p.position, p.withdraws) {
                        withdrew = true;
                        withdrawals.push(WithdrawalView {
                            participant: party.clone(),
                            clause: p.clause.clone(),
                            version: v.version,
                            version_number: v.number,
                            withdrawn_acceptance: earlier,
                            record: r.hash(),
                            at: r.time(),
                        });
                    }
                    if let Some(row) = v.matrix.get_mut(&p.clause) {
                        row.insert(
                            party.clone(),
                            CellView {
                                cell,
                                record: r.hash(),
                                at: r.time(),
                            },
                        );
                    }
                }
                v.agreed_clauses = agreed(v, &parties);
                progress.push(point(l.index, r.time(), Some(v), &parties, withdrew));
            }
            Body::DraftSign(b) => {
                let Some(participant) = view.participant(r).cloned() else {
                    continue;
                };
                let Some(v) = versions.iter_mut().find(|v| v.version == b.version) else {
                    continue;
                };
                v.signatures.push(SignatureView {
                    participant,
                    capacity: b.capacity,
                    record: r.hash(),
                    at: r.time(),
                });
                v.in_force = !parties.is_empty()
                    && parties.iter().all(|p| {
                        v.signatures
                            .iter()
                            .any(|s| &s.participant == p && s.capacity == SignatureCapacity::Party)
                    });
            }
            _ => {}
        }
    }

    let closest_per_mille = progress
        .iter()
        .filter(|p| p.total_cells > 0)
        .map(|p| u32::try_from(p.accepted_cells * 1000 / p.total_cells).unwrap_or(1000))
        .max()
        .unwrap_or(0);
    let illustrative = positions_illustrative || versions.iter().any(|v| v.illustrative.is_some());
    Some(DraftHistory {
        illustrative,
        near_agreements: near_agreements(&progress),
        draft: *draft,
        title: proposal.title.to_string(),
        parties,
        versions,
        withdrawals,
        progress,
        closest_per_mille,
    })
}

fn agreed(v: &VersionView, parties: &[ParticipantId]) -> usize {
    v.matrix
        .values()
        .filter(|row| {
            parties
                .iter()
                .all(|p| row.get(p).is_some_and(|c| c.cell == Cell::Accept))
        })
        .count()
}

fn point(
    index: u64,
    at: Timestamp,
    v: Option<&VersionView>,
    parties: &[ParticipantId],
    withdrawal: bool,
) -> ProgressPoint {
    let (number, accepted, total) = v.map_or((0, 0, 0), |v| {
        let accepted = v
            .matrix
            .values()
            .map(|row| row.values().filter(|c| c.cell == Cell::Accept).count())
            .sum();
        (v.number, accepted, v.matrix.len() * parties.len())
    });
    ProgressPoint {
        index,
        at,
        version_number: number,
        accepted_cells: accepted,
        total_cells: total,
        withdrawal,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClauseStatus {
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// One clause compared between two versions of a draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseDiff {
    pub id: ClauseId,
    pub status: ClauseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Clause>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Clause>,
}

/// Clause-level diff from `from` to `to`: every clause of `to` in its order,
/// with removed clauses after, each with its text before and after.
pub fn clause_diff(from: &VersionView, to: &VersionView) -> Vec<ClauseDiff> {
    let mut out: Vec<ClauseDiff> = to
        .clauses
        .iter()
        .map(|after| {
            let before = from.clauses.iter().find(|c| c.id == after.id);
            let status = match before {
                None => ClauseStatus::Added,
                Some(b) if b == after => ClauseStatus::Unchanged,
                Some(_) => ClauseStatus::Changed,
            };
            ClauseDiff {
                id: after.id.clone(),
                status,
                before: before.cloned(),
                after: Some(after.clone()),
            }
        })
        .collect();
    out.extend(
        from.clauses
            .iter()
            .filter(|c| !to.clauses.iter().any(|a| a.id == c.id))
            .map(|c| ClauseDiff {
                id: c.id.clone(),
                status: ClauseStatus::Removed,
                before: Some(c.clone()),
                after: None,
            }),
    );
    out
}
