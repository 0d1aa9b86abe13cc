/*
 * DNS evidence (RFC 1035): the names a client asks for, and in responses
 * the addresses and names given back (A, AAAA, CNAME, MX, NS, PTR) or the
 * error returned. A bot resolves its spam targets' mail exchangers and its
 * download sites before it connects to them: these answers name them.
 *
 * Names are decompressed with every pointer checked: it must lead to an
 * offset lower than where the current run of labels began (so every jump
 * lands lower than the last, and a loop is impossible), there are at most
 * MAX_JUMPS of them, labels are at most 63 bytes and a whole name at most
 * 255 bytes on the wire (RFC 1035 2.3.4). Section counts are only upper
 * bounds: parsing stops at the first record the bytes do not hold.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "evidence_int.h"

enum {
    DNS_HEADER_LEN = 12,
    NAME_MAX_WIRE = 255,
    MAX_JUMPS = 32,
    CLASS_IN = 1,
};

enum { TYPE_A = 1, TYPE_NS = 2, TYPE_CNAME = 5, TYPE_PTR = 12, TYPE_MX = 15, TYPE_AAAA = 28 };

/* A message: the bytes compression pointers count their offsets in. */
struct dns_msg {
    const uint8_t *base;
    size_t len;
};

static uint16_t be16_at(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Reads the name at offset *pos of m (RFC 1035 3.1 and 4.1.4) and appends
 * it to v in dotted form ("." for the root). On success sets *pos past the
 * name as it is written at *pos (past its first pointer, if any) and
 * returns 0; returns -1 when the name is malformed or runs past the message.
 */
static int read_name(const struct dns_msg *m, size_t *pos, struct ev_value *v)
{
    size_t run = *pos; /* where the current run of labels began: pointers must land before it */
    size_t at = run, end = 0, wire = 0;
    int jumps = 0, labels = 0;
    for (;;) {
        if (at >= m->len)
            return -1;
        uint8_t b = m->base[at];
        if ((b & 0xc0) == 0xc0) {
            if (m->len - at < 2)
                return -1;
            size_t target = (size_t)(b & 0x3f) << 8 | m->base[at + 1];
            if (target >= run || ++jumps > MAX_JUMPS)
                return -1;
            if (jumps == 1)
                end = at + 2;
            at = run = target;
            continue;
        }
        /* 0x40 and 0x80: a label of 64 bytes or more, or the extended label types. */
        if (b & 0xc0)
            return -1;
        if (b == 0) {
            if (jumps == 0)
                end = at + 1;
            break;
        }
        wire += 1u + b;
        if (wire + 1 > NAME_MAX_WIRE) /* + 1: the root label still to come */
            return -1;
        if (b > m->len - at - 1)
            return -1;
        if (labels++)
            ev_value_str(v, ".");
        ev_value_add(v, m->base + at + 1, b);
        at += 1u + b;
    }
    if (labels == 0)
        ev_value_str(v, ".");
    *pos = end;
    return 0;
}

static void add_type(struct ev_value *v, uint16_t type)
{
    static const struct {
        uint16_t type;
        const char *name;
    } names[] = {
        {1, "A"},      {2, "NS"},      {5, "CNAME"}, {6, "SOA"},   {12, "PTR"},   {13, "HINFO"},
        {15, "MX"},    {16, "TXT"},    {28, "AAAA"}, {33, "SRV"},  {35, "NAPTR"}, {43, "DS"},
        {46, "RRSIG"}, {48, "DNSKEY"}, {52, "TLSA"}, {64, "SVCB"}, {65, "HTTPS"}, {99, "SPF"},
        {251, "IXFR"}, {252, "AXFR"},  {255, "ANY"}, {257, "CAA"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].type == type) {
            ev_value_str(v, names[i].name);
            return;
        }
    }
    char buf[16];
    snprintf(buf, sizeof(buf), "TYPE%u", (unsigned)type); /* RFC 3597 5 */
    ev_value_str(v, buf);
}

/* Adds " CH" and the like for a class other than IN ("version.bind TXT CH"). */
static void add_class(struct ev_value *v, uint16_t class)
{
    char buf[16];
    if (class == CLASS_IN)
        return;
    if (class == 3)
        ev_value_str(v, " CH");
    else if (class == 4)
        ev_value_str(v, " HS");
    else if (class == 255)
        ev_value_str(v, " ANY");
    else {
        snprintf(buf, sizeof(buf), " CLASS%u", (unsigned)class);
        ev_value_str(v, buf);
    }
}

static const char *rcode_name(unsigned rcode, char buf[16])
{
    static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                        "NXDOMAIN", "NOTIMP",  "REFUSED"};
    if (rcode < sizeof(names) / sizeof(names[0]))
        return names[rcode];
    snprintf(buf, 16, "RCODE%u", rcode);
    return buf;
}

/*
 * Appends the name that makes up the whole of an RDATA field starting at
 * *pos and ending at rdata_end. Returns 0, or -1 if it is malformed or does
 * not end exactly where the RDATA does.
 */
static int rdata_name(const struct dns_msg *m, size_t pos, size_t rdata_end, struct ev_value *v)
{
    if (read_name(m, &pos, v) < 0 || pos != rdata_end)
        return -1;
    return 0;
}

/*
 * Emits an answer record "name TYPE data" when its type is one we report
 * and its data is well formed. owner holds the record's name; the data is
 * the rdlength bytes at offset pos of m, all present.
 */
static void answer(const struct dns_msg *m, const struct ev_value *owner, uint16_t type,
                   uint16_t class, size_t pos, size_t rdlength, struct ev_out *out)
{
    struct ev_value v = *owner;
    char text[INET6_ADDRSTRLEN];
    size_t rdata_end = pos + rdlength;

    v.item.kind = EVIDENCE_DNS_ANSWER;
    ev_value_str(&v, " ");
    add_type(&v, type);
    add_class(&v, class);
    ev_value_str(&v, " ");
    switch (type) {
    case TYPE_A:
    case TYPE_AAAA:
        if (rdlength != (type == TYPE_A ? 4u : 16u))
            return;
        if (!inet_ntop(type == TYPE_A ? AF_INET : AF_INET6, m->base + pos, text, sizeof(text)))
            return;
        ev_value_str(&v, text);
        break;
    case TYPE_MX:
        if (rdlength < 2)
            return;
        snprintf(text, sizeof(text), "%u ", (unsigned)be16_at(m->base + pos));
        ev_value_str(&v, text);
        if (rdata_name(m, pos + 2, rdata_end, &v) < 0)
            return;
        break;
    case TYPE_CNAME:
    case TYPE_NS:
    case TYPE_PTR:
        if (rdata_name(m, pos, rdata_end, &v) < 0)
            return;
        break;
    default:
        return;
    }
    ev_emit_value(out, &v);
}

/*
 * Parses one message in the len bytes at base (it may end before them, or
 * be cut by their end). Emits its questions (queries) or its answers and
 * error (responses). Returns the message's length when every record it
 * announces was read, 0 when it is not a standard query or response, or is
 * malformed or cut.
 */
static size_t message(const uint8_t *base, size_t len, struct ev_out *out)
{
    struct dns_msg m = {base, len};
    if (len < DNS_HEADER_LEN)
        return 0;
    unsigned flags = be16_at(base + 2);
    unsigned qr = flags >> 15, opcode = flags >> 11 & 0xf, rcode = flags & 0xf;
    unsigned qdcount = be16_at(base + 4);
    /* NOTIFY and UPDATE give the sections other meanings; nothing asks for nothing. */
    if (opcode != 0 || qdcount == 0)
        return 0;
    unsigned long records =
        (unsigned long)be16_at(base + 6) + be16_at(base + 8) + be16_at(base + 10);
    unsigned ancount = be16_at(base + 6);
    size_t pos = DNS_HEADER_LEN;

    for (unsigned i = 0; i < qdcount; i++) {
        struct ev_value v;
        ev_value_init(&v, qr ? EVIDENCE_DNS_ERROR : EVIDENCE_DNS_QUERY);
        if (read_name(&m, &pos, &v) < 0 || len - pos < 4)
            return 0;
        uint16_t type = be16_at(base + pos), class = be16_at(base + pos + 2);
        pos += 4;
        if (!qr) {
            ev_value_str(&v, " ");
            add_type(&v, type);
            add_class(&v, class);
            ev_emit_value(out, &v);
        } else if (i == 0 && rcode != 0) {
            char buf[16];
            ev_value_str(&v, " ");
            ev_value_str(&v, rcode_name(rcode, buf));
            ev_emit_value(out, &v);
        }
    }
    for (unsigned long i = 0; i < records; i++) {
        struct ev_value owner;
        ev_value_init(&owner, EVIDENCE_DNS_ANSWER);
        if (read_name(&m, &pos, &owner) < 0 || len - pos < 10)
            return 0;
        uint16_t type = be16_at(base + pos), class = be16_at(base + pos + 2);
        size_t rdlength = be16_at(base + pos + 8);
        pos += 10;
        if (rdlength > len - pos)
            return 0;
        if (qr && i < ancount)
            answer(&m, &owner, type, class, pos, rdlength, out);
        pos += rdlength;
    }
    return pos;
}

void ev_dns(const uint8_t *data, size_t len, int tcp, struct ev_out *out)
{
    struct cursor c = cursor_make(data, len);
    while (c.left > 0) {
        if (tcp) {
            /* RFC 1035 4.2.2: each message follows its length in two bytes. */
            size_t n = rd_be16(&c);
            if (c.short_read)
                return;
            int cut;
            struct cursor msg = cursor_sub(&c, n, &cut);
            message(msg.p, msg.left, out);
            if (cut)
                return;
        } else {
            /* Datagrams back to back: the next message begins where this one ends. */
            size_t n = message(c.p, c.left, out);
            if (n == 0)
                return;
            cursor_skip(&c, n);
        }
    }
}
