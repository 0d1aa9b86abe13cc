# docs/store.md's example SQL: every query of the page runs in `honeyscope sql`
# against the store of the seed scenario (the one `make demo` ingests) and
# gives the first lines the page shows after it (`-->`).
. "$(dirname "$0")/../lib.sh"
seed=$(scenario seed 1) || { fail store_sql_scenario "generator failed"; exit 0; }
w="$TEST_WORK/store-sql"
rm -rf "$w"
mkdir -p "$w"
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10/32 "$seed"/honeypot-* 2>"$w/err"
expect_eq store_sql_ingest "$?" 0

count=$(python3 "$HONEYSCOPE_ROOT/tests/e2e/doc_queries.py" "$HONEYSCOPE_ROOT/docs/store.md" "$w/q")
# The page has 12 queries, 11 of them with the lines they give: none may go missing.
expect_eq store_sql_queries_found "$count $(ls "$w/q" | grep -c '\.want$')" "12 11"
for q in "$w"/q/*.sql; do
    n=$(basename "$q" .sql)
    what=$(head -n 1 "$q" | cut -c 1-60)
    if ! "$HS" sql --db "$w/s.db" <"$q" >"$w/q/$n.out" 2>"$w/q/$n.err"; then
        fail "store_sql_$n" "'$what...' failed: $(head -n 2 "$w/q/$n.err")"
    elif [ -s "$w/q/$n.err" ]; then
        fail "store_sql_$n" "'$what...' wrote to stderr: $(head -n 2 "$w/q/$n.err")"
    elif [ -f "$w/q/$n.want" ]; then
        head -n "$(wc -l <"$w/q/$n.want")" "$w/q/$n.out" >"$w/q/$n.head"
        if cmp -s "$w/q/$n.want" "$w/q/$n.head"; then
            pass "store_sql_$n"
        else
            fail "store_sql_$n" "'$what...' gave $(tr '\n' ' ' <"$w/q/$n.head"), the page says $(tr '\n' ' ' <"$w/q/$n.want")"
        fi
    else
        pass "store_sql_$n"
    fi
done

# Through the views, the store gives the report's totals (packets, bytes, flows, sources).
"$HS" sql --db "$w/s.db" "SELECT sum(packets_in), sum(packets_out), sum(bytes_in), sum(bytes_out),
  sum(flows), count(DISTINCT CASE WHEN packets_in > 0 THEN remote END) FROM traffic" >"$w/sums"
"$HS" report --quiet --db "$w/s.db" --group any --format json >"$w/r.json"
expect_eq store_sql_sums_equal_report "$(tr '|' ' ' <"$w/sums")" \
    "$(jq -r '.summary.everything | [.packets_in, .packets_out, .bytes_in, .bytes_out, .flows,
      .sources_in] | join(" ")' "$w/r.json")"
