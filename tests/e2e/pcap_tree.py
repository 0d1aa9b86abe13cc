#!/usr/bin/env python3
"""Writes many small classic pcaps into a directory tree, for tests of
directory walks.

Usage: pcap_tree.py DIR COUNT PACKETS START STEP. File i is
DIR/d<i // 100>/f<i>.pcap with PACKETS UDP packets between 198.51.100.<i % 200 + 1>
and 192.0.2.10, starting at START + i * STEP (UTC seconds), one second apart.
"""
import os
import struct
import sys


def frame(i, k):
    sensor, remote = bytes([192, 0, 2, 10]), bytes([198, 51, 100, i % 200 + 1])
    src, dst = (remote, sensor) if k % 2 == 0 else (sensor, remote)
    sport, dport = (40000, 53) if k % 2 == 0 else (53, 40000)
    payload = bytes(20)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k, 0, 64, 17, 0, src, dst)
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + udp


def main():
    out, count, packets, start, step = sys.argv[1], *map(int, sys.argv[2:6])
    for i in range(count):
        d = os.path.join(out, "d%d" % (i // 100))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%d.pcap" % i), "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for k in range(packets):
                data = frame(i, k)
                f.write(struct.pack("<IIII", start + i * step + k, 0, len(data), len(data)))
                f.write(data)


if __name__ == "__main__":
    main()
