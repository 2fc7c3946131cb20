use arbitrary::{Result, Unstructured};
use std::collections::HashMap;
use truce_tlog::{
    Frontier, Hash, NodeId, consistency_proof, inclusion_proof, leaf_hash, tree_root,
    verify_consistency, verify_inclusion,
};

/// The largest tree the honest half builds (a few hundred leaves keeps an
/// execution in microseconds while covering every proof shape up to depth 9).
const MAX_TREE: u64 = 300;

/// Bytes as proof inputs. Arbitrary index, sizes, proof hashes and roots
/// never make `verify_inclusion` or `verify_consistency` panic; in a small
/// in-memory tree, honest inclusion and consistency proofs always verify,
/// and one flipped bit in a proof hash or a root makes them fail.
pub fn proof(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = hostile(&mut u);
    let _ = honest(&mut u);
}

fn hash(u: &mut Unstructured) -> Result<Hash> {
    Ok(Hash(u.arbitrary()?))
}

fn hostile(u: &mut Unstructured) -> Result<()> {
    let (index, size, size2) = (u.arbitrary()?, u.arbitrary()?, u.arbitrary()?);
    let (leaf, root, root2) = (hash(u)?, hash(u)?, hash(u)?);
    let len = u.int_in_range(0..=70)?;
    let proof = (0..len).map(|_| hash(u)).collect::<Result<Vec<_>>>()?;
    let _ = verify_inclusion(&leaf, index, size, &proof, &root);
    let _ = verify_consistency(size, size2, &proof, &root, &root2);
    Ok(())
}

fn honest(u: &mut Unstructured) -> Result<()> {
    let size = u.int_in_range(1..=MAX_TREE)?;
    let index = u.int_in_range(0..=size - 1)?;
    let old = u.int_in_range(1..=size)?;
    let mut frontier = Frontier::new();
    let mut store: HashMap<NodeId, Hash> = HashMap::new();
    let mut leaves = Vec::new();
    for i in 0..size {
        let leaf = leaf_hash(&i.to_be_bytes());
        leaves.push(leaf);
        store.extend(frontier.append(leaf));
    }
    let root = frontier.root();
    let old_root = tree_root(old, &store).expect("the store holds every node");
    let leaf = leaves
        .get(usize::try_from(index).expect("small"))
        .copied()
        .expect("index < size");

    let mut inclusion = inclusion_proof(index, size, &store).expect("an inclusion proof");
    verify_inclusion(&leaf, index, size, &inclusion, &root)
        .unwrap_or_else(|e| panic!("honest inclusion {index} in {size} refused: {e}"));
    let mut consistency = consistency_proof(old, size, &store).expect("a consistency proof");
    verify_consistency(old, size, &consistency, &old_root, &root)
        .unwrap_or_else(|e| panic!("honest consistency {old} -> {size} refused: {e}"));

    let bit = u.int_in_range(0..=255u8)?;
    let flip = |h: &mut Hash| {
        if let Some(b) = h.0.get_mut(usize::from(bit / 8)) {
            *b ^= 1 << (bit % 8);
        }
    };
    let mut wrong_root = root;
    flip(&mut wrong_root);
    assert!(verify_inclusion(&leaf, index, size, &inclusion, &wrong_root).is_err());
    assert!(verify_consistency(old, size, &consistency, &old_root, &wrong_root).is_err());
    if !inclusion.is_empty() {
        let at = u.choose_index(inclusion.len())?;
        inclusion.get_mut(at).map(flip);
        assert!(
            verify_inclusion(&leaf, index, size, &inclusion, &root).is_err(),
            "a tampered inclusion proof ({index} in {size}, hash {at}) verifies"
        );
    }
    if !consistency.is_empty() {
        let at = u.choose_index(consistency.len())?;
        consistency.get_mut(at).map(flip);
        assert!(
            verify_consistency(old, size, &consistency, &old_root, &root).is_err(),
            "a tampered consistency proof ({old} -> {size}, hash {at}) verifies"
        );
    }
    Ok(())
}
