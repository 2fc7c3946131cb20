//! Incidents as files (`truce-export`): `GET /api/v1/incidents` with
//! `format=acled|ucdp|geojson|jsonl`, or with an `Accept` header that asks
//! for `text/csv` (ACLED-compatible) or `application/geo+json` before JSON,
//! answers every incident the filters select (all pages, from `cursor` if
//! given) as one download, each row with its report's index and leaf hash.

use crate::asof::AsOfQuery;
use crate::error::{ApiError, detail, parse_stored};
use crate::state::AppState;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;
use truce_core::Record;
use truce_core::values::ParticipantId;
use truce_export::{Format, Incident, Party};
use truce_index::{IncidentQuery, MAX_LIMIT};

/// A file of every incident the filters select, instead of a JSON page.
#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// ACLED-compatible CSV (text/csv): ACLED's columns, then Truce's.
    Acled,
    /// UCDP GED-compatible CSV (text/csv): GED's columns, then Truce's.
    Ucdp,
    /// An RFC 7946 FeatureCollection (application/geo+json), one Point per place.
    Geojson,
    /// One incident per line (application/jsonl).
    Jsonl,
}

impl From<ExportFormat> for Format {
    fn from(f: ExportFormat) -> Format {
        match f {
            ExportFormat::Acled => Format::Acled,
            ExportFormat::Ucdp => Format::Ucdp,
            ExportFormat::Geojson => Format::GeoJson,
            ExportFormat::Jsonl => Format::JsonLines,
        }
    }
}

/// The file asked for: `format=` first; else the first media range of
/// `Accept` that names CSV, GeoJSON or JSON (JSON, or nothing, is a page).
pub fn asked(format: Option<ExportFormat>, headers: &HeaderMap) -> Option<Format> {
    if let Some(f) = format {
        return Some(f.into());
    }
    let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
    for range in accept.split(',') {
        let media = range
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "text/csv" => return Some(Format::Acled),
            "application/geo+json" => return Some(Format::GeoJson),
            "application/json" | "*/*" | "application/*" => return None,
            _ => {}
        }
    }
    None
}

/// Writes the file (called on a blocking thread).
pub fn export(
    state: &AppState,
    as_of: AsOfQuery,
    mut query: IncidentQuery,
    format: Format,
) -> Result<Response, ApiError> {
    query.limit = MAX_LIMIT;
    let selected = {
        // Released before the store is read.
        let moment = as_of.resolve(state)?;
        let mut selected = Vec::new();
        loop {
            crate::error::abandoned()?;
            let page = moment
                .index
                .incidents(&query, moment.now)
                .map_err(ApiError::from)?;
            selected.extend(page.items);
            match page.next {
                Some(next) => query.cursor = Some(next),
                None => break,
            }
        }
        selected
    };
    let read = |index: u64| -> Result<Record, ApiError> {
        let stored = crate::routes::records::one(state, index)?
            .ok_or_else(|| ApiError::Internal(detail!("internal.not_stored", index)))?;
        parse_stored(index, &stored.leaf)
    };
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    if let truce_core::Body::Charter(charter) = read(0)?.body() {
        for p in &charter.participants {
            names.insert(p.id.to_string(), p.name.to_string());
        }
    }
    let party = |id: Option<&ParticipantId>| {
        id.map(|id| Party {
            id: id.to_string(),
            name: names
                .get(id.as_str())
                .cloned()
                .unwrap_or_else(|| id.to_string()),
        })
    };
    let mut records = Vec::with_capacity(selected.len());
    for s in &selected {
        crate::error::abandoned()?;
        records.push(read(s.index)?);
    }
    let mut rows = Vec::with_capacity(selected.len());
    for (s, record) in selected.iter().zip(&records) {
        let truce_core::Body::IncidentReport(report) = record.body() else {
            return Err(ApiError::Internal(detail!(
                "incident.not_a_report",
                index = s.index
            )));
        };
        rows.push(Incident {
            index: s.index,
            leaf_hash: s.hash.to_hex(),
            reported_at: record.time(),
            report,
            reporter: party(s.reporter.as_ref()),
            accused: party(s.accused.as_ref()),
            status: serde_json::to_value(s.stage)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            illustrative: s.illustrative,
        });
    }
    let mut bytes = Vec::new();
    truce_export::write(format, &rows, &|i| format!("/#/incidents/{i}"), &mut bytes)
        .map_err(|e| ApiError::Internal(detail!("internal.export", cause = e)))?;
    let disposition = format!("attachment; filename=\"{}\"", format.file_name());
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}
