//! The only place the CLI reads the clock. The core never does: "now" is
//! passed in, so every derivation can be reproduced for any instant.

use truce_core::values::Timestamp;

#[allow(clippy::disallowed_methods)]
pub fn now() -> Timestamp {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
}
