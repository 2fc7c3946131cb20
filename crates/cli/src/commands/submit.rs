use crate::keyfile;
use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use serde::Deserialize;
use std::path::PathBuf;
use std::process::ExitCode;
use truce_core::Rejection;
use truce_core::record::RecordDraft;
use truce_core::sealed::{Opening, SealedPart};
use truce_core::values::{Bounded, MemberId, ParticipantId, Timestamp};
use truce_core::{Body, Hash, Kind, Record};
use truce_ledger::{Ledger, SubmitError};

#[derive(Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    location: super::Location,
    /// The author's private key file (its name is the author's member id).
    #[arg(long)]
    key: PathBuf,
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
    /// The record to sign: {"kind": …, "body": {…}} plus optional "time",
    /// "refs" and "confidential": {"readers": […], "content": {…}}.
    /// A record that is already signed ({"envelope": …, "signatures": […]}) is appended as it is.
    record_file: PathBuf,
}

/// An unsigned record as a person writes it; the CLI fills in the log, the
/// author, the sequence number and (unless given) the time.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordTemplate {
    kind: String,
    body: serde_json::Value,
    #[serde(default)]
    time: Option<Timestamp>,
    #[serde(default)]
    refs: Vec<Hash>,
    #[serde(default)]
    confidential: Option<ConfidentialTemplate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfidentialTemplate {
    #[serde(default)]
    readers: Vec<ParticipantId>,
    content: serde_json::Value,
}

pub fn run(args: SubmitArgs) -> Result<ExitCode> {
    let (dir, store) = args.location.open()?;
    let text = crate::mechanism::read_input(&args.record_file)?;
    let value: serde_json::Value = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not JSON", args.record_file.display()))?;
    let signer = keyfile::read(&args.key, &args.passphrase.source())?;
    let ledger = dir.ledger_on(store)?;
    let (record, opening) = if value.get("envelope").is_some() {
        (Record::from_json(&text)?, None)
    } else {
        let template: RecordTemplate =
            serde_json::from_value(value).context("the record file is not a record template")?;
        sign_template(&ledger, template, &signer)?
    };
    let receipt = ledger.submit(record, opening.as_ref()).map_err(refused)?;
    println!(
        "{}",
        serde_json::json!({"index": receipt.index, "leaf_hash": receipt.leaf_hash})
    );
    Ok(ExitCode::SUCCESS)
}

fn sign_template(
    ledger: &Ledger,
    template: RecordTemplate,
    signer: &truce_tlog::note::NoteSigner,
) -> Result<(Record, Option<Opening>)> {
    let kind = Kind::parse(&template.kind).ok_or_else(|| {
        let known: Vec<&str> = Kind::ALL.iter().map(Kind::as_str).collect();
        anyhow!(
            "unknown kind {:?}; the kinds are: {}",
            template.kind,
            known.join(", ")
        )
    })?;
    if kind == Kind::Charter {
        bail!("a charter opens a new log: use `truce init`");
    }
    let body = Body::parse(kind, &template.body).map_err(|e| anyhow!(e))?;
    let author = MemberId::parse(signer.name()).map_err(|e| anyhow!("the key's name {e}"))?;
    let (log, seq) =
        ledger.with_state(|s| (s.charter().map(|c| c.origin.clone()), s.next_seq(&author)));
    let log = log.context("the log has no charter yet")?;
    let (confidential, opening) = match template.confidential {
        None => (None, None),
        Some(c) => {
            let mut salt = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
            let opening = Opening::new(salt, c.content);
            let sealed = SealedPart {
                digest: opening.digest()?,
                readers: Bounded::new(c.readers)
                    .map_err(|e| anyhow!("confidential readers {e}"))?,
            };
            (Some(sealed), Some(opening))
        }
    };
    let draft = RecordDraft {
        log,
        author,
        seq,
        time: match template.time {
            Some(t) => t,
            None => crate::clock::now()?,
        },
        body,
        confidential,
        extra_refs: template.refs,
    };
    Ok((draft.sign(&[signer])?, opening))
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
