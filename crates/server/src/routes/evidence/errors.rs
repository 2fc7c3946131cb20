//! What a failure while storing or reading a blob means to the client, and
//! the audit trace of a member turned away.

use crate::audit::{AuditEvent, Entry};
use crate::auth::Caller;
use crate::error::{ApiError, detail};
use crate::state::AppState;
use truce_core::kinds::evidence::MAX_BLOB_BYTES;
use truce_store::blobs::BlobError;

pub(super) fn too_large() -> ApiError {
    ApiError::TooLarge(detail!("evidence.too_large", max = MAX_BLOB_BYTES))
}

/// A failure to read the request body: the client's, not the disk's.
#[derive(Debug, thiserror::Error)]
#[error("the upload could not be read: {0}")]
pub(super) struct BodyError(pub(super) axum::Error);

pub(super) fn is_body_error(io: &std::io::Error) -> bool {
    io.get_ref().is_some_and(|inner| inner.is::<BodyError>())
}

pub(super) fn blob_error(e: BlobError) -> ApiError {
    match e {
        BlobError::Io(io) if is_body_error(&io) => {
            ApiError::BadRequest(detail!("evidence.upload_broken", cause = io))
        }
        BlobError::BadDigest(d) => {
            ApiError::BadRequest(detail!("evidence.bad_digest", digest = format!("{d:?}")))
        }
        BlobError::TooLarge { .. } => too_large(),
        other => ApiError::Internal(detail!("internal.blob", cause = other)),
    }
}

/// A signed-in member turned away from evidence is an audit event (a
/// caller who is not signed in is simply told to sign in).
pub(super) fn access_refused(
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
