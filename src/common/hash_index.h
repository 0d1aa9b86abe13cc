/*
 * hash_index: the open-addressing index of the report's tables.
 *
 * An index finds rows of its caller's own array by key: it holds row numbers
 * only, and asks the caller's key_of for a row's key bytes when it compares
 * or rehashes. Keys are hashed with hash_bytes() under a key of the index's
 * own (hash.h), probed linearly, and the index doubles before it is half
 * full. Keys may come from packets, so a probe run longer than
 * HASH_PROBE_LIMIT under the fast hash switches the index to SipHash and
 * rehashes it, as the flow table and the cube do.
 *
 * The array stays in the caller's order (the order rows were added), so
 * nothing built from it depends on the hash.
 */
#ifndef HONEYSCOPE_HASH_INDEX_H
#define HONEYSCOPE_HASH_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* What hash_index_find() returns for a key no row has. */
#define HASH_INDEX_NONE UINT32_MAX
/* Room key_of may use to put a key together that no row holds as bytes. */
#define HASH_INDEX_SCRATCH 32

/*
 * The key of row number row of the caller's array rows: returns where its
 * *len bytes are, in the row itself or in scratch (HASH_INDEX_SCRATCH bytes).
 * Two rows have the same key when their bytes are equal.
 */
typedef const void *hash_index_key_fn(const void *rows, uint32_t row, void *scratch, size_t *len);

struct hash_index {
    uint32_t *slots; /* row + 1, or 0 when empty */
    size_t mask;     /* slots - 1: a power of two minus one */
    size_t count;    /* rows indexed */
    size_t longest_probe;
    hash_index_key_fn *key_of;
    struct hash_key key;
};

/* An empty index under a random key, with room for expected rows. Release it. */
void hash_index_init(struct hash_index *index, hash_index_key_fn *key_of, size_t expected);
/* The same under a known key, for tests that build colliding keys on purpose. */
void hash_index_init_fixed(struct hash_index *index, hash_index_key_fn *key_of, size_t expected,
                           uint64_t seed);
void hash_index_release(struct hash_index *index);

/* The row whose key is the len bytes at key, or HASH_INDEX_NONE. */
uint32_t hash_index_find(struct hash_index *index, const void *rows, const void *key, size_t len);

/*
 * The row whose key is the len bytes at key; when there is none, indexes row
 * (the caller's row about to be written with that key) and returns it: the
 * caller compares the result with row to know. rows are the rows indexed so
 * far, whose keys the index may read to grow.
 */
uint32_t hash_index_find_or_add(struct hash_index *index, const void *rows, const void *key,
                                size_t len, uint32_t row);

/*
 * Empties an index of rows 0..row_count-1 (exactly what it holds), keeping
 * its memory: only their slots are visited when they are few, so emptying a
 * large index that holds little again is cheap.
 */
void hash_index_clear(struct hash_index *index, const void *rows, uint32_t row_count);

/* Whether the index switched to SipHash (a probe run passed HASH_PROBE_LIMIT). */
bool hash_index_strong(const struct hash_index *index);
/* The longest probe run (keys compared and found different) since the last rehash. */
size_t hash_index_longest_probe(const struct hash_index *index);

#endif
