#!/usr/bin/env python3
"""Damaged capture files: honeyscope must fail cleanly, never crash or hang.

Usage: damaged.py HONEYSCOPE WORKDIR BASIC-PCAPNG

Run by tests/e2e/damaged.sh. Takes small valid captures (a classic pcap
written by tests/tinypcap.py, the generator's basic-raw.pcapng, and a pcapng
written here with several interfaces, a simple packet block, a statistics
block and a second section), the gzip forms of the first and the last, the
zstd form of the first, and damages them three ways:

  truncate  cut at every byte offset;
  flip      invert each byte, and flip one bit of it, one byte at a time
            (in the generator's larger pcapng: invert every third byte);
  absurd    set snap lengths, captured lengths and block lengths to absurd
            values (0, 1, 2^31 - 1, 2^32 - 1, just past the limits, ...).

For every damaged file: the exit status is 0 or 1 (never a signal, never a
sanitizer report), the run ends within 10 s, and a file that fails has an
error naming it and the byte offset where reading stopped. For truncations
the records before the cut are all counted: exactly the complete records
for the plain files, and exactly those inside the decompressible prefix for
the gzip files. Flips inside packet data leave every record readable.

Files are run in batches through one `honeyscope report` (the JSON report
lists each file's packets and error); a batch that crashes, hangs or prints
a sanitizer report is re-run file by file to name the first failing case.
Prints one PASS/FAIL line per family.
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

HS, WORK, BASIC_PCAPNG = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BATCH = 80
TIMEOUT = 10
REPORT_ARGS = ["report", "--sensor", "192.0.2.10", "--sensor", "2001:db8::10",
               "--from", "2009-01-01", "--to", "2009-12-31", "--format", "json"]
SANITIZER_MARKS = ("Sanitizer", "runtime error:", "AddressSanitizer", "LeakSanitizer")

# ---- the valid captures ---------------------------------------------------------


def tiny_pcap(path, packets=6):
    """tests/tinypcap.py's capture; returns the record start offsets and the end."""
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tinypcap.py"), path,
                          str(packets)], check=True, capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def pcap_records(data):
    """(start, end) of each record of a little-endian classic pcap."""
    recs, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        recs.append((off, off + 16 + caplen))
        off += 16 + caplen
    return recs


def ng_block(btype, body, endian="<"):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(endian + "II", btype, n) + body + struct.pack(endian + "I", n)


def rich_pcapng():
    """A pcapng with what real files hold besides packets, all in one link type.

    Ethernet, because libpcap (1.10) refuses a second interface of a type whose
    DLT_ number differs from its LINKTYPE_ number, such as raw IP.
    """
    def ip_udp(i):
        udp = struct.pack("!HHHH", 40000 + i, 53, 8 + 12, 0) + bytes(12)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         bytes([198, 51, 100, 7]), bytes([192, 0, 2, 10])) + udp
        return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip

    def shb():
        opts = struct.pack("<HH", 3, 5) + b"test\0" + b"\0" * 3 + struct.pack("<HH", 0, 0)
        return ng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts)

    def idb(tsresol=None):
        opts = b""
        if tsresol is not None:
            opts = struct.pack("<HHB", 9, 1, tsresol) + b"\0" * 3 + struct.pack("<HH", 0, 0)
        return ng_block(1, struct.pack("<HHI", 1, 0, 65535) + opts)

    def epb(iface, ts, frame):
        return ng_block(6, struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, len(frame),
                                       len(frame)) + frame)

    t_us = 1233446400 * 10**6
    t_ns = 1233446400 * 10**9
    return (shb() + idb() + idb(tsresol=9) + epb(0, t_us, ip_udp(0)) +
            ng_block(3, struct.pack("<I", 54) + ip_udp(1)) +           # simple packet block
            ng_block(4, struct.pack("<HH", 0, 0)) +                      # name resolution
            epb(1, t_ns + 5, ip_udp(2)) +
            ng_block(5, struct.pack("<III", 0, 0, 0)) +                  # interface statistics
            ng_block(0x40000001, b"custom") +                            # unknown block type
            shb() + idb() + epb(0, t_us + 10**6, ip_udp(3)))


def pcapng_blocks(data):
    """(start, end, type) of each block of a little-endian pcapng."""
    blocks, off = [], 0
    while off + 12 <= len(data):
        btype, n = struct.unpack_from("<II", data, off)
        blocks.append((off, off + n, btype))
        off += n
    return blocks


PACKET_BLOCKS = (2, 3, 6)

# ---- what a reader must deliver ----------------------------------------------------


def pcap_expect(data):
    """For a cut of a classic pcap at c: (packets, error offset or None, header ok)."""
    recs = pcap_records(data)

    def expect(c):
        if c < 24:
            return 0, None, False
        done = [r for r in recs if r[1] <= c]
        starts = [r[0] for r in recs] + [recs[-1][1] if recs else 24]
        clean = c in starts or c == 24
        return len(done), (None if clean else (done[-1][1] if done else 24)), True
    return expect


def pcapng_expect(data):
    """For a cut of a pcapng at c: (packets, error offset or None, header ok)."""
    blocks = pcapng_blocks(data)
    first_idb_end = next(b[1] for b in blocks if b[2] == 1)

    def expect(c):
        if c < first_idb_end:
            return 0, None, False
        done = [b for b in blocks if b[2] in PACKET_BLOCKS and b[1] <= c]
        clean = c in [b[0] for b in blocks] or c == blocks[-1][1]
        record_start = done[-1][1] if done else first_idb_end
        return len(done), (None if clean else record_start), True
    return expect


def decompressible(gz_prefix):
    """How many bytes zlib can decompress from the start of a cut gzip file."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return len(d.decompress(gz_prefix))
    except zlib.error:
        return 0

# ---- running honeyscope -------------------------------------------------------------


def run(paths):
    """Runs one report over paths: (status, stderr, per-file list or None)."""
    out = os.path.join(WORK, "batch.json")
    if os.path.exists(out):
        os.remove(out)
    try:
        p = subprocess.run(["timeout", str(TIMEOUT), HS] + REPORT_ARGS + ["-o", out] + paths,
                           capture_output=True, text=True, errors="replace")
    except OSError as e:
        return 127, str(e), None
    files = None
    if p.returncode in (0, 1) and os.path.exists(out):
        try:
            with open(out) as f:
                files = json.load(f)["inputs"]["files"]
        except (ValueError, KeyError):
            files = None
    return p.returncode, p.stderr, files


def run_problem(status, stderr, files, count):
    if status == 124:
        return "did not finish within %d s" % TIMEOUT
    if status < 0 or status >= 128:
        return "killed by signal %d" % (-status if status < 0 else status - 128)
    if status not in (0, 1):
        return "exit status %d" % status
    for mark in SANITIZER_MARKS:
        if mark in stderr:
            line = next((l for l in stderr.splitlines() if mark in l), mark)
            return "sanitizer report: " + line.strip()[:200]
    if files is None or len(files) != count:
        return "no JSON report listing every file (stderr: %s)" % stderr.strip()[-200:]
    return None


def message_problem(path, error):
    """What is wrong with the error of a failed file, or None."""
    name = "'%s'" % path
    if name not in error:
        return "error does not name the file: %s" % error
    if "byte offset" not in error and "empty file" not in error:
        return "error names no byte offset: %s" % error
    return None


class Family:
    """One kind of damage: its cases, run in batches, with one result line."""

    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(WORK, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.cases = []  # (path, description, check(file entry) -> problem or None)

    def add(self, label, data, description, check=None):
        path = os.path.join(self.dir, label)
        with open(path, "wb") as f:
            f.write(data)
        self.cases.append((path, description, check))

    def first_failure(self):
        for i in range(0, len(self.cases), BATCH):
            batch = self.cases[i:i + BATCH]
            paths = [c[0] for c in batch]
            status, stderr, files = run(paths)
            if run_problem(status, stderr, files, len(paths)):
                # File by file: names the first that fails, and tells a batch
                # slowed down by a busy machine from a file that hangs.
                files = []
                for path, description, _ in batch:
                    s, e, f = run([path])
                    p = run_problem(s, e, f, 1)
                    if p:
                        return "%s: %s" % (description, p)
                    files += f
            by_path = {f["path"]: f for f in files}
            for path, description, check in batch:
                entry = by_path.get(path)
                if entry is None:
                    return "%s: not in the report's file list" % description
                if entry.get("error"):
                    p = message_problem(path, entry["error"])
                    if p:
                        return "%s: %s" % (description, p)
                if check:
                    p = check(entry)
                    if p:
                        return "%s: %s" % (description, p)
        return None

    def report(self):
        failure = self.first_failure()
        if failure:
            print("FAIL damaged_%s: %s" % (self.name, failure))
        else:
            print("PASS damaged_%s (%d files)" % (self.name, len(self.cases)))
            shutil.rmtree(self.dir, ignore_errors=True)
        sys.stdout.flush()
        return failure is None

# ---- the families ------------------------------------------------------------------


def exact(packets, offset, header_ok):
    """Check of a plain file's cut: its packets, and where the error says it stopped."""
    def check(entry):
        if entry["packets"] != packets:
            return "%d packets, want %d" % (entry["packets"], packets)
        err = entry.get("error")
        if offset is None and header_ok and err:
            return "an error for a cut at a record boundary: %s" % err
        if offset is not None and not (err and "byte offset %d " % offset in err):
            return "error %r, want one at byte offset %d" % (err, offset)
        if not header_ok and not err:
            return "no error for a cut inside the file header"
        return None
    return check


def truncations(name, data, expect, cuts=None):
    fam = Family(name)
    for c in range(len(data) + 1) if cuts is None else cuts:
        fam.add("cut%05d" % c, data[:c], "cut at byte %d" % c, exact(*expect(c)))
    return fam


def gzip_truncations(name, data, expect):
    """Cuts of the gzip form: always an error, and the decompressible records count."""
    gz = gzip.compress(data, mtime=0)
    fam = Family(name)
    for c in range(len(gz)):
        n, _, header_ok = expect(decompressible(gz[:c]))

        def check(entry, n=n, header_ok=header_ok):
            if not entry.get("error"):
                return "no error for a cut gzip file"
            if entry["packets"] != n:
                return "%d packets, want the %d decompressible ones" % (entry["packets"], n)
            return None
        fam.add("cut%05d.gz" % c, gz[:c], "cut of the gzip file at byte %d" % c, check)
    return fam


def flips(name, data, data_ranges, packets, variants=2, step=1):
    """Every byte (or every step-th) inverted, and one bit of it flipped, one at a time."""
    fam = Family(name)
    for pos in range(0, len(data), step):
        in_data = any(a <= pos < b for a, b in data_ranges)
        for variant, mask in (("inv", 0xFF), ("bit", 1 << (pos % 8)))[:variants]:
            d = bytearray(data)
            d[pos] ^= mask
            check = None
            if in_data:
                def check(entry, pos=pos):
                    if entry.get("error") or entry["packets"] != packets:
                        return "damage in packet data at byte %d cost a record: %s" % (
                            pos, entry.get("error") or "%d packets" % entry["packets"])
                    return None
            fam.add("%s%05d" % (variant, pos), bytes(d),
                    "byte %d xor 0x%02x" % (pos, mask), check)
    return fam


ABSURD32 = [0, 1, 11, 12, 13, 16, 65535, 65536, 262144, 262145, 0x7FFFFFFF, 0x80000000,
            0xFFFFFFF0, 0xFFFFFFFF]


def absurd_pcap(data):
    fam = Family("absurd_pcap")
    recs = pcap_records(data)

    def put32(at, v):
        d = bytearray(data)
        struct.pack_into("<I", d, at, v)
        return bytes(d)
    for v in ABSURD32:
        fam.add("snap%08x" % v, put32(16, v), "snaplen %u" % v)
        fam.add("link%08x" % v, put32(20, v), "link type %u" % v)
    for k in (0, len(recs) // 2, len(recs) - 1):
        start = recs[k][0]
        for v in ABSURD32:
            def at_least(entry, k=k):
                if entry["packets"] < k:
                    return "%d packets, want the %d before the damage" % (entry["packets"], k)
                return None
            fam.add("r%d-cap%08x" % (k, v), put32(start + 8, v),
                    "record %d caplen %u" % (k, v), at_least)
            fam.add("r%d-wire%08x" % (k, v), put32(start + 12, v),
                    "record %d wire length %u" % (k, v), at_least)
            both = bytearray(data)
            struct.pack_into("<II", both, start + 8, v, v)
            fam.add("r%d-both%08x" % (k, v), bytes(both),
                    "record %d caplen and wire length %u" % (k, v), at_least)
    return fam


def absurd_pcapng(name, data):
    fam = Family(name)
    blocks = pcapng_blocks(data)

    def put32(at, v):
        d = bytearray(data)
        struct.pack_into("<I", d, at, v)
        return bytes(d)
    for i, (start, end, btype) in enumerate(blocks):
        for v in ABSURD32 + [end - start - 4, end - start + 4]:
            fam.add("b%d-len%08x" % (i, v), put32(start + 4, v),
                    "block %d (type %#x) length %u" % (i, btype, v))
            fam.add("b%d-trail%08x" % (i, v), put32(end - 4, v),
                    "block %d (type %#x) trailing length %u" % (i, btype, v))
        if btype == 6:  # enhanced packet block: interface, caplen, wire length
            for v in ABSURD32:
                fam.add("b%d-cap%08x" % (i, v), put32(start + 20, v),
                        "block %d captured length %u" % (i, v))
                fam.add("b%d-wire%08x" % (i, v), put32(start + 24, v),
                        "block %d wire length %u" % (i, v))
            for v in (1, 2, 255, 0xFFFFFFFF):
                fam.add("b%d-if%08x" % (i, v), put32(start + 8, v),
                        "block %d interface %u" % (i, v))
        if btype == 1:  # interface description: link type, snaplen
            for v in ABSURD32:
                fam.add("b%d-snap%08x" % (i, v), put32(start + 12, v),
                        "block %d snaplen %u" % (i, v))
            for v in (0xFFFF, 0):
                d = bytearray(data)
                struct.pack_into("<H", d, start + 8, v)
                fam.add("b%d-link%04x" % (i, v), bytes(d), "block %d link type %u" % (i, v))
        if btype == 0x0A0D0D0A:  # section header: byte order magic, version, length
            for v in (0, 0x4D3C2B1A, 0xFFFFFFFF):
                fam.add("b%d-bom%08x" % (i, v), put32(start + 8, v),
                        "block %d byte-order magic %#x" % (i, v))
            fam.add("b%d-version" % i, put32(start + 12, 0xFFFF0002), "block %d version" % i)
            for v in (0, 0x7FFFFFFF):
                fam.add("b%d-seclen%08x" % (i, v), put32(start + 16, v),
                        "block %d section length %#x" % (i, v))
    return fam


def zstd_truncations(tiny):
    if not shutil.which("zstd"):
        print("SKIP damaged_truncate_pcap_zstd: zstd is not installed")
        return None
    zst = subprocess.run(["zstd", "-q", "-c"], input=tiny, capture_output=True,
                         check=True).stdout
    fam = Family("truncate_pcap_zstd")
    for c in range(len(zst)):
        def check(entry):
            return None if entry.get("error") else "no error for a cut zstd file"
        fam.add("cut%05d.zst" % c, zst[:c], "cut of the zstd file at byte %d" % c, check)
    return fam



def main():
    os.makedirs(WORK, exist_ok=True)
    ok = True

    tiny_path = os.path.join(WORK, "tiny.pcap")
    offsets = tiny_pcap(tiny_path)
    with open(tiny_path, "rb") as f:
        tiny = f.read()
    assert [r[0] for r in pcap_records(tiny)] == offsets[:-1], "tinypcap offsets"
    with open(BASIC_PCAPNG, "rb") as f:
        basic = f.read()
    rich = rich_pcapng()

    # The generator's pcapng (11 packets in 3 kB): cut around every block edge
    # and inside the headers, every third byte inverted.
    edges = sorted({c for a, b, t in pcapng_blocks(basic) for c in range(a - 2, a + 30)
                    if 0 <= c <= len(basic)} | set(range(0, 64)) | {len(basic)})
    basic_data = [(a + 28, b - 4) for a, b, t in pcapng_blocks(basic) if t == 6]
    rich_data = [(a + 28, b - 4) for a, b, t in pcapng_blocks(rich) if t == 6] + \
        [(a + 12, b - 4) for a, b, t in pcapng_blocks(rich) if t == 3]
    n_basic = sum(1 for b in pcapng_blocks(basic) if b[2] in PACKET_BLOCKS)
    n_rich = sum(1 for b in pcapng_blocks(rich) if b[2] in PACKET_BLOCKS)
    pcap_data = [(a + 16, b) for a, b in pcap_records(tiny)]

    families = [
        lambda: truncations("truncate_pcap", tiny, pcap_expect(tiny)),
        lambda: truncations("truncate_pcapng", rich, pcapng_expect(rich)),
        lambda: truncations("truncate_pcapng_generated", basic, pcapng_expect(basic), edges),
        lambda: gzip_truncations("truncate_pcap_gzip", tiny, pcap_expect(tiny)),
        lambda: gzip_truncations("truncate_pcapng_gzip", rich, pcapng_expect(rich)),
        lambda: zstd_truncations(tiny),
        lambda: flips("flip_pcap", tiny, pcap_data, len(pcap_data)),
        lambda: flips("flip_pcapng", rich, rich_data, n_rich),
        lambda: flips("flip_pcapng_generated", basic, basic_data, n_basic, variants=1, step=3),
        lambda: flips("flip_pcap_gzip", gzip.compress(tiny, mtime=0), [], 0),
        lambda: flips("flip_pcapng_gzip", gzip.compress(rich, mtime=0), [], 0),
        lambda: absurd_pcap(tiny),
        lambda: absurd_pcapng("absurd_pcapng", rich),
        lambda: absurd_pcapng("absurd_pcapng_generated", basic),
    ]
    for make in families:
        fam = make()
        if fam:
            ok &= fam.report()
    return 0 if ok else 1


sys.exit(main())
