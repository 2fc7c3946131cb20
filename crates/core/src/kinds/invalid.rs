//! Why a body, well formed field by field, is not one its kind allows: the
//! rules that span several fields (`Body::validate`). Each variant carries
//! the facts of the case; the message is what a person reads.

use crate::values::{ClauseId, MemberId, ParticipantId};

/// A body breaks a rule of its own shape.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum Invalid {
    // Channel.
    #[error("a channel message has at least one recipient")]
    NoRecipient,
    #[error("ack_within_hours = {hours} must be between 1 and 8760")]
    AckHours { hours: u32 },

    // Drafts.
    #[error("a draft has at least one clause")]
    NoClause,
    #[error("clause id {clause} appears twice")]
    ClauseTwice { clause: ClauseId },
    #[error("a position record takes a position on at least one clause")]
    NoPosition,
    #[error("clause {clause} has two positions in one record")]
    TwoPositions { clause: ClauseId },
    #[error("the withdrawal on clause {clause} must name the acceptance it withdraws")]
    WithdrawalNamesNothing { clause: ClauseId },
    #[error("clause {clause}: only a withdrawal names an earlier acceptance")]
    AcceptanceNamedOutsideWithdrawal { clause: ClauseId },

    // Charter and members.
    #[error(
        "member {member}: its key is named {key_name:?}; a member's key must carry the member id as its name"
    )]
    MemberKeyName { member: MemberId, key_name: String },
    #[error("the witness policy cannot be read: {0}")]
    WitnessPolicy(String),
    #[error("the witness policy names logs but not this log's key {log_key}")]
    PolicyOmitsLog { log_key: String },
    #[error(
        "the log key is named {key_name:?} but the origin is {origin:?}; a checkpoint key is named after its origin"
    )]
    LogKeyName { key_name: String, origin: String },
    #[error("participant {participant} is listed twice")]
    ParticipantTwice { participant: ParticipantId },
    #[error("participant {participant} has no members")]
    NoMembers { participant: ParticipantId },
    #[error("member {member} is listed twice")]
    MemberTwice { member: MemberId },
    #[error(
        "member {member} of {participant} has the find capability, which only mediators may hold"
    )]
    FindOutsideMediators {
        member: MemberId,
        participant: ParticipantId,
    },
    #[error("member {member} of observer {participant} may hold no capability")]
    ObserverCapability {
        member: MemberId,
        participant: ParticipantId,
    },
    #[error("a ceasefire charter needs at least two parties")]
    TooFewParties,
    #[error("the finding threshold is \"all\" but there is no mediator")]
    ThresholdWithoutMediators,
    #[error(
        "the finding threshold {threshold} must be between 1 and the number of mediators ({mediators})"
    )]
    Threshold { threshold: u32, mediators: usize },
    #[error("deadline {name} = {hours} must be between 1 and 8760 hours")]
    Deadline { name: &'static str, hours: u32 },
    #[error("consequence levels must count up from 1; found {found} after {last}")]
    ConsequenceLevels { found: u8, last: u8 },

    // Reports.
    #[error("a report's period must end after it starts")]
    ReportPeriod,
    #[error("a report covers at most {max_days} days")]
    ReportTooLong { max_days: i64 },
    #[error("checkpoint_size must be between 1 and 2^53-1")]
    ReportCheckpointSize,

    // Incidents.
    #[error("{figure}: estimates must satisfy low ≤ best ≤ high")]
    Estimates { figure: &'static str },
    #[error("{figure}: {high} is beyond any plausible figure")]
    Implausible { figure: &'static str, high: u32 },
    #[error("an incident report needs at least one place")]
    NoPlace,
    #[error("imported_from.event_id is {len} bytes long; a dataset's event id is at most {max}")]
    EventIdLength { len: usize, max: usize },
    #[error(
        "imported_from.event_id {event_id:?} contains a space; a dataset's event id is one token"
    )]
    EventIdSpace { event_id: String },
    #[error("a link joins at least two incident reports")]
    LinkTooShort,

    // Commitments.
    #[error("a commitment names at least one incident type that would violate it")]
    NoIncidentType,

    // Evidence and sessions.
    #[error("evidence of {size} bytes exceeds the {max} byte limit")]
    EvidenceTooLarge { size: u64, max: u64 },
    #[error("{media_type:?} is not a media type like \"image/jpeg\"")]
    MediaType { media_type: String },
    #[error("a session cannot end before it starts")]
    SessionEndsBeforeStart,
}
