//! `POST /api/v1/evidence`: a blob streamed in and checked against its
//! declared digest.

use super::errors::{BodyError, access_refused, blob_error, is_body_error, too_large};
use crate::auth::Caller;
use crate::error::{ApiError, blocking, detail};
use crate::extract::{ClientAddress, Query};
use crate::state::AppState;
use axum::Json;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::io::SyncIoBridge;
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::evidence::MAX_BLOB_BYTES;
use truce_store::blobs::BlobError;

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
    if !crate::access::may_upload_evidence(session) {
        let refused = ApiError::Forbidden(detail!("evidence.upload_not_permitted"));
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
    .map_err(|e| ApiError::Internal(detail!("internal.worker", cause = e)))?;
    let size = match put {
        Ok((_, size)) => size,
        Err(BlobError::DigestMismatch { expected, actual }) => {
            return Err(ApiError::DigestMismatch(detail!(
                "evidence.digest_mismatch",
                actual,
                expected
            )));
        }
        Err(BlobError::TooLarge { .. }) => return Err(too_large()),
        // The directory cannot take the file (full, read-only, failing): not
        // the client's fault, and it may pass, so 503 and say so.
        Err(BlobError::Io(io)) if !is_body_error(&io) => {
            return Err(ApiError::EvidenceUnavailable(detail!(
                "evidence.unwritable",
                cause = io
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
        .map_err(|e| ApiError::Internal(detail!("internal.header", cause = e)))?;
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
