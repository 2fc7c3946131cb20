use serde_json::Value;
use truce_core::canonical::{to_canonical_bytes, to_canonical_bytes_with_body};

/// Any JSON value through `to_canonical_bytes`: the same bytes as the
/// reference RFC 8785 crate (whose refusals it shares), a fixed point when
/// read and written again, and the same bytes when an object's `"body"` is
/// moved in by `to_canonical_bytes_with_body` (the record envelope's path).
pub fn canonical(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let ours = to_canonical_bytes(&value);
    let reference = serde_json_canonicalizer::to_vec(&value);
    let bytes = match (ours, reference) {
        (Ok(ours), Ok(reference)) => {
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&reference),
                "differs from the reference RFC 8785 crate"
            );
            ours
        }
        (Err(_), Err(_)) => return,
        (ours, reference) => panic!("one refused: ours {ours:?}, reference {reference:?}"),
    };
    let reread: Value = serde_json::from_slice(&bytes).expect("canonical bytes are not JSON");
    assert_eq!(
        to_canonical_bytes(&reread).expect("canonical bytes do not canonicalise"),
        bytes,
        "canonical bytes are not a fixed point"
    );
    if let Value::Object(mut fields) = value
        && let Some(body) = fields.remove("body")
    {
        let (with_body, back) = to_canonical_bytes_with_body(&fields, body.clone());
        assert_eq!(
            with_body.ok(),
            Some(bytes),
            "the body moved in is written otherwise"
        );
        assert_eq!(back, body, "the body does not come back as it went in");
    }
}
