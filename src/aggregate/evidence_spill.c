/*
 * Evidence runs: the rows of an evidence table past its memory, written to a
 * temporary file in spill order, and read back merged with the rows still in
 * memory.
 *
 * Values are as long as a packet made them, so a run is a stream of records
 * (a fixed head, then the value's bytes) rather than an array of rows. Its
 * file has no name (run_create() in spill.c), so it goes however the
 * process ends. Reading merges every run and the rows in memory, each
 * already in spill order: rows of equal keys are one row, their counts added,
 * so a value counts the same whether it was spilled once, ten times or never.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../evidence/evidence.h"
#include "aggregate_int.h"

/* A record's head: bin, count, remote, then length and kind; the value follows. */
enum { RECORD_HEAD = 8 + 8 + sizeof(struct ip_addr) + 2 + 1 };

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

int evidence_run_write(struct run *run, const struct evidence_row *row, const char *dir, char *err,
                       size_t errlen)
{
    unsigned char head[RECORD_HEAD];
    memcpy(head, &row->bin, 8);
    memcpy(head + 8, &row->count, 8);
    memcpy(head + 16, &row->remote, sizeof(row->remote));
    memcpy(head + 16 + sizeof(row->remote), &row->len, 2);
    head[RECORD_HEAD - 1] = row->kind;
    if (fwrite(head, sizeof(head), 1, run->fp) != 1 ||
        (row->len && fwrite(row->value, row->len, 1, run->fp) != 1)) {
        snprintf(err, errlen, "cannot write a spill file in '%s': %s", dir,
                 errno ? strerror(errno) : "write failed");
        return -1;
    }
    run->rows++;
    return 0;
}

/* ---- merging runs and the rows in memory ------------------------------------- */

/* Where rows come from: a run read record by record, or the rows in memory. */
struct source {
    struct run *run; /* NULL: the rows in memory */
    const struct evidence_sorted *rows;
    size_t count, next;
    struct evidence_row row; /* the current one */
    char value[EVIDENCE_VALUE_MAX + 1];
};

struct evidence_merge {
    struct source *sources;
    struct tournament tree;
    struct evidence_row out;
    char value[EVIDENCE_VALUE_MAX + 1];
    char err[512];
};

/* Makes the source's next row its current one; returns 0, 1 at its end, -1 on error. */
static int advance(struct evidence_merge *m, struct source *s)
{
    if (!s->run) {
        if (s->next == s->count)
            return 1;
        s->row = *s->rows[s->next++].row;
        return 0;
    }
    if (s->run->read == s->run->rows)
        return 1;
    unsigned char head[RECORD_HEAD];
    if (fread(head, sizeof(head), 1, s->run->fp) != 1)
        goto short_read;
    memcpy(&s->row.bin, head, 8);
    memcpy(&s->row.count, head + 8, 8);
    memcpy(&s->row.remote, head + 16, sizeof(s->row.remote));
    memcpy(&s->row.len, head + 16 + sizeof(s->row.remote), 2);
    s->row.kind = head[RECORD_HEAD - 1];
    /* Our own file, yet read as if it were not: a length past the bound is damage. */
    if (s->row.len > EVIDENCE_VALUE_MAX) {
        snprintf(m->err, sizeof(m->err), "cannot read back a spill file: a damaged record");
        return -1;
    }
    if (s->row.len && fread(s->value, s->row.len, 1, s->run->fp) != 1)
        goto short_read;
    s->value[s->row.len] = '\0';
    s->row.value = s->value;
    s->run->read++;
    return 0;
short_read:
    snprintf(m->err, sizeof(m->err), "cannot read back a spill file: %s",
             ferror(s->run->fp) ? strerror(errno) : "it is shorter than written");
    return -1;
}

static bool source_before(const void *ctx, size_t a, size_t b)
{
    const struct evidence_merge *m = ctx;
    return evidence_spill_order(&m->sources[a].row, &m->sources[b].row) < 0;
}

struct evidence_merge *evidence_merge_open(struct run **runs, size_t run_count,
                                           const struct evidence_sorted *rows, size_t row_count,
                                           char *err, size_t errlen)
{
    struct evidence_merge *m = xcalloc(1, sizeof(*m));
    size_t n = run_count + 1;
    m->sources = xcalloc(n, sizeof(*m->sources));
    tournament_init(&m->tree, n);
    for (size_t i = 0; i < n; i++) {
        struct source *s = &m->sources[i];
        if (i < run_count) {
            s->run = runs[i];
            s->run->read = 0;
            if (fseek(s->run->fp, 0, SEEK_SET) != 0) {
                snprintf(err, errlen, "cannot read back a spill file: %s", strerror(errno));
                evidence_merge_close(m);
                return NULL;
            }
        } else {
            s->rows = rows;
            s->count = row_count;
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
    free(m->sources);
    tournament_release(&m->tree);
    free(m);
}
