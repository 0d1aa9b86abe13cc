/*
 * Unit tests of the decode stage: every truncation point of a valid packet,
 * wire lengths below the capture, and random mutations that must never crash.
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

/* ---- truncation everywhere ---- */

static void test_truncated_every_byte_ethernet_ipv4_tcp(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 0);
    check_every_cut(DLT_EN10MB_, &p);
    /* with a payload, every cut inside it is fine */
    eth_ipv4_tcp(&p, 20);
    for (size_t caplen = 58; caplen <= p.n; caplen++) {
        CHECK_U64(dec(DLT_EN10MB_, p.b, caplen, (uint32_t)p.n, &d), DECODE_OK);
        CHECK_U64(d.payload_len, caplen - 58);
        CHECK_U64(d.ip_bytes, 64);
    }
}

static void test_wire_length_below_capture(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 10);
    CHECK_U64(dec(DLT_EN10MB_, p.b, p.n, 0, &d), DECODE_OK);
    check_v4_tcp(&d, 10);
}

/* ---- hostile input ---- */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void test_mutations_never_crash(void)
{
    static const int types[] = {0, 1, 9, 12, 50, 51, 104, 113, 147, 204, 205, 228, 229, 276};
    unsigned seen[DECODE_RESULT_COUNT] = {0};
    struct pkt base[4];
    eth_ipv4_tcp(&base[0], 8);
    link_v6(&base[1], NULL, 0);
    base[2].n = 0;
    eth(&base[2], 0x86dd);
    size_t ip = ipv6(&base[2], 0);
    ext_header(&base[2], 44, 8);
    frag6(&base[2], 17, 0, 1, 7);
    size_t u = udp(&base[2], 1, 2);
    udp_end(&base[2], u);
    ipv6_end(&base[2], ip);
    base[3].n = 0;
    eth(&base[3], 0x8100);
    put16(&base[3], 5);
    put16(&base[3], 0x8864);
    put32(&base[3], 0x11000001); /* PPPoE session 1 */
    put32(&base[3], 0x00280021);
    ip = ipv4(&base[3], 1, 4, 0, 1);
    icmp(&base[3], 8, 0, 1);
    ipv4_end(&base[3], ip);

    for (unsigned iter = 0; iter < 200000; iter++) {
        struct pkt p = base[rng() % 4];
        unsigned flips = 1 + rng() % 4;
        for (unsigned i = 0; i < flips; i++)
            p.b[rng() % p.n] = (uint8_t)rng();
        size_t caplen = rng() % 3 ? p.n : rng() % (p.n + 1);
        uint32_t wirelen = rng() % 4 ? (uint32_t)p.n : rng() % 2000;
        int link_type = types[rng() % (sizeof(types) / sizeof(types[0]))];
        struct decoded_packet d;
        enum decode_result r = dec(link_type, p.b, caplen, wirelen, &d);
        if ((unsigned)r < DECODE_RESULT_COUNT)
            seen[r]++;
        if (r == DECODE_OK && d.is_fragment)
            CHECK(d.src_port == 0 && d.dst_port == 0);
    }
    for (unsigned r = 0; r < DECODE_RESULT_COUNT; r++)
        CHECK(seen[r] > 0);
}

int main(void)
{
    RUN(test_truncated_every_byte_ethernet_ipv4_tcp);
    RUN(test_wire_length_below_capture);
    RUN(test_mutations_never_crash);
    CHECK_EXIT();
}
