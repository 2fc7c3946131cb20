//! What every request handler shares.

use crate::clock::Clock;
use crate::sessions::Sessions;
use std::sync::{Arc, OnceLock};
use truce_core::kinds::charter::Charter;
use truce_ledger::Ledger;
use truce_store::Store;
use truce_store::blobs::BlobDir;

/// A demo member whose private key the demo hands to browsers, so people can
/// try the mechanism without handling keys. Only ever set in demo mode.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DemoMember {
    pub member: String,
    pub participant: String,
    pub display_name: String,
    /// The member's private key in signed-note form.
    pub private_key: String,
}

#[derive(Clone)]
pub struct AppState {
    /// The append path, once open (see `opening`): [`AppState::ledger`].
    ledger: Arc<crate::opening::OpeningLedger>,
    /// The log's charter, record 0, which no later record changes: what the
    /// server knows of the log before its ledger is open. Unset while the
    /// log is empty: [`AppState::charter`] takes it from the ledger once
    /// there is one (a mirror that started empty copies it later).
    charter: Arc<OnceLock<Arc<Charter>>>,
    /// The query index, following the store.
    pub index: Arc<crate::follower::IndexFollower>,
    pub store: Arc<dyn Store>,
    pub blobs: Arc<BlobDir>,
    pub verified_blobs: Arc<crate::verified_blobs::VerifiedBlobs>,
    /// Incident lists and statistics already worked out (see `answers`).
    pub answers: Arc<crate::answers::Answers>,
    /// Indexes of the record as of past moments (see `asof`).
    pub as_of: Arc<crate::past::AsOfIndexes>,
    pub sessions: Arc<Sessions>,
    pub clock: Arc<dyn Clock>,
    pub origin: String,
    pub demo_members: Option<Arc<Vec<DemoMember>>>,
    pub limits: Limits,
    /// Sign-ins, refusals and revocations (nowhere unless configured).
    pub audit: Arc<crate::audit::AuditLog>,
    /// Submits checkpoints to the charter's witnesses and keeps their
    /// cosignatures (none: nothing is submitted; cosignatures already kept
    /// are still served).
    pub witnessing: Option<Arc<truce_witness::collector::Collector>>,
    /// Set when this server serves a mirror's copy of a log (`truce
    /// mirror --listen`): what it copies and how far behind it is. Such a
    /// server takes no records.
    pub mirror: Option<truce_mirror::SharedStatus>,
}

impl AppState {
    /// The shared state of a server over one log: the query index follows
    /// `store`, the origin is the one the log's charter names, and nothing is
    /// kept yet — no sessions, no answers, no audit log, no demo members
    /// (the `with_*` methods add those).
    pub fn new(
        ledger: Arc<Ledger>,
        store: Arc<dyn Store>,
        blobs: BlobDir,
        clock: Arc<dyn Clock>,
        limits: Limits,
    ) -> Self {
        let charter = ledger.with_state(|s| s.charter().cloned());
        Self::opening(
            Arc::new(ledger.into()),
            charter,
            store,
            blobs,
            clock,
            limits,
        )
    }

    /// As [`AppState::new`] for a ledger that another thread is still
    /// opening (`truce serve` listens meanwhile), given the log's charter,
    /// record 0 (none: the log is empty).
    pub fn opening(
        ledger: Arc<crate::opening::OpeningLedger>,
        charter: Option<Charter>,
        store: Arc<dyn Store>,
        blobs: BlobDir,
        clock: Arc<dyn Clock>,
        limits: Limits,
    ) -> Self {
        Self {
            index: Arc::new(crate::follower::IndexFollower::new(Arc::clone(&store))),
            origin: charter
                .as_ref()
                .map(|c| c.origin.to_string())
                .unwrap_or_default(),
            charter: Arc::new(
                charter
                    .map(Arc::new)
                    .map(OnceLock::from)
                    .unwrap_or_default(),
            ),
            ledger,
            store,
            blobs: Arc::new(blobs),
            verified_blobs: Arc::default(),
            answers: Arc::default(),
            as_of: Arc::default(),
            sessions: Arc::default(),
            clock,
            demo_members: None,
            limits,
            audit: Arc::default(),
            witnessing: None,
            mirror: None,
        }
    }

    /// Serves a mirror's copy, read-only, with its status.
    pub fn with_mirror(self, status: truce_mirror::SharedStatus) -> Self {
        Self {
            mirror: Some(status),
            ..self
        }
    }

    /// Submits each new checkpoint to the witnesses `collector` knows, once
    /// the server runs.
    pub fn with_witnessing(self, collector: truce_witness::collector::Collector) -> Self {
        Self {
            witnessing: Some(Arc::new(collector)),
            ..self
        }
    }

    /// Writes sign-ins, refusals and revocations to `audit`.
    pub fn with_audit(self, audit: crate::audit::AuditLog) -> Self {
        Self {
            audit: Arc::new(audit),
            ..self
        }
    }

    /// Demo mode: these members' keys are handed to browsers.
    pub fn with_demo_members(self, members: Vec<DemoMember>) -> Self {
        Self {
            demo_members: Some(Arc::new(members)),
            ..self
        }
    }

    /// Follows the store with `index` (tests hold its build at a gate, or
    /// leave more of the work to the background build; `truce serve` starts
    /// its build before the ledger has replayed the log).
    pub fn with_index(self, index: impl Into<Arc<crate::follower::IndexFollower>>) -> Self {
        Self {
            index: index.into(),
            ..self
        }
    }

    /// Keeps answers in `answers` (the load bench gives one that keeps none).
    pub fn with_answers(self, answers: crate::answers::Answers) -> Self {
        Self {
            answers: Arc::new(answers),
            ..self
        }
    }

    /// The append path and the admission state, or — while the server is
    /// still opening the ledger — the 503 to answer, with how far it has come.
    pub fn ledger(&self) -> Result<&Arc<Ledger>, crate::error::ApiError> {
        self.ledger.get()
    }

    /// The log's charter (none while the log is empty, or while a server
    /// that started over an empty log has not opened its ledger).
    pub fn charter(&self) -> Option<Arc<Charter>> {
        if let Some(charter) = self.charter.get() {
            return Some(Arc::clone(charter));
        }
        let charter = Arc::new(self.ledger().ok()?.with_state(|s| s.charter().cloned())?);
        Some(Arc::clone(self.charter.get_or_init(|| charter)))
    }

    /// Whether the charter's witness policy has a quorum: then readers are
    /// given the latest checkpoint that met it.
    pub fn quorum_required(&self) -> bool {
        self.charter()
            .and_then(|c| c.policy().ok())
            .is_some_and(|p| p.quorum().is_some())
    }

    /// Writes an audit event at the server's time.
    pub fn audit(&self, event: crate::audit::AuditEvent, entry: crate::audit::Entry<'_>) {
        self.audit.record(self.clock.now(), event, entry);
    }

    /// Brings the ledger's state up to what the store holds, for answers that
    /// must count records appended through other servers on the same
    /// database (see `Ledger::catch_up`). Runs off the async threads.
    pub async fn caught_up(&self) -> Result<(), crate::error::ApiError> {
        let ledger = Arc::clone(self.ledger()?);
        crate::error::blocking(move || Ok(ledger.catch_up().map(|_| ())?)).await
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub body_bytes: usize,
    pub request_timeout_secs: u64,
    pub rate_per_minute: u32,
    /// Computed reads (lists, views, cases, proofs) one caller may have in flight.
    pub reads_in_flight: u32,
}
