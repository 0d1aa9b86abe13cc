# Real captures from ../shared/data/captures: every one is read to the end
# without a crash, its link type is recognised, its packet count agrees with
# tshark, and every packet is accounted for (decoded or counted as skipped).
. "$(dirname "$0")/../lib.sh"
dir="$SHARED/captures"
if [ ! -d "$dir" ]; then
    skip shared_captures "no reference data at $dir"
    exit 0
fi
if ! command -v tshark >/dev/null; then
    skip shared_captures "tshark is not installed"
    exit 0
fi
w="$TEST_WORK/shared"
mkdir -p "$w"

for f in "$dir"/*.pcap* "$dir"/ndpi/*.pcap*; do
    name=$(basename "$f")
    out="$w/$name.json"
    # 192.0.2.1 is in no capture: every packet is decoded, none analysed.
    "$HS" report --quiet --sensor 192.0.2.1 --format json "$f" >"$out" 2>"$w/$name.err"
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "shared_$name" "exit status $status: $(head -c 300 "$w/$name.err")"
        continue
    fi
    want=$(tshark -r "$f" -T fields -e frame.number 2>/dev/null | wc -l)
    got=$(jq .inputs.packets "$out")
    accounted=$(jq '.inputs.bad.truncated + .inputs.bad.malformed + .inputs.bad.unsupported
        + .inputs.bad.not_ip + .inputs.not_sensor + .inputs.sensor_to_sensor' "$out")
    unsupported=$(jq -r '[.inputs.unsupported_links[].link_name] | join(",")' "$out")
    if [ "$got" != "$want" ]; then
        fail "shared_$name" "$got packets read, tshark reads $want"
    elif [ "$accounted" != "$got" ]; then
        fail "shared_$name" "$accounted of $got packets accounted for"
    elif [ -n "$unsupported" ]; then
        fail "shared_$name" "link type not decoded: $unsupported"
    else
        pass "shared_$name"
    fi
done

# The Honeynet attack trace: the sensor is detected, and the unsolicited
# inbound packets per port agree with tshark's count of packets to each port.
f="$dir/attack-trace.pcap"
"$HS" report --quiet --format json "$f" >"$w/attack.json" 2>/dev/null
expect_eq attack_trace_sensor "$(jq -r '.sensor[0]' "$w/attack.json")" "192.150.11.111/32"
for port in 445 1957 1080; do
    want=$(tshark -r "$f" -Y "ip.dst==192.150.11.111 && tcp.dstport==$port" -T fields \
        -e frame.number 2>/dev/null | wc -l)
    got=$(jq "[.groups[0].ports_in[] | select(.port==$port) | .packets] | add" "$w/attack.json")
    expect_eq "attack_trace_port_$port" "$got" "$want"
done
