//! OpenAPI schemas for the value types whose JSON shape is written by hand
//! (bounded text and lists, slugs, timestamps), and `string` for the kinds'
//! own string-shaped values (a key, a digest), whose schemas sit beside
//! them. Only compiled with the `openapi` feature, which the server turns on
//! for its API document; the limits stated here are the same constants the
//! parsers enforce.

use super::ids::{ClauseId, MemberId, ParticipantId, Tag};
use super::text::{Bounded, Text};
use super::time::{Date, Timestamp};
use std::borrow::Cow;
use utoipa::__dev::ComposeSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

// Types with generic arguments are composed by utoipa's derive through
// `ComposeSchema` (which also gives them `PartialSchema`), so these two
// implement that rather than `PartialSchema` directly.
impl<const MAX: usize> ComposeSchema for Text<MAX> {
    fn compose(_generics: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        let lines = if MAX > 200 {
            "may span several lines (newline and tab allowed)"
        } else {
            "one line, no control characters"
        };
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX))
            .description(Some(format!(
                "Text of 1 to {MAX} bytes of UTF-8, not only white space; {lines}."
            )))
            .into()
    }
}

impl<const MAX: usize> ToSchema for Text<MAX> {
    fn name() -> Cow<'static, str> {
        match MAX {
            200 => "Label".into(),
            4096 => "Paragraph".into(),
            16384 => "Prose".into(),
            _ => format!("Text{MAX}").into(),
        }
    }
}

impl<T: ToSchema, const MAX: usize> ComposeSchema for Bounded<T, MAX> {
    fn compose(generics: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        let items = generics.into_iter().next().unwrap_or_else(|| T::schema());
        ArrayBuilder::new().items(items).max_items(Some(MAX)).into()
    }
}

impl<T: ToSchema, const MAX: usize> ToSchema for Bounded<T, MAX> {
    fn name() -> Cow<'static, str> {
        format!("{}List{MAX}", T::name()).into()
    }
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

/// A string schema described for a person writing one by hand.
pub(crate) fn string(pattern: Option<&str>, max_len: Option<usize>, what: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(pattern)
        .min_length(max_len.map(|_| 1))
        .max_length(max_len)
        .description(Some(what))
        .into()
}

/// Values written as strings of a fixed form.
macro_rules! string_schema {
    ($($name:ty, $pattern:expr, $max_len:expr, $what:literal;)*) => {$(
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string($pattern, $max_len, $what)
            }
        }
        impl ToSchema for $name {}
    )*};
}

/// What `ids::check_slug` accepts (the lengths are the types' own limits).
const SLUG: Option<&str> = Some("^[a-z0-9][a-z0-9._-]*$");

string_schema! {
    ParticipantId, SLUG, Some(ParticipantId::MAX_LEN),
        "A participant (an organisation): \"pakistan\", \"qatar\".";
    MemberId, SLUG, Some(MemberId::MAX_LEN),
        "A member (a person or system acting for a participant).";
    ClauseId, SLUG, Some(ClauseId::MAX_LEN),
        "A clause's stable id across every version of a draft.";
    Tag, SLUG, Some(Tag::MAX_LEN), "A short machine label chosen by the author.";
}

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::DateTime,
            )))
            .pattern(Some(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"))
            .description(Some(
                "UTC to the second in one spelling, like \"2025-10-30T18:00:00Z\".",
            ))
            .examples(["2025-10-30T18:00:00Z"])
            .into()
    }
}

impl ToSchema for Timestamp {}

impl PartialSchema for Date {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Date,
            )))
            .pattern(Some(r"^\d{4}-\d{2}-\d{2}$"))
            .description(Some("A calendar day in one spelling, like \"2025-10-29\"."))
            .examples(["2025-10-29"])
            .into()
    }
}

impl ToSchema for Date {}
