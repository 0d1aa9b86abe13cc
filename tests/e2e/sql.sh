# honeyscope sql: the user's SQL on a store, read-only, with ip_text(),
# ip_bytes() and ip_in(). Checked against the report (a prefix's sources and
# packets), against the plain sqlite3 shell (the same rows), against stores
# crafted to break it (hostile evidence values, a statement that writes) and
# for each format and failure (exit status, -o left as it was).
. "$(dirname "$0")/../lib.sh"
seed=$(scenario seed 1) || { fail sql_scenario "generator failed"; exit 0; }
w="$TEST_WORK/sql"
rm -rf "$w"
mkdir -p "$w"
db="$w/s.db"
"$HS" ingest -q --db "$db" --sensor 192.0.2.10/32 "$seed"/honeypot-* 2>"$w/err"
expect_eq sql_ingest "$?" 0

# ---- functions -----------------------------------------------------------------
got=$("$HS" sql --db "$db" "SELECT ip_text(x'c6336407'), ip_text(x'20010db8000000000000000000000001'),
  ip_text(x'00000000000000000000ffff01020304'), ip_text(x'010203') IS NULL, ip_text('1.2.3.4') IS NULL,
  hex(ip_bytes('198.51.100.7')), hex(ip_bytes('2001:db8::1')), ip_bytes('198.51.100') IS NULL,
  ip_bytes(x'c6336407') IS NULL, ip_bytes('1.2.3.4' || char(0)) IS NULL")
expect_eq sql_functions_text_bytes "$got" \
    "198.51.100.7|2001:db8::1|::ffff:1.2.3.4|1|1|C6336407|20010DB8000000000000000000000001|1|1|1"
got=$("$HS" sql --db "$db" "SELECT ip_in(ip_bytes('10.1.2.3'), '10.0.0.0/8'), ip_in(ip_bytes('11.0.0.1'), '10.0.0.0/8'),
  ip_in(ip_bytes('10.1.2.3'), '10.0.0.1/8') IS NULL, ip_in(ip_bytes('10.1.2.3'), '::/0'),
  ip_in(ip_bytes('2001:db8::5'), '2001:db8::/32'), ip_in(ip_bytes('10.1.2.3'), 'nonsense') IS NULL,
  ip_in(NULL, '10.0.0.0/8') IS NULL, ip_in(x'0a010203', '10.1.2.3')")
expect_eq sql_functions_in "$got" "1|0|1|0|1|1|1|1"
# Every stored address reads back as itself.
got=$("$HS" sql --db "$db" "SELECT count(*), sum(ip_bytes(ip_text(remote)) = remote) FROM traffic_raw")
expect_eq sql_functions_round_trip "$(echo "$got" | awk -F'|' '{ print ($1 > 0 && $1 == $2) }')" 1

# ---- against the report: a prefix's sources and packets ------------------------
prefix=204.236.128.0/17
echo "$prefix" >"$w/aws.txt"
"$HS" report --quiet --db "$db" --group "aws=$w/aws.txt" --format json >"$w/r.json"
want=$(jq -r '.groups[] | select(.name == "aws") | [.totals.packets_in, .totals.packets_out, .totals.bytes_in, .totals.flows, .totals.sources] | join("|")' \
    "$w/r.json" 2>/dev/null)
got=$("$HS" sql --db "$db" "SELECT sum(packets_in), sum(packets_out), sum(bytes_in), sum(flows),
  count(DISTINCT CASE WHEN packets_in > 0 THEN remote END) FROM traffic_raw WHERE ip_in(remote, '$prefix')")
check sql_report_group_found [ -n "$want" ]
expect_eq sql_prefix_equals_report "$got" "$want"

# ---- against the sqlite3 shell: the same rows, the same text -------------------
# The shell reads the tables (not the packs); the traffic and evidence views are the verb's.
if command -v sqlite3 >/dev/null 2>&1; then
    q="SELECT k.name, count(*) FROM evidence_kind k GROUP BY k.name ORDER BY k.name;
SELECT hex(address), count(*) FROM sensor_address GROUP BY 1 ORDER BY 1;
SELECT file_id, seq, rows, length(data) FROM evidence_pack ORDER BY 1, 2 LIMIT 30;
SELECT path, packets, round(100.0 * packets / (SELECT sum(packets) FROM capture_file), 3), first_ns / 1e9
  FROM capture_file ORDER BY path"
    sqlite3 "$db" "$q" >"$w/shell.out" 2>"$w/shell.err"
    "$HS" sql --db "$db" "$q" >"$w/verb.out" 2>"$w/verb.err"
    expect_eq sql_shell_exit "$?" 0
    check sql_shell_rows [ "$(wc -l <"$w/verb.out")" -gt 40 ]
    check sql_equals_shell cmp "$w/shell.out" "$w/verb.out"
    # Loudly: the shell has no traffic view, rather than one of the loose rows alone.
    sqlite3 "$db" "SELECT count(*) FROM traffic" >/dev/null 2>"$w/shell.err"
    expect_eq sql_shell_no_traffic_view "$? $(grep -c 'no such table: traffic' "$w/shell.err")" "1 1"
    sqlite3 "$db" "SELECT count(*) FROM evidence" >/dev/null 2>"$w/shell.err"
    expect_eq sql_shell_no_evidence_view "$? $(grep -c 'no such table: evidence' "$w/shell.err")" "1 1"
else
    skip sql_equals_shell "no sqlite3 shell"
fi
# ip_text() over the rows gives the view's text for every IPv4 row.
"$HS" sql --db "$db" "SELECT remote, sum(packets_in) FROM traffic WHERE remote NOT LIKE '%:%'
  GROUP BY remote ORDER BY remote" >"$w/view.out"
"$HS" sql --db "$db" "SELECT ip_text(remote) AS r, sum(packets_in) FROM traffic_raw
  WHERE length(remote) = 4 GROUP BY remote ORDER BY r" >"$w/table.out"
check sql_ip_text_rows [ "$(wc -l <"$w/table.out")" -gt 100 ]
check sql_ip_text_equals_view cmp "$w/view.out" "$w/table.out"
# Every row is in a pack: a new ingest writes no loose row.
expect_eq sql_rows_packed "$("$HS" sql --db "$db" "SELECT (SELECT count(*) FROM traffic_row),
  (SELECT sum(rows) FROM traffic_pack), (SELECT count(*) FROM traffic_raw)")" "0|14197|14197"

# ---- formats ------------------------------------------------------------------
"$HS" sql --db "$db" --format json "SELECT 1 AS a, 2.5 AS b, 'x\"y\\' AS c, x'00ff' AS d, NULL AS e,
  9e999 AS f; SELECT 1 AS none WHERE 0; SELECT ip_text(remote) AS r FROM traffic_raw LIMIT 2" >"$w/j"
expect_eq sql_json_exit "$?" 0
expect_eq sql_json_values "$(jq -c -s '.[0]' "$w/j")" '[{"a":1,"b":2.5,"c":"x\"y\\","d":"x'"'"'00ff'"'"'","e":null,"f":null}]'
expect_eq sql_json_arrays "$(jq -s 'map(length) | join(" ")' "$w/j")" '"1 0 2"'
"$HS" sql --db "$db" --format csv "SELECT 'a,b' AS \"x,y\", '=1+2' AS f, NULL AS n, 3 AS i" >"$w/c"
expect_eq sql_csv "$(cat "$w/c")" "$(printf '"x,y",f,n,i\n"a,b",'"'"'=1+2,,3')"
echo "SELECT 7; SELECT 8" | "$HS" sql --db "$db" >"$w/stdin"
expect_eq sql_stdin "$(cat "$w/stdin")" "$(printf '7\n8')"
echo "SELECT 9" | "$HS" sql --db "$db" - >"$w/dash"
expect_eq sql_stdin_dash "$(cat "$w/dash")" 9

# ---- hostile bytes: evidence values as attackers sent them ---------------------
mkdir -p "$w/in"
if python3 "$HONEYSCOPE_ROOT/tests/hostile.py" "$w/in" >/dev/null; then
    (cd "$w/in" && "$HS" ingest -q --db "$w/h.db" --sensor 192.0.2.10/32 =* '<script>alert(1)<'/script*) \
        2>"$w/h.err"
    n=$("$HS" sql --db "$w/h.db" "SELECT count(*) FROM evidence
      WHERE instr(value, char(27)) OR instr(value, x'ff') OR instr(value, x'0a')")
    check sql_hostile_values_stored [ "${n:-0}" -gt 0 ]
    for f in text csv json; do
        "$HS" sql --db "$w/h.db" --format $f "SELECT CAST(value AS TEXT) AS v, value AS b FROM evidence;
          SELECT CAST(x'1b5d303b7469746c6507ff00e280ae0a' AS TEXT)" >"$w/h.$f"
        expect_eq "sql_hostile_${f}_exit" "$?" 0
        # No raw control byte but the line ends, no byte that is not UTF-8, no bidi override.
        check "sql_hostile_${f}_no_controls" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$w/h.$f' &&
            iconv -f UTF-8 -t UTF-8 '$w/h.$f' >/dev/null 2>&1 && ! grep -q \"\$(printf '\\342\\200\\256')\" '$w/h.$f'"
        # JSON doubles the backslash of \xNN in its strings.
        esc='\x1b]0;title\x07\xff\x00\xe2\x80\xae\x0a'
        [ $f = json ] && esc=$(printf '%s\n' "$esc" | sed 's/\\/\\\\/g')
        check "sql_hostile_${f}_escaped" grep -qF "$esc" "$w/h.$f"
    done
    check sql_hostile_json_parses jq -e . "$w/h.json"
    # A cell a spreadsheet would run as a formula starts with a quote.
    check sql_hostile_csv_no_formula sh -c "! grep -qE '(^|,)[=+@-]' '$w/h.csv'"
else
    fail sql_hostile_inputs "tests/hostile.py failed"
fi

# ---- read-only: nothing the SQL says changes the store -------------------------
sums() { cat "$db" "$db-wal" 2>/dev/null | sha256sum; }
before=$(sums)
for stmt in "DELETE FROM traffic_row" "DROP TABLE capture_file" "UPDATE capture_file SET packets = 0" \
    "INSERT INTO sensor VALUES ('1.2.3.4/32', 'x')" "PRAGMA user_version = 99" "VACUUM" \
    "CREATE TABLE t (x)" "PRAGMA journal_mode = DELETE"; do
    "$HS" sql --db "$db" "SELECT 1; $stmt" >"$w/ro.out" 2>"$w/ro.err"
    status=$?
    n=$(echo "$stmt" | tr -c 'A-Za-z0-9\n' '_' | cut -c 1-20)
    expect_eq "sql_read_only_$n" "$status $(cat "$w/ro.out")" "1 1"
    check "sql_read_only_${n}_says" grep -q 'SQL statement 2 (line 1):' "$w/ro.err"
done
expect_eq sql_read_only_store_unchanged "$(sums)" "$before"
got=$("$HS" sql --db "$db" "CREATE TEMP TABLE t AS SELECT 5 AS x; SELECT x FROM t" 2>&1)
expect_eq sql_temp_table "$got" 5

# ---- failures -----------------------------------------------------------------
printf 'SELECT 1;\n\n  SELEC 2;' | "$HS" sql --db "$db" >"$w/e.out" 2>"$w/e.err"
expect_eq sql_syntax_error "$? $(cat "$w/e.out")" "1 1"
check sql_syntax_error_names_line grep -q 'SQL statement 2 (line 3): near "SELEC": syntax error' "$w/e.err"
"$HS" sql --db "$db" "SELECT * FROM nosuch" >/dev/null 2>"$w/e.err"
expect_eq sql_no_table "$?" 1
"$HS" sql --db "$db" " -- nothing
  " >/dev/null 2>"$w/e.err"
expect_eq sql_no_statement "$? $(grep -c 'no SQL statement' "$w/e.err")" "1 1"
echo "old" >"$w/o.txt"
"$HS" sql --db "$db" -o "$w/o.txt" "SELECT 1; SELECT * FROM nosuch" 2>/dev/null
expect_eq sql_output_kept_on_error "$? $(cat "$w/o.txt") $(ls "$w" | grep -c partial)" "1 old 0"
"$HS" sql --db "$db" -o "$w/o.txt" "SELECT 2"
expect_eq sql_output_written "$? $(cat "$w/o.txt")" "0 2"
echo "not a store" >"$w/plain.txt"
"$HS" sql --db "$w/plain.txt" "SELECT 1" >/dev/null 2>"$w/e.err"
expect_eq sql_not_a_store "$? $(cat "$w/plain.txt")" "1 not a store"
"$HS" sql --db "$w/missing.db" "SELECT 1" >/dev/null 2>&1
expect_eq sql_missing_store "$? $(ls "$w" | grep -c missing)" "1 0"
"$HS" sql "SELECT 1" >/dev/null 2>&1
expect_eq sql_usage_no_db "$?" 2
"$HS" sql --db "$db" --format xml "SELECT 1" >/dev/null 2>&1
expect_eq sql_usage_format "$?" 2
"$HS" sql --db "$db" "SELECT 1" "SELECT 2" >/dev/null 2>&1
expect_eq sql_usage_two_args "$?" 2
