# Backscatter end to end (docs/semantics.md, "Backscatter"): a capture
# (tests/backscatter_pcap.py) of SYN-ACKs, RSTs, ICMP unreachables and echo
# replies answering packets the sensor never sent, from four victims in five
# attacks (one victim twice, 17 silent minutes apart; one with 3 silent
# minutes inside one attack; one whose conversation crosses an hour), beside the sensor's own look-alikes: a SYN-ACK
# answering its SYN, a conversation first seen at its SYN-ACK that the sensor
# goes on with, a port unreachable and a router's time exceeded answering its
# UDP, an echo reply to its request, a SYN-ACK followed by the remote's data
# (one direction captured), a RST-ACK ending a conversation. Categories and attack records in JSON,
# text, CSV, under --mask, with spilled rows, threads, MPI and a store.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/backscatter"
mkdir -p "$w"
pcap="$w/backscatter.pcap"
python3 "$HONEYSCOPE_ROOT/tests/backscatter_pcap.py" "$pcap"

"$HS" report --quiet --sensor 192.0.2.10 --format json "$pcap" >"$w/r.json" 2>"$w/err"
expect_eq backscatter_exit "$?" 0
# 12 + 3 + 3 SYN-ACKs in 11 + 3 + 2 conversations, 5 RSTs, 3 unreachables and 2 echo replies (one
# ICMP conversation each); the sensor's stack reset one of the SYN-ACKs.
expect_eq backscatter_in_unsolicited \
    "$(jq -c '[.groups[0].in_unsolicited[] | [.category, .packets, .bytes, .flows]]' "$w/r.json")" \
    '[["backscatter:syn-ack",18,720,16],["backscatter:rst",5,200,5],["backscatter:icmp-unreachable",3,168,1],["backscatter:icmp-echo-reply",2,56,1]]'
expect_eq backscatter_out_replies \
    "$(jq -c '[.groups[0].out_replies[] | [.category, .packets]]' "$w/r.json")" \
    '[["backscatter:syn-ack",1]]'
# The sensor's own: nothing of it is backscatter, and the conversation first seen at
# its SYN-ACK is the sensor's mail (its EHLO is evidence).
expect_eq backscatter_in_replies \
    "$(jq -c '[.groups[0].in_replies[] | [.category, .packets]]' "$w/r.json")" \
    '[["https",2],["spam-smtp",2],["http-download",1],["icmp-scan",1],["icmp/11",1],["icmp/3/3",1]]'
expect_eq backscatter_out \
    "$(jq -c '[.groups[0].out[] | [.category, .packets]]' "$w/r.json")" \
    '[["http-download",2],["spam-smtp",2],["dns",1],["icmp-scan",1]]'
expect_eq backscatter_unknown \
    "$(jq -c '[.groups[0].in_unknown[], .groups[0].out_unknown[] | [.category, .packets]]' "$w/r.json")" \
    '[["unknown:tcp/8080",1]]'
expect_eq backscatter_sensor_evidence \
    "$(jq -c '.groups[0].evidence["smtp-helo"].top' "$w/r.json")" '[{"value":"x","count":1}]'
expect_eq backscatter_not_ports_in "$(jq -c '.groups[0].ports_in' "$w/r.json")" '[]'
expect_eq backscatter_totals \
    "$(jq -c '.groups[0].totals | [.packets_in, .packets_out, .flows]' "$w/r.json")" '[37,7,31]'

attacks='[{"victim":"198.51.100.50","first":"2009-02-01T00:00:00+00:00","last":"2009-02-01T00:04:00+00:00","packets":12,"bytes":480,"peak_packets_per_minute":4,"ports":[{"proto":"tcp","port":80,"packets":11},{"proto":"tcp","port":443,"packets":1}]},{"victim":"198.51.100.52","first":"2009-02-01T00:10:00+00:00","last":"2009-02-01T00:11:00+00:00","packets":5,"bytes":224,"peak_packets_per_minute":5,"ports":[{"proto":"icmp","port":3,"packets":3},{"proto":"icmp","port":0,"packets":2}]},{"victim":"198.51.100.50","first":"2009-02-01T00:20:00+00:00","last":"2009-02-01T00:21:00+00:00","packets":5,"bytes":200,"peak_packets_per_minute":5,"ports":[{"proto":"tcp","port":80,"packets":5}]},{"victim":"198.51.100.51","first":"2009-02-01T00:05:00+00:00","last":"2009-02-01T00:09:00+00:00","packets":3,"bytes":120,"peak_packets_per_minute":2,"ports":[{"proto":"tcp","port":22,"packets":3}]},{"victim":"198.51.100.53","first":"2009-02-01T00:59:00+00:00","last":"2009-02-01T01:01:00+00:00","packets":3,"bytes":120,"peak_packets_per_minute":2,"ports":[{"proto":"tcp","port":80,"packets":3}]}]'
expect_eq backscatter_attacks "$(jq -c '.groups[0].attacks' "$w/r.json")" "$attacks"
expect_eq backscatter_attacks_total "$(jq '.groups[0].attacks_total' "$w/r.json")" 5
"$HS" report --quiet --sensor 192.0.2.10 --format json --top 2 "$pcap" >"$w/top.json"
expect_eq backscatter_attacks_bounded \
    "$(jq -c '.groups[0] | [(.attacks | length), .attacks_total, .attacks[1].victim]' "$w/top.json")" \
    '[2,5,"198.51.100.52"]'

# Hourly bins (the conversation crossing an hour is decided there: its first SYN-ACK
# counts in its own minute, not with the repeat), spilled rows, threads: the same records.
"$HS" report --quiet --sensor 192.0.2.10 --format json --bin hour --memory 64K --threads 3 "$pcap" \
    >"$w/spill.json"
expect_eq backscatter_spilled "$(jq -c '.groups[0].attacks' "$w/spill.json")" "$attacks"
expect_eq backscatter_hour_series \
    "$(jq -c '[.groups[0].series[] | [.bin, .packets_in, .flows]]' "$w/spill.json")" \
    '[["2009-02-01T00:00+00:00",35,30],["2009-02-01T01:00+00:00",2,1]]'

"$HS" report --quiet --sensor 192.0.2.10 --format csv "$pcap" >"$w/r.csv"
expect_eq backscatter_csv "$(tr -d '\r' <"$w/r.csv" | sed -n '/^# table: attacks$/,/^$/p' | sed -n 2,3p | tr '\n' '|')" \
    'group,rank,victim,first,last,packets,bytes,peak_packets_per_minute|any,1,198.51.100.50,2009-02-01T00:00:00+00:00,2009-02-01T00:04:00+00:00,12,480,4|'
expect_eq backscatter_csv_ports "$(tr -d '\r' <"$w/r.csv" | sed -n '/^# table: attack_ports$/,/^$/p' | grep -c '^any,')" 7
"$HS" report --quiet --sensor 192.0.2.10 --format text "$pcap" >"$w/r.txt"
expect_eq backscatter_text "$(grep -A2 '^-- attacks on others' "$w/r.txt" | sed -n 3p | tr -s ' ')" \
    '198.51.100.50 2009-02-01T00:00:00+00:00 2009-02-01T00:04:00+00:00 12 480 4 tcp/80, tcp/443'
"$HS" report --quiet --sensor 192.0.2.10 --format html -o "$w/r.html" "$pcap"
expect_eq backscatter_html "$(grep -c '<h3>Attacks on others (backscatter)</h3>' "$w/r.html")" 1

# --mask: victims are remotes and stay; counts go.
"$HS" report --quiet --mask --sensor 192.0.2.10 --format json "$pcap" >"$w/m.json"
expect_eq backscatter_mask \
    "$(jq -c '.groups[0] | [.attacks[0].victim, .attacks[0].packets, .attacks[0].peak_packets_per_minute, .attacks[0].ports[0], .attacks_total]' "$w/m.json")" \
    '["198.51.100.50",null,null,{"proto":"tcp","port":80,"packets":null},null]'

# --compare: a day later, the conversations with .50 and .51 alone again (the capture's
# packets to or from them, a day on): 3 attacks on 2 victims, 12 + 5 + 3 = 20 packets,
# against 5 attacks on 4 victims with 28 packets (backscatter_attacks above).
python3 - "$pcap" "$w/next-day.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
out, at = [data[:24]], 24
keep = {bytes([198, 51, 100, 50]), bytes([198, 51, 100, 51])}
while at + 16 <= len(data):
    sec, usec, incl, orig = struct.unpack("<IIII", data[at:at + 16])
    frame = data[at + 16:at + 16 + incl]
    at += 16 + incl
    if frame[12:14] == b"\x08\x00" and (frame[26:30] in keep or frame[30:34] in keep):
        out.append(struct.pack("<IIII", sec + 86400, usec, incl, orig) + frame)
open(sys.argv[2], "wb").write(b"".join(out))
PY
"$HS" report --quiet --sensor 192.0.2.10 --format json --from 2009-02-01 --to 2009-02-01 \
    --compare 2009-02-02..2009-02-02 "$pcap" "$w/next-day.pcap" >"$w/cmp.json" 2>"$w/err"
expect_eq backscatter_compare_json "$(jq -c '.groups[0].versus.attacks' "$w/cmp.json")" \
    '{"count":5,"count_compare":3,"victims":4,"victims_compare":2,"packets":28,"packets_compare":20,"ratios":{"count":1.666666667,"victims":2,"packets":1.4}}'
expect_eq backscatter_compare_records "$(jq '.compare.groups[0].attacks_total' "$w/cmp.json")" 3
"$HS" report --quiet --sensor 192.0.2.10 --format csv --from 2009-02-01 --to 2009-02-01 \
    --compare 2009-02-02..2009-02-02 "$pcap" "$w/next-day.pcap" >"$w/cmp.csv" 2>"$w/err"
expect_eq backscatter_compare_csv "$(tr -d '\r' <"$w/cmp.csv" | grep -E '^any,attack' | tr '\n' '|')" \
    'any,attacks,5,3,1.666666667|any,attack_victims,4,2,2|any,attack_packets,28,20,1.4|'
"$HS" report --quiet --sensor 192.0.2.10 --format text --from 2009-02-01 --to 2009-02-01 \
    --compare 2009-02-02..2009-02-02 "$pcap" "$w/next-day.pcap" >"$w/cmp.txt" 2>"$w/err"
expect_eq backscatter_compare_text \
    "$(grep -A3 '^   attacks seen through backscatter' "$w/cmp.txt" | sed 1d | tr -s ' ' | tr '\n' '|')" \
    ' attacks 5 3 1.67| victims 4 2 2.00| backscatter 28 20 1.40|'
"$HS" report --quiet --sensor 192.0.2.10 --format html -o "$w/cmp.html" --from 2009-02-01 \
    --to 2009-02-01 --compare 2009-02-02..2009-02-02 "$pcap" "$w/next-day.pcap" 2>"$w/err"
expect_eq backscatter_compare_html \
    "$(grep -o '<tr><td>victims of attacks</td><td class="n">[^<]*</td><td class="n">[^<]*</td><td class="n">[^<]*</td>' "$w/cmp.html")" \
    '<tr><td>victims of attacks</td><td class="n">4</td><td class="n">2</td><td class="n">2.00</td>'
"$HS" report --quiet --mask --sensor 192.0.2.10 --format json --from 2009-02-01 --to 2009-02-01 \
    --compare 2009-02-02..2009-02-02 "$pcap" "$w/next-day.pcap" >"$w/cmp-mask.json" 2>"$w/err"
expect_eq backscatter_compare_mask "$(jq -c '.groups[0].versus.attacks' "$w/cmp-mask.json")" \
    '{"count":null,"count_compare":null,"victims":null,"victims_compare":null,"packets":null,"packets_compare":null,"ratios":{"count":1.666666667,"victims":2,"packets":1.4}}'
if python3 -c "import jsonschema" 2>/dev/null; then
    python3 "$HONEYSCOPE_ROOT/tests/e2e/schema_check.py" tests "$HONEYSCOPE_ROOT/docs/report.schema.json" \
        backscatter_compare_schema "$w/cmp.json" "$w/cmp-mask.json"
fi

if [ -x "$BUILD/honeyscope-mpi" ] && command -v mpirun >/dev/null 2>&1; then
    OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none \
        OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        mpirun --allow-run-as-root -np 3 "$BUILD/honeyscope-mpi" report --quiet --sensor 192.0.2.10 \
        --format json "$pcap" >"$w/mpi.json" 2>"$w/err"
    expect_eq backscatter_mpi "$(jq -c '.groups[0] | [.attacks, .in_unsolicited]' "$w/mpi.json")" \
        "$(jq -c '.groups[0] | [.attacks, .in_unsolicited]' "$w/r.json")"
else
    skip backscatter_mpi "honeyscope-mpi is not built ('make mpi') or mpirun is missing"
fi

rm -f "$w/s.db"
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10 "$pcap" 2>"$w/err"
expect_eq backscatter_ingest "$?" 0
"$HS" report --quiet --db "$w/s.db" --format json >"$w/db.json" 2>"$w/err"
expect_eq backscatter_store "$(jq -c '.groups' "$w/db.json")" "$(jq -c '.groups' "$w/r.json")"
expect_eq backscatter_store_view \
    "$("$HS" sql --db "$w/s.db" "SELECT initiator_name, SUM(packets_in) FROM traffic_named GROUP BY 1 ORDER BY 1")" \
    "$(printf 'backscatter|28\nsensor|8\nunknown|1')"
