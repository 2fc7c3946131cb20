//! Who witnessed the log: for the latest checkpoint and the latest one that
//! met the charter's quorum, which witnesses cosigned; for each witness,
//! what the log last heard from it. Every claim here is backed by the
//! cosignature lines served with the checkpoint (`GET /checkpoint`,
//! `GET /api/v1/checkpoints/{size}`), which `truce verify` checks against the
//! charter's policy.

use crate::error::{ApiError, blocking, detail};
use crate::extract::Path;
use crate::params::LogIndex;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use truce_core::values::Timestamp;
use truce_tlog::WitnessPolicy;

/// One witness's valid cosignature on a checkpoint.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Cosigner {
    /// The witness's name in the charter's policy (the participant).
    pub witness: String,
    /// When it cosigned.
    pub at: String,
}

/// A checkpoint, its cosignatures, and whether they meet the quorum.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WitnessedCheckpoint {
    pub size: u64,
    /// The signed note: the log's signature, then every kept cosignature.
    pub note: String,
    /// The policy's witnesses whose cosignatures verify, in policy order.
    pub cosigners: Vec<Cosigner>,
    /// Whether they meet the charter's quorum.
    pub quorum_met: bool,
}

/// What the log knows of one witness.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WitnessStatus {
    /// Its name in the policy (the participant it belongs to).
    pub name: String,
    /// Its cosignature key (c2sp.org/tlog-cosignature vkey).
    pub key: String,
    /// Where the log submits checkpoints to it, if anywhere.
    pub url: Option<String>,
    /// The largest size it has cosigned since this server started.
    pub cosigned_size: Option<u64>,
    /// When it last cosigned, since this server started.
    pub last_cosigned_at: Option<String>,
    /// Since when it has not answered with a cosignature, while that lasts.
    pub failing_since: Option<String>,
    /// Why, in words.
    pub last_error: Option<String>,
}

/// The log's witnessing at a glance.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Witnessing {
    /// The quorum's name in the policy; absent for `quorum none`.
    pub quorum: Option<String>,
    pub witnesses: Vec<WitnessStatus>,
    /// The latest checkpoint, with what cosignatures it has so far.
    pub latest: Option<WitnessedCheckpoint>,
    /// The latest checkpoint that met the quorum (what `/checkpoint` serves).
    pub witnessed: Option<WitnessedCheckpoint>,
}

fn rfc3339(posix: u64) -> Option<String> {
    i64::try_from(posix)
        .ok()
        .and_then(|s| Timestamp::from_unix(s).ok())
        .map(|t| t.to_string())
}

fn policy(state: &AppState) -> Result<WitnessPolicy, ApiError> {
    state
        .charter()
        .map(|c| c.policy())
        .ok_or_else(|| ApiError::NotFound(detail!("log.no_charter")))?
        .map_err(|e| ApiError::Internal(detail!("internal.policy", cause = e)))
}

fn describe(
    state: &AppState,
    policy: &WitnessPolicy,
    size: u64,
) -> Result<Option<WitnessedCheckpoint>, ApiError> {
    let Some(checkpoint) = truce_store::cosigned_checkpoint(state.store.as_ref(), size)? else {
        return Ok(None);
    };
    let note = truce_tlog::parse_note(&checkpoint.note)
        .map_err(|e| ApiError::Internal(detail!("internal.checkpoint", size, cause = e)))?;
    let cosigners = policy.cosigners(&note.text, &note.signatures);
    let names: Vec<&str> = cosigners.iter().map(|c| c.witness.as_str()).collect();
    let quorum_met = policy.satisfied_by(&names);
    Ok(Some(WitnessedCheckpoint {
        size,
        cosigners: cosigners
            .iter()
            .map(|c| Cosigner {
                witness: c.witness.clone(),
                at: rfc3339(c.timestamp).unwrap_or_default(),
            })
            .collect(),
        quorum_met,
        note: checkpoint.note,
    }))
}

/// Who has witnessed the log, and how far.
#[utoipa::path(get, path = "/api/v1/witnessing", tag = "transparency",
    responses((status = 200, body = Witnessing),
        (status = 404, description = "The log has no charter yet", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn witnessing(State(state): State<AppState>) -> Result<Json<Witnessing>, ApiError> {
    blocking(move || {
        let policy = policy(&state)?;
        let reports = state
            .witnessing
            .as_ref()
            .map(|c| c.reports())
            .unwrap_or_default();
        let witnesses = policy
            .witnesses()
            .iter()
            .map(|w| {
                let report = reports.iter().find(|r| r.name == w.name);
                WitnessStatus {
                    name: w.name.clone(),
                    key: w.key.vkey(),
                    url: report.and_then(|r| r.url.clone()).or_else(|| w.url.clone()),
                    cosigned_size: report.and_then(|r| r.cosigned_size),
                    last_cosigned_at: report.and_then(|r| r.last_cosigned_at).and_then(rfc3339),
                    failing_since: report.and_then(|r| r.failing_since).and_then(rfc3339),
                    last_error: report.and_then(|r| r.last_error.clone()),
                }
            })
            .collect();
        let latest = match state.store.latest_checkpoint()? {
            Some(c) => describe(&state, &policy, c.size)?,
            None => None,
        };
        let witnessed = match state.store.latest_witnessed_size()? {
            Some(size) => describe(&state, &policy, size)?,
            None => None,
        };
        Ok(Json(Witnessing {
            quorum: policy.quorum().map(str::to_owned),
            witnesses,
            latest,
            witnessed,
        }))
    })
    .await
}

/// One checkpoint the log signed, with the cosignatures kept for it and
/// whether they meet the charter's quorum.
#[utoipa::path(get, path = "/api/v1/checkpoints/{size}", tag = "transparency",
    params(("size" = inline(LogIndex), Path, description = "The checkpoint's tree size")),
    responses((status = 200, body = WitnessedCheckpoint),
        (status = 404, description = "The log signed no checkpoint of that size", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn checkpoint_at(
    State(state): State<AppState>,
    Path(LogIndex(size)): Path<LogIndex>,
) -> Result<Json<WitnessedCheckpoint>, ApiError> {
    blocking(move || {
        let policy = policy(&state)?;
        describe(&state, &policy, size)?
            .map(Json)
            .ok_or_else(|| ApiError::NotFound(detail!("checkpoint.none", size)))
    })
    .await
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckpointAtMost {
    /// The largest tree size wanted.
    #[param(inline)]
    at_most: LogIndex,
}

/// The largest checkpoint the log signed at `at_most` records or fewer. A
/// mirror copies a long log in steps from one signed checkpoint to the next
/// (`truce mirror`), so it never holds more than a step of records that no
/// signed root covers yet.
#[utoipa::path(get, path = "/api/v1/checkpoints", tag = "transparency", params(CheckpointAtMost),
    responses((status = 200, body = WitnessedCheckpoint),
        (status = 400, description = "`at_most` missing or not a log position", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "The log signed no checkpoint that small", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn checkpoint_at_most(
    State(state): State<AppState>,
    crate::extract::Query(q): crate::extract::Query<CheckpointAtMost>,
) -> Result<Json<WitnessedCheckpoint>, ApiError> {
    blocking(move || {
        let policy = policy(&state)?;
        let size = state
            .store
            .checkpoint_at_most(q.at_most.0)?
            .map(|c| c.size)
            .ok_or_else(|| {
                ApiError::NotFound(detail!("checkpoint.none_at_most", size = q.at_most.0))
            })?;
        describe(&state, &policy, size)?
            .map(Json)
            .ok_or_else(|| ApiError::NotFound(detail!("checkpoint.none", size)))
    })
    .await
}

/// Record `index` as a c2sp.org/tlog-proof@v1 file (`.tlog-proof`): the
/// record's leaf bytes as extra data, its inclusion proof, and the
/// checkpoint with its witnesses' cosignatures — the latest witnessed one
/// that covers the record, else the latest. `truce verify --proof FILE
/// --policy FILE` checks it offline.
#[utoipa::path(get, path = "/api/v1/records/{index}/proof", tag = "transparency",
    params(("index" = inline(LogIndex), Path, description = "The record's index in the log")),
    responses((status = 200, description = "A c2sp.org/tlog-proof@v1 text", body = String, content_type = "text/plain; charset=utf-8"),
        (status = 404, description = "No such record", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn record_proof(
    State(state): State<AppState>,
    Path(LogIndex(index)): Path<LogIndex>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let text = blocking(move || {
        if index >= state.store.size()? {
            return Err(ApiError::NotFound(detail!("record.not_in_log", index)));
        }
        truce_ledger::bundle::build_tlog_proof(state.store.as_ref(), index)
            .map(|p| p.encode())
            .map_err(|e| ApiError::Unavailable(detail!("bundle.unavailable", cause = e)))
    })
    .await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        text,
    ))
}
