//! The API's OpenAPI 3.1 document. Paths and schemas come from the handlers'
//! `#[utoipa::path]` attributes and the types' `ToSchema` derives, and the
//! router is built from the same handlers (`utoipa_axum::routes!`), so a
//! route cannot exist undocumented; a snapshot test keeps the published
//! document from changing unnoticed.

use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Truce",
        description = "The shared record of a ceasefire verification mechanism: incidents, \
claims and answers, evidence, findings, commitments and draft agreements, every entry \
signed by its author and held in a Merkle transparency log.\n\n\
Reads are open to every participant; observers and anonymous callers see only what is \
published, and confidential parts only reach the author's side and the readers a record \
names. Writes are signed records (`POST /api/v1/records`); the server holds no member's \
private key. Sign in with `/api/v1/auth/challenge` then `/api/v1/auth/token` and send \
`Authorization: Bearer <token>`.\n\n\
Errors are RFC 9457 problem details (`application/problem+json`) whose `detail` says what \
to do. Their `title` and `detail` are written in the language `Accept-Language` prefers among \
English, Arabic, Urdu, Pashto, Dari (`prs`, `fa`) and Turkish (`Content-Language` says which); \
`type`, `code` and `status` are the same in every language. Anything the API asserts can be checked offline with `truce verify`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(crate::error::Problem)),
    tags(
        (name = "records", description = "Submit signed records of every kind; read them back."),
        (name = "transparency", description = "The signed checkpoint, C2SP tiles, RFC 9162 proofs and offline-verifiable bundles."),
        (name = "auth", description = "Sign in by signing a challenge with the member's key."),
        (name = "incidents", description = "Incident reports, their cases, and statistics."),
        (name = "agreements", description = "Draft agreements clause by clause; commitments and compliance."),
        (name = "channel", description = "The hotline between the parties, with receipts."),
        (name = "evidence", description = "Evidence files by content digest, streamed."),
        (name = "members", description = "Participants, members and their keys."),
    ),
)]
pub struct ApiDoc;

/// Declares the bearer scheme, and gives every operation each problem+json
/// answer its shape can produce, by status, so that a client (or a fuzzer
/// checking conformance) finds every status it may meet listed: 400 for
/// malformed parameters or bodies, 401 where a token is read, 404 where a
/// path names something or a moment is asked for, 408 past the request time limit (evidence is
/// exempt), 413 and 415 for bodies, 429 past the rate limit, 500 and 503.
/// What is particular to a route (403, 409, 416, 422) its handler lists.
///
/// Applied to the finished document (`routes::split`): the router adds the
/// handlers' paths after the derive's own modifiers have run.
pub(crate) struct BearerAndProblems;

/// Why each shared status is answered.
const SHARED: [(&str, &str); 9] = [
    (
        "400",
        "The request is malformed (a parameter or the body): see `detail`",
    ),
    (
        "401",
        "The bearer token is malformed, unknown, expired, or its member no longer stands",
    ),
    (
        "404",
        "Nothing is at this path, or the moment asked for (`at`, `size`) is outside the log",
    ),
    (
        "408",
        "The request took longer than the server's time limit",
    ),
    ("413", "The body is larger than this endpoint takes"),
    (
        "415",
        "The body's Content-Type is not one this endpoint reads",
    ),
    ("429", "Too many requests from this caller; slow down"),
    (
        "500",
        "The server could not serve the request: see `detail`",
    ),
    (
        "503",
        "The log cannot serve the request right now; try again",
    ),
];

impl Modify for BearerAndProblems {
    fn modify(&self, doc: &mut Document) {
        let problem = || {
            Content::builder()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build()
        };
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "A token from POST /api/v1/auth/token, valid for a few hours.",
                        ))
                        .build(),
                ),
            );
        }
        for (path, item) in doc.paths.paths.iter_mut() {
            let names_something = path.contains('{');
            let streamed = path.starts_with("/api/v1/evidence");
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                // A view asked for a moment the log does not hold (a size past
                // its end, a time before the charter or after the server's
                // clock) answers 404.
                let names_a_moment = operation
                    .parameters
                    .as_ref()
                    .is_some_and(|p| p.iter().any(|p| p.name == "size" || p.name == "at"));
                let body = operation.request_body.as_ref();
                let json_body = body.is_some_and(|b| b.content.contains_key("application/json"));
                // A requirement keeps its scheme names private; its JSON names them.
                let reads_token = operation.security.as_ref().is_some_and(|s| {
                    serde_json::to_value(s)
                        .map(|v| v.to_string().contains("bearer"))
                        .unwrap_or(false)
                });
                let applies = |status: &str| match status {
                    "400" => has_parameters || body.is_some(),
                    "401" => reads_token,
                    "404" => names_something || names_a_moment,
                    "408" => !streamed,
                    "413" => body.is_some(),
                    "415" => json_body,
                    _ => true,
                };
                for (status, what) in SHARED {
                    if !applies(status) {
                        continue;
                    }
                    operation
                        .responses
                        .responses
                        .entry(status.into())
                        .or_insert(
                            ResponseBuilder::new()
                                .description(what)
                                .content("application/problem+json", problem())
                                .into(),
                        );
                }
            }
        }
    }
}
