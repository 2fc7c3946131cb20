use crate::support::*;
use truce_tlog::{Checkpoint, Hash};

fn hashes(v: &serde_json::Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn the_checkpoint_is_signed_and_proofs_verify_against_it() {
    let app = spawn_app();
    let note = app.get("/checkpoint").text().unwrap();
    let checkpoint = Checkpoint::open(&note, &app.log_key).unwrap();
    assert!(checkpoint.size > 50);
    for index in [0, 1, 17, checkpoint.size - 1] {
        let p = app.get_json(&format!("/api/v1/proof/inclusion?index={index}"));
        assert_eq!(p["tree_size"].as_u64(), Some(checkpoint.size));
        let leaf = Hash::from_base64(p["leaf_hash"].as_str().unwrap()).unwrap();
        truce_tlog::verify_inclusion(
            &leaf,
            index,
            checkpoint.size,
            &hashes(&p["proof"]),
            &checkpoint.root,
        )
        .unwrap();
    }
    let c = app.get_json("/api/v1/proof/consistency?from=10");
    assert_eq!(c["size2"].as_u64(), Some(checkpoint.size));
    // Out of range: a clear 400, not a panic.
    assert_eq!(
        app.get(&format!(
            "/api/v1/proof/inclusion?index={}",
            checkpoint.size
        ))
        .status(),
        400
    );
    assert_eq!(
        app.get("/api/v1/proof/consistency?from=5&to=3").status(),
        400
    );
    assert_eq!(app.get("/api/v1/proof/inclusion?index=abc").status(), 400);
}

#[test]
fn a_record_bundle_verifies_offline_and_a_tampered_one_does_not() {
    let app = spawn_app();
    for index in [0u64, 20, 60] {
        let bundle: truce_ledger::bundle::Bundle =
            serde_json::from_value(app.get_json(&format!("/api/v1/records/{index}/bundle")))
                .unwrap();
        let report = truce_ledger::bundle::verify_bundle(&bundle, Some(&app.log_key)).unwrap();
        assert_eq!(report.index, index);
        let mut tampered = bundle.clone();
        tampered.record.proof.reverse();
        tampered.record.proof.push(Hash([7; 32]));
        assert!(truce_ledger::bundle::verify_bundle(&tampered, Some(&app.log_key)).is_err());
    }
    // Without a pinned key, only a bundle whose key record is the charter can stand alone.
    let charter_signed: truce_ledger::bundle::Bundle =
        serde_json::from_value(app.get_json("/api/v1/records/0/bundle")).unwrap();
    assert!(truce_ledger::bundle::verify_bundle(&charter_signed, None).is_ok());
}
