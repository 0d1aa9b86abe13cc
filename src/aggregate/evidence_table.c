/*
 * The evidence table of a cube: (bin, remote, kind, value) -> count.
 *
 * Values come from packets (spam recipients, DNS names, URLs) and are kept as
 * sent; they live in an arena of chunks that never move, so rows can point
 * into it. The index is keyed like the cube's (common/hash.h, switching to
 * SipHash when a probe run shows chosen collisions), and the table is
 * bounded: past its memory (CUBE_EVIDENCE_BYTES, or what --memory gives it:
 * all it allocates for rows, hashes, index and values) new values are counted
 * as dropped rather than stored, so a flood of unique names cannot exhaust
 * memory.
 * The bound applies to a table counting (for ingest one per file being read
 * and thread, for report one per thread over all its files); merged tables
 * keep every value, so results do not depend on which thread or rank finished
 * first.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/xalloc.h"
#include "../evidence/evidence.h"
#include "aggregate.h"

#define ARENA_CHUNK (256 * 1024)

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
    bool unindexed; /* rows were appended (absorbed): hashes and index come at the next add */
    uint64_t max_bytes;
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

static void add(struct evidence_table *t, int64_t bin, const struct ip_addr *remote, unsigned kind,
                const char *value, size_t len, uint64_t count, bool bounded)
{
    if (t->unindexed)
        index_appended(t);
    if (len > EVIDENCE_VALUE_MAX)
        len = EVIDENCE_VALUE_MAX;
    uint64_t hash = row_hash(t, bin, remote, kind, value, len);
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
    if (bounded && full(t, len)) {
        t->dropped += count;
        return;
    }
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

void evidence_table_merge(struct evidence_table *into, const struct evidence_table *from)
{
    if (!from)
        return;
    for (size_t i = 0; i < from->count; i++) {
        const struct evidence_row *r = &from->rows[i];
        /*
         * Unbounded: each file's table was bounded as it was read, and
         * merging must not depend on the order files finish in.
         */
        add(into, r->bin, &r->remote, r->kind, r->value, r->len, r->count, false);
    }
    into->dropped += from->dropped;
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
    into->dropped += from->dropped;
    free(into->hashes);
    into->hashes = NULL;
    into->unindexed = true;
    evidence_table_free(from);
}
