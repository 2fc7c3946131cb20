//! Cosignatures (c2sp.org/tlog-cosignature), policies (c2sp.org/tlog-policy)
//! and the witness protocol (c2sp.org/tlog-witness): published material
//! first — a real checkpoint cosigned by public witnesses, Go's vectors, the
//! spec's example request — then every branch of a witness's decision.

use super::*;
use truce_tlog::cosignature::{CosignatureVerifier, Cosigner, cosignature_timestamp};
use truce_tlog::policy::WitnessPolicy;
use truce_tlog::witness::{AddCheckpoint, Refusal, Witnessed, decide, open_checkpoint};

fn public() -> serde_json::Value {
    read_json(&vectors_dir("cosignature/public-witnesses.json"))
}

fn go() -> serde_json::Value {
    read_json(&vectors_dir("cosignature/transparency-dev-formats.json"))
}

fn witness_keys(v: &serde_json::Value) -> Vec<CosignatureVerifier> {
    v["witness_vkeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| CosignatureVerifier::from_vkey(k.as_str().unwrap()).unwrap())
        .collect()
}

mod cosignatures {
    use super::*;

    #[test]
    fn every_public_witness_cosignature_on_a_real_checkpoint_verifies() {
        let v = public();
        let note = parse_note(v["checkpoint"].as_str().unwrap()).unwrap();
        let keys = witness_keys(&v);
        assert_eq!(keys.len(), 4);
        for key in &keys {
            let line = note
                .signatures
                .iter()
                .find(|s| key.is_signer_of(s))
                .unwrap_or_else(|| panic!("no line by {}", key.name()));
            let timestamp = key.verify(&note.text, line).unwrap();
            // They cosigned in 2026 (the time is in the signature).
            assert!(
                (1_767_225_600..1_798_761_600).contains(&timestamp),
                "{timestamp}"
            );
        }
        // The same lines do not verify on another text.
        let forged = note.text.replace("1432088532", "1432088533");
        for key in &keys {
            let line = note
                .signatures
                .iter()
                .find(|s| key.is_signer_of(s))
                .unwrap();
            assert!(key.verify(&forged, line).is_err());
        }
        // And the log's Ed25519 signature opens the note as a checkpoint.
        let log = NoteVerifier::from_vkey(v["log_vkey"].as_str().unwrap()).unwrap();
        let cp = Checkpoint::open(v["checkpoint"].as_str().unwrap(), &log).unwrap();
        assert_eq!(cp.size, 1_432_088_532);
    }

    #[test]
    fn a_policy_over_the_public_witnesses_counts_who_cosigned() {
        let v = public();
        let mut text = format!("log {}\n", v["log_vkey"].as_str().unwrap());
        let all: Vec<&str> = v["witness_vkeys"]
            .as_array()
            .unwrap()
            .iter()
            .chain(
                v["other_witness_vkeys_not_on_this_checkpoint"]
                    .as_array()
                    .unwrap(),
            )
            .map(|k| k.as_str().unwrap())
            .collect();
        for (i, k) in all.iter().enumerate() {
            text.push_str(&format!("witness w{i} {k}\n"));
        }
        let names: Vec<String> = (0..all.len()).map(|i| format!("w{i}")).collect();
        text.push_str(&format!("group four 4 {}\n", names.join(" ")));
        text.push_str(&format!("group five 5 {}\n", names.join(" ")));
        let policy = WitnessPolicy::parse(&(text.clone() + "quorum four\n")).unwrap();
        let note = parse_note(v["checkpoint"].as_str().unwrap()).unwrap();
        let cosigners = policy.cosigners(&note.text, &note.signatures);
        let who: Vec<&str> = cosigners.iter().map(|c| c.witness.as_str()).collect();
        assert_eq!(who, ["w0", "w1", "w2", "w3"]);
        assert!(policy.quorum_met(&note.text, &note.signatures));
        let stricter = WitnessPolicy::parse(&(text + "quorum five\n")).unwrap();
        assert!(!stricter.quorum_met(&note.text, &note.signatures));
    }

    #[test]
    fn go_vectors_keys_and_timestamps() {
        let g = go();
        let native = CosignatureVerifier::from_vkey(g["vkey_type_0x04"].as_str().unwrap()).unwrap();
        assert_eq!(native.key_id(), 0xda77_ade7);
        assert_eq!(native.vkey(), g["vkey_type_0x04"].as_str().unwrap());
        // A signed-note key is not a witness key as written …
        let plain = g["vkey_type_0x01_converts"].as_str().unwrap();
        assert!(CosignatureVerifier::from_vkey(plain).is_err());
        // … but converts to one, with the 0x04 key ID.
        let converted =
            CosignatureVerifier::from_note_verifier(&NoteVerifier::from_vkey(plain).unwrap());
        assert_ne!(converted.key_id(), 0x7997_405c);
        assert!(converted.vkey().starts_with("TEST+"));
        assert_eq!(
            CosignatureVerifier::from_vkey(&converted.vkey()).unwrap(),
            converted
        );
        for bad in g["bad_vkeys"].as_array().unwrap() {
            assert!(
                CosignatureVerifier::from_vkey(bad.as_str().unwrap()).is_err(),
                "{bad}"
            );
        }
        let line = |b64: &str| {
            let raw = STANDARD.decode(b64).unwrap();
            NoteSignature {
                name: "w".into(),
                key_id: u32::from_be_bytes(raw[..4].try_into().unwrap()),
                signature: raw[4..].to_vec(),
            }
        };
        let ts = &g["timestamp_signature"];
        assert_eq!(
            cosignature_timestamp(&line(ts["base64"].as_str().unwrap())).unwrap(),
            ts["timestamp"].as_u64().unwrap()
        );
        assert!(cosignature_timestamp(&line(g["not_a_cosignature"].as_str().unwrap())).is_err());
    }

    #[test]
    fn a_cosignature_round_trips_and_binds_its_time_and_text() {
        let signer = NoteSigner::from_seed("witness.example/w1", [9; 32]).unwrap();
        let cosigner = Cosigner::from_note_signer(&signer);
        let verifier = cosigner.verifier();
        assert_eq!(
            CosignatureVerifier::from_vkey(&verifier.vkey()).unwrap(),
            verifier
        );
        assert_ne!(verifier.key_id(), signer.key_id());
        let text = "example.com/log\n3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nextension\n";
        let line = cosigner.cosign(text, 1_679_315_147).unwrap();
        assert_eq!(verifier.verify(text, &line).unwrap(), 1_679_315_147);
        // The extension line is covered, and the time cannot be edited.
        assert!(
            verifier
                .verify(&text.replace("extension", "extensioN"), &line)
                .is_err()
        );
        let mut moved = line.clone();
        moved.signature[7] ^= 1;
        assert!(verifier.verify(text, &moved).is_err());
        // A plain note signature by the same key is not a cosignature.
        let plain = parse_note(&sign_note(text, &[&signer]).unwrap()).unwrap();
        assert!(verifier.verify(text, &plain.signatures[0]).is_err());
        // Times above 2^63 - 1 are refused both ways.
        assert!(cosigner.cosign(text, 1 << 63).is_err());
        let mut late = line;
        late.signature[..8].copy_from_slice(&(1u64 << 63).to_be_bytes());
        assert!(cosignature_timestamp(&late).is_err());
    }
}

mod policies {
    use super::*;

    fn w(name: &str, seed: u8) -> String {
        Cosigner::from_note_signer(&NoteSigner::from_seed(name, [seed; 32]).unwrap())
            .verifier()
            .vkey()
    }

    #[test]
    fn the_spec_example_shape_parses_and_evaluates() {
        let log = NoteSigner::from_seed("example.org/log", [1; 32]).unwrap();
        let text = format!(
            "log {}\n\n# X\nwitness X1 {}\nwitness X2 {}\nwitness X3 {} https://x3.example/\ngroup X-witnesses 2 X1 X2 X3\n\n  witness Y1 {}\n\twitness Y2 {}\nwitness Y3 {}\ngroup Y-witnesses any Y1 Y2 Y3\n\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n",
            log.verifier().vkey(),
            w("x1", 11),
            w("x2", 12),
            w("x3", 13),
            w("y1", 21),
            w("y2", 22),
            w("y3", 23)
        );
        let p = WitnessPolicy::parse(&text).unwrap();
        assert_eq!(p.logs().len(), 1);
        assert_eq!(p.witnesses().len(), 6);
        assert_eq!(p.witnesses()[2].url.as_deref(), Some("https://x3.example/"));
        assert_eq!(p.quorum(), Some("X-and-Y"));
        assert!(p.satisfied_by(&["X1", "X3", "Y2"]));
        assert!(!p.satisfied_by(&["X1", "Y1", "Y2", "Y3"]));
        assert!(!p.satisfied_by(&["X1", "X2", "X3"]));
        let none = WitnessPolicy::parse("quorum none\n").unwrap();
        assert!(none.satisfied_by(&[]));
    }

    #[test]
    fn what_the_spec_forbids_is_refused() {
        let a = format!("witness a {}\n", w("a", 1));
        let b = format!("witness b {}\n", w("b", 2));
        let log = NoteSigner::from_seed("l", [3; 32])
            .unwrap()
            .verifier()
            .vkey();
        let plain = NoteSigner::from_seed("p", [4; 32])
            .unwrap()
            .verifier()
            .vkey();
        for bad in [
            String::new(),
            "quorum all\n".to_string(),
            format!("{a}quorum b\n"),
            format!("{a}quorum a\nquorum a\n"),
            format!("{a}{b}group g 3 a b\nquorum g\n"),
            format!("{a}{b}group g 0 a b\nquorum g\n"),
            format!("{a}{b}group g +1 a b\nquorum g\n"),
            format!("{a}group g any a a\nquorum g\n"),
            format!("{a}group g any none\nquorum g\n"),
            format!("{a}group g any b\n{b}quorum g\n"),
            format!("{a}{a}quorum a\n"),
            // Same key under two names.
            format!("{a}witness c {}\nquorum a\n", w("a", 1)),
            format!("log {log}\nlog {log}\nquorum none\n"),
            // A signed-note key where a cosignature key belongs.
            format!("witness p {plain}\nquorum p\n"),
            format!("witness none {}\nquorum none\n", w("n", 5)),
            // Only tab and newline among control characters; no Unicode spaces.
            format!("{a}\rquorum a\n"),
            format!("witness\u{a0}a {}\nquorum a\n", w("a", 1)),
            "cosign everything\nquorum none\n".to_string(),
        ] {
            assert!(WitnessPolicy::parse(&bad).is_err(), "accepted {bad:?}");
        }
        // A '#' inside a line is not a comment (URLs may carry one).
        let p = WitnessPolicy::parse(&format!(
            "witness a {} https://a.example/#frag\nquorum a\n",
            w("a", 1)
        ))
        .unwrap();
        assert_eq!(
            p.witnesses()[0].url.as_deref(),
            Some("https://a.example/#frag")
        );
    }

    #[test]
    fn the_implementation_limits_are_at_least_the_spec_minimum() {
        let mut text = String::new();
        let mut names = Vec::new();
        for i in 0..32u8 {
            text.push_str(&format!("witness w{i} {}\n", w(&format!("w{i}"), i)));
            names.push(format!("w{i}"));
        }
        for g in 0..32 {
            text.push_str(&format!("group g{g} any {}\n", names.join(" ")));
        }
        text.push_str("quorum g31\n");
        let p = WitnessPolicy::parse(&text).unwrap();
        assert!(p.satisfied_by(&["w7"]));
    }
}

mod protocol {
    use super::*;
    use truce_tlog::witness::{parse_cosignatures, parse_size_answer};

    #[test]
    fn the_spec_example_request_parses_and_re_encodes() {
        let body = std::fs::read(vectors_dir("witness/c2sp-tlog-witness-example.txt")).unwrap();
        let req = AddCheckpoint::parse(&body).unwrap();
        assert_eq!(req.old_size, 20_852_014);
        assert_eq!(req.proof.len(), 4);
        assert!(
            req.checkpoint
                .starts_with("example.com/behind-the-sofa\n20852163\n")
        );
        assert_eq!(parse_note(&req.checkpoint).unwrap().signatures.len(), 2);
        assert_eq!(req.encode().as_bytes(), body.as_slice());
    }

    #[test]
    fn malformed_requests_and_answers_are_errors() {
        let cp = "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} o AAAAAAA=\n";
        let proof = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
        for bad in [
            format!("old 1\n{cp}"),
            format!("old 01\n\n{cp}"),
            format!("old -1\n\n{cp}"),
            format!("old 18446744073709551616\n\n{cp}"),
            format!("new 1\n\n{cp}"),
            format!("old 1\nnot base64\n\n{cp}"),
            format!("old 1\n{}\n{cp}", proof.repeat(64)),
        ] {
            assert!(
                AddCheckpoint::parse(bad.as_bytes()).is_err(),
                "accepted {bad:?}"
            );
        }
        assert!(
            AddCheckpoint::parse(format!("old 1\n{}\n{cp}", proof.repeat(63)).as_bytes()).is_ok()
        );
        assert_eq!(parse_size_answer("42\n").unwrap(), 42);
        for bad in ["42", "042\n", "\n", "x\n"] {
            assert!(parse_size_answer(bad).is_err(), "{bad:?}");
        }
        assert!(parse_cosignatures("").is_err());
        assert!(parse_cosignatures("\u{2014} w AAAAAAA=").is_err());
        assert_eq!(
            parse_cosignatures("\u{2014} w AAAAAAA=\n").unwrap().len(),
            1
        );
    }

    struct Log {
        key: NoteSigner,
        leaves: Vec<Hash>,
    }

    impl Log {
        fn new() -> Self {
            Log {
                key: NoteSigner::from_seed("truce.example/log", [5; 32]).unwrap(),
                leaves: vec![],
            }
        }
        fn grow(&mut self, n: usize, salt: &str) {
            for i in 0..n {
                self.leaves.push(leaf_hash(
                    format!("{salt}{}", self.leaves.len() + i).as_bytes(),
                ));
            }
        }
        fn checkpoint(&self, size: u64) -> String {
            let (_, roots) = store_of(&self.leaves[..size as usize]);
            Checkpoint {
                origin: "truce.example/log".into(),
                size,
                root: roots[size as usize],
                extensions: vec![],
            }
            .sign(&self.key)
            .unwrap()
        }
        fn request(&self, old: u64, size: u64) -> AddCheckpoint {
            let (store, _) = store_of(&self.leaves[..size as usize]);
            let proof = if old == 0 || old == size {
                vec![]
            } else {
                consistency_proof(old, size, &store).unwrap()
            };
            AddCheckpoint {
                old_size: old,
                proof,
                checkpoint: self.checkpoint(size),
            }
        }
    }

    fn trusting(log: &Log) -> impl Fn(&str) -> Vec<NoteVerifier> {
        let key = log.key.verifier();
        move |origin: &str| {
            if origin == key.name() {
                vec![key.clone()]
            } else {
                vec![]
            }
        }
    }

    /// Runs the witness's whole decision, storing on success.
    fn submit(log: &Log, held: &mut Option<Witnessed>, req: &AddCheckpoint) -> Result<(), Refusal> {
        let accepted = open_checkpoint(req, &trusting(log))?;
        decide(req, &accepted, held.as_ref())?;
        *held = Some(accepted.witnessed());
        Ok(())
    }

    #[test]
    fn an_honest_log_is_cosigned_all_the_way() {
        let mut log = Log::new();
        log.grow(9, "a");
        let mut held = None;
        submit(&log, &mut held, &log.request(0, 3)).unwrap();
        submit(&log, &mut held, &log.request(3, 3)).unwrap();
        submit(&log, &mut held, &log.request(3, 9)).unwrap();
        assert_eq!(held.as_ref().unwrap().size, 9);
        assert!(
            held.as_ref()
                .unwrap()
                .note
                .starts_with("truce.example/log\n9\n")
        );
    }

    #[test]
    fn every_refusal_has_the_status_the_spec_gives_it() {
        let mut log = Log::new();
        log.grow(8, "a");
        let mut held = None;
        submit(&log, &mut held, &log.request(0, 4)).unwrap();

        // Unknown origin: 404. No trusted signature: 403.
        let stranger = NoteSigner::from_seed("other.example/log", [6; 32]).unwrap();
        let other = AddCheckpoint {
            old_size: 0,
            proof: vec![],
            checkpoint: Checkpoint {
                origin: "other.example/log".into(),
                size: 1,
                root: leaves(1)[0],
                extensions: vec![],
            }
            .sign(&stranger)
            .unwrap(),
        };
        assert_eq!(
            open_checkpoint(&other, &trusting(&log))
                .unwrap_err()
                .status(),
            404
        );
        let impostor = NoteSigner::from_seed("truce.example/log", [7; 32]).unwrap();
        let forged = AddCheckpoint {
            checkpoint: Checkpoint::parse(&parse_note(&log.checkpoint(8)).unwrap().text)
                .unwrap()
                .sign(&impostor)
                .unwrap(),
            ..log.request(4, 8)
        };
        assert_eq!(
            open_checkpoint(&forged, &trusting(&log))
                .unwrap_err()
                .status(),
            403
        );

        // Old size above the checkpoint: 400; the witness's own size, from a
        // log that shows it a smaller tree as its latest, is a rollback.
        let r = submit(
            &log,
            &mut held.clone(),
            &AddCheckpoint {
                old_size: 5,
                ..log.request(0, 3)
            },
        )
        .unwrap_err();
        assert_eq!((r.status(), r.is_evidence()), (400, false));
        let r = submit(
            &log,
            &mut held.clone(),
            &AddCheckpoint {
                old_size: 4,
                ..log.request(0, 3)
            },
        )
        .unwrap_err();
        assert_eq!((r.status(), r.is_evidence()), (400, true));

        // Old size that is not the witness's: 409 with its size.
        let r = submit(&log, &mut held.clone(), &log.request(2, 8)).unwrap_err();
        assert_eq!(r, Refusal::SizeMismatch { latest: 4 });
        assert_eq!(r.status(), 409);

        // A bad proof: 422, kept as evidence.
        let mut req = log.request(4, 8);
        req.proof[0] = leaf_hash(b"x");
        let r = submit(&log, &mut held.clone(), &req).unwrap_err();
        assert_eq!((r.status(), r.is_evidence()), (422, true));
        // A proof where none may be.
        let r = submit(
            &log,
            &mut held.clone(),
            &AddCheckpoint {
                proof: vec![leaf_hash(b"x")],
                ..log.request(4, 4)
            },
        )
        .unwrap_err();
        assert_eq!(r.status(), 422);
        // Nothing changed through all that.
        assert_eq!(held.as_ref().unwrap().size, 4);
    }

    #[test]
    fn a_fork_is_refused_and_kept_as_evidence() {
        let mut honest = Log::new();
        honest.grow(6, "a");
        let mut held = None;
        submit(&honest, &mut held, &honest.request(0, 4)).unwrap();

        // The same key signs another history: same size, other root → 409.
        let mut fork = Log::new();
        fork.grow(6, "b");
        let r = submit(&fork, &mut held.clone(), &fork.request(4, 4)).unwrap_err();
        assert_eq!(
            (r.clone(), r.status(), r.is_evidence()),
            (Refusal::RootMismatch, 409, true)
        );
        // Larger, with its own (valid for its history) proof → 422.
        let r = submit(&fork, &mut held.clone(), &fork.request(4, 6)).unwrap_err();
        assert_eq!((r.status(), r.is_evidence()), (422, true));
        // The honest history goes on being cosigned.
        submit(&honest, &mut held, &honest.request(4, 6)).unwrap();
    }
}

mod proof_files {
    use super::*;
    use truce_tlog::proof_file::TlogProof;

    /// A log of 7 entries, its key, a witness, and a proof for entry 3
    /// against a checkpoint that witness cosigned.
    fn fixture() -> (NoteSigner, Cosigner, TlogProof, Vec<u8>) {
        let log = NoteSigner::from_seed("truce.example/log", [5; 32]).unwrap();
        let witness =
            Cosigner::from_note_signer(&NoteSigner::from_seed("w.example", [6; 32]).unwrap());
        let entries: Vec<Vec<u8>> = (0..7).map(|i| format!("entry {i}").into_bytes()).collect();
        let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        let (store, roots) = store_of(&leaves);
        let cp = Checkpoint {
            origin: "truce.example/log".into(),
            size: 7,
            root: roots[7],
            extensions: vec![],
        };
        let mut note = parse_note(&cp.sign(&log).unwrap()).unwrap();
        note.signatures
            .push(witness.cosign(&note.text, 1_761_436_800).unwrap());
        let proof = TlogProof {
            extra: Some(entries[3].clone()),
            index: 3,
            proof: inclusion_proof(3, 7, &store).unwrap(),
            checkpoint: note.encode(),
        };
        (log, witness, proof, entries[3].clone())
    }

    fn policy(witness: &Cosigner, quorum: &str) -> WitnessPolicy {
        WitnessPolicy::parse(&format!(
            "witness w {}\nquorum {quorum}\n",
            witness.verifier().vkey()
        ))
        .unwrap()
    }

    #[test]
    fn a_proof_round_trips_and_verifies_under_the_policy() {
        let (log, witness, proof, entry) = fixture();
        let text = proof.encode();
        assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra "));
        assert!(text.contains("\nindex 3\n"));
        let parsed = TlogProof::parse(&text).unwrap();
        assert_eq!(parsed, proof);
        assert_eq!(parsed.extra_leaf_hash(), Some(leaf_hash(&entry)));
        let verified = parsed
            .verify(
                &leaf_hash(&entry),
                &[log.verifier()],
                &policy(&witness, "w"),
            )
            .unwrap();
        assert_eq!(verified.checkpoint.size, 7);
        assert_eq!(verified.cosigners[0].witness, "w");
        // Without extra data, the index line comes second.
        let bare = TlogProof {
            extra: None,
            ..proof
        };
        assert_eq!(TlogProof::parse(&bare.encode()).unwrap(), bare);
    }

    #[test]
    fn a_proof_that_misses_the_quorum_or_does_not_prove_fails() {
        let (log, witness, proof, entry) = fixture();
        let leaf = leaf_hash(&entry);
        // Another witness's policy: the cosignature present is not one it counts.
        let other =
            Cosigner::from_note_signer(&NoteSigner::from_seed("x.example", [7; 32]).unwrap());
        let err = proof
            .verify(&leaf, &[log.verifier()], &policy(&other, "w"))
            .unwrap_err();
        assert!(
            err.to_string().contains("do not meet the quorum w"),
            "{err}"
        );
        // No cosignature is needed under `quorum none`.
        assert!(
            proof
                .verify(
                    &leaf,
                    &[log.verifier()],
                    &WitnessPolicy::parse("quorum none\n").unwrap()
                )
                .is_ok()
        );
        // Another entry, another index, a wrong log key: refused.
        assert!(
            proof
                .verify(
                    &leaf_hash(b"entry 4"),
                    &[log.verifier()],
                    &policy(&witness, "w")
                )
                .is_err()
        );
        let moved = TlogProof {
            index: 4,
            ..proof.clone()
        };
        assert!(
            moved
                .verify(&leaf, &[log.verifier()], &policy(&witness, "w"))
                .is_err()
        );
        let stranger = NoteSigner::from_seed("truce.example/log", [8; 32]).unwrap();
        assert!(
            proof
                .verify(&leaf, &[stranger.verifier()], &policy(&witness, "w"))
                .is_err()
        );
    }

    #[test]
    fn malformed_proof_files_are_refused() {
        let (_, _, proof, _) = fixture();
        let good = proof.encode();
        for bad in [
            good.replacen("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2", 1),
            good.replacen("index 3", "index 03", 1),
            good.replacen("index 3", "index -3", 1),
            good.replacen("index 3", "3", 1),
            good.replacen("extra ", "extra !", 1),
            good.replacen("\n\n", "\n", 1),
            good.replacen("\nindex 3\n", "\nindex 3\nnot-a-hash\n", 1),
        ] {
            assert!(TlogProof::parse(&bad).is_err(), "accepted {bad:?}");
        }
    }
}
