use crate::keyfile;
use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use serde::Deserialize;
use std::path::PathBuf;
use std::process::ExitCode;
use truce_core::Rejection;
use truce_core::record::RecordDraft;
use truce_core::sealed::{Opening, SealedPart};
use truce_core::values::{Bounded, Label, MemberId, ParticipantId, Timestamp};
use truce_core::{Body, Hash, Kind, Record};
use truce_ledger::{Ledger, SubmitError};

mod batch;

#[derive(Args)]
pub struct SubmitArgs {
    /// The mechanism's directory.
    #[arg(long, required_unless_present = "server", conflicts_with = "server")]
    dir: Option<PathBuf>,
    /// The log is in this PostgreSQL database, not the directory's SQLite file.
    #[arg(long, value_name = "URL", requires = "dir")]
    database: Option<String>,
    /// With --batch: append through this server (POST /api/v1/records:batch)
    /// instead of into a directory's log.
    #[arg(long, value_name = "URL", requires = "batch")]
    server: Option<String>,
    /// The author's private key file (its name is the author's member id).
    #[arg(long)]
    key: PathBuf,
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
    /// Sign and append every line of this JSON Lines file, in order: each a
    /// record as RECORD_FILE takes it. Run again after an interruption, it
    /// appends only the lines not yet in the log (see `truce submit --help`).
    #[arg(long, value_name = "FILE.jsonl", conflicts_with = "record_file")]
    batch: Option<PathBuf>,
    /// The record to sign: {"kind": …, "body": {…}} plus optional "time",
    /// "refs" and "confidential": {"readers": […], "content": {…}}.
    /// A record that is already signed ({"envelope": …, "signatures": […]}) is appended as it is.
    #[arg(required_unless_present = "batch")]
    record_file: Option<PathBuf>,
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
    let signer = keyfile::read(&args.key, &args.passphrase.source())?;
    let open = || -> Result<Ledger> {
        let dir = args.dir.clone().context("--dir is needed")?;
        let (dir, store) = super::Location {
            dir,
            database: args.database.clone(),
        }
        .open()?;
        dir.ledger_on(store)
    };
    if let Some(file) = &args.batch {
        return match &args.server {
            Some(url) => batch::run(
                &crate::batch::Target::Server(crate::batch::Server::new(url)?),
                file,
                &signer,
            ),
            None => batch::run(&crate::batch::Target::Ledger(&open()?), file, &signer),
        };
    }
    let record_file = args.record_file.as_ref().context("name a record file")?;
    let text = crate::mechanism::read_input(record_file)?;
    let value: serde_json::Value = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not JSON", record_file.display()))?;
    let ledger = open()?;
    let (record, opening) = if value.get("envelope").is_some() {
        (Record::from_json(&text)?, None)
    } else {
        let template = Template::parse(value)?;
        let author = MemberId::parse(signer.name()).map_err(|e| anyhow!("the key's name {e}"))?;
        let (log, seq) =
            ledger.with_state(|s| (s.charter().map(|c| c.origin.clone()), s.next_seq(&author)));
        let log = log.context("the log has no charter yet")?;
        let mut salt = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
        template.sign(log, seq, salt, &signer)?
    };
    let receipt = ledger.submit(record, opening.as_ref()).map_err(refused)?;
    println!(
        "{}",
        serde_json::json!({"index": receipt.index, "leaf_hash": receipt.leaf_hash})
    );
    Ok(ExitCode::SUCCESS)
}

/// A record template, checked: all of a record but the log, the author's
/// sequence number and (unless it gives one) the time, which signing adds.
#[derive(Clone)]
struct Template {
    body: Body,
    time: Option<Timestamp>,
    refs: Vec<Hash>,
    confidential: Option<(Vec<ParticipantId>, serde_json::Value)>,
}

impl Template {
    fn parse(value: serde_json::Value) -> Result<Self> {
        let template: RecordTemplate =
            serde_json::from_value(value).context("not a record template")?;
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
        Ok(Template {
            body,
            time: template.time,
            refs: template.refs,
            confidential: template.confidential.map(|c| (c.readers, c.content)),
        })
    }

    /// Signs the record as `signer`'s with sequence number `seq`, dated
    /// now unless the template gives a time; `salt` seals its confidential
    /// part, if it has one.
    fn sign(
        &self,
        log: Label,
        seq: u64,
        salt: [u8; 32],
        signer: &truce_tlog::note::NoteSigner,
    ) -> Result<(Record, Option<Opening>)> {
        let author = MemberId::parse(signer.name()).map_err(|e| anyhow!("the key's name {e}"))?;
        let time = match self.time {
            Some(t) => t,
            None => crate::clock::now()?,
        };
        let (draft, opening) = self.draft(log, author, seq, time, salt)?;
        Ok((draft.sign(&[signer])?, opening))
    }

    /// The record to sign, and the opening of its confidential part.
    fn draft(
        &self,
        log: Label,
        author: MemberId,
        seq: u64,
        time: Timestamp,
        salt: [u8; 32],
    ) -> Result<(RecordDraft, Option<Opening>)> {
        let (confidential, opening) = match &self.confidential {
            None => (None, None),
            Some((readers, content)) => {
                let opening = Opening::new(salt, content.clone());
                let sealed = SealedPart {
                    digest: opening.digest()?,
                    readers: Bounded::new(readers.clone())
                        .map_err(|e| anyhow!("confidential readers {e}"))?,
                };
                (Some(sealed), Some(opening))
            }
        };
        let draft = RecordDraft {
            log,
            author,
            seq,
            time,
            body: self.body.clone(),
            confidential,
            extra_refs: self.refs.clone(),
        };
        Ok((draft, opening))
    }
}

/// A refused submission, as the CLI reports it (see [`rejected`]).
pub(crate) fn refused(e: SubmitError) -> anyhow::Error {
    crate::batch::refused(e)
}

/// A record the log refuses, ending with its rule's code when a rule of its
/// kind is broken (see `crate::batch::rejected`).
pub(crate) fn rejected(rejection: Rejection) -> anyhow::Error {
    crate::batch::rejected(rejection)
}
