/*
 * Unit tests of the decode stage: result names and supported link types;
 * Ethernet with VLAN, QinQ, PPPoE and what is not IP; Linux cooked, raw, null
 * and loopback, PPP, Cisco HDLC and PPI link headers.
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
    CHECK_EXIT();
}
