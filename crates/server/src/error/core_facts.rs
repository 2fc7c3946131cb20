//! The core's refusals as details: each variant's catalog key and facts.
//! The core says what was wrong in English (its `Display`, for logs and the
//! CLI); what a reader of the API gets in their language is built here, one
//! arm per variant, so a new variant cannot be added without being said.
//! A key the catalog lacks falls back to the core's own English.

use super::{Detail, detail};
use truce_core::canonical::CanonicalError;
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
        E::Unsigned => d("record.unsigned"),
        E::Inconsistent => d("record.inconsistent"),
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
