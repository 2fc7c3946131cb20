//! A mirror's own face: which log it copies, how far it has verified, how
//! far behind it is, and the alarms it raised with their evidence. And the
//! rule that makes a mirror read-only: it takes no record and no evidence,
//! whatever route is asked.

use crate::error::{ApiError, detail};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::Method;
use serde::Serialize;

/// One alarm a mirror raised, with the signed material that proves it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MirrorAlarm {
    /// `fork`, `rollback`, `bad_entry`, `withheld_entries` or `split_view`.
    pub kind: String,
    /// When the mirror found it (RFC 3339).
    pub at: String,
    /// What was found, in words.
    pub finding: String,
    /// The signed checkpoints involved, exactly as served or stored.
    pub checkpoints: Vec<String>,
    /// The log's failing consistency proof, when there is one (base64 hashes).
    pub proof: Vec<String>,
    /// The entry concerned, when there is one.
    pub index: Option<u64>,
    pub entry: Option<String>,
}

/// What a mirror says about itself.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MirrorStatus {
    /// The base URL of the log's server this mirror copies.
    pub source: String,
    /// The log's origin (its name in checkpoints), once known.
    pub origin: Option<String>,
    /// Records held here, each verified as `truce verify` verifies it.
    pub size: u64,
    /// The size of the log's latest checkpoint the mirror has seen.
    pub source_size: Option<u64>,
    /// How many records the mirror is behind it.
    pub behind: Option<u64>,
    /// When the mirror last read the log (RFC 3339).
    pub last_contact: Option<String>,
    /// When it last stored records or cosignatures (RFC 3339).
    pub last_advanced: Option<String>,
    /// `starting`, `following`, `waiting_for_witnesses`, `unreachable` or
    /// `halted` (an alarm stopped it: it serves what it verified before).
    pub state: String,
    pub last_error: Option<String>,
    pub alarms: Vec<MirrorAlarm>,
}

fn snake(value: impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Whether this server is a mirror, and if so its status.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MirrorAnswer {
    /// The mirror's status; `null` on a log's own server, which mirrors nothing.
    pub mirror: Option<MirrorStatus>,
}

/// Whether this server serves a mirror's copy and, if so, whose log, how
/// far behind and with what alarms. A log's own server answers
/// `{"mirror": null}` (not a 404, so every page can ask without an error).
#[utoipa::path(get, path = "/api/v1/mirror", tag = "transparency",
    responses((status = 200, body = MirrorAnswer)))]
pub async fn status(State(state): State<AppState>) -> Json<MirrorAnswer> {
    let Some(mirror) = state.mirror.as_ref() else {
        return Json(MirrorAnswer { mirror: None });
    };
    let status = mirror.get();
    Json(MirrorAnswer {
        mirror: Some(MirrorStatus {
            source: status.source,
            origin: status.origin,
            size: status.size,
            source_size: status.source_size,
            behind: status.behind,
            last_contact: status.last_contact,
            last_advanced: status.last_advanced,
            state: snake(status.state),
            last_error: status.last_error,
            alarms: status
                .alarms
                .into_iter()
                .map(|a| MirrorAlarm {
                    kind: snake(a.kind),
                    at: a.at,
                    finding: a.finding,
                    checkpoints: a.checkpoints,
                    proof: a.proof,
                    index: a.index,
                    entry: a.entry,
                })
                .collect(),
        }),
    })
}

/// On a mirror, only reads (and signing in, which writes nothing to the
/// log) are answered: a record or evidence sent here is refused with where
/// to send it.
pub async fn read_only(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let reads = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let signs_in = request.uri().path().starts_with("/api/v1/auth/");
    match &state.mirror {
        Some(mirror) if !reads && !signs_in => {
            ApiError::MethodNotAllowed(detail!("mirror.read_only", source = mirror.get().source))
                .into_response()
        }
        _ => next.run(request).await,
    }
}
