//! The verification stage: checks signatures in batches (ZIP-215, see
//! `truce_core::record::verify_batch`) on several threads, and hands every
//! record that verifies to the sequencer. Batching needs no waiting: a thread
//! takes whatever is queued the moment it is free.

use crate::sequencer::{Job, Work};
use crate::submission::SubmitError;
use std::sync::mpsc::{Receiver, Sender};
use truce_core::Rejection;

/// At most this many records are verified together.
const MAX_BATCH: usize = 256;

pub(crate) fn run(jobs: &Receiver<Job>, sequencer: &Sender<Work>) {
    while let Some(batch) = crate::sequencer::next_batch(jobs, MAX_BATCH) {
        let checks: Vec<_> = batch
            .iter()
            .flat_map(|j| j.items.iter().map(|i| (&i.record, i.keys.as_slice())))
            .collect();
        let mut results = truce_core::record::verify_batch(&checks, rand::thread_rng()).into_iter();
        drop(checks);
        for job in batch {
            // All of this job's results are taken, so the next job's start
            // where they should.
            let mine: Vec<_> = results.by_ref().take(job.items.len()).collect();
            let failed = mine
                .into_iter()
                .enumerate()
                .find_map(|(position, result)| result.err().map(|e| (position, e)));
            match failed {
                None => {
                    if let Err(unsent) = sequencer.send(Work::Record(job))
                        && let Work::Record(job) = unsent.0
                    {
                        (job.reply)(Err(SubmitError::Closed));
                    }
                }
                Some((position, e)) => {
                    let rejection = job.refusal(position, Rejection::from(e));
                    (job.reply)(Err(rejection.into()));
                }
            }
        }
    }
}
