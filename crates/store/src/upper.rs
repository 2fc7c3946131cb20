//! The upper tree nodes, kept in memory by both stores.
//!
//! A proof needs about two hashes per level of the tree; most of them are
//! high in the tree, and there are few of those: a tree of n leaves has
//! about n/64 nodes at level 6 and as many again above it, so keeping levels
//! 6 and up costs about n/32 hashes (about 31,000, 1 MiB, at 1M records)
//! and leaves a proof only its few lowest nodes to read from the database.
//! Nodes never change once written, so the cache can lack entries (a store
//! that has not read them yet, or another server's appends) but can never
//! hold a wrong one.

use std::collections::HashMap;
use std::sync::RwLock;
use truce_tlog::{Hash, NodeId};

/// Nodes at this level and above are kept.
pub const CACHED_LEVEL: u8 = 6;

#[derive(Debug, Default)]
pub struct UpperNodes {
    nodes: RwLock<HashMap<NodeId, Hash>>,
}

impl UpperNodes {
    /// Keeps those of `nodes` at [`CACHED_LEVEL`] and above; drops the rest.
    pub fn remember(&self, nodes: impl IntoIterator<Item = (NodeId, Hash)>) {
        // A poisoned lock only means a panic elsewhere mid-insert of
        // immutable facts: what is there is still right.
        let mut kept = self.nodes.write().unwrap_or_else(|p| p.into_inner());
        kept.extend(nodes.into_iter().filter(|(id, _)| id.level >= CACHED_LEVEL));
    }

    /// The kept hash of each of `ids`, `None` where it is not kept.
    pub fn get_all(&self, ids: &[NodeId]) -> Vec<Option<Hash>> {
        let kept = self.nodes.read().unwrap_or_else(|p| p.into_inner());
        ids.iter().map(|id| kept.get(id).copied()).collect()
    }

    /// Hashes kept.
    pub fn len(&self) -> usize {
        self.nodes.read().map_or(0, |kept| kept.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_upper_nodes_are_kept() {
        let upper = UpperNodes::default();
        let node = |level, index| NodeId { level, index };
        let hash = Hash([7; 32]);
        upper.remember([
            (node(0, 1), hash),
            (node(5, 0), hash),
            (node(6, 0), hash),
            (node(9, 2), hash),
        ]);
        assert_eq!(upper.len(), 2);
        assert_eq!(
            upper.get_all(&[node(6, 0), node(5, 0), node(9, 2), node(6, 1)]),
            vec![Some(hash), None, Some(hash), None]
        );
    }
}
