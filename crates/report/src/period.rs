//! The period a report covers: `[from, to)`, and the previous period of the
//! same length it is compared with.

use crate::ReportError;
use truce_core::values::Timestamp;

/// At most a quarter of a year: a report is a periodic summary, and a bound
/// keeps the cost of one request to the server bounded too.
pub const MAX_DAYS: i64 = 92;

/// A half-open interval of time, `from` included and `to` excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    from: Timestamp,
    to: Timestamp,
}

impl Period {
    pub fn new(from: Timestamp, to: Timestamp) -> Result<Period, ReportError> {
        let seconds = from.seconds_until(&to);
        if seconds <= 0 {
            return Err(ReportError::Period(format!(
                "it must end after it starts (from {from}, to {to})"
            )));
        }
        if seconds > MAX_DAYS * 86_400 {
            return Err(ReportError::Period(format!(
                "a report covers at most {MAX_DAYS} days; split a longer period"
            )));
        }
        Ok(Period { from, to })
    }

    /// Parses RFC 3339 UTC times, as the CLI and the API take them.
    pub fn parse(from: &str, to: &str) -> Result<Period, ReportError> {
        let from = Timestamp::parse(from)
            .map_err(|e| ReportError::Period(format!("from {from:?}: {e}")))?;
        let to =
            Timestamp::parse(to).map_err(|e| ReportError::Period(format!("to {to:?}: {e}")))?;
        Period::new(from, to)
    }

    pub fn from(&self) -> Timestamp {
        self.from
    }

    pub fn to(&self) -> Timestamp {
        self.to
    }

    pub fn seconds(&self) -> i64 {
        self.from.seconds_until(&self.to)
    }

    /// Longer than a day: a weekly report has a table of contents.
    pub fn is_long(&self) -> bool {
        self.seconds() > 86_400
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && t < self.to
    }

    /// The period of the same length that ends where this one starts.
    pub fn previous(&self) -> Option<Period> {
        let from = Timestamp::from_unix(self.from.unix() - self.seconds()).ok()?;
        Some(Period {
            from,
            to: self.from,
        })
    }
}
