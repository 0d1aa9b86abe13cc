# Honest snapshots: --snapshot-rule before|nearest chooses which dated table
# decides a bin; a table deciding bins more than --snapshot-max-age days
# from its date is warned of on stderr and in every format's header; the
# share of the traffic with no origin AS known is given. Two crafted routing
# tables (2008-01-01 without 174.129.0.0/16, 2009-12-01 with it) over the
# seed's 2009 captures; the expected packets are counted by tshark and
# matched against the tables in Python.
. "$(dirname "$0")/../lib.sh"
dir=$(scenario seed 1) || { fail snapshot_age_scenario "generator failed"; exit 0; }
w="$TEST_WORK/snapshot_age"
rm -rf "$w"
mkdir -p "$w"
printf '67.202.0.0/18\t14618\n' >"$w/early.dat"
printf '67.202.0.0/18\t14618\n174.129.0.0/16\t14618\n' >"$w/late.dat"
set -- "$dir"/honeypot-2009-0[3-9]* "$dir"/honeypot-2009-1[01]*
run() {
    "$HS" report --quiet --sensor 192.0.2.10/32 --group amazon=14618 --bin month \
        --pfx2as "$w/early.dat@2008-01-01" --pfx2as "$w/late.dat@2009-12-01" "$@"
}

run --format json "$@" >"$w/before.json" 2>"$w/before.err"
expect_eq snapshot_before_exit "$?" 0
expect_eq snapshot_before_decides \
    "$(jq -c '[.routing_snapshots[] | [.date, .from, .to]]' "$w/before.json")" \
    '[["2008-01-01","2009-03-01","2009-11-01"],["2009-12-01",null,null]]'
check snapshot_before_warned grep -q "^honeyscope: warning: routing snapshot '.*/early.dat' of 2008-01-01 decided the bins 2009-03-01 .. 2009-11-01, up to 700 days" "$w/before.err"
expect_eq snapshot_before_json_warning "$(jq '.warnings | map(select(test("early.dat"))) | length' "$w/before.json")" 1

run --format json --snapshot-rule nearest "$@" >"$w/nearest.json" 2>"$w/nearest.err"
# Halfway between the tables is 2008-12-16: every 2009 bin goes to the later one.
expect_eq snapshot_nearest_decides \
    "$(jq -c '[.routing_snapshots[] | [.date, .from, .to]]' "$w/nearest.json")" \
    '[["2008-01-01",null,null],["2009-12-01","2009-03-01","2009-11-01"]]'
check snapshot_nearest_warned grep -q "late.dat' of 2009-12-01 decided the bins 2009-03-01 .. 2009-11-01, up to 275 days" "$w/nearest.err"
run --format json --snapshot-rule nearest --snapshot-max-age 300 "$@" >"$w/aged.json" 2>"$w/aged.err"
expect_eq snapshot_max_age_quiet "$(jq '[.warnings[] | select(test("routing snapshot"))] | length' "$w/aged.json")" 0

# The packets each rule gives the group, and the share with no AS known, from tshark.
if command -v tshark >/dev/null 2>&1; then
    for f in "$@"; do
        tshark -r "$f" -T fields -e ip.src -e ip.dst -Y ip 2>/dev/null
    done >"$w/addresses.txt"
    want=$(python3 - "$w/addresses.txt" <<'PY'
import ipaddress, sys
sensor = "192.0.2.10"
early = [ipaddress.ip_network("67.202.0.0/18")]
late = early + [ipaddress.ip_network("174.129.0.0/16")]
total = {"early": 0, "late": 0}
everything = 0
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 2 or (parts[0] == sensor) == (parts[1] == sensor):
        continue
    remote = ipaddress.ip_address(parts[1] if parts[0] == sensor else parts[0])
    everything += 1
    for name, nets in (("early", early), ("late", late)):
        total[name] += any(remote in n for n in nets)
print(total["early"], total["late"], "%.6f" % (100.0 * (everything - total["early"]) / everything),
      "%.6f" % (100.0 * (everything - total["late"]) / everything))
PY
)
    got=$(printf '%s %s %s %s' \
        "$(jq '.groups[0].totals | .packets_in + .packets_out' "$w/before.json")" \
        "$(jq '.groups[0].totals | .packets_in + .packets_out' "$w/nearest.json")" \
        "$(jq -r '.no_origin_as.share * 1000000 | round / 1000000 | tostring' "$w/before.json" | xargs printf '%.6f')" \
        "$(jq -r '.no_origin_as.share * 1000000 | round / 1000000 | tostring' "$w/nearest.json" | xargs printf '%.6f')")
    expect_eq snapshot_rule_counts_tshark "$got" "$want"
else
    skip snapshot_rule_counts_tshark "tshark is not installed"
fi
check snapshot_no_origin_warned grep -q '^honeyscope: warning: no origin AS known for' "$w/before.err"

# Every format carries the warning in its header.
run "$@" >"$w/before.txt" 2>/dev/null
check snapshot_text_header sh -c "sed -n '1,/^== /p' '$w/before.txt' | grep -q '^WARNING  routing snapshot .*early.dat. of 2008-01-01'"
check snapshot_text_no_as grep -q '^no AS    [0-9.]*% of the packets both ways had no origin AS known' "$w/before.txt"
run --format csv "$@" >"$w/before.csv" 2>/dev/null
check snapshot_csv_table sh -c "grep -A2 '^# table: warnings' '$w/before.csv' | grep -q 'early.dat'"
run --format html "$@" >"$w/before.html" 2>/dev/null
check snapshot_html_header grep -q '<dd class="warning">routing snapshot' "$w/before.html"
# lookup follows the rule too.
for rule in before nearest; do
    "$HS" lookup --pfx2as "$w/early.dat@2008-01-01" --pfx2as "$w/late.dat@2009-12-01" \
        --snapshot-rule "$rule" --at 2009-06-01 --format json 174.129.1.1 >"$w/lookup-$rule.json"
done
expect_eq snapshot_lookup_rules "$(jq -c '.addresses[0].asn' "$w/lookup-before.json") $(jq -c '.addresses[0].asn' "$w/lookup-nearest.json")" \
    "null 14618"
"$HS" report --snapshot-rule latest "$dir/honeypot-2009-03.pcap" >/dev/null 2>&1
expect_eq snapshot_rule_refused "$?" 2

# Real files: a 2026 AWS file and the 2008 and 2014 routing tables over 2009 traffic.
aws2026="$SHARED/prefixes/aws-ip-ranges-2026-08-22.json"
rib2008="$SHARED/routing/ipasn_20080501_v12.dat.gz"
if [ -f "$aws2026" ] && [ -f "$rib2008" ]; then
    "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws2026" --pfx2as "$rib2008" \
        --pfx2as "$SHARED/routing/ipasn_20140513.dat.gz" --format json "$@" >"$w/real.json" 2>"$w/real.err"
    check snapshot_real_aws_warned grep -q "group 'aws': prefix file '.*aws-ip-ranges-2026-08-22.json' of 2026-08-22 decided the bins 2009-03-01 .. 2009-11-30, up to 6383 days" "$w/real.err"
    check snapshot_real_rib_warned grep -q "routing snapshot '.*ipasn_20080501_v12.dat.gz' of 2008-05-01 decided" "$w/real.err"
else
    skip snapshot_real "../shared/data is absent"
fi
