//! The only place the CLI reads the clock. The core never does: "now" is
//! passed in, so every derivation can be reproduced for any instant.

use truce_core::values::Timestamp;

#[allow(clippy::disallowed_methods)]
pub fn now() -> anyhow::Result<Timestamp> {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
        .ok_or_else(|| anyhow::anyhow!("the system clock is outside the representable range"))
}

/// POSIX seconds now (0 should the clock be before 1970), for witness
/// cosignatures' timestamps.
pub fn posix_now() -> u64 {
    now().map_or(0, |t| u64::try_from(t.unix()).unwrap_or(0))
}
