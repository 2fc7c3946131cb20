//! The server's one reading of the clock (the core never reads it). Tests
//! pass a fixed clock so that deadlines and token expiry are reproducible.

use truce_core::values::Timestamp;

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        // `from_datetime` fails only beyond year 9999. Should it ever, the
        // latest time rather than the epoch: every token then has expired
        // (at the epoch none ever would) and every deadline has passed.
        Timestamp::from_datetime(time::OffsetDateTime::now_utc()).unwrap_or(Timestamp::LATEST)
    }
}

/// A clock that always says the same time.
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}
