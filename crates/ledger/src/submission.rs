//! What a submitter gets back: a receipt once its record is durable, or why
//! it is not in the log (or may not be).

use std::sync::Arc;
use truce_core::Rejection;
use truce_store::StoreError;
use truce_tlog::Hash;

/// What a submitter learns once its record is durable.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub index: u64,
    pub leaf_hash: Hash,
    /// The size of the tree the batch's checkpoint signs.
    pub tree_size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("rejected: {0}")]
    Rejected(#[from] Rejection),
    #[error("the confidential part cannot be filed: {0}")]
    Opening(String),
    /// The store failed (its error is the source): the record is not in
    /// the log. A failed write answers every record of its batch, so they
    /// share the one error.
    #[error("not stored")]
    Storage(#[source] Arc<StoreError>),
    /// The ledger admits nothing on a state the store may not hold: after a
    /// failed write until the log is read back, or on top of a batch whose
    /// write failed. The store's error, when one stopped it, is the source.
    #[error("not stored: {reason}")]
    Unavailable {
        reason: String,
        #[source]
        cause: Option<Arc<StoreError>>,
    },
    /// The write failed in a way that may have come after the commit, and
    /// the store could not be read back to tell: the record may or may not
    /// be in the log. Look it up by its hash before anything else. The
    /// write's error is the source.
    #[error(
        "the store stopped answering while the record was written (and reading it back: {read_back}): it may or may not be in the log"
    )]
    Unknown {
        #[source]
        written: Arc<StoreError>,
        read_back: String,
    },
    /// A ledger thread could not be started.
    #[error("the ledger cannot start its threads")]
    Start(#[source] std::io::Error),
    #[error("the ledger is shutting down")]
    Closed,
    /// This process keeps a read-only copy of the log (a mirror): records
    /// are submitted to the log's own server.
    #[error("this is a read-only copy of the log: submit records to the log's own server")]
    ReadOnly,
}

impl From<StoreError> for SubmitError {
    fn from(e: StoreError) -> Self {
        SubmitError::Storage(Arc::new(e))
    }
}
