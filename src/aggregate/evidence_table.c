/*
 * The evidence table of a cube: (bin, remote, kind, value) -> count.
 *
 * Values come from packets (spam recipients, DNS names, URLs) and are kept as
 * sent; they live in an arena of chunks that never move, so rows can point
 * into it. The index is keyed like the cube's (common/hash.h, switching to
 * SipHash when a probe run shows chosen collisions), and the table is
 * bounded: past its memory (CUBE_EVIDENCE_BYTES, or what --memory gives it:
 * all it allocates for rows, hashes, index and values) it writes its rows, in
 * spill order, as a run to a temporary file (evidence_spill.c) and starts
 * empty, so a flood of unique names cannot exhaust memory and no value is
 * lost. A table with nowhere to spill (no directory given, or a run that
 * could not be written) counts new values as dropped instead.
 * Readers go through a cursor (evidence_cursor_open()): the rows in memory
 * as they are, or, once the table spilled, every run and the rows in memory
 * merged, equal keys added up.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/prefetch.h"
#include "../common/sort.h"
#include "../common/xalloc.h"
#include "../evidence/evidence.h"
#include "aggregate_int.h"

#define ARENA_CHUNK (256 * 1024)
/* Runs of one level a spilling table keeps before it merges them into one (open files stay
 * few). */
#define EVIDENCE_RUN_FAN_IN 32
/*
 * Runs of one level a table takes from others (the workers' of one file,
 * the files' of a report) before it merges them: reading merges that many
 * at once (a 64 KiB buffer each), where merging them first would write and
 * read every row once more on the thread that waits for them all.
 */
#define EVIDENCE_RUNS_TAKEN_MAX 128

struct evidence_table {
    struct evidence_row *rows;
    uint64_t *hashes;
    size_t count, alloc;
    /* Row + 1 (0 = empty) in the low half, the high half of its hash in the
     * high half: a probe rarely touches a row it will not match. */
    uint64_t *index;
    size_t mask;
    char **chunks;
    size_t chunk_count, chunk_alloc, chunk_used;
    uint64_t dropped;
    struct hash_key key;
    bool unindexed; /* rows were appended (absorbed): hashes and index come at the next
                       add */
    /* The rows in spill order (evidence_spill_order()), while no row is added; or NULL. */
    struct evidence_sorted *order;
    uint64_t max_bytes;
    /* Spilling (evidence_table_set_spill()): rows past max_bytes go to runs in dir. */
    char *dir;
    struct run **runs;
    size_t run_count, run_alloc;
    struct cube_spill_stats spill_stats;
    _Atomic uint64_t *spill_meter; /* evidence_table_meter_spills(); may be NULL */
    char *error;                   /* why spilling or reading back failed */
};

struct evidence_table *evidence_table_new(void)
{
    struct evidence_table *t = xcalloc(1, sizeof(*t));
    t->mask = 255;
    t->index = xcalloc(t->mask + 1, sizeof(*t->index));
    t->chunk_used = ARENA_CHUNK;
    t->max_bytes = CUBE_EVIDENCE_BYTES;
    hash_key_init(&t->key);
    return t;
}

void evidence_table_set_bytes(struct evidence_table *t, uint64_t bytes)
{
    t->max_bytes = bytes ? bytes : CUBE_EVIDENCE_BYTES;
}

/* What the table has allocated for rows of alloc, an index of slots, and chunks of values. */
static uint64_t allocated(size_t alloc, size_t slots, size_t chunks)
{
    return (uint64_t)alloc * (sizeof(struct evidence_row) + sizeof(uint64_t)) +
           (uint64_t)slots * sizeof(uint64_t) + (uint64_t)chunks * ARENA_CHUNK;
}

uint64_t evidence_table_bytes(const struct evidence_table *t)
{
    return t ? allocated(t->alloc, t->mask + 1, t->chunk_count) : 0;
}

/*
 * Whether a new row with a value of len bytes would take the table past its
 * memory: what it has allocated, with the rows' arrays, the index or a chunk
 * of values grown as adding the row would grow them.
 */
static bool full(const struct evidence_table *t, size_t len)
{
    size_t alloc = t->alloc, slots = t->mask + 1, chunks = t->chunk_count;
    if (t->count + 1 > alloc)
        alloc = alloc < 16 ? 16 : alloc * 2; /* as ALLOC_GROW() */
    if ((t->count + 1) * 2 > t->mask)
        slots *= 2; /* as reindex() */
    if (len + 1 > ARENA_CHUNK - t->chunk_used)
        chunks++;
    return allocated(alloc, slots, chunks) > t->max_bytes;
}

struct evidence_table *evidence_table_new_seeded(uint64_t seed)
{
    struct evidence_table *t = evidence_table_new();
    hash_key_init_fixed(&t->key, seed);
    return t;
}

bool evidence_table_hash_strong(const struct evidence_table *t)
{
    return t->key.strong;
}

void evidence_table_free(struct evidence_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->run_count; i++)
        run_free(t->runs[i]);
    free(t->runs);
    free(t->dir);
    free(t->error);
    free(t->order);
    for (size_t i = 0; i < t->chunk_count; i++)
        free(t->chunks[i]);
    free(t->chunks);
    free(t->rows);
    free(t->hashes);
    free(t->index);
    free(t);
}

/* The key's bytes in one run, hashed once: no mixing of two hashes of our own. */
static uint64_t row_hash(const struct evidence_table *t, int64_t bin, const struct ip_addr *remote,
                         unsigned kind, const char *value, size_t len)
{
    enum { HEAD = 8 + sizeof(*remote) + 1 };
    unsigned char key[HEAD + EVIDENCE_VALUE_MAX];
    if (len > EVIDENCE_VALUE_MAX)
        len = EVIDENCE_VALUE_MAX; /* add() cuts values to this already */
    memcpy(key, &bin, 8);
    memcpy(key + 8, remote, sizeof(*remote));
    key[HEAD - 1] = (unsigned char)kind;
    if (len)
        memcpy(key + HEAD, value, len);
    return hash_bytes(&t->key, key, HEAD + len);
}

static char *arena_copy(struct evidence_table *t, const char *value, size_t len)
{
    if (len + 1 > ARENA_CHUNK - t->chunk_used) {
        ALLOC_GROW(t->chunks, t->chunk_count + 1, t->chunk_alloc);
        t->chunks[t->chunk_count++] = xmalloc(ARENA_CHUNK);
        t->chunk_used = 0;
    }
    char *p = t->chunks[t->chunk_count - 1] + t->chunk_used;
    memcpy(p, value, len);
    p[len] = '\0';
    t->chunk_used += len + 1;
    return p;
}

#define TAG_MASK 0xffffffff00000000u

static void reindex(struct evidence_table *t)
{
    free(t->index);
    t->mask = t->mask * 2 + 1;
    t->index = xcalloc(t->mask + 1, sizeof(*t->index));
    for (size_t i = 0; i < t->count; i++) {
        size_t slot = t->hashes[i] & t->mask;
        while (t->index[slot])
            slot = (slot + 1) & t->mask;
        t->index[slot] = (t->hashes[i] & TAG_MASK) | (uint64_t)(i + 1);
    }
}

/* Values were chosen to collide: SipHash under a fresh key from now on. */
static void strengthen(struct evidence_table *t)
{
    hash_key_strengthen(&t->key);
    for (size_t i = 0; i < t->count; i++) {
        const struct evidence_row *row = &t->rows[i];
        t->hashes[i] = row_hash(t, row->bin, &row->remote, row->kind, row->value, row->len);
    }
    t->mask /= 2; /* reindex() doubles it back */
    reindex(t);
}

/* Hashes and indexes rows that were appended without. */
static void index_appended(struct evidence_table *t)
{
    t->unindexed = false;
    t->hashes = xreallocarray(t->hashes, t->alloc ? t->alloc : 1, sizeof(*t->hashes));
    for (size_t i = 0; i < t->count; i++) {
        const struct evidence_row *row = &t->rows[i];
        t->hashes[i] = row_hash(t, row->bin, &row->remote, row->kind, row->value, row->len);
    }
    while (t->count * 2 > t->mask)
        t->mask = t->mask * 2 + 1;
    t->mask /= 2; /* reindex() doubles it back */
    reindex(t);
}

/* ---- spilling ------------------------------------------------------------------ */

void evidence_table_set_spill(struct evidence_table *t, const char *dir)
{
    free(t->dir);
    t->dir = dir ? xstrdup(dir) : NULL;
}

void evidence_table_meter_spills(struct evidence_table *t, _Atomic uint64_t *meter)
{
    t->spill_meter = meter;
}

bool evidence_table_spilled(const struct evidence_table *t)
{
    return t && t->run_count > 0;
}

const char *evidence_table_error(const struct evidence_table *t)
{
    return t ? t->error : NULL;
}

struct cube_spill_stats evidence_table_spill_stats(const struct evidence_table *t)
{
    struct cube_spill_stats none = {0, 0, 0};
    return t ? t->spill_stats : none;
}

static void fail(struct evidence_table *t, const char *why)
{
    if (!t->error)
        t->error = xstrdup(why);
}

/*
 * Each row is sorted with the first of its spill order in one integer: kind,
 * length, then the value's first six bytes. Most comparisons end there, not
 * in memcmp() of two values held elsewhere.
 */
_Static_assert(EVIDENCE_VALUE_MAX <= 0xff, "a value's length fits the prefix's byte");

static uint64_t sort_prefix(const struct evidence_row *row)
{
    uint64_t p = (uint64_t)row->kind << 56 | (uint64_t)(row->len & 0xff) << 48;
    for (size_t i = 0; i < 6 && i < row->len; i++)
        p |= (uint64_t)(unsigned char)row->value[i] << (40 - 8 * i);
    return p;
}

static int sorted_order(const void *a, const void *b)
{
    const struct evidence_sorted *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    return evidence_spill_order(x->row, y->row);
}

/*
 * Sorts v by prefix: a radix sort a byte at a time from the lowest, where
 * a byte every prefix shares (a table of one kind, values of one length)
 * costs no pass. A comparison sort took most of a spill.
 */
static void sort_by_prefix(struct evidence_sorted *v, size_t n)
{
    size_t(*count)[256] = xcalloc(8, sizeof(*count));
    for (size_t i = 0; i < n; i++)
        for (unsigned b = 0; b < 8; b++)
            count[b][(v[i].prefix >> (8 * b)) & 0xff]++;
    struct evidence_sorted *tmp = xreallocarray(NULL, n, sizeof(*tmp));
    struct evidence_sorted *from = v, *to = tmp;
    for (unsigned b = 0; b < 8; b++) {
        size_t *at = count[b];
        if (at[(v[0].prefix >> (8 * b)) & 0xff] == n)
            continue;
        radix_starts(at, 256);
        for (size_t i = 0; i < n; i++)
            to[at[(from[i].prefix >> (8 * b)) & 0xff]++] = from[i];
        struct evidence_sorted *swap = from;
        from = to;
        to = swap;
    }
    if (from != v)
        memcpy(v, from, n * sizeof(*v));
    free(tmp);
    free(count);
}

/*
 * Rows in sorted order lie anywhere in the table, their values anywhere in
 * the arena: a spill's loops waited on both for most of their time. The
 * row further ahead first, its value when the row has come. A macro: GCC
 * drops the prefetches of a function it finds has no other effect.
 */
#define prefetch_sorted(v, i, n)                                                                   \
    do {                                                                                           \
        if ((i) + 2 * PREFETCH_ROWS_AHEAD < (n))                                                   \
            memory_prefetch((v)[(i) + 2 * PREFETCH_ROWS_AHEAD].row);                               \
        if ((i) + PREFETCH_ROWS_AHEAD < (n))                                                       \
            memory_prefetch((v)[(i) + PREFETCH_ROWS_AHEAD].row->value);                            \
    } while (0)

/* Value bytes from at on, eight of them (zeros past len), as an integer in their order. */
static uint64_t value_bytes(const struct evidence_row *row, size_t at)
{
    uint64_t p = 0;
    for (size_t i = 0; i < 8; i++)
        p = p << 8 | (at + i < row->len ? (unsigned char)row->value[at + i] : 0);
    return p;
}

/*
 * Puts v[0..n), rows of one kind and length whose values share their first
 * `ordered` bytes, in spill order: by the next eight bytes a radix pass at a
 * time, and the rows that share those too the same way, deeper. Small
 * groups, and rows of one value (remote and bin left), are compared.
 */
static void sort_group(struct evidence_sorted *v, size_t n, size_t ordered)
{
    enum { COMPARED = 16 };
    if (n < COMPARED || ordered >= v[0].row->len) {
        qsort(v, n, sizeof(*v), sorted_order);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        prefetch_sorted(v, i, n);
        v[i].prefix = value_bytes(v[i].row, ordered);
    }
    sort_by_prefix(v, n);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && v[j].prefix == v[i].prefix; j++)
            ;
        if (j - i > 1)
            sort_group(v + i, j - i, ordered + 8);
    }
}

/*
 * The rows in spill order, as pointers: the rows stay where they are, so
 * their index and the rows callers were given stay good. Kept until a row
 * is added (or the rows move).
 */
static void sort_rows(struct evidence_table *t)
{
    if (t->order)
        return;
    size_t n = t->count;
    t->order = xreallocarray(NULL, n ? n : 1, sizeof(*t->order));
    for (size_t i = 0; i < n; i++)
        t->order[i] = (struct evidence_sorted){sort_prefix(&t->rows[i]), &t->rows[i]};
    if (n < 2)
        return;
    sort_by_prefix(t->order, n);
    /* Rows of one prefix (kind, length and the values' first six bytes) go deeper. */
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && t->order[j].prefix == t->order[i].prefix; j++)
            ;
        if (j - i > 1)
            sort_group(t->order + i, j - i, 6);
    }
}

static void forget_order(struct evidence_table *t)
{
    free(t->order);
    t->order = NULL;
}

/* Writes the rows of merge, or of the table itself, to a new run. Returns it, or NULL (t->error).
 */
static struct run *write_run(struct evidence_table *t, struct evidence_merge *merge)
{
    char err[512];
    struct run *run = evidence_run_create(t->dir, err, sizeof(err));
    int ret = run ? 0 : -1;
    const struct evidence_row *row;
    for (size_t i = 0; ret == 0; i++) {
        if (merge) {
            int r = evidence_merge_next(merge, &row, err, sizeof(err));
            if (r <= 0) {
                ret = r;
                break;
            }
        } else if (i < t->count) {
            prefetch_sorted(t->order, i, t->count);
            row = t->order[i].row;
        } else {
            break;
        }
        ret = evidence_run_write(run, row, t->dir, err, sizeof(err));
    }
    if (ret == 0)
        ret = evidence_run_finish(run, t->dir, err, sizeof(err));
    if (ret < 0) {
        run_free(run);
        fail(t, err);
        return NULL;
    }
    t->spill_stats.rows += run->rows;
    t->spill_stats.bytes += run->bytes;
    return run;
}

/* Merges runs[first..] into one run a level up. Returns 0, or -1 (t->error). */
static int merge_runs(struct evidence_table *t, size_t first)
{
    char err[512];
    struct evidence_merge *merge = evidence_merge_open(t->runs + first, t->run_count - first, NULL,
                                                       0, EVIDENCE_KINDS_ALL, err, sizeof(err));
    if (!merge) {
        fail(t, err);
        return -1;
    }
    struct run *run = write_run(t, merge);
    evidence_merge_close(merge);
    if (!run)
        return -1;
    unsigned level = 0;
    for (size_t i = first; i < t->run_count; i++) {
        if (t->runs[i]->level > level)
            level = t->runs[i]->level;
        run_free(t->runs[i]);
    }
    run->level = level + 1;
    t->runs[first] = run;
    t->run_count = first + 1;
    return 0;
}

/*
 * Merges runs while fan_in of them share a level, as a cube's
 * runs (cube.c): each row is rewritten a logarithmic number of times and few
 * files stay open, however small the table's memory and however many tables
 * were merged into this one.
 */
static int settle_runs(struct evidence_table *t, size_t fan_in)
{
    /*
     * Runs taken from other tables come after this one's, at any level: the
     * highest levels first (order among runs does not matter to a merge),
     * so that runs of one level are always side by side at the end.
     */
    for (size_t i = 1; i < t->run_count; i++) {
        struct run *run = t->runs[i];
        size_t j = i;
        for (; j > 0 && t->runs[j - 1]->level < run->level; j--)
            t->runs[j] = t->runs[j - 1];
        t->runs[j] = run;
    }
    for (;;) {
        size_t n = t->run_count, same = 0;
        while (same < n && t->runs[n - 1 - same]->level == t->runs[n - 1]->level)
            same++;
        if (same < fan_in)
            return 0;
        if (merge_runs(t, n - same) < 0)
            return -1;
    }
}

/* Writes the rows in memory as a run and empties the table. Returns 0, or -1 (t->error). */
static int spill(struct evidence_table *t)
{
    sort_rows(t);
    struct run *run = write_run(t, NULL);
    if (!run)
        return -1;
    t->spill_stats.runs++;
    if (t->spill_meter)
        atomic_fetch_add(t->spill_meter, run->bytes);
    ALLOC_GROW(t->runs, t->run_count + 1, t->run_alloc);
    t->runs[t->run_count++] = run;
    for (size_t i = 0; i < t->chunk_count; i++)
        free(t->chunks[i]);
    t->chunk_count = 0;
    t->chunk_used = ARENA_CHUNK;
    t->count = 0;
    memset(t->index, 0, (t->mask + 1) * sizeof(*t->index));
    forget_order(t);
    t->unindexed = false;
    if (!t->hashes)
        t->hashes = xreallocarray(NULL, t->alloc ? t->alloc : 1, sizeof(*t->hashes));
    return settle_runs(t, EVIDENCE_RUN_FAN_IN);
}

/* ---- adding -------------------------------------------------------------------- */

static void add(struct evidence_table *t, int64_t bin, const struct ip_addr *remote, unsigned kind,
                const char *value, size_t len, uint64_t count, bool bounded);

/* add() of a row whose hash under t->key is known (the table indexed, len cut). */
static void add_hashed(struct evidence_table *t, uint64_t hash, int64_t bin,
                       const struct ip_addr *remote, unsigned kind, const char *value, size_t len,
                       uint64_t count, bool bounded)
{
    size_t slot = hash & t->mask, probes = 0;
    for (; t->index[slot]; slot = (slot + 1) & t->mask) {
        if (HASH_PROBE_RUN_TOO_LONG(++probes, &t->key)) {
            strengthen(t);
            add(t, bin, remote, kind, value, len, count, bounded);
            return;
        }
        if ((t->index[slot] & TAG_MASK) != (hash & TAG_MASK))
            continue;
        size_t i = (size_t)(t->index[slot] & ~TAG_MASK) - 1;
        struct evidence_row *row = &t->rows[i];
        /* The row itself, not t->hashes[i]: a hit needs the row anyway, and the tag has already
         * ruled out all but one in four billion others. */
        if (row->bin == bin && row->kind == kind && row->len == len &&
            addr_equal(&row->remote, remote) && memcmp(row->value, value, len) == 0) {
            row->count += count;
            return;
        }
    }
    if (full(t, len)) {
        /* A spilled table is empty: the row goes in as the first of the next run. */
        if (t->count && t->dir && !t->error && spill(t) == 0) {
            add(t, bin, remote, kind, value, len, count, bounded);
            return;
        }
        /* An empty table takes one row whatever its bound: a bound below that is no table. */
        if (bounded && t->count) {
            t->dropped += count;
            return;
        }
    }
    forget_order(t); /* a new row, and the rows may move */
    size_t old = t->alloc;
    ALLOC_GROW(t->rows, t->count + 1, t->alloc);
    if (t->alloc != old)
        t->hashes = xreallocarray(t->hashes, t->alloc, sizeof(*t->hashes));
    struct evidence_row *row = &t->rows[t->count];
    row->bin = bin;
    row->remote = *remote;
    row->kind = (uint8_t)kind;
    row->len = (uint16_t)len;
    row->value = arena_copy(t, value, len);
    row->count = count;
    t->hashes[t->count] = hash;
    t->index[slot] = (hash & TAG_MASK) | (uint64_t)++t->count;
    if (t->count * 2 > t->mask)
        reindex(t);
}

static void add(struct evidence_table *t, int64_t bin, const struct ip_addr *remote, unsigned kind,
                const char *value, size_t len, uint64_t count, bool bounded)
{
    if (t->unindexed)
        index_appended(t);
    if (len > EVIDENCE_VALUE_MAX)
        len = EVIDENCE_VALUE_MAX;
    add_hashed(t, row_hash(t, bin, remote, kind, value, len), bin, remote, kind, value, len, count,
               bounded);
}

static bool same_key(const struct hash_key *a, const struct hash_key *b)
{
    return a->strong == b->strong && memcmp(a->seed, b->seed, sizeof(a->seed)) == 0 &&
           memcmp(a->sip, b->sip, sizeof(a->sip)) == 0;
}

#define ADD_AHEAD 16

void evidence_table_add_all(struct evidence_table *t, int64_t bin, const struct ip_addr *remote,
                            const struct evidence_addition *adds, size_t n)
{
    while (n) {
        size_t m = n < ADD_AHEAD ? n : ADD_AHEAD;
        uint64_t hashes[ADD_AHEAD];
        size_t lens[ADD_AHEAD];
        if (t->unindexed)
            index_appended(t);
        struct hash_key key = t->key;
        for (size_t i = 0; i < m; i++) {
            lens[i] = adds[i].len > EVIDENCE_VALUE_MAX ? EVIDENCE_VALUE_MAX : adds[i].len;
            hashes[i] = row_hash(t, bin, remote, adds[i].kind, adds[i].value, lens[i]);
            memory_prefetch(&t->index[hashes[i] & t->mask]);
        }
        for (size_t i = 0; i < m; i++) {
            /* A probe run too long switched the key: the hashes made before are void. */
            if (same_key(&key, &t->key))
                add_hashed(t, hashes[i], bin, remote, adds[i].kind, adds[i].value, lens[i],
                           adds[i].count, true);
            else
                add(t, bin, remote, adds[i].kind, adds[i].value, lens[i], adds[i].count, true);
        }
        adds += m;
        n -= m;
    }
}

int evidence_row_value_order(const void *a, const void *b)
{
    const struct evidence_row *x = *(const struct evidence_row *const *)a;
    const struct evidence_row *y = *(const struct evidence_row *const *)b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->value, y->value, x->len);
}

void evidence_table_add(struct evidence_table *t, int64_t bin, const struct ip_addr *remote,
                        unsigned kind, const char *value, size_t len, uint64_t count)
{
    add(t, bin, remote, kind, value, len, count, true);
}

void evidence_table_put(struct evidence_table *t, int64_t bin, const struct ip_addr *remote,
                        unsigned kind, const char *value, size_t len, uint64_t count)
{
    add(t, bin, remote, kind, value, len, count, false);
}

size_t evidence_table_count(const struct evidence_table *t)
{
    return t ? t->count : 0;
}

const struct evidence_row *evidence_table_at(const struct evidence_table *t, size_t i)
{
    return &t->rows[i];
}

uint64_t evidence_table_dropped(const struct evidence_table *t)
{
    return t ? t->dropped : 0;
}

/* Moves from's runs, spill figures, drops and error to into. */
static void take_runs(struct evidence_table *into, struct evidence_table *from)
{
    if (from->run_count) {
        if (!into->dir && from->dir)
            into->dir = xstrdup(from->dir); /* where into merges them if it must */
        ALLOC_GROW(into->runs, into->run_count + from->run_count, into->run_alloc);
        memcpy(into->runs + into->run_count, from->runs, from->run_count * sizeof(*from->runs));
        into->run_count += from->run_count;
        from->run_count = 0;
    }
    into->spill_stats.runs += from->spill_stats.runs;
    into->spill_stats.rows += from->spill_stats.rows;
    into->spill_stats.bytes += from->spill_stats.bytes;
    into->dropped += from->dropped;
    if (from->error)
        fail(into, from->error);
    if (!into->error)
        settle_runs(into, EVIDENCE_RUNS_TAKEN_MAX);
}

void evidence_table_merge(struct evidence_table *into, struct evidence_table *from)
{
    if (!from)
        return;
    for (size_t i = 0; i < from->count; i++) {
        const struct evidence_row *r = &from->rows[i];
        /*
         * Never dropped: each file's table was bounded as it was read, and
         * merging must not depend on the order files finish in. Spilled
         * past into's memory when into may spill.
         */
        add(into, r->bin, &r->remote, r->kind, r->value, r->len, r->count, false);
    }
    take_runs(into, from);
}

void evidence_table_absorb_disjoint(struct evidence_table *into, struct evidence_table *from)
{
    if (into->count + from->count > into->alloc) {
        into->alloc = into->count + from->count;
        into->rows = xreallocarray(into->rows, into->alloc, sizeof(*into->rows));
    }
    /* The rows point into from's arena chunks, which never move: into takes them over. */
    if (from->count)
        memcpy(into->rows + into->count, from->rows, from->count * sizeof(*from->rows));
    into->count += from->count;
    if (from->chunk_count) {
        ALLOC_GROW(into->chunks, into->chunk_count + from->chunk_count, into->chunk_alloc);
        memcpy(into->chunks + into->chunk_count, from->chunks,
               from->chunk_count * sizeof(*from->chunks));
        into->chunk_count += from->chunk_count;
        into->chunk_used = from->chunk_used;
        from->chunk_count = 0;
    }
    take_runs(into, from);
    free(into->hashes);
    into->hashes = NULL;
    into->unindexed = true;
    forget_order(into);
    evidence_table_free(from);
}

/* ---- reading ------------------------------------------------------------------- */

struct evidence_cursor {
    struct evidence_table *table;
    size_t next; /* rows in memory, as they lie or (in_order) in spill order */
    bool in_order;
    struct evidence_kinds kinds;
    bool failed;                  /* the runs could not be opened: every next is -1 */
    struct evidence_merge *merge; /* or runs and rows merged */
};

static struct evidence_cursor *cursor_open(struct evidence_table *t, bool in_spill_order,
                                           struct evidence_kinds kinds)
{
    struct evidence_cursor *c = xcalloc(1, sizeof(*c));
    c->table = t;
    c->kinds = kinds;
    if (!t || (!t->run_count && !in_spill_order))
        return c;
    sort_rows(t);
    c->in_order = true;
    if (!t->run_count)
        return c;
    char err[512];
    c->merge =
        evidence_merge_open(t->runs, t->run_count, t->order, t->count, kinds, err, sizeof(err));
    if (!c->merge) {
        fail(t, err);
        c->failed = true; /* the caller asks evidence_table_error() */
    }
    return c;
}

struct evidence_cursor *evidence_cursor_open(struct evidence_table *t, bool in_spill_order)
{
    return cursor_open(t, in_spill_order, EVIDENCE_KINDS_ALL);
}

struct evidence_cursor *evidence_cursor_open_kinds(struct evidence_table *t,
                                                   struct evidence_kinds kinds)
{
    return cursor_open(t, false, kinds);
}

int evidence_cursor_next(struct evidence_cursor *c, const struct evidence_row **row)
{
    if (c->failed)
        return -1;
    if (!c->table)
        return 0;
    if (!c->merge) {
        for (;;) {
            if (c->next == c->table->count)
                return 0;
            *row = c->in_order ? c->table->order[c->next].row : &c->table->rows[c->next];
            c->next++;
            if ((*row)->kind >= c->kinds.first && (*row)->kind <= c->kinds.last)
                return 1;
        }
    }
    char err[512];
    int r = evidence_merge_next(c->merge, row, err, sizeof(err));
    if (r < 0)
        fail(c->table, err);
    return r;
}

bool evidence_cursor_values_stable(const struct evidence_cursor *c)
{
    return !c->merge && !c->failed;
}

void evidence_cursor_close(struct evidence_cursor *c)
{
    if (!c)
        return;
    evidence_merge_close(c->merge);
    free(c);
}
