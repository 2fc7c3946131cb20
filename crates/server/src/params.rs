//! Typed request parameters: each refuses, while the request is read, what
//! its schema in the API document does not allow — so the document states
//! exactly the constraints the server enforces, and a parameter past them is
//! a 400 that says which, never a value quietly clamped or wrapped.

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use utoipa::__dev::ComposeSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// The largest log position a request may name: 2^53 − 1, the largest
/// integer JSON carries exactly (a log holds at most 2^32 records today).
pub const MAX_LOG_INDEX: u64 = (1 << 53) - 1;

/// A position in the log as a request names it: a record's index, a tree
/// size, a page's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogIndex(pub u64);

impl<'de> Deserialize<'de> for LogIndex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        if n > MAX_LOG_INDEX {
            return Err(serde::de::Error::custom(format!(
                "{n} is beyond the largest log position, 2^53 − 1"
            )));
        }
        Ok(LogIndex(n))
    }
}

impl PartialSchema for LogIndex {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(0))
            .maximum(Some(MAX_LOG_INDEX as f64))
            .into()
    }
}

impl ToSchema for LogIndex {
    fn name() -> Cow<'static, str> {
        "LogIndex".into()
    }
}

/// A tree size a view is asked to answer from: 1 (the charter alone) to
/// [`MAX_LOG_INDEX`]. Size 0 holds no record at all, so it is refused while
/// the request is read, and the API document says so with its minimum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TreeSize(pub u64);

impl<'de> Deserialize<'de> for TreeSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match LogIndex::deserialize(d)? {
            LogIndex(0) => Err(serde::de::Error::custom(
                "size 0 holds no record, not even the charter: ask for a size from 1",
            )),
            LogIndex(n) => Ok(TreeSize(n)),
        }
    }
}

impl PartialSchema for TreeSize {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .maximum(Some(MAX_LOG_INDEX as f64))
            .into()
    }
}

impl ToSchema for TreeSize {
    fn name() -> Cow<'static, str> {
        "TreeSize".into()
    }
}

/// A count between `MIN` and `MAX` — a page size, a version number. A
/// request past them is refused, not clamped, so what is asked is what is
/// answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Within<const MIN: u64, const MAX: u64>(pub usize);

impl<'de, const MIN: u64, const MAX: u64> Deserialize<'de> for Within<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        if !(MIN..=MAX).contains(&n) {
            return Err(serde::de::Error::custom(format!(
                "{n} is outside {MIN} to {MAX}"
            )));
        }
        usize::try_from(n)
            .map(Within)
            .map_err(|_| serde::de::Error::custom("the number does not fit this machine"))
    }
}

// A type with generic arguments gets its schema through `ComposeSchema`
// (which also gives it `PartialSchema`), as utoipa's derive expects.
impl<const MIN: u64, const MAX: u64> ComposeSchema for Within<MIN, MAX> {
    fn compose(_generics: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(MIN as f64))
            .maximum(Some(MAX as f64))
            .into()
    }
}

impl<const MIN: u64, const MAX: u64> ToSchema for Within<MIN, MAX> {
    fn name() -> Cow<'static, str> {
        format!("Within{MIN}To{MAX}").into()
    }
}
