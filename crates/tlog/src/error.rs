//! One error type for the whole crate.
//!
//! Why one enum: every caller (the store, the ledger, the verifier CLI) needs
//! to tell "this input is malformed" from "this proof does not check out"
//! from "your store is missing a hash", and a single `TlogError` keeps that
//! distinction without a zoo of per-module error types. Nothing in this crate
//! panics on input; every rejection comes back as one of these variants.

use crate::tree::NodeId;

/// Everything that can go wrong in `truce-tlog`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogError {
    /// A hash was not valid base64 or not exactly 32 bytes.
    #[error("invalid hash: {0}")]
    InvalidHash(String),

    /// The requested (index, size) or (m, n) pair does not describe a proof
    /// that can exist, e.g. a leaf index beyond the tree size.
    #[error("invalid tree range: {0}")]
    InvalidRange(String),

    /// A proof had the wrong shape or did not reproduce the expected root(s).
    #[error("proof verification failed: {0}")]
    ProofMismatch(String),

    /// A consistency proof from the empty tree to a non-empty tree was asked
    /// for or presented. Such a proof commits to nothing, so it is refused
    /// (the policy of github.com/transparency-dev/merkle).
    #[error("consistency from an empty tree proves nothing")]
    ConsistencyFromEmpty,

    /// A [`crate::HashReader`] did not have a hash the algorithm needed.
    #[error("hash for node {0:?} is not available")]
    MissingHash(NodeId),

    /// A [`crate::HashReader`] returned the wrong number of hashes.
    #[error("hash reader returned {got} hashes for {want} ids")]
    ReaderMismatch {
        /// How many ids were requested.
        want: usize,
        /// How many hashes came back.
        got: usize,
    },

    /// A hash reader (i.e. the storage behind it) failed.
    #[error("hash storage error: {0}")]
    Storage(String),

    /// The tree already holds `u64::MAX` leaves.
    #[error("tree is full")]
    TreeFull,

    /// A key name violates c2sp.org/signed-note (empty, contains '+' or a
    /// Unicode space).
    #[error("invalid key name {0:?}")]
    InvalidKeyName(String),

    /// A verifier key string could not be parsed or is inconsistent.
    #[error("invalid verifier key: {0}")]
    InvalidVerifierKey(String),

    /// A signer (private) key string could not be parsed or is inconsistent.
    #[error("invalid signer key: {0}")]
    InvalidSignerKey(String),

    /// The note is not well formed per c2sp.org/signed-note.
    #[error("malformed note: {0}")]
    MalformedNote(String),

    /// A signature by a known key did not verify; the whole note is rejected.
    #[error("invalid signature by {name}+{key_id:08x}")]
    InvalidSignature {
        /// Key name from the signature line.
        name: String,
        /// Key id from the signature.
        key_id: u32,
    },

    /// No signature on the note was made by a known key.
    #[error("note has no verifiable signature from a known key")]
    UnverifiedNote,

    /// A witness cosignature is not a `cosignature/v1` timestamped
    /// signature, or is not by the key it was checked against.
    #[error("malformed cosignature: {0}")]
    MalformedCosignature(String),

    /// A c2sp.org/tlog-witness request or answer is not spelled as the spec
    /// spells it.
    #[error("malformed witness message: {0}")]
    MalformedWitnessMessage(String),

    /// A c2sp.org/tlog-proof file is not spelled as the spec spells it.
    #[error("malformed proof file: {0}")]
    MalformedProofFile(String),

    /// A c2sp.org/tlog-policy text is not valid.
    #[error("witness policy: {0}")]
    Policy(String),

    /// The checkpoint body is not well formed per c2sp.org/tlog-checkpoint.
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),

    /// A tile path is not spelled as c2sp.org/tlog-tiles spells it.
    #[error("{0:?} is not a tile path")]
    MalformedTilePath(String),

    /// The checkpoint's origin line does not match the log key's name.
    #[error("checkpoint origin {origin:?} does not match log key name {key_name:?}")]
    OriginMismatch {
        /// Origin line of the checkpoint.
        origin: String,
        /// Name of the log key used to open it.
        key_name: String,
    },
}
