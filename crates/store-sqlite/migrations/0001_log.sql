-- The log: leaves in order, the complete subtrees over them, and the
-- checkpoints that sign each tree size. Nothing here is ever updated or deleted.
-- There is deliberately no index on `hash`: random inserts into it doubled the
-- bytes written per record; the ledger keeps hash -> index in memory instead.
CREATE TABLE records (
    idx   INTEGER PRIMARY KEY,          -- position in the log, from 0
    hash  BLOB    NOT NULL,             -- RFC 6962 leaf hash of `leaf` (also the tree's level 0)
    leaf  BLOB    NOT NULL              -- the exact canonical leaf bytes
);

-- Stored hash of every complete, aligned subtree above the leaves: key = level << 56 | index.
CREATE TABLE tree_nodes (
    node  INTEGER PRIMARY KEY,
    hash  BLOB NOT NULL
);

CREATE TABLE checkpoints (
    size INTEGER PRIMARY KEY,
    note TEXT NOT NULL
);

-- Confidential parts, apart from the leaves that commit to them.
CREATE TABLE sealed_parts (
    record_idx INTEGER PRIMARY KEY REFERENCES records (idx),
    opening    BLOB NOT NULL
);
