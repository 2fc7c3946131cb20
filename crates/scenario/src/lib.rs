//! # truce-scenario
//!
//! The Istanbul 2025 talks between Pakistan and Afghanistan, hosted by Türkiye
//! and co-mediated by Qatar, as a sequence of signed Truce records: the demo
//! data set. Every fact comes from the five public reports of October 2025
//! (summarised in `docs/scenario-istanbul-2025.md`); each claim is recorded as
//! the claim of its author, in its author's words, with the published passages
//! it rests on in the record's `sources`; every invented detail (coordinates,
//! exact times, clause texts, the whole mechanism's workings) is marked in the
//! record's `illustrative` field or note. No record is signed for a participant
//! that did not do or say what it records.
//!
//! What it does not do: it performs no I/O and reads no clock. It hands each
//! record to the caller's `append` (the real append path) and returns the demo
//! members' private keys, the confidential openings and the evidence blobs for
//! the caller to store.

mod annex;
mod blobs;
mod cast;
mod evidence;
mod ground;
mod hotline;
mod press;
mod talks;
mod timeline;

use serde_json::Value;
use std::collections::BTreeMap;
use truce_core::kinds::Kind;
use truce_core::record::RecordError;
use truce_core::sealed::{Opening, SealError, SealedPart};
use truce_core::values::{Label, MemberId, Timestamp};
use truce_core::{Body, Record, RecordDraft};
use truce_tlog::note::{NoteSigner, NoteVerifier};
use truce_tlog::{Hash, TlogError};

/// The log origin; the log key handed to [`build`] must carry this name.
pub const ORIGIN: &str = "truce.example/istanbul-2025";

/// A sensible "now" for viewing the scenario: after every record, with every
/// deadline the scenario means to show as passed already passed.
pub const VIEW_AT: &str = "2025-11-10T00:00:00Z";

/// A member whose key can still sign, with that key (write it to a key file).
#[derive(Clone, Debug)]
pub struct DemoMember {
    pub participant: String,
    pub member: String,
    pub display_name: String,
    /// The member's current key (after any rotation in the scenario).
    pub signer: NoteSigner,
}

/// A participant's witness key, as named in the charter's witness policy.
#[derive(Clone, Debug)]
pub struct DemoWitness {
    pub participant: String,
    pub signer: NoteSigner,
}

/// What the caller keeps besides the records themselves.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Members whose keys can still sign; revoked members are left out.
    pub members: Vec<DemoMember>,
    /// One witness per participant, as the charter's witness policy names them.
    pub witnesses: Vec<DemoWitness>,
    pub origin: String,
    /// Confidential parts, by the hash of the record that seals them: store apart.
    pub openings: Vec<(Hash, Opening)>,
    /// Evidence blobs (media type, bytes): each record's digest is `BlobDigest::of(bytes)`.
    pub blobs: Vec<(String, Vec<u8>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("the log key is named {got:?}, but the scenario's log origin is {ORIGIN:?}")]
    LogKeyName { got: String },
    #[error("the log refused {kind} #{seq} by {author}: {reason}")]
    Rejected {
        kind: Kind,
        author: String,
        seq: u64,
        reason: String,
    },
    #[error("scenario data is invalid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Key(#[from] TlogError),
    #[error(transparent)]
    Seal(#[from] SealError),
}

/// Builds every record in log order (the order of their claimed times),
/// handing each to `append` (the real append path: the caller's ledger
/// admits, stores and acknowledges it, returning `Err(reason)` if rejected).
/// Records are signed first and appended once all are built, so nothing is
/// appended if the scenario itself is inconsistent. Returns the demo members
/// with their private keys so the caller can write key files.
pub fn build(
    log_key: &NoteVerifier,
    rng: &mut (impl rand::RngCore + rand::CryptoRng),
    append: &mut Append<'_>,
) -> Result<Scenario, ScenarioError> {
    if log_key.name() != ORIGIN {
        return Err(ScenarioError::LogKeyName {
            got: log_key.name().to_owned(),
        });
    }
    let mut log = Log::new(append)?;
    let mut kept = Kept::default();
    timeline::run(&mut log, log_key, rng, &mut kept)?;
    log.flush(&kept.openings)?;
    Ok(Scenario {
        members: log.active_members(),
        witnesses: kept.witnesses,
        origin: ORIGIN.to_owned(),
        openings: kept.openings,
        blobs: kept.blobs,
    })
}

/// The caller's append path: admits, stores and acknowledges one record
/// (with the opening of its confidential part, if it has one) or says why not.
pub type Append<'a> = dyn FnMut(Record, Option<&Opening>) -> Result<(), String> + 'a;

/// What the scenario hands back besides records, gathered along the way.
#[derive(Default)]
pub(crate) struct Kept {
    pub witnesses: Vec<DemoWitness>,
    pub openings: Vec<(Hash, Opening)>,
    pub blobs: Vec<(String, Vec<u8>)>,
}

/// A point in time written like `at!(2025-10-25 18:00)`, always UTC and checked
/// at compile time.
macro_rules! at {
    ($($t:tt)*) => {
        truce_core::values::Timestamp::from_datetime(time::macros::datetime!($($t)* UTC))
            // A literal UTC date always converts; the epoch is never reached.
            .unwrap_or(truce_core::values::Timestamp::EPOCH)
    };
}
pub(crate) use at;

struct Author {
    participant: String,
    display_name: String,
    signer: NoteSigner,
    next_seq: u64,
    /// The earliest time this author (with this key) may sign at.
    since: Option<Timestamp>,
    last_time: Option<Timestamp>,
    revoked: bool,
}

/// The helper every record goes through: it keeps each member's key and next
/// sequence number, signs, and returns the record's hash so later records can
/// name it.
///
/// Why records are queued and appended at the end, sorted by their claimed
/// time: each part of the story (the draft annex, an incident and its answers)
/// is then written as one piece, while the log still comes out in the order
/// things happened. The sort is stable and every ordering it relies on is
/// checked when a record is written: an author's times never go back, a
/// record is never dated before a record it names, and no key signs before it
/// was added or after it was rotated out or revoked.
pub(crate) struct Log<'a> {
    origin: Label,
    authors: BTreeMap<String, Author>,
    times: BTreeMap<Hash, Timestamp>,
    queue: Vec<Record>,
    append: &'a mut Append<'a>,
}

impl<'a> Log<'a> {
    fn new(append: &'a mut Append<'a>) -> Result<Self, ScenarioError> {
        Ok(Self {
            origin: Label::parse(ORIGIN).map_err(|e| invalid("origin", e))?,
            authors: BTreeMap::new(),
            times: BTreeMap::new(),
            queue: Vec::new(),
            append,
        })
    }

    /// Makes `signer` (named after the member id) an author from `since` on:
    /// the charter's time, or that of the `member.add` record.
    pub fn enrol(
        &mut self,
        participant: &str,
        display_name: &str,
        signer: NoteSigner,
        since: Timestamp,
    ) {
        self.authors.insert(
            signer.name().to_owned(),
            Author {
                participant: participant.to_owned(),
                display_name: display_name.to_owned(),
                signer,
                next_seq: 1,
                since: Some(since),
                last_time: None,
                revoked: false,
            },
        );
    }

    /// After a `member.rotate_key` record dated `at`: later records are signed with `signer`.
    pub fn rotate(&mut self, signer: NoteSigner, at: Timestamp) -> Result<(), ScenarioError> {
        let author = self.author_mut(signer.name())?;
        if author.last_time.is_some_and(|t| t > at) {
            return Err(ScenarioError::Invalid(format!(
                "{} rotates its key at {at} but signed a record dated later",
                signer.name()
            )));
        }
        author.signer = signer;
        author.since = Some(at);
        Ok(())
    }

    /// After a `member.revoke` record dated `at`: `member` signs nothing more.
    pub fn revoke(&mut self, member: &str, at: Timestamp) -> Result<(), ScenarioError> {
        let author = self.author_mut(member)?;
        if author.last_time.is_some_and(|t| t > at) {
            return Err(ScenarioError::Invalid(format!(
                "{member} is revoked at {at} but signed a record dated later"
            )));
        }
        author.revoked = true;
        Ok(())
    }

    /// Writes one record by `author`, dated `time`, with a body given in its
    /// wire form (parsed and validated here, exactly as the server would).
    pub fn post(
        &mut self,
        author: &str,
        time: Timestamp,
        kind: Kind,
        body: Value,
    ) -> Result<Hash, ScenarioError> {
        self.write(author, &[], time, kind, body, None)
    }

    /// Like [`Log::post`], with a confidential part sealed by `opening`.
    pub fn post_sealed(
        &mut self,
        author: &str,
        time: Timestamp,
        kind: Kind,
        body: Value,
        opening: &Opening,
        readers: &[&str],
    ) -> Result<Hash, ScenarioError> {
        let sealed: SealedPart = serde_json::from_value(serde_json::json!({
            "digest": opening.digest()?,
            "readers": readers,
        }))
        .map_err(|e| invalid("sealed part", e))?;
        self.write(author, &[], time, kind, body, Some(sealed))
    }

    /// The charter: signed by its author and then by each co-signer.
    pub fn post_charter(
        &mut self,
        author: &str,
        cosigners: &[&str],
        time: Timestamp,
        body: Value,
    ) -> Result<Hash, ScenarioError> {
        self.write(author, cosigners, time, Kind::Charter, body, None)
    }

    fn write(
        &mut self,
        author: &str,
        cosigners: &[&str],
        time: Timestamp,
        kind: Kind,
        body: Value,
        confidential: Option<SealedPart>,
    ) -> Result<Hash, ScenarioError> {
        let body = Body::parse(kind, &body).map_err(ScenarioError::Invalid)?;
        let state = self.author(author)?;
        let too_early = [state.since, state.last_time]
            .into_iter()
            .flatten()
            .find(|t| time < *t);
        if let Some(t) = too_early {
            return Err(ScenarioError::Invalid(format!(
                "{kind} by {author} is dated {time}, before {t}, its key's start or its previous record"
            )));
        }
        for r in body.references() {
            match self.times.get(&r) {
                Some(t) if *t <= time => {}
                Some(t) => {
                    return Err(ScenarioError::Invalid(format!(
                        "{kind} by {author} is dated {time}, before a record it names ({t})"
                    )));
                }
                None => {
                    return Err(ScenarioError::Invalid(format!(
                        "{kind} by {author} names a record the scenario has not written"
                    )));
                }
            }
        }
        let draft = RecordDraft {
            log: self.origin.clone(),
            author: MemberId::parse(author).map_err(|e| invalid(author, e))?,
            seq: state.next_seq,
            time,
            body,
            confidential,
            extra_refs: Vec::new(),
        };
        let mut signers = vec![&state.signer];
        for c in cosigners {
            signers.push(&self.author(c)?.signer);
        }
        let record = draft.sign(&signers)?;
        let hash = record.hash();
        let state = self.author_mut(author)?;
        state.next_seq += 1;
        state.last_time = Some(time);
        self.times.insert(hash, time);
        self.queue.push(record);
        Ok(hash)
    }

    /// Appends every record written, in the order of their claimed times,
    /// each confidential one together with its opening.
    fn flush(&mut self, openings: &[(Hash, Opening)]) -> Result<(), ScenarioError> {
        let mut queue = std::mem::take(&mut self.queue);
        // The charter opens the log, whatever its date; the rest follow in
        // the order of their claimed times (so the records back-filled after
        // the charter, dated at their events, come first).
        queue.sort_by_key(|r| (r.kind() != Kind::Charter, r.time()));
        for record in queue {
            let (kind, author, seq) = (
                record.kind(),
                record.author().to_string(),
                record.signed().envelope.seq,
            );
            let opening = openings
                .iter()
                .find(|(h, _)| *h == record.hash())
                .map(|(_, o)| o);
            (self.append)(record, opening).map_err(|reason| ScenarioError::Rejected {
                kind,
                author,
                seq,
                reason,
            })?;
        }
        Ok(())
    }

    fn author(&self, member: &str) -> Result<&Author, ScenarioError> {
        match self.authors.get(member) {
            Some(a) if !a.revoked => Ok(a),
            Some(_) => Err(ScenarioError::Invalid(format!("{member} has been revoked"))),
            None => Err(ScenarioError::Invalid(format!("{member} is not a member"))),
        }
    }

    fn author_mut(&mut self, member: &str) -> Result<&mut Author, ScenarioError> {
        match self.authors.get_mut(member) {
            Some(a) if !a.revoked => Ok(a),
            _ => Err(ScenarioError::Invalid(format!(
                "{member} is not an active member"
            ))),
        }
    }

    fn active_members(&self) -> Vec<DemoMember> {
        self.authors
            .iter()
            .filter(|(_, a)| !a.revoked)
            .map(|(id, a)| DemoMember {
                participant: a.participant.clone(),
                member: id.clone(),
                display_name: a.display_name.clone(),
                signer: a.signer.clone(),
            })
            .collect()
    }
}

pub(crate) fn invalid(what: &str, e: impl std::fmt::Display) -> ScenarioError {
    ScenarioError::Invalid(format!("{what}: {e}"))
}
