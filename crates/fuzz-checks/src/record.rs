use serde_json::Value;
use truce_core::canonical::to_canonical_bytes;
use truce_core::record::signing_message;
use truce_core::{Record, strict_json};
use truce_tlog::leaf_hash;

/// Bytes from outside as a record (`Record::from_json`, the server's and the
/// CLI's way in): never a panic; strict JSON reads what serde_json reads when
/// it accepts; an accepted record's leaf is its canonical form, and reading
/// the leaf again gives the same record, leaf and hash; the stored-leaf
/// reader agrees with it on every input.
pub fn record(data: &[u8]) {
    if let Ok(strict) = strict_json::from_slice(data) {
        let plain: Value =
            serde_json::from_slice(data).expect("strict JSON accepted what serde_json refuses");
        assert_eq!(strict, plain, "strict JSON read another value");
    }
    // The stored-leaf reader (what `truce verify` uses) accepts exactly the
    // inputs that are the canonical leaf of what `from_json` reads, as the
    // same record.
    let stored = Record::from_canonical_leaf(data);
    let Ok(record) = Record::from_json(data) else {
        assert!(
            stored.is_err(),
            "a leaf from_json refuses was read as stored"
        );
        return;
    };
    match stored {
        Ok(stored) => assert_eq!(stored, record, "the stored-leaf reader read another record"),
        Err(e) => assert_ne!(
            record.leaf(),
            data,
            "a canonical leaf was refused as stored: {e}"
        ),
    }
    assert_eq!(
        record.hash(),
        leaf_hash(record.leaf()),
        "hash is not the leaf's"
    );
    assert_eq!(
        to_canonical_bytes(&record.signed()).expect("an accepted record canonicalises"),
        record.leaf(),
        "the leaf is not the RFC 8785 form of the signed record"
    );
    let again = Record::from_json(record.leaf()).expect("a record's own leaf is refused");
    assert_eq!(
        again.leaf(),
        record.leaf(),
        "the leaf does not re-serialise to itself"
    );
    assert_eq!(again.hash(), record.hash());
    assert_eq!(again, record, "the leaf reads as another record");
    assert_eq!(
        Record::from_canonical_leaf(record.leaf()).as_ref(),
        Ok(&record),
        "a record's own leaf is refused as stored"
    );
    assert_eq!(
        record
            .signing_message()
            .expect("a parsed record's leaf holds its envelope"),
        signing_message(&record.signed().envelope).expect("an accepted envelope canonicalises"),
        "the signed bytes taken from the leaf are not the envelope's signing message"
    );
}
