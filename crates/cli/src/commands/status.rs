use anyhow::{Result, anyhow};
use clap::Args;
use std::process::ExitCode;
use truce_core::derive::{LogView, Logged, case, channel, compliance, draft};
use truce_core::values::Timestamp;
use truce_core::{Body, Record};
use truce_store::Store;

#[derive(Args)]
pub struct StatusArgs {
    #[command(flatten)]
    location: super::Location,
    /// The moment to derive the state at (RFC 3339 UTC); default now.
    #[arg(long)]
    at: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn load(store: &dyn Store) -> Result<Vec<Logged>> {
    let size = store.size()?;
    let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    let mut start = 0;
    while start < size {
        let end = (start + 5_000).min(size);
        for s in store.records(start, end)? {
            out.push(Logged {
                index: s.index,
                record: Record::from_json(&s.leaf)?,
            });
        }
        start = end;
    }
    Ok(out)
}

pub fn run(args: StatusArgs) -> Result<ExitCode> {
    let (_, store) = args.location.open()?;
    let now = match &args.at {
        Some(t) => Timestamp::parse(t).map_err(|e| anyhow!(e))?,
        None => crate::clock::now()?,
    };
    let records = load(store.as_ref())?;
    let view = LogView::new(&records);
    let cases = case::all_cases(&view, now);
    let drafts = draft::all_drafts(&view);
    let commitments = compliance::commitments(&view);
    let awaiting = compliance::awaiting_decision(&view);
    let messages = channel::messages(&view, now);
    if args.json {
        let out = serde_json::json!({
            "at": now, "records": records.len(), "cases": cases, "drafts": drafts,
            "commitments": commitments, "awaiting_decision": awaiting, "messages": messages,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let title = view
        .charter
        .map_or("(no charter)".to_string(), |c| c.title.to_string());
    println!("{title} — {} records, as of {now}", records.len());
    println!("\nIncident cases ({})", cases.len());
    for c in &cases {
        let Some(Body::IncidentReport(r)) = view.get(&c.incident).map(|l| l.record.body()) else {
            continue;
        };
        let who = format!(
            "{} → {}",
            c.reporter.as_ref().map_or("?", |p| p.as_str()),
            c.accused.as_ref().map_or("no party named", |p| p.as_str())
        );
        println!(
            "  #{:<4} {:<26} {:<28} {:?}  {}",
            c.index, r.incident_type, who, c.stage, r.title
        );
    }
    println!("\nDrafts ({})", drafts.len());
    for d in &drafts {
        let latest = d.latest();
        println!(
            "  {} — {} versions, {} withdrawals, closest {:.0}% agreed, {}",
            d.title,
            d.versions.len(),
            d.withdrawals.len(),
            f64::from(d.closest_per_mille) / 10.0,
            if d.in_force().is_some() {
                "IN FORCE".to_string()
            } else {
                format!(
                    "not in force (latest version signed by {})",
                    latest.map_or(0, |v| v.signatures.len())
                )
            }
        );
    }
    println!("\nCommitments ({})", commitments.len());
    for c in &commitments {
        println!(
            "  {:<12} {} — {} verified violation(s)",
            c.party.as_ref().map_or("?", |p| p.as_str()),
            c.title,
            c.violations.len()
        );
    }
    println!(
        "\nVerified violations awaiting a decision: {}",
        awaiting.len()
    );
    let flagged: Vec<_> = messages.iter().filter(|m| m.flagged()).collect();
    println!(
        "Channel: {} messages, {} urgent and unacknowledged past deadline",
        messages.len(),
        flagged.len()
    );
    for m in flagged {
        println!("  #{} {} (deadline {})", m.index, m.subject, m.ack_deadline);
    }
    Ok(ExitCode::SUCCESS)
}
