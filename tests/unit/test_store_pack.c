/*
 * Traffic packs (src/store/pack.c): rows come back exactly as they went in,
 * whatever their addresses, bins, counts and seconds; and a pack from a
 * damaged or crafted store (cut, bytes changed, numbers no row can hold, a
 * size that would take all memory) is refused, never read past its end.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "../../src/store/store_int.h"
#include "check.h"

#define ROWS 5000

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *const addresses[] = {
    "198.51.100.7", "2001:db8::1", "::1",         "::ffff:1.2.3.4", "1.2.3.4",
    "0.0.0.0",      "ff02::1",     "32.1.13.184", "fe80::1",        "255.255.255.255",
};
#define ADDRESS_COUNT (sizeof(addresses) / sizeof(addresses[0]))

static void random_row(struct cube_row *row, size_t i)
{
    memset(row, 0, sizeof(*row));
    /* Bins either side of 1970 and far apart, some rows sharing one. */
    static const int64_t bins[] = {-900 * 1000,          0,
                                   1202695200,           1202696100,
                                   1609459200 + 900 * 7, (STORE_SECONDS_MAX / 900 - 10) * 900};
    row->key.bin = bins[rng() % 6];
    addr_parse(&row->key.sensor, i % 7 ? "192.0.2.10" : "2001:db8:64::10");
    if (i % 3)
        addr_parse(&row->key.remote, addresses[rng() % ADDRESS_COUNT]);
    else /* random IPv4 remotes, as a flood has */
        addr_from_v4(&row->key.remote,
                     (const uint8_t[]){(uint8_t)rng(), (uint8_t)rng(), (uint8_t)rng(), 7});
    row->key.proto = (uint8_t)rng();
    row->key.initiator = (uint8_t)(rng() % INITIATOR_COUNT);
    row->key.service = (uint16_t)rng();
    uint64_t *counts[] = {&row->counts.packets_in, &row->counts.packets_out, &row->counts.bytes_in,
                          &row->counts.bytes_out, &row->counts.flows};
    for (int c = 0; c < 5; c++)
        *counts[c] = i % 11 == 0 ? (uint64_t)INT64_MAX : rng() % (c == 2 ? 1u << 30 : 5);
    /* Whole seconds, as the store keeps them: before the bin, in it, and past it. */
    int64_t first = (int64_t)(rng() % 3000) - 1000;
    row->counts.first_ns = (row->key.bin + first) * 1000000000;
    row->counts.last_ns = (row->key.bin + first + (int64_t)(rng() % 5000)) * 1000000000;
}

struct collected {
    struct cube_row *rows;
    size_t count, alloc;
};

static int collect(void *ctx, const struct cube_row *row)
{
    struct collected *c = ctx;
    if (c->count == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 64;
        c->rows = realloc(c->rows, c->alloc * sizeof(*c->rows));
    }
    c->rows[c->count++] = *row;
    return 0;
}

static int row_order(const void *a, const void *b)
{
    return store_row_order(a, b);
}

/* ROWS random rows sorted as the writer sorts them, and a pack of them in out. */
static struct cube_row *packed_rows(size_t count, const struct cube_row ***sorted,
                                    struct pack_buf *out)
{
    struct cube_row *rows = calloc(count, sizeof(*rows));
    *sorted = calloc(count, sizeof(**sorted));
    for (size_t i = 0; i < count; i++) {
        random_row(&rows[i], i);
        (*sorted)[i] = &rows[i];
    }
    qsort(*sorted, count, sizeof(**sorted), row_order);
    CHECK(traffic_pack_encode(*sorted, count, out) == 0);
    return rows;
}

static void test_round_trip(void)
{
    const struct cube_row **sorted;
    struct pack_buf pack = {0};
    struct cube_row *rows = packed_rows(ROWS, &sorted, &pack);
    struct collected got = {0};
    const char *why = NULL;
    int ret = traffic_pack_decode(pack.data, pack.len, collect, &got, &why);
    if (ret != 0)
        fprintf(stderr, "decode: %s after %zu rows\n", why, got.count);
    CHECK(ret == 0);
    CHECK_U64(got.count, ROWS);
    size_t same = 0;
    for (size_t i = 0; i < got.count && i < ROWS; i++)
        same += memcmp(&got.rows[i], sorted[i], sizeof(got.rows[i])) == 0;
    CHECK_U64(same, ROWS);
    /* One row; none; and one key twice, which no sorted cube has. */
    CHECK(traffic_pack_encode(sorted, 1, &pack) == 0);
    got.count = 0;
    CHECK(traffic_pack_decode(pack.data, pack.len, collect, &got, &why) == 0);
    CHECK_U64(got.count, 1);
    CHECK(traffic_pack_encode(sorted, 0, &pack) < 0);
    const struct cube_row *twice[2] = {sorted[0], sorted[0]};
    CHECK(traffic_pack_encode(twice, 2, &pack) < 0);
    free(got.rows);
    free(pack.data);
    free(sorted);
    free(rows);
}

/* A flood's rows: one per random source, all in one bin. What a row costs, packed. */
static void test_flood_rows_are_small(void)
{
    size_t count = PACK_MAX_ROWS;
    struct cube_row *rows = calloc(count, sizeof(*rows));
    const struct cube_row **sorted = calloc(count, sizeof(*sorted));
    for (size_t i = 0; i < count; i++) {
        rows[i].key.bin = 1202695200;
        addr_parse(&rows[i].key.sensor, "192.0.2.10");
        uint32_t v4 = (uint32_t)rng();
        addr_from_v4(&rows[i].key.remote,
                     (const uint8_t[]){(uint8_t)(v4 >> 24), (uint8_t)(v4 >> 16), (uint8_t)(v4 >> 8),
                                       (uint8_t)v4});
        rows[i].key.proto = 6;
        rows[i].key.initiator = INITIATOR_REMOTE;
        rows[i].key.service = 445;
        rows[i].counts.packets_in = 1;
        rows[i].counts.bytes_in = 40;
        rows[i].counts.flows = 1;
        rows[i].counts.first_ns = rows[i].counts.last_ns =
            (1202695200 + (int64_t)(rng() % 900)) * 1000000000;
        sorted[i] = &rows[i];
    }
    qsort(sorted, count, sizeof(*sorted), row_order);
    /* Random remotes may repeat: the pack takes each key once. */
    size_t unique = 1;
    for (size_t i = 1; i < count; i++)
        if (row_order(&sorted[i - 1], &sorted[i]) != 0)
            sorted[unique++] = sorted[i];
    struct pack_buf pack = {0};
    CHECK(traffic_pack_encode(sorted, unique, &pack) == 0);
    /* The remote's difference (about 2.5 bytes) and the second in the bin carry it. */
    CHECK(pack.len < unique * 6);
    /* As full as a pack may be, and back whole. */
    struct collected got = {0};
    const char *why = NULL;
    CHECK(traffic_pack_decode(pack.data, pack.len, collect, &got, &why) == 0);
    CHECK_U64(got.count, unique);
    size_t same = 0;
    for (size_t i = 0; i < got.count && i < unique; i++)
        same += memcmp(&got.rows[i], sorted[i], sizeof(got.rows[i])) == 0;
    CHECK_U64(same, unique);
    free(got.rows);
    CHECK(traffic_pack_encode(sorted, count + 1, &pack) < 0);
    free(pack.data);
    free(sorted);
    free(rows);
}

/* Every cut of a pack and many changed bytes: refused or read, never past the end. */
static void test_damaged_packs(void)
{
    const struct cube_row **sorted;
    struct pack_buf pack = {0};
    struct cube_row *rows = packed_rows(300, &sorted, &pack);
    struct collected got = {0};
    const char *why;
    size_t refused = 0;
    for (size_t cut = 0; cut < pack.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, pack.data, cut);
        got.count = 0;
        why = NULL;
        refused += traffic_pack_decode(copy, cut, collect, &got, &why) < 0 && why;
        free(copy);
    }
    CHECK_U64(refused, pack.len);
    uint8_t *copy = malloc(pack.len);
    for (size_t i = 0; i < 20000; i++) {
        memcpy(copy, pack.data, pack.len);
        copy[rng() % pack.len] ^= (uint8_t)(1u << (rng() % 8));
        got.count = 0;
        int ret = traffic_pack_decode(copy, pack.len, collect, &got, &why);
        CHECK(ret == 0 || ret == -1);
    }
    free(copy);
    free(got.rows);
    free(pack.data);
    free(sorted);
    free(rows);
}

/* A raw pack (columns as pack.c lays them out) compressed as a store would hold it. */
static size_t crafted(uint8_t *out, size_t cap, const uint8_t *raw, size_t raw_len)
{
    out[0] = 0x68;
    out[1] = 1;
    size_t n = ZSTD_compress(out + 2, cap - 2, raw, raw_len, 1);
    return ZSTD_isError(n) ? 0 : n + 2;
}

/*
 * One IPv4 row with the given initiator, packets_in (LEB128 bytes) and
 * first second (zigzag): 17 column lengths, then the columns.
 */
static int decode_row(uint8_t initiator, const uint8_t *packets, size_t packets_len,
                      uint8_t first_z, const char **why)
{
    uint8_t raw[128];
    size_t n = 0;
    const uint8_t lengths[17] = {1, 1, 1, 4, 1, 1, 0, 1, 1, 1, (uint8_t)packets_len,
                                 1, 1, 1, 1, 1, 1};
    memcpy(raw, lengths, sizeof(lengths));
    n = sizeof(lengths);
    const uint8_t head[] = {1, 2, 4, 192, 0, 2, 10, 4, 14, 6, initiator, 80};
    memcpy(raw + n, head, sizeof(head));
    n += sizeof(head);
    memcpy(raw + n, packets, packets_len);
    n += packets_len;
    const uint8_t rest[] = {0, 0, 0, 1, first_z, 0};
    memcpy(raw + n, rest, sizeof(rest));
    n += sizeof(rest);
    uint8_t pack[256];
    size_t len = crafted(pack, sizeof(pack), raw, n);
    struct collected got = {0};
    int ret = traffic_pack_decode(pack, len, collect, &got, why);
    if (ret == 0 &&
        (got.count != 1 || got.rows[0].key.service != 80 || got.rows[0].key.remote.b[15] != 7))
        ret = -2;
    free(got.rows);
    return ret;
}

/*
 * Two IPv4 rows: the first remote 0.0.0.7 and a second whose difference is
 * near INT64_MAX (it would wrap, added in 64 bits), then the same key twice.
 * Returns what the first decoding gives, having checked the second.
 */
static int decode_v4_steps(const char **why)
{
    /* 17 lengths: V4 holds 1 + 10 bytes; every other column two values. */
    uint8_t raw[128];
    size_t n = 0;
    const uint8_t lengths[17] = {1, 2, 2, 4, 2, 11, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    memcpy(raw, lengths, sizeof(lengths));
    n = sizeof(lengths);
    const uint8_t cols[] = {2, 4, 0, 4, 0, 192, 0, 2, 10, 4, 4, 14,
                            /* zigzag of INT64_MAX - 7, LEB128 */
                            0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 6, 6, 2, 2,
                            80, 80, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 0, 0};
    memcpy(raw + n, cols, sizeof(cols));
    n += sizeof(cols);
    uint8_t pack[256];
    size_t len = crafted(pack, sizeof(pack), raw, n);
    struct collected got = {0};
    int ret = traffic_pack_decode(pack, len, collect, &got, why);
    CHECK(ret == -1);
    CHECK_STR(*why, "a remote that is no address");
    /* A difference of 0: the second row is the first again. */
    raw[n - sizeof(cols) + 12] = 0;
    memmove(raw + n - sizeof(cols) + 13, raw + n - sizeof(cols) + 22, sizeof(cols) - 22);
    raw[5] = 2;
    len = crafted(pack, sizeof(pack), raw, n - 9);
    got.count = 0;
    CHECK(traffic_pack_decode(pack, len, collect, &got, why) == -1);
    CHECK_STR(*why, "rows out of key order (or one key twice)");
    free(got.rows);
    return 0;
}

static void test_crafted_numbers(void)
{
    const char *why = NULL;
    const uint8_t one[] = {1};
    const uint8_t max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    const uint8_t past_max[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    const uint8_t too_long[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    CHECK(decode_row(INITIATOR_REMOTE, one, 1, 2, &why) == 0);
    CHECK(decode_row(INITIATOR_REMOTE, max, sizeof(max), 2, &why) == 0);
    CHECK(decode_row(INITIATOR_COUNT, one, 1, 2, &why) == -1);
    CHECK(decode_row(INITIATOR_REMOTE, past_max, sizeof(past_max), 2, &why) == -1);
    CHECK_STR(why, "a count it cannot have");
    CHECK(decode_row(INITIATOR_REMOTE, too_long, sizeof(too_long), 2, &why) == -1);
    /* The first second may lie before the bin (zigzag 3 is -2), not past the range. */
    CHECK(decode_row(INITIATOR_REMOTE, one, 1, 3, &why) == 0);
    CHECK(decode_v4_steps(&why) == 0);

    /* A frame that says it holds more than a pack may: refused before any allocation. */
    size_t big = (size_t)PACK_MAX_ROWS * 256 + 8192;
    uint8_t *zeros = calloc(1, big);
    size_t cap = ZSTD_compressBound(big) + 2;
    uint8_t *pack = malloc(cap);
    size_t len = crafted(pack, cap, zeros, big);
    CHECK(len > 0);
    struct collected got = {0};
    CHECK(traffic_pack_decode(pack, len, collect, &got, &why) == -1);
    CHECK_STR(why, "not a compressed pack of a size it can have");
    CHECK(traffic_pack_decode("\x68\x01", 2, collect, &got, &why) == -1);
    CHECK(traffic_pack_decode(NULL, 0, collect, &got, &why) == -1);
    free(pack);
    free(zeros);
}

int main(void)
{
    RUN(test_round_trip);
    RUN(test_flood_rows_are_small);
    RUN(test_damaged_packs);
    RUN(test_crafted_numbers);
    CHECK_EXIT();
}
