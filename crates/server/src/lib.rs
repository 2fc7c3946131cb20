//! # truce-server
//!
//! The HTTP face of a Truce log: a thin layer over the ledger (the one append
//! path) and the store. It decides nothing a record could not prove: every
//! write is a signed record admitted by the core's rules, and every read is
//! of the log itself or derived from it.
//!
//! `serve` takes an already bound listener, so tests start the real server on
//! `127.0.0.1:0` (the model is atuin's `launch_with_tcp_listener`).

pub mod access;
pub mod answers;
pub mod asof;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod follower;
mod headers;
pub mod languages;
pub mod limits;
pub mod memory;
pub mod openapi;
pub mod opening;
pub mod params;
pub mod past;
pub mod routes;
pub mod sessions;
pub mod snapshot;
pub mod state;
pub mod verified_blobs;

use crate::error::detail;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use error::ApiError;
use state::AppState;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The application: routes, limits, headers.
pub fn app(state: AppState) -> Router {
    let limits = state.limits;
    let rate = limits::LimitState {
        limiter: std::sync::Arc::new(limits::RateLimiter::new(limits.rate_per_minute)),
        reads: std::sync::Arc::new(limits::ReadSlots::new(limits.reads_in_flight)),
        sessions: state.sessions.clone(),
        clock: state.clock.clone(),
    };
    let (api, document) = routes::split();
    api.merge(routes::assets::routes(&document))
        .fallback(|| async { ApiError::NotFound(detail!("route.no_such_endpoint")) })
        .method_not_allowed_fallback(|method: axum::http::Method| async move {
            ApiError::MethodNotAllowed(detail!("route.method", method))
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            routes::mirror::read_only,
        ))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            rate,
            limits::rate_limit,
        ))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            Duration::from_secs(limits.request_timeout_secs),
            bounded_time,
        ))
        .layer(axum::middleware::from_fn(languages::localize_problems))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The OpenAPI document of this server's API, as `/api/v1/openapi.json` serves it.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    routes::split().1
}

/// Evidence is streamed (a long video may take longer than any fixed
/// deadline), so its routes are exempt from the per-request time limit; every
/// other request gets `request_timeout_secs`.
async fn bounded_time(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if request.uri().path().starts_with("/api/v1/evidence") {
        return next.run(request).await;
    }
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            ApiError::Timeout(detail!("request.timeout", seconds = limit.as_secs())).into_response()
        }
    }
}

/// The most threads the server's runtime gives to blocking work (store
/// reads, index queries, file I/O: everything `error::blocking` runs), for
/// `tokio::runtime::Builder::max_blocking_threads`.
///
/// Tokio's default, 512, let 64 concurrent list readers start 64 threads
/// that time-share two cores, and with mimalloc (per-thread heaps) the
/// threads' churn cost memory that was never given back. Measured with the
/// load bench over 300k incidents, 64 clients, every answer worked out:
/// default — 617 lists/s, p99 387 ms, resident memory 276 → 1,936 MiB;
/// 16 — 1,831 lists/s, p99 80 ms, 275 → 345 MiB; 6 — 1,809/s, p99 51 ms,
/// 290 → 328 MiB. 16 rather than fewer: store work waits on I/O (SQLite
/// keeps 8 readers, PostgreSQL round trips, evidence files) and must not
/// queue behind CPU-bound scans.
pub const BLOCKING_THREADS: usize = 16;

/// Serves until `shutdown` resolves, then finishes the requests in flight.
///
/// The query index is built from the store at once, in the background, rather
/// than by the first request that reads a list: over a million records that
/// takes longer than a request may (20 s on SQLite, 40 s on PostgreSQL here).
/// Until it is built, reads of derived views answer 503 with `Retry-After`
/// and the build's progress (see `follower.rs`).
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    build_index_in_background(&state);
    if let Some(collector) = &state.witnessing {
        collector.spawn();
    }
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// The certificate chain and private key (PEM files) to serve HTTPS with.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// How long HTTPS clients are told to keep to HTTPS (one year).
const HSTS: &str = "max-age=31536000";

/// As [`serve`], over HTTPS (rustls, TLS 1.2 and 1.3), for a field server with
/// no proxy in front: every answer says `Strict-Transport-Security`, so a
/// browser that has been here once never falls back to plain HTTP.
pub async fn serve_tls(
    state: AppState,
    listener: std::net::TcpListener,
    tls: &TlsFiles,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // ring, not the default aws-lc-rs: it builds with a C compiler alone.
    // Installing twice (a second server in one process) is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "cannot use the TLS certificate {} and key {}: {e}",
                    tls.cert.display(),
                    tls.key.display()
                ),
            )
        })?;
    build_index_in_background(&state);
    if let Some(collector) = &state.witnessing {
        collector.spawn();
    }
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopping.graceful_shutdown(Some(Duration::from_secs(30)));
    });
    let app = app(state).layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
        axum::http::header::STRICT_TRANSPORT_SECURITY,
        axum::http::HeaderValue::from_static(HSTS),
    ));
    listener.set_nonblocking(true)?;
    axum_server::from_tcp_rustls(listener, config)
        .handle(handle)
        .serve(app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
}

/// Starts the query index's build (`follower.rs`): requests meanwhile
/// answer at once, 503 with how far it has come, rather than wait for it.
fn build_index_in_background(state: &AppState) {
    state.index.build_in_background();
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Structured logs to stderr, as text or JSON lines.
pub fn init_logging(format: &str, level: &str) {
    let mut filter = tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // c2pa logs every phase of a content-credential check at INFO (eight
    // lines for each evidence file read): quiet unless the level names it.
    if !level.contains("c2pa")
        && let Ok(quiet) = "c2pa=warn".parse()
    {
        filter = filter.add_directive(quiet);
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
