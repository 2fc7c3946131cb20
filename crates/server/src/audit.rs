//! The audit log: who signed in, who was refused and why, whose membership
//! or key ended — one JSON object a line, appended to a file the operator
//! names (`--audit-log`), so a mechanism's staff can answer "who tried what,
//! when" without reading the request log. The log itself already records
//! every admitted record; this records what the server turned away.
//!
//! Written with plain `std::fs` appends rather than through `tracing`: each
//! event is one `write` of one whole line to a file opened for appending, so
//! lines from concurrent requests never interleave, and the file's format
//! does not depend on the text or JSON log format chosen for diagnostics.

use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;
use truce_core::values::Timestamp;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    /// A member signed a challenge and got a token.
    SignIn,
    /// A sign-in was refused (unknown or revoked member, bad signature, used challenge).
    SignInRefused,
    /// A token was refused: unknown, expired, or its member no longer stands.
    TokenRefused,
    /// A signed record was refused by the log's rules or as malformed.
    RecordRefused,
    /// A member was refused something its token does not open (restricted evidence, uploads).
    AccessRefused,
    /// A `member.revoke` was admitted.
    MemberRevoked,
    /// A `member.rotate_key` was admitted.
    KeyRotated,
}

#[derive(Serialize)]
struct Line<'a> {
    time: Timestamp,
    event: AuditEvent,
    #[serde(skip_serializing_if = "Option::is_none")]
    member: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<u64>,
    detail: &'a str,
}

/// Where audit events go: a file, or nowhere when none was configured.
#[derive(Default)]
pub struct AuditLog {
    file: Option<Mutex<File>>,
}

/// One event's particulars.
#[derive(Default)]
pub struct Entry<'a> {
    pub member: Option<&'a str>,
    pub address: Option<SocketAddr>,
    /// The log index of the record concerned, when there is one.
    pub record: Option<u64>,
    pub detail: &'a str,
}

impl AuditLog {
    /// Appends to `path`, creating it (readable by its owner only) if need be.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot open the audit log {}: {e}", path.display()),
            )
        })?;
        Ok(Self {
            file: Some(Mutex::new(file)),
        })
    }

    /// Writes one event. An audit line that cannot be written is reported in
    /// the diagnostic log; it never fails the request it describes.
    pub fn record(&self, time: Timestamp, event: AuditEvent, entry: Entry<'_>) {
        let Some(file) = &self.file else {
            return;
        };
        let line = Line {
            time,
            event,
            member: entry.member,
            address: entry.address.map(|a| a.ip().to_string()),
            record: entry.record,
            detail: entry.detail,
        };
        let mut bytes = match serde_json::to_vec(&line) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "an audit event could not be written");
                return;
            }
        };
        bytes.push(b'\n');
        let written = file
            .lock()
            .map_err(|_| std::io::Error::other("the audit log's lock is poisoned"))
            .and_then(|mut f| f.write_all(&bytes));
        if let Err(e) = written {
            tracing::error!(error = %e, "an audit event could not be written");
        }
    }
}
