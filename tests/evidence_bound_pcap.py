#!/usr/bin/env python3
"""Writes a classic pcap of zmap SYN probes (IP id 54321, window 65535), one
from each of N sources (10.0.0.0/8 upwards) to the sensor 192.0.2.10 port 80,
one second apart from 2020-01-01 00:00:00 UTC, so that all fall in one day.

Each probe opens a flow and is evidence of its source twice (a row for the
probes, one for the flows they opened): N sources make 2N evidence rows, to
pass the bound of an evidence table of 48 MiB (about 500,000 rows).

Usage: evidence_bound_pcap.py OUT N
"""
import struct
import sys

SENSOR = bytes([192, 0, 2, 10])
START = 1577836800  # 2020-01-01T00:00:00Z


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    eth = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00"
    tcp = struct.pack("!HHIIBBHHH", 40000, 80, 0x11110000, 0, 5 << 4, 0x02, 65535, 0, 0)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            src = struct.pack("!I", 0x0A000001 + i)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 54321, 0, 250, 6, 0, src, SENSOR)
            frame = eth + ip + tcp
            f.write(struct.pack("<IIII", START + i % 86400, 0, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main()
