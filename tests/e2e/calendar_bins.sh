# --bin week and --bin month: calendar bins of varying length. The seed
# scenario's daily truth, summed by ISO week and calendar month in Python, must
# equal the report's bins, from captures and from a store; a period cut
# mid-month keeps only its own days; another zone moves the month edges; the
# HTML chart and CSV carry the bins.
. "$(dirname "$0")/../lib.sh"
dir=$(scenario seed 1) || { fail calendar_scenario "generator failed"; exit 0; }
w="$TEST_WORK/calendar"
rm -rf "$w"
mkdir -p "$w"
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"

# sums TRUTH UNIT FROM TO: the truth's aws days in [FROM, TO] summed by bin.
sums() {
    python3 - "$@" <<'PY'
import datetime, json, sys
truth, unit, first, last = sys.argv[1:5]
out = {}
for p in json.load(open(truth))["groups"]["aws"]["series"]:
    day = datetime.date.fromisoformat(p["bin"])
    if not (first <= p["bin"] <= last):
        continue
    if unit == "month":
        start = day.replace(day=1)
    else:
        start = day - datetime.timedelta(days=day.weekday())
    start = max(start, datetime.date.fromisoformat(first)).isoformat()
    s = out.setdefault(start, [0, 0, 0, 0, 0])
    for i, k in enumerate(("packets_in", "packets_out", "bytes_in", "bytes_out", "flows")):
        s[i] += p[k]
print(" ".join("%s:%s" % (b, ",".join(map(str, v))) for b, v in sorted(out.items()) if any(v)))
PY
}
series() {
    jq -r '[.groups[0].series[] | select(.packets_in + .packets_out > 0)
        | "\(.bin):\(.packets_in),\(.packets_out),\(.bytes_in),\(.bytes_out),\(.flows)"] | join(" ")' "$1"
}

"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --bin month \
    --from 2008-02-01 --to 2009-12-11 --format json "$dir"/honeypot-* >"$w/month.json"
expect_eq calendar_month_exit "$?" 0
expect_eq calendar_month_sums "$(series "$w/month.json")" \
    "$(sums "$dir/truth.json" month 2008-02-01 2009-12-11)"
expect_eq calendar_month_bins "$(jq '.groups[0].series | length' "$w/month.json")" 23
expect_eq calendar_month_options "$(jq -r '.options | "\(.bin) \(.from) \(.to)"' "$w/month.json")" \
    "month 2008-02-01 2009-12-11"
expect_eq calendar_month_totals "$(jq '.groups[0] | [.series[].packets_in] | add' "$w/month.json")" \
    "$(jq '.groups[0].totals.packets_in' "$w/month.json")"

"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --bin week \
    --from 2008-02-01 --to 2009-12-11 --format json "$dir"/honeypot-* >"$w/week.json"
expect_eq calendar_week_sums "$(series "$w/week.json")" \
    "$(sums "$dir/truth.json" week 2008-02-01 2009-12-11)"
# 2008-02-01 is a Friday: the first week is cut to three days, the next starts on Monday.
expect_eq calendar_week_first "$(jq -r '[.groups[0].series[0:2][].bin] | join(" ")' "$w/week.json")" \
    "2008-02-01 2008-02-04"
expect_eq calendar_week_count "$(jq '.groups[0].series | length' "$w/week.json")" 98

# A period cut mid-month: its first bin is its first day, nothing before it counts.
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --bin month \
    --from 2009-03-15 --to 2009-05-10 --format json "$dir"/honeypot-2009-* >"$w/cut.json"
expect_eq calendar_month_cut "$(series "$w/cut.json")" \
    "$(sums "$dir/truth.json" month 2009-03-15 2009-05-10)"
expect_eq calendar_month_cut_bins "$(jq -r '[.groups[0].series[].bin] | join(" ")' "$w/cut.json")" \
    "2009-03-15 2009-04-01 2009-05-01"

# Another zone: hours at +09:00 summed by their local month equal month bins at +09:00.
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --bin hour --tz +09:00 \
    --format json "$dir"/honeypot-2009-0[3456]* >"$w/hours.json"
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --bin month --tz +09:00 \
    --format json "$dir"/honeypot-2009-0[3456]* >"$w/months9.json"
hours=$(jq -c '[.groups[0].series[] | {m: .bin[0:7], p: .packets_in}] | group_by(.m)
    | map({m: .[0].m, p: (map(.p) | add)})' "$w/hours.json")
months=$(jq -c '[.groups[0].series[] | {m: .bin[0:7], p: .packets_in}]' "$w/months9.json")
expect_eq calendar_month_zone "$months" "$hours"

# A store keeps quarter hours: the same months come out of it.
"$HS" ingest --quiet --db "$w/store.db" --sensor 192.0.2.10/32 "$dir"/honeypot-* >/dev/null 2>&1
"$HS" report --quiet --db "$w/store.db" --group aws="$aws" --bin month \
    --from 2008-02-01 --to 2009-12-11 --format json >"$w/store.json"
expect_eq calendar_month_store "$(series "$w/store.json")" "$(series "$w/month.json")"

# Bursts and a compared period run on month bins too.
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --bin month \
    --from 2009-01-01 --to 2009-06-30 --compare previous --format json "$dir"/honeypot-* \
    >"$w/cmp.json"
expect_eq calendar_compare_bins "$(jq -r '[.compare.groups[0].series[].bin] | join(" ")' "$w/cmp.json" 2>/dev/null)" \
    "2008-07-04 2008-08-01 2008-09-01 2008-10-01 2008-11-01 2008-12-01"

# CSV names the unit; the HTML axis labels months.
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --bin month --format csv \
    "$dir"/honeypot-* >"$w/month.csv"
check calendar_csv_unit grep -q ',month,' "$w/month.csv"
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --bin month --format html \
    --from 2008-02-01 --to 2009-12-11 "$dir"/honeypot-* >"$w/month.html"
# Two years of months: a tick per quarter, on the bins where a quarter begins.
check calendar_html_quarter_ticks sh -c "grep -q 'text-anchor=\"middle\">Apr<' '$w/month.html'"
python3 "$HONEYSCOPE_ROOT/tests/e2e/svg_check.py" calendar_html_month "$w/month.html" \
    "$w/month.json" --years 2008-2009
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --bin week --format html \
    --from 2008-02-01 --to 2009-12-11 "$dir"/honeypot-* >"$w/week.html"
python3 "$HONEYSCOPE_ROOT/tests/e2e/svg_check.py" calendar_html_week "$w/week.html" \
    "$w/week.json" --years 2008-2009

# Anything else is refused with a usage error.
"$HS" report --bin fortnight "$dir/honeypot-2009-01.pcap" >/dev/null 2>&1
expect_eq calendar_bin_refused "$?" 2
