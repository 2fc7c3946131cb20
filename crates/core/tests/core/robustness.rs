//! Untrusted bytes never panic the parser or admission: whatever arrives, the
//! answer is a record or an error (and an admitted record is always one the
//! author signed).

use super::support::*;
use proptest::prelude::*;
use truce_core::Record;

fn valid_leaf() -> (Fx, Vec<u8>) {
    let fx = Fx::new();
    let record = fx.sign(
        PK,
        incident(Some(AFGHANISTAN), "shelling", "2025-10-26T06:00:00Z"),
    );
    let leaf = record.leaf().to_vec();
    (fx, leaf)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn arbitrary_bytes_are_a_record_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = Record::from_json(&bytes);
    }
}

proptest! {
    // Each case verifies a signature (slow in debug builds): fewer cases.
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn a_mutated_record_is_refused_or_still_carries_a_valid_signature(
        flips in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<proptest::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (mut fx, leaf) = valid_leaf();
        let mut bytes = leaf.clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(record) = Record::from_json(&bytes) {
            let admitted = fx.state.admit(&record).is_ok();
            // Only a change that leaves the signed envelope intact can be admitted.
            if admitted {
                prop_assert_eq!(record.signing_message().unwrap(), Record::from_json(&leaf).unwrap().signing_message().unwrap());
            }
        }
    }
}
