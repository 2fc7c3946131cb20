//! What travels to the sequencer, and how it is taken in batches.

use crate::submission::{Receipt, SubmitError};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};
use truce_core::Rejection;
use truce_core::record::Record;

/// At most this many submissions (a record, or a group of them) are taken
/// from the queue at once, and a batch waiting for the writer takes no more
/// once it holds this many records.
pub(super) const MAX_BATCH: usize = 4096;

/// One record of a submission.
pub(crate) struct Item {
    pub record: Record,
    /// The keys its signatures must verify under, as the state named them.
    pub keys: Vec<ed25519_dalek::VerifyingKey>,
    /// The canonical opening of its confidential part, if any.
    pub opening: Option<Vec<u8>>,
}

/// A submission on its way through the append path: one record, or a group
/// of one author's records admitted all or none (`LogState::admit_group`),
/// at consecutive indexes. Answered with a receipt per record, in order.
pub(crate) struct Job {
    pub items: Vec<Item>,
    pub reply: Box<dyn FnOnce(Result<Vec<Receipt>, SubmitError>) + Send>,
}

impl Job {
    /// A refusal of the item at `position`: as it is for a lone record, and
    /// naming its place for a group (none of which is admitted).
    pub(crate) fn refusal(&self, position: usize, rejection: Rejection) -> Rejection {
        if self.items.len() == 1 {
            rejection
        } else {
            Rejection::InGroup {
                position,
                rejection: Box::new(rejection),
            }
        }
    }
}

/// What reaches the sequencer: a verified record, or a request to catch up
/// with records another server (or `truce submit`) appended to the store.
// Nearly every item is a record: boxing it to shrink the rare request would
// cost an allocation per record on the hot path.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Work {
    Record(Job),
    /// Answered with the log's size once the state has caught up.
    CatchUp(SyncSender<Result<u64, SubmitError>>),
}

/// Waits for one item, then takes whatever else is already queued, up to
/// `max`: batches form from what arrives while the stage is busy, never by
/// waiting for company. `None` once the queue is closed and empty.
pub(crate) fn next_batch<T>(queue: &Receiver<T>, max: usize) -> Option<Vec<T>> {
    let first = queue.recv().ok()?;
    Some(drain(queue, first, max))
}

/// `first`, and whatever else is queued already, up to `max`.
pub(super) fn drain<T>(queue: &Receiver<T>, first: T, max: usize) -> Vec<T> {
    let mut batch = vec![first];
    while batch.len() < max {
        match queue.try_recv() {
            Ok(item) => batch.push(item),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
        }
    }
    batch
}
