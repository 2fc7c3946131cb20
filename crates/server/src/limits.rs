//! Per-member rate limits: a token bucket per signed-in member, or per
//! client address when signed out. Over the limit, a request gets 429 with
//! `Retry-After` and does nothing.

use crate::auth::Sessions;
use crate::clock::Clock;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Buckets beyond this many are pruned of the full (idle) ones first.
const MAX_BUCKETS: usize = 100_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`; on refusal, the seconds until one is back.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), u64> {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let capacity = self.per_minute;
        let per_second = self.per_minute / 60.0;
        if buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < capacity
            });
        }
        let bucket = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        bucket.tokens = (bucket.tokens
            + now.duration_since(bucket.updated).as_secs_f64() * per_second)
            .min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil() as u64)
        }
    }
}

#[derive(Clone)]
pub struct LimitState {
    pub limiter: Arc<RateLimiter>,
    pub sessions: Arc<Sessions>,
    pub clock: Arc<dyn Clock>,
}

pub async fn rate_limit(
    State(limits): State<LimitState>,
    request: Request,
    next: Next,
) -> Response {
    let member = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| limits.sessions.session(t.trim(), limits.clock.now()))
        .map(|s| format!("member:{}", s.member));
    let key = member.unwrap_or_else(|| {
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(
                || "address:unknown".to_string(),
                |c| format!("address:{}", c.0.ip()),
            )
    });
    match limits.limiter.take(&key, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(retry_after) => {
            let mut response = ApiError::TooManyRequests(format!(
                "more than the allowed requests per minute; try again in {retry_after} s"
            ))
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_refills_at_its_rate_and_keys_are_independent() {
        let limiter = RateLimiter::new(60);
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take("a", t0).is_ok());
        }
        assert_eq!(limiter.take("a", t0), Err(1));
        assert!(
            limiter.take("b", t0).is_ok(),
            "another member has its own bucket"
        );
        assert!(
            limiter.take("a", t0 + Duration::from_secs(1)).is_ok(),
            "one token back after a second"
        );
        assert!(limiter.take("a", t0 + Duration::from_secs(1)).is_err());
    }
}
