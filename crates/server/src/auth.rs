//! Authentication: a member proves possession of its key by signing a
//! one-time challenge, and receives a short-lived bearer token. The server
//! never holds a member's private key; records are signed by their authors.
//!
//! The signed message is domain-separated from records and notes:
//! `"truce-auth-v1\n" ‖ origin ‖ "\n" ‖ member ‖ "\n" ‖ challenge`.

use crate::audit::{AuditEvent, Entry};
use crate::error::{ApiError, Detail, detail};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

pub use crate::sessions::{CHALLENGE_SECONDS, Session, Sessions, TOKEN_SECONDS, auth_message};

/// Who is asking: a signed-in member, or nobody.
#[derive(Clone, Debug)]
pub struct Caller(pub Option<Session>);

impl Caller {
    pub fn require(&self) -> Result<&Session, ApiError> {
        self.0
            .as_ref()
            .ok_or_else(|| ApiError::Unauthorized(detail!("auth.sign_in")))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
            return Ok(Caller(None));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::Unauthorized(detail!("auth.header")))?;
        let token = token.trim();
        let address = crate::extract::address_of(parts);
        let refused = |member: Option<&str>, reason: Detail| {
            state.audit(
                AuditEvent::TokenRefused,
                Entry {
                    member,
                    address,
                    detail: &reason.to_string(),
                    ..Entry::default()
                },
            );
            ApiError::Unauthorized(reason)
        };
        let session = state
            .sessions
            .session(token, state.clock.now())
            .ok_or_else(|| refused(None, detail!("auth.token_unknown")))?;
        // The member's standing as of this request: first take in whatever
        // other servers on the same database have appended (a revocation
        // made through them counts here at once), then ask the log.
        state.caught_up().await?;
        // The token stays in the table until it expires, so that every
        // later use is told why it is refused.
        state
            .ledger()?
            .with_state(|s| session.standing(s))
            .map_err(|reason| refused(Some(session.member.as_str()), reason))?;
        Ok(Caller(Some(session)))
    }
}

/// Decodes a base64 Ed25519 signature.
pub fn signature_bytes(sig: &str) -> Result<[u8; 64], ApiError> {
    STANDARD
        .decode(sig)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .ok_or_else(|| ApiError::BadRequest(detail!("auth.signature_encoding")))
}
