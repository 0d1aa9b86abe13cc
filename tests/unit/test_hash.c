/*
 * Unit tests of the keyed hash (src/common/hash.c) and of the tables that
 * use it against keys built to collide: with the key known, inputs whose
 * first word equals the key's mask all hash alike under the fast hash; the
 * cube and the flow table must notice the long probe run, switch to SipHash
 * and keep every probe run within HASH_PROBE_LIMIT, with every row and flow
 * still found. Random keys must not make them switch.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/aggregate/aggregate.h"
#include "../../src/common/addr.h"
#include "../../src/common/hash.h"
#include "../../src/flow/flow.h"
#include "check.h"

#define SEED 0x0123456789abcdefu
#define COLLIDING 4000

static void test_hash_basics(void)
{
    struct hash_key a, b;
    hash_key_init_fixed(&a, SEED);
    hash_key_init_fixed(&b, SEED + 1);
    const char text[] = "honeyscope";
    CHECK(hash_bytes(&a, text, sizeof(text)) == hash_bytes(&a, text, sizeof(text)));
    CHECK(hash_bytes(&a, text, sizeof(text)) != hash_bytes(&b, text, sizeof(text)));
    CHECK(hash_bytes(&a, text, 4) != hash_bytes(&a, text, 5));
    /* Every length up to three blocks, so the tail paths are taken. */
    uint64_t seen[49];
    unsigned char bytes[48];
    memset(bytes, 0xa5, sizeof(bytes));
    for (size_t len = 0; len <= 48; len++) {
        seen[len] = hash_bytes(&a, bytes, len);
        for (size_t j = 0; j < len; j++)
            CHECK(seen[j] != seen[len]);
    }
    /* The strong hash is another function of the same bytes. */
    uint64_t fast = hash_bytes(&a, text, sizeof(text));
    hash_key_strengthen(&a);
    CHECK(a.strong);
    CHECK(hash_bytes(&a, text, sizeof(text)) != fast);
}

/*
 * Known values under a known key: the product in the fast hash is one
 * 128-bit multiplication where the compiler has the type and four 32-bit
 * ones elsewhere, and both must give these bits.
 */
static void test_hash_known_values(void)
{
    static const struct {
        size_t len;
        uint64_t hash;
    } known[] = {
        {0, UINT64_C(0xbeca23913f9ea3f9)},  {1, UINT64_C(0x7dcd450e13669f54)},
        {7, UINT64_C(0xe100d147a3c2f65d)},  {8, UINT64_C(0xfbed7293686a1c9e)},
        {15, UINT64_C(0x1174cf3c4d97de6e)}, {16, UINT64_C(0x42f5b80a7a9bd171)},
        {17, UINT64_C(0x0afd42fdfc302341)}, {48, UINT64_C(0x35f10abab9e2a6e7)},
        {64, UINT64_C(0xfd1ef5a71c406288)}, {70, UINT64_C(0xaa57eefb07360457)},
    };
    struct hash_key key;
    hash_key_init_fixed(&key, SEED);
    unsigned char bytes[70];
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)(i * 37 + 1);
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        CHECK(hash_bytes(&key, bytes, known[i].len) == known[i].hash);
}

/* Sequential addresses spread over the buckets (no bucket far above the mean). */
static void test_hash_spread(void)
{
    struct hash_key key;
    hash_key_init(&key);
    enum { BUCKETS = 1 << 12, KEYS = 1 << 16 };
    static unsigned load[BUCKETS];
    memset(load, 0, sizeof(load));
    for (uint32_t i = 0; i < KEYS; i++) {
        struct ip_addr a;
        uint8_t v4[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        addr_from_v4(&a, v4);
        load[hash_bytes(&key, &a, sizeof(a)) % BUCKETS]++;
    }
    unsigned most = 0;
    for (size_t b = 0; b < BUCKETS; b++)
        if (load[b] > most)
            most = load[b];
    CHECK(most < 4 * KEYS / BUCKETS);
}

/* A cube key whose first word is the fast hash's mask: the rest of its
 * first block no longer changes the hash. */
static struct cube_key colliding_cube_key(const struct hash_key *known, uint32_t i)
{
    struct cube_key k;
    memset(&k, 0, sizeof(k));
    memcpy(&k.bin, &known->seed[1], sizeof(k.bin));
    k.sensor.b[0] = (uint8_t)(i >> 24);
    k.sensor.b[1] = (uint8_t)(i >> 16);
    k.sensor.b[2] = (uint8_t)(i >> 8);
    k.sensor.b[3] = (uint8_t)i;
    k.remote.b[15] = 7;
    k.proto = 6;
    return k;
}

static void test_cube_colliding_keys(void)
{
    struct hash_key known;
    hash_key_init_fixed(&known, SEED);
    struct cube_key k0 = colliding_cube_key(&known, 0), k1 = colliding_cube_key(&known, 1);
    /* The keys really collide under the fast hash with that key. */
    CHECK(hash_bytes(&known, &k0, sizeof(k0)) == hash_bytes(&known, &k1, sizeof(k1)));

    struct cube *cube = cube_new_seeded(SEED);
    for (uint32_t i = 0; i < COLLIDING; i++) {
        struct cube_key k = colliding_cube_key(&known, i);
        cube_row_at(cube, cube_lookup(cube, &k))->counts.packets_in += i + 1;
    }
    CHECK(cube_hash_strong(cube));
    CHECK(cube_longest_probe(cube) <= HASH_PROBE_LIMIT);
    CHECK_U64(cube_row_count(cube), COLLIDING);
    for (uint32_t i = 0; i < COLLIDING; i++) {
        struct cube_key k = colliding_cube_key(&known, i);
        CHECK_U64(cube_row_at(cube, cube_lookup(cube, &k))->counts.packets_in, i + 1);
    }
    CHECK_U64(cube_row_count(cube), COLLIDING);
    cube_free(cube);

    /* Random keys: no switch. */
    cube = cube_new();
    for (uint32_t i = 0; i < 100000; i++) {
        struct cube_key k;
        memset(&k, 0, sizeof(k));
        k.bin = (int64_t)(i % 31) * 86400;
        uint8_t v4[4] = {(uint8_t)(i * 7), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
        addr_from_v4(&k.remote, v4);
        cube_lookup(cube, &k);
    }
    CHECK(!cube_hash_strong(cube));
    CHECK(cube_longest_probe(cube) <= HASH_PROBE_LIMIT);
    cube_free(cube);
}

static void test_flow_table_colliding_keys(void)
{
    struct hash_key known;
    hash_key_init_fixed(&known, SEED);
    struct flow_config config;
    flow_config_default(&config);
    struct flow_table *t = flow_table_new_seeded(&config, SEED);
    struct ip_addr remote;
    uint8_t r4[4] = {198, 51, 100, 7};
    addr_from_v4(&remote, r4);
    /* IPv6 sensors whose first eight bytes are the mask: the flow key's
     * first word, so the next eight bytes no longer change the hash. */
    for (uint32_t i = 0; i < COLLIDING; i++) {
        struct decoded_packet p;
        memset(&p, 0, sizeof(p));
        uint8_t v6[16];
        memcpy(v6, &known.seed[1], 8);
        memset(v6 + 8, 0, 8);
        v6[12] = (uint8_t)(i >> 24);
        v6[13] = (uint8_t)(i >> 16);
        v6[14] = (uint8_t)(i >> 8);
        v6[15] = (uint8_t)i;
        p.src = remote;
        addr_from_v6(&p.dst, v6);
        p.proto = PROTO_UDP;
        p.src_port = 5000;
        p.dst_port = 53;
        p.ip_bytes = 60;
        bool started = false;
        struct flow *f = flow_table_update(t, &p, DIR_IN, (int64_t)i * 1000, &started);
        CHECK(f != NULL && started);
        f = flow_table_update(t, &p, DIR_IN, (int64_t)i * 1000 + 1, &started);
        CHECK(f != NULL && !started);
    }
    CHECK(flow_table_hash_strong(t));
    CHECK(flow_table_longest_probe(t) <= HASH_PROBE_LIMIT);
    CHECK_U64(flow_table_count(t), COLLIDING);
    CHECK_U64(flow_table_stats(t)->flows, COLLIDING);
    flow_table_end_all(t);
    flow_table_free(t);
}

/*
 * IPv4 keys hash packed: the cube's first packed word is the remote and the
 * sensor, the flow table's the sensor and the remote. With those words equal
 * to the key's mask, the next eight bytes (a row's bin, a flow's ports) no
 * longer change the hash.
 */
static void test_ipv4_colliding_keys(void)
{
    struct hash_key known;
    hash_key_init_fixed(&known, SEED);
    uint8_t mask[8];
    memcpy(mask, &known.seed[1], 8);

    struct cube *cube = cube_new_seeded(SEED);
    for (uint32_t i = 0; i < COLLIDING; i++) {
        struct cube_key k;
        memset(&k, 0, sizeof(k));
        addr_from_v4(&k.remote, mask);
        addr_from_v4(&k.sensor, mask + 4);
        k.bin = (int64_t)i * 3600;
        k.proto = 6;
        cube_row_at(cube, cube_lookup(cube, &k))->counts.packets_in += i + 1;
    }
    CHECK(cube_hash_strong(cube));
    CHECK(cube_longest_probe(cube) <= HASH_PROBE_LIMIT);
    CHECK_U64(cube_row_count(cube), COLLIDING);
    cube_free(cube);

    struct flow_config config;
    flow_config_default(&config);
    struct flow_table *t = flow_table_new_seeded(&config, SEED);
    for (uint32_t i = 0; i < COLLIDING; i++) {
        struct decoded_packet p;
        memset(&p, 0, sizeof(p));
        addr_from_v4(&p.dst, mask);     /* the sensor: the packet comes in */
        addr_from_v4(&p.src, mask + 4); /* the remote */
        p.proto = PROTO_UDP;
        p.src_port = (uint16_t)(1024 + i);
        p.dst_port = 53;
        p.ip_bytes = 60;
        bool started = false;
        struct flow *f = flow_table_update(t, &p, DIR_IN, (int64_t)i * 1000, &started);
        CHECK(f != NULL && started);
    }
    CHECK(flow_table_hash_strong(t));
    CHECK(flow_table_longest_probe(t) <= HASH_PROBE_LIMIT);
    CHECK_U64(flow_table_count(t), COLLIDING);
    flow_table_end_all(t);
    flow_table_free(t);
}

/*
 * A row's key is hashed as bin (8 bytes), remote, kind (1), value: a value
 * holding the mask where the key's third 16-byte block starts collides
 * whatever the next eight bytes hold.
 */
static void test_evidence_colliding_values(void)
{
    struct hash_key known;
    hash_key_init_fixed(&known, SEED);
    struct evidence_table *t = evidence_table_new_seeded(SEED);
    struct ip_addr remote;
    uint8_t r4[4] = {198, 51, 100, 7};
    addr_from_v4(&remote, r4);
    unsigned char value[24];
    for (uint32_t i = 0; i < COLLIDING; i++) {
        size_t at = 32 - (8 + sizeof(struct ip_addr) + 1);
        memset(value, 'a', sizeof(value));
        memcpy(value + at, &known.seed[1], 8);
        memcpy(value + at + 8, &i, sizeof(i));
        evidence_table_add(t, 0, &remote, 1, (const char *)value, sizeof(value), 1);
        evidence_table_add(t, 0, &remote, 1, (const char *)value, sizeof(value), 1);
    }
    CHECK(evidence_table_hash_strong(t));
    CHECK_U64(evidence_table_count(t), COLLIDING);
    for (size_t i = 0; i < evidence_table_count(t); i++)
        CHECK_U64(evidence_table_at(t, i)->count, 2);
    evidence_table_free(t);
}

/*
 * The same values given a batch at a time (evidence_table_add_all(), as a
 * parse gives them): the switch to SipHash comes in the middle of a batch,
 * whose values were hashed under the old key, and each value comes twice
 * within its batch. The table must end as with one add at a time, row for
 * row.
 */
static void test_evidence_colliding_values_added_all(void)
{
    struct hash_key known;
    hash_key_init_fixed(&known, SEED);
    struct evidence_table *one = evidence_table_new_seeded(SEED);
    struct evidence_table *all = evidence_table_new_seeded(SEED);
    struct ip_addr remote;
    uint8_t r4[4] = {198, 51, 100, 7};
    addr_from_v4(&remote, r4);
    enum { BATCH = 7 };
    static unsigned char values[2 * BATCH][24];
    struct evidence_addition adds[2 * BATCH];
    size_t pending = 0;
    for (uint32_t i = 0; i < COLLIDING; i++) {
        size_t at = 32 - (8 + sizeof(struct ip_addr) + 1);
        unsigned char *value = values[pending];
        memset(value, 'a', 24);
        memcpy(value + at, &known.seed[1], 8);
        memcpy(value + at + 8, &i, sizeof(i));
        evidence_table_add(one, 0, &remote, 1, (const char *)value, 24, 1);
        evidence_table_add(one, 0, &remote, 1, (const char *)value, 24, 1);
        adds[pending++] = (struct evidence_addition){1, (const char *)value, 24, 1};
        adds[pending++] = (struct evidence_addition){1, (const char *)value, 24, 1};
        if (pending == 2 * BATCH || i + 1 == COLLIDING) {
            evidence_table_add_all(all, 0, &remote, adds, pending);
            pending = 0;
        }
    }
    /* Each value once more, hashed as it should be: found where it was put. */
    for (uint32_t i = 0; i < COLLIDING; i++) {
        size_t at = 32 - (8 + sizeof(struct ip_addr) + 1);
        unsigned char value[24];
        memset(value, 'a', 24);
        memcpy(value + at, &known.seed[1], 8);
        memcpy(value + at + 8, &i, sizeof(i));
        evidence_table_add(one, 0, &remote, 1, (const char *)value, 24, 1);
        evidence_table_add(all, 0, &remote, 1, (const char *)value, 24, 1);
    }
    CHECK(evidence_table_hash_strong(all));
    CHECK_U64(evidence_table_count(all), COLLIDING);
    CHECK_U64(evidence_table_count(all), evidence_table_count(one));
    for (size_t i = 0; i < evidence_table_count(all) && i < evidence_table_count(one); i++) {
        const struct evidence_row *a = evidence_table_at(all, i), *o = evidence_table_at(one, i);
        CHECK_U64(a->count, 3);
        CHECK(a->len == o->len && memcmp(a->value, o->value, a->len) == 0);
    }
    evidence_table_free(one);
    evidence_table_free(all);
}

int main(void)
{
    RUN(test_hash_basics);
    RUN(test_hash_known_values);
    RUN(test_hash_spread);
    RUN(test_cube_colliding_keys);
    RUN(test_flow_table_colliding_keys);
    RUN(test_ipv4_colliding_keys);
    RUN(test_evidence_colliding_values);
    RUN(test_evidence_colliding_values_added_all);
    CHECK_EXIT();
}
