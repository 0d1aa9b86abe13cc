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
#include "../evidence/evidence.h"
#include "store.h"

struct sensor_id {
    struct ip_addr addr;
    int64_t id;
};

struct store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *insert_row;
    sqlite3_stmt *add_row; /* a live capture's rows: added to those of earlier commits */
    bool batch;            /* store_batch_begin() opened a transaction that is not over */
    /*
     * sensor_address ids of the sensor addresses written, so that a row
     * costs no lookup; forgotten at every rollback, which may undo an id.
     */
    struct sensor_id *sensor_ids;
    size_t sensor_id_count, sensor_id_alloc;
    int64_t kind_ids[EVIDENCE_KIND_COUNT]; /* evidence_kind ids, by enum evidence_kind */
};

/*
 * Evidence values (version 7) are kept once each, under an id taken from
 * BLAKE2b of kind and value: 47 bits, which SQLite stores in 6 bytes, and
 * the next free id when another value has it. The lookup needs no index of
 * the values, which would hold each of them a second time.
 */
struct value_ids {
    sqlite3_stmt *find, *add;
};

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
void store_to_hex(const unsigned char *bytes, size_t n, char *out);
/* Checks every row of the store as store_load() would read it, keeping nothing. */
int store_check_rows(struct store *s, char *err, size_t errlen);

#endif
