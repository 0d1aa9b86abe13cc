# Overlapping captures (docs/semantics.md): a file holding the second half of
# another's packets is found, with the exact share, at ingest and in every
# report; a file over the same span with other packets (a second interface)
# and one of another sensor are not; --skip-overlapping counts the packets
# once; a store of version 4 is upgraded and keeps working.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/overlap"
rm -rf "$w"
mkdir -p "$w"
python3 "$HONEYSCOPE_ROOT/tests/e2e/overlap_pcap.py" "$w" >"$w/truth.json" ||
    { fail overlap_generator "overlap_pcap.py failed"; exit 0; }
truth() { jq -r "$1" "$w/truth.json"; }
a="$w/a.pcap" b="$w/b.pcap" c="$w/c.pcap" d="$w/d.pcap" e="$w/e.pcap"
S="--quiet --sensor 192.0.2.10/32"
# The share as the report prints it (JSON reals carry 10 digits).
share=$(truth .b_share)
share10=$(python3 -c "print(float('%.10g' % $share))")
expect_eq overlap_truth_share "$(truth '.b_in_a') $(truth '.b.packets')" "200 300"

# ---- report: b in a, found with its exact share; c and d not -----------------
# shellcheck disable=SC2086
"$HS" report $S --format json "$a" "$b" "$c" "$d" >"$w/all.json" 2>"$w/all.err"
expect_eq report_exit "$?" 0
expect_eq report_one_overlap "$(jq '.inputs.overlaps | length' "$w/all.json")" 1
expect_eq report_overlap_pair "$(jq -r '.inputs.overlaps[0] | [.file, .overlaps_with] | @tsv' "$w/all.json")" \
    "$(printf '%s\t%s' "$b" "$a")"
expect_eq report_overlap_share "$(jq '.inputs.overlaps[0].shared_share' "$w/all.json")" "$share10"
expect_eq report_overlap_span "$(jq -r '.inputs.overlaps[0] | [.first, .last] | @tsv' "$w/all.json")" \
    "$(printf '2009-02-01T00:03:20+00:00\t2009-02-01T00:06:39+00:00')"
expect_eq report_overlap_not_skipped "$(jq '.inputs.overlaps[0].skipped' "$w/all.json")" false
expect_eq report_both_counted "$(jq .inputs.packets "$w/all.json")" \
    "$(($(truth .a.packets) + $(truth .b.packets) + $(truth .c.packets) + $(truth .d.packets)))"
expect_eq report_stderr_warns "$(grep -c "warning: '$b' holds packets of '$a' (66.7% of its sampled packets; the two overlap from 2009-02-01T00:03:20+00:00 to 2009-02-01T00:06:39+00:00): both counted" "$w/all.err")" 1
expect_eq report_json_warning "$(jq '[.warnings[] | select(test("holds packets"))] | length' "$w/all.json")" 1
# A second interface (same span, other packets) and another sensor: no warning.
# shellcheck disable=SC2086
"$HS" report $S --format json "$a" "$c" "$d" >"$w/acd.json" 2>"$w/acd.err"
expect_eq report_other_packets_no_overlap "$(jq '.inputs.overlaps | length' "$w/acd.json")" 0
check report_other_packets_no_warning sh -c "! grep -q 'holds packets' '$w/acd.err'"
# A nanosecond copy of the same packets holds all of them.
# shellcheck disable=SC2086
"$HS" report $S --format json "$a" "$e" >"$w/ae.json" 2>/dev/null
expect_eq report_ns_copy_share "$(jq -c '[.inputs.overlaps[] | [.file, .shared_share]]' "$w/ae.json")" "[[\"$e\",100]]"

# Every format says so.
for f in text csv html; do
    # shellcheck disable=SC2086
    "$HS" report $S --format "$f" "$a" "$b" >"$w/ab.$f" 2>/dev/null
    check "report_${f}_warns" grep -q "holds packets of" "$w/ab.$f"
done
# shellcheck disable=SC2086
"$HS" report $S --mask --format json "$a" "$b" >"$w/masked.json" 2>"$w/masked.err"
expect_eq report_masked_names_nothing "$(jq -c '[.inputs.overlaps[0].file, .inputs.overlaps[0].overlaps_with, .inputs.overlaps[0].shared_share]' "$w/masked.json")" "[null,null,$share10]"
check report_masked_no_path sh -c "! grep -q '$w' '$w/masked.json' '$w/masked.err'"

# ---- report --skip-overlapping: b not read, a's packets once -----------------------------
# shellcheck disable=SC2086
"$HS" report $S --skip-overlapping --format json "$b" "$c" "$a" >"$w/skip.json" 2>"$w/skip.err"
expect_eq skip_exit "$?" 0
expect_eq skip_packets "$(jq .inputs.packets "$w/skip.json")" "$(($(truth .a.packets) + $(truth .c.packets)))"
expect_eq skip_in_out "$(jq -c '.summary.everything | [.packets_in, .packets_out]' "$w/skip.json")" \
    "[$(($(truth .a.packets_in) + $(truth .c.packets_in))),$(($(truth .a.packets_out) + $(truth .c.packets_out)))]"
expect_eq skip_listed "$(jq -r --arg b "$b" '.inputs.files[] | select(.path == $b) | [.overlaps_with, .packets] | @tsv' "$w/skip.json")" \
    "$(printf '%s\t0' "$a")"
expect_eq skip_marked "$(jq '.inputs.overlaps[0].skipped' "$w/skip.json")" true
# The same packets as the report of a and c alone.
# shellcheck disable=SC2086
"$HS" report $S --format json "$a" "$c" >"$w/ac.json" 2>/dev/null
jq -S .groups "$w/skip.json" >"$w/g-skip"
jq -S .groups "$w/ac.json" >"$w/g-ac"
check skip_equals_without_b cmp "$w/g-skip" "$w/g-ac"
# shellcheck disable=SC2086
"$HS" report $S --skip-overlapping "$a" "$b" >"$w/skip.txt" 2>/dev/null
check skip_text_says grep -q "b.pcap: skipped: holds packets of $a" "$w/skip.txt"
"$HS" report --skip-overlapping --db "$w/none.db" >/dev/null 2>"$w/db.err"
expect_eq skip_with_db_refused "$?" 2

# ---- ingest: across runs and within one; the store's reports -------------------------
"$HS" ingest -q --db "$w/s1.db" --sensor 192.0.2.10/32 "$a" "$c" "$d"
"$HS" ingest --db "$w/s1.db" "$b" 2>"$w/ingest-b.err"
expect_eq ingest_overlap_exit "$?" 0
expect_eq ingest_warns "$(grep -c "warning: '$b' holds packets of '$a' (66.7% .*both stored" "$w/ingest-b.err")" 1
"$HS" report --quiet --db "$w/s1.db" --format json >"$w/s1.json" 2>"$w/s1.err"
expect_eq db_report_overlap "$(jq -c '[.inputs.overlaps[] | [.file, .overlaps_with, .shared_share, .skipped]]' "$w/s1.json")" \
    "[[\"$b\",\"$a\",$share10,false]]"
expect_eq db_report_both_stored "$(jq .inputs.packets "$w/s1.json")" \
    "$(($(truth .a.packets) + $(truth .b.packets) + $(truth .c.packets) + $(truth .d.packets)))"
"$HS" report --quiet --db "$w/s1.db" --from 2009-03-01 --to 2009-03-02 --format json >"$w/s1-march.json" 2>/dev/null
expect_eq db_report_other_period "$(jq '.inputs.overlaps | length' "$w/s1-march.json")" 0
# merge carries the samples: the merged store warns the same.
"$HS" merge "$w/merged.db" "$w/s1.db" >/dev/null 2>&1
"$HS" report --quiet --db "$w/merged.db" --format json >"$w/merged.json" 2>/dev/null
expect_eq merge_keeps_samples "$(jq -c '[.inputs.overlaps[] | [.file, .shared_share]]' "$w/merged.json")" \
    "[[\"$b\",$share10]]"
"$HS" forget --db "$w/s1.db" "$b" >/dev/null 2>&1
"$HS" report --quiet --db "$w/s1.db" --format json >"$w/s1f.json" 2>/dev/null
expect_eq db_forget_clears "$(jq '.inputs.overlaps | length' "$w/s1f.json")" 0

"$HS" ingest --db "$w/s2.db" --sensor 192.0.2.10/32 "$a" >/dev/null 2>&1
"$HS" ingest --db "$w/s2.db" --skip-overlapping "$b" "$c" 2>"$w/ingest-skip.err"
expect_eq ingest_skip_exit "$?" 0
check ingest_skip_says grep -q "'$b' holds packets of '$a' .*: skipped (--skip-overlapping)" "$w/ingest-skip.err"
"$HS" report --quiet --db "$w/s2.db" --format json >"$w/s2.json" 2>/dev/null
expect_eq ingest_skip_packets "$(jq .inputs.packets "$w/s2.json")" "$(($(truth .a.packets) + $(truth .c.packets)))"
expect_eq ingest_skip_not_stored "$(sqlite3 "$w/s2.db" "SELECT count(*) FROM capture_file WHERE path = '$b'")" 0

# One run: b after a in the same batch (given first, it starts later).
"$HS" ingest --db "$w/s3.db" --sensor 192.0.2.10/32 --skip-overlapping "$b" "$a" "$d" 2>"$w/batch.err"
expect_eq batch_skip_exit "$?" 0
expect_eq batch_skip_packets "$(sqlite3 "$w/s3.db" 'SELECT sum(packets) FROM capture_file')" \
    "$(($(truth .a.packets) + $(truth .d.packets)))"
check batch_skip_says grep -q "'$b' holds packets of '$a'" "$w/batch.err"
expect_eq samples_stored "$(sqlite3 "$w/s3.db" 'SELECT count(*), sum(length(fingerprints)) / 8 FROM packet_sample')" \
    "2|$(($(truth .a.packets) + $(truth .d.packets)))"

# ---- a version 5 store (before the samples): upgraded in place, for reading and for writing ------------------
"$HS" ingest -q --db "$w/v4.db" --sensor 192.0.2.10/32 "$a"
current=$(sqlite3 "$w/v4.db" 'PRAGMA user_version')
sqlite3 "$w/v4.db" 'DROP TABLE packet_sample; PRAGMA user_version = 5'
cp "$w/v4.db" "$w/v4r.db"
"$HS" report --quiet --db "$w/v4r.db" --format json >"$w/v4r.json" 2>"$w/v4r.err"
expect_eq v4_read_exit "$?" 0
expect_eq v4_read_upgraded "$(sqlite3 "$w/v4r.db" 'PRAGMA user_version')" "$current"
expect_eq v4_read_packets "$(jq .inputs.packets "$w/v4r.json")" "$(truth .a.packets)"
"$HS" ingest --db "$w/v4.db" "$b" 2>"$w/v4.err"
expect_eq v4_write_exit "$?" 0
expect_eq v4_write_upgraded "$(sqlite3 "$w/v4.db" 'PRAGMA user_version')" "$current"
# a was stored without a sample: nothing to compare with, said nowhere.
check v4_old_file_unsampled sh -c "! grep -q 'holds packets' '$w/v4.err'"
expect_eq v4_new_file_sampled "$(sqlite3 "$w/v4.db" "SELECT count(*) FROM packet_sample p JOIN capture_file f ON f.id = p.file_id WHERE f.path = '$b'")" 1

# ---- a damaged sample is refused, naming the table -----------------------------------
cp "$w/s3.db" "$w/bad.db"
sqlite3 "$w/bad.db" "UPDATE packet_sample SET fingerprints = x'0102' WHERE file_id = (SELECT min(file_id) FROM packet_sample)"
"$HS" report --quiet --db "$w/bad.db" >/dev/null 2>"$w/bad.err"
expect_eq damaged_sample_exit "$?" 1
check damaged_sample_named grep -q "damaged store: table packet_sample" "$w/bad.err"
