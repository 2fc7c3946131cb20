//! The core's refusals as details: each variant's catalog key and facts.
//! The core says what was wrong in English (its `Display`, for logs and the
//! CLI); what a reader of the API gets in their language is built here, one
//! arm per variant, so a new variant cannot be added without being said.
//! A key the catalog lacks falls back to the core's own English.

use super::{Detail, detail};
use truce_core::canonical::CanonicalError;
use truce_core::kinds::Invalid;
use truce_core::record::RecordError;
use truce_core::sealed::SealError;
use truce_core::values::TextError;
use truce_core::{Rejection, RuleViolation};
use truce_index::QueryError;

/// A broken rule: `rule.<code>`.
pub(crate) fn rule(v: &RuleViolation) -> Detail {
    use RuleViolation as V;
    let d = Detail::new(format!("rule.{}", v.code())).or_else(v.to_string());
    match v {
        V::PrecedesReference {
            time,
            referenced_index,
            referenced_time,
        } => d
            .with("time", time)
            .with("referenced_index", referenced_index)
            .with("referenced_time", referenced_time),
        V::NotAParticipant(p) => d.with("participant", p),
        V::NotAParty {
            field,
            participant,
            role,
        } => d
            .phrase("field", field)
            .with("participant", participant)
            .phrase("role", role_name(*role)),
        V::CharterNotSignedBy(p) => d.with("participant", p),
        V::CharterLogKey { named, signs_with } => {
            d.with("named", named).with("signs_with", signs_with)
        }
        V::MemberAddToOtherParticipant {
            author,
            own,
            target,
        } => d
            .with("author", author)
            .with("own", own)
            .with("target", target),
        V::MemberIdTaken(m) | V::NewKeyName(m) | V::MemberChangeNotPermitted(m) => {
            d.with("member", m)
        }
        V::ResponseNotByAccused { accused, responder } => {
            d.with("accused", accused).with("responder", responder)
        }
        V::AlreadyConcurred(p) | V::VersionAlreadySigned(p) => d.with("participant", p),
        V::NotADraftVersion(field) => d.with("field", field),
        V::ClauseNotInVersion(clause) => d.with("clause", clause),
        V::WithdrawalWithoutAcceptance {
            clause,
            participant,
        } => d.with("clause", clause).with("participant", participant),
        V::DeterminationNamesOtherParty { responsible, named } => {
            d.with("responsible", responsible).with("named", named)
        }
        V::CommitmentOfAnotherParty { declared_by, party } => {
            d.with("declared_by", declared_by).with("party", party)
        }
        V::ConsequenceLevelUnknown(level) => d.with("level", level),
        V::OpeningInvalid(e) => d.nested("reason", seal(e)),
        V::ReportBeyondLog {
            checkpoint_size,
            log_size,
        } => d
            .with("checkpoint_size", checkpoint_size)
            .with("log_size", log_size),
        V::CharterReferences
        | V::CharterSignedTwiceForOne
        | V::CharterSignatureOrder
        | V::FindOnlyForMediators
        | V::NewKeyUsedBefore
        | V::AccusesItself
        | V::ResponseWithoutAccused
        | V::FindingResponsibleWithoutVerification
        | V::RemedyNotByResponsible
        | V::EvidenceRestricted
        | V::AcknowledgesOwnEvidence
        | V::AmendmentNotOnLatest
        | V::DeterminationOnUnverifiedFinding
        | V::DeterminationWithoutResponsible
        | V::FindingBelowThreshold
        | V::DeterminationBelowThreshold
        | V::ViolationResponseNotByNamed
        | V::MessageToSelf
        | V::ReplyByOutsider
        | V::ReceiptByNonRecipient
        | V::DisclosureNotByFiler
        | V::NothingToDisclose
        | V::DisclosureMismatch => d,
    }
}

/// A role as the core's messages name it (`{role:?}`), translated as a
/// phrase.
fn role_name(role: truce_core::kinds::charter::Role) -> &'static str {
    use truce_core::kinds::charter::Role;
    match role {
        Role::Party => "Party",
        Role::Mediator => "Mediator",
        Role::Observer => "Observer",
    }
}

/// A record the log refused: `rejection.<what>`.
pub(crate) fn rejection(r: &Rejection) -> Detail {
    use Rejection as R;
    let d = |key: &'static str| Detail::new(key).or_else(r.to_string());
    match r {
        R::Record(e) => record(e),
        R::Rule(v) => rule(v),
        R::CharterFirst => d("rejection.charter_first"),
        R::SecondCharter => d("rejection.second_charter"),
        R::WrongLog { expected, got } => d("rejection.wrong_log")
            .with("expected", format!("{expected:?}"))
            .with("got", format!("{got:?}")),
        R::UnknownMember(m) => d("rejection.unknown_member").with("member", m),
        R::RevokedMember(m) => d("rejection.revoked_member").with("member", m),
        R::InactiveKey { member, key } => d("rejection.inactive_key")
            .with("member", member)
            .with("key", key),
        R::AuthorMustSignFirst { author, found } => d("rejection.author_signs_first")
            .with("author", author)
            .with("found", found),
        R::ExtraSignatures(kind) => d("rejection.extra_signatures").with("kind", kind),
        R::Sequence {
            member,
            expected,
            got,
        } => d("rejection.sequence")
            .with("member", member)
            .with("expected", expected)
            .with("got", got),
        R::TimeGoesBack {
            member,
            previous,
            got,
        } => d("rejection.time_goes_back")
            .with("member", member)
            .with("previous", previous)
            .with("got", got),
        R::BeforeCharter { effective, got } => d("rejection.before_charter")
            .with("effective", effective)
            .with("got", got),
        R::MissingCapability {
            member,
            capability,
            kind,
        } => d("rejection.missing_capability")
            .with("member", member)
            .with("capability", capability)
            .with("kind", kind),
        R::WrongRole {
            participant,
            role,
            kind,
            needed,
        } => d("rejection.wrong_role")
            .with("participant", participant)
            .phrase("role", role_name(*role))
            .with("kind", kind)
            .phrase("needed", needed),
        R::UnknownReference(hash) => d("rejection.unknown_reference").with("hash", hash),
        R::WrongReferenceKind {
            hash,
            field,
            expected,
            found,
        } => d("rejection.wrong_reference_kind")
            .with("hash", hash)
            .with("field", field)
            .with("expected", expected)
            .with("found", found),
        R::MissingAnyCapability {
            member,
            capabilities,
            kind,
        } => d("rejection.missing_any_capability")
            .with("member", member)
            .with(
                "capabilities",
                capabilities
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .with("kind", kind),
        R::LogFull => d("rejection.log_full"),
        R::InGroup {
            position,
            rejection: inner,
        } => detail!("group.refused", position).nested("reason", rejection(inner)),
        R::GroupOfAuthors { first, other } => d("rejection.group_of_authors")
            .with("first", first)
            .with("other", other),
        R::NotGroupable(kind) => d("rejection.not_groupable").with("kind", kind),
    }
}

/// A record that does not parse or verify: `record.<what>`. What the JSON
/// parser or a body's own check says stays in its words, as the cause.
pub(crate) fn record(e: &RecordError) -> Detail {
    use RecordError as E;
    let d = |key: &'static str| Detail::new(key).or_else(e.to_string());
    match e {
        E::NotJson(cause) => d("record.not_json").with("cause", cause),
        E::TooLarge(len) => d("record.too_large")
            .with("len", len)
            .with("limit", truce_core::record::MAX_RECORD_BYTES),
        E::Canonical(c) => canonical(c),
        E::Malformed(cause) => d("record.malformed").with("cause", cause),
        E::Version(v) => d("record.version")
            .with("version", v)
            .with("supported", truce_core::record::ENVELOPE_VERSION),
        E::Invalid(cause) => d("record.invalid").with("cause", cause),
        E::Body { kind, invalid: why } => d("record.body")
            .with("kind", kind)
            .nested("reason", invalid(why)),
        E::RefNotListed(hash) => d("record.ref_not_listed").with("hash", hash),
        E::RefTwice(hash) => d("record.ref_twice").with("hash", hash),
        E::Unsigned => d("record.unsigned"),
        E::Inconsistent => d("record.inconsistent"),
        E::NotCanonical => d("record.not_canonical"),
        E::SignatureEncoding { index } => d("record.signature_encoding").with("index", index),
        E::BadSignature { index, member } => d("record.bad_signature")
            .with("index", index)
            .with("member", member),
    }
}

fn canonical(e: &CanonicalError) -> Detail {
    use CanonicalError as C;
    let d = |key: &'static str| Detail::new(key).or_else(e.to_string());
    match e {
        C::Float { path } => d("canonical.float").with("path", path),
        C::UnsafeInteger { path } => d("canonical.unsafe_integer").with("path", path),
        C::Null { path } => d("canonical.null").with("path", path),
        C::Encoding(cause) => d("canonical.encoding").with("cause", cause),
    }
}

fn seal(e: &SealError) -> Detail {
    let d = |key: &'static str| Detail::new(key).or_else(e.to_string());
    match e {
        SealError::BadSalt => d("sealed.bad_salt"),
        SealError::Canonical(c) => d("sealed.not_canonical").nested("reason", canonical(c)),
        SealError::TooLarge(len) => d("sealed.too_large")
            .with("len", len)
            .with("limit", truce_core::sealed::MAX_SEALED_BYTES),
        SealError::Mismatch => d("sealed.mismatch"),
    }
}

/// A query the index cannot answer: `query.<what>`.
pub(crate) fn query(e: &QueryError) -> Detail {
    use QueryError as Q;
    let d = |key: &'static str| Detail::new(key).or_else(e.to_string());
    match e {
        Q::Latitude(v) => d("query.latitude").with("value", v),
        Q::Longitude(v) => d("query.longitude").with("value", v),
        Q::InvertedLatitude { south, north } => d("query.inverted_latitude")
            .with("south", south)
            .with("north", north),
        Q::InvertedTimeRange { from, to } => d("query.inverted_time_range")
            .with("from", from)
            .with("to", to),
        Q::Cursor(c) => d("query.cursor").with("cursor", format!("{c:?}")),
        Q::Degrees(v) => d("query.degrees").with("value", format!("{v:?}")),
        Q::DegreesRange(v) => d("query.degrees_range").with("value", v),
        Q::BoxShape => d("query.box_shape"),
        Q::CellSize { cell_e6, min, max } => d("query.cell_size")
            .with("cell", cell_e6)
            .with("min", min)
            .with("max", max),
        Q::TooManyCells { most } => d("query.too_many_cells").with("most", most),
    }
}

/// A text that is not one a record may hold (empty, too long, a control
/// character): `text.<what>`, said of the field it is in.
pub(crate) fn text(e: &TextError) -> Detail {
    let d = |key: &'static str| Detail::new(key).or_else(e.to_string());
    match e {
        TextError::Empty => d("text.empty"),
        TextError::TooLong { len, max } => d("text.too_long").with("len", len).with("max", max),
        TextError::ControlCharacter(c) => {
            d("text.control_character").with("character", format!("U+{c:04X}"))
        }
    }
}

/// A body that breaks a rule spanning its fields: `body.<what>`.
pub(crate) fn invalid(e: &Invalid) -> Detail {
    use Invalid as I;
    let d = |key: &'static str| Detail::new(key).or_else(e.to_string());
    match e {
        I::NoRecipient => d("invalid.no_recipient"),
        I::AckHours { hours } => d("invalid.ack_hours").with("hours", hours),
        I::NoClause => d("invalid.no_clause"),
        I::ClauseTwice { clause } => d("invalid.clause_twice").with("clause", clause),
        I::NoPosition => d("invalid.no_position"),
        I::TwoPositions { clause } => d("invalid.two_positions").with("clause", clause),
        I::WithdrawalNamesNothing { clause } => {
            d("invalid.withdrawal_names_nothing").with("clause", clause)
        }
        I::AcceptanceNamedOutsideWithdrawal { clause } => {
            d("invalid.acceptance_outside_withdrawal").with("clause", clause)
        }
        I::MemberKeyName { member, key_name } => d("invalid.member_key_name")
            .with("member", member)
            .with("key_name", format!("{key_name:?}")),
        I::WitnessPolicy(cause) => d("invalid.witness_policy").with("cause", cause),
        I::PolicyOmitsLog { log_key } => d("invalid.policy_omits_log").with("log_key", log_key),
        I::LogKeyName { key_name, origin } => d("invalid.log_key_name")
            .with("key_name", format!("{key_name:?}"))
            .with("origin", format!("{origin:?}")),
        I::ParticipantTwice { participant } => {
            d("invalid.participant_twice").with("participant", participant)
        }
        I::NoMembers { participant } => d("invalid.no_members").with("participant", participant),
        I::MemberTwice { member } => d("invalid.member_twice").with("member", member),
        I::FindOutsideMediators {
            member,
            participant,
        } => d("invalid.find_outside_mediators")
            .with("member", member)
            .with("participant", participant),
        I::ObserverCapability {
            member,
            participant,
        } => d("invalid.observer_capability")
            .with("member", member)
            .with("participant", participant),
        I::TooFewParties => d("invalid.too_few_parties"),
        I::ThresholdWithoutMediators => d("invalid.threshold_without_mediators"),
        I::Threshold {
            threshold,
            mediators,
        } => d("invalid.threshold")
            .with("threshold", threshold)
            .with("mediators", mediators),
        I::Deadline { name, hours } => d("invalid.deadline")
            .with("name", name)
            .with("hours", hours),
        I::ConsequenceLevels { found, last } => d("invalid.consequence_levels")
            .with("found", found)
            .with("last", last),
        I::ReportPeriod => d("invalid.report_period"),
        I::ReportTooLong { max_days } => d("invalid.report_too_long").with("max_days", max_days),
        I::ReportCheckpointSize => d("invalid.report_checkpoint_size"),
        I::Estimates { figure } => d("invalid.estimates").phrase("figure", figure),
        I::Implausible { figure, high } => d("invalid.implausible")
            .phrase("figure", figure)
            .with("high", high),
        I::NoPlace => d("invalid.no_place"),
        I::EventIdLength { len, max } => d("invalid.event_id_length")
            .with("len", len)
            .with("max", max),
        I::EventIdSpace { event_id } => {
            d("invalid.event_id_space").with("event_id", format!("{event_id:?}"))
        }
        I::LinkTooShort => d("invalid.link_too_short"),
        I::NoIncidentType => d("invalid.no_incident_type"),
        I::EvidenceTooLarge { size, max } => d("invalid.evidence_too_large")
            .with("size", size)
            .with("max", max),
        I::MediaType { media_type } => {
            d("invalid.media_type").with("media_type", format!("{media_type:?}"))
        }
        I::SessionEndsBeforeStart => d("invalid.session_ends_before_start"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::MESSAGES;
    use truce_core::values::{ClauseId, MemberId, ParticipantId};
    use truce_i18n::Lang;

    /// The API's English is the core's own: each sentence of the catalog,
    /// filled with a variant's facts, says what the variant's `Display` says.
    #[test]
    fn the_english_catalog_says_what_the_core_says() {
        let member = MemberId::parse("pakistan.liaison").unwrap();
        let party = ParticipantId::parse("pakistan").unwrap();
        let other = ParticipantId::parse("afghanistan").unwrap();
        let clause = ClauseId::parse("c1").unwrap();
        let invalids = [
            Invalid::NoRecipient,
            Invalid::AckHours { hours: 0 },
            Invalid::NoClause,
            Invalid::ClauseTwice {
                clause: clause.clone(),
            },
            Invalid::NoPosition,
            Invalid::TwoPositions {
                clause: clause.clone(),
            },
            Invalid::WithdrawalNamesNothing {
                clause: clause.clone(),
            },
            Invalid::AcceptanceNamedOutsideWithdrawal {
                clause: clause.clone(),
            },
            Invalid::MemberKeyName {
                member: member.clone(),
                key_name: "other".into(),
            },
            Invalid::WitnessPolicy("line 1: unknown keyword".into()),
            Invalid::PolicyOmitsLog {
                log_key: "log+1234+AAAA".into(),
            },
            Invalid::LogKeyName {
                key_name: "a".into(),
                origin: "b".into(),
            },
            Invalid::ParticipantTwice {
                participant: party.clone(),
            },
            Invalid::NoMembers {
                participant: party.clone(),
            },
            Invalid::MemberTwice {
                member: member.clone(),
            },
            Invalid::FindOutsideMediators {
                member: member.clone(),
                participant: party.clone(),
            },
            Invalid::ObserverCapability {
                member: member.clone(),
                participant: party.clone(),
            },
            Invalid::TooFewParties,
            Invalid::ThresholdWithoutMediators,
            Invalid::Threshold {
                threshold: 3,
                mediators: 2,
            },
            Invalid::Deadline {
                name: "channel_ack_hours",
                hours: 0,
            },
            Invalid::ConsequenceLevels { found: 3, last: 1 },
            Invalid::ReportPeriod,
            Invalid::ReportTooLong { max_days: 92 },
            Invalid::ReportCheckpointSize,
            Invalid::Estimates {
                figure: "killed, military",
            },
            Invalid::Implausible {
                figure: "injured, civilian",
                high: 200_000,
            },
            Invalid::NoPlace,
            Invalid::EventIdLength { len: 120, max: 100 },
            Invalid::EventIdSpace {
                event_id: "PAK 1".into(),
            },
            Invalid::LinkTooShort,
            Invalid::NoIncidentType,
            Invalid::EvidenceTooLarge { size: 9, max: 8 },
            Invalid::MediaType {
                media_type: "image".into(),
            },
            Invalid::SessionEndsBeforeStart,
        ];
        for e in &invalids {
            assert_eq!(invalid(e).render(Lang::En), e.to_string());
            assert!(MESSAGES.has(invalid(e).key()), "{e:?}");
        }
        let rules = [
            RuleViolation::NotAParticipant(party.clone()),
            RuleViolation::ResponseNotByAccused {
                accused: party.clone(),
                responder: other.clone(),
            },
            RuleViolation::WithdrawalWithoutAcceptance {
                clause,
                participant: other,
            },
            RuleViolation::MemberIdTaken(member.clone()),
            RuleViolation::ConsequenceLevelUnknown(4),
            RuleViolation::AccusesItself,
            RuleViolation::OpeningInvalid(SealError::BadSalt),
            RuleViolation::ReportBeyondLog {
                checkpoint_size: 10,
                log_size: 9,
            },
        ];
        for v in &rules {
            assert_eq!(rule(v).render(Lang::En), v.to_string());
        }
        let rejections = [
            Rejection::CharterFirst,
            Rejection::RevokedMember(member.clone()),
            Rejection::Sequence {
                member: member.clone(),
                expected: 3,
                got: 5,
            },
            Rejection::WrongLog {
                expected: "a".into(),
                got: "b".into(),
            },
            Rejection::Record(RecordError::BadSignature {
                index: 0,
                member: member.to_string(),
            }),
            Rejection::Record(RecordError::Body {
                kind: truce_core::Kind::ChannelMessage,
                invalid: Invalid::NoRecipient,
            }),
            Rejection::Record(RecordError::Canonical(CanonicalError::Null {
                path: "$.body.x".into(),
            })),
        ];
        for r in &rejections {
            assert_eq!(rejection(r).render(Lang::En), r.to_string());
        }
        // And in another language, the facts stay and the words change.
        let urdu = rejection(&rejections[2]).render(Lang::Ur);
        assert!(
            urdu.contains("pakistan.liaison") && urdu.contains('5'),
            "{urdu}"
        );
        assert_ne!(urdu, rejections[2].to_string());
        let figure = invalid(&invalids[25]).render(Lang::Ar);
        assert!(figure.starts_with("القتلى، عسكريون"), "{figure}");
    }
}
