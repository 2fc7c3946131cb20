//! `POST /api/v1/import/preview`: an ACLED- or UCDP GED-format CSV file
//! read and checked for the web UI's import page, which then signs the
//! reports in the browser with the member's own key and files them through
//! `POST /api/v1/records:batch`. The server signs nothing.
//!
//! The checks are `truce import`'s, from the same code (truce-import's
//! `parse` and `check`): so the page and the CLI agree on which rows the log
//! would take, which it would refuse and why, and which are in it already.

use crate::auth::Caller;
use crate::error::{ApiError, Detail, blocking, core_facts, detail};
use crate::extract::Query;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use truce_core::kinds::common::Capability;
use truce_core::kinds::incident::{Dataset, DatasetEvent};
use truce_core::record::{RecordDraft, RecordError, RecordSignature, SignedRecord};
use truce_core::values::Bounded;
use truce_core::{Record, Rejection};
use truce_import::{Format, Imported};

/// The largest file the preview reads.
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// Previews run one at a time: each holds a blocking thread while it reads
/// a file and the log's imported events.
static RUNNING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// The file's layout.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    /// ACLED's columns (or a file `truce export` wrote in them).
    Acled,
    /// UCDP GED's columns (or a file `truce export` wrote in them).
    Ucdp,
}

impl From<ImportFormat> for Format {
    fn from(f: ImportFormat) -> Format {
        match f {
            ImportFormat::Acled => Format::Acled,
            ImportFormat::Ucdp => Format::Ucdp,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PreviewParams {
    /// The file's layout.
    #[param(inline)]
    format: ImportFormat,
}

/// What the file would give the log.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportPreview {
    /// The reports the log would take, in file order, as bodies of
    /// `incident.report` records ready to sign at consecutive sequence
    /// numbers.
    pub reports: Vec<PreviewReport>,
    /// Rows refused, by the reader (with the column at fault when one is) or
    /// by the log's rules, in line order.
    pub rejected: Vec<RejectedRow>,
    /// Rows whose dataset event the log holds already: importing them again
    /// would add nothing.
    pub present: Vec<PresentRow>,
}

/// One report ready to sign.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct PreviewReport {
    /// The line (from 1, the header's) its row starts on.
    pub line: u64,
    /// The `incident.report` body, exactly as it is to be signed.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
}

/// A row that would not become a record.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct RejectedRow {
    pub line: u64,
    /// The column at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub reason: String,
    /// The rule the report would break, when that is why (a `RuleCode`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A row whose event the log already holds.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct PresentRow {
    pub line: u64,
    pub dataset: Dataset,
    pub event_id: String,
}

/// Read an ACLED or UCDP GED CSV file and check its reports, signing nothing.
///
/// The answer lists the `incident.report` bodies the log would take from
/// the file, in order, for the caller to sign as the signed-in member (at
/// consecutive sequence numbers from the member's next) and file through
/// `POST /api/v1/records:batch`; the rows refused, each with its line, the
/// column at fault when one is, and why; and the rows whose dataset event
/// (ACLED's `event_id_cnty`, GED's `id`) the log holds already. The checks
/// are `truce import`'s. Only a member with the `report` capability may
/// preview; the file is at most 16 MiB (UTF-8, with or without a byte
/// order mark).
#[utoipa::path(post, path = "/api/v1/import/preview", tag = "records", params(PreviewParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, at most 16 MiB"),
    security(("bearer" = [])),
    responses((status = 200, description = "What the file would give the log", body = ImportPreview),
        (status = 400, description = "Not a file of this format (no header, a required column missing, unreadable)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The member may not report", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 16 MiB", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<PreviewParams>,
    request: Request,
) -> Result<Json<ImportPreview>, ApiError> {
    // Why a row is refused, in the reader's language, as problems are.
    let lang = crate::languages::of_request(request.headers());
    let session = caller.require()?.clone();
    state.caught_up().await?;
    let may_report = state.ledger()?.with_state(|s| {
        s.member(&session.member)
            .is_some_and(|m| !m.revoked && m.can(Capability::Report))
    });
    if !may_report {
        return Err(ApiError::Forbidden(detail!(
            "import.capability",
            member = session.member
        )));
    }
    let bytes = Bytes::from_request(request, &state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(detail!("import.too_large", mib = MAX_FILE_BYTES >> 20))
        } else {
            ApiError::BadRequest(detail!("import.unreadable", cause = e.body_text()))
        }
    })?;
    let _running = RUNNING
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable(detail!("server.stopping")))?;
    let format = Format::from(params.format);
    blocking(move || {
        let parsed = truce_import::parse(format, bytes.as_ref()).map_err(|e| {
            ApiError::BadRequest(detail!(
                "import.not_format",
                format = format.name(),
                cause = e
            ))
        })?;
        // The file's events the log holds already, from the query index:
        // looked up before the check, so the index's lock is not held
        // while the file's reports are checked.
        // Far behind (just started over a big log), the index answers 503
        // with its progress, as every derived view does.
        state.index.catch_up()?;
        let present: HashSet<DatasetEvent> = {
            let index = state.index.read()?;
            parsed
                .reports
                .iter()
                .filter_map(Imported::event)
                .filter(|e| index.is_imported(e))
                .cloned()
                .collect()
        };
        let mut log = state.ledger()?.with_state(Clone::clone);
        let checked = truce_import::check(
            &mut log,
            &session.member,
            state.clock.now(),
            parsed.reports,
            |e| present.contains(e),
            |draft| unsigned(draft, session.key_id),
        )
        .map_err(|e| ApiError::Forbidden(import_refusal(&e)))?;
        let mut rejected: Vec<RejectedRow> = parsed
            .rejected
            .into_iter()
            .map(|r| RejectedRow {
                line: r.line,
                column: r.column,
                reason: reason(&r.reason).render(lang),
                code: None,
            })
            .chain(
                checked
                    .refused
                    .into_iter()
                    .map(|(line, column, rejection)| {
                        let code = match &rejection {
                            Rejection::Rule(violation) => Some(violation.code().to_string()),
                            _ => None,
                        };
                        RejectedRow {
                            line,
                            column: column.map(str::to_owned),
                            reason: core_facts::rejection(&rejection).render(lang),
                            code,
                        }
                    }),
            )
            .collect();
        rejected.sort_by_key(|r| r.line);
        Ok(Json(ImportPreview {
            reports: checked
                .admitted
                .into_iter()
                .map(|(line, record)| PreviewReport {
                    line,
                    body: record.signed().envelope.body.clone(),
                })
                .collect(),
            rejected,
            present: checked
                .present
                .into_iter()
                .map(|(line, event)| PresentRow {
                    line,
                    dataset: event.dataset,
                    event_id: event.event_id.to_string(),
                })
                .collect(),
        }))
    })
    .await
}

/// The draft as a record with a placeholder signature in the name of the
/// member's key: admission is checked trusting signatures, and the browser
/// signs the body for real.
fn unsigned(draft: &RecordDraft, key_id: u32) -> Result<Record, RecordError> {
    let signature = RecordSignature {
        member: draft.author.clone(),
        key: format!("{key_id:08x}"),
        sig: STANDARD.encode([0u8; 64]),
    };
    Record::from_signed(SignedRecord {
        envelope: draft.envelope()?,
        signatures: Bounded::new(vec![signature]).map_err(RecordError::Invalid)?,
    })
}

/// Why the import's check refused the whole file, as a problem's detail.
fn import_refusal(e: &truce_import::CheckError) -> Detail {
    use truce_import::CheckError;
    match e {
        CheckError::NoCharter => detail!("log.no_charter"),
        CheckError::NotAMember(member) => detail!("auth.not_a_member", member),
        CheckError::Seal { line, error } => {
            detail!("import.seal", line).nested("reason", core_facts::record(error))
        }
    }
}

/// Why a row of the file gives no report, as a detail.
fn reason(r: &truce_import::Reason) -> Detail {
    use truce_import::Reason as R;
    let d = |key: &'static str| Detail::new(key).or_else(r.to_string());
    let quoted = |value: &str| format!("{value:?}");
    match r {
        R::FieldCount { found, expected } => d("import.row.field_count")
            .with("found", found)
            .with("expected", expected),
        R::NotUtf8 => d("import.row.not_utf8"),
        R::Missing => d("import.row.missing"),
        R::Date { value } => d("import.row.date").with("value", quoted(value)),
        R::Count { value } => d("import.row.count").with("value", quoted(value)),
        R::Degrees { value } => d("import.row.degrees").with("value", quoted(value)),
        R::OffTheGlobe { value, why } => d("import.row.off_the_globe")
            .with("value", quoted(value))
            .with("cause", why),
        R::Code { value, allowed } => d("import.row.code")
            .with("value", quoted(value))
            .with("allowed", allowed),
        R::Text(e) => core_facts::text(e),
        R::LeafHash { value } => d("import.row.leaf_hash").with("value", quoted(value)),
        R::IncidentType { value } => d("import.row.incident_type").with("value", quoted(value)),
        R::Participant { value, why } => d("import.row.participant")
            .with("value", quoted(value))
            .with("cause", why),
        R::TooManyPlaces(rows) => d("import.row.too_many_places").with("rows", rows),
        R::TooManySources(n) => d("import.row.too_many_sources").with("sources", n),
        R::FatalitiesDisagree {
            fatalities,
            military,
            civilian,
        } => d("import.row.fatalities")
            .with("fatalities", fatalities)
            .with("military", military)
            .with("civilian", civilian),
        R::Estimates(cause) => d("import.row.estimates").with("cause", cause),
        R::Repeated { first_line } => d("import.row.repeated").with("first_line", first_line),
        R::Invalid(invalid) => {
            d("import.row.invalid").nested("cause", core_facts::invalid(invalid))
        }
    }
}
