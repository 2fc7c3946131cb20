//! A fresh, empty PostgreSQL database for a benchmark script, made as the
//! test suite makes one (`truce_store_postgres::testing`: a new database on
//! the server `TRUCE_TEST_DATABASE_URL` names, or on a throwaway cluster
//! started from the installed binaries). Prints its connection string on
//! one line and keeps the database until its standard input closes, then
//! drops it.
//!
//!   cargo run -q -p truce-store-postgres --example throwaway_database

use std::io::{Read, Write};

fn main() {
    let database = truce_store_postgres::testing::test_database();
    println!("{}", database.url());
    let _ = std::io::stdout().flush();
    // Until the script is done with it.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(database);
}
