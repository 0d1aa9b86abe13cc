/*
 * Packs: many of a file's traffic rows in one compressed value, column by
 * column. Rows in the store's key order repeat themselves down a column
 * (the same bin, sensor, protocol, initiator; counts of 1) and differ little
 * from one to the next (the remotes of a bin, ascending), so each column is
 * written as differences and LEB128 numbers and the whole is compressed with
 * zstd. The bytes of a pack come from a store, which may come from anywhere:
 * the decoder checks every number against what a row can hold.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "../common/xalloc.h"
#include "store_int.h"

#define PACK_MAGIC 0x68
#define PACK_FORMAT 1
/* What a pack may decompress to: PACK_MAX_ROWS rows of at most ~150 bytes, and room. */
#define PACK_MAX_RAW (PACK_MAX_ROWS * 256 + 4096)
/* zstd's level: fast to write, most of what higher levels give on these columns. */
#define PACK_ZSTD_LEVEL 3

enum traffic_column {
    COL_HEAD,        /* the number of rows */
    COL_BIN,         /* first row: zigzag of bin / 900; then the steps, in bins */
    COL_SENSOR,      /* a byte: 0 the sensor of the row before, else 4 or 16 */
    COL_SENSOR_ADDR, /* the bytes of each sensor that is not the one before */
    COL_FAMILY,      /* 4 or 16, a byte */
    COL_V4,          /* zigzag of the difference from the pack's IPv4 remote before */
    COL_V6,          /* 16 bytes */
    COL_PROTO,       /* a byte */
    COL_INITIATOR,   /* a byte */
    COL_SERVICE,
    COL_PACKETS_IN,
    COL_PACKETS_OUT,
    COL_BYTES_IN,
    COL_BYTES_OUT,
    COL_FLOWS,
    COL_FIRST_OFF, /* zigzag of the first packet's second, from the bin */
    COL_SPAN,      /* zigzag of last second - first second */
    COL_COUNT,
};

/* ---- numbers and buffers ------------------------------------------------------------------ */

static void buf_reserve(struct pack_buf *b, size_t more)
{
    if (b->alloc - b->len >= more)
        return;
    size_t want = b->alloc ? b->alloc : 256;
    while (want - b->len < more)
        want = st_mult(want, 2);
    b->data = xrealloc(b->data, want);
    b->alloc = want;
}

static void put_bytes(struct pack_buf *b, const void *bytes, size_t len)
{
    buf_reserve(b, len);
    memcpy(b->data + b->len, bytes, len);
    b->len += len;
}

static void put_byte(struct pack_buf *b, uint8_t v)
{
    put_bytes(b, &v, 1);
}

static void put_varint(struct pack_buf *b, uint64_t v)
{
    buf_reserve(b, 10);
    uint8_t *p = b->data + b->len;
    for (; v >= 0x80; v >>= 7)
        *p++ = (uint8_t)(v | 0x80);
    *p++ = (uint8_t)v;
    b->len = (size_t)(p - b->data);
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v < 0 ? -1 : 0);
}

static int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* A column being read: bytes from p to end. */
struct column {
    const uint8_t *p, *end;
};

static bool get_varint(struct column *c, uint64_t *v)
{
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (c->p >= c->end)
            return false;
        uint8_t byte = *c->p++;
        /* The tenth byte holds one bit: more would not fit 64. */
        if (shift == 63 && byte > 1)
            return false;
        value |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *v = value;
            return true;
        }
    }
    return false;
}

static bool get_bytes(struct column *c, void *out, size_t len)
{
    if ((size_t)(c->end - c->p) < len)
        return false;
    memcpy(out, c->p, len);
    c->p += len;
    return true;
}

/* ---- writing ------------------------------------------------------------------------------ */

int traffic_pack_encode(const struct cube_row *const *rows, size_t count, struct pack_buf *out)
{
    if (count == 0 || count > PACK_MAX_ROWS)
        return -1;
    struct pack_buf cols[COL_COUNT];
    memset(cols, 0, sizeof(cols));
    int64_t bin_before = 0;
    uint32_t v4_before = 0;
    int ret = 0;
    for (size_t i = 0; i < count && ret == 0; i++) {
        prefetch_row(rows, i, count);
        const struct cube_key *k = &rows[i]->key;
        const struct cube_counts *c = &rows[i]->counts;
        int64_t first = store_floor_seconds(c->first_ns) - k->bin;
        int64_t last = store_floor_seconds(c->last_ns) - k->bin;
        /* What the decoder takes: bins and seconds in range, keys rising strictly. */
        if (k->bin % STORE_BIN_SECONDS != 0 || k->bin < -STORE_SECONDS_MAX ||
            k->bin > STORE_SECONDS_MAX || k->bin + first < -STORE_SECONDS_MAX ||
            k->bin + last < -STORE_SECONDS_MAX ||
            (i && store_row_order(&rows[i - 1], &rows[i]) >= 0) || c->packets_in > INT64_MAX ||
            c->packets_out > INT64_MAX || c->bytes_in > INT64_MAX || c->bytes_out > INT64_MAX ||
            c->flows > INT64_MAX || k->initiator >= INITIATOR_COUNT) {
            ret = -1;
            break;
        }
        put_varint(&cols[COL_BIN], i ? (uint64_t)((k->bin - bin_before) / STORE_BIN_SECONDS)
                                     : zigzag(k->bin / STORE_BIN_SECONDS));
        bin_before = k->bin;
        /* Rows of a bin are in sensor order: a sensor is written where it changes. */
        if (i && addr_equal(&rows[i - 1]->key.sensor, &k->sensor)) {
            put_byte(&cols[COL_SENSOR], 0);
        } else {
            size_t len;
            const uint8_t *bytes = store_addr_view(&k->sensor, &len);
            put_byte(&cols[COL_SENSOR], (uint8_t)len);
            put_bytes(&cols[COL_SENSOR_ADDR], bytes, len);
        }
        size_t len;
        const uint8_t *bytes = store_addr_view(&k->remote, &len);
        put_byte(&cols[COL_FAMILY], (uint8_t)len);
        if (len == 4) {
            uint32_t v4 = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
                          (uint32_t)bytes[2] << 8 | bytes[3];
            put_varint(&cols[COL_V4], zigzag((int64_t)v4 - (int64_t)v4_before));
            v4_before = v4;
        } else {
            put_bytes(&cols[COL_V6], bytes, len);
        }
        put_byte(&cols[COL_PROTO], k->proto);
        put_byte(&cols[COL_INITIATOR], k->initiator);
        put_varint(&cols[COL_SERVICE], k->service);
        put_varint(&cols[COL_PACKETS_IN], c->packets_in);
        put_varint(&cols[COL_PACKETS_OUT], c->packets_out);
        put_varint(&cols[COL_BYTES_IN], c->bytes_in);
        put_varint(&cols[COL_BYTES_OUT], c->bytes_out);
        put_varint(&cols[COL_FLOWS], c->flows);
        put_varint(&cols[COL_FIRST_OFF], zigzag(first));
        put_varint(&cols[COL_SPAN], zigzag(last - first));
    }
    if (ret == 0) {
        put_varint(&cols[COL_HEAD], count);
        /* The raw pack: the lengths of the columns, then the columns. */
        struct pack_buf raw = {0};
        for (int c = 0; c < COL_COUNT; c++)
            put_varint(&raw, cols[c].len);
        for (int c = 0; c < COL_COUNT; c++)
            if (cols[c].len)
                put_bytes(&raw, cols[c].data, cols[c].len);
        size_t bound = ZSTD_compressBound(raw.len);
        out->len = 0;
        buf_reserve(out, 2 + bound);
        out->data[0] = PACK_MAGIC;
        out->data[1] = PACK_FORMAT;
        size_t n = ZSTD_compress(out->data + 2, bound, raw.data, raw.len, PACK_ZSTD_LEVEL);
        if (ZSTD_isError(n) || raw.len > PACK_MAX_RAW)
            ret = -1;
        else
            out->len = 2 + n;
        free(raw.data);
    }
    for (int c = 0; c < COL_COUNT; c++)
        free(cols[c].data);
    return ret;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* Sets *why and returns -1. */
static int damaged(const char **why, const char *what)
{
    *why = what;
    return -1;
}

int traffic_pack_decode(const void *pack, size_t len,
                        int (*fn)(void *ctx, const struct cube_row *row), void *ctx,
                        const char **why)
{
    const uint8_t *in = pack;
    if (!pack || len < 3 || in[0] != PACK_MAGIC || in[1] != PACK_FORMAT)
        return damaged(why, "not a traffic pack");
    unsigned long long raw_len = ZSTD_getFrameContentSize(in + 2, len - 2);
    if (raw_len == ZSTD_CONTENTSIZE_ERROR || raw_len == ZSTD_CONTENTSIZE_UNKNOWN ||
        raw_len > PACK_MAX_RAW || raw_len == 0)
        return damaged(why, "not a compressed pack of a size it can have");
    uint8_t *raw = xmalloc((size_t)raw_len);
    size_t got = ZSTD_decompress(raw, (size_t)raw_len, in + 2, len - 2);
    int ret = 0;
    if (ZSTD_isError(got) || got != raw_len) {
        free(raw);
        return damaged(why, "its compressed bytes are damaged");
    }
    struct column cols[COL_COUNT];
    struct column lengths = {raw, raw + got};
    uint64_t col_len[COL_COUNT];
    for (int c = 0; c < COL_COUNT && ret == 0; c++)
        if (!get_varint(&lengths, &col_len[c]))
            ret = damaged(why, "a column's length is past its end");
    size_t at = (size_t)(lengths.p - raw);
    for (int c = 0; c < COL_COUNT && ret == 0; c++) {
        if (col_len[c] > got - at) {
            ret = damaged(why, "a column's length is past its end");
            break;
        }
        cols[c].p = raw + at;
        cols[c].end = raw + at + col_len[c];
        at += (size_t)col_len[c];
    }
    if (ret == 0 && at != got)
        ret = damaged(why, "bytes after its last column");
    uint64_t rows = 0;
    if (ret == 0 && (!get_varint(&cols[COL_HEAD], &rows) || rows == 0 || rows > PACK_MAX_ROWS ||
                     cols[COL_HEAD].p != cols[COL_HEAD].end))
        ret = damaged(why, "a row count it cannot have");
    struct ip_addr sensor;
    memset(&sensor, 0, sizeof(sensor));
    int64_t bin = 0;
    uint32_t v4 = 0;
    struct cube_row before;
    memset(&before, 0, sizeof(before));
    for (uint64_t i = 0; ret == 0 && i < rows; i++) {
        struct cube_row row;
        memset(&row, 0, sizeof(row));
        uint64_t step, service, first_z, span_z;
        uint8_t family, proto, initiator;
        if (!get_varint(&cols[COL_BIN], &step)) {
            ret = damaged(why, "a bin is missing");
            break;
        }
        /* Bins in bins of 900 s, within what a time in nanoseconds can hold. */
        const int64_t bins_max = STORE_SECONDS_MAX / STORE_BIN_SECONDS;
        int64_t bins = i ? bin / STORE_BIN_SECONDS : 0;
        if (i == 0 && (unzigzag(step) < -bins_max || unzigzag(step) > bins_max))
            ret = damaged(why, "a bin out of range");
        else if (i && step > (uint64_t)(bins_max - bins))
            ret = damaged(why, "a bin out of range");
        if (ret)
            break;
        bins = i ? bins + (int64_t)step : unzigzag(step);
        bin = bins * STORE_BIN_SECONDS;
        row.key.bin = bin;
        uint8_t sensor_len, bytes[STORE_ADDR_MAX];
        if (!get_bytes(&cols[COL_SENSOR], &sensor_len, 1) || (i == 0 && sensor_len == 0) ||
            (sensor_len != 0 && sensor_len != 4 && sensor_len != 16) ||
            (sensor_len && !get_bytes(&cols[COL_SENSOR_ADDR], bytes, sensor_len))) {
            ret = damaged(why, "a sensor that is no address");
            break;
        }
        if (sensor_len)
            store_addr_from_bytes(&sensor, bytes, sensor_len);
        row.key.sensor = sensor;
        if (!get_bytes(&cols[COL_FAMILY], &family, 1) || (family != 4 && family != 16)) {
            ret = damaged(why, "a remote that is no address");
            break;
        }
        if (family == 4) {
            uint64_t z;
            int64_t diff = 0;
            /* The difference is checked against the room left, before it is added: no overflow. */
            if (!get_varint(&cols[COL_V4], &z) || (diff = unzigzag(z)) < -(int64_t)v4 ||
                diff > (int64_t)UINT32_MAX - (int64_t)v4) {
                ret = damaged(why, "a remote that is no address");
                break;
            }
            v4 = (uint32_t)((int64_t)v4 + diff);
            bytes[0] = (uint8_t)(v4 >> 24);
            bytes[1] = (uint8_t)(v4 >> 16);
            bytes[2] = (uint8_t)(v4 >> 8);
            bytes[3] = (uint8_t)v4;
        } else if (!get_bytes(&cols[COL_V6], bytes, 16)) {
            ret = damaged(why, "a remote that is no address");
            break;
        }
        store_addr_from_bytes(&row.key.remote, bytes, family);
        if (!get_bytes(&cols[COL_PROTO], &proto, 1) ||
            !get_bytes(&cols[COL_INITIATOR], &initiator, 1) || initiator >= INITIATOR_COUNT ||
            !get_varint(&cols[COL_SERVICE], &service) || service > UINT16_MAX) {
            ret = damaged(why, "a protocol, initiator or service it cannot have");
            break;
        }
        row.key.proto = proto;
        row.key.initiator = initiator;
        row.key.service = (uint16_t)service;
        uint64_t *counts[] = {&row.counts.packets_in, &row.counts.packets_out, &row.counts.bytes_in,
                              &row.counts.bytes_out, &row.counts.flows};
        for (int c = 0; c < 5 && ret == 0; c++)
            if (!get_varint(&cols[COL_PACKETS_IN + c], counts[c]) || *counts[c] > INT64_MAX)
                ret = damaged(why, "a count it cannot have");
        if (ret)
            break;
        /* Seconds from the bin: their sums must be times too (all are bounded, none wraps). */
        if (!get_varint(&cols[COL_FIRST_OFF], &first_z) || !get_varint(&cols[COL_SPAN], &span_z)) {
            ret = damaged(why, "a first or last second is missing");
            break;
        }
        int64_t first = unzigzag(first_z), span = unzigzag(span_z);
        if (first < -STORE_SECONDS_MAX || first > STORE_SECONDS_MAX || span < -STORE_SECONDS_MAX ||
            span > STORE_SECONDS_MAX || bin + first < -STORE_SECONDS_MAX ||
            bin + first > STORE_SECONDS_MAX || bin + first + span < -STORE_SECONDS_MAX ||
            bin + first + span > STORE_SECONDS_MAX) {
            ret = damaged(why, "a first or last second out of range");
            break;
        }
        row.counts.first_ns = (bin + first) * 1000000000;
        row.counts.last_ns = (bin + first + span) * 1000000000;
        /* Keys rise strictly, as the writer sorts them: no key twice, counted twice. */
        const struct cube_row *this_row = &row, *before_row = &before;
        if (i && store_row_order(&before_row, &this_row) >= 0) {
            ret = damaged(why, "rows out of key order (or one key twice)");
            break;
        }
        before = row;
        ret = fn(ctx, &row);
        if (ret != 0)
            break;
    }
    for (int c = 0; ret == 0 && c < COL_COUNT; c++)
        if (cols[c].p != cols[c].end)
            ret = damaged(why, "more values than rows");
    free(raw);
    return ret;
}
