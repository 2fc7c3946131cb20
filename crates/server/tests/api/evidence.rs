use crate::support::*;
use reqwest::blocking::{RequestBuilder, Response};
use serde_json::{Value, json};
use std::sync::Arc;
use truce_core::Kind;
use truce_core::kinds::common::BlobDigest;
use truce_store::Store;

fn as_member(request: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    }
}

fn upload(app: &App, token: Option<&str>, declared: &str, bytes: &[u8]) -> Response {
    as_member(
        app.http
            .post(app.url(&format!("/api/v1/evidence?digest={declared}")))
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec()),
        token,
    )
    .send()
    .unwrap()
}

fn download(app: &App, token: Option<&str>, digest: &str, range: Option<&str>) -> Response {
    let mut request = app.http.get(app.url(&format!("/api/v1/evidence/{digest}")));
    if let Some(r) = range {
        request = request.header("range", r);
    }
    as_member(request, token).send().unwrap()
}

fn header(r: &Response, name: &str) -> String {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .to_string()
}

fn problem(r: Response, status: u16) -> String {
    assert_eq!(r.status(), status);
    assert_eq!(header(&r, "content-type"), "application/problem+json");
    let p: Value = r.json().unwrap();
    p["detail"].as_str().unwrap().to_string()
}

/// Deterministic bytes that do not compress to nothing.
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Signs and submits an `evidence.submit` record describing `content`.
fn describe(
    app: &App,
    member: &str,
    content: &[u8],
    media_type: &str,
    filename: Option<&str>,
    confidentiality: &str,
) -> truce_core::Hash {
    let mut body = json!({
        "digest": BlobDigest::of(content),
        "media_type": media_type,
        "size": content.len(),
        "description": "Test evidence.",
        "confidentiality": confidentiality,
    });
    if let Some(f) = filename {
        body["filename"] = json!(f);
    }
    let record = app.sign(member, Kind::EvidenceSubmit, body);
    assert_eq!(app.post_record(&record).status(), 201);
    record.hash()
}

/// Signs and submits `member`'s `evidence.access` record for `evidence`.
fn open(app: &App, member: &str, evidence: truce_core::Hash) -> Response {
    let record = app.sign(
        member,
        Kind::EvidenceAccess,
        json!({"evidence": evidence, "purpose": "Examination (test)"}),
    );
    app.post_record(&record)
}

/// The scenario's evidence.submit records: (filename, digest, leaf hash, blob bytes).
/// The scenario has four; the test pages below hold fewer than 1000 records.
fn scenario_evidence(app: &App) -> Vec<(String, String, truce_core::Hash, Vec<u8>)> {
    let page = app.get_json("/api/v1/records?limit=1000");
    page["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["record"]["envelope"]["kind"] == "evidence.submit")
        .filter_map(|r| {
            let body = &r["record"]["envelope"]["body"];
            let digest = body["digest"].as_str().unwrap().to_string();
            let (_, content) = app
                .scenario
                .blobs
                .iter()
                .find(|(_, b)| BlobDigest::of(b).to_string() == digest)?;
            Some((
                body["filename"].as_str()?.to_string(),
                digest,
                serde_json::from_value(r["leaf_hash"].clone()).unwrap(),
                content.clone(),
            ))
        })
        .collect()
}

#[test]
fn a_streamed_upload_is_served_back_once_a_signed_record_describes_it() {
    for app in every_backend() {
        let liaison = app.token("pakistan.liaison");
        let content = bytes(3 * 1024 * 1024 + 17, 7);
        let digest = BlobDigest::of(&content).to_string();

        let first = upload(&app, Some(&liaison), &digest, &content);
        assert_eq!(first.status(), 201);
        assert_eq!(
            header(&first, "location"),
            format!("/api/v1/evidence/{digest}")
        );
        let stored: Value = first.json().unwrap();
        assert_eq!(
            stored,
            json!({"digest": digest, "size": content.len(), "stored": true})
        );
        // The same blob again: already there.
        let again = upload(&app, Some(&liaison), &digest, &content);
        assert_eq!(again.status(), 200);
        assert_eq!(again.json::<Value>().unwrap(), stored);

        // Stored, but no record describes it yet.
        let detail = problem(download(&app, None, &digest, None), 404);
        assert!(detail.contains("no evidence.submit record"), "{detail}");

        describe(
            &app,
            "pakistan.liaison",
            &content,
            "video/mp4",
            Some("../footage/clip \"1\".mp4"),
            "public",
        );
        for token in [None, Some(liaison.as_str())] {
            let r = download(&app, token, &digest, None);
            assert_eq!(r.status(), 200);
            assert_eq!(header(&r, "content-type"), "video/mp4");
            assert_eq!(header(&r, "content-length"), content.len().to_string());
            assert_eq!(header(&r, "etag"), format!("\"{digest}\""));
            assert_eq!(header(&r, "accept-ranges"), "bytes");
            assert!(header(&r, "cache-control").starts_with("public"));
            assert_eq!(
                header(&r, "content-disposition"),
                "inline; filename=\"clip _1_.mp4\"; filename*=UTF-8''clip%20%221%22.mp4"
            );
            assert_eq!(r.bytes().unwrap().as_ref(), content.as_slice());
        }
        // A client holding this version is told so.
        let r = app
            .http
            .get(app.url(&format!("/api/v1/evidence/{digest}")))
            .header("if-none-match", format!("\"{digest}\""))
            .send()
            .unwrap();
        assert_eq!(r.status(), 304);
        // Percent-encoded digests name the same blob.
        let encoded = digest.replace(':', "%3A");
        assert_eq!(download(&app, None, &encoded, None).status(), 200);
    }
}

#[test]
fn uploads_need_a_member_and_the_declared_digest_and_keep_nothing_otherwise() {
    for app in every_backend() {
        let liaison = app.token("afghanistan.liaison");
        let content = b"a photograph, supposedly".to_vec();
        let digest = BlobDigest::of(&content).to_string();
        let other = BlobDigest::of(b"something else").to_string();

        let detail = problem(upload(&app, None, &digest, &content), 401);
        assert!(detail.contains("sign in"), "{detail}");
        assert_eq!(
            upload(&app, Some("not-a-token"), &digest, &content).status(),
            401
        );

        // Declared one digest, sent other bytes: refused, saying both, nothing stored.
        let r = upload(&app, Some(&liaison), &other, &content);
        let detail = problem(r, 422);
        assert!(detail.contains(&digest), "{detail}");
        assert!(detail.contains(&other), "{detail}");
        assert!(detail.contains("nothing was stored"), "{detail}");
        // Neither blob is there: the right upload is new.
        describe(
            &app,
            "afghanistan.liaison",
            b"something else",
            "image/png",
            None,
            "public",
        );
        let detail = problem(download(&app, None, &other, None), 404);
        assert!(detail.contains("has not been uploaded"), "{detail}");
        assert_eq!(
            upload(&app, Some(&liaison), &digest, &content).status(),
            201
        );

        // Malformed or missing digests.
        for query in [
            "",
            "?digest=sha256:abc",
            "?digest=md5:0123",
            "?digest=sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
        ] {
            let r = app
                .http
                .post(app.url(&format!("/api/v1/evidence{query}")))
                .bearer_auth(&liaison)
                .body(content.clone())
                .send()
                .unwrap();
            problem(r, 400);
        }
        problem(download(&app, None, "sha256:nothex", None), 400);
        // A well-formed digest nobody uploaded or described.
        let nobody = format!("sha256:{}", "0".repeat(64));
        problem(download(&app, None, &nobody, None), 404);
    }
}

#[test]
fn single_byte_ranges_are_served_partially_and_others_whole() {
    for app in every_backend() {
        let member = app.token("qatar.mediator");
        let content = bytes(1000, 3);
        let digest = BlobDigest::of(&content).to_string();
        assert_eq!(upload(&app, Some(&member), &digest, &content).status(), 201);
        describe(
            &app,
            "qatar.mediator",
            &content,
            "application/pdf",
            Some("report.pdf"),
            "public",
        );

        for (range, first, last) in [
            ("bytes=0-9", 0, 9),
            ("bytes=990-", 990, 999),
            ("bytes=-5", 995, 999),
            ("bytes=995-5000", 995, 999),
            ("bytes=-5000", 0, 999),
            ("bytes=500-500", 500, 500),
        ] {
            let r = download(&app, None, &digest, Some(range));
            assert_eq!(r.status(), 206, "{range}");
            assert_eq!(
                header(&r, "content-range"),
                format!("bytes {first}-{last}/1000"),
                "{range}"
            );
            assert_eq!(header(&r, "content-length"), (last - first + 1).to_string());
            assert_eq!(header(&r, "content-type"), "application/pdf");
            assert_eq!(header(&r, "etag"), format!("\"{digest}\""));
            assert_eq!(
                r.bytes().unwrap().as_ref(),
                &content[first..=last],
                "{range}"
            );
        }
        for range in ["bytes=1000-", "bytes=5000-6000", "bytes=-0"] {
            let r = download(&app, None, &digest, Some(range));
            assert_eq!(header(&r, "content-range"), "bytes */1000");
            problem(r, 416);
        }
        // Malformed, several ranges or another unit: the whole blob.
        for range in ["bytes=9-2", "bytes=0-1,5-6", "lines=0-1", "bytes=x-"] {
            let r = download(&app, None, &digest, Some(range));
            assert_eq!(r.status(), 200, "{range}");
            assert_eq!(r.bytes().unwrap().as_ref(), content.as_slice());
        }
        // If-Range: a range of this version only.
        let r = app
            .http
            .get(app.url(&format!("/api/v1/evidence/{digest}")))
            .header("range", "bytes=0-9")
            .header("if-range", "\"sha256:0000\"")
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = app
            .http
            .get(app.url(&format!("/api/v1/evidence/{digest}")))
            .header("range", "bytes=0-9")
            .header("if-range", format!("\"{digest}\""))
            .send()
            .unwrap();
        assert_eq!(r.status(), 206);
    }
}

#[test]
fn restricted_evidence_is_served_only_to_those_it_names_and_only_with_a_signed_trace() {
    for app in every_backend() {
        let evidence = scenario_evidence(&app);
        let find = |name: &str| evidence.iter().find(|e| e.0 == name).unwrap().clone();
        let tokens: std::collections::HashMap<&str, String> = [
            "pakistan.liaison",
            "afghanistan.liaison",
            "turkiye.host",
            "qatar.mediator",
            "qatar.analyst",
        ]
        .into_iter()
        .map(|m| (m, app.token(m)))
        .collect();
        let get = |member: Option<&str>, digest: &str| {
            download(&app, member.map(|m| tokens[m].as_str()), digest, None)
        };
        let served = |member: Option<&str>, digest: &str, content: &[u8]| {
            let r = get(member, digest);
            assert_eq!(r.status(), 200, "{member:?} reads {digest}");
            assert_eq!(header(&r, "cache-control"), "private, no-store");
            r.bytes().unwrap().as_ref() == content
        };
        let refused =
            |member: Option<&str>, digest: &str, status: u16| problem(get(member, digest), status);

        // Shared with the parties and mediators (filed by Pakistan).
        let (_, photos, photos_hash, photos_bytes) = find("kurram-infiltration.png");
        let detail = refused(None, &photos, 401);
        assert!(detail.contains("sign in"), "{detail}");
        for member in ["afghanistan.liaison", "turkiye.host", "pakistan.liaison"] {
            let detail = refused(Some(member), &photos, 403);
            assert!(detail.contains("evidence.access"), "{detail}");
            assert!(detail.contains(member), "{detail}");
        }
        // The other party opens it: a signed record first, then the bytes.
        assert_eq!(open(&app, "afghanistan.liaison", photos_hash).status(), 201);
        assert!(served(Some("afghanistan.liaison"), &photos, &photos_bytes));
        let r = get(Some("afghanistan.liaison"), &photos);
        assert_eq!(header(&r, "content-type"), "image/png");
        assert_eq!(
            header(&r, "content-disposition"),
            "inline; filename=\"kurram-infiltration.png\""
        );
        // One member's trace opens nothing for another, nor other evidence.
        refused(Some("turkiye.host"), &photos, 403);
        let (_, leadership, leadership_hash, leadership_bytes) = find("leadership-structures.pdf");
        refused(Some("afghanistan.liaison"), &leadership, 403);
        assert_eq!(
            open(&app, "afghanistan.liaison", leadership_hash).status(),
            201
        );
        assert!(served(
            Some("afghanistan.liaison"),
            &leadership,
            &leadership_bytes
        ));
        // The filing side leaves a trace too.
        refused(Some("pakistan.liaison"), &photos, 403);
        assert_eq!(open(&app, "pakistan.liaison", photos_hash).status(), 201);
        assert!(served(Some("pakistan.liaison"), &photos, &photos_bytes));

        // For the mediators and the filing participant only.
        let (_, identities, identities_hash, identities_bytes) = find("captured-militants.pdf");
        refused(None, &identities, 401);
        let detail = refused(Some("afghanistan.liaison"), &identities, 403);
        assert!(detail.contains("mediators and pakistan"), "{detail}");
        // ... and the log refuses the other party's evidence.access as well.
        assert_eq!(
            open(&app, "afghanistan.liaison", identities_hash).status(),
            422
        );
        refused(Some("afghanistan.liaison"), &identities, 403);
        // The scenario's Qatari mediator filed its evidence.access; its colleague has not.
        assert!(served(
            Some("qatar.mediator"),
            &identities,
            &identities_bytes
        ));
        refused(Some("qatar.analyst"), &identities, 403);
        refused(Some("turkiye.host"), &identities, 403);
        assert_eq!(open(&app, "turkiye.host", identities_hash).status(), 201);
        assert!(served(Some("turkiye.host"), &identities, &identities_bytes));
        refused(Some("pakistan.liaison"), &identities, 403);
        assert_eq!(
            open(&app, "pakistan.liaison", identities_hash).status(),
            201
        );
        assert!(served(
            Some("pakistan.liaison"),
            &identities,
            &identities_bytes
        ));

        // Public evidence: anyone, no trace needed.
        let public = bytes(4096, 11);
        let digest = BlobDigest::of(&public).to_string();
        assert_eq!(
            upload(&app, Some(&tokens["turkiye.host"]), &digest, &public).status(),
            201
        );
        describe(&app, "turkiye.host", &public, "image/jpeg", None, "public");
        for member in [None, Some("afghanistan.liaison"), Some("qatar.analyst")] {
            let r = get(member, &digest);
            assert_eq!(r.status(), 200);
            assert!(header(&r, "cache-control").starts_with("public"));
            assert!(r.headers().get("content-disposition").is_none());
            assert_eq!(r.bytes().unwrap().as_ref(), public.as_slice());
        }
        // Public evidence declared as a page or a script is served as bytes
        // to save, never as a page or script of this origin.
        for declared in ["text/html", "text/javascript", "image/svg+xml"] {
            let content = format!("<script>/* {declared} */</script>").into_bytes();
            let digest = BlobDigest::of(&content).to_string();
            assert_eq!(
                upload(&app, Some(&tokens["turkiye.host"]), &digest, &content).status(),
                201
            );
            describe(&app, "turkiye.host", &content, declared, None, "public");
            let r = get(None, &digest);
            assert_eq!(r.status(), 200, "{declared}");
            assert_eq!(
                header(&r, "content-type"),
                "application/octet-stream",
                "{declared}"
            );
            assert_eq!(
                header(&r, "content-disposition"),
                "attachment",
                "{declared}"
            );
            assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        }
        // A later record cannot widen access to bytes filed restricted before.
        describe(
            &app,
            "turkiye.host",
            &identities_bytes,
            "text/html",
            None,
            "public",
        );
        refused(None, &identities, 401);
        let r = get(Some("qatar.mediator"), &identities);
        assert_eq!(header(&r, "content-type"), "application/pdf");
    }
}

#[test]
fn a_blob_altered_on_disk_is_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let blob_dir = dir.path().join("blobs");
    let store: Arc<dyn Store> =
        Arc::new(truce_store_sqlite::SqliteStore::open(dir.path().join("truce.db")).unwrap());
    let (log, scenario) = build_scenario(&store);
    let app = spawn_on(dir, store, log, scenario);
    let path = |digest: &str| {
        let hex = digest.strip_prefix("sha256:").unwrap();
        blob_dir.join(&hex[..2]).join(hex)
    };
    let tamper = |digest: &str| {
        let mut content = std::fs::read(path(digest)).unwrap();
        content[0] ^= 0xff;
        std::fs::write(path(digest), content).unwrap();
    };

    // Served once (and remembered as checked), then altered in place, same length.
    let member = app.token("turkiye.host");
    let content = bytes(200_000, 5);
    let digest = BlobDigest::of(&content).to_string();
    assert_eq!(upload(&app, Some(&member), &digest, &content).status(), 201);
    describe(
        &app,
        "turkiye.host",
        &content,
        "image/png",
        Some("x.png"),
        "public",
    );
    assert_eq!(download(&app, None, &digest, None).status(), 200);
    // File times have a coarse clock: let it move on before the change.
    std::thread::sleep(std::time::Duration::from_millis(50));
    tamper(&digest);
    for range in [None, Some("bytes=0-9")] {
        let detail = problem(download(&app, None, &digest, range), 500);
        assert!(
            detail.contains("the stored blob does not match its digest"),
            "{detail}"
        );
    }
    // Uploading the right bytes again repairs it.
    assert_eq!(upload(&app, Some(&member), &digest, &content).status(), 200);
    let r = download(&app, None, &digest, None);
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().unwrap().as_ref(), content.as_slice());

    // The scenario's restricted evidence, altered before anyone read it.
    let evidence = scenario_evidence(&app);
    let (_, identities, _, _) = evidence
        .iter()
        .find(|e| e.0 == "captured-militants.pdf")
        .unwrap();
    tamper(identities);
    let mediator = app.token("qatar.mediator");
    let detail = problem(download(&app, Some(&mediator), identities, None), 500);
    assert!(detail.contains("does not match its digest"), "{detail}");
}
