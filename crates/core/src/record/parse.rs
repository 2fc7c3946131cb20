use super::envelope::{ENVELOPE_VERSION, RECORD_DOMAIN, SignedRecord};
use crate::canonical::{self, CanonicalError};
use crate::kinds::{Body, Invalid, Kind};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use truce_tlog::{Hash, leaf_hash};

/// A record's canonical bytes may be at most 65,535 bytes (evidence travels as
/// blobs), so that every leaf fits a c2sp.org/tlog-tiles entry bundle, whose
/// entries carry a 16-bit length.
pub const MAX_RECORD_BYTES: usize = 65_535;

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("the record is not JSON: {0}")]
    NotJson(String),
    #[error("the record is {0} bytes; the limit is {MAX_RECORD_BYTES}")]
    TooLarge(usize),
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error("the record is malformed: {0}")]
    Malformed(String),
    #[error("envelope version {0} is not supported (this build reads version {ENVELOPE_VERSION})")]
    Version(u32),
    /// The body is not one of its kind (the JSON reader's words).
    #[error("{0}")]
    Invalid(String),
    /// The body breaks a rule that spans its fields.
    #[error("{kind}: {invalid}")]
    Body { kind: Kind, invalid: Invalid },
    #[error("the body names record {0} but the envelope's refs do not list it")]
    RefNotListed(Hash),
    #[error("refs lists {0} twice")]
    RefTwice(Hash),
    #[error("the record carries no signature")]
    Unsigned,
    /// The leaf no longer holds the envelope it was parsed with (a `Record`
    /// changed after parsing): nothing it carries is checked as signed.
    #[error("the record's leaf no longer holds its signed envelope")]
    Inconsistent,
    /// Bytes read as a stored leaf are not the canonical form of the record
    /// they hold.
    #[error("the bytes are not the record's canonical form (RFC 8785)")]
    NotCanonical,
    #[error("signature {index} is not a valid base64 Ed25519 signature")]
    SignatureEncoding { index: usize },
    #[error("signature {index} (by {member}) does not verify")]
    BadSignature { index: usize, member: String },
}

/// A record parsed, canonicalised and hashed: the unit the log admits.
///
/// Its parts are read through methods, never written: the body, the leaf
/// and the hash are one fact seen three ways, and a `Record` exists only as
/// `from_json` (or signing) made it, so they cannot disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    signed: SignedRecord,
    body: Body,
    /// The exact leaf bytes (RFC 8785 of `signed`).
    leaf: Vec<u8>,
    /// RFC 6962 leaf hash of `leaf`: the record's identity.
    hash: Hash,
    /// Length of the canonical envelope inside `leaf`, after `LEAF_PREFIX`.
    envelope_len: usize,
}

const LEAF_PREFIX: &[u8] = b"{\"envelope\":";
const LEAF_MIDDLE: &[u8] = b",\"signatures\":";

impl Record {
    /// Parses bytes from outside. Any JSON formatting is accepted; the leaf is
    /// the canonical form of what was sent.
    pub fn from_json(bytes: &[u8]) -> Result<Record, RecordError> {
        if bytes.len() > MAX_RECORD_BYTES * 2 {
            return Err(RecordError::TooLarge(bytes.len()));
        }
        let value = crate::strict_json::from_slice(bytes)
            .map_err(|e| RecordError::NotJson(e.to_string()))?;
        Self::from_value(value)
    }

    /// Reads a leaf that must already be the record's canonical form, as a
    /// log stores it: what [`Record::from_json`] gives when its leaf is these
    /// very bytes, and an error for anything else.
    ///
    /// It accepts exactly those bytes, faster: the envelope is read straight
    /// into its typed fields, without the intermediate JSON value and the
    /// duplicate-name check (`truce verify` spent about 30% of its time
    /// there). Those checks are not lost: a leaf with a duplicate name, a
    /// `null` or a float reads as another record, whose canonical form is
    /// then not these bytes, and is refused. The fuzz target `record` checks
    /// that both readers agree on every input.
    pub fn from_canonical_leaf(bytes: &[u8]) -> Result<Record, RecordError> {
        if bytes.len() > MAX_RECORD_BYTES {
            return Err(RecordError::TooLarge(bytes.len()));
        }
        let signed: SignedRecord =
            serde_json::from_slice(bytes).map_err(|e| RecordError::NotJson(e.to_string()))?;
        let record = Self::from_signed(signed)?;
        if record.leaf != bytes {
            return Err(RecordError::NotCanonical);
        }
        Ok(record)
    }

    pub fn from_value(value: serde_json::Value) -> Result<Record, RecordError> {
        canonical::check_record_value(&value)?;
        let signed: SignedRecord =
            serde_json::from_value(value).map_err(|e| RecordError::Malformed(e.to_string()))?;
        Self::from_signed(signed)
    }

    pub fn from_signed(mut signed: SignedRecord) -> Result<Record, RecordError> {
        if signed.envelope.v != ENVELOPE_VERSION {
            return Err(RecordError::Version(signed.envelope.v));
        }
        if signed.envelope.seq > canonical::MAX_SAFE_INTEGER {
            return Err(CanonicalError::UnsafeInteger {
                path: "$.envelope.seq".into(),
            }
            .into());
        }
        canonical::check_record_value(&signed.envelope.body)?;
        let body = Body::parse(signed.envelope.kind, &signed.envelope.body)
            .map_err(RecordError::Invalid)?;
        body.validate().map_err(|invalid| RecordError::Body {
            kind: signed.envelope.kind,
            invalid,
        })?;
        for r in body.references() {
            if !signed.envelope.refs.iter().any(|x| *x == r) {
                return Err(RecordError::RefNotListed(r));
            }
        }
        let mut seen = Vec::new();
        for r in &signed.envelope.refs {
            if seen.contains(r) {
                return Err(RecordError::RefTwice(*r));
            }
            seen.push(*r);
        }
        if signed.signatures.is_empty() {
            return Err(RecordError::Unsigned);
        }
        // RFC 8785 writes an object as its members sorted by key, each value
        // in its own canonical form, so the leaf can be assembled from the
        // canonical envelope and signatures — and the signed bytes are then a
        // slice of the leaf, never canonicalised twice.
        let body_tree = std::mem::take(&mut signed.envelope.body);
        let (envelope, body_tree) =
            canonical::to_canonical_bytes_with_body(&signed.envelope, body_tree);
        signed.envelope.body = body_tree;
        let envelope = envelope?;
        let signatures = canonical::to_canonical_bytes(&signed.signatures)?;
        let mut leaf = Vec::with_capacity(
            LEAF_PREFIX.len() + envelope.len() + LEAF_MIDDLE.len() + signatures.len() + 1,
        );
        leaf.extend_from_slice(LEAF_PREFIX);
        leaf.extend_from_slice(&envelope);
        leaf.extend_from_slice(LEAF_MIDDLE);
        leaf.extend_from_slice(&signatures);
        leaf.push(b'}');
        if leaf.len() > MAX_RECORD_BYTES {
            return Err(RecordError::TooLarge(leaf.len()));
        }
        let hash = leaf_hash(&leaf);
        Ok(Record {
            signed,
            body,
            leaf,
            hash,
            envelope_len: envelope.len(),
        })
    }

    /// The bytes the signatures cover: the domain tag and the canonical
    /// envelope, taken from the leaf. Fails closed: a leaf that no longer
    /// holds the envelope where parsing found it is an error, never an empty
    /// message to check signatures against.
    pub fn signing_message(&self) -> Result<Vec<u8>, RecordError> {
        let envelope = LEAF_PREFIX
            .len()
            .checked_add(self.envelope_len)
            .and_then(|end| self.leaf.get(LEAF_PREFIX.len()..end))
            .filter(|_| self.leaf.starts_with(LEAF_PREFIX))
            .ok_or(RecordError::Inconsistent)?;
        let mut message = Vec::with_capacity(RECORD_DOMAIN.len() + envelope.len());
        message.extend_from_slice(RECORD_DOMAIN);
        message.extend_from_slice(envelope);
        Ok(message)
    }

    /// The signed envelope and its signatures, as parsed.
    pub fn signed(&self) -> &SignedRecord {
        &self.signed
    }

    /// The typed body (what `signed().envelope.body` says, parsed by kind).
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The body, giving up the rest.
    pub fn into_body(self) -> Body {
        self.body
    }

    /// The exact leaf bytes: RFC 8785 of the envelope and signatures.
    pub fn leaf(&self) -> &[u8] {
        &self.leaf
    }

    /// The RFC 6962 leaf hash of the leaf: the record's identity.
    pub fn hash(&self) -> Hash {
        self.hash
    }

    pub fn kind(&self) -> Kind {
        self.signed.envelope.kind
    }

    pub fn author(&self) -> &crate::values::MemberId {
        &self.signed.envelope.author
    }

    pub fn time(&self) -> crate::values::Timestamp {
        self.signed.envelope.time
    }

    pub fn signature_bytes(&self, index: usize) -> Result<[u8; 64], RecordError> {
        let s = self
            .signed
            .signatures
            .as_slice()
            .get(index)
            .ok_or(RecordError::Unsigned)?;
        let bytes = STANDARD
            .decode(&s.sig)
            .map_err(|_| RecordError::SignatureEncoding { index })?;
        bytes
            .try_into()
            .map_err(|_| RecordError::SignatureEncoding { index })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::record::RecordDraft;
    use crate::values::{Label, MemberId, Timestamp};
    use truce_tlog::note::NoteSigner;

    /// Only this module can make a `Record` whose leaf no longer holds its
    /// envelope; should it ever, the record has no signed message and its
    /// signatures do not check (they were once checked against an empty slice).
    #[test]
    fn a_leaf_that_no_longer_holds_its_envelope_has_no_signing_message() {
        let signer = NoteSigner::generate("pakistan.liaison", &mut rand::rngs::OsRng).unwrap();
        let body = Body::parse(
            Kind::Statement,
            &serde_json::json!({"category": "demands", "title": "T", "text": "Words."}),
        )
        .unwrap();
        let record = RecordDraft {
            log: Label::parse("truce.example/test").unwrap(),
            author: MemberId::parse("pakistan.liaison").unwrap(),
            seq: 1,
            time: Timestamp::parse("2025-10-26T09:30:00Z").unwrap(),
            body,
            confidential: None,
            extra_refs: vec![],
        }
        .sign(&[&signer])
        .unwrap();
        let key = signer.signing_key().verifying_key();
        assert!(record.verify_signature(0, &key).is_ok());
        let mut shortened = record.clone();
        shortened.leaf.truncate(8);
        let mut replaced = record;
        replaced.leaf = b"[1,2,3]".repeat(1000);
        for broken in [shortened, replaced] {
            assert_eq!(broken.signing_message(), Err(RecordError::Inconsistent));
            assert_eq!(
                broken.verify_signature(0, &key),
                Err(RecordError::Inconsistent)
            );
        }
    }
}
