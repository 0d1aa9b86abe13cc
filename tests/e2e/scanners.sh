# Scanning-tool tags end to end (docs/semantics.md, "Scanning tools"): a
# capture of each tool's probes as its source builds them, with near misses
# and ordinary traffic (tests/scanners_pcap.py), reported in JSON, CSV, text
# and under --mask, and through a store; then no tag where no tool was: the
# seed scenario, and the shared real captures (where the one real nmap scan
# must be nmap's, every probe of it).
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/scanners"
mkdir -p "$w"
pcap="$w/scanners.pcap"
python3 "$HONEYSCOPE_ROOT/tests/scanners_pcap.py" "$pcap"

"$HS" report --quiet --sensor 192.0.2.10 --format json "$pcap" >"$w/r.json" 2>"$w/err"
expect_eq scanners_exit "$?" 0
expect_eq scanners_tools \
    "$(jq -c '[.groups[0].scanners[] | [.tool, .sources, .packets, .flows, .share]]' "$w/r.json")" \
    '[["zmap",2,6,6,24],["masscan",1,5,4,20],["nmap",2,5,5,20],["hping3",1,2,1,8],["mirai",1,2,2,8]]'
expect_eq scanners_ports_zmap \
    "$(jq -c '.groups[0].scanners[0].ports | map("\(.proto)/\(.port) \(.packets) \(.share)")' "$w/r.json")" \
    '["tcp/80 2 33.33333333","icmp/8 1 16.66666667","tcp/443 1 16.66666667","tcp/8080 1 16.66666667","udp/53 1 16.66666667"]'
expect_eq scanners_ports_masscan \
    "$(jq -c '.groups[0].scanners[1].ports | map("\(.proto)/\(.port) \(.packets)")' "$w/r.json")" \
    '["tcp/80 2","tcp/22 1","tcp/23 1","tcp/443 1"]'
expect_eq scanners_ports_nmap \
    "$(jq -c '.groups[0].scanners[2].ports | map("\(.proto)/\(.port) \(.packets)")' "$w/r.json")" \
    '["tcp/22 2","tcp/80 2","tcp/443 1"]'
expect_eq scanners_ports_mirai \
    "$(jq -c '.groups[0].scanners[4].ports | map("\(.proto)/\(.port) \(.packets)")' "$w/r.json")" \
    '["tcp/23 1","tcp/2323 1"]'
# The tags are a section of their own, not evidence values.
expect_eq scanners_not_evidence "$(jq -c '.groups[0].evidence | keys' "$w/r.json")" \
    '["http-host","http-request","http-url"]'

"$HS" report --quiet --sensor 192.0.2.10 --format csv "$pcap" >"$w/r.csv"
expect_eq scanners_csv "$(tr -d '\r' <"$w/r.csv" | sed -n '/^# table: scanners$/,/^$/p' | tr '\n' '|')" \
    '# table: scanners|group,tool,sources,packets,flows,share|any,zmap,2,6,6,24|any,masscan,1,5,4,20|any,nmap,2,5,5,20|any,hping3,1,2,1,8|any,mirai,1,2,2,8||'
expect_eq scanners_csv_ports "$(grep -c '^any,[a-z0-9]*,\(tcp\|udp\|icmp\),' "$w/r.csv")" 15

"$HS" report --quiet --sensor 192.0.2.10 --format text "$pcap" >"$w/r.txt"
expect_eq scanners_text "$(grep -A2 '^-- scanning tools' "$w/r.txt" | sed -n 3p)" \
    'zmap            2            6          6   24.0%  tcp/80 33.3%, icmp/8 16.7%, tcp/443 16.7%, tcp/8080 16.7%, udp/53 16.7%'

# HTML: the table, and the probes per bin stacked by tool (one column each here).
"$HS" report --quiet --sensor 192.0.2.10 --format html "$pcap" >"$w/r.html"
expect_eq scanners_html_rows "$(grep -c '^<tr><td class="mono">[a-z0-9]*</td>' "$w/r.html")" 5
expect_eq scanners_html_chart "$(grep -o '<rect class="t[0-4]"' "$w/r.html" | sort | uniq -c | tr -s ' ' | tr '\n' '|')" \
    ' 1 <rect class="t0"| 1 <rect class="t1"| 1 <rect class="t2"| 1 <rect class="t3"| 1 <rect class="t4"|'

# --mask: tools, shares and ports stay, counts go.
"$HS" report --quiet --mask --sensor 192.0.2.10 --format json "$pcap" >"$w/m.json"
expect_eq scanners_mask_json \
    "$(jq -c '[.groups[0].scanners[] | [.tool, .sources, .packets, .flows, .share, .ports[0].packets, .ports[0].share]][0]' "$w/m.json")" \
    '["zmap",null,null,null,24,null,33.33333333]'
"$HS" report --quiet --mask --sensor 192.0.2.10 --format html "$pcap" >"$w/m.html"
expect_eq scanners_mask_html "$(grep -c '<th class="n">packets</th><th class="n">flows</th><th class="n">share</th><th>most probed' "$w/m.html"),$(grep -c 'by tool <span>(index, peak = 100)' "$w/m.html")" \
    '0,1'
"$HS" report --quiet --mask --sensor 192.0.2.10 --format text "$pcap" >"$w/m.txt"
expect_eq scanners_mask_text "$(grep -A2 '^-- scanning tools' "$w/m.txt" | sed -n 2,3p | tr '\n' '|')" \
    'tool       share  most probed ports|zmap       24.0%  tcp/80 33.3%, icmp/8 16.7%, tcp/443 16.7%, tcp/8080 16.7%, udp/53 16.7%|'

# Ranks of honeyscope-mpi own disjoint remotes: the same figures as one process.
if [ -x "$BUILD/honeyscope-mpi" ] && command -v mpirun >/dev/null 2>&1; then
    OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none \
        OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        mpirun --allow-run-as-root -np 3 "$BUILD/honeyscope-mpi" report --quiet --sensor 192.0.2.10 \
        --format json "$pcap" >"$w/mpi.json" 2>"$w/err"
    expect_eq scanners_mpi "$(jq -c '.groups[0].scanners' "$w/mpi.json")" "$(jq -c '.groups[0].scanners' "$w/r.json")"
else
    skip scanners_mpi "honeyscope-mpi is not built ('make mpi') or mpirun is missing"
fi

# Through a store: what ingest keeps, report --db gives back.
rm -f "$w/s.db"
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10 "$pcap" 2>"$w/err"
expect_eq scanners_ingest "$?" 0
"$HS" report --quiet --db "$w/s.db" --format json >"$w/db.json" 2>"$w/err"
expect_eq scanners_store "$(jq -c '.groups[0].scanners' "$w/db.json")" \
    "$(jq -c '.groups[0].scanners' "$w/r.json")"

# A store from before the tags (no such evidence kinds) reads as none, and
# takes them in place at its next ingest.
python3 "$HONEYSCOPE_ROOT/tests/tinypcap.py" "$w/tiny.pcap" 10 >/dev/null
rm -f "$w/old.db"
"$HS" ingest -q --db "$w/old.db" --sensor 192.0.2.10 "$w/tiny.pcap"
sqlite3 "$w/old.db" "DELETE FROM evidence_kind WHERE name IN
    ('scanner-packets', 'scanner-flows', 'syn-ack-unanswered')"
"$HS" report --quiet --db "$w/old.db" --format json >"$w/old.json" 2>"$w/err"
expect_eq scanners_store_before "$(jq -c '.groups[0].scanners' "$w/old.json")" '[]'
"$HS" ingest -q --db "$w/old.db" --sensor 192.0.2.10 "$pcap" 2>"$w/err"
expect_eq scanners_store_upgraded_ingest "$?" 0
"$HS" report --quiet --db "$w/old.db" --format json >"$w/old.json" 2>"$w/err"
expect_eq scanners_store_upgraded \
    "$(jq -c '[.groups[0].scanners[] | [.tool, .sources, .packets, .flows]]' "$w/old.json")" \
    '[["zmap",2,6,6],["masscan",1,5,4],["nmap",2,5,5],["hping3",1,2,1],["mirai",1,2,2]]'

# --compare: the tools' shares side by side (the day after has none of them).
python3 "$HONEYSCOPE_ROOT/tests/spoofing_pcap.py" "$w/day2.pcap" 1
set -- --quiet --sensor 192.0.2.10 --from 2009-02-02 --to 2009-02-02 --compare 2009-02-01..2009-02-01
"$HS" report "$@" --format json "$pcap" "$w/day2.pcap" >"$w/cmp.json"
expect_eq scanners_compare_json \
    "$(jq -c '[.groups[0].versus.scanners[] | [.tool, .share, .share_compare, .points]]' "$w/cmp.json")" \
    '[["zmap",0,24,-24],["masscan",0,20,-20],["nmap",0,20,-20],["hping3",0,8,-8],["mirai",0,8,-8]]'
expect_eq scanners_compare_period "$(jq -c '[.groups[0].scanners, .compare.groups[0].scanners[0].tool]' "$w/cmp.json")" \
    '[[],"zmap"]'
"$HS" report "$@" --format csv "$pcap" "$w/day2.pcap" >"$w/cmp.csv"
expect_eq scanners_compare_csv "$(tr -d '\r' <"$w/cmp.csv" | grep -c '^any,scanners,')" 5
"$HS" report "$@" --format text "$pcap" "$w/day2.pcap" >"$w/cmp.txt"
expect_eq scanners_compare_text "$(grep -A3 '^   scanning tools (share' "$w/cmp.txt" | sed -n 3p)" \
    '   zmap                         0.0%    24.0%    -24.0'

# No tool in the seed scenario.
seed=$(scenario seed) || exit 0
"$HS" report --quiet --sensor 192.0.2.10 --format json "$seed"/honeypot-* >"$w/seed.json"
expect_eq scanners_seed_none "$(jq -c '[.groups[].scanners[]]' "$w/seed.json")" '[]'

dir="$SHARED/captures"
if [ ! -d "$dir" ]; then
    skip scanners_shared "no reference data at $dir"
    exit 0
fi
# A real nmap SYN scan of 64.13.134.52 (2010): all 1,994 probes nmap's.
"$HS" report --quiet --sensor 64.13.134.52 --format json "$dir/ndpi/synscan.pcap" >"$w/syn.json"
expect_eq scanners_real_nmap "$(jq -c '[.groups[0].scanners[] | [.tool, .sources, .packets, .share]]' "$w/syn.json")" \
    '[["nmap",1,1994,100]]'
# A real nmap run of SYN, FIN, NULL and Xmas probes among connect() scans: the four raw probes.
"$HS" report --quiet --format json "$dir/ndpi/tcp_scan.pcapng" >"$w/tcp_scan.json"
expect_eq scanners_real_nmap_kinds \
    "$(jq -c '[.groups[0].scanners[] | [.tool, .packets, [.ports[].port]]]' "$w/tcp_scan.json")" \
    '[["nmap",4,[3389,3390,3391,3392]]]'
# No zmap, masscan or mirai tag on any of them, read from the detected sensor's side.
bad=
for f in "$dir"/*.pcap "$dir"/ndpi/*.pcap*; do
    "$HS" report --quiet --format json "$f" >"$w/one.json" 2>/dev/null || continue
    tags=$(jq -r '[.groups[].scanners[] | select(.tool != "nmap") | .tool] | join(" ")' "$w/one.json")
    [ -n "$tags" ] && bad="$bad $(basename "$f"):$tags"
done
expect_eq scanners_shared_no_false_tags "$bad" ""
