# Captures and flow logs of one sensor together (docs/flows.md): a flow
# record starting inside a capture's span (first to last packet) of the same
# run, or of the store, is that capture's traffic and is left out as
# covered; records outside every span count. A flow log stored before a
# capture of its time is named by ingest.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/flows-mixed"
rm -rf "$w"
mkdir -p "$w"
# 10 UDP packets between 198.51.100.7 and 192.0.2.10, 2009-02-01 00:00:00..09.
python3 "$HONEYSCOPE_ROOT/tests/tinypcap.py" "$w/cap.pcap" 10 >/dev/null
t0=1233446400
fields='#fields	ts	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	conn_state	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes'
{
    printf '#separator \\x09\n%s\n' "$fields"
    # Inside the capture's span: the capture's own conversation, and another.
    printf '%s.0\t198.51.100.7\t40000\t192.0.2.10\t53\tudp\tSF\tDd\t5\t250\t5\t250\n' "$t0"
    printf '%s.5\t203.0.113.5\t1111\t192.0.2.10\t23\ttcp\tS0\tS\t1\t60\t0\t0\n' "$((t0 + 5))"
    # Outside it: an hour later, and before it.
    printf '%s.0\t203.0.113.5\t2222\t192.0.2.10\t445\ttcp\tS0\tS\t1\t52\t0\t0\n' "$((t0 + 3600))"
    printf '%s.0\t203.0.113.6\t3333\t192.0.2.10\t80\ttcp\tREJ\tSr\t1\t60\t1\t40\n' "$((t0 - 100))"
} >"$w/conn.log"

totals() { jq -c '[.groups[0].totals.packets_in, .groups[0].totals.packets_out,
    .groups[0].totals.bytes_in, .groups[0].totals.flows, .inputs.flow_logs.covered]' "$1"; }
report() { # out, inputs...
    out=$1
    shift
    "$HS" report -q --sensor 192.0.2.10/32 --format json "$@" >"$out" 2>"$out.err"
}

report "$w/cap.json" "$w/cap.pcap"
report "$w/both.json" "$w/cap.pcap" "$w/conn.log"
report "$w/both-reversed.json" "$w/conn.log" "$w/cap.pcap"
cap=$(totals "$w/cap.json")
# The capture alone, plus the two records outside its span (2 packets in, 1 out, 112 bytes in).
want=$(echo "$cap" | jq -c '[.[0] + 2, .[1] + 1, .[2] + 112, .[3] + 2, 2]')
expect_eq flows_mixed_run "$(totals "$w/both.json")" "$want"
expect_eq flows_mixed_run_order "$(totals "$w/both-reversed.json")" "$want"
expect_eq flows_mixed_categories "$(jq -c '[.groups[0].in_unsolicited[].category] | sort' "$w/both.json")" \
    '["scan:tcp/445","scan:tcp/80","scan:udp/53"]'

# A store: the capture first, then the log: the same rule.
"$HS" ingest -q --db "$w/a.db" --sensor 192.0.2.10/32 "$w/cap.pcap"
"$HS" ingest --db "$w/a.db" "$w/conn.log" 2>"$w/a.err"
"$HS" report -q --db "$w/a.db" --format json >"$w/a.json"
expect_eq flows_mixed_store "$(totals "$w/a.json")" "$want"
check flows_mixed_store_no_warning sh -c "! grep -q 'stored before captures' '$w/a.err'"

# The log first, then the capture: counted twice, and ingest says so.
"$HS" ingest -q --db "$w/b.db" --sensor 192.0.2.10/32 "$w/conn.log"
"$HS" ingest --db "$w/b.db" "$w/cap.pcap" 2>"$w/b.err"
check flows_mixed_store_warned grep -q "^honeyscope: 1 flow log was stored before captures of the same time" "$w/b.err"
