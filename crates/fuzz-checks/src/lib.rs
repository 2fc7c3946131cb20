//! # truce-fuzz-checks
//!
//! What each fuzz target checks, written once: the cargo-fuzz targets in
//! `fuzz/` (nightly, libFuzzer) call these functions on the bytes libFuzzer
//! makes, and this crate's test replays every committed corpus file through
//! the same functions on stable, so `cargo test --workspace` re-checks the
//! corpora without nightly.
//!
//! Each check takes arbitrary bytes and panics, naming the property, when a
//! property of the product code fails; input the product code refuses is not
//! a failure. It does not generate inputs (libFuzzer does) nor hold any rule
//! of its own: every property is stated against the product's own functions
//! or a reference implementation.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a check's only way to report a broken property is to panic, as libFuzzer expects"
)]

mod canonical;
mod csv_import;
mod evidence_meta;
mod note;
mod proof;
mod record;
mod tile;
mod witness;

pub use canonical::canonical;
pub use csv_import::csv_import;
pub use evidence_meta::evidence_meta;
pub use note::{FUZZ_LOG_ORIGIN, fuzz_log_key, note};
pub use proof::proof;
pub use record::record;
pub use tile::tile_path;
pub use witness::{policy, witness};

/// A check: panics when a property fails on these bytes.
pub type Check = fn(&[u8]);

/// Every target, by the name of its `fuzz/fuzz_targets/<name>.rs` and its
/// corpus directory `fuzz/corpus/<name>/`.
pub const TARGETS: &[(&str, Check)] = &[
    ("record", record),
    ("canonical", canonical),
    ("note", note),
    ("tile_path", tile_path),
    ("proof", proof),
    ("witness", witness),
    ("policy", policy),
    ("csv_import", csv_import),
    ("evidence_meta", evidence_meta),
];
