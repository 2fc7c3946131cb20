use super::envelope::{ENVELOPE_VERSION, Envelope, RECORD_DOMAIN, RecordSignature, SignedRecord};
use super::parse::{Record, RecordError};
use crate::canonical;
use crate::kinds::Body;
use crate::kinds::common::RecordRef;
use crate::sealed::SealedPart;
use crate::values::{Bounded, Label, MemberId, Timestamp};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer;
use truce_tlog::note::NoteSigner;

/// The bytes a record's signatures cover.
pub fn signing_message(envelope: &Envelope) -> Result<Vec<u8>, RecordError> {
    let mut message = RECORD_DOMAIN.to_vec();
    message.extend(canonical::to_canonical_bytes(envelope)?);
    Ok(message)
}

/// A record about to be signed: everything but the signatures.
#[derive(Clone, Debug)]
pub struct RecordDraft {
    pub log: Label,
    pub author: MemberId,
    pub seq: u64,
    pub time: Timestamp,
    pub body: Body,
    pub confidential: Option<SealedPart>,
    /// Extra references beyond those the body names (e.g. a correction's target).
    pub extra_refs: Vec<RecordRef>,
}

impl RecordDraft {
    pub fn envelope(&self) -> Result<Envelope, RecordError> {
        let mut unique = Vec::new();
        for r in self
            .body
            .references()
            .into_iter()
            .chain(self.extra_refs.iter().copied())
        {
            if !unique.contains(&r) {
                unique.push(r);
            }
        }
        Ok(Envelope {
            v: ENVELOPE_VERSION,
            log: self.log.clone(),
            kind: self.body.kind(),
            author: self.author.clone(),
            seq: self.seq,
            time: self.time,
            refs: Bounded::new(unique).map_err(RecordError::Invalid)?,
            body: self
                .body
                .to_value()
                .map_err(|e| RecordError::Invalid(e.to_string()))?,
            confidential: self.confidential.clone(),
        })
    }

    /// Signs with the author's key and any co-signers' (charter only), in order.
    pub fn sign(&self, signers: &[&NoteSigner]) -> Result<Record, RecordError> {
        let envelope = self.envelope()?;
        let message = signing_message(&envelope)?;
        let mut signatures = Vec::with_capacity(signers.len());
        for signer in signers {
            let member = MemberId::parse(signer.name()).map_err(RecordError::Invalid)?;
            signatures.push(RecordSignature {
                member,
                key: format!("{:08x}", signer.key_id()),
                sig: STANDARD.encode(signer.signing_key().sign(&message).to_bytes()),
            });
        }
        let signed = SignedRecord {
            envelope,
            signatures: Bounded::new(signatures).map_err(RecordError::Invalid)?,
        };
        Record::from_signed(signed)
    }
}
