# Shared by the shell tests: result lines in the format tests/run.sh counts,
# and the paths every test needs. Source it; it expects BUILD, TEST_WORK and
# HONEYSCOPE_ROOT from tests/run.sh (and guesses them when run by hand).
HONEYSCOPE_ROOT=${HONEYSCOPE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$HONEYSCOPE_ROOT/$BUILD" ;; esac
TEST_WORK=${TEST_WORK:-$(mktemp -d)}
HS="$BUILD/honeyscope"
GEN="$BUILD/tools/gen_scenario"
SHARED="$HONEYSCOPE_ROOT/../shared/data"
export TZ=UTC LC_ALL=C

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }

# check NAME CONDITION-COMMAND... : PASS when the command succeeds.
check() {
    name=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "$*"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# generated NAME GENERATOR-ARGS...: runs the generator once per test run into
# $TEST_WORK/NAME and prints that directory; says why on stderr and returns 1
# when the generator fails.
generated() {
    mkdir -p "$TEST_WORK"
    dir="$TEST_WORK/$1"
    shift
    if [ ! -f "$dir/truth.json" ]; then
        "$GEN" "$@" --out "$dir" >/dev/null 2>"$dir.log" || {
            echo "scenario generator failed: $(cat "$dir.log")" >&2
            return 1
        }
    fi
    echo "$dir"
}

# scenario NAME [SCALE]: a scenario of the generator, once per test run.
scenario() { generated "scenario-$1-${2:-1}" --scenario "$1" --scale "${2:-1}"; }

# flood_scenario SOURCES: the flood of SOURCES sources (one packet each).
flood_scenario() { generated "flood-$1" --scenario flood --sources "$1"; }

# read_only DIR COMMAND...: runs COMMAND with DIR read-only, even for root:
# file permissions when not root, else a read-only bind mount of DIR over
# itself in a mount namespace of the command's own (nothing is left mounted).
# Status 125 when root cannot make the mount (no CAP_SYS_ADMIN, no unshare).
read_only() {
    ro_dir=$1
    shift
    if [ "$(id -u)" -ne 0 ]; then
        chmod -R a-w "$ro_dir"
        "$@"
        ro_status=$?
        chmod -R u+w "$ro_dir"
        return "$ro_status"
    fi
    command -v unshare >/dev/null 2>&1 || return 125
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount sh -c 'mount --bind "$0" "$0" 2>/dev/null &&
        mount -o remount,bind,ro "$0" "$0" 2>/dev/null || exit 125
        exec "$@"' "$ro_dir" "$@"
}

# peak_mib COMMAND...: runs it (stdout to $w/out, stderr to $w/err, $w being
# the test's own directory) and prints its exit status and peak resident
# memory in MiB: the child's getrusage() maximum.
peak_mib() {
    # shellcheck disable=SC2154 # w is the calling test's
    python3 - "$w/out" "$w/err" "$@" <<'PY'
import resource, subprocess, sys
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "wb") as o, open(err, "wb") as e:
    status = subprocess.call(cmd, stdout=o, stderr=e)
print(status, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
}
