//! Times in signed records are RFC 3339 UTC strings in exactly one spelling
//! (`YYYY-MM-DDTHH:MM:SSZ`), so the same instant always signs to the same
//! bytes. The core never reads a clock: "now" is always a parameter.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const EPOCH: Timestamp = Timestamp(OffsetDateTime::UNIX_EPOCH);

    /// 9999-12-31T23:59:59Z, the latest time with an RFC 3339 spelling: what
    /// a clock that cannot be read says, so that everything with an expiry
    /// has expired (failing closed) rather than nothing.
    pub const LATEST: Timestamp = Timestamp(time::macros::datetime!(9999-12-31 23:59:59 UTC));

    pub fn parse(value: &str) -> Result<Self, String> {
        let parsed = OffsetDateTime::parse(value, &Rfc3339)
            .map_err(|e| format!("{value:?} is not an RFC 3339 time: {e}"))?;
        // Only "Z" is the canonical spelling, so any other offset is refused
        // before conversion (converting 9999-12-31T23:59:59-00:01 would overflow).
        if parsed.offset() != UtcOffset::UTC {
            return Err(format!(
                "{value:?} must be written in UTC to the second, like \"2025-10-26T09:30:00Z\""
            ));
        }
        let ts = Self(parsed);
        if ts.to_string() != value {
            return Err(format!(
                "{value:?} must be written in UTC to the second, like \"2025-10-26T09:30:00Z\""
            ));
        }
        Ok(ts)
    }

    /// Whole seconds only: sub-second parts are dropped so the value has one spelling.
    pub fn from_unix(seconds: i64) -> Result<Self, String> {
        OffsetDateTime::from_unix_timestamp(seconds)
            .map(Self)
            .map_err(|e| e.to_string())
    }

    /// Converts to UTC whole seconds; `None` if the instant is outside the
    /// representable range once in UTC.
    pub fn from_datetime(at: OffsetDateTime) -> Option<Self> {
        let utc = at.checked_to_offset(UtcOffset::UTC)?;
        Some(Self(utc.replace_nanosecond(0).unwrap_or(utc)))
    }

    pub fn unix(&self) -> i64 {
        self.0.unix_timestamp()
    }

    pub fn datetime(&self) -> OffsetDateTime {
        self.0
    }

    pub fn plus_hours(&self, hours: u32) -> Self {
        Self(self.0.saturating_add(Duration::hours(i64::from(hours))))
    }

    /// Seconds from `self` until `later` (negative when `later` is earlier).
    pub fn seconds_until(&self, later: &Timestamp) -> i64 {
        later.unix() - self.unix()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A calendar day, `YYYY-MM-DD` in exactly one spelling: when something was
/// published, where the day is all that is known or meant.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

impl Date {
    pub fn parse(value: &str) -> Result<Self, String> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(value, format)
            .map_err(|e| format!("{value:?} is not a date written like \"2025-10-29\": {e}"))?;
        let parsed = Self(date);
        if parsed.to_string() != value {
            return Err(format!(
                "{value:?} must be written as a date like \"2025-10-29\""
            ));
        }
        Ok(parsed)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How precisely the author knows when something happened (UCDP's date_prec,
/// ACLED's time_precision): a time known to the day is not a time known to the minute.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimePrecision {
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

/// When an event happened, as the author states it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventTime {
    pub at: Timestamp,
    pub precision: TimePrecision,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling_per_instant() {
        assert!(Timestamp::parse("2025-10-26T09:30:00Z").is_ok());
        assert!(Timestamp::parse("2025-10-26T09:30:00+00:00").is_err());
        assert!(Timestamp::parse("2025-10-26T12:30:00+03:00").is_err());
        assert!(Timestamp::parse("2025-10-26T09:30:00.5Z").is_err());
        assert!(Timestamp::parse("2025-10-26 09:30:00Z").is_err());
        assert!(Timestamp::parse("yesterday").is_err());
        // An offset that would overflow when converted is refused, not a panic.
        assert!(Timestamp::parse("9999-12-31T23:59:59-00:01").is_err());
        assert!(Timestamp::parse("-0001-01-01T00:00:00Z").is_err());
    }

    #[test]
    fn one_spelling_per_date() {
        assert_eq!(Date::parse("2025-10-29").unwrap().to_string(), "2025-10-29");
        for wrong in [
            "2025-10-32",
            "2025-1-29",
            "29-10-2025",
            "2025-10-29T00:00:00Z",
            "",
            "+2025-10-29",
        ] {
            assert!(Date::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn deadlines_add_hours() {
        let t = Timestamp::parse("2025-10-26T09:30:00Z").unwrap();
        assert_eq!(t.plus_hours(72).to_string(), "2025-10-29T09:30:00Z");
        assert_eq!(t.seconds_until(&t.plus_hours(1)), 3600);
    }

    #[test]
    fn the_latest_time_is_after_every_other() {
        let latest = Timestamp::parse("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(Timestamp::LATEST, latest);
        assert!(Timestamp::LATEST > Timestamp::parse("2025-10-26T09:30:00Z").unwrap());
        // A deadline from it saturates rather than wrapping to the past.
        assert!(Timestamp::LATEST.plus_hours(72) >= Timestamp::LATEST);
    }
}
