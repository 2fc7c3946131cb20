//! The whole route table.

pub mod assets;
pub mod auth;
pub mod batch;
pub mod evidence;
pub mod export;
pub mod import;
pub mod incidents;
pub mod members;
pub mod mirror;
pub mod moments;
pub mod records;
pub mod reports;
pub mod transparency;
pub mod views;
pub mod witnessing;

use crate::openapi::ApiDoc;
use crate::state::AppState;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every API route with its documentation: handlers sharing a path are
/// registered together, as `routes!` requires.
pub fn routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, upload) = routes!(evidence::upload);
    // Evidence streams to disk, so the general body limit does not apply.
    let upload = upload.layer(axum::extract::DefaultBodyLimit::disable());
    let mut document = ApiDoc::openapi();
    document.merge(HandRegistered::openapi());
    OpenApiRouter::with_openapi(document)
        .routes(routes!(transparency::checkpoint))
        // A tile path has several segments, which OpenAPI cannot express: the
        // route is registered by hand and documented in `ApiDoc`.
        .route("/tile/{*path}", get(transparency::tile))
        .routes(routes!(transparency::inclusion))
        .routes(routes!(transparency::consistency))
        .routes(routes!(witnessing::witnessing))
        .routes(routes!(witnessing::checkpoint_at))
        .routes(routes!(witnessing::checkpoint_at_most))
        .routes(routes!(mirror::status))
        .routes(routes!(witnessing::record_proof))
        .routes(routes!(records::submit, records::list))
        .routes(routes!(records::submit_group))
        .routes({
            // A batch is larger than one record: its own body limit (each
            // record is still held to the general one).
            let (schemas, paths, batch) = routes!(batch::submit_batch);
            let limit = axum::extract::DefaultBodyLimit::max(batch::MAX_BODY_BYTES);
            (schemas, paths, batch.layer(limit))
        })
        .routes({
            // A CSV file is larger than one record: its own body limit.
            let (schemas, paths, preview) = routes!(import::preview);
            let limit = axum::extract::DefaultBodyLimit::max(import::MAX_FILE_BYTES);
            (schemas, paths, preview.layer(limit))
        })
        .routes(routes!(records::get))
        .routes(routes!(records::bundle))
        .routes(routes!(records::get_by_hash))
        .routes(routes!(auth::challenge))
        .routes(routes!(auth::token))
        .routes(routes!(incidents::list_incidents))
        .routes(routes!(incidents::case))
        .routes(routes!(incidents::statistics))
        .routes(routes!(incidents::density))
        .routes(routes!(incidents::summary))
        .routes(routes!(moments::timeline))
        .routes(routes!(views::drafts))
        .routes(routes!(views::draft))
        .routes(routes!(views::diff))
        .routes(routes!(views::commitments))
        .routes(routes!(views::channel))
        .routes(routes!(views::talks))
        .routes(routes!(reports::report))
        .routes(routes!(reports::published))
        .routes(routes!(reports::published_file))
        .routes(routes!(members::participants))
        .routes(routes!(members::member))
        .routes(routes!(members::demo_members))
        .routes((schemas, paths, upload))
        .routes(routes!(evidence::download))
        .routes(routes!(evidence::metadata))
        .routes(routes!(evidence::thumbnail))
}

/// Routes registered by hand, documented here: a tile path has several
/// segments, which OpenAPI cannot express for `routes!`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(transparency::tile))]
struct HandRegistered;

/// The router and the finished API document it serves.
pub fn split() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut document) = routes().split_for_parts();
    utoipa::Modify::modify(&crate::openapi::BearerAndProblems, &mut document);
    (router, document)
}
