/*
 * The traffic cube: rows in one array, found through a seeded hash index.
 *
 * Remote addresses come from packets, so the index is keyed under a random
 * key of its own (common/hash.h), and switches to SipHash when a probe run
 * shows keys built to collide. Row indices never change once given out,
 * which lets a flow cache the row of its current bin.
 */
#include <stdlib.h>
#include <string.h>

#include "../common/hash.h"
#include "../common/xalloc.h"
#include "aggregate.h"

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
};

struct evidence_table *cube_evidence(struct cube *cube)
{
    if (!cube->evidence)
        cube->evidence = evidence_table_new();
    return cube->evidence;
}

int64_t bin_clock_start(const struct bin_clock *clock, int64_t unix_s)
{
    int64_t local = unix_s + clock->offset_s;
    int64_t q = local / clock->width_s;
    if (local % clock->width_s < 0)
        q--;
    return q * clock->width_s - clock->offset_s;
}

struct cube *cube_new(void)
{
    struct cube *cube = xcalloc(1, sizeof(*cube));
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
    free(cube->rows);
    free(cube->hashes);
    free(cube->index);
    evidence_table_free(cube->evidence);
    free(cube);
}

static uint64_t key_hash(const struct cube *cube, const struct cube_key *key)
{
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

/* Keys were built to collide: SipHash under a fresh key from now on. */
static void strengthen(struct cube *cube)
{
    hash_key_strengthen(&cube->hash_key);
    for (size_t i = 0; i < cube->count; i++)
        cube->hashes[i] = key_hash(cube, &cube->rows[i].key);
    reindex(cube, cube->index_mask);
}

uint32_t cube_lookup(struct cube *cube, const struct cube_key *key)
{
    uint64_t hash = key_hash(cube, key);
    size_t slot = hash & cube->index_mask, probes = 0;
    uint64_t tag = hash & 0xffffffff00000000u;
    for (; cube->index[slot]; slot = (slot + 1) & cube->index_mask) {
        if (++probes > HASH_PROBE_LIMIT && !cube->hash_key.strong) {
            strengthen(cube);
            return cube_lookup(cube, key);
        }
        if ((cube->index[slot] & 0xffffffff00000000u) != tag)
            continue;
        uint32_t i = (uint32_t)(cube->index[slot] & 0xffffffffu) - 1;
        if (memcmp(&cube->rows[i].key, key, sizeof(*key)) == 0) {
            if (probes > cube->longest_probe)
                cube->longest_probe = probes;
            return i;
        }
    }
    if (probes > cube->longest_probe)
        cube->longest_probe = probes;
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

void cube_merge(struct cube *into, const struct cube *from)
{
    if (from->evidence)
        evidence_table_merge(cube_evidence(into), from->evidence);
    for (size_t i = 0; i < from->count; i++) {
        const struct cube_counts *src = &from->rows[i].counts;
        /* Look up first: the lookup may move into->rows. */
        uint32_t j = cube_lookup(into, &from->rows[i].key);
        struct cube_counts *dst = &into->rows[j].counts;
        dst->packets_in += src->packets_in;
        dst->packets_out += src->packets_out;
        dst->bytes_in += src->bytes_in;
        dst->bytes_out += src->bytes_out;
        dst->flows += src->flows;
        if (src->first_ns < dst->first_ns)
            dst->first_ns = src->first_ns;
        if (src->last_ns > dst->last_ns)
            dst->last_ns = src->last_ns;
    }
}
