//! The only place the CLI reads the clock. The core never does: "now" is
//! passed in, so every derivation can be reproduced for any instant.

use truce_core::values::Timestamp;

#[allow(clippy::disallowed_methods)]
pub fn now() -> anyhow::Result<Timestamp> {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
        .ok_or_else(|| anyhow::anyhow!("the system clock is outside the representable range"))
}
