//! Errors as types: a file the reader cannot use at all, and a row it
//! refuses (with where and why, so the row can be fixed and imported again).

use std::fmt;
use truce_core::values::TextError;

/// The file as a whole cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has no header line")]
    NoHeader,
    #[error("the header has no {column:?} column, which the {format} format needs")]
    MissingColumn {
        format: &'static str,
        column: &'static str,
    },
    #[error("the header names column {0:?} twice")]
    RepeatedColumn(String),
    #[error("reading line {line}: {message}")]
    Read { line: u64, message: String },
}

/// A row that did not become a report: its line (where the row starts,
/// counting the header as line 1), the column at fault when one is, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub column: Option<String>,
    pub reason: Reason,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

impl std::error::Error for Rejected {}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("has {found} fields where the header has {expected}")]
    FieldCount { found: usize, expected: usize },
    #[error("is not UTF-8 text")]
    NotUtf8,
    #[error("is empty, and a report needs it")]
    Missing,
    #[error("{value:?} is not a date (YYYY-MM-DD or \"1 January 2024\")")]
    Date { value: String },
    #[error("{value:?} is not a whole number from 0 to 4294967295")]
    Count { value: String },
    #[error("{value:?} is not a decimal number of degrees")]
    Degrees { value: String },
    #[error("{value:?} is off the globe: {why}")]
    OffTheGlobe { value: String, why: String },
    #[error("{value:?} is not one of {allowed}")]
    Code {
        value: String,
        allowed: &'static str,
    },
    #[error("{0}")]
    Text(#[from] TextError),
    #[error("{value:?} is not a Truce leaf hash (64 lowercase hex digits)")]
    LeafHash { value: String },
    #[error("{value:?} is not a Truce incident type")]
    IncidentType { value: String },
    #[error("{value:?} is not a participant id: {why}")]
    Participant { value: String, why: String },
    #[error("one report has at most 8 places; this event has {0} rows")]
    TooManyPlaces(usize),
    #[error("names {0} sources; a report keeps at most 16")]
    TooManySources(usize),
    #[error(
        "{fatalities} is not the sum of the killed columns ({military} military + {civilian} civilian)"
    )]
    FatalitiesDisagree {
        fatalities: u32,
        military: u32,
        civilian: u32,
    },
    #[error(
        "the figures do not split into military and civilian estimates with low ≤ best ≤ high: {0}"
    )]
    Estimates(String),
    #[error("the same event is already on line {first_line} of this file")]
    Repeated { first_line: u64 },
    #[error("the report would be invalid: {0}")]
    Invalid(truce_core::kinds::Invalid),
}
