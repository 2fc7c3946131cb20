//! The auditor: re-derives everything a log asserts from its leaves alone and
//! compares it with what the log stored and signed. It trusts nothing stored
//! except as a claim to check: every leaf is re-parsed, re-canonicalised,
//! re-admitted with full signature checks; every tree node and checkpoint
//! root is recomputed. The first discrepancy is named by its place.

use ed25519_dalek::VerifyingKey;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use truce_core::admission::Signatures;
use truce_core::record::{Record, RecordError};
use truce_core::sealed::Opening;
use truce_core::{LogState, Rejection};
use truce_store::{Store, StoredRecord};
use truce_tlog::note::NoteVerifier;
use truce_tlog::{Checkpoint, Frontier, Hash, NodeId, WitnessPolicy};

use crate::witnessed::Witnessing;
use pipeline::Unverified;
pub(crate) use pipeline::{CHUNK, Pipeline};

mod pipeline;

/// Where a discrepancy is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Record(u64),
    TreeNode { level: u8, index: u64 },
    Checkpoint { size: u64 },
    ConfidentialPart(u64),
    Log,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Record(i) => write!(f, "record {i}"),
            Place::TreeNode { level, index } => {
                write!(f, "tree node (level {level}, index {index})")
            }
            Place::Checkpoint { size } => write!(f, "checkpoint for size {size}"),
            Place::ConfidentialPart(i) => write!(f, "confidential part of record {i}"),
            Place::Log => write!(f, "the log"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {reason}")]
pub struct AuditFailure {
    pub place: Place,
    pub reason: String,
}

fn fail(place: Place, reason: impl Into<String>) -> AuditFailure {
    AuditFailure {
        place,
        reason: reason.into(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditReport {
    pub records: u64,
    /// The charter's leaf hash: with the log key, what a verifier pins.
    pub charter: Option<Hash>,
    /// The log key the charter names (verifier-key form).
    pub log_key: Option<String>,
    pub root: Hash,
    pub checkpoints_checked: usize,
    /// The size of the latest checkpoint checked, if any.
    pub checkpoint_size: Option<u64>,
    pub confidential_parts_checked: usize,
    /// Confidential parts whose openings this copy does not hold (a mirror
    /// holds the public log only; each sealed digest is still in its record).
    #[serde(skip_serializing_if = "is_zero")]
    pub confidential_parts_not_held: usize,
    /// Who cosigned, under the witness policy: for a store, its latest
    /// checkpoint that met the quorum (or, while none has, its latest); for
    /// an export, the checkpoint given with it.
    pub witnessing: Option<Witnessing>,
    /// Records appended to the store while it was verified (a running
    /// server's database): beyond the tree checked, so not checked.
    #[serde(skip_serializing_if = "is_zero")]
    pub appended_meanwhile: u64,
}

/// The tree nodes a record completes.
type Nodes = Vec<(NodeId, Hash)>;

/// Replays leaves one at a time. Pure: the caller does the reading.
pub struct Auditor {
    state: LogState,
    frontier: Frontier,
    charter: Option<Hash>,
    /// The log key the verifier expects, if it pinned one.
    pinned: Option<NoteVerifier>,
}

impl Default for Auditor {
    fn default() -> Self {
        Self::new()
    }
}

impl Auditor {
    pub fn new() -> Self {
        Self::pinned(None)
    }

    /// An auditor that also requires the charter to name `log_key`: the trust
    /// anchor that stops a wholly forged log (with a charter of its own) passing.
    pub fn pinned(log_key: Option<NoteVerifier>) -> Self {
        Self {
            state: LogState::new(),
            frontier: Frontier::new(),
            charter: None,
            pinned: log_key,
        }
    }

    pub fn charter(&self) -> Option<Hash> {
        self.charter
    }

    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    pub fn state(&self) -> &LogState {
        &self.state
    }

    /// The log's checkpoint key, as the charter fixes it.
    pub fn log_key(&self) -> Option<&NoteVerifier> {
        self.state.charter().map(|c| c.log_key.verifier())
    }

    /// Parses the leaf at `index` and checks it is in canonical form: the
    /// part of [`Auditor::push`] that needs no state, so it can run ahead.
    pub fn parse(index: u64, leaf: &[u8]) -> Result<Record, AuditFailure> {
        Record::from_canonical_leaf(leaf).map_err(|e| match e {
            RecordError::NotCanonical => fail(
                Place::Record(index),
                "the stored bytes are not the record's canonical form",
            ),
            e => fail(Place::Record(index), e.to_string()),
        })
    }

    /// Checks the next leaf and returns the record and the tree nodes it completes.
    pub fn push(&mut self, leaf: &[u8]) -> Result<(Record, Vec<(NodeId, Hash)>), AuditFailure> {
        let index = self.frontier.size();
        let record = Self::parse(index, leaf)?;
        self.state
            .admit_with(&record, Signatures::Verify)
            .map_err(|e| fail(Place::Record(index), e.to_string()))?;
        let nodes = self.appended(&record)?;
        Ok((record, nodes))
    }

    /// As [`Auditor::push`] for a parsed record, except that its signatures
    /// are left to the caller, who must check them under the keys returned
    /// before trusting anything that follows (see `pipeline`). A refusal is
    /// named as `push` names it.
    fn push_unverified(
        &mut self,
        record: &Record,
    ) -> Result<(Vec<VerifyingKey>, Nodes), AuditFailure> {
        let place = Place::Record(self.frontier.size());
        let admitted = self.state.signing_keys(record).and_then(|keys| {
            self.state
                .admit_with(record, Signatures::TrustStore)
                .map(|()| keys)
        });
        let keys = admitted.map_err(|refused| {
            // Refused, so the state is as it was: admitting with the
            // signatures checked names what `push` would (a bad signature
            // before the rules after it).
            let named = self
                .state
                .admit_with(record, Signatures::Verify)
                .err()
                .unwrap_or(refused);
            fail(place.clone(), named.to_string())
        })?;
        match self.appended(record) {
            Ok(nodes) => Ok((keys, nodes)),
            Err(failure) => {
                // `push` checks the signatures first.
                for (i, key) in keys.iter().enumerate() {
                    record
                        .verify_signature(i, key)
                        .map_err(|e| fail(place.clone(), Rejection::from(e).to_string()))?;
                }
                Err(failure)
            }
        }
    }

    /// Adds an admitted record to the tree; the charter must name the
    /// pinned log key.
    fn appended(&mut self, record: &Record) -> Result<Vec<(NodeId, Hash)>, AuditFailure> {
        let index = self.frontier.size();
        let place = Place::Record(index);
        let nodes = self
            .frontier
            .try_append(record.hash())
            .map_err(|e| fail(place.clone(), e.to_string()))?;
        if index == 0 {
            self.charter = Some(record.hash());
            if let (Some(expected), Some(named)) = (&self.pinned, self.log_key())
                && expected != named
            {
                return Err(fail(
                    place,
                    format!(
                        "the charter names log key {}, not the expected {}",
                        named.vkey(),
                        expected.vkey()
                    ),
                ));
            }
        }
        Ok(nodes)
    }

    /// Checks a signed checkpoint against the tree recomputed so far: the
    /// log key must sign it and its root must be this tree's at its size.
    pub fn check_checkpoint(
        &self,
        note: &str,
        roots: &BTreeMap<u64, Hash>,
    ) -> Result<Checkpoint, AuditFailure> {
        let key = self.log_key().ok_or_else(|| {
            fail(
                Place::Log,
                "there is no charter, so no log key to check checkpoints with",
            )
        })?;
        let size_hint = note
            .lines()
            .nth(1)
            .and_then(|l| l.parse().ok())
            .unwrap_or_default();
        let checkpoint = Checkpoint::open(note, key).map_err(|e| {
            fail(
                Place::Checkpoint { size: size_hint },
                format!("not validly signed by the log key: {e}"),
            )
        })?;
        let place = Place::Checkpoint {
            size: checkpoint.size,
        };
        let expected = roots
            .get(&checkpoint.size)
            .ok_or_else(|| fail(place.clone(), "signs a tree size the log never had"))?;
        if checkpoint.root != *expected {
            return Err(fail(
                place,
                format!(
                    "signs root {} but the records give {}",
                    checkpoint.root, expected
                ),
            ));
        }
        Ok(checkpoint)
    }
}

fn is_zero<T: Default + PartialEq>(n: &T) -> bool {
    *n == T::default()
}

/// Whether the store must hold the opening of every confidential part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Openings {
    /// A log's own store: every opening, checked against its sealed digest.
    Required,
    /// A mirror's copy: openings are never given out, so none is expected;
    /// any that is there is still checked.
    WhereHeld,
}

/// The policy to check cosignatures with: the one given, or the charter's.
fn policy_of(auditor: &Auditor, given: Option<&WitnessPolicy>) -> Option<WitnessPolicy> {
    given
        .cloned()
        .or_else(|| auditor.state().charter().and_then(|c| c.policy().ok()))
}

fn db(e: truce_store::StoreError) -> AuditFailure {
    fail(Place::Log, truce_store::describe(&e))
}

/// The checks of a stored record beyond its leaf: its stored hash, and the
/// opening of its confidential part against the sealed digest.
fn check_stored(
    store: &dyn Store,
    openings: Openings,
    (record, index, hash): (&Record, u64, Hash),
    confidential: &mut Vec<u64>,
    not_held: &mut usize,
) -> Result<(), AuditFailure> {
    if record.hash() != hash {
        return Err(fail(
            Place::Record(index),
            "its stored hash is not the hash of its bytes",
        ));
    }
    let Some(sealed) = &record.signed().envelope.confidential else {
        return Ok(());
    };
    let place = Place::ConfidentialPart(index);
    let bytes = match (store.opening(index).map_err(db)?, openings) {
        (Some(bytes), _) => bytes,
        (None, Openings::WhereHeld) => {
            *not_held += 1;
            return Ok(());
        }
        (None, Openings::Required) => return Err(fail(place, "is missing")),
    };
    let opening: Opening =
        serde_json::from_slice(&bytes).map_err(|e| fail(place.clone(), e.to_string()))?;
    let canonical = truce_core::canonical::to_canonical_bytes(&opening)
        .map_err(|e| fail(place.clone(), e.to_string()))?;
    if canonical != bytes {
        return Err(fail(
            place,
            "the stored bytes are not the opening's canonical form",
        ));
    }
    opening
        .matches(sealed)
        .map_err(|e| fail(place, e.to_string()))?;
    confidential.push(index);
    Ok(())
}

/// The tree nodes above the leaves that a chunk of records completed,
/// against the stored ones. At each level they are consecutive, so each
/// level is read as one range (`nodes_at_level`) rather than node by node: a
/// chunk of 1,000 records completes about 1,000 of them, and point lookups
/// (of these and the leaves) took a tenth of a single-threaded verification
/// (measured with `perf`, 300k records).
fn check_nodes(store: &dyn Store, computed: &[(NodeId, Hash)]) -> Result<(), AuditFailure> {
    let mut levels: BTreeMap<u8, Vec<(u64, Hash)>> = BTreeMap::new();
    for (id, hash) in computed {
        levels.entry(id.level).or_default().push((id.index, *hash));
    }
    // Level 0 is each record's stored hash, which `check_stored` has held
    // against the hash of the record's bytes already. Every store keeps it
    // in its records table, so asking for it again read every stored record
    // a second time: over ten million records in PostgreSQL that query was
    // the one most often running.
    levels.remove(&0);
    for (level, mut nodes) in levels {
        nodes.sort_unstable_by_key(|(index, _)| *index);
        let (Some(&(first, _)), Some(&(last, _))) = (nodes.first(), nodes.last()) else {
            continue;
        };
        let stored = store
            .nodes_at_level(level, first, last.saturating_add(1))
            .map_err(|e| fail(Place::Log, e.to_string()))?;
        let mut stored = stored.into_iter().peekable();
        for (index, computed) in nodes {
            // Stored nodes between the ones computed here belong to no
            // completed subtree of this chunk; the end of the audit checks
            // that nothing beyond what the records imply is stored.
            while stored.next_if(|(id, _)| id.index < index).is_some() {}
            match stored.next_if(|(id, _)| id.index == index) {
                Some((_, stored)) if stored == computed => {}
                Some((_, stored)) => {
                    return Err(fail(
                        Place::TreeNode { level, index },
                        format!("stored hash {stored} differs from the recomputed {computed}"),
                    ));
                }
                None => {
                    return Err(fail(
                        Place::TreeNode { level, index },
                        "is missing from the store",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Worker threads for the auditor by default: one per core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Verifies a whole store: every record, tree node, confidential part and
/// checkpoint, and the witnesses' cosignatures kept on the latest and the
/// latest witnessed checkpoint under `policy` (the charter's when `None`).
pub fn verify_store(
    store: &dyn Store,
    log_key: Option<NoteVerifier>,
    policy: Option<&WitnessPolicy>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<AuditReport, AuditFailure> {
    verify_copy(
        store,
        log_key,
        policy,
        Openings::Required,
        default_workers(),
        progress,
    )
}

/// As [`verify_store`], saying which confidential openings the store must
/// hold, with `workers` threads parsing leaves and checking signatures
/// beside the admission (none: all on the caller's thread).
pub fn verify_copy(
    store: &dyn Store,
    log_key: Option<NoteVerifier>,
    policy: Option<&WitnessPolicy>,
    openings: Openings,
    workers: usize,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<AuditReport, AuditFailure> {
    // The audit covers the tree the latest checkpoint signs, read before
    // anything else. Every append writes its records, nodes and checkpoint
    // in one transaction, so on a log that takes records meanwhile (an
    // auditor checking a running server's database) what lands later lies
    // beyond that tree: it is counted, not checked (`appended_meanwhile`),
    // and no check below mistakes it for something stored beyond the log.
    let witnessed = store.latest_witnessed_size().map_err(db)?;
    let checkpoints = store.checkpoints().map_err(db)?;
    let size = match checkpoints.last() {
        Some(latest) => latest.size,
        // No checkpoint: the records are checked, and then refused below
        // for want of one.
        None => store.size().map_err(db)?,
    };
    let wanted: Vec<u64> = checkpoints.iter().map(|c| c.size).collect();
    let mut roots = BTreeMap::new();
    roots.insert(0, truce_tlog::empty_root());
    let mut auditor = Auditor::pinned(log_key);
    let mut confidential = Vec::new();
    let mut not_held = 0;
    let prepare = |_: u64, s: StoredRecord| (s.index, s.hash, Auditor::parse(s.index, &s.leaf));
    std::thread::scope(|scope| -> Result<(), AuditFailure> {
        let mut pipe = Pipeline::start(scope, workers, &prepare);
        let mut bounds = VecDeque::new();
        let mut read = 0;
        // A read that fails is reported where the records before it end.
        let mut unread = None;
        loop {
            while read < size && unread.is_none() && pipe.has_room() {
                let end = (read + CHUNK).min(size);
                match store.records(read, end) {
                    Ok(stored) => {
                        pipe.submit(stored);
                        bounds.push_back((read, end));
                        read = end;
                    }
                    Err(e) => unread = Some(db(e)),
                }
            }
            let (Some(chunk), Some((start, end))) = (pipe.next_chunk()?, bounds.pop_front()) else {
                break;
            };
            let count = chunk.len() as u64;
            let mut pending = Vec::with_capacity(chunk.len());
            let mut computed_nodes = Vec::new();
            for (index, hash, parsed) in chunk {
                if index != auditor.size() {
                    let missing = fail(Place::Record(auditor.size()), "is missing from the store");
                    return Err(pipe.late(&pending, missing));
                }
                let admitted = parsed.and_then(|record| {
                    let (keys, nodes) = auditor.push_unverified(&record)?;
                    Ok((record, keys, nodes))
                });
                let (record, keys, nodes) = match admitted {
                    Ok(admitted) => admitted,
                    Err(failure) => return Err(pipe.late(&pending, failure)),
                };
                let checked = check_stored(
                    store,
                    openings,
                    (&record, index, hash),
                    &mut confidential,
                    &mut not_held,
                );
                pending.push(Unverified {
                    index,
                    record,
                    keys,
                });
                if let Err(failure) = checked {
                    return Err(pipe.late(&pending, failure));
                }
                computed_nodes.extend(nodes);
                if wanted.binary_search(&auditor.size()).is_ok() {
                    roots.insert(auditor.size(), auditor.root());
                }
            }
            if count != end - start {
                let missing = fail(Place::Record(auditor.size()), "is missing from the store");
                return Err(pipe.late(&pending, missing));
            }
            if let Err(failure) = check_nodes(store, &computed_nodes) {
                return Err(pipe.late(&pending, failure));
            }
            pipe.verify(pending)?;
            if let Some(failure) = pipe.failed() {
                return Err(failure);
            }
            progress(pipe.verified(), size);
        }
        if let Some(failure) = unread {
            return Err(pipe.late(&[], failure));
        }
        pipe.settle(&[]).map_or(Ok(()), Err)
    })?;
    progress(size, size);
    // Nothing stored beyond what the records imply: no stray openings, no
    // extra nodes, no record beyond the latest checkpoint. Read in this
    // order, each read sees at most the records the next one counts: an
    // opening or node found belongs to a record in `size_after`, and the
    // checkpoint read last signs at least `size_after` records.
    let openings = store.opening_indexes().map_err(db)?;
    let stored_nodes = store.internal_node_count().map_err(db)?;
    let size_after = store.size().map_err(db)?.max(size);
    let latest_after = store.latest_checkpoint().map_err(db)?.map(|c| c.size);
    // Openings of records appended during the audit are theirs to check.
    if let Some(stray) = openings
        .iter()
        .find(|&&i| (i < size && confidential.binary_search(&i).is_err()) || i >= size_after)
    {
        return Err(fail(
            Place::ConfidentialPart(*stray),
            "is stored for a record that has no confidential part",
        ));
    }
    let nodes_of = |size: u64| size - u64::from(size.count_ones());
    let expected = nodes_of(size)..=nodes_of(size_after);
    if !expected.contains(&stored_nodes) {
        let of = if size_after == size {
            format!("a tree of {size} has {}", nodes_of(size))
        } else {
            format!(
                "trees of {size} to {size_after} (as many as the log held while it was verified) have {} to {}",
                expected.start(),
                expected.end()
            )
        };
        return Err(fail(
            Place::Log,
            format!("the store holds {stored_nodes} tree nodes above the leaves; {of}"),
        ));
    }
    if size_after > 0 && latest_after.is_none_or(|latest| latest < size_after) {
        return Err(fail(
            Place::Log,
            format!(
                "the latest checkpoint covers {} of {size_after} records",
                latest_after.map_or("none".to_string(), |s| s.to_string())
            ),
        ));
    }
    let mut last = None;
    for c in &checkpoints {
        let checkpoint = auditor.check_checkpoint(&c.note, &roots)?;
        if checkpoint.size != c.size {
            return Err(fail(
                Place::Checkpoint { size: c.size },
                format!(
                    "is stored as size {} but signs size {}",
                    c.size, checkpoint.size
                ),
            ));
        }
        last = Some(checkpoint.size);
    }
    let witnessing = match (policy_of(&auditor, policy), last) {
        (Some(policy), Some(latest)) => {
            let of = |size: u64| -> Result<Witnessing, AuditFailure> {
                let place = Place::Checkpoint { size };
                let note = truce_store::cosigned_checkpoint(store, size)
                    .map_err(db)?
                    .ok_or_else(|| fail(place.clone(), "is marked witnessed but was never signed"))?
                    .note;
                Witnessing::of(&policy, size, &note).map_err(|e| fail(place, e))
            };
            let latest = of(latest)?;
            match witnessed {
                Some(size) => {
                    let witnessed = of(size)?;
                    witnessed.require_quorum().map_err(|e| {
                        fail(
                            Place::Checkpoint { size },
                            format!("is marked witnessed, but {e}"),
                        )
                    })?;
                    Some(witnessed)
                }
                None => Some(latest),
            }
        }
        _ => None,
    };
    Ok(AuditReport {
        records: size,
        charter: auditor.charter(),
        log_key: auditor.log_key().map(NoteVerifier::vkey),
        root: auditor.root(),
        checkpoints_checked: checkpoints.len(),
        checkpoint_size: last,
        confidential_parts_checked: confidential.len(),
        confidential_parts_not_held: not_held,
        witnessing,
        appended_meanwhile: size_after - size,
    })
}

/// Verifies leaves from an export (in order), and optionally a checkpoint
/// note against the recomputed tree.
///
/// A checkpoint given must carry cosignatures that meet the witness quorum
/// of `policy` (the charter's when `None`): a copy of the log is only as
/// good as the witnesses who saw the same history.
pub fn verify_leaves(
    leaves: impl Iterator<Item = Result<(u64, Vec<u8>), AuditFailure>>,
    checkpoint: Option<&str>,
    log_key: Option<NoteVerifier>,
    policy: Option<&WitnessPolicy>,
    progress: &mut dyn FnMut(u64),
) -> Result<AuditReport, AuditFailure> {
    verify_lines(
        leaves,
        &|_, leaf| Ok(leaf),
        default_workers(),
        (checkpoint, log_key, policy),
        progress,
    )
}

/// As [`verify_leaves`], for lines that `decode` turns into an index and a
/// leaf (given each line's position) on `workers` threads, which also parse
/// the leaves and check their signatures beside the admission. The lines are
/// read a few chunks ahead at most: memory does not grow with the export
/// (beyond the log state every auditor keeps).
pub fn verify_lines<L: Send>(
    lines: impl Iterator<Item = Result<L, AuditFailure>>,
    decode: &(dyn Fn(u64, L) -> Result<(u64, Vec<u8>), AuditFailure> + Sync),
    workers: usize,
    (checkpoint, log_key, policy): (Option<&str>, Option<NoteVerifier>, Option<&WitnessPolicy>),
    progress: &mut dyn FnMut(u64),
) -> Result<AuditReport, AuditFailure> {
    let mut auditor = Auditor::pinned(log_key);
    let mut roots = BTreeMap::new();
    roots.insert(0, truce_tlog::empty_root());
    let wanted = checkpoint
        .and_then(|n| n.lines().nth(1))
        .and_then(|l| l.parse::<u64>().ok());
    let prepare = |position: u64, line: Result<L, AuditFailure>| {
        line.and_then(|line| decode(position, line))
            .map(|(index, leaf)| (index, Auditor::parse(index, &leaf)))
    };
    let mut lines = lines;
    std::thread::scope(|scope| -> Result<(), AuditFailure> {
        let mut pipe = Pipeline::start(scope, workers, &prepare);
        let mut more = true;
        loop {
            while more && pipe.has_room() {
                let chunk: Vec<_> = lines.by_ref().take(CHUNK as usize).collect();
                more = chunk.len() as u64 == CHUNK;
                if !chunk.is_empty() {
                    pipe.submit(chunk);
                }
            }
            let Some(chunk) = pipe.next_chunk()? else {
                break;
            };
            let mut pending = Vec::with_capacity(chunk.len());
            for item in chunk {
                let admitted = item.and_then(|(index, parsed)| {
                    if index != auditor.size() {
                        return Err(fail(
                            Place::Record(auditor.size()),
                            format!("is missing: the next line holds index {index}"),
                        ));
                    }
                    let record = parsed?;
                    let (keys, _) = auditor.push_unverified(&record)?;
                    Ok(Unverified {
                        index,
                        record,
                        keys,
                    })
                });
                match admitted {
                    Ok(admitted) => pending.push(admitted),
                    Err(failure) => return Err(pipe.late(&pending, failure)),
                }
                if Some(auditor.size()) == wanted {
                    roots.insert(auditor.size(), auditor.root());
                }
            }
            pipe.verify(pending)?;
            if let Some(failure) = pipe.failed() {
                return Err(failure);
            }
            progress(pipe.verified());
        }
        pipe.settle(&[]).map_or(Ok(()), Err)
    })?;
    progress(auditor.size());
    let checked = match checkpoint {
        Some(note) => Some(auditor.check_checkpoint(note, &roots)?.size),
        None => None,
    };
    let witnessing = match (checkpoint, checked, policy_of(&auditor, policy)) {
        (Some(note), Some(size), Some(policy)) => {
            let place = Place::Checkpoint { size };
            let w = Witnessing::of(&policy, size, note).map_err(|e| fail(place.clone(), e))?;
            w.require_quorum().map_err(|e| fail(place, e))?;
            Some(w)
        }
        _ => None,
    };
    Ok(AuditReport {
        records: auditor.size(),
        charter: auditor.charter(),
        log_key: auditor.log_key().map(NoteVerifier::vkey),
        root: auditor.root(),
        checkpoints_checked: usize::from(checked.is_some()),
        checkpoint_size: checked,
        confidential_parts_checked: 0,
        confidential_parts_not_held: 0,
        witnessing,
        // An export is a file: nothing is appended to it.
        appended_meanwhile: 0,
    })
}
