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
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    struct run *run = xcalloc(1, sizeof(*run));
    run->fp = fp;
    run->buf = xmalloc(RUN_BUFFER);
    setvbuf(fp, run->buf, _IOFBF, RUN_BUFFER);
    return run;
}

int run_write(struct run *run, const struct cube_row *rows, size_t count, const char *dir,
              char *err, size_t errlen)
{
    if (fwrite(rows, sizeof(*rows), count, run->fp) != count) {
        snprintf(err, errlen, "cannot write a spill file in '%s': %s", dir,
                 errno ? strerror(errno) : "write failed");
        return -1;
    }
    run->rows += count;
    return 0;
}

int run_finish_writing(struct run *run, const char *dir, char *err, size_t errlen)
{
    if (fflush(run->fp) != 0 || fseek(run->fp, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "cannot write a spill file in '%s': %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

void run_free(struct run *run)
{
    if (!run)
        return;
    fclose(run->fp);
    free(run->buf);
    free(run->batch);
    free(run);
}

/* ---- merging runs ------------------------------------------------------------ */

/*
 * A heap of runs ordered by their current row, smallest first. The heap
 * holds positions in runs[]; rows stay where their run's batch holds them.
 */
struct run_merge {
    struct run **runs;
    size_t *heap;
    size_t count;
    char err[512];
};

static const struct cube_row *head(const struct run_merge *m, size_t heap_i)
{
    const struct run *run = m->runs[m->heap[heap_i]];
    return &run->batch[run->batch_next];
}

static bool heap_less(const struct run_merge *m, size_t a, size_t b)
{
    return spill_cmp(&head(m, a)->key, &head(m, b)->key) < 0;
}

static void heap_swap(struct run_merge *m, size_t a, size_t b)
{
    size_t x = m->heap[a];
    m->heap[a] = m->heap[b];
    m->heap[b] = x;
}

static void heap_down(struct run_merge *m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, s = i;
        if (l < m->count && heap_less(m, l, s))
            s = l;
        if (r < m->count && heap_less(m, r, s))
            s = r;
        if (s == i)
            return;
        heap_swap(m, i, s);
        i = s;
    }
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
    uint64_t left = run->rows - run->read;
    size_t want = left < RUN_BATCH_ROWS ? (size_t)left : RUN_BATCH_ROWS;
    if (!run->batch)
        run->batch = xcalloc(RUN_BATCH_ROWS, sizeof(*run->batch));
    if (fread(run->batch, sizeof(*run->batch), want, run->fp) != want) {
        snprintf(m->err, sizeof(m->err), "cannot read back a spill file: %s",
                 ferror(run->fp) ? strerror(errno) : "it is shorter than written");
        return -1;
    }
    run->read += want;
    run->batch_len = want;
    run->batch_next = 0;
    return 0;
}

struct run_merge *run_merge_open(struct run **runs, size_t count, char *err, size_t errlen)
{
    struct run_merge *m = xcalloc(1, sizeof(*m));
    m->runs = xcalloc(count ? count : 1, sizeof(*m->runs));
    m->heap = xcalloc(count ? count : 1, sizeof(*m->heap));
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
        if (r == 0)
            m->heap[m->count++] = i;
    }
    for (size_t i = m->count / 2; i-- > 0;)
        heap_down(m, i);
    return m;
}

int run_merge_next(struct run_merge *m, struct cube_row *row, char *err, size_t errlen)
{
    if (m->count == 0)
        return 1;
    *row = *head(m, 0);
    /* Equal keys from other runs are the same row: add them up. */
    for (;;) {
        int r = advance(m, m->runs[m->heap[0]]);
        if (r < 0) {
            snprintf(err, errlen, "%s", m->err);
            return -1;
        }
        if (r > 0) {
            m->count--;
            if (m->count == 0)
                return 0;
            heap_swap(m, 0, m->count);
        }
        heap_down(m, 0);
        const struct cube_row *next = head(m, 0);
        if (spill_cmp(&next->key, &row->key) != 0)
            return 0;
        counts_add(&row->counts, &next->counts);
    }
}

void run_merge_close(struct run_merge *m)
{
    if (!m)
        return;
    free(m->runs);
    free(m->heap);
    free(m);
}
