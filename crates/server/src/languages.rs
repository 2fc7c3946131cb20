//! Problems in the reader's language: the `title` and `detail` of every
//! `application/problem+json` answer are given in the interface language the
//! request's `Accept-Language` prefers (English, Arabic, Urdu, Pashto, Dari,
//! Turkish), with `Content-Language` saying which, and English for any other.
//!
//! The `type` URI and `code` stay as they are (clients dispatch on them). A
//! detail's sentence comes from the API's catalogs (`crates/server/i18n/`),
//! with the facts of the case filled in as they are (`error/detail.rs`).
//!
//! The rewrite is one middleware over every response, so problems raised
//! outside handlers (timeouts, rate limits, extractors' rejections) are
//! translated too: every problem carries its untranslated form in the
//! response's extensions, and the body is written again from it.

use crate::error::Untranslated;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use truce_i18n::Lang;

/// The language a request's `Accept-Language` prefers among ours.
pub fn of_request(headers: &axum::http::HeaderMap) -> Lang {
    Lang::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The middleware: problem answers in the negotiated language, with
/// `Content-Language` and `Vary: Accept-Language`.
pub async fn localize_problems(request: Request, next: Next) -> Response {
    let lang = of_request(request.headers());
    let mut response = next.run(request).await;
    let Some(untranslated) = response.extensions_mut().remove::<Untranslated>() else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-language"));
    parts.headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    if lang == Lang::En {
        return Response::from_parts(parts, body);
    }
    match serde_json::to_vec(&untranslated.in_language(lang)) {
        Ok(json) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(json))
        }
        // A problem always serialises; were it not to, the English stands.
        Err(_) => {
            parts
                .headers
                .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static("en"));
            Response::from_parts(parts, body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, MESSAGES, detail};
    use axum::response::IntoResponse;

    #[test]
    fn accept_language_picks_the_heaviest_of_ours() {
        let pick = |h: &str| Lang::negotiate(Some(h));
        assert_eq!(pick("ur"), Lang::Ur);
        assert_eq!(pick("ur-PK,ur;q=0.9,en;q=0.8"), Lang::Ur);
        assert_eq!(pick("de-DE, fr;q=0.9"), Lang::En);
        assert_eq!(pick("de, tr;q=0.5"), Lang::Tr);
        assert_eq!(pick("en;q=0.5, ps;q=0.8"), Lang::Ps);
        assert_eq!(pick("fa-AF"), Lang::Fa);
        assert_eq!(pick("prs, ar"), Lang::Fa);
        assert_eq!(pick("ar;q=0, tr"), Lang::Tr);
        assert_eq!(pick("AR-eg"), Lang::Ar);
        assert_eq!(pick("*"), Lang::En);
        assert_eq!(pick("ur;q=2"), Lang::En, "an invalid weight");
        assert_eq!(pick(""), Lang::En);
        assert_eq!(Lang::negotiate(None), Lang::En);
    }

    /// Every language says everything English says, with the same facts.
    #[test]
    fn every_message_is_in_every_language() {
        let gaps = MESSAGES.gaps();
        assert!(gaps.is_empty(), "{gaps:#?}");
    }

    /// Every problem type error.rs answers with has its title.
    #[test]
    fn every_problem_type_has_a_title() {
        let m = || detail!("log.empty");
        let errors = [
            ApiError::BadRequest(m()),
            ApiError::Unauthorized(m()),
            ApiError::Forbidden(m()),
            ApiError::NotFound(m()),
            ApiError::MethodNotAllowed(m()),
            ApiError::Conflict(m()),
            ApiError::Rejected(m()),
            ApiError::Contradictory(m()),
            ApiError::DigestMismatch(m()),
            ApiError::TooLarge(m()),
            ApiError::UnsupportedMediaType(m()),
            ApiError::TooManyRequests(m()),
            ApiError::Timeout(m()),
            ApiError::RangeNotSatisfiable { len: 1 },
            ApiError::Unavailable(m()),
            ApiError::EvidenceUnavailable(m()),
            ApiError::Indexing {
                indexed: 1,
                size: 2,
                retry_after_secs: 1,
            },
            ApiError::Internal(m()),
            ApiError::Rule(truce_core::RuleViolation::MessageToSelf),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for error in errors {
            let response = error.into_response();
            let untranslated = response.extensions().get::<Untranslated>().unwrap();
            let key = format!("title.{}", untranslated.slug);
            assert!(MESSAGES.has(&key), "{key}");
            seen.insert(key);
        }
        let listed: std::collections::BTreeSet<String> = MESSAGES
            .keys()
            .filter(|k| k.starts_with("title."))
            .map(str::to_owned)
            .collect();
        assert_eq!(seen, listed, "a title no problem uses");
    }

    /// Every rule of the core has its sentence.
    #[test]
    fn every_rule_has_a_sentence() {
        for code in truce_core::RuleViolation::CODES {
            assert!(MESSAGES.has(&format!("rule.{code}")), "rule.{code}");
        }
    }

    #[test]
    fn a_detail_is_written_in_the_readers_language_with_its_facts_as_they_are() {
        let error = ApiError::NotFound(detail!("record.not_in_log", index = 12));
        let problem = error.problem_in(Lang::Ur);
        assert_eq!(problem.title, "نہیں ملا");
        assert!(problem.detail.contains("12"), "{}", problem.detail);
        assert_ne!(problem.detail, error.problem().detail);
        assert_eq!(error.problem().detail, "record 12 is not in the log");
        // Numbers in the language's digits, as the UI writes them (Dari's
        // and Pashto's Extended Arabic-Indic; CLDR's Arabic keeps Latin).
        let dari = error.problem_in(Lang::Fa).detail;
        assert!(dari.contains("۱۲") && !dari.contains("12"), "{dari}");
        assert!(error.problem_in(Lang::Ar).detail.contains("12"));

        // The core's refusals too, with an English phrase of the core's
        // translated and a name left as it is.
        let refused = ApiError::Rule(truce_core::RuleViolation::NotAParty {
            field: "the accused",
            participant: "tr".parse().unwrap(),
            role: truce_core::kinds::charter::Role::Mediator,
        });
        assert_eq!(
            refused.problem().detail,
            "the accused must be a party; tr is a Mediator"
        );
        let arabic = refused.problem_in(Lang::Ar).detail;
        assert!(arabic.contains("tr"), "{arabic}");
        assert!(!arabic.contains("the accused"), "{arabic}");
        assert!(!arabic.contains("Mediator"), "{arabic}");
    }
}
