#!/usr/bin/env bash
# Import throughput into SQLite with --dir: generates ROWS made-up ACLED rows
# (truce_import::sample, the real column layout), imports them into a fresh
# mechanism with the release build and prints rows/s, wall and CPU time;
# then imports the same file again (every row skipped) and a UCDP GED file.
#
#   crates/cli/benches/import.sh [ROWS]        (50,000 by default)
#
# Builds truce and the sample generator in release mode first (slow the
# first time). Prints figures only: no assertion on time.
set -euo pipefail
cd "$(dirname "$0")/../../.."
. bench/figures.sh
rows=${1:-50000}
cargo build --release -q -p truce-cli --bin truce
cargo build --release -q -p truce-import --example sample
truce=target/release/truce
sample=target/release/examples/sample
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$truce init --example-charter --keys-out "$work/keys" >"$work/charter.json" 2>/dev/null
$truce init --dir "$work/m" --charter "$work/charter.json" --log-key "$work/keys/log.key" \
    --key "$work/keys/a-head.key" --key "$work/keys/b-head.key" --key "$work/keys/c-mediator.key" >/dev/null
$sample acled "$rows" 1 >"$work/acled.csv"
$sample ucdp "$rows" 2 >"$work/ucdp.csv"
echo "import throughput, $rows rows, SQLite, $(nproc) CPUs"
run() {
    local id=$1 label=$2; shift 2
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$work/cpu" "$truce" import "$@" --dir "$work/m" --key "$work/keys/a-liaison.key" >"$work/out" 2>"$work/err" || true
    end=$(date +%s.%N)
    read -r user sys <"$work/cpu"
    awk -v l="$label" -v r="$rows" -v s="$start" -v e="$end" -v u="$user" -v y="$sys" -v o="$(cat "$work/out")" \
        'BEGIN { w = e - s; printf "%-28s %8.0f rows/s  %6.2f s wall  %6.2f s CPU  %s\n", l, r / w, w, u + y, o }'
    figure "$id" "$(awk -v r="$rows" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", r / (e - s) }')" \
        rows/s "$rows rows, SQLite, $(nproc) CPUs"
}
run import.acled "acled, into a fresh log" --format acled "$work/acled.csv"
run import.acled_again "acled again (all skipped)" --format acled "$work/acled.csv"
run import.ucdp "ucdp, log of $rows" --format ucdp "$work/ucdp.csv"
run import.ucdp_dry_run "ucdp dry run (all skipped)" --format ucdp "$work/ucdp.csv" --dry-run
