//! Sign-in: challenge, then token.

use crate::audit::{AuditEvent, Entry};
use crate::auth::{Session, TOKEN_SECONDS, auth_message, signature_bytes};
use crate::error::{ApiError, detail};
use crate::extract::{ClientAddress, Json as Body};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use truce_core::values::{MemberId, Timestamp};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    /// The member signing in.
    member: MemberId,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChallengeResponse {
    challenge: String,
    /// What to sign, exactly (UTF-8).
    message: String,
    expires: Timestamp,
}

/// The member, if it is active in the log as the store holds it now (a
/// member added or revoked through another server counts at once).
async fn known_member(state: &AppState, id: MemberId) -> Result<MemberId, ApiError> {
    state.caught_up().await?;
    let active = state
        .ledger()?
        .with_state(|s| s.member(&id).is_some_and(|m| !m.revoked));
    if !active {
        return Err(ApiError::Unauthorized(detail!(
            "auth.not_active",
            member = id
        )));
    }
    Ok(id)
}

/// Step one of signing in: a single-use challenge for the member, and the
/// exact message to sign with the member's key
/// (`truce-auth-v1\n<origin>\n<member>\n<challenge>`).
#[utoipa::path(post, path = "/api/v1/auth/challenge", tag = "auth",
    request_body = ChallengeRequest,
    responses((status = 200, body = ChallengeResponse),
        (status = 401, description = "Not an active member of this mechanism", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn challenge(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(req): Body<ChallengeRequest>,
) -> Result<Json<ChallengeResponse>, ApiError> {
    let requested = req.member.clone();
    let member = known_member(&state, req.member)
        .await
        .inspect_err(|e| sign_in_refused(&state, address, Some(requested.as_str()), e))?;
    let now = state.clock.now();
    let (challenge, expires) = state.sessions.challenge(member.clone(), now)?;
    let message =
        String::from_utf8_lossy(&auth_message(&state.origin, member.as_str(), &challenge))
            .into_owned();
    Ok(Json(ChallengeResponse {
        challenge,
        message,
        expires,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    member: MemberId,
    /// The challenge from `/api/v1/auth/challenge`.
    #[schema(pattern = "^[A-Za-z0-9_-]{43}$")]
    challenge: String,
    /// Base64 Ed25519 signature over the challenge's message.
    // 64 bytes in padded base64: the 86th character carries two bits, so
    // only four letters can stand there in the one canonical spelling.
    #[schema(pattern = "^[A-Za-z0-9+/]{85}[AQgw]==$")]
    signature: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    member: String,
    participant: String,
    role: truce_core::kinds::charter::Role,
    expires: Timestamp,
}

/// Step two: the challenge signed with the member's active key, for a
/// short-lived bearer token. The server never sees a private key.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth",
    request_body = TokenRequest,
    responses((status = 200, body = TokenResponse),
        (status = 401, description = "Unknown, expired or used challenge, or a signature that does not verify", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn token(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(req): Body<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let member = req.member.clone();
    let result = issue_token(&state, req).await;
    match &result {
        Ok(_) => state.audit(
            AuditEvent::SignIn,
            Entry {
                member: Some(member.as_str()),
                address,
                detail: "signed the challenge with an active key",
                ..Entry::default()
            },
        ),
        Err(e) => sign_in_refused(&state, address, Some(member.as_str()), e),
    }
    result
}

fn sign_in_refused(
    state: &AppState,
    address: Option<std::net::SocketAddr>,
    member: Option<&str>,
    error: &ApiError,
) {
    state.audit(
        AuditEvent::SignInRefused,
        Entry {
            member,
            address,
            detail: &error.detail().to_string(),
            ..Entry::default()
        },
    );
}

async fn issue_token(state: &AppState, req: TokenRequest) -> Result<Json<TokenResponse>, ApiError> {
    let member = known_member(state, req.member).await?;
    let now = state.clock.now();
    let refused = || ApiError::Unauthorized(detail!("auth.challenge"));
    let for_member = state
        .sessions
        .take_challenge(&req.challenge, now)
        .ok_or_else(refused)?;
    if for_member != member {
        return Err(refused());
    }
    let signature = ed25519_dalek::Signature::from_bytes(&signature_bytes(&req.signature)?);
    let message = auth_message(&state.origin, member.as_str(), &req.challenge);
    let (participant, keys) = state
        .ledger()?
        .with_state(|s| {
            s.member(&member).map(|m| {
                (
                    m.participant.clone(),
                    m.keys
                        .iter()
                        .filter(|k| k.active)
                        .map(|k| (k.key_id, k.key))
                        .collect::<Vec<_>>(),
                )
            })
        })
        .ok_or_else(refused)?;
    let key_id = keys
        .iter()
        .find(|(_, key)| key.verify_strict(&message, &signature).is_ok())
        .map(|(key_id, _)| *key_id)
        .ok_or_else(|| ApiError::Unauthorized(detail!("auth.bad_signature")))?;
    let role = state
        .ledger()?
        .with_state(|s| s.role(&participant))
        .ok_or_else(|| ApiError::Internal(detail!("internal.no_role")))?;
    let expires = Timestamp::from_unix(now.unix() + TOKEN_SECONDS).unwrap_or(now);
    let token = state.sessions.issue(
        Session {
            member: member.clone(),
            participant: participant.clone(),
            role,
            key_id,
            expires,
        },
        now,
    )?;
    Ok(Json(TokenResponse {
        token,
        member: member.to_string(),
        participant: participant.to_string(),
        role,
        expires,
    }))
}
