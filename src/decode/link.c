/*
 * Link-layer headers: where the IP header starts for each link type we know,
 * from Ethernet with stacked VLAN tags to Linux cooked captures, BSD loopback,
 * PPP, PPPoE and Cisco HDLC. Anything else is reported, never guessed at.
 */
#include "decode_int.h"

/*
 * libpcap's DLT_ numbers. <pcap.h> belongs to the capture stage alone, so the
 * values are repeated here; they are fixed by the pcap file format.
 */
enum {
    LINK_NULL = 0,
    LINK_EN10MB = 1,
    LINK_PPP = 9,
    LINK_RAW_BSD = 12, /* DLT_RAW on most systems, Linux included */
    LINK_RAW_OPENBSD = 14,
    LINK_PPP_SERIAL = 50,
    LINK_PPP_ETHER = 51,
    LINK_RAW = 101, /* LINKTYPE_RAW, as pcap files record it */
    LINK_C_HDLC = 104,
    LINK_LOOP = 108,
    LINK_LINUX_SLL = 113,
    LINK_PPP_WITH_DIR = 204,
    LINK_C_HDLC_WITH_DIR = 205,
    LINK_PPI = 192,
    LINK_IPV4 = 228,
    LINK_IPV6 = 229,
    LINK_LINUX_SLL2 = 276,
};

enum {
    ETHERTYPE_MIN = 0x0600, /* below: an IEEE 802.3 length, not a type */
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_VLAN = 0x8100,
    ETHERTYPE_IPV6 = 0x86dd,
    ETHERTYPE_MPLS = 0x8847,
    ETHERTYPE_MPLS_MCAST = 0x8848,
    ETHERTYPE_PPPOE_SESSION = 0x8864,
    ETHERTYPE_QINQ = 0x88a8,
    ETHERTYPE_PBB = 0x88e7,
    ETHERTYPE_QINQ_OLD = 0x9100,
};

/* Real networks stack two or three tags; more is a crafted frame. */
#define MAX_VLAN_TAGS 8

enum {
    PPP_IPV4 = 0x0021,
    PPP_VJ_COMPRESSED = 0x002d,
    PPP_VJ_UNCOMPRESSED = 0x002f,
    PPP_IPV6 = 0x0057,
    PPP_COMPRESSED_LINK = 0x00fb,
    PPP_COMPRESSED = 0x00fd,
    PPP_MPLS = 0x0281,
    PPP_MPLS_MCAST = 0x0283,
};

enum { ARPHRD_NETLINK = 824 };

static enum decode_result ethertype_dispatch(struct cursor *c, unsigned type, unsigned *ip_version);

/* The PPP Protocol field, RFC 1661 section 2 (compression: section 6.5). */
static enum decode_result ppp_protocol(struct cursor *c, unsigned *ip_version)
{
    unsigned proto = rd_u8(c);
    /* A compressed field is one byte, told apart by its odd value. */
    if (!(proto & 1))
        proto = proto << 8 | rd_u8(c);
    if (c->short_read)
        return DECODE_TRUNCATED;
    switch (proto) {
    case PPP_IPV4:
        *ip_version = 4;
        return DECODE_OK;
    case PPP_IPV6:
        *ip_version = 6;
        return DECODE_OK;
    case PPP_VJ_COMPRESSED:
    case PPP_VJ_UNCOMPRESSED:
    case PPP_COMPRESSED_LINK:
    case PPP_COMPRESSED:
    case PPP_MPLS:
    case PPP_MPLS_MCAST:
        return DECODE_UNSUPPORTED;
    default:
        return DECODE_NOT_IP; /* LCP, IPCP, authentication, ... */
    }
}

/*
 * PPP in HDLC-like framing, RFC 1662 section 3.1. Address and control may be
 * elided (RFC 1661 section 6.6); 0xff cannot begin a protocol field, so it
 * tells the two apart.
 */
static enum decode_result ppp_hdlc(struct cursor *c, unsigned *ip_version)
{
    if (cursor_peek_u8(c) == 0xff) {
        cursor_skip(c, 1);
        unsigned control = rd_u8(c);
        if (c->short_read)
            return DECODE_TRUNCATED;
        if (control != 0x03)
            return DECODE_MALFORMED;
    }
    return ppp_protocol(c, ip_version);
}

/* PPPoE session stage header, RFC 2516 section 4. */
static enum decode_result pppoe_session(struct cursor *c, unsigned *ip_version)
{
    unsigned ver_type = rd_u8(c);
    unsigned code = rd_u8(c);
    cursor_skip(c, 4); /* session id, length */
    if (c->short_read)
        return DECODE_TRUNCATED;
    if (ver_type != 0x11 || code != 0)
        return DECODE_MALFORMED;
    return ppp_protocol(c, ip_version);
}

/* Cisco HDLC: address, control, then an Ethernet type (libpcap LINKTYPE_C_HDLC). */
static enum decode_result cisco_hdlc(struct cursor *c, unsigned *ip_version)
{
    cursor_skip(c, 2);
    unsigned type = rd_be16(c);
    if (c->short_read)
        return DECODE_TRUNCATED;
    return ethertype_dispatch(c, type, ip_version);
}

/* Ethernet type, with IEEE 802.1Q / 802.1ad tags in front of it. */
static enum decode_result ethertype_dispatch(struct cursor *c, unsigned type, unsigned *ip_version)
{
    for (unsigned tags = 0;
         type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD; tags++) {
        if (tags == MAX_VLAN_TAGS)
            return DECODE_UNSUPPORTED;
        cursor_skip(c, 2); /* priority, DEI, VLAN id */
        type = rd_be16(c);
        if (c->short_read)
            return DECODE_TRUNCATED;
    }
    switch (type) {
    case ETHERTYPE_IPV4:
        *ip_version = 4;
        return DECODE_OK;
    case ETHERTYPE_IPV6:
        *ip_version = 6;
        return DECODE_OK;
    case ETHERTYPE_PPPOE_SESSION:
        return pppoe_session(c, ip_version);
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MCAST:
    case ETHERTYPE_PBB:
        return DECODE_UNSUPPORTED;
    default:
        /* ARP, LLDP, STP (an 802.3 length below ETHERTYPE_MIN), ... */
        return DECODE_NOT_IP;
    }
}

/* Ethernet II / IEEE 802.3 header: destination, source, type or length. */
static enum decode_result ethernet(struct cursor *c, unsigned *ip_version)
{
    cursor_skip(c, 12);
    unsigned type = rd_be16(c);
    if (c->short_read)
        return DECODE_TRUNCATED;
    return ethertype_dispatch(c, type, ip_version);
}

/* Linux cooked capture v1 (libpcap LINKTYPE_LINUX_SLL): 16 bytes. */
static enum decode_result linux_sll(struct cursor *c, unsigned *ip_version)
{
    cursor_skip(c, 2); /* packet type */
    unsigned hatype = rd_be16(c);
    cursor_skip(c, 10); /* address length, address */
    unsigned type = rd_be16(c);
    if (c->short_read)
        return DECODE_TRUNCATED;
    if (hatype == ARPHRD_NETLINK)
        return DECODE_NOT_IP; /* the protocol field is a netlink family */
    return ethertype_dispatch(c, type, ip_version);
}

/* Linux cooked capture v2 (libpcap LINKTYPE_LINUX_SLL2): 20 bytes. */
static enum decode_result linux_sll2(struct cursor *c, unsigned *ip_version)
{
    unsigned type = rd_be16(c);
    cursor_skip(c, 6); /* reserved, interface index */
    unsigned hatype = rd_be16(c);
    cursor_skip(c, 10); /* packet type, address length, address */
    if (c->short_read)
        return DECODE_TRUNCATED;
    if (hatype == ARPHRD_NETLINK)
        return DECODE_NOT_IP;
    return ethertype_dispatch(c, type, ip_version);
}

/* BSD loopback (libpcap LINKTYPE_NULL, LINKTYPE_LOOP): a 4-byte address family. */
static enum decode_result bsd_loopback(struct cursor *c, unsigned *ip_version)
{
    uint32_t v = rd_be32(c);
    if (c->short_read)
        return DECODE_TRUNCATED;
    /*
     * NULL is in the capturing host's byte order, which need not be ours, and
     * some writers get LOOP's wrong; a family fits in one byte, so whichever
     * end holds it tells the order.
     */
    unsigned family = 0;
    if ((v & 0xffffff00u) == 0)
        family = v;
    else if ((v & 0x00ffffffu) == 0)
        family = v >> 24;
    switch (family) {
    case 2: /* AF_INET everywhere */
        *ip_version = 4;
        return DECODE_OK;
    case 10: /* AF_INET6: Linux */
    case 24: /* NetBSD, OpenBSD */
    case 28: /* FreeBSD, DragonFly */
    case 30: /* macOS */
        *ip_version = 6;
        return DECODE_OK;
    default:
        return DECODE_NOT_IP;
    }
}

/*
 * Per-Packet Information header (the PPI specification, CACE Technologies):
 * version 0, flags, a little-endian header length covering the optional
 * fields, and the link type of the frame that follows. Only non-PPI inner
 * link types are followed, so a crafted frame cannot nest without end.
 */
static enum decode_result ppi(struct cursor *c, unsigned *ip_version)
{
    uint8_t version = rd_u8(c);
    cursor_skip(c, 1); /* flags */
    unsigned len = rd_u8(c);
    len |= (unsigned)rd_u8(c) << 8;
    uint32_t inner = rd_u8(c);
    inner |= (uint32_t)rd_u8(c) << 8;
    inner |= (uint32_t)rd_u8(c) << 16;
    inner |= (uint32_t)rd_u8(c) << 24;
    if (c->short_read)
        return DECODE_TRUNCATED;
    if (version != 0 || len < 8)
        return DECODE_MALFORMED;
    cursor_skip(c, len - 8);
    if (c->short_read)
        return DECODE_TRUNCATED;
    if (inner == LINK_PPI || inner > INT32_MAX)
        return DECODE_UNSUPPORTED;
    return link_decode((int)inner, c, ip_version);
}

enum decode_result link_decode(int link_type, struct cursor *c, unsigned *ip_version)
{
    switch (link_type) {
    case LINK_EN10MB:
        return ethernet(c, ip_version);
    case LINK_RAW:
    case LINK_RAW_BSD:
    case LINK_RAW_OPENBSD:
        *ip_version = 0;
        return DECODE_OK;
    case LINK_IPV4:
        *ip_version = 4;
        return DECODE_OK;
    case LINK_IPV6:
        *ip_version = 6;
        return DECODE_OK;
    case LINK_LINUX_SLL:
        return linux_sll(c, ip_version);
    case LINK_LINUX_SLL2:
        return linux_sll2(c, ip_version);
    case LINK_NULL:
    case LINK_LOOP:
        return bsd_loopback(c, ip_version);
    case LINK_PPP:
        return ppp_hdlc(c, ip_version);
    case LINK_PPP_WITH_DIR:
        cursor_skip(c, 1); /* direction */
        return ppp_hdlc(c, ip_version);
    case LINK_PPP_SERIAL:
        /* libpcap files PPP-in-HDLC and Cisco HDLC framing under one type. */
        if (cursor_peek_u8(c) == 0x0f || cursor_peek_u8(c) == 0x8f)
            return cisco_hdlc(c, ip_version);
        return ppp_hdlc(c, ip_version);
    case LINK_PPP_ETHER:
        return pppoe_session(c, ip_version);
    case LINK_C_HDLC:
        return cisco_hdlc(c, ip_version);
    case LINK_C_HDLC_WITH_DIR:
        cursor_skip(c, 1); /* direction */
        return cisco_hdlc(c, ip_version);
    case LINK_PPI:
        return ppi(c, ip_version);
    default:
        return DECODE_UNSUPPORTED;
    }
}

enum decode_result decode_network_offset(int link_type, const uint8_t *data, size_t caplen,
                                         size_t *offset, unsigned *ip_version)
{
    struct cursor c = cursor_make(data, caplen);
    *ip_version = 0;
    enum decode_result result = link_decode(link_type, &c, ip_version);
    if (result == DECODE_OK && c.short_read)
        result = DECODE_TRUNCATED;
    *offset = caplen - c.left;
    return result;
}

int decode_link_supported(int link_type)
{
    switch (link_type) {
    case LINK_NULL:
    case LINK_EN10MB:
    case LINK_PPP:
    case LINK_RAW_BSD:
    case LINK_RAW_OPENBSD:
    case LINK_PPP_SERIAL:
    case LINK_PPP_ETHER:
    case LINK_RAW:
    case LINK_C_HDLC:
    case LINK_LOOP:
    case LINK_LINUX_SLL:
    case LINK_PPP_WITH_DIR:
    case LINK_C_HDLC_WITH_DIR:
    case LINK_IPV4:
    case LINK_IPV6:
    case LINK_LINUX_SLL2:
    case LINK_PPI:
        return 1;
    default:
        return 0;
    }
}
