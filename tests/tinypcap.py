#!/usr/bin/env python3
"""Writes a small classic pcap of UDP exchanges, for tests of file handling.

Usage: tinypcap.py OUT [PACKETS]. Packets alternate remote->sensor and
sensor->remote between 198.51.100.7 and 192.0.2.10, one second apart from
2009-02-01 00:00:00 UTC. Prints the byte offset at which each record starts,
one per line, so tests can cut the file at known places.
"""
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def frame(i):
    sensor, remote = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 7])
    src, dst = (remote, sensor) if i % 2 == 0 else (sensor, remote)
    sport, dport = (40000, 53) if i % 2 == 0 else (53, 40000)
    payload = bytes(20 + i % 7)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00"
    return eth + ip + udp


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    t0 = 1233446400  # 2009-02-01T00:00:00Z
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(count):
            print(f.tell())
            data = frame(i)
            f.write(struct.pack("<IIII", t0 + i, 0, len(data), len(data)))
            f.write(data)
        print(f.tell())


if __name__ == "__main__":
    main()
