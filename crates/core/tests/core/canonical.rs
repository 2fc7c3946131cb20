//! RFC 8785 (JSON Canonicalization Scheme): the one byte form of everything
//! Truce signs. Expected outputs are copied from the RFC's text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::support::scramble;
use proptest::prelude::*;
use serde_json::Value;
use truce_core::canonical::{
    CanonicalError, reject_floats, to_canonical_bytes, to_canonical_bytes_with_body,
};

fn canonical(json: &str) -> String {
    let value: Value = serde_json::from_str(json).unwrap();
    String::from_utf8(to_canonical_bytes(&value).unwrap()).unwrap()
}

#[test]
fn the_rfc_section_3_2_2_example_canonicalises_exactly() {
    // RFC 8785 §3.2.2, input as printed in the RFC.
    let input = r#"{
      "numbers": [333333333.33333329, 1E30, 4.50,
                  2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"#;
    // RFC 8785 §3.2.4, the expected output.
    let expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    assert_eq!(canonical(input), expected);
    // And the RFC's UTF-8 bytes of that output, spot-checked: € is E2 82 AC,
    // and the control character U+000F is written as a lowercase \u000f.
    let bytes = canonical(input).into_bytes();
    assert!(bytes.windows(3).any(|w| w == [0xe2, 0x82, 0xac]));
    assert!(bytes.windows(6).any(|w| w == b"\\u000f"));
}

#[test]
fn properties_are_sorted_by_utf16_code_units() {
    // RFC 8785 §3.2.3: the emoji (UTF-16 D83D DE00) sorts before U+FB33,
    // although by code point it would come after.
    let input = r#"{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }"#;
    let out: Value = serde_json::from_str(&canonical(input)).unwrap();
    let text = canonical(input);
    let expected_order = [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ];
    let positions: Vec<usize> = expected_order
        .iter()
        .map(|v| text.find(v).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "properties out of RFC 8785 order: {text}"
    );
    assert_eq!(out.as_object().unwrap().len(), 7);
    assert_eq!(
        text,
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
         \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
         \"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
    );
}

#[test]
fn numbers_serialise_as_in_rfc_appendix_b() {
    // RFC 8785 Appendix B: IEEE 754 bit patterns and their JSON spelling
    // (ECMAScript Number.prototype.toString).
    let table: &[(u64, &str)] = &[
        (0x0000000000000000, "0"),
        (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"),
        (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"),
        (0xc340000000000000, "-9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef4e, "999999999999999700000"),
        (0x444b1ae4d6e2ef4f, "999999999999999900000"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
        (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"),
        (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"),
        (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"),
        (0x43143ff3c1cb0959, "1424953923781206.2"),
    ];
    for (bits, expected) in table {
        let number = f64::from_bits(*bits);
        let bytes = to_canonical_bytes(&number).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            *expected,
            "IEEE 754 {bits:016x}"
        );
        // The same number arriving as JSON text in the RFC's spelling is unchanged.
        if *bits != 0x8000000000000000 {
            assert_eq!(canonical(expected), *expected, "re-reading {expected}");
        }
    }
}

#[test]
fn nan_and_infinity_cannot_be_canonicalised() {
    // RFC 8785 Appendix B: NaN and Infinity have no JSON spelling.
    for bits in [
        0x7fffffffffffffff_u64,
        0x7ff0000000000000,
        0xfff0000000000000,
    ] {
        assert!(matches!(
            to_canonical_bytes(&f64::from_bits(bits)),
            Err(CanonicalError::Encoding(_))
        ));
    }
}

#[test]
fn strings_escape_only_what_rfc_8785_escapes() {
    // §3.2.2.2: \b \t \n \f \r, \" and \\ use two-character escapes; other
    // controls are \u00xx with lowercase hex; everything else (non-ASCII,
    // the solidus, DEL) is written as itself.
    assert_eq!(
        canonical(r#""\b\t\n\f\r\"\\\/\u0001\u001f\u007f\u00e9\u2028""#),
        "\"\\b\\t\\n\\f\\r\\\"\\\\/\\u0001\\u001f\u{7f}\u{e9}\u{2028}\""
    );
}

#[test]
fn integers_and_literals_are_written_plainly() {
    assert_eq!(
        canonical(r#"[ 0, -1, 10, 1.0, 100e0, -0.0, 1E2, true , false, null ]"#),
        "[0,-1,10,1,100,0,100,true,false,null]"
    );
    assert_eq!(canonical("{ }"), "{}");
    assert_eq!(canonical("[ ]"), "[]");
    assert_eq!(
        canonical(r#"{"a":{"d":1,"c":[{"f":2,"e":3}]},"b":"x"}"#),
        r#"{"a":{"c":[{"e":3,"f":2}],"d":1},"b":"x"}"#
    );
}

#[test]
fn floats_are_named_by_their_path() {
    let v: Value = serde_json::from_str(r#"{"a":{"b":[1,2,{"c":0.5}]}}"#).unwrap();
    assert_eq!(
        reject_floats(&v),
        Err(CanonicalError::Float {
            path: "$.a.b[2].c".into()
        })
    );
    for float in ["1.0", "1e2", "-0", "1E400"] {
        let v: Result<Value, _> = serde_json::from_str(&format!(r#"{{"x":{float}}}"#));
        // 1E400 is not even JSON that serde_json accepts (it is out of range).
        if let Ok(v) = v {
            assert!(reject_floats(&v).is_err(), "{float} passed as an integer");
        }
    }
    let ints: Value =
        serde_json::from_str(r#"{"x":[0,-1,9007199254740991,-9007199254740991]}"#).unwrap();
    assert_eq!(reject_floats(&ints), Ok(()));
}

#[test]
fn integers_beyond_two_to_the_53_are_refused_because_jcs_would_round_them() {
    // RFC 8785 numbers are IEEE 754 doubles: 2^53 + 1 would be signed as
    // 9007199254740992, so two different values would share one signature.
    for big in [
        "9007199254740992",
        "9007199254740993",
        "-9007199254740993",
        "18446744073709551615",
    ] {
        let v: Value = serde_json::from_str(&format!(r#"{{"n":{big}}}"#)).unwrap();
        assert!(
            matches!(reject_floats(&v), Err(CanonicalError::UnsafeInteger { ref path }) if path == "$.n"),
            "{big} was accepted: {:?}",
            reject_floats(&v)
        );
    }
}

// ---- properties -----------------------------------------------------------

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,6}",
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('\u{0}'),
                Just('\u{1f}'),
                Just('"'),
                Just('\\'),
                Just('/'),
                Just('\u{80}'),
                Just('\u{20ac}'),
                Just('\u{fb33}'),
                Just('\u{1f600}'),
                any::<char>(),
            ],
            0..6
        )
        .prop_map(|cs| cs.into_iter().collect()),
    ]
}

/// Arrays and objects, four levels deep, of `leaf` values.
fn nested(leaf: impl Strategy<Value = Value> + 'static) -> impl Strategy<Value = Value> {
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(arb_string(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u32>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        arb_string().prop_map(Value::String),
    ];
    nested(leaf)
}

/// What records hold: no null, no float, integers within ±(2^53 − 1).
fn arb_record_like_json() -> impl Strategy<Value = Value> {
    const SAFE: i64 = (1 << 53) - 1;
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-SAFE..=SAFE).prop_map(Value::from),
        Just(Value::from(SAFE)),
        Just(Value::from(-SAFE)),
        arb_string().prop_map(Value::String),
    ];
    nested(leaf)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]
    /// `to_canonical_bytes` writes record-like values itself (it is several
    /// times faster); it must agree with the reference crate byte for byte.
    #[test]
    fn record_like_values_canonicalise_exactly_as_the_reference_crate_does(value in arb_record_like_json()) {
        prop_assert_eq!(
            String::from_utf8(to_canonical_bytes(&value).unwrap()).unwrap(),
            String::from_utf8(serde_json_canonicalizer::to_vec(&value).unwrap()).unwrap()
        );
    }
}

proptest! {
    #[test]
    fn canonical_bytes_ignore_member_order_whitespace_escapes_and_number_spelling(
        value in arb_json(),
        seed in any::<u64>(),
    ) {
        let reference = to_canonical_bytes(&value).unwrap();
        let mut seed = seed;
        let mut text = String::new();
        scramble(&value, &mut seed, &mut text);
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(
            String::from_utf8(to_canonical_bytes(&reparsed).unwrap()).unwrap(),
            String::from_utf8(reference).unwrap(),
            "scrambled text: {}", text
        );
    }

    #[test]
    fn canonical_bytes_are_a_fixed_point(value in arb_json()) {
        let once = to_canonical_bytes(&value).unwrap();
        let text = std::str::from_utf8(&once).unwrap();
        let parsed: Value = serde_json::from_str(text).unwrap();
        prop_assert_eq!(to_canonical_bytes(&parsed).unwrap(), once);
    }

    #[test]
    fn every_finite_double_round_trips_through_its_canonical_spelling(bits in any::<u64>()) {
        let f = f64::from_bits(bits);
        prop_assume!(f.is_finite());
        let text = String::from_utf8(to_canonical_bytes(&f).unwrap()).unwrap();
        let back: f64 = text.parse().unwrap();
        prop_assert!(back == f, "{} read back as {}", text, back);
        // ECMAScript spelling: lowercase e, explicit sign on positive exponents,
        // no leading '+', no trailing zeros in the fraction.
        prop_assert!(!text.contains('E') && !text.starts_with('+'));
        if let Some((_, exp)) = text.split_once('e') {
            prop_assert!(exp.starts_with('+') || exp.starts_with('-'), "{}", text);
        }
        if let Some((_, frac)) = text.split('e').next().unwrap().split_once('.') {
            prop_assert!(!frac.ends_with('0'), "{}", text);
        }
    }
}

proptest! {
    /// A record's envelope is written with its body moved in and out of the
    /// tree rather than copied: the bytes must be those of the whole object,
    /// and the body must come back unchanged — on the fast path (record-like
    /// values) and on the reference crate's (anything else).
    #[test]
    fn an_object_written_with_its_body_moved_in_is_written_as_a_whole(
        fields in proptest::collection::btree_map("[a-z]{1,6}", arb_record_like_json(), 0..6),
        body in prop_oneof![arb_record_like_json(), arb_json()],
    ) {
        let fields: serde_json::Map<String, Value> =
            fields.into_iter().filter(|(k, _)| k != "body").collect();
        let mut whole = fields.clone();
        whole.insert("body".into(), body.clone());
        let (bytes, back) = to_canonical_bytes_with_body(&fields, body.clone());
        prop_assert_eq!(back, body);
        prop_assert_eq!(
            String::from_utf8(bytes.unwrap()).unwrap(),
            String::from_utf8(to_canonical_bytes(&Value::Object(whole)).unwrap()).unwrap()
        );
    }
}

// ---- strict parsing: one name, one value --------------------------------

#[test]
fn a_name_given_twice_is_refused_at_any_depth() {
    use truce_core::strict_json::from_slice;
    for text in [
        r#"{"a":1,"a":1}"#,
        r#"{"a":1,"b":{"c":true,"c":false}}"#,
        r#"[{"x":"y"},{"k":[{"z":1,"z":2}]}]"#,
        // Names equal after unescaping are the same name.
        r#"{"a":1,"\u0061":2}"#,
    ] {
        let error = from_slice(text.as_bytes()).expect_err(text).to_string();
        assert!(error.contains("appears twice"), "{text}: {error}");
    }
    // The same name in sibling objects is not a duplicate.
    assert!(from_slice(br#"[{"a":1},{"a":2}]"#).is_ok());
    // A record with a duplicate name is not a record.
    let err = truce_core::Record::from_json(br#"{"envelope":{},"envelope":{}}"#).unwrap_err();
    assert!(err.to_string().contains("appears twice"), "{err}");
}

#[test]
fn strict_parsing_keeps_the_nesting_limit() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(truce_core::strict_json::from_slice(deep.as_bytes()).is_err());
    assert!(truce_core::strict_json::from_slice(b"{} trailing").is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    /// Without duplicates, the strict reader reads what serde_json reads.
    #[test]
    fn strict_parsing_agrees_with_serde_json_on_unique_names(value in arb_json()) {
        let text = serde_json::to_vec(&value).unwrap();
        let strict = truce_core::strict_json::from_slice(&text).unwrap();
        let plain: Value = serde_json::from_slice(&text).unwrap();
        prop_assert_eq!(strict, plain);
    }
}
