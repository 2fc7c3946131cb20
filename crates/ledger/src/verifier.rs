//! The verification stage: checks signatures in batches (ZIP-215, see
//! `truce_core::record::verify_batch`) on several threads, and hands every
//! record that verifies to the sequencer. Batching needs no waiting: a thread
//! takes whatever is queued the moment it is free.

use crate::ledger::SubmitError;
use crate::sequencer::{Job, Work};
use std::sync::mpsc::{Receiver, Sender};
use truce_core::Rejection;

/// At most this many records are verified together.
const MAX_BATCH: usize = 256;

pub(crate) fn run(jobs: &Receiver<Job>, sequencer: &Sender<Work>) {
    while let Some(batch) = crate::sequencer::next_batch(jobs, MAX_BATCH) {
        let checks: Vec<_> = batch
            .iter()
            .map(|j| (&j.record, j.keys.as_slice()))
            .collect();
        let results = truce_core::record::verify_batch(&checks, rand::thread_rng());
        drop(checks);
        for (job, result) in batch.into_iter().zip(results) {
            match result {
                Ok(()) => {
                    if let Err(unsent) = sequencer.send(Work::Record(job)) {
                        if let Work::Record(job) = unsent.0 {
                            (job.reply)(Err(SubmitError::Closed));
                        }
                    }
                }
                Err(e) => (job.reply)(Err(Rejection::from(e).into())),
            }
        }
    }
}
