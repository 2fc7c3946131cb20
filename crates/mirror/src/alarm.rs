//! What a mirror found that an honest log never shows, with the signed
//! material that proves it to anyone — kept in the mirror's directory as one
//! JSON line per alarm, written and synced before the mirror goes on.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    /// Two checkpoints signed by the log key that cannot be one history:
    /// two roots for one size, or a larger tree the log cannot prove
    /// extends the one the mirror holds.
    Fork,
    /// The log shows a smaller tree than one it signed and the mirror holds.
    Rollback,
    /// An entry that `truce verify` refuses (bad signature, broken rule, not
    /// canonical), inside a tree the log signed.
    BadEntry,
    /// Entries the log's checkpoint covers but its server does not give out,
    /// or gives out other than its checkpoint commits to.
    WithheldEntries,
    /// A witness cosigned a tree that is not the mirror's history.
    SplitView,
}

impl AlarmKind {
    /// Whether the mirror stops advancing: the log has proven it signs what
    /// no honest log signs, so nothing further from it is taken. Withheld
    /// entries may yet be served, and a witness's view is checked again
    /// each round.
    pub fn halts(self) -> bool {
        matches!(
            self,
            AlarmKind::Fork | AlarmKind::Rollback | AlarmKind::BadEntry
        )
    }
}

/// One alarm and its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alarm {
    pub kind: AlarmKind,
    /// When the mirror found it (RFC 3339, UTC).
    pub at: String,
    /// What was found, in words.
    pub finding: String,
    /// The signed checkpoints involved, exactly as served or stored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkpoints: Vec<String>,
    /// The consistency proof the log gave, when it failed (base64 hashes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof: Vec<String>,
    /// The entry concerned, by index, and its bytes as served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

/// The alarms file of a mirror's directory.
#[derive(Clone, Debug)]
pub struct AlarmLog {
    path: PathBuf,
}

impl AlarmLog {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            path: dir.join("alarms.jsonl"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every alarm kept, oldest first. A line that does not parse is
    /// reported, not skipped: the file is the mirror's evidence.
    pub fn read(&self) -> std::io::Result<Vec<Alarm>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: {e}", self.path.display()),
                    )
                })
            })
            .collect()
    }

    /// Appends one alarm and syncs it to disk.
    pub fn append(&self, alarm: &Alarm) -> std::io::Result<()> {
        let mut line = serde_json::to_string(alarm).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(line.as_bytes())?;
        file.sync_all()
    }
}
