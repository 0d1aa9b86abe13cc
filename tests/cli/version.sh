# One version for everything: src/common/version.h defines it once; both
# binaries print it with --version; debian/changelog (the package's version)
# and the man pages' headers carry the same.
. "$(dirname "$0")/../lib.sh"
root=$HONEYSCOPE_ROOT
v=$(sed -n 's/^#define HONEYSCOPE_VERSION "\(.*\)"$/\1/p' "$root/src/common/version.h")
check version_defined [ -n "$v" ]
expect_eq version_defined_once \
    "$(grep -rl '#define HONEYSCOPE_VERSION ' "$root/src" "$root/mpi" "$root/tools" | sed "s|^$root/||")" \
    src/common/version.h
expect_eq version_honeyscope "$("$HS" --version)" "honeyscope $v"
if [ -x "$BUILD/honeyscope-mpi" ]; then
    expect_eq version_honeyscope_mpi "$("$BUILD/honeyscope-mpi" --version)" "honeyscope-mpi $v"
else
    skip version_honeyscope_mpi "$BUILD/honeyscope-mpi is not built"
fi
# A native package: the changelog's version is the program's, revision-less.
expect_eq version_debian_changelog \
    "$(sed -n '1s/^honeyscope (\([^)]*\)) .*/\1/p' "$root/debian/changelog")" "$v"
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
    expect_eq version_dpkg_parsechangelog \
        "$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)" "$v"
fi
stale=
for page in "$root"/man/*.[17]; do
    grep -q "^\.TH .* \"honeyscope $v\"" "$page" || stale="$stale $(basename "$page")"
done
expect_eq version_man_pages "${stale:-none}" none
