# A version 2 store (tests/data/store-v2, made by the honeyscope of that
# version from three real captures) upgrades in place to the current version,
# whichever that is, when `report --db` or `ingest` opens it: every field of
# the reports the old version made from it keeps its value in today's report,
# the views give the rows its tables held, and an ingest and a forget give the
# reports back. An upgrade that fails (an address honeyscope never wrote, in
# traffic or in evidence; a read-only file) leaves the file byte for byte as
# it was.
. "$(dirname "$0")/../lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { skip store_upgrade_v2 "no sqlite3 shell"; exit 0; }
data="$HONEYSCOPE_ROOT/tests/data/store-v2"
timeline="python3 $HONEYSCOPE_ROOT/tests/e2e/timeline_pcap.py"
w="$TEST_WORK/store-upgrade-v2"
days="2010-07-04 2018-03-09 2020-07-05"
rm -rf "$w"
mkdir -p "$w"
gzip -dc "$data/v2.db.gz" >"$w/v2.db"
for d in $days; do
    gzip -dc "$data/report-$d.json.gz" >"$w/want-$d.json"
done
expect_eq upgrade_v2_fixture_version "$(sqlite3 "$w/v2.db" 'PRAGMA user_version')" 2

# The version to upgrade to: the one today's honeyscope gives a store it makes.
$timeline "$w/fresh.pcap" 2019-05-01:2:1
"$HS" ingest -q --db "$w/fresh.db" --sensor 192.0.2.10/32 "$w/fresh.pcap" 2>"$w/err"
current=$(sqlite3 "$w/fresh.db" 'PRAGMA user_version')
check upgrade_v2_current_is_later test "$current" -gt 2

# The numbers the fixture's README states, so that the comparisons below compare something.
totals='.groups[0].totals | [.packets_in, .packets_out, .bytes_in, .bytes_out, .flows, .sources]'
expect_eq upgrade_v2_fixture_totals "$(for d in $days; do jq -c "$totals" "$w/want-$d.json"; done |
    tr '\n' ' ')" "[1994,17,87736,728,1994,1] [588,1200,126687,95538,311,19] [5,4,3122,501,1,1] "

# changed OLD NEW: the fields of OLD (a report of version 2), top level and per
# group, whose value is not the same in NEW. Today's report has fields the old
# one lacks (summary, warnings, scanners, attacks, ...); those are not compared.
# Objects compare key by key, arrays element by element and by length, so a
# field missing from NEW, an extra or missing element, or any other number
# counts as changed. Compared: sensor, sensor_detection, inputs, options,
# routing, routing_snapshots, mmdb, asnames, version, and per group name, kind,
# source, prefix_count, snapshots, totals, series, out, out_replies,
# out_unknown, in_replies, in_unsolicited, in_unknown, ports_in, sources,
# prefixes, asns_distinct, asns_top, evidence, bursts, churn, sensor_state.
changed() {
    jq -n -r --slurpfile old "$1" --slurpfile new "$2" '
        def like($a):
            if ($a | type) == "object" and type == "object" then
                . as $b | reduce ($a | keys_unsorted[]) as $k ({};
                    .[$k] = (if $b | has($k) then $b[$k] | like($a[$k]) else "(absent)" end))
            elif ($a | type) == "array" and type == "array" then
                . as $b | [range(0; length) as $i | $b[$i] | like($a[$i])]
            else . end;
        def differs($o; $n): $o | keys_unsorted[] as $k
            | select(($n | has($k)) == false or ($n[$k] | like($o[$k])) != $o[$k]) | $k;
        $old[0] as $o | $new[0] as $n
        | [differs($o | del(.groups); $n)]
          + [range(0; $o.groups | length) as $g
            | differs($o.groups[$g]; $n.groups[$g] // {}) | "groups[\($g)].\(.)"]
        | if length == 0 then "none" else join(" ") end'
}

# reports DB TAG: today's reports of the fixture's three days, each compared with the old one.
reports() {
    for d in $days; do
        "$HS" report --db "$1" --group any --from "$d" --to "$d" --bin hour --format json \
            >"$w/$2-$d.json" 2>>"$w/$2.err"
        expect_eq "upgrade_v2_${2}_report_${d}_exit" "$?" 0
        expect_eq "upgrade_v2_${2}_report_${d}_fields_as_before" \
            "$(changed "$w/want-$d.json" "$w/$2-$d.json")" none
    done
}

# Opened for reading: upgraded through a second connection, then read.
cp "$w/v2.db" "$w/read.db"
inode=$(stat -c %i "$w/read.db")
reports "$w/read.db" read
expect_eq upgrade_v2_read_in_place "$(stat -c %i "$w/read.db")" "$inode"
expect_eq upgrade_v2_read_version "$(sqlite3 "$w/read.db" 'PRAGMA user_version')" "$current"
check upgrade_v2_read_integrity sh -c "sqlite3 '$w/read.db' 'PRAGMA integrity_check' | grep -qx ok"
# The views hold the rows of version 2's tables, row by row and in count and sums.
python3 "$HONEYSCOPE_ROOT/tests/e2e/store_views.py" "$w/v2.db" "$w/read.db" "$HS" >"$w/views" 2>&1
expect_eq upgrade_v2_views_equal_old_rows "$(tr '\n' ' ' <"$w/views")" "traffic 1292 evidence 52 "
sums="SELECT count(*), count(DISTINCT sensor), count(DISTINCT remote), sum(packets_in),
    sum(packets_out), sum(bytes_in), sum(bytes_out), sum(flows), sum(last_s - first_s) FROM traffic;
    SELECT count(*), count(DISTINCT remote), sum(count), sum(length(CAST(value AS BLOB))) FROM evidence;
    SELECT count(*), sum(packets) FROM capture_file; SELECT group_concat(prefix, ' ') FROM
    (SELECT prefix FROM sensor ORDER BY prefix)"
expect_eq upgrade_v2_old_sums "$(sqlite3 "$w/v2.db" "$sums" | tr '\n' ' ')" \
    "1292|3|286|2587|1221|217545|96767|2306|5615 52|3|109|1806 3|4020 \
192.0.2.10/32 192.168.2.16/32 2001:4998:ef83:14:8000::100d/128 64.13.134.52/32 "
expect_eq upgrade_v2_view_sums "$("$HS" sql --db "$w/read.db" "$sums" | tr '\n' ' ')" \
    "$(sqlite3 "$w/v2.db" "$sums" | tr '\n' ' ')"

# Opened for writing: an ingest upgrades it and adds a capture of one of the
# reported days, whose forget gives the reports back.
$timeline "$w/extra.pcap" 2018-03-09:7:3
cp "$w/v2.db" "$w/write.db"
"$HS" ingest -q --db "$w/write.db" "$w/extra.pcap" 2>"$w/err"
expect_eq upgrade_v2_ingest_exit "$?" 0
expect_eq upgrade_v2_write_version "$(sqlite3 "$w/write.db" 'PRAGMA user_version')" "$current"
check upgrade_v2_write_integrity sh -c "sqlite3 '$w/write.db' 'PRAGMA integrity_check' | grep -qx ok"
# 7 packets in and 3 out of 60 bytes each, from 198.51.100.7 to the sensor 192.0.2.10.
"$HS" report --db "$w/write.db" --group any --from 2018-03-09 --to 2018-03-09 --bin hour \
    --format json >"$w/with-extra.json" 2>"$w/err"
expect_eq upgrade_v2_ingest_adds "$(jq -c "$totals" "$w/with-extra.json")" \
    "[595,1203,127107,95718,312,20]"
"$HS" forget --db "$w/write.db" "$w/extra.pcap" 2>"$w/err"
expect_eq upgrade_v2_forget_exit "$?" 0
reports "$w/write.db" write
for d in $days; do
    check "upgrade_v2_forget_${d}_as_read" cmp "$w/read-$d.json" "$w/write-$d.json"
done

# refused CASE DB: report and ingest fail, name the store, and leave it byte for byte.
refused() {
    cp "$2" "$w/$1.before"
    "$HS" report --db "$2" --format json >/dev/null 2>"$w/err"
    expect_eq "upgrade_v2_${1}_report_exit" "$?" 1
    check "upgrade_v2_${1}_report_names_store" grep -qF "'$2'" "$w/err"
    "$HS" ingest -q --db "$2" "$w/extra.pcap" 2>"$w/err"
    expect_eq "upgrade_v2_${1}_ingest_exit" "$?" 1
    check "upgrade_v2_${1}_ingest_names_store" grep -qF "'$2'" "$w/err"
    check "upgrade_v2_${1}_untouched" cmp "$w/$1.before" "$2"
    expect_eq "upgrade_v2_${1}_no_journal" "$(ls "$2"-* 2>/dev/null | wc -l)" 0
}

# A remote that is no address, in the last of the traffic rows.
cp "$w/v2.db" "$w/bad-traffic.db"
sqlite3 "$w/bad-traffic.db" "UPDATE traffic SET remote = '192.168.2.999' WHERE
    (file_id, bin, sensor, remote, proto, initiator, service) IN (SELECT file_id, bin, sensor,
    remote, proto, initiator, service FROM traffic ORDER BY file_id DESC, bin DESC, remote DESC
    LIMIT 1)"
refused bad_traffic "$w/bad-traffic.db"
check upgrade_v2_bad_traffic_says_why grep -q "a stored address is not one honeyscope writes" \
    "$w/err"
# An evidence remote that is no address: the traffic is converted when the evidence fails.
cp "$w/v2.db" "$w/bad-evidence.db"
sqlite3 "$w/bad-evidence.db" "UPDATE evidence SET remote = 'x' WHERE
    (file_id, bin, remote, kind, value) IN (SELECT file_id, bin, remote, kind, value
    FROM evidence ORDER BY file_id DESC, bin DESC, remote DESC LIMIT 1)"
refused bad_evidence "$w/bad-evidence.db"
expect_eq upgrade_v2_bad_evidence_version "$(sqlite3 "$w/bad-evidence.db" 'PRAGMA user_version')" 2

# A read-only store cannot be upgraded (for root, a read-only mount).
mkdir -p "$w/ro"
cp "$w/v2.db" "$w/ro/ro.db"
read_only "$w/ro" "$HS" report --db "$w/ro/ro.db" --format json >/dev/null 2>"$w/err"
status=$?
if [ "$status" -eq 125 ]; then
    skip upgrade_v2_read_only "root cannot mount read-only here (no CAP_SYS_ADMIN)"
else
    expect_eq upgrade_v2_read_only_exit "$status" 1
    check upgrade_v2_read_only_says_why grep -q "cannot be upgraded: it is not writable" "$w/err"
    check upgrade_v2_read_only_untouched cmp "$w/v2.db" "$w/ro/ro.db"
fi
