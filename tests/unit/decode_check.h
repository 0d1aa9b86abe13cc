/*
 * The decoding helpers of the decode stage's unit tests
 * (tests/unit/test_decode_*.c): every packet is decoded from a heap copy of
 * exactly caplen bytes, so that a read one byte too far is caught by
 * AddressSanitizer, and every decode is checked. They are static inline in a
 * header, not in decode_fixture.c, because their CHECKs report into the
 * running test, whose state check.h keeps in each program.
 */
#ifndef HONEYSCOPE_DECODE_CHECK_H
#define HONEYSCOPE_DECODE_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/decode/decode.h"
#include "check.h"
#include "decode_fixture.h"

/* ---- decoding ---- */

/*
 * Decodes from a heap copy of exactly caplen bytes, checks that a payload
 * lies within them, and points it back into the caller's bytes.
 */
static inline enum decode_result dec(int link_type, const uint8_t *bytes, size_t caplen,
                                     uint32_t wirelen, struct decoded_packet *out)
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
static inline enum decode_result dec_pkt(int link_type, const struct pkt *p,
                                         struct decoded_packet *out)
{
    return dec(link_type, p->b, p->n, (uint32_t)p->n, out);
}

static inline const char *addr_text(const struct ip_addr *a)
{
    static char buf[2][ADDR_TEXT_MAX];
    static int which;
    which ^= 1;
    return addr_format(a, buf[which]);
}

/* The fields of eth_ipv4_tcp(), whatever the link header. */
static inline void check_v4_tcp(const struct decoded_packet *d, size_t payload_len)
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

static inline void check_v6_tcp(const struct decoded_packet *d)
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
static inline void check_every_cut(int link_type, const struct pkt *p)
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

#endif
