# The store: reports from it equal one-shot reports byte for byte; ingest is
# incremental and idempotent; threads, merge and forget keep the numbers; bad
# stores are refused untouched; kill -9 and SIGINT lose nothing committed.
. "$(dirname "$0")/../lib.sh"
seed=$(scenario seed 1) || { fail store_scenario "generator failed"; exit 0; }
w="$TEST_WORK/store"
rm -rf "$w"
mkdir -p "$w"
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
R="--quiet --group aws=$aws --group any --from 2008-02-01 --to 2009-12-11 --format json"
# shellcheck disable=SC2086
"$HS" report $R --sensor 192.0.2.10/32 "$seed"/honeypot-* >"$w/one-shot.json"

"$HS" ingest --db "$w/a.db" --sensor 192.0.2.10/32 --threads 2 "$seed"/honeypot-* 2>"$w/err"
expect_eq ingest_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report $R --db "$w/a.db" >"$w/a.json"
check report_from_store_identical cmp "$w/one-shot.json" "$w/a.json"
check store_integrity sh -c "sqlite3 '$w/a.db' 'PRAGMA integrity_check' | grep -qx ok"

# Again: nothing to do, said on stderr, nothing changed.
"$HS" ingest --db "$w/a.db" --sensor 192.0.2.10/32 "$seed"/honeypot-* 2>"$w/err"
expect_eq reingest_exit "$?" 0
check reingest_says_stored grep -q "already stored" "$w/err"
expect_eq reingest_file_count "$(sqlite3 "$w/a.db" 'SELECT count(*) FROM capture_file')" 23

# One thread gives the same store content as two.
"$HS" ingest -q --db "$w/t1.db" --sensor 192.0.2.10/32 --threads 1 "$seed"/honeypot-*
# shellcheck disable=SC2086
"$HS" report $R --db "$w/t1.db" >"$w/t1.json"
check threads_1_equals_2 cmp "$w/a.json" "$w/t1.json"
# shellcheck disable=SC2086
"$HS" report $R --threads 1 --sensor 192.0.2.10/32 "$seed"/honeypot-* >"$w/one-t1.json"
check report_threads_1_equals_default cmp "$w/one-shot.json" "$w/one-t1.json"

# A changed file replaces its contribution; a copy under another name is skipped.
cp "$seed"/honeypot-2009-03.pcap "$w/copy.pcap"
"$HS" ingest --db "$w/a.db" "$w/copy.pcap" 2>"$w/err"
check duplicate_recognised grep -q "same content as" "$w/err"
touch "$seed"/honeypot-2009-03.pcap
"$HS" ingest --db "$w/a.db" "$seed"/honeypot-2009-03.pcap 2>"$w/err"
check changed_file_replaced grep -q "replacing it" "$w/err"
# shellcheck disable=SC2086
"$HS" report $R --db "$w/a.db" >"$w/a2.json"
check replaced_report_identical cmp "$w/one-shot.json" "$w/a2.json"

# forget removes exactly one file's packets.
before=$(jq .inputs.packets "$w/a.json")
month=$(sqlite3 "$w/a.db" "SELECT packets FROM capture_file WHERE path LIKE '%honeypot-2009-05.pcap'")
"$HS" forget --db "$w/a.db" "$seed"/honeypot-2009-05.pcap 2>/dev/null
expect_eq forget_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report $R --db "$w/a.db" >"$w/a3.json"
expect_eq forget_packets "$(jq .inputs.packets "$w/a3.json")" "$((before - month))"
expect_eq forget_rows_gone "$("$HS" sql --db "$w/a.db" "SELECT count(*) FROM traffic t JOIN capture_file f ON f.id = t.file_id WHERE f.path LIKE '%2009-05%'")" 0
"$HS" forget --db "$w/a.db" "$w/never-ingested.pcap" 2>/dev/null
expect_eq forget_unknown_exit "$?" 1

# merge: two halves ingested apart, merged, equal the whole; merging again adds nothing.
"$HS" ingest -q --db "$w/h1.db" --sensor 192.0.2.10/32 "$seed"/honeypot-2008-*
"$HS" ingest -q --db "$w/h2.db" --sensor 192.0.2.10/32 "$seed"/honeypot-2009-*
"$HS" merge "$w/m.db" "$w/h1.db" "$w/h2.db" 2>"$w/err"
expect_eq merge_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report $R --db "$w/m.db" >"$w/m.json"
check merged_report_identical cmp "$w/one-shot.json" "$w/m.json"
"$HS" merge "$w/m.db" "$w/h1.db" 2>"$w/err"
check merge_again_duplicates grep -q "0 files added, 11 duplicates" "$w/err"
"$HS" ingest -q --db "$w/other-sensor.db" --sensor 192.0.2.99/32 "$seed"/honeypot-2008-02.pcap.gz
"$HS" merge "$w/m.db" "$w/other-sensor.db" 2>"$w/err"
expect_eq merge_other_sensor_refused "$?" 1

# Stores that are not ours, or newer, are refused and left untouched.
sqlite3 "$w/foreign.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
sum=$(cksum <"$w/foreign.db")
"$HS" ingest --db "$w/foreign.db" "$seed"/honeypot-2009-01.pcap 2>"$w/err"
expect_eq foreign_store_exit "$?" 1
check foreign_store_named grep -q "not a honeyscope store" "$w/err"
expect_eq foreign_store_untouched "$(cksum <"$w/foreign.db")" "$sum"
cp "$w/h1.db" "$w/newer.db"
sqlite3 "$w/newer.db" 'PRAGMA user_version = 99'
sum=$(cksum <"$w/newer.db")
"$HS" ingest --db "$w/newer.db" "$seed"/honeypot-2009-01.pcap 2>"$w/err"
expect_eq newer_store_exit "$?" 1
check newer_store_named grep -q "newer honeyscope" "$w/err"
expect_eq newer_store_untouched "$(cksum <"$w/newer.db")" "$sum"
printf 'not a database at all, just text\n' >"$w/text.db"
"$HS" report --db "$w/text.db" >/dev/null 2>"$w/err"
expect_eq text_store_exit "$?" 1
"$HS" ingest --db "$w/other-sensor.db" --sensor 192.0.2.10/32 "$seed"/honeypot-2009-01.pcap 2>"$w/err"
expect_eq other_sensor_ingest_refused "$?" 1
# A read-only store: ingest refuses it, the file as it was (for root, a read-only mount).
mkdir -p "$w/ro"
cp "$w/h1.db" "$w/ro/ro.db"
sum=$(cksum <"$w/ro/ro.db")
read_only "$w/ro" "$HS" ingest --db "$w/ro/ro.db" "$seed"/honeypot-2009-01.pcap 2>"$w/err"
status=$?
if [ "$status" -eq 125 ]; then
    skip readonly_store "root cannot mount read-only here (no CAP_SYS_ADMIN)"
else
    expect_eq readonly_store_exit "$status" 1
    expect_eq readonly_store_untouched "$(cksum <"$w/ro/ro.db")" "$sum"
fi

# A store on read-only media (an archive) is read as it is, WAL and all: the
# same report as from a writable copy; a version 7 store too, without the
# upgrade it cannot have (version 8 only added two counts), and merged from.
if [ "$(id -u)" -ne 0 ]; then
    skip readonly_media "needs root for a read-only mount"
else
    "$HS" report --db "$w/h1.db" --group any --format json >"$w/rw.json" 2>/dev/null
    read_only "$w/ro" "$HS" report --db "$w/ro/ro.db" --group any --format json \
        >"$w/ro.json" 2>"$w/err"
    status=$?
    if [ "$status" -eq 125 ]; then
        skip readonly_media "root cannot mount read-only here (no CAP_SYS_ADMIN)"
    else
        expect_eq readonly_media_report_exit "$status" 0
        check readonly_media_report_same cmp "$w/rw.json" "$w/ro.json"
        mkdir -p "$w/ro7"
        cp "$w/h1.db" "$w/ro7/v7.db"
        # Version 7 kept every traffic row loose and had no packs.
        python3 "$HONEYSCOPE_ROOT/tests/e2e/store_loosen.py" "$w/ro7/v7.db" "$HS" --drop-packs >/dev/null
        sqlite3 "$w/ro7/v7.db" 'ALTER TABLE capture_file DROP COLUMN evidence_skipped;
            ALTER TABLE capture_file DROP COLUMN evidence_dropped; PRAGMA user_version = 7'
        sum=$(cksum <"$w/ro7/v7.db")
        read_only "$w/ro7" "$HS" report --db "$w/ro7/v7.db" --group any --format json \
            >"$w/ro7.json" 2>"$w/err"
        expect_eq readonly_media_v7_exit "$?" 0
        expect_eq readonly_media_v7_same \
            "$(jq -c '[.inputs.packets, .inputs.evidence, .groups[0].totals]' "$w/ro7.json")" \
            "$(jq -c '[.inputs.packets, .inputs.evidence, .groups[0].totals]' "$w/rw.json")"
        read_only "$w/ro7" "$HS" merge "$w/from7.db" "$w/ro7/v7.db" 2>"$w/err"
        expect_eq readonly_media_v7_merge_exit "$?" 0
        expect_eq readonly_media_v7_merged \
            "$(sqlite3 "$w/from7.db" 'SELECT count(*), sum(packets), sum(evidence_dropped) FROM capture_file')" \
            "$(sqlite3 "$w/h1.db" 'SELECT count(*), sum(packets), sum(evidence_dropped) FROM capture_file')"
        expect_eq readonly_media_v7_untouched "$(cksum <"$w/ro7/v7.db") $(sqlite3 "$w/ro7/v7.db" 'PRAGMA user_version')" "$sum 7"
    fi
fi

# A damaged capture in a batch: recorded as failed with its offset, the rest stored.
head -c $(($(wc -c <"$seed"/honeypot-2009-04.pcap) / 2 + 5)) "$seed"/honeypot-2009-04.pcap >"$w/cut.pcap"
"$HS" ingest --db "$w/f.db" --sensor 192.0.2.10/32 "$w/cut.pcap" "$seed"/honeypot-2009-01.pcap 2>"$w/err"
expect_eq damaged_in_batch_exit "$?" 1
expect_eq damaged_recorded "$(sqlite3 "$w/f.db" "SELECT status, error LIKE '%byte offset%' FROM capture_file WHERE path LIKE '%cut.pcap'")" "failed|1"
expect_eq damaged_batch_rest "$(sqlite3 "$w/f.db" "SELECT count(*) FROM capture_file WHERE status = 'ok'")" 1

# kill -9 at random points: the store opens, is consistent, holds whole files
# only; the next ingest completes it and the report equals the one-shot one.
big=$(scenario seed 16) || { fail store_kill_scenario "generator failed"; exit 0; }
# shellcheck disable=SC2086
"$HS" report $R --sensor 192.0.2.10/32 "$big"/honeypot-* >"$w/big-one-shot.json"
consistent=yes
for delay in 0.1 0.3 0.5 0.8 1.1; do
    "$HS" ingest -q --db "$w/k.db" --sensor 192.0.2.10/32 --threads 1 "$big"/honeypot-* &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -f "$w/k.db" ] || continue
    ok=$(sqlite3 "$w/k.db" 'PRAGMA integrity_check' 2>&1)
    # Killed before the schema was committed: an empty, valid store.
    [ "$(sqlite3 "$w/k.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'capture_file'")" = 1 ] ||
        { [ "$ok" = ok ] && continue; }
    # Every stored file's rows account for exactly its analysed packets.
    bad=$("$HS" sql --db "$w/k.db" "SELECT count(*) FROM capture_file f WHERE packets - truncated
        - malformed - unsupported - not_ip - not_sensor - sensor_to_sensor
        != (SELECT coalesce(sum(packets_in + packets_out), 0) FROM traffic t WHERE t.file_id = f.id)" 2>&1)
    if [ "$ok" != ok ] || [ "$bad" != 0 ]; then
        consistent="no (after $delay s: integrity '$ok', $bad inconsistent files)"
        break
    fi
done
expect_eq kill9_store_consistent "$consistent" yes
"$HS" ingest -q --db "$w/k.db" --sensor 192.0.2.10/32 "$big"/honeypot-*
expect_eq kill9_resume_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report $R --db "$w/k.db" >"$w/k.json"
check kill9_resumed_report_identical cmp "$w/big-one-shot.json" "$w/k.json"

# SIGINT: stops after committing, exit 130; the rerun completes.
"$HS" ingest -q --db "$w/i.db" --sensor 192.0.2.10/32 --threads 1 "$big"/honeypot-* &
pid=$!
sleep 0.3
kill -INT "$pid"
wait "$pid"
status=$?
if [ "$status" -eq 0 ]; then
    skip sigint_exit "the ingest finished before the signal"
else
    expect_eq sigint_exit "$status" 130
fi
check sigint_store_integrity sh -c "sqlite3 '$w/i.db' 'PRAGMA integrity_check' | grep -qx ok"
"$HS" ingest -q --db "$w/i.db" --sensor 192.0.2.10/32 "$big"/honeypot-*
# shellcheck disable=SC2086
"$HS" report $R --db "$w/i.db" >"$w/i.json"
check sigint_resumed_report_identical cmp "$w/big-one-shot.json" "$w/i.json"

# WAL: a report reads the store while an ingest writes to it.
"$HS" ingest -q --db "$w/a.db" --threads 1 "$big"/honeypot-2009-0* 2>/dev/null &
pid=$!
# shellcheck disable=SC2086
"$HS" report $R --db "$w/a.db" >/dev/null 2>"$w/err"
expect_eq report_during_ingest_exit "$?" 0
wait "$pid"
