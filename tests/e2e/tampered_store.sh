# Tampered and damaged stores (tampered_store.py makes them from a real one):
# values no honeyscope writes in rows (blobs and integers where addresses
# belong, INT64_MIN bins, negative and overflowing counts, rows of no file),
# traffic and evidence packs whose bytes or columns are not ones honeyscope
# writes, bad sensor prefixes, dropped tables and columns, foreign and unknown
# versions, cuts at several sizes. `report --db`, `merge`, `ingest` and
# `forget` each end with the exit status the case calls for, never a signal;
# a refusal names the store file, and a refused store is left byte for byte
# as it was (a refused merge adds nothing to its output either).
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/tampered-store"
rm -rf "$w"
mkdir -p "$w"
py="$HONEYSCOPE_ROOT/tests/e2e/tampered_store.py"
for n in 6 10 14 4; do
    python3 "$HONEYSCOPE_ROOT/tests/tinypcap.py" "$w/cap$n.pcap" "$n" >/dev/null
done
# The tiny captures carry no evidence: the first of hostile.py's (HTTP, SMTP,
# SSH and DNS to the same sensor) gives the store evidence packs to damage.
mkdir "$w/hostile"
if ! python3 "$HONEYSCOPE_ROOT/tests/hostile.py" "$w/hostile" >/dev/null ||
    ! mv "$w/hostile"/=*.pcap "$w/evidence.pcap"; then
    fail tampered_store_evidence_capture "tests/hostile.py failed"
    exit 0
fi
"$HS" ingest -q --db "$w/base.db" --sensor 192.0.2.10/32 "$w/cap6.pcap" "$w/cap10.pcap" \
    "$w/cap14.pcap" "$w/evidence.pcap" 2>"$w/err"
status=$?
if [ "$status" -ne 0 ]; then
    fail tampered_store_base "ingest exited $status: $(head -n 3 "$w/err")"
    exit 0
fi
expect_eq tampered_store_base_files "$(python3 "$py" files "$w/base.db")" 4
# Evidence packs, with the magic and format the garbage case keeps: without
# them the evidence-pack cases would damage nothing and pass all the same.
expect_eq tampered_store_base_evidence_packs "$("$HS" sql --db "$w/base.db" \
    "SELECT count(*) > 0 AND count(*) = sum(substr(data, 1, 2) = x'6501') FROM evidence_pack")" 1
# The same store with its traffic rows loose, as versions before 9 kept them,
# for the cases that edit those rows.
cp "$w/base.db" "$w/loose.db"
packed=$("$HS" sql --db "$w/base.db" "SELECT sum(rows) FROM traffic_pack")
expect_eq tampered_store_loose_rows \
    "$(python3 "$HONEYSCOPE_ROOT/tests/e2e/store_loosen.py" "$w/loose.db" "$HS") $packed" "$packed $packed"
"$HS" report --quiet --db "$w/loose.db" --format json >"$w/loose.json" 2>"$w/err"
"$HS" report --quiet --db "$w/base.db" --format json >"$w/base.json" 2>"$w/err"
check tampered_store_loose_same_report cmp "$w/base.json" "$w/loose.json"
"$HS" report --quiet --db "$w/base.db" --format json >/dev/null 2>"$w/err"
expect_eq tampered_store_base_report "$?" 0

# verb CASE VERB WANT DB COMMAND...: runs the verb, checks its exit status, and
# for a refusal (1) the message and the store left as it was.
verb() {
    case_name=$1 verb_name=$2 want=$3 db=$4
    shift 4
    sum=$(cksum <"$db")
    "$@" >/dev/null 2>"$w/err"
    got=$?
    name="tampered_store_${case_name}_$verb_name"
    if [ "$got" -ge 128 ]; then
        fail "$name" "killed by signal $((got - 128)): $(head -n 3 "$w/err")"
    elif [ "$got" -ne "$want" ]; then
        fail "$name" "exit status $got, want $want: $(head -n 2 "$w/err")"
    elif [ "$want" -eq 1 ] && ! grep -qF "'$db'" "$w/err"; then
        fail "$name" "the message does not name '$db': $(head -n 2 "$w/err")"
    elif [ "$want" -eq 1 ] && [ "$(cksum <"$db")" != "$sum" ]; then
        fail "$name" "the refused store was changed"
    else
        pass "$name"
    fi
}

python3 "$py" cases >"$w/cases" || { fail tampered_store_cases "tampered_store.py cases failed"; exit 0; }
while read -r c kind; do
    db="$w/$c.db"
    python3 "$py" make "$w/base.db" "$w/loose.db" "$db" "$c" || { fail "tampered_store_$c" "could not make it"; continue; }
    case $kind in
    rows) report=1 merge=1 ingest=0 forget=0 ;;
    sensor) report=1 merge=1 ingest=1 forget=0 ;;
    *) report=1 merge=1 ingest=1 forget=1 ;;
    esac
    verb "$c" report "$report" "$db" "$HS" report --quiet --db "$db" --format json
    out="$w/$c-merged.db"
    verb "$c" merge "$merge" "$db" "$HS" merge "$out" "$db"
    if [ "$merge" -eq 1 ]; then
        expect_eq "tampered_store_${c}_merge_added_nothing" "$(python3 "$py" files "$out")" 0
    fi
    verb "$c" ingest "$ingest" "$db" "$HS" ingest -q --db "$db" "$w/cap4.pcap"
    verb "$c" forget "$forget" "$db" "$HS" forget --db "$db" "$w/cap6.pcap"
done <"$w/cases"
