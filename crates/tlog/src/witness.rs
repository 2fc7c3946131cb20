//! The witness protocol (c2sp.org/tlog-witness) without its transport: the
//! `add-checkpoint` request body, and the decision a witness takes on it
//! given what it last cosigned for that log.
//!
//! Why here and pure: the witness service, the log that submits to
//! witnesses and the tests of a dishonest operator must agree on every byte
//! and every status code, so they share this one implementation; the
//! service only adds the atomic compare-and-store around [`decide`].

use crate::checkpoint::Checkpoint;
use crate::hash::Hash;
use crate::note::{Note, NoteVerifier, open_note, parse_note};
use crate::proof::verify_consistency;
use crate::{NoteSignature, TlogError};

/// Most consistency proof lines a request may carry.
pub const MAX_PROOF_LINES: usize = 63;

/// The body of `POST <submission prefix>/add-checkpoint`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the checkpoint the client believes the witness holds.
    pub old_size: u64,
    /// A consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, as sent.
    pub checkpoint: String,
}

fn malformed(why: impl Into<String>) -> TlogError {
    TlogError::MalformedWitnessMessage(why.into())
}

/// Parses a decimal size as the spec writes sizes: digits, no leading zero.
fn parse_size(s: &str) -> Result<u64, TlogError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return Err(malformed(format!("{s:?} is not a size")));
    }
    s.parse()
        .map_err(|_| malformed(format!("{s:?} is out of range")))
}

impl AddCheckpoint {
    /// Parses a request body.
    pub fn parse(body: &[u8]) -> Result<Self, TlogError> {
        let body = std::str::from_utf8(body).map_err(|_| malformed("not UTF-8"))?;
        let (head, checkpoint) = body
            .split_once("\n\n")
            .ok_or_else(|| malformed("no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        let old = lines.next().unwrap_or_default();
        let old_size = parse_size(
            old.strip_prefix("old ")
                .ok_or_else(|| malformed("the first line must be `old <size>`"))?,
        )?;
        let mut proof = Vec::new();
        for line in lines {
            if proof.len() == MAX_PROOF_LINES {
                return Err(malformed(format!(
                    "more than {MAX_PROOF_LINES} consistency proof lines"
                )));
            }
            proof.push(
                Hash::from_base64(line)
                    .map_err(|e| malformed(format!("proof line {line:?}: {e}")))?,
            );
        }
        Ok(AddCheckpoint {
            old_size,
            proof,
            checkpoint: checkpoint.to_owned(),
        })
    }

    /// The request body.
    pub fn encode(&self) -> String {
        let mut out = format!("old {}\n", self.old_size);
        for h in &self.proof {
            out.push_str(&h.to_base64());
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }
}

/// What a witness holds for one log: the latest checkpoint it cosigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witnessed {
    pub size: u64,
    pub root: Hash,
    /// The signed checkpoint note it cosigned (the log's signature on it).
    pub note: String,
}

/// The witness's answer when it does not cosign. Each maps to the status
/// code the spec requires ([`Refusal::status`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The body, the note or the checkpoint is malformed (400).
    Malformed(String),
    /// The witness trusts no key for this origin (404).
    UnknownOrigin(String),
    /// No signature verifies against a trusted key of the origin (403).
    NotSignedByLog,
    /// `old` is larger than the checkpoint's size (400). When `old` is what
    /// the witness holds, the log is presenting a smaller tree as its
    /// latest: `rollback` is then true.
    OldSizeTooLarge { rollback: bool },
    /// `old` is not the size the witness last cosigned (409, with that size).
    SizeMismatch { latest: u64 },
    /// Same size as the witness holds, another root: a fork (409).
    RootMismatch,
    /// The consistency proof does not verify (422).
    ProofFailed(String),
}

impl Refusal {
    /// The HTTP status code c2sp.org/tlog-witness gives this case.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Malformed(_) | Refusal::OldSizeTooLarge { .. } => 400,
            Refusal::NotSignedByLog => 403,
            Refusal::UnknownOrigin(_) => 404,
            Refusal::SizeMismatch { .. } | Refusal::RootMismatch => 409,
            Refusal::ProofFailed(_) => 422,
        }
    }

    /// Whether the request, validly signed by the log, contradicts what the
    /// witness cosigned: evidence of misbehaviour to keep (a fork, a failed
    /// proof from the cosigned state, or a rollback presented as latest).
    pub fn is_evidence(&self) -> bool {
        matches!(
            self,
            Refusal::RootMismatch
                | Refusal::ProofFailed(_)
                | Refusal::OldSizeTooLarge { rollback: true }
        )
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Malformed(why) => write!(f, "malformed request: {why}"),
            Refusal::UnknownOrigin(o) => write!(f, "this witness does not follow the log {o:?}"),
            Refusal::NotSignedByLog => f.write_str("no signature by a trusted key of this log"),
            Refusal::OldSizeTooLarge { rollback: false } => {
                f.write_str("the old size is larger than the checkpoint's size")
            }
            Refusal::OldSizeTooLarge { rollback: true } => f.write_str(
                "the checkpoint is smaller than the one this witness cosigned: a rollback",
            ),
            Refusal::SizeMismatch { latest } => {
                write!(f, "this witness last cosigned size {latest}")
            }
            Refusal::RootMismatch => f.write_str(
                "the checkpoint has the size this witness cosigned but another root: a fork",
            ),
            Refusal::ProofFailed(why) => write!(
                f,
                "the consistency proof from the cosigned checkpoint does not verify: {why}"
            ),
        }
    }
}

/// A checkpoint the witness may cosign, opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub checkpoint: Checkpoint,
    /// The note, with the log's verified signatures (others dropped).
    pub note: Note,
}

impl Accepted {
    /// What the witness holds once it has cosigned this.
    pub fn witnessed(&self) -> Witnessed {
        Witnessed {
            size: self.checkpoint.size,
            root: self.checkpoint.root,
            note: self.note.encode(),
        }
    }
}

/// Opens the request's checkpoint: its origin must be one `trusted` knows
/// (404 otherwise) and a trusted key of it must have signed (403).
pub fn open_checkpoint(
    request: &AddCheckpoint,
    trusted: &dyn Fn(&str) -> Vec<NoteVerifier>,
) -> Result<Accepted, Refusal> {
    let parsed = parse_note(&request.checkpoint).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let checkpoint =
        Checkpoint::parse(&parsed.text).map_err(|e| Refusal::Malformed(e.to_string()))?;
    let keys: Vec<NoteVerifier> = trusted(&checkpoint.origin)
        .into_iter()
        .filter(|k| k.name() == checkpoint.origin)
        .collect();
    if keys.is_empty() {
        return Err(Refusal::UnknownOrigin(checkpoint.origin));
    }
    let (note, _unknown) =
        open_note(&request.checkpoint, &keys).map_err(|_| Refusal::NotSignedByLog)?;
    Ok(Accepted { checkpoint, note })
}

/// The witness's decision on an opened, trusted checkpoint given what it
/// holds for that origin (`None`: never cosigned). On `Ok` the caller stores
/// [`Accepted::witnessed`] — in the same atomic step as it read `latest` —
/// and cosigns.
pub fn decide(
    request: &AddCheckpoint,
    accepted: &Accepted,
    latest: Option<&Witnessed>,
) -> Result<(), Refusal> {
    let size = accepted.checkpoint.size;
    let held = latest.map_or(0, |w| w.size);
    if request.old_size > size {
        return Err(Refusal::OldSizeTooLarge {
            rollback: latest.is_some() && request.old_size == held,
        });
    }
    if request.old_size != held {
        return Err(Refusal::SizeMismatch { latest: held });
    }
    match latest {
        None => {
            if !request.proof.is_empty() {
                return Err(Refusal::ProofFailed(
                    "the proof must be empty when the old size is zero".into(),
                ));
            }
            Ok(())
        }
        Some(w) if w.size == size => {
            if w.root == accepted.checkpoint.root && request.proof.is_empty() {
                Ok(())
            } else if w.root != accepted.checkpoint.root {
                Err(Refusal::RootMismatch)
            } else {
                Err(Refusal::ProofFailed(
                    "a proof between equal sizes must be empty".into(),
                ))
            }
        }
        Some(w) if w.size == 0 => {
            // Size 0 was cosigned (the empty tree): nothing to prove from.
            if request.proof.is_empty() {
                Ok(())
            } else {
                Err(Refusal::ProofFailed(
                    "the proof must be empty when the old size is zero".into(),
                ))
            }
        }
        Some(w) => verify_consistency(
            w.size,
            size,
            &request.proof,
            &w.root,
            &accepted.checkpoint.root,
        )
        .map_err(|e: TlogError| Refusal::ProofFailed(e.to_string())),
    }
}

/// Parses a witness's 200 answer: one or more signature lines.
pub fn parse_cosignatures(body: &str) -> Result<Vec<NoteSignature>, TlogError> {
    let lines = body
        .strip_suffix('\n')
        .ok_or_else(|| malformed("the answer must end with a newline"))?;
    if lines.is_empty() {
        return Err(malformed("the answer carries no signature"));
    }
    lines.split('\n').map(NoteSignature::parse_line).collect()
}

/// Parses a 409 answer's body (`text/x.tlog.size`): a size and a newline.
pub fn parse_size_answer(body: &str) -> Result<u64, TlogError> {
    parse_size(
        body.strip_suffix('\n')
            .ok_or_else(|| malformed("the size must end with a newline"))?,
    )
}
