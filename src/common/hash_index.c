/*
 * The open-addressing index of the report's tables (hash_index.h): row
 * numbers in a power-of-two array of slots, linear probing, at most half
 * full, and the probe-run rule of hash.h.
 */
#include "hash_index.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* The fewest slots an index has: small tables cost little, and grow. */
#define HASH_INDEX_MIN_SLOTS 64

static size_t slots_for(size_t expected)
{
    size_t slots = HASH_INDEX_MIN_SLOTS;
    while (slots / 2 < expected)
        slots *= 2;
    return slots;
}

static void start(struct hash_index *index, hash_index_key_fn *key_of, size_t expected)
{
    size_t slots = slots_for(expected);
    index->slots = xcalloc(slots, sizeof(*index->slots));
    index->mask = slots - 1;
    index->count = 0;
    index->longest_probe = 0;
    index->key_of = key_of;
}

void hash_index_init(struct hash_index *index, hash_index_key_fn *key_of, size_t expected)
{
    start(index, key_of, expected);
    hash_key_init(&index->key);
}

void hash_index_init_fixed(struct hash_index *index, hash_index_key_fn *key_of, size_t expected,
                           uint64_t seed)
{
    start(index, key_of, expected);
    hash_key_init_fixed(&index->key, seed);
}

void hash_index_release(struct hash_index *index)
{
    free(index->slots);
    memset(index, 0, sizeof(*index));
}

static uint64_t row_hash(const struct hash_index *index, const void *rows, uint32_t row)
{
    unsigned char scratch[HASH_INDEX_SCRATCH];
    size_t len;
    const void *key = index->key_of(rows, row, scratch, &len);
    return hash_bytes(&index->key, key, len);
}

static bool row_has_key(const struct hash_index *index, const void *rows, uint32_t row,
                        const void *key, size_t len)
{
    unsigned char scratch[HASH_INDEX_SCRATCH];
    size_t row_len;
    const void *row_key = index->key_of(rows, row, scratch, &row_len);
    return row_len == len && (len == 0 || memcmp(row_key, key, len) == 0);
}

/*
 * Puts the rows of the old slots into slots + 1 new ones. A run too long
 * while the keys are placed means they were chosen: placed again under
 * SipHash.
 */
static void rehash(struct hash_index *index, const void *rows, size_t slots)
{
    uint32_t *old = index->slots;
    size_t old_slots = index->mask + 1;
    uint32_t *fresh = xcalloc(slots, sizeof(*fresh));
    size_t mask = slots - 1;
again:
    for (size_t i = 0; i < old_slots; i++) {
        if (!old[i])
            continue;
        size_t slot = row_hash(index, rows, old[i] - 1) & mask;
        for (size_t run = 0; fresh[slot]; slot = (slot + 1) & mask) {
            if (HASH_PROBE_RUN_TOO_LONG(++run, &index->key)) {
                hash_key_strengthen(&index->key);
                memset(fresh, 0, slots * sizeof(*fresh));
                goto again;
            }
        }
        fresh[slot] = old[i];
    }
    free(old);
    index->slots = fresh;
    index->mask = mask;
    index->longest_probe = 0;
}

/*
 * The slot of key: the one holding its row, else the empty one where it
 * would go. A probe run past HASH_PROBE_LIMIT under the fast hash switches
 * to SipHash and looks again.
 */
static size_t probe(struct hash_index *index, const void *rows, const void *key, size_t len)
{
    for (;;) {
        size_t slot = hash_bytes(&index->key, key, len) & index->mask, run = 0;
        bool too_long = false;
        for (; index->slots[slot]; slot = (slot + 1) & index->mask) {
            if (row_has_key(index, rows, index->slots[slot] - 1, key, len))
                break;
            if ((too_long = HASH_PROBE_RUN_TOO_LONG(++run, &index->key)))
                break;
        }
        if (too_long) {
            hash_key_strengthen(&index->key);
            rehash(index, rows, index->mask + 1);
            continue;
        }
        if (run > index->longest_probe)
            index->longest_probe = run;
        return slot;
    }
}

uint32_t hash_index_find(struct hash_index *index, const void *rows, const void *key, size_t len)
{
    size_t slot = probe(index, rows, key, len);
    return index->slots[slot] ? index->slots[slot] - 1 : HASH_INDEX_NONE;
}

uint32_t hash_index_find_or_add(struct hash_index *index, const void *rows, const void *key,
                                size_t len, uint32_t row)
{
    /* Grown first, while every indexed row has its key: row has none yet. */
    if ((index->count + 1) * 2 > index->mask + 1)
        rehash(index, rows, 2 * (index->mask + 1));
    size_t slot = probe(index, rows, key, len);
    if (index->slots[slot])
        return index->slots[slot] - 1;
    index->slots[slot] = row + 1;
    index->count++;
    return row;
}

void hash_index_clear(struct hash_index *index, const void *rows, uint32_t row_count)
{
    if ((size_t)row_count * 4 > index->mask + 1) {
        memset(index->slots, 0, (index->mask + 1) * sizeof(*index->slots));
    } else {
        /* Each row is in its own slot along its run: walk to it, whatever was emptied. */
        for (uint32_t row = 0; row < row_count; row++) {
            size_t slot = row_hash(index, rows, row) & index->mask;
            for (size_t step = 0; step < index->mask && index->slots[slot] != row + 1; step++)
                slot = (slot + 1) & index->mask;
            if (index->slots[slot] == row + 1)
                index->slots[slot] = 0;
        }
    }
    index->count = 0;
    index->longest_probe = 0;
}

bool hash_index_strong(const struct hash_index *index)
{
    return index->key.strong;
}

size_t hash_index_longest_probe(const struct hash_index *index)
{
    return index->longest_probe;
}
