//! `GET /api/v1/evidence/{digest}/metadata`: what the file says about
//! itself (EXIF, content credentials), beside what the records state about
//! it, with the checks `truce_evidence_meta::compare` makes.

use super::derived::{self, CREDENTIALS_SOURCE_MAX, METADATA_PREFIX};
use super::download::{Described, authorise, describe, io_error, open_checked, read_record};
use super::errors::access_refused;
use crate::auth::Caller;
use crate::error::{ApiError, blocking};
use crate::extract::{ClientAddress, Path};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::evidence::Confidentiality;
use truce_evidence_meta::{Check, FileMetadata, IncidentStatement, Statement, compare};

/// An evidence file's own metadata and how it compares with the records.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EvidenceMetadata {
    pub digest: BlobDigest,
    /// The `evidence.submit` record that describes the file (the first naming it).
    pub record: u64,
    /// The incident report the evidence was filed for or is cited by, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<u64>,
    /// What the file says about itself: claims of its own, never checked
    /// beyond being well formed.
    pub file: FileMetadata,
    /// The file's claims set beside the records' statements.
    pub checks: Vec<Check>,
}

/// The incident the evidence concerns: the one its record names, else the
/// first report citing it (a report filed with its evidence cites records
/// that cannot name a report not yet signed).
fn incident(state: &AppState, d: &Described) -> Result<Option<(u64, IncidentStatement)>, ApiError> {
    let named = match &d.submit.incident {
        Some(hash) => state.index.read()?.index_of(hash),
        None => None,
    };
    let Some(index) = named.or_else(|| d.cited_by.first().copied()) else {
        return Ok(None);
    };
    let record = read_record(state, index)?;
    let filed_at = record.time();
    match record.into_body() {
        truce_core::Body::IncidentReport(report) => Ok(Some((
            index,
            IncidentStatement {
                filed_at,
                time: report.time,
                places: report.places.iter().cloned().collect(),
            },
        ))),
        // The evidence names a record that is not a report: nothing to compare.
        _ => Ok(None),
    }
}

fn file_metadata(
    state: &AppState,
    digest: &BlobDigest,
    d: &Described,
) -> Result<Arc<FileMetadata>, ApiError> {
    derived::metadata().get_or_insert_with(digest, || {
        let (mut file, len) = open_checked(state, digest, d.index)?;
        // Checking the digest may have read the file to its end.
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let mut prefix = Vec::new();
        file.by_ref()
            .take(METADATA_PREFIX)
            .read_to_end(&mut prefix)
            .map_err(io_error)?;
        let mut whole = prefix.len() as u64 >= len;
        // Content credentials' hashes cover the whole file: a larger file
        // whose first bytes show a manifest store is read whole, up to a bound.
        if !whole
            && len <= CREDENTIALS_SOURCE_MAX
            && truce_evidence_meta::credentials::detect(&prefix).present
        {
            file.read_to_end(&mut prefix).map_err(io_error)?;
            whole = prefix.len() as u64 >= len;
        }
        Ok(Arc::new(truce_evidence_meta::read(&prefix, whole)))
    })
}

/// `GET /api/v1/evidence/{digest}/metadata`: the capture time, GPS position
/// and device the file's EXIF gives, its C2PA content credentials (the
/// manifest's claims and whether its signature and hashes validate; the
/// signer is not checked against a trust list), and checks against the evidence
/// record's own statement and the incident report's place and times.
/// Readable by exactly those who may download the file, on the same terms.
#[utoipa::path(get, path = "/api/v1/evidence/{digest}/metadata", tag = "evidence",
    params(("digest" = inline(BlobDigest), Path, description = "sha256: and 64 lowercase hex digits")),
    security((), ("bearer" = [])),
    responses((status = 200, description = "The file's metadata and the checks", body = EvidenceMetadata),
        (status = 403, description = "Not shared with the caller, or no signed access trace yet", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn metadata(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    caller: Caller,
    Path(digest): Path<BlobDigest>,
) -> Result<Response, ApiError> {
    let (answer, restricted) = blocking(move || {
        let described = describe(&state, &digest)?;
        authorise(&state, &caller, &described)
            .inspect_err(|e| access_refused(&state, &caller, address, e))?;
        let file = file_metadata(&state, &digest, &described)?;
        let incident = incident(&state, &described)?;
        let statement = Statement {
            evidence_filed_at: described.filed_at,
            captured: described.submit.captured.clone(),
            incident: incident.as_ref().map(|(_, s)| s.clone()),
        };
        let checks = compare(&file, &statement);
        let restricted = described.submit.confidentiality != Confidentiality::Public;
        Ok((
            EvidenceMetadata {
                digest,
                record: described.index,
                incident: incident.map(|(i, _)| i),
                file: FileMetadata::clone(&file),
                checks,
            },
            restricted,
        ))
    })
    .await?;
    let mut response = Json(answer).into_response();
    // A report citing the evidence may come later and change the checks.
    let cache_control = if restricted {
        "private, no-store"
    } else {
        "no-cache"
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    Ok(response)
}
