use crate::keyfile;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct EncryptKeyArgs {
    /// The plain key file to protect (left as it is: delete it yourself once
    /// the copy is safe).
    #[arg(long)]
    key: PathBuf,
    /// Where to write the encrypted copy (created readable by you only).
    #[arg(long)]
    out: PathBuf,
    /// The passphrase to seal it under (one of the two is required).
    #[command(flatten)]
    passphrase: super::PassphraseArgs,
}

pub fn run(args: EncryptKeyArgs) -> Result<ExitCode> {
    let source = args
        .passphrase
        .given()
        .context("name the new passphrase with --passphrase-file FILE or --passphrase-env VAR")?;
    if keyfile::is_encrypted(&args.key)? {
        bail!("{} is already passphrase-protected", args.key.display());
    }
    let signer = keyfile::read(&args.key, &source)?;
    keyfile::write_encrypted(&args.out, &signer, &source)?;
    println!("{}", signer.verifier().vkey());
    Ok(ExitCode::SUCCESS)
}
