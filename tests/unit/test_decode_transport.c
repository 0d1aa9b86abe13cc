/*
 * Unit tests of the decode stage: TCP, UDP and ICMP/ICMPv6 headers, their bad
 * offsets and lengths, and the packets ICMP errors quote.
 *
 * Packet builders and decoding helpers, shared with the other
 * test_decode_*.c, are in decode_fixture.h and decode_check.h; every
 * packet is decoded from a heap copy of exactly caplen bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode/decode.h"
#include "check.h"
#include "decode_check.h"

/* ---- TCP ---- */

static void test_tcp_flags_and_options(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 6, 0, 0, 1);
    tcp(&p, 80, 51000, 0x10 | 0x02 | 0x40 | 0x80, 40);
    payload(&p, 3);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.tcp_flags, 0xd2);
    CHECK(d.tcp_flags & TCP_SYN);
    CHECK(d.tcp_flags & TCP_ACK);
    CHECK_U64(d.src_port, 80);
    CHECK_U64(d.dst_port, 51000);
    CHECK(d.payload == p.b + 14 + 20 + 40);
    CHECK_U64(d.payload_len, 3);
}

static void test_tcp_offset_below_5(void)
{
    struct pkt p;
    struct decoded_packet d;
    for (unsigned off = 0; off < 5; off++) {
        eth_ipv4_tcp(&p, 0);
        p.b[34 + 12] = (uint8_t)(off << 4);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    }
}

static void test_tcp_offset_beyond_ip(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 10);
    p.b[34 + 12] = 15 << 4; /* 60 bytes of header in 34 bytes of IP payload */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
}

/* ---- UDP ---- */

static void test_udp_fields(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 17, 0, 0, 1);
    size_t u = udp(&p, 53, 33333);
    payload(&p, 30);
    udp_end(&p, u);
    put_zeros(&p, 4); /* IP bytes past the UDP length are not UDP payload */
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 17);
    CHECK_U64(d.src_port, 53);
    CHECK_U64(d.dst_port, 33333);
    CHECK_U64(d.tcp_flags, 0);
    CHECK_U64(d.ip_bytes, 20 + 8 + 30 + 4);
    CHECK_U64(d.payload_len, 30);
    CHECK(d.payload == p.b + 42);
    /* cut by the snap length */
    CHECK_U64(dec(DLT_EN10MB_, p.b, 50, (uint32_t)p.n, &d), DECODE_OK);
    CHECK_U64(d.payload_len, 8);
    struct pkt cut = p;
    cut.n = 42;
    ipv4_end(&cut, ip);
    udp_end(&cut, u);
    check_every_cut(DLT_EN10MB_, &cut);
}

static void test_udp_length_bad(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 17, 0, 0, 1);
    size_t u = udp(&p, 53, 33333);
    payload(&p, 30);
    udp_end(&p, u);
    ipv4_end(&p, ip);
    set16(&p, u + 4, 39); /* one more than the IP payload */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    set16(&p, u + 4, 7);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    set16(&p, u + 4, 8);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.payload_len, 0);
}

/* ---- ICMP ---- */

static void test_icmp_echo(void)
{
    static const unsigned types[] = {8, 0, 13, 14, 15, 16, 17, 18};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        struct pkt p = {.n = 0};
        struct decoded_packet d;
        eth(&p, 0x0800);
        size_t ip = ipv4(&p, 1, 0, 0, 1);
        icmp(&p, types[i], 0, 0x4242);
        payload(&p, 12);
        ipv4_end(&p, ip);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
        CHECK_U64(d.proto, 1);
        CHECK_U64(d.src_port, 0x4242);
        CHECK_U64(d.dst_port, types[i] << 8);
        CHECK(d.payload == p.b + 38);
        CHECK_U64(d.payload_len, 16);
    }
}

static void test_icmp_other_types(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 1, 0, 0, 1);
    icmp(&p, 3, 3, 0x4242); /* port unreachable: bytes 4-5 are unused */
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.dst_port, 0x0303);
    p.b[34] = 11; /* time exceeded, code 3 */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.dst_port, 0x0b03);
    p.b[34] = 200; /* no such type, still a packet */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.dst_port, 200 << 8 | 3);
}

/* The packet an ICMP error quotes (RFC 792, RFC 4443 2.4), cut at every length. */
static void test_icmp_quote(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 1, 0, 0, 1);
    icmp(&p, 3, 3, 0);
    size_t inner = ipv4(&p, 17, 4, 0, 2); /* with 4 bytes of options */
    size_t u = udp(&p, 5000, 53);
    udp_end(&p, u);
    ipv4_end(&p, inner);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.quoted, 1);
    CHECK_U64(d.quoted_proto, 17);
    CHECK_U64(d.quoted_src_port, 5000);
    CHECK_U64(d.quoted_dst_port, 53);
    CHECK(memcmp(d.quoted_src.b + 12, v4_src, 4) == 0);
    CHECK(memcmp(d.quoted_dst.b + 12, v4_dst, 4) == 0);
    /* Cut inside the quoted ports: addresses, no ports; inside the addresses: nothing. */
    size_t whole = p.n;
    for (size_t cut = 14 + 20 + 8; cut <= whole; cut++) {
        p.n = cut;
        set16(&p, ip + 2, cut - 14);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
        CHECK_U64(d.quoted, cut >= 14 + 20 + 8 + 20);
        CHECK_U64(d.quoted_dst_port, cut >= whole - 4 ? 53 : 0);
    }
    /* An echo request (not an error) quotes nothing. */
    p.n = 0;
    eth(&p, 0x0800);
    ip = ipv4(&p, 1, 0, 0, 1);
    icmp(&p, 8, 0, 7);
    payload(&p, 40);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.quoted, 0);
    /* ICMPv6 time exceeded quoting an echo request: its id and type. */
    p.n = 0;
    eth(&p, 0x86dd);
    ip = ipv6(&p, 58);
    icmp(&p, 3, 0, 0);
    size_t inner6 = ipv6(&p, 58);
    icmp(&p, 128, 0, 0x99);
    ipv6_end(&p, inner6);
    ipv6_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.quoted, 1);
    CHECK_U64(d.quoted_proto, 58);
    CHECK_U64(d.quoted_src_port, 0x99);
    CHECK_U64(d.quoted_dst_port, 128 << 8);
}

static void test_icmp_short(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 1, 0, 0, 1);
    icmp(&p, 8, 0, 0x4242);
    ipv4_end(&p, ip);
    /* an echo whose identifier the snap length cut: no identifier */
    CHECK_U64(dec(DLT_EN10MB_, p.b, 38, (uint32_t)p.n, &d), DECODE_OK);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.dst_port, 0x0800);
    CHECK_U64(dec(DLT_EN10MB_, p.b, 39, (uint32_t)p.n, &d), DECODE_OK);
    CHECK_U64(d.src_port, 0);
    /* or that the IP length leaves out */
    set16(&p, ip + 2, 24);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.src_port, 0);
    set16(&p, ip + 2, 23);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    struct pkt cut = p;
    cut.n = 38;
    ipv4_end(&cut, ip);
    check_every_cut(DLT_EN10MB_, &cut);
}

static void test_icmpv6(void)
{
    static const struct {
        unsigned type, code, id;
    } cases[] = {{128, 0, 0x1234}, {129, 0, 0x1234}, {135, 0, 0}, {1, 4, 0}, {2, 0, 0}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pkt p = {.n = 0};
        struct decoded_packet d;
        eth(&p, 0x86dd);
        size_t ip = ipv6(&p, 58);
        icmp(&p, cases[i].type, cases[i].code, 0x1234);
        payload(&p, 16);
        ipv6_end(&p, ip);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
        CHECK_U64(d.proto, 58);
        CHECK_U64(d.src_port, cases[i].id);
        CHECK_U64(d.dst_port, cases[i].type << 8 | cases[i].code);
        CHECK_U64(d.ip_bytes, 40 + 8 + 16);
        CHECK_U64(d.payload_len, 20);
        struct pkt cut = p;
        cut.n = 14 + 40 + 4;
        ipv6_end(&cut, ip);
        check_every_cut(DLT_EN10MB_, &cut);
    }
}

int main(void)
{
    RUN(test_tcp_flags_and_options);
    RUN(test_tcp_offset_below_5);
    RUN(test_tcp_offset_beyond_ip);
    RUN(test_udp_fields);
    RUN(test_udp_length_bad);
    RUN(test_icmp_echo);
    RUN(test_icmp_other_types);
    RUN(test_icmp_short);
    RUN(test_icmp_quote);
    RUN(test_icmpv6);
    CHECK_EXIT();
}
