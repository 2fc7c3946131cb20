//! Inclusion and consistency proofs (RFC 9162 §2.1.3 and §2.1.4).
//!
//! Why generation works on leaf *ranges*: the RFC defines PATH and SUBPROOF
//! recursively over Merkle Tree Hashes of sub-ranges. Every such range is
//! either a complete stored subtree or sits on the tree's right edge; the
//! latter is folded from its aligned complete pieces. So a proof never needs
//! the leaves or a recomputation of the tree — only O(log n) stored hashes,
//! which are named up front (`*_nodes`) and fetched in one `read_hashes`
//! call, so a SQL store serves a proof with one query.
//!
//! Verification follows the RFC 9162 algorithms step by step; they are what
//! auditors and witnesses will compare us against.

use crate::TlogError;
use crate::hash::{Hash, empty_root, node_hash};
use crate::tree::{HashReader, NodeId, fold_right, range_nodes, read_exact};

/// Largest power of two strictly less than `len` (requires `len >= 2`).
fn split_point(len: u64) -> u64 {
    1u64 << (63 - (len - 1).leading_zeros())
}

/// Leaf ranges whose Merkle Tree Hashes form PATH(index, D[size]), in proof
/// order (bottom-up).
fn inclusion_ranges(index: u64, size: u64) -> Result<Vec<(u64, u64)>, TlogError> {
    if index >= size {
        return Err(TlogError::InvalidRange(format!(
            "leaf index {index} is not in a tree of size {size}"
        )));
    }
    let (mut lo, mut hi) = (0u64, size);
    let mut top_down = Vec::new();
    while hi - lo > 1 {
        let split = lo + split_point(hi - lo);
        if index < split {
            top_down.push((split, hi));
            hi = split;
        } else {
            top_down.push((lo, split));
            lo = split;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// Leaf ranges whose Merkle Tree Hashes form PROOF(m, D[n]) =
/// SUBPROOF(m, D[n], true), in proof order. Empty for `m == 0` or `m == n`.
fn consistency_ranges(m: u64, n: u64) -> Result<Vec<(u64, u64)>, TlogError> {
    if m > n {
        return Err(TlogError::InvalidRange(format!(
            "old size {m} is larger than new size {n}"
        )));
    }
    if m == 0 || m == n {
        return Ok(Vec::new());
    }
    // Invariant: lo < m <= hi.
    let (mut lo, mut hi, mut whole) = (0u64, n, true);
    let mut top_down = Vec::new();
    loop {
        if m == hi {
            if !whole {
                top_down.push((lo, hi));
            }
            break;
        }
        // lo < m < hi, so hi - lo >= 2.
        let split = lo + split_point(hi - lo);
        if m <= split {
            top_down.push((split, hi));
            hi = split;
        } else {
            top_down.push((lo, split));
            lo = split;
            whole = false;
        }
    }
    top_down.reverse();
    Ok(top_down)
}

/// The stored nodes of each range, range by range.
fn ranges_to_nodes(ranges: &[(u64, u64)]) -> Vec<Vec<NodeId>> {
    ranges.iter().map(|&(lo, hi)| range_nodes(lo, hi)).collect()
}

/// Fetches all pieces in one read and folds each range's pieces into its hash.
fn fetch_and_fold(
    pieces: Vec<Vec<NodeId>>,
    reader: &impl HashReader,
) -> Result<Vec<Hash>, TlogError> {
    let ids: Vec<NodeId> = pieces.iter().flatten().copied().collect();
    let hashes = read_exact(reader, &ids)?;
    let mut rest = hashes.as_slice();
    let mut out = Vec::with_capacity(pieces.len());
    for range in &pieces {
        let (mine, tail) = rest
            .split_at_checked(range.len())
            .ok_or(TlogError::ReaderMismatch {
                want: ids.len(),
                got: hashes.len(),
            })?;
        let h =
            fold_right(mine).ok_or_else(|| TlogError::InvalidRange("empty proof range".into()))?;
        out.push(h);
        rest = tail;
    }
    Ok(out)
}

/// The stored nodes [`inclusion_proof`] will read, in the order it reads
/// them (for prefetching).
pub fn inclusion_proof_nodes(index: u64, size: u64) -> Result<Vec<NodeId>, TlogError> {
    Ok(ranges_to_nodes(&inclusion_ranges(index, size)?)
        .into_iter()
        .flatten()
        .collect())
}

/// RFC 9162 §2.1.3 inclusion proof (PATH) for leaf `index` in the tree of
/// `size` leaves, built from stored complete-subtree hashes only: O(log n)
/// hashes fetched with one `read_hashes` call (none for a one-leaf tree).
/// Incomplete right-edge subtrees are folded from their aligned complete
/// pieces.
pub fn inclusion_proof(
    index: u64,
    size: u64,
    reader: &impl HashReader,
) -> Result<Vec<Hash>, TlogError> {
    fetch_and_fold(ranges_to_nodes(&inclusion_ranges(index, size)?), reader)
}

/// The stored nodes [`consistency_proof`] will read, in order.
pub fn consistency_proof_nodes(m: u64, n: u64) -> Result<Vec<NodeId>, TlogError> {
    Ok(ranges_to_nodes(&consistency_ranges(m, n)?)
        .into_iter()
        .flatten()
        .collect())
}

/// RFC 9162 §2.1.4 consistency proof (SUBPROOF) between sizes `m <= n`, with
/// one `read_hashes` call. `m == 0` or `m == n` gives the empty proof (note
/// that [`verify_consistency`] refuses `0 == m < n` as meaningless).
pub fn consistency_proof(m: u64, n: u64, reader: &impl HashReader) -> Result<Vec<Hash>, TlogError> {
    fetch_and_fold(ranges_to_nodes(&consistency_ranges(m, n)?), reader)
}

fn mismatch(what: &str) -> TlogError {
    TlogError::ProofMismatch(what.to_owned())
}

/// Shifts `fn_` and `sn` right together until `fn_` is odd or zero.
fn shift_until_odd_or_zero(fn_: &mut u64, sn: &mut u64) {
    while *fn_ != 0 && *fn_ & 1 == 0 {
        *fn_ >>= 1;
        *sn >>= 1;
    }
}

/// Verifies an inclusion proof per RFC 9162 §2.1.3.2.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), TlogError> {
    if index >= size {
        return Err(TlogError::InvalidRange(format!(
            "leaf index {index} is not in a tree of size {size}"
        )));
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(mismatch("inclusion proof is too long"));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                shift_until_odd_or_zero(&mut fn_, &mut sn);
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(mismatch("inclusion proof is too short"));
    }
    if r != *root {
        return Err(mismatch("inclusion proof does not lead to the root"));
    }
    Ok(())
}

/// Verifies a consistency proof per RFC 9162 §2.1.4.2.
///
/// Edge cases follow github.com/transparency-dev/merkle:
/// `size1 > size2` fails; `size1 == size2` needs an empty proof and equal
/// roots (and for two empty trees, the roots must be [`empty_root`]);
/// `0 == size1 < size2` fails with [`TlogError::ConsistencyFromEmpty`],
/// because every tree extends the empty tree and such a "proof" commits to
/// nothing.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Hash],
    root1: &Hash,
    root2: &Hash,
) -> Result<(), TlogError> {
    if size1 > size2 {
        return Err(TlogError::InvalidRange(format!(
            "old size {size1} is larger than new size {size2}"
        )));
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(mismatch("equal sizes need an empty proof"));
        }
        if root1 != root2 {
            return Err(mismatch("equal sizes but different roots"));
        }
        if size1 == 0 && *root1 != empty_root() {
            return Err(mismatch("the empty tree's root must be SHA-256(\"\")"));
        }
        return Ok(());
    }
    if size1 == 0 {
        return Err(TlogError::ConsistencyFromEmpty);
    }
    if proof.is_empty() {
        return Err(mismatch("empty consistency proof"));
    }

    // 2. If size1 is an exact power of 2, the path starts with root1.
    let seeded = size1.is_power_of_two().then_some(root1);
    let mut path = seeded.into_iter().chain(proof.iter());
    // 3./4.
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // 5.
    let first = path
        .next()
        .ok_or_else(|| mismatch("empty consistency proof"))?;
    let (mut fr, mut sr) = (*first, *first);
    // 6.
    for c in path {
        if sn == 0 {
            return Err(mismatch("consistency proof is too long"));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                shift_until_odd_or_zero(&mut fn_, &mut sn);
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // 7.
    if sn != 0 {
        return Err(mismatch("consistency proof is too short"));
    }
    if fr != *root1 {
        return Err(mismatch("consistency proof does not lead to the old root"));
    }
    if sr != *root2 {
        return Err(mismatch("consistency proof does not lead to the new root"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(u64::MAX), 1 << 63);
    }

    #[test]
    fn inclusion_ranges_match_rfc_path_shape() {
        // Leaf 2 of 5: siblings are leaf 3, [0,2), [4,5) — bottom up.
        assert_eq!(
            inclusion_ranges(2, 5).unwrap(),
            vec![(3, 4), (0, 2), (4, 5)]
        );
        assert!(inclusion_ranges(0, 1).unwrap().is_empty());
        assert!(inclusion_ranges(5, 5).is_err());
    }

    #[test]
    fn consistency_ranges_match_rfc_examples() {
        // RFC 9162 §2.1.5 example tree of 7 leaves.
        assert_eq!(
            consistency_ranges(3, 7).unwrap(),
            vec![(2, 3), (3, 4), (0, 2), (4, 7)]
        );
        assert_eq!(consistency_ranges(4, 7).unwrap(), vec![(4, 7)]);
        assert_eq!(
            consistency_ranges(6, 7).unwrap(),
            vec![(4, 6), (6, 7), (0, 4)]
        );
        assert!(consistency_ranges(0, 7).unwrap().is_empty());
        assert!(consistency_ranges(7, 7).unwrap().is_empty());
        assert!(consistency_ranges(8, 7).is_err());
    }

    #[test]
    fn huge_sizes_do_not_overflow() {
        assert!(inclusion_proof_nodes(u64::MAX - 1, u64::MAX).unwrap().len() <= 128);
        assert!(
            consistency_proof_nodes(u64::MAX - 1, u64::MAX)
                .unwrap()
                .len()
                <= 128
        );
        let h = empty_root();
        assert!(verify_inclusion(&h, u64::MAX - 1, u64::MAX, &[h; 70], &h).is_err());
        assert!(verify_consistency(u64::MAX - 1, u64::MAX, &[h; 70], &h, &h).is_err());
    }
}
