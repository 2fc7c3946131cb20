use crate::keyfile;
use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use truce_tlog::note::NoteSigner;

#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the private key (created readable by you only).
    #[arg(long)]
    out: PathBuf,
    /// The key's name: the member id it is for (lowercase, e.g. "pk-liaison").
    /// Defaults to the file name without extension.
    #[arg(long)]
    name: Option<String>,
    /// With --passphrase-file or --passphrase-env, the key is written sealed
    /// under that passphrase (truce-encrypted-key-v1: scrypt and AES-256-GCM).
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
}

pub fn run(args: KeygenArgs) -> Result<ExitCode> {
    let name = match args.name {
        Some(n) => n,
        None => args
            .out
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
            .context("give the key a name with --name")?,
    };
    truce_core::values::MemberId::parse(&name)
        .map_err(|e| anyhow::anyhow!("key name {e}; it must be usable as a member id"))?;
    let signer = NoteSigner::generate(&name, &mut rand::rngs::OsRng)?;
    match args.passphrase.given() {
        Some(source) => keyfile::write_encrypted(&args.out, &signer, &source)?,
        None => keyfile::write(&args.out, &signer)?,
    }
    println!("{}", signer.verifier().vkey());
    Ok(ExitCode::SUCCESS)
}
