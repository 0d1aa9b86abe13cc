/*
 * What the decode stage's unit tests (tests/unit/test_decode_*.c) share: the
 * libpcap link types and builders of packets, defined in decode_fixture.c
 * and linked into each test. The decoding helpers that check every decode
 * are in decode_check.h.
 */
#ifndef HONEYSCOPE_DECODE_FIXTURE_H
#define HONEYSCOPE_DECODE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

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

/* The addresses every built IPv4 header carries (tests compare ICMP quotes with them). */
extern const uint8_t v4_src[4];
extern const uint8_t v4_dst[4];

void put8(struct pkt *p, unsigned v);
void put16(struct pkt *p, unsigned v);
void put32(struct pkt *p, uint32_t v);
void putn(struct pkt *p, const void *src, size_t n);
void put_zeros(struct pkt *p, size_t n);
void set16(struct pkt *p, size_t at, size_t v);
void eth(struct pkt *p, unsigned type);
void vlan_tag(struct pkt *p, unsigned tpid, unsigned vid);
size_t ipv4(struct pkt *p, unsigned proto, size_t option_len, unsigned frag, unsigned id);
void ipv4_end(struct pkt *p, size_t at);
size_t ipv6(struct pkt *p, unsigned next);
void ipv6_end(struct pkt *p, size_t at);
void ext_header(struct pkt *p, unsigned next, size_t len);
void frag6(struct pkt *p, unsigned next, unsigned offset, unsigned more, uint32_t id);
void tcp(struct pkt *p, unsigned sport, unsigned dport, unsigned flags, size_t header_len);
size_t udp(struct pkt *p, unsigned sport, unsigned dport);
void udp_end(struct pkt *p, size_t at);
void icmp(struct pkt *p, unsigned type, unsigned code, unsigned id);
void payload(struct pkt *p, size_t n);
void eth_ipv4_tcp(struct pkt *p, size_t payload_len);
void link_v4(struct pkt *p, const uint8_t *link, size_t link_len, size_t payload_len);
void link_v6(struct pkt *p, const uint8_t *link, size_t link_len);

#endif
