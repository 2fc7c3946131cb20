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
    /// A witness key: print its c2sp.org/tlog-cosignature verifier key (type
    /// 0x04), the form a witness policy names it by. Its name is free (e.g.
    /// "witness.pk.example"), not a member id.
    #[arg(long)]
    witness: bool,
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
    if !args.witness {
        truce_core::values::MemberId::parse(&name)
            .map_err(|e| anyhow::anyhow!("key name {e}; it must be usable as a member id"))?;
    }
    let signer = NoteSigner::generate(&name, &mut rand::rngs::OsRng)?;
    match args.passphrase.given() {
        Some(source) => keyfile::write_encrypted(&args.out, &signer, &source)?,
        None => keyfile::write(&args.out, &signer)?,
    }
    if args.witness {
        println!(
            "{}",
            truce_tlog::Cosigner::from_note_signer(&signer)
                .verifier()
                .vkey()
        );
    } else {
        println!("{}", signer.verifier().vkey());
    }
    Ok(ExitCode::SUCCESS)
}
