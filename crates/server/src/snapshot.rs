//! The query index kept on disk between runs, so that a server restarting
//! over a long log answers its first list in seconds: it reads the index as
//! it was at some tree size and indexes only the records after that
//! (`follower.rs`), where building it from every record takes 12–19 s a
//! million records here.
//!
//! A snapshot is derived data, and never trusted beyond what the log proves:
//! - it names the tree size it reflects and the log's root at that size, and
//!   is used only when the log's own root at that size (recomputed from the
//!   store's tree) is the same: a log rewritten, restored from an older
//!   backup or swapped for another is never answered from a stale index;
//! - it is used only by the build that wrote it, because its bytes are laid
//!   out as that build's types are: by the same executable file, unchanged
//!   since (its device, inode, length and modification time, hashed). That
//!   was the SHA-256 of the whole executable, but hashing its 250 MB came
//!   first on a restart's critical path: 0.15 s of the 3 s the issue allows
//!   at ten million records. A copy of the same build elsewhere reads as
//!   another build (the index is then built from the log: slower, never
//!   wrong), and to pass for this one a different build would have to be
//!   written over it in place with its length and time to the nanosecond —
//!   by someone who could replace the server's binary anyway;
//! - a CRC-32 over its bytes catches a torn or damaged file. A checksum,
//!   not a signature: whoever can write this file can also replace the
//!   server's binary, so a signature would add nothing, and CRC-32 reads at
//!   memory speed where SHA-256 would add a second at ten million records.
//!
//! Any mismatch is logged and the index is built from the log instead. The
//! file is written whole to a temporary name, synced, and renamed over the
//! old one, so a crash mid-write leaves the previous snapshot.
//!
//! Layout: the index's parts one after the other
//! (`truce_index::Index::write_snapshot`), then a fixed trailer of
//! [`TRAILER_LEN`] bytes: build (32), size (8, LE), root (32), then for each
//! part its length (8, LE) and CRC-32 (4, LE), then the magic. Each part
//! has its own checksum because the parts are read side by side, each
//! through a file handle of its own.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use truce_core::Hash;
use truce_index::{Index, SNAPSHOT_PARTS};
use truce_store::{Store, StoreHashes};

const MAGIC: &[u8; 16] = b"truce index v2\n\0";
const TRAILER_LEN: usize = 32 + 8 + 32 + (8 + 4) * SNAPSHOT_PARTS + MAGIC.len();

/// Why a snapshot was not written or not used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the log's root at size {size} cannot be computed: {cause}")]
    Root { size: u64, cause: String },
    #[error("{0} is not a query index snapshot (no trailer)")]
    NotASnapshot(PathBuf),
    #[error("the snapshot was written by another build of truce")]
    OtherBuild,
    #[error("the snapshot reflects {snapshot} records, the log holds {log}")]
    LongerThanLog { snapshot: u64, log: u64 },
    #[error("the log's root at size {size} is not the snapshot's: the log is not the one indexed")]
    OtherLog { size: u64 },
    #[error("the snapshot's bytes do not match their checksum: damaged")]
    Damaged,
    #[error(transparent)]
    Index(#[from] truce_index::SnapshotError),
    #[error("the snapshot holds {got} records where its trailer says {expected}")]
    WrongLength { expected: u64, got: u64 },
}

/// Where a server keeps its index's snapshot, and the build it is for.
#[derive(Clone, Debug)]
pub struct SnapshotFile {
    path: PathBuf,
    /// The build's stamp, worked out when first needed: on the index's
    /// thread, and only when there is a snapshot to check or write.
    build: Arc<OnceLock<[u8; 32]>>,
}

/// What [`SnapshotFile::save`] wrote.
#[derive(Clone, Copy, Debug)]
pub struct Saved {
    pub size: u64,
    pub bytes: u64,
}

impl SnapshotFile {
    /// The snapshot at `path`, for the running executable's build.
    pub fn for_this_build(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            build: Arc::default(),
        }
    }

    /// The snapshot at `path`, for the build `build` names (tests use it
    /// to stand for another build).
    pub fn for_build(path: impl Into<PathBuf>, build: [u8; 32]) -> Self {
        Self {
            path: path.into(),
            build: Arc::new(OnceLock::from(build)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn build(&self) -> Result<[u8; 32], SnapshotError> {
        if let Some(build) = self.build.get() {
            return Ok(*build);
        }
        let build = executable_stamp()?;
        Ok(*self.build.get_or_init(|| build))
    }

    /// Writes `index` out, stamped with its size and the log's root there.
    pub fn save(&self, index: &Index, store: &dyn Store) -> Result<Saved, SnapshotError> {
        let size = index.len();
        let build = self.build()?;
        let root = root_at(store, size)?;
        let partial = self.path.with_extension("partial");
        let file = File::create(&partial).map_err(io_error("create", &partial))?;
        let mut out = Checksummed::new(BufWriter::with_capacity(1 << 20, file));
        // Each part's length and checksum, taken as it ends.
        let mut parts = Vec::with_capacity(SNAPSHOT_PARTS);
        index.write_snapshot(&mut out, |out| {
            let crc = std::mem::take(&mut out.crc).finalize();
            parts.push((std::mem::take(&mut out.bytes), crc));
        })?;
        let mut out = out.inner;
        let mut trailer = Vec::with_capacity(TRAILER_LEN);
        trailer.extend_from_slice(&build);
        trailer.extend_from_slice(&size.to_le_bytes());
        trailer.extend_from_slice(&root.0);
        for (bytes, crc) in &parts {
            trailer.extend_from_slice(&bytes.to_le_bytes());
            trailer.extend_from_slice(&crc.to_le_bytes());
        }
        trailer.extend_from_slice(MAGIC);
        let bytes: u64 = parts.iter().map(|(bytes, _)| bytes).sum();
        out.write_all(&trailer)
            .map_err(io_error("write", &partial))?;
        let file = out
            .into_inner()
            .map_err(|e| io_error("write", &partial)(e.into_error()))?;
        file.sync_all().map_err(io_error("sync", &partial))?;
        std::fs::rename(&partial, &self.path).map_err(io_error("rename", &partial))?;
        // The rename itself durable: sync the directory.
        if let Some(dir) = self.path.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io_error("sync", dir))?;
        }
        Ok(Saved {
            size,
            bytes: bytes + TRAILER_LEN as u64,
        })
    }

    /// The index the snapshot holds, if there is one and it is this build's
    /// and the log's at the size it names; `Ok(None)` if there is none.
    /// Each part read as a stream, side by side
    /// (`truce_index::Index::read_snapshot`), its checksum taken on the way.
    pub fn load(&self, store: &dyn Store) -> Result<Option<Index>, SnapshotError> {
        let mut file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(io_error("open", &self.path)(source)),
        };
        let len = file.metadata().map_err(io_error("read", &self.path))?.len();
        let not_one = || SnapshotError::NotASnapshot(self.path.clone());
        let body = len.checked_sub(TRAILER_LEN as u64).ok_or_else(not_one)?;
        let mut trailer = [0; TRAILER_LEN];
        file.seek(SeekFrom::Start(body))
            .and_then(|_| file.read_exact(&mut trailer))
            .map_err(io_error("read", &self.path))?;
        let magic = trailer.get(TRAILER_LEN - MAGIC.len()..).unwrap_or_default();
        if magic != MAGIC {
            // An earlier layout (its trailer is another length) is another
            // build's, and says so in the log.
            return Err(if magic.starts_with(b"truce index v") {
                SnapshotError::OtherBuild
            } else {
                not_one()
            });
        }
        let mut fields = Fields(&trailer);
        let build = fields.take::<32>().ok_or_else(not_one)?;
        let size = u64::from_le_bytes(fields.take().ok_or_else(not_one)?);
        let root = Hash(fields.take::<32>().ok_or_else(not_one)?);
        let mut parts = [(0, 0, 0); SNAPSHOT_PARTS];
        let mut start = 0u64;
        for part in &mut parts {
            let bytes = u64::from_le_bytes(fields.take().ok_or_else(not_one)?);
            let crc = u32::from_le_bytes(fields.take().ok_or_else(not_one)?);
            *part = (start, bytes, crc);
            start = start.checked_add(bytes).ok_or_else(not_one)?;
        }
        if fields.0 != MAGIC || start != body {
            return Err(not_one());
        }
        if build != self.build()? {
            return Err(SnapshotError::OtherBuild);
        }
        let log = store.size().map_err(|e| SnapshotError::Root {
            size,
            cause: truce_store::describe(&e),
        })?;
        if size > log {
            return Err(SnapshotError::LongerThanLog {
                snapshot: size,
                log,
            });
        }
        if root_at(store, size)? != root {
            return Err(SnapshotError::OtherLog { size });
        }
        drop(file);
        let mut inputs = Vec::with_capacity(SNAPSHOT_PARTS);
        for (start, bytes, _) in parts {
            let mut file = File::open(&self.path).map_err(io_error("open", &self.path))?;
            file.seek(SeekFrom::Start(start))
                .map_err(io_error("read", &self.path))?;
            inputs.push(BufReader::with_capacity(
                1 << 20,
                Checksummed::new(file.take(bytes)),
            ));
        }
        let mut inputs: [_; SNAPSHOT_PARTS] = inputs.try_into().map_err(|_| not_one())?;
        let read = Index::read_snapshot(inputs.each_mut());
        // Damage shows as a checksum that does not hold, whether or not the
        // bytes happened to decode: read each part to its end, then compare.
        for (mut input, (_, _, crc)) in inputs.into_iter().zip(parts) {
            std::io::copy(&mut input, &mut std::io::sink())
                .map_err(io_error("read", &self.path))?;
            if input.into_inner().crc.finalize() != crc {
                return Err(SnapshotError::Damaged);
            }
        }
        let index = read?;
        if index.len() != size {
            return Err(SnapshotError::WrongLength {
                expected: size,
                got: index.len(),
            });
        }
        Ok(Some(index))
    }
}

/// The running executable's file as it is now — where it is, its length
/// and when it was last written — hashed: the build a snapshot is for (see
/// the module's comment).
fn executable_stamp() -> Result<[u8; 32], SnapshotError> {
    let exe =
        std::env::current_exe().map_err(io_error("find", Path::new("the running executable")))?;
    file_stamp(&exe)
}

fn file_stamp(exe: &Path) -> Result<[u8; 32], SnapshotError> {
    let file = std::fs::metadata(exe).map_err(io_error("read", exe))?;
    let written = file
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    let mut hasher = Sha256::new();
    hasher.update(exe.as_os_str().as_encoded_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        hasher.update(file.dev().to_le_bytes());
        hasher.update(file.ino().to_le_bytes());
    }
    hasher.update(file.len().to_le_bytes());
    hasher.update(written.as_nanos().to_le_bytes());
    Ok(hasher.finalize().into())
}

/// An I/O failure, saying what was done to which file.
fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> SnapshotError {
    let path = path.to_owned();
    move |source| SnapshotError::Io {
        action,
        path,
        source,
    }
}

fn root_at(store: &dyn Store, size: u64) -> Result<Hash, SnapshotError> {
    if size == 0 {
        return Ok(truce_tlog::empty_root());
    }
    truce_tlog::tree_root(size, &StoreHashes(store)).map_err(|e| SnapshotError::Root {
        size,
        cause: e.to_string(),
    })
}

/// Reads a trailer's fixed-width fields in turn.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (field, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*field)
    }
}

/// Counts and checksums what passes through it, written or read.
struct Checksummed<W> {
    inner: W,
    crc: crc32fast::Hasher,
    bytes: u64,
}

impl<W> Checksummed<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            crc: crc32fast::Hasher::new(),
            bytes: 0,
        }
    }
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        let written = buf.get(..n).unwrap_or_default();
        self.crc.update(written);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Checksummed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        self.crc.update(read);
        self.bytes += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::file_stamp;

    #[test]
    fn a_build_stamp_holds_for_the_same_file_and_not_for_a_copy_or_a_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("truce");
        std::fs::write(&exe, b"a build").unwrap();
        let stamp = file_stamp(&exe).unwrap();
        assert_eq!(file_stamp(&exe).unwrap(), stamp);
        let copy = dir.path().join("truce-copy");
        std::fs::copy(&exe, &copy).unwrap();
        assert_ne!(file_stamp(&copy).unwrap(), stamp, "a copy");
        // The same length, written again a moment later: another build.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&exe, b"b build").unwrap();
        assert_ne!(file_stamp(&exe).unwrap(), stamp, "rewritten in place");
        assert!(file_stamp(&dir.path().join("gone")).is_err());
    }
}
