//! What a file says about itself. Every value is the file's own claim:
//! EXIF and content credentials are written by the device or by anyone who
//! edited the file afterwards, so they are evidence to weigh, not facts.

use serde::Serialize;
use truce_core::values::{GeoPoint, Timestamp};

/// What was read from one evidence file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileMetadata {
    /// The media type the file's first bytes show (`image/jpeg`, …),
    /// whatever the uploader declared; absent when not a recognised image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected_type: Option<String>,
    /// How many bytes from the file's start were read for metadata.
    pub bytes_read: u64,
    /// Whether those were the whole file (metadata stored further in, as in
    /// some videos, is not seen when they were not).
    pub whole_file_read: bool,
    /// The EXIF the file carries; null when it carries none this server can read.
    pub exif: Option<ExifFacts>,
    /// Why EXIF that the file seems to carry could not be read, when so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exif_unreadable: Option<String>,
    pub content_credentials: ContentCredentials,
}

/// EXIF fields that bear on when, where and with what a photo was taken.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExifFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured: Option<CaptureTime>,
    /// GPSLatitude/GPSLongitude with their references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<GeoPoint>,
    /// Make (the device's manufacturer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    /// Model (the device).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Software: what last wrote the file (an editor leaves its name here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
}

impl ExifFacts {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Where a capture time was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// DateTimeOriginal (with OffsetTimeOriginal when present).
    DateTimeOriginal,
    /// DateTime, the file's last change, when there is no DateTimeOriginal.
    DateTime,
    /// GPSDateStamp and GPSTimeStamp, which are UTC.
    Gps,
}

/// A capture time as the file writes it, and the span of instants it can
/// mean: EXIF times are the camera's local clock, and without an offset
/// (OffsetTimeOriginal, EXIF 2.31) the zone is unknown, so the instant lies
/// anywhere from 14 hours before to 12 hours after the same digits in UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaptureTime {
    /// The digits as written, `YYYY-MM-DDTHH:MM:SS`, in the file's own zone.
    pub local: String,
    /// The file's UTC offset (`+04:30`) when it states one (`Z` for GPS time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    pub source: TimeSource,
    /// The earliest instant the time can mean.
    pub earliest: Timestamp,
    /// The latest instant it can mean (the same as `earliest` when the zone is known).
    pub latest: Timestamp,
}

/// C2PA content credentials embedded in the file: what its manifest says,
/// and whether the manifest's signature and hashes check out. A valid
/// signature shows the manifest was signed by the holder of the key in its
/// certificate and the file not changed since; it does not show who that
/// is: the signer is not checked against any trust list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContentCredentials {
    /// Whether a C2PA manifest store (a JUMBF box labelled `c2pa`) is embedded.
    pub present: bool,
    /// Where it was found, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<CredentialsContainer>,
    /// Whether the active manifest's signature and its hashes over the file validate.
    pub validation: Validation,
    /// The C2PA validation codes that failed (`assertion.dataHash.mismatch`,
    /// …) when invalid; the reader's error when unreadable.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// Failures of the manifest's CAWG identity assertions (`cawg.…`): a
    /// creator's identity signed apart from the claim, not part of
    /// `validation`; one naming a DID cannot be resolved offline and shows
    /// `cawg.ica.did_unavailable`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identity_failures: Vec<String>,
    /// Always false: no trust list is configured, so the signer's
    /// certificate is not checked against one (a valid signature may come
    /// from anyone's key).
    pub signer_checked_against_trust_list: bool,
    /// What the active manifest claims, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ManifestClaims>,
}

/// What the active manifest says about the file: its own claims.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManifestClaims {
    /// The software that made the manifest (`name/version`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_generator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// The `c2pa.actions` assertion's actions, in order (at most 32).
    pub actions: Vec<ClaimedAction>,
}

/// The signing certificate's names, as the certificate gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signer {
    /// The certificate's issuer (organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The certificate's subject common name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// When it was signed, from the signature's time stamp (RFC 3339), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// One action of the manifest's `c2pa.actions` assertion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimedAction {
    /// `c2pa.created`, `c2pa.edited`, …
    pub action: String,
    /// When the action says it happened, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The software that says it did it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_agent: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CredentialsContainer {
    /// JPEG APP11 segments.
    JpegApp11,
    /// A PNG `caBX` chunk.
    PngCabx,
    /// A JUMBF box elsewhere in the bytes read (WebP, ISO BMFF, …).
    Jumbf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Validation {
    /// No manifest store: nothing to validate.
    NotPerformed,
    /// A manifest store is there but the file was not read whole (it is
    /// larger than the server reads for content credentials), so its hashes
    /// over the file could not be checked.
    FileNotReadWhole,
    /// The signature and the hashes over the file validate (the signer is
    /// not checked against a trust list).
    Valid,
    /// Some check failed: see `failures`.
    Invalid,
    /// The manifest store could not be read at all: see `failures`.
    Unreadable,
}
