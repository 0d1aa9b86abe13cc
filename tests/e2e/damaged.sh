# Damaged captures: every truncation, byte flips and absurd lengths in classic
# pcap, pcapng and their gzip forms; no crash, no hang, clear errors with byte
# offsets, and every record before the damage still counted. The work is done
# by damaged.py, which prints one PASS/FAIL line per family of damage.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/damaged"
mkdir -p "$w"
if ! basic=$(scenario basic); then
    fail damaged "the scenario generator failed"
    exit 0
fi
python3 "$HONEYSCOPE_ROOT/tests/e2e/damaged.py" "$HS" "$w" "$basic/basic-raw.pcapng"
