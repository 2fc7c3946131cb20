//! Participants, members and their keys, as the log's state has them.

use crate::error::{ApiError, blocking, detail, parse_stored};
use crate::extract::Path;
use crate::state::{AppState, DemoMember};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use std::collections::HashMap;
use truce_core::Body;
use truce_core::kinds::Kind;
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
    /// The member's name as the charter or its `member.add` record gives it:
    /// a person, an office or a system, often with their function.
    pub name: Option<String>,
    pub participant: String,
    /// Its participant's role (party, mediator or observer).
    pub role: Role,
    pub capabilities: Vec<Capability>,
    pub revoked: bool,
    pub keys: Vec<KeyView>,
    /// The sequence number this member's next record must carry.
    pub next_seq: u64,
    /// The time its latest record claims, if it has one: its next record
    /// may not claim an earlier one (a browser re-signing a record filed
    /// offline keeps the moment of filing unless this forbids it).
    pub last_time: Option<truce_core::values::Timestamp>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ParticipantView {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub members: Vec<MemberView>,
}

/// Every member's name: the charter's, then each `member.add` record's (a
/// handful of records, found through the index's list of that kind).
fn names(state: &AppState) -> Result<HashMap<MemberId, String>, ApiError> {
    let mut names: HashMap<MemberId, String> = state.ledger()?.with_state(|s| {
        s.charter()
            .map(|c| {
                c.participants
                    .iter()
                    .flat_map(|p| p.members.iter())
                    .map(|m| (m.id.clone(), m.name.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    });
    state.index.catch_up()?;
    let added: Vec<u64> = state.index.read()?.of_kind(Kind::MemberAdd).to_vec();
    for i in added {
        crate::error::abandoned()?;
        if let Some(stored) = crate::routes::records::one(state, i)? {
            let record = parse_stored(stored.index, &stored.leaf)?;
            if let Body::MemberAdd(b) = record.body() {
                names.insert(b.member.id.clone(), b.member.name.to_string());
            }
        }
    }
    Ok(names)
}

fn member_view(
    state: &truce_core::LogState,
    names: &HashMap<MemberId, String>,
    id: &MemberId,
) -> Option<MemberView> {
    use base64::Engine;
    let m = state.member(id)?;
    Some(MemberView {
        id: id.to_string(),
        name: names.get(id).cloned(),
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
        last_time: m.last_time,
    })
}

/// The charter's participants with their members: each member's name, its
/// participant's role, its capabilities and keys.
#[utoipa::path(get, path = "/api/v1/participants", tag = "members",
    responses((status = 200, body = Vec<ParticipantView>)))]
pub async fn participants(
    State(state): State<AppState>,
) -> Result<Json<Vec<ParticipantView>>, ApiError> {
    state.caught_up().await?;
    let names = {
        let state = state.clone();
        blocking(move || names(&state)).await?
    };
    let out = state.ledger()?.with_state(|s| {
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
                    .filter_map(|(id, _)| member_view(s, &names, id))
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
    let names = {
        let state = state.clone();
        blocking(move || names(&state)).await?
    };
    state
        .ledger()?
        .with_state(|s| member_view(s, &names, &id))
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(detail!("member.unknown", member = id)))
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
        None => Err(ApiError::NotFound(detail!("demo.none"))),
    }
}
