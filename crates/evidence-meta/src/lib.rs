//! What an evidence file says about itself, set beside what its submitter
//! states, never trusted: EXIF capture time, GPS position and device from
//! photos; C2PA content credentials and whether they validate; and small
//! thumbnails of images.
//!
//! Everything here works on bytes it is handed: reading blobs from disk,
//! caching and access control belong to the server. [`compare()`] is pure
//! (no parsing, no clock): the checks it makes are the one place the rule
//! "a photo 40 km from the reported place is flagged" lives.
//!
//! C2PA content credentials are read and validated with the reference
//! implementation, the `c2pa` crate (see [`manifest`] for how it is kept
//! offline and why "valid" says nothing of who signed). It is pinned to
//! 0.90.22: 0.91 needs Rust 1.96, newer than this project's toolchain, and
//! 0.90 needs 1.88, to which the workspace's minimum was raised. With its
//! default features off (they bring OpenSSL, reqwest, ureq, hyper and
//! rustls, to fetch remote manifests) and its pure-Rust crypto on, its
//! tree is 244 crates, 146 of them new to the workspace; measured on the
//! 2-core machine while others built, a clean debug build of this crate
//! took 4 min 54 s, the new crates 252 s of compiler time (c2pa itself 66 s).
//!
//! The one place an answer here depends on the clock is c2pa's check that
//! a signing certificate was within its validity, made at the present when
//! the signature has no time stamp.

pub mod compare;
pub mod credentials;
pub mod geo;
pub mod manifest;
pub mod model;
pub mod read;
mod text;
pub mod thumbnail;

pub use compare::{Check, IncidentStatement, Outcome, Statement, compare};
pub use model::{CaptureTime, ContentCredentials, ExifFacts, FileMetadata};
pub use read::read;
pub use thumbnail::{Thumbnail, ThumbnailError, thumbnail};
