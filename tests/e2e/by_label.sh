# --by label|asn|country: each group's traffic split by the label of its
# prefixes, the origin AS or the AS name's country, checked against tshark's
# packets matched in Python to the same list, routing table and AS names;
# the keys add up to the group. And 'prefixes show', against a provider's
# JSON read in Python.
. "$(dirname "$0")/../lib.sh"
dir=$(scenario seed 1) || { fail by_scenario "generator failed"; exit 0; }
w="$TEST_WORK/by_label"
rm -rf "$w"
mkdir -p "$w"
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
printf '67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n75.101.128.0/17\t14618\n174.129.0.0/16\t14618\n79.125.0.0/18\t39111\n' \
    >"$w/rib.dat"
printf '14618 AMAZON-AES - Amazon.com, Inc., US\n39111 ADSI-AS Amazon Data Services Ireland Ltd, IE\n' \
    >"$w/names.txt"
set -- "$dir"/honeypot-2009-0[1-6]*
run() { "$HS" report --quiet --sensor 192.0.2.10/32 "$@"; }

run --group aws="$aws" --by label --top all --format json "$@" >"$w/label.json"
expect_eq by_label_exit "$?" 0
run --group any --pfx2as "$w/rib.dat" --asnames "$w/names.txt" --by asn --top all \
    --format json "$@" >"$w/asn.json" 2>/dev/null
run --group any --pfx2as "$w/rib.dat" --asnames "$w/names.txt" --by country --top all \
    --format json "$@" >"$w/country.json" 2>/dev/null

# The keys add up to the group.
check by_keys_add_up python3 - "$w/label.json" "$w/asn.json" "$w/country.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    g = json.load(open(path))["groups"][0]
    for k in ("packets_in", "packets_out", "bytes_in", "bytes_out", "flows", "sources"):
        assert sum(e[k] for e in g["by"]) == g["totals"][k], (path, k)
    assert abs(sum(e["share"] for e in g["by"]) - 100) < 1e-6
    assert g["by_distinct"] == len(g["by"])
PY

if command -v tshark >/dev/null 2>&1; then
    for f in "$@"; do
        tshark -r "$f" -T fields -e ip.src -e ip.dst -Y ip 2>/dev/null
    done >"$w/addresses.txt"
    check by_counts_tshark python3 - "$w/addresses.txt" "$aws" "$w/rib.dat" "$w/label.json" \
        "$w/asn.json" "$w/country.json" <<'PY'
import ipaddress, json, sys
addresses, listfile, rib, label_json, asn_json, country_json = sys.argv[1:]
sensor = "192.0.2.10"
def table(lines):
    out = []
    for line in lines:
        parts = line.split(None, 1)
        if parts and not line.startswith("#"):
            out.append((ipaddress.ip_network(parts[0]), parts[1].strip() if len(parts) > 1 else ""))
    return out
labels = table(open(listfile))
routes = table(open(rib))
names = dict(l.split(None, 1) for l in open(sys.argv[3].replace("rib.dat", "names.txt")))
def lpm(tab, a):
    best = None
    for net, v in tab:
        if a in net and (best is None or net.prefixlen > best[0].prefixlen):
            best = (net, v)
    return best[1] if best else None
want = {"label": {}, "asn": {}, "country": {}}
senders = {"label": {}, "asn": {}, "country": {}}
for line in open(addresses):
    p = line.split()
    if len(p) != 2 or (p[0] == sensor) == (p[1] == sensor):
        continue
    inbound = p[1] == sensor
    remote = p[0] if inbound else p[1]
    a = ipaddress.ip_address(remote)
    asn = lpm(routes, a)
    name = names.get(asn, "").strip() if asn else ""
    keys = {"label": lpm(labels, a), "asn": asn or "",
            "country": name[-2:] if name[-4:-2] == ", " else ""}
    for kind, key in keys.items():
        if key is None:
            continue
        c = want[kind].setdefault(key, [0, 0])
        c[0 if inbound else 1] += 1
        if inbound:
            senders[kind].setdefault(key, set()).add(remote)
for kind, path in (("label", label_json), ("asn", asn_json), ("country", country_json)):
    got = {e["key"]: [e["packets_in"], e["packets_out"], e["sources"]]
           for e in json.load(open(path))["groups"][0]["by"]}
    exp = {k: v + [len(senders[kind].get(k, ()))] for k, v in want[kind].items()}
    assert got == exp, (kind, got, exp)
PY
else
    skip by_counts_tshark "tshark is not installed"
fi
expect_eq by_asn_named "$(jq -r '.groups[0].by[] | select(.asn == 39111) | "\(.key) \(.name)"' "$w/asn.json")" \
    "39111 ADSI-AS Amazon Data Services Ireland Ltd, IE"

# Text, CSV, HTML; masked: shares only.
run --group aws="$aws" --by label "$@" >"$w/label.txt"
check by_text_table grep -q '^-- by label: 2 distinct' "$w/label.txt"
run --group aws="$aws" --by label --format csv "$@" >"$w/label.csv"
expect_eq by_csv_rows "$(sed -n '/^# table: by\r$/,/^\r$/p' "$w/label.csv" | grep -c '^aws,label,')" 2
run --group aws="$aws" --by label --format html "$@" >"$w/label.html"
check by_html_section grep -q '<h3>By label</h3>' "$w/label.html"
run --group aws="$aws" --by label --mask --format json "$@" >"$w/mask.json"
expect_eq by_mask "$(jq -c '[.groups[0].by[] | [.packets_in, .sources, .share]]' "$w/mask.json")" \
    "$(jq -c '[.groups[0].by[] | [null, null, .share]]' "$w/label.json")"
run --group any --by asn "$dir/honeypot-2009-01.pcap" >/dev/null 2>&1
expect_eq by_asn_needs_routing "$?" 2
run --group any --by region "$dir/honeypot-2009-01.pcap" >/dev/null 2>&1
expect_eq by_refused "$?" 2

# prefixes show: a list's labels, and a provider's regions and services.
"$HS" prefixes show "$aws" >"$w/show-list.txt"
expect_eq show_list_exit "$?" 0
check show_list_labels grep -Eq '^ +5 +0  Amazon Execution Services$' "$w/show-list.txt"
aws2019="$SHARED/prefixes/aws-ip-ranges-2019-01-03.json"
if [ -f "$aws2019" ]; then
    "$HS" prefixes show "$aws2019:region=eu-*" >"$w/show-aws.txt"
    expect_eq show_aws_exit "$?" 0
    check show_aws_counts python3 - "$aws2019" "$w/show-aws.txt" <<'PY'
import fnmatch, json, sys
doc = json.load(open(sys.argv[1]))
regions, services = {}, {}
records = {}
for key, pkey in (("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")):
    for r in doc[key]:
        records.setdefault((pkey, r[pkey]), []).append(r)
for (pkey, prefix), recs in records.items():
    if not any(fnmatch.fnmatch(r["region"].lower(), "eu-*") for r in recs):
        continue
    fam = 1 if pkey == "ipv6_prefix" else 0
    region = recs[0].get("network_border_group", recs[0]["region"])
    regions.setdefault(region, [0, 0])[fam] += 1
    for s in sorted({r["service"] for r in recs} - {"AMAZON"}):
        services.setdefault(s, [0, 0])[fam] += 1
def section(name):
    text = open(sys.argv[2]).read().split("\n\n")
    part = [t for t in text if t.startswith(name + " (")][0].splitlines()[2:]
    return {l.split()[2]: [int(l.split()[0]), int(l.split()[1])] for l in part}
assert section("regions") == regions, (section("regions"), regions)
assert section("services") == services, (section("services"), services)
PY
else
    skip show_aws_counts "../shared/data is absent"
fi
"$HS" prefixes show 14618 >/dev/null 2>&1
expect_eq show_refuses_asns "$?" 2
