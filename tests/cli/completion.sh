# The bash completion (completion/honeyscope.bash) offers what --help lists:
# the verbs of 'honeyscope --help', every option of each verb's --help (and
# of honeyscope-mpi's verbs when built), and for --bin, --metric and
# --format the values their --help gives.
. "$(dirname "$0")/../lib.sh"
comp="$HONEYSCOPE_ROOT/completion/honeyscope.bash"
mc="$HONEYSCOPE_ROOT/tests/cli/man_check.py"
w="$TEST_WORK/completion"
mkdir -p "$w"
if ! command -v bash >/dev/null 2>&1; then
    skip completion "bash is not installed"
    exit 0
fi

complete_words() { # words of the command line, the last one being completed
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
        _honeyscope; printf "%s\n" "${COMPREPLY[@]}" | sort -u' sh "$comp" "$@"
}

# Option names in the tags of a --help text: "-o, --output FILE" gives -o and --output.
help_names() { # help-file
    python3 "$mc" help "$1" | sed 's/, /\n/g' | awk '$1 ~ /^-/ { print $1 }' | sort -u
}

"$HS" --help >"$w/main.help"
{ python3 "$mc" verbs "$w/main.help"; printf '%s\n' --help --version; } | sort -u >"$w/verbs.want"
complete_words honeyscope "" >"$w/verbs.got"
check completion_verbs cmp "$w/verbs.want" "$w/verbs.got"

for verb in $(python3 "$mc" verbs "$w/main.help"); do
    "$HS" "$verb" --help >"$w/$verb.help"
    { help_names "$w/$verb.help"; echo --help; } | sort -u >"$w/$verb.want"
    complete_words honeyscope "$verb" - >"$w/$verb.got"
    if cmp -s "$w/$verb.want" "$w/$verb.got"; then
        pass "completion_${verb}_options"
    else
        fail "completion_${verb}_options" "$(diff "$w/$verb.want" "$w/$verb.got" | grep '^[<>]' | tr '\n' ' ')"
    fi
done

if [ -x "$BUILD/honeyscope-mpi" ]; then
    for verb in ingest report; do
        "$BUILD/honeyscope-mpi" "$verb" --help >"$w/mpi-$verb.help" 2>&1
        { help_names "$w/mpi-$verb.help"; echo --help; } | sort -u >"$w/mpi-$verb.want"
        complete_words honeyscope-mpi "$verb" - >"$w/mpi-$verb.got"
        check "completion_mpi_${verb}_options" cmp "$w/mpi-$verb.want" "$w/mpi-$verb.got"
    done
else
    skip completion_mpi "$BUILD/honeyscope-mpi is not built"
fi

# Values: from the --help tag when it spells them (--bin day|hour), else as
# its text lists them (report --format: "text (default), json, csv ... or html").
values() { # verb option
    python3 "$mc" help "$w/$1.help" | awk -v o="$2" '$1 == o && $2 ~ /\|/ { print $2 }' |
        tr '|' '\n' | sort -u
}
expect_eq completion_bin_values "$(complete_words honeyscope report --bin "" | tr '\n' ' ')" \
    "$(values report --bin | tr '\n' ' ')"
expect_eq completion_metric_values "$(complete_words honeyscope report --metric "" | tr '\n' ' ')" \
    "$(values report --metric | tr '\n' ' ')"
expect_eq completion_lookup_format_values \
    "$(complete_words honeyscope lookup --format "" | tr '\n' ' ')" \
    "$(values lookup --format | tr '\n' ' ')"
expect_eq completion_report_format_values \
    "$(complete_words honeyscope report --format "" | tr '\n' ' ')" "csv html json text "
check completion_report_format_in_help grep -Eq \
    '^  --format FORMAT +text \(default\), json, csv .*or *$' "$w/report.help"
check completion_prefixes_actions sh -c \
    "[ \"\$(bash -c '. \"$comp\"; COMP_WORDS=(honeyscope prefixes \"\"); COMP_CWORD=2; _honeyscope; echo \${COMPREPLY[*]}')\" = 'add list remove show' ]"
