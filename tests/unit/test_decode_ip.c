/*
 * Unit tests of the decode stage: IPv4 (options, fragments, lengths that
 * contradict the frame) and IPv6 (extension header chains, fragments, AH/ESP,
 * limits, jumbo and payload lengths).
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

/* ---- IPv4 ---- */

static void test_ipv4_options(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 6, 12, 0, 0x1111);
    tcp(&p, 40000, 445, 0x02, 24);
    payload(&p, 7);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.src_port, 40000);
    CHECK_U64(d.dst_port, 445);
    CHECK_U64(d.ip_bytes, 32 + 24 + 7);
    CHECK_U64(d.payload_len, 7);
    CHECK(memcmp(d.payload, "abcdefg", 7) == 0);
    p.n -= 7;
    ipv4_end(&p, ip);
    check_every_cut(DLT_EN10MB_, &p);
}

static void test_ipv4_ihl_below_5(void)
{
    struct pkt p;
    struct decoded_packet d;
    for (unsigned ihl = 0; ihl < 5; ihl++) {
        eth_ipv4_tcp(&p, 0);
        p.b[14] = (uint8_t)(0x40 | ihl);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    }
}

static void test_ip_version_mismatch(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 0);
    p.b[14] = 0x65; /* an IPv4 header claiming version 6 */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    p.b[14] = 0x45;
    p.b[12] = 0x86; /* an IPv6 Ethernet type in front of IPv4 */
    p.b[13] = 0xdd;
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
}

static void test_ipv4_total_length_over_frame(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 0);
    set16(&p, 16, 45); /* one byte more than the frame holds */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    /* also when the snap length cut the frame: the wire length decides */
    CHECK_U64(dec(DLT_EN10MB_, p.b, 40, (uint32_t)p.n, &d), DECODE_MALFORMED);
}

static void test_ipv4_total_length_below_header(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 0);
    set16(&p, 16, 19);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    /* room for the IP header but not for the TCP header it announces */
    set16(&p, 16, 30);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
}

static void test_ipv4_tso_zero_length(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 1400);
    set16(&p, 16, 0);
    /* captured with a 128-byte snap length */
    CHECK_U64(dec(DLT_EN10MB_, p.b, 128, (uint32_t)p.n, &d), DECODE_OK);
    CHECK_U64(d.ip_bytes, p.n - 14);
    CHECK_U64(d.src_port, 40000);
    CHECK_U64(d.payload_len, 128 - 58);
    /* a frame with no room for the TCP header its IP header announces */
    CHECK_U64(dec(DLT_EN10MB_, p.b, 40, 40, &d), DECODE_MALFORMED);
}

static void test_ipv4_first_fragment(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 17, 0, 0x2000, 0xbeef);
    size_t u = udp(&p, 5353, 53);
    payload(&p, 1472);
    udp_end(&p, u);
    p.n = ip + 20 + 8 + 1000; /* the datagram goes on in the next fragment */
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 17);
    CHECK_U64(d.first_fragment, 1);
    CHECK_U64(d.is_fragment, 0);
    CHECK_U64(d.frag_id, 0xbeef);
    CHECK_U64(d.src_port, 5353);
    CHECK_U64(d.dst_port, 53);
    CHECK_U64(d.ip_bytes, 1028);
    CHECK_U64(d.payload_len, 1000);
    /* without the more-fragments flag the same UDP length is a contradiction */
    set16(&p, ip + 6, 0);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
}

static void test_ipv4_non_first_fragment(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 6, 0, 185, 0xbeef); /* offset 1480, last fragment */
    payload(&p, 100);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 6);
    CHECK_U64(d.is_fragment, 1);
    CHECK_U64(d.first_fragment, 0);
    CHECK_U64(d.frag_id, 0xbeef);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.dst_port, 0);
    CHECK_U64(d.tcp_flags, 0);
    CHECK_U64(d.ip_bytes, 120);
    CHECK_U64(d.payload_len, 100);
    /* the IP header is all it needs */
    CHECK_U64(dec(DLT_EN10MB_, p.b, 34, (uint32_t)p.n, &d), DECODE_OK);
    CHECK_U64(d.is_fragment, 1);
    CHECK_U64(d.payload_len, 0);
    /* and the middle of a train: offset and more-fragments */
    set16(&p, ip + 6, 0x2000 | 185);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.is_fragment, 1);
    CHECK_U64(d.first_fragment, 0);
    struct pkt cut = p;
    cut.n = 34;
    ipv4_end(&cut, ip);
    check_every_cut(DLT_EN10MB_, &cut);
}

static void test_ipv4_tiny_first_fragment(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 6, 0, 0x2000, 77);
    tcp(&p, 40000, 445, 0x02, 20);
    p.n = ip + 28; /* 8 bytes of TCP header, as "nmap -f" sends */
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.first_fragment, 1);
    CHECK_U64(d.src_port, 40000);
    CHECK_U64(d.dst_port, 445);
    CHECK_U64(d.payload_len, 0);
    /* not a fragment: a TCP header that does not fit is malformed */
    set16(&p, ip + 6, 0);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
}

static void test_ipv4_ah(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 51, 0, 0, 1);
    put8(&p, 6);
    put8(&p, 4); /* (4 + 2) * 4 = 24 bytes */
    put_zeros(&p, 22);
    tcp(&p, 500, 4500, 0x10, 20);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 6);
    CHECK_U64(d.src_port, 500);
    CHECK_U64(d.dst_port, 4500);
    check_every_cut(DLT_EN10MB_, &p);
}

static void test_other_protocol(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x0800);
    size_t ip = ipv4(&p, 47, 0, 0, 1); /* GRE */
    put32(&p, 0x00000800);
    payload(&p, 10);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 47);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.dst_port, 0);
    CHECK_U64(d.payload_len, 14);
    CHECK_U64(d.ip_bytes, 34);
    /* an IP header alone is a whole packet of an unknown protocol */
    CHECK_U64(dec(DLT_EN10MB_, p.b, 34, (uint32_t)p.n, &d), DECODE_OK);
}

/* ---- IPv6 ---- */

static void test_ipv6_tcp(void)
{
    struct pkt p;
    struct decoded_packet d;
    link_v6(&p, NULL, 0);
    payload(&p, 9);
    set16(&p, 4, 29);
    CHECK_U64(dec_pkt(DLT_RAW_, &p, &d), DECODE_OK);
    CHECK_STR(addr_text(&d.src), "2001:db8::1");
    CHECK_U64(d.ip_bytes, 69);
    CHECK_U64(d.payload_len, 9);
    CHECK_U64(d.is_fragment, 0);
    CHECK_U64(d.first_fragment, 0);
}

static void test_ipv6_extension_chain(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x86dd);
    size_t ip = ipv6(&p, 0);
    ext_header(&p, 43, 8);  /* hop-by-hop */
    ext_header(&p, 60, 24); /* routing */
    ext_header(&p, 44, 8);  /* destination options */
    frag6(&p, 60, 0, 1, 0xdeadbeef);
    ext_header(&p, 17, 16); /* destination options, after the fragment header */
    size_t u = udp(&p, 4444, 53);
    payload(&p, 2000);
    udp_end(&p, u);
    p.n = u + 8 + 1000;
    ipv6_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 17);
    CHECK_U64(d.first_fragment, 1);
    CHECK_U64(d.is_fragment, 0);
    CHECK_U64(d.frag_id, 0xdeadbeef);
    CHECK_U64(d.src_port, 4444);
    CHECK_U64(d.dst_port, 53);
    CHECK_U64(d.ip_bytes, p.n - 14);
    CHECK_U64(d.payload_len, 1000);
    struct pkt cut = p;
    cut.n = u + 8;
    ipv6_end(&cut, ip);
    udp_end(&cut, u);
    check_every_cut(DLT_EN10MB_, &cut);
}

static void test_ipv6_non_first_fragment(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x86dd);
    size_t ip = ipv6(&p, 0);
    ext_header(&p, 44, 8);
    frag6(&p, 6, 181, 0, 0x01020304);
    payload(&p, 100);
    ipv6_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 6);
    CHECK_U64(d.is_fragment, 1);
    CHECK_U64(d.first_fragment, 0);
    CHECK_U64(d.frag_id, 0x01020304);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.dst_port, 0);
    CHECK_U64(d.ip_bytes, 40 + 16 + 100);
    CHECK_U64(d.payload_len, 100);
    struct pkt cut = p;
    cut.n = 14 + 40 + 16;
    ipv6_end(&cut, ip);
    check_every_cut(DLT_EN10MB_, &cut);
}

static void test_ipv6_atomic_fragment(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x86dd);
    size_t ip = ipv6(&p, 44);
    frag6(&p, 6, 0, 0, 99);
    tcp(&p, 40000, 22, 0x12, 20);
    ipv6_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.is_fragment, 0);
    CHECK_U64(d.first_fragment, 0);
    CHECK_U64(d.src_port, 40000);
}

static void test_ipv6_ah_esp_mobility(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x86dd);
    size_t ip = ipv6(&p, 51);
    put8(&p, 60);
    put8(&p, 4); /* (4 + 2) * 4 = 24 bytes */
    put_zeros(&p, 22);
    ext_header(&p, 6, 8);
    tcp(&p, 40000, 22, 0x12, 20);
    ipv6_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 6);
    CHECK_U64(d.src_port, 40000);
    check_every_cut(DLT_EN10MB_, &p);

    p.n = 0;
    eth(&p, 0x86dd);
    ip = ipv6(&p, 50);
    put32(&p, 0x100);
    payload(&p, 40);
    ipv6_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 50);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.dst_port, 0);
    CHECK_U64(d.payload_len, 44);

    p.n = 0;
    eth(&p, 0x86dd);
    ip = ipv6(&p, 135);
    ext_header(&p, 59, 16);
    ipv6_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 59);
    check_every_cut(DLT_EN10MB_, &p);
}

static void test_ipv6_no_next_header(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x86dd);
    size_t ip = ipv6(&p, 59);
    ipv6_end(&p, ip);
    put_zeros(&p, 6); /* Ethernet padding, not counted */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    CHECK_U64(d.proto, 59);
    CHECK_U64(d.src_port, 0);
    CHECK_U64(d.ip_bytes, 40);
    CHECK_U64(d.payload_len, 0);
}

static void test_ipv6_extension_limit(void)
{
    for (unsigned count = 15; count <= 17; count++) {
        struct pkt p = {.n = 0};
        struct decoded_packet d;
        eth(&p, 0x86dd);
        size_t ip = ipv6(&p, 60);
        for (unsigned i = 0; i < count; i++)
            ext_header(&p, i + 1 < count ? 60 : 6, 8);
        tcp(&p, 1, 2, 0x02, 20);
        ipv6_end(&p, ip);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), count <= 16 ? DECODE_OK : DECODE_MALFORMED);
    }
}

static void test_ipv6_extension_beyond_payload(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x86dd);
    size_t ip = ipv6(&p, 0);
    ext_header(&p, 6, 8);
    tcp(&p, 1, 2, 0x02, 20);
    ipv6_end(&p, ip);
    p.b[ip + 41] = 4; /* 40 bytes of options in a 28-byte payload */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
    /* a fragment header that does not fit */
    set16(&p, ip + 4, 4);
    p.b[ip + 6] = 44;
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_MALFORMED);
}

static void test_ipv6_payload_over_frame(void)
{
    struct pkt p;
    struct decoded_packet d;
    link_v6(&p, NULL, 0);
    set16(&p, 4, 21);
    CHECK_U64(dec_pkt(DLT_RAW_, &p, &d), DECODE_MALFORMED);
}

static void test_ipv6_jumbo_zero_length(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x86dd);
    size_t ip = ipv6(&p, 0);
    put8(&p, 6);
    put8(&p, 0);
    put8(&p, 0xc2); /* jumbo payload option, RFC 2675 */
    put8(&p, 4);
    put32(&p, 70008);
    tcp(&p, 40000, 22, 0x10, 20);
    payload(&p, 100);
    (void)ip; /* the payload length stays zero */
    CHECK_U64(dec(DLT_EN10MB_, p.b, p.n, 70062, &d), DECODE_OK);
    CHECK_U64(d.ip_bytes, 70048);
    CHECK_U64(d.src_port, 40000);
    CHECK_U64(d.payload_len, 100);
}

int main(void)
{
    RUN(test_ipv4_options);
    RUN(test_ipv4_ihl_below_5);
    RUN(test_ip_version_mismatch);
    RUN(test_ipv4_total_length_over_frame);
    RUN(test_ipv4_total_length_below_header);
    RUN(test_ipv4_tso_zero_length);
    RUN(test_ipv4_first_fragment);
    RUN(test_ipv4_non_first_fragment);
    RUN(test_ipv4_tiny_first_fragment);
    RUN(test_ipv4_ah);
    RUN(test_other_protocol);
    RUN(test_ipv6_tcp);
    RUN(test_ipv6_extension_chain);
    RUN(test_ipv6_non_first_fragment);
    RUN(test_ipv6_atomic_fragment);
    RUN(test_ipv6_ah_esp_mobility);
    RUN(test_ipv6_no_next_header);
    RUN(test_ipv6_extension_limit);
    RUN(test_ipv6_extension_beyond_payload);
    RUN(test_ipv6_payload_over_frame);
    RUN(test_ipv6_jumbo_zero_length);
    CHECK_EXIT();
}
