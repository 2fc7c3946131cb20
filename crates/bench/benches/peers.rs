#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
//! truce-tlog beside the maintained Merkle-tree crates on crates.io, on the
//! same leaves in the same run:
//!
//! - `ct-merkle` (RFC 6962, in memory);
//! - `rs_merkle`, with a hasher that adds RFC 6962's domain separation
//!   (leaves hashed `0x00 ‖ leaf` by us, inner nodes `0x01 ‖ left ‖ right`):
//!   its bottom-up tree, which carries an unpaired last node up unchanged,
//!   is then the RFC 6962 tree, so all three must give the same root — the
//!   bench checks that before it prints a figure.
//!
//! Measured: building the root of N leaves (leaf hashing included), and
//! inclusion proofs — generating and verifying 10,000 at positions spread
//! over the tree. truce-tlog's proofs read the tree's stored nodes through a
//! `HashReader` (here: the nodes kept in memory, level by level, as the
//! frontier hands them out), the peers' read their own in-memory trees.
//!
//!   cargo bench -p truce-bench --bench peers [-- LEAVES]   (1,000,000 by default)

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use rs_merkle::{Hasher, MerkleProof, MerkleTree};
use std::time::Instant;
use truce_bench::figure;
use truce_tlog::{Frontier, Hash, HashReader, NodeId, TlogError, leaf_hash};

const PROOFS: u64 = 10_000;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    // Leaves about the size of a small record's canonical JSON.
    let leaves: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("{{\"index\":{i},\"kind\":\"incident.report\",\"title\":\"a leaf of about a hundred bytes, as a record's canonical form\"}}").into_bytes())
        .collect();
    // Proof positions spread over the whole tree, the same for every crate.
    let positions: Vec<u64> = (0..PROOFS)
        .map(|i| (i.wrapping_mul(2_654_435_761)) % n)
        .collect();
    println!("RFC 6962 trees of {n} leaves, {PROOFS} inclusion proofs, one thread");
    let conditions = format!("{n} leaves of ~110 B, one thread");

    let truce = truce_tlog_tree(&leaves, &positions);
    let ct = ct_merkle_tree(&leaves, &positions);
    let rs = rs_merkle_tree(&leaves, &positions);
    assert_eq!(
        truce.root, ct.root,
        "ct-merkle's root differs from truce-tlog's"
    );
    assert_eq!(
        truce.root, rs.root,
        "rs_merkle's root differs from truce-tlog's"
    );
    println!("  all three roots agree: {}", Hash(truce.root).to_hex());

    for run in [&truce, &ct, &rs] {
        println!(
            "  {:<11} root {:>9.0} leaves/s   proofs {:>9.0}/s made  {:>9.0}/s checked",
            run.name, run.build, run.prove, run.check
        );
        figure(
            &format!("peers.{}.root", run.name),
            run.build,
            "leaves/s",
            &conditions,
        );
        figure(
            &format!("peers.{}.prove", run.name),
            run.prove,
            "proofs/s",
            &conditions,
        );
        figure(
            &format!("peers.{}.check", run.name),
            run.check,
            "proofs/s",
            &conditions,
        );
    }
}

/// One crate's figures over the same leaves.
struct Run {
    name: &'static str,
    root: [u8; 32],
    build: f64,
    prove: f64,
    check: f64,
}

fn per_second(count: usize, start: Instant) -> f64 {
    count as f64 / start.elapsed().as_secs_f64()
}

/// Every node of a tree, level by level, as the frontier hands them out on
/// append: what a store keeps, here in memory.
#[derive(Default)]
struct Levels(Vec<Vec<Hash>>);

impl Levels {
    fn keep(&mut self, nodes: Vec<(NodeId, Hash)>) {
        for (id, hash) in nodes {
            let level = usize::from(id.level);
            if self.0.len() <= level {
                self.0.resize_with(level + 1, Vec::new);
            }
            // The frontier hands out each level's nodes in order.
            debug_assert_eq!(self.0[level].len() as u64, id.index);
            self.0[level].push(hash);
        }
    }
}

impl HashReader for Levels {
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, TlogError> {
        ids.iter()
            .map(|id| {
                self.0
                    .get(usize::from(id.level))
                    .and_then(|level| level.get(usize::try_from(id.index).ok()?))
                    .copied()
                    .ok_or(TlogError::MissingHash(*id))
            })
            .collect()
    }
}

fn truce_tlog_tree(leaves: &[Vec<u8>], positions: &[u64]) -> Run {
    let n = leaves.len() as u64;
    let start = Instant::now();
    let mut frontier = Frontier::new();
    let mut levels = Levels::default();
    for leaf in leaves {
        levels.keep(frontier.append(leaf_hash(leaf)));
    }
    let root = frontier.root();
    let build = per_second(leaves.len(), start);

    let start = Instant::now();
    let proofs: Vec<Vec<Hash>> = positions
        .iter()
        .map(|&i| truce_tlog::inclusion_proof(i, n, &levels).unwrap())
        .collect();
    let prove = per_second(proofs.len(), start);
    let start = Instant::now();
    for (&i, proof) in positions.iter().zip(&proofs) {
        let leaf = leaf_hash(&leaves[usize::try_from(i).unwrap()]);
        truce_tlog::verify_inclusion(&leaf, i, n, proof, &root).unwrap();
    }
    let check = per_second(proofs.len(), start);
    Run {
        name: "truce-tlog",
        root: root.0,
        build,
        prove,
        check,
    }
}

fn ct_merkle_tree(leaves: &[Vec<u8>], positions: &[u64]) -> Run {
    let start = Instant::now();
    let mut tree = MemoryBackedTree::<sha2_011::Sha256, Vec<u8>>::new();
    for leaf in leaves {
        tree.push(leaf.clone());
    }
    let root = tree.root();
    let build = per_second(leaves.len(), start);

    let start = Instant::now();
    let proofs: Vec<_> = positions
        .iter()
        .map(|&i| tree.prove_inclusion(usize::try_from(i).unwrap()))
        .collect();
    let prove = per_second(proofs.len(), start);
    let start = Instant::now();
    for (&i, proof) in positions.iter().zip(&proofs) {
        root.verify_inclusion(&leaves[usize::try_from(i).unwrap()], i, proof)
            .unwrap();
    }
    let check = per_second(proofs.len(), start);
    Run {
        name: "ct-merkle",
        root: root.as_bytes().as_slice().try_into().unwrap(),
        build,
        prove,
        check,
    }
}

/// RFC 6962's inner-node hash for rs_merkle; leaves come already hashed.
#[derive(Clone)]
struct Rfc6962;

impl Hasher for Rfc6962 {
    type Hash = [u8; 32];

    fn hash(data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }

    fn concat_and_hash(left: &[u8; 32], right: Option<&[u8; 32]>) -> [u8; 32] {
        match right {
            Some(right) => truce_tlog::node_hash(&Hash(*left), &Hash(*right)).0,
            // An unpaired last node goes up unchanged: RFC 6962's split at
            // the largest power of two gives the same tree.
            None => *left,
        }
    }
}

fn rs_merkle_tree(leaves: &[Vec<u8>], positions: &[u64]) -> Run {
    let n = leaves.len();
    let start = Instant::now();
    let hashes: Vec<[u8; 32]> = leaves.iter().map(|l| leaf_hash(l).0).collect();
    let tree = MerkleTree::<Rfc6962>::from_leaves(&hashes);
    let root = tree.root().unwrap();
    let build = per_second(n, start);

    let start = Instant::now();
    let proofs: Vec<MerkleProof<Rfc6962>> = positions
        .iter()
        .map(|&i| tree.proof(&[usize::try_from(i).unwrap()]))
        .collect();
    let prove = per_second(proofs.len(), start);
    let start = Instant::now();
    for (&i, proof) in positions.iter().zip(&proofs) {
        let i = usize::try_from(i).unwrap();
        assert!(proof.verify(root, &[i], &[leaf_hash(&leaves[i]).0], n));
    }
    let check = per_second(proofs.len(), start);
    Run {
        name: "rs_merkle",
        root,
        build,
        prove,
        check,
    }
}
