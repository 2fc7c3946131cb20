//! Schema migrations, numbered by SQLite's `user_version`. Each migration runs
//! once, in its own transaction. (A dozen lines: not worth a dependency.)

use rusqlite::Connection;
use truce_store::StoreError;

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_log.sql"),
    include_str!("../migrations/0002_cosignatures.sql"),
];

pub fn run(conn: &mut Connection) -> Result<(), StoreError> {
    let db = |e: rusqlite::Error| StoreError::database("migrating the SQLite schema", e);
    let current: usize = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    if current > MIGRATIONS.len() {
        return Err(StoreError::Unusable(format!(
            "the database has schema version {current}, newer than this build knows ({}); upgrade truce",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction().map_err(db)?;
        tx.execute_batch(sql).map_err(db)?;
        tx.pragma_update(None, "user_version", i + 1).map_err(db)?;
        tx.commit().map_err(db)?;
    }
    Ok(())
}

/// Refuses a database whose schema is not exactly this build's.
pub fn check_current(conn: &Connection) -> Result<(), StoreError> {
    let current: usize = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| StoreError::database("reading the SQLite schema version", e))?;
    if current != MIGRATIONS.len() {
        return Err(StoreError::Unusable(format!(
            "the database has schema version {current}; this build reads version {}",
            MIGRATIONS.len()
        )));
    }
    Ok(())
}
