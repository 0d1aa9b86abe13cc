# The summary across groups: everything the sensor received and sent, and
# each group's share of it. Checked against the generator's truth (the
# group's counts, the packets to or from the sensor), against tshark for the
# distinct remote addresses each way, and share = part / everything in
# Python; the same figures in CSV, text and HTML, and kept as shares under
# --mask.
. "$(dirname "$0")/../lib.sh"
dir=$(scenario seed 1) || { fail summary_scenario "generator failed"; exit 0; }
w="$TEST_WORK/summary"
rm -rf "$w"
mkdir -p "$w"
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
run() { "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any "$@" "$dir"/honeypot-*; }

run --format json >"$w/r.json"
expect_eq summary_exit "$?" 0
truth="$dir/truth.json"
# Everything is every packet to or from the sensor, the group "any" included.
expect_eq summary_everything_packets \
    "$(jq '.summary.everything | .packets_in + .packets_out' "$w/r.json")" \
    "$(jq '.packets - .not_ip - .not_sensor - .malformed - .truncated' "$truth")"
expect_eq summary_everything_is_any \
    "$(jq -c '.summary.everything | [.packets_in, .packets_out, .bytes_in, .bytes_out, .flows, .sources_in]' "$w/r.json")" \
    "$(jq -c '.groups[1].totals | [.packets_in, .packets_out, .bytes_in, .bytes_out, .flows, .sources]' "$w/r.json")"
expect_eq summary_aws_counts \
    "$(jq -c '.summary.groups[0] | [.packets_in, .packets_out, .bytes_in, .bytes_out, .flows, .sources_in]' "$w/r.json")" \
    "$(jq -c '.groups.aws.totals | [.packets_in, .packets_out, .bytes_in, .bytes_out, .flows, .sources]' "$truth")"

# Shares are part over everything, in total and per bin; the bins add up.
check summary_shares_computed python3 - "$w/r.json" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))["summary"]
every = s["everything"]
keys = ["packets_in", "packets_out", "bytes_in", "bytes_out", "flows", "sources_in", "sources_out"]
def close(share, part, whole):
    if whole == 0:
        return share is None
    return abs(share - 100.0 * part / whole) < 1e-6
for g in s["groups"]:
    assert all(close(g["share"][k], g[k], every[k]) for k in keys), g["name"]
    assert len(g["series"]) == len(every["series"])
    for p, e in zip(g["series"], every["series"]):
        assert p["bin"] == e["bin"]
        assert all(close(p["share"][k], p[k], e[k]) for k in keys), (g["name"], p["bin"])
for k in keys[:5]:
    assert sum(p[k] for p in every["series"]) == every[k], k
assert s["groups"][1]["share"]["packets_in"] == 100.0
PY
# The per-bin parts are the truth's days.
expect_eq summary_aws_days \
    "$(jq -c '[.summary.groups[0].series[] | select(.packets_in + .packets_out > 0) | [.bin, .packets_in, .packets_out]]' "$w/r.json")" \
    "$(jq -c '[.groups.aws.series[] | select(.packets_in + .packets_out > 0) | [.bin, .packets_in, .packets_out]]' "$truth")"

# Distinct remote addresses each way, counted by tshark.
if command -v tshark >/dev/null 2>&1; then
    for f in "$dir"/honeypot-*; do
        tshark -r "$f" -T fields -e ip.src -e ip.dst -Y ip 2>/dev/null
    done >"$w/addresses.txt"
    got=$(jq -r '.summary | "\(.everything.sources_in) \(.everything.sources_out) \(.groups[0].sources_in) \(.groups[0].sources_out)"' "$w/r.json")
    want=$(python3 - "$w/addresses.txt" "$aws" <<'PY'
import ipaddress, sys
sensor = "192.0.2.10"
nets = [ipaddress.ip_network(l.split()[0]) for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
ins, outs = set(), set()
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 2 or (parts[0] == sensor) == (parts[1] == sensor):
        continue
    (outs if parts[0] == sensor else ins).add(parts[1] if parts[0] == sensor else parts[0])
aws = lambda s: {a for a in s if any(ipaddress.ip_address(a) in n for n in nets)}
print(len(ins), len(outs), len(aws(ins)), len(aws(outs)))
PY
)
    expect_eq summary_sources_tshark "$got" "$want"
else
    skip summary_sources_tshark "tshark is not installed"
fi

# CSV: the same figures.
run --format csv >"$w/r.csv"
check summary_csv_matches python3 - "$w/r.csv" "$w/r.json" <<'PY'
import csv, json, sys
tables, name = {}, None
for row in csv.reader(open(sys.argv[1], newline="")):
    if not row:
        name = None
    elif row[0].startswith("# table: "):
        name = row[0][len("# table: "):]
        tables[name] = []
    elif name:
        tables[name].append(row)
s = json.load(open(sys.argv[2]))["summary"]
head, rows = tables["summary"][0], tables["summary"][1:]
keys = ["packets_in", "packets_out", "bytes_in", "bytes_out", "flows", "sources_in", "sources_out"]
assert len(rows) == len(s["groups"]) * (1 + len(s["everything"]["series"]))
for g in s["groups"]:
    total = [r for r in rows if r[0] == g["name"] and r[1] == ""][0]
    d = dict(zip(head, total))
    assert all(int(d[k]) == g[k] for k in keys)
    assert all(abs(float(d["share_" + k]) - g["share"][k]) < 1e-6 for k in keys)
every = dict(zip(tables["summary_everything"][0], tables["summary_everything"][1]))
assert every["bin"] == "" and all(int(every[k]) == s["everything"][k] for k in keys)
PY

# Text: a line per group, with its share of what the sensor received.
run >"$w/r.txt"
share=$(jq -r '.summary.groups[0].share.packets_in * 10 | round / 10 | tostring' "$w/r.json")
check summary_text_line grep -Eq "^1 +aws +[0-9]+ +${share}%" "$w/r.txt"
check summary_text_before_groups sh -c "grep -n '^== ' '$w/r.txt' | head -1 | grep -q summary"

# --mask: the counts go, the shares are the same.
run --mask --format json >"$w/m.json"
expect_eq summary_mask_shares "$(jq -c '[.summary.groups[] | .share, (.series[] | .share)]' "$w/m.json")" \
    "$(jq -c '[.summary.groups[] | .share, (.series[] | .share)]' "$w/r.json")"
expect_eq summary_mask_counts "$(jq '[.summary | .everything, .groups[], .everything.series[], .groups[].series[]
    | .packets_in, .sources_out] | map(select(. != null)) | length' "$w/m.json")" 0
run --mask >"$w/m.txt"
check summary_mask_text_share grep -Eq "^1 +aws +${share}%" "$w/m.txt"

# HTML: the section, its table and two share charts; masked, no count shows.
run --format html >"$w/r.html"
check summary_html_section grep -q '<section class="summary" id="summary">' "$w/r.html"
expect_eq summary_html_charts "$(grep -c "aria-label=\"each group's share" "$w/r.html")" 2
run --mask --format html >"$w/m.html"
aws_in=$(jq '.summary.groups[0].packets_in' "$w/r.json")
check summary_html_mask_no_counts sh -c "! sed -n '/id=\"summary\"/,/<\/section>/p' '$w/m.html' | grep -q '>$aws_in<'"
check summary_html_mask_shares grep -q ">${share}%<" "$w/m.html"
