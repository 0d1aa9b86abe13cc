#!/usr/bin/env python3
"""Writes a classic pcap of backscatter, and of look-alikes that are the sensor's own,
received by the sensor 192.0.2.10 from 2009-02-01 00:00 UTC (docs/semantics.md,
"Backscatter"). Usage: backscatter_pcap.py OUT [DAYS] (DAYS later, for --compare; default 0).
tests/e2e/backscatter.sh knows what it holds:

Backscatter (victims answering packets forged with the sensor's address):
  198.51.100.50  attack 1, minutes 0-3: SYN-ACKs from port 80 to sensor ports 1024-1033,
                 one every 20 s, the first sent again 3 s later, and one from port 443
                 at 65 s; the sensor's stack resets the second one (a RST out)
                 attack 2, minute 20 (17 silent minutes later): 5 RST-ACKs from port 80
  198.51.100.51  one attack: SYN-ACKs from port 22 in minutes 5 (two) and 8 (one):
                 3 silent minutes do not cut it
  198.51.100.53  a SYN-ACK at 00:59:58 sent again at 01:00:01 (its conversation crosses
                 an hour), another at 01:00:30
  198.51.100.52  minute 10: 3 ICMP port unreachables quoting UDP from the sensor to its
                 port 53 that the sensor never sent, then 2 echo replies to no request
Not backscatter:
  198.51.100.60  the sensor's SYN to port 80, its SYN-ACK, the sensor's ACK
  198.51.100.61  first seen at its SYN-ACK from port 25 (the sensor's SYN came before
                 the capture); the sensor goes on: ACK, "EHLO x", and its ACK
  198.51.100.62  the sensor's UDP to port 53, answered with a port unreachable
  198.51.100.63  the sensor's echo request, its reply
  198.51.100.64  a router's time exceeded about the sensor's UDP to 198.51.100.62
  198.51.100.65  a SYN-ACK from port 443, then its data: a conversation whose sensor
                 side the capture does not hold
  198.51.100.66  a RST-ACK from port 8080 with a sequence number: the end of a
                 conversation, not a closed port's answer to a SYN (which has 0)
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scanners_pcap import ACK, PSH, RST, SENSOR, SYN, addr, checksum, ip, tcp  # noqa: E402

T0 = 1233446400  # 2009-02-01T00:00:00Z


def udp(src, dst, sport, dport, payload=b"", ip_id=0x2222):
    return ip(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload,
              ip_id)


def icmp(src, dst, icmp_type, code, rest=b"\0\0\0\0", body=b""):
    msg = struct.pack("!BBH", icmp_type, code, 0) + rest + body
    msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
    return ip(src, dst, 1, msg, 0x3333)


def quote(frame):
    """The IP header and first 8 bytes of a frame, as an ICMP error quotes them."""
    return frame[14:14 + 28]


def main():
    s = SENSOR
    frames = []  # (seconds after T0, frame)

    def at(t, frame):
        frames.append((t, frame))

    a, b, c = addr(50), addr(51), addr(52)
    for i in range(10):
        at(20 * i, tcp(a, s, 80, 1024 + i, 7000 + i, SYN | ACK, 8192, ack=101 + i))
    at(3, tcp(a, s, 80, 1024, 7000, SYN | ACK, 8192, ack=101))
    at(20.001, tcp(s, a, 1025, 80, 102, RST, 0))
    at(65, tcp(a, s, 443, 2000, 9000, SYN | ACK, 8192, ack=5))
    for k in range(5):
        at(1200 + k, tcp(a, s, 80, 3000 + k, 0, RST | ACK, 0, ack=77))
    at(300, tcp(b, s, 22, 4000, 1, SYN | ACK, 8192, ack=9))
    at(301, tcp(b, s, 22, 4001, 1, SYN | ACK, 8192, ack=9))
    at(480, tcp(b, s, 22, 4002, 1, SYN | ACK, 8192, ack=9))
    late = addr(53)
    at(3598, tcp(late, s, 80, 4100, 1, SYN | ACK, 8192, ack=9))
    at(3601, tcp(late, s, 80, 4100, 1, SYN | ACK, 8192, ack=9))
    at(3630, tcp(late, s, 80, 4101, 1, SYN | ACK, 8192, ack=9))
    never_sent = udp(s, c, 5000, 53, ip_id=0x4444)
    for k in range(3):
        at(600 + k, icmp(c, s, 3, 3, body=quote(never_sent)))
    for k in range(2):
        at(603 + k, icmp(c, s, 0, 0, struct.pack("!HH", 77, k)))

    d, e, f, g, h = addr(60), addr(61), addr(62), addr(63), addr(64)
    at(700, tcp(s, d, 40000, 80, 100, SYN, 64240))
    at(700.05, tcp(d, s, 80, 40000, 500, SYN | ACK, 8192, ack=101))
    at(700.1, tcp(s, d, 40000, 80, 101, ACK, 502, ack=501))
    at(710, tcp(e, s, 25, 40001, 500, SYN | ACK, 8192, ack=101))
    at(710.01, tcp(s, e, 40001, 25, 101, ACK, 502, ack=501))
    at(710.02, tcp(s, e, 40001, 25, 101, PSH | ACK, 502, ack=501, payload=b"EHLO x\r\n"))
    at(710.03, tcp(e, s, 25, 40001, 501, ACK, 8192, ack=109))
    query = udp(s, f, 5353, 53, bytes(12))
    at(720, query)
    at(720.01, icmp(f, s, 3, 3, body=quote(query)))
    at(720.02, icmp(h, s, 11, 0, body=quote(query)))
    at(730, icmp(s, g, 8, 0, struct.pack("!HH", 9, 1)))
    at(730.01, icmp(g, s, 0, 0, struct.pack("!HH", 9, 1)))

    j, k = addr(65), addr(66)
    at(740, tcp(j, s, 443, 40002, 800, SYN | ACK, 8192, ack=518))
    at(740.2, tcp(j, s, 443, 40002, 801, PSH | ACK, 8192, ack=518, payload=bytes(100)))
    at(750, tcp(k, s, 8080, 50000, 12345, RST | ACK, 0, ack=99))

    frames.sort(key=lambda x: x[0])
    t0 = T0 + 86400 * (int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    with open(sys.argv[1], "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, fr in frames:
            usec = round(t * 1000000)
            out.write(struct.pack("<IIII", t0 + usec // 1000000, usec % 1000000, len(fr),
                                  len(fr)))
            out.write(fr)


if __name__ == "__main__":
    main()
