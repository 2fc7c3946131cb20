use crate::keyfile;
use crate::mechanism::MechanismDir;
use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use truce_core::record::RecordDraft;
use truce_core::values::{Label, MemberId};
use truce_core::{Body, Kind, LogState, Record};
use truce_ledger::Ledger;
use truce_store::Store;
use truce_tlog::note::NoteSigner;

#[derive(Args)]
pub struct InitArgs {
    /// The new mechanism's directory (must not exist, or be empty).
    #[arg(long, required_unless_present = "example_charter")]
    dir: Option<PathBuf>,
    /// The charter: a charter body (see `--example-charter`) to sign with --key,
    /// or an already signed charter record.
    #[arg(long, required_unless_present = "example_charter")]
    charter: Option<PathBuf>,
    /// Key files to sign the charter with: the author first, then one member
    /// of every other founding participant.
    #[arg(long = "key")]
    keys: Vec<PathBuf>,
    /// The log's private checkpoint key; generated (and named after the
    /// charter's origin) when not given.
    #[arg(long)]
    log_key: Option<PathBuf>,
    /// One passphrase opens every encrypted key file given.
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
    /// Keep the log in this PostgreSQL database (which must be empty) rather
    /// than in the directory's SQLite file.
    #[arg(long)]
    database: Option<String>,
    /// Print an example charter and exit.
    #[arg(long)]
    example_charter: bool,
    /// With --example-charter: also write the example members' and the log's
    /// private keys into this directory, so the example can be used as it is.
    #[arg(long, requires = "example_charter")]
    keys_out: Option<PathBuf>,
}

pub fn run(args: InitArgs) -> Result<ExitCode> {
    if args.example_charter {
        return example(args.keys_out);
    }
    let (Some(dir), Some(charter_path)) = (args.dir, args.charter) else {
        bail!("give --dir and --charter");
    };
    let text = crate::mechanism::read_input(&charter_path)?;
    let mut value: serde_json::Value = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not JSON", charter_path.display()))?;

    let passphrase = args.passphrase.source();
    let (record, log_signer) = if value.get("envelope").is_some() {
        let path = args.log_key.context(
            "a signed charter names its log key: pass the log's private key with --log-key",
        )?;
        (
            Record::from_json(&text)?,
            keyfile::read(&path, &passphrase)?,
        )
    } else {
        let origin = value
            .get("origin")
            .and_then(serde_json::Value::as_str)
            .context("the charter has no \"origin\"")?
            .to_string();
        let log_signer = match &args.log_key {
            Some(path) => keyfile::read(path, &passphrase)?,
            None => NoteSigner::generate(&origin, &mut rand::rngs::OsRng)?,
        };
        match value.get("log_key").and_then(serde_json::Value::as_str) {
            None => {
                value
                    .as_object_mut()
                    .context("the charter must be a JSON object")?
                    .insert(
                        "log_key".into(),
                        serde_json::Value::String(log_signer.verifier().vkey()),
                    );
            }
            Some(named) if named == log_signer.verifier().vkey() => {}
            Some(named) => bail!(
                "the charter names log key {named}; pass its private key with --log-key (or remove \"log_key\" to have one generated)"
            ),
        }
        let body = Body::parse(Kind::Charter, &value).map_err(|e| anyhow!(e))?;
        if args.keys.is_empty() {
            bail!(
                "sign the charter: pass --key for its author and for one member of every other founding participant"
            );
        }
        let signers = args
            .keys
            .iter()
            .map(|k| keyfile::read(k, &passphrase))
            .collect::<Result<Vec<_>>>()?;
        let first = signers.first().context("pass at least one --key")?;
        let author =
            MemberId::parse(first.name()).map_err(|e| anyhow!("the first key's name {e}"))?;
        let draft = RecordDraft {
            log: Label::parse(origin).map_err(|e| anyhow!("origin {e}"))?,
            author,
            seq: 1,
            time: crate::clock::now()?,
            body,
            confidential: None,
            extra_refs: vec![],
        };
        let refs: Vec<&NoteSigner> = signers.iter().collect();
        (draft.sign(&refs)?, log_signer)
    };

    // Check everything before anything touches the disk: a refused charter leaves no trace.
    LogState::new()
        .admit(&record)
        .map_err(super::submit::rejected)?;
    let dir = MechanismDir::create(&dir)?;
    keyfile::write(&dir.log_key_path(), &log_signer)?;
    let store: Arc<dyn Store> = dir.new_store(args.database.as_deref())?;
    let ledger = Ledger::open(store, log_signer.clone())?;
    let receipt = ledger
        .submit(record, None)
        .map_err(super::submit::refused)?;
    println!(
        "created the mechanism {} in {}",
        log_signer.name(),
        dir.root().display()
    );
    println!("log key:  {}", log_signer.verifier().vkey());
    println!("charter:  record {} ({})", receipt.index, receipt.leaf_hash);
    Ok(ExitCode::SUCCESS)
}

fn example(keys_out: Option<PathBuf>) -> Result<ExitCode> {
    let origin = "truce.example/my-mechanism";
    let mut rng = rand::rngs::OsRng;
    let members = [
        (
            "party-a",
            "Party A",
            "party",
            "a-head",
            "Head of delegation, Party A",
            "[\"sign\", \"admin\"]",
        ),
        (
            "party-a",
            "Party A",
            "party",
            "a-liaison",
            "Liaison officer, Party A",
            "[\"report\", \"respond\"]",
        ),
        (
            "party-b",
            "Party B",
            "party",
            "b-head",
            "Head of delegation, Party B",
            "[\"sign\", \"admin\"]",
        ),
        (
            "party-b",
            "Party B",
            "party",
            "b-liaison",
            "Liaison officer, Party B",
            "[\"report\", \"respond\"]",
        ),
        (
            "mediator-c",
            "Mediator C",
            "mediator",
            "c-mediator",
            "Mediator, C",
            "[\"find\", \"sign\", \"admin\"]",
        ),
    ];
    let log = NoteSigner::generate(origin, &mut rng)?;
    let mut keyed = Vec::new();
    for m in members {
        keyed.push((m, NoteSigner::generate(m.3, &mut rng)?));
    }
    // One witness per participant; every one must cosign a checkpoint.
    let mut witnesses = Vec::new();
    for p in ["party-a", "party-b", "mediator-c"] {
        witnesses.push((p, NoteSigner::generate(&format!("{p}.witness"), &mut rng)?));
    }
    let mut policy = String::new();
    for (p, w) in &witnesses {
        policy.push_str(&format!(
            "witness {p} {}\n",
            truce_tlog::Cosigner::from_note_signer(w).verifier().vkey()
        ));
    }
    policy.push_str("group everyone all party-a party-b mediator-c\nquorum everyone\n");
    if let Some(dir) = &keys_out {
        std::fs::create_dir_all(dir)?;
        keyfile::write(&dir.join("log.key"), &log)?;
        for ((_, _, _, id, ..), signer) in &keyed {
            keyfile::write(&dir.join(format!("{id}.key")), signer)?;
        }
        for (p, w) in &witnesses {
            keyfile::write(&dir.join(format!("witness-{p}.key")), w)?;
        }
    }
    let mut participants: Vec<serde_json::Value> = Vec::new();
    for ((pid, pname, role, id, name, caps), signer) in &keyed {
        let member = serde_json::json!({
            "id": id, "name": name, "key": signer.verifier().vkey(),
            "capabilities": serde_json::from_str::<serde_json::Value>(caps)?,
        });
        match participants
            .iter_mut()
            .find(|p| p.get("id").is_some_and(|id| id == *pid))
        {
            Some(p) => {
                if let Some(list) = p.get_mut("members").and_then(|m| m.as_array_mut()) {
                    list.push(member);
                }
            }
            None => participants.push(
                serde_json::json!({"id": pid, "name": pname, "role": role, "members": [member]}),
            ),
        }
    }
    let charter = serde_json::json!({
        "title": "Example ceasefire verification mechanism",
        "origin": origin,
        "log_key": log.verifier().vkey(),
        "effective": crate::clock::now()?.to_string(),
        "participants": participants,
        "deadlines": {"incident_response_hours": 72, "channel_ack_hours": 24},
        "finding_threshold": "all",
        "witness_policy": policy,
        "consequences": [
            {"level": 1, "name": "Formal notice", "description": "The mediators notify the violating party in writing."},
            {"level": 2, "name": "Public report", "description": "The mediators publish the verified violation."},
            {"level": 3, "name": "Measures", "description": "Measures decided by the guarantors."}
        ]
    });
    println!("{}", serde_json::to_string_pretty(&charter)?);
    match keys_out {
        Some(dir) => eprintln!(
            "keys written to {}; create the mechanism with:\n  truce init --dir DIR --charter CHARTER.json --log-key {0}/log.key --key {0}/a-head.key --key {0}/b-head.key --key {0}/c-mediator.key",
            dir.display()
        ),
        None => eprintln!(
            "the member keys above are fresh public keys whose private halves were not kept: replace each with the output of `truce keygen --out FILE --name ID` (or run with --keys-out DIR)"
        ),
    }
    Ok(ExitCode::SUCCESS)
}
