/*
 * The traffic cube: rows in one array, found through a seeded hash index.
 *
 * Remote addresses come from packets, so the index is keyed under a random
 * key of its own (common/hash.h), and switches to SipHash when a probe run
 * shows keys built to collide. Row indices never change once given out,
 * which lets a flow cache the row of its current bin.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/sort.h"
#include "../common/xalloc.h"
#include "aggregate_int.h"

/*
 * Runs of one level a cube keeps before it merges them into one. Merging
 * rewrites every row of them, so it is kept rare: 128 runs read at once take
 * 15 MiB of buffers (a block and its decoded rows each, none while a run
 * waits), and the workers' runs of one big file, or a flood of ten million
 * sources at the default --memory, are read back in one merge.
 */
#define RUN_FAN_IN 128
/* Rows a spill gathers in address order before it writes them. */
#define SPILL_BATCH_ROWS 256

_Static_assert(sizeof(struct cube_key) % 8 == 0, "row keys compare a word at a time");

struct cube {
    struct cube_row *rows;
    uint64_t *hashes;
    size_t count, alloc;
    /*
     * Slots: row index + 1 (0 = empty) in the low half, the high half of the
     * row's hash in the high half, so probing rarely touches a row it will
     * not match.
     */
    uint64_t *index;
    size_t index_mask;
    struct hash_key hash_key;
    size_t longest_probe; /* the longest probe run seen, for tests */
    struct evidence_table *evidence;
    uint64_t evidence_bytes; /* its bound (cube_set_evidence_bytes()) */
    /* Spilling (cube_set_budget): rows beyond max_rows go to runs in dir. */
    size_t max_rows; /* 0: never spill */
    char *dir;
    struct run **runs;
    size_t run_count, run_alloc;
    uint32_t generation; /* new at every spill: row indices given out before are void */
    struct cube_spill_stats spill_stats;
    _Atomic uint64_t *spill_meter; /* cube_meter_spills(); may be NULL */
    char *error;                   /* why spilling failed; rows then stay in memory */
    /*
     * A chunk of a spilled cube: rows with distinct keys in spill order,
     * appended without the index, which is built if ever a lookup comes.
     */
    bool in_address_order, unindexed;
};

struct evidence_table *cube_evidence(struct cube *cube)
{
    if (!cube->evidence) {
        cube->evidence = evidence_table_new();
        evidence_table_set_bytes(cube->evidence, cube->evidence_bytes);
        evidence_table_set_spill(cube->evidence, cube->dir);
        evidence_table_meter_spills(cube->evidence, cube->spill_meter);
    }
    return cube->evidence;
}

void cube_meter_spills(struct cube *cube, _Atomic uint64_t *meter)
{
    cube->spill_meter = meter;
    if (cube->evidence)
        evidence_table_meter_spills(cube->evidence, meter);
}

void cube_set_evidence_bytes(struct cube *cube, uint64_t bytes)
{
    cube->evidence_bytes = bytes;
    if (cube->evidence)
        evidence_table_set_bytes(cube->evidence, bytes);
}

/*
 * Generations are unique among all cubes, not only within one: a flow that
 * counted into one cube and then into another (a store's file after file)
 * finds its cached row void in either case.
 */
static _Atomic uint32_t generations_given;

static uint32_t new_generation(void)
{
    return atomic_fetch_add(&generations_given, 1) + 1;
}

struct cube *cube_new(void)
{
    struct cube *cube = xcalloc(1, sizeof(*cube));
    cube->generation = new_generation();
    cube->index_mask = 1023;
    cube->index = xcalloc(cube->index_mask + 1, sizeof(*cube->index));
    hash_key_init(&cube->hash_key);
    return cube;
}

struct cube *cube_new_seeded(uint64_t seed)
{
    struct cube *cube = cube_new();
    hash_key_init_fixed(&cube->hash_key, seed);
    return cube;
}

bool cube_hash_strong(const struct cube *cube)
{
    return cube->hash_key.strong;
}

size_t cube_longest_probe(const struct cube *cube)
{
    return cube->longest_probe;
}

void cube_free(struct cube *cube)
{
    if (!cube)
        return;
    for (size_t i = 0; i < cube->run_count; i++)
        run_free(cube->runs[i]);
    free(cube->runs);
    free(cube->dir);
    free(cube->error);
    free(cube->rows);
    free(cube->hashes);
    free(cube->index);
    evidence_table_free(cube->evidence);
    free(cube);
}

/*
 * The hash of a row's key. Both addresses IPv4 (most rows) hash their 20
 * bytes that can differ, packed: remote, sensor, bin, service, protocol,
 * initiator; other keys hash whole.
 */
static uint64_t key_hash(const struct cube *cube, const struct cube_key *key)
{
    if (addr_is_v4(&key->remote) && addr_is_v4(&key->sensor)) {
        unsigned char packed[20];
        memcpy(packed, key->remote.b + 12, 4);
        memcpy(packed + 4, key->sensor.b + 12, 4);
        memcpy(packed + 8, &key->bin, 8);
        memcpy(packed + 16, &key->service, 2);
        packed[18] = key->proto;
        packed[19] = key->initiator;
        return hash_bytes(&cube->hash_key, packed, sizeof(packed));
    }
    return hash_bytes(&cube->hash_key, key, sizeof(*key));
}

/* Rebuilds the index with mask, from the rows' stored hashes. */
static void reindex(struct cube *cube, size_t mask)
{
    free(cube->index);
    cube->index_mask = mask;
    cube->index = xcalloc(cube->index_mask + 1, sizeof(*cube->index));
    for (size_t i = 0; i < cube->count; i++) {
        size_t slot = cube->hashes[i] & cube->index_mask;
        while (cube->index[slot])
            slot = (slot + 1) & cube->index_mask;
        cube->index[slot] = (cube->hashes[i] & 0xffffffff00000000u) | (uint64_t)(i + 1);
    }
}

void cube_set_budget(struct cube *cube, size_t max_rows, const char *dir)
{
    cube->max_rows = max_rows;
    free(cube->dir);
    cube->dir = xstrdup(dir ? dir : "/tmp");
    if (cube->evidence)
        evidence_table_set_spill(cube->evidence, cube->dir);
}

uint32_t cube_generation(const struct cube *cube)
{
    return cube->generation;
}

const char *cube_error(const struct cube *cube)
{
    return cube->error ? cube->error : evidence_table_error(cube->evidence);
}

struct cube_spill_stats cube_spill_stats(const struct cube *cube)
{
    struct cube_spill_stats st = cube->spill_stats, e = evidence_table_spill_stats(cube->evidence);
    st.runs += e.runs;
    st.rows += e.rows;
    st.bytes += e.bytes;
    return st;
}

static void fail_spilling(struct cube *cube, const char *why)
{
    if (!cube->error)
        cube->error = xstrdup(why);
    cube->max_rows = 0; /* keep what is left in memory: the caller reports the error */
}

/* Merges runs[first..] into one run a level up. */
static int merge_runs(struct cube *cube, size_t first, char *err, size_t errlen)
{
    struct run *out = run_create(cube->dir, err, errlen);
    if (!out)
        return -1;
    struct run_merge *m = run_merge_open(cube->runs + first, cube->run_count - first, err, errlen);
    int ret = m ? 0 : -1;
    struct cube_row row;
    while (ret == 0 && (ret = run_merge_next(m, &row, err, errlen)) == 0)
        ret = run_write(out, &row, 1, cube->dir, err, errlen);
    run_merge_close(m);
    if (ret < 0 || run_finish_writing(out, cube->dir, err, errlen) < 0) {
        run_free(out);
        return -1;
    }
    out->level = cube->runs[first]->level + 1;
    for (size_t i = first; i < cube->run_count; i++)
        run_free(cube->runs[i]);
    cube->runs[first] = out;
    cube->run_count = first + 1;
    return 0;
}

/*
 * Keeps the runs few: when RUN_FAN_IN runs of one level lie at the end of
 * the list, they become one of the next level (as a log-structured merge
 * does), so every row is rewritten about log(rows / budget) / log(RUN_FAN_IN)
 * times and at most RUN_FAN_IN - 1 runs per level stay open.
 */
static int settle_runs(struct cube *cube, char *err, size_t errlen)
{
    for (;;) {
        size_t n = cube->run_count, same = 0;
        while (same < n && cube->runs[n - 1 - same]->level == cube->runs[n - 1]->level)
            same++;
        if (same < RUN_FAN_IN)
            return 0;
        if (merge_runs(cube, n - same, err, errlen) < 0)
            return -1;
    }
}

static void add_run(struct cube *cube, struct run *run)
{
    ALLOC_GROW(cube->runs, cube->run_count + 1, cube->run_alloc);
    cube->runs[cube->run_count++] = run;
}

static _Thread_local const struct cube_row *spill_sort_rows;

static int row_index_cmp(const void *a, const void *b)
{
    return spill_cmp(&spill_sort_rows[*(const uint32_t *)a].key,
                     &spill_sort_rows[*(const uint32_t *)b].key);
}

static const struct ip_addr *row_remote(const void *ctx, size_t i)
{
    return &((const struct cube_row *)ctx)[i].key.remote;
}

/* The rows' indices in spill order: by address, then each remote's few rows by the rest. */
static void spill_order(const struct cube *cube, uint32_t *order)
{
    size_t n = cube->count;
    address_order(n, row_remote, cube->rows, order);
    spill_sort_rows = cube->rows;
    for (size_t start = 0, end; start < n; start = end) {
        const struct ip_addr *remote = &cube->rows[order[start]].key.remote;
        for (end = start + 1; end < n && addr_equal(&cube->rows[order[end]].key.remote, remote);
             end++)
            ;
        if (end - start > 1)
            qsort(order + start, end - start, sizeof(*order), row_index_cmp);
    }
}

/* Writes the rows in memory as a run and empties the cube. Returns 0, or -1 (cube->error). */
static int spill(struct cube *cube)
{
    char err[512];
    uint32_t *order = xcalloc(cube->count ? cube->count : 1, sizeof(*order));
    spill_order(cube, order);
    struct run *run = run_create(cube->dir, err, sizeof(err));
    int ret = run ? 0 : -1;
    /*
     * Gathered a batch at a time, so that the rows' loads overlap: encoding each
     * row where it lies waits on every load, and spills take 2.7 times as long.
     */
    struct cube_row *batch = xcalloc(SPILL_BATCH_ROWS, sizeof(*batch));
    for (size_t i = 0; ret == 0 && i < cube->count;) {
        size_t n = 0;
        for (; n < SPILL_BATCH_ROWS && i < cube->count; n++, i++)
            batch[n] = cube->rows[order[i]];
        ret = run_write(run, batch, n, cube->dir, err, sizeof(err));
    }
    free(batch);
    if (ret == 0)
        ret = run_finish_writing(run, cube->dir, err, sizeof(err));
    free(order);
    if (ret < 0) {
        run_free(run);
        fail_spilling(cube, err);
        return -1;
    }
    cube->spill_stats.runs++;
    cube->spill_stats.rows += cube->count;
    cube->spill_stats.bytes += run->bytes;
    if (cube->spill_meter)
        atomic_fetch_add(cube->spill_meter, run->bytes);
    add_run(cube, run);
    cube->count = 0;
    memset(cube->index, 0, (cube->index_mask + 1) * sizeof(*cube->index));
    cube->generation = new_generation();
    if (settle_runs(cube, err, sizeof(err)) < 0) {
        fail_spilling(cube, err);
        return -1;
    }
    return 0;
}

/* Keys were built to collide: SipHash under a fresh key from now on. */
static void strengthen(struct cube *cube)
{
    hash_key_strengthen(&cube->hash_key);
    for (size_t i = 0; i < cube->count; i++)
        cube->hashes[i] = key_hash(cube, &cube->rows[i].key);
    reindex(cube, cube->index_mask);
}

/* Indexes the rows a chunk was given in order, before its first lookup. */
static void index_appended(struct cube *cube)
{
    cube->unindexed = false;
    cube->in_address_order = false; /* rows looked up may be added anywhere */
    cube->hashes =
        xreallocarray(cube->hashes, cube->alloc ? cube->alloc : 1, sizeof(*cube->hashes));
    for (size_t i = 0; i < cube->count; i++)
        cube->hashes[i] = key_hash(cube, &cube->rows[i].key);
    size_t mask = cube->index_mask;
    while (cube->count * 2 > mask)
        mask = mask * 2 + 1;
    reindex(cube, mask);
}

bool cube_in_address_order(const struct cube *cube)
{
    return cube->in_address_order;
}

uint32_t cube_lookup(struct cube *cube, const struct cube_key *key)
{
    if (cube->unindexed)
        index_appended(cube);
    uint64_t hash = key_hash(cube, key);
    size_t slot = hash & cube->index_mask, probes = 0;
    uint64_t tag = hash & 0xffffffff00000000u;
    for (; cube->index[slot]; slot = (slot + 1) & cube->index_mask) {
        if (HASH_PROBE_RUN_TOO_LONG(++probes, &cube->hash_key)) {
            strengthen(cube);
            return cube_lookup(cube, key);
        }
        if ((cube->index[slot] & 0xffffffff00000000u) != tag)
            continue;
        uint32_t i = (uint32_t)(cube->index[slot] & 0xffffffffu) - 1;
        if (key_words_equal(&cube->rows[i].key, key, sizeof(*key))) {
            if (probes > cube->longest_probe)
                cube->longest_probe = probes;
            return i;
        }
    }
    if (probes > cube->longest_probe)
        cube->longest_probe = probes;
    /* A new row over the budget: the rows so far go to a run first. */
    if (cube->max_rows && cube->count >= cube->max_rows && spill(cube) == 0)
        return cube_lookup(cube, key);
    if (cube->count >= UINT32_MAX - 1)
        abort(); /* four billion rows: far past any memory bound */
    size_t old_alloc = cube->alloc;
    ALLOC_GROW(cube->rows, cube->count + 1, cube->alloc);
    if (cube->alloc != old_alloc)
        cube->hashes = xreallocarray(cube->hashes, cube->alloc, sizeof(*cube->hashes));
    uint32_t i = (uint32_t)cube->count++;
    memset(&cube->rows[i], 0, sizeof(cube->rows[i]));
    cube->rows[i].key = *key;
    cube->rows[i].counts.first_ns = INT64_MAX;
    cube->rows[i].counts.last_ns = INT64_MIN;
    cube->hashes[i] = hash;
    cube->index[slot] = tag | (uint64_t)(i + 1);
    if (cube->count * 2 > cube->index_mask)
        reindex(cube, cube->index_mask * 2 + 1);
    return i;
}

struct cube_row *cube_row_at(struct cube *cube, uint32_t index)
{
    return &cube->rows[index];
}

size_t cube_row_count(const struct cube *cube)
{
    return cube->count;
}

const struct cube_row **aggregate_sort_rows(const struct aggregate_config *config,
                                            struct cube *cube)
{
    if (!config->row_order || cube_spilled(cube))
        return NULL;
    const struct cube_row **rows = xmalloc(st_mult(cube->count ? cube->count : 1, sizeof(*rows)));
    for (size_t i = 0; i < cube->count; i++)
        rows[i] = &cube->rows[i];
    if (config->sort_rows)
        config->sort_rows(rows, cube->count);
    else
        qsort(rows, cube->count, sizeof(*rows), config->row_order);
    return rows;
}

uint32_t *aggregate_sort_index(const struct aggregate_config *config, struct cube *cube,
                               size_t *count)
{
    const struct cube_row **rows = aggregate_sort_rows(config, cube);
    if (!rows)
        return NULL;
    uint32_t *index = xmalloc(st_mult(cube->count ? cube->count : 1, sizeof(*index)));
    for (size_t i = 0; i < cube->count; i++)
        index[i] = (uint32_t)(rows[i] - cube->rows);
    free((void *)rows);
    *count = cube->count;
    return index;
}

const struct cube_row **aggregate_merge_sorted(const struct aggregate_config *config,
                                               struct cube *cube, const struct sorted_run *runs,
                                               size_t nruns)
{
    size_t total = 0;
    for (size_t r = 0; r < nruns; r++) {
        if (runs[r].offset != total || runs[r].count > cube->count - total)
            return NULL;
        total += runs[r].count;
    }
    if (!config->row_order || cube_spilled(cube) || total != cube->count)
        return NULL;
    size_t n = cube->count ? cube->count : 1;
    const struct cube_row **rows = xmalloc(st_mult(n, sizeof(*rows)));
    const struct cube_row **other = xmalloc(st_mult(n, sizeof(*other)));
    /* The runs side by side, each in order; then neighbours merged pairwise, log2(nruns) passes. */
    size_t *start = xmalloc(st_mult(nruns + 1, sizeof(*start)));
    for (size_t r = 0; r < nruns; r++) {
        start[r] = runs[r].offset;
        for (size_t i = 0; i < runs[r].count; i++)
            rows[runs[r].offset + i] = &cube->rows[runs[r].offset + runs[r].index[i]];
    }
    start[nruns] = total;
    for (size_t width = 1; width < nruns; width *= 2) {
        for (size_t r = 0; r < nruns; r += 2 * width) {
            size_t lo = start[r], mid = start[r + width < nruns ? r + width : nruns];
            size_t hi = start[r + 2 * width < nruns ? r + 2 * width : nruns];
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                other[o++] = config->row_order(&rows[b], &rows[a]) < 0 ? rows[b++] : rows[a++];
            while (a < mid)
                other[o++] = rows[a++];
            while (b < hi)
                other[o++] = rows[b++];
        }
        const struct cube_row **swap = rows;
        rows = other;
        other = swap;
    }
    free(start);
    free((void *)other);
    return rows;
}

void cube_add_row(struct cube *cube, const struct cube_row *row)
{
    uint32_t j = cube_lookup(cube, &row->key);
    counts_add(&cube->rows[j].counts, &row->counts);
}

uint64_t cube_evidence_dropped(const struct cube *cube)
{
    return cube ? evidence_table_dropped(cube->evidence) : 0;
}

void cube_merge(struct cube *into, struct cube *from)
{
    if (from->evidence)
        evidence_table_merge(cube_evidence(into), from->evidence);
    if (from->error)
        fail_spilling(into, from->error);
    into->spill_stats.runs += from->spill_stats.runs;
    into->spill_stats.rows += from->spill_stats.rows;
    into->spill_stats.bytes += from->spill_stats.bytes;
    /* Runs change hands as they are: the reader merges them all. */
    size_t moved = from->run_count;
    for (size_t i = 0; i < moved; i++)
        add_run(into, from->runs[i]);
    from->run_count = 0;
    if (moved && into->dir) {
        char err[512];
        if (settle_runs(into, err, sizeof(err)) < 0)
            fail_spilling(into, err);
    }
    for (size_t i = 0; i < from->count; i++)
        cube_add_row(into, &from->rows[i]);
}

/* Into is empty: it takes from's rows, index, evidence and runs as they are. */
static void cube_take_all(struct cube *into, struct cube *from)
{
    struct cube kept = *into;
    char *error = from->error;
    *into = *from;
    into->max_rows = kept.max_rows;
    into->dir = kept.dir;
    into->error = error ? error : kept.error;
    if (error && kept.error)
        free(kept.error);
    from->rows = kept.rows;
    from->hashes = kept.hashes;
    from->count = kept.count;
    from->alloc = kept.alloc;
    from->index = kept.index;
    from->index_mask = kept.index_mask;
    from->evidence = kept.evidence;
    from->runs = kept.runs;
    from->run_count = kept.run_count;
    from->run_alloc = kept.run_alloc;
    from->error = NULL;
    memset(&from->spill_stats, 0, sizeof(from->spill_stats));
    from->unindexed = from->in_address_order = false;
}

/* Whether cube_absorb() takes from's rows as they are: into holds nothing yet. */
static bool takes_all(const struct cube *into)
{
    return !into->count && !into->run_count && !into->evidence && !into->unindexed;
}

void cube_absorb(struct cube *into, struct cube *from)
{
    if (takes_all(into))
        cube_take_all(into, from);
    else
        cube_merge(into, from);
    cube_free(from);
}

/*
 * From's rows go after into's as they are, where cube_merge() would have
 * looked each one up only to add it at the end: the index is rebuilt if a
 * lookup ever comes. Spilled runs, a spill error or rows past into's budget
 * take cube_merge()'s way, which spills as it adds.
 */
bool cube_fits(const struct cube *cube, size_t more)
{
    size_t count = cube->count + more;
    return (!cube->max_rows || count <= cube->max_rows) && count < UINT32_MAX - 1;
}

bool cube_absorb_disjoint(struct cube *into, struct cube *from)
{
    size_t count = into->count + from->count;
    bool fits = cube_fits(into, from->count);
    if (!into->count || from->run_count || from->error || !fits) {
        bool appended = takes_all(into) && !from->run_count;
        cube_absorb(into, from);
        return appended;
    }
    if (count > into->alloc) {
        into->alloc = count;
        into->rows = xreallocarray(into->rows, into->alloc, sizeof(*into->rows));
    }
    if (from->count)
        memcpy(into->rows + into->count, from->rows, from->count * sizeof(*from->rows));
    into->count = count;
    free(into->hashes);
    into->hashes = NULL;
    into->unindexed = true;
    into->in_address_order = false;
    if (!into->evidence) {
        into->evidence = from->evidence;
    } else if (from->evidence) {
        evidence_table_absorb_disjoint(into->evidence, from->evidence);
    }
    from->evidence = NULL;
    cube_free(from);
    return true;
}

bool cube_spilled(const struct cube *cube)
{
    return cube->run_count > 0;
}

/* ---- reading a spilled cube ---------------------------------------------------- */

/*
 * With read-ahead, a thread of its own merges the runs into the next chunk
 * while the reader works on the current one: merging and reporting cost
 * about the same on a flood, so the two overlap. The reader hands each chunk
 * back when it asks for the next, and the merging thread fills it again, so
 * no more than two chunks are ever alive and their pages are touched once.
 */
struct cube_chunks {
    struct cube *cube;
    struct run_merge *merge;
    size_t max_rows;
    struct cube_row pending;
    bool has_pending, done;
    struct cube *in_use; /* the reader's current chunk */
    /* Each chunk's rows sorted with it (by the merging thread when there is one); may be NULL. */
    void (*sort_rows)(const struct cube_row **rows, size_t count);
    const struct cube_row **sorted; /* in_use's */
    /* Read-ahead (merging thread): fields below are under lock. */
    bool ahead, stop;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    struct cube *ready, *spare;
    const struct cube_row **ready_sorted;
    bool ready_set;
    int ready_status;
    char ready_err[512];
};

/* An empty chunk: spare's memory again when there is one. */
static struct cube *chunk_begin(struct cube *spare)
{
    struct cube *chunk = spare ? spare : cube_new();
    chunk->count = 0;
    chunk->generation = new_generation();
    free(chunk->hashes);
    chunk->hashes = NULL;
    chunk->in_address_order = chunk->unindexed = true;
    return chunk;
}

/* A merged run's rows come in spill order, each key once: no lookup needed. */
static void append_row(struct cube *chunk, const struct cube_row *row)
{
    ALLOC_GROW(chunk->rows, chunk->count + 1, chunk->alloc);
    chunk->rows[chunk->count++] = *row;
}

/* Merges the next whole remotes into chunk: returns 0 (chunk may be empty at the end) or -1. */
static int chunk_fill(struct cube_chunks *c, struct cube *chunk, char *err, size_t errlen)
{
    struct ip_addr last;
    if (c->done)
        return 0;
    if (c->has_pending) {
        append_row(chunk, &c->pending);
        last = c->pending.key.remote;
        c->has_pending = false;
    }
    for (;;) {
        struct cube_row row;
        int r = run_merge_next(c->merge, &row, err, errlen);
        if (r < 0)
            return -1;
        if (r > 0) {
            c->done = true;
            return 0;
        }
        /* A chunk ends between remotes, never inside one. */
        if (chunk->count >= c->max_rows && !addr_equal(&row.key.remote, &last)) {
            c->pending = row;
            c->has_pending = true;
            return 0;
        }
        append_row(chunk, &row);
        last = row.key.remote;
    }
}

/* The chunk's rows in c->sort_rows's order, or NULL without one. */
static const struct cube_row **chunk_sort(const struct cube_chunks *c, struct cube *chunk)
{
    if (!c->sort_rows || !chunk)
        return NULL;
    const struct cube_row **rows = xmalloc(st_mult(chunk->count ? chunk->count : 1, sizeof(*rows)));
    for (size_t i = 0; i < chunk->count; i++)
        rows[i] = &chunk->rows[i];
    c->sort_rows(rows, chunk->count);
    return rows;
}

static void *merge_ahead(void *arg)
{
    struct cube_chunks *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        struct cube *spare = c->spare;
        c->spare = NULL;
        pthread_mutex_unlock(&c->lock);
        char err[512] = "";
        struct cube *chunk = chunk_begin(spare);
        int status = chunk_fill(c, chunk, err, sizeof(err));
        if (status < 0 || !chunk->count) {
            cube_free(chunk);
            chunk = NULL;
        }
        const struct cube_row **sorted = chunk_sort(c, chunk);
        pthread_mutex_lock(&c->lock);
        while (c->ready_set && !c->stop)
            pthread_cond_wait(&c->changed, &c->lock);
        if (c->stop) {
            pthread_mutex_unlock(&c->lock);
            cube_free(chunk);
            free((void *)sorted);
            return NULL;
        }
        c->ready = chunk;
        c->ready_sorted = sorted;
        c->ready_status = status;
        snprintf(c->ready_err, sizeof(c->ready_err), "%s", err);
        c->ready_set = true;
        pthread_cond_broadcast(&c->changed);
        pthread_mutex_unlock(&c->lock);
        if (!chunk)
            return NULL;
    }
}

struct cube_chunks *cube_chunks_open(struct cube *cube, size_t max_rows, bool read_ahead, char *err,
                                     size_t errlen)
{
    return cube_chunks_open_sorted(cube, max_rows, read_ahead, NULL, err, errlen);
}

struct cube_chunks *cube_chunks_open_sorted(struct cube *cube, size_t max_rows, bool read_ahead,
                                            void (*sort_rows)(const struct cube_row **rows,
                                                              size_t count),
                                            char *err, size_t errlen)
{
    if (cube->error) {
        snprintf(err, errlen, "%s", cube->error);
        return NULL;
    }
    /* What is still in memory becomes one more run: then there is one way to read. */
    if (cube->count && (!cube->dir || spill(cube) < 0)) {
        snprintf(err, errlen, "%s", cube->error ? cube->error : "no directory to spill to");
        return NULL;
    }
    struct run_merge *m = run_merge_open(cube->runs, cube->run_count, err, errlen);
    if (!m)
        return NULL;
    struct cube_chunks *c = xcalloc(1, sizeof(*c));
    c->cube = cube;
    c->merge = m;
    c->sort_rows = sort_rows;
    c->max_rows = max_rows ? max_rows : 1;
    if (read_ahead) {
        /* Two chunks are alive at once: each takes half of the rows allowed. */
        c->max_rows = max_rows / 2 ? max_rows / 2 : 1;
        pthread_mutex_init(&c->lock, NULL);
        pthread_cond_init(&c->changed, NULL);
        c->ahead = pthread_create(&c->thread, NULL, merge_ahead, c) == 0;
        if (!c->ahead) {
            pthread_mutex_destroy(&c->lock);
            pthread_cond_destroy(&c->changed);
        }
    }
    return c;
}

struct cube *cube_chunks_next(struct cube_chunks *c, int *status, char *err, size_t errlen)
{
    *status = 0;
    free((void *)c->sorted);
    c->sorted = NULL;
    if (!c->ahead) {
        struct cube *chunk = chunk_begin(c->in_use);
        c->in_use = NULL;
        if (chunk_fill(c, chunk, err, errlen) < 0) {
            *status = -1;
            cube_free(chunk);
            return NULL;
        }
        if (!chunk->count) {
            cube_free(chunk);
            return NULL;
        }
        c->sorted = chunk_sort(c, chunk);
        return c->in_use = chunk;
    }
    pthread_mutex_lock(&c->lock);
    if (c->in_use && !c->spare) {
        c->spare = c->in_use;
        c->in_use = NULL;
    }
    while (!c->ready_set)
        pthread_cond_wait(&c->changed, &c->lock);
    struct cube *chunk = c->ready;
    *status = c->ready_status;
    if (*status < 0)
        snprintf(err, errlen, "%s", c->ready_err);
    /* The end stays the end: later calls find it again. */
    if (chunk) {
        c->sorted = c->ready_sorted;
        c->ready = NULL;
        c->ready_sorted = NULL;
        c->ready_set = false;
    }
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->lock);
    cube_free(c->in_use);
    c->in_use = chunk;
    return chunk;
}

const struct cube_row *const *cube_chunks_sorted(const struct cube_chunks *c)
{
    return c->sorted;
}

void cube_chunks_close(struct cube_chunks *c)
{
    if (!c)
        return;
    if (c->ahead) {
        pthread_mutex_lock(&c->lock);
        c->stop = true;
        pthread_cond_broadcast(&c->changed);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->thread, NULL);
        cube_free(c->ready);
        free((void *)c->ready_sorted);
        cube_free(c->spare);
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->changed);
    }
    run_merge_close(c->merge);
    cube_free(c->in_use);
    free((void *)c->sorted);
    free(c);
}
