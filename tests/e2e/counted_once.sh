# Wrong numbers that must not come back: the same capture named twice or
# copied is read once (report, ingest batches, threads, MPI); a store report
# with --compare reads the compared period too; a ratio to nothing says so; a
# clock stepping back does not split a flow; provider keys are checked per
# provider; relative paths report as the store reports them.
. "$(dirname "$0")/../lib.sh"
seed=$(scenario seed 1) || { fail counted_once_scenario "generator failed"; exit 0; }
w="$TEST_WORK/counted-once"
rm -rf "$w"
mkdir -p "$w"
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
one="$seed/honeypot-2009-03.pcap"
two="$seed/honeypot-2009-04.pcap"
cp "$one" "$w/copy.pcap"
J="--quiet --sensor 192.0.2.10/32 --group aws=$aws --format json"

# ---- 1. the same capture, named twice or copied, is read once -----------------
# shellcheck disable=SC2086
"$HS" report $J "$one" "$two" >"$w/once.json"
# shellcheck disable=SC2086
"$HS" report $J "$one" "$two" "$one" "$w/copy.pcap" >"$w/repeated.json"
expect_eq report_repeat_exit "$?" 0
expect_eq report_repeat_packets "$(jq .inputs.packets "$w/repeated.json")" \
    "$(jq .inputs.packets "$w/once.json")"
jq -S .groups "$w/once.json" >"$w/g1"
jq -S .groups "$w/repeated.json" >"$w/g2"
check report_repeat_groups_equal cmp "$w/g1" "$w/g2"
expect_eq report_repeat_files_listed "$(jq '.inputs.files | length' "$w/repeated.json")" 4
expect_eq report_repeat_said "$(jq -r --arg c "$w/copy.pcap" '.inputs.files[] | select(.path == $c) | .same_as' "$w/repeated.json")" "$one"
expect_eq report_repeat_file_count "$(jq '[.inputs.files[] | select(.same_as == null)] | length' "$w/repeated.json")" 2
"$HS" report --quiet --sensor 192.0.2.10/32 "$one" "$w/copy.pcap" >"$w/repeated.txt"
check report_repeat_text_says grep -q "copy.pcap: skipped: same content as $one" "$w/repeated.txt"
for t in 1 2; do
    # shellcheck disable=SC2086
    "$HS" report $J --threads $t "$w/copy.pcap" "$one" "$two" "$two" >"$w/t$t.json"
    expect_eq "report_repeat_threads${t}_packets" "$(jq .inputs.packets "$w/t$t.json")" \
        "$(jq .inputs.packets "$w/once.json")"
done
# Files that differ only between the fingerprint's samples (first and last
# MiB) are two captures: both are read.
python3 "$HONEYSCOPE_ROOT/tests/tinypcap.py" "$w/big.pcap" 60000 >/dev/null
python3 - "$w/big.pcap" "$w/big-changed.pcap" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
assert len(data) > 3 * 1048576
data[len(data) // 2] ^= 0x01  # a payload or header byte of one packet in the middle
open(sys.argv[2], "wb").write(bytes(data))
EOF
"$HS" report --quiet --sensor 192.0.2.10/32 --format json "$w/big.pcap" "$w/big-changed.pcap" \
    >"$w/big.json" 2>/dev/null
expect_eq sampled_fingerprint_confirmed \
    "$(jq '[.inputs.files[] | select(.same_as == null)] | length' "$w/big.json")" 2

# ingest: a copy inside one batch is stored once, with 1 or 2 threads.
for t in 1 2; do
    "$HS" ingest --db "$w/b$t.db" --sensor 192.0.2.10/32 --threads $t "$one" "$w/copy.pcap" \
        "$two" "$one" 2>"$w/ingest$t.err"
    expect_eq "ingest_batch_copy_exit_t$t" "$?" 0
    expect_eq "ingest_batch_copy_files_t$t" "$(sqlite3 "$w/b$t.db" 'SELECT count(*) FROM capture_file')" 2
    # shellcheck disable=SC2086
    "$HS" report --quiet --group aws="$aws" --format json --db "$w/b$t.db" >"$w/b$t.json"
    expect_eq "ingest_batch_copy_packets_t$t" "$(jq .inputs.packets "$w/b$t.json")" \
        "$(jq .inputs.packets "$w/once.json")"
done
check ingest_batch_copy_said grep -q "same content as" "$w/ingest1.err"

# honeyscope-mpi, when built: the same for its report and ingest.
MPI="$BUILD/honeyscope-mpi"
if command -v mpirun >/dev/null 2>&1 && [ -x "$MPI" ]; then
    export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
    export OMPI_MCA_rmaps_base_oversubscribe=1
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    # shellcheck disable=SC2086
    mpirun --allow-run-as-root -np 2 "$MPI" report $J "$one" "$two" "$w/copy.pcap" \
        >"$w/mpi.json" 2>"$w/mpi.err"
    expect_eq mpi_report_copy_packets "$(jq .inputs.packets "$w/mpi.json")" \
        "$(jq .inputs.packets "$w/once.json")"
    mpirun --allow-run-as-root -np 2 "$MPI" ingest --db "$w/mpi.db" --sensor 192.0.2.10/32 \
        "$one" "$w/copy.pcap" "$two" >/dev/null 2>"$w/mpi-ingest.err"
    expect_eq mpi_ingest_copy_files "$(sqlite3 "$w/mpi.db" 'SELECT count(*) FROM capture_file')" 2
else
    skip mpi_counted_once "honeyscope-mpi is not built or mpirun is missing"
fi

# ---- 2. report --db with --compare equals the one-shot report -----------------
"$HS" ingest -q --db "$w/all.db" --sensor 192.0.2.10/32 "$seed"/honeypot-*
for case in "2009-06-01 2009-08-31 2009-03-01..2009-05-31 before" \
    "2009-03-01 2009-05-31 2009-06-01..2009-08-31 after" \
    "2009-03-01 2009-06-30 2009-05-01..2009-08-31 overlapping" \
    "2009-06-01 2009-06-30 2008-02-01..2008-12-31 longer" \
    "2009-06-01 2009-08-31 2009-07-10..2009-07-20 inside"; do
    set -- $case
    for f in json text csv; do
        "$HS" report --quiet --group aws="$aws" --from "$1" --to "$2" --compare "$3" \
            --format $f --sensor 192.0.2.10/32 "$seed"/honeypot-* >"$w/c-one.$f"
        "$HS" report --quiet --group aws="$aws" --from "$1" --to "$2" --compare "$3" \
            --format $f --db "$w/all.db" >"$w/c-db.$f"
        check "store_compare_${4}_$f" cmp "$w/c-one.$f" "$w/c-db.$f"
    done
    expect_eq "store_compare_${4}_not_empty" \
        "$(jq '.groups[0].versus.ratios.packets_in != null' "$w/c-db.json")" true
done

# ---- 8. a ratio to a compared value of 0 is no number, in every format -------
"$HS" report --quiet --group aws="$aws" --sensor 192.0.2.10/32 --from 2009-06-01 \
    --to 2009-06-30 --compare 2001-01-01..2001-01-31 "$seed"/honeypot-* >"$w/zero.txt"
check compare_zero_ratio_text sh -c "grep -E '^   packets in +[0-9]+ +0 +-\$' '$w/zero.txt'"
"$HS" report --quiet --group aws="$aws" --sensor 192.0.2.10/32 --from 2009-06-01 \
    --to 2009-06-30 --compare 2001-01-01..2001-01-31 --format json "$seed"/honeypot-* >"$w/zero.json"
expect_eq compare_zero_ratio_json "$(jq '.groups[0].versus.ratios.packets_in' "$w/zero.json")" null

# ---- 8. relative paths: one-shot reports name files as the store does ---------
mkdir -p "$w/rel"
cp "$one" "$w/rel/m03.pcap"
cp "$two" "$w/rel/m04.pcap"
(cd "$w/rel" && "$HS" ingest -q --db rel.db --sensor 192.0.2.10/32 m03.pcap m04.pcap &&
    "$HS" report --quiet --group aws="$aws" --format json --db rel.db >db.json &&
    "$HS" report --quiet --group aws="$aws" --format json --sensor 192.0.2.10/32 \
        m04.pcap ./m03.pcap >one.json)
check relative_paths_identical cmp "$w/rel/one.json" "$w/rel/db.json"

# ---- 8. a clock stepping back does not split a flow ----------------------------
python3 - "$w/backward.pcap" <<'EOF'
import struct, sys
def frame(src, dst, sport, dport):
    payload = bytes(12)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, src, dst)
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + udp
s, r = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 7])
t0 = 1233446400 + 3600
# One conversation: 0 s, +100 s, a packet stamped 500 s earlier, then +150 s.
times = [(0, r, s, 40000, 53), (100, s, r, 53, 40000), (-500, r, s, 40000, 53),
         (150, s, r, 53, 40000)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for dt, a, b, sp, dp in times:
        fr = frame(a, b, sp, dp)
        f.write(struct.pack("<IIII", t0 + dt, 0, len(fr), len(fr)) + fr)
EOF
"$HS" report --quiet --sensor 192.0.2.10/32 --format json "$w/backward.pcap" >"$w/backward.json"
expect_eq backward_clock_one_flow "$(jq .inputs.flows.started "$w/backward.json")" 1
expect_eq backward_clock_packets "$(jq .inputs.packets "$w/backward.json")" 4

# ---- 8. selection keys belong to the provider whose files use them -------------
P="$SHARED/prefixes"
if [ -f "$P/aws-ip-ranges-2015-11-03.json" ] && [ -f "$P/gcp-cloud-2025-07-25.json" ]; then
    "$HS" lookup --group "x=$P/aws-ip-ranges-2015-11-03.json:scope=us-east-1" 1.2.3.4 \
        >/dev/null 2>"$w/scope.err"
    expect_eq aws_scope_refused "$?" 2
    check aws_scope_message grep -q "has no 'scope'" "$w/scope.err"
    "$HS" lookup --group "x=$P/aws-ip-ranges-2015-11-03.json:network_border_group=us-east-1" \
        1.2.3.4 >/dev/null 2>&1
    expect_eq aws_border_alias_accepted "$?" 0
    "$HS" lookup --group "x=$P/gcp-cloud-2025-07-25.json:scope=europe-west1" 1.2.3.4 \
        >/dev/null 2>&1
    expect_eq gcp_scope_accepted "$?" 0
else
    skip provider_keys "../shared/data/prefixes is not there"
fi
