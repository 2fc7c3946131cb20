//! Participants, members and their keys, as the log's state has them.

use crate::error::ApiError;
use crate::extract::Path;
use crate::state::{AppState, DemoMember};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use truce_core::kinds::charter::Role;
use truce_core::kinds::common::Capability;
use truce_core::values::MemberId;

#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyView {
    pub key_id: String,
    pub public_key: String,
    pub active: bool,
    pub granted_by: truce_core::Hash,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: String,
    pub participant: String,
    pub role: Role,
    pub capabilities: Vec<Capability>,
    pub revoked: bool,
    pub keys: Vec<KeyView>,
    /// The sequence number this member's next record must carry.
    pub next_seq: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ParticipantView {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub members: Vec<MemberView>,
}

fn member_view(state: &truce_core::LogState, id: &MemberId) -> Option<MemberView> {
    use base64::Engine;
    let m = state.member(id)?;
    Some(MemberView {
        id: id.to_string(),
        participant: m.participant.to_string(),
        role: state.role(&m.participant)?,
        capabilities: m.capabilities.clone(),
        revoked: m.revoked,
        keys: m
            .keys
            .iter()
            .map(|k| KeyView {
                key_id: format!("{:08x}", k.key_id),
                public_key: base64::engine::general_purpose::STANDARD.encode(k.key.to_bytes()),
                active: k.active,
                granted_by: k.granted_by,
            })
            .collect(),
        next_seq: state.next_seq(id),
    })
}

/// The charter's participants with their members, roles, capabilities and keys.
#[utoipa::path(get, path = "/api/v1/participants", tag = "members",
    responses((status = 200, body = Vec<ParticipantView>)))]
pub async fn participants(
    State(state): State<AppState>,
) -> Result<Json<Vec<ParticipantView>>, ApiError> {
    state.caught_up().await?;
    let out = state.ledger.with_state(|s| {
        let Some(charter) = s.charter() else {
            return Vec::new();
        };
        let mut members: Vec<(&MemberId, _)> = s.members().collect();
        members.sort_by(|a, b| a.0.cmp(b.0));
        charter
            .participants
            .iter()
            .map(|p| ParticipantView {
                id: p.id.to_string(),
                name: p.name.to_string(),
                role: p.role,
                members: members
                    .iter()
                    .filter(|(_, m)| m.participant == p.id)
                    .filter_map(|(id, _)| member_view(s, id))
                    .collect(),
            })
            .collect()
    });
    Ok(Json(out))
}

/// One member with its keys (active and retired) and its next sequence number.
#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "members",
    params(("id" = inline(MemberId), Path, description = "The member's id, e.g. `pakistan.liaison`")),
    responses((status = 200, body = MemberView)))]
pub async fn member(
    State(state): State<AppState>,
    Path(id): Path<MemberId>,
) -> Result<Json<MemberView>, ApiError> {
    // A client signs its next record with `next_seq`: it must count records
    // appended through other servers on the same database too.
    state.caught_up().await?;
    state
        .ledger
        .with_state(|s| member_view(s, &id))
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("{id} is not a member")))
}

/// Demo mode only: the demo members and their keys, so a browser can sign in
/// and sign records without anyone typing a key.
#[utoipa::path(get, path = "/api/v1/demo/members", tag = "members",
    responses((status = 200, body = Vec<DemoMember>),
        (status = 404, description = "This server is not running a demo", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn demo_members(
    State(state): State<AppState>,
) -> Result<Json<Vec<DemoMember>>, ApiError> {
    match &state.demo_members {
        Some(members) => Ok(Json(members.as_ref().clone())),
        None => Err(ApiError::NotFound(
            "this server is not running a demo".into(),
        )),
    }
}
