-- The log: leaves in order, the complete subtrees over them, and the
-- checkpoints that sign each tree size. Nothing here is ever updated or deleted.
-- The same shape as the SQLite store's schema (crates/store-sqlite/migrations).
-- There is deliberately no index on `hash`: random inserts into it doubled the
-- bytes written per record; the ledger keeps hash -> index in memory instead.
CREATE TABLE records (
    idx   BIGINT PRIMARY KEY,           -- position in the log, from 0
    hash  BYTEA  NOT NULL,              -- RFC 6962 leaf hash of `leaf` (also the tree's level 0)
    leaf  BYTEA  NOT NULL               -- the exact canonical leaf bytes
);

-- Stored hash of every complete, aligned subtree above the leaves: key = level << 56 | index.
CREATE TABLE tree_nodes (
    node  BIGINT PRIMARY KEY,
    hash  BYTEA  NOT NULL
);

CREATE TABLE checkpoints (
    size  BIGINT PRIMARY KEY,
    note  TEXT   NOT NULL
);

-- Confidential parts, apart from the leaves that commit to them.
CREATE TABLE sealed_parts (
    record_idx  BIGINT PRIMARY KEY REFERENCES records (idx),
    opening     BYTEA  NOT NULL
);
