/*
 * hash_flood: what keys chosen to collide cost the tables keyed by packet
 * bytes (the flow table, the cube, the evidence table), against random keys
 * of the same shape. Prints, never fails on speed:
 *
 *   build/bench/hash_flood [N]
 *
 * For each table, under one known seed, N keys that all have the same fast
 * hash and N random keys each go into a fresh table and are then looked up
 * again; the time of both passes is the best of three, keys made beforehand.
 * One line per table:
 *
 *   hash_flood TABLE colliding_s random_s ratio switched_to_siphash
 *
 * where ratio is colliding over random (the aim: at most 2x) and the last
 * column says whether the colliding keys made the table switch to SipHash.
 * Exits 0 whatever the times; 1 when something failed (a table lost keys,
 * memory ran out), 2 on a bad N.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/aggregate/aggregate.h"
#include "../src/common/addr.h"
#include "../src/common/hash.h"
#include "../src/evidence/evidence.h"
#include "../src/flow/flow.h"

/*
 * About a quarter of a second for each table's random keys on an AMD EPYC
 * core; past it the time grows faster than the keys, as the tables outgrow
 * the caches.
 */
#define DEFAULT_KEYS 1000000
/* The most flows a flow table holds (flow_table_new()). */
#define MAX_KEYS (UINT32_MAX / 4)
#define SEED 0x0123456789abcdefu
#define RUNS 3

/*
 * How the keys collide, as in the unit tests: the fast hash
 * (src/common/hash.c) mixes each 16-byte block, and the last shorter one, as
 * mum(first word ^ mask, second word ^ state), and mum(0, x) = 0. A block
 * whose first word is the mask so erases the state (all the key before it)
 * and its own second word: keys that differ only there have the same 64-bit
 * hash, not merely the same slot. With the seed known the mask is too, so N
 * such keys cost N stores, where a search for keys whose hashes share their
 * low bits would cost hashes by the thousand for each key of a large table.
 */
static uint64_t mask;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/*
 * xorshift64*: its states do not repeat within 2^64 - 1 calls and the final
 * multiplication is a bijection, so no two calls return the same number, and
 * a key holding a whole output is a key no other random one holds.
 */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717u;
}

static struct ip_addr v4_of(const uint8_t bytes[4])
{
    struct ip_addr a;
    addr_from_v4(&a, bytes);
    return a;
}

/* Fills n keys of a table's kind. */
typedef void make_fn(void *keys, size_t n);

/*
 * One table's timed run over n keys: fills *secs with the time of both
 * passes and *strong with whether the table switched to SipHash; returns -1
 * (having said why) when the table did not hold exactly the n keys.
 */
typedef int run_fn(const void *keys, size_t n, double *secs, bool *strong);

/* ---- flow table -------------------------------------------------------------- */

struct flow_input {
    struct ip_addr sensor, remote;
    uint16_t sensor_port, remote_port;
};

/*
 * Both ends IPv4, the table hashes sensor, remote, ports, protocol packed:
 * a sensor and a remote that together spell the mask leave only the ports,
 * which count.
 */
static void flow_colliding(void *keys, size_t n)
{
    struct flow_input *in = keys;
    uint8_t m[8];
    memcpy(m, &mask, 8);
    for (size_t i = 0; i < n; i++) {
        in[i].sensor = v4_of(m);
        in[i].remote = v4_of(m + 4);
        in[i].sensor_port = (uint16_t)(i >> 16);
        in[i].remote_port = (uint16_t)i;
    }
}

static void flow_random(void *keys, size_t n)
{
    struct flow_input *in = keys;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng(), ports = rng();
        uint8_t b[8];
        memcpy(b, &r, 8);
        in[i].sensor = v4_of(b);
        in[i].remote = v4_of(b + 4);
        in[i].sensor_port = (uint16_t)ports;
        in[i].remote_port = (uint16_t)(ports >> 16);
    }
}

static int flow_run(const void *keys, size_t n, double *secs, bool *strong)
{
    const struct flow_input *in = keys;
    struct flow_config config;
    flow_config_default(&config);
    /* Room for every key: an eviction would make the second pass start flows again. */
    config.max_flows = n;
    struct flow_table *t = flow_table_new_seeded(&config, SEED);
    struct decoded_packet p;
    memset(&p, 0, sizeof(p));
    p.proto = PROTO_UDP;
    p.ip_bytes = 60;
    size_t started_count = 0, lost = 0;
    double t0 = now();
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            p.dst = in[i].sensor;
            p.src = in[i].remote;
            p.dst_port = in[i].sensor_port;
            p.src_port = in[i].remote_port;
            /* 100 ns apart: no flow goes idle, whatever n. */
            int64_t ts = (int64_t)(pass * n + i) * 100;
            bool started;
            if (!flow_table_update(t, &p, DIR_IN, ts, &started))
                lost++;
            started_count += started;
        }
    }
    *secs = now() - t0;
    *strong = flow_table_hash_strong(t);
    size_t count = flow_table_count(t);
    flow_table_free(t);
    if (lost || started_count != n || count != n) {
        fprintf(stderr,
                "hash_flood: flow_table: %zu flows started, %zu in the table, %zu packets "
                "held, of %zu keys\n",
                started_count, count, lost, n);
        return -1;
    }
    return 0;
}

/* ---- cube ------------------------------------------------------------------------ */

/*
 * Both addresses IPv4, the cube hashes remote, sensor, bin, service,
 * protocol, initiator packed: a remote and a sensor that together spell the
 * mask leave only the bin, which counts hours.
 */
static void cube_colliding(void *any, size_t n)
{
    struct cube_key *keys = any;
    uint8_t m[8];
    memcpy(m, &mask, 8);
    for (size_t i = 0; i < n; i++) {
        memset(&keys[i], 0, sizeof(keys[i]));
        keys[i].remote = v4_of(m);
        keys[i].sensor = v4_of(m + 4);
        keys[i].bin = (int64_t)i * 3600;
        keys[i].service = 23;
        keys[i].proto = PROTO_TCP;
        keys[i].initiator = INITIATOR_REMOTE;
    }
}

static void cube_random(void *any, size_t n)
{
    struct cube_key *keys = any;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng(), other = rng();
        uint8_t b[8];
        memcpy(b, &r, 8);
        memset(&keys[i], 0, sizeof(keys[i]));
        keys[i].remote = v4_of(b);
        keys[i].sensor = v4_of(b + 4);
        keys[i].bin = (int64_t)(other % (24 * 366)) * 3600;
        keys[i].service = (uint16_t)(other >> 32);
        keys[i].proto = PROTO_TCP;
        keys[i].initiator = INITIATOR_REMOTE;
    }
}

static int cube_run(const void *keys, size_t n, double *secs, bool *strong)
{
    const struct cube_key *in = keys;
    struct cube *cube = cube_new_seeded(SEED);
    size_t misplaced = 0;
    double t0 = now();
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            uint32_t row = cube_lookup(cube, &in[i]);
            /* Rows are appended in the order their keys first came. */
            misplaced += row != i;
            cube_row_at(cube, row)->counts.packets_in++;
        }
    }
    *secs = now() - t0;
    *strong = cube_hash_strong(cube);
    size_t count = cube_row_count(cube);
    cube_free(cube);
    if (misplaced || count != n) {
        fprintf(stderr, "hash_flood: cube: %zu rows of %zu keys, %zu found at the wrong row\n",
                count, n, misplaced);
        return -1;
    }
    return 0;
}

/* ---- evidence table ------------------------------------------------------------- */

#define VALUE_LEN 24

struct evidence_input {
    int64_t bin;
    struct ip_addr remote;
    char value[VALUE_LEN];
};

/*
 * The table hashes bin (8 bytes), remote, kind (1 byte), value in one run:
 * the value's byte AT starts the third 16-byte block. With the mask there,
 * only the eight bytes after it, which count, are left to differ.
 */
enum { AT = 32 - (8 + sizeof(struct ip_addr) + 1) };
_Static_assert(AT + 16 <= VALUE_LEN, "the colliding block lies within the value");

static void evidence_colliding(void *keys, size_t n)
{
    struct evidence_input *in = keys;
    uint8_t r4[4] = {198, 51, 100, 7};
    for (size_t i = 0; i < n; i++) {
        uint64_t counter = i;
        in[i].bin = 0;
        in[i].remote = v4_of(r4);
        memset(in[i].value, 'a', VALUE_LEN);
        memcpy(in[i].value + AT, &mask, 8);
        memcpy(in[i].value + AT + 8, &counter, 8);
    }
}

static void evidence_random(void *keys, size_t n)
{
    struct evidence_input *in = keys;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rng();
        uint8_t b[4];
        memcpy(b, &r, 4);
        in[i].bin = (int64_t)((r >> 32) & 0xffff) * 3600;
        in[i].remote = v4_of(b);
        for (size_t j = 0; j < VALUE_LEN; j += 8) {
            uint64_t v = rng();
            memcpy(in[i].value + j, &v, 8);
        }
    }
}

static int evidence_run(const void *keys, size_t n, double *secs, bool *strong)
{
    const struct evidence_input *in = keys;
    struct evidence_table *t = evidence_table_new_seeded(SEED);
    /* Past its memory the table would only count new values: every key must be kept. */
    evidence_table_set_bytes(t, UINT64_MAX);
    double t0 = now();
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            evidence_table_add(t, in[i].bin, &in[i].remote, EVIDENCE_SMTP_HELO, in[i].value,
                               VALUE_LEN, 1);
    *secs = now() - t0;
    *strong = evidence_table_hash_strong(t);
    size_t count = evidence_table_count(t), once = 0;
    for (size_t i = 0; i < count; i++)
        once += evidence_table_at(t, i)->count != 2;
    uint64_t dropped = evidence_table_dropped(t);
    evidence_table_free(t);
    if (count != n || once || dropped) {
        fprintf(stderr,
                "hash_flood: evidence_table: %zu rows of %zu keys, %zu not found again, "
                "%" PRIu64 " dropped\n",
                count, n, once, dropped);
        return -1;
    }
    return 0;
}

/* ---- the runs ------------------------------------------------------------------- */

struct bench_table {
    const char *name;
    size_t key_size;
    make_fn *colliding, *random;
    run_fn *run;
};

static const struct bench_table tables[] = {
    {"flow_table", sizeof(struct flow_input), flow_colliding, flow_random, flow_run},
    {"cube", sizeof(struct cube_key), cube_colliding, cube_random, cube_run},
    {"evidence_table", sizeof(struct evidence_input), evidence_colliding, evidence_random,
     evidence_run},
};

/*
 * Best of RUNS for each set, the two sets taking turns so that a busy
 * moment of the machine weighs on both alike. Prints the table's line.
 */
static int time_sets(const struct bench_table *t, const void *colliding, const void *random_keys,
                     size_t n)
{
    double best_colliding = 0, best_random = 0;
    bool switched = false, random_switched = false;
    for (int r = 0; r < RUNS; r++) {
        double secs;
        if (t->run(colliding, n, &secs, &switched) < 0)
            return -1;
        if (r == 0 || secs < best_colliding)
            best_colliding = secs;
        if (t->run(random_keys, n, &secs, &random_switched) < 0)
            return -1;
        if (r == 0 || secs < best_random)
            best_random = secs;
    }
    /*
     * Either would mean the keys no longer do what this program says they
     * do. Fewer keys than a probe run must pass cannot make a table switch.
     */
    if (!switched && n > HASH_PROBE_LIMIT + 1)
        fprintf(stderr, "hash_flood: %s: the colliding keys did not make it switch to SipHash\n",
                t->name);
    if (random_switched)
        fprintf(stderr, "hash_flood: %s: random keys made it switch to SipHash\n", t->name);
    printf("hash_flood %s %.3f %.3f %.2fx %s\n", t->name, best_colliding, best_random,
           best_random > 0 ? best_colliding / best_random : 0.0, switched ? "yes" : "no");
    fflush(stdout);
    return 0;
}

/* Both key sets of a table, made, timed and freed before the next table's. */
static int bench_table(const struct bench_table *t, size_t n)
{
    void *colliding = calloc(n, t->key_size), *random_keys = calloc(n, t->key_size);
    if (!colliding || !random_keys) {
        fprintf(stderr, "hash_flood: %s: no memory for 2 x %zu keys\n", t->name, n);
        free(colliding);
        free(random_keys);
        return -1;
    }
    t->colliding(colliding, n);
    t->random(random_keys, n);
    int status = time_sets(t, colliding, random_keys, n);
    free(colliding);
    free(random_keys);
    return status;
}

int main(int argc, char **argv)
{
    size_t n = DEFAULT_KEYS;
    if (argc > 2) {
        fprintf(stderr, "usage: hash_flood [KEYS]\n");
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(argv[1], &end, 10);
        if (errno || end == argv[1] || *end || argv[1][0] == '-' || v < 1 || v > MAX_KEYS) {
            fprintf(stderr, "hash_flood: '%s': give a number of keys from 1 to %u\n", argv[1],
                    (unsigned)MAX_KEYS);
            return 2;
        }
        n = (size_t)v;
    }
    struct hash_key known;
    hash_key_init_fixed(&known, SEED);
    mask = known.seed[1];

    int status = 0;
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
        if (bench_table(&tables[i], n) < 0)
            status = 1;
    return status;
}
