# Zeek conn.logs as inputs (docs/flows.md): the three real logs in
# ../shared/data/zeek report exactly the counts tests/e2e/zeek_counts.py
# computes from them on its own, seen from their own sensor and from the
# other side (where the port table fills); gzip, a store and a directory give
# the same; damaged lines are counted by why and skipped.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/zeek"
mkdir -p "$w"
dir="$SHARED/zeek"

totals() { jq -c '[.groups[0].totals, .groups[0].ports_in, .inputs.flow_logs.records]' "$1"; }

if [ ! -d "$dir" ]; then
    skip zeek_shared "no reference data at $dir"
else
    # Each log from its sensor's side, then from the remote side (everything
    # in 128.0.0.0/1, or the scanned host): unsolicited traffic and ports.
    for spec in horizontal-scan:10.0.2.112/32 horizontal-scan:128.0.0.0/1 \
        test9:10.0.2.15/32 test9:128.0.0.0/1 \
        vertical-scan:192.168.1.9/32 vertical-scan:45.33.32.156/32; do
        name=${spec%%:*}
        sensor=${spec#*:}
        log="$dir/$name-conn.log"
        tag="$name-$(echo "$sensor" | tr './' '__')"
        if "$HS" report -q --top all --sensor "$sensor" --format json "$log" >"$w/$tag.json" \
            2>"$w/$tag.err"; then
            python3 "$HONEYSCOPE_ROOT/tests/e2e/zeek_counts.py" "$log" "$sensor" "$w/$tag.json" "$tag"
        else
            fail "zeek_$tag" "exit status $?: $(head -c 300 "$w/$tag.err")"
        fi
    done

    # gzip: the same numbers, the format says so.
    gzip -c "$dir/test9-conn.log" >"$w/test9-conn.log.gz"
    "$HS" report -q --top all --sensor 10.0.2.15/32 --format json "$w/test9-conn.log.gz" \
        >"$w/gz.json" 2>"$w/gz.err"
    expect_eq zeek_gzip_same "$(totals "$w/gz.json")" "$(totals "$w/test9-10_0_2_15_32.json")"
    expect_eq zeek_gzip_format "$(jq -r '.inputs.files[0].format' "$w/gz.json")" "zeek-conn-json+gzip"
    expect_eq zeek_tsv_format "$(jq -r '.inputs.files[0].format + " " + .inputs.files[0].link_name' \
        "$w/horizontal-scan-10_0_2_112_32.json")" "zeek-conn flows"

    # A directory: logs found by content among other files, a copy read once, the
    # sensor detected.
    rm -rf "$w/tree"
    mkdir -p "$w/tree/a" "$w/tree/b"
    cp "$dir/test9-conn.log" "$w/tree/a/conn.1"
    cp "$dir/test9-conn.log" "$w/tree/b/copy"
    echo "notes" >"$w/tree/notes.txt"
    "$HS" report --top all --format json "$w/tree" >"$w/tree.json" 2>"$w/tree.err"
    expect_eq zeek_dir_sensor_detected "$(jq -r '.sensor | join(",")' "$w/tree.json")" "10.0.2.15/32"
    expect_eq zeek_dir_read_once "$(jq -c '[.inputs.files[] | .same_as != null]' "$w/tree.json")" \
        '[false,true]'
    expect_eq zeek_dir_same "$(totals "$w/tree.json")" "$(totals "$w/test9-10_0_2_15_32.json")"
    check zeek_dir_notes_skipped grep -q "skipped: .*notes.txt.*nor a Zeek conn.log" "$w/tree.err"

    # A store: ingest, then the report from it is the report of the log.
    rm -f "$w/z.db"
    "$HS" ingest -q --db "$w/z.db" --sensor 10.0.2.15/32 "$dir/test9-conn.log" 2>"$w/ingest.err"
    "$HS" report -q --top all --db "$w/z.db" --format json >"$w/db.json" 2>>"$w/ingest.err"
    expect_eq zeek_store_same "$(totals "$w/db.json")" "$(totals "$w/test9-10_0_2_15_32.json")"
    "$HS" ingest --db "$w/z.db" "$dir/test9-conn.log" 2>"$w/again.err"
    check zeek_store_again_skipped grep -q "already stored" "$w/again.err"
fi

# Damaged lines: each counted by why, none a crash, the good ones counted.
good='10.0.0.1	1	192.0.2.9	23	tcp	-	SF	S	1	60	1	40'
{
    printf '#separator \\x09\n#unset_field\t-\n'
    printf '#fields\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\tconn_state\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\tts\n'
    printf '%s\t1000.5\n' "$good"                                        # good, remote starts
    printf '10.0.0.1\t1\t192.0.2.9\n'                                   # short
    printf '%s\t-\n' "$good"                                             # unset ts
    printf '10.0.0.1\t1\t192.0.2.9\t23\ttcp\t-\tSF\tS\t99999999999999999999\t60\t1\t40\t1000\n' # absurd
    printf '10.0.0.1\t1\t192.0.2.9\t23\ttcp\t-\tSF\tS\t3\t10\t1\t40\t1000\n' # bytes < 20 a packet
    printf '10.0.0.1\t70000\t192.0.2.9\t23\ttcp\t-\tSF\tS\t1\t60\t1\t40\t1000\n' # port
    printf '10.0.0.1\t1\t192.0.2.9\t23\tunknown_transport\t-\tSF\tS\t1\t60\t1\t40\t1000\n'
    printf '10.0.0.\377\t1\t192.0.2.9\t23\ttcp\t-\tSF\tS\t1\t60\t1\t40\t1000\n' # not UTF-8
    printf '10.0.0.1\t1\t192.0.2.9\t23\ttcp\t-\t%s\tS\t1\t60\t1\t40\t1000\n' "$(head -c 70000 /dev/zero | tr '\0' A)"
    printf '10.0.0.2\t50000\t192.0.2.9\t445\ttcp\t100000.0\tOTH\tDd\t2\t200\t0\t0\t2000\n' # good, unknown
    printf '#close\t2024-01-01\n'
} >"$w/bad.log"
"$HS" report -q --sensor 192.0.2.0/24 --format json "$w/bad.log" >"$w/bad.json" 2>"$w/bad.err"
expect_eq zeek_bad_status "$?" 0
expect_eq zeek_bad_skipped "$(jq -c '.inputs.flow_logs.skipped' "$w/bad.json")" \
    '{"short":1,"unset":1,"value":3,"protocol":1,"utf8":1,"long":1,"header":0}'
expect_eq zeek_bad_records "$(jq -c '[.inputs.flow_logs.records, .groups[0].totals.flows,
    .groups[0].totals.packets_in, .groups[0].totals.bytes_in]' "$w/bad.json")" '[2,2,3,260]'
# CSV carries the same figures in its flow_logs table (the skipped lines summed).
"$HS" report -q --sensor 192.0.2.0/24 --format csv "$w/bad.log" >"$w/bad.csv" 2>/dev/null
expect_eq zeek_csv_flow_logs "$(tr -d '\r' <"$w/bad.csv" | sed -n '/^# table: flow_logs$/,/^$/p' | tr '\n' '|')" \
    '# table: flow_logs|files,records,covered,skipped|1,2,0,8||'
expect_eq zeek_bad_split "$(jq -c '[.groups[0].in_unsolicited[].category, .groups[0].in_unknown[].category]' \
    "$w/bad.json")" '["scan:tcp/23","unknown:tcp/445"]'
# A long flow counts whole in the bin of its start.
expect_eq zeek_long_flow_start_bin "$(jq -c '[.groups[0].series[] | select(.flows > 0) | .bin]' \
    "$w/bad.json")" '["1970-01-01"]'

# JSON lines: not JSON, null fields, invalid UTF-8 inside a string, a record before.
{
    printf '{"ts":5.25,"id.orig_h":"198.51.100.7","id.orig_p":4444,"id.resp_h":"192.0.2.9","id.resp_p":22,"proto":"tcp","history":"ShAD","orig_pkts":4,"orig_ip_bytes":240,"resp_pkts":3,"resp_ip_bytes":180}\n'
    printf '{"ts":6,"id.orig_h":"198.51.100.7"\n'
    printf '{"ts":null,"id.orig_h":"198.51.100.7","id.orig_p":4444,"id.resp_h":"192.0.2.9","id.resp_p":22,"proto":"tcp","orig_pkts":4,"orig_ip_bytes":240,"resp_pkts":3,"resp_ip_bytes":180}\n'
    printf '{"ts":7,"uid":"\303\050","id.orig_h":"198.51.100.7","id.orig_p":4444,"id.resp_h":"192.0.2.9","id.resp_p":22,"proto":"tcp","orig_pkts":4,"orig_ip_bytes":240,"resp_pkts":3,"resp_ip_bytes":180}\n'
    printf '{"ts":8,"id.orig_h":"198.51.100.7","id.orig_p":-1,"id.resp_h":"192.0.2.9","id.resp_p":22,"proto":"tcp","orig_pkts":4,"orig_ip_bytes":240,"resp_pkts":3,"resp_ip_bytes":180}\n'
    printf '{"ts":9,"id.orig_h":"192.0.2.9","id.orig_p":8,"id.resp_h":"198.51.100.8","id.resp_p":0,"proto":"icmp","orig_pkts":1,"orig_ip_bytes":84,"resp_pkts":1,"resp_ip_bytes":84}\n'
} >"$w/bad.json.log"
"$HS" report -q --sensor 192.0.2.0/24 --format json "$w/bad.json.log" >"$w/badj.json" 2>"$w/badj.err"
expect_eq zeek_json_bad_skipped "$(jq -c '.inputs.flow_logs.skipped' "$w/badj.json")" \
    '{"short":0,"unset":1,"value":2,"protocol":0,"utf8":1,"long":0,"header":0}'
expect_eq zeek_json_categories "$(jq -c '[.groups[0].in_unsolicited[].category, .groups[0].out[].category]' \
    "$w/badj.json")" '["scan:tcp/22","icmp-scan"]'

# honeyscope-mpi reads conn.logs too: the same report over two ranks.
if [ -d "$dir" ] && [ -x "$BUILD/honeyscope-mpi" ] && command -v mpirun >/dev/null 2>&1; then
    timeout 300 mpirun --allow-run-as-root --oversubscribe -np 2 "$BUILD/honeyscope-mpi" report -q \
        --top all --sensor 10.0.2.15/32 --format json "$dir/test9-conn.log" \
        "$dir/horizontal-scan-conn.log" >"$w/mpi.json" 2>"$w/mpi.err"
    "$HS" report -q --top all --sensor 10.0.2.15/32 --format json "$dir/test9-conn.log" \
        "$dir/horizontal-scan-conn.log" >"$w/single.json" 2>/dev/null
    expect_eq zeek_mpi_same "$(totals "$w/mpi.json")" "$(totals "$w/single.json")"
else
    skip zeek_mpi "honeyscope-mpi is not built or mpirun is missing (make mpi)"
fi

# The reports of flow inputs follow docs/report.schema.json.
if python3 -c 'import jsonschema' 2>/dev/null; then
    for f in "$w/bad.json" "$w/badj.json" "$w/gz.json"; do
        [ -f "$f" ] || continue # gz.json: from the shared logs, when present
        if python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
            "$HONEYSCOPE_ROOT/docs/report.schema.json" "$f" 2>"$w/schema.err"; then
            pass "zeek_schema_$(basename "$f" .json)"
        else
            fail "zeek_schema_$(basename "$f" .json)" "$(tail -1 "$w/schema.err")"
        fi
    done
else
    skip zeek_schema "python3-jsonschema is not installed"
fi
