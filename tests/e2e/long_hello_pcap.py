#!/usr/bin/env python3
"""Writes a capture of TLS ClientHellos longer than the 1024 bytes a side keeps.

Usage: long_hello_pcap.py OUT. Three conversations from 198.51.100.7 (ports
50001-50003) to the sensor 192.0.2.10, port 443, each a TCP handshake, the
client's hello and the server's ACK, one second apart from 2009-02-01:

1. a hello shaped like a current browser's, with a post-quantum key share
   (X25519MLKEM768, 1,216 bytes, beside X25519) and a GREASE
   encrypted_client_hello, 1,813 bytes in one record, sent in two segments
   (1,448 bytes and the rest);
2. the same hello in records of 1,000 bytes, in three segments;
3. a hello padded (extension 21, RFC 7685) to one record of 16 KiB, the
   longest TLS allows, in segments of 1,448 bytes.

Prints, one per line, each hello's total bytes and its JA4, computed here
from the lists this script put in, per FoxIO's specification
(technical_details/JA4.md), with hashlib's SHA-256: it shares no code with
honeyscope.
"""
import hashlib
import struct
import sys
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tinypcap import checksum  # noqa: E402

SENSOR, REMOTE = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 7])
T0 = 1233446400  # 2009-02-01T00:00:00Z
MSS = 1448

SUITES = [0x2A2A, 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8,
          0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035]
SIGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def u16s(values, len_bytes=2):
    body = b"".join(struct.pack("!H", v) for v in values)
    return (struct.pack("!B", len(body)) if len_bytes == 1 else struct.pack("!H", len(body))) + body


def ext(kind, data):
    return (kind, struct.pack("!HH", kind, len(data)) + data)


def extensions(padding=None):
    """(type, bytes) of each extension, in the order sent."""
    sni = b"\0" + struct.pack("!H", 11) + b"www.example"
    alpn = b"\x02h2\x08http/1.1"
    shares = (struct.pack("!HH", 0x3A3A, 1) + b"\0" +
              struct.pack("!HH", 0x11EC, 1216) + bytes(range(256)) * 4 + bytes(192) +
              struct.pack("!HH", 0x001D, 32) + bytes(range(32)))
    out = [ext(0x1A1A, b""), ext(0x0000, struct.pack("!H", len(sni)) + sni),
           ext(0x0017, b""), ext(0xFF01, b"\0"),
           ext(0x000A, u16s([0x3A3A, 0x11EC, 0x001D, 0x0017, 0x0018])),
           ext(0x000B, b"\x01\x00"), ext(0x0023, b""),
           ext(0x0010, struct.pack("!H", len(alpn)) + alpn),
           ext(0x0005, b"\x01\0\0\0\0"), ext(0x000D, u16s(SIGS)), ext(0x0012, b""),
           ext(0x0033, struct.pack("!H", len(shares)) + shares),
           ext(0x002D, b"\x01\x01"), ext(0x002B, u16s([0x5A5A, 0x0304, 0x0303], 1)),
           ext(0x001B, b"\x02\x00\x02"), ext(0x44CD, b"\x00\x03\x02h2"),
           # a GREASE encrypted_client_hello: outer, HKDF-SHA256/AES-128-GCM, config 7,
           # a 32-byte enc and a 240-byte payload
           ext(0xFE0D, b"\x00\x00\x01\x00\x01\x07" + struct.pack("!H", 32) + bytes(32) +
               struct.pack("!H", 240) + bytes(range(240)))]
    if padding is not None:
        out.append(ext(0x0015, bytes(padding)))
    out.append(ext(0x4A4A, b"\0"))
    return out


def hello(exts):
    """The handshake message: type, length, body."""
    body = (struct.pack("!H", 0x0303) + bytes(range(32)) + b"\x20" + bytes(range(32, 64)) +
            u16s(SUITES) + b"\x01\0")
    ext_bytes = b"".join(b for _, b in exts)
    body += struct.pack("!H", len(ext_bytes)) + ext_bytes
    return b"\x01" + struct.pack("!I", len(body))[1:] + body


def records(hs, size):
    out = b""
    for at in range(0, len(hs), size):
        frag = hs[at:at + size]
        out += b"\x16\x03\x01" + struct.pack("!H", len(frag)) + frag
    return out


def ja4(exts):
    """JA4 from the lists themselves: no parsing of the bytes."""
    suites = [s for s in SUITES if not grease(s)]
    types = [t for t, _ in exts if not grease(t)]
    h = lambda s: hashlib.sha256(s.encode()).hexdigest()[:12] if s else "0" * 12
    listed = ",".join("%04x" % t for t in sorted(t for t in types if t not in (0, 16)))
    listed += "_" + ",".join("%04x" % s for s in SIGS)
    return "t13d%02d%02dh2_%s_%s" % (min(len(suites), 99), min(len(types), 99),
                                     h(",".join("%04x" % s for s in sorted(suites))), h(listed))


def packet(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + tcp


def conversation(port, data, seg, t):
    """(time, frame) of a handshake, data sent by the client in segments of seg, the server's ACK."""
    SYN, ACK, PSH = 0x02, 0x10, 0x08
    c, s = 1000, 5000
    out = [(t, packet(REMOTE, SENSOR, port, 443, c, 0, SYN)),
           (t + 0.001, packet(SENSOR, REMOTE, 443, port, s, c + 1, SYN | ACK)),
           (t + 0.002, packet(REMOTE, SENSOR, port, 443, c + 1, s + 1, ACK))]
    at = 0
    while at < len(data):
        chunk = data[at:at + seg]
        out.append((t + 0.003 + at * 1e-6,
                    packet(REMOTE, SENSOR, port, 443, c + 1 + at, s + 1, ACK | PSH, chunk)))
        at += len(chunk)
    out.append((t + 0.01, packet(SENSOR, REMOTE, 443, port, s + 1, c + 1 + len(data), ACK)))
    return out


def main():
    browser = extensions()
    padded_base = len(hello(extensions(padding=0)))
    padded = extensions(padding=16384 - padded_base)
    hs_browser, hs_padded = hello(browser), hello(padded)
    assert len(hs_padded) == 16384
    frames = (conversation(50001, records(hs_browser, 16384), MSS, T0) +
              conversation(50002, records(hs_browser, 1000), 700, T0 + 1) +
              conversation(50003, records(hs_padded, 16384), MSS, T0 + 2))
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, data in frames:
            sec = int(t)
            f.write(struct.pack("<IIII", sec, int(round((t - sec) * 1e6)), len(data), len(data)))
            f.write(data)
    print(len(records(hs_browser, 16384)), ja4(browser))
    print(len(records(hs_browser, 1000)), ja4(browser))
    print(len(records(hs_padded, 16384)), ja4(padded))


if __name__ == "__main__":
    main()
