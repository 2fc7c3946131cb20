use crate::note::fuzz_log_key;
use truce_tlog::policy::WitnessPolicy;
use truce_tlog::proof_file::TlogProof;
use truce_tlog::witness::{
    AddCheckpoint, Witnessed, decide, open_checkpoint, parse_cosignatures, parse_size_answer,
};
use truce_tlog::{Cosigner, Hash, NoteSigner, leaf_hash};

/// The fixed witness key the witness target cosigns and checks with.
fn witness_key() -> Cosigner {
    Cosigner::from_note_signer(
        &NoteSigner::from_seed("witness.example/fuzz", [9; 32]).expect("a valid key name"),
    )
}

/// Bytes as a c2sp.org/tlog-witness exchange: an `add-checkpoint` body, a
/// witness's answer, and the witness's decision on the body against fixed
/// states. Never a panic; a parsed body prints back to the same bytes; a
/// decision to cosign is only ever taken from the witness's own size, never
/// to a smaller tree, and at its own size only for its own root; a cosignature
/// made on the checkpoint verifies.
pub fn witness(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_cosignatures(text);
        let _ = parse_size_answer(text);
    }
    let Ok(request) = AddCheckpoint::parse(data) else {
        return;
    };
    assert_eq!(
        request.encode().as_bytes(),
        data,
        "a parsed add-checkpoint body prints otherwise"
    );
    let log = fuzz_log_key().verifier();
    let trusted = |origin: &str| {
        if origin == log.name() {
            vec![log.clone()]
        } else {
            vec![]
        }
    };
    let Ok(accepted) = open_checkpoint(&request, &trusted) else {
        return;
    };
    let size = accepted.checkpoint.size;
    let states = [
        None,
        Some(Witnessed {
            size: 0,
            root: truce_tlog::empty_root(),
            note: String::new(),
        }),
        Some(Witnessed {
            size: request.old_size,
            root: Hash([3; 32]),
            note: String::new(),
        }),
        Some(Witnessed {
            size,
            root: accepted.checkpoint.root,
            note: String::new(),
        }),
    ];
    for held in &states {
        if decide(&request, &accepted, held.as_ref()).is_ok() {
            let held_size = held.as_ref().map_or(0, |w| w.size);
            assert_eq!(request.old_size, held_size, "cosigned from another size");
            assert!(size >= held_size, "cosigned a smaller tree");
            if let Some(w) = held
                && w.size == size
            {
                assert_eq!(w.root, accepted.checkpoint.root, "cosigned a fork");
            }
            let line = witness_key()
                .cosign(&accepted.note.text, 1_800_000_000)
                .expect("a cosignature");
            assert_eq!(
                witness_key().verifier().verify(&accepted.note.text, &line),
                Ok(1_800_000_000),
                "a cosignature does not verify"
            );
        }
    }
}

/// Bytes as a c2sp.org/tlog-policy text and as a c2sp.org/tlog-proof file:
/// never a panic; a parsed proof prints back to the same bytes and verifies
/// under `quorum none` only for the leaf it proves, if at all; a parsed
/// policy answers whether names meet its quorum.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = WitnessPolicy::parse(text) {
        let names: Vec<&str> = policy.witnesses().iter().map(|w| w.name.as_str()).collect();
        assert!(
            policy.satisfied_by(&names),
            "every witness together misses the quorum"
        );
        let _ = policy.satisfied_by(&[]);
    }
    if let Ok(proof) = TlogProof::parse(text) {
        assert_eq!(proof.encode(), text, "a parsed proof prints otherwise");
        let none = WitnessPolicy::parse("quorum none\n").expect("quorum none");
        let logs = [fuzz_log_key().verifier()];
        if let Some(leaf) = proof.extra_leaf_hash()
            && proof.verify(&leaf, &logs, &none).is_ok()
        {
            assert!(
                proof
                    .verify(&leaf_hash(b"another entry"), &logs, &none)
                    .is_err()
                    || leaf == leaf_hash(b"another entry"),
                "a proof verifies for two leaves"
            );
        }
    }
}
