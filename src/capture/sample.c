/*
 * Packet samples (capture.h): a few content-defined fingerprints per capture
 * that tell whether two files hold some of the same packets, cheaply and in
 * bounded space. The rule is adaptive sampling (Flajolet's, as in the
 * distinct-count sketches): keep the packets whose fingerprint ends in level
 * zero bits, and when the sample is full raise level and drop those that no
 * longer qualify. Two files' samples at the same level hold exactly the
 * packets of that level in each, so their intersection estimates the share
 * of packets they have in common, and is exact for files small enough to be
 * sampled whole (level 0).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/xalloc.h"
#include "capture.h"

/* Fixed, so that samples made by other runs and kept in stores compare. */
static const unsigned char sample_key[crypto_shorthash_KEYBYTES] = "hs-packet-sample";

static uint64_t level_mask(unsigned level)
{
    return level >= 64 ? UINT64_MAX : (UINT64_C(1) << level) - 1;
}

struct capture_sample *capture_sample_new(void)
{
    struct capture_sample *s =
        xmalloc(sizeof(*s) + CAPTURE_SAMPLE_MAX * sizeof(s->fingerprints[0]));
    capture_sample_init(s);
    return s;
}

struct capture_sample *capture_sample_shrink(struct capture_sample *s)
{
    return xrealloc(s, sizeof(*s) + s->count * sizeof(s->fingerprints[0]));
}

void capture_sample_init(struct capture_sample *s)
{
    crypto_library_init(); /* before the first crypto_shorthash() */
    s->first_ns = INT64_MAX;
    s->last_ns = INT64_MIN;
    s->packets = 0;
    s->level = 0;
    s->count = 0;
}

static void put_le(unsigned char *out, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le64(const unsigned char *in)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v |= (uint64_t)in[i] << (8 * i);
    return v;
}

/* Keeps the fingerprints of the next level only. */
static void raise_level(struct capture_sample *s)
{
    s->level++;
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++)
        if ((s->fingerprints[i] & level_mask(s->level)) == 0)
            s->fingerprints[kept++] = s->fingerprints[i];
    s->count = kept;
}

void capture_sample_add(struct capture_sample *s, const struct capture_packet *p)
{
    /* Microseconds: a copy rewritten from nanosecond to microsecond precision still matches. */
    int64_t us = p->ts_ns / 1000 - (p->ts_ns % 1000 < 0);
    unsigned char buf[8 + 4 + CAPTURE_SAMPLE_BYTES];
    size_t take = p->caplen < CAPTURE_SAMPLE_BYTES ? p->caplen : CAPTURE_SAMPLE_BYTES;
    s->packets++;
    if (p->ts_ns < s->first_ns)
        s->first_ns = p->ts_ns;
    if (p->ts_ns > s->last_ns)
        s->last_ns = p->ts_ns;
    put_le(buf, (uint64_t)us, 8);
    put_le(buf + 8, p->wirelen, 4);
    memcpy(buf + 12, p->data, take);
    unsigned char digest[crypto_shorthash_BYTES];
    crypto_shorthash(digest, buf, 12 + take, sample_key);
    uint64_t fp = get_le64(digest);
    if (fp & level_mask(s->level))
        return;
    while (s->count == CAPTURE_SAMPLE_MAX) {
        raise_level(s);
        if (fp & level_mask(s->level))
            return;
    }
    s->fingerprints[s->count++] = fp;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void capture_sample_finish(struct capture_sample *s)
{
    qsort(s->fingerprints, s->count, sizeof(s->fingerprints[0]), compare_u64);
    size_t kept = 0;
    for (size_t i = 0; i < s->count; i++)
        if (kept == 0 || s->fingerprints[kept - 1] != s->fingerprints[i])
            s->fingerprints[kept++] = s->fingerprints[i];
    s->count = kept;
}

int capture_sample_file(const char *path, struct capture_sample *s, char *err, size_t errlen)
{
    capture_sample_init(s);
    struct capture_file *file = capture_open(path, err, errlen);
    if (!file)
        return -1;
    struct capture_packet p;
    while (capture_next(file, &p) == CAPTURE_PACKET)
        capture_sample_add(s, &p);
    capture_close(file);
    capture_sample_finish(s);
    return 0;
}

bool capture_sample_overlap(const struct capture_sample *earlier,
                            const struct capture_sample *later, struct capture_overlap *o)
{
    memset(o, 0, sizeof(*o));
    if (earlier->count == 0 || later->count == 0 || earlier->first_ns > later->last_ns ||
        later->first_ns > earlier->last_ns)
        return false;
    o->first_ns = earlier->first_ns > later->first_ns ? earlier->first_ns : later->first_ns;
    o->last_ns = earlier->last_ns < later->last_ns ? earlier->last_ns : later->last_ns;
    unsigned level = earlier->level > later->level ? earlier->level : later->level;
    uint64_t mask = level_mask(level);
    /* Both ascending: one walk finds the common fingerprints. */
    size_t i = 0;
    for (size_t j = 0; j < later->count; j++) {
        uint64_t fp = later->fingerprints[j];
        if (fp & mask)
            continue;
        o->sampled++;
        while (i < earlier->count && earlier->fingerprints[i] < fp)
            i++;
        if (i < earlier->count && earlier->fingerprints[i] == fp)
            o->shared++;
    }
    o->share = o->sampled ? 100.0 * (double)o->shared / (double)o->sampled : 0.0;
    return o->shared > 0;
}

int capture_sample_decode(struct capture_sample *s, const void *bytes, size_t len, unsigned level,
                          int64_t first_ns, int64_t last_ns)
{
    const unsigned char *in = bytes;
    capture_sample_init(s);
    if (len % 8 != 0 || len / 8 > CAPTURE_SAMPLE_MAX || level > 64)
        return -1;
    s->level = level;
    s->first_ns = first_ns;
    s->last_ns = last_ns;
    for (size_t i = 0; i < len / 8; i++) {
        uint64_t fp = get_le64(in + 8 * i);
        if ((fp & level_mask(level)) || (i > 0 && fp <= s->fingerprints[i - 1]))
            return -1;
        s->fingerprints[i] = fp;
    }
    s->count = len / 8;
    return 0;
}

void capture_sample_encode(const struct capture_sample *s, unsigned char *out)
{
    for (size_t i = 0; i < s->count; i++)
        put_le(out + 8 * i, s->fingerprints[i], 8);
}
