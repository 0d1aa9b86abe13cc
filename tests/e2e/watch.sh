# ingest --watch: files a rotating writer closes or moves in while the
# watch runs are stored once each, whole, under their final names (one
# written under a temporary name and renamed, one written in two halves with
# a pause between, one in a directory made after the watch began); a file
# that is not a capture is passed over; SIGINT stops it cleanly (130), and a
# report from the store equals the one-shot report of the same files.
. "$(dirname "$0")/../lib.sh"

case "$(uname -s)" in Linux) ;; *)
    skip watch "inotify is Linux's"
    exit 0
    ;;
esac
seed=$(scenario seed 1) || { fail watch_scenario "generator failed"; exit 0; }
w="$TEST_WORK/watch"
rm -rf "$w"
mkdir -p "$w/in"
cp "$seed/honeypot-2009-01.pcap" "$seed/honeypot-2009-02.pcap" "$w/in/"

stored() { sqlite3 "$w/s.db" 'SELECT count(*) FROM capture_file' 2>/dev/null || echo 0; }
# wait_for N: until N files are stored, at most 30 s.
wait_for() {
    i=0
    while [ "$(stored)" -lt "$1" ] && [ $i -lt 150 ]; do
        sleep 0.2
        i=$((i + 1))
    done
}

"$HS" ingest --db "$w/s.db" --sensor 192.0.2.10/32 --watch "$w/in" 2>"$w/err" &
pid=$!
wait_for 2
expect_eq watch_existing_stored "$(stored)" 2

# The writer: a temporary name renamed in; a plain copy; a file written in
# two halves with a pause (open all the while); a new directory with a file;
# a file that is no capture.
cp "$seed/honeypot-2009-03.pcap" "$w/in/.m3.tmp"
mv "$w/in/.m3.tmp" "$w/in/m3.pcap"
cat "$seed/honeypot-2009-04.pcap" >"$w/in/m4.pcap"
python3 - "$seed/honeypot-2009-05.pcap" "$w/in/m5.pcap" <<'PY'
import sys, time
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(data[: len(data) // 2])
    f.flush()
    time.sleep(2.5)
    f.write(data[len(data) // 2 :])
PY
mkdir "$w/in/2009-06"
cp "$seed/honeypot-2009-06.pcap" "$w/in/2009-06/m6.pcap"
echo "not a capture" >"$w/in/notes.txt"
wait_for 6
sleep 1.5 # time for anything wrongly taken (the temporary name, the notes) to be stored

kill -INT "$pid"
wait "$pid"
expect_eq watch_sigint_exit "$?" 130
expect_eq watch_files_stored "$(stored)" 6
expect_eq watch_final_names "$(sqlite3 "$w/s.db" "SELECT count(*) FROM capture_file WHERE path LIKE '%.tmp' OR path LIKE '%notes.txt'")" 0
expect_eq watch_half_written_whole \
    "$(sqlite3 "$w/s.db" "SELECT packets FROM capture_file WHERE path LIKE '%/m5.pcap'")" \
    "$(capinfos -c -M "$seed/honeypot-2009-05.pcap" 2>/dev/null | awk '/Number of packets/ { print $NF }')"
check watch_notes_passed_over grep -q "skipped: .*notes.txt.*not a capture" "$w/err"
check watch_says_watching grep -q "watching '.*in' for captures" "$w/err"

R="--quiet --group any --format json"
# shellcheck disable=SC2086
"$HS" report $R --db "$w/s.db" >"$w/store.json"
# shellcheck disable=SC2086
"$HS" report $R --sensor 192.0.2.10/32 "$w/in"/*.pcap "$w/in/2009-06/m6.pcap" >"$w/one-shot.json"
check watch_report_equals_one_shot cmp "$w/store.json" "$w/one-shot.json"

# A watch that is given no store it may write stops at once with a message.
"$HS" ingest --quiet --db "$w/nowhere/s.db" --sensor 192.0.2.10/32 --watch "$w/in" 2>"$w/bad.err"
expect_eq watch_bad_store_exit "$?" 1
"$HS" ingest --quiet --db "$w/s2.db" --watch "$w/missing" 2>"$w/bad.err"
expect_eq watch_missing_dir_exit "$?" 2
