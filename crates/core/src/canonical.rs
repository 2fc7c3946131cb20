//! The one canonical byte form of every signed object: RFC 8785 (JSON
//! Canonicalization Scheme) — written with serde_json's own writer for what
//! records hold, and by the `serde_json_canonicalizer` crate for anything else
//! (see `to_canonical_bytes`). Truce additionally refuses floats anywhere in a
//! record, so signed bytes never depend on number formatting; the RFC's number
//! rules are still tested.

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
///
/// `serde_json_canonicalizer` is the reference and writes anything, but it
/// buffers and re-sorts every member of every object: it took 32 µs of the
/// 56 µs that parsing a 1.5 KiB report costs (a third of the server's work
/// per record), against 4 µs for serde_json's plain writer. For a value whose
/// numbers are all integers within ±(2^53 − 1) — every record, since records
/// refuse the rest — RFC 8785 *is* serde_json's compact output with each
/// object's members sorted by their UTF-16 code units: strings are escaped
/// alike (`\"`, `\\`, the two-letter control escapes, `\u00xx` in lower
/// case for the other controls, nothing else) and such integers are written
/// alike. So those values are written here, and anything with another number
/// (or a null, which may be a NaN that `serde_json::to_value` turned into one)
/// goes to the crate, whose ECMAScript number formatting and refusals are not
/// repeated here. A property test holds both paths to the same bytes.
pub fn to_canonical_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    let tree = serde_json::to_value(value).map_err(encoding)?;
    // The crate gets the value itself, not the tree: `to_value` turns a
    // NaN into a null, which the crate would write rather than refuse.
    plainly(&tree).unwrap_or_else(|| serde_json_canonicalizer::to_vec(value).map_err(encoding))
}

/// `tree`'s RFC 8785 bytes when it is written plainly (see
/// `to_canonical_bytes`); `None` when the reference crate must write it.
fn plainly(tree: &serde_json::Value) -> Option<Result<Vec<u8>, CanonicalError>> {
    written_plainly(tree).then(|| {
        let mut out = Vec::with_capacity(1024);
        write_sorted(tree, &mut out).map(|()| out)
    })
}

/// RFC 8785 bytes of `fields` (which must serialise as an object, with no
/// floats) with `body` as its member `"body"`, giving `body` back. For a record's
/// envelope, whose body is already a JSON tree: the tree is moved in and out
/// rather than copied by `serde_json::to_value`, which allocated every string
/// of it again — about 3% of the server's CPU under load.
pub fn to_canonical_bytes_with_body<T: Serialize>(
    fields: &T,
    body: serde_json::Value,
) -> (Result<Vec<u8>, CanonicalError>, serde_json::Value) {
    let mut tree = match serde_json::to_value(fields) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => {
            return (
                Err(CanonicalError::Encoding("not a JSON object".into())),
                body,
            );
        }
        Err(e) => return (Err(encoding(e)), body),
    };
    tree.insert("body".into(), body);
    let tree = serde_json::Value::Object(tree);
    // Here the crate gets the tree: a body holds no NaN (a JSON tree cannot),
    // and `fields` must not hold floats (an envelope's do not).
    let bytes =
        plainly(&tree).unwrap_or_else(|| serde_json_canonicalizer::to_vec(&tree).map_err(encoding));
    let body = match tree {
        serde_json::Value::Object(mut map) => map.remove("body").unwrap_or_default(),
        _ => serde_json::Value::Null,
    };
    (bytes, body)
}

fn encoding(e: impl std::fmt::Display) -> CanonicalError {
    CanonicalError::Encoding(e.to_string())
}

/// Whether RFC 8785 writes `value` as serde_json does: no null, and every
/// number an integer within ±(2^53 − 1).
fn written_plainly(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Number(n) => n
            .as_i64()
            .is_some_and(|i| i.unsigned_abs() <= MAX_SAFE_INTEGER),
        serde_json::Value::Array(items) => items.iter().all(written_plainly),
        serde_json::Value::Object(map) => map.values().all(written_plainly),
        serde_json::Value::Bool(_) | serde_json::Value::String(_) => true,
    }
}

/// Compact JSON with object members in RFC 8785 order (UTF-16 code units).
fn write_sorted(value: &serde_json::Value, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match value {
        serde_json::Value::Object(map) => {
            let mut members: Vec<_> = map.iter().collect();
            members.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push(b'{');
            for (i, (key, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key).map_err(encoding)?;
                out.push(b':');
                write_sorted(member, out)?;
            }
            out.push(b'}');
        }
        serde_json::Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_sorted(item, out)?;
            }
            out.push(b']');
        }
        scalar => serde_json::to_writer(&mut *out, scalar).map_err(encoding)?,
    }
    Ok(())
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
