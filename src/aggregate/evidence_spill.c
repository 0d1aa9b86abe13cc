/*
 * Evidence runs: the rows of an evidence table past its memory, written to a
 * temporary file in spill order, and read back merged with the rows still in
 * memory.
 *
 * A run is a sequence of blocks as a cube's (spill.c), each of one kind: the
 * head, the kind's byte, then up to RUN_BLOCK_ROWS rows, each encoded
 * against the row before it in the block: a flags byte; the value unless it
 * is the row before's, as how many bytes it shares with that one and the
 * rest; the remote unless it is the row before's (4 bytes for IPv4); the
 * bin as a difference from the row before's; the count. In spill order the
 * rows of one value follow each other and neighbouring values share their
 * start, so a row takes a fraction of its value. The run keeps where each
 * kind's blocks start, and a reader of some kinds reads only theirs.
 *
 * Its file has no name (spill.c), so it goes however the process ends.
 * Reading merges every run and the rows in memory, each already in spill
 * order: rows of equal keys are one row, their counts added, so a value
 * counts the same whether it was spilled once, ten times or never.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/varint.h"
#include "../common/xalloc.h"
#include "../evidence/evidence.h"
#include "aggregate_int.h"

/* Kinds a row's byte can name: a table holds what a store gave it too. */
#define KIND_SLOTS 256

struct evidence_run {
    struct evidence_row last; /* the block's row before, which the next is encoded against */
    char last_value[EVIDENCE_VALUE_MAX + 1];
    unsigned kinds_placed; /* kinds [0, kinds_placed) know where they start */
    /* Where kind k's blocks start (the next kind's start when it has none): */
    uint64_t kind_at[KIND_SLOTS + 1];   /* the offset of its first block */
    uint64_t kind_rows[KIND_SLOTS + 1]; /* the rows before it */
};

/* Flags of an encoded row. */
enum {
    ROW_SAME_VALUE = 1,
    ROW_SAME_REMOTE = 2,
    ROW_REMOTE_V4 = 4,
};

/* The longest encoded row: flags, the value's two lengths and bytes, an address, bin, count. */
#define ROW_ENCODED_MAX (1 + 2 * VARINT_MAX + EVIDENCE_VALUE_MAX + 17 + 2 * VARINT_MAX)
_Static_assert(1 + ROW_ENCODED_MAX <= RUN_BUFFER, "a block holds a row");

int evidence_spill_order(const struct evidence_row *a, const struct evidence_row *b)
{
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    int c = memcmp(a->value, b->value, a->len);
    if (c)
        return c;
    c = addr_compare(&a->remote, &b->remote);
    if (c)
        return c;
    return a->bin < b->bin ? -1 : a->bin > b->bin;
}

struct run *evidence_run_create(const char *dir, char *err, size_t errlen)
{
    struct run *run = run_create(dir, err, errlen);
    if (run)
        run->evidence = xcalloc(1, sizeof(*run->evidence));
    return run;
}

/* Kinds up to through_kind start here, where no row of theirs came before. */
static void place_kinds(struct run *run, unsigned through_kind)
{
    struct evidence_run *e = run->evidence;
    for (; e->kinds_placed <= through_kind; e->kinds_placed++) {
        e->kind_at[e->kinds_placed] = run->bytes;
        e->kind_rows[e->kinds_placed] = run->rows;
    }
}

/* How many bytes a and b share from their start, of at most n: eight at a time. */
static size_t shared_start(const char *a, const char *b, size_t n)
{
    size_t i = 0;
    for (uint64_t x, y; i + 8 <= n; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            break;
    }
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

static size_t encode_row(uint8_t *out, const struct evidence_row *row,
                         const struct evidence_row *last)
{
    size_t shared = 0;
    if (last)
        shared = shared_start(last->value, row->value, last->len < row->len ? last->len : row->len);
    unsigned flags = 0;
    if (last && last->len == row->len && shared == row->len)
        flags |= ROW_SAME_VALUE;
    if (last && addr_equal(&last->remote, &row->remote))
        flags |= ROW_SAME_REMOTE;
    else if (addr_is_v4(&row->remote))
        flags |= ROW_REMOTE_V4;
    size_t n = 0;
    out[n++] = (uint8_t)flags;
    if (!(flags & ROW_SAME_VALUE)) {
        n += varint_put(out + n, shared);
        n += varint_put(out + n, row->len - shared);
        memcpy(out + n, row->value + shared, row->len - shared);
        n += row->len - shared;
    }
    if (!(flags & ROW_SAME_REMOTE))
        n += spill_put_addr(out + n, &row->remote, flags & ROW_REMOTE_V4);
    n += varint_put(out + n, zigzag_encode((uint64_t)row->bin - (last ? (uint64_t)last->bin : 0)));
    n += varint_put(out + n, row->count);
    return n;
}

int evidence_run_write(struct run *run, const struct evidence_row *row, const char *dir, char *err,
                       size_t errlen)
{
    struct evidence_run *e = run->evidence;
    size_t len = row->len > EVIDENCE_VALUE_MAX ? EVIDENCE_VALUE_MAX : row->len;
    struct evidence_row cut = *row;
    cut.len = (uint16_t)len;
    if (!run->block_rows || run->block_rows == RUN_BLOCK_ROWS || row->kind != e->last.kind ||
        run->block_len + ROW_ENCODED_MAX > RUN_BUFFER) {
        if (run->block_rows && run_write_block(run, dir, err, errlen) < 0)
            return -1;
        place_kinds(run, row->kind);
        run->block[RUN_BLOCK_HEAD] = row->kind;
        run->block_len = 1;
    }
    run->block_len += encode_row(run->block + RUN_BLOCK_HEAD + run->block_len, &cut,
                                 run->block_rows ? &e->last : NULL);
    run->block_rows++;
    run->rows++;
    e->last = cut;
    memcpy(e->last_value, row->value, len);
    e->last.value = e->last_value;
    return 0;
}

int evidence_run_finish(struct run *run, const char *dir, char *err, size_t errlen)
{
    if (run->block_rows && run_write_block(run, dir, err, errlen) < 0)
        return -1;
    place_kinds(run, KIND_SLOTS);
    return run_finish_writing(run, dir, err, errlen);
}

/* ---- merging runs and the rows in memory ------------------------------------- */

/* Where rows come from: a run read block by block, or the rows in memory. */
struct source {
    struct run *run; /* NULL: the rows in memory */
    const struct evidence_sorted *rows;
    size_t next, end;   /* the rows in memory: rows[next..end) are left */
    uint64_t rows_left; /* a run: rows of the kinds read in blocks not yet read */
    uint64_t at_row;    /* a run: the row of the run its next block starts with */
    size_t block_left;  /* rows of the block read not yet decoded */
    struct block_reader block;
    uint8_t kind;            /* the block's */
    struct evidence_row row; /* the current one */
    char value[EVIDENCE_VALUE_MAX + 1];
};

struct evidence_merge {
    struct source *sources;
    struct tournament tree;
    struct evidence_kinds kinds;
    struct evidence_row out;
    char value[EVIDENCE_VALUE_MAX + 1];
    char err[512];
};

/* Decodes the block's next row over the one before it (none at the block's start). */
static bool decode_row(struct source *s, bool first)
{
    struct block_reader *r = &s->block;
    struct evidence_row *row = &s->row;
    if (r->at == r->end)
        return false;
    unsigned flags = *r->at++;
    if (flags > 7 || (first && (flags & (ROW_SAME_VALUE | ROW_SAME_REMOTE))))
        return false;
    if (first)
        row->len = 0;
    if (!(flags & ROW_SAME_VALUE)) {
        uint64_t shared, rest;
        if (!varint_get(&r->at, r->end, &shared) || !varint_get(&r->at, r->end, &rest) ||
            shared > row->len || rest > EVIDENCE_VALUE_MAX - shared ||
            rest > (uint64_t)(r->end - r->at))
            return false;
        /* The shared bytes are the row before's, still in place. */
        memcpy(s->value + shared, r->at, rest);
        r->at += rest;
        row->len = (uint16_t)(shared + rest);
    }
    if (!(flags & ROW_SAME_REMOTE) && !spill_get_addr(r, &row->remote, flags & ROW_REMOTE_V4))
        return false;
    uint64_t bin;
    if (!varint_get(&r->at, r->end, &bin) || !varint_get(&r->at, r->end, &row->count))
        return false;
    row->bin = int64_from_bits((first ? 0 : (uint64_t)row->bin) + zigzag_decode(bin));
    row->kind = s->kind;
    s->value[row->len] = '\0';
    row->value = s->value;
    return true;
}

/* Makes the source's next row its current one; returns 0, 1 at its end, -1 on error. */
static int advance(struct evidence_merge *m, struct source *s)
{
    if (!s->run) {
        if (s->next == s->end)
            return 1;
        s->row = *s->rows[s->next++].row;
        return 0;
    }
    bool first = false;
    if (!s->block_left) {
        if (!s->rows_left)
            return 1;
        long rows = run_read_block(s->run, s->rows_left, m->err, sizeof(m->err));
        if (rows < 0)
            return -1;
        s->block = (struct block_reader){s->run->block, s->run->block + s->run->block_len};
        /* Its kind is the one whose rows the run's index puts here. */
        const struct evidence_run *e = s->run->evidence;
        if (s->block.at == s->block.end || e->kind_rows[*s->block.at] > s->at_row ||
            s->at_row + (uint64_t)rows > e->kind_rows[*s->block.at + 1])
            goto damaged;
        s->kind = *s->block.at++;
        s->block_left = (size_t)rows;
        s->rows_left -= (uint64_t)rows;
        s->at_row += (uint64_t)rows;
        first = true;
    }
    if (!decode_row(s, first))
        goto damaged;
    if (!--s->block_left && s->block.at != s->block.end)
        goto damaged;
    return 0;
damaged:
    snprintf(m->err, sizeof(m->err), "cannot read back a spill file: it is not as written");
    return -1;
}

/* The first of rows[0..count) (in spill order) of a kind past kind, or count. */
static size_t rows_past_kind(const struct evidence_sorted *rows, size_t count, long kind)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((long)rows[mid].row->kind <= kind)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool source_before(const void *ctx, size_t a, size_t b)
{
    const struct evidence_merge *m = ctx;
    return evidence_spill_order(&m->sources[a].row, &m->sources[b].row) < 0;
}

struct evidence_merge *evidence_merge_open(struct run **runs, size_t run_count,
                                           const struct evidence_sorted *rows, size_t row_count,
                                           struct evidence_kinds kinds, char *err, size_t errlen)
{
    struct evidence_merge *m = xcalloc(1, sizeof(*m));
    if (kinds.last >= KIND_SLOTS)
        kinds.last = KIND_SLOTS - 1;
    m->kinds = kinds;
    size_t n = run_count + 1;
    m->sources = xcalloc(n, sizeof(*m->sources));
    tournament_init(&m->tree, n);
    for (size_t i = 0; i < n; i++) {
        struct source *s = &m->sources[i];
        if (i < run_count) {
            s->run = runs[i];
            const struct evidence_run *e = s->run->evidence;
            /* No kinds at all (first past last): no rows. */
            if (kinds.first <= kinds.last) {
                s->at_row = e->kind_rows[kinds.first];
                s->rows_left = e->kind_rows[kinds.last + 1] - s->at_row;
                if (fseeko(s->run->fp, (off_t)e->kind_at[kinds.first], SEEK_SET) != 0) {
                    snprintf(err, errlen, "cannot read back a spill file: %s", strerror(errno));
                    evidence_merge_close(m);
                    return NULL;
                }
            }
        } else {
            s->rows = rows;
            s->next = rows_past_kind(rows, row_count, (long)kinds.first - 1);
            s->end = kinds.first > kinds.last ? s->next
                                              : rows_past_kind(rows, row_count, (long)kinds.last);
        }
        int r = advance(m, s);
        if (r < 0) {
            snprintf(err, errlen, "%s", m->err);
            evidence_merge_close(m);
            return NULL;
        }
        m->tree.ended[i] = r > 0;
    }
    tournament_start(&m->tree, source_before, m);
    return m;
}

int evidence_merge_next(struct evidence_merge *m, const struct evidence_row **row, char *err,
                        size_t errlen)
{
    struct tournament *t = &m->tree;
    if (t->ended[t->winner])
        return 0;
    m->out = m->sources[t->winner].row;
    memcpy(m->value, m->out.value, m->out.len);
    m->value[m->out.len] = '\0';
    m->out.value = m->value;
    /* Equal keys from other sources are the same row: add them up. */
    for (;;) {
        int r = advance(m, &m->sources[t->winner]);
        if (r < 0) {
            snprintf(err, errlen, "%s", m->err);
            return -1;
        }
        t->ended[t->winner] = r > 0;
        tournament_replay(t, source_before, m);
        if (t->ended[t->winner])
            break;
        const struct evidence_row *next = &m->sources[t->winner].row;
        if (evidence_spill_order(next, &m->out) != 0)
            break;
        m->out.count += next->count;
    }
    *row = &m->out;
    return 1;
}

void evidence_merge_close(struct evidence_merge *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->tree.count; i++)
        if (m->sources[i].run)
            run_release_buffers(m->sources[i].run);
    free(m->sources);
    tournament_release(&m->tree);
    free(m);
}
