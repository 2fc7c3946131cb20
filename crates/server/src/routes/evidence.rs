//! Evidence blobs. A blob is uploaded first, streamed to disk and checked
//! against the digest the uploader declares; the `evidence.submit` record
//! that describes it (media type, filename, confidentiality) is then signed
//! and submitted like any record. A blob is downloaded only once a record
//! describes it, streamed, with single byte ranges, and never before its
//! bytes have been checked against its digest.
//!
//! Who may download follows the first record in log order that names the
//! digest (a later record cannot widen access to bytes filed earlier):
//! `public` evidence is anyone's; `participants` evidence is for signed-in
//! parties and mediators; `mediators` evidence for the mediators and the
//! filing participant. Restricted evidence is served only to a member who
//! has also filed an `evidence.access` record for that `evidence.submit`
//! record, so every read of restricted evidence leaves a signed trace in the
//! log itself.

use crate::audit::{AuditEvent, Entry};
use crate::auth::{Caller, Session};
use crate::error::{ApiError, blocking};
use crate::extract::ClientAddress;
use crate::extract::{Path, Query};
use crate::routes::records::is_participant_role;
use crate::state::AppState;
use axum::Json;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{self, Seek, SeekFrom};
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll, ready};
use std::time::SystemTime;
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio_util::io::{ReaderStream, SyncIoBridge};
use truce_core::kinds::charter::Role;
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::evidence::{Confidentiality, EvidenceSubmit, MAX_BLOB_BYTES};
use truce_core::values::ParticipantId;
use truce_core::{Hash, Kind, Record};
use truce_store::blobs::{BlobError, check_content};

/// Bytes read or sent per step when streaming a blob.
const CHUNK: usize = 64 * 1024;

// ---------------------------------------------------------------- upload

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// The blob's declared digest, `sha256:<64 lowercase hex>`.
    #[param(inline)]
    digest: BlobDigest,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Stored {
    pub digest: BlobDigest,
    pub size: u64,
    pub stored: bool,
}

/// `POST /api/v1/evidence?digest=sha256:…`: streams the body into the blob
/// directory, refusing it (and keeping nothing) if it does not hash to the
/// declared digest. 201 when new, 200 when the blob was already stored.
///
/// Uploading stores bytes only; the evidence enters the record when an
/// `evidence.submit` record names its digest.
#[utoipa::path(post, path = "/api/v1/evidence", tag = "evidence", params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes, streamed (up to 8 GiB)"),
    security(("bearer" = [])),
    responses((status = 201, description = "Stored", body = Stored),
        (status = 200, description = "Already stored", body = Stored),
        (status = 422, description = "The bytes do not hash to the declared digest; nothing was stored", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    caller: Caller,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let session = caller.require()?;
    if !is_participant_role(session.role) {
        let refused = ApiError::Forbidden(
            "only the parties' and the mediators' members upload evidence".into(),
        );
        access_refused(&state, &caller, address, &refused);
        return Err(refused);
    }
    let digest = params.digest;
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BLOB_BYTES) {
        return Err(too_large());
    }

    let existed = {
        let state = state.clone();
        blocking(move || state.blobs.contains(&digest.hex()).map_err(blob_error)).await?
    };
    // The body is read on a blocking thread, one chunk at a time, straight
    // into the blob directory's temporary file: it is never whole in memory.
    let mut reader = SyncIoBridge::new(BodyReader {
        body,
        chunk: Bytes::new(),
    });
    let blobs = state.blobs.clone();
    let put = tokio::task::spawn_blocking(move || {
        blobs.put(&mut reader, Some(&digest.hex()), MAX_BLOB_BYTES)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("a worker failed: {e}")))?;
    let size = match put {
        Ok((_, size)) => size,
        Err(BlobError::DigestMismatch { expected, actual }) => {
            return Err(ApiError::DigestMismatch(format!(
                "the uploaded content's digest is sha256:{actual}, not the declared \
                 sha256:{expected}; nothing was stored"
            )));
        }
        Err(BlobError::TooLarge { .. }) => return Err(too_large()),
        // The directory cannot take the file (full, read-only, failing): not
        // the client's fault, and it may pass, so 503 and say so.
        Err(BlobError::Io(io)) if !is_body_error(&io) => {
            return Err(ApiError::EvidenceUnavailable(format!(
                "the evidence directory cannot be written ({io}); nothing was stored: \
                 upload again later"
            )));
        }
        Err(e) => return Err(blob_error(e)),
    };
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let location = HeaderValue::from_str(&format!("/api/v1/evidence/{digest}"))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        status,
        [(header::LOCATION, location)],
        Json(Stored {
            digest,
            size,
            stored: true,
        }),
    )
        .into_response())
}

fn too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "evidence blobs are limited to {MAX_BLOB_BYTES} bytes (8 GiB); nothing was stored"
    ))
}

/// A failure to read the request body: the client's, not the disk's.
#[derive(Debug, thiserror::Error)]
#[error("the upload could not be read: {0}")]
struct BodyError(axum::Error);

fn is_body_error(io: &io::Error) -> bool {
    io.get_ref().is_some_and(|inner| inner.is::<BodyError>())
}

fn blob_error(e: BlobError) -> ApiError {
    match e {
        BlobError::Io(io) if is_body_error(&io) => {
            ApiError::BadRequest(format!("{io}; nothing was stored, upload again"))
        }
        BlobError::BadDigest(d) => ApiError::BadRequest(format!("{d:?} is not a sha256 digest")),
        BlobError::TooLarge { .. } => too_large(),
        other => ApiError::Internal(other.to_string()),
    }
}

/// The request body as an [`AsyncRead`], for [`SyncIoBridge`]: frames are
/// pulled one at a time as the blocking side asks for bytes.
struct BodyReader {
    body: Body,
    chunk: Bytes,
}

impl AsyncRead for BodyReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.chunk.is_empty() {
                let n = this.chunk.len().min(buf.remaining());
                buf.put_slice(&this.chunk.split_to(n));
                return Poll::Ready(Ok(()));
            }
            match ready!(Pin::new(&mut this.body).poll_frame(cx)) {
                None => return Poll::Ready(Ok(())),
                Some(Err(e)) => return Poll::Ready(Err(io::Error::other(BodyError(e)))),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.chunk = data;
                    }
                }
            }
        }
    }
}

// -------------------------------------------------------------- download

/// Blobs whose bytes were checked against their digest, remembered with the
/// file's length, modification and change times and identity: a file altered
/// or replaced since no longer matches and is checked again before it is
/// served. Bounded; forgetting only costs a re-check.
#[derive(Default)]
pub struct VerifiedBlobs {
    checked: Mutex<HashMap<BlobDigest, FileStamp>>,
}

const MAX_REMEMBERED: usize = 16_384;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    /// (device, inode, ctime seconds, ctime nanoseconds): the change time
    /// moves on any write or metadata change and cannot be set back.
    #[cfg(unix)]
    identity: (u64, u64, i64, i64),
}

impl FileStamp {
    fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            identity: (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()),
        }
    }
}

impl VerifiedBlobs {
    fn is_verified(&self, digest: &BlobDigest, stamp: &FileStamp) -> bool {
        self.checked
            .lock()
            .is_ok_and(|m| m.get(digest) == Some(stamp))
    }

    fn remember(&self, digest: BlobDigest, stamp: FileStamp) {
        if let Ok(mut m) = self.checked.lock() {
            if m.len() >= MAX_REMEMBERED && !m.contains_key(&digest) {
                m.clear();
            }
            m.insert(digest, stamp);
        }
    }

    fn forget(&self, digest: &BlobDigest) {
        if let Ok(mut m) = self.checked.lock() {
            m.remove(digest);
        }
    }
}

/// The record that describes a blob: the first `evidence.submit` naming it.
struct Described {
    index: u64,
    hash: Hash,
    submit: EvidenceSubmit,
    /// The participant of the member who filed it.
    filer: ParticipantId,
    /// `evidence.access` records referring to it, in log order.
    accesses: Vec<u64>,
}

fn read_record(state: &AppState, index: u64) -> Result<Record, ApiError> {
    let stored = state
        .store
        .records(index, index.saturating_add(1))?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::Internal(format!("record {index} is indexed but not stored")))?;
    Record::from_json(&stored.leaf)
        .map_err(|e| ApiError::Internal(format!("stored record {index}: {e}")))
}

fn describe(state: &AppState, digest: &BlobDigest) -> Result<Described, ApiError> {
    state.index.catch_up()?;
    let (index, accesses) = {
        let idx = state.index.read()?;
        let first = idx.evidence(digest).first().copied().ok_or_else(|| {
            ApiError::NotFound(format!(
                "no evidence.submit record names {digest}; a blob is served once a record \
                 describes it"
            ))
        })?;
        let accesses = idx
            .referencing(first)
            .into_iter()
            .filter(|i| idx.kind_of(*i) == Some(Kind::EvidenceAccess))
            .collect();
        (first, accesses)
    };
    let record = read_record(state, index)?;
    let filer = state
        .ledger
        .with_state(|s| s.member(record.author()).map(|m| m.participant.clone()))
        .ok_or_else(|| {
            ApiError::Internal(format!("the author of record {index} is not a member"))
        })?;
    let hash = record.hash;
    let truce_core::Body::EvidenceSubmit(submit) = record.body else {
        return Err(ApiError::Internal(format!(
            "record {index} is indexed as evidence but is not an evidence.submit"
        )));
    };
    Ok(Described {
        index,
        hash,
        submit,
        filer,
        accesses,
    })
}

/// Whether `caller` may read the described blob; for restricted evidence,
/// only with an `evidence.access` record of its own in the log.
/// A signed-in member turned away from evidence is an audit event (a
/// caller who is not signed in is simply told to sign in).
fn access_refused(
    state: &AppState,
    caller: &Caller,
    address: Option<std::net::SocketAddr>,
    error: &ApiError,
) {
    if let Some(session) = &caller.0 {
        state.audit(
            AuditEvent::AccessRefused,
            Entry {
                member: Some(session.member.as_str()),
                address,
                detail: &error.to_string(),
                ..Entry::default()
            },
        );
    }
}

fn authorise(state: &AppState, caller: &Caller, d: &Described) -> Result<(), ApiError> {
    let level = d.submit.confidentiality;
    if level == Confidentiality::Public {
        return Ok(());
    }
    let Some(session) = &caller.0 else {
        return Err(ApiError::Unauthorized(format!(
            "this evidence is restricted ({}); sign in: POST /api/v1/auth/challenge, then \
             /api/v1/auth/token",
            restriction(level, &d.filer)
        )));
    };
    if !entitled(session, level, &d.filer) {
        return Err(ApiError::Forbidden(format!(
            "this evidence is restricted to {}",
            restriction(level, &d.filer)
        )));
    }
    if !has_access_record(state, session, d)? {
        return Err(ApiError::Forbidden(format!(
            "reading restricted evidence is logged: sign an evidence.access record as {} \
             naming this evidence (record {}, hash {}), submit it to POST /api/v1/records, \
             then download again",
            session.member, d.index, d.hash
        )));
    }
    Ok(())
}

fn restriction(level: Confidentiality, filer: &ParticipantId) -> String {
    match level {
        Confidentiality::Public => "nobody: it is public".into(),
        Confidentiality::Participants => "the parties and the mediators".into(),
        Confidentiality::Mediators => format!("the mediators and {filer}, which filed it"),
    }
}

fn entitled(session: &Session, level: Confidentiality, filer: &ParticipantId) -> bool {
    match level {
        Confidentiality::Public => true,
        Confidentiality::Participants => is_participant_role(session.role),
        Confidentiality::Mediators => {
            session.role == Role::Mediator || session.participant == *filer
        }
    }
}

fn has_access_record(state: &AppState, session: &Session, d: &Described) -> Result<bool, ApiError> {
    for &i in &d.accesses {
        let record = read_record(state, i)?;
        if record.author() == &session.member
            && matches!(&record.body, truce_core::Body::EvidenceAccess(a) if a.evidence == d.hash)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Opens the blob and checks it against its digest (unless it was checked
/// and has not changed since).
fn open_checked(
    state: &AppState,
    digest: &BlobDigest,
    described: u64,
) -> Result<(File, u64), ApiError> {
    let hex = digest.hex();
    let (mut file, _) = state
        .blobs
        .open_blob(&hex)
        .map_err(blob_error)?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "record {described} describes {digest}, but the blob has not been uploaded: \
             POST it to /api/v1/evidence?digest={digest}"
            ))
        })?;
    let stamp = FileStamp::of(&file.metadata().map_err(io_error)?);
    if !state.verified_blobs.is_verified(digest, &stamp) {
        match check_content(&mut file, &hex) {
            Ok(read) => {
                let after = FileStamp::of(&file.metadata().map_err(io_error)?);
                if read != stamp.len || after != stamp {
                    state.verified_blobs.forget(digest);
                    return Err(ApiError::Internal(format!(
                        "the stored blob {digest} changed while it was checked; try again"
                    )));
                }
                state.verified_blobs.remember(*digest, stamp);
            }
            Err(BlobError::DigestMismatch { actual, .. }) => {
                state.verified_blobs.forget(digest);
                return Err(ApiError::Internal(format!(
                    "the stored blob does not match its digest: {digest} hashes to \
                     sha256:{actual} on disk; nothing was served (restore it from a copy, or \
                     upload it again)"
                )));
            }
            Err(e) => return Err(blob_error(e)),
        }
    }
    Ok((file, stamp.len))
}

fn io_error(e: io::Error) -> ApiError {
    ApiError::Internal(format!("blob i/o: {e}"))
}

/// The part of a blob a request asks for (RFC 9110 §14).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Wanted {
    Whole,
    /// Inclusive byte positions.
    Part {
        first: u64,
        last: u64,
    },
    Unsatisfiable,
}

/// Reads a `Range` header for a representation of `len` bytes. One range
/// only: a malformed header, another unit or several ranges get the whole
/// representation, as RFC 9110 allows.
pub fn wanted(range: Option<&str>, len: u64) -> Wanted {
    let Some((unit, set)) = range.and_then(|r| r.trim().split_once('=')) else {
        return Wanted::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || set.contains(',') {
        return Wanted::Whole;
    }
    let Some((a, b)) = set.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let last_byte = len.saturating_sub(1);
    if a.trim().is_empty() {
        // A suffix: the last n bytes.
        let Some(n) = number(b) else {
            return Wanted::Whole;
        };
        if n == 0 || len == 0 {
            return Wanted::Unsatisfiable;
        }
        return Wanted::Part {
            first: len.saturating_sub(n),
            last: last_byte,
        };
    }
    let Some(first) = number(a) else {
        return Wanted::Whole;
    };
    let last = if b.trim().is_empty() {
        None
    } else {
        match number(b) {
            Some(l) if l >= first => Some(l),
            _ => return Wanted::Whole,
        }
    };
    if first >= len {
        return Wanted::Unsatisfiable;
    }
    Wanted::Part {
        first,
        last: last.map_or(last_byte, |l| l.min(last_byte)),
    }
}

/// Media types a browser may show in place; anything else (HTML, SVG, XML,
/// scripts…) is offered as a download, so no uploaded file can run as a page
/// of this origin.
fn shown_inline(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "image/png"
            | "image/jpeg"
            | "image/gif"
            | "image/webp"
            | "image/avif"
            | "application/pdf"
            | "text/plain"
    ) || essence.starts_with("video/")
        || essence.starts_with("audio/")
}

/// A file name safe to put in a header: the last path component, in ASCII
/// letters, digits and a few punctuation marks, no leading dots.
pub fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mapped: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed: String = mapped
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .chars()
        .take(120)
        .collect();
    if trimmed.is_empty() {
        "evidence".into()
    } else {
        trimmed
    }
}

/// RFC 8187 encoding of a UTF-8 value (for `filename*`).
fn ext_value(value: &str) -> String {
    let mut out = String::from("UTF-8''");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            )
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn disposition(submit: &EvidenceSubmit) -> Option<HeaderValue> {
    let how = if shown_inline(submit.media_type.as_str()) {
        "inline"
    } else {
        "attachment"
    };
    let Some(name) = &submit.filename else {
        return (how == "attachment").then_some(HeaderValue::from_static("attachment"));
    };
    let ascii = safe_filename(name.as_str());
    let original = name
        .as_str()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim_start_matches(['.', ' '])
        .trim_end();
    let mut value = format!("{how}; filename=\"{ascii}\"");
    if !original.is_empty() && original != ascii {
        value.push_str("; filename*=");
        value.push_str(&ext_value(original));
    }
    HeaderValue::from_str(&value).ok()
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
                    HeaderValue::from_str(&range).map_err(|e| ApiError::Internal(e.to_string()))?,
                );
            }
            let submit = &prepared.described.submit;
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(submit.media_type.as_str())
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
            if let Some(d) = disposition(submit) {
                h.insert(header::CONTENT_DISPOSITION, d);
            }
            r
        }
    };
    let h = response.headers_mut();
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        let part = |first, last| Wanted::Part { first, last };
        assert_eq!(wanted(None, 10), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=0-4"), 10), part(0, 4));
        assert_eq!(wanted(Some("bytes=5-"), 10), part(5, 9));
        assert_eq!(wanted(Some("bytes=5-100"), 10), part(5, 9));
        assert_eq!(wanted(Some("bytes=-3"), 10), part(7, 9));
        assert_eq!(wanted(Some("bytes=-30"), 10), part(0, 9));
        assert_eq!(wanted(Some("Bytes = 2-2"), 10), part(2, 2));
        assert_eq!(wanted(Some("bytes=10-"), 10), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 10), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0), Wanted::Unsatisfiable);
        for ignored in [
            "bytes=4-2",
            "bytes=0-1,3-4",
            "items=0-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=1",
            "bytes=+1-2",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(wanted(Some(ignored), 10), Wanted::Whole, "{ignored}");
        }
    }

    #[test]
    fn file_names_are_made_safe_for_a_header() {
        assert_eq!(safe_filename("barmal-debris.png"), "barmal-debris.png");
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("a\"b;c.pdf"), "a_b_c.pdf");
        assert_eq!(safe_filename("..."), "evidence");
        assert_eq!(safe_filename("دلیل.png"), "____.png");
        assert_eq!(ext_value("é a.png"), "UTF-8''%C3%A9%20a.png");
        assert!(shown_inline("image/png"));
        assert!(shown_inline("video/mp4"));
        assert!(!shown_inline("text/html"));
        assert!(!shown_inline("image/svg+xml"));
    }
}
