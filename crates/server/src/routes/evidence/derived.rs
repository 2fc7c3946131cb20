//! What the server derives from an evidence blob — the metadata its file
//! carries and a thumbnail — worked out lazily, the first time someone who
//! may read the blob asks, and kept by digest.
//!
//! Lazily rather than at upload: an upload is bytes only, before any record
//! says what they are or who may read them, so nothing derived from them
//! could be served yet; a large video's upload is not slowed by parsing;
//! and blobs restored from a backup or copied by a mirror get the same
//! answers without a migration. Kept by digest because a blob's bytes never
//! change under its name (they were checked against it before being read),
//! so the answer is the same for every record and every caller; kept in
//! memory, bounded, because both are cheap to make again after a restart
//! and a copy on disk would be one more thing to back up and keep in step.

use axum::body::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;
use truce_core::kinds::common::BlobDigest;
use truce_evidence_meta::FileMetadata;

/// Bytes read from a file's start for its metadata: EXIF sits in the first
/// 64 KiB of a JPEG, and a C2PA manifest store's first box near the start.
pub(super) const METADATA_PREFIX: u64 = 1 << 20;
/// Files with content credentials up to this size are read whole, so that
/// the manifest's hashes over the file can be checked (a phone's photo is a
/// few MiB); a larger one's credentials are reported as not validated.
pub(super) const CREDENTIALS_SOURCE_MAX: u64 = 32 << 20;
/// Images larger than this are not thumbnailed (a phone's photo is a few MiB).
pub(super) const THUMBNAIL_SOURCE_MAX: u64 = 64 << 20;
/// Thumbnails decoded at once across all callers: decoding is the costly
/// part (up to `truce_evidence_meta::thumbnail::MAX_ALLOC` bytes each).
const DECODES_AT_ONCE: usize = 2;

#[derive(Clone)]
pub(super) struct ByBytes;

impl Weighter<BlobDigest, Bytes> for ByBytes {
    fn weight(&self, _key: &BlobDigest, bytes: &Bytes) -> u64 {
        bytes.len() as u64 + 64
    }
}

pub(super) fn metadata() -> &'static Cache<BlobDigest, Arc<FileMetadata>> {
    static KEPT: OnceLock<Cache<BlobDigest, Arc<FileMetadata>>> = OnceLock::new();
    KEPT.get_or_init(|| Cache::new(4096))
}

pub(super) fn thumbnails() -> &'static Cache<BlobDigest, Bytes, ByBytes> {
    static KEPT: OnceLock<Cache<BlobDigest, Bytes, ByBytes>> = OnceLock::new();
    KEPT.get_or_init(|| Cache::with_weighter(1024, 16 << 20, ByBytes))
}

pub(super) fn decodes() -> &'static Semaphore {
    static DECODES: Semaphore = Semaphore::const_new(DECODES_AT_ONCE);
    &DECODES
}
