# Files continue each other: a capture cut into pieces (editcap, by packet
# count and by time, at points that cut conversations) gives the report of
# the whole capture, apart from the list of files, with any --threads, in any
# order on the command line, spilling or not, and through a store ingested
# in one run. Reported apart, the pieces count more flows than the whole: so
# the cuts do fall inside conversations and the equality says something.
. "$(dirname "$0")/../lib.sh"

command -v editcap >/dev/null 2>&1 || { skip split "editcap (wireshark-common) is not installed"; exit 0; }
w="$TEST_WORK/split"
rm -rf "$w"
mkdir -p "$w"

# same NAME WHOLE.json PIECES.json: equal but for the file list.
same() {
    jq -S 'del(.inputs.files)' "$2" >"$2.cmp" 2>/dev/null
    jq -S 'del(.inputs.files)' "$3" >"$3.cmp" 2>/dev/null
    if [ -s "$2.cmp" ] && cmp -s "$2.cmp" "$3.cmp"; then
        pass "$1"
    else
        fail "$1" "$(diff "$2.cmp" "$3.cmp" | head -n 6 | tr '\n' ' ')"
    fi
}

# apart_flows SENSOR FILE...: flows started when each file is reported on its own.
apart_flows() {
    sensor=$1
    shift
    sum=0
    for f in "$@"; do
        n=$("$HS" report --quiet --sensor "$sensor" --format json "$f" | jq .inputs.flows.started)
        sum=$((sum + n))
    done
    echo "$sum"
}

# The seed scenario's March: a honeypot's month, HTTP, SMTP, DNS and TLS evidence.
seed=$(scenario seed 1) || { fail split_scenario "generator failed"; exit 0; }
month="$seed/honeypot-2009-03.pcap"
S=192.0.2.10/32
D="--quiet --format json --group any"
R="$D --sensor $S"
# shellcheck disable=SC2086
"$HS" report $R "$month" >"$w/whole.json"
expect_eq split_whole_exit "$?" 0

mkdir "$w/by-count" "$w/by-small-count"
editcap -c 499 "$month" "$w/by-count/m.pcap" >/dev/null
editcap -c 97 "$month" "$w/by-small-count/m.pcap" >/dev/null
check split_pieces_made test "$(ls "$w/by-count" | wc -l)" -gt 5

for cut in by-count by-small-count; do
    set -- "$w/$cut"/m_*
    # shellcheck disable=SC2086
    "$HS" report $R "$@" >"$w/$cut.json"
    same "split_${cut}_equals_whole" "$w/whole.json" "$w/$cut.json"
    apart=$(apart_flows "$S" "$@")
    whole=$(jq .inputs.flows.started "$w/whole.json")
    check "split_${cut}_cuts_conversations" test "$apart" -gt "$whole"
done

set -- "$w/by-count"/m_*
# Named in reverse order: read in time order all the same.
rev=$(for f in "$@"; do echo "$f"; done | sort -r)
# shellcheck disable=SC2086
"$HS" report $R $rev >"$w/reversed.json"
same split_any_order "$w/whole.json" "$w/reversed.json"

for t in 1 2 3; do
    # shellcheck disable=SC2086
    "$HS" report $R --threads "$t" "$@" >"$w/threads-$t.json"
    same "split_threads_$t" "$w/whole.json" "$w/threads-$t.json"
done

# A budget small enough to spill many times over.
# shellcheck disable=SC2086
"$HS" report $R --memory 1M --tmp-dir "$w" "$@" >"$w/spilled.json"
same split_spilled "$w/whole.json" "$w/spilled.json"

# A store of the pieces, ingested in one run, reports the whole; so does one
# ingested with one thread and a budget that spills.
"$HS" ingest --quiet --db "$w/pieces.db" --sensor "$S" --threads 2 "$@"
expect_eq split_ingest_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report $D --db "$w/pieces.db" >"$w/store.json"
same split_store_equals_whole "$w/whole.json" "$w/store.json"
"$HS" ingest --quiet --db "$w/pieces1.db" --sensor "$S" --threads 1 --memory 1M --tmp-dir "$w" "$@"
# shellcheck disable=SC2086
"$HS" report $D --db "$w/pieces1.db" >"$w/store1.json"
same split_store_threads_1_spilled "$w/whole.json" "$w/store1.json"
# Each piece keeps its own packets in the store.
bad=$("$HS" sql --db "$w/pieces.db" "SELECT count(*) FROM capture_file f WHERE packets - truncated
        - malformed - unsupported - not_ip - not_sensor - sensor_to_sensor
        != (SELECT coalesce(sum(packets_in + packets_out), 0) FROM traffic t WHERE t.file_id = f.id)")
expect_eq split_store_packets_per_file "$bad" 0
# Forgetting every piece empties the store's traffic.
for f in "$@"; do "$HS" forget --db "$w/pieces.db" "$f" 2>/dev/null; done
expect_eq split_store_forget_all "$("$HS" sql --db "$w/pieces.db" 'SELECT count(*) FROM traffic')" 0

# Two ingests, the pieces cut between them: the cut is a boundary the store
# cannot see across (docs/store.md). Packets and bytes stay exact; flows
# crossing the cut count twice, never fewer.
n=$#
half=$((n / 2))
first=$(for f in "$@"; do echo "$f"; done | head -n "$half")
second=$(for f in "$@"; do echo "$f"; done | tail -n "$((n - half))")
# shellcheck disable=SC2086
"$HS" ingest --quiet --db "$w/two.db" --sensor "$S" $first
# shellcheck disable=SC2086
"$HS" ingest --quiet --db "$w/two.db" --sensor "$S" $second
# shellcheck disable=SC2086
"$HS" report $D --db "$w/two.db" >"$w/two.json"
expect_eq split_two_runs_packets "$(jq '.groups[0].totals | [.packets_in, .packets_out, .bytes_in, .bytes_out]' -c "$w/two.json")" \
    "$(jq '.groups[0].totals | [.packets_in, .packets_out, .bytes_in, .bytes_out]' -c "$w/whole.json")"
check split_two_runs_flows test "$(jq .inputs.flows.started "$w/two.json")" -ge "$(jq .inputs.flows.started "$w/whole.json")"

# Real traffic: a shared capture of an infected host, cut every 97 packets
# and every 7 seconds (its conversations are long), and a honeypot's capture moved in time to
# overlap it: files of two sensors are open at once and interleave by time,
# as mergecap interleaves them into one file.
t7="$SHARED/captures/test7-malicious.pcap"
at="$SHARED/captures/attack-trace.pcap"
if [ -f "$t7" ] && [ -f "$at" ]; then
    mkdir "$w/real"
    t7_start=$(capinfos -a -T -r -S "$t7" | cut -f2 | cut -d. -f1)
    at_start=$(capinfos -a -T -r -S "$at" | cut -f2 | cut -d. -f1)
    editcap -t $((t7_start - at_start + 60)) "$at" "$w/at.pcap" >/dev/null
    mergecap -F pcap -w "$w/interleaved.pcap" "$t7" "$w/at.pcap"
    editcap -c 97 "$t7" "$w/real/t7.pcap" >/dev/null
    editcap -c 50 "$w/at.pcap" "$w/real/at.pcap" >/dev/null
    RR="--quiet --sensor 192.168.2.16/32 --sensor 98.114.205.102/32 --format json --group any"
    # shellcheck disable=SC2086
    "$HS" report $RR "$w/interleaved.pcap" >"$w/real-whole.json"
    # shellcheck disable=SC2086
    "$HS" report $RR "$t7" "$w/at.pcap" >"$w/real-two.json"
    same split_real_two_sensors_interleave "$w/real-whole.json" "$w/real-two.json"
    # shellcheck disable=SC2086
    "$HS" report $RR --threads 2 "$w/real"/* >"$w/real-pieces.json"
    same split_real_pieces_equal_whole "$w/real-whole.json" "$w/real-pieces.json"
    apart=$(apart_flows 192.168.2.16/32 "$w/real"/t7_*)
    whole=$("$HS" report --quiet --sensor 192.168.2.16/32 --format json "$t7" | jq .inputs.flows.started)
    check split_real_cuts_conversations test "$apart" -gt "$whole"
    # Cut by time: every 7 seconds of its 10 minutes.
    mkdir "$w/real-time"
    editcap -i 7 "$t7" "$w/real-time/t7.pcap" >/dev/null
    # shellcheck disable=SC2086
    "$HS" report $RR "$w/real-time"/* "$w/at.pcap" >"$w/real-time.json"
    same split_real_by_time_equals_whole "$w/real-whole.json" "$w/real-time.json"
    apart=$(apart_flows 192.168.2.16/32 "$w/real-time"/*)
    check split_real_by_time_cuts_conversations test "$apart" -gt "$whole"
else
    skip split_real "the shared captures are not here ($SHARED/captures)"
fi

# Conversations longer than many files: 40 remotes each start a UDP exchange
# 10 s after the last and keep it up, a packet every 10 s, to the end; cut
# every 12 packets, each piece starts flows that outlive the next 16 pieces,
# so a store's files wait for them and then pass them on (docs/store.md).
python3 - "$w/long.pcap" <<'PY'
import struct, sys
sys.path.insert(0, __import__("os").environ["HONEYSCOPE_ROOT"] + "/tests")
from tinypcap import checksum
def frame(k, out):
    sensor, remote = bytes([192, 0, 2, 10]), bytes([198, 51, 100, k])
    src, dst = (sensor, remote) if out else (remote, sensor)
    sport, dport = (5000 + k, 40000) if out else (40000, 5000 + k)
    udp = struct.pack("!HHHH", sport, dport, 8 + 12, 0) + bytes(12)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + udp
t0 = 1233446400
packets = []
for k in range(1, 41):
    for n, t in enumerate(range(10 * k, 600, 10)):
        packets.append((t * 1000000 + k, frame(k, n % 2 == 1)))
packets.sort(key=lambda p: p[0])
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for us, data in packets:
        f.write(struct.pack("<IIII", t0 + us // 1000000, us % 1000000, len(data), len(data)) + data)
PY
mkdir "$w/long"
editcap -c 12 "$w/long.pcap" "$w/long/l.pcap" >/dev/null
check split_long_many_pieces test "$(ls "$w/long" | wc -l)" -gt 80
# shellcheck disable=SC2086
"$HS" report $R "$w/long.pcap" >"$w/long-whole.json"
expect_eq split_long_flows "$(jq .inputs.flows.started "$w/long-whole.json")" 40
"$HS" ingest --quiet --db "$w/long.db" --sensor "$S" --threads 1 "$w/long"/*
# shellcheck disable=SC2086
"$HS" report $D --db "$w/long.db" >"$w/long-store.json"
same split_long_store_equals_whole "$w/long-whole.json" "$w/long-store.json"
# Each flow counted in the piece it started in: 40 pieces hold one start each... at most.
expect_eq split_long_flows_stored "$(sqlite3 "$w/long.db" 'SELECT sum(flows) FROM capture_file')" 40
