/*
 * gen_scenario: writes a deterministic set of honeypot packet captures and the
 * exact figures honeyscope must report for them (truth.json).
 *
 *   gen_scenario --scenario seed|basic --out DIR [--seed N] [--scale X]
 *   gen_scenario --scenario flood --out DIR [--seed N] [--sources N] [--packets P]
 *
 * The truth is the generator's own knowledge of every conversation it writes
 * (who started it, its service, its category as docs/semantics.md defines
 * them), tallied while each packet is emitted. Nothing is parsed back and no
 * code of src/ is used, so the figures check the pipeline independently.
 *
 * Model of scenario "seed" (the 2009 AWS study, with 2008 for comparison):
 *   - a Windows honeypot 192.0.2.10 on Ethernet, captured 2008-02-01 to
 *     2009-12-11, one capture file per calendar month in varied formats;
 *   - during a few infection periods the bot on the sensor sends spam (SMTP),
 *     resolves names on AWS-hosted DNS servers, sweeps AWS ranges with ICMP
 *     echo and downloads malware over HTTP; the remotes answer;
 *   - every day scanners inside AWS (whose addresses churn, as EC2 addresses
 *     change at every boot) and outside it probe the sensor: TCP 445 and 139
 *     get a short SMB exchange, closed ports a RST, UDP probes no answer,
 *     echo requests a reply; on a few burst days the AWS scan volume jumps;
 *   - ARP frames and LAN broadcasts between other hosts are mixed in.
 * Scenario "basic" is seventeen hand-placed flows (65 packets) covering every
 * link type (Ethernet with an 802.1Q frame, Linux SLL, raw IP), file format,
 * address family, flow-start rule (SYN, SYN+ACK first, mid-stream), an ICMP
 * error, an IPv4 fragment pair, a snap-length cut and the bad-packet classes.
 * Scenario "flood" is telescope scale: one day of a darknet /24 receiving
 * scans and a spoofed SYN flood from N sources, streamed to one file in
 * constant memory (see its section below).
 *
 * truth.json holds, beyond the report's figures, the calendar (infections,
 * bursts and their factors), the initiator counts, the URLs downloaded per
 * group and, for "basic", every flow's expected key, initiator and tallies.
 *
 * Constraints kept so the truth is unambiguous: no flow has an idle gap near
 * a timeout, lasts more than a few minutes, crosses a day or file boundary,
 * or shares its 5-tuple with another flow of the same day. Days are UTC.
 *
 * Output is byte-identical for identical arguments: one xoshiro256** stream
 * seeded from --seed drives everything (a second stream, independent of
 * --scale, draws the calendar: infection periods and burst days). Packets are
 * generated one day at a time, sorted by time and streamed to the file, so
 * memory is bounded by one day of traffic whatever the scale.
 */
/* <pcap/pcap.h> uses the BSD types u_int and u_char, which glibc declares
 * only with its default feature set on top of _POSIX_C_SOURCE. */
#define _DEFAULT_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <jansson.h>
#include <pcap/pcap.h>
#include <zlib.h>

/* The seed prefix list, byte for byte as scenarios/aws-2009.txt. */
static const char AWS_LIST[] =
    "# Amazon Web Services address blocks named in the 2009 study this project\n"
    "# automates (\"CIDR, whitespace, free-text label\").\n"
    "67.202.0.0/18    Amazon Execution Services\n"
    "72.44.32.0/19    Amazon Execution Services\n"
    "75.101.128.0/17  Amazon Execution Services\n"
    "174.129.0.0/16   Amazon Execution Services\n"
    "204.236.224.0/19 Amazon Execution Services\n"
    "79.125.0.0/18    Amazon EU AWS Dublin\n";

static const char BASIC_LIST[] = "# Prefixes of the basic scenario.\n"
                                 "198.51.100.0/24  net-a\n"
                                 "2001:db8:1::/48  net-b v6\n";

/* ---- small helpers --------------------------------------------------------- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_scenario: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("gen_scenario: out of memory\n", stderr);
        abort();
    }
    return q;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("gen_scenario: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

/* ---- PRNG: xoshiro256** seeded through splitmix64 ---------------------------- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n), without modulo bias. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

/* Uniform in [lo, hi]. */
static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)rng_below(r, (uint64_t)hi - lo + 1);
}

static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static bool rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

/* Rounds x up or down at random so that the expectation is exactly x: counts
 * then scale linearly with --scale even when rates are below one a day. */
static unsigned stoch_round(struct rng *r, double x)
{
    if (x <= 0)
        return 0;
    unsigned n = (unsigned)x;
    if (rng_unit(r) < x - (double)n)
        n++;
    return n;
}

/* ---- calendar -------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void day_text(int64_t day, char buf[16])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

#define NS_PER_S INT64_C(1000000000)
#define NS_PER_DAY (INT64_C(86400) * NS_PER_S)
#define MS(x) ((int64_t)(x)*INT64_C(1000000))
#define US(x) ((int64_t)(x)*INT64_C(1000))

/* ---- addresses ------------------------------------------------------------- */

struct raddr {
    bool v6;
    uint8_t b[16]; /* IPv4: first 4 bytes, network order */
};

static struct raddr ra4(uint32_t a)
{
    struct raddr r;
    memset(&r, 0, sizeof r);
    put32(r.b, a);
    return r;
}

static uint32_t ra4_get(const struct raddr *r)
{
    return (uint32_t)r->b[0] << 24 | (uint32_t)r->b[1] << 16 | (uint32_t)r->b[2] << 8 | r->b[3];
}

static struct raddr ra6(const char *text)
{
    struct raddr r;
    memset(&r, 0, sizeof r);
    r.v6 = true;
    if (inet_pton(AF_INET6, text, r.b) != 1)
        die("bad built-in address '%s'", text);
    return r;
}

static void ra_text(const struct raddr *r, char buf[48])
{
    inet_ntop(r->v6 ? AF_INET6 : AF_INET, r->b, buf, 48);
}

static bool ra_equal(const struct raddr *a, const struct raddr *b)
{
    return a->v6 == b->v6 && memcmp(a->b, b->b, 16) == 0;
}

struct block {
    uint32_t net;
    unsigned len;
    int64_t from_day; /* first day the block is announced */
};

/* The seed blocks; 174.129.0.0/16 was announced only from 2009 on. */
static struct block aws_blocks[] = {
    {0x43CA0000u, 18, 0}, /* 67.202.0.0/18 */
    {0x482C2000u, 19, 0}, /* 72.44.32.0/19 */
    {0x4B658000u, 17, 0}, /* 75.101.128.0/17 */
    {0xAE810000u, 16, 0}, /* 174.129.0.0/16, from_day set in main */
    {0xCCECE000u, 19, 0}, /* 204.236.224.0/19 */
    {0x4F7D0000u, 18, 0}, /* 79.125.0.0/18 */
};
#define N_AWS_BLOCKS (sizeof aws_blocks / sizeof aws_blocks[0])

static bool in_block(uint32_t a, uint32_t net, unsigned len)
{
    uint32_t mask = len == 0 ? 0 : (uint32_t)(UINT64_C(0xFFFFFFFF) << (32 - len));
    return (a & mask) == net;
}

static bool is_aws(uint32_t a, int64_t day)
{
    for (size_t i = 0; i < N_AWS_BLOCKS; i++)
        if (day >= aws_blocks[i].from_day && in_block(a, aws_blocks[i].net, aws_blocks[i].len))
            return true;
    return false;
}

/* Reserved, private, documentation and multicast ranges never used as
 * background remotes (RFC 6890), plus every seed block at any date. */
static bool is_background_ok(uint32_t a)
{
    static const struct {
        uint32_t net;
        unsigned len;
    } bad[] = {
        {0x00000000u, 8},  {0x0A000000u, 8},  {0x64400000u, 10}, {0x7F000000u, 8},
        {0xA9FE0000u, 16}, {0xAC100000u, 12}, {0xC0000000u, 24}, {0xC0000200u, 24},
        {0xC0586300u, 24}, {0xC0A80000u, 16}, {0xC6120000u, 15}, {0xC6336400u, 24},
        {0xCB007100u, 24}, {0xE0000000u, 4},  {0xF0000000u, 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (in_block(a, bad[i].net, bad[i].len))
            return false;
    for (size_t i = 0; i < N_AWS_BLOCKS; i++)
        if (in_block(a, aws_blocks[i].net, aws_blocks[i].len))
            return false;
    unsigned last = a & 0xFF;
    return last != 0 && last != 255;
}

static uint32_t background_addr(struct rng *r)
{
    for (;;) {
        uint32_t a = (uint32_t)rng_next(r);
        if (is_background_ok(a))
            return a;
    }
}

/* A host address inside the blocks announced on that day, uniform over them. */
static uint32_t aws_addr(struct rng *r, int64_t day)
{
    uint64_t total = 0;
    for (size_t i = 0; i < N_AWS_BLOCKS; i++)
        if (day >= aws_blocks[i].from_day)
            total += UINT64_C(1) << (32 - aws_blocks[i].len);
    for (;;) {
        uint64_t k = rng_below(r, total);
        for (size_t i = 0; i < N_AWS_BLOCKS; i++) {
            if (day < aws_blocks[i].from_day)
                continue;
            uint64_t size = UINT64_C(1) << (32 - aws_blocks[i].len);
            if (k < size) {
                uint32_t a = aws_blocks[i].net + (uint32_t)k;
                if ((a & 0xFF) != 0 && (a & 0xFF) != 255)
                    return a;
                break;
            }
            k -= size;
        }
    }
}

/* ---- hash sets ------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53u;
    x ^= x >> 33;
    return x;
}

/* Set of non-zero 64-bit keys (IPv4 addresses, packed 5-tuples). */
struct keyset {
    uint64_t *slot;
    size_t cap, n;
};

static void keyset_grow(struct keyset *s)
{
    size_t ocap = s->cap;
    uint64_t *old = s->slot;
    s->cap = ocap ? ocap * 2 : 1024;
    s->slot = xcalloc(s->cap, sizeof *s->slot);
    s->n = 0;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i])
            continue;
        size_t h = (size_t)mix64(old[i]) & (s->cap - 1);
        while (s->slot[h])
            h = (h + 1) & (s->cap - 1);
        s->slot[h] = old[i];
        s->n++;
    }
    free(old);
}

/* Adds key; returns true when it was not there yet. */
static bool keyset_add(struct keyset *s, uint64_t key)
{
    if ((s->n + 1) * 2 > s->cap)
        keyset_grow(s);
    size_t h = (size_t)mix64(key) & (s->cap - 1);
    while (s->slot[h]) {
        if (s->slot[h] == key)
            return false;
        h = (h + 1) & (s->cap - 1);
    }
    s->slot[h] = key;
    s->n++;
    return true;
}

static void keyset_clear(struct keyset *s)
{
    if (s->n)
        memset(s->slot, 0, s->cap * sizeof *s->slot);
    s->n = 0;
}

static void keyset_free(struct keyset *s)
{
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/* ---- capture writers ------------------------------------------------------- */

enum fmt { FMT_PCAP, FMT_PCAP_NS, FMT_PCAP_GZ, FMT_PCAPNG };

static const char *fmt_name(enum fmt f)
{
    switch (f) {
    case FMT_PCAP:
        return "pcap";
    case FMT_PCAP_NS:
        return "pcap-ns";
    case FMT_PCAP_GZ:
        return "pcap+gzip";
    case FMT_PCAPNG:
        return "pcapng";
    }
    return "?";
}

#define LT_ETHER 1
#define LT_RAW 101
#define LT_SLL 113

struct writer {
    enum fmt fmt;
    int linktype;
    char name[64];
    char path[4096], tmp[4096];
    pcap_t *dead;
    pcap_dumper_t *dump;
    FILE *ng;
    uint64_t packets;
};

static int dlt_of(int linktype)
{
    switch (linktype) {
    case LT_RAW:
        return DLT_RAW;
    case LT_SLL:
        return DLT_LINUX_SLL;
    default:
        return DLT_EN10MB;
    }
}

static void ng_write(struct writer *w, const void *p, size_t n)
{
    if (fwrite(p, 1, n, w->ng) != n)
        die("cannot write '%s': %s", w->path, strerror(errno));
}

/* pcapng (draft-ietf-opsawg-pcapng): one Section Header Block and one
 * Interface Description Block without options, so if_tsresol is the default
 * (microseconds). Little-endian whatever the host, for identical output. */
static void ng_begin(struct writer *w, unsigned snaplen)
{
    uint8_t shb[28], idb[20];
    le32(shb, 0x0A0D0D0A);
    le32(shb + 4, sizeof shb);
    le32(shb + 8, 0x1A2B3C4D);
    le16(shb + 12, 1);
    le16(shb + 14, 0);
    le32(shb + 16, 0xFFFFFFFFu); /* section length unknown: -1 */
    le32(shb + 20, 0xFFFFFFFFu);
    le32(shb + 24, sizeof shb);
    ng_write(w, shb, sizeof shb);
    le32(idb, 1);
    le32(idb + 4, sizeof idb);
    le16(idb + 8, (unsigned)w->linktype);
    le16(idb + 10, 0);
    le32(idb + 12, snaplen);
    le32(idb + 16, sizeof idb);
    ng_write(w, idb, sizeof idb);
}

static void ng_packet(struct writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                      uint32_t len)
{
    static const uint8_t zero[4];
    uint8_t h[28], t[4];
    uint64_t us = (uint64_t)(ts_ns / 1000);
    uint32_t padded = (caplen + 3) & ~3u;
    uint32_t total = 28 + padded + 4;
    le32(h, 6);
    le32(h + 4, total);
    le32(h + 8, 0);
    le32(h + 12, (uint32_t)(us >> 32));
    le32(h + 16, (uint32_t)us);
    le32(h + 20, caplen);
    le32(h + 24, len);
    ng_write(w, h, sizeof h);
    ng_write(w, data, caplen);
    ng_write(w, zero, padded - caplen);
    le32(t, total);
    ng_write(w, t, sizeof t);
}

static void writer_open(struct writer *w, const char *dir, const char *name, enum fmt fmt,
                        int linktype, unsigned snaplen)
{
    memset(w, 0, sizeof *w);
    w->fmt = fmt;
    w->linktype = linktype;
    snprintf(w->name, sizeof w->name, "%s", name);
    snprintf(w->path, sizeof w->path, "%s/%s", dir, name);
    if (fmt == FMT_PCAPNG) {
        w->ng = fopen(w->path, "wb");
        if (!w->ng)
            die("cannot create '%s': %s", w->path, strerror(errno));
        ng_begin(w, snaplen);
        return;
    }
    /* gzip: libpcap writes a plain file first, zlib compresses it on close */
    const char *target = w->path;
    if (fmt == FMT_PCAP_GZ) {
        snprintf(w->tmp, sizeof w->tmp, "%s/.%s.tmp", dir, name);
        target = w->tmp;
    }
    w->dead = pcap_open_dead_with_tstamp_precision(
        dlt_of(linktype), (int)snaplen,
        fmt == FMT_PCAP_NS ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    if (!w->dead)
        die("pcap_open_dead failed");
    w->dump = pcap_dump_open(w->dead, target);
    if (!w->dump)
        die("cannot create '%s': %s", target, pcap_geterr(w->dead));
}

static void writer_put(struct writer *w, int64_t ts_ns, const uint8_t *data, uint32_t caplen,
                       uint32_t len)
{
    w->packets++;
    if (w->ng) {
        ng_packet(w, ts_ns, data, caplen, len);
        return;
    }
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)(ts_ns / NS_PER_S);
    /* with nanosecond precision libpcap writes tv_usec as nanoseconds */
    if (w->fmt == FMT_PCAP_NS)
        h.ts.tv_usec = (suseconds_t)(ts_ns % NS_PER_S);
    else
        h.ts.tv_usec = (suseconds_t)(ts_ns % NS_PER_S / 1000);
    h.caplen = caplen;
    h.len = len;
    pcap_dump((u_char *)w->dump, &h, data);
}

static void gzip_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        die("cannot open '%s': %s", from, strerror(errno));
    gzFile out = gzopen(to, "wb6");
    if (!out)
        die("cannot create '%s'", to);
    static uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (gzwrite(out, buf, (unsigned)n) != (int)n)
            die("cannot write '%s'", to);
    if (ferror(in))
        die("cannot read '%s'", from);
    fclose(in);
    if (gzclose(out) != Z_OK)
        die("cannot write '%s'", to);
    unlink(from);
}

static void writer_close(struct writer *w)
{
    if (w->ng) {
        if (fclose(w->ng) != 0)
            die("cannot write '%s': %s", w->path, strerror(errno));
        w->ng = NULL;
        return;
    }
    if (pcap_dump_flush(w->dump) != 0)
        die("cannot write '%s'", w->fmt == FMT_PCAP_GZ ? w->tmp : w->path);
    pcap_dump_close(w->dump);
    pcap_close(w->dead);
    w->dump = NULL;
    w->dead = NULL;
    if (w->fmt == FMT_PCAP_GZ)
        gzip_file(w->tmp, w->path);
}

/* ---- truth tallies --------------------------------------------------------- */

enum { DIR_IN = 0, DIR_OUT = 1 };
enum { INIT_UNKNOWN = 0, INIT_SENSOR = 1, INIT_REMOTE = 2 };
static const char *const init_names[] = {"unknown", "sensor", "remote"};

#define NGROUP 2 /* 0: the named group (aws or basic), 1: any remote */
#define MAX_CAT 128
#define MAX_V6 64

struct cat_stat {
    char name[48];
    int init;
    uint64_t flows, pk[2], by[2];
};

struct port_stat {
    char name[24];
    uint64_t flows, pk, by;
};

struct day_stat {
    uint64_t pk[2], by[2], flows, sources;
};

struct group {
    const char *name;
    struct cat_stat cat[MAX_CAT];
    size_t ncat;
    struct port_stat port[MAX_CAT];
    size_t nport;
    struct day_stat *series;
    struct keyset src_all, src_day;              /* IPv4 sources */
    struct raddr v6_all[MAX_V6], v6_day[MAX_V6]; /* IPv6 sources (basic only) */
    size_t nv6_all, nv6_day;
    uint64_t flows, pk[2], by[2];
    json_t *urls; /* downloaded URL -> times */
};

static int group_cat(struct group *g, const char *name, int init)
{
    for (size_t i = 0; i < g->ncat; i++)
        if (strcmp(g->cat[i].name, name) == 0)
            return (int)i;
    if (g->ncat == MAX_CAT)
        die("too many categories");
    struct cat_stat *c = &g->cat[g->ncat];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->init = init;
    return (int)g->ncat++;
}

static int group_port(struct group *g, const char *name)
{
    for (size_t i = 0; i < g->nport; i++)
        if (strcmp(g->port[i].name, name) == 0)
            return (int)i;
    if (g->nport == MAX_CAT)
        die("too many ports");
    struct port_stat *p = &g->port[g->nport];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    return (int)g->nport++;
}

/* Adds a v6 address to a small list; returns true when new. */
static bool v6list_add(struct raddr *list, size_t *n, const struct raddr *a)
{
    for (size_t i = 0; i < *n; i++)
        if (ra_equal(&list[i], a))
            return false;
    if (*n == MAX_V6)
        die("too many IPv6 sources");
    list[(*n)++] = *a;
    return true;
}

/* ---- generator state ------------------------------------------------------- */

struct pkt {
    int64_t ts;
    uint32_t order, off, caplen, len;
};

struct flow {
    struct raddr sensor, remote;
    uint8_t proto;
    uint16_t sport, rport; /* sensor and remote ports; ICMP: echo id in sport */
    int init;
    bool account; /* false for packets outside the analysis (not_sensor, ...) */
    bool lan;     /* a broadcast between two other hosts of the sensor's LAN */
    bool started;
    bool member[NGROUP];
    int cat[NGROUP], port[NGROUP];
    uint16_t vlan;
    uint32_t seq[2]; /* next TCP sequence number sent by each side */
    uint16_t win[2];
    uint8_t ttl[2];
    int64_t t; /* time of the last packet, ns */
    uint64_t pk[2], by[2];
    char service[24], category[48];
    unsigned icmp_type, icmp_code;
};

struct gen {
    int scenario; /* 0 seed, 1 basic */
    uint64_t seed;
    double scale;
    const char *dir;
    struct rng rng, cal;
    int64_t day0;
    size_t ndays;
    struct group grp[NGROUP];
    struct raddr sensor4, sensor6;
    /* the day being generated */
    int64_t day;
    struct pkt *pk;
    size_t npk, pkcap;
    uint8_t *data;
    size_t dlen, dcap;
    uint32_t order;
    struct keyset tuples; /* 5-tuples used today */
    /* the file being written */
    struct writer w;
    bool w_open;
    int linktype;
    unsigned snaplen;
    bool nano; /* add sub-microsecond digits to timestamps */
    uint16_t sensor_ipid;
    uint16_t eph; /* next ephemeral port of the sensor */
    unsigned vlan_left;
    /* top-level counts */
    uint64_t packets, not_sensor, not_ip, truncated, flows;
    uint64_t init_count[3];
    json_t *files, *flow_list;
    const char *file_name;
};

static const uint8_t MAC_SENSOR[6] = {0x00, 0x0c, 0x29, 0x3a, 0x5b, 0x7c};
static const uint8_t MAC_GW[6] = {0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c};
static const uint8_t MAC_LAN[6] = {0x00, 0x0c, 0x29, 0x11, 0x22, 0x33};
static const uint8_t MAC_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static size_t day_index(const struct gen *g, int64_t ts)
{
    int64_t d = ts / NS_PER_DAY - g->day0;
    if (d < 0 || (size_t)d >= g->ndays || ts / NS_PER_DAY != g->day)
        die("internal: packet outside its day");
    return (size_t)d;
}

/* Queues one frame of the current day. */
static void day_push(struct gen *g, int64_t ts, const uint8_t *frame, size_t caplen, size_t len)
{
    if (g->npk == g->pkcap) {
        g->pkcap = g->pkcap ? g->pkcap * 2 : 4096;
        g->pk = xrealloc(g->pk, g->pkcap * sizeof *g->pk);
    }
    if (g->dlen + caplen > g->dcap) {
        while (g->dlen + caplen > g->dcap)
            g->dcap = g->dcap ? g->dcap * 2 : (1u << 20);
        g->data = xrealloc(g->data, g->dcap);
    }
    if (g->dlen + caplen > UINT32_MAX)
        die("internal: one day of packets exceeds 4 GB");
    struct pkt *p = &g->pk[g->npk++];
    p->ts = ts;
    p->order = g->order++;
    p->off = (uint32_t)g->dlen;
    p->caplen = (uint32_t)caplen;
    p->len = (uint32_t)len;
    memcpy(g->data + g->dlen, frame, caplen);
    g->dlen += caplen;
}

static int pkt_cmp(const void *a, const void *b)
{
    const struct pkt *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Writes the queued frames in time order (ties in generation order). */
static void day_flush(struct gen *g)
{
    qsort(g->pk, g->npk, sizeof *g->pk, pkt_cmp);
    for (size_t i = 0; i < g->npk; i++) {
        const struct pkt *p = &g->pk[i];
        writer_put(&g->w, p->ts, g->data + p->off, p->caplen, p->len);
    }
    g->packets += g->npk;
    g->npk = 0;
    g->dlen = 0;
    g->order = 0;
}

static void day_begin(struct gen *g, int64_t day)
{
    g->day = day;
    keyset_clear(&g->tuples);
    for (int i = 0; i < NGROUP; i++) {
        keyset_clear(&g->grp[i].src_day);
        g->grp[i].nv6_day = 0;
    }
}

static void file_open(struct gen *g, const char *name, enum fmt fmt, int linktype, unsigned snaplen)
{
    writer_open(&g->w, g->dir, name, fmt, linktype, snaplen);
    g->w_open = true;
    g->linktype = linktype;
    g->snaplen = snaplen;
    g->nano = fmt == FMT_PCAP_NS;
    g->file_name = g->w.name;
}

static void file_close(struct gen *g)
{
    writer_close(&g->w);
    g->w_open = false;
    json_t *f = json_object();
    json_object_set_new(f, "name", json_string(g->w.name));
    json_object_set_new(f, "format", json_string(fmt_name(g->w.fmt)));
    json_object_set_new(f, "linktype", json_integer(g->w.linktype));
    json_object_set_new(f, "packets", json_integer((json_int_t)g->w.packets));
    json_array_append_new(g->files, f);
    fprintf(stderr, "  %-28s %-9s %10" PRIu64 " packets\n", g->w.name, fmt_name(g->w.fmt),
            g->w.packets);
}

/* ---- flows and their categories (docs/semantics.md) ------------------------ */

static bool group_member(const struct gen *g, int i, const struct raddr *a)
{
    if (i == 1)
        return true;
    if (g->scenario == 0)
        return !a->v6 && is_aws(ra4_get(a), g->day);
    if (!a->v6)
        return in_block(ra4_get(a), v4(198, 51, 100, 0), 24);
    static const uint8_t net_b[6] = {0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01};
    return memcmp(a->b, net_b, 6) == 0;
}

#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ICMP6 58

/*
 * Starts a flow: who initiated it and, for TCP/UDP, the ports; for ICMP the
 * request (or error) type and code. Computes the service (the responder's
 * port; the lower port when the initiator is unknown) and the category.
 */
static void flow_init(struct gen *g, struct flow *f, const struct raddr *remote, uint8_t proto,
                      uint16_t sport, uint16_t rport, int init, unsigned icmp_type,
                      unsigned icmp_code)
{
    memset(f, 0, sizeof *f);
    f->remote = *remote;
    f->sensor = remote->v6 ? g->sensor6 : g->sensor4;
    f->proto = proto;
    f->sport = sport;
    f->rport = rport;
    f->init = init;
    f->account = true;
    f->icmp_type = icmp_type;
    f->icmp_code = icmp_code;
    f->win[DIR_OUT] = 64240;
    f->win[DIR_IN] = (uint16_t)rng_range(&g->rng, 5840, 65535);
    f->ttl[DIR_OUT] = 128;
    f->ttl[DIR_IN] = (uint8_t)rng_range(&g->rng, 40, 118);
    if (g->vlan_left > 0 && !remote->v6) {
        f->vlan = 10;
        g->vlan_left--;
    }

    char port_key[24];
    if (proto == P_TCP || proto == P_UDP) {
        unsigned svc = init == INIT_SENSOR   ? rport
                       : init == INIT_REMOTE ? sport
                                             : (sport < rport ? sport : rport);
        snprintf(f->service, sizeof f->service, "%s/%u", proto == P_TCP ? "tcp" : "udp", svc);
        snprintf(port_key, sizeof port_key, "%s", f->service);
    } else if (proto == P_ICMP || proto == P_ICMP6) {
        const char *fam = proto == P_ICMP ? "icmp" : "icmp6";
        if (icmp_code)
            snprintf(f->service, sizeof f->service, "%s/%u/%u", fam, icmp_type, icmp_code);
        else
            snprintf(f->service, sizeof f->service, "%s/%u", fam, icmp_type);
        snprintf(port_key, sizeof port_key, "%s/%u", fam, icmp_type);
    } else {
        snprintf(f->service, sizeof f->service, "proto/%u", proto);
        snprintf(port_key, sizeof port_key, "%s", f->service);
    }

    if (init == INIT_SENSOR) {
        unsigned p = rport;
        const char *c = f->service;
        if (proto == P_TCP && (p == 25 || p == 465 || p == 587))
            c = "spam-smtp";
        else if ((proto == P_TCP || proto == P_UDP) && p == 53)
            c = "dns";
        else if ((proto == P_ICMP && icmp_type == 8 && icmp_code == 0) ||
                 (proto == P_ICMP6 && icmp_type == 128 && icmp_code == 0))
            c = "icmp-scan";
        else if (proto == P_TCP && (p == 80 || p == 8080))
            c = "http-download";
        else if (proto == P_TCP && p == 443)
            c = "https";
        else if (proto == P_TCP && ((p >= 6660 && p <= 6669) || p == 6697 || p == 7000))
            c = "irc";
        snprintf(f->category, sizeof f->category, "%s", c);
    } else {
        snprintf(f->category, sizeof f->category, "%s:%s", init == INIT_REMOTE ? "scan" : "unknown",
                 f->service);
    }

    for (int i = 0; i < NGROUP; i++) {
        f->member[i] = group_member(g, i, remote);
        f->cat[i] = f->member[i] ? group_cat(&g->grp[i], f->category, init) : -1;
        f->port[i] = f->member[i] && init == INIT_REMOTE ? group_port(&g->grp[i], port_key) : -1;
    }
}

/* Tallies one packet of flow f: the flow counts in the day of its first
 * packet, packets and bytes in the day of each packet. */
static void account(struct gen *g, struct flow *f, int dir, uint64_t iplen, int64_t ts)
{
    size_t d = day_index(g, ts);
    if (!f->started) {
        f->started = true;
        g->flows++;
        g->init_count[f->init]++;
        for (int i = 0; i < NGROUP; i++) {
            if (!f->member[i])
                continue;
            struct group *gr = &g->grp[i];
            gr->flows++;
            gr->series[d].flows++;
            gr->cat[f->cat[i]].flows++;
            if (f->port[i] >= 0)
                gr->port[f->port[i]].flows++;
        }
    }
    f->pk[dir]++;
    f->by[dir] += iplen;
    for (int i = 0; i < NGROUP; i++) {
        if (!f->member[i])
            continue;
        struct group *gr = &g->grp[i];
        gr->pk[dir]++;
        gr->by[dir] += iplen;
        gr->series[d].pk[dir]++;
        gr->series[d].by[dir] += iplen;
        gr->cat[f->cat[i]].pk[dir]++;
        gr->cat[f->cat[i]].by[dir] += iplen;
        if (dir != DIR_IN)
            continue;
        if (f->port[i] >= 0) {
            gr->port[f->port[i]].pk++;
            gr->port[f->port[i]].by += iplen;
        }
        if (f->remote.v6) {
            if (v6list_add(gr->v6_day, &gr->nv6_day, &f->remote))
                gr->series[d].sources++;
            v6list_add(gr->v6_all, &gr->nv6_all, &f->remote);
        } else {
            uint64_t key = ra4_get(&f->remote);
            if (keyset_add(&gr->src_day, key))
                gr->series[d].sources++;
            keyset_add(&gr->src_all, key);
        }
    }
}

/* Records the per-flow expectations (basic scenario only). */
static void flow_done(struct gen *g, const struct flow *f)
{
    if (!g->flow_list || !f->account)
        return;
    char ra[48];
    ra_text(&f->remote, ra);
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(g->file_name));
    json_object_set_new(o, "remote", json_string(ra));
    json_object_set_new(o, "proto", json_integer(f->proto));
    if (f->proto == P_TCP || f->proto == P_UDP) {
        json_object_set_new(o, "sensor_port", json_integer(f->sport));
        json_object_set_new(o, "remote_port", json_integer(f->rport));
    }
    json_object_set_new(o, "initiator", json_string(init_names[f->init]));
    json_object_set_new(o, "service", json_string(f->service));
    json_object_set_new(o, "category", json_string(f->category));
    json_object_set_new(o, "packets_in", json_integer((json_int_t)f->pk[DIR_IN]));
    json_object_set_new(o, "packets_out", json_integer((json_int_t)f->pk[DIR_OUT]));
    json_object_set_new(o, "bytes_in", json_integer((json_int_t)f->by[DIR_IN]));
    json_object_set_new(o, "bytes_out", json_integer((json_int_t)f->by[DIR_OUT]));
    json_object_set_new(o, "in_group", json_boolean(f->member[0]));
    json_array_append_new(g->flow_list, o);
}

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
static void l4_checksum(const struct raddr *src, const struct raddr *dst, uint8_t proto,
                        uint8_t *l4, size_t len, size_t off)
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

static void ipv4_header(uint8_t *h, size_t optlen, uint32_t src, uint32_t dst, uint8_t proto,
                        size_t total, uint16_t id, uint16_t frag, uint8_t ttl)
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

#define MAX_FRAME 2048

struct ip_extra {
    bool raw_frag; /* frag field and ipid given below */
    uint16_t frag, ipid;
    size_t optlen; /* IPv4 options (NOPs), multiple of 4 */
};

/*
 * Emits one packet of flow f in direction dir at time f->t: link header for
 * the current file's link type, the IP header, then the given L4 bytes
 * (checksum already filled). Tallies it in the truth.
 */
static void emit(struct gen *g, struct flow *f, int dir, const uint8_t *l4, size_t l4len,
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
static void tick(struct flow *f, int64_t us)
{
    f->t += US(us < 50 ? 50 : us);
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

/* Sends one TCP segment (RFC 793), data offset 5, after dt_us. */
static void tcp_send(struct gen *g, struct flow *f, int dir, unsigned flags, const void *data,
                     size_t len, int64_t dt_us)
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

static void tcp_text(struct gen *g, struct flow *f, int dir, const char *text, int64_t dt_us)
{
    tcp_send(g, f, dir, TH_PSH | TH_ACK, text, strlen(text), dt_us);
}

static void udp_send(struct gen *g, struct flow *f, int dir, const void *data, size_t len,
                     int64_t dt_us)
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
static void icmp_send(struct gen *g, struct flow *f, int dir, unsigned type, unsigned code,
                      uint32_t rest, const void *data, size_t len, int64_t dt_us)
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

static void rand_word(struct rng *r, char *buf, unsigned lo, unsigned hi)
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

static void rand_domain(struct rng *r, char *buf, size_t size)
{
    static const char *const tld[] = {"com", "net", "info", "biz", "org", "jp", "ru", "cn"};
    char w[24];
    rand_word(r, w, 4, 10);
    snprintf(buf, size, "%s.%s", w, tld[rng_below(r, sizeof tld / sizeof tld[0])]);
}

/* A DNS message (RFC 1035): one A question, and for a response one answer
 * whose name is a pointer to the question, or NXDOMAIN. */
static size_t dns_message(uint8_t *p, uint16_t id, const char *name, bool response, bool nxdomain,
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
static void fill(struct rng *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(rng_next(r) >> 56);
}

/* ---- seed scenario: traffic kinds ------------------------------------------ */

struct period {
    int64_t from, to;
};

#define MAX_PERIODS 16
#define MAX_BURSTS 32
#define POOL_MX 24
#define POOL_NS 8

struct http_host {
    uint32_t addr;
    char name[40];
    char path[3][64];
};

struct seed_state {
    struct period inf[MAX_PERIODS];
    size_t ninf;
    int64_t burst[MAX_BURSTS];
    unsigned burst_factor[MAX_BURSTS];
    size_t nburst;
    /* scanner pools: EC2 addresses churn, so members are replaced often */
    uint32_t *aws_scan, *bg_scan;
    size_t naws_scan, nbg_scan;
    /* Rate corrections for the calendar drawn: the bot's daily activity is
     * divided among the infected days and the AWS scan rate among the
     * burst-weighted days, so the period's shares do not depend on how long
     * the infections and how strong the bursts happen to be. */
    double inf_norm, scan_norm;
    /* what the bot talks to during the current infection */
    int cur_inf;
    uint32_t aws_mx[POOL_MX], bg_mx[POOL_MX], aws_ns[POOL_NS], bg_ns[POOL_NS];
    struct http_host aws_http[2], bg_http;
    unsigned naws_http;
    char sender_domain[40];
};

/* Reserves a 5-tuple for today; false when another flow already used it. */
static bool tuple_take(struct gen *g, uint32_t remote, uint8_t proto, uint16_t sport,
                       uint16_t rport)
{
    uint64_t key = (uint64_t)remote << 32 | (uint64_t)sport << 16 | rport;
    /* folding the protocol in can make two tuples share a key: that only
     * makes a free tuple look taken, never lets two flows share one */
    key = mix64(key ^ ((uint64_t)proto << 56)) | 1; /* never zero */
    return keyset_add(&g->tuples, key);
}

static uint16_t sensor_port(struct gen *g, uint32_t remote, uint8_t proto, uint16_t rport)
{
    for (unsigned tries = 0; tries < 70000; tries++) {
        uint16_t p = g->eph;
        g->eph = (uint16_t)(g->eph >= 65000 ? 1025 : g->eph + 1);
        if (tuple_take(g, remote, proto, p, rport))
            return p;
    }
    die("internal: no free port");
    return 0;
}

static uint16_t remote_port(struct gen *g, uint32_t remote, uint8_t proto, uint16_t sport)
{
    for (;;) {
        uint16_t p = (uint16_t)rng_range(&g->rng, 1025, 64999);
        if (tuple_take(g, remote, proto, sport, p))
            return p;
    }
}

static int64_t day_start_ns(const struct gen *g)
{
    return g->day * NS_PER_DAY;
}

/* A flow start between 00:05 and 23:55: with flows shorter than 200 s no
 * flow crosses midnight and no 5-tuple can be reused within 300 s of the
 * previous day. */
/*
 * Each draw is its own statement: the order in which C evaluates the
 * operands of one expression (or the arguments of one call) is unspecified,
 * and differs between compilers, which would make the output depend on them.
 */
static int64_t rand_start(struct gen *g)
{
    int64_t seconds = rng_range(&g->rng, 300, 86100 - 1);
    int64_t micros = (int64_t)rng_below(&g->rng, 1000000);
    return day_start_ns(g) + US(seconds * INT64_C(1000000) + micros);
}

static void gen_smtp(struct gen *g, struct seed_state *st, uint32_t mx, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    struct raddr ra = ra4(mx);
    uint16_t sp = sensor_port(g, mx, P_TCP, 25);
    flow_init(g, &f, &ra, P_TCP, sp, 25, INIT_SENSOR, 0, 0);
    f.t = t0;
    int64_t rtt = rng_range(r, 20000, 280000);
    f.seq[DIR_OUT] = (uint32_t)rng_next(r);
    f.seq[DIR_IN] = (uint32_t)rng_next(r);
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    if (rng_chance(r, 0.08)) { /* no MX listening: refused */
        f.seq[DIR_IN] = 0;
        tcp_send(g, &f, DIR_IN, TH_RST | TH_ACK, NULL, 0, rtt);
        flow_done(g, &f);
        return;
    }
    char mxname[48], rcpt[96], from[96], line[256];
    char user[24], fuser[24];
    rand_domain(r, mxname, sizeof mxname);
    rand_word(r, user, 3, 9);
    rand_word(r, fuser, 3, 9);
    snprintf(rcpt, sizeof rcpt, "%s@%s", user, mxname);
    snprintf(from, sizeof from, "%s@%s", fuser, st->sender_domain);

    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, rtt);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    snprintf(line, sizeof line, "220 mx.%s ESMTP Postfix\r\n", mxname);
    tcp_text(g, &f, DIR_IN, line, rtt / 2 + 3000);
    tcp_text(g, &f, DIR_OUT, "EHLO localhost\r\n", 400);
    snprintf(line, sizeof line,
             "250-mx.%s\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 DSN\r\n",
             mxname);
    tcp_text(g, &f, DIR_IN, line, rtt);
    snprintf(line, sizeof line, "MAIL FROM:<%s>\r\n", from);
    tcp_text(g, &f, DIR_OUT, line, 300);
    tcp_text(g, &f, DIR_IN, "250 2.1.0 Ok\r\n", rtt);
    snprintf(line, sizeof line, "RCPT TO:<%s>\r\n", rcpt);
    tcp_text(g, &f, DIR_OUT, line, 300);
    if (rng_chance(r, 0.12)) { /* unknown recipient: the bot gives up */
        tcp_text(g, &f, DIR_IN, "550 5.1.1 <recipient>: Recipient address rejected\r\n", rtt);
        tcp_text(g, &f, DIR_OUT, "QUIT\r\n", 300);
    } else {
        tcp_text(g, &f, DIR_IN, "250 2.1.5 Ok\r\n", rtt);
        tcp_text(g, &f, DIR_OUT, "DATA\r\n", 300);
        tcp_text(g, &f, DIR_IN, "354 End data with <CR><LF>.<CR><LF>\r\n", rtt);
        unsigned nseg = rng_range(r, 1, 2);
        for (unsigned s = 0; s < nseg; s++) {
            char body[640];
            size_t want = rng_range(r, 200, 600);
            int k = s == 0 ? snprintf(body, sizeof body,
                                      "From: <%s>\r\nTo: <%s>\r\nSubject: Re: your order\r\n"
                                      "Content-Type: text/html\r\n\r\n",
                                      from, rcpt)
                           : 0;
            size_t n = (size_t)k;
            static const char text[] = "Cheap meds online, best prices, visit us now! ";
            while (n < want) {
                size_t l = sizeof text - 1 < want - n ? sizeof text - 1 : want - n;
                memcpy(body + n, text, l);
                n += l;
            }
            if (s + 1 == nseg)
                memcpy(body + n - 5, "\r\n.\r\n", 5);
            tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, body, n, 500);
        }
        tcp_text(g, &f, DIR_IN, "250 2.0.0 Ok: queued as 3F2A81C4E\r\n", rtt);
        tcp_text(g, &f, DIR_OUT, "QUIT\r\n", 300);
    }
    tcp_text(g, &f, DIR_IN, "221 2.0.0 Bye\r\n", rtt);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 300);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, rtt);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    flow_done(g, &f);
}

static void gen_dns(struct gen *g, uint32_t ns, bool aws, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    struct raddr ra = ra4(ns);
    uint16_t sp = sensor_port(g, ns, P_UDP, 53);
    flow_init(g, &f, &ra, P_UDP, sp, 53, INIT_SENSOR, 0, 0);
    f.t = t0;
    char name[64], dom[48];
    rand_domain(r, dom, sizeof dom);
    snprintf(name, sizeof name, "%s%s", rng_chance(r, 0.5) ? "mx." : "www.", dom);
    uint8_t msg[512];
    uint16_t id = (uint16_t)rng_next(r);
    size_t n = dns_message(msg, id, name, false, false, 0);
    udp_send(g, &f, DIR_OUT, msg, n, 0);
    if (!rng_chance(r, 0.05)) {
        uint32_t ans = aws ? aws_addr(r, g->day) : background_addr(r);
        n = dns_message(msg, id, name, true, rng_chance(r, 0.15), ans);
        udp_send(g, &f, DIR_IN, msg, n, rng_range(r, 20000, 250000));
    }
    flow_done(g, &f);
}

/* An echo sweep: requests to consecutive addresses from base, one flow each;
 * a minority answer. */
static void gen_sweep(struct gen *g, uint32_t base, unsigned count, bool aws, int64_t t0)
{
    struct rng *r = &g->rng;
    static const char ping[] = "abcdefghijklmnopqrstuvwabcdefghi"; /* Windows ping data */
    uint16_t id = (uint16_t)rng_range(r, 1, 65535);
    uint16_t seq = (uint16_t)rng_next(r);
    int64_t t = t0;
    uint32_t a = base;
    for (unsigned i = 0; i < count; i++, a++) {
        if ((a & 0xFF) == 0 || (a & 0xFF) == 255)
            continue;
        if (aws ? !is_aws(a, g->day) : !is_background_ok(a))
            break;
        if (!tuple_take(g, a, P_ICMP, id, 8 << 8))
            continue;
        struct flow f;
        struct raddr ra = ra4(a);
        flow_init(g, &f, &ra, P_ICMP, id, 8 << 8, INIT_SENSOR, 8, 0);
        f.t = t;
        icmp_send(g, &f, DIR_OUT, 8, 0, (uint32_t)id << 16 | seq, ping, sizeof ping - 1, 0);
        if (rng_chance(r, 0.2))
            icmp_send(g, &f, DIR_IN, 0, 0, (uint32_t)id << 16 | seq, ping, sizeof ping - 1,
                      rng_range(r, 20000, 250000));
        flow_done(g, &f);
        seq++;
        t += US(rng_range(r, 20000, 80000));
    }
}

static void gen_http(struct gen *g, const struct http_host *h, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    struct raddr ra = ra4(h->addr);
    uint16_t sp = sensor_port(g, h->addr, P_TCP, 80);
    flow_init(g, &f, &ra, P_TCP, sp, 80, INIT_SENSOR, 0, 0);
    f.t = t0;
    int64_t rtt = rng_range(r, 20000, 250000);
    f.seq[DIR_OUT] = (uint32_t)rng_next(r);
    f.seq[DIR_IN] = (uint32_t)rng_next(r);
    const char *path = h->path[rng_below(r, 3)];
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, rtt);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    char req[256];
    snprintf(req, sizeof req,
             "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 6.0; "
             "Windows NT 5.1)\r\nAccept: */*\r\nConnection: close\r\n\r\n",
             path, h->name);
    tcp_text(g, &f, DIR_OUT, req, 300);
    size_t size = rng_range(r, 4000, 40000);
    uint8_t seg[1460];
    int k = snprintf((char *)seg, sizeof seg,
                     "HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Type: "
                     "application/octet-stream\r\nContent-Length: %zu\r\nConnection: close"
                     "\r\n\r\nMZ",
                     size);
    size_t left = size + (size_t)k - 2; /* headers, then the body starting "MZ" */
    size_t pos = (size_t)k;
    unsigned nseg = 0;
    while (left > 0) {
        size_t n = left < 1460 ? left : 1460;
        fill(r, seg + pos, n - pos);
        tcp_send(g, &f, DIR_IN, TH_ACK | (n == left ? TH_PSH : 0), seg, n,
                 nseg == 0 ? rtt : rng_range(r, 300, 3000));
        left -= n;
        pos = 0;
        if (++nseg % 2 == 0)
            tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 100);
    }
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 500);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 150);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 2000);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, rtt);
    flow_done(g, &f);

    char url[160];
    snprintf(url, sizeof url, "http://%s%s", h->name, path);
    for (int i = 0; i < NGROUP; i++) {
        if (!f.member[i])
            continue;
        json_t *c = json_object_get(g->grp[i].urls, url);
        json_int_t v = c ? json_integer_value(c) : 0;
        json_object_set_new(g->grp[i].urls, url, json_integer(v + 1));
    }
}

/* An SMB probe of an open port (445, 139, 135): handshake, a few requests
 * each answered, then the scanner resets or closes. */
static void gen_scan_open(struct gen *g, uint32_t src, uint16_t port, int64_t t0)
{
    struct rng *r = &g->rng;
    struct flow f;
    struct raddr ra = ra4(src);
    uint16_t rp = remote_port(g, src, P_TCP, port);
    flow_init(g, &f, &ra, P_TCP, port, rp, INIT_REMOTE, 0, 0);
    f.t = t0;
    int64_t rtt = rng_range(r, 20000, 300000);
    f.seq[DIR_OUT] = (uint32_t)rng_next(r);
    f.seq[DIR_IN] = (uint32_t)rng_next(r);
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_SYN | TH_ACK, NULL, 0, 150);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, rtt);
    unsigned k = rng_range(r, 1, 3);
    uint8_t buf[1460];
    for (unsigned i = 0; i < k; i++) {
        size_t n;
        if (i == 0 && port == 139) { /* NetBIOS session request (RFC 1002) */
            n = 72;
            fill(r, buf, n);
            buf[0] = 0x81;
            buf[1] = 0;
            put16(buf + 2, 68);
        } else { /* NetBIOS session message carrying SMB */
            n = i == 0 ? 137 : i == 1 ? rng_range(r, 140, 260) : rng_range(r, 400, 1400);
            fill(r, buf, n);
            buf[0] = 0;
            buf[1] = 0;
            put16(buf + 2, (unsigned)(n - 4));
            memcpy(buf + 4, "\xffSMB", 4);
        }
        tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, buf, n, i == 0 ? 400 : rtt);
        if (i == 0 && port == 139) {
            static const uint8_t positive[4] = {0x82, 0, 0, 0};
            tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, positive, 4, 300);
        } else {
            n = rng_range(r, 60, 180);
            fill(r, buf, n);
            buf[0] = 0;
            buf[1] = 0;
            put16(buf + 2, (unsigned)(n - 4));
            memcpy(buf + 4, "\xffSMB", 4);
            tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, buf, n, 300);
        }
    }
    if (rng_chance(r, 0.5)) {
        tcp_send(g, &f, DIR_IN, TH_RST | TH_ACK, NULL, 0, rtt);
    } else {
        tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, rtt);
        tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 200);
        tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, rtt);
    }
    flow_done(g, &f);
}

/* A SYN to a closed port, answered by RST-ACK. */
static void gen_scan_closed(struct gen *g, uint32_t src, uint16_t port, int64_t t0)
{
    struct flow f;
    struct raddr ra = ra4(src);
    uint16_t rp = remote_port(g, src, P_TCP, port);
    flow_init(g, &f, &ra, P_TCP, port, rp, INIT_REMOTE, 0, 0);
    f.t = t0;
    f.seq[DIR_IN] = (uint32_t)rng_next(&g->rng);
    f.seq[DIR_OUT] = 0;
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_RST | TH_ACK, NULL, 0, 120);
    flow_done(g, &f);
}

/* A UDP probe without answer (1434: the Slammer datagram is 376 bytes). */
static void gen_scan_udp(struct gen *g, uint32_t src, uint16_t port, int64_t t0)
{
    struct flow f;
    struct raddr ra = ra4(src);
    uint16_t rp = remote_port(g, src, P_UDP, port);
    flow_init(g, &f, &ra, P_UDP, port, rp, INIT_REMOTE, 0, 0);
    f.t = t0;
    uint8_t buf[400];
    size_t n = port == 1434 ? 376 : port == 137 ? 50 : rng_range(&g->rng, 40, 300);
    fill(&g->rng, buf, n);
    if (port == 1434)
        buf[0] = 0x04;
    udp_send(g, &f, DIR_IN, buf, n, 0);
    flow_done(g, &f);
}

/* A remote ping of the sensor: 1-3 echo requests, each answered. */
static void gen_ping_in(struct gen *g, uint32_t src, int64_t t0)
{
    struct rng *r = &g->rng;
    uint16_t id;
    do
        id = (uint16_t)rng_range(r, 1, 65535);
    while (!tuple_take(g, src, P_ICMP, id, 8 << 8));
    struct flow f;
    struct raddr ra = ra4(src);
    flow_init(g, &f, &ra, P_ICMP, id, 8 << 8, INIT_REMOTE, 8, 0);
    f.t = t0;
    uint8_t data[56];
    fill(r, data, sizeof data);
    unsigned n = rng_range(r, 1, 3);
    for (unsigned i = 0; i < n; i++) {
        icmp_send(g, &f, DIR_IN, 8, 0, (uint32_t)id << 16 | (i + 1), data, sizeof data,
                  i == 0 ? 0 : 1000000);
        icmp_send(g, &f, DIR_OUT, 0, 0, (uint32_t)id << 16 | (i + 1), data, sizeof data, 150);
    }
    flow_done(g, &f);
}

/* ARP who-has from the gateway and the sensor's reply (RFC 826): not IP. */
static void gen_arp(struct gen *g, int64_t t0)
{
    uint8_t fr[60];
    memset(fr, 0, sizeof fr);
    for (int reply = 0; reply < 2; reply++) {
        const uint8_t *smac = reply ? MAC_SENSOR : MAC_GW;
        memcpy(fr, reply ? MAC_GW : MAC_BCAST, 6);
        memcpy(fr + 6, smac, 6);
        put16(fr + 12, 0x0806);
        put16(fr + 14, 1);
        put16(fr + 16, 0x0800);
        fr[18] = 6;
        fr[19] = 4;
        put16(fr + 20, reply ? 2 : 1);
        memcpy(fr + 22, smac, 6);
        put32(fr + 28, reply ? v4(192, 0, 2, 10) : v4(192, 0, 2, 1));
        if (reply)
            memcpy(fr + 32, MAC_GW, 6);
        else
            memset(fr + 32, 0, 6);
        put32(fr + 38, reply ? v4(192, 0, 2, 1) : v4(192, 0, 2, 10));
        /* the request arrives padded to 60 bytes; the reply leaves unpadded */
        size_t n = reply ? 42 : 60;
        day_push(g, t0 + MS(reply), fr, n, n);
        g->not_ip++;
    }
}

/* A NetBIOS name broadcast between two other LAN hosts: not the sensor's. */
static void gen_not_sensor(struct gen *g, int64_t t0)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    f.sensor = ra4(v4(192, 0, 2, 255));
    f.remote = ra4(v4(192, 0, 2, 20));
    f.lan = true;
    f.proto = P_UDP;
    f.sport = 137;
    f.rport = 137;
    f.ttl[DIR_IN] = 128;
    f.t = t0;
    uint8_t buf[50];
    fill(&g->rng, buf, sizeof buf);
    udp_send(g, &f, DIR_IN, buf, sizeof buf, 0);
    g->not_sensor++;
}

/* ---- seed scenario: calendar and days -------------------------------------- */

static bool day_in(const struct period *p, size_t n, int64_t day, int *which)
{
    for (size_t i = 0; i < n; i++)
        if (day >= p[i].from && day <= p[i].to) {
            if (which)
                *which = (int)i;
            return true;
        }
    return false;
}

/* Infection periods: k per year, each 5-24 days, one per equal segment of
 * the year's part of the capture period so they never overlap. */
static void plan_infections(struct gen *g, struct seed_state *st, int64_t from, int64_t to,
                            unsigned k)
{
    int64_t seg = (to - from + 1) / k;
    for (unsigned i = 0; i < k; i++) {
        int64_t s0 = from + seg * i;
        unsigned len = rng_range(&g->cal, 5, 24);
        int64_t start = s0 + 3 + (int64_t)rng_below(&g->cal, (uint64_t)(seg - len - 6));
        st->inf[st->ninf].from = start;
        st->inf[st->ninf].to = start + len - 1;
        st->ninf++;
    }
}

/* Burst days: away from infections (whose own traffic would hide them), from
 * the period's ends and from each other. */
static void plan_bursts(struct gen *g, struct seed_state *st, int64_t from, int64_t to, unsigned k)
{
    for (unsigned i = 0; i < k;) {
        int64_t d = from + 2 + (int64_t)rng_below(&g->cal, (uint64_t)(to - from - 3));
        bool ok = true;
        for (int64_t e = d - 2; e <= d + 2; e++)
            if (day_in(st->inf, st->ninf, e, NULL))
                ok = false;
        for (size_t j = 0; j < st->nburst; j++)
            if (st->burst[j] >= d - 7 && st->burst[j] <= d + 7)
                ok = false;
        if (!ok)
            continue;
        st->burst[st->nburst] = d;
        st->burst_factor[st->nburst] = rng_range(&g->cal, 6, 15);
        st->nburst++;
        i++;
    }
}

static void pool_churn(struct gen *g, uint32_t *pool, size_t n, double p, bool aws)
{
    for (size_t i = 0; i < n; i++)
        if (!pool[i] || rng_chance(&g->rng, p))
            pool[i] = aws ? aws_addr(&g->rng, g->day) : background_addr(&g->rng);
}

/* Who the bot talks to during one infection: a few popular mail exchangers,
 * name servers and one or two malware hosts. */
static void plan_partners(struct gen *g, struct seed_state *st)
{
    struct rng *r = &g->rng;
    for (int i = 0; i < POOL_MX; i++) {
        st->aws_mx[i] = aws_addr(r, g->day);
        st->bg_mx[i] = background_addr(r);
    }
    for (int i = 0; i < POOL_NS; i++) {
        st->aws_ns[i] = aws_addr(r, g->day);
        st->bg_ns[i] = background_addr(r);
    }
    st->naws_http = rng_range(r, 1, 2);
    for (unsigned i = 0; i < 3; i++) {
        struct http_host *h = i < 2 ? &st->aws_http[i] : &st->bg_http;
        h->addr = i < 2 ? aws_addr(r, g->day) : background_addr(r);
        char dom[32];
        rand_domain(r, dom, sizeof dom);
        snprintf(h->name, sizeof h->name, "dl.%s", dom);
        for (int j = 0; j < 3; j++) {
            char a[24], b[24];
            rand_word(r, a, 3, 8);
            rand_word(r, b, 4, 9);
            snprintf(h->path[j], sizeof h->path[j], "/%s/%s%u.exe", a, b, rng_range(r, 1, 99));
        }
    }
    rand_domain(r, st->sender_domain, sizeof st->sender_domain);
}

/* Daily rates at --scale 1, tuned so the AWS figures follow the seed: spam >
 * DNS > ICMP in the sensor's traffic, and of all packets received from AWS
 * TCP 445 ~8.0 %, 139 ~5.3 %, 1080 ~2.8 %, 9988 ~1.8 %. */
struct rates {
    double smb445, smb139, p1080, p9988, closed_other, udp, ping;
};
static const struct rates AWS_SCAN = {0.325, 0.215, 0.63, 0.404, 0.383, 0.128, 0.102};
static const struct rates BG_SCAN = {0.85, 0.425, 0.34, 0.255, 1.87, 0.425, 0.30};
/* rates of the bot's activity are for this many infected days in the period */
#define REF_INFECTED_DAYS 140.0
#define AWS_SMTP 5.95
#define AWS_DNS 26.35
#define AWS_ICMP 17.0
#define AWS_HTTP 0.425
#define BG_SMTP 3.4
#define BG_DNS 6.8
#define BG_ICMP 8.5
#define BG_HTTP 0.13
#define ARP_RATE 1.0
#define NOT_SENSOR_RATE 0.3

static const uint16_t AWS_OTHER_PORTS[] = {22, 80, 135, 1433, 3389, 5900, 8080, 2967, 4899, 23};
static const uint16_t BG_OTHER_PORTS[] = {22,   23,   80,   1433, 3389, 5900, 8080, 2967,
                                          4899, 1080, 9988, 3128, 5554, 6129, 1025, 42};
static const uint16_t BG_UDP_PORTS[] = {1434, 137, 1026, 1027, 5060};

static uint32_t pick_scanner(struct gen *g, const uint32_t *pool, size_t n, bool aws, double fresh)
{
    if (rng_chance(&g->rng, fresh))
        return aws ? aws_addr(&g->rng, g->day) : background_addr(&g->rng);
    return pool[rng_below(&g->rng, n)];
}

static void gen_scans(struct gen *g, const struct rates *rt, double mult, double norm,
                      const uint32_t *pool, size_t npool, bool aws)
{
    double s = g->scale * mult * (0.75 + 0.5 * rng_unit(&g->rng));
    if (aws)
        s *= norm;
    double fresh = aws ? 0.25 : 0.5;
    unsigned n;
#define SRC() pick_scanner(g, pool, npool, aws, fresh)
    n = stoch_round(&g->rng, rt->smb445 * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_scan_open(g, SRC(), 445, start);
    }
    n = stoch_round(&g->rng, rt->smb139 * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_scan_open(g, SRC(), 139, start);
    }
    n = stoch_round(&g->rng, rt->p1080 * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_scan_closed(g, SRC(), 1080, start);
    }
    n = stoch_round(&g->rng, rt->p9988 * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_scan_closed(g, SRC(), 9988, start);
    }
    n = stoch_round(&g->rng, rt->closed_other * s);
    while (n--) {
        const uint16_t *ports = aws ? AWS_OTHER_PORTS : BG_OTHER_PORTS;
        size_t np = aws ? sizeof AWS_OTHER_PORTS / 2 : sizeof BG_OTHER_PORTS / 2;
        uint16_t port = ports[rng_below(&g->rng, np)];
        if (port == 135 && rng_chance(&g->rng, 0.5)) {
            int64_t start = rand_start(g);
            gen_scan_open(g, SRC(), port, start);
        } else {
            int64_t start = rand_start(g);
            gen_scan_closed(g, SRC(), port, start);
        }
    }
    n = stoch_round(&g->rng, rt->udp * s);
    while (n--) {
        uint16_t port = aws ? 1434 : BG_UDP_PORTS[rng_below(&g->rng, sizeof BG_UDP_PORTS / 2)];
        {
            int64_t start = rand_start(g);
            gen_scan_udp(g, SRC(), port, start);
        }
    }
    n = stoch_round(&g->rng, rt->ping * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_ping_in(g, SRC(), start);
    }
#undef SRC
}

static void gen_infected_day(struct gen *g, struct seed_state *st)
{
    struct rng *r = &g->rng;
    double s = g->scale * st->inf_norm * (0.75 + 0.5 * rng_unit(r));
    unsigned n;
    n = stoch_round(r, AWS_SMTP * s);
    while (n--) {
        uint32_t mx = rng_chance(r, 0.7) ? st->aws_mx[rng_below(r, POOL_MX)] : aws_addr(r, g->day);
        gen_smtp(g, st, mx, rand_start(g));
    }
    n = stoch_round(r, BG_SMTP * s);
    while (n--) {
        uint32_t mx = rng_chance(r, 0.7) ? st->bg_mx[rng_below(r, POOL_MX)] : background_addr(r);
        gen_smtp(g, st, mx, rand_start(g));
    }
    n = stoch_round(r, AWS_DNS * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_dns(g, st->aws_ns[rng_below(r, POOL_NS)], true, start);
    }
    n = stoch_round(r, BG_DNS * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_dns(g, st->bg_ns[rng_below(r, POOL_NS)], false, start);
    }
    /* sweeps of up to 50 consecutive addresses each */
    for (int aws = 1; aws >= 0; aws--) {
        n = stoch_round(r, (aws ? AWS_ICMP : BG_ICMP) * s);
        while (n > 0) {
            unsigned k = n < 50 ? n : rng_range(r, 20, 50);
            uint32_t base = aws ? aws_addr(r, g->day) : background_addr(r);
            gen_sweep(g, base, k, aws != 0, rand_start(g));
            n -= k;
        }
    }
    n = stoch_round(r, AWS_HTTP * s);
    while (n--) {
        int64_t start = rand_start(g);
        gen_http(g, &st->aws_http[rng_below(r, st->naws_http)], start);
    }
    n = stoch_round(r, BG_HTTP * s);
    while (n--)
        gen_http(g, &st->bg_http, rand_start(g));
}

static void seed_day(struct gen *g, struct seed_state *st)
{
    struct rng *r = &g->rng;
    int inf;
    bool infected = day_in(st->inf, st->ninf, g->day, &inf);
    if (infected && inf != st->cur_inf) {
        st->cur_inf = inf;
        plan_partners(g, st);
    }
    double mult = 1;
    for (size_t i = 0; i < st->nburst; i++)
        if (st->burst[i] == g->day)
            mult = st->burst_factor[i];

    pool_churn(g, st->aws_scan, st->naws_scan, 0.25, true);
    pool_churn(g, st->bg_scan, st->nbg_scan, 0.3, false);
    if (infected)
        gen_infected_day(g, st);
    if (mult > 1) {
        /* a burst: the usual scanners plus a few new hosts hammering away */
        uint32_t burst_src[4];
        for (int i = 0; i < 4; i++)
            burst_src[i] = aws_addr(r, g->day);
        gen_scans(g, &AWS_SCAN, 1, st->scan_norm, st->aws_scan, st->naws_scan, true);
        gen_scans(g, &AWS_SCAN, mult - 1, st->scan_norm, burst_src, 4, true);
    } else {
        gen_scans(g, &AWS_SCAN, 1, st->scan_norm, st->aws_scan, st->naws_scan, true);
    }
    gen_scans(g, &BG_SCAN, 1, 1, st->bg_scan, st->nbg_scan, false);
    unsigned n = stoch_round(r, ARP_RATE * g->scale);
    while (n--)
        gen_arp(g, rand_start(g));
    n = stoch_round(r, NOT_SENSOR_RATE * g->scale);
    while (n--)
        gen_not_sensor(g, rand_start(g));
}

static void run_seed(struct gen *g, json_t *truth)
{
    struct seed_state st;
    memset(&st, 0, sizeof st);
    st.cur_inf = -1;
    int64_t end08 = days_from_civil(2008, 12, 31);
    int64_t first09 = days_from_civil(2009, 1, 1);
    int64_t last = g->day0 + (int64_t)g->ndays - 1;
    plan_infections(g, &st, g->day0, end08, 4);
    plan_infections(g, &st, first09, last, 5);
    plan_bursts(g, &st, g->day0, end08, 4);
    plan_bursts(g, &st, first09, last, 6);
    double infected = 0, burst_extra = 0;
    for (size_t i = 0; i < st.ninf; i++)
        infected += (double)(st.inf[i].to - st.inf[i].from + 1);
    for (size_t i = 0; i < st.nburst; i++)
        burst_extra += st.burst_factor[i] - 1;
    st.inf_norm = REF_INFECTED_DAYS / infected;
    st.scan_norm = (double)g->ndays / ((double)g->ndays + burst_extra);

    st.naws_scan = (size_t)(6 * g->scale) + 3;
    st.nbg_scan = (size_t)(20 * g->scale) + 5;
    st.aws_scan = xcalloc(st.naws_scan, sizeof *st.aws_scan);
    st.bg_scan = xcalloc(st.nbg_scan, sizeof *st.bg_scan);

    int cur_month = -1;
    for (size_t i = 0; i < g->ndays; i++) {
        int64_t day = g->day0 + (int64_t)i;
        int y, m, d;
        civil_from_days(day, &y, &m, &d);
        day_begin(g, day);
        if (m != cur_month) {
            if (g->w_open)
                file_close(g);
            cur_month = m;
            char name[64];
            enum fmt fmt = y == 2008               ? FMT_PCAP_GZ
                           : (y == 2009 && m == 6) ? FMT_PCAP_NS
                           : (y == 2009 && m == 9) ? FMT_PCAPNG
                                                   : FMT_PCAP;
            /* the pcapng month keeps a .pcap name, as misnamed captures do */
            snprintf(name, sizeof name, "honeypot-%04d-%02d.pcap%s", y, m,
                     fmt == FMT_PCAP_GZ ? ".gz" : "");
            file_open(g, name, fmt, LT_ETHER, 65535);
            g->vlan_left = (y == 2008 && m == 7) ? 8 : 0;
        }
        seed_day(g, &st);
        day_flush(g);
    }
    file_close(g);

    json_t *inf = json_array();
    for (size_t i = 0; i < st.ninf; i++) {
        char a[16], b[16];
        day_text(st.inf[i].from, a);
        day_text(st.inf[i].to, b);
        json_t *o = json_object();
        json_object_set_new(o, "from", json_string(a));
        json_object_set_new(o, "to", json_string(b));
        json_array_append_new(inf, o);
    }
    json_object_set_new(truth, "infections", inf);
    /* bursts in date order */
    for (size_t i = 1; i < st.nburst; i++)
        for (size_t j = i; j > 0 && st.burst[j - 1] > st.burst[j]; j--) {
            int64_t t = st.burst[j];
            st.burst[j] = st.burst[j - 1];
            st.burst[j - 1] = t;
            unsigned u = st.burst_factor[j];
            st.burst_factor[j] = st.burst_factor[j - 1];
            st.burst_factor[j - 1] = u;
        }
    json_t *bursts = json_array(), *factors = json_object();
    for (size_t i = 0; i < st.nburst; i++) {
        char a[16];
        day_text(st.burst[i], a);
        json_array_append_new(bursts, json_string(a));
        json_object_set_new(factors, a, json_integer(st.burst_factor[i]));
    }
    json_object_set_new(truth, "bursts", bursts);
    json_object_set_new(truth, "burst_factors", factors);
    free(st.aws_scan);
    free(st.bg_scan);
}

/* ---- basic scenario -------------------------------------------------------- */

/* Starts a hand-placed flow at t (seconds after the file's base time). */
static void basic_flow(struct gen *g, struct flow *f, const struct raddr *remote, uint8_t proto,
                       uint16_t sport, uint16_t rport, int init, unsigned type, int64_t t)
{
    flow_init(g, f, remote, proto, sport, rport, init, type, 0);
    f->t = t;
    f->seq[DIR_OUT] = (uint32_t)rng_next(&g->rng);
    f->seq[DIR_IN] = (uint32_t)rng_next(&g->rng);
}

static void basic_ether(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a20 = ra4(v4(198, 51, 100, 20)), mx = ra4(v4(203, 0, 113, 5));
    struct raddr a30 = ra4(v4(198, 51, 100, 30)), a9 = ra4(v4(198, 51, 100, 9));
    struct raddr a50 = ra4(v4(198, 51, 100, 50));
    uint8_t smb[137];
    memset(smb, 0x42, sizeof smb);

    /* SMB scan, remote initiated; its first data segment is 802.1Q-tagged */
    basic_flow(g, &f, &a20, P_TCP, 445, 40001, INIT_REMOTE, 0, t);
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_SYN | TH_ACK, NULL, 0, 100);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, 50000);
    f.vlan = 10;
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, sizeof smb, 1000);
    f.vlan = 0;
    tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, smb, 89, 300);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 50000);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 200);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, 50000);
    flow_done(g, &f);

    /* a short SMTP session initiated by the sensor (outside the group) */
    basic_flow(g, &f, &mx, P_TCP, 1100, 25, INIT_SENSOR, 0, t + MS(2000));
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, 80000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_text(g, &f, DIR_IN, "220 mx.example.net ESMTP\r\n", 40000);
    tcp_text(g, &f, DIR_OUT, "EHLO localhost\r\n", 300);
    tcp_text(g, &f, DIR_IN, "250 mx.example.net\r\n", 80000);
    tcp_text(g, &f, DIR_OUT, "QUIT\r\n", 300);
    tcp_text(g, &f, DIR_IN, "221 Bye\r\n", 80000);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 300);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 80000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    flow_done(g, &f);

    /* first seen with its SYN+ACK: the SYN's sender, the sensor, started it */
    basic_flow(g, &f, &a30, P_TCP, 1101, 443, INIT_SENSOR, 0, t + MS(4000));
    f.seq[DIR_OUT]++; /* the SYN that was not captured */
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    memset(smb, 0x16, sizeof smb);
    tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, smb, 100, 300);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, 120, 60000);
    tcp_send(g, &f, DIR_OUT, TH_RST | TH_ACK, NULL, 0, 500);
    flow_done(g, &f);

    /* first seen mid-stream: initiator unknown, service = the lower port */
    basic_flow(g, &f, &a9, P_TCP, 3389, 51000, INIT_UNKNOWN, 0, t + MS(6000));
    memset(smb, 0x03, sizeof smb);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, 120, 0);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, smb, 60, 30000);
    tcp_send(g, &f, DIR_OUT, TH_PSH | TH_ACK, smb, 90, 300);
    flow_done(g, &f);

    /* a remote pings the sensor twice (one flow: same echo id) */
    basic_flow(g, &f, &a50, P_ICMP, 0x0300, 8 << 8, INIT_REMOTE, 8, t + MS(8000));
    uint8_t data[56];
    memset(data, 0x61, sizeof data);
    for (uint32_t s = 1; s <= 2; s++) {
        icmp_send(g, &f, DIR_IN, 8, 0, 0x0300u << 16 | s, data, sizeof data, s == 1 ? 0 : 1000000);
        icmp_send(g, &f, DIR_OUT, 0, 0, 0x0300u << 16 | s, data, sizeof data, 150);
    }
    flow_done(g, &f);

    gen_arp(g, t + MS(9000));
    gen_not_sensor(g, t + MS(9500));
}

static void basic_ipv6(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr b20 = ra6("2001:db8:1::20"), b53 = ra6("2001:db8:1::53");
    struct raddr o1 = ra6("2001:db8:2::1"), b99 = ra6("2001:db8:1::99");
    uint8_t data[32];
    memset(data, 0x61, sizeof data);

    /* SYN to a closed port over IPv6 */
    basic_flow(g, &f, &b20, P_TCP, 22, 40100, INIT_REMOTE, 0, t);
    f.seq[DIR_OUT] = 0;
    tcp_send(g, &f, DIR_IN, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_OUT, TH_RST | TH_ACK, NULL, 0, 100);
    flow_done(g, &f);

    /* DNS over IPv6 to a name server in net-b */
    basic_flow(g, &f, &b53, P_UDP, 1200, 53, INIT_SENSOR, 0, t + MS(1000));
    uint8_t msg[512];
    size_t n = dns_message(msg, 0x1234, "www.example.com", false, false, 0);
    udp_send(g, &f, DIR_OUT, msg, n, 0);
    n = dns_message(msg, 0x1234, "www.example.com", true, false, v4(198, 51, 100, 80));
    udp_send(g, &f, DIR_IN, msg, n, 30000);
    flow_done(g, &f);

    /* ICMPv6 echo by the sensor, outside the group */
    basic_flow(g, &f, &o1, P_ICMP6, 0x0001, 128 << 8, INIT_SENSOR, 128, t + MS(2000));
    icmp_send(g, &f, DIR_OUT, 128, 0, 0x00010001u, data, sizeof data, 0);
    icmp_send(g, &f, DIR_IN, 129, 0, 0x00010001u, data, sizeof data, 40000);
    flow_done(g, &f);

    /* ICMPv6 echo from net-b to the sensor */
    basic_flow(g, &f, &b99, P_ICMP6, 0x0777, 128 << 8, INIT_REMOTE, 128, t + MS(3000));
    icmp_send(g, &f, DIR_IN, 128, 0, 0x07770001u, data, sizeof data, 0);
    icmp_send(g, &f, DIR_OUT, 129, 0, 0x07770001u, data, sizeof data, 100);
    flow_done(g, &f);
}

static void basic_sll(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a60 = ra4(v4(198, 51, 100, 60)), n44 = ra4(v4(203, 0, 113, 44));
    struct raddr a70 = ra4(v4(198, 51, 100, 70));
    uint8_t buf[600];

    /* a SIP probe and the sensor's answer */
    basic_flow(g, &f, &a60, P_UDP, 5060, 5062, INIT_REMOTE, 0, t);
    int k = snprintf((char *)buf, sizeof buf,
                     "OPTIONS sip:100@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP "
                     "198.51.100.60:5062\r\nFrom: <sip:100@198.51.100.60>\r\nTo: "
                     "<sip:100@192.0.2.10>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n\r\n");
    udp_send(g, &f, DIR_IN, buf, (size_t)k, 0);
    k = snprintf((char *)buf, sizeof buf,
                 "SIP/2.0 404 Not Found\r\nVia: SIP/2.0/UDP 198.51.100.60:5062\r\nCall-ID: "
                 "1\r\nCSeq: 1 OPTIONS\r\n\r\n");
    udp_send(g, &f, DIR_OUT, buf, (size_t)k, 500);
    flow_done(g, &f);

    /* the sensor's NTP query draws a port unreachable: two flows, both
     * initiated by the sensor (the error's receiver initiates the ICMP one) */
    basic_flow(g, &f, &n44, P_UDP, 1300, 123, INIT_SENSOR, 0, t + MS(1000));
    uint8_t ntp[48];
    memset(ntp, 0, sizeof ntp);
    ntp[0] = 0x1b;
    udp_send(g, &f, DIR_OUT, ntp, sizeof ntp, 0);
    uint16_t ipid = (uint16_t)(g->sensor_ipid - 1);
    flow_done(g, &f);
    /* the error quotes the offending IP header and 8 bytes of its UDP header */
    uint8_t quote[28];
    ipv4_header(quote, 0, v4(192, 0, 2, 10), v4(203, 0, 113, 44), P_UDP, 20 + 8 + sizeof ntp, ipid,
                0, 128);
    put16(quote + 20, 1300);
    put16(quote + 22, 123);
    put16(quote + 24, 8 + sizeof ntp);
    put16(quote + 26, 0);
    flow_init(g, &f, &n44, P_ICMP, 0, 3 << 8 | 3, INIT_SENSOR, 3, 3);
    f.t = t + MS(1000);
    icmp_send(g, &f, DIR_IN, 3, 3, 0, quote, sizeof quote, 60000);
    flow_done(g, &f);

    /* one UDP datagram (to 1434) in two IPv4 fragments: both in one flow */
    basic_flow(g, &f, &a70, P_UDP, 1434, 40200, INIT_REMOTE, 0, t + MS(2000));
    uint8_t dg[8 + 376];
    put16(dg, 40200);
    put16(dg + 2, 1434);
    put16(dg + 4, sizeof dg);
    memset(dg + 8, 0x01, 376);
    dg[8] = 0x04;
    l4_checksum(&f.remote, &f.sensor, P_UDP, dg, sizeof dg, 6);
    struct ip_extra x;
    memset(&x, 0, sizeof x);
    x.raw_frag = true;
    x.ipid = 0x4242;
    x.frag = 0x2000; /* MF, offset 0: UDP header and the first 200 bytes */
    emit(g, &f, DIR_IN, dg, 208, &x);
    x.frag = 208 / 8; /* last fragment at byte 208 */
    tick(&f, 100);
    emit(g, &f, DIR_IN, dg + 208, sizeof dg - 208, &x);
    flow_done(g, &f);
}

static void basic_raw(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a80 = ra4(v4(198, 51, 100, 80)), b33 = ra6("2001:db8:1::33");
    uint8_t body[1460];
    memset(body, 0x5a, sizeof body);
    body[0] = 'M';
    body[1] = 'Z';

    basic_flow(g, &f, &a80, P_TCP, 1400, 80, INIT_SENSOR, 0, t);
    tcp_send(g, &f, DIR_OUT, TH_SYN, NULL, 0, 0);
    tcp_send(g, &f, DIR_IN, TH_SYN | TH_ACK, NULL, 0, 50000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_text(g, &f, DIR_OUT, "GET /files/setup.exe HTTP/1.1\r\nHost: dl.example.org\r\n\r\n", 300);
    char hdr[128];
    int k = snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n");
    uint8_t seg[1460];
    memcpy(seg, hdr, (size_t)k);
    memcpy(seg + k, body, 1460 - (size_t)k);
    tcp_send(g, &f, DIR_IN, TH_ACK, seg, 1460, 50000);
    tcp_send(g, &f, DIR_IN, TH_PSH | TH_ACK, body, 2000 - (1460 - (size_t)k), 1000);
    tcp_send(g, &f, DIR_OUT, TH_ACK, NULL, 0, 200);
    tcp_send(g, &f, DIR_IN, TH_FIN | TH_ACK, NULL, 0, 500);
    tcp_send(g, &f, DIR_OUT, TH_FIN | TH_ACK, NULL, 0, 300);
    tcp_send(g, &f, DIR_IN, TH_ACK, NULL, 0, 50000);
    flow_done(g, &f);

    basic_flow(g, &f, &b33, P_UDP, 161, 40300, INIT_REMOTE, 0, t + MS(1000));
    /* SNMPv1 get-request for sysDescr.0 with community "public" (RFC 1157) */
    static const uint8_t snmp[] = {0x30, 0x29, 0x02, 0x01, 0x00, 0x04, 0x06, 'p',  'u',  'b',  'l',
                                   'i',  'c',  0xa0, 0x1c, 0x02, 0x04, 0x12, 0x34, 0x56, 0x78, 0x02,
                                   0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
                                   0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00};
    udp_send(g, &f, DIR_IN, snmp, sizeof snmp, 0);
    flow_done(g, &f);
}

/* A file with a 64-byte snap length: whole packets keep their IP length in
 * the figures; one SYN whose IPv4 options push the TCP header past the snap
 * length is truncated and never analysed. */
static void basic_snap(struct gen *g, int64_t t)
{
    struct flow f;
    struct raddr a53 = ra4(v4(198, 51, 100, 53)), a90 = ra4(v4(198, 51, 100, 90));
    struct raddr o50 = ra4(v4(203, 0, 113, 50));

    basic_flow(g, &f, &a53, P_UDP, 1500, 53, INIT_SENSOR, 0, t);
    uint8_t msg[512];
    const char *name = "a-rather-long-host-name-for-the-snap-length.example.com";
    size_t n = dns_message(msg, 0x5151, name, false, false, 0);
    udp_send(g, &f, DIR_OUT, msg, n, 0);
    n = dns_message(msg, 0x5151, name, true, false, v4(198, 51, 100, 91));
    udp_send(g, &f, DIR_IN, msg, n, 30000);
    flow_done(g, &f);

    basic_flow(g, &f, &a90, P_ICMP, 0x0200, 8 << 8, INIT_SENSOR, 8, t + MS(1000));
    uint8_t big[1000];
    memset(big, 0x77, sizeof big);
    icmp_send(g, &f, DIR_OUT, 8, 0, 0x02000001u, big, sizeof big, 0);
    icmp_send(g, &f, DIR_IN, 0, 0, 0x02000001u, big, sizeof big, 30000);
    flow_done(g, &f);

    basic_flow(g, &f, &o50, P_TCP, 80, 40400, INIT_REMOTE, 0, t + MS(2000));
    f.account = false;
    uint8_t syn[20];
    memset(syn, 0, sizeof syn);
    put16(syn, 40400);
    put16(syn + 2, 80);
    put32(syn + 4, 12345);
    syn[12] = 5 << 4;
    syn[13] = TH_SYN;
    put16(syn + 14, 8192);
    l4_checksum(&f.remote, &f.sensor, P_TCP, syn, sizeof syn, 16);
    struct ip_extra x;
    memset(&x, 0, sizeof x);
    x.optlen = 12;
    emit(g, &f, DIR_IN, syn, sizeof syn, &x);
    g->truncated++;
}

static void run_basic(struct gen *g)
{
    int64_t base = g->day0 * NS_PER_DAY + INT64_C(36000) * NS_PER_S; /* 10:00 UTC */
    day_begin(g, g->day0);
    g->flow_list = json_array();
    file_open(g, "basic-ether.pcap", FMT_PCAP, LT_ETHER, 65535);
    basic_ether(g, base);
    day_flush(g);
    file_close(g);
    file_open(g, "basic-ipv6.pcap", FMT_PCAP_NS, LT_ETHER, 65535);
    basic_ipv6(g, base + MS(600000));
    day_flush(g);
    file_close(g);
    file_open(g, "basic-sll.pcap.gz", FMT_PCAP_GZ, LT_SLL, 65535);
    basic_sll(g, base + MS(1200000));
    day_flush(g);
    file_close(g);
    file_open(g, "basic-raw.pcapng", FMT_PCAPNG, LT_RAW, 65535);
    basic_raw(g, base + MS(1800000));
    day_flush(g);
    file_close(g);
    file_open(g, "basic-snap.pcap", FMT_PCAP, LT_ETHER, 64);
    basic_snap(g, base + MS(2400000));
    day_flush(g);
    file_close(g);
}

/* ---- truth output ---------------------------------------------------------- */

static json_t *stat_obj(uint64_t pk, uint64_t by, uint64_t flows)
{
    json_t *o = json_object();
    json_object_set_new(o, "packets", json_integer((json_int_t)pk));
    json_object_set_new(o, "bytes", json_integer((json_int_t)by));
    json_object_set_new(o, "flows", json_integer((json_int_t)flows));
    return o;
}

static json_t *group_json(const struct gen *g, const struct group *gr)
{
    json_t *o = json_object();
    uint64_t distinct = gr->src_all.n + gr->nv6_all;
    json_t *tot = json_object();
    json_object_set_new(tot, "packets_in", json_integer((json_int_t)gr->pk[DIR_IN]));
    json_object_set_new(tot, "packets_out", json_integer((json_int_t)gr->pk[DIR_OUT]));
    json_object_set_new(tot, "bytes_in", json_integer((json_int_t)gr->by[DIR_IN]));
    json_object_set_new(tot, "bytes_out", json_integer((json_int_t)gr->by[DIR_OUT]));
    json_object_set_new(tot, "flows", json_integer((json_int_t)gr->flows));
    json_object_set_new(tot, "sources", json_integer((json_int_t)distinct));
    json_object_set_new(o, "totals", tot);

    json_t *series = json_array();
    for (size_t i = 0; i < g->ndays; i++) {
        const struct day_stat *d = &gr->series[i];
        char bin[16];
        day_text(g->day0 + (int64_t)i, bin);
        json_t *e = json_object();
        json_object_set_new(e, "bin", json_string(bin));
        json_object_set_new(e, "packets_in", json_integer((json_int_t)d->pk[DIR_IN]));
        json_object_set_new(e, "packets_out", json_integer((json_int_t)d->pk[DIR_OUT]));
        json_object_set_new(e, "bytes_in", json_integer((json_int_t)d->by[DIR_IN]));
        json_object_set_new(e, "bytes_out", json_integer((json_int_t)d->by[DIR_OUT]));
        json_object_set_new(e, "flows", json_integer((json_int_t)d->flows));
        json_object_set_new(e, "sources", json_integer((json_int_t)d->sources));
        json_array_append_new(series, e);
    }
    json_object_set_new(o, "series", series);

    /* the lists of the report: direction x initiator */
    static const struct {
        const char *name;
        int init, dir;
    } lists[] = {
        {"out", INIT_SENSOR, DIR_OUT},        {"out_replies", INIT_REMOTE, DIR_OUT},
        {"in_replies", INIT_SENSOR, DIR_IN},  {"in_unsolicited", INIT_REMOTE, DIR_IN},
        {"in_unknown", INIT_UNKNOWN, DIR_IN}, {"out_unknown", INIT_UNKNOWN, DIR_OUT},
    };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        json_t *lo = json_object();
        for (size_t i = 0; i < gr->ncat; i++) {
            const struct cat_stat *c = &gr->cat[i];
            int dir = lists[l].dir;
            if (c->init == lists[l].init && c->pk[dir] > 0)
                json_object_set_new(lo, c->name, stat_obj(c->pk[dir], c->by[dir], c->flows));
        }
        json_object_set_new(o, lists[l].name, lo);
    }
    json_t *ports = json_object();
    for (size_t i = 0; i < gr->nport; i++)
        if (gr->port[i].pk > 0)
            json_object_set_new(ports, gr->port[i].name,
                                stat_obj(gr->port[i].pk, gr->port[i].by, gr->port[i].flows));
    json_object_set_new(o, "ports_in", ports);
    json_t *src = json_object();
    json_object_set_new(src, "distinct", json_integer((json_int_t)distinct));
    json_object_set_new(o, "sources", src);
    json_object_set_new(o, "http_urls", json_incref(gr->urls));
    return o;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    size_t n = strlen(text);
    if (fwrite(text, 1, n, f) != n || fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", path, strerror(errno));
}

/* ---- flood scenario -------------------------------------------------------- */

/*
 * A darknet telescope's day: 198.51.100.0/24 (and 2001:db8:64::/64) announced
 * but unused, receiving the Internet's background radiation and a spoofed SYN
 * flood. Every packet is inbound and unsolicited, and every packet is a flow
 * of its own, so the truth is known by construction rather than tallied in
 * tables that grow with the input: memory stays constant whatever --sources
 * and --packets.
 *
 * Packet i comes from source k = i mod N in round r = i / N. Source k's
 * address is a keyed permutation of k, so the N sources are distinct and
 * spread over the whole unicast space; its port (or echo id) is its own
 * offset plus r, so a source's flows never share a 5-tuple. Distinct sources
 * are therefore min(P, N), and flows are P. Packets are evenly spread over
 * the day, so about P / 288 flows are within the TCP idle timeout at once:
 * past some 280 M packets that exceeds the report's default --max-flows and
 * flows are evicted early, which changes no count the truth holds.
 */

#define FLOOD_SENSOR4 "198.51.100.0/24"
#define FLOOD_SENSOR6 "2001:db8:64::/64"
#define FLOOD_FILE "flood.pcap"
#define FLOOD_V6_PERMILLE 5    /* IPv6 sources, per thousand */
#define FLOOD_MAX_ROUNDS 64512 /* distinct source ports from 1024 up */

/* What lands on a telescope, by weight: Telnet (Mirai and its heirs) first,
 * then SMB, SSH, web, RDP; some UDP amplification and service probes carrying
 * the payload a scanner sends; echo requests. */
struct flood_probe {
    uint8_t proto; /* P_TCP, P_UDP, P_ICMP (ICMPv6 for IPv6 sources) */
    uint16_t port; /* TCP/UDP destination port; ICMP: unused */
    unsigned weight;
    const char *payload; /* UDP payload, payload_len bytes */
    size_t payload_len;
};

/* A string literal's bytes and length, NULs included. */
#define PAYLOAD(s) s, sizeof s - 1

static const struct flood_probe FLOOD_PROBES[] = {
    {P_TCP, 23, 2400, NULL, 0},
    {P_TCP, 445, 1300, NULL, 0},
    {P_TCP, 22, 1000, NULL, 0},
    {P_TCP, 80, 800, NULL, 0},
    {P_TCP, 3389, 600, NULL, 0},
    {P_TCP, 8080, 450, NULL, 0},
    {P_TCP, 443, 300, NULL, 0},
    {P_TCP, 2323, 250, NULL, 0},
    {P_TCP, 5555, 200, NULL, 0},
    {P_TCP, 81, 150, NULL, 0},
    {P_TCP, 1433, 150, NULL, 0},
    {P_TCP, 3306, 120, NULL, 0},
    {P_TCP, 8443, 120, NULL, 0},
    {P_TCP, 5900, 110, NULL, 0},
    {P_TCP, 6379, 100, NULL, 0},
    {P_TCP, 7547, 100, NULL, 0},
    {P_TCP, 21, 90, NULL, 0},
    {P_TCP, 25, 80, NULL, 0},
    {P_TCP, 8000, 80, NULL, 0},
    {P_TCP, 37215, 70, NULL, 0},
    {P_TCP, 52869, 60, NULL, 0},
    {P_TCP, 5432, 50, NULL, 0},
    {P_TCP, 9200, 50, NULL, 0},
    {P_TCP, 135, 50, NULL, 0},
    {P_TCP, 139, 50, NULL, 0},
    {P_UDP, 5060, 250,
     PAYLOAD("OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060\r\n"
             "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n")},
    {P_UDP, 1900, 100,
     PAYLOAD("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
             "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n")},
    {P_UDP, 123, 120, PAYLOAD("\x17\x00\x03\x2a\x00\x00\x00\x00")}, /* NTP monlist */
    /* SNMPv1 get-request for sysDescr.0, community "public" (RFC 1157) */
    {P_UDP, 161, 80,
     PAYLOAD("\x30\x29\x02\x01\x00\x04\x06public\xa0\x1c\x02\x04\x12\x34\x56\x78\x02\x01"
             "\x00\x02\x01\x00\x30\x0e\x30\x0c\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00")},
    {P_UDP, 11211, 30, PAYLOAD("\x00\x01\x00\x00\x00\x01\x00\x00stats\r\n")},
    {P_UDP, 19, 30, PAYLOAD("\x01")}, /* chargen */
    {P_ICMP, 0, 300, NULL, 0},
};
#undef PAYLOAD
#define N_FLOOD_PROBES (sizeof FLOOD_PROBES / sizeof FLOOD_PROBES[0])

/* Reserved and special-purpose IPv4 ranges (RFC 6890), ascending and disjoint;
 * the sources are drawn from everything else. 198.51.100.0/24 is the
 * telescope itself. */
static const struct {
    uint32_t net;
    unsigned len;
} FLOOD_RESERVED[] = {
    {0x00000000u, 8},  {0x0A000000u, 8},  {0x64400000u, 10}, {0x7F000000u, 8},  {0xA9FE0000u, 16},
    {0xAC100000u, 12}, {0xC0000000u, 24}, {0xC0000200u, 24}, {0xC0586300u, 24}, {0xC0A80000u, 16},
    {0xC6120000u, 15}, {0xC6336400u, 24}, {0xCB007100u, 24}, {0xE0000000u, 3},
};
#define N_FLOOD_RESERVED (sizeof FLOOD_RESERVED / sizeof FLOOD_RESERVED[0])

/* The IPv6 sources' /12s: the five registries' main allocations. */
static const uint16_t FLOOD_V6_NETS[] = {0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00};

struct flood {
    struct rng rng;
    uint64_t sources, packets, rounds;
    uint64_t key[4], key_v6, key_port, key_net6;
    /* usable IPv4 space as intervals [lo, lo + size), rank of each first address */
    uint64_t iv_lo[N_FLOOD_RESERVED + 1], iv_rank[N_FLOOD_RESERVED + 1];
    size_t niv;
    uint64_t usable;
    unsigned weight_total;
    /* tallies: per probe and family (0 IPv4, 1 IPv6) */
    uint64_t pk[N_FLOOD_PROBES][2], by[N_FLOOD_PROBES][2];
    uint64_t bytes, src4, src6;
    int64_t first, last;
};

static void flood_space(struct flood *fl)
{
    uint64_t next = 0;
    fl->niv = 0;
    fl->usable = 0;
    for (size_t i = 0; i < N_FLOOD_RESERVED; i++) {
        uint64_t net = FLOOD_RESERVED[i].net;
        if (net > next) {
            fl->iv_lo[fl->niv] = next;
            fl->iv_rank[fl->niv++] = fl->usable;
            fl->usable += net - next;
        }
        next = net + (UINT64_C(1) << (32 - FLOOD_RESERVED[i].len));
    }
    if (next < (UINT64_C(1) << 32)) {
        fl->iv_lo[fl->niv] = next;
        fl->iv_rank[fl->niv++] = fl->usable;
        fl->usable += (UINT64_C(1) << 32) - next;
    }
}

/* A keyed bijection of [0, 2^32): four Feistel rounds on 16-bit halves. */
static uint32_t flood_feistel(const struct flood *fl, uint32_t x)
{
    uint32_t l = x >> 16, r = x & 0xFFFF;
    for (int i = 0; i < 4; i++) {
        uint32_t t = l ^ (uint32_t)(mix64(r ^ fl->key[i]) & 0xFFFF);
        l = r;
        r = t;
    }
    return l << 16 | r;
}

/* Source k's IPv4 address: k permuted over the usable ranks (cycle walking
 * keeps the permutation inside [0, usable)), the rank mapped past the
 * reserved ranges. Distinct k, distinct addresses. */
static uint32_t flood_addr4(const struct flood *fl, uint64_t k)
{
    uint32_t x = (uint32_t)k;
    do
        x = flood_feistel(fl, x);
    while (x >= fl->usable);
    size_t lo = 0, hi = fl->niv - 1;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (fl->iv_rank[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return (uint32_t)(fl->iv_lo[lo] + (x - fl->iv_rank[lo]));
}

/* Source k's IPv6 address: a registry /12, a network drawn from k, and an
 * interface id that is a bijection of k (mix64 is invertible). */
static struct raddr flood_addr6(const struct flood *fl, uint64_t k)
{
    struct raddr a;
    memset(&a, 0, sizeof a);
    a.v6 = true;
    uint64_t net = mix64(k ^ fl->key_net6);
    uint64_t hi = (uint64_t)FLOOD_V6_NETS[net % 5] << 48 | ((net >> 8) & UINT64_C(0xFFFFFFFFFFFF));
    uint64_t iid = mix64(k ^ fl->key_v6);
    for (int i = 0; i < 8; i++) {
        a.b[i] = (uint8_t)(hi >> (56 - 8 * i));
        a.b[8 + i] = (uint8_t)(iid >> (56 - 8 * i));
    }
    return a;
}

static bool flood_is_v6(const struct flood *fl, uint64_t k)
{
    return mix64(k ^ fl->key_v6 ^ fl->key_port) % 1000 < FLOOD_V6_PERMILLE;
}

static size_t flood_pick(struct flood *fl)
{
    unsigned x = (unsigned)rng_below(&fl->rng, fl->weight_total);
    for (size_t i = 0; i < N_FLOOD_PROBES; i++) {
        if (x < FLOOD_PROBES[i].weight)
            return i;
        x -= FLOOD_PROBES[i].weight;
    }
    return N_FLOOD_PROBES - 1;
}

/* TCP SYN options as three scanner families send them: none (masscan,
 * Mirai), MSS only (zmap), and a Linux stack's MSS, SACK, timestamps and
 * window scale. Returns the options' length. */
static size_t flood_syn_options(struct flood *fl, uint8_t *o)
{
    unsigned v = (unsigned)rng_below(&fl->rng, 20);
    if (v < 9)
        return 0;
    o[0] = 2;
    o[1] = 4;
    put16(o + 2, 1460);
    if (v < 16)
        return 4;
    o[4] = 4;
    o[5] = 2;
    o[6] = 8;
    o[7] = 10;
    put32(o + 8, (uint32_t)rng_next(&fl->rng));
    put32(o + 12, 0);
    o[16] = 1;
    o[17] = 3;
    o[18] = 3;
    o[19] = 7;
    return 20;
}

/* Writes packet i at ts_ns and tallies it. */
static void flood_packet(struct flood *fl, struct writer *w, uint64_t i, int64_t ts_ns)
{
    static const uint16_t windows[] = {1024, 5840, 14600, 29200, 64240, 65535};
    uint64_t k = i % fl->sources, r = i / fl->sources;
    bool v6 = flood_is_v6(fl, k);
    if (r == 0) {
        if (v6)
            fl->src6++;
        else
            fl->src4++;
    }
    size_t pi = flood_pick(fl);
    const struct flood_probe *pr = &FLOOD_PROBES[pi];
    struct raddr src, dst;
    if (v6) {
        src = flood_addr6(fl, k);
        dst = ra6("2001:db8:64::");
        put16(dst.b + 14, (unsigned)rng_range(&fl->rng, 1, 0xFFFF));
    } else {
        src = ra4(flood_addr4(fl, k));
        dst = ra4(v4(198, 51, 100, rng_range(&fl->rng, 1, 254)));
    }
    /* the source's own port offset plus the round: a fresh 5-tuple each time */
    uint64_t own = mix64(k ^ fl->key_port) % FLOOD_MAX_ROUNDS;
    uint16_t sport = (uint16_t)(1024 + (own + r) % FLOOD_MAX_ROUNDS);
    uint8_t ttl = (uint8_t)rng_range(&fl->rng, 30, 250);

    uint8_t fr[256];
    size_t ip = 14, l4 = ip + (v6 ? 40 : 20), l4len;
    uint8_t proto = pr->proto == P_ICMP && v6 ? P_ICMP6 : pr->proto;
    if (proto == P_TCP) {
        size_t optlen = flood_syn_options(fl, fr + l4 + 20);
        put16(fr + l4, sport);
        put16(fr + l4 + 2, pr->port);
        put32(fr + l4 + 4, (uint32_t)rng_next(&fl->rng));
        put32(fr + l4 + 8, 0);
        fr[l4 + 12] = (uint8_t)((5 + optlen / 4) << 4);
        fr[l4 + 13] = TH_SYN;
        put16(fr + l4 + 14, windows[rng_below(&fl->rng, sizeof windows / sizeof windows[0])]);
        put16(fr + l4 + 18, 0);
        l4len = 20 + optlen;
        l4_checksum(&src, &dst, proto, fr + l4, l4len, 16);
    } else if (proto == P_UDP) {
        put16(fr + l4, sport);
        put16(fr + l4 + 2, pr->port);
        put16(fr + l4 + 4, (unsigned)(8 + pr->payload_len));
        memcpy(fr + l4 + 8, pr->payload, pr->payload_len);
        l4len = 8 + pr->payload_len;
        l4_checksum(&src, &dst, proto, fr + l4, l4len, 6);
    } else {
        /* echo request, id from the source and round; bare (zmap) or ping's 56 bytes */
        size_t n = rng_chance(&fl->rng, 0.5) ? 56 : 0;
        fr[l4] = proto == P_ICMP ? 8 : 128;
        fr[l4 + 1] = 0;
        put16(fr + l4 + 4, (unsigned)((own + r) & 0xFFFF));
        put16(fr + l4 + 6, (unsigned)(r & 0xFFFF));
        for (size_t j = 0; j < n; j++)
            fr[l4 + 8 + j] = (uint8_t)(0x10 + j);
        l4len = 8 + n;
        l4_checksum(&src, &dst, proto, fr + l4, l4len, 2);
    }

    memcpy(fr, MAC_SENSOR, 6);
    memcpy(fr + 6, MAC_GW, 6);
    size_t iplen;
    if (v6) {
        put16(fr + 12, 0x86DD);
        fr[ip] = 0x60;
        fr[ip + 1] = fr[ip + 2] = fr[ip + 3] = 0;
        put16(fr + ip + 4, (unsigned)l4len);
        fr[ip + 6] = proto;
        fr[ip + 7] = ttl;
        memcpy(fr + ip + 8, src.b, 16);
        memcpy(fr + ip + 24, dst.b, 16);
        iplen = 40 + l4len;
    } else {
        put16(fr + 12, 0x0800);
        iplen = 20 + l4len;
        ipv4_header(fr + ip, 0, ra4_get(&src), ra4_get(&dst), proto, iplen,
                    (uint16_t)rng_next(&fl->rng), 0, ttl);
    }
    size_t n = l4 + l4len;
    /* received frames arrive padded to Ethernet's 60-byte minimum */
    if (n < 60) {
        memset(fr + n, 0, 60 - n);
        n = 60;
    }
    writer_put(w, ts_ns, fr, (uint32_t)n, (uint32_t)n);

    fl->pk[pi][v6]++;
    fl->by[pi][v6] += iplen;
    fl->bytes += iplen;
    if (i == 0)
        fl->first = ts_ns;
    fl->last = ts_ns;
}

/* "2024-03-12T00:00:00+00:00", as the report writes times (whole seconds). */
static void ts_text(int64_t ns, char buf[32])
{
    int64_t s = ns / NS_PER_S, sod = s % 86400;
    int y, m, d;
    civil_from_days(s / 86400, &y, &m, &d);
    snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", y, m, d, (int)(sod / 3600),
             (int)(sod / 60 % 60), (int)(sod % 60));
}

static const char *flood_key(const struct flood_probe *pr, int v6, char buf[24])
{
    if (pr->proto == P_ICMP)
        snprintf(buf, 24, "%s", v6 ? "icmp6/128" : "icmp/8");
    else
        snprintf(buf, 24, "%s/%u", pr->proto == P_TCP ? "tcp" : "udp", pr->port);
    return buf;
}

/* Adds packets and bytes (one flow per packet) under name in obj. */
static void flood_add(json_t *obj, const char *name, uint64_t pk, uint64_t by)
{
    json_t *o = json_object_get(obj, name);
    if (o) {
        pk += (uint64_t)json_integer_value(json_object_get(o, "packets"));
        by += (uint64_t)json_integer_value(json_object_get(o, "bytes"));
    }
    json_object_set_new(obj, name, stat_obj(pk, by, pk));
}

static int top_cmp(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t px = json_integer_value(json_object_get(x, "packets"));
    json_int_t py = json_integer_value(json_object_get(y, "packets"));
    if (px != py)
        return px > py ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "port")),
                  json_string_value(json_object_get(y, "port")));
}

static json_t *flood_truth(const struct flood *fl, uint64_t seed)
{
    json_t *ports = json_object(), *scans = json_object();
    for (size_t i = 0; i < N_FLOOD_PROBES; i++)
        for (int v6 = 0; v6 < 2; v6++) {
            if (!fl->pk[i][v6])
                continue;
            char key[24], cat[32];
            flood_key(&FLOOD_PROBES[i], v6, key);
            snprintf(cat, sizeof cat, "scan:%s", key);
            flood_add(ports, key, fl->pk[i][v6], fl->by[i][v6]);
            flood_add(scans, cat, fl->pk[i][v6], fl->by[i][v6]);
        }
    size_t nports = json_object_size(ports), j = 0;
    json_t **top = xcalloc(nports, sizeof *top);
    const char *name;
    json_t *v;
    json_object_foreach(ports, name, v)
    {
        top[j] = json_object();
        json_object_set_new(top[j], "port", json_string(name));
        json_object_set(top[j], "packets", json_object_get(v, "packets"));
        j++;
    }
    qsort(top, nports, sizeof *top, top_cmp);
    json_t *toplist = json_array();
    for (j = 0; j < nports; j++)
        json_array_append_new(toplist, top[j]);
    free(top);

    uint64_t distinct = fl->src4 + fl->src6, packets6 = 0;
    for (size_t i = 0; i < N_FLOOD_PROBES; i++)
        packets6 += fl->pk[i][1];
    char day[16], first[32], last[32];
    day_text(fl->first / NS_PER_DAY, day);
    ts_text(fl->first, first);
    ts_text(fl->last, last);

    json_t *tot = json_object();
    json_object_set_new(tot, "packets_in", json_integer((json_int_t)fl->packets));
    json_object_set_new(tot, "packets_out", json_integer(0));
    json_object_set_new(tot, "bytes_in", json_integer((json_int_t)fl->bytes));
    json_object_set_new(tot, "bytes_out", json_integer(0));
    json_object_set_new(tot, "flows", json_integer((json_int_t)fl->packets));
    json_object_set_new(tot, "sources", json_integer((json_int_t)distinct));
    json_t *bin = json_deep_copy(tot);
    json_object_set_new(bin, "bin", json_string(day));
    json_t *series = json_array();
    json_array_append_new(series, bin);
    json_t *src = json_object();
    json_object_set_new(src, "distinct", json_integer((json_int_t)distinct));
    json_object_set_new(src, "ipv4", json_integer((json_int_t)fl->src4));
    json_object_set_new(src, "ipv6", json_integer((json_int_t)fl->src6));

    json_t *any = json_object();
    json_object_set_new(any, "totals", tot);
    json_object_set_new(any, "series", series);
    json_object_set_new(any, "out", json_object());
    json_object_set_new(any, "out_replies", json_object());
    json_object_set_new(any, "in_replies", json_object());
    json_object_set_new(any, "in_unsolicited", scans);
    json_object_set_new(any, "ports_in", ports);
    json_object_set_new(any, "sources", src);
    json_t *groups = json_object();
    json_object_set_new(groups, "any", any);

    json_t *t = json_object();
    json_object_set_new(t, "scenario", json_string("flood"));
    json_object_set_new(t, "seed", json_integer((json_int_t)seed));
    json_object_set_new(t, "sources_asked", json_integer((json_int_t)fl->sources));
    json_t *sensor = json_array();
    json_array_append_new(sensor, json_string(FLOOD_SENSOR4));
    json_array_append_new(sensor, json_string(FLOOD_SENSOR6));
    json_object_set_new(t, "sensor", sensor);
    json_t *period = json_object();
    json_object_set_new(period, "from", json_string(day));
    json_object_set_new(period, "to", json_string(day));
    json_object_set_new(t, "period", period);
    json_object_set_new(t, "first", json_string(first));
    json_object_set_new(t, "last", json_string(last));
    json_object_set_new(t, "first_ns", json_integer((json_int_t)fl->first));
    json_object_set_new(t, "last_ns", json_integer((json_int_t)fl->last));
    json_t *files = json_array(), *f = json_object();
    json_object_set_new(f, "name", json_string(FLOOD_FILE));
    json_object_set_new(f, "format", json_string("pcap"));
    json_object_set_new(f, "linktype", json_integer(LT_ETHER));
    json_object_set_new(f, "packets", json_integer((json_int_t)fl->packets));
    json_array_append_new(files, f);
    json_object_set_new(t, "files", files);
    json_object_set_new(t, "packets", json_integer((json_int_t)fl->packets));
    json_object_set_new(t, "bytes", json_integer((json_int_t)fl->bytes));
    json_object_set_new(t, "packets_ipv6", json_integer((json_int_t)packets6));
    json_object_set_new(t, "not_sensor", json_integer(0));
    json_object_set_new(t, "not_ip", json_integer(0));
    json_object_set_new(t, "truncated", json_integer(0));
    json_object_set_new(t, "malformed", json_integer(0));
    json_object_set_new(t, "sensor_to_sensor", json_integer(0));
    json_object_set_new(t, "flows", json_integer((json_int_t)fl->packets));
    json_t *inits = json_object();
    json_object_set_new(inits, "unknown", json_integer(0));
    json_object_set_new(inits, "sensor", json_integer(0));
    json_object_set_new(inits, "remote", json_integer((json_int_t)fl->packets));
    json_object_set_new(t, "initiators", inits);
    json_object_set_new(t, "top_ports", toplist);
    json_object_set_new(t, "groups", groups);
    return t;
}

/* The flood scenario: DIR/flood.pcap and DIR/truth.json. sources >= 1,
 * packets >= 1 (0: as many as sources). */
static void run_flood(const char *dir, uint64_t seed, uint64_t sources, uint64_t packets)
{
    static struct flood fl; /* the tallies are large for the stack */
    memset(&fl, 0, sizeof fl);
    fl.sources = sources;
    fl.packets = packets ? packets : sources;
    rng_seed(&fl.rng, seed);
    uint64_t s = seed ^ UINT64_C(0xF100D5EED);
    for (int i = 0; i < 4; i++)
        fl.key[i] = splitmix64(&s);
    fl.key_v6 = splitmix64(&s);
    fl.key_port = splitmix64(&s);
    fl.key_net6 = splitmix64(&s);
    flood_space(&fl);
    for (size_t i = 0; i < N_FLOOD_PROBES; i++)
        fl.weight_total += FLOOD_PROBES[i].weight;
    /* Beyond these, two sources would share an address or a source reuse a
     * 5-tuple, and the counts would no longer be known by construction. */
    if (fl.sources > fl.usable)
        die("--sources %" PRIu64 " exceeds the %" PRIu64 " usable IPv4 addresses", fl.sources,
            fl.usable);
    fl.rounds = (fl.packets - 1) / fl.sources + 1;
    if (fl.rounds > FLOOD_MAX_ROUNDS)
        die("--packets %" PRIu64 " is more than %d per source", fl.packets, FLOOD_MAX_ROUNDS);

    /* one UTC day, packets evenly spaced with jitter within their slot, so
     * times increase and the last packet falls before midnight */
    const int64_t day_us = INT64_C(86400000000);
    int64_t start_us = days_from_civil(2024, 3, 12) * (day_us);
    uint64_t step = (uint64_t)day_us / fl.packets, rem = (uint64_t)day_us % fl.packets;
    if (step == 0)
        die("--packets %" PRIu64 " is more than one a microsecond over a day", fl.packets);

    make_dir(dir);
    struct writer w;
    writer_open(&w, dir, FLOOD_FILE, FMT_PCAP, LT_ETHER, 65535);
    fprintf(stderr,
            "gen_scenario: scenario flood, seed %" PRIu64 ", %" PRIu64 " sources, %" PRIu64
            " packets -> %s\n",
            seed, fl.sources, fl.packets, dir);
    uint64_t slot = 0, acc = 0;
    for (uint64_t i = 0; i < fl.packets; i++) {
        uint64_t jitter = step > 1 ? rng_below(&fl.rng, step) : 0;
        int64_t ts_us = start_us + (int64_t)(slot + jitter);
        flood_packet(&fl, &w, i, ts_us * 1000);
        slot += step;
        acc += rem;
        if (acc >= fl.packets) {
            acc -= fl.packets;
            slot++;
        }
    }
    writer_close(&w);

    json_t *truth = flood_truth(&fl, seed);
    char path[4096];
    snprintf(path, sizeof path, "%s/truth.json", dir);
    if (json_dump_file(truth, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0)
        die("cannot write '%s'", path);
    json_decref(truth);
    fprintf(stderr,
            "gen_scenario: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64 " flows, %" PRIu64
            " sources (%" PRIu64 " IPv6)\n",
            fl.packets, fl.bytes, fl.packets, fl.src4 + fl.src6, fl.src6);
}

/* ---- command line ---------------------------------------------------------- */

static void usage(FILE *to)
{
    fputs("usage: gen_scenario --scenario seed|basic --out DIR [--seed N] [--scale X]\n"
          "       gen_scenario --scenario flood --out DIR [--seed N] [--sources N] [--packets P]\n"
          "\n"
          "Writes deterministic honeypot captures to DIR with truth.json, the exact\n"
          "figures honeyscope must report for them, and DIR/groups/*.txt.\n"
          "  --scenario seed   2008-02-01..2009-12-11, one file per month, AWS study\n"
          "  --scenario basic  17 hand-checkable flows, every format and link type\n"
          "  --seed N          PRNG seed (default 1); same arguments, same bytes\n"
          "  --scale X         traffic volume factor for seed (default 1: ~60k packets;\n"
          "                    packet count grows linearly with X)\n"
          "  --scenario flood  one day of a darknet telescope (198.51.100.0/24 and\n"
          "                    2001:db8:64::/64): SYN scans and a spoofed SYN flood, some\n"
          "                    UDP and echo requests, one flow per packet, in flood.pcap\n"
          "  --sources N       distinct remote addresses of flood (default 1000000)\n"
          "  --packets P       packets of flood (default N); sources repeat in turn\n",
          to);
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "gen_scenario: option '%s' needs a value\n", name);
        usage(stderr);
        exit(2);
    }
    return argv[++*i];
}

/* A count of at least 1; false after saying why. */
static bool parse_count(const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || n == 0 || v[0] == '-') {
        fprintf(stderr, "gen_scenario: bad count '%s'\n", v);
        return false;
    }
    *out = n;
    return true;
}

int main(int argc, char **argv)
{
    const char *scenario = NULL, *out = NULL;
    uint64_t seed = 1, sources = 0, packets = 0;
    double scale = 1;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if ((v = opt_value(argc, argv, &i, "--scenario"))) {
            scenario = v;
        } else if ((v = opt_value(argc, argv, &i, "--out"))) {
            out = v;
        } else if ((v = opt_value(argc, argv, &i, "--seed"))) {
            char *end;
            errno = 0;
            seed = strtoull(v, &end, 10);
            if (errno || end == v || *end) {
                fprintf(stderr, "gen_scenario: bad seed '%s'\n", v);
                return 2;
            }
        } else if ((v = opt_value(argc, argv, &i, "--sources"))) {
            if (!parse_count(v, &sources))
                return 2;
        } else if ((v = opt_value(argc, argv, &i, "--packets"))) {
            if (!parse_count(v, &packets))
                return 2;
        } else if ((v = opt_value(argc, argv, &i, "--scale"))) {
            char *end;
            scale = strtod(v, &end);
            if (end == v || *end || !(scale > 0) || scale > 100000) {
                fprintf(stderr, "gen_scenario: bad scale '%s'\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "gen_scenario: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!scenario || !out ||
        (strcmp(scenario, "seed") != 0 && strcmp(scenario, "basic") != 0 &&
         strcmp(scenario, "flood") != 0)) {
        usage(stderr);
        return 2;
    }
    if (strcmp(scenario, "flood") == 0) {
        run_flood(out, seed, sources ? sources : 1000000, packets);
        return 0;
    }
    if (sources || packets) {
        fputs("gen_scenario: --sources and --packets apply to --scenario flood only\n", stderr);
        return 2;
    }

    static struct gen g; /* large: keep it off the stack */
    g.scenario = strcmp(scenario, "seed") == 0 ? 0 : 1;
    g.seed = seed;
    g.scale = scale;
    g.dir = out;
    rng_seed(&g.rng, seed);
    rng_seed(&g.cal, seed ^ 0xCA1E0DA5u);
    aws_blocks[3].from_day = days_from_civil(2009, 1, 1);
    g.sensor4 = ra4(v4(192, 0, 2, 10));
    g.sensor6 = ra6("2001:db8::10");
    g.sensor_ipid = (uint16_t)rng_next(&g.rng);
    g.eph = 1025;
    int64_t to;
    if (g.scenario == 0) {
        g.day0 = days_from_civil(2008, 2, 1);
        to = days_from_civil(2009, 12, 11);
    } else {
        g.day0 = days_from_civil(2009, 3, 10);
        to = g.day0;
    }
    g.ndays = (size_t)(to - g.day0 + 1);
    for (int i = 0; i < NGROUP; i++) {
        g.grp[i].name = i == 1 ? "any" : g.scenario == 0 ? "aws" : "basic";
        g.grp[i].series = xcalloc(g.ndays, sizeof *g.grp[i].series);
        g.grp[i].urls = json_object();
    }
    g.files = json_array();

    make_dir(out);
    char path[4096];
    snprintf(path, sizeof path, "%s/groups", out);
    make_dir(path);
    snprintf(path, sizeof path, "%s/groups/aws-2009.txt", out);
    write_text(path, AWS_LIST);
    if (g.scenario == 1) {
        snprintf(path, sizeof path, "%s/groups/basic.txt", out);
        write_text(path, BASIC_LIST);
    }

    fprintf(stderr, "gen_scenario: scenario %s, seed %" PRIu64 ", scale %g -> %s\n", scenario, seed,
            scale, out);
    json_t *truth = json_object();
    if (g.scenario == 0)
        run_seed(&g, truth);
    else
        run_basic(&g);

    char from[16], till[16];
    day_text(g.day0, from);
    day_text(to, till);
    json_object_set_new(truth, "scenario", json_string(scenario));
    json_object_set_new(truth, "seed", json_integer((json_int_t)seed));
    json_object_set_new(truth, "scale", json_real(scale));
    json_t *sensor = json_array();
    json_array_append_new(sensor, json_string("192.0.2.10"));
    if (g.scenario == 1)
        json_array_append_new(sensor, json_string("2001:db8::10"));
    json_object_set_new(truth, "sensor", sensor);
    json_t *period = json_object();
    json_object_set_new(period, "from", json_string(from));
    json_object_set_new(period, "to", json_string(till));
    json_object_set_new(truth, "period", period);
    json_object_set_new(truth, "files", g.files);
    json_object_set_new(truth, "packets", json_integer((json_int_t)g.packets));
    json_object_set_new(truth, "not_sensor", json_integer((json_int_t)g.not_sensor));
    json_object_set_new(truth, "not_ip", json_integer((json_int_t)g.not_ip));
    json_object_set_new(truth, "truncated", json_integer((json_int_t)g.truncated));
    json_object_set_new(truth, "malformed", json_integer(0));
    json_object_set_new(truth, "sensor_to_sensor", json_integer(0));
    json_object_set_new(truth, "flows", json_integer((json_int_t)g.flows));
    json_t *inits = json_object();
    for (int i = 0; i < 3; i++)
        json_object_set_new(inits, init_names[i], json_integer((json_int_t)g.init_count[i]));
    json_object_set_new(truth, "initiators", inits);
    if (g.flow_list)
        json_object_set_new(truth, "flow_list", g.flow_list);
    json_t *groups = json_object();
    for (int i = 0; i < NGROUP; i++)
        json_object_set_new(groups, g.grp[i].name, group_json(&g, &g.grp[i]));
    json_object_set_new(truth, "groups", groups);

    snprintf(path, sizeof path, "%s/truth.json", out);
    if (json_dump_file(truth, path, JSON_INDENT(1) | JSON_SORT_KEYS) != 0)
        die("cannot write '%s'", path);
    fprintf(stderr,
            "gen_scenario: %" PRIu64 " packets, %" PRIu64 " flows; %s: %" PRIu64 " in / %" PRIu64
            " out packets, %zu sources\n",
            g.packets, g.flows, g.grp[0].name, g.grp[0].pk[DIR_IN], g.grp[0].pk[DIR_OUT],
            g.grp[0].src_all.n + g.grp[0].nv6_all);

    json_decref(truth);
    for (int i = 0; i < NGROUP; i++) {
        free(g.grp[i].series);
        keyset_free(&g.grp[i].src_all);
        keyset_free(&g.grp[i].src_day);
        json_decref(g.grp[i].urls);
    }
    keyset_free(&g.tuples);
    free(g.pk);
    free(g.data);
    return 0;
}
