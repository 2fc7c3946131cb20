//! The record as of a moment: every derived view takes `?at=TIME` and
//! `?size=N` (see [`AsOfQuery`]) and answers from the records that were in
//! the log's first `N` and claimed no later than `TIME`, with deadlines run to
//! `TIME`.
//!
//! A view of the present reads the query index the server keeps. A view of
//! the past reads an index built from the log's prefix ([`AsOfIndexes`]),
//! which costs one pass over that prefix, reading, parsing and indexing each
//! record (about 1 ms a record in the unoptimised test build on the 2-core
//! development machine, `as_of_build_cost` in the API tests; a release build
//! does it much faster, but nothing below rests on the figure). So that no
//! caller can make the server do that work without bound:
//! - an index is kept once built, keyed by (size, at), up to a budget of
//!   bytes; askers of the same moment at the same time wait for one build;
//! - only one index is built at a time on the whole server: an asker of
//!   another moment meanwhile gets 429 with `Retry-After` (the UI asks again);
//! - the build counts as one of its caller's reads in flight (`limits.rs`)
//!   and stops when the request is dropped (`error::abandoned`);
//! - a moment the live index already answers — the whole log, at or after
//!   the latest time it claims — builds nothing.
//!
//! A new route answers as of a moment by taking [`AsOfQuery`]'s two fields
//! into its query and calling [`AsOfQuery::resolve`]: the [`Moment`] it gets
//! holds the index to read and the "now" to read it at.

use crate::error::{ApiError, detail, parse_stored};
use crate::params::TreeSize;
use crate::state::AppState;
use serde::Deserialize;
use std::ops::Deref;
use std::sync::{Arc, RwLockReadGuard};
use truce_core::values::Timestamp;
use truce_index::Index;

pub use crate::past::{AsOfIndexes, DEFAULT_CAPACITY_BYTES, Timeline, TimelineStep, build};

/// How many positions of the log [`Timeline`] names at most.
pub const TIMELINE_STEPS: u64 = 200;

/// The two parameters every derived view takes. Each route's query type
/// carries them as fields of its own (a query type refuses unknown fields,
/// which `serde(flatten)` cannot combine with) and hands them over with
/// `AsOfQuery { at, size }`.
#[derive(Clone, Copy, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    /// Answer as of this moment (UTC, like `2025-10-30T18:00:00Z`): only
    /// records claimed no later count, and deadlines run to it. Not before
    /// the charter, not after the server's time (404 outside them).
    #[param(inline)]
    pub at: Option<Timestamp>,
    /// Answer from the log's first `size` records only (a tree size, 1 to
    /// the log's size). Given alone, deadlines run to the latest time those
    /// records claim.
    #[param(inline)]
    pub size: Option<TreeSize>,
}

/// The index a view reads: the server's own, or one of the past.
pub enum Held<'a> {
    Live(RwLockReadGuard<'a, Index>),
    Past(Arc<Index>),
}

impl Deref for Held<'_> {
    type Target = Index;
    fn deref(&self) -> &Index {
        match self {
            Held::Live(guard) => guard,
            Held::Past(index) => index,
        }
    }
}

/// A moment resolved: what to read and when "now" is.
pub struct Moment<'a> {
    pub index: Held<'a>,
    /// Deadlines run to this time.
    pub now: Timestamp,
    /// The tree size the answer counts records of.
    pub size: u64,
    /// Whether the answer is of the past (`at` or `size` given).
    pub past: bool,
}

impl Moment<'_> {
    /// A key for answers kept per question (`answers.rs`): the query string
    /// names `at` and `size` as asked, and `size` may be left to the log's,
    /// so the size counted is added.
    pub fn answer_key(&self, query: &str) -> String {
        if self.past {
            format!("{query}#size={}", self.size)
        } else {
            query.to_owned()
        }
    }
}

impl AsOfQuery {
    /// Resolves the moment asked for, catching the index up first. A size
    /// beyond the log, a time before the charter or after the server's time
    /// names a moment the record does not hold: 404, saying what would do.
    /// Runs store reads: call it from a blocking thread.
    pub fn resolve(self, state: &AppState) -> Result<Moment<'_>, ApiError> {
        state.index.catch_up()?;
        let live = state.index.read()?;
        let clock_now = state.clock.now();
        if self.at.is_none() && self.size.is_none() {
            let size = live.len();
            return Ok(Moment {
                index: Held::Live(live),
                now: clock_now,
                size,
                past: false,
            });
        }
        let log_size = live.len();
        let size = match self.size {
            None => log_size,
            Some(TreeSize(n)) if n > log_size => {
                return Err(ApiError::NotFound(detail!(
                    "asof.size_beyond_log",
                    log_size,
                    n
                )));
            }
            Some(TreeSize(n)) => n,
        };
        if let Some(at) = self.at {
            not_after_the_clock(at, clock_now)?;
            let effective = charter_effective(state)?;
            if at < effective {
                return Err(ApiError::NotFound(detail!(
                    "asof.before_charter",
                    at,
                    effective
                )));
            }
        }
        // The whole log at or after the latest time it claims: the live
        // index holds exactly those records.
        if size == log_size && self.at.is_none_or(|at| live.latest_time() <= Some(at)) {
            let now = self.at.or(live.latest_time()).unwrap_or(clock_now);
            return Ok(Moment {
                index: Held::Live(live),
                now,
                size,
                past: true,
            });
        }
        drop(live);
        let past = state.as_of.index(state.store.as_ref(), size, self.at)?;
        let now = self.at.or(past.latest_time()).unwrap_or(clock_now);
        Ok(Moment {
            index: Held::Past(past),
            now,
            size,
            past: true,
        })
    }
}

/// Refuses (404) a moment after the server's clock: every as-of view, and
/// the reports, show the record as it stood, never as it may stand.
pub fn not_after_the_clock(at: Timestamp, clock_now: Timestamp) -> Result<(), ApiError> {
    if at > clock_now {
        return Err(ApiError::NotFound(detail!(
            "asof.after_clock",
            at,
            clock_now
        )));
    }
    Ok(())
}

/// When the charter took effect: admission refuses any record claimed
/// before it (the charter itself may be signed later, records of the days
/// before its signing being entered after it).
fn charter_effective(state: &AppState) -> Result<Timestamp, ApiError> {
    let stored = record_at(state, 0)?.ok_or_else(|| ApiError::NotFound(detail!("log.empty")))?;
    let record = parse_stored(0, &stored.leaf)?;
    match record.body() {
        truce_core::Body::Charter(c) => Ok(c.effective),
        _ => Err(ApiError::Internal(detail!("internal.no_charter"))),
    }
}

/// The stored record at `index`, if the log has one.
fn record_at(state: &AppState, index: u64) -> Result<Option<truce_store::StoredRecord>, ApiError> {
    Ok(state
        .store
        .records(index, index.saturating_add(1))?
        .into_iter()
        .next())
}

/// The timeline at the log's present size: kept until the log grows, so
/// it costs at most [`TIMELINE_STEPS`] record reads per size.
pub fn timeline(state: &AppState) -> Result<Arc<Timeline>, ApiError> {
    state.index.catch_up()?;
    let (size, latest) = {
        let index = state.index.read()?;
        (index.len(), index.latest_time())
    };
    if let Some(kept) = state.as_of.timeline_of(size) {
        return Ok(kept);
    }
    let charter = charter_effective(state)?;
    let count = size.min(TIMELINE_STEPS);
    let mut steps = Vec::new();
    for i in 1..=count {
        crate::error::abandoned()?;
        // Spread evenly, the last at the log's size.
        let step = (u128::from(size) * u128::from(i) / u128::from(count)) as u64;
        if let Some(stored) = record_at(state, step - 1)? {
            let record = parse_stored(stored.index, &stored.leaf)?;
            steps.push(TimelineStep {
                size: step,
                time: record.time(),
            });
        }
    }
    let timeline = Arc::new(Timeline {
        size,
        charter,
        latest: latest.unwrap_or(charter),
        now: state.clock.now(),
        steps,
    });
    state.as_of.keep_timeline(&timeline);
    Ok(timeline)
}
