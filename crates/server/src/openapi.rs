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
to do. Anything the API asserts can be checked offline with `truce verify`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(crate::routes::transparency::tile),
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
    modifiers(&BearerAndProblems),
)]
pub struct ApiDoc;

/// Declares the bearer scheme, and gives every operation the problem+json
/// answers every route can give (4XX for the request, 5XX for the server),
/// so each path lists only the statuses particular to it.
struct BearerAndProblems;

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
        for item in doc.paths.paths.values_mut() {
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
                for (status, what) in [
                    ("4XX", "The request cannot be served as it is: see `detail`"),
                    (
                        "5XX",
                        "The server could not serve the request: see `detail`",
                    ),
                ] {
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
