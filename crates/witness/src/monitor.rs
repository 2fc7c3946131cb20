//! A monitor (`truce monitor`): watches a log and its witnesses from
//! outside, and raises an alert on any split view, rollback or bad
//! signature it can prove. (Its check of every entry, which needs the
//! admission rules, is the CLI's: `truce_cli`'s `monitor` command.)
//!
//! Each round it reads the log's checkpoint (`GET /checkpoint`), checks the
//! log's signature and the cosignatures against the policy, and checks that
//! it extends the last one it saw with the log's own consistency proof. It
//! then reads what each witness last cosigned for this log (`GET
//! /checkpoints/{origin}` on the witness) and checks that the log's tree and
//! the witness's are one history: same size, same root; or a consistency
//! proof from the smaller to the larger, asked of the log. A log that cannot
//! prove it is showing the witness and the monitor different trees.

use serde::Serialize;
use truce_tlog::note::{NoteVerifier, parse_note};
use truce_tlog::{Checkpoint, Hash, WitnessPolicy, verify_consistency};

/// One thing the monitor saw, as a JSON line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The log's checkpoint, checked.
    Checkpoint {
        size: u64,
        root: String,
        cosigners: Vec<String>,
        quorum_met: bool,
    },
    /// A witness's latest cosigned checkpoint agrees with the log.
    WitnessAgrees { witness: String, size: u64 },
    /// Every entry up to `size` was read and checked as `truce verify`
    /// checks a log, and they make the checkpoint's tree.
    EntriesChecked { size: u64 },
    /// Something that proves misbehaviour, or stops the monitor checking.
    Alert {
        kind: AlertKind,
        /// What was found, in words.
        finding: String,
        /// The signed checkpoints involved, as served.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        checkpoints: Vec<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Two signed checkpoints that cannot be one history.
    SplitView,
    /// The log shows a smaller tree than it (or a witness) showed before.
    Rollback,
    /// A signature or cosignature does not verify.
    BadSignature,
    /// The log's checkpoint does not meet the policy's quorum.
    QuorumMissing,
    /// The log signed a tree holding an entry that `truce verify` refuses
    /// (its signature, the admission rules).
    BadEntry,
    /// The entries the log gives out are not those it signed: they do not
    /// make the tree of its checkpoint (as the mirror's alarm of that name).
    WithheldEntries,
    /// The log or a witness could not be read.
    Unreachable,
}

impl Event {
    pub fn is_alert(&self) -> bool {
        matches!(self, Event::Alert { .. })
    }
}

/// An alert of `kind`, with what was found and the signed checkpoints
/// that prove it.
pub fn alert(kind: AlertKind, finding: impl Into<String>, checkpoints: Vec<String>) -> Event {
    Event::Alert {
        kind,
        finding: finding.into(),
        checkpoints,
    }
}

/// What the monitor remembers between rounds.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct Seen {
    /// The last checkpoint of the log it checked: the note as served.
    pub note: Option<String>,
}

/// Watches one log.
pub struct Monitor {
    log: String,
    witnesses: Vec<String>,
    log_key: NoteVerifier,
    policy: WitnessPolicy,
    client: reqwest::Client,
}

impl Monitor {
    /// A monitor of the log at `log` (its base URL) whose key is `log_key`,
    /// comparing with the witnesses at `witnesses` (their monitoring
    /// prefixes), under `policy`.
    pub fn new(
        log: &str,
        witnesses: Vec<String>,
        log_key: NoteVerifier,
        policy: WitnessPolicy,
    ) -> Result<Self, reqwest::Error> {
        Ok(Monitor {
            log: log.trim_end_matches('/').to_owned(),
            witnesses: witnesses
                .into_iter()
                .map(|w| w.trim_end_matches('/').to_owned())
                .collect(),
            log_key,
            policy,
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()?,
        })
    }

    async fn text(&self, url: &str) -> Result<String, String> {
        let r = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !r.status().is_success() {
            return Err(format!("{url}: answered {}", r.status()));
        }
        r.text().await.map_err(|e| format!("{url}: {e}"))
    }

    /// The log's consistency proof between two sizes.
    async fn consistency(&self, from: u64, to: u64) -> Result<Vec<Hash>, String> {
        let url = format!("{}/api/v1/proof/consistency?from={from}&to={to}", self.log);
        let body = self.text(&url).await?;
        let v: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| format!("{url}: {e}"))?;
        serde_json::from_value(v.get("proof").cloned().unwrap_or_default())
            .map_err(|e| format!("{url}: {e}"))
    }

    /// Checks that two checkpoints of this log are one history, with the
    /// log's proof from the smaller to the larger.
    async fn one_history(&self, a: &Checkpoint, b: &Checkpoint) -> Result<(), String> {
        let (small, large) = if a.size <= b.size { (a, b) } else { (b, a) };
        if small.size == large.size {
            return if small.root == large.root {
                Ok(())
            } else {
                Err(format!(
                    "two roots for size {}: {} and {}",
                    small.size, small.root, large.root
                ))
            };
        }
        if small.size == 0 {
            return Ok(());
        }
        let proof = self.consistency(small.size, large.size).await?;
        verify_consistency(small.size, large.size, &proof, &small.root, &large.root).map_err(|e| {
            format!(
                "the log cannot prove size {} extends size {}: {e}",
                large.size, small.size
            )
        })
    }

    /// One round: the events it saw, and what to remember.
    pub async fn round(&self, seen: &Seen) -> (Vec<Event>, Seen) {
        let mut events = Vec::new();
        let note = match self.text(&format!("{}/checkpoint", self.log)).await {
            Ok(n) => n,
            Err(e) => {
                events.push(alert(AlertKind::Unreachable, e, vec![]));
                return (events, seen.clone());
            }
        };
        let current = match Checkpoint::open(&note, &self.log_key) {
            Ok(c) => c,
            Err(e) => {
                events.push(alert(
                    AlertKind::BadSignature,
                    format!("the log's checkpoint is not validly signed by its key: {e}"),
                    vec![note],
                ));
                return (events, seen.clone());
            }
        };
        let parsed = match parse_note(&note) {
            Ok(p) => p,
            Err(e) => {
                events.push(alert(AlertKind::BadSignature, e.to_string(), vec![note]));
                return (events, seen.clone());
            }
        };
        for line in &parsed.signatures {
            if let Some(w) = self
                .policy
                .witnesses()
                .iter()
                .find(|w| w.key.is_signer_of(line))
                && w.key.verify(&parsed.text, line).is_err()
            {
                events.push(alert(
                    AlertKind::BadSignature,
                    format!("the cosignature of witness {} does not verify", w.name),
                    vec![note.clone()],
                ));
            }
        }
        let cosigners: Vec<String> = self
            .policy
            .cosigners(&parsed.text, &parsed.signatures)
            .into_iter()
            .map(|c| c.witness)
            .collect();
        let names: Vec<&str> = cosigners.iter().map(String::as_str).collect();
        let quorum_met = self.policy.satisfied_by(&names);
        events.push(Event::Checkpoint {
            size: current.size,
            root: current.root.to_base64(),
            cosigners: cosigners.clone(),
            quorum_met,
        });
        if !quorum_met {
            events.push(alert(
                AlertKind::QuorumMissing,
                format!(
                    "the log's checkpoint of size {} is cosigned by {} only; the policy's quorum is {}",
                    current.size,
                    if names.is_empty() { "no witness".to_string() } else { names.join(", ") },
                    self.policy.quorum().unwrap_or("none")
                ),
                vec![note.clone()],
            ));
        }

        // Against what this monitor saw before.
        if let Some(before) = &seen.note
            && let Ok(previous) = Checkpoint::open(before, &self.log_key)
        {
            if current.size < previous.size {
                events.push(alert(
                    AlertKind::Rollback,
                    format!(
                        "the log shows size {} after showing size {}",
                        current.size, previous.size
                    ),
                    vec![before.clone(), note.clone()],
                ));
            } else if let Err(e) = self.one_history(&previous, &current).await {
                events.push(alert(
                    AlertKind::SplitView,
                    format!("the log's checkpoint does not extend the one seen before: {e}"),
                    vec![before.clone(), note.clone()],
                ));
            }
        }

        // Against what each witness cosigned.
        for w in &self.witnesses {
            let url = format!("{w}/checkpoints/{}", current.origin);
            let theirs = match self.text(&url).await {
                Ok(t) => t,
                Err(e) => {
                    events.push(alert(AlertKind::Unreachable, e, vec![]));
                    continue;
                }
            };
            let witnessed = match Checkpoint::open(&theirs, &self.log_key) {
                Ok(c) => c,
                Err(e) => {
                    events.push(alert(
                        AlertKind::BadSignature,
                        format!("{url} serves a checkpoint not signed by the log's key: {e}"),
                        vec![theirs],
                    ));
                    continue;
                }
            };
            let name = parse_note(&theirs)
                .ok()
                .and_then(|n| {
                    self.policy
                        .cosigners(&n.text, &n.signatures)
                        .into_iter()
                        .next()
                        .map(|c| c.witness)
                })
                .unwrap_or_else(|| w.clone());
            if witnessed.size > current.size {
                events.push(alert(
                    AlertKind::Rollback,
                    format!(
                        "witness {name} cosigned size {} but the log shows size {}",
                        witnessed.size, current.size
                    ),
                    vec![theirs, note.clone()],
                ));
                continue;
            }
            match self.one_history(&witnessed, &current).await {
                Ok(()) => events.push(Event::WitnessAgrees {
                    witness: name,
                    size: witnessed.size,
                }),
                Err(e) => events.push(alert(
                    AlertKind::SplitView,
                    format!("witness {name} and this monitor were shown different trees: {e}"),
                    vec![theirs, note.clone()],
                )),
            }
        }
        (events, Seen { note: Some(note) })
    }
}
