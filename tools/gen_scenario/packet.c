/*
 * packet.c: packets as a sensor captures them. The link header of the
 * current file's link type, IPv4 or IPv6, then TCP (RFC 793), UDP (RFC 768)
 * or ICMP (RFC 792, 4443) with correct checksums; each packet emitted is
 * queued for its day and tallied in the truth. Also the payloads: words,
 * domain names, DNS messages, filler bytes.
 */
#include <string.h>

#include "gen_int.h"

const uint8_t MAC_SENSOR[6] = {0x00, 0x0c, 0x29, 0x3a, 0x5b, 0x7c};
const uint8_t MAC_GW[6] = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c};
const uint8_t MAC_LAN[6] = {0x00, 0x0c, 0x29, 0x11, 0x22, 0x33};
const uint8_t MAC_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ---- packet building ------------------------------------------------------- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Fills the checksum at offset off of an L4 segment (RFC 793/768/792/4443). */
void l4_checksum(const struct raddr *src, const struct raddr *dst, uint8_t proto, uint8_t *l4,
                 size_t len, size_t off)
{
    uint32_t sum = 0;
    l4[off] = l4[off + 1] = 0;
    if (proto != P_ICMP) {
        size_t alen = src->v6 ? 16 : 4;
        sum = csum_add(sum, src->b, alen);
        sum = csum_add(sum, dst->b, alen);
        sum += proto;
        sum += (uint32_t)len;
    }
    sum = csum_add(sum, l4, len);
    uint16_t c = csum_fold(sum);
    if (proto == P_UDP && c == 0)
        c = 0xFFFF;
    put16(l4 + off, c);
}

void ipv4_header(uint8_t *h, size_t optlen, uint32_t src, uint32_t dst, uint8_t proto, size_t total,
                 uint16_t id, uint16_t frag, uint8_t ttl)
{
    h[0] = (uint8_t)(0x40 | (5 + optlen / 4));
    h[1] = 0;
    put16(h + 2, (unsigned)total);
    put16(h + 4, id);
    put16(h + 6, frag);
    h[8] = ttl;
    h[9] = proto;
    put32(h + 12, src);
    put32(h + 16, dst);
    h[10] = h[11] = 0;
    put16(h + 10, csum_fold(csum_add(0, h, 20 + optlen)));
}

/*
 * Emits one packet of flow f in direction dir at time f->t: link header for
 * the current file's link type, the IP header, then the given L4 bytes
 * (checksum already filled). Tallies it in the truth.
 */
void emit(struct gen *g, struct flow *f, int dir, const uint8_t *l4, size_t l4len,
          const struct ip_extra *x)
{
    uint8_t fr[MAX_FRAME + 64];
    size_t n = 0;
    const struct raddr *src = dir == DIR_OUT ? &f->sensor : &f->remote;
    const struct raddr *dst = dir == DIR_OUT ? &f->remote : &f->sensor;
    unsigned ethertype = src->v6 ? 0x86DD : 0x0800;
    size_t optlen = x ? x->optlen : 0;
    if (l4len + optlen + 40 > MAX_FRAME)
        die("internal: frame too large");

    if (g->linktype == LT_ETHER) {
        const uint8_t *dmac = dst == &f->sensor ? MAC_SENSOR : MAC_GW;
        const uint8_t *smac = src == &f->sensor ? MAC_SENSOR : MAC_GW;
        if (f->lan) {
            dmac = MAC_BCAST;
            smac = MAC_LAN;
        }
        memcpy(fr, dmac, 6);
        memcpy(fr + 6, smac, 6);
        n = 12;
        if (f->vlan) {
            put16(fr + n, 0x8100);
            put16(fr + n + 2, f->vlan);
            n += 4;
        }
        put16(fr + n, ethertype);
        n += 2;
    } else if (g->linktype == LT_SLL) {
        /* Linux cooked header: packet type 0 = to us, 4 = sent by us */
        put16(fr, dir == DIR_OUT ? 4 : 0);
        put16(fr + 2, 1); /* ARPHRD_ETHER */
        put16(fr + 4, 6);
        memcpy(fr + 6, dir == DIR_OUT ? MAC_SENSOR : MAC_GW, 6);
        fr[12] = fr[13] = 0;
        put16(fr + 14, ethertype);
        n = 16;
    }

    size_t iplen;
    if (!src->v6) {
        uint16_t id;
        uint16_t frag;
        if (x && x->raw_frag) {
            id = x->ipid;
            frag = x->frag;
        } else {
            id = dir == DIR_OUT ? g->sensor_ipid++ : (uint16_t)rng_next(&g->rng);
            frag = f->proto == P_TCP ? 0x4000 : 0; /* DF on TCP, as Windows does */
        }
        iplen = 20 + optlen + l4len;
        if (optlen > 40 || optlen % 4)
            die("internal: bad IPv4 options length");
        memset(fr + n + 20, 1, optlen); /* NOPs, before the header checksum covers them */
        ipv4_header(fr + n, optlen, ra4_get(src), ra4_get(dst), f->proto, iplen, id, frag,
                    f->ttl[dir]);
        n += 20 + optlen;
    } else {
        iplen = 40 + l4len;
        fr[n] = 0x60;
        fr[n + 1] = fr[n + 2] = fr[n + 3] = 0;
        put16(fr + n + 4, (unsigned)l4len);
        fr[n + 6] = f->proto;
        fr[n + 7] = f->ttl[dir];
        memcpy(fr + n + 8, src->b, 16);
        memcpy(fr + n + 24, dst->b, 16);
        n += 40;
    }
    memcpy(fr + n, l4, l4len);
    n += l4len;

    /* Frames received on Ethernet arrive padded to the 60-byte minimum; sent
     * ones are captured before the NIC pads them. Padding is never counted. */
    if (g->linktype == LT_ETHER && dir == DIR_IN) {
        size_t min = f->vlan ? 64 : 60;
        if (n < min) {
            memset(fr + n, 0, min - n);
            n = min;
        }
    }
    size_t cap = n < g->snaplen ? n : g->snaplen;
    int64_t ts = f->t;
    if (g->nano)
        ts += (int64_t)rng_below(&g->rng, 1000);
    day_push(g, ts, fr, cap, n);
    if (f->account)
        account(g, f, dir, iplen, ts);
}

/* Advances the flow clock by us microseconds (at least 50). */
void tick(struct flow *f, int64_t us)
{
    f->t += US(us < 50 ? 50 : us);
}

/* Sends one TCP segment (RFC 793), data offset 5, after dt_us. */
void tcp_send(struct gen *g, struct flow *f, int dir, unsigned flags, const void *data, size_t len,
              int64_t dt_us)
{
    uint8_t seg[MAX_FRAME];
    if (len > 1460)
        die("internal: segment too large");
    tick(f, dt_us);
    put16(seg, dir == DIR_OUT ? f->sport : f->rport);
    put16(seg + 2, dir == DIR_OUT ? f->rport : f->sport);
    put32(seg + 4, f->seq[dir]);
    put32(seg + 8, (flags & TH_ACK) ? f->seq[!dir] : 0);
    seg[12] = 5 << 4;
    seg[13] = (uint8_t)flags;
    put16(seg + 14, f->win[dir]);
    seg[18] = seg[19] = 0;
    if (len)
        memcpy(seg + 20, data, len);
    const struct raddr *src = dir == DIR_OUT ? &f->sensor : &f->remote;
    const struct raddr *dst = dir == DIR_OUT ? &f->remote : &f->sensor;
    l4_checksum(src, dst, P_TCP, seg, 20 + len, 16);
    f->seq[dir] += (uint32_t)len + ((flags & TH_SYN) ? 1u : 0u) + ((flags & TH_FIN) ? 1u : 0u);
    emit(g, f, dir, seg, 20 + len, NULL);
}

void tcp_text(struct gen *g, struct flow *f, int dir, const char *text, int64_t dt_us)
{
    tcp_send(g, f, dir, TH_PSH | TH_ACK, text, strlen(text), dt_us);
}

void udp_send(struct gen *g, struct flow *f, int dir, const void *data, size_t len, int64_t dt_us)
{
    uint8_t dg[MAX_FRAME];
    tick(f, dt_us);
    put16(dg, dir == DIR_OUT ? f->sport : f->rport);
    put16(dg + 2, dir == DIR_OUT ? f->rport : f->sport);
    put16(dg + 4, (unsigned)(8 + len));
    memcpy(dg + 8, data, len);
    const struct raddr *src = dir == DIR_OUT ? &f->sensor : &f->remote;
    const struct raddr *dst = dir == DIR_OUT ? &f->remote : &f->sensor;
    l4_checksum(src, dst, P_UDP, dg, 8 + len, 6);
    emit(g, f, dir, dg, 8 + len, NULL);
}

/* ICMP or ICMPv6 message with a 4-byte rest-of-header (echo: id, seq). */
void icmp_send(struct gen *g, struct flow *f, int dir, unsigned type, unsigned code, uint32_t rest,
               const void *data, size_t len, int64_t dt_us)
{
    uint8_t m[MAX_FRAME];
    tick(f, dt_us);
    m[0] = (uint8_t)type;
    m[1] = (uint8_t)code;
    put32(m + 4, rest);
    memcpy(m + 8, data, len);
    const struct raddr *src = dir == DIR_OUT ? &f->sensor : &f->remote;
    const struct raddr *dst = dir == DIR_OUT ? &f->remote : &f->sensor;
    l4_checksum(src, dst, f->proto, m, 8 + len, 2);
    emit(g, f, dir, m, 8 + len, NULL);
}

/* ---- payloads -------------------------------------------------------------- */

void rand_word(struct rng *r, char *buf, unsigned lo, unsigned hi)
{
    static const char syl[][4] = {"ka", "ri", "to", "ne", "mo", "sa",  "lu",  "vi",  "der",
                                  "ax", "on", "pe", "zu", "qu", "bel", "tra", "nix", "o"};
    unsigned want = rng_range(r, lo, hi);
    size_t n = 0;
    while (n < want) {
        const char *s = syl[rng_below(r, sizeof syl / sizeof syl[0])];
        size_t l = strlen(s);
        memcpy(buf + n, s, l);
        n += l;
    }
    buf[n] = '\0';
}

void rand_domain(struct rng *r, char *buf, size_t size)
{
    static const char *const tld[] = {"com", "net", "info", "biz", "org", "jp", "ru", "cn"};
    char w[24];
    rand_word(r, w, 4, 10);
    snprintf(buf, size, "%s.%s", w, tld[rng_below(r, sizeof tld / sizeof tld[0])]);
}

/* A DNS message (RFC 1035): one A question, and for a response one answer
 * whose name is a pointer to the question, or NXDOMAIN. */
size_t dns_message(uint8_t *p, uint16_t id, const char *name, bool response, bool nxdomain,
                   uint32_t answer)
{
    size_t n = 12;
    put16(p, id);
    put16(p + 2, response ? (nxdomain ? 0x8183 : 0x8180) : 0x0100);
    put16(p + 4, 1);
    put16(p + 6, response && !nxdomain ? 1 : 0);
    put16(p + 8, 0);
    put16(p + 10, 0);
    const char *s = name;
    while (*s) {
        const char *dot = strchr(s, '.');
        size_t l = dot ? (size_t)(dot - s) : strlen(s);
        p[n++] = (uint8_t)l;
        memcpy(p + n, s, l);
        n += l;
        s += l + (dot ? 1 : 0);
    }
    p[n++] = 0;
    put16(p + n, 1);     /* QTYPE A */
    put16(p + n + 2, 1); /* QCLASS IN */
    n += 4;
    if (response && !nxdomain) {
        put16(p + n, 0xC00C);
        put16(p + n + 2, 1);
        put16(p + n + 4, 1);
        put32(p + n + 6, 300);
        put16(p + n + 10, 4);
        put32(p + n + 12, answer);
        n += 16;
    }
    return n;
}

/* Filler bytes for binary payloads (SMB, executables): deterministic. */
void fill(struct rng *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rng_next(r) >> 56);
}
