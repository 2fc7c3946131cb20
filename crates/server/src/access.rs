//! Who may read what: the one place that answers it.
//!
//! The log itself — every envelope — is published: anyone may read and
//! verify it. What is not for everyone is kept out of the log, and decided
//! here alone:
//!
//! - a record's **confidential part** (its opening): the author's
//!   participant and the participants the record names as readers;
//! - **restricted evidence**, by the `confidentiality` of the first
//!   `evidence.submit` that names the blob (a later record cannot widen
//!   access to bytes filed earlier): `participants` evidence for signed-in
//!   parties and mediators, `mediators` evidence for the mediators and the
//!   filing participant — and only once the reader's own `evidence.access`
//!   record is in the log, so every read of restricted material is itself
//!   recorded;
//! - **uploading evidence**: the parties' and the mediators' members.
//!
//! The routes gather the facts (the session, the record's author, the
//! evidence record) and turn a refusal into the right HTTP answer; the
//! decisions themselves are pure and tested below, role by role.

use crate::auth::Session;
use crate::error::{Detail, detail};
use truce_core::kinds::charter::Role;
use truce_core::kinds::evidence::Confidentiality;
use truce_core::sealed::SealedPart;
use truce_core::values::ParticipantId;

/// Whether a role may read everything shared among the participants
/// (parties and mediators), or only what is published (observers).
pub fn is_participant_role(role: Role) -> bool {
    matches!(role, Role::Party | Role::Mediator)
}

/// Whether the signed-in member may upload evidence blobs.
pub fn may_upload_evidence(session: &Session) -> bool {
    is_participant_role(session.role)
}

/// Whether `reader` may read the opening of a confidential part sealed by a
/// member of `author_participant`.
pub fn may_read_opening(
    reader: Option<&Session>,
    author_participant: Option<&ParticipantId>,
    sealed: &SealedPart,
) -> bool {
    let Some(session) = reader else {
        return false;
    };
    author_participant == Some(&session.participant)
        || sealed.readers.iter().any(|r| *r == session.participant)
}

/// The answer for one read of an evidence blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceDecision {
    Granted,
    /// Restricted, and the caller is not signed in.
    SignIn {
        restricted_to: Detail,
    },
    /// Restricted to others than the caller.
    NotShared {
        restricted_to: Detail,
    },
    /// The caller may read it once its own `evidence.access` record is in the log.
    NeedsAccessRecord,
}

/// Decides a read of evidence filed by `filer` at `level`.
/// `signed_access(session)` says whether the reader's own `evidence.access`
/// record for it is in the log; it is asked only when that decides.
pub fn evidence_decision<E>(
    reader: Option<&Session>,
    level: Confidentiality,
    filer: &ParticipantId,
    signed_access: impl FnOnce(&Session) -> Result<bool, E>,
) -> Result<EvidenceDecision, E> {
    if level == Confidentiality::Public {
        return Ok(EvidenceDecision::Granted);
    }
    let restricted_to = restricted_to(level, filer);
    let Some(session) = reader else {
        return Ok(EvidenceDecision::SignIn { restricted_to });
    };
    let entitled = match level {
        Confidentiality::Public => true,
        Confidentiality::Participants => is_participant_role(session.role),
        Confidentiality::Mediators => {
            session.role == Role::Mediator || session.participant == *filer
        }
    };
    if !entitled {
        return Ok(EvidenceDecision::NotShared { restricted_to });
    }
    Ok(if signed_access(session)? {
        EvidenceDecision::Granted
    } else {
        EvidenceDecision::NeedsAccessRecord
    })
}

/// Whom evidence at `level` filed by `filer` is for, in words.
fn restricted_to(level: Confidentiality, filer: &ParticipantId) -> Detail {
    match level {
        Confidentiality::Public => detail!("access.public"),
        Confidentiality::Participants => detail!("access.participants"),
        Confidentiality::Mediators => detail!("access.mediators", filer),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::convert::Infallible;
    use truce_core::values::{MemberId, Timestamp};

    fn session(participant: &str, role: Role) -> Session {
        Session {
            member: MemberId::parse(format!("{participant}.member")).unwrap(),
            participant: ParticipantId::parse(participant).unwrap(),
            role,
            key_id: 0,
            expires: Timestamp::LATEST,
        }
    }

    fn decide(reader: Option<&Session>, level: Confidentiality, signed: bool) -> EvidenceDecision {
        let filer = ParticipantId::parse("pakistan").unwrap();
        evidence_decision(reader, level, &filer, |_| Ok::<_, Infallible>(signed)).unwrap()
    }

    #[test]
    fn evidence_is_read_by_whom_its_record_names_and_only_with_a_signed_trace() {
        use Confidentiality::*;
        use EvidenceDecision::*;
        let filer = session("pakistan", Role::Party);
        let other_party = session("afghanistan", Role::Party);
        let mediator = session("qatar", Role::Mediator);
        let observer = session("press", Role::Observer);
        // Public evidence is anyone's; restricted evidence asks to sign in.
        assert_eq!(decide(None, Public, false), Granted);
        for level in [Participants, Mediators] {
            assert!(matches!(decide(None, level, true), SignIn { .. }));
        }
        // Participants: parties and mediators, with a trace; never observers.
        for reader in [&filer, &other_party, &mediator] {
            assert_eq!(decide(Some(reader), Participants, true), Granted);
            assert_eq!(decide(Some(reader), Participants, false), NeedsAccessRecord);
        }
        assert!(matches!(
            decide(Some(&observer), Participants, true),
            NotShared { .. }
        ));
        // Mediators: the mediators and the filing participant only.
        for reader in [&filer, &mediator] {
            assert_eq!(decide(Some(reader), Mediators, true), Granted);
            assert_eq!(decide(Some(reader), Mediators, false), NeedsAccessRecord);
        }
        for reader in [&other_party, &observer] {
            assert!(matches!(
                decide(Some(reader), Mediators, true),
                NotShared { .. }
            ));
        }
    }

    #[test]
    fn an_opening_is_read_by_its_authors_side_and_the_readers_it_names() {
        let pakistan = ParticipantId::parse("pakistan").unwrap();
        let sealed = SealedPart {
            digest: truce_core::Hash([0; 32]),
            readers: truce_core::values::Bounded::new(vec![ParticipantId::parse("qatar").unwrap()])
                .unwrap(),
        };
        let may = |reader: &Session| may_read_opening(Some(reader), Some(&pakistan), &sealed);
        assert!(may(&session("pakistan", Role::Party)));
        assert!(may(&session("qatar", Role::Mediator)));
        assert!(!may(&session("turkiye", Role::Mediator)));
        assert!(!may(&session("afghanistan", Role::Party)));
        assert!(!may_read_opening(None, Some(&pakistan), &sealed));
    }

    #[test]
    fn only_participants_upload_evidence() {
        assert!(may_upload_evidence(&session("pakistan", Role::Party)));
        assert!(may_upload_evidence(&session("qatar", Role::Mediator)));
        assert!(!may_upload_evidence(&session("press", Role::Observer)));
    }
}
