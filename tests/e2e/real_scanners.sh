# The scanning tools themselves (zmap, masscan, nmap, hping3 from Debian) run
# from one network namespace against an address in another, joined by a veth
# pair and nothing else; what reaches the target is captured with tcpdump and
# reported: every probe of each tool must be tagged with that tool, none with
# another (docs/semantics.md, "Scanning tools"). Needs root and network
# namespaces; a tool not installed is skipped by name (scripts/deps.sh check).
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ]; then
    skip real_scanners "not root: network namespaces need it"
    exit 0
fi
for t in ip tcpdump; do
    if ! command -v "$t" >/dev/null 2>&1; then
        skip real_scanners "$t is not installed"
        exit 0
    fi
done
w="$TEST_WORK/real_scanners"
rm -rf "$w"
mkdir -p "$w"
scan=hs-scan-$$
target=hs-target-$$
cleanup() {
    ip netns del "$scan" 2>/dev/null
    ip netns del "$target" 2>/dev/null
}
trap cleanup EXIT INT TERM
if ! ip netns add "$scan" 2>"$w/err" || ! ip netns add "$target" 2>>"$w/err"; then
    skip real_scanners "network namespaces unavailable: $(head -c 200 "$w/err")"
    exit 0
fi
ip link add hs-a$$ netns "$scan" type veth peer name hs-b$$ netns "$target" || {
    skip real_scanners "no veth pair could be made"
    exit 0
}
ip -n "$scan" addr add 10.77.0.1/24 dev hs-a$$
ip -n "$target" addr add 10.77.0.2/24 dev hs-b$$
for ns in "$scan" "$target"; do
    ip -n "$ns" link set lo up
done
ip -n "$scan" link set hs-a$$ up
ip -n "$target" link set hs-b$$ up
mac=$(ip -n "$target" -o link show hs-b$$ | sed 's/.*link\/ether \([0-9a-f:]*\).*/\1/')
sleep 1

# capture NAME COMMAND...: runs COMMAND in the scanner's namespace while the
# target's side captures what the scanner's address sends it over IP.
capture() {
    name=$1
    shift
    ip netns exec "$target" tcpdump -i hs-b$$ -U -n -w "$w/$name.pcap" 'ip src host 10.77.0.1' \
        2>"$w/$name.tcpdump" &
    dump=$!
    sleep 1
    ip netns exec "$scan" "$@" >"$w/$name.out" 2>&1
    status=$?
    sleep 1
    kill "$dump"
    wait "$dump" 2>/dev/null
    return $status
}

# judge NAME TOOL PROBES: the report of NAME's capture has PROBES packets from
# the scanner (any number when PROBES is "all"), all tagged TOOL and no other.
judge() {
    name=$1 tool=$2 probes=$3
    "$HS" report --quiet --sensor 10.77.0.2 --format json "$w/$name.pcap" >"$w/$name.json" \
        2>"$w/$name.err"
    got=$(jq -c --arg t "$tool" '.groups[0] | [.totals.packets_in,
        ([.scanners[] | select(.tool == $t) | .packets] | add // 0),
        ([.scanners[] | select(.tool != $t) | .packets] | add // 0)]' "$w/$name.json")
    [ "$probes" = all ] && probes=$(jq '.groups[0].totals.packets_in' "$w/$name.json")
    expect_eq "real_scanners_$name" "$got" "[$probes,$probes,0]"
    echo "$name $tool $got" >>"$w/figures"
}

if command -v nmap >/dev/null 2>&1; then
    capture nmap_syn nmap -n -Pn -sS --max-retries 0 -p 1-200 10.77.0.2 &&
        judge nmap_syn nmap 200 || fail real_scanners_nmap_syn "nmap: $(tail -c 300 "$w/nmap_syn.out")"
    capture nmap_fin nmap -n -Pn -sF --max-retries 0 -p 1-50 10.77.0.2 &&
        judge nmap_fin nmap 50 || fail real_scanners_nmap_fin "nmap: $(tail -c 300 "$w/nmap_fin.out")"
else
    skip real_scanners_nmap "nmap is not installed"
fi
if command -v masscan >/dev/null 2>&1; then
    # Its SYNs, one per port, and the RSTs its own stack sends as the target's answers come.
    capture masscan masscan 10.77.0.2 -p 1-200 --rate 2000 --wait 1 --adapter hs-a$$ \
        --adapter-ip 10.77.0.1 --router-mac "$mac" &&
        judge masscan masscan all || fail real_scanners_masscan "masscan: $(tail -c 300 "$w/masscan.out")"
    expect_eq real_scanners_masscan_syns \
        "$(tcpdump -n -r "$w/masscan.pcap" 'tcp[13] == 2' 2>/dev/null | wc -l)" 200
else
    skip real_scanners_masscan "masscan is not installed"
fi
if command -v zmap >/dev/null 2>&1; then
    : >"$w/blocklist" # zmap's own list leaves out 10.0.0.0/8
    capture zmap zmap -p 80 -P 20 -r 1000 -c 1 -i hs-a$$ -S 10.77.0.1 -G "$mac" \
        -b "$w/blocklist" 10.77.0.2/32 &&
        judge zmap zmap 20 || fail real_scanners_zmap "zmap: $(tail -c 300 "$w/zmap.out")"
    capture zmap_icmp zmap -M icmp_echoscan -P 10 -r 1000 -c 1 -i hs-a$$ -S 10.77.0.1 -G "$mac" \
        -b "$w/blocklist" 10.77.0.2/32 &&
        judge zmap_icmp zmap 10 || fail real_scanners_zmap_icmp "zmap: $(tail -c 300 "$w/zmap_icmp.out")"
else
    skip real_scanners_zmap "zmap is not installed"
fi
if command -v hping3 >/dev/null 2>&1; then
    capture hping3 hping3 -S -p 80 -c 20 -i u20000 10.77.0.2 &&
        judge hping3 hping3 20 || fail real_scanners_hping3 "hping3: $(tail -c 300 "$w/hping3.out")"
    # hping3's default probe: no flags at all.
    capture hping3_bare hping3 -p 81 -c 10 -i u20000 10.77.0.2 &&
        judge hping3_bare hping3 10 || fail real_scanners_hping3_bare "hping3: $(tail -c 300 "$w/hping3_bare.out")"
else
    skip real_scanners_hping3 "hping3 is not installed"
fi
