//! Identifiers chosen by people (participants, members, clauses): short,
//! lowercase slugs, so they read well in URLs, logs and key names and can
//! never be confused by case or Unicode look-alikes.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

fn check_slug(value: &str, max: usize) -> Result<(), String> {
    if value.is_empty() || value.len() > max {
        return Err(format!("must be 1 to {max} characters long"));
    }
    let first_ok = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let all_ok = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == '_');
    if !first_ok || !all_ok {
        return Err(format!(
            "{value:?} must be lowercase letters, digits, '-', '.' or '_', starting with a letter or digit"
        ));
    }
    Ok(())
}

// Shared, not owned: an id is written once and copied into whatever refers
// to it (the admission state keeps one per record it admits), and a clone of
// an `Arc<str>` is a count, where a `String` was a heap allocation each.
macro_rules! slug_type {
    ($(#[$doc:meta])* $name:ident, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// The longest id of this kind, in bytes.
            pub const MAX_LEN: usize = $max;

            pub fn parse(value: impl Into<String>) -> Result<Self, String> {
                let value = value.into();
                check_slug(&value, Self::MAX_LEN)?;
                Ok(Self(value.into()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Self::parse(String::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }
    };
}

slug_type!(
    /// An organisation taking part: "pakistan", "afghanistan", "turkiye", "qatar".
    ParticipantId,
    32
);
slug_type!(
    /// A person or system acting for a participant; also the name in its key strings.
    MemberId,
    64
);
slug_type!(
    /// A clause's stable id across every version of a draft: "c1", "verification.2".
    ClauseId,
    32
);
slug_type!(
    /// A commitment indicator or other short machine label chosen by an author.
    Tag,
    64
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_and_bounded() {
        assert!(ParticipantId::parse("pakistan").is_ok());
        assert!(ParticipantId::parse("Pakistan").is_err());
        assert!(ParticipantId::parse("").is_err());
        assert!(ParticipantId::parse("-x").is_err());
        assert!(ParticipantId::parse("a".repeat(33)).is_err());
        assert!(MemberId::parse("pk.ops-1").is_ok());
        assert!(MemberId::parse("pk ops").is_err());
        assert!(MemberId::parse("pk+ops").is_err());
    }
}
