# bash completion for honeyscope and honeyscope-mpi: verbs, each verb's
# options and the values of those that take a fixed set. The lists follow
# each verb's --help; tests/cli/completion.sh checks that they still do.
# Installed as share/bash-completion/completions/honeyscope.

_honeyscope_options()
{
    case "$1" in
    report)
        echo "--sensor --group --pfx2as --mmdb --asnames --from --to --bin --tz --last --format
              -o --output -q --quiet --metric --top --compare --new-only --mask --mask-keep-evidence
              --anonymize --burst-window --burst-k --burst-min --db --threads --max-flows --memory
              --tmp-dir --snapshot-rule --snapshot-max-age --by --skip-overlapping --help" ;;
    ingest)
        echo "--db --sensor --threads --max-flows --memory --tmp-dir --watch --collect --collect-from
              --live --filter --commit-every --skip-overlapping -q --quiet --help" ;;
    anonymize)
        echo "--key --keep --strip-payload --keep-unparsed --addresses -q --quiet --help" ;;
    lookup)
        echo "--group --pfx2as --mmdb --asnames --snapshot-rule --at --format --help" ;;
    prefixes)
        echo "--db --pfx2as --mmdb --asnames --help" ;;
    forget)
        echo "--db --help" ;;
    sql)
        echo "--db --format -o --output --help" ;;
    merge)
        echo "--help" ;;
    mpi-report)
        echo "--sensor --group --pfx2as --mmdb --asnames --from --to --bin --tz --metric
              --top --compare --mask --mask-keep-evidence --burst-window --burst-k
              --burst-min --format -o --output -q --quiet --threads --max-flows
              --snapshot-rule --snapshot-max-age --by --skip-overlapping --help" ;;
    mpi-ingest)
        echo "--db --sensor --threads --max-flows -q --quiet --help" ;;
    esac
}

# One word per line, so that file names with blanks stay whole.
_honeyscope_reply()
{
    mapfile -t COMPREPLY < <(compgen "$@" -- "${COMP_WORDS[COMP_CWORD]}")
}

_honeyscope()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd=${COMP_WORDS[0]##*/} verb="" i
    local verbs="report ingest forget merge sql prefixes lookup anonymize"
    [ "$cmd" = honeyscope-mpi ] && verbs="ingest report"
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
        -*) ;;
        *) verb=${COMP_WORDS[i]}; break ;;
        esac
    done
    COMPREPLY=()
    if [ -z "$verb" ]; then
        _honeyscope_reply -W "$verbs --help --version"
        return
    fi

    case "$prev" in
    --format)
        if [ "$verb" = lookup ]; then
            _honeyscope_reply -W "text json"
        elif [ "$verb" = sql ]; then
            _honeyscope_reply -W "text csv json"
        else
            _honeyscope_reply -W "text json csv html"
        fi
        return ;;
    --bin) _honeyscope_reply -W "hour day week month"; return ;;
    --metric) _honeyscope_reply -W "packets bytes flows"; return ;;
    --snapshot-rule) _honeyscope_reply -W "before nearest"; return ;;
    --by) _honeyscope_reply -W "label asn country"; return ;;
    --top) _honeyscope_reply -W "all 0 10 20 50 100"; return ;;
    --tz) _honeyscope_reply -W "+00:00"; return ;;
    --tmp-dir | --watch) _honeyscope_reply -d; return ;;
    --db | -o | --output | --pfx2as | --mmdb | --asnames | --key | --anonymize)
        _honeyscope_reply -f; return ;;
    --live)
        _honeyscope_reply -W "$(ls /sys/class/net 2>/dev/null)"; return ;;
    --commit-every) _honeyscope_reply -W "10 60 300"; return ;;
    --compare) _honeyscope_reply -W "previous"; return ;;
    --last) _honeyscope_reply -W "1d 7d 30d"; return ;;
    --sensor | --from | --to | --at | --threads | --max-flows | --memory | \
        --burst-window | --burst-k | --burst-min | --group | --snapshot-max-age | --collect | \
        --collect-from | --commit-every | --keep | --filter)
        return ;;
    esac

    if [ "$verb" = prefixes ] && [ "$i" -eq $((COMP_CWORD - 1)) ] && [[ "$cur" != -* ]]; then
        _honeyscope_reply -W "add list remove show"
        return
    fi
    if [[ "$cur" == -* ]]; then
        local key=$verb
        [ "$cmd" = honeyscope-mpi ] && key=mpi-$verb
        _honeyscope_reply -W "$(_honeyscope_options "$key")"
        return
    fi
    _honeyscope_reply -f
}

complete -F _honeyscope -o filenames honeyscope honeyscope-mpi
