//! What the browser loads besides the JSON API: the web UI, the OpenAPI
//! document and its interactive viewer, and the embedded static files (all
//! from this origin).

use crate::error::{ApiError, detail};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// The document is rendered once, when the app is built.
pub fn routes(document: &utoipa::openapi::OpenApi) -> Router<AppState> {
    let json = Bytes::from(document.to_pretty_json().unwrap_or_default());
    Router::new()
        // The web UI: one page; its views are addressed by the URL's fragment.
        .route("/", get(|| async { embedded("index.html") }))
        // The service worker (offline use): at the root, since a worker
        // controls only pages under its own path; asked for every time, as
        // the page is, since it names the build.
        .route("/sw.js", get(service_worker))
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .route(
            "/api/v1/docs",
            get(|| async { embedded("api-docs/index.html") }),
        )
        .route(
            "/api/v1/docs/",
            get(|| async { Redirect::permanent("/api/v1/docs") }),
        )
        .route(
            "/assets/{*path}",
            get(|axum::extract::Path(path): axum::extract::Path<String>| async move {
                embedded(&path)
            }),
        )
}

fn embedded(path: &str) -> Response {
    let Some(asset) = truce_web::asset(path) else {
        return ApiError::NotFound(detail!("route.no_such_asset", path)).into_response();
    };
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    // Files change only with the binary: a client revalidates after an hour.
    // The page is asked for every time: it names the build whose modules it
    // loads (under /assets/v/<version>/), so it must be the current one.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if path == "index.html" {
            "no-cache"
        } else {
            "public, max-age=3600"
        }),
    );
    response
}

async fn service_worker() -> Response {
    let worker = truce_web::service_worker();
    (
        [
            (header::CONTENT_TYPE, worker.content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        worker.bytes,
    )
        .into_response()
}
