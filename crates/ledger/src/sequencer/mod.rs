//! The sequencer: the single thread that admits records against the log's
//! state, extends the Merkle tree, signs a checkpoint and writes each batch in
//! one durable transaction (group commit) before acknowledging it.
//!
//! `queue.rs` holds what travels to the sequencer; `replay.rs` rebuilds or
//! catches up the state from the store; `admission.rs` is the first stage,
//! `writer.rs` the second, and `handoff.rs` passes batches between them;
//! `rebuild.rs` is how the writer asks admission to rebuild after a failed
//! write.

mod admission;
mod handoff;
mod queue;
mod rebuild;
mod replay;
mod writer;

pub(crate) use queue::{Item, Job, Work, next_batch};
pub(crate) use replay::{extend_to, replay_reporting};

use crate::shared::Shared;
use handoff::Handoff;
use rebuild::Rebuild;
use std::sync::mpsc::Receiver;
use truce_tlog::Frontier;

/// Runs the two stages of sequencing: admission (this thread) and writing
/// (a second one). While one batch is being made durable, the next is
/// admitted, so the fsync of a commit never stalls admission.
pub(crate) fn run(shared: &Shared, frontier: Frontier, jobs: &Receiver<Work>) {
    let handoff = &Handoff::new();
    let sync = &Rebuild::default();
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("truce-writer".into())
            .spawn_scoped(scope, move || writer::write_loop(shared, handoff, sync));
        if writer.is_ok() {
            admission::admit_loop(shared, frontier, jobs, handoff, sync);
        }
        // The writer finishes what is left and stops.
        handoff.close();
    });
}
