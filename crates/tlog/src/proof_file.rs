//! Single-entry proofs as files (c2sp.org/tlog-proof@v1): an entry's index,
//! its inclusion proof, and the checkpoint — with witnesses' cosignatures —
//! that the proof leads to, in one text that verifies offline against a
//! witness policy.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 of opaque data: for Truce, the record's leaf bytes>
//! index 73894
//! <inclusion proof hashes, one per line>
//!
//! <the checkpoint note, verbatim>
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::TlogError;
use crate::checkpoint::Checkpoint;
use crate::hash::{Hash, leaf_hash};
use crate::note::{NoteVerifier, parse_note};
use crate::policy::{Cosigned, WitnessPolicy};
use crate::proof::verify_inclusion;

/// The first line of every proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A parsed proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque extra data (unauthenticated by the format itself).
    pub extra: Option<Vec<u8>>,
    /// The entry's zero-based index.
    pub index: u64,
    /// The RFC 6962 inclusion proof, from the leaf's sibling up.
    pub proof: Vec<Hash>,
    /// The checkpoint note, verbatim (with its cosignatures).
    pub checkpoint: String,
}

fn malformed(why: impl Into<String>) -> TlogError {
    TlogError::MalformedProofFile(why.into())
}

/// What a verified proof establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProof {
    pub checkpoint: Checkpoint,
    /// The policy's witnesses whose cosignatures verify.
    pub cosigners: Vec<Cosigned>,
}

impl TlogProof {
    /// The proof's text.
    pub fn encode(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            out.push_str(&h.to_base64());
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a proof's text.
    pub fn parse(text: &str) -> Result<Self, TlogError> {
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or_else(|| malformed("no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(malformed(format!("the first line must be {HEADER}")));
        }
        let mut next = lines.next();
        let extra = match next.and_then(|l| l.strip_prefix("extra ")) {
            Some(b64) => {
                let bytes = STANDARD
                    .decode(b64)
                    .map_err(|e| malformed(format!("extra is not base64: {e}")))?;
                next = lines.next();
                Some(bytes)
            }
            None => None,
        };
        let index = next
            .and_then(|l| l.strip_prefix("index "))
            .ok_or_else(|| malformed("missing the index line"))?;
        if index.is_empty()
            || !index.bytes().all(|b| b.is_ascii_digit())
            || (index.len() > 1 && index.starts_with('0'))
        {
            return Err(malformed(format!("{index:?} is not an index")));
        }
        let index = index
            .parse()
            .map_err(|_| malformed(format!("{index:?} is out of range")))?;
        let proof = lines
            .map(|l| Hash::from_base64(l).map_err(|e| malformed(format!("proof line {l:?}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        // The checkpoint must itself be a well-formed signed note.
        parse_note(checkpoint)?;
        Ok(TlogProof {
            extra,
            index,
            proof,
            checkpoint: checkpoint.to_owned(),
        })
    }

    /// Verifies the proof for the entry whose leaf hash is `leaf`: the
    /// checkpoint is signed by one of `logs` (named after its origin), the
    /// entry is included in its tree, and its cosignatures meet `policy`'s
    /// quorum.
    pub fn verify(
        &self,
        leaf: &Hash,
        logs: &[NoteVerifier],
        policy: &WitnessPolicy,
    ) -> Result<VerifiedProof, TlogError> {
        let parsed = parse_note(&self.checkpoint)?;
        let origin = Checkpoint::parse(&parsed.text)?.origin;
        let key = logs
            .iter()
            .find(|k| k.name() == origin)
            .ok_or_else(|| malformed(format!("no trusted log key for the origin {origin:?}")))?;
        let checkpoint = Checkpoint::open(&self.checkpoint, key)?;
        verify_inclusion(
            leaf,
            self.index,
            checkpoint.size,
            &self.proof,
            &checkpoint.root,
        )?;
        let cosigners = policy.cosigners(&parsed.text, &parsed.signatures);
        let names: Vec<&str> = cosigners.iter().map(|c| c.witness.as_str()).collect();
        if !policy.satisfied_by(&names) {
            return Err(TlogError::Policy(format!(
                "the checkpoint's cosignatures do not meet the quorum {}: cosigned by {}",
                policy.quorum().unwrap_or("none"),
                if names.is_empty() {
                    "no witness of the policy".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
        Ok(VerifiedProof {
            checkpoint,
            cosigners,
        })
    }

    /// The leaf hash of the extra data, when it is the entry itself.
    pub fn extra_leaf_hash(&self) -> Option<Hash> {
        self.extra.as_deref().map(leaf_hash)
    }
}
