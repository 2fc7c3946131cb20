//! `GET /api/v1/evidence/{digest}/thumbnail`: a small JPEG of an image,
//! made on the server under decoding limits and kept by digest.

use super::derived::{self, THUMBNAIL_SOURCE_MAX};
use super::download::{authorise, describe, io_error, open_checked};
use super::errors::access_refused;
use crate::auth::Caller;
use crate::error::{ApiError, blocking, detail};
use crate::extract::{ClientAddress, Path};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::io::{BufReader, Seek, SeekFrom};
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::evidence::Confidentiality;
use truce_evidence_meta::ThumbnailError;

fn etag_of(digest: &BlobDigest) -> String {
    format!("\"thumbnail-{digest}\"")
}

/// `GET /api/v1/evidence/{digest}/thumbnail`: a JPEG at most 320 pixels on
/// its longer side, turned upright, of a JPEG or PNG evidence image (the
/// file's own bytes decide, not its declared type), to those who may
/// download the image. Images of more than 16,384 pixels a side, or whose
/// decoding would take more than 256 MiB, or files over 64 MiB, get none.
#[utoipa::path(get, path = "/api/v1/evidence/{digest}/thumbnail", tag = "evidence",
    params(("digest" = inline(BlobDigest), Path, description = "sha256: and 64 lowercase hex digits")),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The thumbnail", body = Vec<u8>, content_type = "image/jpeg"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 403, description = "Not shared with the caller, or no signed access trace yet", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such evidence, or no thumbnail can be made of it (not a JPEG or PNG, beyond the decoding limits, or malformed: the detail says which)", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn thumbnail(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    caller: Caller,
    Path(digest): Path<BlobDigest>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let etag = etag_of(&digest);
    let (described, state) = {
        let state = state.clone();
        blocking(move || {
            let described = describe(&state, &digest)?;
            authorise(&state, &caller, &described)
                .inspect_err(|e| access_refused(&state, &caller, address, e))?;
            Ok((described, state))
        })
        .await?
    };
    let restricted = described.submit.confidentiality != Confidentiality::Public;
    let cache_control = if restricted {
        "private, no-store"
    } else {
        // Content-addressed, and access follows the first record, which cannot change.
        "public, max-age=31536000, immutable"
    };
    let mut response = if crate::headers::not_modified(&headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let jpeg = match derived::thumbnails().get(&digest) {
            Some(jpeg) => jpeg,
            None => {
                let _permit = derived::decodes()
                    .acquire()
                    .await
                    .map_err(|e| ApiError::Internal(detail!("internal.worker", cause = e)))?;
                let index = described.index;
                blocking(move || {
                    derived::thumbnails()
                        .get_or_insert_with(&digest, || make(&state, &digest, index))
                })
                .await?
            }
        };
        ([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag)
            .map_err(|e| ApiError::Internal(detail!("internal.header", cause = e)))?,
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    Ok(response)
}

fn make(state: &AppState, digest: &BlobDigest, index: u64) -> Result<Bytes, ApiError> {
    let (mut file, len) = open_checked(state, digest, index)?;
    // Checking the digest may have read the file to its end.
    file.seek(SeekFrom::Start(0)).map_err(io_error)?;
    if len > THUMBNAIL_SOURCE_MAX {
        return Err(ApiError::NotFound(detail!(
            "thumbnail.too_large",
            max = THUMBNAIL_SOURCE_MAX,
            len
        )));
    }
    // Streamed through a buffer: the file is never read whole before decoding.
    match truce_evidence_meta::thumbnail(BufReader::new(file)) {
        Ok(t) => Ok(Bytes::from(t.jpeg)),
        Err(
            e @ (ThumbnailError::NotSupported
            | ThumbnailError::TooLarge(_)
            | ThumbnailError::Malformed(_)),
        ) => Err(ApiError::NotFound(detail!(
            "thumbnail.cannot",
            digest,
            cause = e
        ))),
    }
}
