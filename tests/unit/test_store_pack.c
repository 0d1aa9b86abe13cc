/*
 * Traffic and evidence packs (src/store/pack.c): rows come back exactly as
 * they went in, whatever their addresses, bins, counts, seconds and values;
 * the encoder takes only what its decoder would; and a pack from a damaged
 * or crafted store (cut, bytes changed, numbers no row can hold, a size that
 * would take all memory) is refused, never read past its end.
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

/* A raw pack (columns as pack.c lays them out) compressed behind magic, as a store holds it. */
static size_t compressed_pack(uint8_t *out, size_t cap, uint8_t magic, const uint8_t *raw,
                              size_t raw_len)
{
    out[0] = magic;
    out[1] = 1;
    size_t n = ZSTD_compress(out + 2, cap - 2, raw, raw_len, 1);
    return ZSTD_isError(n) ? 0 : n + 2;
}

static size_t crafted(uint8_t *out, size_t cap, const uint8_t *raw, size_t raw_len)
{
    return compressed_pack(out, cap, 0x68, raw, raw_len);
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

/* ---- evidence packs ------------------------------------------------------------------------ */

/* A name as long as a kind's may be. */
#define LONGEST_KIND "kind-named-with-all-of-its-sixty-four-bytes-0123456789abcdefghij"
_Static_assert(sizeof(LONGEST_KIND) - 1 == EVIDENCE_PACK_KIND_MAX, "LONGEST_KIND");

static const char *const kind_names[] = {"http_user_agent", "ssh_client_banner", "tls_sni", "x",
                                         LONGEST_KIND};
#define KIND_NAME_COUNT (sizeof(kind_names) / sizeof(kind_names[0]))

/* A pack's values and rows, as the writer hands them to evidence_pack_encode(). */
struct evidence_sample {
    struct evidence_pack_value *values;
    size_t value_count;
    struct evidence_pack_row *rows;
    size_t row_count;
    uint8_t *bytes; /* the values' bytes */
};

static void evidence_sample_free(struct evidence_sample *s)
{
    free(s->values);
    free(s->rows);
    free(s->bytes);
    memset(s, 0, sizeof(*s));
}

/*
 * The orders a pack keeps, written here apart from pack.c's so that a wrong
 * order there shows: values by (kind's index, length, bytes), rows by (bin,
 * remote as the store keeps its bytes and SQLite orders BLOBs, value).
 */
static int value_order(size_t a_kind, const struct evidence_pack_value *a, size_t b_kind,
                       const struct evidence_pack_value *b)
{
    if (a_kind != b_kind)
        return a_kind < b_kind ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->len ? memcmp(a->bytes, b->bytes, a->len) : 0;
}

static int remote_row_order(const struct evidence_pack_row *a, const struct evidence_pack_row *b)
{
    if (a->bin != b->bin)
        return a->bin < b->bin ? -1 : 1;
    uint8_t x[STORE_ADDR_MAX], y[STORE_ADDR_MAX];
    size_t xlen = store_addr_bytes(&a->remote, x), ylen = store_addr_bytes(&b->remote, y);
    int c = memcmp(x, y, xlen < ylen ? xlen : ylen);
    if (c)
        return c;
    if (xlen != ylen)
        return xlen < ylen ? -1 : 1;
    return (a->value > b->value) - (a->value < b->value);
}

static int sort_rows(const void *a, const void *b)
{
    return remote_row_order(a, b);
}

/* A value being made, with its kind's index. */
struct kind_value {
    size_t kind;
    struct evidence_pack_value value;
};

static int sort_values(const void *a, const void *b)
{
    const struct kind_value *x = a, *y = b;
    return value_order(x->kind, &x->value, y->kind, &y->value);
}

static void random_remote(struct ip_addr *remote, size_t i)
{
    uint8_t bytes[16];
    for (size_t b = 0; b < sizeof(bytes); b++)
        bytes[b] = (uint8_t)rng();
    if (i % 3 == 0)
        addr_from_v4(remote, bytes);
    else if (i % 3 == 1)
        addr_from_v6(remote, bytes);
    else
        addr_parse(remote, addresses[rng() % ADDRESS_COUNT]);
}

/*
 * About value_target values of every kind in kind_names (each kind's first
 * empty, its second as long as a value may be, the rest of any length, short
 * ones of few letters so that some come twice and are taken once) and about
 * row_target rows of them, each in the pack's order.
 */
static void random_sample(struct evidence_sample *s, size_t value_target, size_t row_target)
{
    memset(s, 0, sizeof(*s));
    struct kind_value *made = calloc(value_target, sizeof(*made));
    s->bytes = malloc(value_target * EVIDENCE_VALUE_MAX);
    for (size_t i = 0; i < value_target; i++) {
        size_t kind = i % KIND_NAME_COUNT;
        size_t len = i < KIND_NAME_COUNT       ? 0
                     : i < 2 * KIND_NAME_COUNT ? EVIDENCE_VALUE_MAX
                                               : rng() % (EVIDENCE_VALUE_MAX + 1);
        uint8_t *bytes = s->bytes + i * EVIDENCE_VALUE_MAX;
        for (size_t b = 0; b < len; b++)
            bytes[b] = len < 3 ? (uint8_t)('a' + rng() % 3) : (uint8_t)rng();
        made[i].kind = kind;
        made[i].value = (struct evidence_pack_value){.kind = kind_names[kind],
                                                     .kind_len = strlen(kind_names[kind]),
                                                     .bytes = bytes,
                                                     .len = len};
    }
    qsort(made, value_target, sizeof(*made), sort_values);
    s->values = calloc(value_target, sizeof(*s->values));
    for (size_t i = 0; i < value_target; i++)
        if (i == 0 || sort_values(&made[i - 1], &made[i]) != 0)
            s->values[s->value_count++] = made[i].value;
    free(made);
    /* Bins either side of 1970, the first and last a time can hold, some rows sharing one. */
    const int64_t bins_max = STORE_SECONDS_MAX / STORE_BIN_SECONDS;
    const int64_t bins[] = {-bins_max * 900, -900 * 1000, -900,          0,
                            1202695200,      1202696100,  bins_max * 900};
    s->rows = calloc(row_target, sizeof(*s->rows));
    for (size_t i = 0; i < row_target; i++) {
        struct evidence_pack_row *r = &s->rows[i];
        r->bin = bins[rng() % (sizeof(bins) / sizeof(bins[0]))];
        random_remote(&r->remote, i);
        r->value = (uint32_t)(rng() % s->value_count);
        r->count = i % 11 == 0 ? (uint64_t)INT64_MAX : i % 7 == 0 ? rng() >> 1 : rng() % 4;
    }
    qsort(s->rows, row_target, sizeof(*s->rows), sort_rows);
    for (size_t i = 0; i < row_target; i++)
        if (i == 0 || remote_row_order(&s->rows[i - 1], &s->rows[i]) != 0)
            s->rows[s->row_count++] = s->rows[i];
}

static int encode_sample(const struct evidence_sample *s, struct pack_buf *out)
{
    return evidence_pack_encode(s->values, s->value_count, s->rows, s->row_count, out);
}

/* Whether a decoded pack holds exactly these values and rows. */
static bool same_evidence(const struct evidence_pack *got, const struct evidence_pack_value *values,
                          size_t value_count, const struct evidence_pack_row *rows,
                          size_t row_count)
{
    if (got->value_count != value_count || got->row_count != row_count)
        return false;
    for (size_t i = 0; i < value_count; i++) {
        const struct evidence_pack_value *a = &got->values[i], *b = &values[i];
        if (a->kind_len != b->kind_len || memcmp(a->kind, b->kind, a->kind_len) != 0 ||
            a->len != b->len || (a->len && memcmp(a->bytes, b->bytes, a->len) != 0))
            return false;
    }
    for (size_t i = 0; i < row_count; i++) {
        const struct evidence_pack_row *a = &got->rows[i], *b = &rows[i];
        if (a->bin != b->bin || memcmp(&a->remote, &b->remote, sizeof(a->remote)) != 0 ||
            a->value != b->value || a->count != b->count)
            return false;
    }
    return true;
}

/* What a refused pack holds, and a freed one: nothing. */
static bool holds_nothing(const struct evidence_pack *p)
{
    return !p->raw && !p->values && !p->rows && !p->value_count && !p->row_count;
}

/*
 * What a decoded pack breaks of the rules the encoder keeps, or NULL: kinds
 * named, distinct, at most EVIDENCE_PACK_MAX_KINDS, indexed in the order
 * they first come; values rising strictly, none too long, their bytes
 * within EVIDENCE_PACK_MAX_VALUE_BYTES; rows rising strictly, each of a
 * value of the pack, bins whole quarter hours in range, counts at most INT64_MAX.
 */
static const char *broken_rule(const struct evidence_pack *p)
{
    if (p->value_count == 0 || p->value_count > EVIDENCE_PACK_MAX_ROWS || p->row_count == 0 ||
        p->row_count > EVIDENCE_PACK_MAX_ROWS)
        return "a number of values or rows";
    const char *kinds[EVIDENCE_PACK_MAX_KINDS];
    size_t kind_lens[EVIDENCE_PACK_MAX_KINDS], kind_count = 0, kind_before = 0, bytes = 0;
    for (size_t i = 0; i < p->value_count; i++) {
        const struct evidence_pack_value *v = &p->values[i];
        if (v->kind_len == 0 || v->kind_len > EVIDENCE_PACK_KIND_MAX || v->len > EVIDENCE_VALUE_MAX)
            return "a kind's name or a value's length";
        bytes += v->len;
        size_t k = kind_count;
        for (size_t j = 0; j < kind_count; j++)
            if (kind_lens[j] == v->kind_len && memcmp(kinds[j], v->kind, v->kind_len) == 0)
                k = j;
        if (k == kind_count) {
            if (kind_count == EVIDENCE_PACK_MAX_KINDS)
                return "too many kinds";
            kinds[kind_count] = v->kind;
            kind_lens[kind_count++] = v->kind_len;
        }
        if (i && value_order(kind_before, &p->values[i - 1], k, v) >= 0)
            return "values out of order";
        kind_before = k;
    }
    if (bytes > EVIDENCE_PACK_MAX_VALUE_BYTES)
        return "too many values' bytes";
    for (size_t i = 0; i < p->row_count; i++) {
        const struct evidence_pack_row *r = &p->rows[i];
        if (r->bin % STORE_BIN_SECONDS != 0 || r->bin < -STORE_SECONDS_MAX ||
            r->bin > STORE_SECONDS_MAX)
            return "a bin";
        if (r->value >= p->value_count || r->count > INT64_MAX)
            return "a row's value or count";
        if (i && remote_row_order(&p->rows[i - 1], r) >= 0)
            return "rows out of order";
    }
    return NULL;
}

/* A decoded pack keeps the rules, and packed again it decodes to itself. */
static bool decoded_pack_sound(const struct evidence_pack *p)
{
    const char *broken = broken_rule(p);
    if (broken) {
        fprintf(stderr, "decoded pack: %s\n", broken);
        return false;
    }
    struct pack_buf again = {0};
    struct evidence_pack back;
    const char *why = NULL;
    bool sound =
        evidence_pack_encode(p->values, p->value_count, p->rows, p->row_count, &again) == 0 &&
        evidence_pack_decode(again.data, again.len, &back, &why) == 0;
    if (sound) {
        sound = same_evidence(&back, p->values, p->value_count, p->rows, p->row_count);
        evidence_pack_free(&back);
    }
    free(again.data);
    return sound;
}

static void test_evidence_round_trip(void)
{
    struct evidence_sample s;
    random_sample(&s, 600, ROWS);
    CHECK(s.value_count > 400 && s.row_count > ROWS * 9 / 10);
    struct pack_buf pack = {0};
    CHECK(encode_sample(&s, &pack) == 0);
    struct evidence_pack got;
    const char *why = NULL;
    int ret = evidence_pack_decode(pack.data, pack.len, &got, &why);
    if (ret != 0)
        fprintf(stderr, "decode: %s\n", why);
    CHECK(ret == 0);
    CHECK(same_evidence(&got, s.values, s.value_count, s.rows, s.row_count));
    /* The pack's own order and limits, checked apart from the encoder's. */
    CHECK(broken_rule(&got) == NULL);
    /* A decoded pack is the writer's input again, and packs to the same bytes. */
    struct pack_buf again = {0};
    CHECK(evidence_pack_encode(got.values, got.value_count, got.rows, got.row_count, &again) == 0);
    CHECK(again.len == pack.len && memcmp(again.data, pack.data, pack.len) == 0);
    evidence_pack_free(&got);
    CHECK(holds_nothing(&got));
    /* One row of one value, an empty one; and no rows, or no values. */
    struct evidence_pack_value empty = {.kind = "x", .kind_len = 1, .bytes = s.bytes, .len = 0};
    struct evidence_pack_row row = s.rows[0];
    row.value = 0;
    CHECK(evidence_pack_encode(&empty, 1, &row, 1, &pack) == 0);
    CHECK(evidence_pack_decode(pack.data, pack.len, &got, &why) == 0);
    CHECK(same_evidence(&got, &empty, 1, &row, 1));
    evidence_pack_free(&got);
    CHECK(evidence_pack_encode(&empty, 1, &row, 0, &pack) < 0);
    CHECK(evidence_pack_encode(&empty, 0, &row, 1, &pack) < 0);
    free(again.data);
    free(pack.data);
    evidence_sample_free(&s);
}

/*
 * As many rows and values as a pack may hold, each row of its own value:
 * back whole; one row or one value more is refused.
 */
static void test_evidence_full_pack(void)
{
    size_t count = EVIDENCE_PACK_MAX_ROWS;
    struct evidence_pack_value *values = calloc(count + 1, sizeof(*values));
    struct evidence_pack_row *rows = calloc(count + 1, sizeof(*rows));
    uint8_t *bytes = malloc((count + 1) * 4);
    for (size_t i = 0; i <= count; i++) {
        uint8_t *b = bytes + i * 4;
        b[0] = (uint8_t)(i >> 24);
        b[1] = (uint8_t)(i >> 16);
        b[2] = (uint8_t)(i >> 8);
        b[3] = (uint8_t)i;
        values[i] = (struct evidence_pack_value){
            .kind = "ssh_client_banner", .kind_len = 17, .bytes = b, .len = 4};
        rows[i].bin = -900;
        addr_from_v4(&rows[i].remote, (const uint8_t[]){10, b[1], b[2], b[3]});
        rows[i].value = (uint32_t)(i < count ? i : 0);
        rows[i].count = i + 1;
    }
    struct pack_buf pack = {0};
    CHECK(evidence_pack_encode(values, count, rows, count, &pack) == 0);
    struct evidence_pack got;
    const char *why = NULL;
    CHECK(evidence_pack_decode(pack.data, pack.len, &got, &why) == 0);
    CHECK(same_evidence(&got, values, count, rows, count));
    evidence_pack_free(&got);
    CHECK(evidence_pack_encode(values, count, rows, count + 1, &pack) < 0);
    CHECK(evidence_pack_encode(values, count + 1, rows, count, &pack) < 0);
    free(pack.data);
    free(bytes);
    free(rows);
    free(values);
}

/* Every cut of a pack and many changed bits, of the pack and of its columns before compression. */
static void test_evidence_damaged_packs(void)
{
    struct evidence_sample s;
    random_sample(&s, 40, 300);
    struct pack_buf pack = {0};
    CHECK(encode_sample(&s, &pack) == 0);
    struct evidence_pack got;
    const char *why;
    size_t refused = 0;
    for (size_t cut = 0; cut < pack.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, pack.data, cut);
        why = NULL;
        refused += evidence_pack_decode(copy, cut, &got, &why) < 0 && why && holds_nothing(&got);
        free(copy);
    }
    CHECK_U64(refused, pack.len);
    /* Changed bits in the compressed bytes mostly break zstd's frame; in the columns, the pack. */
    unsigned long long raw_len = ZSTD_getFrameContentSize(pack.data + 2, pack.len - 2);
    CHECK(raw_len > 0 && raw_len < 1u << 20);
    uint8_t *raw = malloc((size_t)raw_len), *changed = malloc((size_t)raw_len);
    CHECK(ZSTD_decompress(raw, (size_t)raw_len, pack.data + 2, pack.len - 2) == raw_len);
    size_t cap = ZSTD_compressBound((size_t)raw_len) + 2;
    uint8_t *copy = malloc(cap > pack.len ? cap : pack.len);
    size_t decoded = 0, unsound = 0, unexplained = 0;
    for (size_t i = 0; i < 20000; i++) {
        size_t len = pack.len;
        if (i % 2) {
            memcpy(copy, pack.data, pack.len);
            copy[rng() % pack.len] ^= (uint8_t)(1u << (rng() % 8));
        } else {
            memcpy(changed, raw, (size_t)raw_len);
            changed[rng() % raw_len] ^= (uint8_t)(1u << (rng() % 8));
            len = compressed_pack(copy, cap, 0x65, changed, (size_t)raw_len);
        }
        why = NULL;
        if (evidence_pack_decode(copy, len, &got, &why) == 0) {
            decoded++;
            unsound += !decoded_pack_sound(&got);
            evidence_pack_free(&got);
        } else {
            unexplained += !why || !holds_nothing(&got);
        }
    }
    CHECK_U64(unsound, 0);
    CHECK_U64(unexplained, 0);
    /* Some changes leave a pack (a count, a value's byte): those were checked too. */
    CHECK(decoded > 0);
    free(copy);
    free(changed);
    free(raw);
    free(pack.data);
    evidence_sample_free(&s);
}

static int encodes(const struct evidence_pack_value *values, size_t value_count,
                   const struct evidence_pack_row *rows, size_t row_count)
{
    struct pack_buf pack = {0};
    int ret = evidence_pack_encode(values, value_count, rows, row_count, &pack);
    free(pack.data);
    return ret;
}

#define VALUE(k, text)                                                                             \
    {                                                                                              \
        .kind = k, .kind_len = sizeof(k) - 1, .bytes = (const uint8_t *)text,                      \
        .len = sizeof(text) - 1                                                                    \
    }

/*
 * What the encoder refuses, each next to the nearest it takes: no pack it
 * writes is one its decoder would refuse.
 */
static void test_evidence_encoder_refuses(void)
{
    const struct evidence_pack_value values[] = {VALUE("a", ""),   VALUE("a", "x"), VALUE("a", "y"),
                                                 VALUE("a", "xy"), VALUE("b", "x"), VALUE("c", "")};
    size_t nv = sizeof(values) / sizeof(values[0]);
    struct evidence_pack_row rows[4];
    memset(rows, 0, sizeof(rows));
    const int64_t bin = -900 * 4;
    for (size_t i = 0; i < 4; i++) {
        rows[i].bin = i < 3 ? bin : bin + 900;
        /* fe80::1 after 192.0.2.1: the store orders remotes by their bytes, 0xfe after 0xc0. */
        addr_parse(&rows[i].remote, i == 2 ? "fe80::1" : "192.0.2.1");
        rows[i].value = (uint32_t)(i == 1 ? nv - 1 : 0);
        rows[i].count = i == 3 ? (uint64_t)INT64_MAX : 1;
    }
    CHECK(encodes(values, nv, rows, 4) == 0);

    struct evidence_pack_value v[sizeof(values) / sizeof(values[0])];
    struct evidence_pack_row r[4];
#define RESET() (memcpy(v, values, sizeof(v)), memcpy(r, rows, sizeof(r)))
    /* A value twice; values out of order by kind, length and bytes. */
    RESET();
    v[2] = v[1];
    CHECK(encodes(v, nv, r, 4) < 0);
    RESET();
    v[1] = values[2], v[2] = values[1];
    CHECK(encodes(v, nv, r, 4) < 0);
    RESET();
    v[3] = values[2], v[2] = values[3];
    CHECK(encodes(v, nv, r, 4) < 0);
    /* A kind's values apart: values of "a" after those of "b" would name "a" a second time. */
    RESET();
    v[5] = (struct evidence_pack_value)VALUE("a", "zz");
    CHECK(encodes(v, nv, r, 4) < 0);
    RESET();
    v[5] = (struct evidence_pack_value)VALUE("d", "zz");
    CHECK(encodes(v, nv, r, 4) == 0);
    /* Rows out of order, and one key twice; the same key of two values is two rows. */
    RESET();
    r[3].bin = bin - 900;
    CHECK(encodes(v, nv, r, 4) < 0);
    RESET();
    r[1] = rows[2], r[2] = rows[1];
    CHECK(encodes(v, nv, r, 4) < 0);
    RESET();
    r[1].value = 0;
    CHECK(encodes(v, nv, r, 4) < 0);
    RESET();
    r[1].value = 1;
    CHECK(encodes(v, nv, r, 4) == 0);
    /* A value the pack has not. */
    RESET();
    r[1].value = (uint32_t)nv;
    CHECK(encodes(v, nv, r, 4) < 0);
    /* A count past INT64_MAX. */
    RESET();
    r[3].count = (uint64_t)INT64_MAX + 1;
    CHECK(encodes(v, nv, r, 4) < 0);
    /* Bins: not a whole quarter hour, and either side of what a time can hold. */
    RESET();
    r[3].bin = bin + 901;
    CHECK(encodes(v, nv, r, 4) < 0);
    const int64_t bins_max = STORE_SECONDS_MAX / STORE_BIN_SECONDS;
    RESET();
    r[3].bin = (bins_max + 1) * 900;
    CHECK(encodes(v, nv, r, 4) < 0);
    r[3].bin = bins_max * 900;
    CHECK(encodes(v, nv, r, 4) == 0);
    RESET();
    r[0].bin = r[1].bin = r[2].bin = -(bins_max + 1) * 900;
    CHECK(encodes(v, nv, r, 4) < 0);
    r[0].bin = r[1].bin = r[2].bin = -bins_max * 900;
    CHECK(encodes(v, nv, r, 4) == 0);
    /* A kind's name: empty, or longer than a name may be; a value longer than one may be. */
    RESET();
    v[5] = (struct evidence_pack_value)VALUE("", "");
    CHECK(encodes(v, nv, r, 4) < 0);
    v[5] = (struct evidence_pack_value)VALUE(LONGEST_KIND "!", "");
    CHECK(encodes(v, nv, r, 4) < 0);
    v[5] = (struct evidence_pack_value)VALUE(LONGEST_KIND, "");
    CHECK(encodes(v, nv, r, 4) == 0);
    uint8_t long_value[EVIDENCE_VALUE_MAX + 1];
    memset(long_value, 'v', sizeof(long_value));
    RESET();
    v[5].bytes = long_value;
    v[5].len = sizeof(long_value);
    CHECK(encodes(v, nv, r, 4) < 0);
    v[5].len = EVIDENCE_VALUE_MAX;
    CHECK(encodes(v, nv, r, 4) == 0);
#undef RESET

    /* As many kinds as a pack may name, and one more. */
    char names[EVIDENCE_PACK_MAX_KINDS + 1][4];
    struct evidence_pack_value kinds[EVIDENCE_PACK_MAX_KINDS + 1];
    for (size_t k = 0; k <= EVIDENCE_PACK_MAX_KINDS; k++) {
        snprintf(names[k], sizeof(names[k]), "k%02u", (unsigned)k);
        kinds[k] = (struct evidence_pack_value){
            .kind = names[k], .kind_len = 3, .bytes = (const uint8_t *)"", .len = 0};
    }
    CHECK(encodes(kinds, EVIDENCE_PACK_MAX_KINDS, rows, 1) == 0);
    CHECK(encodes(kinds, EVIDENCE_PACK_MAX_KINDS + 1, rows, 1) < 0);
}

/*
 * A pack's values with EVIDENCE_PACK_MAX_VALUE_BYTES bytes, all but the
 * first as long as a value may be: taken, and back whole; a byte more is refused.
 */
static void test_evidence_value_bytes(void)
{
    size_t longest = EVIDENCE_PACK_MAX_VALUE_BYTES / EVIDENCE_VALUE_MAX;
    size_t first = EVIDENCE_PACK_MAX_VALUE_BYTES - longest * EVIDENCE_VALUE_MAX;
    CHECK(first > 0 && first < EVIDENCE_VALUE_MAX);
    size_t count = longest + 1;
    struct evidence_pack_value *values = calloc(count, sizeof(*values));
    uint8_t *bytes = calloc(count, EVIDENCE_VALUE_MAX);
    for (size_t i = 0; i < count; i++) {
        uint8_t *b = bytes + i * EVIDENCE_VALUE_MAX;
        b[0] = (uint8_t)(i >> 8);
        b[1] = (uint8_t)i;
        values[i] = (struct evidence_pack_value){.kind = "http_user_agent",
                                                 .kind_len = 15,
                                                 .bytes = b,
                                                 .len = i ? EVIDENCE_VALUE_MAX : first};
    }
    struct evidence_pack_row row;
    memset(&row, 0, sizeof(row));
    addr_parse(&row.remote, "198.51.100.7");
    row.value = (uint32_t)longest;
    row.count = 3;
    struct pack_buf pack = {0};
    CHECK(evidence_pack_encode(values, count, &row, 1, &pack) == 0);
    struct evidence_pack got;
    const char *why = NULL;
    CHECK(evidence_pack_decode(pack.data, pack.len, &got, &why) == 0);
    CHECK(same_evidence(&got, values, count, &row, 1));
    evidence_pack_free(&got);
    values[0].len = first + 1;
    CHECK(evidence_pack_encode(values, count, &row, 1, &pack) < 0);
    free(pack.data);
    free(bytes);
    free(values);
}

/* The columns of an evidence pack, in pack.c's order. */
enum raw_column {
    RAW_HEAD,
    RAW_KIND_LEN,
    RAW_KIND_NAME,
    RAW_VALUE_KIND,
    RAW_VALUE_LEN,
    RAW_VALUE,
    RAW_BIN,
    RAW_FAMILY,
    RAW_V4,
    RAW_V6,
    RAW_VALUE_OF,
    RAW_COUNT_OF,
    RAW_COLUMNS,
};

struct column_bytes {
    const uint8_t *bytes;
    size_t len;
};

/* A column of the bytes given: a compound literal, living as long as the block it is written in. */
#define COLUMN(...)                                                                                \
    ((struct column_bytes){(const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})})
#define NO_COLUMN ((struct column_bytes){NULL, 0})

static size_t leb128(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        out[n++] = (uint8_t)(v | 0x80);
    out[n++] = (uint8_t)v;
    return n;
}

/*
 * Decodes the evidence pack of these columns (their lengths, then their
 * bytes, as pack.c lays them out), with a byte more after them (extra 1) or
 * their last byte cut (-1). Returns NULL when it decodes, else why not; a
 * refused pack leaves nothing behind.
 */
static const char *crafted_evidence_refusal(const struct column_bytes cols[RAW_COLUMNS], int extra)
{
    size_t raw_cap = 1;
    for (int c = 0; c < RAW_COLUMNS; c++)
        raw_cap += 10 + cols[c].len;
    uint8_t *raw = malloc(raw_cap);
    size_t n = 0;
    for (int c = 0; c < RAW_COLUMNS; c++)
        n += leb128(raw + n, cols[c].len);
    for (int c = 0; c < RAW_COLUMNS; c++)
        if (cols[c].len) {
            memcpy(raw + n, cols[c].bytes, cols[c].len);
            n += cols[c].len;
        }
    if (extra > 0)
        raw[n++] = 0;
    else if (extra < 0)
        n--;
    size_t cap = ZSTD_compressBound(n) + 2;
    uint8_t *pack = malloc(cap);
    size_t len = compressed_pack(pack, cap, 0x65, raw, n);
    CHECK(len > 0);
    struct evidence_pack got;
    const char *why = NULL;
    if (evidence_pack_decode(pack, len, &got, &why) == 0) {
        why = NULL;
        evidence_pack_free(&got);
    } else if (!why || !holds_nothing(&got)) {
        why = "(refused, without a reason or leaving a part)";
    }
    free(pack);
    free(raw);
    return why;
}

/* Evidence packs no encoder writes, made column by column: each refused for what it has. */
static void test_evidence_crafted_columns(void)
{
    /*
     * Two kinds ("a", "bb"), two values ("x" of a; the empty value of bb)
     * and two rows: 0.0.0.7 in bin 0 of "x", once; 2001:db8::1 in bin 900
     * of the empty value, 5 times.
     */
    const struct column_bytes base[RAW_COLUMNS] = {
        [RAW_HEAD] = COLUMN(2, 2, 2),
        [RAW_KIND_LEN] = COLUMN(1, 2),
        [RAW_KIND_NAME] = COLUMN('a', 'b', 'b'),
        [RAW_VALUE_KIND] = COLUMN(0, 1),
        [RAW_VALUE_LEN] = COLUMN(1, 0),
        [RAW_VALUE] = COLUMN('x'),
        [RAW_BIN] = COLUMN(0, 1),
        [RAW_FAMILY] = COLUMN(4, 16),
        [RAW_V4] = COLUMN(14),
        [RAW_V6] = COLUMN(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        [RAW_VALUE_OF] = COLUMN(0, 1),
        [RAW_COUNT_OF] = COLUMN(1, 5),
    };
    struct column_bytes c[RAW_COLUMNS];
#define RESET() memcpy(c, base, sizeof(c))
    RESET();
    CHECK(crafted_evidence_refusal(c, 0) == NULL);

    /* The head: no kinds, values or rows, more than a pack may have, or a number more. */
    const char *head = "a number of kinds, values or rows it cannot have";
    c[RAW_HEAD] = COLUMN(0, 2, 2);
    CHECK_STR(crafted_evidence_refusal(c, 0), head);
    c[RAW_HEAD] = COLUMN(EVIDENCE_PACK_MAX_KINDS + 1, 2, 2);
    CHECK_STR(crafted_evidence_refusal(c, 0), head);
    c[RAW_HEAD] = COLUMN(2, 0, 2);
    CHECK_STR(crafted_evidence_refusal(c, 0), head);
    c[RAW_HEAD] = COLUMN(2, 0x81, 0x80, 0x04, 2); /* EVIDENCE_PACK_MAX_ROWS + 1 */
    CHECK_STR(crafted_evidence_refusal(c, 0), head);
    c[RAW_HEAD] = COLUMN(2, 2, 0);
    CHECK_STR(crafted_evidence_refusal(c, 0), head);
    c[RAW_HEAD] = COLUMN(2, 2, 0x81, 0x80, 0x04);
    CHECK_STR(crafted_evidence_refusal(c, 0), head);
    c[RAW_HEAD] = COLUMN(2, 2, 2, 0);
    CHECK_STR(crafted_evidence_refusal(c, 0), head);

    /* Kinds: one named twice (two names of a length are two kinds), empty, or too long. */
    RESET();
    c[RAW_KIND_LEN] = COLUMN(1, 1);
    c[RAW_KIND_NAME] = COLUMN('a', 'a');
    CHECK_STR(crafted_evidence_refusal(c, 0), "a kind named twice");
    c[RAW_KIND_NAME] = COLUMN('a', 'b');
    CHECK(crafted_evidence_refusal(c, 0) == NULL);
    RESET();
    c[RAW_KIND_LEN] = COLUMN(0, 2);
    c[RAW_KIND_NAME] = COLUMN('b', 'b');
    CHECK_STR(crafted_evidence_refusal(c, 0), "a kind's name it cannot have");
    uint8_t names[EVIDENCE_PACK_KIND_MAX + 3];
    memset(names, 'k', sizeof(names));
    RESET();
    c[RAW_KIND_LEN] = COLUMN(EVIDENCE_PACK_KIND_MAX + 1, 2);
    c[RAW_KIND_NAME] = (struct column_bytes){names, EVIDENCE_PACK_KIND_MAX + 3};
    CHECK_STR(crafted_evidence_refusal(c, 0), "a kind's name it cannot have");
    c[RAW_KIND_LEN] = COLUMN(EVIDENCE_PACK_KIND_MAX, 2);
    c[RAW_KIND_NAME] = (struct column_bytes){names, EVIDENCE_PACK_KIND_MAX + 2};
    CHECK(crafted_evidence_refusal(c, 0) == NULL);
    /* A name past its column. */
    RESET();
    c[RAW_KIND_LEN] = COLUMN(1, 3);
    CHECK_STR(crafted_evidence_refusal(c, 0), "a kind's name it cannot have");

    /* Values: of no kind of the pack's, longer than a value may be, past their column. */
    const char *value = "a value it cannot have";
    RESET();
    c[RAW_VALUE_KIND] = COLUMN(0, 2);
    CHECK_STR(crafted_evidence_refusal(c, 0), value);
    uint8_t long_value[EVIDENCE_VALUE_MAX + 2];
    memset(long_value, 'v', sizeof(long_value));
    c[RAW_VALUE_KIND] = COLUMN(0, 1);
    c[RAW_VALUE_LEN] = COLUMN(1, 0x80, 0x02); /* EVIDENCE_VALUE_MAX + 1 */
    c[RAW_VALUE] = (struct column_bytes){long_value, EVIDENCE_VALUE_MAX + 2};
    CHECK_STR(crafted_evidence_refusal(c, 0), value);
    c[RAW_VALUE_LEN] = COLUMN(1, 0xff, 0x01); /* EVIDENCE_VALUE_MAX */
    c[RAW_VALUE] = (struct column_bytes){long_value, EVIDENCE_VALUE_MAX + 1};
    CHECK(crafted_evidence_refusal(c, 0) == NULL);
    RESET();
    c[RAW_VALUE_LEN] = COLUMN(1, 1);
    CHECK_STR(crafted_evidence_refusal(c, 0), value);
    /* Values out of order: by kind, by length, by bytes; and one value twice. */
    const char *values_order = "values out of order (or one value twice)";
    const char *kind_order = "values out of kind order (or a kind no value has)";
    RESET();
    c[RAW_VALUE_KIND] = COLUMN(1, 0);
    c[RAW_VALUE_LEN] = COLUMN(0, 1);
    CHECK_STR(crafted_evidence_refusal(c, 0), kind_order);
    /* A kind no value has: the encoder names only the kinds of its values. */
    RESET();
    c[RAW_VALUE_KIND] = COLUMN(0, 0);
    c[RAW_VALUE_LEN] = COLUMN(0, 1);
    CHECK_STR(crafted_evidence_refusal(c, 0), kind_order);
    RESET();
    c[RAW_HEAD] = COLUMN(3, 2, 2);
    c[RAW_KIND_LEN] = COLUMN(1, 2, 1);
    c[RAW_KIND_NAME] = COLUMN('a', 'b', 'b', 'c');
    c[RAW_VALUE_KIND] = COLUMN(0, 2);
    CHECK_STR(crafted_evidence_refusal(c, 0), kind_order);
    c[RAW_VALUE_KIND] = COLUMN(0, 1);
    CHECK_STR(crafted_evidence_refusal(c, 0), kind_order);
    RESET();
    c[RAW_VALUE_KIND] = COLUMN(0, 0);
    CHECK_STR(crafted_evidence_refusal(c, 0), values_order);
    c[RAW_VALUE_LEN] = COLUMN(1, 1);
    c[RAW_VALUE] = COLUMN('y', 'x');
    CHECK_STR(crafted_evidence_refusal(c, 0), values_order);
    c[RAW_VALUE] = COLUMN('x', 'x');
    CHECK_STR(crafted_evidence_refusal(c, 0), values_order);
    c[RAW_HEAD] = COLUMN(1, 2, 2);
    c[RAW_KIND_LEN] = COLUMN(1);
    c[RAW_KIND_NAME] = COLUMN('a');
    c[RAW_VALUE] = COLUMN('x', 'y');
    CHECK(crafted_evidence_refusal(c, 0) == NULL);

    /* Rows: of a value the pack has not, a count past INT64_MAX. */
    RESET();
    c[RAW_VALUE_OF] = COLUMN(0, 2);
    CHECK_STR(crafted_evidence_refusal(c, 0), "a row's value is not one of the pack's");
    RESET();
    c[RAW_COUNT_OF] = COLUMN(1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
    CHECK_STR(crafted_evidence_refusal(c, 0), "a count it cannot have");
    c[RAW_COUNT_OF] = COLUMN(1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f);
    CHECK(crafted_evidence_refusal(c, 0) == NULL);
    /* Rows out of order: by remote, and one key twice (two values of one key are two rows). */
    const char *rows_order = "rows out of key order (or one key twice)";
    RESET();
    c[RAW_BIN] = COLUMN(0, 0);
    c[RAW_FAMILY] = COLUMN(16, 4);
    CHECK_STR(crafted_evidence_refusal(c, 0), rows_order);
    RESET();
    c[RAW_FAMILY] = COLUMN(4, 4);
    c[RAW_V4] = COLUMN(14, 0);
    c[RAW_V6] = NO_COLUMN;
    c[RAW_BIN] = COLUMN(0, 0);
    c[RAW_VALUE_OF] = COLUMN(0, 0);
    CHECK_STR(crafted_evidence_refusal(c, 0), rows_order);
    c[RAW_VALUE_OF] = COLUMN(1, 0);
    CHECK_STR(crafted_evidence_refusal(c, 0), rows_order);
    c[RAW_VALUE_OF] = COLUMN(0, 1);
    CHECK(crafted_evidence_refusal(c, 0) == NULL);
    /* Bins past what a time can hold, either side of 1970, first or by a step. */
    const int64_t bins_max = STORE_SECONDS_MAX / STORE_BIN_SECONDS;
    uint8_t past[10], first_max[10], before[10];
    size_t past_len = leb128(past, (uint64_t)(bins_max + 1) * 2);
    size_t before_len = leb128(before, (uint64_t)(bins_max + 1) * 2 - 1);
    size_t max_len = leb128(first_max, (uint64_t)bins_max * 2);
    uint8_t bins[12];
    RESET();
    memcpy(bins, past, past_len);
    bins[past_len] = 1;
    c[RAW_BIN] = (struct column_bytes){bins, past_len + 1};
    CHECK_STR(crafted_evidence_refusal(c, 0), "a bin out of range");
    memcpy(bins, before, before_len);
    bins[before_len] = 1;
    c[RAW_BIN] = (struct column_bytes){bins, before_len + 1};
    CHECK_STR(crafted_evidence_refusal(c, 0), "a bin out of range");
    memcpy(bins, first_max, max_len);
    bins[max_len] = 1;
    c[RAW_BIN] = (struct column_bytes){bins, max_len + 1};
    CHECK_STR(crafted_evidence_refusal(c, 0), "a bin out of range");
    bins[max_len] = 0;
    CHECK(crafted_evidence_refusal(c, 0) == NULL);
    /* Remotes: of no family, an IPv4 step below 0.0.0.0, an IPv6 address cut short. */
    const char *remote = "a remote that is no address";
    RESET();
    c[RAW_FAMILY] = COLUMN(4, 6);
    CHECK_STR(crafted_evidence_refusal(c, 0), remote);
    RESET();
    c[RAW_V4] = COLUMN(15); /* zigzag of -8 */
    CHECK_STR(crafted_evidence_refusal(c, 0), remote);
    RESET();
    c[RAW_V6] = COLUMN(0x20, 0x01, 0x0d, 0xb8);
    CHECK_STR(crafted_evidence_refusal(c, 0), remote);

    /* Columns: a value more than the rows take, a byte after the last, a length past the end. */
    RESET();
    c[RAW_COUNT_OF] = COLUMN(1, 5, 7);
    CHECK_STR(crafted_evidence_refusal(c, 0), "more values than rows");
    RESET();
    c[RAW_KIND_NAME] = COLUMN('a', 'b', 'b', 'b');
    CHECK_STR(crafted_evidence_refusal(c, 0), "more values than rows");
    RESET();
    CHECK_STR(crafted_evidence_refusal(c, 1), "bytes after its last column");
    CHECK_STR(crafted_evidence_refusal(c, -1), "a column's length is past its end");
#undef RESET
}

/* Packs that are no evidence pack, and frames that would decompress to more than a pack holds. */
static void test_evidence_not_packs(void)
{
    struct evidence_pack got;
    const char *why = NULL;
    /* A traffic pack, a pack of another format, and no pack at all. */
    const struct cube_row **sorted;
    struct pack_buf pack = {0};
    struct cube_row *rows = packed_rows(10, &sorted, &pack);
    CHECK(evidence_pack_decode(pack.data, pack.len, &got, &why) == -1);
    CHECK_STR(why, "not an evidence pack");
    CHECK(holds_nothing(&got));
    free(sorted);
    free(rows);
    struct evidence_sample s;
    random_sample(&s, 10, 10);
    CHECK(encode_sample(&s, &pack) == 0);
    evidence_sample_free(&s);
    pack.data[1] = 2;
    CHECK(evidence_pack_decode(pack.data, pack.len, &got, &why) == -1);
    CHECK_STR(why, "not an evidence pack");
    CHECK(evidence_pack_decode(NULL, 0, &got, &why) == -1);
    CHECK(evidence_pack_decode("\x65\x01", 2, &got, &why) == -1);
    CHECK(holds_nothing(&got));
    free(pack.data);

    /*
     * A frame that says it holds 16 MiB, twice what a pack may hold: refused
     * before any allocation. A frame that says nothing of its size, and one
     * of no bytes, the same.
     */
    size_t big = (size_t)16 << 20;
    uint8_t *zeros = calloc(1, big);
    size_t cap = ZSTD_compressBound(big) + 2;
    uint8_t *bomb = malloc(cap);
    size_t len = compressed_pack(bomb, cap, 0x65, zeros, big);
    CHECK(len > 0 && len < 4096);
    const char *size = "not a compressed pack of a size it can have";
    CHECK(evidence_pack_decode(bomb, len, &got, &why) == -1);
    CHECK_STR(why, size);
    CHECK(holds_nothing(&got));
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    ZSTD_outBuffer out = {bomb + 2, cap - 2, 0};
    ZSTD_inBuffer in = {zeros, 4096, 0};
    CHECK(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end) == 0);
    ZSTD_freeCCtx(cctx);
    CHECK(evidence_pack_decode(bomb, out.pos + 2, &got, &why) == -1);
    CHECK_STR(why, size);
    len = compressed_pack(bomb, cap, 0x65, zeros, 0);
    CHECK(evidence_pack_decode(bomb, len, &got, &why) == -1);
    CHECK_STR(why, size);
    /* A frame whose bytes are damaged. */
    len = compressed_pack(bomb, cap, 0x65, zeros, 4096);
    bomb[len - 1] ^= 0x55;
    CHECK(evidence_pack_decode(bomb, len, &got, &why) == -1);
    CHECK(holds_nothing(&got));
    free(bomb);
    free(zeros);
}

/* A crafted pack whose values pass EVIDENCE_PACK_MAX_VALUE_BYTES, which the encoder never writes.
 */
static void test_evidence_decoded_value_bytes(void)
{
    size_t count = EVIDENCE_PACK_MAX_VALUE_BYTES / EVIDENCE_VALUE_MAX + 1;
    uint8_t *kinds = calloc(count, 1), *lens = malloc(2 * count);
    uint8_t *bytes = calloc(count, EVIDENCE_VALUE_MAX);
    for (size_t i = 0; i < count; i++) {
        lens[2 * i] = 0xff; /* EVIDENCE_VALUE_MAX, 255, as LEB128 */
        lens[2 * i + 1] = 0x01;
        bytes[i * EVIDENCE_VALUE_MAX] = (uint8_t)(i >> 8);
        bytes[i * EVIDENCE_VALUE_MAX + 1] = (uint8_t)i;
    }
    uint8_t head[8];
    size_t head_len = 0;
    head[head_len++] = 1;
    head_len += leb128(head + head_len, count);
    head[head_len++] = 1;
    struct column_bytes c[RAW_COLUMNS] = {
        [RAW_HEAD] = {head, head_len},
        [RAW_KIND_LEN] = COLUMN(1),
        [RAW_KIND_NAME] = COLUMN('a'),
        [RAW_VALUE_KIND] = {kinds, count},
        [RAW_VALUE_LEN] = {lens, 2 * count},
        [RAW_VALUE] = {bytes, count * EVIDENCE_VALUE_MAX},
        [RAW_BIN] = COLUMN(0),
        [RAW_FAMILY] = COLUMN(4),
        [RAW_V4] = COLUMN(14),
        [RAW_VALUE_OF] = COLUMN(0),
        [RAW_COUNT_OF] = COLUMN(1),
    };
    CHECK_STR(crafted_evidence_refusal(c, 0), "a value it cannot have");
    /* One value fewer fits. */
    head_len = 1 + leb128(head + 1, count - 1);
    head[head_len++] = 1;
    c[RAW_HEAD].len = head_len;
    c[RAW_VALUE_KIND].len = count - 1;
    c[RAW_VALUE_LEN].len = 2 * (count - 1);
    c[RAW_VALUE].len = (count - 1) * EVIDENCE_VALUE_MAX;
    CHECK(crafted_evidence_refusal(c, 0) == NULL);
    free(kinds);
    free(lens);
    free(bytes);
}

int main(void)
{
    RUN(test_round_trip);
    RUN(test_flood_rows_are_small);
    RUN(test_damaged_packs);
    RUN(test_crafted_numbers);
    RUN(test_evidence_round_trip);
    RUN(test_evidence_full_pack);
    RUN(test_evidence_damaged_packs);
    RUN(test_evidence_encoder_refuses);
    RUN(test_evidence_value_bytes);
    RUN(test_evidence_crafted_columns);
    RUN(test_evidence_decoded_value_bytes);
    RUN(test_evidence_not_packs);
    CHECK_EXIT();
}
