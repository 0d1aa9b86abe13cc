# honeyscope anonymize: Crypto-PAn against the reference implementation's
# published sample and the IPv6 vectors of two other implementations; prefix
# preservation checked pair by pair; captures rewritten with valid checksums,
# in the form they came, reporting the same totals, ports and source counts
# as the originals; --keep; bad keys and damaged captures.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/anonymize"
rm -rf "$w"
mkdir -p "$w"
data="$HONEYSCOPE_ROOT/tests/data/cryptopan"
key="$data/reference.key"

# --- the reference sample: 100 addresses, exactly -------------------------------
cut -f3 "$data/sample_trace_raw.dat" >"$w/raw"
cut -f3 "$data/sample_trace_sanitized.dat" >"$w/want"
"$HS" anonymize --key "$key" --addresses <"$w/raw" >"$w/got" 2>"$w/err"
expect_eq anonymize_reference_exit "$?" 0
expect_eq anonymize_reference_lines "$(wc -l <"$w/got" | tr -d ' ')" 100
expect_eq anonymize_reference_matches "$(paste "$w/got" "$w/want" | awk '$1 == $2' | wc -l | tr -d ' ')" 100

# The same key as 32 raw bytes (the reference implementation's key file).
xxd -r -p "$key" >"$w/raw.key"
expect_eq anonymize_raw_key_bytes "$(wc -c <"$w/raw.key" | tr -d ' ')" 32
"$HS" anonymize --key "$w/raw.key" --addresses <"$w/raw" >"$w/got-raw" 2>/dev/null
check anonymize_raw_key_same cmp -s "$w/got-raw" "$w/want"

# --- IPv6 (and the README's IPv4) vectors ----------------------------------------
n=0 ok=0
while read -r which addr image; do
    n=$((n + 1))
    got=$(echo "$addr" | "$HS" anonymize --key "$data/$which.key" --addresses 2>/dev/null)
    [ "$got" = "$image" ] && ok=$((ok + 1))
done <"$data/ipv6_vectors.txt"
expect_eq anonymize_ipv6_vectors "$ok/$n" "7/7"

# --- prefix preservation, pair by pair --------------------------------------------
# Addresses built to share exactly k leading bits with a base, k = 0..32 (IPv4)
# and 0..128 (IPv6): their images must share exactly k bits with the base's.
python3 - "$w/pairs" <<'PY'
import ipaddress, sys
out = open(sys.argv[1], "w")
for bits, base in ((32, int(ipaddress.ip_address("198.51.100.77"))),
                   (128, int(ipaddress.ip_address("2001:db8:4:5::6:7")))):
    make = ipaddress.IPv4Address if bits == 32 else ipaddress.IPv6Address
    out.write("%s\n" % make(base))
    for k in range(bits):
        out.write("%s\n" % make(base ^ (1 << (bits - 1 - k))))  # differs first at bit k
PY
"$HS" anonymize --key "$key" --addresses <"$w/pairs" >"$w/pairs.out" 2>/dev/null
check anonymize_prefix_preserving python3 - "$w/pairs" "$w/pairs.out" <<'PY'
import ipaddress, sys
a = [ipaddress.ip_address(l.strip()) for l in open(sys.argv[1])]
b = [ipaddress.ip_address(l.strip()) for l in open(sys.argv[2])]
assert len(a) == len(b) == 33 + 129
def common(x, y, bits):
    d = int(x) ^ int(y)
    return bits - d.bit_length()
for start, bits in ((0, 32), (33, 128)):
    for k in range(bits):
        x, y = a[start], a[start + 1 + k]
        assert common(x, y, bits) == k
        assert common(b[start], b[start + 1 + k], bits) == k, (x, y, k)
PY

# --- --keep, and lines that are no address -----------------------------------------
printf '192.0.2.10\n192.0.2.11\n198.51.100.1\n2001:db8::10\n' |
    "$HS" anonymize --key "$key" --keep 192.0.2.10/32 --keep 2001:db8::/32 --addresses >"$w/kept"
expect_eq anonymize_keep_v4 "$(sed -n 1p "$w/kept")" 192.0.2.10
check anonymize_keep_only_prefix sh -c "[ \"\$(sed -n 2p '$w/kept')\" != 192.0.2.11 ]"
expect_eq anonymize_keep_v6 "$(sed -n 4p "$w/kept")" 2001:db8::10
printf '192.0.2.1\nnot-an-address\n' | "$HS" anonymize --key "$key" --addresses >/dev/null 2>"$w/bad-line.err"
expect_eq anonymize_bad_line_exit "$?" 1
check anonymize_bad_line_message grep -q 'line 2: not an IPv4 or IPv6 address' "$w/bad-line.err"

# --- keys that are not keys ---------------------------------------------------------
head -c 31 "$w/raw.key" >"$w/short.key"
"$HS" anonymize --key "$w/short.key" --addresses </dev/null 2>"$w/short.err"
expect_eq anonymize_short_key_exit "$?" 1
check anonymize_short_key_message grep -q "key file '$w/short.key': 31 bytes" "$w/short.err"
"$HS" anonymize --key "$w/missing.key" --addresses </dev/null 2>"$w/missing.err"
expect_eq anonymize_missing_key_exit "$?" 1
check anonymize_missing_key_message grep -q "cannot read key file" "$w/missing.err"
printf '%064d\n' 0 | tr 0 g >"$w/nothex.key"
"$HS" anonymize --key "$w/nothex.key" --addresses </dev/null 2>/dev/null
expect_eq anonymize_not_hex_key_exit "$?" 1
"$HS" anonymize --addresses </dev/null 2>/dev/null
expect_eq anonymize_no_key_usage "$?" 2

# --- captures ------------------------------------------------------------------------
dir=$(scenario basic) || {
    fail anonymize_scenario "generator failed"
    exit 0
}
S="--sensor 192.0.2.10/32 --sensor 2001:db8::10/128"
K="--keep 192.0.2.10/32 --keep 2001:db8::10/128"
mkdir -p "$w/anon" "$w/all"
status=0
for f in "$dir"/*.pcap*; do
    # shellcheck disable=SC2086
    "$HS" anonymize -q --key "$key" $K --keep-unparsed "$f" "$w/all/$(basename "$f")" || status=1
    # shellcheck disable=SC2086
    "$HS" anonymize -q --key "$key" $K "$f" "$w/anon/$(basename "$f")" || status=1
done
expect_eq anonymize_captures_exit "$status" 0
expect_eq anonymize_no_temporary_left "$(find "$w/anon" "$w/all" -name '*.tmp.*' | wc -l | tr -d ' ')" 0

# shellcheck disable=SC2086
"$HS" report --quiet --format json $S "$dir"/*.pcap* >"$w/orig.json"
# shellcheck disable=SC2086
"$HS" report --quiet --format json $S "$w/all"/*.pcap* >"$w/all.json"
# shellcheck disable=SC2086
"$HS" report --quiet --format json $S "$w/anon"/*.pcap* >"$w/anon.json"
same() { # name jq-filter
    a=$(jq -c "$2" "$w/orig.json")
    b=$(jq -c "$2" "$w/all.json")
    if [ -n "$a" ] && [ "$a" != null ] && [ "$a" = "$b" ]; then pass "$1"; else fail "$1" "$a vs $b"; fi
}
same anonymize_report_totals '.groups[0].totals'
same anonymize_report_ports '.groups[0].ports_in'
same anonymize_report_inputs '.inputs | del(.files[].path)'
same anonymize_report_sensor '.sensor'
expect_eq anonymize_report_sources "$(jq '.groups[0].totals.sources' "$w/all.json")" 16
# Each source of the original, mapped by --addresses, is a source of the
# anonymised capture's report with the same counts; none is left as it was.
jq -r '.groups[0].sources.top[] | .address' "$w/orig.json" >"$w/sources"
"$HS" anonymize --key "$key" $K --addresses <"$w/sources" >"$w/sources.mapped"
check anonymize_report_sources_mapped python3 - "$w/orig.json" "$w/all.json" "$w/sources" "$w/sources.mapped" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
mapping = dict(zip(open(sys.argv[3]).read().split(), open(sys.argv[4]).read().split()))
def rows(r, m):
    return sorted((m(s["address"]), s["packets_in"], s["packets_out"], s["bytes_in"], s["bytes_out"],
                   tuple(s["ports"])) for s in r["groups"][0]["sources"]["top"])
assert len(mapping) == 16
assert rows(a, mapping.get) == rows(b, lambda x: x)
assert not set(mapping) & {s["address"] for s in b["groups"][0]["sources"]["top"]}
PY
# Left out by default: the two ARP frames (no IP header), counted as such.
expect_eq anonymize_unparsed_left_out "$(jq '.inputs.packets, .inputs.bad.not_ip' "$w/anon.json" | tr '\n' ' ')" "63 0 "
same anonymize_unparsed_traffic_same '.groups[0].totals'

# The form each capture came in.
check anonymize_formats_kept sh -c "[ \"\$(jq -c '[.inputs.files[] | .format, .link_type]' '$w/orig.json')\" = \"\$(jq -c '[.inputs.files[] | .format, .link_type]' '$w/all.json')\" ]"

# Checksums verify where they did (tshark's view), ICMP errors' quotes included.
if command -v tshark >/dev/null 2>&1; then
    sums() {
        for f in "$1"/*.pcap*; do
            tshark -r "$f" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
                -o udp.check_checksum:TRUE -T fields -e ip.checksum.status -e tcp.checksum.status \
                -e udp.checksum.status -e icmp.checksum.status -e icmpv6.checksum.status \
                -E separator=, 2>/dev/null
        done | tr ',' '\n' | grep -v '^$' | sort | uniq -c | tr -s ' \n' '  '
    }
    a=$(sums "$dir") b=$(sums "$w/all")
    expect_eq anonymize_checksums_valid "$b" "$a"
    check anonymize_checksums_some_good sh -c "echo '$a' | grep -q ' 1 '"
    check anonymize_checksums_none_bad sh -c "! echo '$b' | grep -q ' 0 '"
else
    skip anonymize_checksums_valid "tshark not installed"
fi

# Same key, same bytes: runs and files agree.
# shellcheck disable=SC2086
"$HS" anonymize -q --key "$key" $K --keep-unparsed "$dir/basic-ether.pcap" "$w/again.pcap"
check anonymize_deterministic cmp -s "$w/again.pcap" "$w/all/basic-ether.pcap"

# --strip-payload: headers stay, payload bytes go, the report's counts do not change.
# shellcheck disable=SC2086
"$HS" anonymize -q --key "$key" $K --keep-unparsed --strip-payload "$dir/basic-ether.pcap" "$w/stripped.pcap"
check anonymize_strip_smaller sh -c "[ \$(wc -c <'$w/stripped.pcap') -lt \$(wc -c <'$w/all/basic-ether.pcap') ]"
# shellcheck disable=SC2086
a=$("$HS" report --quiet --format json $S "$w/all/basic-ether.pcap" | jq -c '.groups[0].totals')
# shellcheck disable=SC2086
b=$("$HS" report --quiet --format json $S "$w/stripped.pcap" | jq -c '.groups[0].totals')
expect_eq anonymize_strip_same_totals "$b" "$a"

# A capture cut mid-record: an error, and no output file.
size=$(wc -c <"$dir/basic-ether.pcap")
head -c $((size - 10)) "$dir/basic-ether.pcap" >"$w/cut.pcap"
"$HS" anonymize -q --key "$key" "$w/cut.pcap" "$w/cut-out.pcap" 2>"$w/cut.err"
expect_eq anonymize_cut_exit "$?" 1
check anonymize_cut_no_output sh -c "! ls '$w' | grep -q cut-out"
check anonymize_cut_message grep -q "cut.pcap" "$w/cut.err"

# --- report --anonymize ------------------------------------------------------------
# The report of the captures, anonymised, is the report of the anonymised
# captures (every address rewritten, the sensors' too): same sources, sensors
# and counts, address for address.
mkdir -p "$w/whole"
for f in "$dir"/*.pcap*; do
    "$HS" anonymize -q --key "$key" --keep-unparsed "$f" "$w/whole/$(basename "$f")"
done
printf '192.0.2.10\n2001:db8::10\n' | "$HS" anonymize --key "$key" --addresses >"$w/sensors.mapped"
AS="--sensor $(sed -n 1p "$w/sensors.mapped")/32 --sensor $(sed -n 2p "$w/sensors.mapped")/128"
# shellcheck disable=SC2086
"$HS" report --quiet --format json --anonymize "$key" $S "$dir"/*.pcap* >"$w/ra.json"
expect_eq report_anonymize_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report --quiet --format json $AS "$w/whole"/*.pcap* >"$w/rw.json"
# (Sources of equal counts are listed in address order: the real one, or the images'.)
for part in .sensor '.groups[0].sources.top | sort_by(.address)' '.groups[0].sources.distinct' \
    '.groups[0].totals' '.groups[0].ports_in'; do
    expect_eq "report_anonymize_same_$(echo "$part" | cut -d' ' -f1 | tr -dc 'a-z_')" \
        "$(jq -c "$part" "$w/ra.json")" "$(jq -c "$part" "$w/rw.json")"
done

# No address of the original is written in any format, evidence included:
# a capture whose evidence spells the sensor's address in every way.
python3 "$HONEYSCOPE_ROOT/tests/mask_capture.py" "$w/forms.pcap" >/dev/null
MS="--sensor 192.0.2.10/32 --sensor 2001:db8:0:1::10/128"
for f in text json csv html; do
    # shellcheck disable=SC2086
    "$HS" report --quiet --format $f --anonymize "$key" $MS "$w/forms.pcap" >"$w/forms.$f" 2>/dev/null
    # shellcheck disable=SC2086
    "$HS" report --quiet --format $f $MS "$w/forms.pcap" >"$w/forms-plain.$f" 2>/dev/null
    check "report_anonymize_${f}_plain_has_addresses" grep -qF '192.0.2.10' "$w/forms-plain.$f"
    check "report_anonymize_${f}_no_sensor_v4" sh -c "! grep -qE '(^|[^0-9.])192\\.0\\.2\\.10([^0-9]|\$)' '$w/forms.$f'"
    check "report_anonymize_${f}_no_sensor_v6" sh -c "! grep -qiE '2001:db8:0:1::10([^0-9a-f]|\$)' '$w/forms.$f'"
    check "report_anonymize_${f}_no_remote" sh -c "! grep -qE '(^|[^0-9.])198\\.51\\.100\\.[0-9]+([^0-9]|\$)' '$w/forms.$f'"
done
"$HS" report --quiet --anonymize "$w/short.key" $MS "$w/forms.pcap" >/dev/null 2>"$w/report-key.err"
expect_eq report_anonymize_bad_key_exit "$?" 1
