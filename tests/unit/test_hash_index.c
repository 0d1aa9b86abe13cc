/*
 * Unit tests of the report's open-addressing index (src/common/hash_index.c):
 * rows found again by key, growth at half load, emptying, and keys built to
 * collide under a known key (16-byte keys whose first word is the key's
 * mask all hash alike under the fast hash), which must switch the index to
 * SipHash exactly when a probe run passes HASH_PROBE_LIMIT, and keep every
 * row found with probe runs bounded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/common/hash.h"
#include "../../src/common/hash_index.h"
#include "check.h"

#define SEED 0x0123456789abcdefu
#define COLLIDING 4000

struct row {
    unsigned char key[16];
    uint64_t value;
};

static const void *row_key(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    (void)scratch;
    *len = sizeof(((const struct row *)rows)[row].key);
    return ((const struct row *)rows)[row].key;
}

/* A key of two words: first, then i. */
static void make_key(unsigned char key[16], uint64_t first, uint64_t i)
{
    memcpy(key, &first, 8);
    memcpy(key + 8, &i, 8);
}

/* Adds the row of key i to rows[*count] unless present; returns its row. */
static uint32_t add(struct hash_index *ix, struct row *rows, uint32_t *count, uint64_t first,
                    uint64_t i)
{
    unsigned char key[16];
    make_key(key, first, i);
    uint32_t row = hash_index_find_or_add(ix, rows, key, sizeof(key), *count);
    if (row == *count) {
        memcpy(rows[row].key, key, sizeof(key));
        rows[row].value = i;
        ++*count;
    }
    return row;
}

static uint32_t find(struct hash_index *ix, const struct row *rows, uint64_t first, uint64_t i)
{
    unsigned char key[16];
    make_key(key, first, i);
    return hash_index_find(ix, rows, key, sizeof(key));
}

static void test_index_insert_find_grow(void)
{
    enum { N = 10000 };
    struct row *rows = calloc(N, sizeof(*rows));
    struct hash_index ix;
    uint32_t count = 0;
    hash_index_init(&ix, row_key, 0);
    CHECK_U64(ix.mask + 1, 64);
    for (uint64_t i = 0; i < N; i++)
        CHECK_U64(add(&ix, rows, &count, 7, i * 2654435761u), i);
    CHECK_U64(count, N);
    CHECK_U64(ix.count, N);
    /* Half load at most: 10,000 rows need 32,768 slots (16,384 would hold 8,192). */
    CHECK_U64(ix.mask + 1, 32768);
    /* Every key again: its own row, nothing added. */
    for (uint64_t i = 0; i < N; i++) {
        CHECK_U64(add(&ix, rows, &count, 7, i * 2654435761u), i);
        CHECK_U64(find(&ix, rows, 7, i * 2654435761u), i);
    }
    CHECK_U64(count, N);
    CHECK_U64(ix.count, N);
    CHECK_U64(find(&ix, rows, 8, 0), HASH_INDEX_NONE);
    CHECK_U64(find(&ix, rows, 7, 1), HASH_INDEX_NONE);
    CHECK(!hash_index_strong(&ix));
    CHECK(hash_index_longest_probe(&ix) <= HASH_PROBE_LIMIT);

    /* Room asked for up front: no growth. */
    hash_index_release(&ix);
    hash_index_init(&ix, row_key, N);
    CHECK_U64(ix.mask + 1, 32768);
    hash_index_release(&ix);
    free(rows);
}

static void test_index_clear(void)
{
    enum { N = 5000 };
    struct row *rows = calloc(N, sizeof(*rows));
    struct hash_index ix;
    uint32_t count = 0;
    hash_index_init(&ix, row_key, 0);
    for (uint64_t i = 0; i < N; i++)
        add(&ix, rows, &count, 1, i);
    size_t slots = ix.mask + 1;
    /* Many rows: the whole index is emptied. */
    hash_index_clear(&ix, rows, count);
    CHECK_U64(ix.count, 0);
    CHECK_U64(ix.mask + 1, slots);
    for (size_t s = 0; s < slots; s++)
        CHECK_U64(ix.slots[s], 0);
    /* A few rows in the large index: only their slots are emptied. */
    count = 0;
    for (uint64_t i = 0; i < 3; i++)
        CHECK_U64(add(&ix, rows, &count, 2, i), i);
    CHECK_U64(find(&ix, rows, 1, 0), HASH_INDEX_NONE);
    hash_index_clear(&ix, rows, count);
    for (size_t s = 0; s < slots; s++)
        CHECK_U64(ix.slots[s], 0);
    count = 0;
    CHECK_U64(add(&ix, rows, &count, 3, 9), 0);
    CHECK_U64(find(&ix, rows, 3, 9), 0);
    CHECK_U64(find(&ix, rows, 2, 0), HASH_INDEX_NONE);
    hash_index_release(&ix);
    free(rows);
}

static void test_index_colliding_keys(void)
{
    struct hash_key known;
    hash_key_init_fixed(&known, SEED);
    unsigned char k0[16], k1[16];
    make_key(k0, known.seed[1], 0);
    make_key(k1, known.seed[1], 1);
    /* The keys really collide under the fast hash with that key. */
    CHECK(hash_bytes(&known, k0, sizeof(k0)) == hash_bytes(&known, k1, sizeof(k1)));

    struct row *rows = calloc(COLLIDING, sizeof(*rows));
    struct hash_index ix;
    uint32_t count = 0;
    hash_index_init_fixed(&ix, row_key, 0, SEED);
    /* The key added as row LIMIT is compared with LIMIT others: not yet too long. */
    for (uint64_t i = 0; i <= HASH_PROBE_LIMIT; i++)
        add(&ix, rows, &count, known.seed[1], i);
    CHECK(!hash_index_strong(&ix));
    CHECK_U64(hash_index_longest_probe(&ix), HASH_PROBE_LIMIT);
    /* One more: its run passes the limit. */
    add(&ix, rows, &count, known.seed[1], HASH_PROBE_LIMIT + 1);
    CHECK(hash_index_strong(&ix));
    for (uint64_t i = HASH_PROBE_LIMIT + 2; i < COLLIDING; i++)
        add(&ix, rows, &count, known.seed[1], i);
    CHECK_U64(count, COLLIDING);
    CHECK_U64(ix.count, COLLIDING);
    CHECK(hash_index_longest_probe(&ix) <= HASH_PROBE_LIMIT);
    for (uint64_t i = 0; i < COLLIDING; i++) {
        CHECK_U64(find(&ix, rows, known.seed[1], i), i);
        CHECK_U64(rows[i].value, i);
    }
    CHECK_U64(find(&ix, rows, known.seed[1], COLLIDING), HASH_INDEX_NONE);
    CHECK(hash_index_longest_probe(&ix) <= HASH_PROBE_LIMIT);
    hash_index_release(&ix);

    /* A lookup that meets the long run strengthens the index too. */
    count = 0;
    hash_index_init_fixed(&ix, row_key, 0, SEED);
    for (uint64_t i = 0; i <= HASH_PROBE_LIMIT; i++)
        add(&ix, rows, &count, known.seed[1], i);
    CHECK(!hash_index_strong(&ix));
    CHECK_U64(find(&ix, rows, known.seed[1], COLLIDING), HASH_INDEX_NONE);
    CHECK(hash_index_strong(&ix));
    for (uint64_t i = 0; i <= HASH_PROBE_LIMIT; i++)
        CHECK_U64(find(&ix, rows, known.seed[1], i), i);
    CHECK(hash_index_longest_probe(&ix) <= HASH_PROBE_LIMIT);
    hash_index_release(&ix);

    /* Random keys: no switch. */
    enum { N = 100000 };
    struct row *many = calloc(N, sizeof(*many));
    count = 0;
    hash_index_init(&ix, row_key, 0);
    for (uint64_t i = 0; i < N; i++)
        add(&ix, many, &count, i % 31, i / 31);
    CHECK_U64(count, N);
    CHECK(!hash_index_strong(&ix));
    CHECK(hash_index_longest_probe(&ix) <= HASH_PROBE_LIMIT);
    hash_index_release(&ix);
    free(many);
    free(rows);
}

/* A key put together in scratch: the row holds no bytes to point at. */
static const void *value_key(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    uint32_t v = (uint32_t)((const uint64_t *)rows)[row];
    memcpy(scratch, &v, sizeof(v));
    *len = sizeof(v);
    return scratch;
}

static void test_index_scratch_keys(void)
{
    uint64_t values[300];
    uint32_t count = 0;
    struct hash_index ix;
    hash_index_init(&ix, value_key, 0);
    for (uint32_t i = 0; i < 600; i++) {
        uint32_t v = i % 300;
        uint32_t row = hash_index_find_or_add(&ix, values, &v, sizeof(v), count);
        if (row == count)
            values[count++] = v;
        CHECK_U64(row, v);
    }
    CHECK_U64(count, 300);
    CHECK_U64(ix.mask + 1, 1024);
    hash_index_release(&ix);
}

int main(void)
{
    RUN(test_index_insert_find_grow);
    RUN(test_index_clear);
    RUN(test_index_colliding_keys);
    RUN(test_index_scratch_keys);
    CHECK_EXIT();
}
