//! Tree geometry: which stored nodes exist, and the right edge of the tree.
//!
//! Why this shape: a transparency log only ever *stores* complete, aligned
//! subtrees (a node at `level` covers `2^level` leaves and never changes once
//! written), so storage is append-only and a node's hash can be cached
//! forever. Everything else — roots of arbitrary sizes, the incomplete right
//! edge of proofs — is folded on the fly from those stored pieces. The
//! [`Frontier`] is the small piece of state (at most 64 hashes) that lets a
//! writer append without reading anything back, and [`HashReader`] is the only
//! way the algorithms touch storage, so a SQL store can answer each request
//! with a single batched query.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use crate::TlogError;
use crate::hash::{Hash, empty_root, node_hash};

/// A complete, aligned subtree the log stores: covers leaves
/// `[index << level, (index + 1) << level)`.
///
/// Level 0 nodes are leaf hashes; `NodeId { level: 0, index: i }` is leaf `i`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct NodeId {
    /// Height above the leaves (0 = leaf). At most 63 for any node of a tree
    /// whose size fits in a `u64`.
    pub level: u8,
    /// Position among the nodes of this level, counting from the left.
    pub index: u64,
}

impl NodeId {
    /// The node at `level`, `index`.
    pub const fn new(level: u8, index: u64) -> Self {
        NodeId { level, index }
    }

    /// The leaf-hash node of leaf `index`.
    pub const fn leaf(index: u64) -> Self {
        NodeId { level: 0, index }
    }

    /// Half-open range of leaf indices covered, or `None` if it would not fit
    /// in a `u64`.
    pub fn leaf_range(&self) -> Option<(u64, u64)> {
        let width = 1u64.checked_shl(u32::from(self.level))?;
        let start = self.index.checked_mul(width)?;
        let end = start.checked_add(width)?;
        Some((start, end))
    }

    /// The parent node, or `None` above level 63.
    pub fn parent(&self) -> Option<NodeId> {
        let level = self.level.checked_add(1).filter(|l| *l < 64)?;
        Some(NodeId {
            level,
            index: self.index >> 1,
        })
    }

    /// The two children, or `None` for a leaf.
    pub fn children(&self) -> Option<(NodeId, NodeId)> {
        let level = self.level.checked_sub(1)?;
        let left = self.index.checked_mul(2)?;
        let right = left.checked_add(1)?;
        Some((NodeId::new(level, left), NodeId::new(level, right)))
    }
}

/// Storage reaches the algorithms only through this: the algorithm names the
/// hashes it needs, the caller fetches them (one batch per call).
///
/// Implementations must return exactly one hash per id, in the same order,
/// or an error (e.g. [`TlogError::MissingHash`]).
pub trait HashReader {
    /// Returns the stored hash of every id, in order.
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, TlogError>;
}

impl<R: HashReader + ?Sized> HashReader for &R {
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, TlogError> {
        (**self).read_hashes(ids)
    }
}

impl<S: BuildHasher> HashReader for HashMap<NodeId, Hash, S> {
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, TlogError> {
        ids.iter()
            .map(|id| self.get(id).copied().ok_or(TlogError::MissingHash(*id)))
            .collect()
    }
}

impl HashReader for BTreeMap<NodeId, Hash> {
    fn read_hashes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, TlogError> {
        ids.iter()
            .map(|id| self.get(id).copied().ok_or(TlogError::MissingHash(*id)))
            .collect()
    }
}

/// Calls `reader` once for `ids` (not at all when `ids` is empty) and checks
/// that it answered with one hash per id.
pub(crate) fn read_exact(reader: &impl HashReader, ids: &[NodeId]) -> Result<Vec<Hash>, TlogError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = reader.read_hashes(ids)?;
    if hashes.len() != ids.len() {
        return Err(TlogError::ReaderMismatch {
            want: ids.len(),
            got: hashes.len(),
        });
    }
    Ok(hashes)
}

/// Splits the leaf range `[lo, hi)` into maximal aligned complete subtrees,
/// left to right.
///
/// For the ranges the RFC 9162 recursions produce (`lo` a multiple of a
/// power of two at least `hi - lo`), the pieces shrink from left to right
/// and [`fold_right`] of their hashes is the range's Merkle Tree Hash.
pub(crate) fn range_nodes(lo: u64, hi: u64) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut p = lo;
    while p < hi {
        let remaining = hi - p;
        let align = p.trailing_zeros(); // 64 when p == 0
        let fit = 63 - remaining.leading_zeros(); // floor(log2(remaining))
        let level = align.min(fit);
        out.push(NodeId {
            level: level as u8,
            index: p >> level,
        });
        // p + 2^level <= hi <= u64::MAX, so this cannot overflow.
        p += 1u64 << level;
    }
    out
}

/// Folds subtree hashes right to left: `h0 · (h1 · (… · hk))`. `None` for no
/// hashes.
pub(crate) fn fold_right(hashes: &[Hash]) -> Option<Hash> {
    let (last, rest) = hashes.split_last()?;
    Some(rest.iter().rev().fold(*last, |acc, h| node_hash(h, &acc)))
}

/// The right edge of a tree of `size` leaves: the roots of its maximal
/// complete subtrees (≤ 64 hashes). Appending needs no reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    /// Hashes of `Frontier::nodes_for_size(size)`, largest subtree first.
    hashes: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn new() -> Self {
        Frontier::default()
    }

    /// Number of leaves in the tree.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// RFC 9162 Merkle Tree Hash of the whole tree; [`empty_root`] when empty.
    pub fn root(&self) -> Hash {
        fold_right(&self.hashes).unwrap_or_else(empty_root)
    }

    /// The frontier's hashes, largest (leftmost) subtree first, matching
    /// [`Frontier::nodes_for_size`].
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// The frontier as `(NodeId, Hash)` pairs, leftmost first.
    pub fn nodes(&self) -> Vec<(NodeId, Hash)> {
        Self::nodes_for_size(self.size)
            .into_iter()
            .zip(self.hashes.iter().copied())
            .collect()
    }

    /// Appends one leaf hash; returns every stored node this completes, leaf
    /// first: `(NodeId{0,n}, leaf)`, then each parent that became complete.
    ///
    /// A tree already holding `u64::MAX` leaves cannot grow; then nothing
    /// changes and the result is empty (use [`Frontier::try_append`] to see
    /// the error).
    pub fn append(&mut self, leaf: Hash) -> Vec<(NodeId, Hash)> {
        self.try_append(leaf).unwrap_or_default()
    }

    /// Like [`Frontier::append`], but reports a full tree as
    /// [`TlogError::TreeFull`].
    pub fn try_append(&mut self, leaf: Hash) -> Result<Vec<(NodeId, Hash)>, TlogError> {
        let n = self.size;
        let new_size = n.checked_add(1).ok_or(TlogError::TreeFull)?;
        // Leaf n completes one parent per trailing 1 bit of n, each merging
        // with the rightmost frontier hash.
        let merges = n.trailing_ones() as usize;
        let keep =
            self.hashes.len().checked_sub(merges).ok_or_else(|| {
                TlogError::Storage("frontier is inconsistent with its size".into())
            })?;
        let lefts = self.hashes.split_off(keep);

        let mut id = NodeId::leaf(n);
        let mut cur = leaf;
        let mut out = Vec::with_capacity(merges + 1);
        out.push((id, cur));
        for left in lefts.iter().rev() {
            cur = node_hash(left, &cur);
            id = NodeId {
                level: id.level.saturating_add(1),
                index: id.index >> 1,
            };
            out.push((id, cur));
        }
        self.hashes.push(cur);
        self.size = new_size;
        Ok(out)
    }

    /// The `NodeId`s that make up the frontier of a tree of `size` leaves,
    /// largest (leftmost) first.
    pub fn nodes_for_size(size: u64) -> Vec<NodeId> {
        range_nodes(0, size)
    }

    /// Rebuilds the frontier of a stored tree of `size` leaves with a single
    /// `read_hashes` call (none when `size == 0`).
    pub fn from_reader(size: u64, reader: &impl HashReader) -> Result<Self, TlogError> {
        let ids = Self::nodes_for_size(size);
        let hashes = read_exact(reader, &ids)?;
        Ok(Frontier { size, hashes })
    }

    /// Builds a frontier from hashes the caller already has, in the order of
    /// [`Frontier::nodes_for_size`].
    pub fn from_hashes(size: u64, hashes: Vec<Hash>) -> Result<Self, TlogError> {
        let want = size.count_ones() as usize;
        if hashes.len() != want {
            return Err(TlogError::InvalidRange(format!(
                "a tree of size {size} has {want} frontier hashes, got {}",
                hashes.len()
            )));
        }
        Ok(Frontier { size, hashes })
    }
}

/// The stored nodes whose hashes determine the root of a tree of `size`
/// leaves (the same as [`Frontier::nodes_for_size`]).
pub fn tree_root_nodes(size: u64) -> Vec<NodeId> {
    Frontier::nodes_for_size(size)
}

/// RFC 9162 root of the tree of `size` leaves, from stored nodes, with a
/// single `read_hashes` call (none when `size == 0`).
pub fn tree_root(size: u64, reader: &impl HashReader) -> Result<Hash, TlogError> {
    let hashes = read_exact(reader, &tree_root_nodes(size))?;
    Ok(fold_right(&hashes).unwrap_or_else(empty_root))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    #[test]
    fn frontier_nodes_follow_the_binary_digits_of_size() {
        assert!(Frontier::nodes_for_size(0).is_empty());
        assert_eq!(
            Frontier::nodes_for_size(13), // 8 + 4 + 1
            vec![NodeId::new(3, 0), NodeId::new(2, 2), NodeId::new(0, 12)]
        );
        assert_eq!(Frontier::nodes_for_size(u64::MAX).len(), 64);
    }

    #[test]
    fn append_reports_completed_nodes_leaf_first() {
        let mut f = Frontier::new();
        for i in 0..3u8 {
            f.append(leaf_hash(&[i]));
        }
        let done = f.append(leaf_hash(&[3]));
        let ids: Vec<NodeId> = done.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids,
            vec![NodeId::new(0, 3), NodeId::new(1, 1), NodeId::new(2, 0)]
        );
        assert_eq!(done.last().map(|(_, h)| *h), Some(f.root()));
    }

    #[test]
    fn full_tree_refuses_to_grow() {
        let mut f = Frontier::from_hashes(u64::MAX, vec![empty_root(); 64]).unwrap();
        assert_eq!(f.try_append(empty_root()), Err(TlogError::TreeFull));
        assert!(f.append(empty_root()).is_empty());
        assert_eq!(f.size(), u64::MAX);
    }

    #[test]
    fn node_id_geometry() {
        let n = NodeId::new(2, 3);
        assert_eq!(n.leaf_range(), Some((12, 16)));
        assert_eq!(n.parent(), Some(NodeId::new(3, 1)));
        assert_eq!(n.children(), Some((NodeId::new(1, 6), NodeId::new(1, 7))));
        assert_eq!(NodeId::leaf(5).children(), None);
        assert_eq!(NodeId::new(63, 0).parent(), None);
        assert_eq!(NodeId::new(63, 2).leaf_range(), None);
    }
}
