//! Schema migrations, numbered in a `schema_migrations` table. All pending
//! migrations run in one transaction that first takes an advisory lock, so
//! two servers starting together against an empty database do not race to
//! create the same tables: the second waits, then finds nothing left to do.

use crate::db;
use postgres::Client;
use truce_store::StoreError;

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_log.sql"),
    include_str!("../migrations/0002_append_procedure.sql"),
    include_str!("../migrations/0003_cosignatures.sql"),
];

/// Advisory lock key held while migrating ("truce" in ASCII, then 0x01).
/// Advisory locks are per database, so this only serialises Truce's own opens.
const MIGRATION_LOCK: i64 = 0x7472_7563_6501;

fn known() -> i32 {
    i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX)
}

pub fn run(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(db)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY)")
        .map_err(db)?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|row| row.try_get(0))
        .map_err(db)?;
    if current > known() {
        return Err(StoreError::Unusable(format!(
            "the database has schema version {current}, newer than this build knows ({}); upgrade truce",
            known()
        )));
    }
    for (version, sql) in (1..)
        .zip(MIGRATIONS)
        .skip(usize::try_from(current).unwrap_or(0))
    {
        tx.batch_execute(sql).map_err(db)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

/// Refuses a database whose schema is not exactly this build's.
pub fn check_current(client: &mut Client) -> Result<(), StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
        .and_then(|row| row.try_get(0))
        .map_err(db)?;
    if !exists {
        return Err(StoreError::Unusable(format!(
            "the database has no Truce schema (version 0); this build reads version {}: open it read-write once to create it",
            known()
        )));
    }
    let current: i32 = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|row| row.try_get(0))
        .map_err(db)?;
    if current != known() {
        return Err(StoreError::Unusable(format!(
            "the database has schema version {current}; this build reads version {}",
            known()
        )));
    }
    Ok(())
}
