//! Validated value types used by every record kind. Each parses once at the
//! boundary so that an invalid value cannot exist past it.

pub mod geo;
pub mod ids;
#[cfg(feature = "openapi")]
pub(crate) mod schema;
pub mod text;
pub mod time;

pub use geo::{GeoPoint, GeoPrecision, Place};
pub use ids::{ClauseId, MemberId, ParticipantId, Tag};
pub use text::{Bounded, Label, Paragraph, Prose, Text, TextError};
pub use time::{Date, EventTime, TimePrecision, Timestamp};
