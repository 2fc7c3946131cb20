//! Periodic reports (truce-report): built from the log on request, and the
//! reports published in it (`report.publish` records), each served by
//! rebuilding it from the log and checking the digest its record carries —
//! the server stores no report file, so it cannot serve one the log does not
//! prove.
//!
//! A report reads the whole log prefix it is built from, so its cost is
//! bounded three ways: each caller has at most its `reads_in_flight` (the
//! rate limiter's slots, as for every computed read); at most
//! `BUILDS_AT_ONCE` reports are built at any moment across all callers (the
//! next asker gets 429 with `Retry-After`); and a built report is kept, by
//! (log origin, size, root, period, language, format), so asking again —
//! or many asking at once — builds it once. The prefix is the served
//! checkpoint's, so the key changes only when a new checkpoint is served.

use crate::asof::AsOfQuery;
use crate::error::{ApiError, blocking, detail, parse_stored};
use crate::extract::{Path, Query};
use crate::params::LogIndex;
use crate::state::AppState;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde::Serialize;
use std::sync::OnceLock;
use tokio::sync::Semaphore;
use truce_core::derive::Logged;
use truce_core::kinds::common::BlobDigest;
use truce_core::kinds::report::{ReportFormat, ReportLang, ReportPublish};
use truce_core::values::Timestamp;
use truce_core::{Body as RecordBody, Kind};
use truce_report::{Checkpoint, Format, Lang, Period};

/// Reports built at the same moment, across all callers: two cores serve
/// everything else meanwhile.
const BUILDS_AT_ONCE: usize = 2;
/// Bytes of built reports kept.
const KEPT_BYTES: u64 = 32 << 20;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    origin: String,
    size: u64,
    root: String,
    from: i64,
    to: i64,
    lang: Lang,
    format: Format,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Bytes> for ByBytes {
    fn weight(&self, _key: &Key, bytes: &Bytes) -> u64 {
        bytes.len() as u64 + 128
    }
}

fn kept() -> &'static Cache<Key, Bytes, ByBytes> {
    static KEPT: OnceLock<Cache<Key, Bytes, ByBytes>> = OnceLock::new();
    KEPT.get_or_init(|| Cache::with_weighter(256, KEPT_BYTES, ByBytes))
}

fn builds() -> &'static Semaphore {
    static BUILDS: Semaphore = Semaphore::const_new(BUILDS_AT_ONCE);
    &BUILDS
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// The period's start (RFC 3339 UTC, to the second), included; with
    /// `at` alone, seven days before the period's end.
    #[param(inline)]
    from: Option<Timestamp>,
    /// The period's end, excluded: after `from`, and at most 92 days after
    /// it; with `at`, no later than `at`, and `at` when not given.
    #[param(inline)]
    to: Option<Timestamp>,
    /// The report as the record stood at this moment: a report counts only
    /// records claimed before its period's end, with deadlines run to it,
    /// so this is the end of the period (the week up to `at` unless `from`
    /// and `to` say otherwise). Not after the server's time (404).
    #[param(inline)]
    at: Option<Timestamp>,
    /// The report's language: en, ar, ur, ps, fa or tr (en when not given).
    #[param(pattern = "^(en|ar|ur|ps|fa|tr)$")]
    lang: Option<String>,
    /// html, pdf or md (html when not given).
    #[param(pattern = "^(html|pdf|md)$")]
    format: Option<String>,
    /// Build from the log prefix of this size, which must have a checkpoint;
    /// by default the checkpoint served at `/checkpoint`.
    #[param(inline)]
    size: Option<LogIndex>,
}

/// A periodic report of the period, built from the log: HTML (one
/// self-contained page), PDF or Markdown. Every item cites its records and
/// the report names the checkpoint it was built from; the same prefix,
/// period and language always give the same bytes, so a digest published in
/// a `report.publish` record can be checked by anyone.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(ReportQuery),
    responses(
        (status = 200, description = "The report", content(
            (String = "text/html"), (Vec<u8> = "application/pdf"), (String = "text/markdown"))),
        (status = 400, description = "A period longer than 92 days, no period or moment given, or a bad language or format", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A period that ends before it starts, or after `at`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No checkpoint of that size, or `at` after the server's time", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Reports are being built for others; try again after Retry-After", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(state): State<AppState>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let period = period_of(&q, state.clock.now())?;
    let lang = Lang::parse(q.lang.as_deref().unwrap_or("en")).map_err(|e| bad(e.into()))?;
    let format = Format::parse(q.format.as_deref().unwrap_or("html")).map_err(bad)?;
    let size = q.size.map(|s| s.0);
    let bytes = build(state, size, period, lang, format).await?;
    Ok(file(bytes, format, lang, period))
}

/// The period a query asks for: `from` and `to`, or the week up to `at`.
fn period_of(q: &ReportQuery, clock_now: Timestamp) -> Result<Period, ApiError> {
    if let Some(at) = q.at {
        crate::asof::not_after_the_clock(at, clock_now)?;
        if let Some(to) = q.to.filter(|to| *to > at) {
            return Err(ApiError::Contradictory(detail!("report.after_at", at, to)));
        }
    }
    let Some(to) = q.to.or(q.at) else {
        return Err(ApiError::BadRequest(detail!("report.no_period")));
    };
    let from = match q.from {
        Some(from) => from,
        None if q.at.is_some() => Timestamp::from_unix(to.unix() - WEEK_SECONDS)
            .map_err(|e| ApiError::BadRequest(detail!("report.week_before", to, cause = e)))?,
        None => {
            return Err(ApiError::BadRequest(detail!("report.no_start")));
        }
    };
    if to <= from {
        // Well formed, but contradicts itself: 422, as for the incidents' range.
        return Err(ApiError::Contradictory(detail!(
            "report.inverted",
            from,
            to
        )));
    }
    Period::new(from, to).map_err(bad)
}

/// The period `at` alone reports: the week up to it, as the Reports page
/// proposes.
const WEEK_SECONDS: i64 = 7 * 86_400;

fn bad(e: truce_report::ReportError) -> ApiError {
    ApiError::BadRequest(detail!("report.invalid", cause = e))
}

/// Builds (or finds kept) the report, on a blocking thread, within the
/// global bound of builds.
async fn build(
    state: AppState,
    size: Option<u64>,
    period: Period,
    lang: Lang,
    format: Format,
) -> Result<Bytes, ApiError> {
    let Ok(_permit) = builds().try_acquire() else {
        return Err(ApiError::TooManyRequests(detail!("report.busy")));
    };
    blocking(move || {
        let size = match size {
            Some(s) => s,
            None => served_size(&state)?,
        };
        let Some(note) = truce_store::cosigned_checkpoint(state.store.as_ref(), size)? else {
            return Err(ApiError::NotFound(detail!("report.no_checkpoint", size)));
        };
        let root = note.note.lines().nth(2).unwrap_or_default().to_owned();
        let key = Key {
            origin: state.origin.clone(),
            size,
            root,
            from: period.from().unix(),
            to: period.to().unix(),
            lang,
            format,
        };
        kept().get_or_insert_with(&key, || {
            let records = prefix(&state, size)?;
            let checkpoint = Checkpoint::of(&records, Some(&note.note))
                .map_err(|e| ApiError::Internal(detail!("internal.report", cause = e)))?;
            let report = truce_report::build(&records, &checkpoint, period, lang).map_err(bad)?;
            let bytes = truce_report::render(&report, format)
                .map_err(|e| ApiError::Internal(detail!("internal.report", cause = e)))?;
            Ok(Bytes::from(bytes))
        })
    })
    .await
}

/// The size of the checkpoint `/checkpoint` serves: the latest the
/// witnesses' quorum cosigned, or the latest when none has.
fn served_size(state: &AppState) -> Result<u64, ApiError> {
    if let Some(size) = state.store.latest_witnessed_size()? {
        return Ok(size);
    }
    state
        .store
        .latest_checkpoint()?
        .map(|c| c.size)
        .ok_or_else(|| ApiError::NotFound(detail!("log.no_checkpoint")))
}

/// The first `size` records, in order.
fn prefix(state: &AppState, size: u64) -> Result<Vec<Logged>, ApiError> {
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut start = 0;
    while start < size {
        crate::error::abandoned()?;
        let end = (start + 2_000).min(size);
        for s in state.store.records(start, end)? {
            let record = parse_stored(s.index, &s.leaf)?;
            out.push(Logged {
                index: s.index,
                record,
            });
        }
        start = end;
    }
    Ok(out)
}

/// The report's bytes as a response. The HTML report carries its own
/// Content-Security-Policy — nothing but its one inline stylesheet, no
/// script, nothing fetched — and may be framed by this origin (the Reports
/// page previews it in a sandboxed frame).
fn file(bytes: Bytes, format: Format, lang: Lang, period: Period) -> Response {
    let name = format!(
        "truce-report-{}-{}-{}.{}",
        period.from().datetime().date(),
        period.to().datetime().date(),
        lang.as_str(),
        format.as_str()
    );
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.media_type()),
        )],
        Body::from(bytes),
    )
        .into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if format == Format::Html {
        use base64::Engine;
        use sha2::Digest;
        let style = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(truce_report::HTML_STYLE.as_bytes()));
        if let Ok(v) = HeaderValue::from_str(&format!(
            "default-src 'none'; style-src 'sha256-{style}'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
        )) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        h.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
    }
    response
}

/// A report published in the log.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedReport {
    /// The `report.publish` record's index and leaf hash.
    pub index: u64,
    pub record: truce_core::Hash,
    pub author: String,
    pub published_at: Timestamp,
    pub digest: String,
    pub from: Timestamp,
    pub to: Timestamp,
    pub lang: ReportLang,
    pub format: ReportFormat,
    pub checkpoint_size: u64,
    /// The decided consequence (`penalty.decision`) this report is the public report of.
    pub decision: Option<u64>,
    /// Where the file is served (rebuilt from the log and checked against `digest`).
    pub href: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedReports {
    /// Newest first.
    pub reports: Vec<PublishedReport>,
}

fn published_one(
    state: &AppState,
    index: u64,
) -> Result<Option<(PublishedReport, ReportPublish)>, ApiError> {
    let Some(stored) = crate::routes::records::one(state, index)? else {
        return Ok(None);
    };
    let record = parse_stored(stored.index, &stored.leaf)?;
    let RecordBody::ReportPublish(b) = record.body() else {
        return Ok(None);
    };
    let decision = match &b.decision {
        Some(h) => state.ledger()?.index_of(h),
        None => None,
    };
    Ok(Some((
        PublishedReport {
            index,
            record: record.hash(),
            author: record.author().as_str().to_owned(),
            published_at: record.time(),
            digest: b.digest.to_string(),
            from: b.from,
            to: b.to,
            lang: b.lang,
            format: b.format,
            checkpoint_size: b.checkpoint_size,
            decision,
            href: format!("/api/v1/reports/published/{index}"),
        },
        b.clone(),
    )))
}

/// The reports published in the log (`report.publish` records), newest
/// first; as of a past moment (`at`, `size`), those published by then.
#[utoipa::path(get, path = "/api/v1/reports/published", tag = "reports", params(AsOfQuery),
    responses((status = 200, body = PublishedReports)))]
pub async fn published(
    State(state): State<AppState>,
    Query(as_of): Query<AsOfQuery>,
) -> Result<Json<PublishedReports>, ApiError> {
    blocking(move || {
        let indexes: Vec<u64> = as_of
            .resolve(&state)?
            .index
            .of_kind(Kind::ReportPublish)
            .to_vec();
        let mut reports = Vec::with_capacity(indexes.len());
        for i in indexes.into_iter().rev() {
            crate::error::abandoned()?;
            if let Some((r, _)) = published_one(&state, i)? {
                reports.push(r);
            }
        }
        Ok(Json(PublishedReports { reports }))
    })
    .await
}

/// A published report's file: rebuilt from the log at the size its record
/// names, and served only if its SHA-256 is the digest the record carries.
#[utoipa::path(get, path = "/api/v1/reports/published/{index}", tag = "reports",
    params(("index" = inline(LogIndex), Path, description = "The index of the report.publish record")),
    responses(
        (status = 200, description = "The published file", content(
            (String = "text/html"), (Vec<u8> = "application/pdf"), (String = "text/markdown"))),
        (status = 404, description = "No report.publish record at that index", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The log does not rebuild the published digest", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Reports are being built for others; try again after Retry-After", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn published_file(
    State(state): State<AppState>,
    Path(LogIndex(index)): Path<LogIndex>,
) -> Result<Response, ApiError> {
    let found = {
        let state = state.clone();
        blocking(move || published_one(&state, index)).await?
    };
    let Some((_, b)) = found else {
        return Err(ApiError::NotFound(detail!("report.not_published", index)));
    };
    let period = Period::new(b.from, b.to).map_err(bad)?;
    let lang = truce_report::lang_of_record(b.lang);
    let format = Format::of_record(b.format);
    let bytes = build(state, Some(b.checkpoint_size), period, lang, format).await?;
    if BlobDigest::of(&bytes) != b.digest {
        return Err(ApiError::Conflict(detail!(
            "report.mismatch",
            index,
            published = b.digest,
            size = b.checkpoint_size,
            rebuilt = BlobDigest::of(&bytes)
        )));
    }
    Ok(file(bytes, format, lang, period))
}
