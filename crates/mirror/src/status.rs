//! What a mirror says about itself: which log it copies, how far it has
//! verified, how far behind the log it is, and its alarms. The server of a
//! mirror serves it at `GET /api/v1/mirror`; the browser shows it.

use crate::alarm::Alarm;
use serde::Serialize;
use std::sync::{Arc, RwLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MirrorState {
    /// Not yet in touch with the log.
    Starting,
    /// Up to date with the log's latest witnessed checkpoint, or moving to it.
    Following,
    /// The log's latest checkpoint does not meet the witness quorum yet.
    WaitingForWitnesses,
    /// The log could not be read; what is held is still served.
    Unreachable,
    /// An alarm that stops the mirror: it holds what it verified before and
    /// takes nothing further from the log.
    Halted,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MirrorStatus {
    /// The log's server this mirror copies (its base URL).
    pub source: String,
    /// The log's origin line (its name in checkpoints), once known.
    pub origin: Option<String>,
    /// How many records the mirror holds, verified.
    pub size: u64,
    /// The size of the log's latest checkpoint the mirror has seen.
    pub source_size: Option<u64>,
    /// How many records the mirror is behind that checkpoint.
    pub behind: Option<u64>,
    /// When the mirror last read the log (RFC 3339, UTC).
    pub last_contact: Option<String>,
    /// When the mirror last stored records or cosignatures.
    pub last_advanced: Option<String>,
    pub state: MirrorState,
    /// The latest problem, in words, while it lasts.
    pub last_error: Option<String>,
    /// Every alarm raised, oldest first, with its evidence.
    pub alarms: Vec<Alarm>,
}

impl MirrorStatus {
    pub fn new(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            origin: None,
            size: 0,
            source_size: None,
            behind: None,
            last_contact: None,
            last_advanced: None,
            state: MirrorState::Starting,
            last_error: None,
            alarms: Vec::new(),
        }
    }
}

/// The status, shared between the mirror's thread and the server.
#[derive(Clone, Debug)]
pub struct SharedStatus(Arc<RwLock<MirrorStatus>>);

impl SharedStatus {
    pub fn new(status: MirrorStatus) -> Self {
        Self(Arc::new(RwLock::new(status)))
    }

    pub fn get(&self) -> MirrorStatus {
        match self.0.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn update(&self, f: impl FnOnce(&mut MirrorStatus)) {
        match self.0.write() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}
