#!/bin/sh
# make deb: builds honeyscope's Debian packages from the working tree with
# dpkg-buildpackage, in a copy under a temporary directory, so that the tree
# keeps no build products and its parent directory receives no .deb,
# .buildinfo or .changes files. Copies the .deb files to OUT and prints what
# lintian says about them.
# Usage: scripts/deb.sh OUT VERSION [PROFILES]   (PROFILES: e.g. nompi)
set -eu
out=$1 version=$2 profiles=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
for tool in dpkg-buildpackage dh; do
    command -v $tool >/dev/null 2>&1 || {
        echo "deb: $tool is missing (Debian: dpkg-dev debhelper; scripts/deps.sh package)" >&2
        exit 1
    }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/honeyscope-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
src="$tmp/honeyscope-$version"
mkdir -p "$src"
# The sources without build directories, the repository, or an earlier
# in-tree package build (debian/rules clean would remove those too).
(cd "$root" && tar -cf - --exclude=./.git --exclude='./build' --exclude='./build-*' \
    --exclude=./debian/build --exclude=./debian/tmp --exclude=./debian/.debhelper \
    --exclude=./debian/honeyscope --exclude=./debian/honeyscope-mpi --exclude=./debian/files \
    --exclude='./debian/*.substvars' --exclude='./debian/*.debhelper.log' \
    --exclude='__pycache__' .) | tar -xf - -C "$src"
echo "deb: building in $src" >&2
(cd "$src" && dpkg-buildpackage -us -uc -b ${profiles:+--build-profiles="$profiles"}) \
    >"$tmp/build.log" 2>&1 || {
    tail -n 40 "$tmp/build.log" >&2
    echo "deb: dpkg-buildpackage failed" >&2
    exit 1
}
mkdir -p "$out"
rm -f "$out"/*.deb
cp "$tmp"/*.deb "$out"/
cp "$tmp/build.log" "$out/build.log"
ls -l "$out"/*.deb
# lintian fails on errors only; warnings and notes are printed and kept.
if command -v lintian >/dev/null 2>&1; then
    status=0
    lintian --info --display-info "$tmp"/*.changes >"$out/lintian.txt" 2>&1 || status=$?
    echo "lintian ($out/lintian.txt):"
    cat "$out/lintian.txt"
    [ "$status" -eq 0 ] || { echo "deb: lintian reports errors" >&2; exit 1; }
else
    echo "deb: lintian is not installed, packages not checked" >&2
fi
