//! Evidence blobs. A blob is uploaded first, streamed to disk and checked
//! against the digest the uploader declares; the `evidence.submit` record
//! that describes it (media type, filename, confidentiality) is then signed
//! and submitted like any record. A blob is downloaded only once a record
//! describes it, streamed, with single byte ranges, and never before its
//! bytes have been checked against its digest.
//!
//! Who may download follows the first record in log order that names the
//! digest (a later record cannot widen access to bytes filed earlier):
//! `public` evidence is anyone's; `participants` evidence is for signed-in
//! parties and mediators; `mediators` evidence for the mediators and the
//! filing participant. Restricted evidence is served only to a member who
//! has also filed an `evidence.access` record for that `evidence.submit`
//! record, so every read of restricted evidence leaves a signed trace in the
//! log itself.
//!
//! `upload.rs` takes blobs in, `download.rs` serves them (whose decision of
//! who may read is `crate::access`'s), `metadata.rs` and `thumbnail.rs`
//! serve what is derived from them (kept by `derived.rs`) to the same
//! readers, `ranges.rs` reads `Range` headers,
//! `names.rs` makes the headers that name a file and `errors.rs` says what a
//! failure means to the client; `crate::verified_blobs` remembers which
//! stored blobs were checked.

mod derived;
mod download;
mod errors;
mod metadata;
mod names;
mod ranges;
mod thumbnail;
mod upload;

pub use download::{__path_download, download};
pub use metadata::{__path_metadata, EvidenceMetadata, metadata};
pub use thumbnail::{__path_thumbnail, thumbnail};
pub use upload::{__path_upload, Stored, UploadParams, upload};
