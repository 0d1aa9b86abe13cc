/*
 * Runs: cube rows written to a temporary file in spill order, and read back
 * merged.
 *
 * A cube over its memory budget writes its rows, sorted by remote address
 * (then bin, sensor, protocol, initiator, service), as one run and starts
 * empty. Reading merges every run: rows of equal keys from different runs
 * are one row with their counts added. A run's file has no name (Linux's
 * O_TMPFILE; elsewhere it is unlinked as soon as it is made), so it
 * disappears however the process ends (exit, error, SIGINT, a crash) and
 * never outlives its open stream.
 *
 * A cube's run is a sequence of blocks: a head (the block's encoded bytes
 * and its rows, 4 bytes each), then up to RUN_BLOCK_ROWS rows, each encoded
 * against the row before it in the block: a flags byte; the remote and the
 * sensor unless they are the row before's (4 bytes for IPv4, else 16 and the
 * mapped flag); the bin as a difference from the row before's; service,
 * protocol and initiator; the counts as variable-length integers; the first
 * packet's time from the bin's start and the last's from the first. A
 * flood's rows take about 30 bytes rather than their 112 in memory, and the
 * spill writes and reads that much less through the page cache.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/varint.h"
#include "../common/xalloc.h"
#include "aggregate_int.h"

int spill_cmp(const struct cube_key *a, const struct cube_key *b)
{
    int c = addr_compare(&a->remote, &b->remote);
    if (c)
        return c;
    if (a->bin != b->bin)
        return a->bin < b->bin ? -1 : 1;
    c = addr_compare(&a->sensor, &b->sensor);
    if (c)
        return c;
    if (a->proto != b->proto)
        return a->proto < b->proto ? -1 : 1;
    if (a->initiator != b->initiator)
        return a->initiator < b->initiator ? -1 : 1;
    return a->service < b->service ? -1 : a->service > b->service;
}

void counts_add(struct cube_counts *into, const struct cube_counts *from)
{
    into->packets_in += from->packets_in;
    into->packets_out += from->packets_out;
    into->bytes_in += from->bytes_in;
    into->bytes_out += from->bytes_out;
    into->flows += from->flows;
    if (from->first_ns < into->first_ns)
        into->first_ns = from->first_ns;
    if (from->last_ns > into->last_ns)
        into->last_ns = from->last_ns;
}

/* Its writes and reads are whole blocks, through no stdio buffer. */
struct run *run_create(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/honeyscope-spill-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        snprintf(err, errlen, "temporary directory name too long: '%s'", dir);
        return NULL;
    }
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR, 0600);
#endif
    /* Without O_TMPFILE (or on a file system without it) a signal between
     * mkstemp() and unlink() could leave the file behind. */
    if (fd < 0 && (fd = mkstemp(path)) >= 0)
        unlink(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot make a spill file in '%s': %s", dir, strerror(errno));
        return NULL;
    }
    FILE *fp = fdopen(fd, "w+b");
    if (!fp) {
        snprintf(err, errlen, "cannot make a spill file in '%s': %s", dir, strerror(errno));
        close(fd);
        return NULL;
    }
    setvbuf(fp, NULL, _IONBF, 0);
    struct run *run = xcalloc(1, sizeof(*run));
    run->fp = fp;
    run->block = xmalloc(RUN_BLOCK_HEAD + RUN_BUFFER);
    return run;
}

/* Flags of an encoded row. */
enum {
    ROW_SAME_REMOTE = 1,
    ROW_REMOTE_V4 = 2,
    ROW_SAME_SENSOR = 4,
    ROW_SENSOR_V4 = 8,
};

/* The longest encoded row: flags, two IPv6 addresses, protocol, initiator, nine integers. */
#define ROW_ENCODED_MAX (1 + 2 * 17 + 2 + 9 * VARINT_MAX)
_Static_assert((RUN_BLOCK_ROWS * ROW_ENCODED_MAX) <= RUN_BUFFER, "a full block fits its buffer");

size_t spill_put_addr(uint8_t *out, const struct ip_addr *a, bool v4)
{
    if (v4) {
        memcpy(out, a->b + 12, 4);
        return 4;
    }
    memcpy(out, a->b, 16);
    out[16] = a->mapped_v6;
    return 17;
}

static size_t encode_row(uint8_t *out, const struct cube_row *row, const struct cube_key *last)
{
    const struct cube_key *k = &row->key;
    const struct cube_counts *c = &row->counts;
    unsigned flags = 0;
    if (last && addr_equal(&k->remote, &last->remote))
        flags |= ROW_SAME_REMOTE;
    else if (addr_is_v4(&k->remote))
        flags |= ROW_REMOTE_V4;
    if (last && addr_equal(&k->sensor, &last->sensor))
        flags |= ROW_SAME_SENSOR;
    else if (addr_is_v4(&k->sensor))
        flags |= ROW_SENSOR_V4;
    size_t n = 0;
    out[n++] = (uint8_t)flags;
    if (!(flags & ROW_SAME_REMOTE))
        n += spill_put_addr(out + n, &k->remote, flags & ROW_REMOTE_V4);
    if (!(flags & ROW_SAME_SENSOR))
        n += spill_put_addr(out + n, &k->sensor, flags & ROW_SENSOR_V4);
    n += varint_put(out + n, zigzag_encode((uint64_t)k->bin - (last ? (uint64_t)last->bin : 0)));
    n += varint_put(out + n, k->service);
    out[n++] = k->proto;
    out[n++] = k->initiator;
    n += varint_put(out + n, c->packets_in);
    n += varint_put(out + n, c->packets_out);
    n += varint_put(out + n, c->bytes_in);
    n += varint_put(out + n, c->bytes_out);
    n += varint_put(out + n, c->flows);
    n += varint_put(out + n, zigzag_encode((uint64_t)c->first_ns - (uint64_t)k->bin * 1000000000u));
    n += varint_put(out + n, zigzag_encode((uint64_t)c->last_ns - (uint64_t)c->first_ns));
    return n;
}

int run_write_block(struct run *run, const char *dir, char *err, size_t errlen)
{
    uint32_t head[2] = {(uint32_t)run->block_len, (uint32_t)run->block_rows};
    memcpy(run->block, head, sizeof(head));
    size_t size = RUN_BLOCK_HEAD + run->block_len;
    if (fwrite(run->block, 1, size, run->fp) != size) {
        snprintf(err, errlen, "cannot write a spill file in '%s': %s", dir,
                 errno ? strerror(errno) : "write failed");
        return -1;
    }
    run->bytes += size;
    run->block_len = run->block_rows = 0;
    return 0;
}

int run_write(struct run *run, const struct cube_row *rows, size_t count, const char *dir,
              char *err, size_t errlen)
{
    for (size_t i = 0; i < count; i++) {
        if (run->block_rows == RUN_BLOCK_ROWS && run_write_block(run, dir, err, errlen) < 0)
            return -1;
        run->block_len += encode_row(run->block + RUN_BLOCK_HEAD + run->block_len, &rows[i],
                                     run->block_rows ? &run->last_key : NULL);
        run->block_rows++;
        run->last_key = rows[i].key;
    }
    run->rows += count;
    return 0;
}

int run_finish_writing(struct run *run, const char *dir, char *err, size_t errlen)
{
    if (run->block_rows && run_write_block(run, dir, err, errlen) < 0)
        return -1;
    /* A run waits to be read with no buffer: a table may keep dozens. */
    run_release_buffers(run);
    if (fflush(run->fp) != 0 || fseek(run->fp, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "cannot write a spill file in '%s': %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

void run_release_buffers(struct run *run)
{
    free(run->block);
    run->block = NULL;
    free(run->batch);
    run->batch = NULL;
    run->batch_len = run->batch_next = 0;
}

void run_free(struct run *run)
{
    if (!run)
        return;
    fclose(run->fp);
    free(run->block);
    free(run->evidence);
    free(run->batch);
    free(run);
}

/* ---- merging runs ------------------------------------------------------------ */

void tournament_init(struct tournament *t, size_t count)
{
    t->count = count ? count : 1;
    t->loser = xcalloc(t->count, sizeof(*t->loser));
    t->ended = xcalloc(t->count, sizeof(*t->ended));
    t->winner = 0;
}

/* Plays the matches below node; returns their winner. */
static size_t play(struct tournament *t, tournament_before *before, const void *ctx, size_t node)
{
    if (node >= t->count)
        return node - t->count;
    size_t left = play(t, before, ctx, 2 * node), right = play(t, before, ctx, 2 * node + 1);
    bool right_wins = tournament_match(t, before, ctx, right, left);
    t->loser[node] = right_wins ? left : right;
    return right_wins ? right : left;
}

void tournament_start(struct tournament *t, tournament_before *before, const void *ctx)
{
    t->winner = play(t, before, ctx, 1);
}

void tournament_release(struct tournament *t)
{
    free(t->loser);
    free(t->ended);
}

/* The runs of a cube, merged by a tournament of their current rows. */
struct run_merge {
    struct run **runs;
    struct tournament tree;
    char err[512];
};

static const struct cube_row *head(const struct run_merge *m, size_t run_i)
{
    const struct run *run = m->runs[run_i];
    return &run->batch[run->batch_next];
}

static bool run_before(const void *ctx, size_t a, size_t b)
{
    const struct run_merge *m = ctx;
    return spill_cmp(&head(m, a)->key, &head(m, b)->key) < 0;
}

static bool get_varint(struct block_reader *r, uint64_t *v)
{
    return varint_get(&r->at, r->end, v);
}

bool spill_get_addr(struct block_reader *r, struct ip_addr *a, bool v4)
{
    size_t need = v4 ? 4 : 17;
    if ((size_t)(r->end - r->at) < need)
        return false;
    if (v4) {
        addr_from_v4(a, r->at);
    } else {
        memset(a, 0, sizeof(*a));
        memcpy(a->b, r->at, 16);
        a->mapped_v6 = r->at[16];
        if (a->mapped_v6 > 1)
            return false;
    }
    r->at += need;
    return true;
}

static bool decode_row(struct block_reader *r, struct cube_row *row, const struct cube_row *last)
{
    memset(row, 0, sizeof(*row));
    struct cube_key *k = &row->key;
    struct cube_counts *c = &row->counts;
    if (r->at == r->end)
        return false;
    unsigned flags = *r->at++;
    if (flags > 15 || (!last && (flags & (ROW_SAME_REMOTE | ROW_SAME_SENSOR))))
        return false;
    if (flags & ROW_SAME_REMOTE)
        k->remote = last->key.remote;
    else if (!spill_get_addr(r, &k->remote, flags & ROW_REMOTE_V4))
        return false;
    if (flags & ROW_SAME_SENSOR)
        k->sensor = last->key.sensor;
    else if (!spill_get_addr(r, &k->sensor, flags & ROW_SENSOR_V4))
        return false;
    uint64_t bin, service, first, last_ns;
    if (!get_varint(r, &bin) || !get_varint(r, &service) || service > UINT16_MAX ||
        r->end - r->at < 2)
        return false;
    k->bin = int64_from_bits((last ? (uint64_t)last->key.bin : 0) + zigzag_decode(bin));
    k->service = (uint16_t)service;
    k->proto = *r->at++;
    k->initiator = *r->at++;
    if (!get_varint(r, &c->packets_in) || !get_varint(r, &c->packets_out) ||
        !get_varint(r, &c->bytes_in) || !get_varint(r, &c->bytes_out) ||
        !get_varint(r, &c->flows) || !get_varint(r, &first) || !get_varint(r, &last_ns))
        return false;
    c->first_ns = int64_from_bits((uint64_t)k->bin * 1000000000u + zigzag_decode(first));
    c->last_ns = int64_from_bits((uint64_t)c->first_ns + zigzag_decode(last_ns));
    return true;
}

long run_read_block(struct run *run, uint64_t rows_left, char *err, size_t errlen)
{
    uint32_t head[2];
    if (fread(head, sizeof(head), 1, run->fp) != 1)
        goto short_read;
    if (head[0] > RUN_BUFFER || head[1] == 0 || head[1] > RUN_BLOCK_ROWS || head[1] > rows_left)
        goto damaged;
    if (!run->block)
        run->block = xmalloc(RUN_BLOCK_HEAD + RUN_BUFFER);
    if (head[0] && fread(run->block, head[0], 1, run->fp) != 1)
        goto short_read;
    run->block_len = head[0];
    return (long)head[1];
short_read:
    snprintf(err, errlen, "cannot read back a spill file: %s",
             ferror(run->fp) ? strerror(errno) : "it is shorter than written");
    return -1;
damaged:
    snprintf(err, errlen, "cannot read back a spill file: it is not as written");
    return -1;
}

/* Reads run's next block into its batch. Returns 0, or -1 with m->err. */
static int read_block(struct run_merge *m, struct run *run)
{
    long rows = run_read_block(run, run->rows - run->read, m->err, sizeof(m->err));
    if (rows < 0)
        return -1;
    if (!run->batch)
        run->batch = xcalloc(RUN_BLOCK_ROWS, sizeof(*run->batch));
    struct block_reader r = {run->block, run->block + run->block_len};
    for (size_t i = 0; i < (size_t)rows; i++)
        if (!decode_row(&r, &run->batch[i], i ? &run->batch[i - 1] : NULL))
            goto damaged;
    if (r.at != r.end)
        goto damaged;
    run->read += (uint64_t)rows;
    run->batch_len = (size_t)rows;
    run->batch_next = 0;
    return 0;
damaged:
    snprintf(m->err, sizeof(m->err), "cannot read back a spill file: it is not as written");
    return -1;
}

/* Makes run's next row its current one; returns 0, 1 at the run's end, -1 on error. */
static int advance(struct run_merge *m, struct run *run)
{
    if (run->batch_next + 1 < run->batch_len) {
        run->batch_next++;
        return 0;
    }
    if (run->read == run->rows)
        return 1;
    return read_block(m, run);
}

struct run_merge *run_merge_open(struct run **runs, size_t count, char *err, size_t errlen)
{
    struct run_merge *m = xcalloc(1, sizeof(*m));
    tournament_init(&m->tree, count);
    m->runs = xcalloc(m->tree.count, sizeof(*m->runs));
    m->tree.ended[0] = true; /* no run at all: the merge is over */
    for (size_t i = 0; i < count; i++) {
        runs[i]->read = 0;
        runs[i]->batch_len = runs[i]->batch_next = 0;
        if (fseek(runs[i]->fp, 0, SEEK_SET) != 0) {
            snprintf(err, errlen, "cannot read back a spill file: %s", strerror(errno));
            run_merge_close(m);
            return NULL;
        }
        m->runs[i] = runs[i];
        int r = advance(m, runs[i]);
        if (r < 0) {
            snprintf(err, errlen, "%s", m->err);
            run_merge_close(m);
            return NULL;
        }
        m->tree.ended[i] = r > 0;
    }
    tournament_start(&m->tree, run_before, m);
    return m;
}

int run_merge_next(struct run_merge *m, struct cube_row *row, char *err, size_t errlen)
{
    struct tournament *t = &m->tree;
    if (t->ended[t->winner])
        return 1;
    *row = *head(m, t->winner);
    /* Equal keys from other runs are the same row: add them up. */
    for (;;) {
        int r = advance(m, m->runs[t->winner]);
        if (r < 0) {
            snprintf(err, errlen, "%s", m->err);
            return -1;
        }
        t->ended[t->winner] = r > 0;
        tournament_replay(t, run_before, m);
        if (t->ended[t->winner])
            return 0;
        const struct cube_row *next = head(m, t->winner);
        if (spill_cmp(&next->key, &row->key) != 0)
            return 0;
        counts_add(&row->counts, &next->counts);
    }
}

void run_merge_close(struct run_merge *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->tree.count; i++)
        if (m->runs[i])
            run_release_buffers(m->runs[i]);
    free(m->runs);
    tournament_release(&m->tree);
    free(m);
}
