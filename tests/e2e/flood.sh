# End to end at telescope shape: a darknet day of 200,000 distinct sources
# (gen_scenario --scenario flood), every packet its own flow, through the
# report; the JSON compared with the generator's truth, which it knows by
# construction rather than by tallying. Packet counts are cross-checked with
# tcpdump, which shares no code with honeyscope.
. "$(dirname "$0")/../lib.sh"

sources=200000
dir=$(flood_scenario "$sources") || { fail flood_generate "see stderr"; exit 0; }
pcap="$dir/flood.pcap"
truth="$dir/truth.json"

# The sensor set is what the truth names: the darknet's prefixes.
set --
for s in $(jq -r '.sensor[]' "$truth"); do set -- "$@" --sensor "$s"; done
expect_eq flood_sensor_set "$*" "--sensor 198.51.100.0/24 --sensor 2001:db8:64::/64"

"$HS" report --quiet "$@" --group any --format json "$pcap" >"$dir/report.json" 2>"$dir/report.err"
expect_eq flood_exit "$?" 0
python3 "$HONEYSCOPE_ROOT/tests/e2e/compare_truth.py" "$truth" "$dir/report.json" flood

# The figures the scale work watches, named one by one.
r=$dir/report.json
expect_eq flood_bytes_in "$(jq '.groups[0].totals.bytes_in' "$r")" "$(jq .bytes "$truth")"
expect_eq flood_one_flow_per_packet "$(jq .inputs.flows.started "$r")" "$(jq .packets "$truth")"
expect_eq flood_sources_distinct "$(jq '.groups[0].totals.sources' "$r")" "$sources"
expect_eq flood_sources_truth "$(jq '.groups.any.sources.distinct' "$truth")" "$sources"
expect_eq flood_first "$(jq -r .inputs.first "$r")" "$(jq -r .first "$truth")"
expect_eq flood_last "$(jq -r .inputs.last "$r")" "$(jq -r .last "$truth")"
expect_eq flood_top_ports \
    "$(jq -c '[.groups[0].ports_in[:6][] | {port: "\(.proto)/\(.port)", packets}]' "$r")" \
    "$(jq -c '[.top_ports[:6][] | {port, packets}]' "$truth")"

# Without --group the report has the one group "any": the same totals.
"$HS" report --quiet "$@" --format json "$pcap" >"$dir/default.json" 2>&1
expect_eq flood_default_group_totals "$(jq -c '.groups[0].totals' "$dir/default.json")" \
    "$(jq -c '.groups[0].totals' "$r")"

# Sources that come back (P > N, quicker than the flow timeouts: 3,000
# sources each every ~86 s) are still one flow per packet and N sources.
few="$TEST_WORK/flood-few"
if "$GEN" --scenario flood --sources 3000 --packets 100000 --seed 7 --out "$few" \
    >/dev/null 2>"$few.log"; then
    "$HS" report --quiet "$@" --group any --format json "$few/flood.pcap" >"$few/report.json" \
        2>"$few/report.err"
    expect_eq flood_repeat_exit "$?" 0
    python3 "$HONEYSCOPE_ROOT/tests/e2e/compare_truth.py" "$few/truth.json" "$few/report.json" \
        flood_repeat
    expect_eq flood_repeat_sources "$(jq '.groups[0].totals.sources' "$few/report.json")" 3000
else
    fail flood_repeat_generate "$(cat "$few.log")"
fi

# Same arguments, same bytes.
again="$TEST_WORK/flood-again"
"$GEN" --scenario flood --sources 3000 --packets 100000 --seed 7 --out "$again" >/dev/null 2>&1
check flood_deterministic cmp -s "$few/flood.pcap" "$again/flood.pcap"

# tcpdump prints one line per packet starting with its time, and some
# packets more lines (a source port of 4789 reads as VXLAN): only the first
# lines are counted.
tcount() { # FILTER...
    tcpdump -n -q -r "$pcap" "$@" 2>/dev/null | grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.'
}
if command -v tcpdump >/dev/null 2>&1; then
    expect_eq flood_tcpdump_packets "$(tcount)" "$(jq .packets "$truth")"
    expect_eq flood_tcpdump_tcp23 "$(tcount 'tcp dst port 23')" \
        "$(jq '.groups.any.ports_in["tcp/23"].packets' "$truth")"
    expect_eq flood_tcpdump_ipv6 "$(tcount ip6)" "$(jq .packets_ipv6 "$truth")"
else
    skip flood_tcpdump "tcpdump not installed"
fi
