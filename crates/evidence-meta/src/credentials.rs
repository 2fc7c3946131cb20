//! Whether a file embeds C2PA content credentials: a JUMBF superbox whose
//! description box (`jumd`) carries the C2PA manifest store's type UUID,
//! `63327061-0011-0010-8000-00AA00389B71`, whose first four bytes spell
//! `c2pa`. It is looked for where the C2PA specification puts it — JPEG
//! APP11 segments, the PNG `caBX` chunk — and, for other containers, as a
//! JUMBF box anywhere in the bytes read.
//!
//! Detecting is cheap and needs only the file's first bytes; when a store
//! is there and the whole file was read, [`manifest::validate`] reads and
//! validates it with the `c2pa` crate.

use crate::manifest;
use crate::model::{ContentCredentials, CredentialsContainer, Validation};

/// The start of a manifest store's description box: its type `jumd` and
/// the first bytes of the C2PA manifest store UUID.
const STORE_DESCRIPTION: &[u8] = b"jumdc2pa";

/// What `bytes` (a file's first bytes; `whole` when all of it; `format` its
/// media type when recognised) carry of content credentials.
pub fn read(bytes: &[u8], whole: bool, format: Option<&str>) -> ContentCredentials {
    let found = detect(bytes);
    if !found.present {
        return found;
    }
    if !whole {
        return ContentCredentials {
            validation: Validation::FileNotReadWhole,
            ..found
        };
    }
    let validated = manifest::validate(bytes, format.unwrap_or("application/octet-stream"));
    ContentCredentials {
        validation: validated.validation,
        failures: validated.failures,
        identity_failures: validated.identity_failures,
        manifest: validated.manifest,
        ..found
    }
}

/// Whether `bytes` hold a C2PA manifest store, and where (not validated).
pub fn detect(bytes: &[u8]) -> ContentCredentials {
    let container = if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_app11(bytes).then_some(CredentialsContainer::JpegApp11)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_cabx(bytes).then_some(CredentialsContainer::PngCabx)
    } else {
        None
    };
    let container = container
        .or_else(|| contains(bytes, STORE_DESCRIPTION).then_some(CredentialsContainer::Jumbf));
    ContentCredentials {
        present: container.is_some(),
        container,
        validation: Validation::NotPerformed,
        failures: Vec::new(),
        identity_failures: Vec::new(),
        signer_checked_against_trust_list: false,
        manifest: None,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_be_bytes([*b.first()?, *b.get(1)?])))
}

fn be32(bytes: &[u8], at: usize) -> Option<usize> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    usize::try_from(u32::from_be_bytes(b)).ok()
}

/// Walks the JPEG's marker segments up to the image data, looking for an
/// APP11 segment holding a C2PA JUMBF box (`JP` common identifier).
fn jpeg_app11(bytes: &[u8]) -> bool {
    let mut at = 2usize;
    loop {
        // Markers may be preceded by fill bytes (0xFF).
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
        let Some(&marker) = bytes.get(at + 1) else {
            return false;
        };
        match marker {
            // Start of scan or end of image: no metadata segments follow.
            0xDA | 0xD9 => return false,
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                at += 2;
                continue;
            }
            _ => {}
        }
        let Some(len) = be16(bytes, at + 2) else {
            return false;
        };
        if len < 2 {
            return false;
        }
        let payload = bytes
            .get(at + 4..(at + 2 + len).min(bytes.len()))
            .unwrap_or_default();
        if marker == 0xEB && payload.starts_with(b"JP") && contains(payload, STORE_DESCRIPTION) {
            return true;
        }
        at += 2 + len;
    }
}

/// Walks the PNG's chunks looking for `caBX`.
fn png_cabx(bytes: &[u8]) -> bool {
    let mut at = 8usize;
    while let Some(len) = be32(bytes, at) {
        let Some(kind) = bytes.get(at + 4..at + 8) else {
            return false;
        };
        match kind {
            b"caBX" => return true,
            b"IEND" => return false,
            _ => {}
        }
        // length, type, data, CRC
        let Some(next) = len.checked_add(12).and_then(|n| n.checked_add(at)) else {
            return false;
        };
        at = next;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jumbf_store() -> Vec<u8> {
        let mut description = b"jumd".to_vec();
        description.extend_from_slice(&[0x63, 0x32, 0x70, 0x61, 0x00, 0x11, 0x00, 0x10]);
        description.extend_from_slice(&[0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71, 0x03]);
        description.extend_from_slice(b"c2pa\0");
        let mut jumd = u32::try_from(description.len() + 4)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        jumd.extend(description);
        let mut store = u32::try_from(jumd.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        store.extend_from_slice(b"jumb");
        store.extend(jumd);
        store
    }

    #[test]
    fn finds_an_app11_manifest_store() {
        let mut payload = b"JP\x00\x01\x00\x00\x00\x01".to_vec();
        payload.extend(jumbf_store());
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xEB];
        jpeg.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        jpeg.extend(payload);
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]);
        let found = detect(&jpeg);
        assert!(found.present);
        assert_eq!(found.container, Some(CredentialsContainer::JpegApp11));
    }

    #[test]
    fn finds_a_png_cabx_chunk() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let store = jumbf_store();
        png.extend_from_slice(&u32::try_from(store.len()).unwrap().to_be_bytes());
        png.extend_from_slice(b"caBX");
        png.extend(store);
        png.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(detect(&png).container, Some(CredentialsContainer::PngCabx));
    }

    #[test]
    fn absent_and_truncated_files_are_absent() {
        for bytes in [
            &b""[..],
            b"\xFF\xD8",
            b"\xFF\xD8\xFF\xEB\xFF\xFF",
            b"\x89PNG\r\n\x1a\n\xFF\xFF\xFF\xFF",
            b"%PDF-1.7",
        ] {
            let found = detect(bytes);
            assert!(!found.present, "{bytes:?}");
            assert_eq!(found.validation, Validation::NotPerformed);
        }
        // A manifest store elsewhere (another container) is still seen.
        let mut other = b"RIFF\0\0\0\0WEBPC2PA".to_vec();
        other.extend(jumbf_store());
        assert_eq!(detect(&other).container, Some(CredentialsContainer::Jumbf));
    }

    #[test]
    fn files_without_a_manifest_or_not_read_whole_are_not_validated() {
        let c = read(
            include_bytes!("../testdata/none.jpg"),
            true,
            Some("image/jpeg"),
        );
        assert!(!c.present);
        assert_eq!(c.validation, Validation::NotPerformed);
        assert_eq!(c.manifest, None);
        // The first bytes of a file with a manifest, as the server reads a large one.
        let c2pa = include_bytes!("../testdata/c2pa.jpg");
        let c = read(&c2pa[..4096], false, Some("image/jpeg"));
        assert!(c.present);
        assert_eq!(c.validation, Validation::FileNotReadWhole);
        assert_eq!(c.manifest, None);
        // The whole of it: validated, and never against a trust list.
        let c = read(c2pa, true, Some("image/jpeg"));
        assert_eq!(c.validation, Validation::Valid);
        assert!(!c.signer_checked_against_trust_list);
    }
}
