//! The mirror proper: one round reads the log's checkpoint and brings the
//! copy up to it, step by step, each step stored only with a checkpoint the
//! log signed whose root the copied entries give.

use crate::alarm::{Alarm, AlarmKind, AlarmLog};
use crate::origin::{Origin, OriginError};
use crate::status::{MirrorState, SharedStatus};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use truce_ledger::Auditor;
use truce_ledger::witnessed::Witnessing;
use truce_store::{AppendBatch, NewRecord, Store, StoreError, StoreHashes, StoredCheckpoint};
use truce_tlog::note::{Note, NoteSignature, NoteVerifier, parse_note};
use truce_tlog::{Checkpoint, Cosigner, Frontier, Hash, WitnessPolicy, leaf_hash, tree_root};

/// The most records one step stores: a step is held in memory until a
/// signed root covers it, so a long log is copied through the log's own
/// earlier checkpoints rather than in one piece.
pub const STEP: u64 = 10_000;

/// What a party trusts out of band, before the first byte from the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pin {
    /// The log's key, as the party was given it.
    pub log_key: Option<NoteVerifier>,
    /// The charter's leaf hash, as the party was given it.
    pub charter: Option<Hash>,
}

/// What the mirror remembers of the log it copies (`mirror.json`): after
/// the first charter it accepted, that charter and key are its pins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Remembered {
    source: String,
    origin: String,
    charter: Hash,
    log_key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error(transparent)]
    Origin(#[from] OriginError),
    #[error("the mirror's store: {0}")]
    Store(#[from] StoreError),
    #[error("the mirror's directory: {0}")]
    Io(#[from] std::io::Error),
    /// The log's answer cannot be taken, though it proves nothing against
    /// the log (unsigned, not what was pinned, badly formed).
    #[error("{0}")]
    Refused(String),
    /// Found now: kept in the alarms file and the status.
    #[error("alarm ({:?}): {}", .0.kind, .0.finding)]
    Alarm(Box<Alarm>),
    /// An earlier alarm stopped the mirror.
    #[error("the mirror stopped at an alarm: {0}")]
    Halted(String),
}

/// What one round did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The copy holds the log's checkpoint of this size.
    UpToDate { size: u64 },
    /// The copy moved from one size to another.
    Advanced { from: u64, to: u64 },
    /// The log's checkpoint does not meet the witness quorum (or the log is
    /// empty): nothing to take yet.
    Waiting { size: u64 },
}

pub struct Mirror {
    store: Arc<dyn Store>,
    origin: Origin,
    dir: PathBuf,
    pin: Pin,
    /// A policy given instead of the charter's.
    policy: Option<WitnessPolicy>,
    /// The mirror's own key: it cosigns each checkpoint it has stored.
    cosigner: Option<Cosigner>,
    /// Witnesses' monitoring prefixes to compare with, beyond those the
    /// policy names.
    witnesses: Vec<String>,
    auditor: Auditor,
    alarms: AlarmLog,
    status: SharedStatus,
    halted: Option<String>,
    clock: fn() -> u64,
}

fn rfc3339(posix: u64) -> String {
    i64::try_from(posix)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

impl Mirror {
    /// Opens a mirror whose copy is in `store` and whose own files
    /// (`mirror.json`, `alarms.jsonl`) are in `dir`. Every record the store
    /// already holds is checked again, as `truce verify` would, before the
    /// mirror takes anything new. `clock` gives POSIX seconds (for alarms,
    /// the status and the mirror's cosignatures).
    pub fn open(
        store: Arc<dyn Store>,
        dir: &Path,
        origin: Origin,
        pin: Pin,
        status: SharedStatus,
        clock: fn() -> u64,
    ) -> Result<Self, MirrorError> {
        std::fs::create_dir_all(dir)?;
        let alarms = AlarmLog::in_dir(dir);
        let kept = alarms.read()?;
        let halted = kept
            .iter()
            .find(|a| a.kind.halts())
            .map(|a| a.finding.clone());
        let mut pin = pin;
        if let Some(remembered) = read_remembered(dir)? {
            let key = NoteVerifier::from_vkey(&remembered.log_key)
                .map_err(|e| MirrorError::Refused(format!("mirror.json: {e}")))?;
            if pin.log_key.as_ref().is_some_and(|k| k != &key)
                || pin.charter.is_some_and(|c| c != remembered.charter)
            {
                return Err(MirrorError::Refused(format!(
                    "this mirror copies the log whose charter is {} (log key {}); the pin given names another",
                    remembered.charter, remembered.log_key
                )));
            }
            pin = Pin {
                log_key: Some(key),
                charter: Some(remembered.charter),
            };
        }
        let mut auditor = Auditor::pinned(pin.log_key.clone());
        let size = store.size()?;
        let mut start = 0;
        while start < size {
            let end = (start + 2_000).min(size);
            for stored in store.records(start, end)? {
                auditor.push(&stored.leaf).map_err(|e| {
                    MirrorError::Refused(format!(
                        "the mirror's own copy does not verify ({e}); run `truce verify --dir`"
                    ))
                })?;
            }
            start = end;
        }
        if let Some(latest) = store.latest_checkpoint()?
            && let Some(key) = auditor.log_key()
        {
            let signed = Checkpoint::open(&latest.note, key).map_err(|e| {
                MirrorError::Refused(format!("the mirror's latest checkpoint: {e}"))
            })?;
            if signed.size != auditor.size() || signed.root != auditor.root() {
                return Err(MirrorError::Refused(
                    "the mirror's copy does not match its latest checkpoint; run `truce verify --dir`"
                        .into(),
                ));
            }
        }
        status.update(|s| {
            s.size = auditor.size();
            s.alarms = kept;
            s.origin = auditor.log_key().map(|k| k.name().to_owned());
            if halted.is_some() {
                s.state = MirrorState::Halted;
            }
        });
        Ok(Self {
            store,
            origin,
            dir: dir.to_path_buf(),
            pin,
            policy: None,
            cosigner: None,
            witnesses: Vec::new(),
            auditor,
            alarms,
            status,
            halted,
            clock,
        })
    }

    /// Checks cosignatures against `policy` instead of the charter's.
    pub fn with_policy(mut self, policy: WitnessPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Adds the mirror's own cosignature (c2sp.org/tlog-mirror) to each
    /// checkpoint once its tree is durably stored.
    pub fn with_cosigner(mut self, cosigner: Cosigner) -> Self {
        self.cosigner = Some(cosigner);
        self
    }

    /// Also compares with these witnesses' monitoring prefixes.
    pub fn with_witnesses(mut self, witnesses: Vec<String>) -> Self {
        self.witnesses = witnesses
            .into_iter()
            .map(|w| w.trim_end_matches('/').to_owned())
            .collect();
        self
    }

    pub fn status(&self) -> &SharedStatus {
        &self.status
    }

    /// The log key, once the mirror holds the charter.
    pub fn log_key(&self) -> Option<&NoteVerifier> {
        self.auditor.log_key()
    }

    fn policy(&self) -> Option<WitnessPolicy> {
        self.policy
            .clone()
            .or_else(|| self.auditor.state().charter().and_then(|c| c.policy().ok()))
    }

    /// Rounds forever, `interval` apart; `on_advance` runs after each round
    /// that stored anything (the server catches up its views).
    pub async fn run(mut self, interval: Duration, on_advance: impl Fn()) {
        loop {
            if let Ok(Progress::Advanced { .. }) = self.round().await {
                on_advance();
            }
            tokio::time::sleep(interval).await;
        }
    }

    /// One round. Its outcome is also in the status.
    pub async fn round(&mut self) -> Result<Progress, MirrorError> {
        let result = self.round_inner().await;
        let now = rfc3339((self.clock)());
        let size = self.auditor_size_held();
        self.status.update(|s| {
            s.size = size;
            s.behind = s.source_size.map(|source| source.saturating_sub(size));
            match &result {
                Ok(progress) => {
                    s.last_contact = Some(now.clone());
                    s.last_error = None;
                    s.state = match progress {
                        Progress::Waiting { .. } => MirrorState::WaitingForWitnesses,
                        _ => MirrorState::Following,
                    };
                    if let Progress::Advanced { .. } = progress {
                        s.last_advanced = Some(now);
                    }
                }
                Err(MirrorError::Origin(e)) => {
                    s.state = MirrorState::Unreachable;
                    s.last_error = Some(e.to_string());
                }
                Err(e @ (MirrorError::Halted(_) | MirrorError::Alarm(_)))
                    if self.halted.is_some() =>
                {
                    s.state = MirrorState::Halted;
                    s.last_error = Some(e.to_string());
                }
                Err(e) => {
                    s.last_contact = Some(now);
                    s.last_error = Some(e.to_string());
                }
            }
        });
        result
    }

    fn auditor_size_held(&self) -> u64 {
        self.store.size().unwrap_or_else(|_| self.auditor.size())
    }

    async fn round_inner(&mut self) -> Result<Progress, MirrorError> {
        if let Some(why) = &self.halted {
            return Err(MirrorError::Halted(why.clone()));
        }
        let note = self.origin.checkpoint().await?;
        let (log_key, charter_policy) = match self.auditor.log_key() {
            Some(key) => (key.clone(), None),
            None => self.first_charter(&note).await?,
        };
        let served = Checkpoint::open(&note, &log_key).map_err(|e| {
            MirrorError::Refused(format!(
                "the log's checkpoint is not validly signed by its key: {e}"
            ))
        })?;
        self.status.update(|s| {
            s.source_size = Some(served.size);
            s.origin = Some(served.origin.clone());
        });
        let held = self.auditor.size();
        let policy = self.policy().or(charter_policy);
        if served.size < held {
            return Err(self.behind_us(&note, &served).await);
        }
        if served.size == held {
            if held > 0 && served.root != self.auditor.root() {
                let ours = self.our_checkpoint()?;
                return Err(self.raise(Alarm {
                    finding: format!(
                        "the log signed two roots for size {held}: {} (held here) and {}",
                        self.auditor.root(),
                        served.root
                    ),
                    checkpoints: vec![ours, note],
                    ..self.alarm(AlarmKind::Fork)
                })?);
            }
            if held > 0 {
                self.keep_cosignatures(&note, held, policy.as_ref(), false)?;
            }
            self.compare_with_witnesses(&log_key, policy.as_ref())
                .await?;
            return Ok(Progress::UpToDate { size: held });
        }
        // Only a history the witnesses' quorum saw is taken.
        if let Some(policy) = &policy {
            let witnessing = Witnessing::of(policy, served.size, &note)
                .map_err(|e| MirrorError::Refused(format!("the log's checkpoint: {e}")))?;
            if !witnessing.quorum_met {
                return Ok(Progress::Waiting { size: held });
            }
        }
        let from = held;
        while self.auditor.size() < served.size {
            let at = self.auditor.size();
            let (step_note, step) = if served.size - at > STEP {
                let earlier = self.origin.checkpoint_at_most(at + STEP).await?;
                let checkpoint = Checkpoint::open(&earlier, &log_key).map_err(|e| {
                    MirrorError::Refused(format!(
                        "the log's checkpoint at most {}: not validly signed: {e}",
                        at + STEP
                    ))
                })?;
                if checkpoint.size > at && checkpoint.size <= served.size {
                    (earlier, checkpoint)
                } else {
                    (note.clone(), served.clone())
                }
            } else {
                (note.clone(), served.clone())
            };
            self.take_step(&step_note, &step, policy.as_ref()).await?;
        }
        self.compare_with_witnesses(&log_key, policy.as_ref())
            .await?;
        Ok(Progress::Advanced {
            from,
            to: self.auditor.size(),
        })
    }

    /// An empty mirror learns the log key from the log's record 0, the
    /// charter: every founder's signature is checked, and the pins given.
    async fn first_charter(
        &mut self,
        note: &str,
    ) -> Result<(NoteVerifier, Option<WitnessPolicy>), MirrorError> {
        let size_claimed: u64 = note
            .lines()
            .nth(1)
            .and_then(|l| l.parse().ok())
            .filter(|s| *s > 0)
            .ok_or_else(|| MirrorError::Refused("the log has no records yet".into()))?;
        let first = self.origin.entries(0, 1, size_claimed).await?;
        let charter = first
            .first()
            .ok_or_else(|| MirrorError::Refused("the log served no record 0".into()))?;
        let mut probe = Auditor::pinned(self.pin.log_key.clone());
        probe.push(charter).map_err(|e| {
            MirrorError::Refused(format!("the log's record 0 is not a valid charter: {e}"))
        })?;
        if let Some(pinned) = self.pin.charter
            && probe.charter() != Some(pinned)
        {
            return Err(MirrorError::Refused(format!(
                "the log's charter is not the one pinned ({pinned})"
            )));
        }
        let key = probe
            .log_key()
            .cloned()
            .ok_or_else(|| MirrorError::Refused("record 0 names no log key".into()))?;
        let policy = probe
            .state()
            .charter()
            .map(|c| c.policy())
            .transpose()
            .map_err(|e| MirrorError::Refused(format!("the charter's witness policy: {e}")))?;
        Ok((key, policy))
    }

    /// The log shows a smaller tree than the mirror holds, signed: the same
    /// history cut short (a rollback) or another one (a fork).
    async fn behind_us(&mut self, note: &str, served: &Checkpoint) -> MirrorError {
        let ours = match self.our_checkpoint() {
            Ok(o) => o,
            Err(e) => return e,
        };
        let then = if served.size == 0 {
            Ok(truce_tlog::empty_root())
        } else {
            tree_root(served.size, &StoreHashes(self.store.as_ref()))
        };
        let kind = match then {
            Ok(root) if root == served.root => AlarmKind::Rollback,
            Ok(_) => AlarmKind::Fork,
            Err(e) => return MirrorError::Refused(format!("the mirror's tree: {e}")),
        };
        let finding = match kind {
            AlarmKind::Rollback => format!(
                "the log now shows {} records after signing {} (held here): records were dropped",
                served.size,
                self.auditor.size()
            ),
            _ => format!(
                "the log shows a tree of {} records whose root is not this history's at that size",
                served.size
            ),
        };
        self.raise(Alarm {
            finding,
            checkpoints: vec![ours, note.to_owned()],
            ..self.alarm(kind)
        })
        .unwrap_or_else(|e| e)
    }

    /// Copies the entries up to `step` (a checkpoint the log signed),
    /// checks them and stores them with it.
    async fn take_step(
        &mut self,
        note: &str,
        step: &Checkpoint,
        policy: Option<&WitnessPolicy>,
    ) -> Result<(), MirrorError> {
        let held = self.auditor.size();
        let entries = match self.origin.entries(held, step.size, step.size).await {
            Ok(e) => e,
            Err(e @ (OriginError::Status { .. } | OriginError::Malformed { .. })) => {
                return Err(self.withheld(
                    note,
                    held,
                    format!(
                        "the log signed {} records but does not give out those from {held}: {e}",
                        step.size
                    ),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        // First the tree: do the entries served give the root the log signed?
        let mut frontier = Frontier::from_reader(held, &StoreHashes(self.store.as_ref()))
            .map_err(|e| MirrorError::Refused(format!("the mirror's tree: {e}")))?;
        for entry in &entries {
            frontier.append(leaf_hash(entry));
        }
        if frontier.root() != step.root {
            return Err(self.not_the_signed_tree(note, step).await);
        }
        // The log signed these entries: each must pass as `truce verify` passes it.
        let mut batch = AppendBatch::default();
        for (offset, entry) in entries.iter().enumerate() {
            let index = held + offset as u64;
            match self.auditor.push(entry) {
                Ok((record, nodes)) => {
                    batch.records.push(NewRecord {
                        index,
                        hash: record.hash(),
                        leaf: entry.clone(),
                        opening: None,
                    });
                    batch.nodes.extend(nodes);
                }
                Err(failure) => {
                    let alarm = Alarm {
                        finding: format!(
                            "the log signed a tree of {} records that holds an entry `truce verify` refuses: {failure}",
                            step.size
                        ),
                        checkpoints: vec![note.to_owned()],
                        index: Some(index),
                        entry: Some(String::from_utf8_lossy(entry).into_owned()),
                        ..self.alarm(AlarmKind::BadEntry)
                    };
                    return Err(self.raise(alarm).unwrap_or_else(|e| e));
                }
            }
        }
        let log_key = self
            .auditor
            .log_key()
            .cloned()
            .ok_or_else(|| MirrorError::Refused("no charter in the copy".into()))?;
        batch.checkpoint = Some(StoredCheckpoint {
            size: step.size,
            note: log_signed_only(note, &log_key)?,
        });
        let store = Arc::clone(&self.store);
        if let Err(e) = store.append(&batch) {
            // What was pushed into the auditor is not stored: read it again.
            self.reload()?;
            return Err(e.into());
        }
        if held == 0 {
            self.remember(&log_key)?;
        }
        self.keep_cosignatures(note, step.size, policy, true)?;
        Ok(())
    }

    /// The entries served do not give the root the log signed: either the
    /// log's tree is not an extension of the one held here (a fork, proven
    /// by the log's own failing consistency proof) or the server gives out
    /// entries other than the ones it signed.
    async fn not_the_signed_tree(&mut self, note: &str, step: &Checkpoint) -> MirrorError {
        let held = self.auditor.size();
        if held > 0 {
            match self.origin.consistency(held, step.size).await {
                Ok(proof) => {
                    if let Err(e) = truce_tlog::verify_consistency(
                        held,
                        step.size,
                        &proof,
                        &self.auditor.root(),
                        &step.root,
                    ) {
                        let ours = match self.our_checkpoint() {
                            Ok(o) => o,
                            Err(e) => return e,
                        };
                        return self
                            .raise(Alarm {
                                finding: format!(
                                    "the log's tree of {} records does not extend the {held} held here: its own consistency proof fails ({e})",
                                    step.size
                                ),
                                checkpoints: vec![ours, note.to_owned()],
                                proof: proof.iter().map(Hash::to_base64).collect(),
                                ..self.alarm(AlarmKind::Fork)
                            })
                            .unwrap_or_else(|e| e);
                    }
                }
                Err(e) => return e.into(),
            }
        }
        self.withheld(
            note,
            held,
            format!(
                "the entries the log gives out from {held} are not those its checkpoint of {} records commits to",
                step.size
            ),
        )
    }

    fn withheld(&mut self, note: &str, from: u64, finding: String) -> MirrorError {
        // Said once per checkpoint, not every round it lasts.
        let repeated = self.status.get().alarms.iter().any(|a| {
            a.kind == AlarmKind::WithheldEntries
                && a.checkpoints.first().map(String::as_str) == Some(note)
        });
        let alarm = Alarm {
            finding,
            checkpoints: vec![note.to_owned()],
            index: Some(from),
            ..self.alarm(AlarmKind::WithheldEntries)
        };
        if repeated {
            return MirrorError::Alarm(Box::new(alarm));
        }
        self.raise(alarm).unwrap_or_else(|e| e)
    }

    /// Each witness's latest cosigned checkpoint of this log must be this
    /// history where the mirror holds that size.
    async fn compare_with_witnesses(
        &mut self,
        log_key: &NoteVerifier,
        policy: Option<&WitnessPolicy>,
    ) -> Result<(), MirrorError> {
        let mut urls: Vec<String> = policy
            .map(|p| p.witnesses().iter().filter_map(|w| w.url.clone()).collect())
            .unwrap_or_default();
        urls.extend(self.witnesses.iter().cloned());
        urls.sort();
        urls.dedup();
        for url in urls {
            let monitor = match Origin::new(&url) {
                Ok(o) => o,
                Err(_) => continue,
            };
            // A witness that does not answer proves nothing.
            let Ok(theirs) = monitor
                .text_at(&format!("/checkpoints/{}", log_key.name()))
                .await
            else {
                continue;
            };
            let Ok(witnessed) = Checkpoint::open(&theirs, log_key) else {
                continue;
            };
            if witnessed.size == 0 || witnessed.size > self.auditor.size() {
                continue;
            }
            let ours = tree_root(witnessed.size, &StoreHashes(self.store.as_ref()))
                .map_err(|e| MirrorError::Refused(format!("the mirror's tree: {e}")))?;
            if ours != witnessed.root {
                let already = self.status.get().alarms.iter().any(|a| {
                    a.kind == AlarmKind::SplitView && a.checkpoints.first() == Some(&theirs)
                });
                let held = self.our_checkpoint()?;
                let alarm = Alarm {
                    finding: format!(
                        "the witness at {url} cosigned a tree of {} records that is not this history",
                        witnessed.size
                    ),
                    checkpoints: vec![theirs, held],
                    ..self.alarm(AlarmKind::SplitView)
                };
                // A new alarm is the round's outcome (so `--once` exits 1);
                // it does not halt the mirror, and is not raised again.
                if !already {
                    return Err(self.raise(alarm)?);
                }
            }
        }
        Ok(())
    }

    /// Keeps the cosignatures of policy witnesses that verify, and the
    /// mirror's own on a checkpoint just stored.
    fn keep_cosignatures(
        &self,
        note: &str,
        size: u64,
        policy: Option<&WitnessPolicy>,
        just_stored: bool,
    ) -> Result<(), MirrorError> {
        let parsed =
            parse_note(note).map_err(|e| MirrorError::Refused(format!("the checkpoint: {e}")))?;
        let mut lines: Vec<String> = Vec::new();
        let mut quorum_met = false;
        if let Some(policy) = policy {
            lines = parsed
                .signatures
                .iter()
                .filter(|line| {
                    policy.witnesses().iter().any(|w| {
                        w.key.is_signer_of(line) && w.key.verify(&parsed.text, line).is_ok()
                    })
                })
                .map(NoteSignature::to_line)
                .collect();
        }
        // "Witnessed" in a store means under the charter's policy, as
        // `truce verify` reads it; a policy given to the mirror only decides
        // what the mirror takes.
        if let Some(charter_policy) = self.auditor.state().charter().and_then(|c| c.policy().ok()) {
            quorum_met = Witnessing::of(&charter_policy, size, note).is_ok_and(|w| w.quorum_met);
        }
        if just_stored && let Some(cosigner) = &self.cosigner {
            let line = cosigner
                .cosign(&parsed.text, (self.clock)())
                .map_err(|e| MirrorError::Refused(format!("cosigning: {e}")))?;
            lines.push(line.to_line());
        }
        if lines.is_empty() && !quorum_met {
            return Ok(());
        }
        let kept = self.store.cosignatures(size)?;
        lines.retain(|l| !kept.contains(l));
        if lines.is_empty() && (!quorum_met || self.store.latest_witnessed_size()? >= Some(size)) {
            return Ok(());
        }
        self.store.add_cosignatures(size, &lines, quorum_met)?;
        Ok(())
    }

    /// The checkpoint the mirror holds for its size, as the log signed it.
    fn our_checkpoint(&self) -> Result<String, MirrorError> {
        Ok(self
            .store
            .latest_checkpoint()?
            .map(|c| c.note)
            .unwrap_or_default())
    }

    fn alarm(&self, kind: AlarmKind) -> Alarm {
        Alarm {
            kind,
            at: rfc3339((self.clock)()),
            finding: String::new(),
            checkpoints: Vec::new(),
            proof: Vec::new(),
            index: None,
            entry: None,
        }
    }

    /// Keeps an alarm (synced to disk before anything else), shows it in
    /// the status, stops the mirror if it halts, and returns it as the error.
    fn raise(&mut self, alarm: Alarm) -> Result<MirrorError, MirrorError> {
        self.alarms.append(&alarm)?;
        tracing::error!(kind = ?alarm.kind, finding = %alarm.finding, file = %self.alarms.path().display(), "mirror alarm");
        if alarm.kind.halts() {
            self.halted = Some(alarm.finding.clone());
        }
        let shown = alarm.clone();
        self.status.update(|s| {
            s.alarms.push(shown);
            if alarm.kind.halts() {
                s.state = MirrorState::Halted;
            }
        });
        Ok(MirrorError::Alarm(Box::new(alarm)))
    }

    /// Reads the copy again after a failed write.
    fn reload(&mut self) -> Result<(), MirrorError> {
        let fresh = Mirror::open(
            Arc::clone(&self.store),
            &self.dir,
            self.origin.clone(),
            self.pin.clone(),
            self.status.clone(),
            self.clock,
        )?;
        self.auditor = fresh.auditor;
        Ok(())
    }

    fn remember(&mut self, log_key: &NoteVerifier) -> Result<(), MirrorError> {
        let charter = self
            .auditor
            .charter()
            .ok_or_else(|| MirrorError::Refused("no charter in the copy".into()))?;
        let remembered = Remembered {
            source: self.origin.base().to_owned(),
            origin: log_key.name().to_owned(),
            charter,
            log_key: log_key.vkey(),
        };
        let path = self.dir.join("mirror.json");
        let text = serde_json::to_string_pretty(&remembered).map_err(std::io::Error::other)?;
        write_synced(&path, text.as_bytes())?;
        self.pin = Pin {
            log_key: Some(log_key.clone()),
            charter: Some(charter),
        };
        Ok(())
    }
}

/// Whether `dir` holds a mirror (its `mirror.json`).
pub fn is_mirror_dir(dir: &Path) -> bool {
    dir.join("mirror.json").is_file()
}

fn read_remembered(dir: &Path) -> Result<Option<Remembered>, MirrorError> {
    let path = dir.join("mirror.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| MirrorError::Refused(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut file = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// The checkpoint with the log's own signature only: cosignatures are kept
/// apart, as the log keeps them.
fn log_signed_only(note: &str, log_key: &NoteVerifier) -> Result<String, MirrorError> {
    let parsed =
        parse_note(note).map_err(|e| MirrorError::Refused(format!("the checkpoint: {e}")))?;
    let signatures: Vec<NoteSignature> = parsed
        .signatures
        .into_iter()
        .filter(|s| s.name == log_key.name() && s.key_id == log_key.key_id())
        .collect();
    Ok(Note {
        text: parsed.text,
        signatures,
    }
    .encode())
}
