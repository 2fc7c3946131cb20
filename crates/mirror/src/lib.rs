//! # truce-mirror
//!
//! A participant's own complete, verified copy of a Truce log (`truce
//! mirror`). If the log's server disappears — or its operator starts to
//! lie — the party still holds, and can prove, the whole record.
//!
//! The mirror follows the log through the read interfaces every client has:
//! the signed checkpoint (`/checkpoint`), entry bundles
//! (c2sp.org/tlog-tiles, `/tile/entries/…`), consistency proofs and the
//! log's earlier checkpoints. Each entry is checked as `truce verify` checks
//! it — canonical bytes, signatures, every admission rule in log order, the
//! Merkle tree — and a step of entries is stored only together with a
//! checkpoint the log signed whose root those entries give. The mirror only
//! ever moves towards a checkpoint that meets the charter's witness quorum,
//! so a history shown to it alone cannot pass.
//!
//! What it meets that no honest log produces — two roots for one size, a
//! smaller tree after a larger one, an entry that breaks the rules, entries
//! a signed checkpoint covers but the log withholds, a witness that was shown
//! another tree — is an [`alarm::Alarm`]: kept with its signed evidence
//! (`alarms.jsonl` in the mirror's directory) and shown by its status. At a
//! fork, a rollback or a bad entry the mirror stops advancing for good; it
//! still serves, and proves, everything it verified before.
//!
//! Of c2sp.org/tlog-mirror it follows what fits a mirror that pulls: it
//! serves its copy through the same tiles and checkpoint, and with a key it
//! adds its own `cosignature/v1` to each checkpoint it has durably stored —
//! the statement that spec gives a mirror's cosignature. The spec's
//! push interface (`add-entries`, for a log that uploads to its mirrors) is
//! not offered: a Truce log need not know its parties' mirrors.

pub mod alarm;
pub mod blocking;
pub mod follow;
pub mod origin;
pub mod status;

pub use alarm::{Alarm, AlarmKind};
pub use blocking::BlockingStore;
pub use follow::{Mirror, MirrorError, Pin, Progress};
pub use origin::Origin;
pub use status::{MirrorState, MirrorStatus, SharedStatus};
