#!/bin/sh
# Installs the Debian packages honeyscope needs to build, test and benchmark,
# when they are missing. Safe to run every time: it does nothing when all are
# present. Usage: scripts/deps.sh [build|check|bench|package]
set -eu

build="build-essential pkg-config libpcap-dev libjansson-dev libsodium-dev zlib1g-dev
libzstd-dev libsqlite3-dev libmaxminddb-dev nettle-dev libfixbuf-dev"
check="$build clang python3 jq sqlite3 tshark tcpdump nfdump argus-client gzip zstd chromium
openmpi-bin libopenmpi-dev groff-base python3-jsonschema bash-completion dpkg-dev softflowd iproute2
zmap masscan nmap hping3 clang-format cppcheck openssh-client openssh-server openssl curl"
bench="$check time"
# make deb: debian/control's Build-Depends, and lintian to check the result.
package="$build openmpi-bin libopenmpi-dev debhelper dpkg-dev lintian"

case "${1:-build}" in
build) wanted=$build ;;
check) wanted=$check ;;
bench) wanted=$bench ;;
package) wanted=$package ;;
*) echo "usage: $0 [build|check|bench|package]" >&2; exit 2 ;;
esac

missing=
for pkg in $wanted; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "installing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=
elif command -v sudo >/dev/null 2>&1; then
    sudo=sudo
else
    echo "deps: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
# tshark asks whether non-root users may capture; the answer does not matter here.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# The tests run their own sshd inside a network namespace: a server package
# installed for them must not start a daemon on this machine. policy-rc.d
# keeps every package of this install from starting one (Debian's
# invoke-rc.d asks it), and the ssh units it enabled for the next boot are
# disabled again.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" &&
        own_policy=1
fi
# shellcheck disable=SC2086
status=0
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
    >/dev/null || status=$?
[ -n "$own_policy" ] && $sudo rm -f "$policy"
case " $missing " in
*" openssh-server "*)
    command -v systemctl >/dev/null 2>&1 &&
        $sudo systemctl disable ssh.service ssh.socket >/dev/null 2>&1 || true
    ;;
esac
exit $status
