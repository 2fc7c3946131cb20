//! # truce-import
//!
//! ACLED- and UCDP GED-format CSV in, as unsigned incident report bodies:
//! the inverse of `truce-export`'s mapping wherever one exists (the table is
//! in this crate's README). Each report keeps the dataset's event id in
//! `imported_from`, so the caller can skip events already in its log; each
//! row that cannot become a report is returned with its line, column and a
//! typed reason, and the rows around it still import.
//!
//! What it does not do: it signs nothing, reads no log and decides nothing
//! about admission (an accused party unknown to the charter is the log's to
//! refuse). It never fills a field with a guess: what Truce has no field
//! for (ACLED's actors and codings, GED's sides, deaths of unknown status)
//! is written into the narrative, and figures not broken down into
//! military and civilian stay out of the casualty fields.
//!
//! A file `truce export` wrote (it has the `truce_*` columns) is read back
//! through those columns, so export → import → export gives the same rows
//! apart from ids, indexes, hashes and signing times.

mod acled;
mod check;
mod error;
mod lines;
mod row;
pub mod sample;
mod text;
mod ucdp;

pub use check::{CheckError, Checked, check, imported_event};
pub use error::{ImportError, Reason, Rejected};

use row::{Header, Row};
use std::collections::HashMap;
use std::io::Read;
use truce_core::kinds::incident::{DatasetEvent, IncidentReport};

/// The two CSV layouts read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Acled,
    Ucdp,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Acled, Format::Ucdp];

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Acled => "acled",
            Format::Ucdp => "ucdp",
        }
    }

    /// The columns a file of this format must have.
    pub fn required_columns(self) -> &'static [&'static str] {
        match self {
            Format::Acled => acled::REQUIRED,
            Format::Ucdp => ucdp::REQUIRED,
        }
    }
}

/// One report made from one event's rows (one row, or one per place for a
/// report `truce export` wrote with several places).
#[derive(Clone, Debug)]
pub struct Imported {
    /// The line (from 1, the header's) its first row starts on.
    pub line: u64,
    pub report: IncidentReport,
}

impl Imported {
    /// The dataset's event, as the report keeps it.
    pub fn event(&self) -> Option<&DatasetEvent> {
        self.report.imported_from.as_ref()
    }
}

/// What a file gave: the reports, in file order, and the refused rows.
#[derive(Debug, Default)]
pub struct Parsed {
    pub reports: Vec<Imported>,
    pub rejected: Vec<Rejected>,
}

/// Reads a whole file. A file-level problem (no header, a required column
/// missing, unreadable input) is an error; a bad row is in `rejected`.
pub fn parse(format: Format, input: impl Read) -> Result<Parsed, ImportError> {
    let (input, line_starts) = lines::CountingLines::new(input);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let line_of = |position: Option<&csv::Position>| {
        position.map_or(0, |p| line_starts.borrow().line_of(p.byte()))
    };
    let header = Header::read(format, &mut reader)?;
    let mut parsed = Parsed::default();
    let mut seen: HashMap<DatasetEvent, u64> = HashMap::new();
    let mut group: Vec<Row> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let line = line_of(e.position());
            ImportError::Read {
                line,
                message: e.to_string(),
            }
        })?;
        let row = if more {
            match Row::new(&header, &record, line_of(record.position())) {
                Ok(row) => Some(row),
                Err(rejected) => {
                    parsed.rejected.push(rejected);
                    continue;
                }
            }
        } else {
            None
        };
        // One event's rows are consecutive: a group ends when the key changes.
        let same = match (&row, group.first()) {
            (Some(r), Some(first)) => r.key(&header) == first.key(&header),
            _ => false,
        };
        if !same && !group.is_empty() {
            finish(
                format,
                &header,
                std::mem::take(&mut group),
                &mut seen,
                &mut parsed,
            );
        }
        match row {
            Some(r) => group.push(r),
            None => break,
        }
    }
    Ok(parsed)
}

fn finish(
    format: Format,
    header: &Header,
    rows: Vec<Row>,
    seen: &mut HashMap<DatasetEvent, u64>,
    parsed: &mut Parsed,
) {
    let made = match format {
        Format::Acled => acled::report(header, &rows),
        Format::Ucdp => ucdp::report(header, &rows),
    };
    let report = match made {
        Ok(report) => report,
        Err(rejected) => {
            parsed.rejected.push(rejected);
            return;
        }
    };
    let line = rows.first().map_or(0, |r| r.line);
    if let Some(event) = &report.imported_from {
        if let Some(first) = seen.get(event) {
            parsed.rejected.push(Rejected {
                line,
                column: Some(header.id_column().to_owned()),
                reason: Reason::Repeated { first_line: *first },
            });
            return;
        }
        seen.insert(event.clone(), line);
    }
    if let Err(why) = report.validate() {
        parsed.rejected.push(Rejected {
            line,
            column: None,
            reason: Reason::Invalid(why),
        });
        return;
    }
    parsed.reports.push(Imported { line, report });
}
