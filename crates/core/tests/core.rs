//! The core's specification: one test binary (every extra test binary is
//! another link on two cores), one module per part of the core, in `core/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "core/support.rs"]
mod support;

#[path = "core/admission.rs"]
mod admission;
#[path = "core/canonical.rs"]
mod canonical;
#[path = "core/derive.rs"]
mod derive;
#[path = "core/modules.rs"]
mod modules;
#[path = "core/records.rs"]
mod records;
#[path = "core/robustness.rs"]
mod robustness;
