//! Single-record proof bundles: one record, everything needed to check it
//! offline, and nothing else.
//!
//! A bundle holds the record's leaf, the record that established its
//! author's key (the charter, a `member.add` or a `member.rotate_key`) with
//! its own leaf, an RFC 9162 inclusion proof for each in the same tree, and
//! the checkpoint note that signs that tree. `verify_bundle` checks that the
//! checkpoint is signed by the log key (pinned by the verifier, or else the
//! one the charter names when the key record is the charter), that both
//! leaves are in the tree, and that the record's signature verifies under
//! the key the key record grants its author.
//!
//! The checkpoint is the latest one the charter's witnesses have cosigned
//! to quorum when it covers the record (with their cosignatures), else the
//! latest; the charter rides along (with its proof) when it is not already
//! the key record, so that its witness policy is at hand offline, and
//! `verify_bundle` refuses a checkpoint whose cosignatures miss the quorum.
//!
//! The format (JSON, `"format": "truce-bundle/v1"`) is documented in
//! ARCHITECTURE.md; hashes and leaves are standard base64.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use truce_core::kinds::Body;
use truce_core::record::Record;
use truce_store::{Store, StoreHashes, StoredCheckpoint};
use truce_tlog::note::NoteVerifier;
use truce_tlog::proof_file::TlogProof;
use truce_tlog::{Checkpoint, Hash, WitnessPolicy};

use crate::witnessed::Witnessing;

pub const BUNDLE_FORMAT: &str = "truce-bundle/v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProvenLeaf {
    pub index: u64,
    /// The exact leaf bytes, base64.
    pub leaf: String,
    /// Inclusion proof in the checkpoint's tree.
    pub proof: Vec<Hash>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always "truce-bundle/v1".
    pub format: String,
    pub record: ProvenLeaf,
    /// The record that granted the author's signing key.
    pub key_record: ProvenLeaf,
    /// The charter (record 0), when the key record is not: its witness
    /// policy says which cosignatures the checkpoint needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charter: Option<ProvenLeaf>,
    /// The signed checkpoint note the proofs lead to, with the witnesses'
    /// cosignatures.
    pub checkpoint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("not a {BUNDLE_FORMAT} bundle")]
    Format,
    #[error("{0}")]
    Invalid(String),
    #[error("the store cannot build the bundle: {0}")]
    Store(String),
}

fn invalid(msg: impl Into<String>) -> BundleError {
    BundleError::Invalid(msg.into())
}

/// What a verified bundle establishes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BundleReport {
    pub index: u64,
    pub leaf_hash: Hash,
    pub kind: String,
    pub author: String,
    pub tree_size: u64,
    pub root: Hash,
    pub log_key: String,
    /// Who cosigned the checkpoint, under the witness policy.
    pub witnessing: Witnessing,
}

/// Builds the bundle for record `index`, with `key_record` the index of the
/// record that granted its author's key, against the latest witnessed
/// checkpoint that covers it (else the latest).
pub fn build_bundle(store: &dyn Store, index: u64, key_record: u64) -> Result<Bundle, BundleError> {
    let err = |e: truce_store::StoreError| BundleError::Store(truce_store::describe(&e));
    let checkpoint = checkpoint_for(store, index)?;
    let proven = |i: u64| -> Result<ProvenLeaf, BundleError> {
        let stored = store
            .records(i, i.saturating_add(1))
            .map_err(err)?
            .into_iter()
            .next()
            .ok_or_else(|| BundleError::Store(format!("record {i} is not in the log")))?;
        let proof = truce_tlog::inclusion_proof(i, checkpoint.size, &StoreHashes(store))
            .map_err(|e| BundleError::Store(e.to_string()))?;
        Ok(ProvenLeaf {
            index: i,
            leaf: STANDARD.encode(&stored.leaf),
            proof,
        })
    };
    Ok(Bundle {
        format: BUNDLE_FORMAT.into(),
        record: proven(index)?,
        key_record: proven(key_record)?,
        charter: if key_record == 0 {
            None
        } else {
            Some(proven(0)?)
        },
        checkpoint: checkpoint.note,
    })
}

/// The checkpoint a proof of record `index` leads to: the latest that the
/// witnesses cosigned to quorum, with their cosignatures, when it covers the
/// record; else the latest, with whatever cosignatures it has.
fn checkpoint_for(store: &dyn Store, index: u64) -> Result<StoredCheckpoint, BundleError> {
    let err = |e: truce_store::StoreError| BundleError::Store(truce_store::describe(&e));
    let witnessed = match store.latest_witnessed_size().map_err(err)? {
        Some(size) if size > index => truce_store::cosigned_checkpoint(store, size).map_err(err)?,
        _ => None,
    };
    match witnessed {
        Some(c) => Ok(c),
        None => {
            let latest = store
                .latest_checkpoint()
                .map_err(err)?
                .ok_or_else(|| BundleError::Store("the log has no checkpoint yet".into()))?;
            Ok(truce_store::cosigned_checkpoint(store, latest.size)
                .map_err(err)?
                .unwrap_or(latest))
        }
    }
}

/// Record `index` as a c2sp.org/tlog-proof@v1 file: its leaf bytes as the
/// extra data, its inclusion proof, and the checkpoint (with cosignatures)
/// the proof leads to. `truce verify --proof FILE --policy FILE` checks it.
pub fn build_tlog_proof(store: &dyn Store, index: u64) -> Result<TlogProof, BundleError> {
    let err = |e: truce_store::StoreError| BundleError::Store(truce_store::describe(&e));
    let checkpoint = checkpoint_for(store, index)?;
    if index >= checkpoint.size {
        return Err(BundleError::Store(format!(
            "record {index} is not in the log's checkpointed tree of {} records",
            checkpoint.size
        )));
    }
    let stored = store
        .records(index, index.saturating_add(1))
        .map_err(err)?
        .into_iter()
        .next()
        .ok_or_else(|| BundleError::Store(format!("record {index} is not in the log")))?;
    let proof = truce_tlog::inclusion_proof(index, checkpoint.size, &StoreHashes(store))
        .map_err(|e| BundleError::Store(e.to_string()))?;
    Ok(TlogProof {
        extra: Some(stored.leaf),
        index,
        proof,
        checkpoint: checkpoint.note,
    })
}

/// Verifies a bundle offline. With `log_key`, the checkpoint must be signed by
/// it; without, the key record must be the charter and its log key is used.
/// The checkpoint's cosignatures must meet the witness quorum of `policy`,
/// or (when `None`) of the charter the bundle carries.
pub fn verify_bundle(
    bundle: &Bundle,
    log_key: Option<&NoteVerifier>,
    policy: Option<&WitnessPolicy>,
) -> Result<BundleReport, BundleError> {
    if bundle.format != BUNDLE_FORMAT {
        return Err(BundleError::Format);
    }
    let parse = |p: &ProvenLeaf, what: &str| -> Result<Record, BundleError> {
        let bytes = STANDARD
            .decode(&p.leaf)
            .map_err(|_| invalid(format!("the {what}'s leaf is not base64")))?;
        let record = Record::from_json(&bytes).map_err(|e| invalid(format!("the {what}: {e}")))?;
        if record.leaf() != bytes {
            return Err(invalid(format!(
                "the {what}'s leaf is not in canonical form"
            )));
        }
        Ok(record)
    };
    let record = parse(&bundle.record, "record")?;
    let key_record = parse(&bundle.key_record, "key record")?;

    // The charter: the key record itself, or the one carried beside it. It
    // names the log key (unless one is pinned) and, unless a policy is
    // given, the witness policy the checkpoint's cosignatures must meet.
    let carried = match &bundle.charter {
        Some(proven) => {
            if proven.index != 0 {
                return Err(invalid("the charter is record 0"));
            }
            let charter = parse(proven, "charter")?;
            if !matches!(charter.body(), Body::Charter(_)) {
                return Err(invalid("record 0 is not a charter"));
            }
            Some((proven, charter))
        }
        None => None,
    };
    let charter = match (key_record.body(), &carried) {
        (Body::Charter(c), _) if bundle.key_record.index == 0 => Some(c.clone()),
        (_, Some((_, r))) => match r.body() {
            Body::Charter(c) => Some(c.clone()),
            _ => None,
        },
        _ => None,
    };
    let key = match (log_key, &charter) {
        (Some(k), _) => k.clone(),
        (None, Some(c)) => c.log_key.verifier().clone(),
        (None, None) => {
            return Err(invalid(
                "the bundle carries no charter: pass the log key you trust (--log-key) to check the checkpoint",
            ));
        }
    };
    if let Some(c) = &charter
        && c.log_key.verifier() != &key
    {
        return Err(invalid(
            "the charter names another log key than the one expected",
        ));
    }
    let checkpoint = Checkpoint::open(&bundle.checkpoint, &key)
        .map_err(|e| invalid(format!("the checkpoint: {e}")))?;
    let mut proven = vec![
        (&bundle.record, &record, "record"),
        (&bundle.key_record, &key_record, "key record"),
    ];
    if let Some((p, r)) = &carried {
        proven.push((p, r, "charter"));
    }
    for (p, r, what) in proven {
        truce_tlog::verify_inclusion(
            &r.hash(),
            p.index,
            checkpoint.size,
            &p.proof,
            &checkpoint.root,
        )
        .map_err(|e| invalid(format!("the {what} is not in the checkpoint's tree: {e}")))?;
    }
    if key_record.signed().envelope.seq == 0 || bundle.key_record.index > bundle.record.index {
        return Err(invalid("the key record must precede the record"));
    }

    let policy = match (policy, &charter) {
        (Some(p), _) => p.clone(),
        (None, Some(c)) => c
            .policy()
            .map_err(|e| invalid(format!("the charter's witness policy: {e}")))?,
        (None, None) => {
            return Err(invalid(
                "the bundle carries no charter: pass the witness policy you trust (--policy) to check the checkpoint's cosignatures",
            ));
        }
    };
    let witnessing =
        Witnessing::of(&policy, checkpoint.size, &bundle.checkpoint).map_err(invalid)?;
    witnessing.require_quorum().map_err(invalid)?;

    // The key the key record grants the author, and the record's signature under it.
    let author = record.author().clone();
    let granted = match &key_record.body() {
        Body::Charter(c) => c
            .participants
            .iter()
            .flat_map(|p| p.members.iter())
            .find(|m| m.id == author)
            .map(|m| m.key.clone()),
        Body::MemberAdd(b) if b.member.id == author => Some(b.member.key.clone()),
        Body::KeyRotate(b) if b.member == author => Some(b.new_key.clone()),
        _ => None,
    }
    .ok_or_else(|| invalid(format!("the key record grants no key to {author}")))?;
    let signature = record
        .signed()
        .signatures
        .iter()
        .next()
        .ok_or_else(|| invalid("the record is unsigned"))?;
    if signature.key != format!("{:08x}", granted.key_id()) {
        return Err(invalid(
            "the record is signed with another key than the key record grants",
        ));
    }
    record
        .verify_signature(0, granted.verifier().verifying_key())
        .map_err(|e| invalid(format!("the record's signature: {e}")))?;
    Ok(BundleReport {
        index: bundle.record.index,
        leaf_hash: record.hash(),
        kind: record.kind().to_string(),
        author: author.to_string(),
        tree_size: checkpoint.size,
        root: checkpoint.root,
        log_key: key.vkey(),
        witnessing,
    })
}
