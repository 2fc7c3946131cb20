#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The `truce` command, run for real: its output contract, its refusals, and
//! `truce verify` catching every kind of tampering with the SQLite file.

#[path = "cli/backup.rs"]
mod backup;
#[path = "cli/browser.rs"]
mod browser;
#[path = "cli/contract.rs"]
mod contract;
#[path = "cli/crash.rs"]
mod crash;
#[path = "cli/demo.rs"]
mod demo;
#[path = "cli/export.rs"]
mod export;
#[path = "cli/faults.rs"]
mod faults;
#[path = "cli/import.rs"]
mod import;
#[path = "cli/keys.rs"]
mod keys;
#[path = "cli/load.rs"]
mod load;
#[path = "cli/mirror.rs"]
mod mirror;
#[path = "cli/monitor.rs"]
mod monitor;
#[path = "cli/operator.rs"]
mod operator;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/split_view.rs"]
mod split_view;
#[path = "cli/submit_batch.rs"]
mod submit_batch;
#[path = "cli/support.rs"]
mod support;
#[path = "cli/tampering.rs"]
mod tampering;
#[path = "cli/witness.rs"]
mod witness;
