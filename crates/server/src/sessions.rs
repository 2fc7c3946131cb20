//! The server's sign-in tables: one-time challenges waiting to be signed,
//! and the bearer tokens issued for them, each with the member's standing.
//! (`auth.rs` holds the sign-in exchange and the `Caller` extractor.)

use crate::error::{ApiError, Detail, detail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Mutex;
use truce_core::admission::LogState;
use truce_core::kinds::charter::Role;
use truce_core::values::{MemberId, ParticipantId, Timestamp};

/// How long a challenge may be answered, and a token used.
pub const CHALLENGE_SECONDS: i64 = 120;
pub const TOKEN_SECONDS: i64 = 3600;
/// Outstanding challenges and tokens are capped so that nobody can fill memory.
const MAX_OUTSTANDING: usize = 100_000;

#[derive(Clone, Debug)]
pub struct Session {
    pub member: MemberId,
    pub participant: ParticipantId,
    pub role: Role,
    /// The key the member signed in with: if it is rotated away, the token
    /// ends with it.
    pub key_id: u32,
    pub expires: Timestamp,
}

impl Session {
    /// Whether the member still stands as it did at sign-in, in the log as
    /// `state` holds it: not revoked, and the key it signed in with still
    /// active. Checked on every request, so a revocation or a key rotation
    /// ends every token it concerns at once, not when the token expires.
    pub fn standing(&self, state: &LogState) -> Result<(), Detail> {
        let member_id = &self.member;
        let Some(member) = state.member(member_id) else {
            return Err(detail!("auth.not_a_member", member = member_id));
        };
        if member.revoked {
            return Err(detail!("auth.revoked", member = member_id));
        }
        if member.active_key(self.key_id).is_none() {
            return Err(detail!("auth.key_rotated", member = member_id));
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct Sessions {
    challenges: Mutex<HashMap<String, (MemberId, Timestamp)>>,
    tokens: Mutex<HashMap<String, Session>>,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn auth_message(origin: &str, member: &str, challenge: &str) -> Vec<u8> {
    format!("truce-auth-v1\n{origin}\n{member}\n{challenge}").into_bytes()
}

impl Sessions {
    pub fn challenge(
        &self,
        member: MemberId,
        now: Timestamp,
    ) -> Result<(String, Timestamp), ApiError> {
        let mut map = self
            .challenges
            .lock()
            .map_err(|_| ApiError::Internal(detail!("internal.poisoned", table = "challenge")))?;
        map.retain(|_, (_, expires)| *expires > now);
        if map.len() >= MAX_OUTSTANDING {
            return Err(ApiError::TooManyRequests(detail!("auth.too_many_sign_ins")));
        }
        let challenge = random_token();
        let expires = Timestamp::from_unix(now.unix() + CHALLENGE_SECONDS).unwrap_or(now);
        map.insert(challenge.clone(), (member, expires));
        Ok((challenge, expires))
    }

    /// Consumes a challenge (it can be answered once) and returns whom it was for.
    pub fn take_challenge(&self, challenge: &str, now: Timestamp) -> Option<MemberId> {
        let mut map = self.challenges.lock().ok()?;
        let (member, expires) = map.remove(challenge)?;
        (expires > now).then_some(member)
    }

    pub fn issue(&self, session: Session, now: Timestamp) -> Result<String, ApiError> {
        let mut map = self
            .tokens
            .lock()
            .map_err(|_| ApiError::Internal(detail!("internal.poisoned", table = "token")))?;
        map.retain(|_, s| s.expires > now);
        if map.len() >= MAX_OUTSTANDING {
            return Err(ApiError::TooManyRequests(detail!("auth.too_many_sessions")));
        }
        let token = random_token();
        map.insert(token.clone(), session);
        Ok(token)
    }

    pub fn session(&self, token: &str, now: Timestamp) -> Option<Session> {
        let map = self.tokens.lock().ok()?;
        map.get(token).filter(|s| s.expires > now).cloned()
    }
}
