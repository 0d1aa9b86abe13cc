/*
 * Unit tests of evidence spilling (src/aggregate/evidence_table.c,
 * evidence_spill.c): a table far past its memory, given a directory, reads
 * back through its cursor exactly what an unbounded table holds, equal keys
 * once and counts added, whether the keys came before or after a spill, in
 * one table or merged from several; more runs than a table keeps open are
 * merged on the way; nothing is left in the directory; and a table with
 * nowhere to spill says why and counts what it dropped. A cursor of some
 * kinds reads theirs alone, spilled or not; a run reads back every row as
 * written, whatever its bytes, and a damaged run is an error.
 */
#include <dirent.h>
#include <limits.h>
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

/*
 * Whether cursor a (closed here) reads want's rows of kinds, in spill order,
 * each key once; *rows: how many.
 */
static bool reads_rows_of(struct evidence_cursor *a, struct evidence_table *want,
                          struct evidence_kinds kinds, size_t *rows)
{
    struct evidence_cursor *b = evidence_cursor_open(want, true);
    const struct evidence_row *x, *y;
    struct evidence_row last;
    char last_value[256];
    bool same = true;
    *rows = 0;
    for (;;) {
        int ra = evidence_cursor_next(a, &x), rb;
        while ((rb = evidence_cursor_next(b, &y)) > 0 &&
               (y->kind < kinds.first || y->kind > kinds.last))
            ;
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

/* Whether two tables read the same rows in spill order; *rows: how many. */
static bool same_rows(struct evidence_table *got, struct evidence_table *want, size_t *rows)
{
    return reads_rows_of(evidence_cursor_open(got, true), want, EVIDENCE_KINDS_ALL, rows);
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
    CHECK(evidence_table_spill_stats(t).runs > 32);
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

/* More runs taken from other tables than a table reads at once: merged on the way, none lost. */
static void test_spill_taken_many(void)
{
    rng_state = 5150;
    struct evidence_table *into = spilling_table(), *ref = unbounded_table();
    uint64_t runs = 0;
    for (int i = 0; i < 8; i++) {
        struct evidence_table *part = spilling_table();
        fill(part, ref, 60000, 90000);
        runs += evidence_table_spill_stats(part).runs;
        evidence_table_merge(into, part);
        evidence_table_free(part);
    }
    CHECK(runs > 128);
    CHECK(evidence_table_error(into) == NULL);
    size_t rows;
    CHECK(same_rows(into, ref, &rows));
    CHECK_U64(rows, evidence_table_count(ref));
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

/* The rows of want of kinds, in spill order, are what got's cursor of kinds reads (spilled). */
static bool same_rows_of_kinds(struct evidence_table *got, struct evidence_table *want,
                               struct evidence_kinds kinds, size_t *rows)
{
    return reads_rows_of(evidence_cursor_open_kinds(got, kinds), want, kinds, rows);
}

/*
 * Spill order where values share long starts: groups of every size under one
 * prefix, values that differ only past byte 6, 14 or 22 or in their last
 * byte, one value from many remotes and bins. Read in spill order, every
 * row once, each after the one before.
 */
static void test_sort_deep(void)
{
    struct evidence_table *t = unbounded_table();
    char value[64];
    size_t added = 0;
    rng_state = 2718;
    for (unsigned g = 0; g < 400; g++) {
        size_t len = 24 + g % 7;
        memset(value, 'q', len);
        unsigned at = (unsigned[]){6, 13, 14, 21, 22, 29}[g % 6];
        if (at >= len)
            at = (unsigned)len - 1;
        unsigned rows = 1 + (unsigned)(rng() % 60);
        for (unsigned r = 0; r < rows; r++) {
            value[at] = (char)(rng() % 256);
            value[len - 1] = (char)('a' + r % 3);
            struct ip_addr remote;
            char text[32];
            snprintf(text, sizeof(text), "198.51.100.%u", (unsigned)(rng() % 4));
            if (addr_parse(&remote, text) != 0)
                abort();
            evidence_table_put(t, (int64_t)(rng() % 3) * 900, &remote, 1 + g % 2, value, len, 1);
            added++;
        }
    }
    size_t rows;
    CHECK(same_rows(t, t, &rows));
    CHECK_U64(rows, evidence_table_count(t));
    CHECK(rows > 1000);
    uint64_t total = 0;
    for (size_t i = 0; i < evidence_table_count(t); i++)
        total += evidence_table_at(t, i)->count;
    CHECK_U64(total, added);
    evidence_table_free(t);
}

/* Rows of kinds first..last: every range over the kinds present (1 to 5) and past them. */
static void test_spill_kinds(void)
{
    rng_state = 4242;
    struct evidence_table *t = spilling_table(), *ref = unbounded_table();
    fill(t, ref, 60000, 200000);
    CHECK(evidence_table_spilled(t));
    size_t total = 0;
    for (unsigned first = 0; first <= 7; first++) {
        for (unsigned last = first; last <= 7; last++) {
            size_t rows, want = 0;
            for (size_t i = 0; i < evidence_table_count(ref); i++) {
                unsigned kind = evidence_table_at(ref, i)->kind;
                want += kind >= first && kind <= last;
            }
            CHECK(same_rows_of_kinds(t, ref, (struct evidence_kinds){first, last}, &rows));
            CHECK_U64(rows, want);
            if (first == 0 && last == 7)
                total = rows;
        }
    }
    CHECK_U64(total, evidence_table_count(ref));
    size_t rows;
    CHECK(same_rows_of_kinds(t, ref, (struct evidence_kinds){3, 2}, &rows));
    CHECK_U64(rows, 0);
    CHECK(same_rows_of_kinds(t, ref, (struct evidence_kinds){200, 300}, &rows));
    CHECK_U64(rows, 0);

    /* In memory, not spilled: the rows of the kinds as they lie, values stable. */
    for (unsigned kind = 0; kind <= 6; kind++) {
        struct evidence_cursor *c =
            evidence_cursor_open_kinds(ref, (struct evidence_kinds){kind, kind});
        CHECK(evidence_cursor_values_stable(c));
        const struct evidence_row *row;
        size_t got = 0, want = 0;
        while (evidence_cursor_next(c, &row) > 0) {
            CHECK_U64(row->kind, kind);
            got++;
        }
        evidence_cursor_close(c);
        for (size_t i = 0; i < evidence_table_count(ref); i++)
            want += evidence_table_at(ref, i)->kind == kind;
        CHECK_U64(got, want);
    }
    evidence_table_free(t);
    evidence_table_free(ref);
    CHECK(dir_empty());
}

/* Rows built to meet every case of the encoding, their values in values[]. */
enum { ROUND_TRIP_ROWS = 3000 };
static struct evidence_row round_rows[ROUND_TRIP_ROWS];
static char round_values[ROUND_TRIP_ROWS][256];

static int row_order(const void *a, const void *b)
{
    return evidence_spill_order(a, b);
}

static size_t make_round_trip_rows(void)
{
    static const char *const remotes[] = {"192.0.2.1",
                                          "::ffff:192.0.2.1",
                                          "2001:db8::1",
                                          "::1",
                                          "0.0.0.0",
                                          "255.255.255.255",
                                          "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
    static const int64_t bins[] = {INT64_MIN, -900, 0, 900, 1700000000, INT64_MAX};
    static const uint64_t counts[] = {1, 127, 128, UINT64_MAX};
    static const unsigned kinds[] = {0, 1, 9, 200, 255};
    size_t n = 0;
    rng_state = 31337;
    for (size_t i = 0; n < ROUND_TRIP_ROWS; i++) {
        struct evidence_row *row = &round_rows[n];
        char *v = round_values[n];
        memset(row, 0, sizeof(*row));
        row->kind = (uint8_t)kinds[rng() % 5];
        /* Lengths 0 and 255, long shared starts, any byte (NUL too). */
        size_t len = i % 97 == 0 ? 0 : i % 89 == 0 ? 255 : (size_t)(rng() % 256);
        memset(v, 'x', len);
        for (size_t j = len > 8 ? len - 8 : 0; j < len; j++)
            v[j] = (char)(rng() % 3 == 0 ? rng() % 256 : 'a' + rng() % 2);
        v[len] = '\0';
        row->len = (uint16_t)len;
        row->value = v;
        if (addr_parse(&row->remote, remotes[rng() % 7]) != 0)
            abort();
        row->bin = bins[rng() % 6];
        row->count = counts[rng() % 4];
        n++;
        /* The same value from other remotes and bins. */
        for (unsigned more = (unsigned)(rng() % 4); more && n < ROUND_TRIP_ROWS; more--, n++) {
            round_rows[n] = *row;
            memcpy(round_values[n], v, len + 1);
            round_rows[n].value = round_values[n];
            if (addr_parse(&round_rows[n].remote, remotes[rng() % 7]) != 0)
                abort();
            round_rows[n].bin = bins[rng() % 6];
        }
    }
    qsort(round_rows, n, sizeof(*round_rows), row_order);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!kept || evidence_spill_order(&round_rows[kept - 1], &round_rows[i]) != 0)
            round_rows[kept++] = round_rows[i];
    return kept;
}

/* A run of the n rows of make_round_trip_rows(), ready to read; NULL when none could be made. */
static struct run *round_trip_run(size_t n)
{
    char err[256];
    struct run *run = evidence_run_create(dir, err, sizeof(err));
    CHECK(run != NULL);
    if (!run)
        return NULL;
    for (size_t i = 0; i < n; i++)
        CHECK(evidence_run_write(run, &round_rows[i], dir, err, sizeof(err)) == 0);
    CHECK(evidence_run_finish(run, dir, err, sizeof(err)) == 0);
    return run;
}

/* Every row as written, read back whole or a kind range at a time, across many blocks. */
static void test_run_round_trip(void)
{
    char err[256];
    size_t n = make_round_trip_rows();
    struct run *run = round_trip_run(n);
    if (!run)
        return;
    /* Encoded against their neighbours: far less than the rows and values in memory. */
    CHECK(run->bytes < n * 100);
    static const struct evidence_kinds ranges[] = {{0, 255},   {0, 0},     {1, 9}, {2, 199},
                                                   {200, 255}, {255, 255}, {9, 8}};
    for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
        struct evidence_kinds k = ranges[r];
        struct evidence_merge *m = evidence_merge_open(&run, 1, NULL, 0, k, err, sizeof(err));
        CHECK(m != NULL);
        if (!m)
            continue;
        const struct evidence_row *row;
        size_t i = 0, read = 0;
        int got;
        while ((got = evidence_merge_next(m, &row, err, sizeof(err))) > 0) {
            while (i < n && (round_rows[i].kind < k.first || round_rows[i].kind > k.last))
                i++;
            CHECK(i < n);
            if (i == n)
                break;
            const struct evidence_row *want = &round_rows[i++];
            CHECK(evidence_spill_order(row, want) == 0);
            CHECK_U64(row->count, want->count);
            CHECK(row->value[row->len] == '\0');
            read++;
        }
        CHECK(got == 0);
        size_t want_rows = 0;
        for (size_t j = 0; j < n; j++)
            want_rows += round_rows[j].kind >= k.first && round_rows[j].kind <= k.last;
        CHECK_U64(read, want_rows);
        evidence_merge_close(m);
    }
    run_free(run);
}

/* A run that is not as written (flags, a block's head, a cut file) reads as an error. */
static void test_run_damaged(void)
{
    char err[256];
    size_t n = make_round_trip_rows();
    for (int damage = 0; damage < 4; damage++) {
        struct run *run = round_trip_run(n);
        if (!run)
            return;
        int fd = fileno(run->fp);
        if (damage == 0) {
            CHECK(pwrite(fd, "\xff", 1, RUN_BLOCK_HEAD + 1) == 1); /* the first row's flags */
        } else if (damage == 1) {
            const uint32_t head[2] = {3, 40}; /* fewer bytes than its rows need */
            CHECK(pwrite(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head));
        } else if (damage == 2) {
            CHECK(pwrite(fd, "\x07", 1, RUN_BLOCK_HEAD) == 1); /* a kind out of order */
        } else {
            CHECK(ftruncate(fd, (off_t)(run->bytes / 2)) == 0);
        }
        struct evidence_merge *m =
            evidence_merge_open(&run, 1, NULL, 0, EVIDENCE_KINDS_ALL, err, sizeof(err));
        int got = m ? 1 : -1;
        const struct evidence_row *row;
        while (got > 0)
            got = evidence_merge_next(m, &row, err, sizeof(err));
        CHECK(got < 0);
        CHECK(strstr(err, "cannot read back a spill file") != NULL);
        evidence_merge_close(m);
        run_free(run);
    }
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_spill_exact);
    RUN(test_spill_merged);
    RUN(test_spill_taken_many);
    RUN(test_no_spill);
    RUN(test_spill_nowhere);
    RUN(test_sort_deep);
    RUN(test_spill_kinds);
    RUN(test_run_round_trip);
    RUN(test_run_damaged);
    rmdir(dir);
    CHECK_EXIT();
}
