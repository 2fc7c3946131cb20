//! # truce-ledger
//!
//! The one path by which records enter a Truce log, and the auditor that
//! checks a whole log afterwards. Everything that appends — the CLI, the demo,
//! the server — goes through [`Ledger::submit`]:
//!
//! 1. the submitter looks up the author's keys in the log's state; a pool of
//!    verification threads checks signatures in batches (an author's records
//!    always through the same thread, so they stay in order);
//! 2. a single sequencer thread takes every record waiting, admits each
//!    against the log's state, extends the Merkle tree and signs a checkpoint;
//! 3. the batch is written in one durable transaction (group commit), and
//!    only then is each submitter told its index.
//!
//! A lone record never waits for company: the sequencer takes whatever is
//! queued the moment it is free, so a batch is one record when load is light.

mod audit;
pub mod bundle;
mod ledger;
mod sequencer;
mod shared;
mod submission;
mod verifier;
pub mod witnessed;

pub use audit::{
    AuditFailure, AuditReport, Auditor, Openings, Place, default_workers, verify_copy,
    verify_leaves, verify_lines, verify_store,
};
pub use ledger::Ledger;
pub use submission::{Receipt, SubmitError};
