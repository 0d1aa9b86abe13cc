# Edges of time, address families and sensor detection:
# - classic pcap seconds are unsigned 32-bit: 2038-01-19T03:14:08, 2040 and
#   2106 read as such (microsecond and nanosecond files, either byte order),
#   as pcapng gives them, and --from/--to select those days;
# - an IPv6 prefix (::/0, ::/1, ::ffff:0:0/96) never holds an IPv4 address,
#   in groups, routing tables, lookup and --sensor;
# - sensor detection does not depend on the order of the files, and never
#   picks multicast, broadcast, unspecified or link-local addresses.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/edges"
mkdir -p "$w"

# ---- captures at the far end of 32-bit time -------------------------------------
# edges.py OUT FORMAT ENDIAN SECONDS...: UDP packets, alternately remote ->
# sensor and back, between 198.51.100.7 and 192.0.2.10, one at each time.
# FORMAT is us, ns or ng (pcapng); ENDIAN < or >.
cat >"$w/edges.py" <<'EOF'
import struct, sys

def frame(i, v6=False):
    if v6:
        sensor = bytes.fromhex("00000000000000000000ffffc000020a")  # ::ffff:192.0.2.10
        remote = bytes.fromhex("20010db8000000000000000000000007")
    else:
        sensor, remote = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 7])
    src, dst = (remote, sensor) if i % 2 == 0 else (sensor, remote)
    sport, dport = (40000, 53) if i % 2 == 0 else (53, 40000)
    payload = bytes(20)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    if v6:
        ip = struct.pack("!IHBB", 6 << 28, len(udp), 17, 64) + src + dst
        eth_type = b"\x86\xdd"
    else:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, src, dst)
        eth_type = b"\x08\x00"
    return b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + eth_type + ip + udp

def main():
    out, fmt, e = sys.argv[1], sys.argv[2], sys.argv[3]
    v6 = fmt.endswith("6")
    fmt = fmt.rstrip("6")
    times = [int(t) for t in sys.argv[4:]]
    with open(out, "wb") as f:
        if fmt in ("us", "ns"):
            magic = 0xA1B2C3D4 if fmt == "us" else 0xA1B23C4D
            f.write(struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, 65535, 1))
            for i, t in enumerate(times):
                data = frame(i, v6)
                frac = 123456 if fmt == "us" else 123456789
                f.write(struct.pack(e + "IIII", t, frac, len(data), len(data)))
                f.write(data)
            return
        def block(kind, body):
            body += bytes(-len(body) % 4)
            n = 12 + len(body)
            return struct.pack(e + "II", kind, n) + body + struct.pack(e + "I", n)
        f.write(block(0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1)))
        f.write(block(1, struct.pack(e + "HHI", 1, 0, 65535)))  # microseconds
        for i, t in enumerate(times):
            data = frame(i, v6)
            ts = t * 1000000 + 123456
            f.write(block(6, struct.pack(e + "IIIII", 0, ts >> 32, ts & 0xFFFFFFFF,
                                         len(data), len(data)) + data))

main()
EOF

T2038=2147483648 # 2038-01-19T03:14:08Z, the first second past signed 32 bits
T2040=2214115200 # 2040-02-29T08:00:00Z, a leap day
T2106=4294967295 # 2106-02-07T06:28:15Z, the last second of unsigned 32 bits
DAY=86400

# report_days NAME FILE WANT_FIRST WANT_LAST WANT_BINS [report options]
report_days() {
    name=$1 file=$2 first=$3 last=$4 bins=$5
    shift 5
    "$HS" report --quiet --sensor 192.0.2.10 --format json "$@" "$file" >"$w/$name.json" 2>"$w/$name.err"
    expect_eq "${name}_exit" "$?" 0
    expect_eq "${name}_period" "$(jq -r '"\(.options.from) \(.options.to)"' "$w/$name.json")" "$first $last"
    expect_eq "${name}_bins" "$(jq -r '[.groups[0].series[].bin] | "\(length) \(.[0]) \(.[-1])"' "$w/$name.json")" \
        "$bins"
}

if command -v python3 >/dev/null && command -v jq >/dev/null; then
    for e in '<' '>'; do
        tag=le
        [ "$e" = '>' ] && tag=be
        for fmt in us ns ng; do
            python3 "$w/edges.py" "$w/y2038-$fmt-$tag.pcap" $fmt "$e" $((T2038 - 1)) $T2038 $((T2038 + DAY))
            report_days "y2038_${fmt}_$tag" "$w/y2038-$fmt-$tag.pcap" 2038-01-19 2038-01-20 \
                "2 2038-01-19 2038-01-20"
            python3 "$w/edges.py" "$w/y2106-$fmt-$tag.pcap" $fmt "$e" $((T2106 - 2 * DAY)) $T2106
            report_days "y2106_${fmt}_$tag" "$w/y2106-$fmt-$tag.pcap" 2106-02-05 2106-02-07 \
                "3 2106-02-05 2106-02-07"
        done
    done
    # A capture across the 2038 boundary spans days, not 136 years, and its
    # first and last packet times say so.
    python3 "$w/edges.py" "$w/span.pcap" us '<' $((T2038 - 3 * DAY)) $((T2038 + 3 * DAY))
    report_days span "$w/span.pcap" 2038-01-16 2038-01-22 "7 2038-01-16 2038-01-22"
    expect_eq span_times "$(jq -r '"\(.inputs.first) \(.inputs.last)"' "$w/span.json")" \
        "2038-01-16T03:14:08+00:00 2038-01-22T03:14:08+00:00"
    # 2040, nanosecond resolution, by the hour, and --from/--to in those years.
    python3 "$w/edges.py" "$w/y2040.pcap" ns '<' $T2040 $((T2040 + 3600)) $((T2040 + 2 * DAY))
    report_days y2040_hours "$w/y2040.pcap" 2040-02-29T00:00+00:00 2040-02-29T23:00+00:00 \
        "24 2040-02-29T00:00+00:00 2040-02-29T23:00+00:00" --bin hour --from 2040-02-29 --to 2040-02-29
    expect_eq y2040_hours_packets "$(jq -r '[.groups[0].series[] | select(.packets_in + .packets_out > 0) | .bin] | join(" ")' "$w/y2040_hours.json")" \
        "2040-02-29T08:00+00:00 2040-02-29T09:00+00:00"
    report_days y2106_from "$w/y2106-us-le.pcap" 2106-02-06 2106-02-07 "2 2106-02-06 2106-02-07" \
        --from 2106-02-06 --to 2106-02-07
    expect_eq y2106_from_packets "$(jq -r '[.groups[0].series[].packets_out] | add' "$w/y2106_from.json")" 1
    # pcapng and classic pcap of the same packets make the same report.
    for f in y2038 y2106; do
        expect_eq "${f}_pcap_is_pcapng" \
            "$(jq -c '.groups' "$w/${f}_us_le.json" | cksum)" "$(jq -c '.groups' "$w/${f}_ng_le.json" | cksum)"
    done
else
    skip y2038 "python3 or jq missing"
fi

# ---- IPv6 prefixes never hold IPv4 addresses ---------------------------------------
printf '::/0 all-six\n' >"$w/all6.txt"
printf '::/1 low-six\n' >"$w/low6.txt"
printf '::ffff:0:0/96 mapped-six\n' >"$w/mapped6.txt"
printf '0.0.0.0/0 all-four\n' >"$w/all4.txt"
printf '::/0\t64501\n::ffff:0:0/96\t64503\n192.0.2.0/24\t64504\n' >"$w/v6routes.dat"
"$HS" lookup --group all6="$w/all6.txt" --group low6="$w/low6.txt" --group mapped6="$w/mapped6.txt" \
    --group all4="$w/all4.txt" --pfx2as "$w/v6routes.dat" --format json \
    8.8.8.8 192.0.2.1 ::ffff:8.8.8.8 2001:db8::1 >"$w/fam.json" 2>"$w/fam.err"
expect_eq families_exit "$?" 0
fam() { jq -r ".addresses[$1] | \"\(.address) \(.asn) \([.groups[].name] | join(\",\"))\"" "$w/fam.json"; }
expect_eq families_v4 "$(fam 0)" "8.8.8.8 null all4"
expect_eq families_v4_routed "$(fam 1)" "192.0.2.1 64504 all4"
expect_eq families_mapped "$(fam 2)" "::ffff:8.8.8.8 64503 all6,low6,mapped6"
expect_eq families_v6 "$(fam 3)" "2001:db8::1 64501 all6,low6"

# --sensor ::/0 on an IPv4 capture: no packet has a sensor address.
python3 "$HONEYSCOPE_ROOT/tests/tinypcap.py" "$w/v4.pcap" 10 >/dev/null
"$HS" report --quiet --sensor ::/0 --format json "$w/v4.pcap" >"$w/s6.json" 2>"$w/s6.err"
expect_eq sensor_v6_on_v4_exit "$?" 0
expect_eq sensor_v6_on_v4 "$(jq -r '"\(.inputs.not_sensor) \(.inputs.sensor_to_sensor)"' "$w/s6.json")" "10 0"
"$HS" report --quiet --sensor ::/0 --sensor 192.0.2.10 --format json "$w/v4.pcap" >"$w/s46.json" 2>&1
expect_eq sensor_v6_and_v4 "$(jq -r '"\(.inputs.not_sensor) \(.inputs.sensor_to_sensor) \(.groups[0].totals.packets_in)"' "$w/s46.json")" "0 0 5"
# An IPv6 packet from ::ffff:192.0.2.10 is IPv6: --sensor 192.0.2.10 is not it.
if command -v python3 >/dev/null; then
    python3 "$w/edges.py" "$w/mapped.pcap" us6 '<' 1233446400 1233446401
    "$HS" report --quiet --sensor 192.0.2.10 --format json "$w/mapped.pcap" >"$w/m4.json" 2>&1
    expect_eq mapped_not_v4_sensor "$(jq -r '.inputs.not_sensor' "$w/m4.json")" 2
    "$HS" report --quiet --sensor ::ffff:192.0.2.10 --format json "$w/mapped.pcap" >"$w/m6.json" 2>&1
    expect_eq mapped_v6_sensor "$(jq -r '"\(.inputs.not_sensor) \(.sensor[0])"' "$w/m6.json")" \
        "0 ::ffff:192.0.2.10/128"
    "$HS" report --quiet --format json "$w/mapped.pcap" >"$w/md.json" 2>&1
    expect_eq mapped_detected "$(jq -r '.sensor | join(",")' "$w/md.json")" "::ffff:192.0.2.10/128"
fi

# ---- sensor detection: order of the files, addresses never sensors -------------------
C="$SHARED/captures"
detected() { # files...
    "$HS" report --format json "$@" 2>/dev/null | jq -r '.sensor | sort | join(",")'
}
if [ -f "$C/attack-trace.pcap" ] && [ -f "$C/ndpi/trickbot.pcap" ]; then
    ab=$(detected "$C/attack-trace.pcap" "$C/ndpi/trickbot.pcap")
    ba=$(detected "$C/ndpi/trickbot.pcap" "$C/attack-trace.pcap")
    expect_eq detect_order_ab "$ab" "10.12.29.101/32,192.150.11.111/32"
    expect_eq detect_order_ba "$ba" "$ab"
    expect_eq detect_order_threads "$("$HS" report --threads 1 --format json "$C/ndpi/trickbot.pcap" \
        "$C/attack-trace.pcap" 2>/dev/null | jq -r '.sensor | sort | join(",")')" "$ab"
else
    skip detect_order "attack-trace.pcap or ndpi/trickbot.pcap absent"
fi
if [ -f "$C/test7-malicious.pcap" ] && [ -f "$C/attack-trace.pcap" ]; then
    expect_eq detect_no_group_addresses "$(detected "$C/test7-malicious.pcap")" "192.168.2.16/32"
    ab=$(detected "$C/attack-trace.pcap" "$C/test7-malicious.pcap")
    expect_eq detect_order_test7 "$(detected "$C/test7-malicious.pcap" "$C/attack-trace.pcap")" "$ab"
    expect_eq detect_test7_attack "$ab" "192.150.11.111/32,192.168.2.16/32"
    # ingest settles the same sensors, whatever the order.
    rm -f "$w/a.db" "$w/b.db"
    "$HS" ingest --quiet --db "$w/a.db" "$C/attack-trace.pcap" "$C/test7-malicious.pcap" 2>"$w/ia.err"
    "$HS" ingest --quiet --db "$w/b.db" "$C/test7-malicious.pcap" "$C/attack-trace.pcap" 2>"$w/ib.err"
    sa=$("$HS" report --db "$w/a.db" --format json 2>/dev/null | jq -r '.sensor | sort | join(",")')
    sb=$("$HS" report --db "$w/b.db" --format json 2>/dev/null | jq -r '.sensor | sort | join(",")')
    expect_eq ingest_order "$sa $sb" "$ab $ab"
else
    skip detect_test7 "test7-malicious.pcap absent"
fi
