//! Transparency endpoints: the signed checkpoint and RFC 9162 proofs, in the
//! same shapes as `truce prove`.

use crate::error::{ApiError, blocking};
use crate::extract::Query;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use truce_store::StoreHashes;
use truce_tlog::{Hash, NodeId};

pub async fn checkpoint(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let note = blocking(move || {
        state
            .store
            .latest_checkpoint()?
            .map(|c| c.note)
            .ok_or_else(|| {
                ApiError::NotFound("the log is empty: nothing has been checkpointed yet".into())
            })
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    index: u64,
    size: Option<u64>,
}

#[derive(Serialize)]
pub struct InclusionProof {
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: Hash,
    pub proof: Vec<Hash>,
}

pub async fn inclusion(
    State(state): State<AppState>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<InclusionProof>, ApiError> {
    blocking(move || {
        let current = checkpointed_size(&state)?;
        let size = q.size.unwrap_or(current);
        if size > current {
            return Err(ApiError::BadRequest(format!(
                "the latest checkpoint covers {current} records; ask for a size up to that"
            )));
        }
        if q.index >= size {
            return Err(ApiError::BadRequest(format!(
                "record {} is not in a tree of {size} records",
                q.index
            )));
        }
        let store = state.store.as_ref();
        let proof = truce_tlog::inclusion_proof(q.index, size, &StoreHashes(store))
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let leaf_hash = store
            .nodes(&[NodeId {
                level: 0,
                index: q.index,
            }])?
            .first()
            .copied()
            .ok_or_else(|| ApiError::Internal("the leaf hash is missing".into()))?;
        Ok(Json(InclusionProof {
            index: q.index,
            tree_size: size,
            leaf_hash,
            proof,
        }))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    from: u64,
    to: Option<u64>,
}

#[derive(Serialize)]
pub struct ConsistencyProof {
    pub size1: u64,
    pub size2: u64,
    pub proof: Vec<Hash>,
}

pub async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    blocking(move || {
        let current = checkpointed_size(&state)?;
        let to = q.to.unwrap_or(current);
        if to > current || q.from > to {
            return Err(ApiError::BadRequest(format!(
                "sizes must satisfy from ≤ to ≤ {current} (the latest checkpoint)"
            )));
        }
        let proof = truce_tlog::consistency_proof(q.from, to, &StoreHashes(state.store.as_ref()))
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        Ok(Json(ConsistencyProof {
            size1: q.from,
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
