#!/usr/bin/env python3
"""Writes a classic pcap of scanning tools' probes, as each tool's source builds them,
to the sensor 192.0.2.10, with near misses and ordinary traffic around them.

Usage: scanners_pcap.py OUT. tests/e2e/scanners.sh knows what it holds:
  198.51.100.1  zmap: TCP SYN to 80, 443, 8080 (id 54321, window 65535), an ICMP
                echo request and a UDP datagram to 53 (id 54321)
  198.51.100.2  masscan: SYN to 22, 23, 80, 443 (window 1024, MSS 1460, id from
                dst ^ dport ^ seq); the sensor answers 80, masscan resets it
  198.51.100.3  mirai: SYN to 23 and 2323, sequence number = destination address
  198.51.100.4  nmap: SYN to 22, 80, 443 (window 1024, MSS 1460), a FIN probe to 80
  198.51.100.5  hping3: two SYNs to 80 from one port (window 512, no options)
  198.51.100.6  zmap SYN to 80 and nmap SYN to 22: one source, two tools
  198.51.100.7  none: a Linux connection to 80 with data, a SYN with id 54321 but a
                Linux window, a SYN with window 1024 and no options
  the sensor    a SYN with zmap's marks to 203.0.113.9: sent, not received
"""
import struct
import sys
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "."))
from tinypcap import checksum  # noqa: E402

SENSOR = bytes([192, 0, 2, 10])
SYN, RST, ACK, FIN, PSH = 0x02, 0x04, 0x10, 0x01, 0x08
MSS1460 = b"\x02\x04\x05\xb4"
LINUX = b"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x01\x02\x03\x00\x00\x00\x00\x01\x03\x03\x07"


def addr(last, net=(198, 51, 100)):
    return bytes(list(net) + [last])


def ip(src, dst, proto, body, ip_id):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ip_id, 0, 250, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", checksum(h)) + h[12:]
    return b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00" + h + body


def tcp(src, dst, sport, dport, seq, flags, window, options=b"", ack=0, payload=b"", ip_id=0x1234):
    off = (20 + len(options)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, window, 0, 0)
    seg += options + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    seg = seg[:16] + struct.pack("!H", checksum(pseudo + seg)) + seg[18:]
    return ip(src, dst, 6, seg, ip_id)


def v4(b):
    return struct.unpack("!I", b)[0]


def masscan_id(dst, dport, seq):
    return (v4(dst) ^ dport ^ seq) & 0xFFFF


def main():
    frames = []
    s = SENSOR
    # zmap
    z = addr(1)
    for i, port in enumerate((80, 443, 8080)):
        frames.append(tcp(z, s, 50000 + i, port, 0x11110000 + i, SYN, 65535, MSS1460, ip_id=54321))
    echo = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1)
    echo = echo[:2] + struct.pack("!H", checksum(echo)) + echo[4:]
    frames.append(ip(z, s, 1, echo, 54321))
    udp = struct.pack("!HHHH", 50010, 53, 8 + 12, 0) + bytes(12)
    frames.append(ip(z, s, 17, udp, 54321))
    # masscan
    m = addr(2)
    for i, port in enumerate((22, 23, 80, 443)):
        seq = 0x9E3779B9 ^ (port * 2654435761 & 0xFFFFFFFF)
        frames.append(tcp(m, s, 61000, port, seq, SYN, 1024, MSS1460, ip_id=masscan_id(s, port, seq)))
        if port == 80:
            frames.append(tcp(s, m, 80, 61000, 777, SYN | ACK, 64240, MSS1460, ack=seq + 1))
            frames.append(tcp(m, s, 61000, 80, seq + 1, RST, 1024, ip_id=masscan_id(s, 80, seq + 1)))
    # mirai
    r = addr(3)
    for i, port in enumerate((23, 2323)):
        frames.append(tcp(r, s, 40000 + i, port, v4(s), SYN, 0x3A2B + i, ip_id=0x7000 + i))
    # nmap
    n = addr(4)
    for i, port in enumerate((22, 80, 443)):
        frames.append(tcp(n, s, 45000, port, 0x0BADBEEF, SYN, 1024, MSS1460, ip_id=0x2000 + i))
    frames.append(tcp(n, s, 45001, 80, 0x0BADBEEF, FIN, 1024, ip_id=0x2010))
    # hping3
    h = addr(5)
    frames.append(tcp(h, s, 2000, 80, 0x100, SYN, 512, ip_id=0x3000))
    frames.append(tcp(h, s, 2000, 80, 0x100, SYN, 512, ip_id=0x3001))
    # one source, two tools
    b = addr(6)
    frames.append(tcp(b, s, 51000, 80, 0x55, SYN, 65535, ip_id=54321))
    frames.append(tcp(b, s, 51001, 22, 0x66, SYN, 1024, MSS1460, ip_id=0x4000))
    # ordinary traffic and near misses
    o = addr(7)
    frames.append(tcp(o, s, 33000, 80, 1000, SYN, 64240, LINUX, ip_id=0x5000))
    frames.append(tcp(s, o, 80, 33000, 5000, SYN | ACK, 65160, LINUX, ack=1001))
    frames.append(tcp(o, s, 33000, 80, 1001, ACK, 502, ack=5001, ip_id=0x5001))
    req = b"GET / HTTP/1.1\r\nHost: 192.0.2.10\r\n\r\n"
    frames.append(tcp(o, s, 33000, 80, 1001, ACK | PSH, 502, ack=5001, payload=req, ip_id=0x5002))
    frames.append(tcp(o, s, 33001, 80, 2000, SYN, 64240, LINUX, ip_id=54321))
    frames.append(tcp(o, s, 33002, 80, 3000, SYN, 1024, ip_id=0x5003))
    # the sensor's own packet with zmap's marks
    frames.append(tcp(s, addr(9, (203, 0, 113)), 44000, 80, 1, SYN, 65535, ip_id=54321))

    t0 = 1233446400  # 2009-02-01T00:00:00Z
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", t0 + i, 0, len(fr), len(fr)))
            f.write(fr)


if __name__ == "__main__":
    main()
