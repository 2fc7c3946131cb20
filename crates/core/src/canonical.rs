//! The one canonical byte form of every signed object: RFC 8785 (JSON
//! Canonicalization Scheme), by the `serde_json_canonicalizer` crate. Truce
//! additionally refuses floats anywhere in a record, so signed bytes never
//! depend on number formatting; the RFC's number rules are still tested.

use serde::Serialize;

#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum CanonicalError {
    #[error(
        "{path} holds a fractional or exponent number; records use integers only (e.g. micro-degrees)"
    )]
    Float { path: String },
    #[error(
        "{path} holds an integer beyond ±(2^53 − 1), which RFC 8785 (IEEE 754 doubles) cannot write exactly"
    )]
    UnsafeInteger { path: String },
    #[error("{path} is null; leave an absent value out instead, so a record has one spelling")]
    Null { path: String },
    #[error("cannot canonicalise: {0}")]
    Encoding(String),
}

/// The largest integer an RFC 8785 number carries exactly (I-JSON, RFC 7493
/// §2.2): beyond it, two different integers canonicalise to the same bytes.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// RFC 8785 bytes of any serialisable value.
pub fn to_canonical_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| CanonicalError::Encoding(e.to_string()))
}

/// Refuses any number that is not an integer, or is an integer too large to
/// canonicalise exactly, naming where it is.
pub fn reject_floats(value: &serde_json::Value) -> Result<(), CanonicalError> {
    walk(value, &mut String::from("$"), false)
}

/// What a signed record may hold: `reject_floats`, and no `null` either, since
/// an optional field written as `null` and one left out would otherwise be
/// two leaves (two identities) for the same record.
pub fn check_record_value(value: &serde_json::Value) -> Result<(), CanonicalError> {
    walk(value, &mut String::from("$"), true)
}

fn walk(
    value: &serde_json::Value,
    path: &mut String,
    no_nulls: bool,
) -> Result<(), CanonicalError> {
    match value {
        serde_json::Value::Null if no_nulls => Err(CanonicalError::Null { path: path.clone() }),
        serde_json::Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            Err(CanonicalError::Float { path: path.clone() })
        }
        serde_json::Value::Number(n)
            if n.as_i64()
                .is_none_or(|i| i.unsigned_abs() > MAX_SAFE_INTEGER) =>
        {
            Err(CanonicalError::UnsafeInteger { path: path.clone() })
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, no_nulls)?;
                path.truncate(len);
            }
            Ok(())
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                walk(v, path, no_nulls)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_are_refused_with_their_path() {
        assert_eq!(reject_floats(&json!({"a": [1, {"b": 2}]})), Ok(()));
        assert_eq!(
            reject_floats(&json!({"a": [1, {"b": 2.5}]})),
            Err(CanonicalError::Float {
                path: "$.a[1].b".into()
            })
        );
    }
}
