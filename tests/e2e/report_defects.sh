# The report defects of issue 22, each on a capture made to show it: charts
# with a visible mark for every bin with traffic, labelled axes and every year
# named (tests/e2e/svg_check.py), the burst detector's edges, the compared
# period's own axis and burst marks, the CSV baseline of a bin not judged,
# text columns sized from their content, capped HTML tables, --top 0 / all,
# a dated group named by its own files, --help's sections and docs/store.md.
. "$(dirname "$0")/../lib.sh"
svg="python3 $HONEYSCOPE_ROOT/tests/e2e/svg_check.py"
pcap="python3 $HONEYSCOPE_ROOT/tests/e2e/timeline_pcap.py"
w="$TEST_WORK/report_defects"
rm -rf "$w"
mkdir -p "$w"
S4="--sensor 192.0.2.10/32"

# report NAME FORMATS CAPTURE OPTIONS...: writes $w/NAME.FORMAT for each format.
report() {
    name=$1 formats=$2 capture=$3
    shift 3
    for f in $formats; do
        "$HS" report --quiet --format "$f" -o "$w/$name.$f" "$@" "$capture" 2>>"$w/$name.err" ||
            echo "exit $? for $f" >>"$w/$name.err"
    done
}

# flat DAYS FIRST [DAY:COUNT...]: 10 unsolicited packets a day from FIRST
# (YYYY-MM-, days 01..DAYS), COUNT on the DAYs given.
flat() {
    days=$1 first=$2
    shift 2
    for d in $(seq -w 1 "$days"); do
        count=10
        for spike in "$@"; do
            [ "${spike%%:*}" = "$d" ] && count=${spike#*:}
        done
        printf ' %s%s:%s:2' "$first" "$d" "$count"
    done
}

# ---- 1. one bin: bars with their values, a day axis without "00:00" --------------
$pcap "$w/one.pcap" 2019-05-01:7:3 2019-05-01:4::1434:198.51.100.8
report one "html json" "$w/one.pcap" $S4
$svg one "$w/one.html" "$w/one.json"
expect_eq one_bar_values "$(grep -o '<text class="v" [^>]*>[0-9,]*</text>' "$w/one.html" |
    sed 's/.*>\([0-9,]*\)<.*/\1/' | tr '\n' ' ')" "11 3 "
report hours "html json" "$w/one.pcap" $S4 --bin hour
$svg hours "$w/hours.html" "$w/hours.json"
check hours_date_has_year grep -q '>May 1, 2019</text>' "$w/hours.html"
real="$SHARED/captures/test7-malicious.pcap"
if [ -f "$real" ]; then
    report test7 "html json" "$real" --sensor 192.168.2.16/32
    $svg test7 "$w/test7.html" "$w/test7.json"
else
    skip test7_one_bin "$real is absent (../shared/data)"
fi

# ---- 4. years: a period from March 2019 to 2023 names 2019 to 2023 ----------------
specs=""
for y in 2019 2020 2021 2022 2023; do
    for m in 03 06 09 12; do specs="$specs $y-$m-15:30:10"; done
done
$pcap "$w/years.pcap" $specs
report years "html json" "$w/years.pcap" $S4 --from 2019-03-10 --to 2023-12-31
$svg years "$w/years.html" "$w/years.json" --years 2019-2023

# ---- 2. bursts: windows from 3 find them; a burst does not blind the next bins ----
$pcap "$w/flat14.pcap" $(flat 20 2019-04- 14:1000)
for window in 3 4 5 6 7 28; do
    report "flat14_w$window" json "$w/flat14.pcap" $S4 --burst-window "$window"
    expect_eq "burst_window_${window}_finds_day14" \
        "$(jq -r '.groups[0].bursts.bins | map("\(.bin) \(.baseline)") | join(",")' \
            "$w/flat14_w$window.json")" "2019-04-14 10"
done
$pcap "$w/flat11_14.pcap" $(flat 20 2019-04- 11:1000 14:1000)
report flat11_14 "json csv" "$w/flat11_14.pcap" $S4 --burst-window 7 --burst-k 3
expect_eq burst_after_burst \
    "$(jq -r '[.groups[0].bursts.bins[].bin] | join(" ")' "$w/flat11_14.json")" \
    "2019-04-11 2019-04-14"
# ---- 6. the CSV baseline: empty for the 7 bins not judged, then the median ---------
expect_eq csv_baseline_unknown_then_known "$(python3 - "$w/flat11_14.csv" <<'EOF'
import csv, sys
rows, table = [], None
for row in csv.reader(open(sys.argv[1], newline="")):
    if row and row[0].startswith("# table: "):
        table = row[0][9:]
    elif table == "series" and row:
        rows.append(row)
col = rows[0].index("baseline")
print(" ".join(r[col] or "-" for r in rows[1:10]))
EOF
)" "- - - - - - - 10 10"
"$HS" report --quiet $S4 --burst-window 2 "$w/flat14.pcap" >/dev/null 2>"$w/window2.err"
expect_eq burst_window_2_refused "$?" 2
check burst_window_2_says_why grep -q "from 3 to 100000, not '2'" "$w/window2.err"

# ---- 3. --compare, periods of different lengths: two axes, each burst on its own ---
$pcap "$w/compare.pcap" $(flat 20 2019-03- 15:200) $(flat 28 2018-02- 20:300) \
    $(flat 28 2018-03- 25:400)
report compare "html json" "$w/compare.pcap" $S4 --from 2019-03-01 --to 2019-03-20 \
    --compare 2018-02-01..2018-03-31
$svg compare "$w/compare.html" "$w/compare.json"

# ---- 5. text columns sized from their content (a long IPv6 prefix) ----------------
printf '2001:db8:abcd:1234:5678:9abc::/96 long-v6\n198.51.100.0/24 doc\n' >"$w/v6.txt"
$pcap "$w/v6.pcap" 2019-05-01:5 2019-05-01:3:1::2001:db8:abcd:1234:5678:9abc:def0:1 \
    2019-05-02:2:::198.51.100.9
"$HS" report --quiet $S4 --sensor 2001:db8::10/128 --group g="$w/v6.txt" "$w/v6.pcap" \
    >"$w/v6.txt.out" 2>>"$w/v6.err"
expect_eq text_columns_line_up "$(python3 - "$w/v6.txt.out" <<'EOF'
import sys
lines = open(sys.argv[1]).read().split("\n")
head = next(i for i, l in enumerate(lines) if l.startswith("address "))
cols = [lines[head].index(c) for c in ("prefix", "first seen", "last seen")]
end = lines[head].index("packets_in") + len("packets_in")
rows = [l for l in lines[head + 1:head + 4]]
ok = all(r[c - 1] == " " and r[c] != " " for r in rows for c in cols) and \
    all(r[end - 1].isdigit() and r[end] == " " for r in rows)
labels = [l for l in lines if l.startswith("   2001:db8:abcd") or l.startswith("   198.51.100.0/24 ")]
ok = ok and len({l.rindex(" ") for l in labels}) == 1 and len(labels) == 2
print("%d rows %s" % (len(rows), "aligned" if ok else "misaligned:\n" + "\n".join(rows + labels)))
EOF
)" "3 rows aligned"

# ---- 7. a long period's page: bins summed by month, tables capped -----------------
ports=""
for p in $(seq 1000 1149); do ports="$ports 2019-06-01:1::$p"; done
$pcap "$w/long.pcap" $specs $ports
printf '198.51.100.0/24 doc\n' >"$w/doc.txt"
report long "html" "$w/long.pcap" $S4 --group any --group doc="$w/doc.txt" \
    --from 2012-01-01 --to 2023-06-27
expect_eq long_month_rows "$(grep -c '^<tr><td>20[0-9][0-9]-[0-9][0-9]</td>' "$w/long.html")" 276
expect_eq long_summed_by_month "$(grep -c '<h4>The numbers per month</h4>' "$w/long.html") \
$(grep -c '<h4>The numbers per day</h4>' "$w/long.html")" "2 0"
expect_eq long_ports_capped "$(grep -c '^<tr><td>udp</td><td class="n">[0-9]*</td>' \
    "$w/long.html")" 200
check long_ports_note grep -q 'The first 100 of 151 ports; all are in the JSON and CSV' \
    "$w/long.html"
check long_page_size test "$(wc -c <"$w/long.html")" -lt 600000

# ---- 15. --top 0 and --top all: every source ---------------------------------------
many=""
for i in $(seq 1 25); do many="$many 2019-07-01:$i::445:198.51.100.$i"; done
$pcap "$w/many.pcap" $many
for top in 0 all 3 20; do
    report "top_$top" "json csv" "$w/many.pcap" $S4 --top "$top"
done
expect_eq top_0_every_source "$(jq '.groups[0].sources.top | length' "$w/top_0.json")" 25
expect_eq top_all_every_source "$(jq '.groups[0].sources.top | length' "$w/top_all.json")" 25
expect_eq top_3 "$(jq -r '[.groups[0].sources.top[].address] | join(" ")' "$w/top_3.json")" \
    "198.51.100.25 198.51.100.24 198.51.100.23"
expect_eq top_default_20 "$(jq '.groups[0].sources.top | length' "$w/top_20.json")" 20
expect_eq top_0_csv_rows "$(grep -c '^any,[0-9]*,198\.51\.100\.' "$w/top_0.csv")" 25
"$HS" report --quiet $S4 --top some "$w/many.pcap" >/dev/null 2>"$w/top_bad.err"
expect_eq top_bad_refused "$?" 2
check top_bad_says_all grep -q "a number or 'all', not 'some'" "$w/top_bad.err"

# ---- 11. a dated group: each file named with its own prefixes ---------------------
printf '198.51.100.0/25 early\n' >"$w/early.txt"
printf '198.51.100.0/25 late-a\n198.51.100.128/25 late-b\n' >"$w/late.txt"
dated="--group g=$w/early.txt@2019-01-01 --group g=$w/late.txt@2019-07-01"
report dated "json csv html" "$w/many.pcap" $S4 $dated
"$HS" report --quiet $S4 $dated "$w/many.pcap" >"$w/dated.text" 2>>"$w/dated.err"
check dated_text_names_latest grep -q "^== group g: 2 prefixes from $w/late.txt, the latest of 2 files" \
    "$w/dated.text"
check dated_text_early_own_count grep -q "$w/early.txt (list, 2019-01-01, 1 prefixes)" "$w/dated.text"
expect_eq dated_json "$(jq -r '.groups[0] | "\(.source) \(.prefix_count) \(.snapshots | map("\(.source) \(.prefix_count)") | join(" "))"' "$w/dated.json")" \
    "$w/late.txt 2 $w/early.txt 1 $w/late.txt 2"
check dated_csv_source grep -q "^g,prefixes,$w/late.txt,2," "$w/dated.csv"
check dated_html_files grep -q "<td class=\"w\">$w/early.txt</td><td>2019-01-01</td><td class=\"n\">1</td>" \
    "$w/dated.html"

# ---- 8. --help's sections; docs/store.md's schema version -------------------------
"$HS" report --help >"$w/help.txt"
section() { awk -v s="$1" '$0 == s {on = 1; next} /^$/ {on = 0} on' "$w/help.txt"; }
expect_eq help_output_section "$(section 'Output:' | grep -o -e '--format' -e '-o, --output' \
    -e '--quiet' -e '--top N|all' | tr '\n' ' ')" "--format -o, --output --quiet --top N|all "
expect_eq help_bursts_section "$(section 'Bursts (bins where unsolicited traffic jumps; docs/semantics.md):' |
    grep -o -e '^  --[a-z-]*' | tr -d ' ' | tr '\n' ' ')" "--burst-window --burst-k --burst-min "
version=$(sed -n 's/^#define STORE_VERSION \([0-9]*\)$/\1/p' "$HONEYSCOPE_ROOT/src/store/store.c")
check store_doc_refusal_version grep -q "user_version\` above $version," "$HONEYSCOPE_ROOT/docs/store.md"
check store_doc_schema_version grep -q "^## Schema (version $version)$" "$HONEYSCOPE_ROOT/docs/store.md"
expect_eq store_doc_queries_unique "$(grep '^-- ' "$HONEYSCOPE_ROOT/docs/store.md" | sort | uniq -d)" ""
