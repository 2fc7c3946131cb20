//! Evidence blobs in a content-addressed directory: `blobs/ab/abcdef…` named
//! by SHA-256. Written through a temporary file that is fsynced and renamed,
//! so a blob is either whole under its name or absent; streamed, so a large
//! video never sits in memory; checked against its name when read back.

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob i/o: {0}")]
    Io(#[from] io::Error),
    #[error("the content's digest is sha256:{actual}, not the expected sha256:{expected}")]
    DigestMismatch { expected: String, actual: String },
    #[error("the content is larger than the {limit} byte limit")]
    TooLarge { limit: u64 },
    #[error("{0:?} is not a sha256 hex digest")]
    BadDigest(String),
}

pub struct BlobDir {
    root: PathBuf,
}

fn check_hex(digest: &str) -> Result<(), BlobError> {
    if digest.len() == 64
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(BlobError::BadDigest(digest.to_string()))
    }
}

/// Streams `content` to its end, hashing as it goes, and checks it against
/// `hex_digest`; returns the number of bytes read. Nothing is held in memory
/// beyond one buffer, so a large video can be checked before it is served.
pub fn check_content(content: &mut dyn Read, hex_digest: &str) -> Result<u64, BlobError> {
    check_hex(hex_digest)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match content.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        size += n as u64;
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    let actual = hex::encode(hasher.finalize());
    if actual != hex_digest {
        return Err(BlobError::DigestMismatch {
            expected: hex_digest.to_string(),
            actual,
        });
    }
    Ok(size)
}

impl BlobDir {
    pub fn open(root: impl AsRef<Path>) -> Result<Self, BlobError> {
        let root = root.as_ref().to_path_buf();
        fs::create_dir_all(root.join("tmp"))?;
        Ok(Self { root })
    }

    fn path(&self, hex_digest: &str) -> Result<PathBuf, BlobError> {
        check_hex(hex_digest)?;
        Ok(self.root.join(&hex_digest[..2]).join(hex_digest))
    }

    /// Streams `content` in, at most `limit` bytes; returns its hex digest and
    /// size. With `expected`, refuses content whose digest differs.
    pub fn put(
        &self,
        content: &mut dyn Read,
        expected: Option<&str>,
        limit: u64,
    ) -> Result<(String, u64), BlobError> {
        if let Some(e) = expected {
            check_hex(e)?;
        }
        let tmp = tempfile::NamedTempFile::new_in(self.root.join("tmp"))?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        let mut file = tmp.as_file();
        loop {
            let n = content.read(&mut buf)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > limit {
                return Err(BlobError::TooLarge { limit });
            }
            let chunk = buf.get(..n).unwrap_or_default();
            hasher.update(chunk);
            file.write_all(chunk)?;
        }
        file.sync_all()?;
        let actual = hex::encode(hasher.finalize());
        if let Some(e) = expected
            && e != actual
        {
            return Err(BlobError::DigestMismatch {
                expected: e.to_string(),
                actual,
            });
        }
        let path = self.path(&actual)?;
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        tmp.persist(&path).map_err(|e| BlobError::Io(e.error))?;
        if let Some(parent) = path.parent() {
            File::open(parent)?.sync_all()?;
        }
        Ok((actual, size))
    }

    /// The hex digest of every blob stored, in no particular order (what a
    /// backup copies). Files that are not blobs (the temporary directory, a
    /// stray name) are passed over.
    pub fn digests(&self) -> Result<Vec<String>, BlobError> {
        let mut out = Vec::new();
        for shard in fs::read_dir(&self.root)? {
            let shard = shard?;
            let name = shard.file_name();
            let Some(prefix) = name.to_str().filter(|n| n.len() == 2) else {
                continue;
            };
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for blob in fs::read_dir(shard.path())? {
                let blob = blob?;
                if let Some(digest) = blob.file_name().to_str()
                    && digest.starts_with(prefix)
                    && check_hex(digest).is_ok()
                    && blob.file_type()?.is_file()
                {
                    out.push(digest.to_string());
                }
            }
        }
        Ok(out)
    }

    /// The file a stored blob lives in (for copying it whole, as a backup does).
    pub fn blob_path(&self, hex_digest: &str) -> Result<PathBuf, BlobError> {
        self.path(hex_digest)
    }

    pub fn contains(&self, hex_digest: &str) -> Result<bool, BlobError> {
        Ok(self.path(hex_digest)?.is_file())
    }

    /// Opens a blob for streaming; the caller should check it with
    /// [`check_content`] before serving it.
    pub fn open_blob(&self, hex_digest: &str) -> Result<Option<(File, u64)>, BlobError> {
        let path = self.path(hex_digest)?;
        match File::open(&path) {
            Ok(f) => {
                let len = f.metadata()?.len();
                Ok(Some((f, len)))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads a whole blob and checks it against its digest.
    pub fn read_verified(&self, hex_digest: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let Some((mut file, _)) = self.open_blob(hex_digest)? else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let actual = hex::encode(Sha256::digest(&bytes));
        if actual != hex_digest {
            return Err(BlobError::DigestMismatch {
                expected: hex_digest.to_string(),
                actual,
            });
        }
        Ok(Some(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_stored_by_digest_and_checked_on_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = BlobDir::open(dir.path()).unwrap();
        let (digest, size) = blobs.put(&mut &b"photo bytes"[..], None, 1024).unwrap();
        assert_eq!(size, 11);
        assert_eq!(digest, hex::encode(Sha256::digest(b"photo bytes")));
        assert_eq!(
            blobs.read_verified(&digest).unwrap().unwrap(),
            b"photo bytes"
        );

        let wrong = "0".repeat(64);
        assert!(matches!(
            blobs.put(&mut &b"other"[..], Some(&wrong), 1024),
            Err(BlobError::DigestMismatch { .. })
        ));
        assert!(!blobs.contains(&wrong).unwrap());
        assert!(matches!(
            blobs.put(&mut &[0u8; 10][..], None, 5),
            Err(BlobError::TooLarge { .. })
        ));

        let (mut file, len) = blobs.open_blob(&digest).unwrap().unwrap();
        assert_eq!(check_content(&mut file, &digest).unwrap(), len);

        // A blob altered on disk is refused when read.
        let path = dir.path().join(&digest[..2]).join(&digest);
        fs::write(&path, b"tampered").unwrap();
        let (mut file, _) = blobs.open_blob(&digest).unwrap().unwrap();
        assert!(matches!(
            check_content(&mut file, &digest),
            Err(BlobError::DigestMismatch { .. })
        ));
        assert!(matches!(
            blobs.read_verified(&digest),
            Err(BlobError::DigestMismatch { .. })
        ));
    }
}
