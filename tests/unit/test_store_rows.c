/*
 * The store's writer (src/store/store_rows.c): store_row_order() must sort
 * rows exactly as SQLite orders traffic_row's key, addresses compared as the
 * bytes the store keeps (IPv4 4 bytes, IPv6 16), or the rows are not written
 * in key order; and every row must arrive whole, whether it went in a
 * statement of 64 rows or one of the rows left over.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../src/store/store.h"
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
    struct file_identity id;
    memset(&id, 0, sizeof(id));
    snprintf(id.path, sizeof(id.path), "/test/grid.pcap");
    snprintf(id.fingerprint, sizeof(id.fingerprint), "%032d", 0);
    struct input_stats stats;
    input_stats_init(&stats);
    CHECK(store_put_file(store, &id, &stats, NULL, cube, sorted, 0, err, sizeof(err)) == 0);
    store_close(store);

    /* SQLite's own order of the key, each row with its sensor's address. */
    sqlite3 *db;
    sqlite3_stmt *st;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db,
                             "SELECT t.bin, a.address, t.remote, t.proto, t.service, t.packets_in"
                             " FROM traffic_row t JOIN sensor_address a ON a.id = t.sensor_id"
                             " ORDER BY t.file_id, t.bin, t.sensor_id, t.remote, t.proto,"
                             " t.initiator, t.service",
                             -1, &st, NULL) == SQLITE_OK);
    size_t i = 0;
    uint64_t packets = 0;
    while (sqlite3_step(st) == SQLITE_ROW && i < n) {
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
        packets += (uint64_t)sqlite3_column_int64(st, 5);
        i++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK_U64(i, ROWS);
    CHECK_U64(packets, (uint64_t)ROWS * (ROWS + 1) / 2);
    free((void *)sorted);
    cube_free(cube);
    unlink(path);
}

int main(void)
{
    RUN(test_sql_order);
    CHECK_EXIT();
}
