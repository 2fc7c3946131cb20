//! # truce-export
//!
//! Incident reports out of a Truce log in the formats analysts open in QGIS,
//! R or pandas: ACLED-compatible CSV, UCDP GED-compatible CSV, GeoJSON
//! (RFC 7946) and JSON Lines. One row (or Feature) per place a report names.
//!
//! Every row carries the report's log index and leaf hash, so it can be
//! checked against the log; every figure is the reporter's claim and says
//! so; reporter and accused stay separate columns, since ACLED's actors and
//! UCDP's sides carry no direction. Where the target format has no
//! equivalent of what Truce records, the cell is left empty and the
//! difference said in a note or tag: nothing is invented to fill a column.
//! The mapping is one table, in this crate's README and in [`mapping`].
//!
//! What it does not do: it reads no log and derives no status. The caller
//! hands over each report with its index, leaf hash, reporter, accused and
//! case status (the server from its query index, the CLI from the log).

mod acled;
/// ACLED's own column names, in ACLED's order (the import reads them too).
pub use acled::COLUMNS as ACLED_COLUMNS;
mod geojson;
pub mod mapping;
mod ucdp;
/// UCDP GED's column names, in GED's order (the import reads them too).
pub use ucdp::COLUMNS as UCDP_COLUMNS;

use std::io::Write;
use truce_core::kinds::incident::IncidentReport;
use truce_core::values::Timestamp;

/// A participant as the charter names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub id: String,
    pub name: String,
}

/// One incident report and what the log says about it.
#[derive(Clone, Debug)]
pub struct Incident<'a> {
    /// The report's index in the log.
    pub index: u64,
    /// The report's RFC 6962 leaf hash, hex.
    pub leaf_hash: String,
    /// When the report was signed (its record's claimed time).
    pub reported_at: Timestamp,
    pub report: &'a IncidentReport,
    pub reporter: Option<Party>,
    pub accused: Option<Party>,
    /// The case's derived stage, snake_case (`answered`, `found`…).
    pub status: String,
    /// The report or a record about it says something in it is invented.
    pub illustrative: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Acled,
    Ucdp,
    GeoJson,
    JsonLines,
}

impl Format {
    pub const ALL: [Format; 4] = [
        Format::Acled,
        Format::Ucdp,
        Format::GeoJson,
        Format::JsonLines,
    ];

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Acled => "acled",
            Format::Ucdp => "ucdp",
            Format::GeoJson => "geojson",
            Format::JsonLines => "jsonl",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Acled | Format::Ucdp => "text/csv; charset=utf-8",
            Format::GeoJson => "application/geo+json",
            Format::JsonLines => "application/jsonl",
        }
    }

    /// A file name for a download of this format.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Acled => "incidents-acled.csv",
            Format::Ucdp => "incidents-ucdp-ged.csv",
            Format::GeoJson => "incidents.geojson",
            Format::JsonLines => "incidents.jsonl",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes `incidents` in `format` to `out`. `case_link` makes the link to
/// a case from its index (GeoJSON's `case` property).
pub fn write(
    format: Format,
    incidents: &[Incident<'_>],
    case_link: &dyn Fn(u64) -> String,
    out: impl Write,
) -> Result<(), ExportError> {
    match format {
        Format::Acled => acled::write(incidents, out),
        Format::Ucdp => ucdp::write(incidents, out),
        Format::GeoJson => geojson::write(incidents, case_link, out),
        Format::JsonLines => json_lines(incidents, out),
    }
}

/// One incident per line: the report's body as signed, with what the log
/// says about it.
fn json_lines(incidents: &[Incident<'_>], mut out: impl Write) -> Result<(), ExportError> {
    for i in incidents {
        let line = serde_json::json!({
            "index": i.index,
            "leaf_hash": i.leaf_hash,
            "reported_at": i.reported_at,
            "reporter": i.reporter.as_ref().map(|p| &p.id),
            "accused": i.accused.as_ref().map(|p| &p.id),
            "status": i.status,
            "illustrative": i.illustrative,
            "report": i.report,
        });
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Micro-degrees as an exact decimal string (no float ever holds them).
pub(crate) fn degrees(e6: i32) -> String {
    let sign = if e6 < 0 { "-" } else { "" };
    let abs = e6.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

/// `YYYY-MM-DD`.
pub(crate) fn day(t: Timestamp) -> String {
    let d = t.datetime().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The sources a report names, as one cell: publications with their day,
/// and names as the reporter gives them.
pub(crate) fn sources(report: &IncidentReport) -> Vec<String> {
    use truce_core::kinds::common::Source;
    report
        .sources
        .iter()
        .map(|s| match s {
            Source::Named(name) => name.to_string(),
            Source::Reported(r) => format!("{} ({})", r.publication, r.date),
        })
        .collect()
}

pub(crate) fn name(p: &Option<Party>) -> &str {
    p.as_ref().map_or("", |p| p.name.as_str())
}

pub(crate) fn id(p: &Option<Party>) -> &str {
    p.as_ref().map_or("", |p| p.id.as_str())
}

/// The columns both CSV formats add after their own, so that nothing Truce
/// records is lost and every row can be checked against the log.
pub(crate) const TRUCE_COLUMNS: [&str; 14] = [
    "truce_index",
    "truce_leaf_hash",
    "truce_place",
    "truce_incident_type",
    "truce_reporter",
    "truce_accused",
    "truce_actor",
    "truce_status",
    "truce_reported_at",
    "truce_killed_military_best",
    "truce_killed_civilian_best",
    "truce_injured_best",
    "truce_casualties_claimed_by",
    "truce_illustrative",
];

pub(crate) fn truce_columns(i: &Incident<'_>, place: usize) -> Vec<String> {
    let c = &i.report.casualties;
    vec![
        i.index.to_string(),
        i.leaf_hash.clone(),
        place.to_string(),
        i.report.incident_type.as_str().to_owned(),
        id(&i.reporter).to_owned(),
        id(&i.accused).to_owned(),
        i.report
            .actor
            .as_ref()
            .map_or(String::new(), |a| a.to_string()),
        i.status.clone(),
        i.reported_at.to_string(),
        c.killed.military.best.to_string(),
        c.killed.civilian.best.to_string(),
        c.injured_best().to_string(),
        id(&i.reporter).to_owned(),
        i.illustrative.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_are_exact() {
        assert_eq!(degrees(33_339_500), "33.339500");
        assert_eq!(degrees(-500), "-0.000500");
        assert_eq!(degrees(0), "0.000000");
        assert_eq!(degrees(-180_000_000), "-180.000000");
    }

    #[test]
    fn every_format_has_one_name() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Some(f));
        }
        assert_eq!(Format::parse("xlsx"), None);
    }
}
