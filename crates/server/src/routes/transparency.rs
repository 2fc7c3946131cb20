//! Transparency endpoints: the signed checkpoint and RFC 9162 proofs, in the
//! same shapes as `truce prove`.

use crate::error::{ApiError, blocking, detail};
use crate::extract::Query;
use crate::params::LogIndex;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use truce_store::StoreHashes;
use truce_tlog::{Hash, NodeId, TilePath};

/// The checkpoint to check the log against: a C2SP signed note
/// (tlog-checkpoint) with the log's signature and its witnesses'
/// cosignatures (c2sp.org/tlog-cosignature). It is the latest checkpoint
/// whose cosignatures meet the charter's witness quorum; while none has (or
/// when the policy says `quorum none`), the latest, with whatever
/// cosignatures it has. `/api/v1/witnessing` gives the latest either way.
#[utoipa::path(get, path = "/checkpoint", tag = "transparency",
    responses((status = 200, description = "The signed note", body = String, content_type = "text/plain; charset=utf-8",
        example = "truce.example/istanbul-2025\n98\nbase64-root-hash=\n\n— truce.example/istanbul-2025 base64-signature=\n")))]
pub async fn checkpoint(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let note = blocking(move || {
        truce_store::served_checkpoint(state.store.as_ref(), state.quorum_required())?
            .map(|c| c.note)
            .ok_or_else(|| ApiError::NotFound(detail!("log.nothing_checkpointed")))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// The record's index.
    #[param(inline)]
    index: LogIndex,
    /// The tree size to prove against (a checkpointed size; the latest when not given).
    #[param(inline)]
    size: Option<LogIndex>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InclusionProof {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: Hash,
    pub proof: Vec<Hash>,
}

/// An RFC 9162 inclusion proof, in the same shape as `truce prove`.
#[utoipa::path(get, path = "/api/v1/proof/inclusion", tag = "transparency", params(InclusionQuery),
    responses((status = 200, body = InclusionProof),
        (status = 404, description = "No such proof: a size beyond the latest checkpoint, an index outside the tree, or sizes out of order", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn inclusion(
    State(state): State<AppState>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<InclusionProof>, ApiError> {
    blocking(move || {
        let current = checkpointed_size(&state)?;
        let size = q.size.map_or(current, |s| s.0);
        let index = q.index.0;
        // Either way there is no such proof (yet): 404, not a malformed request.
        if size > current {
            return Err(ApiError::NotFound(detail!(
                "proof.beyond_checkpoint",
                current
            )));
        }
        if index >= size {
            return Err(ApiError::NotFound(detail!(
                "proof.not_in_tree",
                index,
                size
            )));
        }
        let store = state.store.as_ref();
        let proof = truce_tlog::inclusion_proof(index, size, &StoreHashes(store))
            .map_err(|e| ApiError::Internal(detail!("internal.proof", cause = e)))?;
        let leaf_hash = store
            .nodes(&[NodeId { level: 0, index }])?
            .first()
            .copied()
            .ok_or_else(|| ApiError::Internal(detail!("internal.leaf_missing")))?;
        Ok(Json(InclusionProof {
            index,
            tree_size: size,
            leaf_hash,
            proof,
        }))
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The older tree size.
    #[param(inline)]
    from: LogIndex,
    /// The newer tree size (the latest checkpoint's when not given).
    #[param(inline)]
    to: Option<LogIndex>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    pub size1: u64,
    pub size2: u64,
    pub proof: Vec<Hash>,
}

/// An RFC 9162 consistency proof between two checkpointed tree sizes, in the
/// same shape as `truce prove`.
#[utoipa::path(get, path = "/api/v1/proof/consistency", tag = "transparency", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof),
        (status = 404, description = "No such proof: a size beyond the latest checkpoint, an index outside the tree, or sizes out of order", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    blocking(move || {
        let current = checkpointed_size(&state)?;
        let to = q.to.map_or(current, |t| t.0);
        let from = q.from.0;
        // No proof exists between such sizes (yet): 404.
        if to > current || from > to {
            return Err(ApiError::NotFound(detail!("proof.sizes", current)));
        }
        let proof = truce_tlog::consistency_proof(from, to, &StoreHashes(state.store.as_ref()))
            .map_err(|e| ApiError::Internal(detail!("internal.proof", cause = e)))?;
        Ok(Json(ConsistencyProof {
            size1: from,
            size2: to,
            proof,
        }))
    })
    .await
}

/// Proofs are served against signed tree sizes only.
fn checkpointed_size(state: &AppState) -> Result<u64, ApiError> {
    Ok(state.store.latest_checkpoint()?.map_or(0, |c| c.size))
}

/// c2sp.org/tlog-tiles: `/tile/<L>/<N>[.p/<W>]` (hashes) and
/// `/tile/entries/<N>[.p/<W>]` (leaves, each behind a 16-bit length).
///
/// A tile's bytes never change once the tree covers it (partial tiles are
/// prefixes of full ones), but a partial tile is cached for a second only:
/// clients ask for the rightmost one while the log grows.
#[utoipa::path(get, path = "/tile/{path}", tag = "transparency",
    params(("path" = String, Path, description = "A tile path as c2sp.org/tlog-tiles spells it, e.g. `0/x001/234`, `1/000.p/17`, `entries/000.p/98` (several segments)")),
    responses((status = 200, description = "The tile's bytes", body = Vec<u8>, content_type = "application/octet-stream")))]
pub async fn tile(
    State(state): State<AppState>,
    axum::extract::Path(path): axum::extract::Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let tile =
        TilePath::parse(&path).map_err(|_| ApiError::NotFound(detail!("tile.path", path)))?;
    let body = blocking(move || {
        let size = checkpointed_size(&state)?;
        let level_bits = 8 * u32::from(tile.level.unwrap_or(0));
        // How many nodes the tile's tree level has in the checkpointed tree.
        let available = size.checked_shr(level_bits).unwrap_or(0);
        let start = tile.index.saturating_mul(256);
        let full = available >= start.saturating_add(256);
        // A partial tile of any width the checkpointed tree covers is served,
        // not only the rightmost one: a mirror copying the log in steps from
        // one signed checkpoint to the next asks for the tile as it stood at
        // each, and its bytes (a prefix of the full tile) never change.
        let width = match tile.width {
            None if full => 256,
            Some(w) if available >= start + u64::from(w) => u64::from(w),
            _ => {
                return Err(ApiError::NotFound(detail!("tile.none", size)));
            }
        };
        let end = start + width;
        let mut body = Vec::new();
        match tile.level {
            None => {
                for r in state.store.records(start, end)? {
                    let len = u16::try_from(r.leaf.len()).map_err(|_| {
                        ApiError::Internal(detail!("internal.tile_entry", index = r.index))
                    })?;
                    body.extend_from_slice(&len.to_be_bytes());
                    body.extend_from_slice(&r.leaf);
                }
            }
            Some(level) => {
                let tree_level = level
                    .checked_mul(8)
                    .ok_or_else(|| ApiError::NotFound(detail!("tile.level")))?;
                for (_, hash) in state.store.nodes_at_level(tree_level, start, end)? {
                    body.extend_from_slice(&hash.0);
                }
                if body.len() as u64 != width * 32 {
                    return Err(ApiError::Internal(detail!("internal.tile_nodes")));
                }
            }
        }
        Ok((body, full))
    })
    .await?;
    let cache = if body.1 {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=1"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        body.0,
    ))
}
