//! The index written out whole and read back, so that a server restarting
//! over a long log reads it in seconds rather than indexing every record
//! again (about 16 s a million records on two cores, most of it reading and
//! parsing the records).
//!
//! The bytes are postcard's: serde, not self-describing, laid out as the
//! types themselves are. So a snapshot is read back only by the build that
//! wrote it; the caller stamps it and checks the stamp, and says which
//! prefix of the log it reflects (the server's `snapshot.rs` proves that
//! prefix against the log before it uses one). This module knows nothing of
//! files or of the log. What is not written out — the hash tables, which
//! hash with a key of their process — is rebuilt after reading.

use crate::Index;
use std::io::Write;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("the query index could not be written out: {0}")]
    Write(postcard::Error),
    #[error("the snapshot is not a query index this build can read: {0}")]
    Read(postcard::Error),
    #[error("the snapshot has {0} bytes past the end of the query index")]
    Trailing(usize),
}

impl Index {
    /// Writes the whole index to `out` (buffer it: many small writes).
    pub fn write_snapshot(&self, out: impl Write) -> Result<(), SnapshotError> {
        postcard::to_io(self, out)
            .map(|_| ())
            .map_err(SnapshotError::Write)
    }

    /// Reads back an index that [`Index::write_snapshot`] wrote, in this
    /// build. It answers as the written one did and takes the next record
    /// where that one would have.
    pub fn read_snapshot(bytes: &[u8]) -> Result<Index, SnapshotError> {
        let (mut index, rest): (Index, &[u8]) =
            postcard::take_from_bytes(bytes).map_err(SnapshotError::Read)?;
        if !rest.is_empty() {
            return Err(SnapshotError::Trailing(rest.len()));
        }
        index.records.rebuild_tables();
        index.incidents.rebuild_tables();
        Ok(index)
    }
}

/// A column of hashes as one byte string: 32 bytes each, where the hashes'
/// own serde form (hex, for JSON) would take 65 and a parse each.
pub(crate) mod hashes {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use truce_core::Hash;

    pub(crate) fn serialize<S: Serializer>(hashes: &[Hash], out: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
        out.serialize_bytes(&bytes)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Vec<Hash>, D::Error> {
        input.deserialize_bytes(Hashes)
    }

    struct Hashes;

    impl Visitor<'_> for Hashes {
        type Value = Vec<Hash>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a multiple of 32 bytes")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<Hash>, E> {
            let chunks = bytes.chunks_exact(32);
            if !chunks.remainder().is_empty() {
                return Err(E::invalid_length(bytes.len(), &self));
            }
            Ok(chunks
                .map(|c| {
                    let mut h = [0; 32];
                    h.copy_from_slice(c);
                    Hash(h)
                })
                .collect())
        }
    }
}
