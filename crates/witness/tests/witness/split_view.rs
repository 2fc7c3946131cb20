//! A dishonest operator, for real: the genuine log key signs two histories
//! that share a prefix, and each is shown to some of the participants'
//! witnesses (real services on loopback). No witness cosigns both; at most
//! one history gathers the quorum; the witnesses that were shown the other
//! keep both signed checkpoints as proof; and a proof of an entry of the
//! history without the quorum does not verify under the policy.

use super::*;
use truce_tlog::WitnessPolicy;
use truce_tlog::proof_file::TlogProof;

const PARTICIPANTS: [&str; 4] = ["pakistan", "afghanistan", "turkiye", "qatar"];

fn cosigners() -> Vec<Cosigner> {
    (0u8..4)
        .map(|i| {
            Cosigner::from_note_signer(
                &NoteSigner::from_seed(
                    &format!("{}.witness", PARTICIPANTS[i as usize]),
                    [40 + i; 32],
                )
                .unwrap(),
            )
        })
        .collect()
}

/// Three of the four must cosign: a majority, so two histories cannot both
/// meet it while every witness is honest.
fn policy(keys: &[Cosigner]) -> WitnessPolicy {
    let mut text = String::new();
    for (name, key) in PARTICIPANTS.iter().zip(keys) {
        text.push_str(&format!("witness {name} {}\n", key.verifier().vkey()));
    }
    text.push_str("group three 3 pakistan afghanistan turkiye qatar\nquorum three\n");
    WitnessPolicy::parse(&text).unwrap()
}

/// Submits `log`'s checkpoint of `size` to a witness that holds `old`, and
/// returns the status and the answer.
fn show(w: &Running, log: &Log, old: u64, size: u64) -> (u16, String) {
    let (status, _, body) = post(&w.url, &log.request(old, size));
    (status, body)
}

/// The checkpoint of `size` of `log`, with every cosignature the witnesses
/// returned for it.
fn cosigned(log: &Log, size: u64, answers: &[String]) -> String {
    let body = log.request(0, size);
    let mut note = parse_note(&AddCheckpoint::parse(body.as_bytes()).unwrap().checkpoint).unwrap();
    for a in answers {
        note.signatures
            .extend(truce_tlog::witness::parse_cosignatures(a).unwrap());
    }
    note.encode()
}

#[test]
fn two_histories_cannot_both_gather_the_quorum() {
    let tmp = tempfile::tempdir().unwrap();
    // Both histories share their first 5 entries, then diverge.
    let mut honest = Log::new("shared", 5);
    let mut forked = Log::new("shared", 5);
    honest
        .leaves
        .extend((0..4).map(|i| leaf_hash(format!("A{i}").as_bytes())));
    forked
        .leaves
        .extend((0..4).map(|i| leaf_hash(format!("B{i}").as_bytes())));
    let keys = cosigners();
    let policy = policy(&keys);
    let witnesses: Vec<Running> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| start_with(&tmp.path().join(PARTICIPANTS[i]), &honest, k.clone()))
        .collect();

    // Everyone cosigns the shared prefix.
    for w in &witnesses {
        assert_eq!(show(w, &honest, 0, 5).0, 200);
    }
    // History A is shown to Pakistan's, Türkiye's and Qatar's witnesses;
    // history B to Afghanistan's.
    let mut a_answers = Vec::new();
    for i in [0, 2, 3] {
        let (status, body) = show(&witnesses[i], &honest, 5, 9);
        assert_eq!(status, 200);
        a_answers.push(body);
    }
    let (status, b_answer) = show(&witnesses[1], &forked, 5, 9);
    assert_eq!(status, 200);

    // The operator now tries to get B cosigned by the others: each refuses
    // (it holds A's size 9 and another root), and keeps the proof.
    for i in [0, 2, 3] {
        let (status, _) = show(&witnesses[i], &forked, 9, 9);
        assert_eq!(status, 409, "{} cosigned a second history", PARTICIPANTS[i]);
        let (_, ev) = get(&format!("{}/evidence", witnesses[i].url));
        let ev: serde_json::Value = serde_json::from_str(&ev).unwrap();
        assert_eq!(ev[0]["kind"], "fork");
        let cosigned_cp =
            Checkpoint::open(ev[0]["cosigned"].as_str().unwrap(), &honest.key.verifier()).unwrap();
        let request = AddCheckpoint::parse(ev[0]["request"].as_str().unwrap().as_bytes()).unwrap();
        let presented = Checkpoint::open(&request.checkpoint, &honest.key.verifier()).unwrap();
        assert_eq!((cosigned_cp.size, presented.size), (9, 9));
        assert_ne!(
            cosigned_cp.root, presented.root,
            "two signed roots for one size: the fork"
        );
    }
    // And Afghanistan's witness will not take A either.
    assert_eq!(show(&witnesses[1], &honest, 9, 9).0, 409);

    // Only history A meets the quorum.
    let a_note = cosigned(&honest, 9, &a_answers);
    let b_note = cosigned(&forked, 9, std::slice::from_ref(&b_answer));
    let a = parse_note(&a_note).unwrap();
    let b = parse_note(&b_note).unwrap();
    assert!(policy.quorum_met(&a.text, &a.signatures));
    assert!(!policy.quorum_met(&b.text, &b.signatures));

    // A proof of an entry only history B has does not verify under the
    // policy; the same entry position in A does.
    let (store_b, _) = forked.store(9);
    let b_proof = TlogProof {
        extra: None,
        index: 7,
        proof: inclusion_proof(7, 9, &store_b).unwrap(),
        checkpoint: b_note,
    };
    let err = b_proof
        .verify(&forked.leaves[7], &[honest.key.verifier()], &policy)
        .unwrap_err();
    assert!(
        err.to_string().contains("do not meet the quorum three"),
        "{err}"
    );
    let (store_a, _) = honest.store(9);
    let a_proof = TlogProof {
        extra: None,
        index: 7,
        proof: inclusion_proof(7, 9, &store_a).unwrap(),
        checkpoint: a_note,
    };
    a_proof
        .verify(&honest.leaves[7], &[honest.key.verifier()], &policy)
        .unwrap();
}

#[test]
fn a_rollback_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let log = Log::new("a", 8);
    let keys = cosigners();
    let w = start_with(&tmp.path().join("pakistan"), &log, keys[0].clone());
    assert_eq!(show(&w, &log, 0, 8).0, 200);
    // The operator drops the last record and presents the shorter tree as
    // its latest, then tries a different eighth record in its place.
    let (status, _, _) = post(&w.url, &log.request(7, 7).replacen("old 7", "old 8", 1));
    assert_eq!(status, 400);
    let mut rewritten = Log::new("a", 7);
    rewritten
        .leaves
        .push(leaf_hash(b"a different eighth record"));
    assert_eq!(show(&w, &rewritten, 8, 8).0, 409);
    let (_, ev) = get(&format!("{}/evidence", w.url));
    let ev: serde_json::Value = serde_json::from_str(&ev).unwrap();
    let kinds: Vec<&str> = ev
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rollback", "fork"]);
}
