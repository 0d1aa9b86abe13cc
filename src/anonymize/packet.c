/*
 * Rewriting the addresses of a captured packet in place, checksums kept
 * right.
 *
 * Checksums are adjusted incrementally (RFC 1624, eqn. 3): every 16-bit word
 * changed adds ~old + new to a one's-complement sum, and each checksum that
 * covers the word takes that sum. This needs no byte beyond the ones
 * changed, so a packet cut by the snap length keeps checksums that verify
 * over the bytes it had on the wire, and a checksum that was wrong stays
 * wrong by the same amount (a bad checksum is evidence too).
 *
 * Headers (RFC 791, 8200, 793, 768, 792, 4443) are read byte by byte with
 * every offset compared to the bytes captured; nothing is cast to a struct.
 */
#include <string.h>

#include "../decode/decode.h"
#include "anonymize.h"

/* One's-complement sum of changes, folded when applied. */
struct csum_delta {
    uint32_t sum;
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void set16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Replaces n bytes (n even) at p with repl, adding the change to d. */
static void replace_words(uint8_t *p, const uint8_t *repl, size_t n, struct csum_delta *d)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint16_t old = get16(p + i), now = get16(repl + i);
        /* Words left as they were add nothing: a kept address changes no checksum. */
        if (old != now)
            d->sum = fold(d->sum + (uint16_t)~old + now);
    }
    memcpy(p, repl, n);
}

/*
 * Applies change to the checksum at p, adding the checksum's own change to
 * outer (the sum of a checksum that covers this one), when given. udp: a
 * checksum of zero means none (RFC 768) and is left alone, and a computed
 * zero is written 0xffff.
 */
static void apply(uint8_t *p, const struct csum_delta *change, bool udp, struct csum_delta *outer)
{
    uint16_t old = get16(p);
    if ((udp && old == 0) || change->sum == 0)
        return;
    uint16_t v = (uint16_t)~fold((uint32_t)(uint16_t)~old + change->sum);
    if (udp && v == 0)
        v = 0xffff;
    uint8_t repl[2];
    set16(repl, v);
    struct csum_delta ignored = {0};
    replace_words(p, repl, 2, outer ? outer : &ignored);
}

/* Anonymises the 4- or 16-byte address at p, adding the change to d. */
static void rewrite_addr(struct anonymizer *anon, uint8_t *p, bool v6, struct csum_delta *d)
{
    struct ip_addr addr;
    uint8_t out[16];
    if (v6) {
        addr_from_v6(&addr, p);
        anonymizer_addr(anon, &addr);
        memcpy(out, addr.b, 16);
    } else {
        addr_from_v4(&addr, p);
        anonymizer_addr(anon, &addr);
        memcpy(out, addr.b + 12, 4);
    }
    replace_words(p, out, v6 ? 16 : 4, d);
}

struct rewrite {
    struct anonymizer *anon;
    struct anonymize_counts *counts;
    bool strip_payload;
    size_t keep_to; /* with strip_payload: bytes of headers, from the packet's start */
};

static bool rewrite_ip(struct rewrite *rw, uint8_t *p, size_t len, unsigned version, bool quoted,
                       struct csum_delta *changed, size_t base);

/*
 * The transport header at p (len bytes captured) of protocol proto, whose
 * pseudo-header changed by addr_change. Adds every change of its bytes to
 * changed (for a checksum that covers them: an ICMP error's).
 */
static void rewrite_transport(struct rewrite *rw, uint8_t *p, size_t len, unsigned proto, bool v6,
                              bool quoted, const struct csum_delta *addr_change,
                              struct csum_delta *changed, size_t base)
{
    size_t header = 0;
    switch (proto) {
    case 6: /* TCP: checksum at 16, data offset at 12 */
        if (len >= 18)
            apply(p + 16, addr_change, false, changed);
        header = len >= 13 ? (size_t)(p[12] >> 4) * 4 : len;
        break;
    case 17: /* UDP: checksum at 6 (zero: none, IPv4) */
        if (len >= 8)
            apply(p + 6, addr_change, !v6, changed);
        header = 8;
        break;
    case 1:  /* ICMP: the checksum covers the message only */
    case 58: /* ICMPv6: and the pseudo-header */
    {
        header = 8;
        if (len < 4)
            break;
        struct csum_delta inner = {0};
        if (proto == 58)
            inner = *addr_change;
        unsigned type = p[0];
        bool error = proto == 1 ? (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
                                : type < 128;
        /* One level of quoting: an error about an error is not sent (RFC 1122, 4443). */
        if (error && !quoted && len > 8) {
            if (rewrite_ip(rw, p + 8, len - 8, proto == 1 ? 4 : 6, true, &inner, base + 8))
                rw->counts->quoted++;
            header = len; /* the quoted packet is header, not payload */
        }
        if (inner.sum)
            apply(p + 2, &inner, false, changed);
        break;
    }
    default:
        header = 0;
        break;
    }
    if (!quoted && rw->strip_payload) {
        size_t end = base + (header < len ? header : len);
        rw->keep_to = end;
    }
}

/*
 * Rewrites the IP packet at p (len bytes captured): version 4 or 6 (0: from
 * its first nibble). quoted: inside an ICMP error. Returns false when no
 * header could be read.
 */
static bool rewrite_ip(struct rewrite *rw, uint8_t *p, size_t len, unsigned version, bool quoted,
                       struct csum_delta *changed, size_t base)
{
    if (len < 1)
        return false;
    if (version == 0 || quoted)
        version = p[0] >> 4;
    if (version == 4) {
        if (len < 20)
            return false;
        size_t ihl = (size_t)(p[0] & 0x0f) * 4;
        if (ihl < 20)
            return false;
        struct csum_delta addrs = {0};
        rewrite_addr(rw->anon, p + 12, false, &addrs);
        rewrite_addr(rw->anon, p + 16, false, &addrs);
        if (changed)
            changed->sum = fold(changed->sum + addrs.sum);
        apply(p + 10, &addrs, false, changed);
        if (rw->strip_payload && !quoted)
            rw->keep_to = base + (ihl < len ? ihl : len);
        unsigned fragment_offset = get16(p + 6) & 0x1fffu;
        if (fragment_offset != 0 || ihl >= len)
            return true; /* no transport header here */
        rewrite_transport(rw, p + ihl, len - ihl, p[9], false, quoted, &addrs, changed, base + ihl);
        return true;
    }
    if (version == 6) {
        if (len < 40)
            return false;
        struct csum_delta addrs = {0};
        rewrite_addr(rw->anon, p + 8, true, &addrs);
        rewrite_addr(rw->anon, p + 24, true, &addrs);
        if (changed)
            changed->sum = fold(changed->sum + addrs.sum);
        if (rw->strip_payload && !quoted)
            rw->keep_to = base + 40;
        /* Extension headers (RFC 8200 4.1) up to the transport header. */
        unsigned next = p[6];
        size_t at = 40;
        for (int hops = 0; hops < 16; hops++) {
            if (next == 0 || next == 43 || next == 60 || next == 51) {
                if (len - at < 2)
                    return true;
                size_t ext = next == 51 ? ((size_t)p[at + 1] + 2) * 4 : ((size_t)p[at + 1] + 1) * 8;
                next = p[at];
                if (ext > len - at)
                    return true;
                at += ext;
            } else if (next == 44) {
                if (len - at < 8)
                    return true;
                if (get16(p + at + 2) & 0xfff8u)
                    return true; /* a later fragment: no transport header */
                next = p[at];
                at += 8;
            } else {
                break;
            }
            if (rw->strip_payload && !quoted)
                rw->keep_to = base + at;
        }
        if (at < len)
            rewrite_transport(rw, p + at, len - at, next, true, quoted, &addrs, changed, base + at);
        return true;
    }
    return false;
}

bool anonymizer_packet(struct anonymizer *anon, int link_type, uint8_t *data, size_t *caplen,
                       bool strip_payload, struct anonymize_counts *counts)
{
    size_t offset;
    unsigned version;
    counts->packets++;
    struct rewrite rw = {anon, counts, strip_payload, *caplen};
    if (decode_network_offset(link_type, data, *caplen, &offset, &version) != DECODE_OK ||
        !rewrite_ip(&rw, data + offset, *caplen - offset, version, false, NULL, offset)) {
        counts->unparsed++;
        return false;
    }
    counts->rewritten++;
    if (strip_payload && rw.keep_to < *caplen) {
        counts->payload_cut += *caplen - rw.keep_to;
        *caplen = rw.keep_to;
    }
    return true;
}
