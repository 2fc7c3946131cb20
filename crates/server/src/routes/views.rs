//! Drafts, commitments, the channel and the record of the talks: derived
//! views over the records that concern them (plus the charter and membership
//! records, which derivation needs for deadlines, thresholds and who acts for
//! whom).

use crate::asof::AsOfQuery;
use crate::auth::Caller;
use crate::error::{ApiError, blocking, detail, parse_stored};
use crate::extract::{Path, Query};
use crate::params::{LogIndex, TreeSize, Within};
use crate::routes::records::RecordView;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use truce_core::derive::channel::ChannelPage;
use truce_core::derive::compliance::{AwaitingDecision, CommitmentView};
use truce_core::derive::draft::{ClauseDiff, DraftHistory};
use truce_core::derive::{LogView, Logged};
use truce_core::kinds::Kind;
use truce_core::values::Timestamp;
use truce_index::Index;

/// Adds the charter and the membership records derivation needs to `wanted`
/// (from the index of the moment asked about).
fn with_members(index: &Index, wanted: &mut Vec<u64>) {
    wanted.push(0);
    wanted.extend_from_slice(index.of_kind(Kind::MemberAdd));
}

/// Reads records by index (sorted, deduplicated); `wanted` holds the charter
/// and memberships already (`with_members`).
fn load(state: &AppState, mut wanted: Vec<u64>) -> Result<Vec<Logged>, ApiError> {
    wanted.sort_unstable();
    wanted.dedup();
    let mut out = Vec::with_capacity(wanted.len());
    for i in wanted {
        crate::error::abandoned()?;
        if let Some(stored) = crate::routes::records::one(state, i)? {
            let record = parse_stored(i, &stored.leaf)?;
            out.push(Logged { index: i, record });
        }
    }
    Ok(out)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DraftsQuery {
    /// Only drafts proposed after this log index: the `next` of the previous page.
    #[param(inline)]
    after: Option<LogIndex>,
    /// How many drafts at most (1 to 100; 20 when not given).
    #[param(inline)]
    limit: Option<Within<1, 100>>,
    /// As of this moment (see `AsOfQuery`).
    #[param(inline)]
    at: Option<Timestamp>,
    /// As of this tree size (see `AsOfQuery`).
    #[param(inline)]
    size: Option<TreeSize>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DraftPage {
    /// Drafts in the order they were proposed.
    pub drafts: Vec<DraftHistory>,
    /// Pass as `after` for the next page, if there is one.
    pub next: Option<u64>,
}

/// Draft agreements in the order they were proposed, a page at a time: each
/// with its versions, the clause × party matrix of positions and its
/// history (each near-agreement and each withdrawal), signatures and
/// whether it is in force. A page reads only its drafts' records.
#[utoipa::path(get, path = "/api/v1/drafts", tag = "agreements", params(DraftsQuery),
    responses((status = 200, body = DraftPage)))]
pub async fn drafts(
    State(state): State<AppState>,
    Query(q): Query<DraftsQuery>,
) -> Result<Json<DraftPage>, ApiError> {
    let limit = q.limit.map_or(20, |l| l.0);
    let as_of = AsOfQuery {
        at: q.at,
        size: q.size,
    };
    blocking(move || {
        // The page's drafts and every record of each, read from the store
        // once (with the charter and memberships) for one view.
        let (mut page, wanted) = {
            // Released before the store is read.
            let index = as_of.resolve(&state)?.index;
            let page: Vec<u64> = index
                .drafts()
                .filter(|d| q.after.is_none_or(|a| *d > a.0))
                .take(limit + 1)
                .collect();
            let mut wanted: Vec<u64> = page
                .iter()
                .take(limit)
                .flat_map(|d| index.draft(*d).iter().copied().chain([*d]))
                .collect();
            with_members(&index, &mut wanted);
            (page, wanted)
        };
        let next = (page.len() > limit)
            .then(|| page.get(limit - 1).copied())
            .flatten();
        page.truncate(limit);
        let records = load(&state, wanted)?;
        let view = LogView::new(&records);
        let drafts = page
            .iter()
            .filter_map(|d| {
                // `load` returns the records sorted by index.
                let at = records.binary_search_by_key(d, |l| l.index).ok()?;
                records.get(at)
            })
            .filter_map(|l| truce_core::derive::draft::draft_history(&view, &l.record.hash()))
            .collect();
        Ok(Json(DraftPage { drafts, next }))
    })
    .await
}

/// One draft, by the index of any of its versions (or positions, signatures).
#[utoipa::path(get, path = "/api/v1/drafts/{index}", tag = "agreements",
    params(("index" = inline(LogIndex), Path, description = "The index of any record of the draft"), AsOfQuery),
    responses((status = 200, body = DraftHistory)))]
pub async fn draft(
    State(state): State<AppState>,
    Path(LogIndex(index)): Path<LogIndex>,
    Query(as_of): Query<AsOfQuery>,
) -> Result<Json<DraftHistory>, ApiError> {
    blocking(move || history(&state, index, as_of).map(Json)).await
}

/// More versions than any negotiation has: a bound for the API document.
const MAX_VERSION: u64 = 100_000;

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// Version number to compare from (default: the one before `to`).
    #[param(inline)]
    from: Option<Within<1, { MAX_VERSION }>>,
    /// Version number to compare to (default: the latest).
    #[param(inline)]
    to: Option<Within<1, { MAX_VERSION }>>,
    /// As of this moment (see `AsOfQuery`).
    #[param(inline)]
    at: Option<Timestamp>,
    /// As of this tree size (see `AsOfQuery`).
    #[param(inline)]
    size: Option<TreeSize>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DraftDiff {
    pub from: usize,
    pub to: usize,
    pub clauses: Vec<ClauseDiff>,
}

/// The clause-level diff between two versions of a draft (by version number).
#[utoipa::path(get, path = "/api/v1/drafts/{index}/diff", tag = "agreements",
    params(("index" = inline(LogIndex), Path, description = "The index of any record of the draft"), DiffQuery),
    responses((status = 200, body = DraftDiff)))]
pub async fn diff(
    State(state): State<AppState>,
    Path(LogIndex(index)): Path<LogIndex>,
    Query(q): Query<DiffQuery>,
) -> Result<Json<DraftDiff>, ApiError> {
    blocking(move || {
        let as_of = AsOfQuery {
            at: q.at,
            size: q.size,
        };
        let h = history(&state, index, as_of)?;
        let to = q.to.map_or(h.versions.len(), |v| v.0);
        let from = q.from.map_or(to.saturating_sub(1).max(1), |v| v.0);
        let version = |n: usize| {
            n.checked_sub(1)
                .and_then(|i| h.versions.get(i))
                .ok_or_else(|| {
                    ApiError::NotFound(detail!("draft.versions", last = h.versions.len()))
                })
        };
        let clauses = truce_core::derive::draft::clause_diff(version(from)?, version(to)?);
        Ok(Json(DraftDiff { from, to, clauses }))
    })
    .await
}

fn history(state: &AppState, index: u64, as_of: AsOfQuery) -> Result<DraftHistory, ApiError> {
    let (first, wanted) = {
        // Released before the store is read.
        let idx = as_of.resolve(state)?.index;
        let first = idx
            .draft_of(index)
            .ok_or_else(|| ApiError::NotFound(detail!("draft.none", index)))?;
        let mut wanted = idx.draft(first).to_vec();
        wanted.push(first);
        with_members(&idx, &mut wanted);
        (first, wanted)
    };
    let records = load(state, wanted)?;
    let view = LogView::new(&records);
    let hash = records
        .iter()
        .find(|l| l.index == first)
        .map(|l| l.record.hash())
        .ok_or_else(|| ApiError::Internal(detail!("internal.draft_first")))?;
    truce_core::derive::draft::draft_history(&view, &hash)
        .ok_or_else(|| ApiError::NotFound(detail!("draft.none", index)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Compliance {
    pub commitments: Vec<CommitmentView>,
    /// Verified violations the mediators have not yet decided on.
    pub awaiting_decision: Vec<AwaitingDecision>,
}

/// Every declared commitment with its compliance: the verified violations
/// found against it, the determinations and penalties decided, and the
/// violations still awaiting the mediators' decision.
#[utoipa::path(get, path = "/api/v1/commitments", tag = "agreements", params(AsOfQuery),
    responses((status = 200, body = Compliance)))]
pub async fn commitments(
    State(state): State<AppState>,
    Query(as_of): Query<AsOfQuery>,
) -> Result<Json<Compliance>, ApiError> {
    blocking(move || {
        let index = as_of.resolve(&state)?.index;
        let compliance = index.compliance();
        Ok(Json(Compliance {
            commitments: compliance.commitments(),
            awaiting_decision: compliance.awaiting_decision(),
        }))
    })
    .await
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChannelQuery {
    /// Only messages before this log index: the `next` of the previous page.
    #[param(inline)]
    before: Option<LogIndex>,
    /// How many messages at most (1 to 200; 50 when not given).
    #[param(inline)]
    limit: Option<Within<1, 200>>,
    /// As of this moment (see `AsOfQuery`): acknowledgments are overdue as
    /// they were then.
    #[param(inline)]
    at: Option<Timestamp>,
    /// As of this tree size (see `AsOfQuery`).
    #[param(inline)]
    size: Option<TreeSize>,
}

/// The hotline, newest message first, a page at a time: each message with
/// its recipients' receipts and whether their acknowledgments are overdue at
/// the server's time, and over the whole channel, how many acknowledgments
/// are overdue. Kept up to date as records are admitted, so a page costs
/// what it holds.
#[utoipa::path(get, path = "/api/v1/channel", tag = "channel", params(ChannelQuery),
    responses((status = 200, body = ChannelPageView)))]
pub async fn channel(
    State(state): State<AppState>,
    Query(q): Query<ChannelQuery>,
) -> Result<Json<ChannelPageView>, ApiError> {
    let limit = q.limit.map_or(50, |l| l.0);
    let as_of = AsOfQuery {
        at: q.at,
        size: q.size,
    };
    blocking(move || {
        let page = {
            let moment = as_of.resolve(&state)?;
            moment
                .index
                .channel()
                .page(q.before.map(|b| b.0), limit, moment.now)
        };
        // The page's texts, read here so that a reader needs one request
        // per page, not one per message.
        let mut texts = std::collections::BTreeMap::new();
        for m in &page.messages {
            crate::error::abandoned()?;
            let Some(stored) = crate::routes::records::one(&state, m.index)? else {
                continue;
            };
            let record = parse_stored(m.index, &stored.leaf)?;
            if let truce_core::Body::ChannelMessage(b) = record.body() {
                texts.insert(m.index, b.text.to_string());
            }
        }
        Ok(Json(ChannelPageView { page, texts }))
    })
    .await
}

/// A page of the channel, with each message's text.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChannelPageView {
    #[serde(flatten)]
    pub page: ChannelPage,
    /// Each message's text, by its log index (a decimal string, as JSON
    /// object keys are).
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub texts: std::collections::BTreeMap<u64, String>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TalksQuery {
    /// Only records after this log index: the `next` of the previous page.
    #[param(inline)]
    after: Option<LogIndex>,
    /// How many records at most (1 to 100; 50 when not given).
    #[param(inline)]
    limit: Option<Within<1, 100>>,
    /// As of this moment (see `AsOfQuery`).
    #[param(inline)]
    at: Option<Timestamp>,
    /// As of this tree size (see `AsOfQuery`).
    #[param(inline)]
    size: Option<TreeSize>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TalksPage {
    /// Session records and statements, in log order.
    pub records: Vec<RecordView>,
    /// Pass as `after` for the next page, if there is one.
    pub next: Option<u64>,
}

/// The record of the talks: every `session.record` and `statement`, in log
/// order, a page at a time, each as `/api/v1/records/{index}` serves it. A
/// statement that names participants it speaks for is signed by its author
/// alone: it is that author's word that it speaks for them.
#[utoipa::path(get, path = "/api/v1/talks", tag = "agreements", params(TalksQuery),
    security((), ("bearer" = [])),
    responses((status = 200, body = TalksPage)))]
pub async fn talks(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TalksQuery>,
) -> Result<Json<TalksPage>, ApiError> {
    let limit = q.limit.map_or(50, |l| l.0);
    let as_of = AsOfQuery {
        at: q.at,
        size: q.size,
    };
    blocking(move || {
        let mut page: Vec<u64> = {
            let index = as_of.resolve(&state)?.index;
            let after = |i: &&u64| q.after.is_none_or(|a| **i > a.0);
            let sessions = index.of_kind(Kind::SessionRecord).iter().filter(after);
            let statements = index.of_kind(Kind::Statement).iter().filter(after);
            // Each list is in log order: the first `limit + 1` of their merge.
            let mut merged: Vec<u64> = sessions
                .take(limit + 1)
                .chain(statements.take(limit + 1))
                .copied()
                .collect();
            merged.sort_unstable();
            merged.truncate(limit + 1);
            merged
        };
        let next = (page.len() > limit)
            .then(|| page.get(limit - 1).copied())
            .flatten();
        page.truncate(limit);
        let mut records = Vec::with_capacity(page.len());
        for i in page {
            crate::error::abandoned()?;
            if let Some(stored) = crate::routes::records::one(&state, i)? {
                records.push(crate::routes::records::view(
                    &state,
                    &caller,
                    stored.index,
                    &stored.leaf,
                )?);
            }
        }
        Ok(Json(TalksPage { records, next }))
    })
    .await
}
