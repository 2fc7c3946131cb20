//! The admission rules a record can break, one variant per rule. Each has a
//! stable machine code (what clients and tests match) and a message (what a
//! person reads); the variant carries the facts of the case, not a sentence.

use crate::kinds::charter::Role;
use crate::sealed::SealError;
use crate::values::{ClauseId, MemberId, ParticipantId, Timestamp};

/// Declares the enum and its codes from one list, so a rule cannot exist
/// without a code and the list of codes cannot leave one out.
macro_rules! violations {
    ($( $(#[$attr:meta])* $variant:ident $({ $($fields:tt)* })? $(($($tuple:tt)*))? => $code:literal; )*) => {
        /// A record breaks an admission rule of its kind.
        #[derive(Debug, thiserror::Error, PartialEq, Eq)]
        pub enum RuleViolation {
            $( $(#[$attr])* $variant $({ $($fields)* })? $(($($tuple)*))?, )*
        }

        impl RuleViolation {
            /// Every rule's code, in declaration order.
            pub const CODES: &'static [&'static str] = &[$( $code, )*];

            /// The rule's stable machine code (snake_case): unlike the
            /// message, it never changes once published.
            pub fn code(&self) -> &'static str {
                match self { $( Self::$variant { .. } => $code, )* }
            }
        }
    };
}

violations! {
    // Every kind.
    #[error(
        "the record is dated {time} but refers to record {referenced_index} dated {referenced_time}; it cannot precede what it refers to"
    )]
    PrecedesReference {
        time: Timestamp,
        referenced_index: u64,
        referenced_time: Timestamp,
    } => "precedes_reference";
    #[error("{0} is not a participant of this mechanism")]
    NotAParticipant(ParticipantId) => "not_a_participant";
    #[error("{field} must be a party; {participant} is a {role:?}")]
    NotAParty {
        /// Who the record names in that place ("the accused", …).
        field: &'static str,
        participant: ParticipantId,
        role: Role,
    } => "not_a_party";

    // Charter.
    #[error("the charter references nothing earlier")]
    CharterReferences => "charter_references";
    #[error("the charter must be signed by every founding participant; {0} has not signed")]
    CharterNotSignedBy(ParticipantId) => "charter_not_signed_by_founder";
    #[error("the charter carries two signatures for one participant")]
    CharterSignedTwiceForOne => "charter_two_signatures_for_one_participant";
    #[error(
        "after the author's, the charter's signatures must follow the order of the participants in the charter"
    )]
    CharterSignatureOrder => "charter_signature_order";
    #[error("the charter names log key {named}, but this log signs with {signs_with}")]
    CharterLogKey { named: String, signs_with: String } => "charter_names_another_log_key";

    // Membership.
    #[error("{author} may add members only to its own participant ({own}), not {target}")]
    MemberAddToOtherParticipant {
        author: MemberId,
        own: ParticipantId,
        target: ParticipantId,
    } => "member_add_to_other_participant";
    #[error("member id {0} is already taken")]
    MemberIdTaken(MemberId) => "member_id_taken";
    #[error("only mediators' members may hold the find capability")]
    FindOnlyForMediators => "find_capability_outside_mediators";
    #[error("the new key must be named {0}")]
    NewKeyName(MemberId) => "new_key_misnamed";
    #[error("the new key has been used by this member before")]
    NewKeyUsedBefore => "new_key_used_before";
    #[error(
        "{0} may change only its own keys or, as admin, those of its participant's members"
    )]
    MemberChangeNotPermitted(MemberId) => "member_change_not_permitted";

    // Incidents.
    #[error("a participant does not accuse itself; report with no accused party instead")]
    AccusesItself => "report_accuses_its_author";
    #[error("only the accused party ({accused}) responds to this incident, not {responder}")]
    ResponseNotByAccused {
        accused: ParticipantId,
        responder: ParticipantId,
    } => "response_not_by_accused";
    #[error("this incident accuses no party, so no party responds to it")]
    ResponseWithoutAccused => "response_without_accused";
    #[error("a finding that does not verify the incident holds no one responsible")]
    FindingResponsibleWithoutVerification => "finding_responsible_without_verification";
    #[error("only the party a finding holds responsible states remedial action on it")]
    RemedyNotByResponsible => "remedy_not_by_responsible_party";
    #[error("{0} has already signed this record")]
    AlreadyConcurred(ParticipantId) => "already_concurred";

    // Evidence.
    #[error("that evidence is restricted to the mediators and the participant that filed it")]
    EvidenceRestricted => "evidence_restricted";
    #[error("a participant acknowledges the other side's evidence, not its own")]
    AcknowledgesOwnEvidence => "acknowledges_own_evidence";

    // Drafts.
    #[error("{0} is not a draft version")]
    NotADraftVersion(&'static str) => "not_a_draft_version";
    #[error("an amendment must build on the draft's latest version")]
    AmendmentNotOnLatest => "amendment_not_on_latest_version";
    #[error("clause {0} is not in that version")]
    ClauseNotInVersion(ClauseId) => "clause_not_in_version";
    #[error(
        "the withdrawal on clause {clause} must name an earlier acceptance of that clause by {participant} on this draft"
    )]
    WithdrawalWithoutAcceptance {
        clause: ClauseId,
        participant: ParticipantId,
    } => "withdrawal_without_acceptance";
    #[error("{0} has already signed this version")]
    VersionAlreadySigned(ParticipantId) => "version_already_signed";

    // Consequences.
    #[error("a violation is determined only on a finding that verified the incident")]
    DeterminationOnUnverifiedFinding => "determination_on_unverified_finding";
    #[error("the finding holds {responsible} responsible; a determination on it cannot name {named}")]
    DeterminationNamesOtherParty {
        responsible: ParticipantId,
        named: ParticipantId,
    } => "determination_names_another_party";
    #[error("the finding holds no party responsible, so it determines no party's violation")]
    DeterminationWithoutResponsible => "determination_without_responsible_party";
    #[error("the finding has not yet been signed by the charter's threshold of mediators")]
    FindingBelowThreshold => "finding_below_threshold";
    #[error("the determination has not yet been signed by the charter's threshold of mediators")]
    DeterminationBelowThreshold => "determination_below_threshold";
    #[error("that commitment was declared by {declared_by}, not {party}")]
    CommitmentOfAnotherParty {
        declared_by: ParticipantId,
        party: ParticipantId,
    } => "commitment_of_another_party";
    #[error("consequence level {0} is not in the charter's schedule")]
    ConsequenceLevelUnknown(u8) => "consequence_level_not_in_schedule";
    #[error("only the party a determination names answers it")]
    ViolationResponseNotByNamed => "violation_response_not_by_named_party";

    // Channel.
    #[error("a channel message goes to other participants")]
    MessageToSelf => "message_to_self";
    #[error("only a sender or recipient of a message replies to it")]
    ReplyByOutsider => "reply_by_outsider";
    #[error("only a recipient of a message gives a receipt for it")]
    ReceiptByNonRecipient => "receipt_by_non_recipient";

    // Disclosure.
    #[error("only the participant that filed a confidential part discloses it")]
    DisclosureNotByFiler => "disclosure_not_by_filer";
    #[error("that record has no confidential part to disclose")]
    NothingToDisclose => "nothing_to_disclose";
    #[error("{0}")]
    OpeningInvalid(SealError) => "opening_invalid";
    #[error("the disclosed content does not match the sealed digest")]
    DisclosureMismatch => "disclosure_does_not_match";

    // Reports.
    #[error(
        "the report names a checkpoint of {checkpoint_size} records, but the log holds {log_size}: publish a report of a prefix the log has"
    )]
    ReportBeyondLog {
        checkpoint_size: u64,
        log_size: u64,
    } => "report_beyond_log";
}

#[cfg(test)]
mod tests {
    use super::RuleViolation;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_distinct_snake_case_names() {
        let distinct: BTreeSet<_> = RuleViolation::CODES.iter().collect();
        assert_eq!(distinct.len(), RuleViolation::CODES.len());
        for code in RuleViolation::CODES {
            assert!(
                !code.is_empty()
                    && !code.starts_with('_')
                    && !code.ends_with('_')
                    && !code.contains("__")
                    && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
        }
        assert_eq!(
            RuleViolation::MessageToSelf.code(),
            "message_to_self",
            "a variant's code is its entry in the list"
        );
    }
}
