/*
 * Packet samples (src/capture/sample.c): bounded, the same rule in every
 * file, exact for files sampled whole, close for larger ones, and stored
 * samples read back only when honeyscope could have written them.
 */
#include <stdlib.h>

#include "../../src/capture/capture.h"
#include "check.h"

/* Packet i of a synthetic stream: its own bytes, one a millisecond. */
static void packet(uint32_t i, uint32_t salt, struct capture_packet *p, uint8_t *buf)
{
    for (size_t k = 0; k < 64; k++)
        buf[k] = (uint8_t)((i >> (8 * (k % 4))) ^ (k * 31) ^ salt);
    p->ts_ns = INT64_C(1233446400000000000) + (int64_t)i * 1000000;
    p->caplen = 64;
    p->wirelen = 64;
    p->data = buf;
}

/* A sample of packets [from, to) of the stream salt. */
static struct capture_sample *sample_of(uint32_t from, uint32_t to, uint32_t salt)
{
    struct capture_sample *s = capture_sample_new();
    struct capture_packet p;
    uint8_t buf[64];
    capture_sample_init(s);
    for (uint32_t i = from; i < to; i++) {
        packet(i, salt, &p, buf);
        capture_sample_add(s, &p);
    }
    capture_sample_finish(s);
    return s;
}

static void test_small_files_sampled_whole(void)
{
    struct capture_sample *a = sample_of(0, 400, 0), *b = sample_of(200, 500, 0);
    struct capture_overlap o;
    CHECK_U64(a->level, 0);
    CHECK_U64(a->count, 400);
    CHECK_U64(a->packets, 400);
    CHECK(capture_sample_overlap(a, b, &o));
    CHECK_U64(o.shared, 200);
    CHECK_U64(o.sampled, 300);
    CHECK(o.share > 66.666 && o.share < 66.667);
    CHECK(o.first_ns == b->first_ns && o.last_ns == a->last_ns);
    free(a);
    free(b);
}

static void test_large_files_bounded_and_close(void)
{
    struct capture_sample *a = sample_of(0, 40000, 0), *b = sample_of(20000, 60000, 0);
    struct capture_overlap o;
    CHECK(a->level > 0);
    CHECK(a->count <= CAPTURE_SAMPLE_MAX && a->count > CAPTURE_SAMPLE_MAX / 4);
    CHECK(capture_sample_overlap(a, b, &o));
    /* Half of b is in a: a few hundred fingerprints estimate it within a few points. */
    CHECK(o.share > 40 && o.share < 60);
    free(a);
    free(b);
}

static void test_other_packets_same_span(void)
{
    struct capture_sample *a = sample_of(0, 40000, 0), *c = sample_of(0, 40000, 0x55);
    struct capture_overlap o;
    CHECK(!capture_sample_overlap(a, c, &o));
    CHECK_U64(o.shared, 0);
    free(a);
    free(c);
}

static void test_levels_differ(void)
{
    /* A small piece of a large file: compared at the large file's level. */
    struct capture_sample *a = sample_of(0, 40000, 0), *piece = sample_of(1000, 3000, 0);
    struct capture_overlap o;
    CHECK(piece->level < a->level);
    CHECK(capture_sample_overlap(a, piece, &o));
    CHECK(o.sampled > 0);
    CHECK_U64(o.shared, o.sampled);
    free(a);
    free(piece);
}

static void test_spans_apart(void)
{
    struct capture_sample *a = sample_of(0, 400, 0), *b = sample_of(0, 400, 0);
    struct capture_overlap o;
    b->first_ns += INT64_C(3600000000000);
    b->last_ns += INT64_C(3600000000000);
    CHECK(!capture_sample_overlap(a, b, &o));
    free(a);
    free(b);
}

static void test_microseconds(void)
{
    struct capture_sample *a = capture_sample_new(), *b = capture_sample_new();
    struct capture_packet p;
    uint8_t buf[64];
    packet(7, 0, &p, buf);
    p.ts_ns += 100; /* a nanosecond copy of a microsecond capture */
    capture_sample_add(a, &p);
    p.ts_ns += 800;
    capture_sample_add(b, &p);
    CHECK_U64(a->fingerprints[0], b->fingerprints[0]);
    p.ts_ns += 1000; /* another microsecond: another packet */
    capture_sample_add(b, &p);
    capture_sample_finish(b);
    CHECK_U64(b->count, 2);
    free(a);
    free(b);
}

static void test_decode(void)
{
    struct capture_sample *a = sample_of(0, 40000, 0);
    struct capture_sample *back = capture_sample_new();
    unsigned char *bytes = malloc(8 * a->count);
    capture_sample_encode(a, bytes);
    CHECK(capture_sample_decode(back, bytes, 8 * a->count, a->level, a->first_ns, a->last_ns) == 0);
    CHECK_U64(back->count, a->count);
    CHECK(memcmp(back->fingerprints, a->fingerprints, 8 * a->count) == 0);
    /* What honeyscope never writes. */
    CHECK(capture_sample_decode(back, bytes, 8 * a->count - 3, a->level, 0, 0) < 0);
    CHECK(capture_sample_decode(back, bytes, 8 * a->count, a->level + 1, 0, 0) < 0 ||
          a->count == 0);
    CHECK(capture_sample_decode(back, bytes, 8 * a->count, 65, 0, 0) < 0);
    unsigned char swapped[16];
    memcpy(swapped, bytes + 8, 8);
    memcpy(swapped + 8, bytes, 8);
    CHECK(capture_sample_decode(back, swapped, 16, a->level, 0, 0) < 0);
    unsigned char *big = calloc(CAPTURE_SAMPLE_MAX + 1, 8);
    CHECK(capture_sample_decode(back, big, 8 * (CAPTURE_SAMPLE_MAX + 1), 0, 0, 0) < 0);
    free(big);
    free(bytes);
    free(back);
    free(a);
}

int main(void)
{
    RUN(test_small_files_sampled_whole);
    RUN(test_large_files_bounded_and_close);
    RUN(test_other_packets_same_span);
    RUN(test_levels_differ);
    RUN(test_spans_apart);
    RUN(test_microseconds);
    RUN(test_decode);
    CHECK_EXIT();
}
