/*
 * The bytes ranks exchange: the plan rank 0 broadcasts, and each file's
 * result (counts, error, cube rows, evidence rows) sent back to rank 0.
 *
 * Everything is written field by field, little-endian, never as a struct
 * image, so padding and layout never cross the wire. Everything read is
 * untrusted: the reader is a cursor that records a short read, every count is
 * checked against the bytes left before anything is allocated, and every
 * value is checked against its range (initiator, evidence kind, lengths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/common/cursor.h"
#include "../src/common/xalloc.h"
#include "../src/evidence/evidence.h"
#include "dist.h"

/*
 * Every field of these structs crosses the wire one by one, below: a field
 * added to one of them must be added here too (then update the sizes).
 */
#if UINTPTR_MAX == UINT64_MAX
/*
 * input_stats' live_captures, kernel_drops and interface_drops are not
 * carried: only a store's live captures (ingest --live) set them, and ranks
 * read capture files.
 */
_Static_assert(sizeof(struct input_stats) == 448, "input_stats changed: carry it in mpi/wire.c");
_Static_assert(sizeof(struct flow_config) == 24, "flow_config changed: carry it in mpi/wire.c");
_Static_assert(sizeof(struct cube_key) == 56, "cube_key changed: carry it in mpi/wire.c");
_Static_assert(sizeof(struct cube_counts) == 56, "cube_counts changed: carry it in mpi/wire.c");
_Static_assert(sizeof(struct flow_stats) == 32, "flow_stats changed: carry it in mpi/wire.c");
#endif

#define PLAN_MAGIC 0x48534d50u   /* "HSMP" */
#define RESULT_MAGIC 0x48534d52u /* "HSMR" */
#define WIRE_VERSION 4u

#define ROW_BYTES (8 + 16 + 16 + 2 + 1 + 1 + 5 * 8 + 2 * 8 + 1)
#define EVIDENCE_FIXED_BYTES (8 + 16 + 1 + 2 + 8 + 1)
#define PATH_MAX_BYTES 4095

/* ---- writing ---------------------------------------------------------------------- */

void wire_buf_init(struct wire_buf *buf)
{
    memset(buf, 0, sizeof(*buf));
}

void wire_buf_release(struct wire_buf *buf)
{
    free(buf->data);
    memset(buf, 0, sizeof(*buf));
}

/* Makes room for n more bytes without adding them. */
static void reserve(struct wire_buf *buf, size_t n)
{
    size_t need = st_add(buf->len, n);
    if (need > buf->alloc) {
        size_t alloc = buf->alloc < 4096 ? 4096 : buf->alloc;
        while (alloc < need)
            alloc = st_mult(alloc, 2);
        buf->data = xrealloc(buf->data, alloc);
        buf->alloc = alloc;
    }
}

static uint8_t *grow(struct wire_buf *buf, size_t n)
{
    reserve(buf, n);
    uint8_t *p = buf->data + buf->len;
    buf->len += n;
    return p;
}

static void put_u8(struct wire_buf *buf, uint8_t v)
{
    *grow(buf, 1) = v;
}

static void put_le(struct wire_buf *buf, uint64_t v, unsigned bytes)
{
    uint8_t *p = grow(buf, bytes);
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u16(struct wire_buf *buf, uint16_t v)
{
    put_le(buf, v, 2);
}

static void put_u32(struct wire_buf *buf, uint32_t v)
{
    put_le(buf, v, 4);
}

static void put_u64(struct wire_buf *buf, uint64_t v)
{
    put_le(buf, v, 8);
}

static void put_i64(struct wire_buf *buf, int64_t v)
{
    put_le(buf, (uint64_t)v, 8);
}

static void put_bytes(struct wire_buf *buf, const void *data, size_t n)
{
    if (n)
        memcpy(grow(buf, n), data, n);
}

/* A string as its length (u32) and bytes, without the NUL. */
static void put_str(struct wire_buf *buf, const char *s)
{
    size_t n = strlen(s);
    put_u32(buf, (uint32_t)n);
    put_bytes(buf, s, n);
}

/*
 * Fixed-size cube rows are the bulk of a result: written and read in place,
 * with these (compilers make each one load or store).
 */
static void store_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static int64_t load_les64(const uint8_t *p)
{
    uint64_t v = load_le64(p);
    int64_t s;
    memcpy(&s, &v, sizeof(s));
    return s;
}

/*
 * Row layout: bin, sensor, remote, service, proto, initiator, the counts,
 * then the addresses' mapped_v6 flags (bit 0 sensor, bit 1 remote): an IPv6
 * address inside ::ffff:0:0/96 is not the IPv4 address of the same bytes.
 */
enum {
    ROW_BIN = 0,
    ROW_SENSOR = 8,
    ROW_REMOTE = 24,
    ROW_SERVICE = 40,
    ROW_PROTO = 42,
    ROW_INITIATOR = 43,
    ROW_COUNTS = 44, /* packets in/out, bytes in/out, flows, first, last: 8 bytes each */
    ROW_FLAGS = 100,
};
_Static_assert(ROW_FLAGS + 1 == ROW_BYTES, "the row layout adds up");

/* An address from its 16 bytes and its mapped_v6 flag; -1 when they disagree. */
static int addr_from_wire(struct ip_addr *addr, const uint8_t *b, unsigned mapped_v6)
{
    uint8_t packed[ADDR_PACKED_BYTES];
    memcpy(packed, b, 16);
    packed[16] = (uint8_t)mapped_v6;
    return addr_unpack(addr, packed);
}

/* ---- reading ------------------------------------------------------------------------ */

static uint8_t get_u8(struct cursor *r)
{
    return (uint8_t)rd_le(r, 1);
}

static uint16_t get_u16(struct cursor *r)
{
    return (uint16_t)rd_le(r, 2);
}

static uint32_t get_u32(struct cursor *r)
{
    return (uint32_t)rd_le(r, 4);
}

static uint64_t get_u64(struct cursor *r)
{
    return rd_le(r, 8);
}

static int64_t get_i64(struct cursor *r)
{
    uint64_t v = rd_le(r, 8);
    int64_t s;
    memcpy(&s, &v, sizeof(s)); /* two's complement, without implementation-defined casts */
    return s;
}

static int32_t get_i32(struct cursor *r)
{
    uint32_t v = get_u32(r);
    int32_t s;
    memcpy(&s, &v, sizeof(s));
    return s;
}

static void get_bytes(struct cursor *r, void *out, size_t n)
{
    const uint8_t *p = cursor_take(r, n);
    if (p)
        memcpy(out, p, n);
    else
        memset(out, 0, n);
}

/*
 * A string of at most max bytes with no NUL inside, into out (outlen bytes,
 * more than max). Returns 0, or -1 (and marks the reader bad).
 */
static int get_str(struct cursor *r, char *out, size_t outlen, size_t max)
{
    uint32_t n = get_u32(r);
    out[0] = '\0';
    if (r->short_read || n > max || n >= outlen || n > r->left) {
        cursor_fail(r);
        return -1;
    }
    const uint8_t *p = cursor_take(r, n);
    if (n && memchr(p, '\0', n)) {
        cursor_fail(r);
        return -1;
    }
    if (n)
        memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

/* Whether count items of at least item_bytes each can still be in the reader. */
static bool fits(const struct cursor *r, uint64_t count, size_t item_bytes)
{
    return !r->short_read && count <= r->left / item_bytes;
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return -1;
}

/* ---- the plan ------------------------------------------------------------------------ */

void dist_plan_init(struct dist_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    plan->status = -1;
    sensor_set_init(&plan->sensors);
}

void dist_plan_release(struct dist_plan *plan)
{
    for (size_t i = 0; i < plan->file_count; i++)
        free(plan->files[i].path);
    free(plan->files);
    sensor_set_release(&plan->sensors);
    memset(plan, 0, sizeof(*plan));
    plan->status = -1;
}

void dist_plan_add(struct dist_plan *plan, const char *path, int64_t size, int64_t mtime_ns)
{
    ALLOC_GROW(plan->files, plan->file_count + 1, plan->file_alloc);
    struct dist_file *f = &plan->files[plan->file_count++];
    f->path = xstrdup(path);
    f->size = size;
    f->mtime_ns = mtime_ns;
    f->rank = 0;
}

struct by_size {
    int64_t size;
    size_t index;
};

static int compare_by_size(const void *a, const void *b)
{
    const struct by_size *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void dist_plan_assign(struct dist_plan *plan, unsigned ranks)
{
    if (ranks == 0 || plan->file_count == 0)
        return;
    struct by_size *order = xcalloc(plan->file_count, sizeof(*order));
    uint64_t *load = xcalloc(ranks, sizeof(*load));
    for (size_t i = 0; i < plan->file_count; i++) {
        order[i].size = plan->files[i].size > 0 ? plan->files[i].size : 0;
        order[i].index = i;
    }
    qsort(order, plan->file_count, sizeof(*order), compare_by_size);
    for (size_t i = 0; i < plan->file_count; i++) {
        unsigned least = 0;
        for (unsigned k = 1; k < ranks; k++)
            if (load[k] < load[least])
                least = k;
        /* An empty file still costs an open and a header: count it as one byte. */
        load[least] += (uint64_t)order[i].size + 1;
        plan->files[order[i].index].rank = least;
    }
    free(order);
    free(load);
}

void wire_plan_encode(const struct dist_plan *plan, struct wire_buf *out)
{
    put_u32(out, PLAN_MAGIC);
    put_u32(out, WIRE_VERSION);
    put_i64(out, plan->status);
    put_u8(out, plan->verb);
    put_u8(out, plan->check_identity);
    put_u32(out, plan->threads);
    put_i64(out, plan->clock.width_s);
    put_i64(out, plan->clock.offset_s);
    put_u64(out, plan->flow.max_flows);
    put_u32(out, plan->flow.tcp_idle_s);
    put_u32(out, plan->flow.udp_idle_s);
    put_u32(out, plan->flow.icmp_idle_s);
    put_u32(out, plan->flow.other_idle_s);
    put_u32(out, (uint32_t)plan->sensors.count);
    for (size_t i = 0; i < plan->sensors.count; i++) {
        put_bytes(out, plan->sensors.prefixes[i].addr.b, 16);
        put_u8(out, plan->sensors.prefixes[i].len);
        put_u8(out, plan->sensors.prefixes[i].addr.mapped_v6);
    }
    put_u64(out, plan->file_count);
    for (size_t i = 0; i < plan->file_count; i++) {
        put_str(out, plan->files[i].path);
        put_i64(out, plan->files[i].size);
        put_i64(out, plan->files[i].mtime_ns);
        put_u32(out, plan->files[i].rank);
    }
}

int wire_plan_decode(struct dist_plan *plan, const uint8_t *data, size_t len, unsigned ranks,
                     char *err, size_t errlen)
{
    struct cursor r = cursor_make(data, len);
    dist_plan_init(plan);
    if (get_u32(&r) != PLAN_MAGIC || get_u32(&r) != WIRE_VERSION)
        return fail(err, errlen, "the plan is not from this version of honeyscope-mpi");
    int64_t status = get_i64(&r);
    if (status < -1 || status > 255)
        goto bad;
    plan->status = (int)status;
    plan->verb = get_u8(&r);
    uint8_t check = get_u8(&r);
    plan->threads = get_u32(&r);
    plan->clock.width_s = get_i64(&r);
    plan->clock.offset_s = get_i64(&r);
    uint64_t max_flows = get_u64(&r);
    plan->flow.tcp_idle_s = get_u32(&r);
    plan->flow.udp_idle_s = get_u32(&r);
    plan->flow.icmp_idle_s = get_u32(&r);
    plan->flow.other_idle_s = get_u32(&r);
    /* A max_flows of 0 is the flow table's default (flow.h): what a plan without --memory sends. */
    if (r.short_read || (plan->verb != DIST_INGEST && plan->verb != DIST_REPORT) || check > 1 ||
        plan->threads > 1024 || plan->clock.width_s <= 0 || plan->clock.width_s > 86400 * 366 ||
        plan->clock.offset_s <= -86400 || plan->clock.offset_s >= 86400 || max_flows > SIZE_MAX / 2)
        goto bad;
    plan->check_identity = check;
    plan->flow.max_flows = (size_t)max_flows;

    uint32_t sensors = get_u32(&r);
    if (!fits(&r, sensors, 18))
        goto bad;
    for (uint32_t i = 0; i < sensors; i++) {
        struct ip_prefix prefix;
        uint8_t bytes[16];
        get_bytes(&r, bytes, 16);
        prefix.len = get_u8(&r);
        unsigned mapped_v6 = get_u8(&r);
        if (r.short_read || prefix.len > 128 || addr_from_wire(&prefix.addr, bytes, mapped_v6) < 0)
            goto bad;
        addr_mask(&prefix.addr, prefix.len);
        sensor_set_add(&plan->sensors, &prefix);
    }

    uint64_t files = get_u64(&r);
    if (!fits(&r, files, 4 + 8 + 8 + 4))
        goto bad;
    char *path = xmalloc(PATH_MAX_BYTES + 1);
    for (uint64_t i = 0; i < files; i++) {
        if (get_str(&r, path, PATH_MAX_BYTES + 1, PATH_MAX_BYTES) < 0 || path[0] == '\0') {
            free(path);
            goto bad;
        }
        int64_t size = get_i64(&r), mtime = get_i64(&r);
        uint32_t rank = get_u32(&r);
        if (r.short_read || rank >= ranks || size < 0) {
            free(path);
            goto bad;
        }
        dist_plan_add(plan, path, size, mtime);
        plan->files[plan->file_count - 1].rank = rank;
    }
    free(path);
    if (r.left != 0)
        goto bad;
    return 0;
bad:
    dist_plan_release(plan);
    return fail(err, errlen, "the plan from rank 0 is malformed");
}

/* ---- results --------------------------------------------------------------------------- */

static void put_stats(struct wire_buf *out, const struct input_stats *s)
{
    put_u64(out, s->files);
    put_u64(out, s->files_failed);
    put_u64(out, s->packets);
    put_u32(out, DECODE_RESULT_COUNT);
    for (int i = 0; i < DECODE_RESULT_COUNT; i++)
        put_u64(out, s->bad[i]);
    put_u64(out, s->not_sensor);
    put_u64(out, s->sensor_to_sensor);
    put_i64(out, s->first_ns);
    put_i64(out, s->last_ns);
    put_u64(out, s->flows.flows);
    put_u64(out, s->flows.expired);
    put_u64(out, s->flows.evicted);
    put_u64(out, s->flows.fragments_unmatched);
    put_u64(out, s->evidence_skipped);
    put_u64(out, s->evidence_dropped);
    put_u64(out, s->flow_records);
    put_u32(out, FLOWLOG_SKIP_COUNT);
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        put_u64(out, s->flow_skipped[i]);
    put_u64(out, s->flow_covered);
    put_u64(out, s->export_datagrams);
    put_u64(out, s->export_lost_packets);
    put_u64(out, s->export_lost_records);
    put_u64(out, s->export_skipped);
    put_u64(out, s->sampling_interval);
    put_u32(out, (uint32_t)s->unsupported_link_count);
    for (size_t i = 0; i < s->unsupported_link_count; i++) {
        put_u32(out, (uint32_t)s->unsupported_links[i].link_type);
        put_u64(out, s->unsupported_links[i].packets);
    }
    put_str(out, s->format);
    put_u32(out, (uint32_t)s->link_type);
}

static int get_stats(struct cursor *r, struct input_stats *s)
{
    input_stats_init(s);
    s->files = get_u64(r);
    s->files_failed = get_u64(r);
    s->packets = get_u64(r);
    if (get_u32(r) != DECODE_RESULT_COUNT)
        return -1;
    for (int i = 0; i < DECODE_RESULT_COUNT; i++)
        s->bad[i] = get_u64(r);
    s->not_sensor = get_u64(r);
    s->sensor_to_sensor = get_u64(r);
    s->first_ns = get_i64(r);
    s->last_ns = get_i64(r);
    s->flows.flows = get_u64(r);
    s->flows.expired = get_u64(r);
    s->flows.evicted = get_u64(r);
    s->flows.fragments_unmatched = get_u64(r);
    s->evidence_skipped = get_u64(r);
    s->evidence_dropped = get_u64(r);
    s->flow_records = get_u64(r);
    if (get_u32(r) != FLOWLOG_SKIP_COUNT)
        return -1;
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        s->flow_skipped[i] = get_u64(r);
    s->flow_covered = get_u64(r);
    s->export_datagrams = get_u64(r);
    s->export_lost_packets = get_u64(r);
    s->export_lost_records = get_u64(r);
    s->export_skipped = get_u64(r);
    s->sampling_interval = get_u64(r);
    uint32_t links = get_u32(r);
    if (links > sizeof(s->unsupported_links) / sizeof(s->unsupported_links[0]))
        return -1;
    for (uint32_t i = 0; i < links; i++) {
        s->unsupported_links[i].link_type = get_i32(r);
        s->unsupported_links[i].packets = get_u64(r);
    }
    s->unsupported_link_count = links;
    if (get_str(r, s->format, sizeof(s->format), sizeof(s->format) - 1) < 0)
        return -1;
    s->link_type = get_i32(r);
    return r->short_read ? -1 : 0;
}

void wire_result_encode(const struct file_result *res, uint32_t file, struct wire_buf *out)
{
    size_t start = out->len;
    put_u32(out, RESULT_MAGIC);
    put_u32(out, WIRE_VERSION);
    put_u32(out, file);
    put_u32(out, (uint32_t)res->status);
    put_str(out, res->status ? res->error : "");
    put_stats(out, &res->stats);

    struct cube *cube = res->cube;
    size_t rows = cube ? cube_row_count(cube) : 0;
    put_u64(out, rows);
    uint8_t *p = grow(out, st_mult(rows, ROW_BYTES));
    for (size_t i = 0; i < rows; i++, p += ROW_BYTES) {
        const struct cube_row *row = cube_row_at(cube, (uint32_t)i);
        const struct cube_counts *c = &row->counts;
        const uint64_t counts[] = {c->packets_in,       c->packets_out, c->bytes_in,
                                   c->bytes_out,        c->flows,       (uint64_t)c->first_ns,
                                   (uint64_t)c->last_ns};
        store_le(p + ROW_BIN, (uint64_t)row->key.bin, 8);
        memcpy(p + ROW_SENSOR, row->key.sensor.b, 16);
        memcpy(p + ROW_REMOTE, row->key.remote.b, 16);
        store_le(p + ROW_SERVICE, row->key.service, 2);
        p[ROW_PROTO] = row->key.proto;
        p[ROW_INITIATOR] = row->key.initiator;
        for (size_t k = 0; k < 7; k++)
            store_le(p + ROW_COUNTS + 8 * k, counts[k], 8);
        p[ROW_FLAGS] = (uint8_t)(row->key.sensor.mapped_v6 | row->key.remote.mapped_v6 << 1);
    }

    /* A spilled table tells its rows only as they are read: their count goes in after. */
    struct evidence_cursor *cursor = evidence_cursor_open(cube ? cube_evidence(cube) : NULL, false);
    const struct evidence_row *e;
    size_t count_at = out->len;
    uint64_t n = 0;
    put_u64(out, 0);
    for (; evidence_cursor_next(cursor, &e) > 0; n++) {
        put_i64(out, e->bin);
        put_bytes(out, e->remote.b, 16);
        put_u8(out, e->kind);
        put_u16(out, e->len);
        put_u8(out, e->remote.mapped_v6);
        put_bytes(out, e->value, e->len);
        put_u64(out, e->count);
    }
    evidence_cursor_close(cursor);
    const char *why = cube ? evidence_table_error(cube_evidence(cube)) : NULL;
    if (why) {
        /* Evidence set aside could not be read back: the file failed, rather than sent short. */
        struct file_result *failed = xmalloc(sizeof(*failed));
        *failed = *res;
        failed->cube = NULL;
        failed->status = -1;
        snprintf(failed->error, sizeof(failed->error), "%s", why);
        out->len = start;
        wire_result_encode(failed, file, out);
        free(failed);
        return;
    }
    for (unsigned i = 0; i < 8; i++)
        out->data[count_at + i] = (uint8_t)(n >> (8 * i));
}

static int get_rows(struct cursor *r, struct cube *cube)
{
    uint64_t rows = get_u64(r);
    if (!fits(r, rows, ROW_BYTES))
        return -1;
    /* Every row is ROW_BYTES: all of them are in the reader, so read in place. */
    const uint8_t *p = rows ? cursor_take(r, (size_t)rows * ROW_BYTES) : NULL;
    if (rows && !p)
        return -1;
    for (uint64_t i = 0; i < rows; i++, p += ROW_BYTES) {
        if (p[ROW_INITIATOR] >= INITIATOR_COUNT || p[ROW_FLAGS] > 3)
            return -1;
        if (!cube)
            continue;
        struct cube_key key;
        struct cube_counts c;
        memset(&key, 0, sizeof(key));
        key.bin = load_les64(p + ROW_BIN);
        if (addr_from_wire(&key.sensor, p + ROW_SENSOR, p[ROW_FLAGS] & 1u) < 0 ||
            addr_from_wire(&key.remote, p + ROW_REMOTE, p[ROW_FLAGS] >> 1) < 0)
            return -1;
        key.service = (uint16_t)(p[ROW_SERVICE] | p[ROW_SERVICE + 1] << 8);
        key.proto = p[ROW_PROTO];
        key.initiator = p[ROW_INITIATOR];
        c.packets_in = load_le64(p + ROW_COUNTS);
        c.packets_out = load_le64(p + ROW_COUNTS + 8);
        c.bytes_in = load_le64(p + ROW_COUNTS + 16);
        c.bytes_out = load_le64(p + ROW_COUNTS + 24);
        c.flows = load_le64(p + ROW_COUNTS + 32);
        c.first_ns = load_les64(p + ROW_COUNTS + 40);
        c.last_ns = load_les64(p + ROW_COUNTS + 48);
        /* Added, as cube_merge() adds: a repeated key cannot break the cube. */
        struct cube_counts *dst = &cube_row_at(cube, cube_lookup(cube, &key))->counts;
        dst->packets_in += c.packets_in;
        dst->packets_out += c.packets_out;
        dst->bytes_in += c.bytes_in;
        dst->bytes_out += c.bytes_out;
        dst->flows += c.flows;
        if (c.first_ns < dst->first_ns)
            dst->first_ns = c.first_ns;
        if (c.last_ns > dst->last_ns)
            dst->last_ns = c.last_ns;
    }
    return 0;
}

static int get_evidence(struct cursor *r, struct cube *cube)
{
    uint64_t n = get_u64(r);
    if (!fits(r, n, EVIDENCE_FIXED_BYTES))
        return -1;
    for (uint64_t i = 0; i < n; i++) {
        int64_t bin = get_i64(r);
        struct ip_addr remote;
        uint8_t remote_bytes[16];
        char value[EVIDENCE_VALUE_MAX + 1];
        get_bytes(r, remote_bytes, 16);
        uint8_t kind = get_u8(r);
        uint16_t len = get_u16(r);
        unsigned mapped_v6 = get_u8(r);
        if (r->short_read || kind >= EVIDENCE_KIND_COUNT || len > EVIDENCE_VALUE_MAX)
            return -1;
        get_bytes(r, value, len);
        uint64_t count = get_u64(r);
        /* Values are NUL-terminated in the table: a NUL inside would cut them. */
        if (r->short_read || memchr(value, '\0', len) ||
            addr_from_wire(&remote, remote_bytes, mapped_v6) < 0)
            return -1;
        value[len] = '\0';
        if (cube)
            evidence_table_put(cube_evidence(cube), bin, &remote, kind, value, len, count);
    }
    return 0;
}

int wire_result_decode(struct file_result *res, const uint8_t *data, size_t len, struct cube *into,
                       char *err, size_t errlen)
{
    struct cursor r = cursor_make(data, len);
    memset(res, 0, sizeof(*res));
    if (get_u32(&r) != RESULT_MAGIC || get_u32(&r) != WIRE_VERSION)
        return fail(err, errlen, "a result is not from this version of honeyscope-mpi");
    res->index = get_u32(&r);
    uint32_t status = get_u32(&r);
    int32_t s;
    memcpy(&s, &status, sizeof(s));
    res->status = s;
    if (r.short_read || (s != 0 && s != -1 && s != AGGREGATE_INTERRUPTED && s != DIST_REFUSED) ||
        get_str(&r, res->error, sizeof(res->error), sizeof(res->error) - 1) < 0 ||
        (s != 0 && res->error[0] == '\0') || get_stats(&r, &res->stats) < 0)
        return fail(err, errlen, "a result's header or counts are malformed");
    /* Checked whole first, so that nothing of a malformed result reaches a cube. */
    struct cursor rows = r;
    if (get_rows(&r, NULL) < 0 || get_evidence(&r, NULL) < 0 || r.left != 0)
        return fail(err, errlen, "a result's cube is malformed");
    res->cube = into ? NULL : cube_new();
    get_rows(&rows, into ? into : res->cube);
    get_evidence(&rows, into ? into : res->cube);
    return 0;
}
