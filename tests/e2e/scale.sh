# Report cost by output size (docs/semantics.md, "Scale"): the top sources
# are chosen without sorting every source, and the sources per /24 or /48
# without gathering them; both must still be exact. Checked on a flood of
# many sources and on the seed scenario against the whole source list.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/scale"
rm -rf "$w"
mkdir -p "$w"
"$GEN" --scenario flood --sources 60000 --packets 90000 --out "$w/flood" >/dev/null 2>&1 ||
    { fail scale_flood_generated "gen_scenario --scenario flood failed"; exit 0; }
F="--quiet --sensor 198.51.100.0/24 --sensor 2001:db8:64::/64 --format json"
# shellcheck disable=SC2086
"$HS" report $F --top 1000000 "$w/flood/flood.pcap" >"$w/all.json"
# shellcheck disable=SC2086
"$HS" report $F --top 7 "$w/flood/flood.pcap" >"$w/top7.json"
seed=$(scenario seed 1) || { fail scale_scenario "generator failed"; exit 0; }
S="--quiet --sensor 192.0.2.10/32 --group aws=$HONEYSCOPE_ROOT/scenarios/aws-2009.txt --group any --format json"
# shellcheck disable=SC2086
"$HS" report $S --top 1000000 --metric bytes "$seed"/honeypot-2009-* >"$w/seed-all.json"
# shellcheck disable=SC2086
"$HS" report $S --top 3 --metric bytes "$seed"/honeypot-2009-* >"$w/seed-top3.json"

python3 - "$w" <<'EOF'
import ipaddress, json, sys
from collections import Counter

w = sys.argv[1]

def result(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))

def net_of(address):
    a = ipaddress.ip_address(address)
    if a.version == 4:
        return str(ipaddress.ip_network(address + "/24", strict=False))
    return str(ipaddress.ip_network(address + "/48", strict=False))

for name, every, few, metric in (("flood", "all", "top7", "packets_in"),
                                 ("seed", "seed-all", "seed-top3", "bytes_in")):
    a = json.load(open("%s/%s.json" % (w, every)))
    b = json.load(open("%s/%s.json" % (w, few)))
    for ga, gb in zip(a["groups"], b["groups"]):
        tag = "%s_%s" % (name, ga["name"])
        top_all, top_few = ga["sources"]["top"], gb["sources"]["top"]
        result(tag + "_all_listed", len(top_all) == ga["sources"]["distinct"],
               "%d listed, %d distinct" % (len(top_all), ga["sources"]["distinct"]))
        result(tag + "_distinct_same", ga["sources"]["distinct"] == gb["sources"]["distinct"])
        result(tag + "_top_is_head", top_few == top_all[:len(top_few)],
               "the short list is not the head of the whole one")
        # Ranked by the metric, then by address.
        keys = [(-s[metric], ipaddress.ip_address(s["address"]).version,
                 int(ipaddress.ip_address(s["address"]))) for s in top_all]
        result(tag + "_ranked", keys == sorted(keys), "the whole list is out of order")
        # Sources per /24 (/48) from the whole list.
        nets = Counter(net_of(s["address"]) for s in top_all)
        churn = ga["churn"]
        result(tag + "_nets_total", churn["nets"] == len(nets),
               "%s nets, want %d" % (churn["nets"], len(nets)))
        shown = [(n["net"], n["sources"]) for n in churn["by_net"]]
        ok = all(nets[n] == c for n, c in shown) and len(shown) == min(20, len(nets))
        counts = [c for _, c in shown]
        best = sorted(nets.values(), reverse=True)[:len(shown)]
        result(tag + "_nets_top", ok and counts == best,
               "by_net %r, want counts %r" % (shown[:5], best[:5]))
        for gx, gy in ((ga, gb),):
            result(tag + "_churn_same", gx["churn"] == gy["churn"], "churn depends on --top")
EOF
