# Naming data in the store: 'prefixes add --pfx2as/--mmdb/--asnames' keeps
# routing snapshots, an mmdb and AS names, dated, so that 'report --db'
# needs no naming option and gives the report the same files on the command
# line give; 'prefixes list' shows them with their dates; options given win;
# one mmdb, one AS-name file and one routing table a day.
. "$(dirname "$0")/../lib.sh"
dir=$(scenario seed 1) || { fail store_naming_scenario "generator failed"; exit 0; }
w="$TEST_WORK/store_naming"
rm -rf "$w"
mkdir -p "$w/tmp"
export TMPDIR="$w/tmp"
db="$w/s.db"
printf '; Original file : rib.20080501.0644.bz2\n67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n79.125.0.0/18\t39111\n' \
    >"$w/rib2008.dat"
printf '67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n174.129.0.0/16\t14618\n79.125.0.0/18\t39111\n' \
    >"$w/rib2009.dat"
printf '14618 AMAZON-AES - Amazon.com, Inc., US\n39111 ADSI-AS Amazon Data Services Ireland Ltd, IE\n' \
    >"$w/names.txt"
touch -d 2009-07-01T12:00:00Z "$w/names.txt"
naming="--pfx2as $w/rib2008.dat --pfx2as $w/rib2009.dat@2009-04-01 --asnames $w/names.txt"
mmdb="$SHARED/prefixes/GeoLite2-ASN-Test.mmdb"
[ -f "$mmdb" ] && naming="$naming --mmdb $mmdb"

"$HS" ingest --quiet --db "$db" --sensor 192.0.2.10/32 "$dir"/honeypot-2009-0[1-6]* 2>/dev/null
# shellcheck disable=SC2086
"$HS" prefixes add --db "$db" $naming 2>"$w/add.err"
expect_eq store_naming_add_exit "$?" 0
"$HS" prefixes list --db "$db" >"$w/list.txt"
check store_naming_list_routing grep -q "^@pfx2as  *$w/rib2008.dat@2008-05-01 " "$w/list.txt"
check store_naming_list_dated grep -q "^@pfx2as  *$w/rib2009.dat@2009-04-01 " "$w/list.txt"
check store_naming_list_asnames grep -q "^@asnames  *$w/names.txt@2009-07-01 " "$w/list.txt"
if [ -f "$mmdb" ]; then
    check store_naming_list_mmdb grep -q "^@mmdb  *$mmdb@20[0-9][0-9]-" "$w/list.txt"
fi

# The stored files give the report the command line gives.
"$HS" report --quiet --db "$db" --group amazon=14618 --by asn --format json >"$w/stored.json" 2>/dev/null
expect_eq store_naming_report_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report --quiet --db "$db" --group amazon=14618 --by asn $naming --format json \
    >"$w/given.json" 2>/dev/null
check store_naming_same_report cmp -s "$w/stored.json" "$w/given.json"
expect_eq store_naming_snapshots "$(jq -c '[.routing_snapshots[] | [.date, .from, .to]]' "$w/stored.json")" \
    '[["2008-05-01","2009-01-01","2009-03-31"],["2009-04-01","2009-04-01","2009-06-30"]]'
expect_eq store_naming_asnames "$(jq -r .asnames "$w/stored.json")" "$w/names.txt"
expect_eq store_naming_no_temporary "$(find "$w/tmp" -type f | wc -l)" 0

# What the command line gives wins over the store.
"$HS" report --quiet --db "$db" --group amazon=14618 --pfx2as "$w/rib2009.dat" --format json \
    >"$w/override.json" 2>/dev/null
expect_eq store_naming_option_wins "$(jq -c '[.routing_snapshots[].source]' "$w/override.json")" \
    "[\"$w/rib2009.dat\"]"

# One routing table a day, one mmdb, one AS-name file.
"$HS" prefixes add --db "$db" --pfx2as "$w/rib2009.dat@2009-04-01" 2>"$w/dup.err"
expect_eq store_naming_same_day_refused "$?" 1
"$HS" prefixes add --db "$db" --asnames "$w/names.txt" 2>"$w/dup.err"
expect_eq store_naming_second_asnames_refused "$?" 1
check store_naming_says_remove grep -q "prefixes remove --db STORE @asnames" "$w/dup.err"
"$HS" prefixes add --db "$db" --pfx2as "$w/names.txt" 2>/dev/null
expect_eq store_naming_bad_table_refused "$?" 1
"$HS" prefixes list --db "$db" --pfx2as "$w/rib2008.dat" >/dev/null 2>&1
expect_eq store_naming_options_only_add "$?" 2

# Removed, the report needs the option again.
"$HS" prefixes remove --db "$db" @pfx2as 2>/dev/null
[ -f "$mmdb" ] && "$HS" prefixes remove --db "$db" @mmdb 2>/dev/null
"$HS" report --quiet --db "$db" --group amazon=14618 >/dev/null 2>&1
expect_eq store_naming_removed "$?" 2

# Options after the operands of add, as in the README.
"$HS" prefixes add --db "$db" aws "$HONEYSCOPE_ROOT/scenarios/aws-2009.txt" --pfx2as "$w/rib2008.dat" \
    2>/dev/null
expect_eq store_naming_options_after_operands \
    "$("$HS" prefixes list --db "$db" | grep -cE '^(aws|@pfx2as) ')" 2
