# The man pages (man/) against the binaries: each verb's page lists exactly
# the options of its --help (tags compared as written: "--group NAME=FILE",
# "-o, --output FILE"), honeyscope(1) lists exactly the verbs of
# 'honeyscope --help', honeyscope-mpi(1) the options of both its verbs when
# it is built, and groff renders every page without a warning (-ww).
. "$(dirname "$0")/../lib.sh"
man="$HONEYSCOPE_ROOT/man"
mc="$HONEYSCOPE_ROOT/tests/cli/man_check.py"
w="$TEST_WORK/manpages"
mkdir -p "$w"

same() { # name want-file got-file
    if cmp -s "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "$(diff "$2" "$3" | grep '^[<>]' | sed 's/^</--help has/; s/^>/the page has/' | tr '\n' ';')"
    fi
}

"$HS" --help >"$w/main.help"
python3 "$mc" verbs "$w/main.help" >"$w/verbs.help"
python3 "$mc" man "$man/honeyscope.1" VERBS >"$w/verbs.man"
same man_honeyscope_verbs "$w/verbs.help" "$w/verbs.man"
check man_verbs_listed [ -s "$w/verbs.help" ]

for verb in $(cat "$w/verbs.help"); do
    page="$man/honeyscope-$verb.1"
    if [ ! -f "$page" ]; then
        fail "man_${verb}_page" "no $page"
        continue
    fi
    "$HS" "$verb" --help >"$w/$verb.help"
    python3 "$mc" help "$w/$verb.help" >"$w/$verb.want"
    python3 "$mc" man "$page" >"$w/$verb.got"
    same "man_${verb}_options" "$w/$verb.want" "$w/$verb.got"
done
# The parser sees the options of --help: a plain one, a short one, a repeated one.
check man_help_parsed_sensor grep -qx -- '--sensor CIDR' "$w/report.want"
check man_help_parsed_output grep -qx -- '-o, --output FILE' "$w/report.want"
check man_help_parsed_group_forms grep -qx -- '--group NAME=FILE@YYYY-MM-DD' "$w/report.want"

if [ -x "$BUILD/honeyscope-mpi" ]; then
    for verb in ingest report; do
        "$BUILD/honeyscope-mpi" "$verb" --help >"$w/mpi-$verb.help" 2>&1
        python3 "$mc" help "$w/mpi-$verb.help" >"$w/mpi-$verb.want"
        python3 "$mc" man "$man/honeyscope-mpi.1" "$(echo "$verb" | tr a-z A-Z) OPTIONS" \
            >"$w/mpi-$verb.got"
        same "man_mpi_${verb}_options" "$w/mpi-$verb.want" "$w/mpi-$verb.got"
    done
else
    skip man_mpi_options "$BUILD/honeyscope-mpi is not built"
fi

if command -v groff >/dev/null 2>&1; then
    for page in "$man"/*.[17]; do
        name=$(basename "$page")
        groff -ww -man -Tutf8 "$page" >"$w/$name.txt" 2>"$w/$name.warn"
        if [ "$?" -eq 0 ] && [ ! -s "$w/$name.warn" ] && [ -s "$w/$name.txt" ]; then
            pass "man_groff_$name"
        else
            fail "man_groff_$name" "$(head -n 3 "$w/$name.warn" | tr '\n' ' ')"
        fi
    done
    # The page on counting rules points to the full rules.
    check man_semantics_pointer grep -q 'docs/semantics\.md' "$w/honeyscope.7.txt"
else
    skip man_groff "groff is not installed (Debian: groff-base)"
fi
# A page that drifts from --help is caught: drop one option from a copy.
grep -v '^\.BI \\-\\-tmp\\-dir' "$man/honeyscope-ingest.1" >"$w/drift.1"
python3 "$mc" man "$w/drift.1" >"$w/drift.got"
check man_drift_detected sh -c "! cmp -s '$w/ingest.want' '$w/drift.got'"
