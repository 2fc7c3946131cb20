//! The auditor: re-derives everything a log asserts from its leaves alone and
//! compares it with what the log stored and signed. It trusts nothing stored
//! except as a claim to check: every leaf is re-parsed, re-canonicalised,
//! re-admitted with full signature checks; every tree node and checkpoint
//! root is recomputed. The first discrepancy is named by its place.

use std::collections::BTreeMap;
use std::fmt;
use truce_core::LogState;
use truce_core::admission::Signatures;
use truce_core::record::Record;
use truce_core::sealed::Opening;
use truce_store::Store;
use truce_tlog::note::NoteVerifier;
use truce_tlog::{Checkpoint, Frontier, Hash, NodeId, WitnessPolicy};

use crate::witnessed::Witnessing;

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
    /// Who cosigned, under the witness policy: for a store, its latest
    /// checkpoint that met the quorum (or, while none has, its latest); for
    /// an export, the checkpoint given with it.
    pub witnessing: Option<Witnessing>,
}

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

    /// Checks the next leaf and returns the record and the tree nodes it completes.
    pub fn push(&mut self, leaf: &[u8]) -> Result<(Record, Vec<(NodeId, Hash)>), AuditFailure> {
        let index = self.frontier.size();
        let place = Place::Record(index);
        let record = Record::from_json(leaf).map_err(|e| fail(place.clone(), e.to_string()))?;
        if record.leaf() != leaf {
            return Err(fail(
                place,
                "the stored bytes are not the record's canonical form",
            ));
        }
        self.state
            .admit_with(&record, Signatures::Verify)
            .map_err(|e| fail(place.clone(), e.to_string()))?;
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
        Ok((record, nodes))
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

/// The policy to check cosignatures with: the one given, or the charter's.
fn policy_of(auditor: &Auditor, given: Option<&WitnessPolicy>) -> Option<WitnessPolicy> {
    given
        .cloned()
        .or_else(|| auditor.state().charter().and_then(|c| c.policy().ok()))
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
    let db = |e: truce_store::StoreError| fail(Place::Log, truce_store::describe(&e));
    let size = store.size().map_err(db)?;
    let checkpoints = store.checkpoints().map_err(db)?;
    let wanted: Vec<u64> = checkpoints.iter().map(|c| c.size).collect();
    let mut roots = BTreeMap::new();
    roots.insert(0, truce_tlog::empty_root());
    let mut auditor = Auditor::pinned(log_key);
    let mut confidential = Vec::new();
    let mut start = 0;
    while start < size {
        let end = (start + 2_000).min(size);
        let stored = store.records(start, end).map_err(db)?;
        let mut computed_nodes = Vec::new();
        for s in &stored {
            if s.index != auditor.size() {
                return Err(fail(
                    Place::Record(auditor.size()),
                    "is missing from the store",
                ));
            }
            let (record, nodes) = auditor.push(&s.leaf)?;
            if record.hash() != s.hash {
                return Err(fail(
                    Place::Record(s.index),
                    "its stored hash is not the hash of its bytes",
                ));
            }
            if let Some(sealed) = &record.signed().envelope.confidential {
                let place = Place::ConfidentialPart(s.index);
                let bytes = store
                    .opening(s.index)
                    .map_err(db)?
                    .ok_or_else(|| fail(place.clone(), "is missing"))?;
                let opening: Opening = serde_json::from_slice(&bytes)
                    .map_err(|e| fail(place.clone(), e.to_string()))?;
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
                confidential.push(s.index);
            }
            computed_nodes.extend(nodes);
            if wanted.binary_search(&auditor.size()).is_ok() {
                roots.insert(auditor.size(), auditor.root());
            }
        }
        if stored.len() as u64 != end - start {
            return Err(fail(
                Place::Record(auditor.size()),
                "is missing from the store",
            ));
        }
        let ids: Vec<NodeId> = computed_nodes.iter().map(|(id, _)| *id).collect();
        let stored_nodes = store
            .nodes(&ids)
            .map_err(|e| fail(Place::Log, e.to_string()))?;
        if stored_nodes.len() != computed_nodes.len() {
            return Err(fail(
                Place::Log,
                "the store returned fewer tree nodes than asked for",
            ));
        }
        for ((id, computed), stored) in computed_nodes.iter().zip(&stored_nodes) {
            if computed != stored {
                return Err(fail(
                    Place::TreeNode {
                        level: id.level,
                        index: id.index,
                    },
                    format!("stored hash {stored} differs from the recomputed {computed}"),
                ));
            }
        }
        progress(end, size);
        start = end;
    }
    // Nothing stored beyond what the records imply: no stray openings, no extra nodes.
    let openings = store.opening_indexes().map_err(db)?;
    if let Some(stray) = openings
        .iter()
        .find(|i| confidential.binary_search(i).is_err())
    {
        return Err(fail(
            Place::ConfidentialPart(*stray),
            "is stored for a record that has no confidential part",
        ));
    }
    let expected_nodes = size - u64::from(size.count_ones());
    let stored_nodes = store.internal_node_count().map_err(db)?;
    if stored_nodes != expected_nodes {
        return Err(fail(
            Place::Log,
            format!(
                "the store holds {stored_nodes} tree nodes above the leaves; a tree of {size} has {expected_nodes}"
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
    if size > 0 && last != Some(size) {
        return Err(fail(
            Place::Log,
            format!(
                "the latest checkpoint covers {} of {size} records",
                last.map_or("none".to_string(), |s| s.to_string())
            ),
        ));
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
            match store.latest_witnessed_size().map_err(db)? {
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
        witnessing,
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
    let mut auditor = Auditor::pinned(log_key);
    let mut roots = BTreeMap::new();
    roots.insert(0, truce_tlog::empty_root());
    let wanted = checkpoint
        .and_then(|n| n.lines().nth(1))
        .and_then(|l| l.parse::<u64>().ok());
    for item in leaves {
        let (index, leaf) = item?;
        if index != auditor.size() {
            return Err(fail(
                Place::Record(auditor.size()),
                format!("is missing: the next line holds index {index}"),
            ));
        }
        auditor.push(&leaf)?;
        if Some(auditor.size()) == wanted {
            roots.insert(auditor.size(), auditor.root());
        }
        progress(auditor.size());
    }
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
        witnessing,
    })
}
