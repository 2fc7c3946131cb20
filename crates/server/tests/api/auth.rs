use crate::support::*;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer;

#[test]
fn a_member_signs_a_challenge_for_a_token_and_a_forger_cannot() {
    for app in every_backend() {
        let ok = app.sign_in("qatar.mediator");
        assert_eq!(ok.status(), 200);
        let token: serde_json::Value = ok.json().unwrap();
        assert_eq!(token["participant"], "qatar");
        assert_eq!(token["role"], "mediator");

        // A signature by another member's key.
        let c: serde_json::Value = app
            .http
            .post(app.url("/api/v1/auth/challenge"))
            .json(&serde_json::json!({"member": "qatar.mediator"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let wrong = app
            .member("pakistan.liaison")
            .signer
            .signing_key()
            .sign(c["message"].as_str().unwrap().as_bytes());
        let body = serde_json::json!({"member": "qatar.mediator", "challenge": c["challenge"], "signature": STANDARD.encode(wrong.to_bytes())});
        let r = app
            .http
            .post(app.url("/api/v1/auth/token"))
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(r.status(), 401);
        // The challenge was used up by the failed attempt too.
        let r = app
            .http
            .post(app.url("/api/v1/auth/token"))
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(r.status(), 401);
        // Unknown members and garbage tokens.
        let r = app
            .http
            .post(app.url("/api/v1/auth/challenge"))
            .json(&serde_json::json!({"member": "nobody"}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 401);
        let r = app
            .http
            .get(app.url("/api/v1/records/0"))
            .bearer_auth("garbage")
            .send()
            .unwrap();
        assert_eq!(r.status(), 401);
        // A 401 names the scheme that would be accepted (RFC 9110 §11.6.1).
        assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"truce\"");
    }
}

#[test]
fn a_confidential_part_is_shown_only_to_its_author_and_named_readers() {
    for app in every_backend() {
        let (hash, _) = app.scenario.openings.first().unwrap();
        let index = app.get_json(&{
            use base64::engine::general_purpose::URL_SAFE_NO_PAD;
            format!("/api/v1/records/by-hash/{}", URL_SAFE_NO_PAD.encode(hash.0))
        })["index"]
            .as_u64()
            .unwrap();
        let read_as = |member: Option<&str>| -> serde_json::Value {
            let mut request = app.http.get(app.url(&format!("/api/v1/records/{index}")));
            if let Some(m) = member {
                let token: serde_json::Value = app.sign_in(m).json().unwrap();
                request = request.bearer_auth(token["token"].as_str().unwrap());
            }
            request.send().unwrap().json().unwrap()
        };
        let anonymous = read_as(None);
        let author = anonymous["record"]["envelope"]["author"]
            .as_str()
            .unwrap()
            .to_string();
        let side = app.get_json(&format!("/api/v1/members/{author}"))["participant"]
            .as_str()
            .unwrap()
            .to_string();
        let readers: Vec<String> = anonymous["record"]["envelope"]["confidential"]["readers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect();
        let member_of = |participant: &str| {
            app.scenario
                .members
                .iter()
                .find(|m| m.participant == participant)
                .unwrap()
                .member
                .clone()
        };
        let other = ["pakistan", "afghanistan"]
            .into_iter()
            .find(|p| *p != side && !readers.iter().any(|r| r == p))
            .unwrap();
        assert!(
            read_as(Some(&member_of(&side)))
                .get("confidential")
                .is_some(),
            "the author's side reads it"
        );
        assert!(
            read_as(Some(&member_of(&readers[0])))
                .get("confidential")
                .is_some(),
            "a named reader reads it"
        );
        assert!(
            read_as(Some(&member_of(other)))
                .get("confidential")
                .is_none(),
            "the other party does not"
        );
        assert!(anonymous.get("confidential").is_none());
        // Everyone sees that it exists: the digest is in the log.
        assert!(anonymous["record"]["envelope"]["confidential"]["digest"].is_string());
    }
}
