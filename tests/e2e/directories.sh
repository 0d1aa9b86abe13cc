# Directories as inputs: a tree walked recursively gives the report of its
# captures named one by one; junk files are named once as skipped; links and
# loops are survived; --from/--to leave captures outside the period unread
# without changing the period's numbers; thousands of files in bounded memory.
. "$(dirname "$0")/../lib.sh"
seed=$(scenario seed 1) || { fail directories_scenario "generator failed"; exit 0; }
w="$TEST_WORK/directories"
rm -rf "$w"
mkdir -p "$w/tree/2008" "$w/tree/2009/q1" "$w/tree/notes"
cp "$seed"/honeypot-2008-* "$w/tree/2008/"
cp "$seed"/honeypot-2009-0[123].pcap "$w/tree/2009/q1/"
cp "$seed"/honeypot-2009-0[4-9].pcap "$seed"/honeypot-2009-1*.pcap "$w/tree/2009/"
echo "rotated hourly by tcpdump -G" >"$w/tree/README.txt"
: >"$w/tree/2009/empty.pcap"
echo "not a capture" >"$w/tree/notes/todo.pcap"
ln -s .. "$w/tree/2009/up"                                 # a loop back to the root
ln -s ../2009/q1/honeypot-2009-02.pcap "$w/tree/notes/feb" # a second name of a capture
list=$(find "$w/tree" -name 'honeypot-*' -type f | sort)
R="--sensor 192.0.2.10/32 --format json"

# shellcheck disable=SC2086
"$HS" report $R -q $list >"$w/files.json" 2>"$w/files.err"
# shellcheck disable=SC2086
"$HS" report $R "$w/tree" >"$w/tree.json" 2>"$w/tree.err"
expect_eq dir_report_exit "$?" 0
check dir_report_equals_files cmp "$w/files.json" "$w/tree.json"
expect_eq dir_report_files "$(jq ".inputs.files | length" "$w/tree.json")" 23
expect_eq dir_skipped_lines "$(grep -c '^honeyscope: skipped: ' "$w/tree.err")" 3
expect_eq dir_skipped_readme "$(grep -c "^honeyscope: skipped: '$w/tree/README.txt': not a capture file" "$w/tree.err")" 1
expect_eq dir_skipped_empty "$(grep -c "^honeyscope: skipped: '$w/tree/2009/empty.pcap': empty file, not a capture" "$w/tree.err")" 1
expect_eq dir_skipped_by_content "$(grep -c "'$w/tree/notes/todo.pcap': not a capture file" "$w/tree.err")" 1
"$HS" report $R -q "$w/tree" >/dev/null 2>"$w/quiet.err"
expect_eq dir_quiet_stderr_empty "$(wc -c <"$w/quiet.err")" 0

# Broken links are unreadable: named, the rest reported, exit 1.
ln -s nowhere "$w/tree/dangling.pcap"
ln -s self "$w/tree/notes/self"
# shellcheck disable=SC2086
"$HS" report $R -q "$w/tree" >"$w/broken.json" 2>"$w/broken.err"
expect_eq dir_broken_exit "$?" 1
expect_eq dir_broken_lines "$(grep -c '^honeyscope: skipped: cannot read ' "$w/broken.err")" 2
check dir_broken_same_report cmp "$w/files.json" "$w/broken.json"
rm "$w/tree/dangling.pcap" "$w/tree/notes/self"

if [ "$(id -u)" != 0 ]; then
    mkdir "$w/tree/locked" && chmod 000 "$w/tree/locked"
    "$HS" report $R -q "$w/tree" >/dev/null 2>"$w/locked.err"
    expect_eq dir_unreadable_exit "$?" 1
    expect_eq dir_unreadable_named "$(grep -c "cannot read directory '$w/tree/locked'" "$w/locked.err")" 1
    chmod 700 "$w/tree/locked" && rmdir "$w/tree/locked"
else
    skip dir_unreadable "running as root reads every directory"
fi

# ingest takes the directory too; the store reports as the files do.
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10/32 "$w/tree"
expect_eq dir_ingest_exit "$?" 0
expect_eq dir_ingest_files "$(sqlite3 "$w/s.db" 'SELECT count(*) FROM capture_file')" 23
"$HS" report --format json -q --db "$w/s.db" >"$w/store.json"
# shellcheck disable=SC2086
"$HS" report --format json -q --sensor 192.0.2.10/32 $list >"$w/files-nosensor.json"
check dir_ingest_report_equal sh -c "jq -S 'del(.sensor_detection)' '$w/store.json' >'$w/a' &&
    jq -S 'del(.sensor_detection)' '$w/files-nosensor.json' >'$w/b' && cmp '$w/a' '$w/b'"

# --from/--to: as a sensor leaves them, each file modified just after its last packet.
sqlite3 "$w/s.db" "SELECT path, last_ns / 1000000000 + 1 FROM capture_file" | while IFS='|' read -r p t; do
    touch -d "@$t" "$p"
done
P="--from 2009-03-01 --to 2009-05-31"
# shellcheck disable=SC2086
"$HS" report $R $P "$w/tree" >"$w/period.json" 2>"$w/period.err"
expect_eq period_exit "$?" 0
expect_eq period_outside_said "$(grep -c '^honeyscope: 20 captures outside the period not read$' "$w/period.err")" 1
expect_eq period_files_read "$(jq ".inputs.files | length" "$w/period.json")" 3
# shellcheck disable=SC2086
"$HS" report $R -q $P $list >"$w/period-all.json"
check period_groups_unchanged sh -c "jq -S .groups '$w/period.json' >'$w/a' &&
    jq -S .groups '$w/period-all.json' >'$w/b' && cmp '$w/a' '$w/b'"
# The compared period is read too: the files from its start to the end of the period.
# shellcheck disable=SC2086
"$HS" report $R -q $P --compare 2008-03-01..2008-03-31 "$w/tree" >"$w/cmp.json"
expect_eq period_compare_files "$(jq ".inputs.files | length" "$w/cmp.json")" 15
# A file modified before its own first packet is not judged by its mtime.
touch -d "@1000000000" "$w/tree/2008/honeypot-2008-02.pcap.gz"
# shellcheck disable=SC2086
"$HS" report $R -q $P "$w/tree" >"$w/odd.json"
expect_eq period_mtime_before_first_kept "$(jq ".inputs.files | length" "$w/odd.json")" 4

# Thousands of files: all read, exact counts, bounded memory.
python3 "$HONEYSCOPE_ROOT/tests/e2e/pcap_tree.py" "$w/many" 3000 4 1233446400 60
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$w/many.rss" "$HS" report -q --sensor 192.0.2.10/32 --format json \
        --threads 2 "$w/many" >"$w/many.json"
    expect_eq many_exit "$?" 0
    rss=$(cat "$w/many.rss")
    # AddressSanitizer holds freed memory in its quarantine (256 MiB by
    # default): under it the peak is the sanitizer's, not the program's.
    case "$BUILD" in
    */asan) skip many_memory_under_200M "memory under AddressSanitizer is not the program's" ;;
    *) check many_memory_under_200M test "$rss" -lt 204800 ;;
    esac
else
    "$HS" report -q --sensor 192.0.2.10/32 --format json --threads 2 "$w/many" >"$w/many.json"
    expect_eq many_exit "$?" 0
fi
expect_eq many_files "$(jq ".inputs.files | length" "$w/many.json")" 3000
expect_eq many_packets "$(jq .inputs.packets "$w/many.json")" 12000
