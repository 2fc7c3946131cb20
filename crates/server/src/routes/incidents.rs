//! Incidents: filtered, paged lists; one case with all its records and its
//! derived status; statistics.

use crate::asof::AsOfQuery;
use crate::auth::Caller;
use crate::error::{ApiError, blocking, detail, parse_stored};
use crate::extract::{Path, Query};
use crate::params::{LogIndex, TreeSize, Within};
use crate::routes::records::{RecordView, view};
use crate::state::AppState;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use truce_core::derive::case::{CaseStage, CaseView};
use truce_core::derive::{LogView, Logged};
use truce_core::kinds::Kind;
use truce_core::kinds::incident::IncidentType;
use truce_core::values::{ParticipantId, Timestamp};
use truce_index::{
    BoundingBox, Cursor, DensityCell, Grouping, IncidentPage, IncidentQuery, IncidentSummary,
    StatBucket,
};

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IncidentParams {
    /// Events at or after this time (UTC, like `2025-10-26T00:00:00Z`).
    #[param(inline)]
    from: Option<Timestamp>,
    /// Events before this time (UTC).
    #[param(inline)]
    to: Option<Timestamp>,
    /// Only incidents with a place inside `south,west,north,east` (decimal
    /// degrees; a west edge east of the east edge crosses the antimeridian).
    #[param(
        example = "31.0,69.0,35.0,72.0",
        pattern = r"^-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?),-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?),-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?),-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)$"
    )]
    bbox: Option<String>,
    /// Incident types, comma-separated, e.g. `shelling,drone_strike`.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<Vec<IncidentType>>, style = Form, explode = false, min_items = 1)]
    types: Option<String>,
    /// A participant that reported the incident or is accused in it.
    #[param(inline)]
    party: Option<ParticipantId>,
    /// The participant that reported the incident.
    #[param(inline)]
    reporter: Option<ParticipantId>,
    /// The participant the report holds responsible.
    #[param(inline)]
    accused: Option<ParticipantId>,
    /// Case stages, comma-separated, e.g. `reported,under_investigation`.
    #[param(value_type = Option<Vec<CaseStage>>, style = Form, explode = false, min_items = 1)]
    status: Option<String>,
    /// Words to find in titles, narratives and place names (case-insensitive).
    q: Option<String>,
    /// The `next` of the previous page.
    #[param(pattern = "^[0-9a-f]{32}$")]
    cursor: Option<String>,
    /// Page size (0 to 500, 0 only counts; 50 when not given).
    #[param(inline)]
    limit: Option<Within<0, { truce_index::MAX_LIMIT as u64 }>>,
    /// Statistics only: how to group (by week when not given).
    #[param(inline)]
    group: Option<GroupBy>,
    /// Density only: the side of a cell in micro-degrees (1,000 to
    /// 90,000,000; 500,000 — half a degree — when not given).
    #[param(inline)]
    cell: Option<Within<{ truce_index::MIN_CELL_E6 as u64 }, { truce_index::MAX_CELL_E6 as u64 }>>,
    /// As of this moment (see `AsOfQuery`): only records claimed no later
    /// count, and deadlines run to it.
    #[param(inline)]
    at: Option<Timestamp>,
    /// As of this tree size (see `AsOfQuery`).
    #[param(inline)]
    size: Option<TreeSize>,
    /// Incidents only: every incident the filters select (all pages, from
    /// `cursor` if given) as one file instead of a page: ACLED- or UCDP
    /// GED-compatible CSV, GeoJSON or JSON Lines, each row with its report's
    /// index and leaf hash. `Accept: text/csv` (ACLED) or
    /// `application/geo+json` asks the same. The mapping is
    /// crates/export/README.md.
    #[param(inline)]
    format: Option<crate::routes::export::ExportFormat>,
}

/// How statistics are grouped.
#[derive(Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Week,
    Area,
    Type,
    Party,
    Reporter,
}

fn stage(name: &str) -> Result<CaseStage, ApiError> {
    CaseStage::parse(name)
        .ok_or_else(|| ApiError::BadRequest(detail!("incident.status", name = format!("{name:?}"))))
}

/// A comma-separated list (OpenAPI `style: form, explode: false`). A
/// parameter left out is no filter; an empty value (`?status=`) is refused,
/// as the API document says (`minItems: 1`): read as a list it holds no
/// name or one empty name, and reading it as "no filter" would answer a
/// question the client did not ask.
fn list<T>(
    s: &Option<String>,
    parse: impl Fn(&str) -> Result<T, ApiError>,
) -> Result<Vec<T>, ApiError> {
    match s.as_deref() {
        None => Ok(Vec::new()),
        Some(s) => s.split(',').map(&parse).collect(),
    }
}

impl IncidentParams {
    fn as_of(&self) -> AsOfQuery {
        AsOfQuery {
            at: self.at,
            size: self.size,
        }
    }

    fn query(&self) -> Result<IncidentQuery, ApiError> {
        let bbox = self
            .bbox
            .as_deref()
            .map(BoundingBox::parse_degrees)
            .transpose()?;
        Ok(IncidentQuery {
            from: self.from,
            to: self.to,
            bbox,
            types: list(&self.types, |t| {
                serde_json::from_value::<IncidentType>(serde_json::Value::String(t.to_string()))
                    .map_err(|_| {
                        ApiError::BadRequest(detail!("incident.type", name = format!("{t:?}")))
                    })
            })?,
            party: self.party.clone(),
            reporter: self.reporter.clone(),
            accused: self.accused.clone(),
            status: list(&self.status, stage)?,
            text: self.q.clone().filter(|q| !q.trim().is_empty()),
            cursor: self
                .cursor
                .as_deref()
                .map(Cursor::parse)
                .transpose()
                .map_err(ApiError::from)?,
            limit: self.limit.map_or(truce_index::DEFAULT_LIMIT, |l| l.0),
        })
    }
}

/// An answer worked out from the index as of the moment asked, or the one
/// kept for the same question, index version and second (`answers.rs`),
/// with its ETag.
async fn kept<T: Serialize + Send + 'static>(
    state: AppState,
    as_of: AsOfQuery,
    raw: Option<String>,
    headers: &HeaderMap,
    route: &'static str,
    compute: impl FnOnce(&truce_index::Index, Timestamp) -> Result<T, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let answer = blocking(move || {
        let moment = as_of.resolve(&state)?;
        let (index, now) = (&moment.index, moment.now);
        let asked = moment.answer_key(raw.as_deref().unwrap_or_default());
        state
            .answers
            .get_or_compute(route, &asked, index.incidents_version(), now, || {
                compute(index, now)
            })
    })
    .await?;
    Ok(answer.respond(headers))
}

/// Incident reports, newest event first, filtered and paged. Every filter
/// given must hold; paging by cursor never repeats or skips an incident even
/// while reports arrive.
///
/// Each incident's `stage` and `response` are worked out at the server's
/// "now": the accused party's answer is due the charter's
/// `incident_response_hours` after the report's signing time (the record's
/// `time`), and an unanswered case is past its deadline from then on.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentParams),
    responses((status = 200, description = "A page of incidents; with `format` (or `Accept: text/csv` / `application/geo+json`), every incident selected as a file",
            content((IncidentPage = "application/json"), (String = "text/csv"), (serde_json::Value = "application/geo+json"), (String = "application/jsonl")),
            headers(("ETag" = String, description = "A digest of this answer's bytes, for If-None-Match (pages only)"))),
        (status = 304, description = "The answer is still the one whose ETag the request's If-None-Match names"),
        (status = 422, description = "A box whose south edge is north of its north edge, or a time range that ends before it starts", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list_incidents(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    Query(params): Query<IncidentParams>,
) -> Result<Response, ApiError> {
    let query = params.query()?;
    let as_of = params.as_of();
    if let Some(format) = crate::routes::export::asked(params.format, &headers) {
        return blocking(move || crate::routes::export::export(&state, as_of, query, format)).await;
    }
    kept(
        state,
        as_of,
        raw,
        &headers,
        "incidents",
        move |index, now| index.incidents(&query, now).map_err(ApiError::from),
    )
    .await
}

/// Counts and casualties (best estimates, as reported) of the incidents that
/// match the filters, grouped by week, area, type, party or reporter.
#[utoipa::path(get, path = "/api/v1/statistics", tag = "incidents", params(IncidentParams),
    responses((status = 200, body = Vec<StatBucket>, headers(("ETag" = String, description = "A digest of this answer's bytes, for If-None-Match"))),
        (status = 304, description = "The answer is still the one whose ETag the request's If-None-Match names"),
        (status = 422, description = "A box whose south edge is north of its north edge, or a time range that ends before it starts", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn statistics(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    Query(params): Query<IncidentParams>,
) -> Result<Response, ApiError> {
    let by = match params.group.unwrap_or(GroupBy::Week) {
        GroupBy::Week => Grouping::Week,
        GroupBy::Area => Grouping::Area,
        GroupBy::Type => Grouping::Type,
        GroupBy::Party => Grouping::Party,
        GroupBy::Reporter => Grouping::Reporter,
    };
    let query = params.query()?;
    let as_of = params.as_of();
    kept(
        state,
        as_of,
        raw,
        &headers,
        "statistics",
        move |index, now| index.statistics(&query, by, now).map_err(ApiError::from),
    )
    .await
}

/// The cell side when a density question does not give one: half a degree.
const DEFAULT_CELL_E6: u32 = 500_000;

/// Incidents counted on a grid of square cells.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Density {
    /// The side of every cell, micro-degrees.
    pub cell_e6: u32,
    /// Incidents matching the filters: the cells' counts add up to it.
    pub total: usize,
    /// The cells holding at least one incident, south to north, then west to
    /// east.
    pub cells: Vec<DensityCell>,
}

/// The incidents the filters select, counted in square cells of `cell`
/// micro-degrees (each incident once, in the cell of its first place), with
/// the mean point and casualties (best estimates, as reported) of each: what
/// a map draws when it holds too many incidents for one marker each. An
/// answer holds at most 16,384 cells (a question that would fill more is a
/// 400: ask for larger cells or a smaller box); a `bbox` (the map's view)
/// with cells a few dozen pixels wide fills a few thousand at most.
#[utoipa::path(get, path = "/api/v1/incidents/density", tag = "incidents", params(IncidentParams),
    responses((status = 200, body = Density, headers(("ETag" = String, description = "A digest of this answer's bytes, for If-None-Match"))),
        (status = 304, description = "The answer is still the one whose ETag the request's If-None-Match names"),
        (status = 422, description = "A box whose south edge is north of its north edge, or a time range that ends before it starts", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn density(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    Query(params): Query<IncidentParams>,
) -> Result<Response, ApiError> {
    let query = params.query()?;
    let cell_e6 = params.cell.map_or(DEFAULT_CELL_E6, |c| {
        u32::try_from(c.0).unwrap_or(DEFAULT_CELL_E6)
    });
    let as_of = params.as_of();
    kept(state, as_of, raw, &headers, "density", move |index, now| {
        let cells = index.density(&query, cell_e6, now)?;
        Ok(Density {
            cell_e6,
            total: cells.iter().map(|c| c.incidents).sum(),
            cells,
        })
    })
    .await
}

/// How many incidents are at one case stage.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StageTotal {
    pub stage: CaseStage,
    pub incidents: usize,
}

/// The headline figures, as the dashboard shows them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// Incident reports in the log.
    pub incidents: usize,
    /// Incidents at each case stage as of `as_of`, in the order a case moves
    /// through them.
    pub stages: Vec<StageTotal>,
    /// Cases at any stage before `found`.
    pub open_cases: usize,
    /// Findings that verify the incident in whole or in part and count
    /// (the charter's threshold of mediators signed them). A finding that
    /// did not verify the incident, or still lacks signatures, is not one.
    pub verified_violations: usize,
    /// How many of `verified_violations` rest on something illustrative (the
    /// finding or its report says something in it is invented).
    pub illustrative_violations: usize,
    /// The time these figures are as of (deadlines run against it): the
    /// server's, or the `at` asked for.
    pub as_of: Timestamp,
    /// The tree size these figures count the records of.
    pub size: u64,
}

/// The headline figures: incidents by case stage, open cases and verified
/// violations, each counted by the same rules as the lists and the
/// compliance view (and served from what the index keeps, not recounted
/// from the log).
#[utoipa::path(get, path = "/api/v1/summary", tag = "incidents", params(AsOfQuery),
    responses((status = 200, body = Summary, headers(("ETag" = String, description = "A digest of this answer's bytes, for If-None-Match"))),
        (status = 304, description = "The answer is still the one whose ETag the request's If-None-Match names")))]
pub async fn summary(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(as_of): Query<AsOfQuery>,
) -> Result<Response, ApiError> {
    let answer = blocking(move || {
        let moment = as_of.resolve(&state)?;
        let (index, now, size) = (&moment.index, moment.now, moment.size);
        let asked = moment.answer_key("");
        state
            .answers
            .get_or_compute("summary", &asked, index.incidents_version(), now, || {
                let stages = index.stage_totals(now);
                Ok(Summary {
                    incidents: index.len_incidents(),
                    open_cases: stages
                        .iter()
                        .filter(|(s, _)| s.is_open())
                        .map(|(_, n)| n)
                        .sum(),
                    stages: stages
                        .into_iter()
                        .map(|(stage, incidents)| StageTotal { stage, incidents })
                        .collect(),
                    verified_violations: index.compliance().verified_violations(),
                    illustrative_violations: index.compliance().illustrative_violations(),
                    as_of: now,
                    size,
                })
            })
    })
    .await?;
    Ok(answer.respond(&headers))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CasePage {
    pub summary: IncidentSummary,
    /// The case as derived from its records at the server's "now" (or the
    /// `at` asked for).
    pub case: CaseView,
    /// The report and every record about it, in log order.
    pub records: Vec<RecordView>,
}

/// One incident's case: the report, every record about it (responses,
/// evidence, investigation steps, findings, concurrences, remedies), its
/// derived stage and the deadlines that run.
#[utoipa::path(get, path = "/api/v1/incidents/{index}", tag = "incidents",
    params(("index" = inline(LogIndex), Path, description = "The report's index in the log"), AsOfQuery),
    security((), ("bearer" = [])),
    responses((status = 200, body = CasePage)))]
pub async fn case(
    State(state): State<AppState>,
    caller: Caller,
    Path(LogIndex(index)): Path<LogIndex>,
    Query(as_of): Query<AsOfQuery>,
) -> Result<Json<CasePage>, ApiError> {
    blocking(move || {
        let moment = as_of.resolve(&state)?;
        let (now, past) = (moment.now, moment.past);
        let (summary, mut wanted, about) = {
            // Released before the store is read.
            let idx = moment.index;
            let summary = idx.incident(index, now).ok_or_else(|| {
                ApiError::NotFound(if past {
                    detail!("incident.not_a_report_then", index)
                } else {
                    detail!("incident.not_a_report", index)
                })
            })?;
            // What derivation needs besides the case: the charter (deadlines,
            // threshold) and who belongs to which participant.
            let mut about: std::collections::BTreeSet<u64> =
                idx.case_records(index).into_iter().collect();
            about.insert(index);
            let mut wanted = vec![0];
            wanted.extend_from_slice(idx.of_kind(Kind::MemberAdd));
            wanted.extend(about.iter().copied());
            (summary, wanted, about)
        };
        wanted.sort_unstable();
        wanted.dedup();
        let mut logged = Vec::with_capacity(wanted.len());
        let mut views = Vec::new();
        for i in wanted {
            crate::error::abandoned()?;
            let Some(stored) = crate::routes::records::one(&state, i)? else {
                continue;
            };
            let record = parse_stored(i, &stored.leaf)?;
            if about.contains(&i) {
                views.push(view(&state, &caller, i, &stored.leaf)?);
            }
            logged.push(Logged { index: i, record });
        }
        let log = LogView::new(&logged);
        let case = truce_core::derive::case::case(&log, &summary.hash, now)
            .ok_or_else(|| ApiError::Internal(detail!("internal.case")))?;
        Ok(Json(CasePage {
            summary,
            case,
            records: views,
        }))
    })
    .await
}
