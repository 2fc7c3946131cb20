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
    for app in every_backend() {
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
        // Beyond the log, or between sizes no proof joins: no such proof, a
        // clear 404, not a panic.
        for missing in [
            format!("/api/v1/proof/inclusion?index={}", checkpoint.size),
            format!(
                "/api/v1/proof/inclusion?index=0&size={}",
                checkpoint.size + 1
            ),
            "/api/v1/proof/consistency?from=5&to=3".to_string(),
        ] {
            assert_eq!(app.get(&missing).status(), 404, "{missing}");
        }
        // Malformed, or past the largest position a request may name: 400.
        for malformed in [
            "/api/v1/proof/inclusion?index=abc",
            "/api/v1/proof/inclusion?index=9007199254740992",
            "/api/v1/proof/consistency?from=-1",
        ] {
            assert_eq!(app.get(malformed).status(), 400, "{malformed}");
        }
    }
}

#[test]
fn a_record_bundle_verifies_offline_and_a_tampered_one_does_not() {
    // The scenario's charter wants all four participants' witnesses, and
    // none runs beside this test server: held to the charter's policy, a
    // bundle is refused for want of the quorum. (`truce demo`, which runs
    // them, serves bundles that meet it: see the CLI's demo tests.)
    let lenient = truce_tlog::WitnessPolicy::parse("quorum none\n").unwrap();
    for app in every_backend() {
        for index in [0u64, 20, 60] {
            let bundle: truce_ledger::bundle::Bundle =
                serde_json::from_value(app.get_json(&format!("/api/v1/records/{index}/bundle")))
                    .unwrap();
            let refused = truce_ledger::bundle::verify_bundle(&bundle, Some(&app.log_key), None)
                .unwrap_err()
                .to_string();
            assert!(
                refused.contains("does not meet the witness quorum everyone"),
                "{refused}"
            );
            let report =
                truce_ledger::bundle::verify_bundle(&bundle, Some(&app.log_key), Some(&lenient))
                    .unwrap();
            assert_eq!(report.index, index);
            let mut tampered = bundle.clone();
            tampered.record.proof.reverse();
            tampered.record.proof.push(Hash([7; 32]));
            assert!(
                truce_ledger::bundle::verify_bundle(&tampered, Some(&app.log_key), Some(&lenient))
                    .is_err()
            );
            // The bundle carries the charter (or its key record is the
            // charter), so it stands alone without a pinned log key.
            assert_eq!(
                bundle.charter.is_some(),
                index != 0 && bundle.key_record.index != 0
            );
            assert!(truce_ledger::bundle::verify_bundle(&bundle, None, Some(&lenient)).is_ok());
        }
    }
}

#[test]
fn tiles_rebuild_the_checkpointed_tree() {
    for app in every_backend() {
        let note = app.get("/checkpoint").text().unwrap();
        let checkpoint = Checkpoint::open(&note, &app.log_key).unwrap();
        let size = checkpoint.size;
        assert!(size < 256, "the scenario fits one partial tile");
        let hashes = app.get(&format!("/tile/0/000.p/{size}"));
        assert_eq!(hashes.status(), 200);
        let hashes = hashes.bytes().unwrap();
        assert_eq!(hashes.len() as u64, 32 * size);
        let mut frontier = truce_tlog::Frontier::new();
        for chunk in hashes.chunks(32) {
            frontier.append(Hash::from_slice(chunk).unwrap());
        }
        assert_eq!(frontier.root(), checkpoint.root);

        let entries = app
            .get(&format!("/tile/entries/000.p/{size}"))
            .bytes()
            .unwrap();
        let mut at = 0;
        let mut leaf_hashes = Vec::new();
        while at < entries.len() {
            let len = u16::from_be_bytes([entries[at], entries[at + 1]]) as usize;
            leaf_hashes.push(truce_tlog::leaf_hash(&entries[at + 2..at + 2 + len]));
            at += 2 + len;
        }
        assert_eq!(leaf_hashes.len() as u64, size);
        assert!(
            leaf_hashes
                .iter()
                .zip(hashes.chunks(32))
                .all(|(h, c)| h.0 == c)
        );

        // A narrower partial tile is the tree as it stood at that size: a
        // prefix of the rightmost tile.
        let first = app.get("/tile/entries/000.p/1").bytes().unwrap();
        assert_eq!(&first[..], &entries[..first.len()]);
        assert_eq!(
            truce_tlog::leaf_hash(&first[2..]).0,
            hashes[..32],
            "record 0 alone"
        );

        // Tiles that do not exist in the checkpointed tree, or badly spelled paths.
        let wider = format!("/tile/0/000.p/{}", size + 1);
        for missing in [
            "/tile/0/000",
            wider.as_str(),
            "/tile/1/000.p/1",
            "/tile/0/001.p/3",
            "/tile/0/1",
        ] {
            assert_eq!(app.get(missing).status(), 404, "{missing}");
        }
    }
}

/// `GET /api/v1/records/{index}/proof`: a c2sp.org/tlog-proof@v1 file whose
/// extra data is the record and whose checkpoint is the log's.
#[test]
fn a_record_proof_file_carries_the_record_and_verifies() {
    let none = truce_tlog::WitnessPolicy::parse("quorum none\n").unwrap();
    for app in every_backend() {
        let r = app.get("/api/v1/records/20/proof");
        assert_eq!(r.status(), 200);
        let text = r.text().unwrap();
        let proof = truce_tlog::proof_file::TlogProof::parse(&text).unwrap();
        assert_eq!(proof.index, 20);
        let record = app.get_json("/api/v1/records/20");
        let leaf = Hash::from_base64(record["leaf_hash"].as_str().unwrap()).unwrap();
        assert_eq!(proof.extra_leaf_hash(), Some(leaf));
        proof
            .verify(&leaf, std::slice::from_ref(&app.log_key), &none)
            .unwrap();
        assert_eq!(app.get("/api/v1/records/999999/proof").status(), 404);
    }
}
