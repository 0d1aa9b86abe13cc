/*
 * Helpers shared by the decode stage's unit tests (test_decode_*.c, see
 * decode_fixture.h): packets built byte by byte, link layer to payload.
 */
#include <stdint.h>
#include <string.h>

#include "decode_fixture.h"

/* ---- packet building ---- */

void put8(struct pkt *p, unsigned v)
{
    p->b[p->n++] = (uint8_t)v;
}

void put16(struct pkt *p, unsigned v)
{
    put8(p, v >> 8 & 0xff);
    put8(p, v & 0xff);
}

void put32(struct pkt *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p, v & 0xffff);
}

void putn(struct pkt *p, const void *src, size_t n)
{
    if (n == 0)
        return; /* src may be NULL, which memcpy() must not see */
    memcpy(p->b + p->n, src, n);
    p->n += n;
}

void put_zeros(struct pkt *p, size_t n)
{
    memset(p->b + p->n, 0, n);
    p->n += n;
}

void set16(struct pkt *p, size_t at, size_t v)
{
    p->b[at] = (uint8_t)(v >> 8);
    p->b[at + 1] = (uint8_t)v;
}

const uint8_t v4_src[4] = {192, 0, 2, 1};
const uint8_t v4_dst[4] = {198, 51, 100, 7};
static const uint8_t v6_src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t v6_dst[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

void eth(struct pkt *p, unsigned type)
{
    static const uint8_t macs[12] = {0, 1, 2, 3, 4, 5, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    putn(p, macs, 12);
    put16(p, type);
}

void vlan_tag(struct pkt *p, unsigned tpid, unsigned vid)
{
    put16(p, tpid);
    put16(p, vid);
}

/*
 * Starts an IPv4 header with option_len bytes of options (NOPs); returns its
 * offset for ipv4_end(), which fills in the total length.
 */
size_t ipv4(struct pkt *p, unsigned proto, size_t option_len, unsigned frag, unsigned id)
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

void ipv4_end(struct pkt *p, size_t at)
{
    set16(p, at + 2, p->n - at);
}

size_t ipv6(struct pkt *p, unsigned next)
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

void ipv6_end(struct pkt *p, size_t at)
{
    set16(p, at + 4, p->n - at - 40);
}

/* An extension header of the RFC 8200 shape, len bytes (a multiple of 8). */
void ext_header(struct pkt *p, unsigned next, size_t len)
{
    put8(p, next);
    put8(p, (unsigned)(len / 8 - 1));
    memset(p->b + p->n, 0, len - 2);
    p->b[p->n] = 1; /* PadN, so the options parse */
    p->b[p->n + 1] = (uint8_t)(len - 4);
    p->n += len - 2;
}

void frag6(struct pkt *p, unsigned next, unsigned offset, unsigned more, uint32_t id)
{
    put8(p, next);
    put8(p, 0);
    put16(p, offset << 3 | more);
    put32(p, id);
}

/* A TCP header of header_len bytes (options are NOPs). */
void tcp(struct pkt *p, unsigned sport, unsigned dport, unsigned flags, size_t header_len)
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

size_t udp(struct pkt *p, unsigned sport, unsigned dport)
{
    size_t at = p->n;
    put16(p, sport);
    put16(p, dport);
    put16(p, 0); /* length: udp_end() */
    put16(p, 0);
    return at;
}

void udp_end(struct pkt *p, size_t at)
{
    set16(p, at + 4, p->n - at);
}

void icmp(struct pkt *p, unsigned type, unsigned code, unsigned id)
{
    put8(p, type);
    put8(p, code);
    put16(p, 0);
    put16(p, id);
    put16(p, 1); /* sequence */
}

void payload(struct pkt *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put8(p, (unsigned)('a' + i % 26));
}

/* Ethernet, IPv4, TCP with a 4-byte option (MSS), and payload_len bytes. */
void eth_ipv4_tcp(struct pkt *p, size_t payload_len)
{
    p->n = 0;
    eth(p, 0x0800);
    size_t ip = ipv4(p, 6, 0, 0, 0x1111);
    tcp(p, 40000, 445, 0x02, 24);
    payload(p, payload_len);
    ipv4_end(p, ip);
}

/* IPv4 + TCP (as eth_ipv4_tcp) behind the link header given. */
void link_v4(struct pkt *p, const uint8_t *link, size_t link_len, size_t payload_len)
{
    p->n = 0;
    putn(p, link, link_len);
    size_t ip = ipv4(p, 6, 0, 0, 0x1111);
    tcp(p, 40000, 445, 0x02, 24);
    payload(p, payload_len);
    ipv4_end(p, ip);
}

void link_v6(struct pkt *p, const uint8_t *link, size_t link_len)
{
    p->n = 0;
    putn(p, link, link_len);
    size_t ip = ipv6(p, 6);
    tcp(p, 40000, 22, 0x12, 20);
    ipv6_end(p, ip);
}
