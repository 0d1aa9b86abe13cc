/*
 * decode: link, network and transport headers of one captured packet.
 *
 * Input is attacker-controlled bytes. Every field is read through a
 * bounds-checked cursor; nothing is cast to a struct. A packet that cannot be
 * decoded is classified (truncated, malformed, unsupported, not IP) so that the
 * caller can count it and go on.
 */
#ifndef HONEYSCOPE_DECODE_H
#define HONEYSCOPE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"

enum decode_result {
    DECODE_OK = 0,
    DECODE_TRUNCATED,   /* a header we need runs past the captured bytes */
    DECODE_MALFORMED,   /* a field contradicts the others (IHL < 5, ...) */
    DECODE_UNSUPPORTED, /* link type or encapsulation we do not decode */
    DECODE_NOT_IP,      /* ARP, LLDP, STP, ...: fine, but not ours */
    DECODE_RESULT_COUNT
};

/* Transport protocol numbers we give meaning to; others are kept as is. */
enum {
    PROTO_ICMP = 1,
    PROTO_TCP = 6,
    PROTO_UDP = 17,
    PROTO_ICMPV6 = 58,
};

/* TCP flags as on the wire. */
enum {
    TCP_FIN = 0x01,
    TCP_SYN = 0x02,
    TCP_RST = 0x04,
    TCP_PSH = 0x08,
    TCP_ACK = 0x10,
};

struct decoded_packet {
    struct ip_addr src, dst;
    uint8_t proto;     /* IP protocol of the innermost header we decoded */
    uint8_t tcp_flags; /* TCP only */
    /*
     * For TCP and UDP, the ports. For ICMP/ICMPv6, src_port is the echo
     * identifier (0 for other types) and dst_port is type << 8 | code.
     * Zero for non-first fragments and other protocols.
     */
    uint16_t src_port, dst_port;
    uint8_t is_fragment;    /* a non-first fragment: no transport header */
    uint8_t first_fragment; /* offset 0 with more fragments to follow */
    uint32_t frag_id;       /* IPv4 identification / IPv6 fragment id */
    /*
     * IP length as the wire carried it: IPv4 total length, IPv6 payload
     * length + 40, whatever the link type or snap length.
     */
    uint32_t ip_bytes;
    /*
     * Header fields scanning tools leave their marks in (scanner.h): the
     * innermost IPv4 header's identification (0 for IPv6), and TCP's sequence
     * number, window and options: their length and first bytes, by value so
     * that the packet can be queued apart from its capture buffer
     * (tcp_options_whole is 0 when the options were not all captured, or the
     * packet is not TCP).
     */
    uint16_t ip_id;
    uint16_t tcp_window;
    uint32_t tcp_seq;
    uint8_t tcp_options_whole;
    uint8_t tcp_options_len;     /* 0 to 40 */
    uint8_t tcp_options_head[4]; /* the first min(4, len) bytes, zeroes after */
    /*
     * ICMP and ICMPv6 errors (destination unreachable, time exceeded, ...):
     * the packet they quote, as far as it was captured (RFC 792; RFC 4443
     * section 2.4). quoted is 1 when its addresses and protocol were read;
     * its ports are 0 when cut off, and follow the convention above for a
     * quoted ICMP message.
     */
    uint8_t quoted;
    uint8_t quoted_proto;
    uint16_t quoted_src_port, quoted_dst_port;
    struct ip_addr quoted_src, quoted_dst;
    /* Transport payload present in the capture (may be cut by snaplen). */
    const uint8_t *payload;
    size_t payload_len;
};

/*
 * Decodes one packet of link type link_type (DLT_ numbering) from caplen
 * captured bytes; wirelen is the original length, used only when the IP
 * header's own length is zero (segmentation offload). Fills *out on DECODE_OK.
 */
enum decode_result decode_packet(int link_type, const uint8_t *data, size_t caplen,
                                 uint32_t wirelen, struct decoded_packet *out);
/*
 * Finds where the network header starts in a packet of link type link_type:
 * *offset bytes into data, *ip_version 4 or 6 (0 when the link layer does
 * not tell: read the version nibble). For callers that rewrite IP headers
 * in place (anonymisation). Returns DECODE_OK or why not.
 */
enum decode_result decode_network_offset(int link_type, const uint8_t *data, size_t caplen,
                                         size_t *offset, unsigned *ip_version);
/* Whether decode_packet() knows link_type at all. */
int decode_link_supported(int link_type);
/* "ok", "truncated", "malformed", "unsupported", "not-ip". */
const char *decode_result_name(enum decode_result result);

#endif
