# make install / make uninstall: with DESTDIR and PREFIX, install puts
# exactly the binaries, the man pages (one per verb of 'honeyscope --help'),
# the bash completion and the documentation where they belong, the installed
# binary runs, and uninstall removes every file again. PREFIX defaults to
# /usr/local.
. "$(dirname "$0")/../lib.sh"
root=$HONEYSCOPE_ROOT
w="$TEST_WORK/install"
rm -rf "$w"
mkdir -p "$w/dest"
if ! command -v make >/dev/null 2>&1; then
    skip install "make is not installed"
    exit 0
fi
# -o: install what this build made, never rebuild it with other flags.
mk() {
    make -s -C "$root" BUILD="$BUILD" -o "$BUILD/honeyscope" "$@"
}
mk install DESTDIR="$w/dest" PREFIX=/opt/hs >"$w/out" 2>&1
expect_eq install_exit "$?" 0

p=opt/hs
{
    echo "$p/bin/honeyscope"
    echo "$p/share/bash-completion/completions/honeyscope"
    echo "$p/share/doc/honeyscope/README.md"
    for f in "$root"/docs/*.md "$root"/docs/*.json; do echo "$p/share/doc/honeyscope/docs/${f##*/}"; done
    echo "$p/share/man/man1/honeyscope.1"
    for verb in $("$HS" --help | python3 "$root/tests/cli/man_check.py" verbs /dev/stdin); do
        echo "$p/share/man/man1/honeyscope-$verb.1"
    done
    echo "$p/share/man/man7/honeyscope.7"
    if [ -x "$BUILD/honeyscope-mpi" ]; then
        echo "$p/bin/honeyscope-mpi"
        echo "$p/share/bash-completion/completions/honeyscope-mpi"
        echo "$p/share/man/man1/honeyscope-mpi.1"
    fi
} | sort >"$w/want"
(cd "$w/dest" && find . -type f -o -type l) | sed 's|^\./||' | sort >"$w/got"
if cmp -s "$w/want" "$w/got"; then
    pass install_files
else
    fail install_files "$(diff "$w/want" "$w/got" | grep '^[<>]' | tr '\n' ' ')"
fi
expect_eq install_binary_runs "$("$w/dest/$p/bin/honeyscope" --version)" "$("$HS" --version)"
check install_binary_mode test -x "$w/dest/$p/bin/honeyscope"
check install_completion_same cmp "$root/completion/honeyscope.bash" \
    "$w/dest/$p/share/bash-completion/completions/honeyscope"
check install_man_readable sh -c "[ \"\$(stat -c %a '$w/dest/$p/share/man/man1/honeyscope.1')\" = 644 ]"
if [ -x "$BUILD/honeyscope-mpi" ]; then
    expect_eq install_mpi_completion_link \
        "$(readlink "$w/dest/$p/share/bash-completion/completions/honeyscope-mpi")" honeyscope
fi

mk uninstall DESTDIR="$w/dest" PREFIX=/opt/hs >"$w/out" 2>&1
expect_eq uninstall_exit "$?" 0
expect_eq uninstall_removes_all "$(cd "$w/dest" && find . -type f -o -type l | wc -l | tr -d ' ')" 0
check uninstall_removes_doc_dir test ! -d "$w/dest/$p/share/doc/honeyscope"

# The default prefix.
expect_eq install_default_prefix \
    "$(mk -n install DESTDIR=/x | grep -c ' /x/usr/local/bin/honeyscope$')" 1
