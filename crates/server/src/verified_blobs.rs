//! Which stored blobs were checked against their digest, so that a blob is
//! hashed once, not on every download, and again whenever its file changes.

use std::collections::HashMap;
use std::fs::Metadata;
use std::sync::Mutex;
use std::time::SystemTime;
use truce_core::kinds::common::BlobDigest;

/// Blobs whose bytes were checked against their digest, remembered with the
/// file's length, modification and change times and identity: a file altered
/// or replaced since no longer matches and is checked again before it is
/// served. Bounded; forgetting only costs a re-check.
#[derive(Default)]
pub struct VerifiedBlobs {
    checked: Mutex<HashMap<BlobDigest, FileStamp>>,
}

const MAX_REMEMBERED: usize = 16_384;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct FileStamp {
    pub(crate) len: u64,
    modified: Option<SystemTime>,
    /// (device, inode, ctime seconds, ctime nanoseconds): the change time
    /// moves on any write or metadata change and cannot be set back.
    #[cfg(unix)]
    identity: (u64, u64, i64, i64),
}

impl FileStamp {
    pub(crate) fn of(meta: &Metadata) -> Self {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            identity: (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()),
        }
    }
}

impl VerifiedBlobs {
    pub(crate) fn is_verified(&self, digest: &BlobDigest, stamp: &FileStamp) -> bool {
        self.checked
            .lock()
            .is_ok_and(|m| m.get(digest) == Some(stamp))
    }

    pub(crate) fn remember(&self, digest: BlobDigest, stamp: FileStamp) {
        if let Ok(mut m) = self.checked.lock() {
            if m.len() >= MAX_REMEMBERED && !m.contains_key(&digest) {
                m.clear();
            }
            m.insert(digest, stamp);
        }
    }

    pub(crate) fn forget(&self, digest: &BlobDigest) {
        if let Ok(mut m) = self.checked.lock() {
            m.remove(digest);
        }
    }
}
