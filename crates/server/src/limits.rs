//! Per-caller limits — a caller being a signed-in member, or a client address
//! when signed out:
//! - a rate: a token bucket per caller; over it, a request gets 429 with
//!   `Retry-After` and does nothing;
//! - reads in flight: at most so many of a caller's reads of the API's views
//!   are answered at once, so one caller cannot occupy the server's threads
//!   however fast its requests come; the next gets 429 until one finishes.

use crate::clock::Clock;
use crate::error::{ApiError, Detail, detail};
use crate::sessions::Sessions;
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

/// How many reads each caller has in flight.
pub struct ReadSlots {
    per_caller: u32,
    in_flight: Mutex<HashMap<String, u32>>,
}

/// A read being answered; dropping it (the answer sent, or the client gone)
/// frees its slot.
pub struct ReadSlot<'a> {
    slots: &'a ReadSlots,
    key: String,
}

impl ReadSlots {
    pub fn new(per_caller: u32) -> Self {
        Self {
            per_caller: per_caller.max(1),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// A slot for `key`, unless it has `per_caller` reads in flight already.
    pub fn enter(&self, key: &str) -> Option<ReadSlot<'_>> {
        let mut in_flight = self.in_flight.lock().ok()?;
        let n = in_flight.entry(key.to_string()).or_insert(0);
        if *n >= self.per_caller {
            return None;
        }
        *n += 1;
        Some(ReadSlot {
            slots: self,
            key: key.to_string(),
        })
    }
}

impl Drop for ReadSlot<'_> {
    fn drop(&mut self) {
        if let Ok(mut in_flight) = self.slots.in_flight.lock()
            && let Some(n) = in_flight.get_mut(&self.key)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                in_flight.remove(&self.key);
            }
        }
    }
}

/// The reads whose answers are computed (lists, views, cases, proofs), as
/// opposed to files served as they are (evidence streams, the UI, the API
/// document).
fn is_computed_read(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == axum::http::Method::GET
        && path.starts_with("/api/v1/")
        && !path.starts_with("/api/v1/evidence")
        && !path.starts_with("/api/v1/openapi.json")
        && !path.starts_with("/api/v1/docs")
}

#[derive(Clone)]
pub struct LimitState {
    pub limiter: Arc<RateLimiter>,
    pub reads: Arc<ReadSlots>,
    pub sessions: Arc<Sessions>,
    pub clock: Arc<dyn Clock>,
}

fn too_many(message: Detail, retry_after: u64) -> Response {
    let mut response = ApiError::TooManyRequests(message).into_response();
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, v);
    }
    response
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
    if let Err(retry_after) = limits.limiter.take(&key, Instant::now()) {
        return too_many(detail!("limits.rate", retry_after), retry_after);
    }
    if !is_computed_read(&request) {
        return next.run(request).await;
    }
    // Held until the answer is made, or the request is dropped (a client
    // gone, or the time limit passed).
    let Some(_slot) = limits.reads.enter(&key) else {
        return too_many(detail!("limits.reads", reads = limits.reads.per_caller), 1);
    };
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_caller_has_at_most_its_reads_in_flight_and_a_finished_one_frees_its_slot() {
        let slots = ReadSlots::new(2);
        let first = slots.enter("member:a");
        let second = slots.enter("member:a");
        assert!(first.is_some() && second.is_some());
        assert!(slots.enter("member:a").is_none(), "a third waits");
        assert!(slots.enter("member:b").is_some(), "others are not held up");
        drop(first);
        let third = slots.enter("member:a");
        assert!(third.is_some(), "a finished read frees its slot");
        drop((second, third));
        assert!(
            slots.in_flight.lock().unwrap().is_empty(),
            "no key outlives its reads"
        );
    }

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
