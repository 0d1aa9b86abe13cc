# ingest --collect (docs/flows.md): softflowd from Debian replays captures to
# the collector on 127.0.0.1 in IPFIX (one record a direction, and RFC 5103
# biflows), NetFlow v9 and v5, and the store's
# report equals the capture's own in packets each way, flows, sources and the
# unsolicited port table (packets and flows). Bytes differ by what softflowd
# counts beyond the IP length (the Ethernet padding of short frames, which
# tshark measures), asserted exactly. Then: SIGTERM
# commits and exits 143; --collect-from drops other senders; damaged
# datagrams, unknown templates, a template flood, an IPFIX withdrawal, a bad
# template id, a set longer than its message and a sequence gap are counted,
# never a crash, and sampling from an IPFIX options record is recorded.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/collect"
rm -rf "$w"
mkdir -p "$w"
if ! command -v softflowd >/dev/null; then
    skip collect "softflowd is not installed (scripts/deps.sh check installs it)"
    exit 0
fi
basic=$(scenario basic) || { fail collect_scenario "the basic scenario could not be generated"; exit 0; }
flood="$w/flood"
"$GEN" --scenario flood --sources 3000 --packets 5000 --out "$flood" >/dev/null 2>&1 ||
    { fail collect_scenario "the flood scenario could not be generated"; exit 0; }

# A free UDP port for each collector.
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

summary() { jq -c '[.groups[0].totals.packets_in, .groups[0].totals.packets_out,
    .groups[0].totals.flows, .groups[0].totals.sources,
    [.groups[0].ports_in[] | [.proto, .port, .packets, .flows]]]' "$1"; }
bytes() { jq -c '[.groups[0].totals.bytes_in, .groups[0].totals.bytes_out]' "$1"; }

# round_trip NAME CAPTURE SENSOR PADDING_IN PADDING_OUT SOFTFLOWD-ARGS...
round_trip() {
    name=$1 cap=$2 sensor=$3 pad_in=$4 pad_out=$5
    shift 5
    db="$w/$name.db"
    "$HS" ingest --db "$db" --sensor "$sensor" --collect "127.0.0.1:$port" --commit-every 60 \
        2>"$w/$name.err" &
    pid=$!
    # The collector is listening once it says so.
    for _ in 1 2 3 4 5 6 7 8 9 10; do grep -qs collecting "$w/$name.err" && break; sleep 0.2; done
    softflowd -r "$cap" -n "127.0.0.1:$port" -a -d "$@" >"$w/$name.softflowd" 2>&1
    sleep 0.5
    kill -TERM "$pid"
    wait "$pid"
    expect_eq "collect_${name}_sigterm_status" "$?" 143
    "$HS" report -q --db "$db" --top all --format json >"$w/$name.json"
    "$HS" report -q --sensor "$sensor" --top all --format json "$cap" >"$w/$name.cap.json"
    expect_eq "collect_${name}_same_as_capture" "$(summary "$w/$name.json")" "$(summary "$w/$name.cap.json")"
    want_bytes=$(bytes "$w/$name.cap.json" | jq -c "[.[0] + $pad_in, .[1] + $pad_out]")
    expect_eq "collect_${name}_bytes_padding" "$(bytes "$w/$name.json")" "$want_bytes"
    expect_eq "collect_${name}_lost" "$(jq -c '[.inputs.export.lost_packets, .inputs.export.lost_records]' "$w/$name.json")" '[0,0]'
}

# Bytes a frame carries beyond its IP packet (Ethernet padding), per direction.
padded() { # capture, sensor-ip-prefix, direction (in|out)
    if [ "$3" = in ]; then f="ip.dst"; else f="ip.src"; fi
    tshark -r "$1" -Y "ip && $f == $2" -T fields -E aggregator=';' -e frame.len -e ip.len \
        -e vlan.id 2>/dev/null |
        awk -F'\t' '{ v = $3 == "" ? 0 : split($3, a, ";"); p += $1 - 14 - 4 * v - $2 } END { print p + 0 }'
}
if command -v tshark >/dev/null; then
    bin=$(padded "$basic/basic-ether.pcap" 192.0.2.10 in)
    bout=$(padded "$basic/basic-ether.pcap" 192.0.2.10 out)
    fin=$(padded "$flood/flood.pcap" 198.51.100.0/24 in)
    fout=$(padded "$flood/flood.pcap" 198.51.100.0/24 out)
    round_trip basic-ipfix "$basic/basic-ether.pcap" 192.0.2.10/32 "$bin" "$bout" -v 10
    round_trip basic-v9 "$basic/basic-ether.pcap" 192.0.2.10/32 "$bin" "$bout" -v 9
    round_trip basic-v5 "$basic/basic-ether.pcap" 192.0.2.10/32 "$bin" "$bout" -v 5
    round_trip basic-ipfix-biflow "$basic/basic-ether.pcap" 192.0.2.10/32 "$bin" "$bout" -v 10 -b
    round_trip flood-ipfix "$flood/flood.pcap" 198.51.100.0/24 "$fin" "$fout" -v 10
    round_trip flood-v9 "$flood/flood.pcap" 198.51.100.0/24 "$fin" "$fout" -v 9
    expect_eq collect_format "$(jq -r '.inputs.files[0].format + " " + .inputs.files[0].link_name' "$w/basic-v9.json")" "netflow-v9 flows"
else
    skip collect_round_trips "tshark is not installed (it counts the padded frames)"
fi

# Crafted datagrams: from a sender outside --collect-from, damaged, a data set
# before its template, a template flood, a gap in the sequence.
python3 "$HONEYSCOPE_ROOT/tests/e2e/collect_datagrams.py" "$w/dgram"
"$HS" ingest --db "$w/crafted.db" --sensor 192.0.2.0/24 --collect "127.0.0.1:$port" \
    --collect-from 127.0.0.0/8 --commit-every 1 2>"$w/crafted.err" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -qs collecting "$w/crafted.err" && break; sleep 0.2; done
for f in "$w"/dgram/*; do
    python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(open(sys.argv[1],"rb").read(), ("127.0.0.1", int(sys.argv[2])))' "$f" "$port"
done
sleep 1.5
kill -INT "$pid"
wait "$pid"
expect_eq collect_sigint_status "$?" 130
"$HS" report -q --db "$w/crafted.db" --format json >"$w/crafted.json"
expect_eq collect_crafted_export "$(jq -c '.inputs.export' "$w/crafted.json")" \
    "$(cat "$w/dgram.expect")"
expect_eq collect_crafted_flows "$(jq -c '[.groups[0].totals.flows, .groups[0].totals.packets_in]' "$w/crafted.json")" \
    "$(cat "$w/dgram.flows")"

# --collect-from: a sender outside is dropped, counted.
"$HS" ingest --db "$w/refused.db" --sensor 192.0.2.0/24 --collect "127.0.0.1:$port" \
    --collect-from 10.0.0.0/8 --commit-every 1 2>"$w/refused.err" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -qs collecting "$w/refused.err" && break; sleep 0.2; done
python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(open(sys.argv[1],"rb").read(), ("127.0.0.1", int(sys.argv[2])))' "$w/dgram/01-v5" "$port"
sleep 0.5
kill -TERM "$pid"
wait "$pid"
"$HS" report -q --db "$w/refused.db" --format json >"$w/refused.json"
expect_eq collect_from_refused "$(jq -c '[.inputs.export.datagrams, .inputs.export.skipped, .groups[0].totals.flows]' "$w/refused.json")" '[1,1,0]'
