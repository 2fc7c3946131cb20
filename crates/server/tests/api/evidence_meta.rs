//! What evidence files say about themselves (EXIF, content credentials)
//! beside the records, and their thumbnails: served to exactly those who
//! may download the file; hostile images refused without harm. The photos
//! are crates/evidence-meta/testdata's (see its README).

use crate::support::*;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use truce_core::Kind;
use truce_core::kinds::common::BlobDigest;

const FAR: &[u8] = include_bytes!("../../../evidence-meta/testdata/far.jpg");
const NEAR: &[u8] = include_bytes!("../../../evidence-meta/testdata/near.jpg");
const LATE: &[u8] = include_bytes!("../../../evidence-meta/testdata/late.jpg");
const NONE: &[u8] = include_bytes!("../../../evidence-meta/testdata/none.jpg");
const PLAIN: &[u8] = include_bytes!("../../../evidence-meta/testdata/plain.png");
const HUGE: &[u8] = include_bytes!("../../../evidence-meta/testdata/huge.png");
const C2PA: &[u8] = include_bytes!("../../../evidence-meta/testdata/c2pa.jpg");

fn get(app: &App, path: &str, token: Option<&str>) -> Response {
    let request = app.http.get(app.url(path));
    match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    }
    .send()
    .unwrap()
}

/// Uploads `content` and files it as `member`'s public evidence, with the
/// record's own statement of where and when; returns the record's leaf hash.
fn file(
    app: &App,
    member: &str,
    content: &[u8],
    media_type: &str,
    captured: Option<Value>,
) -> truce_core::Hash {
    let token = app.token(member);
    let digest = BlobDigest::of(content);
    let r = app
        .http
        .post(app.url(&format!("/api/v1/evidence?digest={digest}")))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(content.to_vec())
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let mut body = json!({
        "digest": digest,
        "media_type": media_type,
        "size": content.len(),
        "description": "Photograph of the crossing (test).",
        "confidentiality": "public",
    });
    if let Some(c) = captured {
        body["captured"] = c;
    }
    let record = app.sign(member, Kind::EvidenceSubmit, body);
    assert_eq!(app.post_record(&record).status(), 201);
    record.hash()
}

/// An incident report at the Torkham crossing citing `evidence`.
fn report_at_torkham(app: &App, member: &str, evidence: &[truce_core::Hash]) {
    let record = app.sign(
        member,
        Kind::IncidentReport,
        json!({
            "title": "Shots at the Torkham crossing (test)",
            "incident_type": "armed_clash",
            "time": {"at": "2025-10-26T01:00:00Z", "precision": "hour"},
            "places": [{"point": {"lat_e6": 34101000, "lon_e6": 71099000}, "precision": "exact"}],
            "accused": "pakistan",
            "narrative": "Shots were fired across the crossing before dawn (test record).",
            "evidence": evidence,
        }),
    );
    let r = app.post_record(&record);
    assert_eq!(r.status(), 201, "{}", r.text().unwrap());
}

fn metadata(app: &App, content: &[u8]) -> Value {
    let r = get(
        app,
        &format!("/api/v1/evidence/{}/metadata", BlobDigest::of(content)),
        None,
    );
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    r.json().unwrap()
}

fn outcome(m: &Value, about: &str) -> String {
    m["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["about"] == about)
        .unwrap_or_else(|| panic!("no {about} check in {m}"))["outcome"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_photos_own_metadata_is_set_beside_the_report_and_disagreements_flagged() {
    let app = spawn_app();
    let member = "afghanistan.liaison";
    let far = file(&app, member, FAR, "image/jpeg", None);
    let stated = json!({
        "time": {"at": "2025-10-26T01:00:00Z", "precision": "hour"},
        "place": {"point": {"lat_e6": 34101000, "lon_e6": 71099000}, "precision": "exact"},
        "device": "Apple iPhone 13",
    });
    let near = file(&app, member, NEAR, "image/jpeg", Some(stated));
    let late = file(&app, member, LATE, "image/jpeg", None);
    let none = file(&app, member, NONE, "image/jpeg", None);
    let plain = file(&app, member, PLAIN, "image/png", None);
    // Before any report cites it, only the filing time is compared.
    let m = metadata(&app, FAR);
    assert_eq!(m["checks"].as_array().unwrap().len(), 1, "{m}");
    report_at_torkham(&app, member, &[far, near, late, none, plain]);

    // Quetta, not Torkham: the file says so; the check says they disagree.
    let m = metadata(&app, FAR);
    assert!(m["incident"].is_u64());
    let exif = &m["file"]["exif"];
    assert_eq!(exif["make"], "Google");
    assert_eq!(exif["model"], "Pixel 7");
    assert_eq!(
        exif["position"],
        json!({"lat_e6": 30179800, "lon_e6": 66975000})
    );
    assert_eq!(exif["captured"]["local"], "2025-10-26T06:10:00");
    assert_eq!(exif["captured"]["offset"], "+04:30");
    assert_eq!(exif["captured"]["earliest"], "2025-10-26T01:40:00Z");
    assert_eq!(m["file"]["detected_type"], "image/jpeg");
    assert_eq!(
        m["file"]["content_credentials"],
        json!({"present": false, "validation": "not_performed", "signer_checked_against_trust_list": false})
    );
    assert_eq!(outcome(&m, "incident_place"), "disagrees");
    let place = m["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["about"] == "incident_place")
        .unwrap();
    let km = place["distance_m"].as_u64().unwrap() / 1000;
    assert!(
        (570..=600).contains(&km),
        "Quetta is ~585 km from Torkham: {km}"
    );
    assert_eq!(place["threshold_m"], 40000);
    assert_eq!(outcome(&m, "report_filed"), "consistent");
    assert_eq!(outcome(&m, "incident_time"), "consistent");

    // Near the crossing, when and with what the record says.
    let m = metadata(&app, NEAR);
    for about in [
        "incident_place",
        "stated_place",
        "stated_time",
        "incident_time",
        "report_filed",
        "evidence_filed",
        "stated_device",
    ] {
        assert_eq!(outcome(&m, about), "consistent", "{about}: {m}");
    }

    // Taken, the file says, years after the report and the record were filed.
    let m = metadata(&app, LATE);
    assert_eq!(outcome(&m, "report_filed"), "disagrees");
    assert_eq!(outcome(&m, "evidence_filed"), "disagrees");
    assert_eq!(outcome(&m, "incident_place"), "consistent");

    // No EXIF: said as such, nothing flagged.
    let m = metadata(&app, NONE);
    assert_eq!(m["file"]["exif"], Value::Null);
    assert!(
        m["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["outcome"] == "not_in_file"),
        "{m}"
    );
    let m = metadata(&app, PLAIN);
    assert_eq!(m["file"]["detected_type"], "image/png");
    assert_eq!(m["file"]["exif"], Value::Null);

    // Content credentials: the manifest's claims, and a valid signature
    // from a signer checked against no trust list.
    file(&app, member, C2PA, "image/jpeg", None);
    let m = metadata(&app, C2PA);
    assert_eq!(
        m["file"]["content_credentials"],
        json!({
            "present": true,
            "container": "jpeg_app11",
            "validation": "valid",
            "identity_failures": ["cawg.ica.did_unavailable"],
            "signer_checked_against_trust_list": false,
            "manifest": {
                "claim_generator": "Adobe_Content_Authenticity",
                "signer": {
                    "issuer": "Adobe Inc.",
                    "common_name": "Adobe C2PA Stage",
                    "time": "2025-04-09T22:46:13+00:00"
                },
                "actions": [{"action": "c2pa.watermarked"}]
            }
        })
    );
    // Larger than the first megabyte the server reads for metadata: read
    // whole for the manifest's hashes, which the added bytes break.
    let mut longer = C2PA.to_vec();
    longer.resize(C2PA.len() + (3 << 19), 0);
    file(&app, member, &longer, "image/jpeg", None);
    let m = metadata(&app, &longer);
    assert_eq!(m["file"]["whole_file_read"], true, "{m}");
    let c = &m["file"]["content_credentials"];
    assert_eq!(c["validation"], "invalid", "{m}");
    assert!(
        c["failures"]
            .as_array()
            .unwrap()
            .contains(&json!("assertion.dataHash.mismatch")),
        "{m}"
    );
}

#[test]
fn thumbnails_are_small_jpegs_kept_by_digest_and_hostile_images_get_none() {
    let app = spawn_app();
    let member = "pakistan.liaison";
    for (content, media_type) in [
        (NEAR, "image/jpeg"),
        (PLAIN, "image/png"),
        (HUGE, "image/png"),
        (&b"%PDF-1.4\n%%EOF\n"[..], "application/pdf"),
    ] {
        file(&app, member, content, media_type, None);
    }
    let path = |content: &[u8]| format!("/api/v1/evidence/{}/thumbnail", BlobDigest::of(content));

    let r = get(&app, &path(NEAR), None);
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let jpeg = r.bytes().unwrap();
    assert!(jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
    // Asked again (from the cache) the same bytes; with its ETag, 304.
    assert_eq!(get(&app, &path(NEAR), None).bytes().unwrap(), jpeg);
    let r = app
        .http
        .get(app.url(&path(NEAR)))
        .header("if-none-match", &etag)
        .send()
        .unwrap();
    assert_eq!(r.status(), 304);
    assert_eq!(get(&app, &path(PLAIN), None).status(), 200);

    // 74 bytes declaring 100,000 × 100,000 pixels: refused before any is decoded.
    let r = get(&app, &path(HUGE), None);
    assert_eq!(r.status(), 404);
    let problem: Value = r.json().unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("beyond"),
        "{problem}"
    );
    // Its metadata is still read (from its first bytes only).
    assert_eq!(metadata(&app, HUGE)["file"]["detected_type"], "image/png");
    // A PDF has no thumbnail, and the server stays up for what follows.
    assert_eq!(get(&app, &path(b"%PDF-1.4\n%%EOF\n"), None).status(), 404);
    // Bytes uploaded but not described by any record are not read.
    let token = app.token(member);
    let stray = b"\x89PNG\r\n\x1a\nnot described";
    let digest = BlobDigest::of(stray);
    app.http
        .post(app.url(&format!("/api/v1/evidence?digest={digest}")))
        .bearer_auth(&token)
        .body(stray.to_vec())
        .send()
        .unwrap();
    assert_eq!(
        get(&app, &format!("/api/v1/evidence/{digest}/metadata"), None).status(),
        404
    );
    assert_eq!(
        get(&app, &format!("/api/v1/evidence/{digest}/thumbnail"), None).status(),
        404
    );
    assert_eq!(get(&app, &path(NEAR), None).status(), 200);
}

#[test]
fn restricted_evidence_metadata_and_thumbnails_follow_the_download_rules() {
    let app = spawn_app();
    // The scenario's photographs of the Kurram infiltration: shared with the
    // parties and mediators, filed by Pakistan.
    let page = app.get_json("/api/v1/records?limit=1000");
    let record = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record"]["envelope"]["body"]["filename"] == "kurram-infiltration.png")
        .unwrap()
        .clone();
    let digest = record["record"]["envelope"]["body"]["digest"]
        .as_str()
        .unwrap();
    let hash: truce_core::Hash = serde_json::from_value(record["leaf_hash"].clone()).unwrap();
    let afghan = app.token("afghanistan.liaison");
    for what in ["metadata", "thumbnail"] {
        let path = format!("/api/v1/evidence/{digest}/{what}");
        assert_eq!(get(&app, &path, None).status(), 401, "{what}");
        let r = get(&app, &path, Some(&afghan));
        assert_eq!(r.status(), 403, "{what}");
        let problem: Value = r.json().unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("evidence.access")
        );
    }
    let access = app.sign(
        "afghanistan.liaison",
        Kind::EvidenceAccess,
        json!({"evidence": hash, "purpose": "Examination (test)"}),
    );
    assert_eq!(app.post_record(&access).status(), 201);
    for what in ["metadata", "thumbnail"] {
        let r = get(
            &app,
            &format!("/api/v1/evidence/{digest}/{what}"),
            Some(&afghan),
        );
        assert_eq!(r.status(), 200, "{what}");
        assert_eq!(r.headers()["cache-control"], "private, no-store", "{what}");
    }
    // One member's trace opens nothing for another.
    let host = app.token("turkiye.host");
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/evidence/{digest}/metadata"),
            Some(&host)
        )
        .status(),
        403
    );
}
