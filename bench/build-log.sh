# Sourced by benchmarks that need a large log: `build_log DIR RECORDS`
# makes a mechanism in DIR/m (keys in DIR/keys; `truce init --example-charter`)
# and appends RECORDS - 1 incident reports after the charter through the real
# append path (`truce submit --batch`; into SQLite, or into the PostgreSQL
# database TRUCE_BENCH_DATABASE names, which must be empty): spread over the border region
# (29–37°N, 60.5–74.5°E) and nine months, four incident types, one in ten with a
# confidential part. Prints the build time; appends the figure
# `build.records_per_second` when TRUCE_BENCH_FIGURES is set. Needs $truce
# (the release binary) and bench/figures.sh sourced.
build_log() {
    local dir=$1 records=$2 start end
    mkdir -p "$dir"
    $truce init --example-charter --keys-out "$dir/keys" >"$dir/charter.json" 2>/dev/null
    $truce init --dir "$dir/m" ${TRUCE_BENCH_DATABASE:+--database "$TRUCE_BENCH_DATABASE"} \
        --charter "$dir/charter.json" --log-key "$dir/keys/log.key" \
        --key "$dir/keys/a-head.key" --key "$dir/keys/b-head.key" --key "$dir/keys/c-mediator.key" >/dev/null
    awk -v n="$((records - 1))" 'BEGIN {
        split("shelling armed_clash drone_strike crossing_closure", types, " ")
        for (i = 1; i <= n; i++) {
            conf = (i % 10 == 0) ? sprintf(",\"confidential\":{\"readers\":[\"mediator-c\"],\"content\":{\"source\":\"informant %d\"}}", i) : ""
            lat = 29000000 + (i * 7919) % 8000000
            lon = 60500000 + (i * 104729) % 14000000
            at = sprintf("2026-%02d-%02dT%02d:00:00Z", i % 9 + 1, i % 28 + 1, i % 24)
            printf "{\"kind\":\"incident.report\",\"body\":{\"title\":\"Report %d\",\"incident_type\":\"%s\",\"time\":{\"at\":\"%s\",\"precision\":\"hour\"},\"places\":[{\"point\":{\"lat_e6\":%d,\"lon_e6\":%d},\"precision\":\"locality\"}],\"accused\":\"party-b\",\"narrative\":\"Mortar rounds landed near post %d.\"}%s}\n", i, types[i % 4 + 1], at, lat, lon, i, conf
        }
    }' >"$dir/batch.jsonl"
    # A million lines a run: `truce submit --batch` parses its whole file
    # before it appends (to match lines already in the log), about 1.7 KB a
    # line in memory, so ten million lines at once would hold 17 GB.
    split -l 1000000 -d -a 3 "$dir/batch.jsonl" "$dir/batch.part."
    rm -f "$dir/batch.jsonl"
    start=$(date +%s.%N)
    for part in "$dir"/batch.part.*; do
        $truce submit --dir "$dir/m" ${TRUCE_BENCH_DATABASE:+--database "$TRUCE_BENCH_DATABASE"} --key "$dir/keys/a-liaison.key" --batch "$part" >/dev/null 2>&1
        rm -f "$part" "$part.truce-resume"
    done
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v r="$records" 'BEGIN { printf "built the log: %d records in %.0f s (truce submit --batch), %.0f records/s\n", r, e - s, r / (e - s) }'
    local id=build backend=SQLite
    [ -z "${TRUCE_BENCH_DATABASE:-}" ] || { id=build.postgres; backend=PostgreSQL; }
    figure "$id.records_per_second" "$(awk -v s="$start" -v e="$end" -v r="$records" 'BEGIN { printf "%.0f", r / (e - s) }')" \
        records/s "$records records through truce submit --batch, $backend"
}
