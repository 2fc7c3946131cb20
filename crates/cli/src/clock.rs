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

/// A witness clock held at one moment until released, then the system's.
/// A seeded demo holds it at the scenario's end while it builds, so the
/// witnesses' cosignatures carry the same timestamps in every build from the
/// same seed (and so the store is the same byte for byte); once the demo
/// serves, new cosignatures carry the real time.
pub struct HeldClock(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl HeldClock {
    /// Held at `at` POSIX seconds, or never held when `None`.
    pub fn new(at: Option<u64>) -> Self {
        // 0 means released: no scenario moment is the epoch.
        HeldClock(std::sync::Arc::new(std::sync::atomic::AtomicU64::new(
            at.unwrap_or(0),
        )))
    }

    /// The clock to give the witnesses.
    pub fn clock(&self) -> truce_witness::Clock {
        let held = std::sync::Arc::clone(&self.0);
        std::sync::Arc::new(
            move || match held.load(std::sync::atomic::Ordering::Relaxed) {
                0 => posix_now(),
                at => at,
            },
        )
    }

    /// From now on the clock reads the system's time.
    pub fn release(&self) {
        self.0.store(0, std::sync::atomic::Ordering::Relaxed);
    }
}
