#!/usr/bin/env bash
# Truce at scale, through the real binary: builds a log of RECORDS incident
# reports through the real append path (bench/build-log.sh), then reports
#   - build rate and disk bytes per record (SQLite);
#   - start-up: `truce serve` started to its first answer (it listens while
#     it opens the log), to its first incident list answered (the query
#     index built from the log) and to its ledger open (it takes records);
#     then restarted, the same with the index read from the snapshot the
#     first run wrote; the server's resident memory then, per record, and
#     the most it held while starting;
#   - inclusion proofs and filtered incident lists, one client, p50/p99;
#   - the web UI in Chromium (crates/web/e2e/bench/ui.mjs): the incidents map
#     and list opened, zoomed and panned, the statistics page opened;
#   - the server's resident memory after all that;
#   - `truce verify --dir` over the whole log.
#
#   bench/scale.sh [RECORDS]       (1,000,000 by default; 10,000,000 for issue 16's point 7)
#
# With TRUCE_BENCH_DATABASE set to an empty PostgreSQL database, the log is
# kept there rather than in SQLite, and the figures are named scale.postgres.*
# (bench/scale-postgres.sh makes such a database, as the test suite does).
#
# Set TRUCE_BENCH_LOG=DIR to keep (or reuse) the built log there, and
# TRUCE_BENCH_BINARY=PATH to run a copy of `truce` built before. Needs what
# ./test --setup-only installs (Chromium, Node.js, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/figures.sh
. bench/build-log.sh
records=${1:-1000000}
# TRUCE_BENCH_BINARY=PATH runs that build of `truce` rather than this
# checkout's: at ten million records the bench takes hours, and a rebuild of
# target/release meanwhile would change the binary between its steps (and
# the build stamp its snapshot is read back under).
if [ -n "${TRUCE_BENCH_BINARY:-}" ]; then
    truce=$(realpath "$TRUCE_BENCH_BINARY")
else
    cargo build --release -q -p truce-cli --bin truce
    truce=$PWD/target/release/truce
fi
work=${TRUCE_BENCH_LOG:-$(mktemp -d)}
database=${TRUCE_BENCH_DATABASE:-}
id=scale backend=SQLite
on_database=()
if [ -n "$database" ]; then
    id=scale.postgres backend=PostgreSQL
    on_database=(--database "$database")
fi
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    [ -n "${TRUCE_BENCH_LOG:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"
# Built already (TRUCE_BENCH_LOG kept it): the mechanism's directory, and
# its records in the database when there is one.
built() {
    [ -f "$work/m/log.key" ] || return 1
    [ -z "$database" ] || [ "$(psql "$database" -Atc \
        "SELECT count(*) > 0 FROM pg_tables WHERE tablename = 'records'" 2>/dev/null)" = t ]
}
built || { rm -rf "$work/m" "$work/keys"; build_log "$work" "$records"; }
# On disk: the mechanism's directory (the SQLite file, evidence, keys; not
# the query index's snapshot, reported on its own below), and the database
# when the log is in PostgreSQL.
bytes=$(du -sb --exclude=index.snapshot "$work/m" | cut -f1)
[ -z "$database" ] || bytes=$((bytes + $(psql "$database" -Atc 'SELECT pg_database_size(current_database())')))

resident_mib() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
peak_mib() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
since_start() { awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
status_of() { curl -s -o /dev/null -w '%{http_code}' "$base$1"; }
# Starts `truce serve` and waits for three moments: its first answer (it
# listens while it opens the log; the checkpoint needs neither the ledger
# nor the index), its first list (the query index built, or read from its
# snapshot), and the first answer that needs the ledger open (the
# participants and their members: it takes records from then on).
start_server() {
    start=$(date +%s.%N)
    TRUCE_LOG_LEVEL=warn,truce_server::follower=info TRUCE_RATE_LIMIT_PER_MINUTE=100000000 TRUCE_READS_IN_FLIGHT=1000 \
        "$truce" serve --dir "$work/m" "${on_database[@]}" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
    server=$!
    answered= first= ledger_open=
    until [ -n "$first" ] && [ -n "$ledger_open" ]; do
        kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; cat "$work/server.log"; exit 1; }
        [ -n "$answered" ] || { [ "$(status_of /checkpoint)" = 200 ] && answered=$(since_start); } || true
        [ -n "$first" ] || { [ "$(status_of '/api/v1/incidents?limit=1')" = 200 ] && first=$(since_start); } || true
        [ -n "$ledger_open" ] || { [ "$(status_of /api/v1/participants)" = 200 ] && ledger_open=$(since_start); } || true
        sleep 0.1
    done
    answered=${answered:-$first}
}
stop_server() {
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=
}

# First from the log alone: the query index built from every record.
snapshot=$work/m/index.snapshot
rm -f "$snapshot"
start_server
size=$(curl -s "$base/checkpoint" | sed -n 2p)
conditions="$size records, $backend, $(nproc) CPUs"
echo "Truce at scale: $conditions; $((bytes / 1048576)) MiB on disk, $((bytes / size)) bytes per record"
figure "$id.disk_per_record" "$((bytes / size))" bytes "$conditions"
rss=$(resident_mib "$server")
echo "start-up from the log: first answer after $answered s, first incident list after $first s, taking records after $ledger_open s; resident memory $rss MiB ($((rss * 1048576 / size)) bytes per record)"
figure "$id.first_answer" "$answered" s "$conditions"
figure "$id.startup_from_log" "$first" s "the query index built from every record; $conditions"
figure "$id.ledger_open" "$ledger_open" s "$conditions"

# Then restarted: the index read back from the snapshot the first run
# wrote once it was built (the server writes one past 100,000 records).
if [ "$size" -ge 100000 ]; then
    until [ -f "$snapshot" ]; do
        kill -0 "$server" 2>/dev/null || { echo "the server stopped:"; cat "$work/server.log"; exit 1; }
        sleep 0.5
    done
    snapshot_bytes=$(stat -c %s "$snapshot")
    figure "$id.snapshot_per_record" "$((snapshot_bytes / size))" bytes "the query index's snapshot; $conditions"
    stop_server
    start_server
    grep -q "read the query index's snapshot" "$work/server.log" ||
        { echo "the restarted server did not read its snapshot:"; cat "$work/server.log"; exit 1; }
    rss=$(resident_mib "$server")
    echo "restarted ($((snapshot_bytes / 1048576)) MiB snapshot): first answer after $answered s, first incident list after $first s, taking records after $ledger_open s; resident memory $rss MiB, peak $(peak_mib "$server") MiB"
    figure "$id.startup" "$first" s "restarted, the query index read from its snapshot; $conditions"
    figure "$id.restart_ledger_open" "$ledger_open" s "restarted; $conditions"
fi
figure "$id.resident" "$rss" MiB "after start-up; $conditions"
figure "$id.resident_per_record" "$((rss * 1048576 / size))" bytes "after start-up; $conditions"
figure "$id.resident_peak" "$(peak_mib "$server")" MiB "the most held during start-up; $conditions"

# One client, one request at a time: each answer's own latency.
latencies() {
    local fig=$1 label=$2 n=$3
    shift 3
    for i in $(seq "$n"); do
        curl -s -o /dev/null -w '%{time_total}\n' "$("$@" "$i")"
    done | sort -n | awk -v l="$label" -v n="$n" '
        { t[NR] = $1 * 1000 }
        END { p50 = t[int(NR * 0.5) + 1]; p99 = t[int(NR * 0.99) + 1] > 0 ? t[int(NR * 0.99) + 1] : t[NR]
              printf "%-44s p50 %7.2f ms  p99 %7.2f ms  (%d requests)\n", l, p50, p99, n
              printf "%s\t%s\n", p50, p99 > "/dev/stderr" }' 2>"$work/latency"
    read -r p50 p99 <"$work/latency"
    figure "$fig" "$p50" ms "p50, one client; $conditions"
    figure "${fig}_p99" "$p99" ms "one client; $conditions"
}
proof_url() { echo "$base/api/v1/proof/inclusion?index=$(( ($1 * 7919) % (size - 1) + 1 ))&size=$size"; }
list_url() {
    local filters=("type=shelling" "bbox=31,66,35,71&limit=50" "from=2026-03-01T00:00:00Z&to=2026-03-31T23:59:59Z" "type=drone_strike&bbox=30,65,36,72" "status=reported&party=party-b")
    echo "$base/api/v1/incidents?${filters[$(($1 % 5))]}&q=post%20$1"
}
latencies "$id.proof" "inclusion proof at the full size" 200 proof_url
latencies "$id.list" "filtered incident list (each new)" 200 list_url

TRUCE_E2E_BASE_URL=$base TRUCE_E2E_SCREENSHOTS="$work/screenshots" TRUCE_BENCH_UI_FIGURES="${id/scale/ui}" \
    node crates/web/e2e/bench/ui.mjs
rss=$(resident_mib "$server")
echo "resident memory after the reads and the UI: $rss MiB"
figure "$id.resident_after" "$rss" MiB "after the lists, proofs and UI rounds; $conditions"
stop_server

start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/peak" "$truce" verify --dir "$work/m" "${on_database[@]}" >/dev/null
end=$(date +%s.%N)
rate=$(awk -v s="$start" -v e="$end" -v r="$size" 'BEGIN { printf "%.0f", r / (e - s) }')
echo "truce verify --dir${database:+ --database}: $rate records/s, $(( $(cat "$work/peak") / 1024 )) MB peak"
figure "$id.verify" "$rate" records/s "$conditions"
