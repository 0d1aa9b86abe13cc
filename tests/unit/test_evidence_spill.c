/*
 * Unit tests of evidence spilling (src/aggregate/evidence_table.c,
 * evidence_spill.c): a table far past its memory, given a directory, reads
 * back through its cursor exactly what an unbounded table holds, equal keys
 * once and counts added, whether the keys came before or after a spill, in
 * one table or merged from several; more runs than a table keeps open are
 * merged on the way; nothing is left in the directory; and a table with
 * nowhere to spill says why and counts what it dropped.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/aggregate/aggregate.h"
#include "../../src/aggregate/aggregate_int.h"
#include "../../src/common/addr.h"
#include "check.h"

/* A bound far below what the rows take: a run every few thousand rows. */
#define SMALL_BOUND (UINT64_C(1) << 20)

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Key number k of a fixed set: its bin, remote, kind and value (up to 255 bytes). */
static void key_of(uint32_t k, int64_t *bin, struct ip_addr *remote, unsigned *kind, char *value,
                   size_t *len)
{
    char v4[32];
    snprintf(v4, sizeof(v4), "::ffff:10.%u.%u.%u", (k >> 16) & 255, (k >> 8) & 255, k & 3);
    memset(remote, 0, sizeof(*remote));
    if (addr_parse(remote, v4) != 0)
        abort();
    *bin = (int64_t)(k % 7) * 3600 - 7200; /* some before 1970 */
    *kind = 1 + k % 5;
    size_t n = (size_t)snprintf(value, 256, "value-%u-", k / 3);
    size_t pad = (k * 37) % 200; /* values of every length share prefixes */
    memset(value + n, 'a' + (int)(k % 26), pad);
    *len = n + pad;
    value[*len] = '\0';
}

/* Adds draws of keys below nkeys to t (bounded) and to ref (unbounded). */
static void fill(struct evidence_table *t, struct evidence_table *ref, uint32_t nkeys, size_t draws)
{
    char value[256];
    for (size_t i = 0; i < draws; i++) {
        uint32_t k = (uint32_t)(rng() % nkeys);
        int64_t bin;
        struct ip_addr remote;
        unsigned kind;
        size_t len;
        key_of(k, &bin, &remote, &kind, value, &len);
        uint64_t count = 1 + rng() % 9;
        evidence_table_add(t, bin, &remote, kind, value, len, count);
        evidence_table_put(ref, bin, &remote, kind, value, len, count);
    }
}

/* Whether two tables read the same rows in spill order; *rows: how many. */
static bool same_rows(struct evidence_table *got, struct evidence_table *want, size_t *rows)
{
    struct evidence_cursor *a = evidence_cursor_open(got, true);
    struct evidence_cursor *b = evidence_cursor_open(want, true);
    const struct evidence_row *x, *y;
    struct evidence_row last;
    char last_value[256];
    bool same = true;
    *rows = 0;
    for (;;) {
        int ra = evidence_cursor_next(a, &x), rb = evidence_cursor_next(b, &y);
        if (ra != rb) {
            same = false;
            break;
        }
        if (ra <= 0)
            break;
        if (evidence_spill_order(x, y) != 0 || x->count != y->count) {
            same = false;
            break;
        }
        /* Strictly increasing: every key once. */
        if (*rows && evidence_spill_order(&last, x) >= 0) {
            same = false;
            break;
        }
        last = *x;
        memcpy(last_value, x->value, x->len);
        last.value = last_value;
        ++*rows;
    }
    evidence_cursor_close(a);
    evidence_cursor_close(b);
    return same;
}

static char dir[] = "/tmp/honeyscope-test-evidence-XXXXXX";

static bool dir_empty(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n == 0;
}

static struct evidence_table *spilling_table(void)
{
    struct evidence_table *t = evidence_table_new();
    evidence_table_set_bytes(t, SMALL_BOUND);
    evidence_table_set_spill(t, dir);
    return t;
}

static struct evidence_table *unbounded_table(void)
{
    struct evidence_table *t = evidence_table_new();
    evidence_table_set_bytes(t, UINT64_MAX);
    return t;
}

static void test_spill_exact(void)
{
    rng_state = 0x9e3779b97f4a7c15u;
    struct evidence_table *t = spilling_table(), *ref = unbounded_table();
    fill(t, ref, 60000, 300000);
    CHECK(evidence_table_spilled(t));
    CHECK(evidence_table_error(t) == NULL);
    CHECK_U64(evidence_table_dropped(t), 0);
    /* More runs were written than a table keeps: they were merged on the way. */
    CHECK(evidence_table_spill_stats(t).runs > 16);
    CHECK(evidence_table_bytes(t) <= SMALL_BOUND);
    struct evidence_cursor *c = evidence_cursor_open(t, false);
    CHECK(!evidence_cursor_values_stable(c));
    evidence_cursor_close(c);
    size_t rows;
    CHECK(same_rows(t, ref, &rows));
    CHECK_U64(rows, evidence_table_count(ref));
    /* Read twice, the same. */
    CHECK(same_rows(t, ref, &rows));
    /* Added to after reading, still exact. */
    fill(t, ref, 60000, 20000);
    CHECK(same_rows(t, ref, &rows));
    evidence_table_free(t);
    evidence_table_free(ref);
    CHECK(dir_empty());
}

/* Tables merged (files of a report) and absorbed (workers of one file) keep every row. */
static void test_spill_merged(void)
{
    rng_state = 12345;
    struct evidence_table *a = spilling_table(), *b = spilling_table(), *c = spilling_table();
    struct evidence_table *into = spilling_table(), *ref = unbounded_table();
    fill(a, ref, 30000, 100000);
    fill(b, ref, 30000, 100000);
    fill(c, ref, 30000, 5000);
    fill(into, ref, 30000, 50000);
    evidence_table_merge(into, a);
    evidence_table_free(a);
    evidence_table_absorb_disjoint(into, b); /* not disjoint here: the cursor still adds them */
    evidence_table_merge(into, c);
    evidence_table_free(c);
    size_t rows;
    CHECK(same_rows(into, ref, &rows));
    CHECK_U64(rows, evidence_table_count(ref));
    CHECK_U64(evidence_table_dropped(into), 0);
    evidence_table_free(into);
    evidence_table_free(ref);
    CHECK(dir_empty());
}

/* Below its bound a table reads as it lies, values stable, nothing written. */
static void test_no_spill(void)
{
    rng_state = 77;
    struct evidence_table *t = spilling_table(), *ref = unbounded_table();
    fill(t, ref, 100, 1000);
    CHECK(!evidence_table_spilled(t));
    struct evidence_cursor *c = evidence_cursor_open(t, false);
    CHECK(evidence_cursor_values_stable(c));
    const struct evidence_row *row;
    size_t n = 0;
    while (evidence_cursor_next(c, &row) > 0)
        CHECK(row == evidence_table_at(t, n++));
    evidence_cursor_close(c);
    CHECK_U64(n, evidence_table_count(t));
    size_t rows;
    CHECK(same_rows(t, ref, &rows));
    CHECK_U64(evidence_table_spill_stats(t).runs, 0);
    evidence_table_free(t);
    evidence_table_free(ref);
}

/* Nowhere to spill: the table says why, keeps what it has and counts the rest as dropped. */
static void test_spill_nowhere(void)
{
    rng_state = 99;
    struct evidence_table *t = evidence_table_new(), *ref = unbounded_table();
    char missing[sizeof(dir) + 16];
    snprintf(missing, sizeof(missing), "%s/missing", dir);
    evidence_table_set_bytes(t, SMALL_BOUND);
    evidence_table_set_spill(t, missing);
    fill(t, ref, 60000, 100000);
    CHECK(!evidence_table_spilled(t));
    CHECK(evidence_table_error(t) != NULL);
    CHECK(evidence_table_error(t) && strstr(evidence_table_error(t), missing));
    CHECK(evidence_table_dropped(t) > 0);
    uint64_t kept = 0, all = 0;
    for (size_t i = 0; i < evidence_table_count(t); i++)
        kept += evidence_table_at(t, i)->count;
    for (size_t i = 0; i < evidence_table_count(ref); i++)
        all += evidence_table_at(ref, i)->count;
    CHECK_U64(kept + evidence_table_dropped(t), all);
    evidence_table_free(t);
    evidence_table_free(ref);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_spill_exact);
    RUN(test_spill_merged);
    RUN(test_no_spill);
    RUN(test_spill_nowhere);
    rmdir(dir);
    CHECK_EXIT();
}
