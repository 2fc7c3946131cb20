#!/usr/bin/env bash
# `truce submit --batch` throughput into SQLite: writes RECORDS record
# templates (incident reports, one in ten with a confidential part), signs
# and appends them into a fresh mechanism with the release build, and prints
# records/s, wall and CPU time; then runs the same file again (every line
# recognised in the log, nothing appended), and appends a second file
# through a real `truce serve` (POST /api/v1/records:batch).
#
#   crates/cli/benches/submit-batch.sh [RECORDS]     (10,000 by default)
#
# Builds truce in release mode first (slow the first time). Prints figures
# only: no assertion on time. CPU is the submitting process's own (through a
# server, the server's work is not in it). On 2026-12-03, two busy cores,
# 10,000 records: --dir 9,278 records/s (1.08 s), again with every line
# recognised 0.86 s, through truce serve 4,740 records/s (2.11 s).
set -euo pipefail
cd "$(dirname "$0")/../../.."
. bench/figures.sh
records=${1:-10000}
cargo build --release -q -p truce-cli --bin truce
truce=target/release/truce
work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
$truce init --example-charter --keys-out "$work/keys" >"$work/charter.json" 2>/dev/null
$truce init --dir "$work/m" --charter "$work/charter.json" --log-key "$work/keys/log.key" \
    --key "$work/keys/a-head.key" --key "$work/keys/b-head.key" --key "$work/keys/c-mediator.key" >/dev/null
lines() {
    awk -v n="$records" -v tag="$1" 'BEGIN {
        for (i = 1; i <= n; i++) {
            conf = (i % 10 == 0) ? sprintf(",\"confidential\":{\"readers\":[\"mediator-c\"],\"content\":{\"source\":\"%s %d\"}}", tag, i) : ""
            printf "{\"kind\":\"incident.report\",\"body\":{\"title\":\"%s %d\",\"incident_type\":\"shelling\",\"time\":{\"at\":\"2026-01-05T04:00:00Z\",\"precision\":\"hour\"},\"places\":[{\"point\":{\"lat_e6\":34100000,\"lon_e6\":71100000},\"precision\":\"locality\"}],\"accused\":\"party-b\",\"narrative\":\"Mortar rounds landed near post %d.\"}%s}\n", tag, i, i, conf
        }
    }'
}
lines "Directory" >"$work/dir.jsonl"
lines "Server" >"$work/server.jsonl"
echo "truce submit --batch, $records records, SQLite, $(nproc) CPUs"
run() {
    local id=$1 label=$2; shift 2
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$work/cpu" "$truce" submit "$@" --key "$work/keys/a-liaison.key" >/dev/null 2>"$work/err" || true
    end=$(date +%s.%N)
    read -r user sys <"$work/cpu"
    awk -v l="$label" -v r="$records" -v s="$start" -v e="$end" -v u="$user" -v y="$sys" -v o="$(tail -1 "$work/err")" \
        'BEGIN { w = e - s; printf "%-34s %8.0f records/s  %6.2f s wall  %6.2f s CPU  (%s)\n", l, r / w, w, u + y, o }'
    figure "$id" "$(awk -v r="$records" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", r / (e - s) }')" \
        records/s "$records records, SQLite, $(nproc) CPUs"
}
run submit.dir "--dir, into a fresh log" --dir "$work/m" --batch "$work/dir.jsonl"
run submit.dir_again "--dir again (all recognised)" --dir "$work/m" --batch "$work/dir.jsonl"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TRUCE_LOG_LEVEL=warn TRUCE_RATE_LIMIT_PER_MINUTE=100000000 "$truce" serve --dir "$work/m" \
    --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/checkpoint" >/dev/null 2>&1 && break
    sleep 0.1
done
run submit.server "--server (truce serve, same log)" --server "http://127.0.0.1:$port" --batch "$work/server.jsonl"
