use super::RuleViolation;
use crate::kinds::Kind;
use crate::kinds::charter::Role;
use crate::kinds::common::Capability;
use crate::record::RecordError;
use crate::values::{MemberId, ParticipantId};
use truce_tlog::Hash;

/// Why the log refused a record. Every message says what was wrong in terms
/// an author can act on; a refused record changes nothing.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Rejection {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("the first record of a log must be its charter")]
    CharterFirst,
    #[error("a log has exactly one charter, at index 0")]
    SecondCharter,
    #[error("the record is for log {got:?}, but this log is {expected:?}")]
    WrongLog { expected: String, got: String },
    #[error("{0} is not a member of this mechanism")]
    UnknownMember(MemberId),
    #[error("{0} has been revoked and can sign nothing")]
    RevokedMember(MemberId),
    #[error("key {key} is not an active key of {member}")]
    InactiveKey { member: MemberId, key: String },
    #[error("the first signature must be the author's ({author}), found {found}")]
    AuthorMustSignFirst { author: MemberId, found: MemberId },
    #[error("a {0} record carries exactly one signature, its author's")]
    ExtraSignatures(Kind),
    #[error(
        "sequence number {got} from {member} is out of order: expected {expected} (replayed or reordered)"
    )]
    Sequence {
        member: MemberId,
        expected: u64,
        got: u64,
    },
    #[error(
        "{member} signed at {got}, earlier than its previous record ({previous}); an author's times never go back"
    )]
    TimeGoesBack {
        member: MemberId,
        previous: String,
        got: String,
    },
    #[error("the record is dated {got}, before the charter took effect ({effective})")]
    BeforeCharter { effective: String, got: String },
    #[error("{member} lacks the {capability} capability needed for {kind}")]
    MissingCapability {
        member: MemberId,
        capability: String,
        kind: Kind,
    },
    #[error("{participant} is a {role:?}; a {kind} record needs a {needed}")]
    WrongRole {
        participant: ParticipantId,
        role: Role,
        kind: Kind,
        needed: &'static str,
    },
    #[error("referenced record {0} is not in the log")]
    UnknownReference(Hash),
    #[error("record {hash} is a {found}, but {field} must name a {expected}")]
    WrongReferenceKind {
        hash: Hash,
        field: &'static str,
        expected: &'static str,
        found: Kind,
    },
    #[error(
        "{member} needs one of the capabilities {} for {kind}",
        list(capabilities)
    )]
    MissingAnyCapability {
        member: MemberId,
        capabilities: Vec<Capability>,
        kind: Kind,
    },
    #[error("the log is full")]
    LogFull,
    /// A record of a group admitted all or none (`LogState::admit_group`):
    /// which one was refused (from 0), and why. Nothing of the group is in
    /// the log.
    #[error("record {position} of the group (none of which was filed): {rejection}")]
    InGroup {
        position: usize,
        rejection: Box<Rejection>,
    },
    #[error("a group of records has one author, but it holds records by {first} and {other}")]
    GroupOfAuthors { first: MemberId, other: MemberId },
    #[error("a {0} record cannot be filed in a group; file it on its own")]
    NotGroupable(Kind),
    /// A rule of the record's kind; its `code()` names the rule.
    #[error(transparent)]
    Rule(#[from] RuleViolation),
}

fn list(capabilities: &[Capability]) -> String {
    capabilities
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Rejection {
    pub fn capability(member: &MemberId, capability: Capability, kind: Kind) -> Self {
        Rejection::MissingCapability {
            member: member.clone(),
            capability: capability.to_string(),
            kind,
        }
    }
}
