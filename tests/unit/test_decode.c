/*
 * Unit tests of the decode stage: hand-built packets for every link type, IP
 * version and transport we decode, each truncation point of valid packets,
 * contradicting fields, and random mutations that must never crash.
 *
 * Every packet is decoded from a heap copy of exactly caplen bytes, so that a
 * read one byte too far is caught by AddressSanitizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode/decode.h"
#include "check.h"

/* libpcap DLT_ numbers, as the capture stage passes them. */
enum {
    DLT_NULL_ = 0,
    DLT_EN10MB_ = 1,
    DLT_PPP_ = 9,
    DLT_RAW_12 = 12,
    DLT_RAW_14 = 14,
    DLT_PPP_SERIAL_ = 50,
    DLT_PPP_ETHER_ = 51,
    DLT_RAW_ = 101,
    DLT_C_HDLC_ = 104,
    DLT_LOOP_ = 108,
    DLT_LINUX_SLL_ = 113,
    DLT_PPI_ = 192,
    DLT_PPP_WITH_DIR_ = 204,
    DLT_C_HDLC_WITH_DIR_ = 205,
    DLT_IPV4_ = 228,
    DLT_IPV6_ = 229,
    DLT_LINUX_SLL2_ = 276,
};

/* ---- packet building ---- */

struct pkt {
    uint8_t b[4096];
    size_t n;
};

static void put8(struct pkt *p, unsigned v)
{
    p->b[p->n++] = (uint8_t)v;
}

static void put16(struct pkt *p, unsigned v)
{
    put8(p, v >> 8 & 0xff);
    put8(p, v & 0xff);
}

static void put32(struct pkt *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p, v & 0xffff);
}

static void putn(struct pkt *p, const void *src, size_t n)
{
    if (n == 0)
        return; /* src may be NULL, which memcpy() must not see */
    memcpy(p->b + p->n, src, n);
    p->n += n;
}

static void put_zeros(struct pkt *p, size_t n)
{
    memset(p->b + p->n, 0, n);
    p->n += n;
}

static void set16(struct pkt *p, size_t at, size_t v)
{
    p->b[at] = (uint8_t)(v >> 8);
    p->b[at + 1] = (uint8_t)v;
}

static const uint8_t v4_src[4] = {192, 0, 2, 1};
static const uint8_t v4_dst[4] = {198, 51, 100, 7};
static const uint8_t v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static void eth(struct pkt *p, unsigned type)
{
    static const uint8_t macs[12] = {0, 1, 2, 3, 4, 5, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    putn(p, macs, 12);
    put16(p, type);
}

static void vlan_tag(struct pkt *p, unsigned tpid, unsigned vid)
{
    put16(p, tpid);
    put16(p, vid);
}

/*
 * Starts an IPv4 header with option_len bytes of options (NOPs); returns its
 * offset for ipv4_end(), which fills in the total length.
 */
static size_t ipv4(struct pkt *p, unsigned proto, size_t option_len, unsigned frag, unsigned id)
{
    size_t at = p->n;
    put8(p, 0x40 | (unsigned)((20 + option_len) / 4));
    put8(p, 0);
    put16(p, 0); /* total length: ipv4_end() */
    put16(p, id);
    put16(p, frag);
    put8(p, 64);
    put8(p, proto);
    put16(p, 0);
    putn(p, v4_src, 4);
    putn(p, v4_dst, 4);
    memset(p->b + p->n, 1, option_len);
    p->n += option_len;
    return at;
}

static void ipv4_end(struct pkt *p, size_t at)
{
    set16(p, at + 2, p->n - at);
}

static size_t ipv6(struct pkt *p, unsigned next)
{
    size_t at = p->n;
    put32(p, 0x60000000u);
    put16(p, 0); /* payload length: ipv6_end() */
    put8(p, next);
    put8(p, 64);
    putn(p, v6_src, 16);
    putn(p, v6_dst, 16);
    return at;
}

static void ipv6_end(struct pkt *p, size_t at)
{
    set16(p, at + 4, p->n - at - 40);
}

/* An extension header of the RFC 8200 shape, len bytes (a multiple of 8). */
static void ext_header(struct pkt *p, unsigned next, size_t len)
{
    put8(p, next);
    put8(p, (unsigned)(len / 8 - 1));
    memset(p->b + p->n, 0, len - 2);
    p->b[p->n] = 1; /* PadN, so the options parse */
    p->b[p->n + 1] = (uint8_t)(len - 4);
    p->n += len - 2;
}

static void frag6(struct pkt *p, unsigned next, unsigned offset, unsigned more, uint32_t id)
{
    put8(p, next);
    put8(p, 0);
    put16(p, offset << 3 | more);
    put32(p, id);
}

/* A TCP header of header_len bytes (options are NOPs). */
static void tcp(struct pkt *p, unsigned sport, unsigned dport, unsigned flags, size_t header_len)
{
    put16(p, sport);
    put16(p, dport);
    put32(p, 1000);
    put32(p, 0);
    put8(p, (unsigned)(header_len / 4) << 4);
    put8(p, flags);
    put16(p, 65535);
    put16(p, 0);
    put16(p, 0);
    memset(p->b + p->n, 1, header_len - 20);
    p->n += header_len - 20;
}

static size_t udp(struct pkt *p, unsigned sport, unsigned dport)
{
    size_t at = p->n;
    put16(p, sport);
    put16(p, dport);
    put16(p, 0); /* length: udp_end() */
    put16(p, 0);
    return at;
}

static void udp_end(struct pkt *p, size_t at)
{
    set16(p, at + 4, p->n - at);
}

static void icmp(struct pkt *p, unsigned type, unsigned code, unsigned id)
{
    put8(p, type);
    put8(p, code);
    put16(p, 0);
    put16(p, id);
    put16(p, 1); /* sequence */
}

static void payload(struct pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put8(p, (unsigned)('a' + i % 26));
}

/* Ethernet, IPv4, TCP with a 4-byte option (MSS), and payload_len bytes. */
static void eth_ipv4_tcp(struct pkt *p, size_t payload_len)
{
    p->n = 0;
    eth(p, 0x0800);
    size_t ip = ipv4(p, 6, 0, 0, 0x1111);
    tcp(p, 40000, 445, 0x02, 24);
    payload(p, payload_len);
    ipv4_end(p, ip);
}

/* ---- decoding ---- */

/*
 * Decodes from a heap copy of exactly caplen bytes, checks that a payload
 * lies within them, and points it back into the caller's bytes.
 */
static enum decode_result dec(int link_type, const uint8_t *bytes, size_t caplen, uint32_t wirelen,
                              struct decoded_packet *out)
{
    uint8_t *copy = malloc(caplen ? caplen : 1);
    if (!copy)
        abort();
    memcpy(copy, bytes, caplen);
    memset(out, 0xa5, sizeof(*out));
    enum decode_result r = decode_packet(link_type, copy, caplen, wirelen, out);
    CHECK((unsigned)r < DECODE_RESULT_COUNT);
    if (r == DECODE_OK) {
        uintptr_t start = (uintptr_t)copy, at = (uintptr_t)out->payload;
        CHECK(out->payload != NULL);
        CHECK(at >= start && at <= start + caplen);
        CHECK(out->payload_len <= caplen - (at - start));
        if (at >= start && at <= start + caplen)
            out->payload = bytes + (at - start);
        CHECK(out->ip_bytes > 0);
    }
    free(copy);
    return r;
}

/* The whole packet, captured in full. */
static enum decode_result dec_pkt(int link_type, const struct pkt *p, struct decoded_packet *out)
{
    return dec(link_type, p->b, p->n, (uint32_t)p->n, out);
}

static const char *addr_text(const struct ip_addr *a)
{
    static char buf[2][ADDR_TEXT_MAX];
    static int which;
    which ^= 1;
    return addr_format(a, buf[which]);
}

/* The fields of eth_ipv4_tcp(), whatever the link header. */
static void check_v4_tcp(const struct decoded_packet *d, size_t payload_len)
{
    CHECK_STR(addr_text(&d->src), "192.0.2.1");
    CHECK_STR(addr_text(&d->dst), "198.51.100.7");
    CHECK(addr_is_v4(&d->src));
    CHECK_U64(d->proto, 6);
    CHECK_U64(d->src_port, 40000);
    CHECK_U64(d->dst_port, 445);
    CHECK_U64(d->tcp_flags, 0x02);
    CHECK_U64(d->is_fragment, 0);
    CHECK_U64(d->first_fragment, 0);
    CHECK_U64(d->frag_id, 0);
    CHECK_U64(d->ip_bytes, 44 + payload_len);
    CHECK_U64(d->payload_len, payload_len);
}

/* IPv4 + TCP (as eth_ipv4_tcp) behind the link header given. */
static void link_v4(struct pkt *p, const uint8_t *link, size_t link_len, size_t payload_len)
{
    p->n = 0;
    putn(p, link, link_len);
    size_t ip = ipv4(p, 6, 0, 0, 0x1111);
    tcp(p, 40000, 445, 0x02, 24);
    payload(p, payload_len);
    ipv4_end(p, ip);
}

static void link_v6(struct pkt *p, const uint8_t *link, size_t link_len)
{
    p->n = 0;
    putn(p, link, link_len);
    size_t ip = ipv6(p, 6);
    tcp(p, 40000, 22, 0x12, 20);
    ipv6_end(p, ip);
}

static void check_v6_tcp(const struct decoded_packet *d)
{
    CHECK_STR(addr_text(&d->src), "2001:db8::1");
    CHECK_STR(addr_text(&d->dst), "2001:db8::2");
    CHECK(!addr_is_v4(&d->src));
    CHECK_U64(d->proto, 6);
    CHECK_U64(d->src_port, 40000);
    CHECK_U64(d->dst_port, 22);
    CHECK_U64(d->tcp_flags, 0x12);
    CHECK_U64(d->ip_bytes, 60);
}

/* Every capture shorter than p->n must be TRUNCATED, never OK nor a crash. */
static void check_every_cut(int link_type, const struct pkt *p)
{
    struct decoded_packet d;
    for (size_t caplen = 0; caplen < p->n; caplen++) {
        enum decode_result r = dec(link_type, p->b, caplen, (uint32_t)p->n, &d);
        if (r != DECODE_TRUNCATED)
            printf("    link %d, caplen %zu of %zu: %s\n", link_type, caplen, p->n,
                   decode_result_name(r));
        CHECK_U64(r, DECODE_TRUNCATED);
    }
    CHECK_U64(dec_pkt(link_type, p, &d), DECODE_OK);
}

/* ---- names and link types ---- */

static void test_result_names(void)
{
    CHECK_STR(decode_result_name(DECODE_OK), "ok");
    CHECK_STR(decode_result_name(DECODE_TRUNCATED), "truncated");
    CHECK_STR(decode_result_name(DECODE_MALFORMED), "malformed");
    CHECK_STR(decode_result_name(DECODE_UNSUPPORTED), "unsupported");
    CHECK_STR(decode_result_name(DECODE_NOT_IP), "not-ip");
}

static void test_link_supported(void)
{
    static const int known[] = {0,   1,   9,   12,  14,  50,  51,  101, 104,
                                108, 113, 192, 204, 205, 228, 229, 276};
    static const int unknown[] = {-1, 2, 6, 105, 127, 147, 1000, 100000};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        CHECK(decode_link_supported(known[i]));
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        CHECK(!decode_link_supported(unknown[i]));
}

static void test_unknown_link_type(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 0);
    CHECK_U64(dec_pkt(127, &p, &d), DECODE_UNSUPPORTED); /* radiotap */
    CHECK_U64(dec_pkt(105, &p, &d), DECODE_UNSUPPORTED); /* 802.11 */
    CHECK_U64(dec_pkt(-1, &p, &d), DECODE_UNSUPPORTED);
    CHECK_U64(dec(147, p.b, 0, 0, &d), DECODE_UNSUPPORTED);
}

/* ---- Ethernet ---- */

static void test_ethernet_ipv4_tcp(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 5);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 5);
    CHECK(d.payload == p.b + 14 + 20 + 24);
    CHECK(memcmp(d.payload, "abcde", 5) == 0);
}

static void test_ethernet_padding_not_counted(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 0);
    put_zeros(&p, 60 - p.n); /* 58-byte frame padded to the Ethernet minimum */
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
}

static void test_snaplen_clips_payload(void)
{
    struct pkt p;
    struct decoded_packet d;
    eth_ipv4_tcp(&p, 1000);
    CHECK_U64(dec(DLT_EN10MB_, p.b, 68, (uint32_t)p.n, &d), DECODE_OK);
    CHECK_U64(d.ip_bytes, 1044);
    CHECK_U64(d.payload_len, 68 - 58);
}

static void test_vlan(void)
{
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x8100);
    put16(&p, 100);
    put16(&p, 0x0800);
    size_t ip = ipv4(&p, 6, 0, 0, 0x1111);
    tcp(&p, 40000, 445, 0x02, 24);
    ipv4_end(&p, ip);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_EN10MB_, &p);
}

static void test_qinq(void)
{
    static const unsigned outer[] = {0x88a8, 0x9100, 0x8100};
    for (size_t i = 0; i < 3; i++) {
        struct pkt p = {.n = 0};
        struct decoded_packet d;
        eth(&p, outer[i]);
        put16(&p, 10);
        vlan_tag(&p, 0x8100, 20);
        put16(&p, 0x86dd);
        size_t ip = ipv6(&p, 6);
        tcp(&p, 40000, 22, 0x12, 20);
        ipv6_end(&p, ip);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
        check_v6_tcp(&d);
        check_every_cut(DLT_EN10MB_, &p);
    }
}

static void test_vlan_tag_limit(void)
{
    for (unsigned tags = 7; tags <= 9; tags++) {
        struct pkt p = {.n = 0};
        struct decoded_packet d;
        eth(&p, 0x88a8);
        put16(&p, 1);
        for (unsigned i = 1; i < tags; i++)
            vlan_tag(&p, 0x8100, i + 1);
        put16(&p, 0x0800);
        size_t ip = ipv4(&p, 6, 0, 0, 0x1111);
        tcp(&p, 40000, 445, 0x02, 24);
        ipv4_end(&p, ip);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), tags <= 8 ? DECODE_OK : DECODE_UNSUPPORTED);
    }
}

static void test_not_ip(void)
{
    static const unsigned types[] = {0x0806, 0x88cc, 0x8035, 0x8863, 0x888e, 0x0026, 0x05dc};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        struct pkt p = {.n = 0};
        struct decoded_packet d;
        eth(&p, types[i]);
        put_zeros(&p, 46);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_NOT_IP);
    }
    /* ARP behind a VLAN tag, and in a Linux cooked capture */
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    eth(&p, 0x8100);
    put16(&p, 5);
    put16(&p, 0x0806);
    put_zeros(&p, 28);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_NOT_IP);
}

static void test_mpls_unsupported(void)
{
    static const unsigned types[] = {0x8847, 0x8848, 0x88e7};
    for (size_t i = 0; i < 3; i++) {
        struct pkt p = {.n = 0};
        struct decoded_packet d;
        eth(&p, types[i]);
        put32(&p, 0x00001140); /* label 1, bottom of stack */
        size_t ip = ipv4(&p, 6, 0, 0, 1);
        tcp(&p, 1, 2, 0x02, 20);
        ipv4_end(&p, ip);
        CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_UNSUPPORTED);
    }
}

static void test_pppoe_session(void)
{
    static const uint8_t pppoe_v4[] = {0x11, 0x00, 0x12, 0x34, 0x00, 0x2e, 0x00, 0x21};
    static const uint8_t pppoe_v6[] = {0x11, 0x00, 0x12, 0x34, 0x00, 0x3e, 0x00, 0x57};
    struct pkt p = {.n = 0};
    struct decoded_packet d;
    uint8_t link[64];

    eth(&p, 0x8864);
    putn(&p, pppoe_v4, sizeof(pppoe_v4));
    memcpy(link, p.b, p.n);
    link_v4(&p, link, 22, 0);
    CHECK_U64(dec_pkt(DLT_EN10MB_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_EN10MB_, &p);

    link_v6(&p, pppoe_v6, sizeof(pppoe_v6));
    CHECK_U64(dec_pkt(DLT_PPP_ETHER_, &p, &d), DECODE_OK);
    check_v6_tcp(&d);
    check_every_cut(DLT_PPP_ETHER_, &p);

    /* LCP is PPP's own business; a wrong version is not PPPoE */
    p.b[6] = 0xc0;
    p.b[7] = 0x21;
    CHECK_U64(dec_pkt(DLT_PPP_ETHER_, &p, &d), DECODE_NOT_IP);
    p.b[0] = 0x12;
    CHECK_U64(dec_pkt(DLT_PPP_ETHER_, &p, &d), DECODE_MALFORMED);
}

/* ---- other link types ---- */

static void test_linux_sll(void)
{
    static const uint8_t sll[16] = {0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, 0x08, 0x00};
    static const uint8_t sll_v6[16] = {0, 4, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0, 0x86, 0xdd};
    static const uint8_t sll_vlan[20] = {0, 0, 0, 1, 0,    6,    0,    1,    2,    3,
                                         4, 5, 0, 0, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00};
    static const uint8_t sll_netlink[16] = {0, 4, 0x03, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    struct pkt p;
    struct decoded_packet d;

    link_v4(&p, sll, sizeof(sll), 3);
    CHECK_U64(dec_pkt(DLT_LINUX_SLL_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 3);
    link_v4(&p, sll, sizeof(sll), 0);
    check_every_cut(DLT_LINUX_SLL_, &p);

    link_v6(&p, sll_v6, sizeof(sll_v6));
    CHECK_U64(dec_pkt(DLT_LINUX_SLL_, &p, &d), DECODE_OK);
    check_v6_tcp(&d);

    link_v4(&p, sll_vlan, sizeof(sll_vlan), 0);
    CHECK_U64(dec_pkt(DLT_LINUX_SLL_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);

    p.n = 0;
    putn(&p, sll_netlink, sizeof(sll_netlink));
    put_zeros(&p, 20);
    CHECK_U64(dec_pkt(DLT_LINUX_SLL_, &p, &d), DECODE_NOT_IP);
}

static void test_linux_sll2(void)
{
    static const uint8_t sll2[20] = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1,
                                     0,    6,    0, 1, 2, 3, 4, 5, 0, 0};
    static const uint8_t sll2_v6[20] = {0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1,
                                        4,    6,    0, 1, 2, 3, 4, 5, 0, 0};
    static const uint8_t sll2_arp[20] = {0x08, 0x06, 0, 0, 0, 0, 0, 2, 0, 1,
                                         0,    6,    0, 1, 2, 3, 4, 5, 0, 0};
    struct pkt p;
    struct decoded_packet d;

    link_v4(&p, sll2, sizeof(sll2), 0);
    CHECK_U64(dec_pkt(DLT_LINUX_SLL2_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_LINUX_SLL2_, &p);

    link_v6(&p, sll2_v6, sizeof(sll2_v6));
    CHECK_U64(dec_pkt(DLT_LINUX_SLL2_, &p, &d), DECODE_OK);
    check_v6_tcp(&d);

    p.n = 0;
    putn(&p, sll2_arp, sizeof(sll2_arp));
    put_zeros(&p, 28);
    CHECK_U64(dec_pkt(DLT_LINUX_SLL2_, &p, &d), DECODE_NOT_IP);
}

static void test_raw_link_types(void)
{
    static const int raw[] = {DLT_RAW_, DLT_RAW_12, DLT_RAW_14};
    struct pkt p;
    struct decoded_packet d;
    for (size_t i = 0; i < 3; i++) {
        link_v4(&p, NULL, 0, 2);
        CHECK_U64(dec_pkt(raw[i], &p, &d), DECODE_OK);
        check_v4_tcp(&d, 2);
        link_v4(&p, NULL, 0, 0);
        check_every_cut(raw[i], &p);
        link_v6(&p, NULL, 0);
        CHECK_U64(dec_pkt(raw[i], &p, &d), DECODE_OK);
        check_v6_tcp(&d);
        check_every_cut(raw[i], &p);
        p.b[0] = 0x50; /* neither version */
        CHECK_U64(dec_pkt(raw[i], &p, &d), DECODE_MALFORMED);
    }
}

static void test_ipv4_ipv6_link_types(void)
{
    struct pkt p;
    struct decoded_packet d;
    link_v4(&p, NULL, 0, 0);
    CHECK_U64(dec_pkt(DLT_IPV4_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    CHECK_U64(dec_pkt(DLT_IPV6_, &p, &d), DECODE_MALFORMED);
    link_v6(&p, NULL, 0);
    CHECK_U64(dec_pkt(DLT_IPV6_, &p, &d), DECODE_OK);
    check_v6_tcp(&d);
    check_every_cut(DLT_IPV6_, &p);
    CHECK_U64(dec_pkt(DLT_IPV4_, &p, &d), DECODE_MALFORMED);
}

static void test_null_and_loop(void)
{
    static const unsigned v6_families[] = {10, 24, 28, 30};
    static const int types[] = {DLT_NULL_, DLT_LOOP_};
    struct pkt p;
    struct decoded_packet d;
    for (size_t t = 0; t < 2; t++) {
        uint8_t little[4] = {2, 0, 0, 0}, big[4] = {0, 0, 0, 2};
        link_v4(&p, little, 4, 0);
        CHECK_U64(dec_pkt(types[t], &p, &d), DECODE_OK);
        check_v4_tcp(&d, 0);
        check_every_cut(types[t], &p);
        link_v4(&p, big, 4, 0);
        CHECK_U64(dec_pkt(types[t], &p, &d), DECODE_OK);
        check_v4_tcp(&d, 0);
        for (size_t i = 0; i < 4; i++) {
            little[0] = big[3] = (uint8_t)v6_families[i];
            link_v6(&p, little, 4);
            CHECK_U64(dec_pkt(types[t], &p, &d), DECODE_OK);
            check_v6_tcp(&d);
            link_v6(&p, big, 4);
            CHECK_U64(dec_pkt(types[t], &p, &d), DECODE_OK);
            check_v6_tcp(&d);
        }
        /* AF_APPLETALK, and a value that is a family in neither order */
        const uint8_t other[4] = {16, 0, 0, 0}, junk[4] = {0, 2, 0, 2};
        link_v4(&p, other, 4, 0);
        CHECK_U64(dec_pkt(types[t], &p, &d), DECODE_NOT_IP);
        link_v4(&p, junk, 4, 0);
        CHECK_U64(dec_pkt(types[t], &p, &d), DECODE_NOT_IP);
    }
}

static void test_ppp(void)
{
    static const uint8_t full[] = {0xff, 0x03, 0x00, 0x21};
    static const uint8_t no_address[] = {0x00, 0x21};
    static const uint8_t compressed[] = {0x21};
    static const uint8_t v6[] = {0xff, 0x03, 0x00, 0x57};
    static const uint8_t lcp[] = {0xff, 0x03, 0xc0, 0x21};
    static const uint8_t mpls[] = {0xff, 0x03, 0x02, 0x81};
    static const uint8_t bad_control[] = {0xff, 0x05, 0x00, 0x21};
    struct pkt p;
    struct decoded_packet d;

    link_v4(&p, full, sizeof(full), 0);
    CHECK_U64(dec_pkt(DLT_PPP_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_PPP_, &p);
    link_v4(&p, no_address, sizeof(no_address), 0);
    CHECK_U64(dec_pkt(DLT_PPP_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_PPP_, &p);
    link_v4(&p, compressed, sizeof(compressed), 0);
    CHECK_U64(dec_pkt(DLT_PPP_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    link_v6(&p, v6, sizeof(v6));
    CHECK_U64(dec_pkt(DLT_PPP_, &p, &d), DECODE_OK);
    check_v6_tcp(&d);
    link_v4(&p, lcp, sizeof(lcp), 0);
    CHECK_U64(dec_pkt(DLT_PPP_, &p, &d), DECODE_NOT_IP);
    link_v4(&p, mpls, sizeof(mpls), 0);
    CHECK_U64(dec_pkt(DLT_PPP_, &p, &d), DECODE_UNSUPPORTED);
    link_v4(&p, bad_control, sizeof(bad_control), 0);
    CHECK_U64(dec_pkt(DLT_PPP_, &p, &d), DECODE_MALFORMED);
}

static void test_ppp_serial_and_direction(void)
{
    static const uint8_t ppp[] = {0xff, 0x03, 0x00, 0x21};
    static const uint8_t cisco[] = {0x0f, 0x00, 0x08, 0x00};
    static const uint8_t dir_ppp[] = {0x01, 0xff, 0x03, 0x00, 0x21};
    struct pkt p;
    struct decoded_packet d;

    link_v4(&p, ppp, sizeof(ppp), 0);
    CHECK_U64(dec_pkt(DLT_PPP_SERIAL_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_PPP_SERIAL_, &p);
    link_v4(&p, cisco, sizeof(cisco), 0);
    CHECK_U64(dec_pkt(DLT_PPP_SERIAL_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_PPP_SERIAL_, &p);
    link_v4(&p, dir_ppp, sizeof(dir_ppp), 0);
    CHECK_U64(dec_pkt(DLT_PPP_WITH_DIR_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_PPP_WITH_DIR_, &p);
}

static void test_cisco_hdlc(void)
{
    static const uint8_t v4[] = {0x0f, 0x00, 0x08, 0x00};
    static const uint8_t v6[] = {0x8f, 0x00, 0x86, 0xdd};
    static const uint8_t dir_v4[] = {0x00, 0x0f, 0x00, 0x08, 0x00};
    static const uint8_t slarp[] = {0x8f, 0x00, 0x80, 0x35};
    struct pkt p;
    struct decoded_packet d;

    link_v4(&p, v4, sizeof(v4), 0);
    CHECK_U64(dec_pkt(DLT_C_HDLC_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_C_HDLC_, &p);
    link_v6(&p, v6, sizeof(v6));
    CHECK_U64(dec_pkt(DLT_C_HDLC_, &p, &d), DECODE_OK);
    check_v6_tcp(&d);
    link_v4(&p, dir_v4, sizeof(dir_v4), 0);
    CHECK_U64(dec_pkt(DLT_C_HDLC_WITH_DIR_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 0);
    check_every_cut(DLT_C_HDLC_WITH_DIR_, &p);
    link_v4(&p, slarp, sizeof(slarp), 0);
    CHECK_U64(dec_pkt(DLT_C_HDLC_, &p, &d), DECODE_NOT_IP);
}

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

static void test_ppi(void)
{
    /* Version 0, flags 0, length 8 (little-endian), inner link type Ethernet. */
    static const uint8_t ppi_eth[22] = {0, 0, 8, 0, 1, 0, 0, 0, 0, 1,    2,
                                        3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00};
    static const uint8_t ppi_nested[16] = {0, 0, 8, 0, 192, 0, 0, 0, 0, 0, 8, 0, 1, 0, 0, 0};
    static const uint8_t ppi_short_len[8] = {0, 0, 4, 0, 1, 0, 0, 0};
    struct pkt p;
    struct decoded_packet d;

    link_v4(&p, ppi_eth, sizeof(ppi_eth), 2);
    CHECK_U64(dec_pkt(DLT_PPI_, &p, &d), DECODE_OK);
    check_v4_tcp(&d, 2);
    link_v4(&p, ppi_eth, sizeof(ppi_eth), 0);
    check_every_cut(DLT_PPI_, &p);
    link_v4(&p, ppi_nested, sizeof(ppi_nested), 0);
    CHECK_U64(dec_pkt(DLT_PPI_, &p, &d), DECODE_UNSUPPORTED);
    link_v4(&p, ppi_short_len, sizeof(ppi_short_len), 0);
    CHECK_U64(dec_pkt(DLT_PPI_, &p, &d), DECODE_MALFORMED);
}

int main(void)
{
    RUN(test_result_names);
    RUN(test_link_supported);
    RUN(test_unknown_link_type);
    RUN(test_ethernet_ipv4_tcp);
    RUN(test_ethernet_padding_not_counted);
    RUN(test_snaplen_clips_payload);
    RUN(test_vlan);
    RUN(test_qinq);
    RUN(test_vlan_tag_limit);
    RUN(test_not_ip);
    RUN(test_mpls_unsupported);
    RUN(test_pppoe_session);
    RUN(test_linux_sll);
    RUN(test_ppi);
    RUN(test_linux_sll2);
    RUN(test_raw_link_types);
    RUN(test_ipv4_ipv6_link_types);
    RUN(test_null_and_loop);
    RUN(test_ppp);
    RUN(test_ppp_serial_and_direction);
    RUN(test_cisco_hdlc);
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
    RUN(test_truncated_every_byte_ethernet_ipv4_tcp);
    RUN(test_wire_length_below_capture);
    RUN(test_mutations_never_crash);
    CHECK_EXIT();
}
