//! `GET /api/v1/evidence/{digest}`: a blob served once a record describes
//! it, to whom `crate::access` allows, checked against its digest, whole or
//! one byte range.

use super::errors::{access_refused, blob_error};
use super::names::{disposition, served_type};
use super::ranges::{Wanted, wanted};
use crate::access::{EvidenceDecision, evidence_decision};
use crate::auth::{Caller, Session};
use crate::error::{ApiError, Detail, blocking, detail, parse_stored};
use crate::extract::{ClientAddress, Path};
use crate::state::AppState;
use crate::verified_blobs::FileStamp;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use tokio::io::AsyncReadExt;
use tokio_util::io::ReaderStream;
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::evidence::{Confidentiality, EvidenceSubmit};
use truce_core::values::{ParticipantId, Timestamp};
use truce_core::{Hash, Kind, Record};
use truce_store::blobs::{BlobError, check_content};

/// Bytes sent per step when streaming a blob.
const CHUNK: usize = 64 * 1024;

/// The record that describes a blob: the first `evidence.submit` naming it.
pub(super) struct Described {
    pub(super) index: u64,
    hash: Hash,
    pub(super) submit: EvidenceSubmit,
    /// When the record was signed (its claimed time).
    pub(super) filed_at: Timestamp,
    /// The participant of the member who filed it.
    filer: ParticipantId,
    /// `evidence.access` records referring to it, in log order.
    accesses: Vec<u64>,
    /// `incident.report` records citing it, in log order.
    pub(super) cited_by: Vec<u64>,
}

pub(super) fn read_record(state: &AppState, index: u64) -> Result<Record, ApiError> {
    let stored = state
        .store
        .records(index, index.saturating_add(1))?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Internal(detail!("internal.indexed_not_stored", index)))?;
    parse_stored(index, &stored.leaf)
}

pub(super) fn describe(state: &AppState, digest: &BlobDigest) -> Result<Described, ApiError> {
    state.index.catch_up()?;
    let (index, accesses, cited_by) = {
        let idx = state.index.read()?;
        let first = idx
            .evidence(digest)
            .first()
            .copied()
            .ok_or_else(|| ApiError::NotFound(detail!("evidence.undescribed", digest)))?;
        let referencing = idx.referencing(first);
        let of_kind = |kind| {
            referencing
                .iter()
                .copied()
                .filter(|i| idx.kind_of(*i) == Some(kind))
                .collect::<Vec<_>>()
        };
        (
            first,
            of_kind(Kind::EvidenceAccess),
            of_kind(Kind::IncidentReport),
        )
    };
    let record = read_record(state, index)?;
    let filer = state
        .ledger()?
        .with_state(|s| s.member(record.author()).map(|m| m.participant.clone()))
        .ok_or_else(|| ApiError::Internal(detail!("internal.author_unknown", index)))?;
    let hash = record.hash();
    let filed_at = record.time();
    let truce_core::Body::EvidenceSubmit(submit) = record.into_body() else {
        return Err(ApiError::Internal(detail!("internal.not_evidence", index)));
    };
    Ok(Described {
        index,
        hash,
        submit,
        filed_at,
        filer,
        accesses,
        cited_by,
    })
}

/// Whether `caller` may read the described blob, as `crate::access`
/// decides, in HTTP terms.
pub(super) fn authorise(state: &AppState, caller: &Caller, d: &Described) -> Result<(), ApiError> {
    let decision = evidence_decision(
        caller.0.as_ref(),
        d.submit.confidentiality,
        &d.filer,
        |session| has_access_record(state, session, d),
    )?;
    match decision {
        EvidenceDecision::Granted => Ok(()),
        EvidenceDecision::SignIn { restricted_to } => Err(ApiError::Unauthorized(
            Detail::new("evidence.sign_in").nested("restricted_to", restricted_to),
        )),
        EvidenceDecision::NotShared { restricted_to } => Err(ApiError::Forbidden(
            Detail::new("evidence.not_shared").nested("restricted_to", restricted_to),
        )),
        EvidenceDecision::NeedsAccessRecord => Err(ApiError::Forbidden(match &caller.0 {
            Some(session) => detail!(
                "evidence.access_record",
                member = session.member,
                index = d.index,
                hash = d.hash
            ),
            None => detail!(
                "evidence.access_record_yourself",
                index = d.index,
                hash = d.hash
            ),
        })),
    }
}

fn has_access_record(state: &AppState, session: &Session, d: &Described) -> Result<bool, ApiError> {
    for &i in &d.accesses {
        let record = read_record(state, i)?;
        if record.author() == &session.member
            && matches!(&record.body(), truce_core::Body::EvidenceAccess(a) if a.evidence == d.hash)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Opens the blob and checks it against its digest (unless it was checked
/// and has not changed since).
pub(super) fn open_checked(
    state: &AppState,
    digest: &BlobDigest,
    described: u64,
) -> Result<(File, u64), ApiError> {
    let hex = digest.hex();
    let (mut file, _) = state
        .blobs
        .open_blob(&hex)
        .map_err(blob_error)?
        .ok_or_else(|| ApiError::NotFound(detail!("evidence.not_uploaded", described, digest)))?;
    let stamp = FileStamp::of(&file.metadata().map_err(io_error)?);
    if !state.verified_blobs.is_verified(digest, &stamp) {
        match check_content(&mut file, &hex) {
            Ok(read) => {
                let after = FileStamp::of(&file.metadata().map_err(io_error)?);
                if read != stamp.len || after != stamp {
                    state.verified_blobs.forget(digest);
                    return Err(ApiError::Internal(detail!("evidence.changed", digest)));
                }
                state.verified_blobs.remember(*digest, stamp);
            }
            Err(BlobError::DigestMismatch { actual, .. }) => {
                state.verified_blobs.forget(digest);
                return Err(ApiError::Internal(detail!(
                    "evidence.corrupt",
                    digest,
                    actual
                )));
            }
            Err(e) => return Err(blob_error(e)),
        }
    }
    Ok((file, stamp.len))
}

pub(super) fn io_error(e: io::Error) -> ApiError {
    ApiError::Internal(detail!("internal.blob", cause = e))
}

fn etag_of(digest: &BlobDigest) -> String {
    format!("\"{digest}\"")
}

/// `If-Range`: the range applies only if the client's copy is this one
/// (strong comparison; a date never matches, as blobs carry no Last-Modified).
fn range_applies(headers: &HeaderMap, etag: &str) -> bool {
    match headers.get(header::IF_RANGE) {
        None => true,
        Some(v) => v.to_str().is_ok_and(|v| v.trim() == etag),
    }
}

struct Prepared {
    described: Described,
    answer: Answer,
}

enum Answer {
    NotModified,
    Unsatisfiable {
        len: u64,
    },
    Serve {
        file: File,
        len: u64,
        part: Option<(u64, u64)>,
    },
}

/// `GET /api/v1/evidence/{digest}`: the file, streamed, checked against its
/// digest on the way out, with range requests (`Range`, `If-Range`) and an
/// ETag. Restricted evidence is served only to those its record names, and
/// only after a signed `evidence.access` record of the read is in the log.
#[utoipa::path(get, path = "/api/v1/evidence/{digest}", tag = "evidence",
    params(("digest" = inline(BlobDigest), Path, description = "sha256: and 64 lowercase hex digits"),
        ("Range" = Option<String>, Header, nullable = false, description = "One byte range, e.g. `bytes=0-1023`; any other value is ignored and the whole file served")),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The whole file", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 206, description = "The requested range", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 403, description = "Not shared with the caller, or no signed access trace yet", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies outside the file")))]
pub async fn download(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    caller: Caller,
    Path(digest): Path<BlobDigest>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let etag = etag_of(&digest);
    let prepared = {
        let etag = etag.clone();
        let headers = headers.clone();
        blocking(move || {
            let described = describe(&state, &digest)?;
            authorise(&state, &caller, &described)
                .inspect_err(|e| access_refused(&state, &caller, address, e))?;
            if crate::headers::not_modified(&headers, &etag) {
                return Ok(Prepared {
                    described,
                    answer: Answer::NotModified,
                });
            }
            let (mut file, len) = open_checked(&state, &digest, described.index)?;
            let range = headers
                .get(header::RANGE)
                .and_then(|v| v.to_str().ok())
                .filter(|_| range_applies(&headers, &etag));
            let answer = match wanted(range, len) {
                Wanted::Unsatisfiable => Answer::Unsatisfiable { len },
                Wanted::Whole => {
                    file.seek(SeekFrom::Start(0)).map_err(io_error)?;
                    Answer::Serve {
                        file,
                        len,
                        part: None,
                    }
                }
                Wanted::Part { first, last } => {
                    file.seek(SeekFrom::Start(first)).map_err(io_error)?;
                    Answer::Serve {
                        file,
                        len,
                        part: Some((first, last)),
                    }
                }
            };
            Ok(Prepared { described, answer })
        })
        .await?
    };

    let restricted = prepared.described.submit.confidentiality != Confidentiality::Public;
    let cache_control = if restricted {
        "private, no-store"
    } else {
        // Content-addressed, and access follows the first record, which cannot change.
        "public, max-age=31536000, immutable"
    };
    let mut response = match prepared.answer {
        Answer::NotModified => StatusCode::NOT_MODIFIED.into_response(),
        Answer::Unsatisfiable { len } => return Err(ApiError::RangeNotSatisfiable { len }),
        Answer::Serve { file, len, part } => {
            let (status, count, content_range) = match part {
                None => (StatusCode::OK, len, None),
                Some((first, last)) => (
                    StatusCode::PARTIAL_CONTENT,
                    last.saturating_sub(first).saturating_add(1),
                    Some(format!("bytes {first}-{last}/{len}")),
                ),
            };
            let reader = tokio::fs::File::from_std(file).take(count);
            let mut r = Response::new(Body::from_stream(ReaderStream::with_capacity(
                reader, CHUNK,
            )));
            *r.status_mut() = status;
            let h = r.headers_mut();
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
            if let Some(range) = content_range {
                h.insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&range)
                        .map_err(|e| ApiError::Internal(detail!("internal.header", cause = e)))?,
                );
            }
            let submit = &prepared.described.submit;
            h.insert(header::CONTENT_TYPE, served_type(submit));
            if let Some(d) = disposition(submit) {
                h.insert(header::CONTENT_DISPOSITION, d);
            }
            r
        }
    };
    let h = response.headers_mut();
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag)
            .map_err(|e| ApiError::Internal(detail!("internal.header", cause = e)))?,
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    Ok(response)
}
