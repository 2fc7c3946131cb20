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
//! The format (JSON, `"format": "truce-bundle/v1"`) is documented in
//! ARCHITECTURE.md; hashes and leaves are standard base64.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use truce_core::kinds::Body;
use truce_core::record::Record;
use truce_store::{Store, StoreHashes};
use truce_tlog::note::NoteVerifier;
use truce_tlog::{Checkpoint, Hash};

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
    /// The signed checkpoint note both proofs lead to.
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
}

/// Builds the bundle for record `index` against the latest checkpoint, with
/// `key_record` the index of the record that granted its author's key.
pub fn build_bundle(store: &dyn Store, index: u64, key_record: u64) -> Result<Bundle, BundleError> {
    let err = |e: truce_store::StoreError| BundleError::Store(truce_store::describe(&e));
    let checkpoint = store
        .latest_checkpoint()
        .map_err(err)?
        .ok_or_else(|| BundleError::Store("the log has no checkpoint yet".into()))?;
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
        checkpoint: checkpoint.note,
    })
}

/// Verifies a bundle offline. With `log_key`, the checkpoint must be signed by
/// it; without, the key record must be the charter and its log key is used.
pub fn verify_bundle(
    bundle: &Bundle,
    log_key: Option<&NoteVerifier>,
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

    let key = match (log_key, &key_record.body()) {
        (Some(k), _) => k.clone(),
        (None, Body::Charter(c)) => c.log_key.verifier().clone(),
        (None, _) => {
            return Err(invalid(
                "the key record is not the charter: pass the log key you trust (--log-key) to check the checkpoint",
            ));
        }
    };
    if let Body::Charter(c) = &key_record.body()
        && c.log_key.verifier() != &key
    {
        return Err(invalid(
            "the charter names another log key than the one expected",
        ));
    }
    let checkpoint = Checkpoint::open(&bundle.checkpoint, &key)
        .map_err(|e| invalid(format!("the checkpoint: {e}")))?;
    for (p, r, what) in [
        (&bundle.record, &record, "record"),
        (&bundle.key_record, &key_record, "key record"),
    ] {
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
    })
}
