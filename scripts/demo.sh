#!/bin/sh
# make demo: generate the bundled 2009 scenario (a honeypot talking with the
# AWS blocks of the seed study, 2008-02-01..2009-12-11) and print the seed
# analysis of 2009 for it.
set -eu
BUILD=${1:-build}
dir="$BUILD/demo"
if [ ! -f "$dir/truth.json" ]; then
    echo "generating the seed scenario into $dir ..." >&2
    "$BUILD/tools/gen_scenario" --scenario seed --scale 1 --out "$dir"
fi
echo "running: honeyscope report --sensor 192.0.2.10/32 --group aws=scenarios/aws-2009.txt \\" >&2
echo "             --from 2009-02-01 --to 2009-12-11 $dir/honeypot-*" >&2
"$BUILD/honeyscope" report --sensor 192.0.2.10/32 --group aws=scenarios/aws-2009.txt \
    --from 2009-02-01 --to 2009-12-11 "$dir"/honeypot-*
"$BUILD/honeyscope" report --quiet --sensor 192.0.2.10/32 --group aws=scenarios/aws-2009.txt \
    --from 2009-02-01 --to 2009-12-11 --format json -o "$dir/report.json" "$dir"/honeypot-*
echo "the same report as JSON: $dir/report.json" >&2
