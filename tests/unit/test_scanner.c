/*
 * Unit tests of the scanning-tool tags (decode/scanner.h): each tool's probe
 * built byte by byte as its source writes it, decoded, and tagged; and the
 * near misses that must stay untagged (one field off, an answer instead of a
 * probe, IPv6, a fragment, options cut by the capture).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode/decode.h"
#include "../../src/decode/scanner.h"
#include "check.h"

enum { DLT_RAW_ = 12, DLT_EN10MB_ = 1 };

struct probe {
    uint32_t src, dst;
    uint16_t ip_id;
    uint8_t ttl, proto;
    uint16_t sport, dport;
    uint32_t seq;
    uint8_t flags;
    uint16_t window;
    const uint8_t *options; /* TCP options, a multiple of 4 bytes */
    size_t options_len;
    uint8_t icmp_type;
    uint16_t frag; /* flags and offset */
};

static size_t put_be16(uint8_t *b, size_t at, unsigned v)
{
    b[at] = (uint8_t)(v >> 8);
    b[at + 1] = (uint8_t)v;
    return at + 2;
}

static size_t put_be32(uint8_t *b, size_t at, uint32_t v)
{
    at = put_be16(b, at, v >> 16);
    return put_be16(b, at, v & 0xffffu);
}

/* Writes the probe as a raw IPv4 packet into b; returns its length. */
static size_t build(const struct probe *p, uint8_t *b)
{
    size_t l4;
    memset(b, 0, 128);
    switch (p->proto) {
    case 6:
        l4 = 20 + p->options_len;
        put_be16(b, 20, p->sport);
        put_be16(b, 22, p->dport);
        put_be32(b, 24, p->seq);
        b[32] = (uint8_t)((l4 / 4) << 4);
        b[33] = p->flags;
        put_be16(b, 34, p->window);
        if (p->options_len)
            memcpy(b + 40, p->options, p->options_len);
        break;
    case 17:
        l4 = 8;
        put_be16(b, 20, p->sport);
        put_be16(b, 22, p->dport);
        put_be16(b, 24, 8);
        break;
    default:
        l4 = 8;
        b[20] = p->icmp_type;
        break;
    }
    b[0] = 0x45;
    put_be16(b, 2, (unsigned)(20 + l4));
    put_be16(b, 4, p->ip_id);
    put_be16(b, 6, p->frag);
    b[8] = p->ttl;
    b[9] = p->proto;
    put_be32(b, 12, p->src);
    put_be32(b, 16, p->dst);
    return 20 + l4;
}

static enum scanner_tool tag_of(const struct probe *pr)
{
    uint8_t b[128];
    size_t n = build(pr, b);
    struct decoded_packet p;
    if (decode_packet(DLT_RAW_, b, n, (uint32_t)n, &p) != DECODE_OK)
        return (enum scanner_tool)99;
    return scanner_tag(&p);
}

static const uint8_t mss1460[] = {0x02, 0x04, 0x05, 0xb4};
static const uint8_t mss1460_nop_ws[] = {0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07};
static const uint8_t linux_syn[] = {0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01,
                                    0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

#define SENSOR 0xc000020au /* 192.0.2.10 */
#define REMOTE 0xc6336407u /* 198.51.100.7 */

static struct probe syn(uint16_t ip_id, uint32_t seq, uint16_t window)
{
    struct probe p = {REMOTE, SENSOR, ip_id, 250, 6, 40000, 80, seq, 0x02, window, NULL, 0, 0, 0};
    return p;
}

static void test_zmap(void)
{
    struct probe p = syn(54321, 0x12345678, 65535);
    CHECK_U64(tag_of(&p), SCANNER_ZMAP);
    p.options = mss1460; /* zmap 4 sends option sets: the window and id stay */
    p.options_len = 4;
    CHECK_U64(tag_of(&p), SCANNER_ZMAP);
    /* ICMP echo request and UDP probes carry the same identification. */
    struct probe echo = {REMOTE, SENSOR, 54321, 250, 1, 0, 0, 0, 0, 0, NULL, 0, 8, 0};
    CHECK_U64(tag_of(&echo), SCANNER_ZMAP);
    struct probe dns = {REMOTE, SENSOR, 54321, 250, 17, 40000, 53, 0, 0, 0, NULL, 0, 0, 0};
    CHECK_U64(tag_of(&dns), SCANNER_ZMAP);
    /* Near misses: one off, another window, an answer, an echo reply. */
    p = syn(54320, 0x12345678, 65535);
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p = syn(54321, 0x12345678, 65534);
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p = syn(54321, 0x12345678, 65535);
    p.flags = 0x12; /* SYN-ACK */
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    echo.icmp_type = 0;
    CHECK_U64(tag_of(&echo), SCANNER_NONE);
    dns.ip_id = 54322;
    CHECK_U64(tag_of(&dns), SCANNER_NONE);
}

static void test_masscan(void)
{
    uint32_t seq = 0x8badf00d;
    uint16_t id = (uint16_t)((SENSOR ^ 80u ^ seq) & 0xffffu);
    struct probe p = syn(id, seq, 1024);
    CHECK_U64(tag_of(&p), SCANNER_MASSCAN); /* masscan before 1.3: no options */
    p.options = mss1460;                    /* 1.3 and later: MSS 1460, which nmap sends too */
    p.options_len = 4;
    CHECK_U64(tag_of(&p), SCANNER_MASSCAN);
    p.flags = 0x04; /* a RST through its probe template: the same identification rule */
    CHECK_U64(tag_of(&p), SCANNER_MASSCAN);
    /* The RSTs of its own TCP stack (tcp_create_packet) have a window of 1200. */
    p = syn(id, seq, 1200);
    p.flags = 0x04;
    CHECK_U64(tag_of(&p), SCANNER_MASSCAN);
    p = syn((uint16_t)(id + 1u), seq, 1200);
    p.flags = 0x04;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    /* Near misses: the identification of another port, or another window. */
    p = syn(id, seq, 1024);
    p.dport = 81;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p = syn((uint16_t)(id ^ 1u), seq, 1024);
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p = syn(id, seq, 1025);
    CHECK_U64(tag_of(&p), SCANNER_NONE);
}

static void test_mirai(void)
{
    struct probe p = syn(0x1234, SENSOR, 0x9f31);
    p.dport = 23;
    CHECK_U64(tag_of(&p), SCANNER_MIRAI);
    p.dport = 2323;
    CHECK_U64(tag_of(&p), SCANNER_MIRAI);
    p.seq = SENSOR + 1;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p.seq = REMOTE; /* the source's own address is no mark */
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p.seq = SENSOR;
    p.flags = 0x10; /* an ACK: part of a conversation */
    CHECK_U64(tag_of(&p), SCANNER_NONE);
}

static void test_nmap(void)
{
    struct probe p = syn(0x4d2a, 0x01020304, 1024);
    p.options = mss1460;
    p.options_len = 4;
    CHECK_U64(tag_of(&p), SCANNER_NMAP);
    /* Near misses: no option, more options, a full OS stack's SYN, another window. */
    p.options_len = 0;
    p.options = NULL;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p.options = mss1460_nop_ws;
    p.options_len = sizeof(mss1460_nop_ws);
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    /* nmap before June 2011: 1024 * (ttl % 4 + 1). */
    p.options = mss1460;
    p.options_len = 4;
    p.window = 3072;
    CHECK_U64(tag_of(&p), SCANNER_NMAP);
    p.window = 4096;
    CHECK_U64(tag_of(&p), SCANNER_NMAP);
    p.window = 5120;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p.window = 2000;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p = syn(0x4d2a, 0x01020304, 64240);
    p.options = linux_syn;
    p.options_len = sizeof(linux_syn);
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    /* FIN, NULL and Xmas probes: nmap's window and no options. */
    p = syn(0x4d2a, 0x01020304, 1024);
    p.flags = 0x01;
    CHECK_U64(tag_of(&p), SCANNER_NMAP);
    p.flags = 0x00;
    CHECK_U64(tag_of(&p), SCANNER_NMAP);
    p.flags = 0x29; /* FIN, PSH, URG */
    CHECK_U64(tag_of(&p), SCANNER_NMAP);
    /* ... and not with options (only SYN probes carry nmap's), nor a RST. */
    p.options = mss1460;
    p.options_len = 4;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p.options = NULL;
    p.options_len = 0;
    p.flags = 0x04;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p.flags = 0x01;
    p.window = 1000;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
}

static void test_hping3(void)
{
    struct probe p = syn(0x0101, 0x01020304, 512);
    CHECK_U64(tag_of(&p), SCANNER_HPING3);
    p.flags = 0; /* hping3's default: no flags at all */
    CHECK_U64(tag_of(&p), SCANNER_HPING3);
    p.options = mss1460;
    p.options_len = 4;
    CHECK_U64(tag_of(&p), SCANNER_NONE);
    p = syn(0x0101, 0x01020304, 513);
    CHECK_U64(tag_of(&p), SCANNER_NONE);
}

static void test_not_probes(void)
{
    /* IPv6 has no identification: a zmap-like TCP SYN over IPv6 is untagged. */
    uint8_t b[80];
    memset(b, 0, sizeof(b));
    b[0] = 0x60;
    b[5] = 20;
    b[6] = 6;
    b[7] = 64;
    b[39] = 1;
    b[23] = 2;
    put_be16(b, 40, 40000);
    put_be16(b, 42, 80);
    put_be32(b, 44, 0x0000d431); /* a sequence number of 54321 */
    b[52] = 0x50;
    b[53] = 0x02;
    put_be16(b, 54, 65535);
    struct decoded_packet p;
    CHECK_U64(decode_packet(DLT_RAW_, b, 60, 60, &p), DECODE_OK);
    CHECK_U64(scanner_tag(&p), SCANNER_NONE);
    /* A non-first fragment has no transport header to judge. */
    struct probe f = syn(54321, 0, 65535);
    f.frag = 10;
    CHECK_U64(tag_of(&f), SCANNER_NONE);
    /* Options cut by the capture: nmap's and hping3's rules need them whole. */
    struct probe n = syn(0x4d2a, 0x01020304, 1024);
    n.options = mss1460;
    n.options_len = 4;
    uint8_t raw[128];
    size_t len = build(&n, raw);
    CHECK_U64(decode_packet(DLT_RAW_, raw, len - 2, (uint32_t)len, &p), DECODE_TRUNCATED);
    /* Names. */
    CHECK_STR(scanner_tool_name(SCANNER_ZMAP), "zmap");
    CHECK_STR(scanner_tool_name(SCANNER_MASSCAN), "masscan");
    CHECK_STR(scanner_tool_name(SCANNER_MIRAI), "mirai");
    CHECK_STR(scanner_tool_name(SCANNER_NMAP), "nmap");
    CHECK_STR(scanner_tool_name(SCANNER_HPING3), "hping3");
    CHECK_STR(scanner_tool_name(SCANNER_NONE), "unknown");
    CHECK_STR(scanner_tool_name(SCANNER_TOOL_COUNT), "unknown");
}

int main(void)
{
    RUN(test_zmap);
    RUN(test_masscan);
    RUN(test_mirai);
    RUN(test_nmap);
    RUN(test_hping3);
    RUN(test_not_probes);
    CHECK_EXIT();
}
