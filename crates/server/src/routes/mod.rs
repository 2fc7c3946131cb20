//! The whole route table.

pub mod auth;
pub mod evidence;
pub mod incidents;
pub mod members;
pub mod records;
pub mod transparency;
pub mod views;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/checkpoint", get(transparency::checkpoint))
        .route("/tile/{*path}", get(transparency::tile))
        .route("/api/v1/proof/inclusion", get(transparency::inclusion))
        .route("/api/v1/proof/consistency", get(transparency::consistency))
        .route("/api/v1/records", post(records::submit).get(records::list))
        .route("/api/v1/records/{index}", get(records::get))
        .route("/api/v1/records/{index}/bundle", get(records::bundle))
        .route("/api/v1/records/by-hash/{hash}", get(records::get_by_hash))
        .route("/api/v1/auth/challenge", post(auth::challenge))
        .route("/api/v1/auth/token", post(auth::token))
        .route("/api/v1/incidents", get(incidents::list_incidents))
        .route("/api/v1/incidents/{index}", get(incidents::case))
        .route("/api/v1/statistics", get(incidents::statistics))
        .route("/api/v1/drafts", get(views::drafts))
        .route("/api/v1/drafts/{index}", get(views::draft))
        .route("/api/v1/drafts/{index}/diff", get(views::diff))
        .route("/api/v1/commitments", get(views::commitments))
        .route("/api/v1/channel", get(views::channel))
        .route("/api/v1/participants", get(members::participants))
        .route("/api/v1/members/{id}", get(members::member))
        .route("/api/v1/demo/members", get(members::demo_members))
        .route(
            "/api/v1/evidence",
            post(evidence::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/v1/evidence/{digest}", get(evidence::download))
}
