//! A record: a signed envelope. The leaf the Merkle log stores is the RFC 8785
//! canonical JSON of `{"envelope": …, "signatures": […]}`; the signatures cover
//! a domain-separated encoding of the envelope alone.

mod envelope;
mod parse;
mod sign;
mod verify;

pub use envelope::{ENVELOPE_VERSION, Envelope, RecordSignature, SignedRecord};
pub use parse::{MAX_RECORD_BYTES, Record, RecordError};
pub use sign::{RecordDraft, signing_message};
pub use verify::verify_batch;
