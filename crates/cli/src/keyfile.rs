//! Key files hold one signed-note private key string
//! (`PRIVATE+KEY+name+hex8+base64`), readable by the owner only — as it is,
//! or sealed under a passphrase (`encrypted.rs`, `truce-encrypted-key-v1`).
//! Every command that reads a key reads both kinds.

mod encrypted;

use anyhow::{Context, Result, bail};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use truce_tlog::note::NoteSigner;
use zeroize::Zeroizing;

/// The environment variable an encrypted key file's passphrase is read from
/// when no other source is named.
pub const PASSPHRASE_ENV: &str = "TRUCE_KEY_PASSPHRASE";

/// Where a passphrase comes from: a file (its text without the final line
/// break) or an environment variable. Never an argument: those are visible
/// to every user of the machine.
pub enum Passphrase {
    File(PathBuf),
    Env(String),
}

impl Default for Passphrase {
    fn default() -> Self {
        Passphrase::Env(PASSPHRASE_ENV.into())
    }
}

impl Passphrase {
    fn read(&self) -> Result<Zeroizing<String>> {
        match self {
            Passphrase::File(path) => {
                let mut text = Zeroizing::new(String::new());
                fs::File::open(path)
                    .and_then(|mut f| f.read_to_string(&mut text))
                    .with_context(|| {
                        format!("cannot read the passphrase file {}", path.display())
                    })?;
                let end = text
                    .strip_suffix("\r\n")
                    .or_else(|| text.strip_suffix('\n'))
                    .map_or(text.len(), str::len);
                text.truncate(end);
                Ok(text)
            }
            Passphrase::Env(var) => match std::env::var(var) {
                Ok(value) => Ok(Zeroizing::new(value)),
                Err(_) => bail!(
                    "give its passphrase with --passphrase-file FILE, or in the environment variable {var}"
                ),
            },
        }
    }
}

pub fn write(path: &Path, signer: &NoteSigner) -> Result<()> {
    write_text(path, &format!("{}\n", signer.skey()))
}

/// Writes the key sealed under the passphrase `source` gives.
pub fn write_encrypted(path: &Path, signer: &NoteSigner, source: &Passphrase) -> Result<()> {
    let passphrase = source.read()?;
    let skey = Zeroizing::new(signer.skey());
    write_text(path, &encrypted::seal(&skey, &passphrase)?)
}

fn write_text(path: &Path, text: &str) -> Result<()> {
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
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// Reads a plain or an encrypted key file; an encrypted one is opened with
/// the passphrase from `source`, which is consulted only then.
pub fn read(path: &Path, source: &Passphrase) -> Result<NoteSigner> {
    let mut text = Zeroizing::new(String::new());
    fs::File::open(path)
        .and_then(|f| {
            // A key file is a line or two: never read a huge file whole.
            f.take(encrypted::MAX_FILE as u64 + 1)
                .read_to_string(&mut text)
        })
        .with_context(|| format!("cannot read key file {}", path.display()))?;
    let skey = if encrypted::is_encrypted(&text) {
        let passphrase = source
            .read()
            .with_context(|| format!("{} is passphrase-protected", path.display()))?;
        encrypted::open(&text, &passphrase).with_context(|| format!("{}", path.display()))?
    } else {
        text
    };
    NoteSigner::from_skey(skey.trim())
        .with_context(|| format!("{} does not hold a private key", path.display()))
}

/// Whether the file at `path` is passphrase-protected.
pub fn is_encrypted(path: &Path) -> Result<bool> {
    let mut head = [0u8; 64];
    let n = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .with_context(|| format!("cannot read key file {}", path.display()))?;
    Ok(encrypted::is_encrypted(&String::from_utf8_lossy(
        head.get(..n).unwrap_or_default(),
    )))
}
