# Sourced by the shell benchmarks: `figure ID VALUE UNIT CONDITIONS` appends
# one figure to the file TRUCE_BENCH_FIGURES names (bench/run sets it; the
# format is truce-bench's `figure`: id, value, unit, conditions, tab-separated)
# and does nothing when it is unset.
figure() {
    [ -n "${TRUCE_BENCH_FIGURES:-}" ] || return 0
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(printf '%s' "$4" | tr '\t\n' '  ')" >>"$TRUCE_BENCH_FIGURES"
}
