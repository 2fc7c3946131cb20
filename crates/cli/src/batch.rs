//! Appending many signed records at once, answered per record: into a log
//! directly (`--dir`: `Ledger::submit_each`, group-committed) or through a
//! server (`--server`: `POST /api/v1/records:batch`). `truce submit --batch`
//! and `truce import` both go through a [`Target`]; [`submit_batch`] is the
//! HTTP client alone.
//!
//! A target also reads what a submitter needs to sign and to resume: the
//! log's origin, an author's next sequence number, the log's size and the
//! records from an index on.

use anyhow::{Context, Result, anyhow, bail};
use reqwest::blocking::Client;
use truce_core::Record;
use truce_core::Rejection;
use truce_core::sealed::Opening;
use truce_core::values::MemberId;
use truce_ledger::{Ledger, Receipt, SubmitError};
use truce_server::routes::batch::{BatchAnswer, BatchResult, MAX_BODY_BYTES, MAX_RECORDS};

/// What became of one record: its receipt once durable, or why it was refused.
pub type Outcome = std::result::Result<Receipt, String>;

/// Where records are appended.
pub enum Target<'a> {
    /// The log itself, through its ledger (the one append path).
    Ledger(&'a Ledger),
    /// A server's batch endpoint.
    Server(Server),
}

/// A Truce server, by its base URL.
pub struct Server {
    http: Client,
    base: String,
}

impl Server {
    pub fn new(base: &str) -> Result<Self> {
        let http = Client::builder()
            // A batch of a thousand records is made durable well within the
            // server's own limit (30 s by default); wait a little longer.
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .context("cannot start an HTTP client")?;
        Ok(Server {
            http,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    fn get_json(&self, path: &str) -> Result<serde_json::Value> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .get(&url)
            .send()
            .with_context(|| format!("cannot reach {url}"))?;
        let status = response.status();
        let body: serde_json::Value = response
            .json()
            .with_context(|| format!("{url} did not answer JSON"))?;
        if !status.is_success() {
            bail!("{url} answered {status}: {}", detail(&body));
        }
        Ok(body)
    }
}

impl Target<'_> {
    /// The log's origin (the name every record of it carries).
    pub fn origin(&self) -> Result<String> {
        match self {
            Target::Ledger(ledger) => ledger
                .with_state(|s| s.charter().map(|c| c.origin.to_string()))
                .context("the log has no charter yet"),
            Target::Server(server) => server
                .get_json("/api/v1/records/0")?
                .pointer("/record/envelope/log")
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
                .context("the server's record 0 names no log"),
        }
    }

    /// The sequence number `member`'s next record must carry.
    pub fn next_seq(&self, member: &MemberId) -> Result<u64> {
        match self {
            Target::Ledger(ledger) => Ok(ledger.with_state(|s| s.next_seq(member))),
            Target::Server(server) => server
                .get_json(&format!("/api/v1/members/{member}"))?
                .get("next_seq")
                .and_then(serde_json::Value::as_u64)
                .with_context(|| format!("the server names no next sequence number for {member}")),
        }
    }

    /// How many records the log holds.
    pub fn size(&self) -> Result<u64> {
        match self {
            Target::Ledger(ledger) => Ok(ledger.store().size()?),
            Target::Server(server) => server
                .get_json("/api/v1/records?limit=1")?
                .get("size")
                .and_then(serde_json::Value::as_u64)
                .context("the server did not say the log's size"),
        }
    }

    /// Calls `visit` with every record from index `start` to the end of the
    /// log, in order, a page at a time.
    pub fn records_from(&self, start: u64, visit: &mut dyn FnMut(u64, Record)) -> Result<()> {
        const PAGE: u64 = 1000;
        let mut at = start;
        loop {
            let page: Vec<(u64, Record)> = match self {
                Target::Ledger(ledger) => ledger
                    .store()
                    .records(at, at.saturating_add(PAGE))?
                    .into_iter()
                    .map(|s| Ok((s.index, Record::from_json(&s.leaf)?)))
                    .collect::<Result<_>>()?,
                Target::Server(server) => server
                    .get_json(&format!("/api/v1/records?start={at}&limit={PAGE}"))?
                    .get("records")
                    .and_then(serde_json::Value::as_array)
                    .context("the server's record page has no records")?
                    .iter()
                    .map(|v| {
                        let index = v
                            .get("index")
                            .and_then(serde_json::Value::as_u64)
                            .context("a record without its index")?;
                        let record = v.get("record").context("a page entry without its record")?;
                        Ok((index, Record::from_value(record.clone())?))
                    })
                    .collect::<Result<_>>()?,
            };
            let Some(&(last, _)) = page.last() else {
                return Ok(());
            };
            for (index, record) in page {
                visit(index, record);
            }
            at = last + 1;
        }
    }

    /// Appends `records` in order, each admitted or refused on its own; an
    /// outcome per record, in order. `Err` only when the target could not be
    /// asked or did not answer: then some records may have been filed.
    pub fn submit(&self, records: Vec<(Record, Option<Opening>)>) -> Result<Vec<Outcome>> {
        match self {
            Target::Ledger(ledger) => {
                let (records, openings): (Vec<_>, Vec<_>) = records.into_iter().unzip();
                Ok(ledger
                    .submit_each(
                        records
                            .into_iter()
                            .zip(openings.iter().map(Option::as_ref))
                            .collect(),
                    )
                    .into_iter()
                    .map(|r| r.map_err(|e| format!("{:#}", refused(e))))
                    .collect())
            }
            Target::Server(server) => Ok(submit_batch(server, &records)?
                .into_iter()
                .map(|result| match result {
                    BatchResult::Filed(receipt) => Ok(receipt),
                    BatchResult::Refused { problem } => Err(match problem.code {
                        Some(code) => format!("rejected: {} (rule {code})", problem.detail),
                        None if problem.status == 422 => format!("rejected: {}", problem.detail),
                        None => format!("{}: {}", problem.title, problem.detail),
                    }),
                })
                .collect()),
        }
    }
}

/// Sends `records` to `POST /api/v1/records:batch`, as many requests as the
/// endpoint's limits need (at most 1,000 records and 8 MiB each), one after
/// the other, and returns the server's result per record, in order.
pub fn submit_batch(
    server: &Server,
    records: &[(Record, Option<Opening>)],
) -> Result<Vec<BatchResult>> {
    let url = format!("{}/api/v1/records:batch", server.base);
    let mut results = Vec::with_capacity(records.len());
    let mut chunk: Vec<serde_json::Value> = Vec::new();
    let mut bytes = 0;
    // Room for the object around the records.
    let budget = MAX_BODY_BYTES - 1024;
    let send = |chunk: &mut Vec<serde_json::Value>, results: &mut Vec<BatchResult>| {
        if chunk.is_empty() {
            return Ok(());
        }
        let body = serde_json::to_vec(&serde_json::json!({ "records": chunk }))?;
        let response = server
            .http
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .with_context(|| format!("no answer from {url}: some records may be filed"))?;
        let status = response.status();
        if !status.is_success() {
            let problem: serde_json::Value = response.json().unwrap_or_default();
            bail!("{url} refused the batch ({status}): {}", detail(&problem));
        }
        let answer: BatchAnswer = response
            .json()
            .with_context(|| format!("{url} answered something other than a batch's results"))?;
        if answer.results.len() != chunk.len() {
            return Err(anyhow!(
                "{url} answered {} results for {} records",
                answer.results.len(),
                chunk.len()
            ));
        }
        results.extend(answer.results);
        chunk.clear();
        Ok(())
    };
    for (record, opening) in records {
        let leaf: serde_json::Value = serde_json::from_slice(record.leaf())?;
        let value = match opening {
            None => leaf,
            Some(opening) => serde_json::json!({"record": leaf, "opening": opening}),
        };
        let size = serde_json::to_vec(&value)?.len() + 1;
        if chunk.len() == MAX_RECORDS || (bytes + size > budget && !chunk.is_empty()) {
            send(&mut chunk, &mut results)?;
            bytes = 0;
        }
        bytes += size;
        chunk.push(value);
    }
    send(&mut chunk, &mut results)?;
    Ok(results)
}

/// A problem's `detail`, or the whole answer when it has none.
fn detail(answer: &serde_json::Value) -> String {
    match answer.get("detail").and_then(serde_json::Value::as_str) {
        Some(detail) => detail.to_string(),
        None => answer.to_string(),
    }
}

/// A refused submission, as the CLI reports it (see [`rejected`]).
pub(crate) fn refused(e: SubmitError) -> anyhow::Error {
    match e {
        SubmitError::Rejected(rejection) => rejected(rejection),
        other => other.into(),
    }
}

/// A record the log refuses: a broken rule of the record's kind ends with
/// its stable code, `(rule <code>)`, the `code` the API gives it too, so a
/// script tells the rules apart without reading the sentence.
pub(crate) fn rejected(rejection: Rejection) -> anyhow::Error {
    match &rejection {
        Rejection::Rule(violation) => anyhow!("rejected: {violation} (rule {})", violation.code()),
        _ => anyhow!("rejected: {rejection}"),
    }
}
