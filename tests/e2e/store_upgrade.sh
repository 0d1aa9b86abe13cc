# A version 6 store (tests/data/store-v6, made by the honeyscope of that
# version) upgrades in place to today's version (version 7 brought compact
# rows): `report --db` gives byte for byte the reports the old version made from it, the views give the
# rows it held, and an ingest and a forget work on it. An upgrade that fails
# (an address honeyscope never wrote, in traffic or in evidence; a read-only
# file) leaves the file byte for byte as it was.
. "$(dirname "$0")/../lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { skip store_upgrade "no sqlite3 shell"; exit 0; }
data="$HONEYSCOPE_ROOT/tests/data/store-v6"
w="$TEST_WORK/store-upgrade"
rm -rf "$w"
mkdir -p "$w"
gzip -dc "$data/v6.db.gz" >"$w/v6.db"
gzip -dc "$data/report-2009-05.json.gz" >"$w/want-2009-05.json"
gzip -dc "$data/report-2024-03-12.json.gz" >"$w/want-2024-03-12.json"
expect_eq upgrade_fixture_version "$(sqlite3 "$w/v6.db" 'PRAGMA user_version')" 6

# The version to upgrade to: the one today's honeyscope gives a store it makes.
python3 "$HONEYSCOPE_ROOT/tests/e2e/timeline_pcap.py" "$w/fresh.pcap" 2019-05-01:2:1
"$HS" ingest -q --db "$w/fresh.db" --sensor 192.0.2.10/32 "$w/fresh.pcap" 2>"$w/err"
current=$(sqlite3 "$w/fresh.db" 'PRAGMA user_version')
check upgrade_current_is_later test "$current" -gt 6

# reports DB TAG: the two reports of the fixture's README, compared with the
# old version's byte for byte once the fields added since (inputs.evidence,
# its four lines) are taken out again.
since() {
    python3 -c 'import re, sys
text = open(sys.argv[1]).read()
out = re.sub(r"\n  \"evidence\": \{\n   \"skipped\": \d+,\n   \"dropped\": \d+\n  \},", "", text, count=1)
sys.stdout.write(out)' "$1"
}
reports() {
    "$HS" report --db "$1" --group any --from 2009-05-01 --to 2009-06-01 --format json \
        >"$w/$2-2009-05.full.json" 2>"$w/$2.err"
    expect_eq "upgrade_${2}_report_exit" "$?" 0
    since "$w/$2-2009-05.full.json" >"$w/$2-2009-05.json"
    check "upgrade_${2}_report_2009_05_as_before" cmp "$w/want-2009-05.json" "$w/$2-2009-05.json"
    "$HS" report --db "$1" --group any --from 2024-03-12 --to 2024-03-13 --format json \
        >"$w/$2-2024-03-12.full.json" 2>>"$w/$2.err"
    since "$w/$2-2024-03-12.full.json" >"$w/$2-2024-03-12.json"
    check "upgrade_${2}_report_2024_03_12_as_before" cmp "$w/want-2024-03-12.json" \
        "$w/$2-2024-03-12.json"
}

# Opened for reading: upgraded through a second connection, then read.
cp "$w/v6.db" "$w/read.db"
reports "$w/read.db" read
expect_eq upgrade_read_version "$(sqlite3 "$w/read.db" 'PRAGMA user_version')" "$current"
check upgrade_read_integrity sh -c "sqlite3 '$w/read.db' 'PRAGMA integrity_check' | grep -qx ok"
# Version 8's evidence counts: 0 for the files of before, which did not count them.
expect_eq upgrade_evidence_counts_zero \
    "$(sqlite3 "$w/read.db" 'SELECT count(*), sum(evidence_skipped), sum(evidence_dropped) FROM capture_file')" \
    "$(sqlite3 "$w/v6.db" 'SELECT count(*) FROM capture_file')|0|0"
python3 "$HONEYSCOPE_ROOT/tests/e2e/store_views.py" "$w/v6.db" "$w/read.db" "$HS" >"$w/views" 2>&1
expect_eq upgrade_views_equal_old_rows "$(tr '\n' ' ' <"$w/views")" "traffic 1401 evidence 1012 "
expect_eq upgrade_compact_tables \
    "$(sqlite3 "$w/read.db" "SELECT (SELECT count(*) FROM traffic_row), (SELECT count(*) FROM sensor_address),
       (SELECT count(*) FROM evidence_row), (SELECT count(*) FROM traffic_row WHERE length(remote) = 16),
       (SELECT count(*) FROM sqlite_schema WHERE name IN ('traffic', 'evidence') AND type = 'view'),
       (SELECT count(*) FROM traffic_pack), (SELECT count(*) FROM evidence_pack)")" \
    "1401|244|1012|3|0|0|0"

# Opened for writing: an ingest upgrades it and adds a file, whose forget gives the reports back.
seed=$(scenario seed 1) || { fail upgrade_scenario "generator failed"; exit 0; }
cp "$seed/honeypot-2009-06.pcap" "$w/june.pcap"
cp "$w/v6.db" "$w/write.db"
"$HS" ingest -q --db "$w/write.db" "$w/june.pcap" 2>"$w/err"
expect_eq upgrade_ingest_exit "$?" 0
expect_eq upgrade_write_version "$(sqlite3 "$w/write.db" 'PRAGMA user_version')" "$current"
# The file's rows, through the view, equal the one-shot report's packets in.
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --format json "$w/june.pcap" >"$w/june.json"
expect_eq upgrade_ingest_stored "$("$HS" sql --db "$w/write.db" "SELECT sum(t.packets_in) FROM traffic t
    JOIN capture_file f ON f.id = t.file_id WHERE f.path LIKE '%/june.pcap'")" \
    "$(jq .summary.everything.packets_in "$w/june.json")"
# Its evidence goes in packs, beside the loose rows of before, and the view reads both.
expect_eq upgrade_ingest_evidence_packed \
    "$("$HS" sql --db "$w/write.db" "SELECT (SELECT count(*) > 0 FROM evidence_pack),
       (SELECT count(*) FROM evidence_row), (SELECT count(*) > 1012 FROM evidence)")" "1|1012|1"
"$HS" forget --db "$w/write.db" "$w/june.pcap" 2>"$w/err"
expect_eq upgrade_forget_exit "$?" 0
expect_eq upgrade_forget_evidence_packs "$(sqlite3 "$w/write.db" "SELECT count(*) FROM evidence_pack")" 0
reports "$w/write.db" write

# refused CASE DB: report and ingest fail, name the store, and leave it byte for byte.
refused() {
    sum=$(cksum <"$2")
    "$HS" report --db "$2" --format json >/dev/null 2>"$w/err"
    expect_eq "upgrade_${1}_report_exit" "$?" 1
    check "upgrade_${1}_report_names_store" grep -qF "'$2'" "$w/err"
    "$HS" ingest -q --db "$2" "$w/june.pcap" 2>"$w/err"
    expect_eq "upgrade_${1}_ingest_exit" "$?" 1
    check "upgrade_${1}_ingest_names_store" grep -qF "'$2'" "$w/err"
    expect_eq "upgrade_${1}_untouched" "$(cksum <"$2")" "$sum"
    expect_eq "upgrade_${1}_no_journal" "$(ls "$2"-* 2>/dev/null | wc -l)" 0
}

# A remote that is no address: the traffic step fails, the first of the upgrade.
cp "$w/v6.db" "$w/bad-traffic.db"
sqlite3 "$w/bad-traffic.db" "UPDATE traffic SET remote = '198.51.100.999' WHERE
    (file_id, bin, sensor, remote, proto, initiator, service) IN (SELECT file_id, bin, sensor,
    remote, proto, initiator, service FROM traffic ORDER BY file_id, bin, remote LIMIT 1)"
refused bad_traffic "$w/bad-traffic.db"
check upgrade_bad_traffic_says_why grep -q "a stored address is not one honeyscope writes" "$w/err"
# An evidence remote that is no address: the traffic is converted when the evidence fails.
cp "$w/v6.db" "$w/bad-evidence.db"
sqlite3 "$w/bad-evidence.db" "UPDATE evidence SET remote = 'x' WHERE
    (file_id, bin, remote, kind, value) IN (SELECT file_id, bin, remote, kind, value
    FROM evidence ORDER BY file_id, bin, remote LIMIT 1)"
refused bad_evidence "$w/bad-evidence.db"
expect_eq upgrade_bad_evidence_version "$(sqlite3 "$w/bad-evidence.db" 'PRAGMA user_version')" 6

# A read-only store cannot be upgraded (for root, a read-only mount).
mkdir -p "$w/ro"
cp "$w/v6.db" "$w/ro/ro.db"
sum=$(cksum <"$w/ro/ro.db")
read_only "$w/ro" "$HS" report --db "$w/ro/ro.db" --format json >/dev/null 2>"$w/err"
status=$?
if [ "$status" -eq 125 ]; then
    skip upgrade_read_only "root cannot mount read-only here (no CAP_SYS_ADMIN)"
else
    expect_eq upgrade_read_only_exit "$status" 1
    check upgrade_read_only_says_why grep -q "cannot be upgraded: it is not writable" "$w/err"
    expect_eq upgrade_read_only_untouched "$(cksum <"$w/ro/ro.db")" "$sum"
fi
