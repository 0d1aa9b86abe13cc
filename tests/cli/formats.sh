# The CSV and HTML reports: CSV tables parse and carry the JSON report's
# numbers; the HTML page parses, has its sections and charts, and stands alone.
. "$(dirname "$0")/../lib.sh"
check_py="$HONEYSCOPE_ROOT/tests/cli/formats_check.py"
w="$TEST_WORK/formats"
mkdir -p "$w"

# Unknown formats are usage errors.
"$HS" report --format xml --sensor 192.0.2.10 /dev/null >/dev/null 2>"$w/err"
expect_eq bad_format_exit "$?" 2
check bad_format_named grep -q "csv or html" "$w/err"

basic=$(scenario basic 1) || { fail basic_scenario "generator failed"; exit 0; }
set -- "$basic"/*.pcap*
for f in json csv html; do
    "$HS" report --quiet --sensor 192.0.2.10/32 --sensor 2001:db8::10/128 \
        --group basic="$basic/groups/basic.txt" --group any --format $f "$@" \
        >"$w/basic.$f" 2>"$w/basic.$f.err"
    expect_eq "basic_${f}_exit" "$?" 0
done
python3 "$check_py" csv-json basic_csv "$w/basic.csv" "$w/basic.json"
python3 "$check_py" html basic_html "$w/basic.html" 2

seed=$(scenario seed 1) || { fail seed_scenario "generator failed"; exit 0; }
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
for f in json csv html; do
    "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any \
        --from 2009-02-01 --to 2009-12-11 --compare 2008-02-01..2008-12-11 --format $f \
        -o "$w/seed.$f" "$seed"/honeypot-* 2>"$w/seed.$f.err"
    expect_eq "seed_${f}_exit" "$?" 0
done
python3 "$check_py" csv-json seed_csv "$w/seed.csv" "$w/seed.json"
python3 "$check_py" html seed_html "$w/seed.html" 2

# The seed's port table: TCP 445 first, its share in CSV as in JSON, and in the page.
share=$(jq -r '.groups[0].ports_in[0] | "\(.proto)/\(.port)"' "$w/seed.json")
expect_eq seed_top_port "$share" "tcp/445"
check seed_html_port_bar grep -q '>TCP 445<' "$w/seed.html"
# Compared, each period's bursts are marked on its own values (filled, hollow).
check seed_html_bursts grep -q 'class="bm"' "$w/seed.html"
check seed_html_compared_bursts grep -q 'class="bm-cmp"' "$w/seed.html"
check seed_html_compared grep -q 'class="l-cin"' "$w/seed.html"

# RFC 4180 line ends, and every record with its table's number of fields (checked above).
check seed_csv_crlf python3 -c "
import sys
d = open('$w/seed.csv', 'rb').read()
sys.exit(0 if d.count(b'\\n') == d.count(b'\\r\\n') > 0 else 1)"

# Hour bins in another zone: bins and the axis still work.
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --bin hour --tz +09:00 \
    --format html "$seed"/honeypot-2009-03* >"$w/hours.html" 2>"$w/hours.err"
expect_eq hours_html_exit "$?" 0
python3 "$check_py" html hours_html "$w/hours.html" 1
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --bin hour --tz +09:00 \
    --format csv "$seed"/honeypot-2009-03* >"$w/hours.csv" 2>>"$w/hours.err"
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --bin hour --tz +09:00 \
    --format json "$seed"/honeypot-2009-03* >"$w/hours.json" 2>>"$w/hours.err"
python3 "$check_py" csv-json hours_csv "$w/hours.csv" "$w/hours.json"

# --mask: no absolute numbers, no sensor, in either format.
for f in csv html; do
    "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --from 2009-02-01 \
        --to 2009-12-11 --mask --format $f "$seed"/honeypot-* >"$w/mask.$f" 2>"$w/mask.$f.err"
    expect_eq "mask_${f}_exit" "$?" 0
done
python3 "$check_py" html mask_html "$w/mask.html" 1 --mask
check mask_csv_no_sensor sh -c "! grep -q '192\\.0\\.2\\.10' '$w/mask.csv'"
total=$(jq -r '.groups[0].totals.packets_in' "$w/seed.json")
total_commas=$(printf '%s' "$total" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta')
check mask_html_no_totals sh -c "! grep -q '>$total_commas<' '$w/mask.html'"
check mask_csv_no_totals python3 -c "
import csv, sys
rows = list(csv.reader(open('$w/mask.csv', newline='')))
i = rows.index(['# table: groups'])
g = dict(zip(rows[i + 1], rows[i + 2]))
sys.exit(0 if g['packets_in'] == '' and g['sources'] == '' else 1)"

# An AS group over dated routing snapshots, with AS names (one of them markup):
# the origin-AS and snapshot tables in CSV equal JSON's, the page still parses.
printf '; Original file : rib.20080501.0644.bz2\n67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n75.101.128.0/17\t14618\n79.125.0.0/18\t39111\n' >"$w/rib2008.dat"
printf '; Original file : rib.20090601.0600.bz2\n67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n75.101.128.0/17\t14618\n174.129.0.0/16\t14618\n' >"$w/rib2009.dat"
printf '14618 AMAZON-AES - Amazon.com, Inc., US\n39111 <b>ADSI-AS</b> "Dublin", IE\n' >"$w/names.txt"
for f in json csv html; do
    "$HS" report --quiet --sensor 192.0.2.10/32 --pfx2as "$w/rib2008.dat" --pfx2as "$w/rib2009.dat" \
        --asnames "$w/names.txt" --group amazon=AS14618,AS39111 --group any --from 2009-02-01 \
        --to 2009-12-11 --format $f -o "$w/as.$f" "$seed"/honeypot-2009-* 2>"$w/as.$f.err"
    expect_eq "as_${f}_exit" "$?" 0
done
python3 "$check_py" csv-json as_csv "$w/as.csv" "$w/as.json"
python3 "$check_py" html as_html "$w/as.html" 2
check as_html_names_escaped sh -c "! grep -q '<b>ADSI' '$w/as.html'"
check as_csv_asns python3 -c "
import csv, json, sys
rows = list(csv.reader(open('$w/as.csv', newline='')))
i = rows.index(['# table: asns_top'])
head, got = rows[i + 1], []
for r in rows[i + 2:]:
    if not r:
        break
    got.append(dict(zip(head, r)))
want = [a for g in json.load(open('$w/as.json'))['groups'] for a in g['asns_top']]
ok = len(got) == len(want) and all((g['asn'] or None) == (str(a['asn']) if a['asn'] else None)
    and abs(float(g['share']) - a['share']) < 1e-6 and int(g['sources']) == a['sources']
    for g, a in zip(got, want))
sys.exit(0 if ok and got else 1)"
