/*
 * util.c: what every part of gen_scenario leans on: dying with a message,
 * memory, big- and little-endian stores, the one PRNG (xoshiro256**), the
 * calendar, remote addresses, a set of 64-bit keys, and small files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "gen_int.h"

/* ---- small helpers --------------------------------------------------------- */

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_scenario: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("gen_scenario: out of memory\n", stderr);
        abort();
    }
    return q;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("gen_scenario: out of memory\n", stderr);
        abort();
    }
    return p;
}

void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

/* ---- PRNG: xoshiro256** seeded through splitmix64 ---------------------------- */

uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
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
uint64_t rng_below(struct rng *r, uint64_t n)
{
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

/* Uniform in [lo, hi]. */
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
    return lo + (uint32_t)rng_below(r, (uint64_t)hi - lo + 1);
}

double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

bool rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

/* Rounds x up or down at random so that the expectation is exactly x: counts
 * then scale linearly with --scale even when rates are below one a day. */
unsigned stoch_round(struct rng *r, double x)
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
int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
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

void day_text(int64_t day, char buf[16])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

/* ---- addresses ------------------------------------------------------------- */

struct raddr ra4(uint32_t a)
{
    struct raddr r;
    memset(&r, 0, sizeof r);
    put32(r.b, a);
    return r;
}

uint32_t ra4_get(const struct raddr *r)
{
    return (uint32_t)r->b[0] << 24 | (uint32_t)r->b[1] << 16 | (uint32_t)r->b[2] << 8 | r->b[3];
}

struct raddr ra6(const char *text)
{
    struct raddr r;
    memset(&r, 0, sizeof r);
    r.v6 = true;
    if (inet_pton(AF_INET6, text, r.b) != 1)
        die("bad built-in address '%s'", text);
    return r;
}

void ra_text(const struct raddr *r, char buf[48])
{
    inet_ntop(r->v6 ? AF_INET6 : AF_INET, r->b, buf, 48);
}

bool ra_equal(const struct raddr *a, const struct raddr *b)
{
    return a->v6 == b->v6 && memcmp(a->b, b->b, 16) == 0;
}

bool in_block(uint32_t a, uint32_t net, unsigned len)
{
    uint32_t mask = len == 0 ? 0 : (uint32_t)(UINT64_C(0xFFFFFFFF) << (32 - len));
    return (a & mask) == net;
}

/* ---- hash sets ------------------------------------------------------------- */

uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53u;
    x ^= x >> 33;
    return x;
}

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
bool keyset_add(struct keyset *s, uint64_t key)
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

void keyset_clear(struct keyset *s)
{
    if (s->n)
        memset(s->slot, 0, s->cap * sizeof *s->slot);
    s->n = 0;
}

void keyset_free(struct keyset *s)
{
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/* ---- files ----------------------------------------------------------------- */

void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    size_t n = strlen(text);
    if (fwrite(text, 1, n, f) != n || fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
}

void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", path, strerror(errno));
}
