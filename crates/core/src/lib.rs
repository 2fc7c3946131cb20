//! # truce-core
//!
//! The pure core of Truce: what a record is, how it is encoded and signed,
//! the rules the log admits it by, and the state derived from the log. It does
//! no I/O and reads no clock: storage, HTTP and the CLI are layers around it,
//! and "now" is always a parameter.

pub mod admission;
pub mod canonical;
pub mod derive;
pub mod kinds;
pub mod per_record;
pub mod record;
pub mod sealed;
pub mod strict_json;
pub mod values;

pub use admission::{LogState, Rejection, RuleViolation};
pub use kinds::{Body, Kind};
pub use record::{Record, RecordDraft, RecordError};
pub use truce_tlog::Hash;
