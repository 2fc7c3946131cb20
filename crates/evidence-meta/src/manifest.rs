//! Reading and validating a C2PA manifest store with the reference
//! implementation, the `c2pa` crate, from the file's bytes in memory.
//!
//! Configured so that nothing leaves the machine and nothing is trusted:
//! the crate is built without its HTTP clients, and its settings turn off
//! fetching remote manifests and OCSP responses and checking signers
//! against a trust list (none is configured — the C2PA trust list is not
//! shipped with this server). What is checked is what needs only the file:
//! the claim's COSE signature with the certificate it carries, that the
//! certificate was within its validity when signing, and the hashes binding
//! the manifest to the file's bytes. CAWG identity assertions (a creator's
//! identity, signed apart from the claim) are reported on their own: those
//! naming a DID need it resolved over the network, so here they fail as
//! `cawg.ica.did_unavailable`, which says nothing of the claim's signature. c2pa judges a certificate's validity
//! at the signature's time stamp, or at the present when there is none: the
//! one place this crate's answer depends on the clock.

use crate::model::{ClaimedAction, ManifestClaims, Signer, Validation};
use crate::text::printable;
use c2pa::assertions::Actions;
use c2pa::assertions::SoftwareAgent;
use c2pa::validation_status;
use c2pa::{Context, Reader};
use std::io::Cursor;
use std::sync::{Arc, OnceLock};

/// Actions kept of a manifest's `c2pa.actions` assertion.
const ACTIONS_KEPT: usize = 32;
/// Failure codes kept.
const FAILURES_KEPT: usize = 16;

const SETTINGS: &str = r#"{"verify": {
    "verify_after_reading": true,
    "verify_trust": false,
    "verify_timestamp_trust": false,
    "ocsp_fetch": false,
    "remote_manifest_fetch": false
}}"#;

/// The c2pa context with [`SETTINGS`], made once; `None` if c2pa refuses
/// the settings (a change of the crate's settings format), so that
/// validation is reported as not possible rather than panicking.
fn context() -> Option<&'static Arc<Context>> {
    static CONTEXT: OnceLock<Option<Arc<Context>>> = OnceLock::new();
    CONTEXT
        .get_or_init(|| {
            Context::new()
                .with_settings(SETTINGS)
                .ok()
                .map(Context::into_shared)
        })
        .as_ref()
}

/// What validating the whole file's manifest store gives.
#[derive(Debug)]
pub struct Validated {
    pub validation: Validation,
    pub failures: Vec<String>,
    pub identity_failures: Vec<String>,
    pub manifest: Option<ManifestClaims>,
}

/// Reads and validates the manifest store in `whole_file` (all of a file's
/// bytes; `format` its media type, a fallback when c2pa cannot tell from
/// the bytes).
pub fn validate(whole_file: &[u8], format: &str) -> Validated {
    let Some(context) = context() else {
        return unreadable("the C2PA reader could not be configured".to_string());
    };
    let reader =
        match Reader::from_shared_context(context).with_stream(format, Cursor::new(whole_file)) {
            Ok(reader) => reader,
            Err(e) => return unreadable(e.to_string()),
        };
    let manifest = reader.active_manifest().map(claims);
    let Some(results) = reader.validation_results() else {
        return Validated {
            validation: Validation::Invalid,
            failures: vec!["no validation results".to_string()],
            identity_failures: Vec::new(),
            manifest,
        };
    };
    let active = results.active_manifest();
    let succeeded =
        |code: &str| active.is_some_and(|a| a.success().iter().any(|s| s.code() == code));
    let ingredients = results.ingredient_deltas().into_iter().flatten();
    let all_failures = active
        .into_iter()
        .flat_map(|a| a.failure().iter())
        .chain(ingredients.flat_map(|d| d.validation_deltas().failure().iter()))
        .map(|s| s.code())
        // No trust list is configured, so "untrusted" says nothing.
        .filter(|code| *code != validation_status::SIGNING_CREDENTIAL_UNTRUSTED);
    let (identity, claim): (Vec<&str>, Vec<&str>) =
        all_failures.partition(|code| code.starts_with("cawg."));
    let valid = manifest.is_some()
        && claim.is_empty()
        && succeeded(validation_status::CLAIM_SIGNATURE_VALIDATED)
        && succeeded(validation_status::CLAIM_SIGNATURE_INSIDE_VALIDITY);
    Validated {
        validation: if valid {
            Validation::Valid
        } else {
            Validation::Invalid
        },
        failures: kept(claim),
        identity_failures: kept(identity),
        manifest,
    }
}

/// Distinct printable codes, bounded.
fn kept(codes: Vec<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in codes {
        if out.len() == FAILURES_KEPT {
            break;
        }
        if let Some(code) = printable(code).filter(|c| !out.contains(c)) {
            out.push(code);
        }
    }
    out
}

fn unreadable(error: String) -> Validated {
    Validated {
        validation: Validation::Unreadable,
        failures: printable(&error).into_iter().collect(),
        identity_failures: Vec::new(),
        manifest: None,
    }
}

fn claims(manifest: &c2pa::Manifest) -> ManifestClaims {
    // A version 2 claim names its generator in claim_generator_info only.
    let generator = manifest.claim_generator().map(str::to_string).or_else(|| {
        let info = manifest.claim_generator_info.as_ref()?.first()?;
        Some(match &info.version {
            Some(v) => format!("{}/{v}", info.name),
            None => info.name.clone(),
        })
    });
    let signer = manifest.signature_info().map(|s| Signer {
        issuer: s.issuer.as_deref().and_then(printable),
        common_name: s.common_name.as_deref().and_then(printable),
        time: s.time.as_deref().and_then(printable),
    });
    let actions = manifest
        .find_assertion::<Actions>(Actions::LABEL)
        .map(|a| {
            a.actions
                .iter()
                .take(ACTIONS_KEPT)
                .filter_map(|action| {
                    Some(ClaimedAction {
                        action: printable(action.action())?,
                        when: action.when().and_then(printable),
                        software_agent: action.software_agent().and_then(|agent| match agent {
                            SoftwareAgent::String(s) => printable(s),
                            SoftwareAgent::ClaimGeneratorInfo(info) => printable(&info.name),
                        }),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ManifestClaims {
        claim_generator: generator.as_deref().and_then(printable),
        signer,
        actions,
    }
}

#[cfg(test)]
mod tests {
    use super::validate;
    use crate::model::{ClaimedAction, Validation};

    /// From the c2pa crate's own test fixtures (see testdata/README.md).
    const C2PA_JPG: &[u8] = include_bytes!("../testdata/c2pa.jpg");

    /// Where a JPEG's entropy-coded image data starts (after its SOS header).
    fn image_data_start(jpeg: &[u8]) -> usize {
        let sos = jpeg
            .windows(2)
            .rposition(|w| w == [0xFF, 0xDA])
            .expect("a start of scan");
        let len = usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]));
        sos + 2 + len
    }

    #[test]
    fn a_real_manifest_is_read_and_its_signature_and_hashes_validate() {
        let c = validate(C2PA_JPG, "image/jpeg");
        assert_eq!(c.validation, Validation::Valid, "{c:?}");
        assert!(c.failures.is_empty(), "{c:?}");
        // Its CAWG identity assertion names a DID, which is not resolved offline.
        assert_eq!(c.identity_failures, ["cawg.ica.did_unavailable"]);
        let m = c.manifest.expect("the active manifest's claims");
        assert_eq!(
            m.claim_generator.as_deref(),
            Some("Adobe_Content_Authenticity")
        );
        let signer = m.signer.expect("a signer");
        assert_eq!(signer.issuer.as_deref(), Some("Adobe Inc."));
        assert_eq!(signer.common_name.as_deref(), Some("Adobe C2PA Stage"));
        assert_eq!(signer.time.as_deref(), Some("2025-04-09T22:46:13+00:00"));
        assert_eq!(
            m.actions,
            [ClaimedAction {
                action: "c2pa.watermarked".into(),
                when: None,
                software_agent: None,
            }]
        );
    }

    #[test]
    fn one_changed_byte_of_the_image_makes_it_invalid() {
        let mut tampered = C2PA_JPG.to_vec();
        let at = image_data_start(&tampered) + 100;
        // Kept below 0xFF so as not to make a marker.
        tampered[at] = if tampered[at] == 0 { 1 } else { 0 };
        let c = validate(&tampered, "image/jpeg");
        assert_eq!(c.validation, Validation::Invalid, "{c:?}");
        assert!(
            c.failures
                .iter()
                .any(|f| f == "assertion.dataHash.mismatch"),
            "{c:?}"
        );
        // What the manifest claims is still shown, as its claim.
        assert!(c.manifest.is_some());
    }

    #[test]
    fn a_truncated_manifest_is_reported_not_trusted() {
        // The first 4 KiB as if they were the whole file: the store is cut.
        let c = validate(&C2PA_JPG[..4096], "image/jpeg");
        assert!(
            matches!(c.validation, Validation::Invalid | Validation::Unreadable),
            "{c:?}"
        );
        assert!(!c.failures.is_empty(), "{c:?}");
    }
}
