# Passive sensors and the unsolicited vocabulary. A darknet (the generator's
# flood scenario) starts nothing: the report says so in one line instead of
# the sensor's own sections, and JSON/CSV say sensor_started false. Remote-
# started traffic is "scan:" only with a probe's shape (ICMP echo, at most
# two packets received per conversation), else "unsolicited:"; the name of
# earlier versions stays in "category". Names are recomputed in Python from
# the generator's truth.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/passive"
rm -rf "$w"
mkdir -p "$w"
flood="$w/flood"
"$GEN" --scenario flood --sources 2000 --packets 6000 --out "$flood" >/dev/null 2>&1 ||
    { fail passive_scenario "generator failed"; exit 0; }
run() { "$HS" report --quiet --sensor 198.51.100.0/24 --sensor 2001:db8:64::/64 --group any "$@" \
    "$flood/flood.pcap"; }

run --format json >"$w/flood.json"
expect_eq passive_exit "$?" 0
expect_eq passive_json "$(jq -c '[.sensor_started, (.groups[0].out | length), (.groups[0].in_replies | length)]' "$w/flood.json")" \
    "[false,0,0]"
# Every conversation of a darknet is one packet: all probes, the old names.
expect_eq passive_names_are_scans \
    "$(jq -c '[.groups[0].in_unsolicited[] | select(.name != .category)] | length' "$w/flood.json")" 0
expect_eq passive_categories_truth \
    "$(jq -c '[.groups[0].in_unsolicited[] | [.category, .packets]] | sort' "$w/flood.json")" \
    "$(jq -c '[.groups.any.in_unsolicited | to_entries[] | [.key, .value.packets]] | sort' "$flood/truth.json")"

run >"$w/flood.txt"
check passive_text_one_line grep -q '^-- the sensor started nothing in this period (a passive sensor)' "$w/flood.txt"
check passive_text_no_own_sections sh -c "! grep -Eq 'sent by the sensor in conversations it started|replies to the sensor.s own traffic|the sensor.s own traffic:' '$w/flood.txt'"
expect_eq passive_text_once "$(grep -c 'started nothing' "$w/flood.txt")" 1
run --format html >"$w/flood.html"
check passive_html_note grep -q 'id="passive"' "$w/flood.html"
check passive_html_no_activity sh -c "! grep -q '<h3>The sensor.s own traffic</h3>' '$w/flood.html'"
run --format csv >"$w/flood.csv"
expect_eq passive_csv "$(python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
i = rows.index(["# table: report"])
print(dict(zip(rows[i + 1], rows[i + 2]))["sensor_started"])' "$w/flood.csv")" 0

# The seed honeypot starts plenty: its sections stay, and the names follow the shape.
dir=$(scenario seed 1) || { fail passive_seed "generator failed"; exit 0; }
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --format json "$dir"/honeypot-* \
    >"$w/seed.json"
expect_eq active_sensor_started "$(jq .sensor_started "$w/seed.json")" true
check active_names_from_truth python3 - "$w/seed.json" "$dir/truth.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))["groups"][0]
truth = json.load(open(sys.argv[2]))["groups"]["aws"]["in_unsolicited"]
def shown(category):
    f = truth[category]
    service = category.split(":", 1)[1]
    probe = service in ("icmp/8", "icmp6/128") or (f["flows"] > 0 and f["packets"] <= 2 * f["flows"])
    return ("scan:" if probe else "unsolicited:") + service
got = {e["category"]: e["name"] for e in g["in_unsolicited"]}
assert got == {c: shown(c) for c in truth}, got
assert any(n.startswith("unsolicited:") for n in got.values())
assert any(n.startswith("scan:") for n in got.values())
# The sensor's replies take the name of what they answer.
for e in g["out_replies"]:
    assert e["name"] == got[e["category"]], e
PY
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" "$dir"/honeypot-* >"$w/seed.txt"
check active_text_unsolicited grep -Eq '^unsolicited:tcp/445 ' "$w/seed.txt"
check active_text_own_sections grep -q 'sent by the sensor in conversations it started' "$w/seed.txt"

# --compare matches the periods by the stable name: no category twice.
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --from 2009-01-01 --to 2009-06-30 \
    --compare 2008-07-01..2008-12-31 --format json "$dir"/honeypot-* >"$w/cmp.json"
expect_eq compare_by_category \
    "$(jq '[.groups[0].versus.in_unsolicited[].category] | (length - (unique | length))' "$w/cmp.json")" 0
