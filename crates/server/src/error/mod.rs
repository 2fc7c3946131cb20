//! Errors as RFC 9457 problem details (`application/problem+json`), each with
//! a message a person can act on.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use truce_core::{Rejection, RuleViolation};
use truce_i18n::Lang;
use truce_ledger::SubmitError;
use truce_store::{StoreError, describe};

pub(crate) mod core_facts;
mod detail;
pub(crate) use detail::detail;
pub use detail::{Detail, MESSAGES};

/// Where problem types live; a rule's is `{PROBLEMS}rule/{code}`.
const PROBLEMS: &str = "https://truce.example/problems/";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(Detail),
    #[error("{0}")]
    Unauthorized(Detail),
    #[error("{0}")]
    Forbidden(Detail),
    #[error("{0}")]
    NotFound(Detail),
    #[error("{0}")]
    MethodNotAllowed(Detail),
    #[error("{0}")]
    Conflict(Detail),
    #[error("{0}")]
    Rejected(Detail),
    /// The record breaks a rule of its kind: a problem type of its own.
    #[error("{0}")]
    Rule(RuleViolation),
    /// A record of a group breaks a rule of its kind (the problem type is
    /// the rule's); nothing of the group was filed.
    #[error("record {position} of the group (none of which was filed): {violation}")]
    RuleInGroup {
        position: usize,
        violation: RuleViolation,
    },
    #[error("{0}")]
    Contradictory(Detail),
    #[error("{0}")]
    DigestMismatch(Detail),
    #[error("{0}")]
    TooLarge(Detail),
    #[error("{0}")]
    UnsupportedMediaType(Detail),
    #[error("{0}")]
    TooManyRequests(Detail),
    #[error("{0}")]
    Timeout(Detail),
    #[error("the blob is {len} bytes long; ask for a range within it")]
    RangeNotSatisfiable { len: u64 },
    #[error("{0}")]
    Unavailable(Detail),
    #[error("{0}")]
    EvidenceUnavailable(Detail),
    /// The query index is still being built (the server has just started
    /// over a big log, or many records came at once), or the ledger is
    /// still replaying the log (`opening.rs`): 503 with `Retry-After`, and
    /// how far the build or the replay has come.
    #[error(
        "the server is still indexing the log ({indexed} of {size} records); try again in {retry_after_secs} s"
    )]
    Indexing {
        indexed: u64,
        size: u64,
        retry_after_secs: u64,
    },
    #[error("{0}")]
    Internal(Detail),
    /// The store failed: 503 while it may answer again, 500 if it holds
    /// what it should not. The store's error is the source.
    #[error("the store failed")]
    Store(#[source] truce_store::StoreError),
    /// The log could not take the record (503); the ledger's error is the source.
    #[error("the log could not take the record")]
    NotStored(#[source] SubmitError),
}

/// An RFC 9457 problem: `detail` says what to do about it.
#[derive(Clone, Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong with this request, and how to mend it, in the
    /// language `Accept-Language` prefers (as `title`).
    pub detail: String,
    /// Which rule a refused record breaks, when that is why (422; the
    /// `type` is then `https://truce.example/problems/rule/{code}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<RuleCode>)]
    pub code: Option<String>,
    /// While the server is still indexing the log (503, type
    /// `https://truce.example/problems/indexing`): how far it has come —
    /// the query index's build for a derived view, the ledger's replay for
    /// what needs the ledger (records submitted, sign-in, members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<IndexProgress>,
}

/// How far the query index's build has come.
#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct IndexProgress {
    /// Records indexed so far.
    pub indexed: u64,
    /// Records the log holds.
    pub size: u64,
}

/// The codes of the admission rules, as the API document lists them.
pub struct RuleCode;

impl utoipa::PartialSchema for RuleCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "The admission rule a refused record breaks: stable, unlike `detail`.",
            ))
            .enum_values(Some(RuleViolation::CODES.iter().copied()))
            .into()
    }
}

impl utoipa::ToSchema for RuleCode {}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::Rejected(_) => (StatusCode::UNPROCESSABLE_ENTITY, "rejected"),
            // The slug is only a fallback: `problem_type` names the rule.
            ApiError::Rule(_) | ApiError::RuleInGroup { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "rule")
            }
            ApiError::DigestMismatch(_) => (StatusCode::UNPROCESSABLE_ENTITY, "digest-mismatch"),
            ApiError::RangeNotSatisfiable { .. } => {
                (StatusCode::RANGE_NOT_SATISFIABLE, "range-not-satisfiable")
            }
            ApiError::EvidenceUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "evidence-unavailable")
            }
            ApiError::Indexing { .. } => (StatusCode::SERVICE_UNAVAILABLE, "indexing"),
            ApiError::Contradictory(_) => (StatusCode::UNPROCESSABLE_ENTITY, "contradictory"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too-large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type")
            }
            ApiError::Timeout(_) => (StatusCode::REQUEST_TIMEOUT, "timeout"),
            ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "rate-limited"),
            ApiError::Unavailable(_) | ApiError::NotStored(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            }
            ApiError::Store(e) => match e {
                StoreError::Database { .. } | StoreError::Io { .. } | StoreError::Unusable(_) => {
                    (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
                }
                StoreError::Corrupt(_) | StoreError::Conflict { .. } => {
                    (StatusCode::INTERNAL_SERVER_ERROR, "internal")
                }
            },
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// What `languages.rs` needs to answer a problem in the reader's language:
/// the error's problem type and its detail, kept in the response's
/// extensions beside the English body.
#[derive(Clone, Debug)]
pub struct Untranslated {
    pub problem: Problem,
    pub slug: &'static str,
    pub detail: Detail,
}

impl Untranslated {
    /// The problem in `lang`.
    pub fn in_language(&self, lang: Lang) -> Problem {
        Problem {
            title: title(self.slug, lang),
            detail: self.detail.render(lang),
            ..self.problem.clone()
        }
    }
}

/// The title of problem type `slug` in `lang`.
pub fn title(slug: &str, lang: Lang) -> String {
    truce_i18n::Strings::new(lang, &MESSAGES).t(&format!("title.{slug}"))
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, slug) = self.parts();
        if status.is_server_error() {
            // The whole chain: the store's or the database's own error too.
            tracing::error!(error = %describe(&self), "request failed");
        }
        let detail = self.detail();
        let body = self.problem_with(&detail, Lang::En);
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response();
        response.extensions_mut().insert(Untranslated {
            problem: body,
            slug,
            detail,
        });
        // RFC 9110 §11.6.1: a 401 names the scheme that would be accepted.
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"truce\""),
            );
        }
        // A 429 says when to ask again (the UI waits that long); the rate
        // limiter names its own wait over this one.
        if status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        // Come back when the index should be built (or sooner, to see how
        // far it has come: `opening::MAX_RETRY_SECS` bounds the wait).
        if let ApiError::Indexing {
            retry_after_secs, ..
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        // RFC 9110: a 416 says how long the representation is.
        if let ApiError::RangeNotSatisfiable { len } = self
            && let Ok(range) = HeaderValue::from_str(&format!("bytes */{len}"))
        {
            response.headers_mut().insert(header::CONTENT_RANGE, range);
        }
        response
    }
}

impl ApiError {
    /// The problem this error is answered with, in English (the body of its
    /// response before `languages.rs` translates it).
    pub fn problem(&self) -> Problem {
        self.problem_in(Lang::En)
    }

    /// The problem in `lang` (one entry of a batch's answer).
    pub fn problem_in(&self, lang: Lang) -> Problem {
        self.problem_with(&self.detail(), lang)
    }

    /// The problem in `lang`, its detail already worked out.
    fn problem_with(&self, detail: &Detail, lang: Lang) -> Problem {
        let (status, slug) = self.parts();
        let code = match self {
            ApiError::Rule(violation) | ApiError::RuleInGroup { violation, .. } => {
                Some(violation.code())
            }
            _ => None,
        };
        let kind = match code {
            Some(code) => format!("{PROBLEMS}rule/{code}"),
            None => format!("{PROBLEMS}{slug}"),
        };
        Problem {
            kind,
            title: title(slug, lang),
            status: status.as_u16(),
            detail: detail.render(lang),
            code: code.map(str::to_string),
            progress: match self {
                ApiError::Indexing { indexed, size, .. } => Some(IndexProgress {
                    indexed: *indexed,
                    size: *size,
                }),
                _ => None,
            },
        }
    }

    /// What the problem's `detail` says: the message, and for a store's or
    /// the log's failure its causes too, with what to do about it.
    pub(crate) fn detail(&self) -> Detail {
        match self {
            ApiError::BadRequest(d)
            | ApiError::Unauthorized(d)
            | ApiError::Forbidden(d)
            | ApiError::NotFound(d)
            | ApiError::MethodNotAllowed(d)
            | ApiError::Conflict(d)
            | ApiError::Rejected(d)
            | ApiError::Contradictory(d)
            | ApiError::DigestMismatch(d)
            | ApiError::TooLarge(d)
            | ApiError::UnsupportedMediaType(d)
            | ApiError::TooManyRequests(d)
            | ApiError::Timeout(d)
            | ApiError::Unavailable(d)
            | ApiError::EvidenceUnavailable(d)
            | ApiError::Internal(d) => d.clone(),
            ApiError::Rule(violation) => core_facts::rule(violation),
            ApiError::RuleInGroup {
                position,
                violation,
            } => detail!("group.refused", position).nested("reason", core_facts::rule(violation)),
            ApiError::RangeNotSatisfiable { len } => detail!("blob.range", len),
            ApiError::Indexing {
                indexed,
                size,
                retry_after_secs,
            } => detail!("index.building", indexed, size, retry_after_secs),
            ApiError::Store(e @ (StoreError::Corrupt(_) | StoreError::Conflict { .. })) => {
                detail!("store.inconsistent", cause = describe(e))
            }
            ApiError::Store(e) => detail!("store.unreadable", cause = describe(e)),
            ApiError::NotStored(e @ SubmitError::Unknown { .. }) => {
                detail!("ledger.unknown", cause = describe(e))
            }
            ApiError::NotStored(e) => detail!("ledger.not_stored", cause = describe(e)),
        }
    }
}

/// A record the store holds, parsed: one that does not parse is the
/// server's fault (500), named by its index. A stored leaf is the record's
/// canonical form (the ledger stores nothing else, `truce verify` checks
/// it), so it is read by the reader for exactly those bytes, which skips
/// the intermediate JSON value (with the ledger's replay doing the same, a
/// server over 1M records answered its first list after 17 s, not 21), and
/// a stored leaf that is not canonical is refused rather than read as some
/// other record's bytes.
pub fn parse_stored(index: u64, leaf: &[u8]) -> Result<truce_core::Record, ApiError> {
    truce_core::Record::from_canonical_leaf(leaf)
        .map_err(|e| ApiError::Internal(detail!("internal.stored_record", index, cause = e)))
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Rejected(Rejection::Rule(violation)) => ApiError::Rule(violation),
            SubmitError::Rejected(Rejection::InGroup {
                position,
                rejection,
            }) => match *rejection {
                Rejection::Rule(violation) => ApiError::RuleInGroup {
                    position,
                    violation,
                },
                other => ApiError::Rejected(core_facts::rejection(&Rejection::InGroup {
                    position,
                    rejection: Box::new(other),
                })),
            },
            SubmitError::Rejected(r) => ApiError::Rejected(core_facts::rejection(&r)),
            SubmitError::Opening(m) => ApiError::Rejected(detail!("opening.refused", cause = m)),
            SubmitError::ReadOnly => ApiError::MethodNotAllowed(detail!("ledger.read_only")),
            SubmitError::Closed => ApiError::Unavailable(detail!("ledger.closed")),
            e @ (SubmitError::Storage(_)
            | SubmitError::Unavailable { .. }
            | SubmitError::Unknown { .. }
            | SubmitError::Start(_)) => ApiError::NotStored(e),
        }
    }
}

impl From<StoreError> for ApiError {
    /// A database that does not answer (stopped, restarting, unreachable) or
    /// a disk that fails is the server's passing trouble: 503, ask again. A
    /// store that holds what it should not is a 500.
    fn from(e: StoreError) -> Self {
        ApiError::Store(e)
    }
}

thread_local! {
    /// Set while a blocking job runs: whether its request has been dropped.
    static ABANDONED: std::cell::RefCell<Option<Arc<AtomicBool>>> = const { std::cell::RefCell::new(None) };
}

/// Raised when the request a job serves is dropped — its client went away,
/// or it passed the time limit — so the work behind it stops.
struct Abandon(Arc<AtomicBool>);

impl Drop for Abandon {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs blocking store work off the async threads. If the request is
/// dropped before the work starts (it waited behind others for a thread),
/// the work never runs; loops over many records ask [`abandoned`] and stop
/// early. Work cannot be interrupted otherwise, which is why every view is
/// bounded by its page.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let flag = Arc::new(AtomicBool::new(false));
    let _abandon = Abandon(Arc::clone(&flag));
    tokio::task::spawn_blocking(move || {
        if flag.load(Ordering::Relaxed) {
            return Err(gone());
        }
        ABANDONED.with(|a| *a.borrow_mut() = Some(flag));
        let result = f();
        ABANDONED.with(|a| *a.borrow_mut() = None);
        result
    })
    .await
    .map_err(|e| ApiError::Internal(detail!("internal.worker", cause = e)))?
}

/// Whether the request the current blocking job serves has been dropped
/// (`Err` to return at once if so); always `Ok` outside [`blocking`].
pub fn abandoned() -> Result<(), ApiError> {
    let dropped = ABANDONED.with(|a| {
        a.borrow()
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    });
    if dropped { Err(gone()) } else { Ok(()) }
}

fn gone() -> ApiError {
    ApiError::Timeout(detail!("request.dropped"))
}

/// A box upside down or a time range that ends before it starts is well
/// formed but contradicts itself: 422, which the API document lists for the
/// routes that take them (a schema cannot say "south ≤ north").
impl From<truce_index::QueryError> for ApiError {
    fn from(e: truce_index::QueryError) -> ApiError {
        use truce_index::QueryError;
        match e {
            QueryError::InvertedLatitude { .. } | QueryError::InvertedTimeRange { .. } => {
                ApiError::Contradictory(core_facts::query(&e))
            }
            QueryError::Latitude(_)
            | QueryError::Longitude(_)
            | QueryError::Cursor(_)
            | QueryError::Degrees(_)
            | QueryError::DegreesRange(_)
            | QueryError::BoxShape
            | QueryError::CellSize { .. }
            // Too large a question, not a contradictory one: a client asks
            // again with larger cells or a smaller box.
            | QueryError::TooManyCells { .. } => ApiError::BadRequest(core_facts::query(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A store's failure keeps its cause for the server's log, and the
    /// client still gets the same problem: 503 and a detail with the cause.
    #[test]
    fn a_store_error_keeps_its_cause_and_the_client_gets_the_same_problem() {
        let full = || std::io::Error::new(std::io::ErrorKind::StorageFull, "the disk is full");
        let read = ApiError::from(StoreError::io("reading the log", full()));
        let cause = std::error::Error::source(&read).and_then(|e| e.downcast_ref::<StoreError>());
        assert!(matches!(cause, Some(StoreError::Io { .. })), "{read:?}");
        assert_eq!(
            describe(&read),
            "the store failed: reading the log: the disk is full"
        );
        assert_eq!(
            read.detail().to_string(),
            "the store cannot be read right now (reading the log: the disk is full); try again"
        );
        assert_eq!(
            read.into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );

        let written = ApiError::from(SubmitError::from(StoreError::io("writing the log", full())));
        assert!(
            std::error::Error::source(&written)
                .is_some_and(|e| e.downcast_ref::<SubmitError>().is_some())
        );
        assert_eq!(
            written.detail().to_string(),
            "not stored: writing the log: the disk is full; submit again"
        );
        assert_eq!(
            written.into_response().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );

        let corrupt = ApiError::from(StoreError::Corrupt("negative index -1".into()));
        assert_eq!(
            corrupt.detail().to_string(),
            "the server's store is inconsistent (the store is corrupt: negative index -1); tell its operator"
        );
        assert_eq!(
            corrupt.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[tokio::test]
    async fn work_behind_a_dropped_request_learns_it_is_abandoned() {
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let job = blocking(move || {
            let before = abandoned().is_err();
            let _ = go_rx.recv();
            let _ = seen_tx.send((before, abandoned().is_err()));
            Ok(())
        });
        // The request is dropped (here by a time limit) while its work runs.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), job)
                .await
                .is_err()
        );
        go_tx.send(()).unwrap();
        let (before, after) = seen_rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(!before, "not abandoned while the request was waiting");
        assert!(after, "abandoned once the request was dropped");
        // Outside a blocking job nothing is ever abandoned.
        assert!(abandoned().is_ok());
    }
}
