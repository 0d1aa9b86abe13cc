#!/bin/sh
# A fuzzing campaign (make fuzz-campaign): runs each target in turn, one
# process on one core, for an equal share of HOURS (FUZZ_JOBS=N: N targets at
# a time, one per core, each lane taking every Nth target); merges the inputs that
# add coverage back into tests/fuzz/corpus/<target> (libFuzzer -merge=1, so
# the committed corpora stay small); and adds a row per target to the
# campaign table of DOC, above its marker line, as soon as the target is done
# (an interrupted campaign keeps the rows of the targets it finished).
#
# Usage: [FUZZ_JOBS=N] [FUZZ_TIMEOUT=S] campaign.sh FUZZ-BUILD-DIR HOURS DOC [TARGET...]
# Exit status 1 when a target found something (its input is in
# FUZZ-BUILD-DIR/artifacts/<target>-*), 2 for a usage error.
set -u
[ $# -ge 3 ] || { echo "usage: $0 FUZZ-BUILD-DIR HOURS DOC [TARGET...]" >&2; exit 2; }
fuzz=$1 hours=$2 doc=$3
shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
marker='<!-- fuzz-campaign: new rows go above this line -->'
grep -qF "$marker" "$doc" || { echo "$0: no campaign table marker in '$doc'" >&2; exit 2; }
if [ $# -eq 0 ]; then
    for src in "$root"/tests/fuzz/fuzz_*.c; do set -- "$@" "$(basename "$src" .c)"; done
fi
lanes=${FUZZ_JOBS:-1}
case "$lanes" in '' | *[!0-9]* | 0) echo "$0: FUZZ_JOBS must be a positive number, not '$lanes'" >&2; exit 2 ;; esac
[ "$lanes" -gt $# ] && lanes=$#
# Each target's share of the wall time, the lanes running side by side.
seconds=$(awk -v h="$hours" -v n=$# -v j="$lanes" 'BEGIN { if (h + 0 <= 0) exit 1; s = int(h * 3600 * j / n + 0.5);
    print s < 1 ? 1 : s }') || { echo "$0: HOURS must be a positive number, not '$hours'" >&2; exit 2; }

# Crashes, leaks, timeouts and memory blow-ups; not libFuzzer's slow-unit notes.
count_finds() {
    find "$fuzz/artifacts" \( -name "$1-crash-*" -o -name "$1-leak-*" -o -name "$1-timeout-*" \
        -o -name "$1-oom-*" \) | wc -l
}

mkdir -p "$fuzz/artifacts" "$fuzz/campaign"
run_target() { # TARGET: one run, its corpus merged and its row added; 1 when it found something
    t=$1
    bin="$fuzz/$t"
    committed="$root/tests/fuzz/corpus/$t"
    work="$fuzz/corpus/$t"
    log="$fuzz/campaign/$t.log"
    mkdir -p "$committed" "$work"
    cp -R "$committed/." "$work/"
    dict=
    [ -f "$root/tests/fuzz/$t.dict" ] && dict="-dict=$root/tests/fuzz/$t.dict"
    finds_before=$(count_finds "$t")
    echo "fuzz-campaign: $t for $seconds s ($log)"
    start=$(date +%s)
    times >"$fuzz/campaign/$t.times.before"
    # Not -jobs/-workers: one in-process fuzzer is one core; a lane's targets run one after another.
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$fuzz/artifacts/$t-" $dict "$work" >"$log" 2>&1
    # A find ends the run early: the row says how long it really ran.
    elapsed=$(($(date +%s) - start))
    # Wall time overstates the work when the fuzzer shares its core: the
    # row also gives the processor seconds the target really had.
    times >"$fuzz/campaign/$t.times.after"
    cpu=$(awk 'FNR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
        if (FILENAME ~ /before$/) b = t; else a = t } END { printf "%d", a - b + 0.5 }' \
        "$fuzz/campaign/$t.times.before" "$fuzz/campaign/$t.times.after")
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
    finds=$(($(count_finds "$t") - finds_before))
    inputs_before=$(find "$committed" -type f | wc -l)
    "$bin" -merge=1 "$committed" "$work" >"$fuzz/campaign/$t.merge.log" 2>&1 ||
        echo "fuzz-campaign: $t: merge failed, see $fuzz/campaign/$t.merge.log" >&2
    added=$(($(find "$committed" -type f | wc -l) - inputs_before))
    # shellcheck disable=SC2016
    row=$(printf '| %s | `%s` | %s | %s | %s | %s | %s | %s | %s |' "$(date -u +%Y-%m-%d)" "$t" \
        "$elapsed" "$cpu" "${execs:-?}" "$(echo "${cov:-? ?}" | awk '{ print $2 }')" \
        "$(echo "${cov:-? ? ? ?}" | awk '{ print $4 }')" "$added" "$finds")
    echo "$row"
    # Lanes finish targets at any time: one row at a time goes into the doc.
    (
        flock 9
        awk -v row="$row" -v marker="$marker" '$0 == marker { print row } { print }' "$doc" \
            >"$doc.tmp" && mv "$doc.tmp" "$doc"
    ) 9>"$fuzz/campaign/doc.lock"
    [ "$finds" -eq 0 ]
}

for t in "$@"; do
    [ -x "$fuzz/$t" ] || { echo "$0: '$fuzz/$t' is missing (make fuzz-bins)" >&2; exit 2; }
done
found=0
lane=0
pids=
while [ "$lane" -lt "$lanes" ]; do
    (
        i=0 status=0
        for t in "$@"; do
            [ $((i % lanes)) -eq "$lane" ] && { run_target "$t" || status=1; }
            i=$((i + 1))
        done
        exit "$status"
    ) &
    pids="$pids $!"
    lane=$((lane + 1))
done
for pid in $pids; do
    wait "$pid" || found=1
done
exit "$found"
