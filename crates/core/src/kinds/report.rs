//! Publishing a periodic report: the mechanism's public word on a period,
//! built from the log itself. The record fixes exactly which bytes were
//! published (their SHA-256) and what they were built from (a log prefix,
//! a period, a language, a format), so anyone holding the log can rebuild
//! the report and check the digest (`truce verify --report`).

use super::Invalid;
use super::common::{BlobDigest, RecordRef};
use crate::values::{Paragraph, Timestamp};
use serde::{Deserialize, Serialize};

/// The languages a report is written in (the interface languages).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportLang {
    En,
    Ar,
    Ur,
    Ps,
    Fa,
    Tr,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Html,
    Pdf,
    Md,
}

/// The longest period a report covers, in days (the report builder's bound).
pub const MAX_REPORT_DAYS: i64 = 92;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportPublish {
    /// The SHA-256 of the published file's bytes.
    pub digest: BlobDigest,
    /// The period, `from` included and `to` excluded.
    pub from: Timestamp,
    pub to: Timestamp,
    pub lang: ReportLang,
    pub format: ReportFormat,
    /// The size of the log prefix (the checkpoint) the report was built from.
    pub checkpoint_size: u64,
    /// The decided consequence (a `penalty.decision`) whose public report
    /// this is, when the schedule's "public report" step is carried out by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Paragraph>,
}

impl ReportPublish {
    pub fn validate(&self) -> Result<(), Invalid> {
        let seconds = self.from.seconds_until(&self.to);
        if seconds <= 0 {
            return Err(Invalid::ReportPeriod);
        }
        if seconds > MAX_REPORT_DAYS * 86_400 {
            return Err(Invalid::ReportTooLong {
                max_days: MAX_REPORT_DAYS,
            });
        }
        // Signed integers stay within what every JSON reader holds exactly.
        if self.checkpoint_size == 0 || self.checkpoint_size > (1 << 53) - 1 {
            return Err(Invalid::ReportCheckpointSize);
        }
        Ok(())
    }
}
