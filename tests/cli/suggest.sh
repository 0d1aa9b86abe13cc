# Suggestions: a mistyped verb or option names the nearest one; usage errors
# exit 2 with one clear message (getopt's own is silenced).
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/suggest"
mkdir -p "$w"

# first_line NAME EXIT WANT-EXIT WANT-LINE ARGS...: runs honeyscope ARGS, checks
# the exit status and the first line of stderr.
first_line() {
    name=$1 want_exit=$2 want=$3
    shift 3
    "$HS" "$@" >"$w/out" 2>"$w/err"
    got_exit=$?
    expect_eq "${name}_exit" "$got_exit" "$want_exit"
    expect_eq "$name" "$(head -n 1 "$w/err")" "$want"
}

first_line verb_swapped 2 "honeyscope: 'reprot' is not a verb; did you mean 'report'?" reprot x.pcap
first_line verb_missing_letter 2 "honeyscope: 'ingst' is not a verb; did you mean 'ingest'?" ingst
first_line verb_prefix 2 "honeyscope: 'pref' is not a verb; did you mean 'prefixes'?" pref list
first_line verb_far 2 "honeyscope: 'xyzzy' is not a verb" xyzzy
first_line option_typo 2 "honeyscope report: unknown option '--fromm'; did you mean '--from'?" \
    report --fromm 2009-01-01 x.pcap
first_line option_with_value 2 \
    "honeyscope report: unknown option '--sensr=192.0.2.10'; did you mean '--sensor'?" \
    report --sensr=192.0.2.10 x.pcap
first_line option_naming 2 "honeyscope report: unknown option '--pfx2ass'; did you mean '--pfx2as'?" \
    report --pfx2ass f x.pcap
first_line option_ingest 2 "honeyscope ingest: unknown option '--tmpdir'; did you mean '--tmp-dir'?" \
    ingest --tmpdir /tmp --db x.db x.pcap
first_line option_lookup 2 "honeyscope lookup: unknown option '--att'; did you mean '--at'?" \
    lookup --att 2009-01-01 192.0.2.1
first_line option_forget 2 "honeyscope forget: unknown option '--bd'; did you mean '--db'?" \
    forget --bd x.db x.pcap
first_line option_far 2 "honeyscope report: unknown option '--zzzzzz'" report --zzzzzz x.pcap
first_line option_needs_value 2 "honeyscope report: option '--from' needs a value" report --from
first_line short_needs_value 2 "honeyscope report: option '-o' needs a value" report x.pcap -o
first_line short_unknown 2 "honeyscope report: unknown option '-x'" report -x x.pcap
first_line option_ambiguous 2 "honeyscope report: option '--m' is ambiguous: --mmdb, --metric, ..." \
    report --m x x.pcap
expect_eq usage_hint "$(sed -n 2p "$w/err")" "Try 'honeyscope report --help'."
expect_eq one_message_only "$(wc -l <"$w/err")" 2
