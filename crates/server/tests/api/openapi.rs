//! The OpenAPI document: committed as a snapshot, served as it is generated,
//! and true to what the server answers — every JSON response of every
//! documented read, and of the writes a client makes, is validated against
//! the schema the document gives for it.

use crate::support::*;
use serde_json::{Value, json};

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");

fn generated() -> String {
    truce_server::openapi_document().to_pretty_json().unwrap() + "\n"
}

#[test]
fn the_document_is_the_committed_snapshot() {
    let generated = generated();
    if std::env::var_os("TRUCE_UPDATE_OPENAPI").is_some() {
        std::fs::write(SNAPSHOT, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        generated == committed,
        "the API document no longer matches crates/server/openapi.json: if the change is \
         meant, run `TRUCE_UPDATE_OPENAPI=1 cargo test -p truce-server --test api openapi` \
         and review the diff"
    );
    let doc: Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

#[test]
fn the_document_lists_every_rule_code_and_no_other() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let listed: Vec<&str> = doc["components"]["schemas"]["RuleCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(listed, truce_core::RuleViolation::CODES);
    // The problem's `code` is documented as one of them.
    let code = &doc["components"]["schemas"]["Problem"]["properties"]["code"];
    assert!(
        code.to_string().contains("#/components/schemas/RuleCode"),
        "{code}"
    );
}

#[test]
fn the_server_serves_the_document_and_its_viewer_from_its_own_origin() {
    let app = spawn_app();
    let served = app.get("/api/v1/openapi.json");
    assert_eq!(served.status(), 200);
    let served: Value = served.json().unwrap();
    let expected: Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(served, expected);

    let page = app.get("/api/v1/docs");
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let html = page.text().unwrap();
    // Every script and stylesheet the viewer loads comes from this server.
    let mut loaded = 0;
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let url = part.split('"').next().unwrap();
            assert!(url.starts_with('/'), "{url} is not on this origin");
            let asset = app.get(url);
            assert_eq!(asset.status(), 200, "{url}");
            assert!(!asset.bytes().unwrap().is_empty(), "{url}");
            loaded += 1;
        }
    }
    assert!(loaded >= 4, "the viewer's scripts and styles: {loaded}");
    assert_eq!(app.get("/assets/../Cargo.toml").status(), 404);
    assert_eq!(app.get("/assets/no-such-file.js").status(), 404);
}

/// A validator for the schema `schema` (inline or a `$ref`), resolving its
/// references against the document's components.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = schema.clone();
    let object = root.as_object_mut().unwrap();
    object.insert("components".into(), doc["components"].clone());
    jsonschema::draft202012::new(&root).unwrap()
}

fn check(doc: &Value, what: &str, schema: &Value, instance: &Value) {
    let validator = validator(doc, schema);
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match its schema: {errors:#?}"
    );
}

fn json_schema<'a>(doc: &'a Value, path: &str, method: &str, status: &str) -> Option<&'a Value> {
    let schema =
        &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
    (!schema.is_null()).then_some(schema)
}

/// Uploads a small public evidence file and files its record; its digest.
fn public_evidence(app: &App, token: &str) -> String {
    let content = b"\x89PNG\r\n\x1a\nevidence for the document's reads";
    let digest = truce_core::kinds::common::BlobDigest::of(content).to_string();
    let stored = app
        .http
        .post(app.url(&format!("/api/v1/evidence?digest={digest}")))
        .bearer_auth(token)
        .body(content.to_vec())
        .send()
        .unwrap();
    assert_eq!(stored.status(), 201);
    let record = app.sign(
        "pakistan.liaison",
        truce_core::Kind::EvidenceSubmit,
        serde_json::json!({"digest": digest, "media_type": "image/png", "size": content.len(),
            "description": "Test evidence.", "confidentiality": "public"}),
    );
    assert_eq!(app.post_record(&record).status(), 201);
    digest
}

#[test]
fn every_documented_read_answers_as_documented() {
    let app = spawn_app();
    let doc: Value = app.get_json("/api/v1/openapi.json");
    let token = app.token("pakistan.liaison");

    // A real value for every path parameter, taken from the scenario.
    let incident = app.get_json("/api/v1/incidents?limit=1")["items"][0]["index"]
        .as_u64()
        .unwrap();
    let draft = app.get_json("/api/v1/drafts")["drafts"][0]["versions"][0]["index"]
        .as_u64()
        .unwrap();
    let record = app.get_json("/api/v1/records/1");
    let hash = {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(record["leaf_hash"].as_str().unwrap())
            .unwrap();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    // The served checkpoint's size: one the log certainly signed.
    let checkpointed = app.checkpoint_size().to_string();
    // Public evidence, for the reads of an evidence file's metadata.
    let evidence = public_evidence(&app, &token);
    let fill = |path: &str| -> String {
        let concrete = path
            .replace(
                "/api/v1/incidents/{index}",
                &format!("/api/v1/incidents/{incident}"),
            )
            .replace("/api/v1/drafts/{index}", &format!("/api/v1/drafts/{draft}"))
            .replace("{index}", "1")
            .replace("{hash}", &hash)
            .replace("{size}", &checkpointed)
            .replace("{id}", "pakistan.liaison")
            .replace("{digest}", &evidence);
        // Required query parameters.
        match path {
            "/api/v1/proof/inclusion" => concrete + "?index=1",
            "/api/v1/proof/consistency" => concrete + "?from=10",
            "/api/v1/checkpoints" => concrete + "?at_most=1000",
            _ => concrete,
        }
    };

    let mut checked = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let Some(schema) = json_schema(&doc, path, "get", "200") else {
            // Binary answers (the checkpoint note, tiles, evidence) are tested
            // byte for byte in their own modules.
            continue;
        };
        let url = fill(path);
        assert!(!url.contains('{'), "no value for a parameter of {path}");
        if path == "/api/v1/demo/members" {
            // This server is no demo: the document says so with a 404.
            assert_eq!(app.get(&url).status(), 404);
            assert!(doc["paths"][path]["get"]["responses"]["404"].is_object());
            continue;
        }
        for caller in [None, Some(&token)] {
            let mut request = app.http.get(app.url(&url));
            if let Some(token) = caller {
                request = request.bearer_auth(token);
            }
            let response = request.send().unwrap();
            assert_eq!(response.status(), 200, "GET {url}");
            let body: Value = response.json().unwrap();
            check(&doc, &format!("GET {url}"), schema, &body);
        }
        checked.push(path.clone());
    }
    assert!(checked.len() >= 16, "reads checked: {checked:?}");

    // Errors are problem+json as the document says.
    let missing = app.get("/api/v1/records/999999");
    assert_eq!(missing.status(), 404);
    let problem: Value = missing.json().unwrap();
    check(
        &doc,
        "a 404",
        &json!({"$ref": "#/components/schemas/Problem"}),
        &problem,
    );
}

#[test]
fn writes_answer_as_documented() {
    let app = spawn_app();
    let doc: Value = app.get_json("/api/v1/openapi.json");

    let challenge: Value = app
        .http
        .post(app.url("/api/v1/auth/challenge"))
        .json(&json!({"member": "afghanistan.liaison"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let schema = json_schema(&doc, "/api/v1/auth/challenge", "post", "200").unwrap();
    check(&doc, "a challenge", schema, &challenge);

    let token = app.sign_in("afghanistan.liaison");
    assert_eq!(token.status(), 200);
    let schema = json_schema(&doc, "/api/v1/auth/token", "post", "200").unwrap();
    check(&doc, "a token", schema, &token.json().unwrap());

    // The record a client sends is what the document describes…
    let record = app.sign(
        "afghanistan.liaison",
        truce_core::Kind::IncidentReport,
        a_report("pakistan"),
    );
    let sent: Value = serde_json::from_slice(record.leaf()).unwrap();
    let request = &doc["paths"]["/api/v1/records"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    check(&doc, "a signed incident report", request, &sent);
    // …and so is the receipt.
    let receipt = app.post_record(&record);
    assert_eq!(receipt.status(), 201);
    let schema = json_schema(&doc, "/api/v1/records", "post", "201").unwrap();
    check(&doc, "a receipt", schema, &receipt.json().unwrap());
}

/// Every example the document gives for a query parameter — in its schema,
/// as its `example`, or in its description ("e.g. `…`", "like `…`") — and
/// every value of every enum a query parameter takes is accepted by the
/// server; and every example of a component schema parses as the type it
/// describes. A reader who copies the document gets an answer, not a 400.
#[test]
fn every_documented_example_and_enum_value_is_accepted() {
    let app = spawn_app();
    let doc: Value = app.get_json("/api/v1/openapi.json");
    let resolve = |schema: &Value| -> Value {
        match schema["$ref"].as_str() {
            Some(r) => {
                doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone()
            }
            None => schema.clone(),
        }
    };
    let quoted = |text: &str| -> Vec<String> {
        // Backticked values after "e.g." or "like".
        let mut out = Vec::new();
        for marker in ["e.g. `", "like `"] {
            let mut rest = text;
            while let Some(at) = rest.find(marker) {
                let after = &rest[at + marker.len()..];
                if let Some(end) = after.find('`') {
                    out.push(after[..end].to_owned());
                }
                rest = after;
            }
        }
        out
    };
    // Every value the document gives for a parameter: its example, its
    // schema's examples, the values its description quotes, its enum.
    let documented = |param: &Value| -> Vec<String> {
        let schema = resolve(&param["schema"]);
        let mut values: Vec<String> = Vec::new();
        if let Some(e) = param["example"].as_str() {
            values.push(e.to_owned());
        }
        for e in schema["examples"].as_array().into_iter().flatten() {
            values.push(e.as_str().map_or_else(|| e.to_string(), str::to_owned));
        }
        values.extend(quoted(param["description"].as_str().unwrap_or("")));
        let enums = if schema["type"] == "array" {
            resolve(&schema["items"])["enum"].clone()
        } else {
            schema["enum"].clone()
        };
        for v in enums.as_array().into_iter().flatten() {
            values.push(v.as_str().unwrap().to_owned());
        }
        values
    };
    let encode = |value: &str| -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z'
                | b'a'..=b'z'
                | b'0'..=b'9'
                | b'-'
                | b'_'
                | b'.'
                | b'~'
                | b','
                | b':' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    // Path parameters from the scenario: the oldest incident and the
    // draft, which the log held at every moment the examples name.
    let incidents = app.get_json("/api/v1/incidents?limit=500");
    let oldest_incident = incidents["items"].as_array().unwrap().last().unwrap()["index"]
        .as_u64()
        .unwrap();
    let draft = app.get_json("/api/v1/drafts")["drafts"][0]["versions"][0]["index"]
        .as_u64()
        .unwrap();
    let filled = |path: &str| -> String {
        path.replace(
            "/api/v1/incidents/{index}",
            &format!("/api/v1/incidents/{oldest_incident}"),
        )
        .replace("/api/v1/drafts/{index}", &format!("/api/v1/drafts/{draft}"))
    };
    let mut sent = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        for param in get["parameters"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap();
            let values = documented(param);
            if param["in"] == "path" {
                // A path example must be well formed: what it names may
                // be absent from this log (a tile beyond it: 404), but it
                // is never refused as malformed.
                for value in values {
                    let url = path.replace(&format!("{{{name}}}"), &value);
                    assert!(!url.contains('{'), "{path}: fill its other parameters");
                    let status = app.get(&url).status();
                    assert!(
                        status == 200 || status == 404,
                        "GET {url}: {status}, the example of {name}"
                    );
                    sent += 1;
                }
                continue;
            }
            if param["in"] != "query" {
                continue;
            }
            let concrete = filled(path);
            if !values.is_empty() {
                assert!(
                    !concrete.contains('{'),
                    "no value for a parameter of {path}"
                );
            }
            // Required partners, so that the parameter is judged alone.
            let base = match path.as_str() {
                "/api/v1/proof/inclusion" if name != "index" => "index=1&",
                "/api/v1/proof/consistency" if name != "from" => "from=10&",
                "/api/v1/reports" if name == "from" => "to=2025-11-01T00:00:00Z&",
                "/api/v1/reports" if name == "to" => "from=2025-10-20T00:00:00Z&",
                // A moment alone asks for the week up to it.
                "/api/v1/reports" if name == "at" => "",
                "/api/v1/reports" => "from=2025-10-25T00:00:00Z&to=2025-11-01T00:00:00Z&",
                _ => "",
            };
            for value in values {
                let url = format!("{concrete}?{base}{name}={}", encode(&value));
                let r = app.get(&url);
                assert_eq!(
                    r.status(),
                    200,
                    "GET {url}: {}",
                    r.text().unwrap_or_default()
                );
                sent += 1;
            }
        }
    }
    // The Range header's example, on a public evidence file: one range.
    let range = &doc["paths"]["/api/v1/evidence/{digest}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["in"] == "header" && p["name"] == "Range")
        .expect("the Range header is documented")
        .clone();
    let token = app.token("pakistan.liaison");
    let evidence = public_evidence(&app, &token);
    for value in documented(range) {
        let response = app
            .http
            .get(app.url(&format!("/api/v1/evidence/{evidence}")))
            .header("Range", &value)
            .send()
            .unwrap();
        assert_eq!(response.status(), 206, "Range: {value}");
        sent += 1;
    }
    assert!(sent >= 40, "{sent} documented values sent");

    // Component examples parse as their types.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        for e in schema["examples"].as_array().into_iter().flatten() {
            let text = e.as_str().unwrap();
            let ok = match name.as_str() {
                "Timestamp" => truce_core::values::Timestamp::parse(text).is_ok(),
                "Date" => truce_core::values::Date::parse(text).is_ok(),
                "Hash" => truce_core::Hash::from_base64(text).is_ok(),
                other => panic!("an example for {other}: add how to check it here"),
            };
            assert!(ok, "the {name} example {text:?} does not parse");
        }
    }
}
