#!/bin/sh
# make demo: generate the bundled 2009 scenario (a honeypot talking with the
# AWS blocks of the seed study, 2008-02-01..2009-12-11) and print the seed
# analysis of 2009 with 2008 beside it; also write it as HTML and JSON.
set -eu
BUILD=${1:-build}
dir="$BUILD/demo"
if [ ! -f "$dir/truth.json" ]; then
    echo "generating the seed scenario into $dir ..." >&2
    "$BUILD/tools/gen_scenario" --scenario seed --scale 1 --out "$dir"
fi
set -- --sensor 192.0.2.10/32 --group aws=scenarios/aws-2009.txt \
    --from 2009-02-01 --to 2009-12-11 --compare 2008-02-01..2008-12-11
echo "running: honeyscope report $* $dir/honeypot-*" >&2
"$BUILD/honeyscope" report "$@" "$dir"/honeypot-*
"$BUILD/honeyscope" report --quiet "$@" --format html -o "$dir/report.html" "$dir"/honeypot-*
"$BUILD/honeyscope" report --quiet "$@" --format json -o "$dir/report.json" "$dir"/honeypot-*
"$BUILD/honeyscope" report --quiet "$@" --mask --format html -o "$dir/report-masked.html" \
    "$dir"/honeypot-*
echo "the same report as HTML: $dir/report.html (masked for publication: $dir/report-masked.html)" >&2
echo "and as JSON: $dir/report.json" >&2
