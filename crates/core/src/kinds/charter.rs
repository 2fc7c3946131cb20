//! The charter: the genesis record, signed by every founding participant. It
//! fixes who takes part and in what role, the deadlines, the finding
//! threshold, the witness policy and the schedule of consequences.

use super::Invalid;
use super::common::Capability;
use crate::values::{Bounded, Label, MemberId, Paragraph, ParticipantId, Prose, Timestamp};
use serde::{Deserialize, Serialize};
use truce_tlog::note::NoteVerifier;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A side to the ceasefire.
    Party,
    /// A host or guarantor state.
    Mediator,
    /// Press, a UN body, the public: reads what is published, authors nothing.
    Observer,
}

/// A public key in the signed-note verifier-key form (members and the log alike)
/// `name+hex8(keyID)+base64(0x01‖pubkey)`; a member key is named after the member id.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifierKey(NoteVerifier);

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for VerifierKey {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::values::schema::string(
            None,
            None,
            "An Ed25519 public key as a signed-note verifier key: name+hex8(key id)+base64(0x01‖key).",
        )
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for VerifierKey {}

impl VerifierKey {
    pub fn parse(vkey: &str) -> Result<Self, String> {
        NoteVerifier::from_vkey(vkey)
            .map(Self)
            .map_err(|e| format!("{vkey:?} is not a verifier key: {e}"))
    }
    pub fn verifier(&self) -> &NoteVerifier {
        &self.0
    }
    pub fn key_id(&self) -> u32 {
        self.0.key_id()
    }
    pub fn name(&self) -> &str {
        self.0.name()
    }
}

impl Serialize for VerifierKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.vkey())
    }
}

impl<'de> Deserialize<'de> for VerifierKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    pub id: MemberId,
    pub name: Label,
    /// The verifier key; its name must be the member id.
    pub key: VerifierKey,
    pub capabilities: Bounded<Capability, 5>,
}

impl MemberSpec {
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.key.name() != self.id.as_str() {
            return Err(Invalid::MemberKeyName {
                member: self.id.clone(),
                key_name: self.key.name().to_owned(),
            });
        }
        Ok(())
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ParticipantSpec {
    pub id: ParticipantId,
    pub name: Label,
    pub role: Role,
    pub members: Bounded<MemberSpec, 64>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Deadlines {
    /// Hours the accused party has to answer an incident report.
    pub incident_response_hours: u32,
    /// Hours a recipient has to acknowledge a channel message (urgent ones are flagged when late).
    pub channel_ack_hours: u32,
}

/// How many mediator participants must sign a finding, determination or decision.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// Every mediator participant.
    All,
    /// At least this many mediator participants.
    AtLeast(u32),
}

/// One step of the schedule of consequences for verified violations.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsequenceStep {
    pub level: u8,
    pub name: Label,
    pub description: Paragraph,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Charter {
    pub title: Label,
    /// The log's origin line, which is also the name of its checkpoint key.
    pub origin: Label,
    /// The log's checkpoint verifier key, fixed by every founding participant.
    pub log_key: VerifierKey,
    pub effective: Timestamp,
    pub participants: Bounded<ParticipantSpec, 16>,
    pub deadlines: Deadlines,
    pub finding_threshold: Threshold,
    /// The witness policy in c2sp.org/tlog-policy form (`witness`, `group`, `quorum` lines).
    pub witness_policy: Prose,
    pub consequences: Bounded<ConsequenceStep, 16>,
    /// What in this record is invented rather than reported, if anything
    /// (the demo data set must say which parts are illustrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<Label>,
}

impl Charter {
    /// The witness policy, parsed.
    pub fn policy(&self) -> Result<truce_tlog::WitnessPolicy, String> {
        truce_tlog::WitnessPolicy::parse(self.witness_policy.as_str()).map_err(|e| e.to_string())
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let policy = self.policy().map_err(Invalid::WitnessPolicy)?;
        // A policy that names logs must name this one: otherwise a verifier
        // holding only the policy would refuse every checkpoint of the log.
        if !policy.logs().is_empty()
            && !policy
                .logs()
                .iter()
                .any(|l| &l.key == self.log_key.verifier())
        {
            return Err(Invalid::PolicyOmitsLog {
                log_key: self.log_key.verifier().vkey(),
            });
        }
        if self.log_key.name() != self.origin.as_str() {
            return Err(Invalid::LogKeyName {
                key_name: self.log_key.name().to_owned(),
                origin: self.origin.as_str().to_owned(),
            });
        }
        let mut participant_ids = std::collections::HashSet::new();
        let mut member_ids = std::collections::HashSet::new();
        for p in &self.participants {
            if !participant_ids.insert(&p.id) {
                return Err(Invalid::ParticipantTwice {
                    participant: p.id.clone(),
                });
            }
            if p.role != Role::Observer && p.members.is_empty() {
                return Err(Invalid::NoMembers {
                    participant: p.id.clone(),
                });
            }
            for m in &p.members {
                m.validate()?;
                if !member_ids.insert(&m.id) {
                    return Err(Invalid::MemberTwice {
                        member: m.id.clone(),
                    });
                }
                if m.capabilities.iter().any(|c| *c == Capability::Find) && p.role != Role::Mediator
                {
                    return Err(Invalid::FindOutsideMediators {
                        member: m.id.clone(),
                        participant: p.id.clone(),
                    });
                }
                if p.role == Role::Observer && !m.capabilities.is_empty() {
                    return Err(Invalid::ObserverCapability {
                        member: m.id.clone(),
                        participant: p.id.clone(),
                    });
                }
            }
        }
        let parties = self
            .participants
            .iter()
            .filter(|p| p.role == Role::Party)
            .count();
        let mediators = self
            .participants
            .iter()
            .filter(|p| p.role == Role::Mediator)
            .count();
        if parties < 2 {
            return Err(Invalid::TooFewParties);
        }
        match self.finding_threshold {
            Threshold::All if mediators == 0 => {
                return Err(Invalid::ThresholdWithoutMediators);
            }
            Threshold::AtLeast(n) if n == 0 || n as usize > mediators => {
                return Err(Invalid::Threshold {
                    threshold: n,
                    mediators,
                });
            }
            _ => {}
        }
        for (name, hours) in [
            (
                "incident_response_hours",
                self.deadlines.incident_response_hours,
            ),
            ("channel_ack_hours", self.deadlines.channel_ack_hours),
        ] {
            if !(1..=24 * 365).contains(&hours) {
                return Err(Invalid::Deadline { name, hours });
            }
        }
        let mut last_level = 0;
        for step in &self.consequences {
            if step.level != last_level + 1 {
                return Err(Invalid::ConsequenceLevels {
                    found: step.level,
                    last: last_level,
                });
            }
            last_level = step.level;
        }
        Ok(())
    }

    /// How many mediator participants must sign for a finding to count.
    pub fn required_mediators(&self) -> usize {
        let mediators = self
            .participants
            .iter()
            .filter(|p| p.role == Role::Mediator)
            .count();
        match self.finding_threshold {
            Threshold::All => mediators,
            Threshold::AtLeast(n) => n as usize,
        }
    }
}
