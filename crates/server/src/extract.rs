//! axum's extractors, with their rejections turned into problem+json like
//! every other error (a malformed query, path or body is a 400 that says why).

use crate::error::{ApiError, detail};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub struct Query<T>(pub T);
pub struct Path<T>(pub T);
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::BadRequest(detail!("request.query", cause = e.body_text())))
    }
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::BadRequest(detail!("request.path", cause = e.body_text())))
    }
}

/// A JSON body read strictly: `Content-Type: application/json` (or
/// `application/*+json`) or 415; no larger than the route's body limit or
/// 413; and an object that names a member twice is refused (see
/// `truce_core::strict_json`), so the server reads the bytes the way any
/// other parser of the same record must.
pub struct StrictJson(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for StrictJson {
    type Rejection = ApiError;
    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        require_json_content_type(request.headers())?;
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge(detail!("body.too_large", cause = e.body_text()))
                } else {
                    ApiError::BadRequest(detail!("body.unreadable", cause = e.body_text()))
                }
            })?;
        truce_core::strict_json::from_slice(&bytes)
            .map(StrictJson)
            .map_err(|e| ApiError::BadRequest(detail!("body.not_json", cause = e)))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;
    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let StrictJson(value) = StrictJson::from_request(request, state).await?;
        serde_json::from_value(value)
            .map(Json)
            .map_err(|e| ApiError::BadRequest(detail!("body.shape", cause = e)))
    }
}

fn require_json_content_type(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"));
    if is_json {
        Ok(())
    } else if given.is_empty() {
        Err(ApiError::UnsupportedMediaType(detail!(
            "body.no_content_type"
        )))
    } else {
        Err(ApiError::UnsupportedMediaType(detail!(
            "body.content_type",
            given = format!("{given:?}")
        )))
    }
}

/// The client's address, when the server knows it (it always does when
/// started by `serve`; a router driven directly in a test may not).
pub struct ClientAddress(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(address_of(parts)))
    }
}

/// The client's address from a request's extensions.
pub fn address_of(parts: &Parts) -> Option<std::net::SocketAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0)
}
