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

#include "../common/varint.h"
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

#define EVIDENCE_PACK_MAGIC 0x65
#define EVIDENCE_PACK_FORMAT 1
/* What an evidence pack may decompress to: its rows, its values' bytes and their lengths. */
#define EVIDENCE_PACK_MAX_RAW                                                                      \
    (EVIDENCE_PACK_MAX_ROWS * 48 + EVIDENCE_PACK_MAX_VALUE_BYTES + EVIDENCE_PACK_MAX_ROWS * 8 +    \
     EVIDENCE_PACK_MAX_KINDS * (EVIDENCE_PACK_KIND_MAX + 2) + 4096)

enum evidence_column {
    EV_HEAD,       /* the numbers of kinds, values and rows */
    EV_KIND_LEN,   /* each kind's name's length */
    EV_KIND_NAME,  /* the names' bytes */
    EV_VALUE_KIND, /* each value's kind, an index */
    EV_VALUE_LEN,  /* each value's length */
    EV_VALUE,      /* the values' bytes */
    EV_BIN,        /* first row: zigzag of bin / 900; then the steps, in bins */
    EV_FAMILY,     /* 4 or 16, a byte */
    EV_V4,         /* zigzag of the difference from the pack's IPv4 remote before */
    EV_V6,         /* 16 bytes */
    EV_VALUE_OF,   /* the row's value, an index */
    EV_COUNT_OF,   /* the row's count */
    EV_COLUMNS,
};

/* The most columns a pack has, of either kind. */
#define COLUMNS_MAX 18
_Static_assert((int)COL_COUNT <= COLUMNS_MAX && (int)EV_COLUMNS <= COLUMNS_MAX, "COLUMNS_MAX");

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
    /* An empty value into an empty column: no buffer yet, and memcpy() may not be given NULL. */
    if (len == 0)
        return;
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
    buf_reserve(b, VARINT_MAX);
    b->len += varint_put(b->data + b->len, v);
}

static uint64_t zigzag(int64_t v)
{
    return zigzag_encode((uint64_t)v);
}

static int64_t unzigzag(uint64_t v)
{
    return int64_from_bits(zigzag_decode(v));
}

/* A column being read: bytes from p to end. */
struct column {
    const uint8_t *p, *end;
};

static bool get_varint(struct column *c, uint64_t *v)
{
    return varint_get(&c->p, c->end, v);
}

static bool get_bytes(struct column *c, void *out, size_t len)
{
    if ((size_t)(c->end - c->p) < len)
        return false;
    memcpy(out, c->p, len);
    c->p += len;
    return true;
}

/* ---- columns ------------------------------------------------------------------------------ */

/* Sets *why and returns -1. */
static int damaged(const char **why, const char *what)
{
    *why = what;
    return -1;
}

/* The raw pack: the lengths of the columns, then the columns, compressed behind magic and format.
 */
static int pack_columns(struct pack_buf *cols, int count, uint8_t magic, uint8_t format,
                        size_t max_raw, struct pack_buf *out)
{
    struct pack_buf raw = {0};
    int ret = 0;
    for (int c = 0; c < count; c++)
        put_varint(&raw, cols[c].len);
    for (int c = 0; c < count; c++)
        if (cols[c].len)
            put_bytes(&raw, cols[c].data, cols[c].len);
    size_t bound = ZSTD_compressBound(raw.len);
    out->len = 0;
    buf_reserve(out, 2 + bound);
    out->data[0] = magic;
    out->data[1] = format;
    size_t n = ZSTD_compress(out->data + 2, bound, raw.data, raw.len, PACK_ZSTD_LEVEL);
    if (ZSTD_isError(n) || raw.len > max_raw)
        ret = -1;
    else
        out->len = 2 + n;
    free(raw.data);
    return ret;
}

/*
 * Decompresses a pack of magic and format and splits it into its count
 * columns: *raw (the caller frees it) holds them.
 */
static int unpack_columns(const void *pack, size_t len, uint8_t magic, uint8_t format,
                          size_t max_raw, struct column *cols, int count, uint8_t **raw_out,
                          const char **why)
{
    const uint8_t *in = pack;
    *raw_out = NULL;
    if (!pack || len < 3 || in[0] != magic || in[1] != format)
        return damaged(why, magic == PACK_MAGIC ? "not a traffic pack" : "not an evidence pack");
    unsigned long long raw_len = ZSTD_getFrameContentSize(in + 2, len - 2);
    if (raw_len == ZSTD_CONTENTSIZE_ERROR || raw_len == ZSTD_CONTENTSIZE_UNKNOWN ||
        raw_len > max_raw || raw_len == 0)
        return damaged(why, "not a compressed pack of a size it can have");
    uint8_t *raw = xmalloc((size_t)raw_len);
    size_t got = ZSTD_decompress(raw, (size_t)raw_len, in + 2, len - 2);
    if (ZSTD_isError(got) || got != raw_len) {
        free(raw);
        return damaged(why, "its compressed bytes are damaged");
    }
    *raw_out = raw;
    struct column lengths = {raw, raw + got};
    uint64_t col_len;
    size_t at = 0;
    const uint8_t *start[COLUMNS_MAX];
    uint64_t lens[COLUMNS_MAX];
    for (int c = 0; c < count; c++) {
        if (!get_varint(&lengths, &col_len))
            return damaged(why, "a column's length is past its end");
        lens[c] = col_len;
    }
    at = (size_t)(lengths.p - raw);
    for (int c = 0; c < count; c++) {
        if (lens[c] > got - at)
            return damaged(why, "a column's length is past its end");
        start[c] = raw + at;
        at += (size_t)lens[c];
    }
    if (at != got)
        return damaged(why, "bytes after its last column");
    for (int c = 0; c < count; c++) {
        cols[c].p = start[c];
        cols[c].end = start[c] + lens[c];
    }
    return 0;
}

/*
 * Reads row i's bin (bins from the row before, *bin) and remote (IPv4 as a
 * difference from the pack's IPv4 remote before, *v4) from their columns.
 */
static const char *get_bin_remote(struct column *bins_col, struct column *family_col,
                                  struct column *v4_col, struct column *v6_col, uint64_t i,
                                  int64_t *bin, uint32_t *v4, struct ip_addr *remote)
{
    uint64_t step;
    const int64_t bins_max = STORE_SECONDS_MAX / STORE_BIN_SECONDS;
    int64_t bins = i ? *bin / STORE_BIN_SECONDS : 0;
    if (!get_varint(bins_col, &step))
        return "a bin is missing";
    if ((i == 0 && (unzigzag(step) < -bins_max || unzigzag(step) > bins_max)) ||
        (i && step > (uint64_t)(bins_max - bins)))
        return "a bin out of range";
    bins = i ? bins + (int64_t)step : unzigzag(step);
    *bin = bins * STORE_BIN_SECONDS;
    uint8_t family, bytes[STORE_ADDR_MAX];
    if (!get_bytes(family_col, &family, 1) || (family != 4 && family != 16))
        return "a remote that is no address";
    if (family == 4) {
        uint64_t z;
        int64_t diff = 0;
        if (!get_varint(v4_col, &z) || (diff = unzigzag(z)) < -(int64_t)*v4 ||
            diff > (int64_t)UINT32_MAX - (int64_t)*v4)
            return "a remote that is no address";
        *v4 = (uint32_t)((int64_t)*v4 + diff);
        bytes[0] = (uint8_t)(*v4 >> 24);
        bytes[1] = (uint8_t)(*v4 >> 16);
        bytes[2] = (uint8_t)(*v4 >> 8);
        bytes[3] = (uint8_t)*v4;
    } else if (!get_bytes(v6_col, bytes, 16)) {
        return "a remote that is no address";
    }
    store_addr_from_bytes(remote, bytes, family);
    return NULL;
}

/* Writes a row's bin (as get_bin_remote() reads it) and remote; *bin and *v4 carry the row before.
 */
static void put_bin_remote(struct pack_buf *bins_col, struct pack_buf *family_col,
                           struct pack_buf *v4_col, struct pack_buf *v6_col, size_t i, int64_t bin,
                           const struct ip_addr *remote, int64_t *bin_before, uint32_t *v4_before)
{
    put_varint(bins_col, i ? (uint64_t)((bin - *bin_before) / STORE_BIN_SECONDS)
                           : zigzag(bin / STORE_BIN_SECONDS));
    *bin_before = bin;
    size_t len;
    const uint8_t *bytes = store_addr_view(remote, &len);
    put_byte(family_col, (uint8_t)len);
    if (len == 4) {
        uint32_t v4 = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
                      (uint32_t)bytes[2] << 8 | bytes[3];
        put_varint(v4_col, zigzag((int64_t)v4 - (int64_t)*v4_before));
        *v4_before = v4;
    } else {
        put_bytes(v6_col, bytes, len);
    }
}

/* ---- writing ------------------------------------------------------------------------------ */

int traffic_pack_encode(const struct cube_row *const *rows, size_t count, struct pack_buf *out)
{
    out->len = 0;
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
        put_bin_remote(&cols[COL_BIN], &cols[COL_FAMILY], &cols[COL_V4], &cols[COL_V6], i, k->bin,
                       &k->remote, &bin_before, &v4_before);
        /* Rows of a bin are in sensor order: a sensor is written where it changes. */
        if (i && addr_equal(&rows[i - 1]->key.sensor, &k->sensor)) {
            put_byte(&cols[COL_SENSOR], 0);
        } else {
            size_t len;
            const uint8_t *bytes = store_addr_view(&k->sensor, &len);
            put_byte(&cols[COL_SENSOR], (uint8_t)len);
            put_bytes(&cols[COL_SENSOR_ADDR], bytes, len);
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
        ret = pack_columns(cols, COL_COUNT, PACK_MAGIC, PACK_FORMAT, PACK_MAX_RAW, out);
    }
    for (int c = 0; c < COL_COUNT; c++)
        free(cols[c].data);
    return ret;
}

/* ---- reading ------------------------------------------------------------------------------ */

int traffic_pack_decode(const void *pack, size_t len,
                        int (*fn)(void *ctx, const struct cube_row *row), void *ctx,
                        const char **why)
{
    struct column cols[COL_COUNT];
    uint8_t *raw;
    int ret = unpack_columns(pack, len, PACK_MAGIC, PACK_FORMAT, PACK_MAX_RAW, cols, COL_COUNT,
                             &raw, why);
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
        uint64_t service, first_z, span_z;
        uint8_t proto, initiator;
        const char *bad = get_bin_remote(&cols[COL_BIN], &cols[COL_FAMILY], &cols[COL_V4],
                                         &cols[COL_V6], i, &bin, &v4, &row.key.remote);
        if (bad) {
            ret = damaged(why, bad);
            break;
        }
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

/* ---- evidence packs ----------------------------------------------------------------------- */

static int evidence_value_order(const struct evidence_pack_value *a, size_t a_kind,
                                const struct evidence_pack_value *b, size_t b_kind)
{
    if (a_kind != b_kind)
        return a_kind < b_kind ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->len ? memcmp(a->bytes, b->bytes, a->len) : 0;
}

int evidence_pack_row_order(const struct evidence_pack_row *a, const struct evidence_pack_row *b)
{
    if (a->bin != b->bin)
        return a->bin < b->bin ? -1 : 1;
    size_t alen, blen;
    const uint8_t *x = store_addr_view(&a->remote, &alen), *y = store_addr_view(&b->remote, &blen);
    int c = store_blob_order(x, alen, y, blen);
    if (c)
        return c;
    return (a->value > b->value) - (a->value < b->value);
}

int evidence_pack_encode(const struct evidence_pack_value *values, size_t value_count,
                         const struct evidence_pack_row *rows, size_t row_count,
                         struct pack_buf *out)
{
    out->len = 0;
    if (row_count == 0 || row_count > EVIDENCE_PACK_MAX_ROWS || value_count == 0 ||
        value_count > EVIDENCE_PACK_MAX_ROWS)
        return -1;
    struct pack_buf cols[EV_COLUMNS];
    memset(cols, 0, sizeof(cols));
    /* Kinds by name, in the order their values come: the values are in kind order. */
    const char *kinds[EVIDENCE_PACK_MAX_KINDS] = {NULL};
    size_t kind_lens[EVIDENCE_PACK_MAX_KINDS] = {0};
    size_t kind_count = 0, kind_of_before = 0, value_bytes = 0;
    int ret = 0;
    for (size_t i = 0; i < value_count && ret == 0; i++) {
        const struct evidence_pack_value *v = &values[i];
        size_t k = kind_count;
        if (kind_count && kind_lens[kind_count - 1] == v->kind_len &&
            memcmp(kinds[kind_count - 1], v->kind, v->kind_len) == 0)
            k = kind_count - 1;
        value_bytes += v->len;
        if (v->kind_len == 0 || v->kind_len > EVIDENCE_PACK_KIND_MAX ||
            v->len > EVIDENCE_VALUE_MAX || value_bytes > EVIDENCE_PACK_MAX_VALUE_BYTES ||
            (k == kind_count && kind_count == EVIDENCE_PACK_MAX_KINDS) ||
            (i && evidence_value_order(&values[i - 1], kind_of_before, v, k) >= 0)) {
            ret = -1;
            break;
        }
        if (k == kind_count) {
            /* A kind's values come together: a name seen before would be a second kind of it. */
            for (size_t j = 0; j < kind_count; j++)
                if (kind_lens[j] == v->kind_len && memcmp(kinds[j], v->kind, v->kind_len) == 0)
                    ret = -1;
            kinds[kind_count] = v->kind;
            kind_lens[kind_count++] = v->kind_len;
            put_varint(&cols[EV_KIND_LEN], v->kind_len);
            put_bytes(&cols[EV_KIND_NAME], v->kind, v->kind_len);
        }
        kind_of_before = k;
        put_varint(&cols[EV_VALUE_KIND], k);
        put_varint(&cols[EV_VALUE_LEN], v->len);
        put_bytes(&cols[EV_VALUE], v->bytes, v->len);
    }
    int64_t bin_before = 0;
    uint32_t v4_before = 0;
    for (size_t i = 0; i < row_count && ret == 0; i++) {
        const struct evidence_pack_row *r = &rows[i];
        if (r->bin % STORE_BIN_SECONDS != 0 || r->bin < -STORE_SECONDS_MAX ||
            r->bin > STORE_SECONDS_MAX || r->value >= value_count || r->count > INT64_MAX ||
            (i && evidence_pack_row_order(&rows[i - 1], r) >= 0)) {
            ret = -1;
            break;
        }
        put_bin_remote(&cols[EV_BIN], &cols[EV_FAMILY], &cols[EV_V4], &cols[EV_V6], i, r->bin,
                       &r->remote, &bin_before, &v4_before);
        put_varint(&cols[EV_VALUE_OF], r->value);
        put_varint(&cols[EV_COUNT_OF], r->count);
    }
    if (ret == 0) {
        put_varint(&cols[EV_HEAD], kind_count);
        put_varint(&cols[EV_HEAD], value_count);
        put_varint(&cols[EV_HEAD], row_count);
        ret = pack_columns(cols, EV_COLUMNS, EVIDENCE_PACK_MAGIC, EVIDENCE_PACK_FORMAT,
                           EVIDENCE_PACK_MAX_RAW, out);
    }
    for (int c = 0; c < EV_COLUMNS; c++)
        free(cols[c].data);
    return ret;
}

void evidence_pack_free(struct evidence_pack *pack)
{
    free(pack->raw);
    free(pack->values);
    free(pack->rows);
    memset(pack, 0, sizeof(*pack));
}

int evidence_pack_decode(const void *pack, size_t len, struct evidence_pack *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    struct column cols[EV_COLUMNS];
    if (unpack_columns(pack, len, EVIDENCE_PACK_MAGIC, EVIDENCE_PACK_FORMAT, EVIDENCE_PACK_MAX_RAW,
                       cols, EV_COLUMNS, &out->raw, why) < 0) {
        evidence_pack_free(out);
        return -1;
    }
    uint64_t kinds, values, rows;
    if (!get_varint(&cols[EV_HEAD], &kinds) || !get_varint(&cols[EV_HEAD], &values) ||
        !get_varint(&cols[EV_HEAD], &rows) || cols[EV_HEAD].p != cols[EV_HEAD].end || kinds == 0 ||
        kinds > EVIDENCE_PACK_MAX_KINDS || values == 0 || values > EVIDENCE_PACK_MAX_ROWS ||
        rows == 0 || rows > EVIDENCE_PACK_MAX_ROWS) {
        evidence_pack_free(out);
        return damaged(why, "a number of kinds, values or rows it cannot have");
    }
    const char *bad = NULL;
    const char *kind_names[EVIDENCE_PACK_MAX_KINDS];
    size_t kind_lens[EVIDENCE_PACK_MAX_KINDS];
    for (uint64_t k = 0; k < kinds && !bad; k++) {
        uint64_t n;
        if (!get_varint(&cols[EV_KIND_LEN], &n) || n == 0 || n > EVIDENCE_PACK_KIND_MAX ||
            (size_t)(cols[EV_KIND_NAME].end - cols[EV_KIND_NAME].p) < n) {
            bad = "a kind's name it cannot have";
            break;
        }
        kind_names[k] = (const char *)cols[EV_KIND_NAME].p;
        kind_lens[k] = (size_t)n;
        cols[EV_KIND_NAME].p += n;
        for (uint64_t j = 0; j < k; j++)
            if (kind_lens[j] == n && memcmp(kind_names[j], kind_names[k], (size_t)n) == 0)
                bad = "a kind named twice";
    }
    out->values = bad ? NULL : xmalloc((size_t)values * sizeof(*out->values));
    size_t kind_before = 0, value_bytes = 0;
    for (uint64_t i = 0; i < values && !bad; i++) {
        uint64_t k, n;
        if (!get_varint(&cols[EV_VALUE_KIND], &k) || k >= kinds ||
            !get_varint(&cols[EV_VALUE_LEN], &n) || n > EVIDENCE_VALUE_MAX ||
            (size_t)(cols[EV_VALUE].end - cols[EV_VALUE].p) < n ||
            (value_bytes += (size_t)n) > EVIDENCE_PACK_MAX_VALUE_BYTES) {
            bad = "a value it cannot have";
            break;
        }
        /* Kinds are named in the order their values come, each used: as the encoder writes them. */
        if (i == 0 ? k != 0 : k != kind_before && k != kind_before + 1) {
            bad = "values out of kind order (or a kind no value has)";
            break;
        }
        struct evidence_pack_value *v = &out->values[i];
        v->kind = kind_names[k];
        v->kind_len = kind_lens[k];
        v->bytes = cols[EV_VALUE].p;
        v->len = (size_t)n;
        cols[EV_VALUE].p += n;
        /* Values rise strictly: no value twice, whose rows would be counted twice. */
        if (i && evidence_value_order(&out->values[i - 1], kind_before, v, (size_t)k) >= 0)
            bad = "values out of order (or one value twice)";
        kind_before = (size_t)k;
        out->value_count++;
    }
    if (!bad && kind_before + 1 != kinds)
        bad = "values out of kind order (or a kind no value has)";
    out->rows = bad ? NULL : xmalloc((size_t)rows * sizeof(*out->rows));
    int64_t bin = 0;
    uint32_t v4 = 0;
    for (uint64_t i = 0; i < rows && !bad; i++) {
        struct evidence_pack_row *r = &out->rows[i];
        uint64_t value, count;
        memset(r, 0, sizeof(*r));
        if ((bad = get_bin_remote(&cols[EV_BIN], &cols[EV_FAMILY], &cols[EV_V4], &cols[EV_V6], i,
                                  &bin, &v4, &r->remote)) != NULL)
            break;
        r->bin = bin;
        if (!get_varint(&cols[EV_VALUE_OF], &value) || value >= values) {
            bad = "a row's value is not one of the pack's";
            break;
        }
        if (!get_varint(&cols[EV_COUNT_OF], &count) || count > INT64_MAX) {
            bad = "a count it cannot have";
            break;
        }
        r->value = (uint32_t)value;
        r->count = count;
        if (i && evidence_pack_row_order(&out->rows[i - 1], r) >= 0)
            bad = "rows out of key order (or one key twice)";
        out->row_count++;
    }
    for (int c = 0; !bad && c < EV_COLUMNS; c++)
        if (cols[c].p != cols[c].end)
            bad = "more values than rows";
    if (bad) {
        evidence_pack_free(out);
        return damaged(why, bad);
    }
    return 0;
}
