//! A fresh database on a real PostgreSQL for each test — never a mock.
//!
//! With `TRUCE_TEST_DATABASE_URL` set (say
//! `postgres://postgres@127.0.0.1:5432/postgres`), each [`TestDatabase`] is a
//! new database on that server. Otherwise the first call starts a throwaway
//! cluster for the whole test process from the installed PostgreSQL
//! binaries (see `cluster.rs`), listening on a Unix socket only.
//!
//! Test helpers: they panic, with a message saying what to install or set,
//! when no PostgreSQL can be reached or started.
#![allow(clippy::panic)]

mod cluster;

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Names the server to create test databases on, instead of a throwaway cluster.
pub const URL_VAR: &str = "TRUCE_TEST_DATABASE_URL";

/// A database that exists until this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// Connection string for this database (for `PostgresStore::open`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl std::ops::Deref for TestDatabase {
    type Target = str;

    fn deref(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // FORCE ends sessions still open on it (a store a test leaked, say).
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropped = postgres::Client::connect(&self.admin_url, postgres::NoTls)
            .and_then(|mut admin| admin.batch_execute(&sql));
        if let Err(e) = dropped {
            eprintln!(
                "could not drop test database {}: {}",
                self.name,
                truce_store::describe(&e)
            );
        }
    }
}

/// A new, empty database. Panics with what to do if PostgreSQL is unavailable.
pub fn test_database() -> TestDatabase {
    try_test_database().unwrap_or_else(|e| panic!("{e}"))
}

/// As [`test_database`], returning the reason instead of panicking.
pub fn try_test_database() -> Result<TestDatabase, String> {
    let admin_url = match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => cluster::shared()?.admin_url(),
    };
    create_database(admin_url)
}

/// A throwaway cluster of one test's own, for tests that stop the database
/// under a running server: the shared cluster serves the process's other
/// tests, and `TRUCE_TEST_DATABASE_URL`'s server is not ours to stop. Always
/// started from the installed binaries; stopped and removed when dropped
/// (drop its databases first).
pub struct OwnCluster(cluster::Cluster);

impl OwnCluster {
    pub fn start() -> Result<Self, String> {
        cluster::Cluster::own().map(Self)
    }

    /// A new, empty database on this cluster.
    pub fn database(&self) -> Result<TestDatabase, String> {
        create_database(self.0.admin_url())
    }

    /// Stops the server (fast shutdown: its sessions are ended).
    pub fn stop(&self) -> Result<(), String> {
        self.0.stop()
    }

    /// Starts it again on the same socket, with the same data.
    pub fn start_again(&self) -> Result<(), String> {
        self.0.start_again()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        self.0.remove();
    }
}

fn create_database(admin_url: String) -> Result<TestDatabase, String> {
    let name = unique_name();
    let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).map_err(|e| {
        format!(
            "cannot connect to the test PostgreSQL server: {} \
             (check {URL_VAR}, or unset it to start a throwaway cluster)",
            truce_store::describe(&e)
        )
    })?;
    admin
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .map_err(|e| {
            format!(
                "cannot create test database {name}: {}",
                truce_store::describe(&e)
            )
        })?;
    Ok(TestDatabase {
        url: with_dbname(&admin_url, &name),
        admin_url,
        name,
    })
}

/// `truce_test_` and 16 hex digits: unique within the process by a counter,
/// across processes by the pid and std's randomly keyed hasher.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!("truce_test_{:016x}", hasher.finish())
}

/// The same connection string naming database `name` instead: the URL form's
/// path is replaced; the key-value form gets a later `dbname`, which wins.
fn with_dbname(url: &str, name: &str) -> String {
    for scheme in ["postgres://", "postgresql://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            let (rest, query) = match rest.split_once('?') {
                Some((rest, query)) => (rest, Some(query)),
                None => (rest, None),
            };
            let authority = rest
                .split_once('/')
                .map_or(rest, |(authority, _)| authority);
            return match query {
                Some(query) => format!("{scheme}{authority}/{name}?{query}"),
                None => format!("{scheme}{authority}/{name}"),
            };
        }
    }
    format!("{url} dbname={name}")
}

#[cfg(test)]
mod tests {
    use super::with_dbname;

    #[test]
    fn a_test_database_url_names_the_new_database() {
        for (url, want) in [
            (
                "postgres://postgres@127.0.0.1:5432/postgres",
                "postgres://postgres@127.0.0.1:5432/t",
            ),
            ("postgresql://u:p@h", "postgresql://u:p@h/t"),
            (
                "postgres://u@%2Frun%2Fpg:5/postgres?connect_timeout=5",
                "postgres://u@%2Frun%2Fpg:5/t?connect_timeout=5",
            ),
            (
                "host=/tmp/x port=5 user=postgres dbname=postgres",
                "host=/tmp/x port=5 user=postgres dbname=postgres dbname=t",
            ),
        ] {
            assert_eq!(with_dbname(url, "t"), want);
        }
    }
}
