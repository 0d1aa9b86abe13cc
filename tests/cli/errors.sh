# Bad input and usage: clear errors, POSIX exit codes, and what was read
# before the damage still counts.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/errors"
mkdir -p "$w"

"$HS" report --sensor 192.0.2.10 "$w/missing.pcap" >"$w/out" 2>"$w/err"
expect_eq missing_file_exit "$?" 1
check missing_file_named grep -q "cannot open '$w/missing.pcap'" "$w/err"

printf 'just some text, not a capture\n' >"$w/text.pcap"
"$HS" report --sensor 192.0.2.10 "$w/text.pcap" >"$w/out" 2>"$w/err"
expect_eq not_capture_exit "$?" 1
check not_capture_named grep -q "'$w/text.pcap': not a capture file" "$w/err"

: >"$w/empty.pcap"
"$HS" report --sensor 192.0.2.10 "$w/empty.pcap" >"$w/out" 2>"$w/err"
expect_eq empty_file_exit "$?" 1
check empty_file_named grep -q "'$w/empty.pcap': empty file" "$w/err"

# A capture with only its file header is empty but valid.
python3 "$HONEYSCOPE_ROOT/tests/tinypcap.py" "$w/header-only.pcap" 0 >/dev/null
"$HS" report --sensor 192.0.2.10 --format json "$w/header-only.pcap" >"$w/out.json" 2>"$w/err"
expect_eq header_only_exit "$?" 0
expect_eq header_only_packets "$(jq .inputs.packets "$w/out.json")" 0

# Truncated inside record 7 (0-based 6): six packets count, the error names the
# offset where record 7 starts, the report is still written, exit status 1.
python3 "$HONEYSCOPE_ROOT/tests/tinypcap.py" "$w/full.pcap" 10 >"$w/offsets"
start7=$(sed -n 7p "$w/offsets")
head -c $((start7 + 30)) "$w/full.pcap" >"$w/cut.pcap"
"$HS" report --sensor 192.0.2.10 --format json "$w/cut.pcap" >"$w/cut.json" 2>"$w/err"
expect_eq truncated_exit "$?" 1
expect_eq truncated_packets_kept "$(jq .inputs.packets "$w/cut.json")" 6
expect_eq truncated_in_out "$(jq '.groups[0].totals.packets_in, .groups[0].totals.packets_out' "$w/cut.json" | tr '\n' ' ')" "3 3 "
check truncated_offset_named grep -q "'$w/cut.pcap': damaged capture at byte offset $start7 " "$w/err"
check truncated_error_in_report sh -c "jq -r '.inputs.files[0].error' '$w/cut.json' | grep -q 'byte offset $start7'"

# Cut inside the record header itself.
head -c $((start7 + 5)) "$w/full.pcap" >"$w/cut2.pcap"
"$HS" report --sensor 192.0.2.10 --format json "$w/cut2.pcap" >"$w/cut2.json" 2>"$w/err"
expect_eq truncated_header_exit "$?" 1
expect_eq truncated_header_packets "$(jq .inputs.packets "$w/cut2.json")" 6

# The same file gzip- and zstd-compressed and misnamed reads the same.
gzip -c "$w/full.pcap" >"$w/full.bin"
"$HS" report --sensor 192.0.2.10 --format json "$w/full.bin" >"$w/gz.json" 2>"$w/err"
expect_eq gzip_misnamed_packets "$(jq .inputs.packets "$w/gz.json")" 10
expect_eq gzip_format "$(jq -r '.inputs.files[0].format' "$w/gz.json")" "pcap+gzip"
if command -v zstd >/dev/null; then
    zstd -q -c "$w/full.pcap" >"$w/full.pcap.zst"
    "$HS" report --sensor 192.0.2.10 --format json "$w/full.pcap.zst" >"$w/zst.json" 2>"$w/err"
    expect_eq zstd_packets "$(jq .inputs.packets "$w/zst.json")" 10
    head -c 200 "$w/full.pcap.zst" >"$w/cut.pcap.zst"
    "$HS" report --sensor 192.0.2.10 --format json "$w/cut.pcap.zst" >"$w/zcut.json" 2>"$w/err"
    expect_eq zstd_truncated_exit "$?" 1
else
    skip zstd_packets "zstd is not installed"
fi
head -c $(($(wc -c <"$w/full.bin") / 2)) "$w/full.bin" >"$w/cut.gz"
"$HS" report --sensor 192.0.2.10 --format json "$w/cut.gz" >"$w/gzcut.json" 2>"$w/err"
expect_eq gzip_truncated_exit "$?" 1
check gzip_truncated_named grep -q "'$w/cut.gz'" "$w/err"

# One bad file among good ones: the good ones still count.
"$HS" report --sensor 192.0.2.10 --format json "$w/full.pcap" "$w/text.pcap" "$w/full.bin" \
    >"$w/mixed.json" 2>"$w/err"
expect_eq mixed_exit "$?" 1
expect_eq mixed_packets "$(jq .inputs.packets "$w/mixed.json")" 20
expect_eq mixed_files_failed "$(jq .inputs.files_failed "$w/mixed.json")" 1

# Usage errors exit 2; --help exits 0 on every verb.
"$HS" report --bin fortnight "$w/full.pcap" >/dev/null 2>"$w/err"
expect_eq bad_bin_exit "$?" 2
check bad_bin_reason grep -q "hour, day, week or month" "$w/err"
"$HS" report --sensor 10.0.0.1/33 "$w/full.pcap" >/dev/null 2>"$w/err"
expect_eq bad_sensor_exit "$?" 2
check bad_sensor_reason grep -q "prefix length over 32" "$w/err"
"$HS" report --from 2009-02-30 "$w/full.pcap" >/dev/null 2>"$w/err"
expect_eq bad_date_exit "$?" 2
"$HS" report --no-such-option "$w/full.pcap" >/dev/null 2>&1
expect_eq unknown_option_exit "$?" 2
"$HS" report >/dev/null 2>&1
expect_eq no_files_exit "$?" 2
"$HS" frobnicate >/dev/null 2>&1
expect_eq unknown_verb_exit "$?" 2
"$HS" report --help >"$w/help" 2>&1
expect_eq report_help_exit "$?" 0
check report_help_mentions_bytes grep -q "IPv4 total length" "$w/help"
"$HS" --help >/dev/null 2>&1
expect_eq help_exit "$?" 0
"$HS" report --group aws=AS14618 "$w/full.pcap" >/dev/null 2>"$w/err"
expect_eq as_group_needs_pfx2as "$?" 2

# The output file is written with -o, and stdout stays empty.
"$HS" report --sensor 192.0.2.10 -o "$w/report.txt" "$w/full.pcap" >"$w/stdout" 2>&1
expect_eq output_file_exit "$?" 0
check output_file_written grep -q "honeyscope report" "$w/report.txt"
check stdout_empty test ! -s "$w/stdout"
