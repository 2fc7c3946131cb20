//! Every statement the store runs, prepared once per session: each call is
//! then one round trip (a statement sent as text would cost two: parse,
//! then execute).

use crate::db;
use postgres::{Client, Statement};
use truce_store::StoreError;

pub struct Statements {
    pub append: Statement,
    pub size: Statement,
    pub records: Statement,
    pub leaf_hashes: Statement,
    pub node_hashes: Statement,
    pub leaf_range: Statement,
    pub node_range: Statement,
    pub upper_nodes: Statement,
    pub latest_checkpoint: Statement,
    pub checkpoints: Statement,
    pub checkpoint_at: Statement,
    pub checkpoint_at_most: Statement,
    pub add_cosignature: Statement,
    pub mark_witnessed: Statement,
    pub cosignatures: Statement,
    pub latest_witnessed: Statement,
    pub opening: Statement,
    pub opening_indexes: Statement,
    pub internal_node_count: Statement,
}

impl Statements {
    pub fn prepare(client: &mut Client) -> Result<Self, StoreError> {
        let mut p = |sql: &str| client.prepare(sql).map_err(db);
        Ok(Self {
            // The whole batch in one call of a procedure that commits
            // (migrations/0002_append_procedure.sql), its columns sent as
            // arrays: for a 100-record batch (with commit) array-valued
            // INSERTs took ~1.05 ms, against ~1.5 ms for a multi-row VALUES
            // built per batch (parsed every time, and capped at 65,535
            // parameters) and ~9 ms for one prepared INSERT per record (one
            // round trip each). A procedure's argument types are not
            // inferred, so each is cast.
            append: p("CALL truce_append(NULL, $1::BIGINT, $2::BIGINT, \
                 $3::BIGINT[], $4::BYTEA[], $5::BYTEA[], $6::BIGINT[], $7::BYTEA[], \
                 $8::BIGINT[], $9::BYTEA[], $10::BIGINT, $11::TEXT)")?,
            size: p("SELECT COALESCE(MAX(idx) + 1, 0) FROM records")?,
            // Each range read is limited to its width ($3 = $2 - $1), which
            // changes no answer (the keys are distinct integers) but keeps
            // the plan an index scan whatever the table's statistics say.
            // Without them (never analysed: a bulk import, autovacuum off)
            // the planner guessed a third of the table for a range of 1,024
            // rows and read it with a parallel bitmap scan, a sort and JIT:
            // 78 ms a chunk where the index scan takes 0.4 ms. Over ten
            // million records, verification ran at 21.6k records/s without
            // the limit and 57.4k with it; a restart's replay took 468 s
            // without it (beside a build) and 98 s with it.
            records: p(
                "SELECT idx, hash, leaf FROM records WHERE idx >= $1 AND idx < $2 \
                 ORDER BY idx LIMIT $3",
            )?,
            leaf_hashes: p("SELECT idx, hash FROM records WHERE idx = ANY($1)")?,
            node_hashes: p("SELECT node, hash FROM tree_nodes WHERE node = ANY($1)")?,
            leaf_range: p(
                "SELECT idx, hash FROM records WHERE idx >= $1 AND idx < $2 ORDER BY idx LIMIT $3",
            )?,
            node_range: p(
                "SELECT node, hash FROM tree_nodes WHERE node >= $1 AND node < $2 \
                 ORDER BY node LIMIT $3",
            )?,
            upper_nodes: p("SELECT node, hash FROM tree_nodes WHERE node >= $1")?,
            latest_checkpoint: p("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1")?,
            checkpoints: p("SELECT size, note FROM checkpoints ORDER BY size")?,
            checkpoint_at: p("SELECT size, note FROM checkpoints WHERE size = $1")?,
            checkpoint_at_most: p(
                "SELECT size, note FROM checkpoints WHERE size <= $1 ORDER BY size DESC LIMIT 1",
            )?,
            add_cosignature: p(
                "INSERT INTO cosignatures (size, line) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )?,
            mark_witnessed: p("INSERT INTO witnessed (size) VALUES ($1) ON CONFLICT DO NOTHING")?,
            cosignatures: p("SELECT line FROM cosignatures WHERE size = $1 ORDER BY line")?,
            latest_witnessed: p("SELECT MAX(size) FROM witnessed")?,
            opening: p("SELECT opening FROM sealed_parts WHERE record_idx = $1")?,
            opening_indexes: p("SELECT record_idx FROM sealed_parts ORDER BY record_idx")?,
            internal_node_count: p("SELECT COUNT(*) FROM tree_nodes")?,
        })
    }
}
