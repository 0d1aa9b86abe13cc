/*
 * decode: from the IP header inward. link.c finds the IP header; this file
 * reads IPv4 or IPv6 (with IPv6 extension headers and fragments of both) and
 * the TCP, UDP, ICMP or ICMPv6 header behind it, and classifies every packet it
 * cannot read instead of failing.
 *
 * Two lengths are tracked side by side: what the headers declare (the IP
 * payload length) and what was captured. A header beyond the declared length
 * is malformed; a header within it but beyond the captured bytes is truncated.
 * The cursor is clipped to the declared length, so it always holds
 * min(declared, captured) bytes.
 */
#include "decode.h"

#include <string.h>

#include "decode_int.h"

enum {
    PROTO_HOPOPTS = 0,
    PROTO_ROUTING = 43,
    PROTO_FRAGMENT = 44,
    PROTO_ESP = 50,
    PROTO_AH = 51,
    PROTO_NONE = 59,
    PROTO_DSTOPTS = 60,
    PROTO_MOBILITY = 135,
    PROTO_HIP = 139,
    PROTO_SHIM6 = 140,
};

/* A longer chain is a crafted packet meant to make readers loop. */
#define MAX_IPV6_EXT_HEADERS 16

/* ICMP types whose bytes 4-5 are an identifier matching request and reply. */
#define ICMP_ID_TYPES                                                                              \
    (1u << 0 | 1u << 8 | 1u << 13 | 1u << 14 | 1u << 15 | 1u << 16 | 1u << 17 | 1u << 18)
enum { ICMPV6_ECHO_REQUEST = 128, ICMPV6_ECHO_REPLY = 129 };

static void set_payload(struct decoded_packet *out, const struct cursor *c)
{
    out->payload = c->p;
    out->payload_len = c->left;
}

/*
 * A first fragment cut before the end of its transport header (the tiny
 * fragments of RFC 1858, which scanners send on purpose): keep the ports when
 * the fragment holds them, so the packet still finds its flow.
 */
static enum decode_result tiny_first_fragment(struct cursor *c, size_t declared,
                                              struct decoded_packet *out)
{
    if (!out->first_fragment || declared < 4)
        return DECODE_MALFORMED;
    out->src_port = rd_be16(c);
    out->dst_port = rd_be16(c);
    if (c->short_read)
        return DECODE_TRUNCATED;
    out->payload = c->p;
    out->payload_len = 0;
    return DECODE_OK;
}

/* TCP header, RFC 9293 section 3.1. */
static enum decode_result decode_tcp(struct cursor *c, size_t declared, struct decoded_packet *out)
{
    if (declared < 20)
        return tiny_first_fragment(c, declared, out);
    if (c->left < 20)
        return DECODE_TRUNCATED;
    out->src_port = rd_be16(c);
    out->dst_port = rd_be16(c);
    out->tcp_seq = rd_be32(c);
    cursor_skip(c, 4); /* acknowledgment number */
    size_t header_len = (size_t)(rd_u8(c) >> 4) * 4;
    out->tcp_flags = rd_u8(c);
    out->tcp_window = rd_be16(c);
    cursor_skip(c, 4); /* checksum, urgent pointer */
    if (header_len < 20)
        return DECODE_MALFORMED;
    if (header_len > declared) {
        /* Options running into the next fragment: the ports are all we need. */
        if (!out->first_fragment)
            return DECODE_MALFORMED;
        out->payload = c->p;
        out->payload_len = 0;
        return DECODE_OK;
    }
    const uint8_t *options = c->p;
    cursor_skip(c, header_len - 20);
    if (c->short_read)
        return DECODE_TRUNCATED;
    out->tcp_options_whole = 1;
    out->tcp_options_len = (uint8_t)(header_len - 20); /* at most 60 - 20 */
    memcpy(out->tcp_options_head, options,
           header_len - 20 < sizeof(out->tcp_options_head) ? header_len - 20
                                                           : sizeof(out->tcp_options_head));
    set_payload(out, c);
    return DECODE_OK;
}

/* UDP header, RFC 768. */
static enum decode_result decode_udp(struct cursor *c, size_t declared, struct decoded_packet *out)
{
    if (declared < 8)
        return tiny_first_fragment(c, declared, out);
    if (c->left < 8)
        return DECODE_TRUNCATED;
    out->src_port = rd_be16(c);
    out->dst_port = rd_be16(c);
    size_t udp_len = rd_be16(c);
    cursor_skip(c, 2); /* checksum */
    /* A first fragment's UDP length covers the fragments still to come. */
    if (udp_len < 8 || (udp_len > declared && !out->first_fragment))
        return DECODE_MALFORMED;
    out->payload = c->p;
    out->payload_len = udp_len - 8 < c->left ? udp_len - 8 : c->left;
    return DECODE_OK;
}

static int icmp_is_error(int v6, unsigned type)
{
    if (v6)
        return type >= 1 && type <= 4;                                      /* RFC 4443 section 3 */
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; /* RFC 792 */
}

/*
 * The packet an ICMP error quotes, behind the error's 4 unused (or MTU,
 * pointer) bytes: an IPv4 header and at least 8 bytes of its payload (RFC
 * 792, RFC 1812 section 4.3.2.3), or as much of an IPv6 packet as fits (RFC
 * 4443 section 2.4). Only the quoted header's own next header is read: a
 * quote whose IPv6 extension headers hide the transport keeps ports 0.
 * Fills out->quoted_* when the addresses and protocol were captured.
 */
static void decode_icmp_quote(struct cursor c, int v6, struct decoded_packet *out)
{
    uint8_t src[16], dst[16];
    unsigned proto;
    cursor_skip(&c, 4);
    if (v6) {
        unsigned version = rd_u8(&c) >> 4;
        cursor_skip(&c, 5);
        proto = rd_u8(&c);
        cursor_skip(&c, 1);
        rd_bytes(&c, src, 16);
        rd_bytes(&c, dst, 16);
        if (c.short_read || version != 6)
            return;
        addr_from_v6(&out->quoted_src, src);
        addr_from_v6(&out->quoted_dst, dst);
    } else {
        unsigned first = rd_u8(&c);
        size_t header_len = (size_t)(first & 0x0f) * 4;
        cursor_skip(&c, 8);
        proto = rd_u8(&c);
        cursor_skip(&c, 2);
        rd_bytes(&c, src, 4);
        rd_bytes(&c, dst, 4);
        if (c.short_read || first >> 4 != 4 || header_len < 20)
            return;
        cursor_skip(&c, header_len - 20);
        addr_from_v4(&out->quoted_src, src);
        addr_from_v4(&out->quoted_dst, dst);
    }
    out->quoted = 1;
    out->quoted_proto = (uint8_t)proto;
    if (proto == PROTO_TCP || proto == PROTO_UDP) {
        uint16_t src_port = rd_be16(&c), dst_port = rd_be16(&c);
        if (!c.short_read) {
            out->quoted_src_port = src_port;
            out->quoted_dst_port = dst_port;
        }
    } else if (proto == PROTO_ICMP || proto == PROTO_ICMPV6) {
        unsigned type = rd_u8(&c), code = rd_u8(&c);
        cursor_skip(&c, 2);
        uint16_t id = rd_be16(&c);
        if (!c.short_read) {
            out->quoted_dst_port = (uint16_t)(type << 8 | code);
            out->quoted_src_port = id;
        }
    }
}

/*
 * ICMP header, RFC 792, and ICMPv6 header, RFC 4443 section 2.1: type, code,
 * checksum. The payload starts after those four bytes.
 */
static enum decode_result decode_icmp(struct cursor *c, size_t declared, int v6,
                                      struct decoded_packet *out)
{
    if (declared < 4)
        return DECODE_MALFORMED;
    if (c->left < 4)
        return DECODE_TRUNCATED;
    unsigned type = rd_u8(c);
    unsigned code = rd_u8(c);
    cursor_skip(c, 2); /* checksum */
    out->dst_port = (uint16_t)(type << 8 | code);
    int has_id = v6 ? type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY
                    : type < 32 && (ICMP_ID_TYPES >> type & 1u);
    if (has_id) {
        /* Read ahead: a short read leaves the identifier 0, as it should. */
        struct cursor ahead = *c;
        out->src_port = rd_be16(&ahead);
    }
    if (icmp_is_error(v6, type))
        decode_icmp_quote(*c, v6, out);
    set_payload(out, c);
    return DECODE_OK;
}

static enum decode_result decode_transport(struct cursor *c, size_t declared,
                                           struct decoded_packet *out)
{
    switch (out->proto) {
    case PROTO_TCP:
        return decode_tcp(c, declared, out);
    case PROTO_UDP:
        return decode_udp(c, declared, out);
    case PROTO_ICMP:
        return decode_icmp(c, declared, 0, out);
    case PROTO_ICMPV6:
        return decode_icmp(c, declared, 1, out);
    default:
        /* ESP, GRE, tunnels, ...: known by their number alone. */
        set_payload(out, c);
        return DECODE_OK;
    }
}

/*
 * IP Authentication Header, RFC 4302 section 2: its length counts 4-byte
 * words less 2. Steps over it and sets out->proto to what follows.
 */
static enum decode_result skip_ah(struct cursor *c, size_t *declared, struct decoded_packet *out)
{
    if (*declared < 2)
        return DECODE_MALFORMED;
    unsigned next = rd_u8(c);
    size_t len = ((size_t)rd_u8(c) + 2) * 4;
    if (c->short_read)
        return DECODE_TRUNCATED;
    if (len > *declared)
        return DECODE_MALFORMED;
    cursor_skip(c, len - 2);
    if (c->short_read)
        return DECODE_TRUNCATED;
    *declared -= len;
    out->proto = (uint8_t)next;
    return DECODE_OK;
}

/* IPv4 header, RFC 791 section 3.1. */
static enum decode_result decode_ipv4(struct cursor *c, size_t ip_wire, struct decoded_packet *out)
{
    if (c->left < 1)
        return DECODE_TRUNCATED;
    if (cursor_peek_u8(c) >> 4 != 4)
        return DECODE_MALFORMED;
    if (c->left < 20)
        return DECODE_TRUNCATED;
    size_t header_len = (size_t)(rd_u8(c) & 0x0f) * 4;
    cursor_skip(c, 1); /* type of service */
    size_t total_len = rd_be16(c);
    uint16_t id = rd_be16(c);
    out->ip_id = id;
    uint16_t frag = rd_be16(c);
    cursor_skip(c, 1); /* time to live */
    out->proto = rd_u8(c);
    cursor_skip(c, 2); /* header checksum */
    uint8_t a[4];
    rd_bytes(c, a, 4);
    addr_from_v4(&out->src, a);
    rd_bytes(c, a, 4);
    addr_from_v4(&out->dst, a);
    if (header_len < 20)
        return DECODE_MALFORMED;
    /*
     * Zero is what a host offloading segmentation to its card hands the
     * capture; the frame is then the only measure of the datagram.
     */
    if (total_len == 0)
        total_len = ip_wire;
    else if (total_len > ip_wire)
        return DECODE_MALFORMED;
    if (total_len < header_len)
        return DECODE_MALFORMED;
    cursor_skip(c, header_len - 20); /* options */
    if (c->short_read)
        return DECODE_TRUNCATED;
    out->ip_bytes = (uint32_t)total_len;
    size_t declared = total_len - header_len;
    cursor_limit(c, declared);

    unsigned offset = frag & 0x1fffu;
    if (offset != 0 || (frag & 0x2000u)) {
        out->frag_id = id;
        if (offset != 0) {
            /* The transport header went with the first fragment. */
            out->is_fragment = 1;
            set_payload(out, c);
            return DECODE_OK;
        }
        out->first_fragment = 1;
    }
    if (out->proto == PROTO_AH) {
        enum decode_result r = skip_ah(c, &declared, out);
        if (r != DECODE_OK)
            return r;
    }
    return decode_transport(c, declared, out);
}

/* IPv6 header, RFC 8200 section 3; extension headers, section 4. */
static enum decode_result decode_ipv6(struct cursor *c, size_t ip_wire, struct decoded_packet *out)
{
    if (c->left < 1)
        return DECODE_TRUNCATED;
    if (cursor_peek_u8(c) >> 4 != 6)
        return DECODE_MALFORMED;
    if (c->left < 40)
        return DECODE_TRUNCATED;
    cursor_skip(c, 4); /* version, traffic class, flow label */
    size_t payload_len = rd_be16(c);
    unsigned next = rd_u8(c);
    cursor_skip(c, 1); /* hop limit */
    uint8_t a[16];
    rd_bytes(c, a, 16);
    addr_from_v6(&out->src, a);
    rd_bytes(c, a, 16);
    addr_from_v6(&out->dst, a);
    if (ip_wire < 40)
        return DECODE_MALFORMED;
    /*
     * Zero means a jumbogram (RFC 2675) or a large send offloaded to the
     * card; either way the frame is the only measure. An empty packet says
     * so with no next header.
     */
    if (payload_len == 0 && next != PROTO_NONE)
        payload_len = ip_wire - 40;
    else if (payload_len > ip_wire - 40)
        return DECODE_MALFORMED;
    out->ip_bytes = (uint32_t)(payload_len + 40);
    size_t declared = payload_len;
    cursor_limit(c, declared);

    for (unsigned n = 0;; n++) {
        if (n > MAX_IPV6_EXT_HEADERS)
            return DECODE_MALFORMED;
        size_t len;
        switch (next) {
        case PROTO_HOPOPTS:
        case PROTO_ROUTING:
        case PROTO_DSTOPTS:
        case PROTO_MOBILITY:
        case PROTO_HIP:
        case PROTO_SHIM6:
            /* RFC 8200 section 4.3, RFC 6564: length in 8-byte units less 1. */
            if (declared < 2)
                return DECODE_MALFORMED;
            next = rd_u8(c);
            len = ((size_t)rd_u8(c) + 1) * 8;
            break;
        case PROTO_AH: {
            out->proto = PROTO_AH;
            enum decode_result r = skip_ah(c, &declared, out);
            if (r != DECODE_OK)
                return r;
            next = out->proto;
            continue;
        }
        case PROTO_FRAGMENT: {
            /* Fragment header, RFC 8200 section 4.5. */
            if (declared < 8)
                return DECODE_MALFORMED;
            unsigned frag_next = rd_u8(c);
            cursor_skip(c, 1); /* reserved */
            unsigned frag = rd_be16(c);
            uint32_t id = rd_be32(c);
            if (c->short_read)
                return DECODE_TRUNCATED;
            declared -= 8;
            next = frag_next;
            if (frag >> 3 != 0) {
                out->frag_id = id;
                out->is_fragment = 1;
                /* A crafted chain may put this after a first fragment's header. */
                out->first_fragment = 0;
                out->proto = (uint8_t)next;
                set_payload(out, c);
                return DECODE_OK;
            }
            /* An atomic fragment (RFC 6946) is a whole packet: not marked. */
            if (frag & 1u) {
                out->frag_id = id;
                out->first_fragment = 1;
            }
            continue;
        }
        default:
            out->proto = (uint8_t)next;
            return decode_transport(c, declared, out);
        }
        if (c->short_read)
            return DECODE_TRUNCATED;
        if (len > declared)
            return DECODE_MALFORMED;
        cursor_skip(c, len - 2);
        if (c->short_read)
            return DECODE_TRUNCATED;
        declared -= len;
    }
}

enum decode_result decode_packet(int link_type, const uint8_t *data, size_t caplen,
                                 uint32_t wirelen, struct decoded_packet *out)
{
    struct cursor c = cursor_make(data, caplen);
    unsigned version;
    enum decode_result r = link_decode(link_type, &c, &version);
    if (r != DECODE_OK)
        return r;
    /*
     * The frame less its link header bounds every IP length field. A record
     * claiming fewer bytes on the wire than it captured is corrupt; the
     * captured bytes are then the better measure.
     */
    size_t wire = wirelen < caplen ? caplen : wirelen;
    size_t ip_wire = wire - (caplen - c.left);
    if (version == 0) {
        if (c.left < 1)
            return DECODE_TRUNCATED;
        version = cursor_peek_u8(&c) >> 4u;
    }
    *out = (struct decoded_packet){0};
    if (version == 4)
        return decode_ipv4(&c, ip_wire, out);
    if (version == 6)
        return decode_ipv6(&c, ip_wire, out);
    return DECODE_MALFORMED;
}

const char *decode_result_name(enum decode_result result)
{
    static const char *const names[DECODE_RESULT_COUNT] = {
        [DECODE_OK] = "ok",
        [DECODE_TRUNCATED] = "truncated",
        [DECODE_MALFORMED] = "malformed",
        [DECODE_UNSUPPORTED] = "unsupported",
        [DECODE_NOT_IP] = "not-ip",
    };
    if ((unsigned)result >= DECODE_RESULT_COUNT)
        return "unknown";
    return names[result];
}
