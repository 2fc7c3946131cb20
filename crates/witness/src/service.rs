//! The witness's HTTP interface. One prefix serves as both the spec's
//! submission prefix and monitoring prefix:
//!
//! | request | answer |
//! |---|---|
//! | `POST /add-checkpoint` | c2sp.org/tlog-witness, to the letter: cosignature lines, or 400/403/404/409/422 |
//! | `GET /checkpoints` | JSON: the latest cosigned checkpoint of every log followed |
//! | `GET /checkpoints/{origin}` | that log's latest cosigned checkpoint as a signed note (log signature and cosignature), for monitors |
//! | `GET /evidence` | JSON: every request that contradicted what was cosigned, with both signed checkpoints and the proof |
//! | `GET /` | JSON: the witness's name, cosignature key, and the logs it follows |

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::{AddError, Witness};

/// Largest request body: 63 proof lines and a checkpoint with many
/// signatures fit in far less.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The spec's content type of a 409 answer carrying the witness's size.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// The router of a witness.
pub fn router(witness: Arc<Witness>) -> Router {
    Router::new()
        .route("/", get(about))
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/checkpoints", get(checkpoints))
        .route("/checkpoints/{*origin}", get(checkpoint))
        .route("/evidence", get(evidence))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(witness)
}

/// Serves the witness on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    witness: Arc<Witness>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(witness))
        .with_graceful_shutdown(shutdown)
        .await
}

fn text(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!("witness state: {e}");
    text(
        StatusCode::SERVICE_UNAVAILABLE,
        "the witness cannot read or write its state; nothing was cosigned\n".into(),
    )
}

async fn add_checkpoint(State(witness): State<Arc<Witness>>, body: Bytes) -> Response {
    let outcome = tokio::task::spawn_blocking(move || witness.add_checkpoint(&body)).await;
    match outcome {
        Ok(Ok(lines)) => text(StatusCode::OK, lines),
        Ok(Err(AddError::Refused(refusal))) => {
            let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
            match refusal {
                truce_tlog::witness::Refusal::SizeMismatch { latest } => (
                    status,
                    [(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(SIZE_CONTENT_TYPE),
                    )],
                    format!("{latest}\n"),
                )
                    .into_response(),
                other => text(status, format!("{other}\n")),
            }
        }
        Ok(Err(AddError::State(e))) => unavailable(e),
        Err(e) => unavailable(e),
    }
}

async fn about(State(witness): State<Arc<Witness>>) -> Response {
    let logs: Vec<String> = witness
        .logs()
        .values()
        .flatten()
        .map(|k| k.vkey())
        .collect();
    axum::Json(json!({
        "name": witness.cosigner().name(),
        "key": witness.cosigner().verifier().vkey(),
        "logs": logs,
        "protocol": "https://c2sp.org/tlog-witness",
    }))
    .into_response()
}

async fn checkpoints(State(witness): State<Arc<Witness>>) -> Response {
    match tokio::task::spawn_blocking(move || witness.state().latest()).await {
        Ok(Ok(list)) => axum::Json(list).into_response(),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}

async fn checkpoint(State(witness): State<Arc<Witness>>, Path(origin): Path<String>) -> Response {
    let wanted = origin.clone();
    match tokio::task::spawn_blocking(move || witness.state().latest_of(&wanted)).await {
        Ok(Ok(Some(c))) => text(StatusCode::OK, c.note),
        Ok(Ok(None)) => text(
            StatusCode::NOT_FOUND,
            format!("this witness has cosigned no checkpoint of {origin:?}\n"),
        ),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}

async fn evidence(State(witness): State<Arc<Witness>>) -> Response {
    match tokio::task::spawn_blocking(move || witness.state().evidence()).await {
        Ok(Ok(list)) => axum::Json(list).into_response(),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}
