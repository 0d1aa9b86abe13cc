# Evidence is bounded: the table that keeps it (report: one per counting
# thread) may take a quarter of --memory, shared by the threads counting, and
# never less than EVIDENCE_SPILL_MIN_BYTES (8 MiB). Past it the table spills its
# rows to --tmp-dir as sorted runs, merged back when the report reads them.
# A capture built to pass the bound at --memory 64M with one thread and with
# two (tests/evidence_bound_pcap.py: 600,000 zmap probes from as many
# sources, two evidence rows each) gets the same report as with --memory 1G,
# where nothing spills: every probe counted, nothing dropped, no warning.
# Evidence a table could not keep (files stored before evidence spilled) is
# still said, in every format.
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null 2>&1 || { skip evidence_bound "no jq"; exit 0; }
w="$TEST_WORK/evidence-bound"
rm -rf "$w"
mkdir -p "$w"
sources=600000
# The flow tables are held apart: the probes keep more conversations open at
# once than 64M holds for flows (the flows' bound is budgets.sh's), and this
# test is about the evidence.
FLOWS="--max-flows 1000000"
python3 "$HONEYSCOPE_ROOT/tests/evidence_bound_pcap.py" "$w/probes.pcap" "$sources"
set -- --sensor 192.0.2.10/32 --group any --format json

# Enough --memory keeps every value in memory, with one thread or two.
for t in 1 2; do
    "$HS" report $FLOWS --threads $t --memory 1G "$@" -o "$w/all$t.json" "$w/probes.pcap" 2>"$w/all$t.err"
    expect_eq "evidence_bound_1g_t${t}_complete" \
        "$(jq -c '[.inputs.evidence.dropped, .groups[0].scanners[0].sources, .groups[0].scanners[0].packets + .groups[0].scanners[0].flows, (.warnings | length)]' "$w/all$t.json")" \
        "[0,$sources,$((2 * sources)),0]"
    check "evidence_bound_1g_t${t}_no_spill" sh -c "! grep -q 'beyond --memory' '$w/all$t.err'"
done
# At 64M the evidence spills, and the report is the same, byte for byte.
for t in 1 2; do
    "$HS" report $FLOWS --threads $t --memory 64M "$@" -o "$w/t$t.json" "$w/probes.pcap" 2>"$w/t$t.err"
    expect_eq "evidence_bound_t${t}_exit" "$?" 0
    check "evidence_bound_t${t}_spilled" grep -q "beyond --memory: [0-9]* spills" "$w/t$t.err"
    check "evidence_bound_t${t}_same_as_1g" cmp -s "$w/t$t.json" "$w/all1.json"
done
"$HS" report $FLOWS --threads 1 --memory 64M --sensor 192.0.2.10/32 --group any -q "$w/probes.pcap" \
    >"$w/t1.txt" 2>/dev/null
"$HS" report $FLOWS --threads 1 --memory 1G --sensor 192.0.2.10/32 --group any -q "$w/probes.pcap" \
    >"$w/all1.txt" 2>/dev/null
check evidence_bound_text_same cmp -s "$w/t1.txt" "$w/all1.txt"

# Values of the evidence section (600,000 DNS queries, 200,001 names): the
# distinct count, total and top list are the same spilled or not, masked too.
python3 "$HONEYSCOPE_ROOT/tests/evidence_bound_pcap.py" "$w/names.pcap" "$sources" names
"$HS" report $FLOWS --threads 1 --memory 1G "$@" -o "$w/names-all.json" "$w/names.pcap" 2>/dev/null
expect_eq evidence_bound_names_truth \
    "$(jq -c '.groups[0].evidence["dns-query"] | [.distinct, .total, .top[0].value, .top[0].count]' "$w/names-all.json")" \
    '[200001,600000,"popular.example A",85715]'
for t in 1 2; do
    "$HS" report $FLOWS --threads $t --memory 64M "$@" -o "$w/names$t.json" "$w/names.pcap" 2>"$w/names$t.err"
    check "evidence_bound_names_t${t}_spilled" grep -q "beyond --memory: [0-9]* spills" "$w/names$t.err"
    check "evidence_bound_names_t${t}_same" cmp -s "$w/names$t.json" "$w/names-all.json"
done
"$HS" report $FLOWS --threads 1 --memory 64M "$@" --mask -o "$w/names-mask.json" "$w/names.pcap" 2>/dev/null
"$HS" report $FLOWS --threads 1 --memory 1G "$@" --mask -o "$w/names-mask-all.json" "$w/names.pcap" 2>/dev/null
check evidence_bound_names_mask_same cmp -s "$w/names-mask.json" "$w/names-mask-all.json"

# Under --mask a value grows ("1.2.3.4" becomes "[sensor]") past the 255
# bytes a value is kept in: the top lists of a spilled table hold it whole
# (under ASan+UBSan, no write past a buffer), and the report is 1G's.
python3 "$HONEYSCOPE_ROOT/tests/evidence_bound_pcap.py" "$w/masked.pcap" "$sources" masked
for m in 64M 1G; do
    "$HS" report $FLOWS --threads 1 --memory $m --sensor 1.2.3.4/32 --group any --format json --mask \
        --mask-keep-evidence -o "$w/masked$m.json" "$w/masked.pcap" 2>/dev/null
done
check evidence_bound_masked_same cmp -s "$w/masked64M.json" "$w/masked1G.json"
expect_eq evidence_bound_masked_long \
    "$(jq -c '.groups[0].evidence["http-request"].top[0].value | [length, startswith("GET /[sensor],[sensor],")]' "$w/masked64M.json")" \
    '[283,true]'

# Nowhere to spill: no report rather than a wrong one, and no output file.
"$HS" report $FLOWS --threads 1 --memory 64M --tmp-dir "$w/nowhere" "$@" -o "$w/nowhere.json" \
    "$w/probes.pcap" 2>"$w/nowhere.err"
expect_eq evidence_bound_nowhere_exit "$?" 1
check evidence_bound_nowhere_said grep -q "cannot make a spill file in '$w/nowhere'" "$w/nowhere.err"
check evidence_bound_nowhere_no_output test ! -e "$w/nowhere.json"

# ingest spills too: the store keeps every value, and a report from it is the capture's.
"$HS" ingest -q $FLOWS --db "$w/s.db" --sensor 192.0.2.10/32 --threads 1 --memory 64M "$w/probes.pcap" \
    2>"$w/ingest.err"
expect_eq evidence_bound_ingest_exit "$?" 0
check evidence_bound_ingest_not_warned sh -c "! grep -q 'evidence stored incomplete' '$w/ingest.err'"
expect_eq evidence_bound_ingest_rows "$("$HS" sql --db "$w/s.db" 'SELECT count(*), sum(count) FROM evidence')" \
    "$((2 * sources))|$((2 * sources))"
expect_eq evidence_bound_db_column "$(sqlite3 "$w/s.db" 'SELECT evidence_skipped, evidence_dropped FROM capture_file')" "0|0"
for m in 64M 1G; do
    "$HS" report --db "$w/s.db" --memory $m --group any --format json -o "$w/db$m.json" 2>"$w/db$m.err"
    expect_eq "evidence_bound_db_${m}_counts" \
        "$(jq -c '[.inputs.evidence, .groups[0].scanners, .warnings]' "$w/db$m.json")" \
        "$(jq -c '[.inputs.evidence, .groups[0].scanners, .warnings]' "$w/all1.json")"
done
check evidence_bound_db_64M_spilled grep -q "beyond --memory: [0-9]* spills" "$w/db64M.err"

# A file stored with evidence it could not keep: the report from the store
# says how much, in every format, and without the number under --mask.
dropped=12345
cp "$w/s.db" "$w/dropped.db"
sqlite3 "$w/dropped.db" "UPDATE capture_file SET evidence_dropped = $dropped"
"$HS" report --db "$w/dropped.db" --group any --format json -o "$w/dropped.json" 2>"$w/dropped.err"
expect_eq evidence_bound_dropped_json "$(jq -c '[.inputs.evidence.dropped, ([.warnings[] | select(test("evidence past the memory"))] | length)]' "$w/dropped.json")" "[$dropped,1]"
check evidence_bound_dropped_stderr grep -q "warning: evidence past the memory of its table (a quarter of --memory): $dropped counted as dropped" "$w/dropped.err"
"$HS" report --db "$w/dropped.db" --group any -q >"$w/dropped.txt" 2>/dev/null
check evidence_bound_dropped_text grep -q "evidence past the memory of its table (a quarter of --memory): $dropped" "$w/dropped.txt"
"$HS" report --db "$w/dropped.db" --group any --format json --mask -o "$w/mask.json" 2>/dev/null
expect_eq evidence_bound_mask_null "$(jq -c '.inputs.evidence' "$w/mask.json")" '{"skipped":null,"dropped":null}'
expect_eq evidence_bound_mask_warned "$(jq '[.warnings[] | select(test("evidence past the memory of its table [(]a quarter of --memory[)] was dropped"))] | length' "$w/mask.json")" 1
check evidence_bound_mask_no_number sh -c "! grep -q $dropped '$w/mask.json'"
# Another period of the store has all of its evidence: no warning there.
"$HS" report --db "$w/dropped.db" --group any --from 2019-12-30 --to 2019-12-31 --format json \
    -o "$w/other.json" 2>"$w/other.err"
expect_eq evidence_bound_db_other_period "$(jq -c '[.inputs.evidence.dropped, (.warnings | length)]' "$w/other.json")" "[0,0]"

# Parse buffers: 80,000 HTTP requests open at once, past the 32,768 sides a
# file being read may parse per counting thread. Every request is either parsed (an http-request)
# or a side skipped, said as such; the store keeps the count.
python3 "$HONEYSCOPE_ROOT/tests/evidence_bound_pcap.py" "$w/sides.pcap" 80000 sides
for t in 1 2; do
    "$HS" report $FLOWS --threads $t "$@" -o "$w/sides$t.json" "$w/sides.pcap" 2>"$w/sides$t.err"
    skipped=$(jq '.inputs.evidence.skipped' "$w/sides$t.json")
    check "evidence_bound_sides_t${t}_skipped_some" test "$skipped" -gt 0
    expect_eq "evidence_bound_sides_t${t}_accounts" \
        $(($(jq '.groups[0].evidence["http-request"].total' "$w/sides$t.json") + skipped)) 80000
    check "evidence_bound_sides_t${t}_stderr" grep -q "warning: $skipped conversation sides not parsed for evidence" "$w/sides$t.err"
done
"$HS" report $FLOWS --threads 1 "$@" --mask -o "$w/sides-mask.json" "$w/sides.pcap" 2>/dev/null
expect_eq evidence_bound_sides_mask "$(jq -c '[.inputs.evidence.skipped, ([.warnings[] | select(startswith("conversation sides not parsed"))] | length)]' "$w/sides-mask.json")" "[null,1]"
"$HS" ingest -q $FLOWS --db "$w/sides.db" --sensor 192.0.2.10/32 --threads 1 "$w/sides.pcap" 2>/dev/null
expect_eq evidence_bound_sides_stored "$(sqlite3 "$w/sides.db" 'SELECT evidence_skipped FROM capture_file')" "$(jq '.inputs.evidence.skipped' "$w/sides1.json")"
