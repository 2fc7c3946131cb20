//! Key files hold one signed-note private key string
//! (`PRIVATE+KEY+name+hex8+base64`), readable by the owner only.

use anyhow::{Context, Result, bail};
use std::fs;
use std::io::Write;
use std::path::Path;
use truce_tlog::note::NoteSigner;

pub fn write(path: &Path, signer: &NoteSigner) -> Result<()> {
    if path.exists() {
        bail!(
            "{} already exists; refusing to overwrite a key",
            path.display()
        );
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    writeln!(file, "{}", signer.skey())?;
    file.sync_all()?;
    Ok(())
}

pub fn read(path: &Path) -> Result<NoteSigner> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read key file {}", path.display()))?;
    NoteSigner::from_skey(text.trim())
        .with_context(|| format!("{} does not hold a private key", path.display()))
}
