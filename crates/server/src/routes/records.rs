//! Submitting and reading records.

use crate::audit::{AuditEvent, Entry};
use crate::auth::Caller;
use crate::error::{ApiError, blocking, core_facts, detail, parse_stored};
use crate::extract::{ClientAddress, Path, Query, StrictJson};
use crate::params::{LogIndex, Within};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use truce_core::Record;
use truce_core::sealed::{Opening, SealedPart};
use truce_ledger::Receipt;
use truce_ledger::bundle::{Bundle, build_bundle};

/// How far in the future a record's claimed time may be.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// A submission: a signed record, or `{"record": …, "opening": …}` for a
/// record with a confidential part (the opening is stored apart, never in the log).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithOpening {
    #[schema(value_type = truce_core::record::SignedRecord)]
    record: serde_json::Value,
    #[serde(default)]
    opening: Option<Opening>,
}

/// What `POST /api/v1/records` takes: a signed record, or one with the
/// opening of its confidential part (this type exists for the API document;
/// the handler reads the body itself so that each shape gets its own error).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Submission {
    Signed(truce_core::record::SignedRecord),
    WithOpening(WithOpening),
}

/// Submit a signed record.
///
/// The record is acknowledged only once it is durable in the log: the answer
/// names its index, leaf hash and the size of the checkpoint that covers it.
/// A record the log's rules refuse (bad signature, replayed sequence number,
/// a capability the author lacks, a reference to nothing) gets 422 and
/// changes nothing. A record that breaks a rule of its kind gets the problem
/// type `https://truce.example/problems/rule/{code}` and that `code`, one of
/// the `RuleCode` schema's.
#[utoipa::path(post, path = "/api/v1/records", tag = "records",
    request_body(content = Submission, description = "A signed record, or `{record, opening}` for one with a confidential part"),
    responses(
        (status = 201, description = "Durable in the log", body = Receipt),
        (status = 422, description = "The log's rules refuse the record; nothing changed. A broken rule of the record's kind is named by the problem's `code` (`RuleCode`)", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    StrictJson(value): StrictJson,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let (record, opening) = match parse_submission(value) {
        Ok(parsed) => parsed,
        Err(e) => {
            audit_refusal(&state, address, None, &e);
            return Err(e);
        }
    };
    let note = AuditNote::of(&record);
    let outcome = admit(&state, record, opening).await;
    note.audit(&state, address, outcome.as_ref());
    Ok((StatusCode::CREATED, Json(outcome?)))
}

/// What the audit log says of a submission, taken before its record goes
/// to the ledger; shared by single and batch submission.
pub(crate) struct AuditNote {
    author: truce_core::values::MemberId,
    kind: truce_core::Kind,
    /// Only these two kinds are audited when admitted: they end tokens.
    ends_tokens: Option<(AuditEvent, truce_core::values::MemberId)>,
}

impl AuditNote {
    pub(crate) fn of(record: &Record) -> Self {
        let ends_tokens = match &record.body() {
            truce_core::Body::MemberRevoke(b) => {
                Some((AuditEvent::MemberRevoked, b.member.clone()))
            }
            truce_core::Body::KeyRotate(b) => Some((AuditEvent::KeyRotated, b.member.clone())),
            _ => None,
        };
        AuditNote {
            author: record.author().clone(),
            kind: record.kind(),
            ends_tokens,
        }
    }

    /// Audits the submission's outcome: a refusal, or an admitted record
    /// that ends tokens.
    pub(crate) fn audit(
        &self,
        state: &AppState,
        address: Option<std::net::SocketAddr>,
        outcome: Result<&Receipt, &ApiError>,
    ) {
        match outcome {
            Ok(receipt) => {
                if let Some((event, member)) = &self.ends_tokens {
                    state.audit(
                        *event,
                        Entry {
                            member: Some(member.as_str()),
                            address,
                            record: Some(receipt.index),
                            detail: &format!("{} signed by {}", self.kind, self.author),
                        },
                    );
                }
            }
            Err(e) => audit_refusal(state, address, Some(self.author.as_str()), e),
        }
    }
}

/// The most records one group holds: a report and the most evidence it may cite.
pub const MAX_GROUP: usize = 33;

/// What `POST /api/v1/records/group` takes.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// One author's records, each as `POST /api/v1/records` takes it, in the
    /// order they are to enter the log.
    #[schema(value_type = Vec<Submission>, min_items = 1, max_items = 33)]
    records: Vec<serde_json::Value>,
}

/// Submit one author's records as a group, all or none.
///
/// Evidence and the report that cites it, say. The records are admitted in
/// order, each checked against the log as the ones before it leave it, at
/// consecutive indexes, and made durable together: the answer is a receipt
/// per record, in order. If any record is refused, none is filed — the 422
/// names the first refused record's place in the group (from 0) — so a
/// refused report leaves no evidence record behind, and a group sent again
/// after it was filed is refused whole (its sequence numbers are taken), so
/// nothing is filed twice. Only kinds whose admission can be undone may be
/// grouped: not the charter, membership, findings, determinations,
/// decisions, concurrences or drafts and their signatures.
#[utoipa::path(post, path = "/api/v1/records/group", tag = "records",
    request_body(content = Group, description = "One author's signed records, in log order"),
    responses(
        (status = 201, description = "Every record is durable in the log, at consecutive indexes", body = Vec<Receipt>),
        (status = 422, description = "A record of the group is refused, and nothing of the group was filed. A broken rule of the record's kind is named by the problem's `code` (`RuleCode`)", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit_group(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    StrictJson(value): StrictJson,
) -> Result<(StatusCode, Json<Vec<Receipt>>), ApiError> {
    let records = match parse_group(value) {
        Ok(records) => records,
        Err(e) => {
            audit_refusal(&state, address, None, &e);
            return Err(e);
        }
    };
    let author = records
        .first()
        .map(|(record, _)| record.author().to_string());
    match admit_group(&state, records).await {
        Ok(receipts) => Ok((StatusCode::CREATED, Json(receipts))),
        Err(e) => {
            audit_refusal(&state, address, author.as_deref(), &e);
            Err(e)
        }
    }
}

/// The group's records, each with the opening of its confidential part if one came with it.
fn parse_group(value: serde_json::Value) -> Result<Vec<(Record, Option<Opening>)>, ApiError> {
    let group: Group = serde_json::from_value(value)
        .map_err(|e| ApiError::BadRequest(detail!("group.shape", cause = e)))?;
    if group.records.is_empty() || group.records.len() > MAX_GROUP {
        return Err(ApiError::BadRequest(detail!(
            "group.size",
            max = MAX_GROUP,
            given = group.records.len()
        )));
    }
    group
        .records
        .into_iter()
        .enumerate()
        .map(|(position, value)| {
            parse_submission(value).map_err(|e| {
                ApiError::BadRequest(detail!("group.record", position).nested("reason", e.detail()))
            })
        })
        .collect()
}

/// Admits the group through the ledger, all or none; answers once it is durable.
async fn admit_group(
    state: &AppState,
    records: Vec<(Record, Option<Opening>)>,
) -> Result<Vec<Receipt>, ApiError> {
    for (position, (record, _)) in records.iter().enumerate() {
        check_clock(state, record).map_err(|e| {
            ApiError::Rejected(detail!("group.refused", position).nested("reason", e.detail()))
        })?;
    }
    let (records, openings): (Vec<_>, Vec<_>) = records.into_iter().unzip();
    if let Some(first) = records.first()
        && state
            .ledger()?
            .with_state(|s| s.signing_keys(first).is_err())
    {
        state.caught_up().await?;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    state.ledger()?.submit_group_with(
        records
            .into_iter()
            .zip(openings.iter().map(Option::as_ref))
            .collect(),
        move |result| {
            let _ = tx.send(result);
        },
    )?;
    Ok(rx
        .await
        .map_err(|_| ApiError::Unavailable(detail!("ledger.stopped")))??)
}

/// Deadlines run from claimed times, which admission bounds below (no
/// record precedes what it answers); the server bounds them above.
pub(crate) fn check_clock(state: &AppState, record: &Record) -> Result<(), ApiError> {
    let now = state.clock.now();
    if record.time().unix() > now.unix() + MAX_CLOCK_SKEW_SECS {
        return Err(ApiError::Rejected(detail!(
            "record.future",
            time = record.time(),
            skew = MAX_CLOCK_SKEW_SECS,
            now
        )));
    }
    Ok(())
}

/// A refused record is an audit event; a record the log could not take
/// for want of storage (503) is the server's trouble, not a refusal.
pub(crate) fn audit_refusal(
    state: &AppState,
    address: Option<std::net::SocketAddr>,
    author: Option<&str>,
    error: &ApiError,
) {
    if matches!(
        error,
        ApiError::Unavailable(_)
            | ApiError::Internal(_)
            | ApiError::Store(_)
            | ApiError::NotStored(_)
    ) {
        return;
    }
    state.audit(
        AuditEvent::RecordRefused,
        Entry {
            member: author,
            address,
            detail: &error.detail().to_string(),
            ..Entry::default()
        },
    );
}

/// The record, and the opening of its confidential part if one came with it.
pub(crate) fn parse_submission(
    value: serde_json::Value,
) -> Result<(Record, Option<Opening>), ApiError> {
    let (record_value, opening) = if value.get("envelope").is_some() {
        (value, None)
    } else {
        let w: WithOpening = serde_json::from_value(value)
            .map_err(|e| ApiError::BadRequest(detail!("submission.shape", cause = e)))?;
        (w.record, w.opening)
    };
    // Parsed once: the record is built from the value, not re-serialised.
    let record = Record::from_value(record_value)
        .map_err(|e| ApiError::BadRequest(core_facts::record(&e)))?;
    Ok((record, opening))
}

/// Admits the record through the ledger; answers once it is durable.
async fn admit(
    state: &AppState,
    record: Record,
    opening: Option<Opening>,
) -> Result<Receipt, ApiError> {
    check_clock(state, &record)?;
    // A member or key this server does not know yet may have been added
    // through another server on the same database: catch up before refusing.
    if state
        .ledger()?
        .with_state(|s| s.signing_keys(&record).is_err())
    {
        state.caught_up().await?;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    state
        .ledger()?
        .submit_with(record, opening.as_ref(), move |result| {
            let _ = tx.send(result);
        })?;
    Ok(rx
        .await
        .map_err(|_| ApiError::Unavailable(detail!("ledger.stopped")))??)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordView {
    pub index: u64,
    pub leaf_hash: truce_core::Hash,
    /// The record exactly as logged.
    #[schema(value_type = truce_core::record::SignedRecord)]
    pub record: serde_json::Value,
    /// The opening of the record's confidential part, when the caller may read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<truce_core::sealed::Opening>)]
    pub confidential: Option<serde_json::Value>,
}

/// Whether the caller may read a record's confidential part (see `crate::access`).
/// An anonymous caller never may, and is answered without the ledger (which
/// may still be opening).
pub fn may_read_sealed(
    state: &AppState,
    caller: &Caller,
    record: &Record,
    sealed: &SealedPart,
) -> Result<bool, ApiError> {
    let Some(session) = caller.0.as_ref() else {
        return Ok(false);
    };
    let author_participant = state
        .ledger()?
        .with_state(|s| s.member(record.author()).map(|m| m.participant.clone()));
    Ok(crate::access::may_read_opening(
        Some(session),
        author_participant.as_ref(),
        sealed,
    ))
}

pub fn view(
    state: &AppState,
    caller: &Caller,
    index: u64,
    leaf: &[u8],
) -> Result<RecordView, ApiError> {
    let record = parse_stored(index, leaf)?;
    let confidential = match &record.signed().envelope.confidential {
        Some(sealed) if may_read_sealed(state, caller, &record, sealed)? => state
            .store
            .opening(index)?
            .and_then(|bytes| serde_json::from_slice(&bytes).ok()),
        _ => None,
    };
    Ok(RecordView {
        index,
        leaf_hash: record.hash(),
        record: serde_json::from_slice(leaf)
            .map_err(|e| ApiError::Internal(detail!("internal.stored_record", index, cause = e)))?,
        confidential,
    })
}

/// The stored record at `index`, if the log has one.
pub fn one(state: &AppState, index: u64) -> Result<Option<truce_store::StoredRecord>, ApiError> {
    Ok(state
        .store
        .records(index, index.saturating_add(1))?
        .into_iter()
        .next())
}

/// One record by its index in the log, with its confidential part when the
/// caller's participant wrote it or is named among its readers.
#[utoipa::path(get, path = "/api/v1/records/{index}", tag = "records",
    params(("index" = inline(LogIndex), Path, description = "The record's index in the log")),
    security((), ("bearer" = [])),
    responses((status = 200, body = RecordView)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(LogIndex(index)): Path<LogIndex>,
) -> Result<Json<RecordView>, ApiError> {
    blocking(move || {
        let stored = one(&state, index)?
            .ok_or_else(|| ApiError::NotFound(detail!("record.not_in_log", index)))?;
        Ok(Json(view(&state, &caller, stored.index, &stored.leaf)?))
    })
    .await
}

/// One record by its leaf hash (base64url without padding, or standard base64).
#[utoipa::path(get, path = "/api/v1/records/by-hash/{hash}", tag = "records",
    params(("hash" = String, Path, pattern = "^([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]|[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)$", description = "The record's RFC 6962 leaf hash, base64url")),
    security((), ("bearer" = [])),
    responses((status = 200, body = RecordView)))]
pub async fn get_by_hash(
    State(state): State<AppState>,
    caller: Caller,
    Path(hash): Path<String>,
) -> Result<Json<RecordView>, ApiError> {
    let hash = parse_hash(&hash)?;
    let index = state
        .ledger()?
        .index_of(&hash)
        .ok_or_else(|| ApiError::NotFound(detail!("record.no_such_hash", hash)))?;
    get(State(state), caller, Path(LogIndex(index))).await
}

/// Record hashes in URLs: base64url (no padding) or standard base64.
pub fn parse_hash(text: &str) -> Result<truce_core::Hash, ApiError> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(text))
        .map_err(|_| {
            ApiError::BadRequest(detail!("hash.not_base64", text = format!("{text:?}")))
        })?;
    truce_core::Hash::from_slice(&bytes).map_err(|_| ApiError::BadRequest(detail!("hash.length")))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// The first index to return.
    #[param(inline)]
    start: Option<LogIndex>,
    /// How many records at most (1 to 1000; 100 when not given).
    #[param(inline)]
    limit: Option<Within<1, 1000>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordPage {
    pub records: Vec<RecordView>,
    /// The `start` of the next page, if there is one.
    pub next: Option<u64>,
    /// The log's size when the page was read.
    pub size: u64,
}

/// Records in log order, a page at a time.
#[utoipa::path(get, path = "/api/v1/records", tag = "records", params(Range),
    security((), ("bearer" = [])),
    responses((status = 200, body = RecordPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(range): Query<Range>,
) -> Result<Json<RecordPage>, ApiError> {
    let start = range.start.map_or(0, |s| s.0);
    let limit = range.limit.map_or(100, |l| l.0) as u64;
    blocking(move || {
        let size = state.store.size()?;
        let end = start.saturating_add(limit).min(size);
        let mut records = Vec::new();
        for stored in state.store.records(start, end)? {
            records.push(view(&state, &caller, stored.index, &stored.leaf)?);
        }
        Ok(Json(RecordPage {
            records,
            next: (end < size).then_some(end),
            size,
        }))
    })
    .await
}

/// A record with everything needed to check it offline: its inclusion proof,
/// the record that granted its author's key (with its proof), and the signed
/// checkpoint both proofs lead to. `truce verify --bundle FILE` checks it.
#[utoipa::path(get, path = "/api/v1/records/{index}/bundle", tag = "transparency",
    params(("index" = inline(LogIndex), Path, description = "The record's index in the log")),
    responses((status = 200, description = "A truce-bundle/v1 document", body = Bundle)))]
pub async fn bundle(
    State(state): State<AppState>,
    Path(LogIndex(index)): Path<LogIndex>,
) -> Result<Json<Bundle>, ApiError> {
    blocking(move || {
        let stored = one(&state, index)?
            .ok_or_else(|| ApiError::NotFound(detail!("record.not_in_log", index)))?;
        let record = parse_stored(index, &stored.leaf)?;
        let key_id = record
            .signed()
            .signatures
            .iter()
            .next()
            .map(|s| s.key.clone())
            .unwrap_or_default();
        let granted_by = state.ledger()?.with_state(|s| {
            s.member(record.author())
                .and_then(|m| {
                    m.keys
                        .iter()
                        .find(|k| format!("{:08x}", k.key_id) == key_id)
                })
                .map(|k| k.granted_by)
        });
        let key_index = match granted_by {
            Some(h) => state
                .ledger()?
                .index_of(&h)
                .ok_or_else(|| ApiError::Internal(detail!("internal.key_not_indexed")))?,
            // The charter signs itself into existence: its own key record.
            None => 0,
        };
        build_bundle(state.store.as_ref(), index, key_index)
            .map(Json)
            .map_err(|e| ApiError::Unavailable(detail!("bundle.unavailable", cause = e)))
    })
    .await
}
