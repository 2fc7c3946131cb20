//! Answers to the incident reads (lists and statistics), kept so that the
//! same question is worked out once.
//!
//! An answer is a pure function of the question (route and query string),
//! the index's incidents version (see `Index::incidents_version`) and "now"
//! to the second (stages and deadlines are computed at query time, and
//! timestamps have whole seconds). With all three in the key a kept answer is
//! never stale: a new report, a response or a passing second simply asks
//! another question. What it saves: a dashboard's default view, a list's next
//! page or a statistic asked by many readers in the same second over a
//! million incidents costs one scan instead of one each — concurrent askers
//! of the same question wait for the first one's work rather than repeat it.
//!
//! Each answer carries a strong ETag (a digest of its bytes), so a client
//! that revalidates with `If-None-Match` gets `304 Not Modified` whenever the
//! bytes would be the same — also after the version or the second moved on.

use crate::error::{ApiError, detail};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sha2::Digest;

/// Bytes of answers kept by default (oldest-unused out first).
pub const DEFAULT_CAPACITY_BYTES: u64 = 64 << 20;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Question {
    route: &'static str,
    query: String,
    incidents_version: u64,
    now: i64,
}

/// One answer: its JSON and the ETag of exactly those bytes.
#[derive(Clone)]
pub struct Answer {
    body: Bytes,
    etag: HeaderValue,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Question, Answer> for ByBytes {
    fn weight(&self, question: &Question, answer: &Answer) -> u64 {
        // The key's text and the body; never 0 (a weightless entry would
        // never be evicted).
        (question.query.len() + answer.body.len() + 64) as u64
    }
}

pub struct Answers {
    /// None: keep nothing, work out every answer (capacity 0; the load
    /// benchmark compares the two in one run).
    cache: Option<Cache<Question, Answer, ByBytes>>,
}

impl Default for Answers {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY_BYTES)
    }
}

impl Answers {
    /// Keeps answers up to `capacity_bytes` of bodies in all; 0 keeps none.
    pub fn new(capacity_bytes: u64) -> Self {
        Self {
            // The estimated count only sizes the tables: pages of 50
            // incidents are ~25 KB.
            cache: (capacity_bytes > 0).then(|| {
                Cache::with_weighter(
                    (capacity_bytes / 16_384).max(16) as usize,
                    capacity_bytes,
                    ByBytes,
                )
            }),
        }
    }

    /// The answer to `query` on `route` at this version and second: kept, or
    /// worked out by `compute` (once, however many ask at the same time).
    /// Errors are not kept.
    pub fn get_or_compute<T: serde::Serialize>(
        &self,
        route: &'static str,
        query: &str,
        incidents_version: u64,
        now: truce_core::values::Timestamp,
        compute: impl FnOnce() -> Result<T, ApiError>,
    ) -> Result<Answer, ApiError> {
        let question = Question {
            route,
            query: query.to_owned(),
            incidents_version,
            now: now.unix(),
        };
        let work = || {
            let body = serde_json::to_vec(&compute()?)
                .map_err(|e| ApiError::Internal(detail!("internal.encoding", cause = e)))?;
            Ok(Answer::new(body))
        };
        match &self.cache {
            Some(cache) => cache.get_or_insert_with(&question, work),
            None => work(),
        }
    }

    /// Bytes of answers kept now.
    pub fn weight(&self) -> u64 {
        self.cache.as_ref().map_or(0, Cache::weight)
    }
}

impl Answer {
    fn new(body: Vec<u8>) -> Self {
        let digest = sha2::Sha256::digest(&body);
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hex}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("\"\""));
        Self {
            // Without its spare capacity: `serde_json::to_vec` doubles its
            // buffer as it writes, and `Bytes` made from a `Vec` keeps the
            // whole allocation, so the cache, which weighs bodies by their
            // length, held about half as much again as its bound (heaptrack
            // of a soak: 75 MiB of answers in a 64 MiB cache).
            body: Bytes::from(body.into_boxed_slice()),
            etag,
        }
    }

    /// 200 with the JSON, or 304 when the request's `If-None-Match` names
    /// this answer's ETag. `Cache-Control: no-cache`: a browser may keep the
    /// answer but must revalidate it, since the next second may differ.
    pub fn respond(self, request: &HeaderMap) -> Response {
        let fresh = self
            .etag
            .to_str()
            .is_ok_and(|etag| crate::headers::not_modified(request, etag));
        let headers = [
            (header::ETAG, self.etag),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ];
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (
            headers,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            Body::from(self.body),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use truce_core::values::Timestamp;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(seconds).unwrap()
    }

    #[test]
    fn a_question_is_worked_out_once_per_version_and_second() {
        let answers = Answers::default();
        let work = AtomicUsize::new(0);
        let ask = |query: &str, version: u64, now: i64| {
            answers
                .get_or_compute("incidents", query, version, at(now), || {
                    work.fetch_add(1, Ordering::SeqCst);
                    Ok(format!("{query} v{version} at {now}"))
                })
                .unwrap()
        };
        let first = ask("limit=5", 1, 100);
        let again = ask("limit=5", 1, 100);
        assert_eq!(work.load(Ordering::SeqCst), 1);
        assert_eq!(first.body, again.body);
        assert_eq!(first.etag, again.etag);
        // Another page, another version, another second: asked anew.
        ask("limit=6", 1, 100);
        ask("limit=5", 2, 100);
        let later = ask("limit=5", 1, 101);
        assert_eq!(work.load(Ordering::SeqCst), 4);
        assert_ne!(later.etag, first.etag, "other bytes, other ETag");
    }

    #[test]
    fn askers_at_the_same_time_share_one_computation() {
        let answers = Answers::default();
        let work = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    answers
                        .get_or_compute("statistics", "group=week", 7, at(5), || {
                            work.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(50));
                            Ok(vec![1, 2, 3])
                        })
                        .unwrap()
                });
            }
        });
        assert_eq!(work.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn capacity_0_keeps_nothing() {
        let answers = Answers::new(0);
        let work = AtomicUsize::new(0);
        for _ in 0..3 {
            answers
                .get_or_compute("incidents", "", 1, at(0), || {
                    Ok(work.fetch_add(1, Ordering::SeqCst))
                })
                .unwrap();
        }
        assert_eq!(work.load(Ordering::SeqCst), 3);
        assert_eq!(answers.weight(), 0);
    }

    #[test]
    fn an_error_is_not_kept() {
        let answers = Answers::default();
        let failed = answers.get_or_compute("incidents", "q", 1, at(0), || {
            Err::<u8, _>(ApiError::BadRequest(detail!("hash.length")))
        });
        assert!(failed.is_err());
        let then = answers.get_or_compute("incidents", "q", 1, at(0), || Ok(1u8));
        assert_eq!(&then.unwrap().body[..], b"1");
    }

    #[test]
    fn a_matching_if_none_match_gets_304_and_no_body() {
        let answer = Answer::new(b"[1]".to_vec());
        let mut request = HeaderMap::new();
        assert_eq!(answer.clone().respond(&request).status(), StatusCode::OK);
        request.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(answer.clone().respond(&request).status(), StatusCode::OK);
        request.insert(header::IF_NONE_MATCH, answer.etag.clone());
        let response = answer.clone().respond(&request);
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(response.headers()[header::ETAG], answer.etag);
    }
}
