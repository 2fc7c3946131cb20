use super::Location;
use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use truce_core::Body;
use truce_core::derive::case::CaseStage;
use truce_core::values::{ParticipantId, Timestamp};
use truce_export::{Format, Incident, Party};
use truce_index::{BoundingBox, IncidentQuery, Index, MAX_LIMIT};
use truce_store::Store;

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    location: Location,
    /// `log`: every record, with its exact leaf bytes. `acled`, `ucdp`:
    /// incident reports as ACLED- or UCDP GED-compatible CSV; `geojson`: as
    /// an RFC 7946 FeatureCollection; `jsonl`: one incident per line. Every
    /// incident row carries its report's log index and leaf hash.
    #[arg(long, default_value = "log", value_parser = ["log", "acled", "ucdp", "geojson", "jsonl"])]
    format: String,
    /// The record as of this moment (RFC 3339 UTC), as the API's `?at=`: only
    /// records claimed no later count (the charter always does), and each
    /// case's status is worked out then. Default: every record, now.
    #[arg(long)]
    at: Option<String>,
    /// Only incidents of these types (comma-separated, e.g. drone_strike,airstrike).
    #[arg(long = "type", value_name = "TYPES")]
    types: Option<String>,
    /// Only incidents this participant reported.
    #[arg(long)]
    reporter: Option<String>,
    /// Only incidents in which the reporter holds this participant responsible.
    #[arg(long)]
    accused: Option<String>,
    /// Only events at or after this time (RFC 3339 UTC).
    #[arg(long)]
    from: Option<String>,
    /// Only events at or before this time (RFC 3339 UTC).
    #[arg(long)]
    to: Option<String>,
    /// Only incidents with a place in this box: south,west,north,east in
    /// degrees (a west edge east of the east edge crosses the antimeridian).
    #[arg(long, value_name = "S,W,N,E", allow_hyphen_values = true)]
    bbox: Option<String>,
    /// Only incidents this participant reported or is accused in.
    #[arg(long)]
    party: Option<String>,
    /// Only cases at these stages (comma-separated: reported, answered,
    /// unanswered_past_deadline, under_investigation, finding_pending, found),
    /// worked out at `--at` (or now).
    #[arg(long, value_name = "STAGES")]
    status: Option<String>,
    /// Only incidents whose title, a place name, the actor or the start of
    /// the narrative holds this text (any case), as the list's `q`.
    #[arg(long = "q", value_name = "TEXT")]
    text: Option<String>,
}

pub fn run(args: &ExportArgs) -> Result<ExitCode> {
    let (_, store) = args.location.open()?;
    match Format::parse(&args.format) {
        None => log(store.as_ref()),
        Some(format) => incidents(args, store.as_ref(), format),
    }
}

/// One line per record: the index, the exact leaf bytes (base64) from which
/// anyone can recompute the tree, and the record as JSON for reading.
fn log(store: &dyn Store) -> Result<ExitCode> {
    let size = store.size()?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut start = 0;
    while start < size {
        let end = (start + 5_000).min(size);
        for r in store.records(start, end)? {
            let record: serde_json::Value = serde_json::from_slice(&r.leaf)?;
            let line = serde_json::json!({
                "index": r.index,
                "leaf": STANDARD.encode(&r.leaf),
                "record": record,
            });
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
        }
        start = end;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn participant(id: &Option<String>, what: &str) -> Result<Option<ParticipantId>> {
    id.as_deref()
        .map(|p| ParticipantId::parse(p).map_err(|e| anyhow!("--{what} {p:?}: {e}")))
        .transpose()
}

fn time(t: &Option<String>, what: &str) -> Result<Option<Timestamp>> {
    t.as_deref()
        .map(|t| Timestamp::parse(t).map_err(|e| anyhow!("--{what} {t:?}: {e}")))
        .transpose()
}

/// The incidents list's filters, read as the API reads its query (the same
/// names, lists comma-separated, the same refusals).
fn query(args: &ExportArgs) -> Result<IncidentQuery> {
    let mut types = Vec::new();
    for t in args.types.iter().flat_map(|t| t.split(',')) {
        match serde_json::from_value(serde_json::Value::String(t.to_owned())) {
            Ok(t) => types.push(t),
            Err(_) => bail!("--type {t:?} is not an incident type"),
        }
    }
    let mut status = Vec::new();
    for s in args.status.iter().flat_map(|s| s.split(',')) {
        status.push(
            CaseStage::parse(s).ok_or_else(|| anyhow!("--status {s:?} is not a case status"))?,
        );
    }
    let bbox = args
        .bbox
        .as_deref()
        .map(|b| BoundingBox::parse_degrees(b).map_err(|e| anyhow!("--bbox {b:?}: {e}")))
        .transpose()?;
    Ok(IncidentQuery {
        from: time(&args.from, "from")?,
        to: time(&args.to, "to")?,
        bbox,
        types,
        party: participant(&args.party, "party")?,
        reporter: participant(&args.reporter, "reporter")?,
        accused: participant(&args.accused, "accused")?,
        status,
        text: args.text.clone().filter(|q| !q.trim().is_empty()),
        limit: MAX_LIMIT,
        ..IncidentQuery::default()
    })
}

/// The incident reports the filters select, with the status the query index
/// gives each at `--at` (the same index and rules the server answers from).
fn incidents(args: &ExportArgs, store: &dyn Store, format: Format) -> Result<ExitCode> {
    let at = time(&args.at, "at")?;
    // The filters are checked before the log is read.
    let mut query = query(args)?;
    let now = match at {
        Some(at) => at,
        None => crate::clock::now()?,
    };
    let records = super::status::load(store)?;
    let mut index = Index::new();
    for l in &records {
        // As the server's `?at=`: later records keep their places only.
        let counted = l.index == 0 || at.is_none_or(|at| l.record.time() <= at);
        if counted {
            index.add(l.index, &l.record)
        } else {
            index.skip(l.index, l.record.kind())
        }
        .with_context(|| format!("indexing record {}", l.index))?;
    }
    let mut names = BTreeMap::new();
    if let Some(Body::Charter(charter)) = records.first().map(|l| l.record.body()) {
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
    let mut selected = Vec::new();
    loop {
        let page = index.incidents(&query, now)?;
        selected.extend(page.items);
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    let mut rows = Vec::with_capacity(selected.len());
    for s in &selected {
        let logged = usize::try_from(s.index)
            .ok()
            .and_then(|i| records.get(i))
            .ok_or_else(|| anyhow!("the index names record {}, beyond the log", s.index))?;
        let Body::IncidentReport(report) = logged.record.body() else {
            bail!("record {} is not an incident report", s.index);
        };
        rows.push(Incident {
            index: s.index,
            leaf_hash: s.hash.to_hex(),
            reported_at: logged.record.time(),
            report,
            reporter: party(s.reporter.as_ref()),
            accused: party(s.accused.as_ref()),
            status: serde_json::to_value(s.stage)?
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            illustrative: s.illustrative,
        });
    }
    let stdout = std::io::stdout();
    let out = BufWriter::new(stdout.lock());
    truce_export::write(format, &rows, &|i| format!("#/incidents/{i}"), out)?;
    Ok(ExitCode::SUCCESS)
}
