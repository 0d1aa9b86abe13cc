# Evidence is bounded: the table that keeps it (report: one per counting
# thread) may take a quarter of --memory, shared by the threads counting, and
# never less than CUBE_EVIDENCE_BYTES (48 MiB). A capture built to pass the
# bound at --memory 64M with one thread and with two
# (tests/evidence_bound_pcap.py: 600,000 zmap probes from as many sources, two
# evidence rows each) gets a report that says so, in JSON
# (inputs.evidence.dropped), in its warnings and on stderr, and what was kept
# plus what was dropped accounts for every probe. More --memory keeps all of
# it, with one thread or two.
. "$(dirname "$0")/../lib.sh"
command -v jq >/dev/null 2>&1 || { skip evidence_bound "no jq"; exit 0; }
w="$TEST_WORK/evidence-bound"
rm -rf "$w"
mkdir -p "$w"
sources=600000
python3 "$HONEYSCOPE_ROOT/tests/evidence_bound_pcap.py" "$w/probes.pcap" "$sources"
set -- --sensor 192.0.2.10/32 --group any --format json

# accounts TAG: each source's probe counts twice (its probe, the flow it
# opened): the probes and flows kept plus what was dropped are all of them.
accounts() {
    kept=$(jq '[.groups[0].scanners[] | select(.tool == "zmap") | .packets + .flows] | add // 0' "$w/$1.json")
    gone=$(jq '.inputs.evidence.dropped' "$w/$1.json")
    check "evidence_bound_${1}_dropped_some" test "$gone" -gt 0
    expect_eq "evidence_bound_${1}_accounts" $((kept + gone)) $((2 * sources))
    warned=$(jq '[.warnings[] | select(test("evidence past the memory"))] | length' "$w/$1.json")
    expect_eq "evidence_bound_${1}_warned_iff_dropped" "$warned" "$([ "$gone" -gt 0 ] && echo 1 || echo 0)"
}

"$HS" report --threads 1 --memory 64M "$@" -o "$w/t1.json" "$w/probes.pcap" 2>"$w/t1.err"
expect_eq evidence_bound_t1_exit "$?" 0
dropped=$(jq '.inputs.evidence.dropped' "$w/t1.json")
check evidence_bound_t1_dropped test "$dropped" -gt 0
expect_eq evidence_bound_t1_skipped "$(jq '.inputs.evidence.skipped' "$w/t1.json")" 0
check evidence_bound_t1_stderr grep -q "warning: evidence past the memory of its table (a quarter of --memory): $dropped counted as dropped" "$w/t1.err"
accounts t1

"$HS" report --threads 2 --memory 64M "$@" -o "$w/t2.json" "$w/probes.pcap" 2>"$w/t2.err"
expect_eq evidence_bound_t2_exit "$?" 0
accounts t2

# Enough --memory keeps every value, with one thread or two.
for t in 1 2; do
    "$HS" report --threads $t --memory 1G "$@" -o "$w/all$t.json" "$w/probes.pcap" 2>/dev/null
    expect_eq "evidence_bound_default_t${t}_complete" \
        "$(jq -c '[.inputs.evidence.dropped, .groups[0].scanners[0].sources, (.warnings | length)]' "$w/all$t.json")" \
        "[0,$sources,0]"
done

# Every format says it; masked, without the number.
"$HS" report --threads 1 --memory 64M --sensor 192.0.2.10/32 --group any -q "$w/probes.pcap" \
    >"$w/t1.txt" 2>/dev/null
check evidence_bound_text grep -q "evidence past the memory of its table (a quarter of --memory): $dropped" "$w/t1.txt"
"$HS" report --threads 1 --memory 64M "$@" --mask -o "$w/mask.json" "$w/probes.pcap" 2>/dev/null
expect_eq evidence_bound_mask_null "$(jq -c '.inputs.evidence' "$w/mask.json")" '{"skipped":null,"dropped":null}'
expect_eq evidence_bound_mask_warned "$(jq '[.warnings[] | select(test("evidence past the memory of its table [(]a quarter of --memory[)] was dropped"))] | length' "$w/mask.json")" 1
check evidence_bound_mask_no_number sh -c "! grep -q $dropped '$w/mask.json'"

# ingest says it for the file, and the store keeps the count (capture_file,
# version 8): a report from the store says it as the one from the capture did.
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10/32 --threads 1 --memory 64M "$w/probes.pcap" \
    2>"$w/ingest.err"
expect_eq evidence_bound_ingest_exit "$?" 0
check evidence_bound_ingest_warned grep -q "warning: '$w/probes.pcap': evidence stored incomplete: $dropped counted past the memory of its table" "$w/ingest.err"
"$HS" report --db "$w/s.db" --group any --format json -o "$w/db.json" 2>"$w/db.err"
expect_eq evidence_bound_db_counts "$(jq -c '[.inputs.evidence.dropped, .groups[0].scanners[0].sources]' "$w/db.json")" \
    "$(jq -c '[.inputs.evidence.dropped, .groups[0].scanners[0].sources]' "$w/t1.json")"
check evidence_bound_db_warned grep -q "warning: evidence past the memory of its table (a quarter of --memory): $dropped counted" "$w/db.err"
expect_eq evidence_bound_db_column "$(sqlite3 "$w/s.db" 'SELECT evidence_skipped, evidence_dropped FROM capture_file')" "0|$dropped"
# Another period of the store has all of its evidence: no warning there.
"$HS" report --db "$w/s.db" --group any --from 2019-12-30 --to 2019-12-31 --format json \
    -o "$w/other.json" 2>"$w/other.err"
expect_eq evidence_bound_db_other_period "$(jq -c '[.inputs.evidence.dropped, (.warnings | length)]' "$w/other.json")" "[0,0]"

# Parse buffers: 80,000 HTTP requests open at once, past the 32,768 sides a
# file being read may parse per counting thread. Every request is either parsed (an http-request)
# or a side skipped, said as such; the store keeps the count.
python3 "$HONEYSCOPE_ROOT/tests/evidence_bound_pcap.py" "$w/sides.pcap" 80000 sides
for t in 1 2; do
    "$HS" report --threads $t "$@" -o "$w/sides$t.json" "$w/sides.pcap" 2>"$w/sides$t.err"
    skipped=$(jq '.inputs.evidence.skipped' "$w/sides$t.json")
    check "evidence_bound_sides_t${t}_skipped_some" test "$skipped" -gt 0
    expect_eq "evidence_bound_sides_t${t}_accounts" \
        $(($(jq '.groups[0].evidence["http-request"].total' "$w/sides$t.json") + skipped)) 80000
    check "evidence_bound_sides_t${t}_stderr" grep -q "warning: $skipped conversation sides not parsed for evidence" "$w/sides$t.err"
done
"$HS" report --threads 1 "$@" --mask -o "$w/sides-mask.json" "$w/sides.pcap" 2>/dev/null
expect_eq evidence_bound_sides_mask "$(jq -c '[.inputs.evidence.skipped, ([.warnings[] | select(startswith("conversation sides not parsed"))] | length)]' "$w/sides-mask.json")" "[null,1]"
"$HS" ingest -q --db "$w/sides.db" --sensor 192.0.2.10/32 --threads 1 "$w/sides.pcap" 2>/dev/null
expect_eq evidence_bound_sides_stored "$(sqlite3 "$w/sides.db" 'SELECT evidence_skipped FROM capture_file')" "$(jq '.inputs.evidence.skipped' "$w/sides1.json")"
