//! Bulk submission (`POST /api/v1/records:batch`): many already-signed
//! records in one request, each admitted or refused on its own, answered per
//! record. The request and answer types are public so that clients (`truce
//! submit --batch`, `truce import`) read and write the same shapes.
//!
//! Each record meets exactly the checks `POST /api/v1/records` makes — the
//! same parsing, size limit, clock bound and the ledger's admission — and a
//! refused one gets the problem that endpoint would answer. What differs is
//! only how the records travel: queued together through
//! `Ledger::submit_each`, so the sequencer makes them durable in a few
//! commits rather than one each.

use super::records::{AuditNote, audit_refusal, check_clock, parse_submission};
use crate::error::{ApiError, Problem, blocking, detail};
use crate::extract::{ClientAddress, StrictJson};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use truce_core::Record;
use truce_core::sealed::Opening;
use truce_ledger::Receipt;

/// The most records one batch holds.
pub const MAX_RECORDS: usize = 1000;

/// The largest body the batch endpoint reads (other endpoints take the
/// server's `body_limit_bytes`; each record of a batch is still held to it).
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// Batches admitted at once, across callers: a batch holds a blocking
/// thread while its records are made durable, and the server has few.
static RUNNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// What `POST /api/v1/records:batch` takes.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// Signed records, each as `POST /api/v1/records` takes it (a signed
    /// record, or `{record, opening}`: the `Submission` schema), in the order
    /// they are to enter the log. Each must be a JSON object; whether it is
    /// a record is checked per record, and one that is not gets its own
    /// problem (400) in the answer rather than refusing the batch.
    #[schema(value_type = Vec<Object>, min_items = 1, max_items = 1000)]
    pub records: Vec<serde_json::Value>,
}

/// The answer: one result per record of the request, in its order.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchAnswer {
    pub results: Vec<BatchResult>,
}

/// What became of one record of a batch.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum BatchResult {
    /// Durable in the log.
    Filed(Receipt),
    /// Refused; nothing of it is in the log. `problem` is what `POST
    /// /api/v1/records` would have answered for this record alone.
    Refused { problem: Problem },
}

/// Submit many signed records, each admitted or refused on its own.
///
/// The records enter the log in the order given, through the same checks
/// as `POST /api/v1/records`, made durable together in as few commits as the
/// log can. The answer (200 whenever the request itself is well formed)
/// lists, per record in order, its receipt once it is durable, or the
/// problem that endpoint would have answered for it (`problem.status`,
/// `type`, `detail` and `code` alike). A refused record stops nothing after
/// it; a record that depends on it — the same author's next sequence number,
/// say — is refused in turn by its own admission. Send at most 1,000 records
/// and 8 MiB; each record is held to the server's own body limit. If the
/// answer is lost (a 408, a dropped connection), records may have been
/// filed: look them up by hash before sending them again.
#[utoipa::path(post, path = "/api/v1/records:batch", tag = "records",
    request_body(content = BatchRequest, description = "Signed records, in log order"),
    responses(
        (status = 200, description = "A result per record, in order: a receipt once durable, or the record's problem", body = BatchAnswer),
    ))]
pub async fn submit_batch(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    StrictJson(value): StrictJson,
) -> Result<Json<BatchAnswer>, ApiError> {
    // Each refused record's problem in the reader's language, as the
    // problem of the request itself would be.
    let lang = crate::languages::of_request(&headers);
    let request: BatchRequest = serde_json::from_value(value)
        .map_err(|e| ApiError::BadRequest(detail!("batch.shape", cause = e)))?;
    if request.records.is_empty() || request.records.len() > MAX_RECORDS {
        return Err(ApiError::BadRequest(detail!(
            "batch.size",
            max = MAX_RECORDS,
            given = request.records.len()
        )));
    }
    if let Some(position) = request.records.iter().position(|r| !r.is_object()) {
        return Err(ApiError::BadRequest(detail!("batch.not_object", position)));
    }
    let _running = RUNNING
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable(detail!("server.stopping")))?;
    // Each record's place in the request; those checked here wait in `results`
    // for the ledger's answer.
    let mut results: Vec<Option<Result<Receipt, ApiError>>> = Vec::new();
    let (mut places, mut notes, mut records, mut openings) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for value in request.records {
        match checked(&state, value) {
            Ok((record, opening)) => {
                places.push(results.len());
                notes.push(AuditNote::of(&record));
                records.push(record);
                openings.push(opening);
                results.push(None);
            }
            Err(e) => {
                audit_refusal(&state, address, None, &e);
                results.push(Some(Err(e)));
            }
        }
    }
    let ledger = std::sync::Arc::clone(state.ledger()?);
    let outcomes = blocking(move || {
        Ok(ledger.submit_each(
            records
                .into_iter()
                .zip(openings.iter().map(Option::as_ref))
                .collect(),
        ))
    })
    .await?;
    for ((place, note), outcome) in places.into_iter().zip(&notes).zip(outcomes) {
        let outcome = outcome.map_err(ApiError::from);
        note.audit(&state, address, outcome.as_ref());
        if let Some(slot) = results.get_mut(place) {
            *slot = Some(outcome);
        }
    }
    let results = results
        .into_iter()
        .map(|result| match result {
            Some(Ok(receipt)) => BatchResult::Filed(receipt),
            Some(Err(e)) => refused(&e, lang),
            // Every place is answered above; should one not be, it is not durable.
            None => refused(&ApiError::Unavailable(detail!("batch.no_answer")), lang),
        })
        .collect();
    Ok(Json(BatchAnswer { results }))
}

/// A record of the batch checked as `POST /api/v1/records` checks it before
/// the ledger: its size, its shape, its claimed time.
fn checked(
    state: &AppState,
    value: serde_json::Value,
) -> Result<(Record, Option<Opening>), ApiError> {
    let limit = state.limits.body_bytes;
    let size = serde_json::to_vec(&value).map_or(usize::MAX, |bytes| bytes.len());
    if size > limit {
        return Err(ApiError::TooLarge(detail!(
            "batch.record_too_large",
            size,
            limit
        )));
    }
    let (record, opening) = parse_submission(value)?;
    check_clock(state, &record)?;
    Ok((record, opening))
}

fn refused(error: &ApiError, lang: truce_i18n::Lang) -> BatchResult {
    let problem = error.problem_in(lang);
    if problem.status >= 500 {
        tracing::error!(error = %truce_store::describe(error), "a record of a batch was not stored");
    }
    BatchResult::Refused { problem }
}
