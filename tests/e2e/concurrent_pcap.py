#!/usr/bin/env python3
"""Writes a capture of many conversations open at once: N remote addresses
each send the sensor a SYN and, after every other remote's SYN, a second
packet, all within seconds (far inside any idle timeout). A table that holds
fewer flows than N must end some early; a memory budget must bound it.

usage: concurrent_pcap.py OUT SENSOR N
"""
import os
import socket
import struct
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tinypcap import checksum  # noqa: E402


def syn(src, dst, sport, seq):
    tcp = struct.pack("!HHIIBBHHH", sport, 22, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + tcp


def main():
    out, sensor, n = sys.argv[1], socket.inet_aton(sys.argv[2]), int(sys.argv[3])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        start = 1700000000
        for round_ in range(2):
            for i in range(n):
                src = struct.pack("!I", (100 << 24 | 64 << 16) + i)
                frame = syn(src, sensor, 40000 + (i & 0x3FFF), i + round_)
                usec = 5 * i + round_ * 5 * n
                f.write(struct.pack("<IIII", start + usec // 1000000, usec % 1000000,
                                    len(frame), len(frame)))
                f.write(frame)


if __name__ == "__main__":
    main()
