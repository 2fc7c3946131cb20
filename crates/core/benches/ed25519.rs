//! The machine's raw Ed25519 verification rate under the rules Truce uses
//! (ZIP-215, `ed25519-zebra`): the ceiling for anything that checks every
//! signature, such as `truce verify`. Prints signatures/s checked one at a
//! time on one thread, in batches of 1,024 (the auditor's chunk) on one
//! thread, and in such batches on every core at once.
//!
//!   cargo bench -p truce-core --bench ed25519 [-- SIGNATURES]   (100,000 by default)

use ed25519_dalek::{Signer, SigningKey};
use ed25519_zebra::{Signature, VerificationKey, VerificationKeyBytes, batch};
use std::time::Instant;

const BATCH: usize = 1_024;

type Signed = (VerificationKeyBytes, Signature, Vec<u8>);

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut rng = rand::thread_rng();
    // A few hundred signers, as in a log: keys repeat, messages do not.
    let keys: Vec<SigningKey> = (0..256).map(|_| SigningKey::generate(&mut rng)).collect();
    let signed: Vec<Signed> = (0..n)
        .zip(keys.iter().cycle())
        .map(|(i, key)| {
            let message = format!("record {i}: a message of about the size of a report's signing input, which is a few hundred bytes of canonical JSON").into_bytes();
            let signature = key.sign(&message);
            (
                VerificationKeyBytes::from(key.verifying_key().to_bytes()),
                Signature::from(signature.to_bytes()),
                message,
            )
        })
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("Ed25519 (ZIP-215) verification, {n} signatures, {cores} cores");

    let start = Instant::now();
    let good = signed.iter().all(|(key, sig, msg)| {
        VerificationKey::try_from(*key).is_ok_and(|k| k.verify(sig, msg).is_ok())
    });
    report(
        "one at a time, one thread",
        "limit.ed25519_single",
        n,
        start,
        good,
    );

    let start = Instant::now();
    let good = verify_batches(&signed);
    report(
        "batches of 1,024, one thread",
        "limit.ed25519_batched",
        n,
        start,
        good,
    );

    let start = Instant::now();
    let share = n.div_ceil(cores);
    let good = std::thread::scope(|s| {
        let handles: Vec<_> = signed
            .chunks(share)
            .map(|part| s.spawn(|| verify_batches(part)))
            .collect();
        handles.into_iter().all(|h| h.join().unwrap_or(false))
    });
    report(
        &format!("batches of 1,024, {cores} threads"),
        "limit.ed25519_all_cores",
        n,
        start,
        good,
    );
}

fn verify_batches(signed: &[Signed]) -> bool {
    signed.chunks(BATCH).all(|chunk| {
        let mut verifier = batch::Verifier::new();
        for (key, sig, msg) in chunk {
            verifier.queue((*key, *sig, msg.as_slice()));
        }
        verifier.verify(rand::thread_rng()).is_ok()
    })
}

fn report(label: &str, id: &str, n: usize, start: Instant, good: bool) {
    let seconds = start.elapsed().as_secs_f64();
    if good {
        truce_bench::figure(id, n as f64 / seconds, "signatures/s", label);
    }
    println!(
        "  {label:<32} {:>9.0} signatures/s  ({seconds:.2} s){}",
        n as f64 / seconds,
        if good { "" } else { "  SOME FAILED" }
    );
}
