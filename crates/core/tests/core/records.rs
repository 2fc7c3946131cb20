//! Records: a canonical, signed envelope. What the log stores is exactly the
//! RFC 8785 form of what was signed; anything malformed, oversized or
//! ambiguous is refused at parse time, before admission looks at it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::support::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use truce_core::canonical::{CanonicalError, to_canonical_bytes};
use truce_core::kinds::Kind;
use truce_core::kinds::common::Source;
use truce_core::record::{MAX_RECORD_BYTES, RecordError, signing_message};
use truce_core::sealed::{Opening, SealError, SealedPart};
use truce_core::values::{Bounded, ParticipantId};
use truce_core::{Body, Hash, Record};

/// A change to a record's JSON.
type Edit = Box<dyn Fn(&mut Value)>;

fn a_report(fx: &Fx) -> Record {
    fx.sign(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    )
}

fn parse(value: &Value) -> Result<Record, RecordError> {
    Record::from_json(serde_json::to_string(value).unwrap().as_bytes())
}

/// The record after `edit` is applied to its JSON.
fn edited(record: &Record, edit: impl FnOnce(&mut Value)) -> Result<Record, RecordError> {
    let mut value = to_value(record);
    edit(&mut value);
    parse(&value)
}

#[test]
fn the_leaf_is_the_canonical_json_of_the_signed_record() {
    let fx = Fx::new();
    let record = a_report(&fx);
    assert_eq!(record.leaf(), to_canonical_bytes(&record.signed()).unwrap());
    let text = std::str::from_utf8(record.leaf()).unwrap();
    assert!(
        text.starts_with(r#"{"envelope":{"author":"pk.lead","body":{"#),
        "{text}"
    );
    assert!(text.contains(r#""kind":"incident.report","log":"truce.example/istanbul-2025","#));
    assert!(text.contains(r#"},"signatures":[{"key":""#));
    // Reading the leaf back gives the same record.
    assert_eq!(Record::from_json(record.leaf()).unwrap(), record);
}

#[test]
fn the_record_hash_is_the_rfc_6962_leaf_hash_of_the_leaf() {
    let fx = Fx::new();
    let record = a_report(&fx);
    assert_eq!(record.hash(), truce_tlog::leaf_hash(record.leaf()));
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(record.leaf());
    assert_eq!(record.hash(), Hash(h.finalize().into()));
}

#[test]
fn reformatting_a_record_changes_neither_its_leaf_nor_its_hash() {
    let mut fx = Fx::new();
    let record = a_report(&fx);
    let value = to_value(&record);
    for seed in 0..20 {
        let text = scrambled(&value, seed);
        assert_ne!(text.as_bytes(), record.leaf());
        let again = Record::from_json(text.as_bytes()).unwrap();
        assert_eq!(again.leaf(), record.leaf(), "from {text}");
        assert_eq!(again.hash(), record.hash());
    }
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let again = Record::from_json(pretty.as_bytes()).unwrap();
    assert_eq!(again.hash(), record.hash());
    // ... and it is still the author's signed record.
    fx.admit_record(&again);
}

#[test]
fn a_stored_leaf_is_read_only_in_its_canonical_form() {
    let fx = Fx::new();
    let record = a_report(&fx);
    assert_eq!(Record::from_canonical_leaf(record.leaf()).unwrap(), record);

    let leaf = std::str::from_utf8(record.leaf()).unwrap();
    let value = to_value(&record);
    // Each of these holds the same record for `from_json`, or one it
    // refuses; none is the record's canonical form.
    let duplicated = leaf.replacen(
        r#""body":{"#,
        r#""body":{"narrative":"another account","#,
        1,
    );
    let with_null = leaf.replacen(r#""envelope":{"#, r#""envelope":{"confidential":null,"#, 1);
    let with_float = leaf.replacen(r#""seq":1,"#, r#""seq":1.0,"#, 1);
    for (what, bytes) in [
        ("scrambled", scrambled(&value, 3)),
        ("pretty", serde_json::to_string_pretty(&value).unwrap()),
        ("a trailing newline", format!("{leaf}\n")),
        ("a name twice", duplicated),
        ("a null", with_null),
        ("a float", with_float),
    ] {
        assert_ne!(
            bytes.as_bytes(),
            record.leaf(),
            "{what}: the edit changed nothing"
        );
        let refused = Record::from_canonical_leaf(bytes.as_bytes());
        assert!(refused.is_err(), "{what}: accepted {bytes}");
        // What from_json makes of the same bytes is never this leaf.
        if let Ok(read) = Record::from_json(bytes.as_bytes()) {
            assert_ne!(read.leaf(), bytes.as_bytes(), "{what}");
        }
    }
    assert_eq!(
        Record::from_canonical_leaf(format!("{leaf}\n").as_bytes()),
        Err(RecordError::NotCanonical)
    );
}

#[test]
fn the_signature_covers_a_domain_separated_canonical_envelope() {
    let fx = Fx::new();
    let record = a_report(&fx);
    let message = signing_message(&record.signed().envelope).unwrap();
    let envelope = to_canonical_bytes(&record.signed().envelope).unwrap();
    assert_eq!(&message[..16], b"truce-record-v1\n");
    assert_eq!(&message[16..], envelope.as_slice());
    assert_eq!(
        record.signing_message().unwrap(),
        message,
        "the message sliced from the leaf is the same"
    );
    let key = fx.key(PK).signing_key().verifying_key();
    assert!(record.verify_signature(0, &key).is_ok());

    // A signature over the bare envelope (no domain prefix), as another
    // protocol might produce, is not a record signature.
    use base64::Engine;
    use ed25519_dalek::Signer;
    let bare = fx.key(PK).signing_key().sign(&envelope);
    let forged = edited(&record, |v| {
        v["signatures"][0]["sig"] =
            json!(base64::engine::general_purpose::STANDARD.encode(bare.to_bytes()));
    })
    .unwrap();
    assert!(matches!(
        forged.verify_signature(0, &key),
        Err(RecordError::BadSignature { index: 0, .. })
    ));
}

/// The verifier checks one signature alone and several in a batch; either
/// way it names exactly the records whose signature does not verify.
#[test]
fn a_batch_of_any_size_names_exactly_the_records_that_do_not_verify() {
    let fx = Fx::new();
    let good = a_report(&fx);
    let bad = edited(&good, |v| {
        v["envelope"]["body"]["title"] = json!("Edited after signing")
    })
    .unwrap();
    let key = [fx.key(PK).signing_key().verifying_key()];
    let verdicts = |records: &[&Record], keys: &[_]| -> Vec<bool> {
        let checks: Vec<_> = records.iter().map(|r| (*r, keys)).collect();
        truce_core::record::verify_batch(&checks, rand::thread_rng())
            .iter()
            .map(Result::is_ok)
            .collect()
    };
    assert_eq!(verdicts(&[&good], &key), [true]);
    assert_eq!(verdicts(&[&bad], &key), [false]);
    assert_eq!(verdicts(&[&good, &good], &key), [true, true]);
    assert_eq!(verdicts(&[&good, &bad, &good], &key), [true, false, true]);
    assert_eq!(verdicts(&[&bad; 5], &key), [false; 5]);
    // A record checked against the wrong number of keys is unsigned, alone or not.
    assert_eq!(verdicts(&[&good], &[]), [false]);
    assert_eq!(verdicts(&[&good, &good], &[key[0], key[0]]), [false, false]);
}

#[test]
fn changing_any_byte_of_the_envelope_breaks_the_signature() {
    let fx = Fx::new();
    let record = a_report(&fx);
    let key = fx.key(PK).signing_key().verifying_key();
    let leaf = &record.leaf();
    let start = br#"{"envelope":"#.len();
    let end = leaf
        .windows(br#","signatures":"#.len())
        .position(|w| w == br#","signatures":"#)
        .unwrap();
    let (mut refused, mut bad_signature) = (0, 0);
    for i in start..end {
        for flip in [0x01u8, 0x20, 0x08] {
            let mut bytes = leaf.to_vec();
            bytes[i] ^= flip;
            match Record::from_json(&bytes) {
                Err(_) => refused += 1,
                Ok(changed) => {
                    assert_ne!(
                        changed.leaf(),
                        *leaf,
                        "byte {i} ^ {flip:#x} left the leaf unchanged"
                    );
                    assert!(
                        changed.verify_signature(0, &key).is_err(),
                        "byte {i} ^ {flip:#x} kept a valid signature: {}",
                        String::from_utf8_lossy(changed.leaf())
                    );
                    bad_signature += 1;
                }
            }
        }
    }
    // Many changes break the structure and are refused at parse time; the
    // hundreds that still parse (letters in text, digits) are the ones the
    // signature must catch.
    assert!(
        refused > 0 && bad_signature >= 200,
        "{bad_signature} parsed, {refused} refused"
    );
}

#[test]
fn floats_anywhere_are_refused_with_their_path() {
    let fx = Fx::new();
    let record = a_report(&fx);
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| {
                v["envelope"]["body"]["casualties"]["killed"]["civilian"]["best"] = json!(2.0)
            }),
            "$.envelope.body.casualties.killed.civilian.best",
        ),
        (
            Box::new(|v| v["envelope"]["body"]["places"][0]["point"]["lat_e6"] = json!(30.917)),
            "$.envelope.body.places[0].point.lat_e6",
        ),
        (
            Box::new(|v| v["envelope"]["seq"] = json!(1.5)),
            "$.envelope.seq",
        ),
        (
            Box::new(|v| v["envelope"]["v"] = json!(1e0)),
            "$.envelope.v",
        ),
    ];
    for (edit, path) in cases {
        assert_eq!(
            edited(&record, edit).unwrap_err(),
            RecordError::Canonical(CanonicalError::Float { path: path.into() })
        );
    }
    // Even inside free-form JSON (a disclosed confidential part), and even
    // when the record is built in code rather than parsed.
    let target = fx.sign(PK, evidence(None)).hash();
    let mut draft = fx.draft(
        PK,
        body(
            Kind::Disclosure,
            json!({"record": target, "opening": {"salt": "x", "content": {"x": 1}}}),
        ),
    );
    if let truce_core::Body::Disclosure(d) = &mut draft.body {
        d.opening.content = json!({"x": 0.25});
    }
    assert_eq!(
        draft.sign(&[fx.key(PK)]).unwrap_err(),
        RecordError::Canonical(CanonicalError::Float {
            path: "$.opening.content.x".into()
        })
    );
}

#[test]
fn integers_that_rfc_8785_cannot_carry_exactly_are_refused() {
    let fx = Fx::new();
    let record = a_report(&fx);
    // 2^53 + 1 would canonicalise (as a double) to 2^53: the leaf would not say
    // what the record says.
    let err = edited(&record, |v| {
        v["envelope"]["seq"] = json!(9_007_199_254_740_993_u64)
    })
    .unwrap_err();
    assert_eq!(
        err,
        RecordError::Canonical(CanonicalError::UnsafeInteger {
            path: "$.envelope.seq".into()
        })
    );
    let mut draft = fx.draft(PK, statement("Big"));
    draft.seq = 9_007_199_254_740_993;
    assert!(draft.sign(&[fx.key(PK)]).is_err());
    // In a confidential opening, two different contents would otherwise
    // match one digest.
    let a = Opening::new([3; 32], json!({"n": 9_007_199_254_740_992_u64}));
    let b = Opening::new([3; 32], json!({"n": 9_007_199_254_740_993_u64}));
    assert!(a.digest().is_err() && b.digest().is_err());
}

#[test]
fn unknown_fields_are_refused_everywhere() {
    let fx = Fx::new();
    let record = a_report(&fx);
    let malformed: Vec<Edit> = vec![
        Box::new(|v| v["extra"] = json!("x")),
        Box::new(|v| v["envelope"]["priority"] = json!("high")),
        Box::new(|v| v["signatures"][0]["note"] = json!("x")),
    ];
    for edit in malformed {
        assert!(matches!(
            edited(&record, edit),
            Err(RecordError::Malformed(_))
        ));
    }
    let invalid: Vec<Edit> = vec![
        Box::new(|v| v["envelope"]["body"]["severity"] = json!("high")),
        Box::new(|v| v["envelope"]["body"]["time"]["zone"] = json!("PKT")),
        Box::new(|v| v["envelope"]["body"]["places"][0]["altitude_m"] = json!(1200)),
        Box::new(|v| v["envelope"]["body"]["places"][0]["point"]["alt_e6"] = json!(1)),
        Box::new(|v| v["envelope"]["body"]["casualties"]["missing"] = json!({})),
    ];
    for edit in invalid {
        let err = edited(&record, edit).unwrap_err();
        assert!(
            matches!(err, RecordError::Invalid(ref m) if m.contains("unknown field")),
            "{err}"
        );
    }
    // Every kind's body refuses an unknown field, checked on a minimal body of each.
    let mut fx = Fx::new();
    let report = fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    );
    let bodies = [
        response(report.hash(), "deny"),
        finding(report.hash(), "verified", Some(AFGHANISTAN)),
        statement("S"),
        message(&[AFGHANISTAN], false),
        propose(&[("c1", "Text")]),
        commitment(&["shelling"], EFFECTIVE),
        evidence(None),
        revoke(PK_REPORTER),
    ];
    for b in bodies {
        let kind = b.kind();
        let mut v = b.to_value().unwrap();
        v["unexpected"] = json!(true);
        assert!(
            truce_core::Body::parse(kind, &v).is_err(),
            "{kind} took an unknown field"
        );
    }
}

#[test]
fn records_over_64_kib_are_refused() {
    let fx = Fx::new();
    let clause = "x".repeat(16_000);
    let fits = propose(&[("c1", &clause), ("c2", &clause), ("c3", &clause)]);
    let record = fx.sign(TR, fits);
    assert!(record.leaf().len() <= MAX_RECORD_BYTES);
    let too_big = propose(&[
        ("c1", &clause),
        ("c2", &clause),
        ("c3", &clause),
        ("c4", &clause),
        ("c5", &clause),
    ]);
    let err = fx.draft(TR, too_big).sign(&[fx.key(TR)]).unwrap_err();
    assert!(
        matches!(err, RecordError::TooLarge(n) if n > MAX_RECORD_BYTES),
        "{err}"
    );

    // From outside, the same record is refused whether compact or padded.
    let mut value = to_value(&record);
    for c in ["c4", "c5"] {
        value["envelope"]["body"]["clauses"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": c, "text": clause}));
    }
    assert!(matches!(parse(&value), Err(RecordError::TooLarge(_))));
    let padded = format!(
        "{}{}",
        " ".repeat(2 * MAX_RECORD_BYTES),
        serde_json::to_string(&to_value(&record)).unwrap()
    );
    assert!(matches!(
        Record::from_json(padded.as_bytes()),
        Err(RecordError::TooLarge(_))
    ));
}

#[test]
fn over_long_text_and_lists_are_refused() {
    let fx = Fx::new();
    let record = a_report(&fx);
    let cases: Vec<Edit> = vec![
        Box::new(|v| v["envelope"]["body"]["title"] = json!("t".repeat(201))),
        Box::new(|v| v["envelope"]["body"]["title"] = json!("   ")),
        Box::new(|v| v["envelope"]["body"]["title"] = json!("two\nlines")),
        Box::new(|v| v["envelope"]["body"]["narrative"] = json!("n".repeat(16 * 1024 + 1))),
        Box::new(|v| {
            let place = v["envelope"]["body"]["places"][0].clone();
            v["envelope"]["body"]["places"] = json!(vec![place; 9]);
        }),
        Box::new(|v| v["envelope"]["body"]["places"] = json!([])),
        Box::new(|v| v["envelope"]["body"]["sources"] = json!(vec!["s"; 17])),
        Box::new(|v| {
            v["envelope"]["body"]["casualties"]["killed"]["civilian"] =
                json!({"low": 3, "best": 2, "high": 4})
        }),
    ];
    for edit in cases {
        let err = edited(&record, edit).unwrap_err();
        assert!(refused_as_invalid(&err, ""), "{err}");
    }
    // Just at the limits is fine.
    let ok = edited(&record, |v| {
        v["envelope"]["body"]["title"] = json!("t".repeat(200));
        v["envelope"]["body"]["sources"] = json!(vec!["s"; 16]);
    });
    assert!(ok.is_ok(), "{ok:?}");
    // 65 refs in the envelope: refused as a malformed envelope.
    let refs: Vec<String> = (0..65u8).map(|i| Hash([i; 32]).to_base64()).collect();
    let err = edited(&record, |v| v["envelope"]["refs"] = json!(refs)).unwrap_err();
    assert!(
        matches!(err, RecordError::Malformed(ref m) if m.contains("limit is 64")),
        "{err}"
    );
}

#[test]
fn sources_are_named_or_passages_of_reporting() {
    let fx = Fx::new();
    let record = a_report(&fx);
    let passage = json!({
        "publication": "MNTV",
        "date": "2025-10-29",
        "attributed_to": "a diplomatic source familiar with the negotiations",
        "quote": "Both sides wanted written guarantees from the other and neither was ready to give them",
    });
    let ok = edited(&record, |v| {
        v["envelope"]["body"]["sources"] = json!(["Local officials", passage.clone()])
    })
    .unwrap();
    match ok.body() {
        Body::IncidentReport(b) => {
            assert!(matches!(b.sources.as_slice()[0], Source::Named(_)));
            match &b.sources.as_slice()[1] {
                Source::Reported(r) => {
                    assert_eq!(r.date.to_string(), "2025-10-29");
                    assert_eq!(r.publication.as_str(), "MNTV");
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    // A passage reads back as the same bytes it was signed as.
    assert_eq!(to_value(&ok)["envelope"]["body"]["sources"][1], passage);
    let wrong: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| {
                v["envelope"]["body"]["sources"] = json!([{"publication": "MNTV", "quote": "q"}])
            }),
            "date",
        ),
        (
            Box::new(|v| {
                v["envelope"]["body"]["sources"] =
                    json!([{"publication": "MNTV", "date": "29 October 2025", "quote": "q"}])
            }),
            "2025-10-29",
        ),
        (
            Box::new(|v| {
                v["envelope"]["body"]["sources"] =
                    json!([{"publication": "MNTV", "date": "2025-10-29", "quote": "q", "url": "x"}])
            }),
            "url",
        ),
        (
            Box::new(|v| {
                v["envelope"]["body"]["sources"] =
                    json!([{"publication": "MNTV", "date": "2025-10-29", "quote": ""}])
            }),
            "empty",
        ),
        (
            Box::new(|v| v["envelope"]["body"]["sources"] = json!([7])),
            "a source is a string",
        ),
    ];
    for (edit, says) in wrong {
        let err = edited(&record, edit).unwrap_err();
        assert!(refused_as_invalid(&err, says), "{err} should say {says}");
    }
}

#[test]
fn an_imported_report_keeps_its_datasets_event_id() {
    let fx = Fx::new();
    let record = a_report(&fx);
    // A report filed directly says nothing of a dataset: its canonical form
    // is what it was before the field existed.
    assert!(
        to_value(&record)["envelope"]["body"]
            .get("imported_from")
            .is_none()
    );
    let ok = edited(&record, |v| {
        v["envelope"]["body"]["imported_from"] = json!({"dataset": "acled", "event_id": "PAK12345"})
    })
    .unwrap();
    match ok.body() {
        Body::IncidentReport(b) => {
            let event = b.imported_from.as_ref().unwrap();
            assert_eq!(event.dataset, truce_core::kinds::incident::Dataset::Acled);
            assert_eq!(event.event_id.as_str(), "PAK12345");
        }
        other => panic!("{other:?}"),
    }
    let wrong: Vec<(Value, &str)> = vec![
        (
            json!({"dataset": "acled", "event_id": "PAK 12345"}),
            "one token",
        ),
        (
            json!({"dataset": "acled", "event_id": "x".repeat(101)}),
            "at most 100",
        ),
        (json!({"dataset": "acled", "event_id": ""}), "empty"),
        (
            json!({"dataset": "gdelt", "event_id": "1"}),
            "unknown variant",
        ),
        (
            json!({"dataset": "ucdp_ged", "event_id": "1", "row": 2}),
            "unknown field",
        ),
    ];
    for (event, says) in wrong {
        let err = edited(&record, |v| {
            v["envelope"]["body"]["imported_from"] = event.clone()
        })
        .unwrap_err();
        assert!(refused_as_invalid(&err, says), "{err} should say {says}");
    }
}

#[test]
fn coordinates_off_the_globe_are_refused() {
    let fx = Fx::new();
    let record = a_report(&fx);
    for (lat, lon) in [
        (90_000_001_i64, 0_i64),
        (-90_000_001, 0),
        (0, 180_000_001),
        (0, -180_000_001),
        (4_000_000_000, 0),
    ] {
        let err = edited(&record, |v| {
            v["envelope"]["body"]["places"][0]["point"] = json!({"lat_e6": lat, "lon_e6": lon})
        })
        .unwrap_err();
        assert!(refused_as_invalid(&err, ""), "({lat}, {lon}): {err}");
    }
    for (lat, lon) in [
        (90_000_000_i64, 180_000_000_i64),
        (-90_000_000, -180_000_000),
    ] {
        let ok = edited(&record, |v| {
            v["envelope"]["body"]["places"][0]["point"] = json!({"lat_e6": lat, "lon_e6": lon})
        });
        // Parses (the signature no longer matches, which admission checks).
        assert!(ok.is_ok(), "({lat}, {lon}): {ok:?}");
    }
}

#[test]
fn times_have_exactly_one_spelling() {
    let fx = Fx::new();
    let record = a_report(&fx);
    for bad in [
        "2025-10-26T09:00:00+00:00",
        "2025-10-26T14:00:00+05:00",
        "2025-10-26T09:00:00.000Z",
        "2025-10-26t09:00:00z",
        "2025-10-26 09:00:00Z",
        "2025-10-26T09:00Z",
        "2025-10-26",
        "1761469200",
    ] {
        let err = edited(&record, |v| v["envelope"]["time"] = json!(bad)).unwrap_err();
        assert!(
            matches!(err, RecordError::Malformed(_)),
            "envelope time {bad}: {err}"
        );
        let err = edited(&record, |v| {
            v["envelope"]["body"]["time"]["at"] = json!(bad)
        })
        .unwrap_err();
        assert!(
            matches!(err, RecordError::Invalid(_)),
            "event time {bad}: {err}"
        );
    }
    let err = edited(&record, |v| v["envelope"]["time"] = json!(1_761_469_200)).unwrap_err();
    assert!(matches!(err, RecordError::Malformed(_)));
}

#[test]
fn a_body_may_name_only_records_its_envelope_refs_list() {
    let mut fx = Fx::new();
    let report = fx.admit(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    );
    let draft = fx.draft(AF, response(report.hash(), "deny"));
    let mut envelope = draft.envelope().unwrap();
    assert_eq!(envelope.refs.as_slice(), &[report.hash()]);
    envelope.refs = Bounded::default();
    let err = sign_envelope(envelope.clone(), &[fx.key(AF)]).unwrap_err();
    assert!(
        matches!(err, RecordError::RefNotListed(h) if h == report.hash()),
        "{err}"
    );
    // A ref listed twice is refused as well.
    envelope.refs = Bounded::new(vec![report.hash(), report.hash()]).unwrap();
    let err = sign_envelope(envelope.clone(), &[fx.key(AF)]).unwrap_err();
    assert!(
        matches!(err, RecordError::RefTwice(h) if h == report.hash()),
        "{err}"
    );
    // Extra refs beyond the body's are allowed (e.g. a correction's target).
    envelope.refs = Bounded::new(vec![report.hash(), fx.log[0].record.hash()]).unwrap();
    let record = sign_envelope(envelope, &[fx.key(AF)]).unwrap();
    fx.admit_record(&record);
}

#[test]
fn envelopes_of_another_version_kind_or_without_signatures_are_refused() {
    let fx = Fx::new();
    let record = a_report(&fx);
    assert_eq!(
        edited(&record, |v| v["envelope"]["v"] = json!(2)).unwrap_err(),
        RecordError::Version(2)
    );
    assert_eq!(
        edited(&record, |v| v["signatures"] = json!([])).unwrap_err(),
        RecordError::Unsigned
    );
    let err = edited(&record, |v| v["envelope"]["kind"] = json!("statement")).unwrap_err();
    assert!(refused_as_invalid(&err, ""), "{err}");
    let err = edited(&record, |v| {
        v["envelope"]["kind"] = json!("incident.rumour")
    })
    .unwrap_err();
    assert!(matches!(err, RecordError::Malformed(_)), "{err}");
    let err = Record::from_json(b"{\"envelope\": ").unwrap_err();
    assert!(matches!(err, RecordError::NotJson(_)), "{err}");
    // A signature that is not 64 bytes of base64 is refused when checked.
    let bad = edited(&record, |v| v["signatures"][0]["sig"] = json!("AAAA")).unwrap();
    let key = fx.key(PK).signing_key().verifying_key();
    assert_eq!(
        bad.verify_signature(0, &key),
        Err(RecordError::SignatureEncoding { index: 0 })
    );
}

#[test]
fn a_sealed_part_commits_to_its_salt_and_content_without_revealing_them() {
    let fx = Fx::new();
    let opening = Opening::new(
        [9; 32],
        json!({"source": "informant 12", "unit": "border police"}),
    );
    let sealed = SealedPart {
        digest: opening.digest().unwrap(),
        readers: Bounded::new(vec![ParticipantId::parse(TURKIYE).unwrap()]).unwrap(),
    };
    let mut draft = fx.draft(PK, evidence(None));
    draft.confidential = Some(sealed.clone());
    let record = fx.sign_draft(&draft);
    let leaf = std::str::from_utf8(record.leaf()).unwrap();
    assert!(leaf.contains(&sealed.digest.to_base64()));
    assert!(!leaf.contains("informant") && !leaf.contains(&opening.salt));

    assert_eq!(opening.matches(&sealed), Ok(()));
    // The same content with members in another order is the same content.
    let reordered: Value =
        serde_json::from_str(r#"{ "unit" : "border police", "source" : "informant 12" }"#).unwrap();
    let same = Opening {
        salt: opening.salt.clone(),
        content: reordered,
    };
    assert_eq!(same.matches(&sealed), Ok(()));
    let other_content = Opening::new(
        [9; 32],
        json!({"source": "informant 13", "unit": "border police"}),
    );
    assert_eq!(other_content.matches(&sealed), Err(SealError::Mismatch));
    let other_salt = Opening::new(
        [8; 32],
        json!({"source": "informant 12", "unit": "border police"}),
    );
    assert_eq!(other_salt.matches(&sealed), Err(SealError::Mismatch));
    let short_salt = Opening {
        salt: "c2FsdA==".into(),
        content: opening.content.clone(),
    };
    assert_eq!(short_salt.matches(&sealed), Err(SealError::BadSalt));
    // The digest is SHA-256 over the domain, the salt and the canonical content.
    let mut h = Sha256::new();
    h.update(b"truce-sealed-v1\n");
    h.update([9u8; 32]);
    h.update(br#"{"source":"informant 12","unit":"border police"}"#);
    assert_eq!(sealed.digest, Hash(h.finalize().into()));
}

#[test]
fn an_absent_value_has_one_spelling_so_null_is_refused() {
    let fx = Fx::new();
    let record = a_report(&fx);
    let refused = edited(&record, |v| v["envelope"]["body"]["actor"] = Value::Null);
    assert!(
        matches!(refused, Err(RecordError::Canonical(CanonicalError::Null { ref path })) if path == "$.envelope.body.actor"),
        "{refused:?}"
    );
}

/// Whether a record was refused for its body — a field the reader refuses,
/// or a rule spanning fields — with a message that says `says`.
fn refused_as_invalid(err: &RecordError, says: &str) -> bool {
    matches!(err, RecordError::Invalid(_) | RecordError::Body { .. })
        && err.to_string().contains(says)
}
