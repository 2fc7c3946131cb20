//! Every record kind with its typed, validated body. Unknown fields are
//! refused (`deny_unknown_fields`), every string and list is bounded, and
//! cross-field rules live in each body's `validate`.

pub mod channel;
pub mod charter;
pub mod commitment;
pub mod common;
pub mod consequence;
pub mod draft;
pub mod evidence;
pub mod incident;
mod invalid;
pub mod membership;
pub mod report;
pub mod session;

use crate::sealed::Disclosure;
use common::RecordRef;
pub use invalid::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! kinds {
    ($( $variant:ident => $name:literal, $body:ty; )*) => {
        /// The kind of a record, as written in its envelope.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
        pub enum Kind {
            $( #[serde(rename = $name)] $variant, )*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$( Kind::$variant, )*];
            pub fn as_str(&self) -> &'static str {
                match self { $( Kind::$variant => $name, )* }
            }
            pub fn parse(name: &str) -> Option<Kind> {
                match name { $( $name => Some(Kind::$variant), )* _ => None }
            }
        }

        /// A record body, typed by its kind.
        #[derive(Clone, PartialEq, Eq, Debug)]
        pub enum Body {
            $( $variant($body), )*
        }

        impl Body {
            /// Parses a body for `kind`, refusing unknown fields and invalid values.
            pub fn parse(kind: Kind, value: &serde_json::Value) -> Result<Body, String> {
                match kind {
                    $( Kind::$variant => {
                        let body: $body = serde::Deserialize::deserialize(value)
                            .map_err(|e| format!("{} body: {e}", $name))?;
                        Ok(Body::$variant(body))
                    } )*
                }
            }
            pub fn kind(&self) -> Kind {
                match self { $( Body::$variant(_) => Kind::$variant, )* }
            }
            pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
                match self { $( Body::$variant(b) => serde_json::to_value(b), )* }
            }
        }

        // Written out rather than derived: the derive does not see the
        // renames through this macro's literals.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for Kind {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some("The kind of a record, as written in its envelope."))
                    .enum_values(Some([$( $name, )*]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for Kind {}

        /// In the API document an envelope's `body` is one of the kinds'
        /// bodies: the one its `kind` names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for Body {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::ToSchema;
                // anyOf, not oneOf: two kinds' bodies could share a shape; the
                // envelope's `kind` says which one this is.
                utoipa::openapi::schema::AnyOfBuilder::new()
                    .description(Some("The body for the envelope's kind; each kind's schema is named after its body type."))
                    $( .item(utoipa::openapi::schema::RefBuilder::new()
                        .ref_location_from_schema_name(<$body>::name())
                        .description(Some(format!("kind \"{}\"", $name)))
                        .build()) )*
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for Body {
            fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                use utoipa::PartialSchema;
                $(
                    schemas.push((<$body>::name().into_owned(), <$body>::schema()));
                    <$body>::schemas(schemas);
                )*
            }
        }
    };
}

kinds! {
    Charter => "charter", charter::Charter;
    MemberAdd => "member.add", membership::MemberAdd;
    KeyRotate => "member.rotate_key", membership::KeyRotate;
    MemberRevoke => "member.revoke", membership::MemberRevoke;
    IncidentReport => "incident.report", incident::IncidentReport;
    IncidentResponse => "incident.response", incident::IncidentResponse;
    IncidentLink => "incident.link", incident::IncidentLink;
    Investigation => "incident.investigation", incident::Investigation;
    Finding => "incident.finding", incident::Finding;
    Remedy => "incident.remedy", incident::Remedy;
    Concurrence => "concurrence", incident::Concurrence;
    EvidenceSubmit => "evidence.submit", evidence::EvidenceSubmit;
    EvidenceAcknowledge => "evidence.acknowledge", evidence::EvidenceAcknowledge;
    EvidenceAccess => "evidence.access", evidence::EvidenceAccess;
    CommitmentDeclare => "commitment.declare", commitment::CommitmentDeclare;
    DraftPropose => "draft.propose", draft::DraftPropose;
    DraftAmend => "draft.amend", draft::DraftAmend;
    DraftPosition => "draft.position", draft::DraftPosition;
    DraftSign => "draft.sign", draft::DraftSign;
    ViolationDetermination => "violation.determination", consequence::ViolationDetermination;
    PenaltyDecision => "penalty.decision", consequence::PenaltyDecision;
    ViolationResponse => "violation.response", consequence::ViolationResponse;
    ChannelMessage => "channel.message", channel::ChannelMessage;
    ChannelReceipt => "channel.receipt", channel::ChannelReceipt;
    SessionRecord => "session.record", session::SessionRecord;
    Statement => "statement", session::Statement;
    Disclosure => "disclosure", Disclosure;
    ReportPublish => "report.publish", report::ReportPublish;
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Body {
    /// Checks the rules that involve several fields of one body.
    pub fn validate(&self) -> Result<(), Invalid> {
        match self {
            Body::Charter(b) => b.validate(),
            Body::MemberAdd(b) => b.member.validate(),
            Body::IncidentReport(b) => b.validate(),
            Body::IncidentLink(b) => b.validate(),
            Body::EvidenceSubmit(b) => b.validate(),
            Body::CommitmentDeclare(b) => b.validate(),
            Body::DraftPropose(b) => b.validate(),
            Body::DraftAmend(b) => b.validate(),
            Body::DraftPosition(b) => b.validate(),
            Body::ChannelMessage(b) => b.validate(),
            Body::SessionRecord(b) => b.validate(),
            Body::ReportPublish(b) => b.validate(),
            // Nothing that spans fields: each field's type holds its own
            // rules. Every kind named, so that a new one is decided here too.
            Body::KeyRotate(_)
            | Body::MemberRevoke(_)
            | Body::IncidentResponse(_)
            | Body::Investigation(_)
            | Body::Finding(_)
            | Body::Remedy(_)
            | Body::Concurrence(_)
            | Body::EvidenceAcknowledge(_)
            | Body::EvidenceAccess(_)
            | Body::DraftSign(_)
            | Body::ViolationDetermination(_)
            | Body::PenaltyDecision(_)
            | Body::ViolationResponse(_)
            | Body::ChannelReceipt(_)
            | Body::Statement(_)
            | Body::Disclosure(_) => Ok(()),
        }
    }

    /// What the body itself says is invented rather than reported, for the
    /// kinds that can say so (the demo data set marks everything it invents).
    /// Views that show a record, or a figure counted from records, mark it by this.
    pub fn illustrative(&self) -> Option<&crate::values::Label> {
        match self {
            Body::Charter(b) => b.illustrative.as_ref(),
            Body::IncidentReport(b) => b.illustrative.as_ref(),
            Body::IncidentResponse(b) => b.illustrative.as_ref(),
            Body::Investigation(b) => b.illustrative.as_ref(),
            Body::Finding(b) => b.illustrative.as_ref(),
            Body::Remedy(b) => b.illustrative.as_ref(),
            Body::EvidenceSubmit(b) => b.illustrative.as_ref(),
            Body::CommitmentDeclare(b) => b.illustrative.as_ref(),
            Body::ViolationDetermination(b) => b.illustrative.as_ref(),
            Body::PenaltyDecision(b) => b.illustrative.as_ref(),
            Body::DraftPropose(b) => b.illustrative.as_ref(),
            Body::DraftAmend(b) => b.illustrative.as_ref(),
            Body::DraftPosition(b) => b.illustrative.as_ref(),
            Body::ChannelMessage(b) => b.illustrative.as_ref(),
            Body::SessionRecord(b) => b.illustrative.as_ref(),
            Body::Statement(b) => b.illustrative.as_ref(),
            // No field for it: every kind named, so that a new one is decided here too.
            Body::MemberAdd(_)
            | Body::KeyRotate(_)
            | Body::MemberRevoke(_)
            | Body::IncidentLink(_)
            | Body::Concurrence(_)
            | Body::EvidenceAcknowledge(_)
            | Body::EvidenceAccess(_)
            | Body::DraftSign(_)
            | Body::ViolationResponse(_)
            | Body::ChannelReceipt(_)
            | Body::Disclosure(_)
            | Body::ReportPublish(_) => None,
        }
    }

    /// Every earlier record this body names. Each must also be listed in the
    /// envelope's `refs`, so the log's graph of references can be checked
    /// without knowing any kind.
    pub fn references(&self) -> Vec<RecordRef> {
        let mut refs = Vec::new();
        match self {
            Body::Charter(_)
            | Body::MemberAdd(_)
            | Body::KeyRotate(_)
            | Body::MemberRevoke(_)
            | Body::SessionRecord(_) => {}
            Body::IncidentReport(b) => refs.extend(b.evidence.iter().copied()),
            Body::IncidentResponse(b) => {
                refs.push(b.incident);
                refs.extend(b.evidence.iter().copied());
            }
            Body::IncidentLink(b) => refs.extend(b.incidents.iter().copied()),
            Body::Investigation(b) => {
                refs.push(b.incident);
                refs.extend(b.evidence.iter().copied());
            }
            Body::Finding(b) => {
                refs.push(b.incident);
                refs.extend(b.evidence.iter().copied());
            }
            Body::Remedy(b) => refs.push(b.finding),
            Body::Concurrence(b) => refs.push(b.record),
            Body::EvidenceSubmit(b) => refs.extend(b.incident),
            Body::EvidenceAcknowledge(b) => refs.push(b.evidence),
            Body::EvidenceAccess(b) => refs.push(b.evidence),
            Body::CommitmentDeclare(_) => {}
            Body::DraftPropose(_) => {}
            Body::DraftAmend(b) => refs.push(b.previous),
            Body::DraftPosition(b) => {
                refs.push(b.version);
                refs.extend(b.positions.iter().filter_map(|p| p.withdraws));
            }
            Body::DraftSign(b) => refs.push(b.version),
            Body::ViolationDetermination(b) => {
                refs.push(b.finding);
                refs.extend(b.commitment);
            }
            Body::PenaltyDecision(b) => refs.push(b.determination),
            Body::ViolationResponse(b) => refs.push(b.determination),
            Body::ChannelMessage(b) => refs.extend(b.reply_to),
            Body::ChannelReceipt(b) => refs.push(b.message),
            Body::Statement(b) => refs.extend(b.session),
            Body::Disclosure(b) => refs.push(b.record),
            Body::ReportPublish(b) => refs.extend(b.decision),
        }
        refs
    }
}
