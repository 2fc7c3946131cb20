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
//! The snapshot is in [`SNAPSHOT_PARTS`] parts, each decodable alone: the
//! records (their hashes and references), the incidents, and the rest (a
//! few small tables). Reading back decodes the records and the incidents
//! side by side on two threads (scoped: both end before it returns), each
//! then rebuilding its own hash table — the one place the index starts a
//! thread. At ten million records that read the snapshot in 2.9 s where one
//! stream took 3.25 s: less than two cores promise. About a third of the
//! read is the kernel zeroing the pages the index fills (`perf`), and page
//! faults in one process probably contend for its memory map's lock.

use crate::Index;
use std::io::{Read, Write};

/// How many parts a snapshot is written in (see the module's comment).
pub const SNAPSHOT_PARTS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("the query index could not be written out: {0}")]
    Write(postcard::Error),
    #[error("the snapshot is not a query index this build can read: {0}")]
    Read(postcard::Error),
    #[error("a part of the snapshot goes on past its end")]
    Trailing,
}

/// The index's small tables, written as one part.
type Rest = (
    crate::Parties,
    crate::incidents::Terms,
    hashbrown::HashMap<u64, crate::FindingFacts>,
    truce_core::derive::channel::Channel,
    truce_core::derive::compliance::Compliance,
    u64,
    Option<truce_core::values::Timestamp>,
    hashbrown::HashSet<crate::DatasetEvent>,
);

impl Index {
    /// Writes the whole index to `out` (buffer it: many small writes) in
    /// its [`SNAPSHOT_PARTS`] parts, one after the other, calling
    /// `end_of_part` after each: the caller notes where each ends, to read
    /// them back side by side.
    pub fn write_snapshot<W: Write>(
        &self,
        out: &mut W,
        mut end_of_part: impl FnMut(&mut W),
    ) -> Result<(), SnapshotError> {
        write_part(&mut *out, &self.records)?;
        end_of_part(out);
        write_part(&mut *out, &self.incidents)?;
        end_of_part(out);
        let rest = (
            &self.parties,
            &self.terms,
            &self.findings,
            &self.channel,
            &self.compliance,
            &self.incidents_version,
            &self.latest_time,
            &self.imported,
        );
        write_part(&mut *out, &rest)?;
        end_of_part(out);
        Ok(())
    }

    /// Reads back an index that [`Index::write_snapshot`] wrote, in this
    /// build, from its parts in order (buffer each), each of which must end
    /// where its part does. It answers as the written one did and takes the
    /// next record where that one would have.
    pub fn read_snapshot<R: Read + Send>(
        parts: [R; SNAPSHOT_PARTS],
    ) -> Result<Index, SnapshotError> {
        let [records, incidents, rest] = parts;
        let (records, incidents, rest) = std::thread::scope(|side| {
            let records = side.spawn(|| {
                let mut records: crate::records::Records = read_part(records)?;
                records.rebuild_tables();
                let rest: Rest = read_part(rest)?;
                Ok::<_, SnapshotError>((records, rest))
            });
            let incidents = read_part(incidents).map(|mut i: crate::incidents::Incidents| {
                i.rebuild_tables();
                i
            });
            let records_and_rest = records.join().unwrap_or_else(|_| {
                // Decoding does not panic on any bytes; should it, the
                // snapshot is refused, not the server stopped.
                Err(SnapshotError::Read(postcard::Error::SerdeDeCustom))
            });
            records_and_rest.and_then(|(records, rest)| Ok((records, incidents?, rest)))
        })?;
        let (
            parties,
            terms,
            findings,
            channel,
            compliance,
            incidents_version,
            latest_time,
            imported,
        ) = rest;
        Ok(Index {
            records,
            incidents,
            parties,
            terms,
            findings,
            channel,
            compliance,
            incidents_version,
            latest_time,
            imported,
        })
    }
}

fn write_part(out: impl Write, part: &impl serde::Serialize) -> Result<(), SnapshotError> {
    postcard::to_io(part, out)
        .map(|_| ())
        .map_err(SnapshotError::Write)
}

/// One part, decoded from `input` to its end.
fn read_part<T: serde::de::DeserializeOwned>(input: impl Read) -> Result<T, SnapshotError> {
    let mut scratch = vec![0; crate::packed::CHUNK];
    let (part, (mut rest, _)): (T, _) =
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
    Ok(part)
}
