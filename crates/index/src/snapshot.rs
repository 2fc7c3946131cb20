//! The index written out whole and read back, so that a server restarting
//! over a long log reads it in seconds rather than indexing every record
//! again (12–19 s a million records on two cores, most of it reading and
//! parsing the records).
//!
//! The bytes are postcard's: serde, not self-describing, laid out as the
//! types themselves are. So a snapshot is read back only by the build that
//! wrote it; the caller stamps it and checks the stamp, and says which
//! prefix of the log it reflects (the server's `snapshot.rs` proves that
//! prefix against the log before it uses one). This module knows nothing of
//! files or of the log. What is not written out — the hash tables, which
//! hash with a key of their process — is rebuilt after reading.
//!
//! It is read as a stream, not from a copy of the file in memory: at ten
//! million records the snapshot is about 2 GB, and holding it whole beside
//! the index it decodes to would double the server's peak memory (and cost
//! a page fault per 4 KiB of it). Streaming needs every byte string in it
//! to fit postcard's scratch buffer, so the long ones — the columns, the
//! text arenas — are written in chunks (`packed.rs`).
//!
//! Reading back rebuilds two hash tables on two threads (scoped: both end
//! before it returns) — the one place the index starts a thread.

use crate::Index;
use std::io::{Read, Write};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("the query index could not be written out: {0}")]
    Write(postcard::Error),
    #[error("the snapshot is not a query index this build can read: {0}")]
    Read(postcard::Error),
    #[error("the snapshot goes on past the end of the query index")]
    Trailing,
}

impl Index {
    /// Writes the whole index to `out` (buffer it: many small writes).
    pub fn write_snapshot(&self, out: impl Write) -> Result<(), SnapshotError> {
        postcard::to_io(self, out)
            .map(|_| ())
            .map_err(SnapshotError::Write)
    }

    /// Reads back an index that [`Index::write_snapshot`] wrote, in this
    /// build, from `input` (buffer it), which must end where the index does.
    /// It answers as the written one did and takes the next record where
    /// that one would have.
    pub fn read_snapshot(input: impl Read) -> Result<Index, SnapshotError> {
        let mut scratch = vec![0; crate::packed::CHUNK];
        let (mut index, (mut rest, _)): (Index, _) =
            postcard::from_io((input, scratch.as_mut_slice())).map_err(SnapshotError::Read)?;
        // A read that fails here is reported as postcard reports its own.
        let mut byte = [0; 1];
        if rest
            .read(&mut byte)
            .map_err(|_| SnapshotError::Read(postcard::Error::DeserializeUnexpectedEnd))?
            != 0
        {
            return Err(SnapshotError::Trailing);
        }
        // Two threads: the tables of hashes and of titles take about as
        // long as each other (a second each at ten million records).
        let (records, incidents) = (&mut index.records, &mut index.incidents);
        std::thread::scope(|side| {
            side.spawn(|| records.rebuild_tables());
            incidents.rebuild_tables();
        });
        Ok(index)
    }
}
