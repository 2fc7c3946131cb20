//! The log's side of witnessing: each new checkpoint is submitted to every
//! witness of the charter's policy that has a URL, in the background, and
//! the cosignatures that come back are kept in the store.
//!
//! Why in the background and per witness: an append must never wait on a
//! witness (they are other parties' machines, and may be down or slow), and
//! one slow witness must not hold back the others. Each witness has its own
//! task; it always submits the latest checkpoint (intermediate ones need no
//! cosignature: a later one covers them), retries with back-off, and
//! catches a witness up with a consistency proof from the size the witness
//! says it holds (its 409 answer). Nothing is lost while a witness is away:
//! the log's checkpoints are all kept, and the witness is brought up to
//! date when it answers again.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::Serialize;
use truce_store::{Store, StoreHashes, StoredCheckpoint};
use truce_tlog::note::NoteSignature;
use truce_tlog::policy::{PolicyWitness, WitnessPolicy};
use truce_tlog::witness::{AddCheckpoint, parse_cosignatures, parse_size_answer};
use truce_tlog::{consistency_proof, parse_note};

use crate::Clock;

/// How often the latest checkpoint is looked at.
const POLL: Duration = Duration::from_millis(100);
/// The least time between two submissions to one witness. A busy log signs
/// a checkpoint per batch, hundreds a second; cosigning the latest a few
/// times a second covers them all, keeps the append-to-witnessed time well
/// under a second, and spares the log's machine and the witness's: measured
/// with four witnesses on loopback, submitting every new checkpoint halved
/// the log's appends/s (`cargo bench -p truce-witness`).
const MIN_INTERVAL: Duration = Duration::from_millis(250);
/// The first retry after a failure; doubled each time up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long one request to a witness may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What the log knows of one witness, for the API and the UI.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WitnessReport {
    /// The witness's name in the policy.
    pub name: String,
    /// Where it is submitted to; `None` when neither the policy nor the
    /// server's configuration gives a URL (nothing is then submitted).
    pub url: Option<String>,
    /// The largest checkpoint size it has cosigned for this log.
    pub cosigned_size: Option<u64>,
    /// When it last returned a valid cosignature (POSIX seconds).
    pub last_cosigned_at: Option<u64>,
    /// Since when it has been failing (POSIX seconds), while it is.
    pub failing_since: Option<u64>,
    /// What went wrong last, while it is failing.
    pub last_error: Option<String>,
}

/// Submits checkpoints to witnesses and keeps what they answer.
pub struct Collector {
    store: Arc<dyn Store>,
    policy: WitnessPolicy,
    urls: BTreeMap<String, String>,
    clock: Clock,
    client: reqwest::Client,
    reports: RwLock<BTreeMap<String, WitnessReport>>,
}

impl Collector {
    /// A collector for the witnesses of `policy`. A witness's URL is the
    /// policy's, or else the one `urls` gives for its name (the server's
    /// configuration: where a witness runs is operational, not part of the
    /// charter the founders signed).
    pub fn new(
        store: Arc<dyn Store>,
        policy: WitnessPolicy,
        urls: BTreeMap<String, String>,
        clock: Clock,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("truce/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let reports = policy
            .witnesses()
            .iter()
            .map(|w| {
                let url = w.url.clone().or_else(|| urls.get(&w.name).cloned());
                (
                    w.name.clone(),
                    WitnessReport {
                        name: w.name.clone(),
                        url,
                        ..WitnessReport::default()
                    },
                )
            })
            .collect();
        Ok(Collector {
            store,
            policy,
            urls,
            clock,
            client,
            reports: RwLock::new(reports),
        })
    }

    /// The policy the collector works for.
    pub fn policy(&self) -> &WitnessPolicy {
        &self.policy
    }

    /// What is known of each witness, in policy order.
    pub fn reports(&self) -> Vec<WitnessReport> {
        let reports = self.reports.read().map(|r| r.clone()).unwrap_or_default();
        self.policy
            .witnesses()
            .iter()
            .filter_map(|w| reports.get(&w.name).cloned())
            .collect()
    }

    fn url_of(&self, witness: &PolicyWitness) -> Option<String> {
        witness
            .url
            .clone()
            .or_else(|| self.urls.get(&witness.name).cloned())
    }

    fn report(&self, name: &str, update: impl FnOnce(&mut WitnessReport)) {
        if let Ok(mut reports) = self.reports.write()
            && let Some(r) = reports.get_mut(name)
        {
            update(r);
        }
    }

    /// Starts one task per witness with a URL, and the one that watches the
    /// log's latest checkpoint. They run until the runtime stops.
    pub fn spawn(self: &Arc<Self>) {
        let (tx, rx) = tokio::sync::watch::channel::<Option<StoredCheckpoint>>(None);
        let watcher = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                let store = Arc::clone(&watcher.store);
                if let Ok(Ok(latest)) =
                    tokio::task::spawn_blocking(move || store.latest_checkpoint()).await
                {
                    tx.send_if_modified(|current| {
                        let changed =
                            current.as_ref().map(|c| c.size) != latest.as_ref().map(|c| c.size);
                        if changed {
                            *current = latest;
                        }
                        changed
                    });
                }
                if tx.is_closed() {
                    return;
                }
                tokio::time::sleep(POLL).await;
            }
        });
        for witness in self.policy.witnesses() {
            let Some(url) = self.url_of(witness) else {
                continue;
            };
            let collector = Arc::clone(self);
            let witness = witness.clone();
            let rx = rx.clone();
            tokio::spawn(async move { collector.follow(witness, url, rx).await });
        }
    }

    /// One witness's loop: submit the latest checkpoint whenever it is not
    /// the one the witness last cosigned.
    async fn follow(
        self: Arc<Self>,
        witness: PolicyWitness,
        url: String,
        mut latest: tokio::sync::watch::Receiver<Option<StoredCheckpoint>>,
    ) {
        let endpoint = endpoint(&url);
        // What the witness holds, as far as we know: unknown at first, so
        // the first request says 0 and the witness answers with its size.
        let mut held: u64 = 0;
        let mut cosigned: Option<u64> = None;
        let mut backoff = MIN_BACKOFF;
        let mut last_sent: Option<tokio::time::Instant> = None;
        loop {
            if let Some(at) = last_sent {
                tokio::time::sleep_until(at + MIN_INTERVAL).await;
            }
            let current = latest.borrow_and_update().clone();
            let Some(checkpoint) = current.filter(|c| Some(c.size) != cosigned) else {
                if latest.changed().await.is_err() {
                    return;
                }
                continue;
            };
            last_sent = Some(tokio::time::Instant::now());
            if self
                .bring_up_to_date(&witness, &endpoint, &checkpoint, &mut held)
                .await
            {
                cosigned = Some(checkpoint.size);
                backoff = MIN_BACKOFF;
            } else {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }

    /// Submits the log's latest checkpoint to every witness with a URL, once
    /// (catching each up from the size it reports), and waits for every
    /// answer. For a log built before it is served, such as the demo's.
    pub async fn witness_latest(self: &Arc<Self>) -> Vec<WitnessReport> {
        let store = Arc::clone(&self.store);
        let latest = tokio::task::spawn_blocking(move || store.latest_checkpoint()).await;
        let Ok(Ok(Some(checkpoint))) = latest else {
            return self.reports();
        };
        let mut tasks = tokio::task::JoinSet::new();
        for witness in self.policy.witnesses() {
            let Some(url) = self.url_of(witness) else {
                continue;
            };
            let collector = Arc::clone(self);
            let witness = witness.clone();
            let checkpoint = checkpoint.clone();
            tasks.spawn(async move {
                let mut held = 0;
                collector
                    .bring_up_to_date(&witness, &endpoint(&url), &checkpoint, &mut held)
                    .await
            });
        }
        while tasks.join_next().await.is_some() {}
        self.reports()
    }

    /// Gets `checkpoint` cosigned by one witness: submits it from `held`,
    /// and once more from the size the witness answers it holds, if that is
    /// another. Reports the outcome; true once cosigned.
    async fn bring_up_to_date(
        &self,
        witness: &PolicyWitness,
        endpoint: &str,
        checkpoint: &StoredCheckpoint,
        held: &mut u64,
    ) -> bool {
        let mut attempts = 0;
        let why = loop {
            attempts += 1;
            match self.submit(witness, endpoint, checkpoint, *held).await {
                Ok(Submitted::Cosigned) => {
                    *held = checkpoint.size;
                    let now = (self.clock)();
                    self.report(&witness.name, |r| {
                        r.cosigned_size = Some(checkpoint.size);
                        r.last_cosigned_at = Some(now);
                        r.failing_since = None;
                        r.last_error = None;
                    });
                    return true;
                }
                // Catch it up from where it is, at once.
                Ok(Submitted::Holds(size)) if size != *held && attempts < 3 => *held = size,
                Ok(Submitted::Holds(size)) if size > checkpoint.size => {
                    break format!(
                        "the witness has cosigned size {size} of this log, beyond its {}: it has seen a longer history",
                        checkpoint.size
                    );
                }
                Ok(Submitted::Holds(size)) => {
                    break format!(
                        "the witness holds size {size} but will not move to {}",
                        checkpoint.size
                    );
                }
                Err(why) => break why,
            }
        };
        self.failed(&witness.name, why);
        // Start again from what the witness says it holds.
        *held = 0;
        false
    }

    fn failed(&self, name: &str, why: String) {
        tracing::warn!(witness = name, "witness did not cosign: {why}");
        let now = (self.clock)();
        self.report(name, |r| {
            r.failing_since.get_or_insert(now);
            r.last_error = Some(why);
        });
    }

    /// One `add-checkpoint` request, and keeping its cosignature.
    async fn submit(
        &self,
        witness: &PolicyWitness,
        endpoint: &str,
        checkpoint: &StoredCheckpoint,
        held: u64,
    ) -> Result<Submitted, String> {
        let store = Arc::clone(&self.store);
        let size = checkpoint.size;
        let old = if held > size { 0 } else { held };
        let proof = tokio::task::spawn_blocking(move || {
            if old == 0 || old == size {
                Ok(Vec::new())
            } else {
                consistency_proof(old, size, &StoreHashes(store.as_ref()))
            }
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot prove consistency from {old} to {size}: {e}"))?;
        let body = AddCheckpoint {
            old_size: old,
            proof,
            checkpoint: checkpoint.note.clone(),
        }
        .encode();
        let answer = self
            .client
            .post(endpoint)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("no answer: {e}"))?;
        let status = answer.status().as_u16();
        let is_size = answer
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(crate::service::SIZE_CONTENT_TYPE));
        let text = answer
            .text()
            .await
            .map_err(|e| format!("answer unreadable: {e}"))?;
        match status {
            200 => {
                let lines = parse_cosignatures(&text).map_err(|e| e.to_string())?;
                self.keep(witness, checkpoint, &lines).await
            }
            409 if is_size => parse_size_answer(&text)
                .map(Submitted::Holds)
                .map_err(|e| e.to_string()),
            other => Err(format!("answered {other}: {}", text.trim())),
        }
    }

    /// Keeps the witness's valid cosignature line and, once the lines kept
    /// for this checkpoint meet the quorum, marks it witnessed.
    async fn keep(
        &self,
        witness: &PolicyWitness,
        checkpoint: &StoredCheckpoint,
        lines: &[NoteSignature],
    ) -> Result<Submitted, String> {
        let text = parse_note(&checkpoint.note)
            .map_err(|e| e.to_string())?
            .text;
        let valid: Vec<String> = lines
            .iter()
            .filter(|l| witness.key.verify(&text, l).is_ok())
            .map(NoteSignature::to_line)
            .take(1)
            .collect();
        if valid.is_empty() {
            return Err("answered 200 without a valid cosignature by its key".into());
        }
        let store = Arc::clone(&self.store);
        let policy = self.policy.clone();
        let size = checkpoint.size;
        tokio::task::spawn_blocking(move || {
            store.add_cosignatures(size, &valid, false)?;
            // Read back everything kept for this size (other witnesses' tasks
            // write too): the last of them to write sees every line.
            let kept = truce_store::cosigned_checkpoint(store.as_ref(), size)?;
            let met = kept
                .and_then(|c| parse_note(&c.note).ok())
                .is_some_and(|n| policy.quorum_met(&n.text, &n.signatures));
            if met {
                store.add_cosignatures(size, &[], true)?;
            }
            Ok::<_, truce_store::StoreError>(())
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot keep the cosignature: {}", truce_store::describe(&e)))?;
        Ok(Submitted::Cosigned)
    }
}

fn endpoint(url: &str) -> String {
    format!("{}/add-checkpoint", url.trim_end_matches('/'))
}

enum Submitted {
    Cosigned,
    /// 409: the witness holds this size.
    Holds(u64),
}
