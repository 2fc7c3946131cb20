//! A token lasts only as long as its member stands: a signed `member.revoke`
//! or `member.rotate_key` ends it on every path it opened, at once — also
//! when the record went in through another server on the same database.

use crate::support::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use truce_core::Kind;
use truce_core::kinds::common::BlobDigest;
use truce_tlog::note::NoteSigner;

/// Every request a token opens, as `member` would make it: reading a record
/// with its confidential part (by index, by hash, in a page), reading a case,
/// uploading evidence and downloading restricted evidence.
struct Paths {
    confidential_index: u64,
    confidential_hash: String,
    incident: u64,
    restricted_digest: String,
}

impl Paths {
    /// Finds, in the scenario, what `member`'s participant may read and
    /// files the `evidence.access` that opens restricted evidence to it.
    fn for_member(app: &App, member: &str, participant: &str) -> Paths {
        let page = app.get_json("/api/v1/records?limit=1000");
        let records = page["records"].as_array().unwrap();
        let confidential = records
            .iter()
            .find(|r| {
                let env = &r["record"]["envelope"];
                let readers = env["confidential"]["readers"].as_array();
                let side = app.get_json(&format!(
                    "/api/v1/members/{}",
                    env["author"].as_str().unwrap()
                ))["participant"]
                    .clone();
                readers.is_some_and(|rs| rs.iter().any(|p| p == participant) || side == participant)
            })
            .expect("the scenario has a confidential part this participant reads");
        let incident = records
            .iter()
            .find(|r| r["record"]["envelope"]["kind"] == "incident.report")
            .unwrap()["index"]
            .as_u64()
            .unwrap();
        // Evidence shared with the parties and mediators, opened by a signed trace.
        let (evidence_hash, digest) = records
            .iter()
            .find(|r| {
                let body = &r["record"]["envelope"]["body"];
                r["record"]["envelope"]["kind"] == "evidence.submit"
                    && body["confidentiality"] == "participants"
            })
            .map(|r| {
                (
                    r["leaf_hash"].clone(),
                    r["record"]["envelope"]["body"]["digest"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .unwrap();
        let access = app.sign(
            member,
            Kind::EvidenceAccess,
            json!({"evidence": evidence_hash, "purpose": "Examination (test)"}),
        );
        assert_eq!(app.post_record(&access).status(), 201);
        let hash: truce_core::Hash =
            serde_json::from_value(confidential["leaf_hash"].clone()).unwrap();
        Paths {
            confidential_index: confidential["index"].as_u64().unwrap(),
            confidential_hash: URL_SAFE_NO_PAD.encode(hash.0),
            incident,
            restricted_digest: digest,
        }
    }

    /// Each path's answer to `token`, named.
    fn answers(&self, app: &App, token: &str, upload_seed: u8) -> Vec<(&'static str, Response)> {
        let get = |path: String| {
            app.http
                .get(app.url(&path))
                .bearer_auth(token)
                .send()
                .unwrap()
        };
        let upload = vec![upload_seed; 2048];
        vec![
            (
                "record by index",
                get(format!("/api/v1/records/{}", self.confidential_index)),
            ),
            (
                "record by hash",
                get(format!(
                    "/api/v1/records/by-hash/{}",
                    self.confidential_hash
                )),
            ),
            (
                "page of records",
                get(format!(
                    "/api/v1/records?start={}&limit=1",
                    self.confidential_index
                )),
            ),
            ("case", get(format!("/api/v1/incidents/{}", self.incident))),
            (
                "evidence download",
                get(format!("/api/v1/evidence/{}", self.restricted_digest)),
            ),
            (
                "evidence upload",
                app.http
                    .post(app.url(&format!(
                        "/api/v1/evidence?digest={}",
                        BlobDigest::of(&upload)
                    )))
                    .bearer_auth(token)
                    .header("content-type", "application/octet-stream")
                    .body(upload)
                    .send()
                    .unwrap(),
            ),
        ]
    }

    fn assert_open(&self, app: &App, token: &str, seed: u8) {
        for (path, r) in self.answers(app, token, seed) {
            let status = r.status().as_u16();
            assert!(status == 200 || status == 201, "{path}: {status}");
            let record = match path {
                "record by index" | "record by hash" => r.json::<Value>().unwrap(),
                "page of records" => r.json::<Value>().unwrap()["records"][0].clone(),
                _ => continue,
            };
            assert!(record.get("confidential").is_some(), "{path}: {record}");
        }
    }

    fn assert_refused(&self, app: &App, token: &str, seed: u8, why: &str) {
        for (path, r) in self.answers(app, token, seed) {
            assert_eq!(r.status(), 401, "{path}");
            assert_eq!(
                r.headers()["content-type"],
                "application/problem+json",
                "{path}"
            );
            let detail = r.json::<Value>().unwrap()["detail"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(detail.contains(why), "{path}: {detail}");
        }
    }
}

fn revoke(app: &App, admin: &str, member: &str) {
    let record = app.sign(
        admin,
        Kind::MemberRevoke,
        json!({"member": member, "reason": "The liaison's device was lost (test)."}),
    );
    let r = app.post_record(&record);
    assert_eq!(r.status(), 201, "{}", r.text().unwrap());
}

#[test]
fn a_revoked_members_token_is_refused_on_every_path_from_the_moment_of_revocation() {
    for app in every_backend() {
        let token = app.token("pakistan.liaison");
        let paths = Paths::for_member(&app, "pakistan.liaison", "pakistan");
        paths.assert_open(&app, &token, 1);

        revoke(&app, "pakistan.head", "pakistan.liaison");
        paths.assert_refused(&app, &token, 2, "revoked");
        // Nor can the member sign in again, and the token stays refused.
        let challenge = app
            .http
            .post(app.url("/api/v1/auth/challenge"))
            .json(&json!({"member": "pakistan.liaison"}))
            .send()
            .unwrap();
        assert_eq!(challenge.status(), 401);
        paths.assert_refused(&app, &token, 3, "revoked");
        // Other members' tokens are untouched.
        let other = app.token("afghanistan.liaison");
        assert_eq!(
            app.http
                .get(app.url(&format!("/api/v1/incidents/{}", paths.incident)))
                .bearer_auth(&other)
                .send()
                .unwrap()
                .status(),
            200
        );
    }
}

#[test]
fn a_token_ends_with_the_key_it_signed_in_with() {
    for app in every_backend() {
        let token = app.token("qatar.analyst");
        let paths = Paths::for_member(&app, "qatar.analyst", "qatar");
        paths.assert_open(&app, &token, 4);

        let mut rng = rand::thread_rng();
        let new_key = NoteSigner::generate("qatar.analyst", &mut rng).unwrap();
        let rotate = app.sign(
            "qatar.mediator",
            Kind::KeyRotate,
            json!({"member": "qatar.analyst", "new_key": new_key.verifier().vkey()}),
        );
        assert_eq!(app.post_record(&rotate).status(), 201);
        paths.assert_refused(&app, &token, 5, "rotated");

        // Signing in again with the new key opens the same paths.
        let fresh: Value = app
            .sign_in_as("qatar.analyst", new_key.signing_key())
            .json()
            .unwrap();
        let fresh = fresh["token"].as_str().unwrap();
        let r = app
            .http
            .get(app.url(&format!("/api/v1/records/{}", paths.confidential_index)))
            .bearer_auth(fresh)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.json::<Value>().unwrap().get("confidential").is_some());
    }
}

#[test]
fn a_revocation_through_another_server_on_the_same_database_counts_at_once() {
    let (here, there, _db) = two_servers_on_one_database();
    let token = here.token("afghanistan.liaison");
    let case = |app: &App| {
        app.http
            .get(app.url("/api/v1/records/0"))
            .bearer_auth(&token)
            .send()
            .unwrap()
    };
    assert_eq!(case(&here).status(), 200);
    revoke(&there, "afghanistan.head", "afghanistan.liaison");
    let r = case(&here);
    assert_eq!(r.status(), 401);
    assert!(
        r.json::<Value>().unwrap()["detail"]
            .as_str()
            .unwrap()
            .contains("revoked")
    );
}
