//! `truce-witness`: a c2sp.org/tlog-witness service that any participant
//! runs on its own machine.
//!
//! A witness cosigns a log's checkpoint only if it is consistent with the
//! last one it cosigned for that log, so a log operator who shows one party
//! one history and another party another cannot get both cosigned by the
//! same witness, and cannot get either past a verifier whose policy wants
//! that witness. The decision itself is `truce_tlog::witness` (pure, shared
//! with the log and the tests); this crate adds what makes it hold:
//!
//! - [`state`]: the compare-and-store of (origin → size, root, checkpoint),
//!   atomic and durable before a cosignature leaves, and the evidence kept
//!   when a validly signed checkpoint contradicts what was cosigned;
//! - [`service`]: the HTTP interface (the spec's `add-checkpoint`, and the
//!   read endpoints monitors use);
//! - [`collector`]: the log's side — submitting each new checkpoint to the
//!   policy's witnesses in the background and keeping their cosignatures;
//! - [`monitor`]: an outsider's side — comparing the log's checkpoints over
//!   time and with what each witness cosigned, and alerting on a split view.

pub mod collector;
pub mod monitor;
pub mod service;
pub mod state;

use std::collections::BTreeMap;
use std::sync::Arc;

use truce_tlog::Cosigner;
use truce_tlog::note::NoteVerifier;
use truce_tlog::witness::{AddCheckpoint, Refusal, open_checkpoint};

pub use state::{Evidence, LatestCheckpoint, StateError, WitnessState};

/// Why `add-checkpoint` did not return cosignatures.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// The witness refuses, as the spec says it must.
    #[error("{0}")]
    Refused(Refusal),
    /// The witness's own state could not be read or written: nothing was
    /// cosigned.
    #[error(transparent)]
    State(#[from] StateError),
}

/// The clock a witness timestamps its cosignatures with: POSIX seconds.
/// A parameter, so that only the binary's edge reads the system clock and
/// tests can fix the time.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// A witness: its key, the logs it follows, its state.
pub struct Witness {
    cosigner: Cosigner,
    logs: BTreeMap<String, Vec<NoteVerifier>>,
    state: WitnessState,
    clock: Clock,
}

impl Witness {
    /// A witness cosigning with `cosigner` for the logs whose keys are
    /// `logs` (the origin of each is its key's name).
    pub fn new(
        cosigner: Cosigner,
        logs: Vec<NoteVerifier>,
        state: WitnessState,
        clock: Clock,
    ) -> Self {
        let mut by_origin: BTreeMap<String, Vec<NoteVerifier>> = BTreeMap::new();
        for key in logs {
            let keys = by_origin.entry(key.name().to_owned()).or_default();
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        Witness {
            cosigner,
            logs: by_origin,
            state,
            clock,
        }
    }

    /// The witness's cosigning key.
    pub fn cosigner(&self) -> &Cosigner {
        &self.cosigner
    }

    /// The log keys it trusts, by origin.
    pub fn logs(&self) -> &BTreeMap<String, Vec<NoteVerifier>> {
        &self.logs
    }

    /// Its state (for the read endpoints).
    pub fn state(&self) -> &WitnessState {
        &self.state
    }

    /// Handles one `add-checkpoint` body: the cosignature lines on success.
    pub fn add_checkpoint(&self, body: &[u8]) -> Result<String, AddError> {
        let request = AddCheckpoint::parse(body)
            .map_err(|e| AddError::Refused(Refusal::Malformed(e.to_string())))?;
        let trusted = |origin: &str| self.logs.get(origin).cloned().unwrap_or_default();
        let accepted = open_checkpoint(&request, &trusted).map_err(AddError::Refused)?;
        let line =
            self.state
                .compare_and_store(&request, &accepted, &self.cosigner, (self.clock)())?;
        Ok(line.to_line())
    }
}
