#!/usr/bin/env bash
# `truce verify` throughput: builds a log of RECORDS records through the real
# append path (bench/build-log.sh: `truce submit --batch` into SQLite; one in
# ten with a confidential part), exports it, and times with the release build:
#   - truce verify --dir           (default: one worker thread per core)
#   - truce verify --dir --threads 0   (everything on one thread, for comparison)
#   - truce verify --export FILE   (default threads), with its peak memory
# and, in the same run, the machine's raw Ed25519 (ZIP-215) verification rate
# (cargo bench -p truce-core --bench ed25519): the ceiling.
#
#   crates/cli/benches/verify.sh [RECORDS]     (1,000,000 by default)
#
# Set TRUCE_BENCH_LOG=DIR to keep (or reuse) the built log there. Prints
# figures only: no assertion on time.
set -euo pipefail
cd "$(dirname "$0")/../../.."
. bench/figures.sh
. bench/build-log.sh
records=${1:-1000000}
cargo build --release -q -p truce-cli --bin truce
truce=target/release/truce
work=${TRUCE_BENCH_LOG:-$(mktemp -d)}
[ -n "${TRUCE_BENCH_LOG:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
if [ ! -f "$work/export.jsonl" ]; then
    build_log "$work" "$records"
    $truce export --dir "$work/m" >"$work/export.jsonl"
fi
size=$(wc -l <"$work/export.jsonl")
echo "truce verify, $size records, SQLite $(du -m "$work/m/truce.db" | cut -f1) MB, export $(du -m "$work/export.jsonl" | cut -f1) MB, $(nproc) CPUs"
run() {
    local id=$1 label=$2; shift 2
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S %M" -o "$work/cpu" "$truce" verify "$@" >"$work/out" 2>"$work/err" \
        || { echo "$label FAILED: $(cat "$work/err")"; return; }
    end=$(date +%s.%N)
    read -r user sys rss <"$work/cpu"
    awk -v l="$label" -v r="$size" -v s="$start" -v e="$end" -v u="$user" -v y="$sys" -v m="$rss" \
        'BEGIN { w = e - s; printf "%-36s %8.0f records/s  %7.2f s wall  %7.2f s CPU  %5.0f MB peak\n", l, r / w, w, u + y, m / 1024 }'
    figure "$id" "$(awk -v r="$size" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", r / (e - s) }')" \
        records/s "$size records, $(nproc) CPUs"
    figure "$id.peak_memory" "$((rss / 1024))" MB "$size records"
}
run verify.dir "verify --dir" --dir "$work/m"
run verify.one_thread "verify --dir --threads 0 (one thread)" --dir "$work/m" --threads 0
run verify.export "verify --export" --export "$work/export.jsonl"
# Signing takes as long as checking: 200,000 signatures are plenty for a rate.
cargo bench -q -p truce-core --bench ed25519 -- "$(( size < 200000 ? size : 200000 ))" 2>/dev/null
