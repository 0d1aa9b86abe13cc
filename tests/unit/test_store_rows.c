/*
 * The store's writer (src/store/store_rows.c): store_row_order() must sort
 * rows exactly as SQLite orders traffic_row's key, addresses compared as the
 * bytes the store keeps (IPv4 4 bytes, IPv6 16), or the loose rows of a live
 * capture are not written in key order; every row must arrive whole, whether
 * it went in a statement of 64 rows or one of the rows left over; and a
 * file's rows written in packs come back through traffic_unpack() as they
 * were sorted, in packs of at most PACK_MAX_ROWS.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/aggregate/aggregate_int.h"
#include "../../src/common/xalloc.h"
#include "../../src/store/store_int.h"
#include "check.h"

#define BINS 5
#define REMOTES 10
#define PROTOS 2
#define SERVICES 5
/* 1,000 rows: 15 statements of 64 rows and 40 rows one by one. */
#define ROWS (BINS * 2 * REMOTES * PROTOS * SERVICES)

static const char *const remotes[REMOTES] = {
    "198.51.100.7", "2001:db8::1",     "::1",         "::ffff:1.2.3.4", "1.2.3.4",
    "0.0.0.1",      "ff02::1",         "32.1.13.184", /* 20 01 0d b8: IPv6's first 4 bytes */
    "fe80::1",      "255.255.255.255",
};
static const char *const sensors[2] = {"192.0.2.10", "2001:db8:64::10"};

/* Every key of the grid, in a scrambled order, each row's packets_in its grid index + 1. */
static struct cube *grid_cube(void)
{
    struct cube *cube = cube_new();
    for (uint32_t n = 0; n < ROWS; n++) {
        uint32_t i = (n * 7919u) % ROWS; /* 7919 is prime to 1,000: each index once */
        uint32_t at = i;
        struct cube_key key;
        memset(&key, 0, sizeof(key));
        key.service = (uint16_t)(20 + at % SERVICES);
        at /= SERVICES;
        key.proto = at % PROTOS ? 17 : 6;
        at /= PROTOS;
        addr_parse(&key.remote, remotes[at % REMOTES]);
        at /= REMOTES;
        addr_parse(&key.sensor, sensors[at % 2]);
        at /= 2;
        key.bin = 1700000100 + 900 * (int64_t)at;
        key.initiator = 2;
        struct cube_row *row = cube_row_at(cube, cube_lookup(cube, &key));
        row->counts.packets_in = i + 1;
        row->counts.flows = 1;
        row->counts.first_ns = (key.bin + 1) * 1000000000;
        row->counts.last_ns = (key.bin + 2) * 1000000000;
    }
    return cube;
}

/* Checks the rows st gives against sorted[0..n), in order: *count of them, their packets. */
static void check_rows(sqlite3_stmt *st, const struct cube_row *const *sorted, size_t n,
                       size_t *count, uint64_t *packets)
{
    size_t i = 0;
    /* Every row is counted: one too many makes *count pass n. */
    for (; sqlite3_step(st) == SQLITE_ROW; i++) {
        if (i >= n)
            continue;
        const struct cube_key *key = &sorted[i]->key;
        uint8_t sensor[STORE_ADDR_MAX], remote[STORE_ADDR_MAX];
        size_t sensor_len = store_addr_bytes(&key->sensor, sensor);
        size_t remote_len = store_addr_bytes(&key->remote, remote);
        CHECK_U64(sqlite3_column_int64(st, 0), key->bin);
        CHECK_U64(sqlite3_column_bytes(st, 1), sensor_len);
        CHECK(memcmp(sqlite3_column_blob(st, 1), sensor, sensor_len) == 0);
        CHECK_U64(sqlite3_column_bytes(st, 2), remote_len);
        CHECK(memcmp(sqlite3_column_blob(st, 2), remote, remote_len) == 0);
        CHECK_U64(sqlite3_column_int64(st, 3), key->proto);
        CHECK_U64(sqlite3_column_int64(st, 4), key->service);
        CHECK_U64(sqlite3_column_int64(st, 5), sorted[i]->counts.packets_in);
        CHECK_U64(sqlite3_column_int64(st, 6), 1);
        CHECK_U64(sqlite3_column_int64(st, 7), 2);
        *packets += (uint64_t)sqlite3_column_int64(st, 5);
    }
    *count = i;
}

static void test_sql_order(void)
{
    const char *dir = getenv("TEST_WORK");
    char path[512], err[1024];
    snprintf(path, sizeof(path), "%s/test_store_rows-%ld.db", dir ? dir : "/tmp", (long)getpid());
    unlink(path);
    struct cube *cube = grid_cube();
    CHECK_U64(cube_row_count(cube), ROWS);
    size_t n;
    const struct cube_row **sorted = store_sort_rows(cube, &n);
    CHECK_U64(n, ROWS);

    struct store *store = store_open(path, STORE_WRITE, err, sizeof(err));
    CHECK(store != NULL);
    if (!store)
        return;
    struct input_stats stats;
    input_stats_init(&stats);
    /* A live capture's commit: loose rows, added onto rows of the same key. */
    struct live_capture_info live = {"eth9", NULL, 1700000000000000000};
    int64_t file_id = 0;
    CHECK(store_put_live(store, &live, &file_id, &stats, cube, 0, 0, true, err, sizeof(err)) == 0);
    store_close(store);

    /* SQLite's own order of the key, each row with its sensor's address. */
    sqlite3 *db;
    sqlite3_stmt *st;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db,
                             "SELECT t.bin, a.address, t.remote, t.proto, t.service, t.packets_in,"
                             " t.first_off, t.last_off"
                             " FROM traffic_row t JOIN sensor_address a ON a.id = t.sensor_id"
                             " ORDER BY t.file_id, t.bin, t.sensor_id, t.remote, t.proto,"
                             " t.initiator, t.service",
                             -1, &st, NULL) == SQLITE_OK);
    size_t count;
    uint64_t packets = 0;
    check_rows(st, sorted, n, &count, &packets);
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK_U64(count, ROWS);
    CHECK_U64(packets, (uint64_t)ROWS * (ROWS + 1) / 2);
    free((void *)sorted);
    cube_free(cube);
    unlink(path);
}

/* A file's rows in packs: more than a pack holds, back in store_row_order(). */
static void test_packs(void)
{
    const char *dir = getenv("TEST_WORK");
    char path[512], err[1024];
    snprintf(path, sizeof(path), "%s/test_store_packs-%ld.db", dir ? dir : "/tmp", (long)getpid());
    unlink(path);
    struct cube *cube = cube_new();
    size_t total = PACK_MAX_ROWS + 1000;
    for (uint32_t i = 0; i < total; i++) {
        struct cube_key key;
        memset(&key, 0, sizeof(key));
        key.bin = 1700000100 + 900 * (int64_t)(i % 7);
        addr_parse(&key.sensor, sensors[i % 3 == 0]);
        addr_from_v4(&key.remote,
                     (const uint8_t[]){10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i});
        key.proto = 6;
        key.initiator = 2;
        key.service = 445;
        struct cube_row *row = cube_row_at(cube, cube_lookup(cube, &key));
        row->counts.packets_in = i + 1;
        row->counts.flows = 1;
        row->counts.first_ns = (key.bin + 1) * 1000000000;
        row->counts.last_ns = (key.bin + 2) * 1000000000;
    }
    size_t n;
    const struct cube_row **sorted = store_sort_rows(cube, &n);
    struct store *store = store_open(path, STORE_WRITE, err, sizeof(err));
    CHECK(store != NULL);
    if (!store)
        return;
    struct file_identity id;
    memset(&id, 0, sizeof(id));
    snprintf(id.path, sizeof(id.path), "/test/grid.pcap");
    snprintf(id.fingerprint, sizeof(id.fingerprint), "%032d", 0);
    struct input_stats stats;
    input_stats_init(&stats);
    CHECK(store_put_file(store, &id, &stats, NULL, cube, sorted, 0, err, sizeof(err)) == 0);
    store_close(store);

    sqlite3 *db;
    sqlite3_stmt *st;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(store_sql_functions(db) == 0);
    CHECK(sqlite3_prepare_v2(db,
                             "SELECT u.bin, u.sensor, u.remote, u.proto, u.service, u.packets_in,"
                             " u.first_off, u.last_off FROM traffic_pack p"
                             " JOIN traffic_unpack(p.data) u ORDER BY p.file_id, p.seq",
                             -1, &st, NULL) == SQLITE_OK);
    size_t count;
    uint64_t packets = 0;
    check_rows(st, sorted, n, &count, &packets);
    sqlite3_finalize(st);
    CHECK_U64(count, total);
    CHECK_U64(packets, (uint64_t)total * (total + 1) / 2);
    /* Two packs, the first full; no loose row; bins as the packs' rows have them. */
    CHECK(sqlite3_prepare_v2(db,
                             "SELECT count(*), max(rows), (SELECT count(*) FROM traffic_row),"
                             " min(bin_first), max(bin_last) FROM traffic_pack",
                             -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_U64(sqlite3_column_int64(st, 0), 2);
    CHECK_U64(sqlite3_column_int64(st, 1), PACK_MAX_ROWS);
    CHECK_U64(sqlite3_column_int64(st, 2), 0);
    CHECK_U64(sqlite3_column_int64(st, 3), 1700000100);
    CHECK_U64(sqlite3_column_int64(st, 4), 1700000100 + 900 * 6);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free((void *)sorted);
    cube_free(cube);
    unlink(path);
}

/* A deterministic sequence, so that a failure can be run again. */
static uint64_t next_random(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

/*
 * Keys made to meet every tie of store_sort_pointers()'s two words: IPv4
 * and IPv6 sensors (three in one /64), remotes of both families whose first
 * 4 or 8 bytes agree, mapped addresses, bins before 1970, several services
 * per remote. remote_tag keeps the cubes of test_merged_runs() disjoint.
 */
static void random_key(struct cube_key *key, uint64_t *state, unsigned remote_tag)
{
    static const char *const some_sensors[] = {
        "192.0.2.10",      "192.0.2.9",         "2001:db8:64::10", "2001:db8:64::9",
        "2001:db8:64::ff", "::ffff:192.0.2.10", "0.0.0.0",         "255.255.255.255",
    };
    memset(key, 0, sizeof(*key));
    key->bin = 900 * ((int64_t)(next_random(state) % 40) - 20) + 1700000100;
    addr_parse(&key->sensor, some_sensors[next_random(state) % 8]);
    uint8_t b[16];
    uint64_t r = next_random(state);
    switch (next_random(state) % 4) {
    case 0: /* IPv4 */
        addr_from_v4(&key->remote, (const uint8_t[]){32, 1, (uint8_t)remote_tag, (uint8_t)r});
        break;
    case 1: /* IPv6 whose first 4 bytes are an IPv4 remote's */
        memset(b, 0, sizeof(b));
        b[0] = 32, b[1] = 1, b[2] = (uint8_t)remote_tag, b[3] = (uint8_t)r;
        b[15] = (uint8_t)(r >> 8 & 3);
        addr_from_v6(&key->remote, b);
        break;
    case 2: /* IPv6 of one /64: the first 8 bytes tie */
        memset(b, 0, sizeof(b));
        b[0] = 0x20, b[1] = 0x01, b[2] = 0x0d, b[3] = 0xb8, b[7] = (uint8_t)remote_tag;
        b[14] = (uint8_t)(r >> 8), b[15] = (uint8_t)r;
        addr_from_v6(&key->remote, b);
        break;
    default: /* ::ffff:a.b.c.d as IPv6 */
        addr_parse(&key->remote, "::ffff:32.1.0.1");
        key->remote.b[14] = (uint8_t)remote_tag;
        key->remote.b[15] = (uint8_t)r;
        break;
    }
    key->proto = next_random(state) % 2 ? 17 : 6;
    key->initiator = (uint8_t)(next_random(state) % 3);
    key->service = (uint16_t)(next_random(state) % 4);
}

static struct cube *random_cube(uint64_t seed, size_t rows, unsigned remote_tag)
{
    struct cube *cube = cube_new();
    uint64_t state = seed;
    for (size_t i = 0; i < rows; i++) {
        struct cube_key key;
        random_key(&key, &state, remote_tag);
        cube_row_at(cube, cube_lookup(cube, &key))->counts.packets_in++;
    }
    return cube;
}

/* Whether rows[0..n) are sorted as qsort() with store_row_order() sorts them. */
static bool sorted_as_qsort(const struct cube_row **rows, size_t n)
{
    const struct cube_row **expected = xmalloc((n ? n : 1) * sizeof(*expected));
    memcpy(expected, rows, n * sizeof(*rows));
    qsort(expected, n, sizeof(*expected), store_row_order);
    bool same = memcmp(expected, rows, n * sizeof(*rows)) == 0;
    free(expected);
    return same;
}

/* store_sort_pointers() gives qsort()'s order, on its fast way and on the long one. */
static void test_fast_sort(void)
{
    struct cube *cube = random_cube(1, 20000, 1);
    size_t n;
    const struct cube_row **rows = store_sort_rows(cube, &n);
    CHECK(n > 5000);
    CHECK(sorted_as_qsort(rows, n));
    for (size_t i = 1; i < n; i++)
        CHECK(store_row_order(&rows[i - 1], &rows[i]) < 0);
    free((void *)rows);
    /* A bin that is no whole quarter hour takes qsort()'s way: the same order. */
    struct cube_key odd;
    uint64_t state = 7;
    random_key(&odd, &state, 1);
    odd.bin += 1;
    cube_row_at(cube, cube_lookup(cube, &odd))->counts.packets_in = 1;
    rows = store_sort_rows(cube, &n);
    CHECK(sorted_as_qsort(rows, n));
    free((void *)rows);
    cube_free(cube);
}

static int spill_order_of_pointers(const void *a, const void *b)
{
    return spill_cmp(&(*(const struct cube_row *const *)a)->key,
                     &(*(const struct cube_row *const *)b)->key);
}

/*
 * store_sort_spilled() turns spill order into qsort()'s store order: with
 * both families (and remotes below ::ffff:0:0/96) under one bin and sensor,
 * with bins more than 256 apart (two bytes of key), and with a bin that is
 * no whole quarter hour (the long way).
 */
static void test_sort_spilled(void)
{
    for (int round = 0; round < 3; round++) {
        struct cube *cube = random_cube(21 + (uint64_t)round, 20000, 1);
        uint64_t state = 5;
        for (unsigned i = 0; i < 300; i++) {
            struct cube_key key;
            random_key(&key, &state, 1);
            if (i % 3 == 0)
                key.remote.b[10] = key.remote.b[11] = 0, key.remote.mapped_v6 = 0; /* ::a.b.c.d */
            if (round == 1)
                key.bin += 900 * 300 * (int64_t)(i % 2);
            if (round == 2 && i == 0)
                key.bin += 1;
            cube_row_at(cube, cube_lookup(cube, &key))->counts.packets_in++;
        }
        size_t n = cube_row_count(cube);
        const struct cube_row **rows = xmalloc(n * sizeof(*rows));
        for (size_t i = 0; i < n; i++)
            rows[i] = cube_row_at(cube, (uint32_t)i);
        qsort(rows, n, sizeof(*rows), spill_order_of_pointers);
        store_sort_spilled(rows, n);
        CHECK(sorted_as_qsort(rows, n));
        free((void *)rows);
        cube_free(cube);
    }
}

/* Workers' parts sorted on their own and merged: the order of sorting the whole. */
static void test_merged_runs(void)
{
    struct aggregate_config config;
    memset(&config, 0, sizeof(config));
    config.row_order = store_row_order;
    config.sort_rows = store_sort_pointers;
    struct cube *whole = random_cube(11, 3000, 1);
    struct sorted_run runs[3];
    uint32_t *index[3];
    size_t offset = 0;
    for (unsigned r = 0; r < 3; r++) {
        struct cube *part = r ? random_cube(11 + r, 3000 + 500 * r, 1 + r) : whole;
        index[r] = aggregate_sort_index(&config, part, &runs[r].count);
        CHECK(index[r] != NULL);
        runs[r].index = index[r];
        runs[r].offset = offset;
        offset += runs[r].count;
        if (r)
            CHECK(cube_absorb_disjoint(whole, part));
    }
    CHECK_U64(cube_row_count(whole), offset);
    const struct cube_row **merged = aggregate_merge_sorted(&config, whole, runs, 3);
    CHECK(merged != NULL);
    if (merged)
        CHECK(sorted_as_qsort(merged, offset));
    free((void *)merged);
    /* Runs that do not cover the rows from the first are refused. */
    runs[1].offset++;
    CHECK(aggregate_merge_sorted(&config, whole, runs, 3) == NULL);
    for (unsigned r = 0; r < 3; r++)
        free(index[r]);
    cube_free(whole);
}

int main(void)
{
    RUN(test_sql_order);
    RUN(test_packs);
    RUN(test_fast_sort);
    RUN(test_sort_spilled);
    RUN(test_merged_runs);
    CHECK_EXIT();
}
