use super::Location;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub fn log_key(location: &Location) -> Result<ExitCode> {
    let (dir, store) = location.open()?;
    println!("{}", dir.log_verifier(store.as_ref())?.vkey());
    Ok(ExitCode::SUCCESS)
}

pub fn checkpoint(location: &Location) -> Result<ExitCode> {
    let (_, store) = location.open()?;
    match store.latest_checkpoint()? {
        Some(c) => print!("{}", c.note),
        None => bail!("the log is empty: nothing has been checkpointed yet"),
    }
    Ok(ExitCode::SUCCESS)
}
