# ingest --live with real traffic: two network namespaces joined by a veth
# pair (and nothing else), hping3 probing from one end, honeyscope capturing
# on the other. The store must hold exactly what was sent (and what the
# kernel answered), reports must see commits while the capture goes on,
# SIGTERM must commit everything and exit 0, kill -9 must leave the store
# whole with its last commit. Needs root (namespaces, CAP_NET_RAW) and
# hping3; says SKIP otherwise.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/live"
rm -rf "$w"
mkdir -p "$w"

# A missing interface needs no privilege to be refused.
"$HS" ingest --db "$w/none.db" --live hs-no-such-if0 --sensor 192.0.2.10/32 2>"$w/missing.err"
expect_eq live_missing_interface_exit "$?" 1
check live_missing_interface_message grep -q "'hs-no-such-if0'" "$w/missing.err"
"$HS" ingest --db "$w/none.db" --live eth0 "$w/x.pcap" 2>/dev/null
expect_eq live_with_files_usage "$?" 2
"$HS" ingest --db "$w/none.db" --filter 'tcp' "$w/x.pcap" 2>/dev/null
expect_eq live_filter_without_live_usage "$?" 2

if [ "$(id -u)" -ne 0 ]; then
    skip live_capture "not root (network namespaces and CAP_NET_RAW are needed)"
    exit 0
fi
if ! command -v hping3 >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
    skip live_capture "hping3 or ip (iproute2) not installed (scripts/deps.sh check)"
    exit 0
fi
A="hs-live-a-$$" B="hs-live-b-$$"
cleanup() {
    [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
    [ -n "${tcpdump_pid:-}" ] && kill -9 "$tcpdump_pid" 2>/dev/null
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
}
trap cleanup EXIT INT TERM
if ! ip netns add "$A" 2>"$w/netns.err" || ! ip netns add "$B" 2>>"$w/netns.err"; then
    skip live_capture "network namespaces unavailable: $(head -n 1 "$w/netns.err")"
    exit 0
fi
inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }
# No IPv6 (its neighbour discovery would add packets), no ICMP rate limit
# (every UDP probe gets its port-unreachable answer).
for ns in "$A" "$B"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
inA sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000
ip link add hsa0 netns "$A" type veth peer name hsb0 netns "$B" || {
    skip live_capture "cannot make a veth pair"
    exit 0
}
inA ip addr add 192.0.2.10/24 dev hsa0
inB ip addr add 192.0.2.66/24 dev hsb0
inA ip link set hsa0 up
inB ip link set hsb0 up
inA ip link set lo up

db="$w/sensor.db"
start_capture() { # extra options...
    : >"$w/capture.err"
    rm -f "$w/pid"
    # ip netns exec waits for its command: signals go to honeyscope itself
    # (the shell's pid, which execs it), the exit status comes back through ip.
    # shellcheck disable=SC2016
    inA sh -c 'echo $$ >"$0"; exec "$@"' "$w/pid" "$HS" ingest --db "$db" --live hsa0 \
        --filter 'not arp' --sensor 192.0.2.10/32 "$@" 2>"$w/capture.err" &
    ippid=$!
    for _ in $(seq 1 100); do
        if grep -q 'capturing on' "$w/capture.err" && [ -s "$w/pid" ]; then
            pid=$(cat "$w/pid")
            return 0
        fi
        sleep 0.1
    done
    return 1
}
packets_in() { "$HS" report --db "$db" --quiet --format json 2>/dev/null | jq '.groups[0].totals.packets_in // 0'; }
packets_out() { "$HS" report --db "$db" --quiet --format json 2>/dev/null | jq '.groups[0].totals.packets_out // 0'; }
wait_for_in() { # count: until a report sees it (commits every second)
    for _ in $(seq 1 100); do
        [ "$(packets_in)" = "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# tcpdump records the same traffic to a file, for a report of the file to compare with.
# shellcheck disable=SC2016
inA sh -c 'echo $$ >"$0"; exec "$@"' "$w/tcpdump.pid" tcpdump -i hsa0 -U -n -w "$w/same.pcap" \
    'not arp' 2>"$w/tcpdump.err" &
tcpdump_ip=$!
for _ in $(seq 1 50); do
    grep -q 'listening on' "$w/tcpdump.err" && break
    sleep 0.1
done
tcpdump_pid=$(cat "$w/tcpdump.pid" 2>/dev/null)
check live_started start_capture --commit-every 1
check live_listed_at_start sh -c "sqlite3 '$db' \"SELECT interface FROM live_capture\" | grep -qx hsa0"

# 50 SYNs to a closed port: 50 in, 50 RSTs out, each its own flow.
inB hping3 -q -S -p 445 -c 50 -i u2000 192.0.2.10 >"$w/hping-syn.out" 2>&1
sent=$(grep -o '[0-9]* packets transmitted' "$w/hping-syn.out" | cut -d' ' -f1)
expect_eq live_hping_sent_syn "$sent" 50
check live_report_during_capture wait_for_in 50
expect_eq live_rst_out "$(packets_out)" 50

# 30 UDP probes, then SIGTERM at once: nothing captured may be lost.
inB hping3 -q --udp -p 53 -c 30 -i u2000 192.0.2.10 >"$w/hping-udp.out" 2>&1
kill -TERM "$pid"
wait "$ippid"
expect_eq live_sigterm_exit "$?" 0
pid=
expect_eq live_counts_in "$(packets_in)" 80
expect_eq live_counts_out "$(packets_out)" 80
"$HS" report --db "$db" --quiet --format json >"$w/report.json"
expect_eq live_ports "$(jq -c '[.groups[0].ports_in[] | [.proto, .port, .packets]]' "$w/report.json" 2>/dev/null)" \
    '[["tcp",445,50],["udp",53,30]]'
# 50 TCP and 30 UDP conversations, and one of the port-unreachable answers
# (ICMP errors count as the sensor's answers to the remote, docs/semantics.md).
expect_eq live_flows "$(jq '.groups[0].totals.flows' "$w/report.json")" 81
# CSV's live table gives JSON's inputs.live.
"$HS" report --db "$db" --quiet --format csv >"$w/report.csv"
expect_eq live_csv_table "$(tr -d '\r' <"$w/report.csv" | sed -n '/^# table: live$/,/^$/p' | sed -n 3p)" \
    "$(jq -r '.inputs.live | [.captures, .kernel_drops, .interface_drops] | join(",")' "$w/report.json")"
expect_eq live_csv_captures "$(tr -d '\r' <"$w/report.csv" | sed -n '/^# table: live$/,/^$/p' | sed -n 3p | cut -d, -f1)" 1
sleep 0.5
kill -INT "$tcpdump_pid" 2>/dev/null
wait "$tcpdump_ip" 2>/dev/null
tcpdump_pid=
"$HS" report --quiet --format json --sensor 192.0.2.10/32 "$w/same.pcap" >"$w/file.json"
expect_eq live_same_as_file_totals "$(jq -c '.groups[0].totals' "$w/report.json")" \
    "$(jq -c '.groups[0].totals' "$w/file.json")"
expect_eq live_same_as_file_ports "$(jq -c '.groups[0].ports_in' "$w/report.json")" \
    "$(jq -c '.groups[0].ports_in' "$w/file.json")"
expect_eq live_sources "$(jq '.groups[0].totals.sources' "$w/report.json")" 1
expect_eq live_stopped_marked "$(sqlite3 "$db" 'SELECT stopped_at IS NOT NULL FROM live_capture')" 1
expect_eq live_capture_rows "$(sqlite3 "$db" "SELECT count(*) FROM capture_file WHERE path LIKE 'live:hsa0@%'")" 1
"$HS" report --db "$db" --quiet >"$w/report.txt"
check live_report_drops grep -q '^live     1 capture; dropped by the kernel: [0-9]*' "$w/report.txt"
check live_report_lists_capture grep -q 'live:hsa0@.*live on hsa0 since .*, last commit' "$w/report.txt"

# kill -9 after a commit: the store is whole and keeps that commit.
check live_restarted start_capture --commit-every 1
inB hping3 -q -S -p 22 -c 20 -i u2000 192.0.2.10 >/dev/null 2>&1
check live_second_commit_seen wait_for_in 100
kill -9 "$pid"
wait "$ippid" 2>/dev/null
pid=
expect_eq live_kill9_integrity "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok
expect_eq live_kill9_kept "$(packets_in)" 100
expect_eq live_two_captures "$(sqlite3 "$db" 'SELECT count(*) FROM live_capture')" 2
# forget takes a live capture by the name reports give it.
second=$(sqlite3 "$db" 'SELECT f.path FROM capture_file f JOIN live_capture l ON l.file_id = f.id
    ORDER BY f.id DESC LIMIT 1')
"$HS" forget --db "$db" "$second" 2>/dev/null
expect_eq live_forget_exit "$?" 0
expect_eq live_forget_rows "$(packets_in) $(sqlite3 "$db" 'SELECT count(*) FROM live_capture')" "80 1"

# Without CAP_NET_RAW: a clear refusal naming the interface.
if command -v setpriv >/dev/null 2>&1; then
    inA setpriv --bounding-set -net_raw,-net_admin "$HS" ingest --db "$db" --live hsa0 2>"$w/perm.err"
    expect_eq live_no_cap_exit "$?" 1
    check live_no_cap_message grep -q "cannot capture on 'hsa0': permission denied (capturing needs CAP_NET_RAW" "$w/perm.err"
else
    skip live_no_cap_exit "setpriv not installed"
fi
