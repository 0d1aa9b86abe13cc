/*
 * Private to the store: the open store and the helpers its files share
 * (SQL and transactions, evidence value ids, the consistency check).
 */
#ifndef HONEYSCOPE_STORE_INT_H
#define HONEYSCOPE_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/addr.h"
#include "../common/prefetch.h"
#include "../evidence/evidence.h"
#include "store.h"

/*
 * Evidence values (version 7) are kept once each, under an id taken from
 * BLAKE2b of kind and value: 47 bits, which SQLite stores in 6 bytes, and
 * the next free id when another value has it. The lookup needs no index of
 * the values, which would hold each of them a second time.
 */
struct value_ids {
    sqlite3_stmt *find, *add;
};

/* A pack's bytes (pack.c). */
struct pack_buf {
    uint8_t *data;
    size_t len, alloc;
};

struct sensor_id {
    struct ip_addr addr;
    int64_t id;
};

struct store {
    sqlite3 *db;
    char *path;
    /*
     * Statements of the writer, prepared at their first use and kept until
     * the store is closed: row_inserts[table][add][many] (store_rows.c), the
     * capture_file and packet_sample rows, the sensor ids and the evidence
     * value lookup.
     */
    sqlite3_stmt *row_inserts[2][2][2];
    sqlite3_stmt *insert_file, *insert_sample, *add_sensor, *find_sensor, *insert_pack,
        *insert_evidence_pack;
    struct pack_buf pack; /* the pack being written, kept for the next */
    struct value_ids value_ids;
    bool batch; /* store_batch_begin() opened a transaction that is not over */
    /*
     * sensor_address ids of the sensor addresses written, so that a row
     * costs no lookup; forgotten at every rollback, which may undo an id.
     */
    struct sensor_id *sensor_ids;
    size_t sensor_id_count, sensor_id_alloc;
    int64_t kind_ids[EVIDENCE_KIND_COUNT]; /* evidence_kind ids, by enum evidence_kind */
    /*
     * The schema's version: STORE_VERSION, or STORE_READ_AS_IS for a
     * read-only store of it, read as it is (store_open()).
     */
    int64_t version;
    bool immutable; /* read on read-only media (store_file_uri()) */
};

/*
 * A file: URI of path for SQLite, read-only; immutable, for a store on
 * read-only media (no other process can change it, and SQLite can make no
 * lock or WAL index beside it). Free it.
 */
char *store_file_uri(const char *path, bool immutable);

/*
 * The oldest version a read-only store may be read in without its upgrade:
 * version 7 lacks only version 8's evidence counts of capture_file, read as 0.
 */
#define STORE_READ_AS_IS 7

int store_exec(struct store *s, const char *sql, char *err, size_t errlen);
int store_fail_db(struct store *s, const char *what, char *err, size_t errlen);
/*
 * One write's transaction: its own, or a savepoint inside an open batch, so
 * that a failed write undoes itself and leaves the batch as it was.
 */
int store_tx_begin(struct store *s, char *err, size_t errlen);
int store_tx_commit(struct store *s, char *err, size_t errlen);
void store_tx_rollback(struct store *s);
int store_value_ids_open(sqlite3 *db, struct value_ids *v);
void store_value_ids_close(struct value_ids *v);
/* The id of (kind, value), added when new. */
int store_evidence_value_id(struct value_ids *v, int64_t kind, const void *value, size_t len,
                            int64_t *id);
/*
 * The bytes the store keeps of addr (docs/store.md), in place: the last 4
 * of an IPv4 address, all 16 of any other. Sets *len to 4 or 16; the
 * pointer is into addr. The one statement of the rule: store_addr_bytes()
 * copies these, and the writer's sort (store_rows.c) compares them where
 * they are, as SQLite will compare the BLOBs.
 */
const uint8_t *store_addr_view(const struct ip_addr *addr, size_t *len);
int store_blob_order(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* The sensor_address id of a sensor address, added when new. */
int store_sensor_id(struct store *s, const struct ip_addr *addr, int64_t *id);
/* The statement of sql kept in *slot, prepared when *slot is NULL; NULL when it cannot be. */
sqlite3_stmt *store_statement(struct store *s, sqlite3_stmt **slot, const char *sql);
/*
 * Inserts the cube's traffic rows for file_id: in packs of PACK_MAX_ROWS
 * rows in store_row_order(), or (add, a live capture) as traffic_row rows
 * added onto the rows of the same key. sorted is the cube's rows in
 * store_row_order(), or NULL to sort them here. Returns 0, or -1 with err.
 */
int store_insert_traffic(struct store *s, int64_t file_id, struct cube *cube,
                         const struct cube_row *const *sorted, bool add, char *err, size_t errlen);
/* Inserts the cube's evidence rows for file_id, each value by its id. Returns 0 or -1. */
int store_insert_evidence(struct store *s, int64_t file_id, struct cube *cube, bool add);
/* Finalizes the statements of store_rows.c. */
void store_rows_release(struct store *s);
/*
 * Copies evidence rows into evidence_row, each value looked up (or added) in
 * evidence_value: rows yields (file_id, bin, remote, kind id, value, count)
 * (an upgrade, a merge). Returns 0, or -1 when a step failed.
 */
int store_copy_evidence(struct store *s, sqlite3_stmt *rows);
void store_to_hex(const unsigned char *bytes, size_t n, char *out);
/* Seconds a time in nanoseconds can hold, either side of 1970. */
#define STORE_SECONDS_MAX (INT64_MAX / 1000000000)

/* The whole second a time in nanoseconds falls in (before 1970 too): what the store keeps. */
static inline int64_t store_floor_seconds(int64_t ns)
{
    return ns / 1000000000 - (ns % 1000000000 < 0);
}

/* ---- packs (pack.c): many traffic rows of a file in one value -------------------------- */

/*
 * Rows in the store's order lie all over the cube's memory, and reading
 * each one waited on memory for most of the writer's time: loops over them
 * ask for the row a few places ahead early.
 */
#define prefetch_row(rows, i, n)                                                                   \
    do {                                                                                           \
        if ((i) + PREFETCH_ROWS_AHEAD < (n)) {                                                     \
            memory_prefetch(&(rows)[(i) + PREFETCH_ROWS_AHEAD]->key);                              \
            memory_prefetch(&(rows)[(i) + PREFETCH_ROWS_AHEAD]->counts);                           \
        }                                                                                          \
    } while (0)

/* The rows of one pack, at most. */
#define PACK_MAX_ROWS 65536

/*
 * Encodes count rows (1..PACK_MAX_ROWS, in store_row_order(), bins whole
 * quarter hours) as one traffic pack in out, replacing what it held.
 * Returns 0, or -1 when the rows cannot be packed (out's length is 0).
 */
int traffic_pack_encode(const struct cube_row *const *rows, size_t count, struct pack_buf *out);
/*
 * Decodes a traffic pack of len bytes, which may come from anywhere (a
 * store copied from another machine): every row it yields is one the
 * encoder could have written, counts at most INT64_MAX, times in range.
 * Calls fn with each row in order; a nonzero fn return stops the decoding
 * and is returned. Returns 0, or -1 with *why (a static phrase) for a
 * damaged pack; rows given before the damage was found stand.
 */
int traffic_pack_decode(const void *pack, size_t len,
                        int (*fn)(void *ctx, const struct cube_row *row), void *ctx,
                        const char **why);

/*
 * Registers ip_text(), ip_bytes(), ip_in() and the table traffic_unpack(DATA)
 * on db (store_sql.c). Returns 0, or -1.
 */
/*
 * Evidence packs (version 10): a file's evidence rows, many to a value,
 * each pack with its own values (kind named, bytes once) and rows naming
 * them by index. A pack's values are in (kind, length, bytes) order, its
 * rows in (bin, remote, value) order, each strictly rising.
 */
#define EVIDENCE_PACK_MAX_ROWS 65536
#define EVIDENCE_PACK_MAX_VALUE_BYTES (4u << 20)
#define EVIDENCE_PACK_MAX_KINDS 64
#define EVIDENCE_PACK_KIND_MAX 64

struct evidence_pack_value {
    const char *kind; /* the kind's name: not NUL-terminated in a decoded pack */
    size_t kind_len;
    const uint8_t *bytes;
    size_t len;
};

struct evidence_pack_row {
    int64_t bin;
    struct ip_addr remote;
    uint32_t value; /* an index into the pack's values */
    uint64_t count;
};

/* A decoded pack: values and rows point into raw, which it owns. */
struct evidence_pack {
    uint8_t *raw;
    struct evidence_pack_value *values;
    size_t value_count;
    struct evidence_pack_row *rows;
    size_t row_count;
};

int evidence_pack_encode(const struct evidence_pack_value *values, size_t value_count,
                         const struct evidence_pack_row *rows, size_t row_count,
                         struct pack_buf *out);
int evidence_pack_decode(const void *pack, size_t len, struct evidence_pack *out, const char **why);
void evidence_pack_free(struct evidence_pack *pack);
int evidence_pack_row_order(const struct evidence_pack_row *a, const struct evidence_pack_row *b);

int store_sql_functions(sqlite3 *db);
/* Whether database ("main", "src") of db has the table name. Returns 0, or -1. */
int store_has_table(sqlite3 *db, const char *database, const char *name, bool *has);
/*
 * Makes the temporary views traffic_raw, traffic and traffic_named on the
 * store's connection (docs/store.md), for the user's SQL. Returns 0, or -1.
 */
int store_traffic_views(struct store *s, char *err, size_t errlen);
/* Checks every row of the store as store_load() would read it, keeping nothing. */
int store_check_rows(struct store *s, char *err, size_t errlen);

#endif
