//! Evidence shared and acknowledged. Pakistan presented photographic and
//! documentary evidence in Istanbul (leadership structures, infiltration
//! attempts, identities of captured militants). Its information minister said
//! the Afghan side and the hosts acknowledged it: that is Pakistan's account,
//! recorded in Pakistan's statement, so no record here is signed with
//! Afghanistan's key or a host's for it. What the mechanism's own analysts
//! record is their receipt of what was filed with it, an illustrative act of a
//! mechanism that never existed. Afghanistan files a photograph for one of its
//! own reports. Every blob is a generated placeholder that says so; every name
//! in a confidential part is a placeholder.

use crate::blobs::{pdf, png};
use crate::cast::*;
use crate::press::{DAILY_ITTEHAD, TRUTH_INTERNATIONAL, says};
use crate::{Kept, Log, ScenarioError, at};
use serde_json::{Value, json};
use truce_core::kinds::Kind;
use truce_core::kinds::common::BlobDigest;
use truce_core::sealed::Opening;
use truce_core::values::Timestamp;
use truce_tlog::Hash;

const PLACEHOLDER: &str =
    "Illustrative placeholder generated for the Truce demo; not real evidence.";

/// Registers `bytes` as a blob and returns the digest and size fields of its record.
fn blob(kept: &mut Kept, media_type: &str, bytes: Vec<u8>) -> (String, u64) {
    let digest = BlobDigest::of(&bytes).to_string();
    let size = bytes.len() as u64;
    kept.blobs.push((media_type.to_owned(), bytes));
    (digest, size)
}

fn salt(rng: &mut (impl rand::RngCore + rand::CryptoRng)) -> [u8; 32] {
    let mut salt = [0; 32];
    rng.fill_bytes(&mut salt);
    salt
}

fn custody(at: Timestamp, holder: &str, note: &str) -> Value {
    json!([{"at": at, "holder": holder, "note": note}])
}

/// A landscape-like placeholder: sky, ridge line, a dark track across it.
fn terrain(x: u32, y: u32) -> [u8; 3] {
    let ridge = 20 + (x * 7 % 13) / 2;
    if y < ridge {
        [150, 180, 210]
    } else if (x + 2 * y) % 40 < 3 {
        [60, 50, 40]
    } else {
        [(140 + (x % 9) * 3) as u8, (120 + (y % 7) * 4) as u8, 90]
    }
}

/// A grey placeholder with a darker irregular shape in the middle.
fn debris(x: u32, y: u32) -> [u8; 3] {
    let (dx, dy) = (x.abs_diff(32), y.abs_diff(24));
    if dx * dx + 2 * dy * dy < 120 + (x * y) % 40 {
        [70, 70, 75]
    } else {
        let g = (160 + (x * 3 + y * 5) % 20) as u8;
        [g, g, g - 10]
    }
}

/// Afghanistan: a photograph for its report of a drone strike in Paktika, its
/// exact capture details sealed until the area is safe to name. Returns the
/// record and the opening it seals.
pub fn afghan_photo(
    log: &mut Log<'_>,
    rng: &mut (impl rand::RngCore + rand::CryptoRng),
    kept: &mut Kept,
    paktika_drone: Hash,
) -> Result<(Hash, Opening), ScenarioError> {
    let (digest, size) = blob(
        kept,
        "image/png",
        png(
            64,
            48,
            "Debris, Barmal district, Paktika",
            &format!(
                "Photograph filed by Afghanistan, which says it shows debris of a drone. {PLACEHOLDER}"
            ),
            debris,
        )?,
    );
    let debris_opening = Opening::new(
        salt(rng),
        json!({
            "capture_point": {"lat_e6": 32_761_400, "lon_e6": 69_284_900},
            "captured_at": "2025-10-24T02:10:00Z",
            "note": "Exact place and time of capture withheld while the area was unsafe to name. Illustrative.",
        }),
    );
    let debris_photo = log.post_sealed(
        AF_LIAISON,
        at!(2025-10-24 5:30),
        Kind::EvidenceSubmit,
        json!({
            "digest": digest,
            "media_type": "image/png",
            "size": size,
            "filename": "barmal-debris.png",
            "description": "Photograph that Afghanistan says shows debris of the drone that struck in Barmal district, Paktika. The exact place and time of capture are in the sealed part.",
            "captured": {"time": {"at": at!(2025-10-24 0:00), "precision": "day"}},
            "collected_by": "Afghanistan's Ministry of Interior",
            "custody": custody(at!(2025-10-24 4:00), "Provincial police, Paktika", "Received from a local resident and forwarded to the ministry."),
            "confidentiality": "participants",
            "incident": paktika_drone,
            "illustrative": "Image is a generated placeholder; capture details and custody illustrative.",
        }),
        &debris_opening,
        &[TURKIYE, QATAR],
    )?;
    kept.openings.push((debris_photo, debris_opening.clone()));
    Ok((debris_photo, debris_opening))
}

/// Pakistan: the evidence presented in Istanbul on day 2 (back-filled, dated
/// when presented); its receipts are in [`receipts`].
pub fn pakistan_presentation(
    log: &mut Log<'_>,
    rng: &mut (impl rand::RngCore + rand::CryptoRng),
    kept: &mut Kept,
    kurram_infiltration: Hash,
) -> Result<[Hash; 3], ScenarioError> {
    let presented = at!(2025-10-26 7:30);
    let (digest, size) = blob(
        kept,
        "application/pdf",
        pdf(
            "Leadership structures (presented by Pakistan)",
            &[
                "Documentary evidence presented by Pakistan at the Istanbul talks, 26 October 2025:",
                "leadership structures of the TTP and other groups Pakistan says operate from",
                "Afghan territory. The content of this claim is Pakistan's.",
                "",
                PLACEHOLDER,
            ],
        ),
    );
    let leadership = log.post(
        PK_LIAISON,
        at!(2025-10-26 8:00),
        Kind::EvidenceSubmit,
        json!({
            "digest": digest,
            "media_type": "application/pdf",
            "size": size,
            "filename": "leadership-structures.pdf",
            "description": "Documentary evidence presented by Pakistan: leadership structures of the TTP and of other groups Pakistan says operate from Afghan territory (Pakistan's claim).",
            "collected_by": "Pakistan's delegation",
            "custody": custody(presented, "Pakistan's delegation", "Presented to the Afghan delegation and the hosts at the Istanbul talks."),
            "confidentiality": "participants",
            "sources": presented_sources(),
            "illustrative": "Document is a generated placeholder; the evidence was presented as reported, its content is not public.",
        }),
    )?;

    let (digest, size) = blob(
        kept,
        "image/png",
        png(
            64,
            48,
            "Infiltration attempt, Kurram district",
            &format!(
                "Photograph presented by Pakistan of an infiltration attempt it reported. {PLACEHOLDER}"
            ),
            terrain,
        )?,
    );
    let infiltration_photos = log.post(
        PK_LIAISON,
        at!(2025-10-26 8:10),
        Kind::EvidenceSubmit,
        json!({
            "digest": digest,
            "media_type": "image/png",
            "size": size,
            "filename": "kurram-infiltration.png",
            "description": "Photographic evidence presented by Pakistan of the infiltration attempts it reported across the border in Kurram and North Waziristan (Pakistan's claim).",
            "captured": {
                "time": {"at": at!(2025-10-25 0:00), "precision": "day"},
                "place": {
                    "point": {"lat_e6": 33_870_000, "lon_e6": 69_980_000},
                    "precision": "district",
                    "country": "Pakistan", "admin1": "Khyber Pakhtunkhwa", "admin2": "Kurram",
                },
                "device": "Surveillance camera, border post (illustrative)",
            },
            "collected_by": "Pakistan's military",
            "custody": custody(presented, "Pakistan's delegation", "Presented at the Istanbul talks."),
            "confidentiality": "participants",
            "incident": kurram_infiltration,
            "sources": presented_sources(),
            "illustrative": "Image is a generated placeholder; capture place, device and custody illustrative.",
        }),
    )?;

    let (digest, size) = blob(
        kept,
        "application/pdf",
        pdf(
            "Identities of captured militants (presented by Pakistan)",
            &[
                "Cover sheet. Pakistan presented the identities of militants it says it captured.",
                "The identities are held in a sealed part readable by the mediators only.",
                "",
                PLACEHOLDER,
            ],
        ),
    );
    let identities = Opening::new(
        salt(rng),
        json!({
            "entries": [
                {"ref": "detainee-1", "name": "[withheld: placeholder]", "stated_nationality": "[placeholder]", "captured": "2025-10 (placeholder)"},
                {"ref": "detainee-2", "name": "[withheld: placeholder]", "stated_nationality": "[placeholder]", "captured": "2025-10 (placeholder)"},
            ],
            "note": "Placeholders only: the scenario has no names, and none is invented.",
        }),
    );
    let captured_identities = log.post_sealed(
        PK_LIAISON,
        at!(2025-10-26 8:20),
        Kind::EvidenceSubmit,
        json!({
            "digest": digest,
            "media_type": "application/pdf",
            "size": size,
            "filename": "captured-militants.pdf",
            "description": "Documentary evidence presented by Pakistan: identities of militants it says it captured (Pakistan's claim). The identities are in the sealed part, for the mediators only.",
            "collected_by": "Pakistan's delegation",
            "custody": custody(presented, "Pakistan's delegation", "Presented at the Istanbul talks."),
            "confidentiality": "mediators",
            "sources": presented_sources(),
            "illustrative": "Document is a generated placeholder; the sealed part holds placeholders, not names.",
        }),
        &identities,
        &[TURKIYE, QATAR],
    )?;
    kept.openings.push((captured_identities, identities));

    Ok([leadership, infiltration_photos, captured_identities])
}

/// From 31 October, when the charter is signed: the evidence presented at
/// the talks is filed with the mechanism, which records its receipt (these are
/// the mechanism's own acts, so none is dated before its charter).
pub fn receipts(
    log: &mut Log<'_>,
    afghan_photo: Hash,
    [leadership, infiltration_photos, captured_identities]: [Hash; 3],
) -> Result<(), ScenarioError> {
    log.post(
        PK_LIAISON,
        at!(2025-10-31 13:00),
        Kind::EvidenceAcknowledge,
        json!({
            "evidence": afghan_photo,
            "status": "received",
            "note": "Received. Receipt is not agreement with Afghanistan's account of the photograph. (Illustrative.)",
        }),
    )?;
    // The mechanism's analysts record receipt of what was filed with it. That
    // the Afghan side and the hosts acknowledged the evidence is Pakistan's
    // account, in Pakistan's statement of 29 October; it is not signed here
    // for anyone who did not say it.
    let receipt = "Illustrative: the mechanism's receipt of evidence filed with it. Receipt is not agreement with its content, and not the acknowledgment Pakistan's information minister described, which is Pakistan's account.";
    for evidence in [leadership, infiltration_photos] {
        log.post(
            TR_ANALYST,
            at!(2025-10-31 13:45),
            Kind::EvidenceAcknowledge,
            json!({"evidence": evidence, "status": "received", "note": receipt}),
        )?;
    }
    // Opening restricted evidence leaves a signed trace before the blob is served.
    log.post(
        QA_MEDIATOR,
        at!(2025-10-31 14:40),
        Kind::EvidenceAccess,
        json!({"evidence": captured_identities, "purpose": "Examination before acknowledging receipt (illustrative)"}),
    )?;
    log.post(
        QA_MEDIATOR,
        at!(2025-10-31 15:00),
        Kind::EvidenceAcknowledge,
        json!({"evidence": captured_identities, "status": "received", "note": receipt}),
    )?;
    Ok(())
}

/// What the reports say of the evidence Pakistan presented.
fn presented_sources() -> Value {
    json!([
        says(
            TRUTH_INTERNATIONAL,
            "Pakistan’s delegation presented extensive photographic and documentary evidence of TTP and other groups operating from Afghan territory. This included details about leadership structures, infiltration attempts, and the identities of captured militants."
        ),
        says(
            DAILY_ITTEHAD,
            "Pakistan reportedly presented documentary evidence during the discussions"
        ),
    ])
}

/// Afghanistan discloses the sealed capture details of its photograph.
pub fn disclose_photo_details(
    log: &mut Log<'_>,
    photo: Hash,
    opening: &Opening,
) -> Result<Hash, ScenarioError> {
    log.post(
        AF_LIAISON,
        at!(2025-11-02 9:00),
        Kind::Disclosure,
        json!({"record": photo, "opening": opening}),
    )
}
