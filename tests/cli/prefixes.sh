# Named prefix sets in a store: a report with a stored set equals one with the
# file; sets can be listed and removed; bad specs are refused; an older store
# is upgraded in place.
. "$(dirname "$0")/../lib.sh"
seed=$(scenario seed 1) || { fail prefixes_scenario "generator failed"; exit 0; }
w="$TEST_WORK/prefixes"
rm -rf "$w"
mkdir -p "$w"
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10/32 "$seed"/honeypot-2009-0*
cp "$aws" "$w/aws.txt"
"$HS" prefixes add --db "$w/s.db" aws "$w/aws.txt" 2>/dev/null
expect_eq prefixes_add_exit "$?" 0
"$HS" prefixes add --db "$w/s.db" amazon AS14618,AS16509 2>/dev/null
expect_eq prefixes_add_asns_exit "$?" 0
"$HS" prefixes add --db "$w/s.db" broken "$w/missing.txt" 2>/dev/null
expect_eq prefixes_add_missing_file "$?" 1
printf '10.0.0.1/8 bad\n' >"$w/bad.txt"
"$HS" prefixes add --db "$w/s.db" bad "$w/bad.txt" 2>"$w/err"
expect_eq prefixes_add_bad_list "$?" 1
check prefixes_bad_list_line grep -q "bad.txt:1:" "$w/err"
expect_eq prefixes_list "$("$HS" prefixes list --db "$w/s.db" | awk '{print $1}' | tr '\n' ' ')" "amazon aws "

# The stored set answers without its file, exactly as the file did.
"$HS" report --quiet --db "$w/s.db" --group aws="$w/aws.txt" --format json >"$w/file.json"
rm "$w/aws.txt"
"$HS" report --quiet --db "$w/s.db" --group aws --format json >"$w/stored.json"
expect_eq prefixes_report_exit "$?" 0
expect_eq prefixes_stored_equals_file "$(jq -c '.groups[0] | del(.source)' "$w/stored.json" | cksum)" \
    "$(jq -c '.groups[0] | del(.source)' "$w/file.json" | cksum)"
"$HS" report --quiet --db "$w/s.db" --group nosuch >/dev/null 2>&1
expect_eq prefixes_unknown_set "$?" 1
"$HS" report --quiet --group aws "$seed"/honeypot-2009-01.pcap >/dev/null 2>&1
expect_eq prefixes_stored_needs_db "$?" 2
"$HS" prefixes remove --db "$w/s.db" aws 2>/dev/null
expect_eq prefixes_remove_exit "$?" 0
expect_eq prefixes_after_remove "$("$HS" prefixes list --db "$w/s.db" | awk '{print $1}')" "amazon"

# A store of version 1 (without named sets) is upgraded when opened, to the
# version of the store this test made (not a number written here).
current=$(sqlite3 "$w/s.db" 'PRAGMA user_version')
cp "$w/s.db" "$w/old.db"
sqlite3 "$w/old.db" 'DROP TABLE prefix_spec; PRAGMA user_version = 1;'
"$HS" report --quiet --db "$w/old.db" --format json >/dev/null
expect_eq old_store_report_exit "$?" 0
expect_eq old_store_upgraded "$(sqlite3 "$w/old.db" 'PRAGMA user_version')" "$current"
check old_store_has_sets sqlite3 "$w/old.db" 'SELECT count(*) FROM prefix_spec'

# A store of version 3 (flow-log counts, no live capture tables) is upgraded
# when opened, for reading (a report, the same as before) and for writing.
"$HS" report --quiet --db "$w/s.db" --format json >"$w/v4.json" 2>/dev/null
for mode in read write; do
    cp "$w/s.db" "$w/v3-$mode.db"
    sqlite3 "$w/v3-$mode.db" 'DROP TABLE live_commit; DROP TABLE live_capture; PRAGMA user_version = 3;'
    if [ "$mode" = read ]; then
        "$HS" report --quiet --db "$w/v3-$mode.db" --format json >"$w/v3.json" 2>/dev/null
        expect_eq v3_store_report_same "$(jq -c 'del(.input.db)' "$w/v3.json" | cksum)" \
            "$(jq -c 'del(.input.db)' "$w/v4.json" | cksum)"
    else
        "$HS" prefixes remove --db "$w/v3-$mode.db" amazon 2>/dev/null
        expect_eq v3_store_write_exit "$?" 0
    fi
    expect_eq "v3_store_upgraded_$mode" "$(sqlite3 "$w/v3-$mode.db" 'PRAGMA user_version')" "$current"
    expect_eq "v3_store_live_tables_$mode" "$(sqlite3 "$w/v3-$mode.db" \
        "SELECT count(*) FROM sqlite_schema WHERE name IN ('live_capture', 'live_commit')")" 2
done
