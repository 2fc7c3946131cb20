//! Membership is itself recorded: adding a member, rotating its key and
//! revoking it are signed records, so who could sign what, when, is in the log.

use super::charter::{MemberSpec, VerifierKey};
use crate::values::{MemberId, Paragraph, ParticipantId};
use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberAdd {
    pub participant: ParticipantId,
    pub member: MemberSpec,
}

/// Replaces a member's active key; the old key signs nothing from here on.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyRotate {
    pub member: MemberId,
    pub new_key: VerifierKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Paragraph>,
}

/// Ends a membership: none of the member's keys signs anything from here on.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberRevoke {
    pub member: MemberId,
    pub reason: Paragraph,
}
