use crate::mechanism::MechanismDir;
use anyhow::{Result, bail};
use std::path::Path;
use std::process::ExitCode;
use truce_store::Store;

pub fn log_key(dir: &Path) -> Result<ExitCode> {
    let dir = MechanismDir::open(dir)?;
    let store = dir.store()?;
    println!("{}", dir.log_verifier(store.as_ref())?.vkey());
    Ok(ExitCode::SUCCESS)
}

pub fn checkpoint(dir: &Path) -> Result<ExitCode> {
    let dir = MechanismDir::open(dir)?;
    let store = dir.store()?;
    match store.latest_checkpoint()? {
        Some(c) => print!("{}", c.note),
        None => bail!("the log is empty: nothing has been checkpointed yet"),
    }
    Ok(ExitCode::SUCCESS)
}
