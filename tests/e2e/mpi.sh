# honeyscope-mpi (docs/mpi.md): reports under 1, 2 and 3 ranks equal
# honeyscope report byte for byte; a store ingested over 2 ranks reports as
# the single-process store does; evidence past a rank's table spills and the
# report stays honeyscope's; a damaged capture is stored as failed; a
# rank that sees other files (storage not shared) or is killed leaves the
# store as before the batch, and running the batch again completes it.
# SKIP when Open MPI (mpirun, mpicc) is not installed.
. "$(dirname "$0")/../lib.sh"
MPI="$BUILD/honeyscope-mpi"
if ! command -v mpirun >/dev/null 2>&1 || ! command -v mpicc >/dev/null 2>&1; then
    skip mpi "mpirun or mpicc is not installed (Debian: openmpi-bin libopenmpi-dev)"
    exit 0
fi
if [ ! -x "$MPI" ]; then
    skip mpi "$MPI is not built in this build ('make mpi')"
    exit 0
fi
seed=$(scenario seed 1) || { fail mpi_scenario "generator failed"; exit 0; }
w="$TEST_WORK/mpi"
rm -rf "$w"
mkdir -p "$w"

# Shared memory between the ranks, no network, and root allowed (CI runs as root).
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
run() { # NP, then the arguments of honeyscope-mpi
    np=$1
    shift
    mpirun --allow-run-as-root -np "$np" "$MPI" "$@"
}

aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
R="--quiet --group aws=$aws --group any --from 2008-02-01 --to 2009-12-11 --format json"
# shellcheck disable=SC2086
"$HS" report $R --sensor 192.0.2.10/32 "$seed"/honeypot-* >"$w/one.json"

for np in 1 2 3; do
    # shellcheck disable=SC2086
    run "$np" report $R --sensor 192.0.2.10/32 "$seed"/honeypot-* >"$w/np$np.json" 2>"$w/np$np.err"
    expect_eq "report_np${np}_exit" "$?" 0
    check "report_np${np}_identical" cmp "$w/one.json" "$w/np$np.json"
done

# --top all lists every source, as honeyscope report's does.
# shellcheck disable=SC2086
"$HS" report $R --top all --sensor 192.0.2.10/32 "$seed"/honeypot-* >"$w/one-all.json"
# shellcheck disable=SC2086
run 2 report $R --top all --sensor 192.0.2.10/32 "$seed"/honeypot-* >"$w/np2-all.json" 2>/dev/null
expect_eq report_top_all_exit "$?" 0
check report_top_all_identical cmp "$w/one-all.json" "$w/np2-all.json"

# The analysis options shared with honeyscope report: --by splits each group
# by label, as the serial report does; a dated group far from the bins is
# warned of under --snapshot-max-age, and --snapshot-rule nearest picks the
# later file for the bins before it.
V="--quiet --sensor 192.0.2.10/32 --from 2008-02-01 --to 2009-12-11 --format json --top all"
V="$V --group aws=$aws@2007-01-01 --group aws=$aws@2009-06-01 --snapshot-max-age 30"
for opts in "--by label" "--by label --snapshot-rule nearest"; do
    tag=$(echo "$opts" | sed 's/--//g; s/[^a-z]/_/g')
    # shellcheck disable=SC2086
    "$HS" report $V $opts "$seed"/honeypot-* >"$w/by-one.json" 2>"$w/by-one.err"
    # shellcheck disable=SC2086
    run 2 report $V $opts "$seed"/honeypot-* >"$w/by-np2.json" 2>"$w/by-np2.err"
    expect_eq "report_${tag}_exit" "$?" 0
    check "report_${tag}_identical" cmp "$w/by-one.json" "$w/by-np2.json"
    check "report_${tag}_has_by" grep -q '"by_distinct": [1-9]' "$w/by-np2.json"
    grep 'warning:' "$w/by-one.err" | sed 's/^honeyscope: //' >"$w/by-one.warn"
    grep 'warning:' "$w/by-np2.err" | sed 's/^honeyscope-mpi: //' >"$w/by-np2.warn"
    check "report_${tag}_warns" test -s "$w/by-np2.warn"
    check "report_${tag}_same_warnings" cmp "$w/by-one.warn" "$w/by-np2.warn"
done
# Captures holding the same packets (tests/e2e/overlap_pcap.py): found and
# skipped as honeyscope report does. Counted both, their shared conversations
# are one flow in one stream and two across ranks (docs/mpi.md), so only the
# overlap itself is compared; skipped, the whole report is the same.
mkdir -p "$w/overlap"
python3 "$HONEYSCOPE_ROOT/tests/e2e/overlap_pcap.py" "$w/overlap" >/dev/null
for skip in "" --skip-overlapping; do
    tag=${skip:+_skip}
    # shellcheck disable=SC2086
    "$HS" report --quiet --sensor 192.0.2.10/32 --format json $skip "$w"/overlap/[abc].pcap \
        >"$w/ov-one$tag.json" 2>/dev/null
    # shellcheck disable=SC2086
    run 2 report --quiet --sensor 192.0.2.10/32 --format json $skip "$w"/overlap/[abc].pcap \
        >"$w/ov-np2$tag.json" 2>/dev/null
    expect_eq "report_overlap${tag}_same" "$(jq -c '[.inputs.overlaps, .warnings]' "$w/ov-np2$tag.json")" \
        "$(jq -c '[.inputs.overlaps, .warnings]' "$w/ov-one$tag.json")"
    expect_eq "report_overlap${tag}_found" "$(jq '.inputs.overlaps | length' "$w/ov-np2$tag.json")" 1
done
check report_overlap_skip_identical cmp "$w/ov-one_skip.json" "$w/ov-np2_skip.json"
expect_eq report_overlap_skip_packets "$(jq .inputs.packets "$w/ov-np2_skip.json")" 800

# The same checks refuse the same mistakes.
run 1 report --sensor 192.0.2.10/32 --by asn "$seed"/honeypot-* >/dev/null 2>"$w/by-asn.err"
expect_eq report_by_asn_refused "$?" 2
check report_by_asn_says_why grep -q -- "--by asn needs origin ASes" "$w/by-asn.err"
run 1 report --snapshot-max-age 0 "$seed"/honeypot-* >/dev/null 2>"$w/age0.err"
expect_eq report_max_age_0_refused "$?" 2

# Sensor detection on rank 0, text output, hour bins in a zone: still identical.
T="--group aws=$aws --bin hour --tz +09:00 --from 2009-03-01 --to 2009-03-31"
# shellcheck disable=SC2086
"$HS" report $T "$seed"/honeypot-* >"$w/one.txt" 2>"$w/one-txt.err"
# shellcheck disable=SC2086
run 2 report $T --threads 1 "$seed"/honeypot-* >"$w/np2.txt" 2>"$w/np2-txt.err"
expect_eq report_detected_exit "$?" 0
check report_detected_identical cmp "$w/one.txt" "$w/np2.txt"
check report_names_detection grep -q "sensor detected" "$w/np2-txt.err"
check report_rank_figures grep -q "rank 1: .* packets in" "$w/np2-txt.err"

# Ingest over 2 ranks = ingest in one process.
"$HS" ingest -q --db "$w/one.db" --sensor 192.0.2.10/32 "$seed"/honeypot-*
run 2 ingest -q --db "$w/two.db" --sensor 192.0.2.10/32 "$seed"/honeypot-* 2>"$w/ingest.err"
expect_eq ingest_np2_exit "$?" 0
R2="--quiet --group aws=$aws --group any --from 2008-02-01 --to 2009-12-11 --format json"
# shellcheck disable=SC2086
"$HS" report $R2 --db "$w/one.db" >"$w/one-db.json"
# shellcheck disable=SC2086
"$HS" report $R2 --db "$w/two.db" >"$w/two-db.json"
check ingest_np2_report_identical cmp "$w/one-db.json" "$w/two-db.json"
check ingest_np2_equals_one_shot cmp "$w/one.json" "$w/two-db.json"
expect_eq ingest_np2_files "$(sqlite3 "$w/two.db" "SELECT count(*) FROM capture_file WHERE status = 'ok'")" 23
check ingest_np2_integrity sh -c "sqlite3 '$w/two.db' 'PRAGMA integrity_check' | grep -qx ok"
run 3 ingest --db "$w/two.db" "$seed"/honeypot-* 2>"$w/again.err"
expect_eq reingest_exit "$?" 0
check reingest_says_stored grep -q "stored 0 files .* 23 already stored" "$w/again.err"

# A damaged capture: stored as failed with its offset, as honeyscope ingest does.
head -c $(($(wc -c <"$seed"/honeypot-2009-04.pcap) / 2)) "$seed"/honeypot-2009-04.pcap >"$w/cut.pcap"
run 2 ingest -q --db "$w/f.db" --sensor 192.0.2.10/32 "$w/cut.pcap" "$seed"/honeypot-2009-01.pcap \
    2>"$w/damaged.err"
expect_eq damaged_exit "$?" 1
expect_eq damaged_recorded "$(sqlite3 "$w/f.db" "SELECT status, error LIKE '%byte offset%' FROM capture_file WHERE path LIKE '%cut.pcap'")" "failed|1"
expect_eq damaged_rest_stored "$(sqlite3 "$w/f.db" "SELECT count(*) FROM capture_file WHERE status = 'ok'")" 1

# Storage not shared: rank 1 runs in another folder where the same relative
# names are other files. The batch is refused whole; the rerun completes.
mkdir -p "$w/a" "$w/b"
cp "$seed"/honeypot-* "$w/a/"
cp "$seed"/honeypot-* "$w/b/"
cp "$seed"/honeypot-2009-01.pcap "$w/b/honeypot-2009-03.pcap"
rm -f "$w/b/honeypot-2008-05.pcap.gz"
names=$(cd "$w/a" && echo honeypot-*)
# shellcheck disable=SC2086
mpirun --allow-run-as-root -np 1 --wdir "$w/a" "$MPI" ingest -q --db "$w/s.db" $names : \
    -np 1 --wdir "$w/b" "$MPI" ingest -q --db "$w/s.db" $names >/dev/null 2>"$w/shared.err"
expect_eq not_shared_exit "$?" 1
check not_shared_named grep -q "rank 1 refused .*is the storage shared" "$w/shared.err"
check not_shared_says_nothing_stored grep -q "nothing was stored" "$w/shared.err"
expect_eq not_shared_store_as_before "$(sqlite3 "$w/s.db" 'SELECT (SELECT count(*) FROM capture_file) + (SELECT count(*) FROM sensor)')" 0
(cd "$w/a" && run 2 ingest -q --db "$w/s.db" --sensor 192.0.2.10/32 $names 2>"$w/shared-rerun.err")
expect_eq not_shared_rerun_exit "$?" 0
expect_eq not_shared_rerun_files "$(sqlite3 "$w/s.db" 'SELECT count(*) FROM capture_file')" 23

# A rank killed mid-batch: the job ends, the store is as before, the rerun completes.
big=$(scenario seed 16) || { fail mpi_kill_scenario "generator failed"; exit 0; }
# shellcheck disable=SC2086
"$HS" report $R --sensor 192.0.2.10/32 "$big"/honeypot-* >"$w/big-one.json"
# Each rank writes its pid to $w/pid.RANK, then becomes honeyscope-mpi.
rm -f "$w"/pid.*
# shellcheck disable=SC2016
mpirun --allow-run-as-root -np 2 sh -c 'echo $$ >"$0.$OMPI_COMM_WORLD_RANK"; exec "$@"' "$w/pid" \
    "$MPI" ingest -q --db "$w/k.db" --sensor 192.0.2.10/32 --threads 1 "$big"/honeypot-* \
    >/dev/null 2>"$w/kill.err" &
mp=$!
victim=
for _ in $(seq 1 200); do
    [ -s "$w/pid.1" ] && victim=$(cat "$w/pid.1") && break
    sleep 0.05
done
# Wait until rank 1 is reading (a third of a second of CPU): the batch is open.
for _ in $(seq 1 400); do
    [ -n "$victim" ] || break
    ticks=$(awk '{print $14 + $15}' "/proc/$victim/stat" 2>/dev/null) || break
    [ "${ticks:-0}" -ge 33 ] && break
    sleep 0.05
done
[ -n "$victim" ] && kill -9 "$victim" 2>/dev/null
wait "$mp"
status=$?
if [ -z "$victim" ] || [ "$status" -eq 0 ]; then
    skip rank_killed "the batch finished before rank 1 could be killed"
else
    check rank_killed_exit test "$status" -ne 0
    check rank_killed_named grep -q "rank 1 .*exited on signal 9" "$w/kill.err"
    check rank_killed_rank0_says grep -q "nothing of this batch was stored" "$w/kill.err"
    expect_eq rank_killed_store_as_before "$(sqlite3 "$w/k.db" 'SELECT (SELECT count(*) FROM capture_file) + (SELECT count(*) FROM sensor)')" 0
    check rank_killed_integrity sh -c "sqlite3 '$w/k.db' 'PRAGMA integrity_check' | grep -qx ok"
fi
run 2 ingest -q --db "$w/k.db" --sensor 192.0.2.10/32 "$big"/honeypot-* 2>"$w/kill-rerun.err"
expect_eq rank_killed_rerun_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report $R --db "$w/k.db" >"$w/k.json"
check rank_killed_rerun_identical cmp "$w/big-one.json" "$w/k.json"

# Usage errors are said once, by rank 0, and every rank ends with status 2.
run 2 ingest "$seed"/honeypot-2009-01.pcap >/dev/null 2>"$w/usage.err"
expect_eq usage_exit "$?" 2
expect_eq usage_said_once "$(grep -c -- '--db STORE is required' "$w/usage.err")" 1
# A mistyped option or verb is named, with what was meant, as honeyscope does.
run 2 ingest --dbb "$w/u.db" "$seed"/honeypot-2009-01.pcap >/dev/null 2>"$w/typo.err"
expect_eq usage_typo_exit "$?" 2
expect_eq usage_typo_said_once "$(grep -c -- "unknown option '--dbb'; did you mean '--db'?" "$w/typo.err")" 1
run 1 report --fromm 2009-01-01 "$seed"/honeypot-2009-01.pcap >/dev/null 2>"$w/typo.err"
expect_eq usage_typo_report_exit "$?" 2
check usage_typo_report_named grep -q -- "unknown option '--fromm'; did you mean '--from'?" "$w/typo.err"
run 1 report "$seed"/honeypot-2009-01.pcap --from >/dev/null 2>"$w/typo.err"
check usage_needs_value grep -q -- "option '--from' needs a value" "$w/typo.err"
run 1 reprot >/dev/null 2>"$w/typo.err"
expect_eq usage_verb_exit "$?" 2
check usage_verb_named grep -q "'reprot' is not a verb; did you mean 'report'?" "$w/typo.err"

# Evidence past a rank's table (48 MiB: 600,000 zmap probes make 1,200,000
# rows) spills to $TMPDIR and is sent whole: the report is honeyscope's, and
# nothing is counted as dropped.
python3 "$HONEYSCOPE_ROOT/tests/evidence_bound_pcap.py" "$w/probes.pcap" 600000
# (The ranks' flow tables hold 1,000,000 flows: honeyscope's is given as many.)
"$HS" report --quiet --group any --format json --sensor 192.0.2.10/32 --max-flows 1000000 \
    "$w/probes.pcap" >"$w/probes-one.json"
run 2 report --quiet --group any --format json --sensor 192.0.2.10/32 "$w/probes.pcap" >"$w/probes-np2.json"
expect_eq evidence_spill_np2_exit "$?" 0
check evidence_spill_np2_same cmp -s "$w/probes-np2.json" "$w/probes-one.json"
expect_eq evidence_spill_np2_complete "$(jq -c '[.inputs.evidence.dropped, .groups[0].scanners[0].sources]' "$w/probes-np2.json")" '[0,600000]'
