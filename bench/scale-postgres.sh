#!/usr/bin/env bash
# bench/scale.sh with the log in PostgreSQL: a fresh database made as the test
# suite makes one (on the server TRUCE_TEST_DATABASE_URL names, or on a
# throwaway cluster started from Debian's postgresql binaries), dropped at
# the end. The figures are named scale.postgres.*.
#
#   bench/scale-postgres.sh [RECORDS]     (as bench/scale.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p truce-store-postgres --example throwaway_database
# It prints the database's connection string, and drops the database once
# its standard input closes.
coproc DATABASE { exec target/debug/examples/throwaway_database; }
to_database=${DATABASE[1]} database_pid=$DATABASE_PID
read -r url <&"${DATABASE[0]}"
done_with_database() {
    eval "exec $to_database>&-"
    wait "$database_pid" 2>/dev/null || true
}
trap done_with_database EXIT
TRUCE_BENCH_DATABASE=$url bash bench/scale.sh "$@"
