//! The reports of a file checked against a log's admission rules, in order,
//! on a copy of the log's state: what `truce import` and the web UI's import
//! page (through `POST /api/v1/import/preview`) both run, so they agree on
//! which rows the log would take.
//!
//! The caller seals each draft: `truce import` signs it with the member's
//! key; the server, which holds no private key, puts a placeholder signature
//! in the member's key's name, for admission is checked here trusting the
//! signatures (the log verifies the real ones when the records arrive).

use crate::Imported;
use truce_core::admission::{LogState, Signatures};
use truce_core::kinds::incident::DatasetEvent;
use truce_core::record::{RecordDraft, RecordError};
use truce_core::values::{MemberId, Timestamp};
use truce_core::{Body, Record, Rejection, RuleViolation};

/// What became of each report.
#[derive(Debug, Default)]
pub struct Checked {
    /// Admissible, in order, at consecutive sequence numbers: the line each
    /// came from and the sealed record.
    pub admitted: Vec<(u64, Record)>,
    /// Already in the log (by the dataset's event id): the line and the event.
    pub present: Vec<(u64, DatasetEvent)>,
    /// Refused by the log's rules: the line, the column at fault when the
    /// rule is about one, and why.
    pub refused: Vec<(u64, Option<&'static str>, Rejection)>,
}

/// Why nothing could be checked.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("the log has no charter yet")]
    NoCharter,
    #[error("{0} is not a member of this mechanism")]
    NotAMember(MemberId),
    #[error("the report from line {line} cannot be sealed: {error}")]
    Seal { line: u64, error: RecordError },
}

/// Checks `reports` by `author`, claimed at `time`, against `state` (which
/// it advances as the log would). A report whose event is `present` in the
/// log is skipped; a refused one gives its sequence number to the next.
pub fn check(
    state: &mut LogState,
    author: &MemberId,
    time: Timestamp,
    reports: Vec<Imported>,
    present: impl Fn(&DatasetEvent) -> bool,
    mut seal: impl FnMut(&RecordDraft) -> Result<Record, RecordError>,
) -> Result<Checked, CheckError> {
    let log = state
        .charter()
        .map(|c| c.origin.clone())
        .ok_or(CheckError::NoCharter)?;
    if state.member(author).is_none() {
        return Err(CheckError::NotAMember(author.clone()));
    }
    let mut checked = Checked::default();
    for imported in reports {
        if let Some(event) = imported.event().filter(|e| present(e)) {
            checked.present.push((imported.line, event.clone()));
            continue;
        }
        let accused = imported.report.accused.is_some();
        let draft = RecordDraft {
            log: log.clone(),
            author: author.clone(),
            seq: state.next_seq(author),
            time,
            body: Body::IncidentReport(imported.report),
            confidential: None,
            extra_refs: Vec::new(),
        };
        let record = seal(&draft).map_err(|error| CheckError::Seal {
            line: imported.line,
            error,
        })?;
        match state.admit_with(&record, Signatures::TrustStore) {
            Ok(()) => checked.admitted.push((imported.line, record)),
            Err(rejection) => {
                let column = column_at_fault(&rejection, accused);
                checked.refused.push((imported.line, column, rejection))
            }
        }
    }
    Ok(checked)
}

/// The column a refusal points at. The log's rules can refuse a report
/// made from a row only for its accused party (not a participant, not a
/// party, or the importer's own side): only a file `truce export` wrote
/// names one, in its `truce_accused` column. A refusal for anything else
/// (the member's capability, say) is the whole row's.
fn column_at_fault(rejection: &Rejection, accused: bool) -> Option<&'static str> {
    match rejection {
        Rejection::Rule(
            RuleViolation::AccusesItself
            | RuleViolation::NotAParty {
                field: "the accused",
                ..
            }
            | RuleViolation::NotAParticipant(_),
        ) if accused => Some("truce_accused"),
        _ => None,
    }
}

/// The dataset event a log's leaf was imported from, if it is an imported
/// incident report. Only a leaf that mentions `imported_from` is parsed:
/// the rest cannot hold one, which keeps a scan of a whole log cheap.
pub fn imported_event(leaf: &[u8]) -> Result<Option<DatasetEvent>, RecordError> {
    if !leaf.windows(15).any(|w| w == b"\"imported_from\"") {
        return Ok(None);
    }
    let record = Record::from_json(leaf)?;
    Ok(match record.into_body() {
        Body::IncidentReport(report) => report.imported_from,
        _ => None,
    })
}
