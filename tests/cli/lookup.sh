# Naming the remote side from the command line: honeyscope lookup against
# lists, provider JSON, dated routing snapshots, MaxMind databases and AS
# names; bad naming files and their messages; and a report whose AS group
# changes with dated routing snapshots, bin by bin.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/lookup"
mkdir -p "$w"

# ---- always-on: synthetic files ------------------------------------------------
printf '10.0.0.0/8 Ten\n192.0.2.0/24 Doc\n' >"$w/list.txt"
cat >"$w/aws.json" <<'EOF'
{"syncToken": "1", "createDate": "2015-11-03-17-22-03",
 "prefixes": [
  {"ip_prefix": "46.51.128.0/18", "region": "eu-west-1", "service": "AMAZON"},
  {"ip_prefix": "46.51.128.0/18", "region": "eu-west-1", "service": "EC2"},
  {"ip_prefix": "52.95.245.0/24", "region": "us-east-1", "service": "S3"}],
 "ipv6_prefixes": [
  {"ipv6_prefix": "2a05:d018::/36", "region": "eu-west-1", "service": "EC2"}]}
EOF
printf '; Original file : rib.20080501.0644.bz2\n67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n75.101.128.0/17\t14618\n79.125.0.0/18\t39111\n' >"$w/rib2008.dat"
printf '; Original file : rib.20140513.0600.bz2\n67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n75.101.128.0/17\t14618\n174.129.0.0/16\t14618\n' >"$w/rib2014.dat"
printf '14618 AMAZON-AES - Amazon.com, Inc., US\n39111 ADSI-AS Amazon Data Services Ireland Ltd, IE\n' >"$w/names.txt"

"$HS" lookup --group lan="$w/list.txt" --group ec2="$w/aws.json:service=EC2" \
    --group aws="$w/aws.json" --format json 10.1.2.3 46.51.130.1 52.95.245.9 2a05:d018::5 8.8.8.8 \
    >"$w/a.json" 2>"$w/err"
expect_eq lookup_exit "$?" 0
expect_eq lookup_list "$(jq -r '.addresses[0].groups[0] | "\(.name) \(.prefix) \(.label) \(.date)"' "$w/a.json")" \
    "lan 10.0.0.0/8 Ten null"
expect_eq lookup_aws_ec2 "$(jq -r '.addresses[1].groups | map("\(.name) \(.prefix) \(.label) \(.date)") | join(";")' "$w/a.json")" \
    "ec2 46.51.128.0/18 AMAZON eu-west-1 EC2 2015-11-03;aws 46.51.128.0/18 AMAZON eu-west-1 EC2 2015-11-03"
expect_eq lookup_aws_s3_not_ec2 "$(jq -r '.addresses[2].groups | map(.name) | join(",")' "$w/a.json")" "aws"
expect_eq lookup_aws_v6 "$(jq -r '.addresses[3].groups[0].prefix' "$w/a.json")" "2a05:d018::/36"
expect_eq lookup_no_group "$(jq -r '.addresses[4].groups | length' "$w/a.json")" "0"
expect_eq lookup_no_as "$(jq -r '.addresses[4].asn' "$w/a.json")" "null"

# Dated routing: the snapshot in force on --at, the latest without it.
rt="--pfx2as $w/rib2008.dat --pfx2as $w/rib2014.dat --asnames $w/names.txt --group amazon=AS14618"
"$HS" lookup $rt --format json --at 2009-03-01 174.129.5.5 79.125.1.1 >"$w/at2009.json" 2>"$w/err"
expect_eq lookup_at_exit "$?" 0
expect_eq lookup_at_2009_unrouted "$(jq -r '.addresses[0] | "\(.asn) \(.groups | length)"' "$w/at2009.json")" "null 0"
expect_eq lookup_at_2009_eu "$(jq -r '.addresses[1] | "\(.asn) \(.as_name) \(.as_date)"' "$w/at2009.json")" \
    "39111 ADSI-AS Amazon Data Services Ireland Ltd, IE 2008-05-01"
"$HS" lookup $rt --format json 174.129.5.5 >"$w/latest.json" 2>"$w/err"
expect_eq lookup_latest "$(jq -r '.addresses[0] | "\(.asn) \(.as_prefix) \(.as_date) \(.groups[0].name)"' "$w/latest.json")" \
    "14618 174.129.0.0/16 2014-05-13 amazon"
# A file dated by hand wins over its header.
"$HS" lookup --pfx2as "$w/rib2008.dat" --pfx2as "$w/rib2014.dat@2009-06-01" --format json --at 2009-06-01 \
    174.129.5.5 >"$w/hand.json" 2>"$w/err"
expect_eq lookup_hand_dated "$(jq -r '.addresses[0] | "\(.asn) \(.as_date)"' "$w/hand.json")" "14618 2009-06-01"

# Text output, and addresses from stdin.
printf '# comment\n\n 10.9.9.9 \n192.0.2.1\n' | "$HS" lookup --group lan="$w/list.txt" - >"$w/stdin.txt" 2>"$w/err"
expect_eq lookup_stdin_exit "$?" 0
expect_eq lookup_stdin_lines "$(grep -c '^  group  lan' "$w/stdin.txt")" 2
check lookup_text_label grep -q '^  group  lan 192.0.2.0/24 Doc' "$w/stdin.txt"
printf '10.0.0.1\nnonsense\n' | "$HS" lookup --group lan="$w/list.txt" - >"$w/out" 2>"$w/err"
expect_eq lookup_bad_address_exit "$?" 1
check lookup_bad_address_line grep -q "^honeyscope: -:2: 'nonsense' is not an IP address" "$w/err"

# Usage errors exit 2, files that cannot be read 1 or 2, each named.
"$HS" lookup 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq lookup_nothing_exit "$?" 2
"$HS" lookup --group lan="$w/list.txt" >/dev/null 2>"$w/err"
expect_eq lookup_no_address_exit "$?" 2
"$HS" lookup --group x="$w/aws.json:colour=red" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq bad_selection_exit "$?" 2
check bad_selection_message grep -q "unknown key 'colour'" "$w/err"
"$HS" lookup --group x="$w/aws.json:service=NOPE" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq empty_selection_exit "$?" 2
check empty_selection_message grep -q "group 'x': no prefix matches 'service=NOPE'" "$w/err"
printf '{"createDate": "2015-11-03",\n "prefixes": [\n' >"$w/broken.json"
"$HS" lookup --group x="$w/broken.json" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq broken_json_exit "$?" 2
check broken_json_line grep -q "$w/broken.json:3:0: bad JSON" "$w/err"
printf '{"createDate": "x", "prefixes": [{"ip_prefix": "10.0.0.1/8"}]}' >"$w/hostbits.json"
"$HS" lookup --group x="$w/hostbits.json" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq host_bits_exit "$?" 2
check host_bits_where grep -q 'prefixes\[0\].ip_prefix "10.0.0.1/8": host bits set' "$w/err"
printf '10.0.0.0/33 bad\n' >"$w/len33.txt"
"$HS" lookup --group x="$w/len33.txt" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq len33_exit "$?" 2
check len33_line grep -q "$w/len33.txt:1: prefix length over 32" "$w/err"
printf '1.0.0.0/24\t15169\n1.0.0.0/33\t15169\n' >"$w/bad.dat"
"$HS" lookup --pfx2as "$w/bad.dat" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq pfx2as_bad_exit "$?" 1
check pfx2as_bad_line grep -q "$w/bad.dat:2: prefix length over 32" "$w/err"
printf 'not a database\n' >"$w/fake.mmdb"
"$HS" lookup --mmdb "$w/fake.mmdb" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq not_mmdb_exit "$?" 1
check not_mmdb_named grep -q "$w/fake.mmdb: not a usable MaxMind DB file" "$w/err"
"$HS" lookup --pfx2as "$w/rib2008.dat" --pfx2as "$w/rib2014.dat@2008-05-01" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq same_day_exit "$?" 2
check same_day_named grep -q "both snapshots of 2008-05-01" "$w/err"
"$HS" lookup --group a="$w/list.txt" --group a="$w/list.txt" 10.0.0.1 >/dev/null 2>"$w/err"
expect_eq undated_twice_exit "$?" 2
check undated_twice_message grep -q "has no date (write FILE@YYYY-MM-DD)" "$w/err"
"$HS" lookup --help >"$w/help" 2>&1
expect_eq lookup_help_exit "$?" 0
check lookup_help_naming grep -q "docs/naming.md" "$w/help"

# Labels with control bytes reach the terminal escaped.
printf '10.0.0.0/8 evil\033[31mred\n' >"$w/evil.txt"
"$HS" lookup --group e="$w/evil.txt" 10.0.0.1 >"$w/evil.out" 2>&1
check label_escaped grep -q 'evil\\x1b\[31mred' "$w/evil.out"

# ---- a report over dated routing snapshots ---------------------------------------
# The seed scenario has 174.129.0.0/16 traffic from 2009 on. Dated 2009-06-01,
# the second table takes 174.129.x.x into AS14618 from that day only: every
# bin must equal the report made with the one table in force for it.
if ! dir=$(scenario seed); then
    fail dated_report "scenario generator failed"
else
    common="--sensor 192.0.2.10/32 --from 2009-01-01 --to 2009-12-11 --format json -q --group amazon=AS14618"
    "$HS" report $common --pfx2as "$w/rib2008.dat" --pfx2as "$w/rib2014.dat@2009-06-01" \
        "$dir"/*.pcap* >"$w/dated.json" 2>"$w/err"
    expect_eq dated_report_exit "$?" 0
    "$HS" report $common --pfx2as "$w/rib2008.dat" "$dir"/*.pcap* >"$w/only2008.json" 2>/dev/null
    "$HS" report $common --pfx2as "$w/rib2014.dat" "$dir"/*.pcap* >"$w/only2014.json" 2>/dev/null
    # (new and returning sources depend on the bins before, so they may differ)
    base='{bin, packets_in, packets_out, bytes_in, bytes_out, flows, sources}'
    jq -c ".groups[0].series[] | select(.bin < \"2009-06-01\") | $base" "$w/dated.json" >"$w/d1"
    jq -c ".groups[0].series[] | select(.bin < \"2009-06-01\") | $base" "$w/only2008.json" >"$w/e1"
    jq -c ".groups[0].series[] | select(.bin >= \"2009-06-01\") | $base" "$w/dated.json" >"$w/d2"
    jq -c ".groups[0].series[] | select(.bin >= \"2009-06-01\") | $base" "$w/only2014.json" >"$w/e2"
    check dated_series_before cmp -s "$w/d1" "$w/e1"
    check dated_series_after cmp -s "$w/d2" "$w/e2"
    got=$(jq -r '[.groups[0].series[] | select(.bin >= "2009-06-01") | .packets_in] | add' "$w/dated.json")
    old=$(jq -r '[.groups[0].series[] | select(.bin >= "2009-06-01") | .packets_in] | add' "$w/only2008.json")
    check dated_more_after_june test "$got" -gt "$old"
    expect_eq dated_snapshots "$(jq -r '.routing_snapshots | map("\(.date) \(.from) \(.to)") | join(";")' "$w/dated.json")" \
        "2008-05-01 2009-01-01 2009-05-31;2009-06-01 2009-06-01 2009-12-11"
    expect_eq dated_group_snapshots "$(jq -r '.groups[0].snapshots | length' "$w/dated.json")" 2
    # 174.129.x.x sources are in the group, first seen on or after 2009-06-01.
    expect_eq dated_sources_after "$(jq -r '[.groups[0].sources.top[] | select(.address | startswith("174.129.")) | select(.first_seen < "2009-06-01")] | length' "$w/dated.json")" 0
    check dated_sources_some sh -c "jq -r '.groups[0].sources.top[].address' '$w/dated.json' | grep -q '^174\\.129\\.'"
    expect_eq dated_asns_top "$(jq -r '.groups[0].asns_top[0].asn' "$w/dated.json")" 14618
    # The text report says which table covered which bins.
    "$HS" report --sensor 192.0.2.10/32 --from 2009-01-01 --to 2009-12-11 -q --group amazon=AS14618 \
        --pfx2as "$w/rib2008.dat" --pfx2as "$w/rib2014.dat@2009-06-01" --asnames "$w/names.txt" \
        "$dir"/*.pcap* >"$w/dated.txt" 2>/dev/null
    check dated_text_routing grep -q "rib2014.dat (pfx2as, 2009-06-01, 4 prefixes): 2009-06-01 .. 2009-12-11" "$w/dated.txt"
    check dated_text_asview grep -q "^AS14618 .*AMAZON-AES - Amazon.com, Inc., US" "$w/dated.txt"
    # A list group given twice with dates, the same way.
    printf '67.202.0.0/18 old\n' >"$w/g1.txt"
    printf '67.202.0.0/18 new\n174.129.0.0/16 new\n' >"$w/g2.txt"
    "$HS" report $common --pfx2as "$w/rib2008.dat" --group l="$w/g1.txt@2008-01-01" \
        --group l="$w/g2.txt@2009-06-01" "$dir"/*.pcap* >"$w/lists.json" 2>"$w/err"
    expect_eq dated_lists_exit "$?" 0
    expect_eq dated_lists_snapshots "$(jq -r '.groups[1].snapshots | map("\(.date) \(.from) \(.to)") | join(";")' "$w/lists.json")" \
        "2008-01-01 2009-01-01 2009-05-31;2009-06-01 2009-06-01 2009-12-11"
    # A source's prefix and label are those of its last bin in the group.
    expect_eq dated_lists_labels_old "$(jq -r '[.groups[1].sources.top[] | select(.last_seen < "2009-06-01") | .label] | unique | join(",")' "$w/lists.json")" "old"
    expect_eq dated_lists_labels_new "$(jq -r '[.groups[1].sources.top[] | select(.address | startswith("174.129.")) | .label] | unique | join(",")' "$w/lists.json")" "new"
fi

# ---- ../shared/data: real providers, MaxMind's test database, RouteViews ------------
if [ ! -d "$SHARED/prefixes" ] || [ ! -d "$SHARED/routing" ]; then
    skip lookup_shared "../shared/data absent"
    exit 0
fi
P="$SHARED/prefixes"
R="$SHARED/routing"
# MaxMind's source JSON gives the expected answers.
jq -r '.[] | to_entries[0] | select(.value.autonomous_system_organization) | .key' \
    "$P/GeoLite2-ASN-Test.source.json" | sed -n '1p;40p;80p;120p;160p;200p' >"$w/nets"
: >"$w/mm_bad"
while read -r net; do
    addr=${net%/*}
    want=$(jq -r --arg n "$net" '.[] | to_entries[0] | select(.key == $n) | .value | "\(.autonomous_system_number) \(.autonomous_system_organization)"' \
        "$P/GeoLite2-ASN-Test.source.json")
    got=$("$HS" lookup --mmdb "$P/GeoLite2-ASN-Test.mmdb" --format json "$addr" | jq -r '.addresses[0] | "\(.asn) \(.as_name)"')
    [ "$got" = "$want" ] || echo "$net: got '$got', want '$want'" >>"$w/mm_bad"
done <"$w/nets"
expect_eq mmdb_source_answers "$(wc -l <"$w/nets") $(cat "$w/mm_bad")" "6 "
"$HS" lookup --mmdb "$P/GeoLite2-ASN-Test.mmdb" --group telstra=AS1221 --format json 1.128.0.1 >"$w/mm.json"
expect_eq mmdb_as_group "$(jq -r '.addresses[0].groups[0] | "\(.name) \(.prefix) \(.label)"' "$w/mm.json")" \
    "telstra 1.128.0.0/11 Telstra Pty Ltd"

for f in 2015-11-03 2019-01-03 2026-08-22; do
    "$HS" lookup --group aws="$P/aws-ip-ranges-$f.json" --format json 52.95.245.1 >"$w/aws-$f.json" 2>"$w/err"
    expect_eq "aws_${f}_date" "$(jq -r '.addresses[0].groups[0] | "\(.date) \(.prefix)"' "$w/aws-$f.json")" \
        "$f 52.95.245.0/24"
done
"$HS" lookup --group aws="$P/aws-ip-ranges-2019-01-03.json:family=6" --format json 2a05:d07c:2000::1 >"$w/aws6.json"
expect_eq aws_2019_v6 "$(jq -r '.addresses[0].groups[0] | "\(.prefix) \(.label)"' "$w/aws6.json")" \
    "2a05:d07c:2000::/40 AMAZON eu-west-3"
# Three AWS snapshots as one group: the one in force on --at answers.
"$HS" lookup --group aws="$P/aws-ip-ranges-2015-11-03.json" --group aws="$P/aws-ip-ranges-2019-01-03.json" \
    --group aws="$P/aws-ip-ranges-2026-08-22.json" --at 2020-01-01 --format json 18.208.0.1 >"$w/aws3.json"
expect_eq aws_series_2019 "$(jq -r '.addresses[0].groups[0] | "\(.prefix) \(.date)"' "$w/aws3.json")" "18.208.0.0/13 2019-01-03"
"$HS" lookup --group aws="$P/aws-ip-ranges-2015-11-03.json" --group aws="$P/aws-ip-ranges-2019-01-03.json" \
    --at 2016-01-01 --format json 18.208.0.1 >"$w/aws2.json"
expect_eq aws_series_2015_absent "$(jq -r '.addresses[0].groups | length' "$w/aws2.json")" 0
"$HS" lookup --group gcp="$P/gcp-cloud-2025-07-25.json:scope=europe-west1" \
    --group az="$P/azure-servicetags-2025-07-25.json:tag=Storage.WestEurope" --format json \
    8.34.208.1 13.69.40.17 >"$w/clouds.json"
expect_eq gcp_europe_west1 "$(jq -r '.addresses[0].groups[0] | "\(.name) \(.prefix) \(.label)"' "$w/clouds.json")" \
    "gcp 8.34.208.0/23 Google Cloud europe-west1"
expect_eq azure_storage_we "$(jq -r '.addresses[1].groups[0] | "\(.name) \(.prefix) \(.label)"' "$w/clouds.json")" \
    "az 13.69.40.16/28 AZURE westeurope AzureStorage"
# RouteViews: 174.129.0.0/16 unrouted in 2008, AS14618 from the 2014 table on.
rv="--pfx2as $R/ipasn_20080501_v12.dat.gz --pfx2as $R/ipasn_20140513.dat.gz --asnames $R/asnames.json.gz"
"$HS" lookup $rv --at 2009-06-01 --format json 174.129.5.5 67.202.1.1 79.125.1.1 >"$w/rv2009.json"
expect_eq routeviews_2009 "$(jq -r '[.addresses[] | "\(.asn)"] | join(",")' "$w/rv2009.json")" "null,14618,39111"
"$HS" lookup $rv --format json 174.129.5.5 >"$w/rv2014.json"
expect_eq routeviews_2014 "$(jq -r '.addresses[0] | "\(.asn) \(.as_name) \(.as_date)"' "$w/rv2014.json")" \
    "14618 AMAZON-AES - Amazon.com, Inc., US 2014-05-13"
