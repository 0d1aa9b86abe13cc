/*
 * What a store saw before a time. Each question puts its candidates (the
 * period's remotes, services or evidence values) in a temporary table and
 * scans the stored rows once against it: the work follows the rows before
 * the period, the memory the candidates.
 */
#include "history.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "../common/xalloc.h"
#include "../evidence/evidence.h"
#include "store_int.h"

struct store_history {
    sqlite3 *db;
    bool packs;          /* the store has traffic_pack (version 9) */
    bool evidence_packs; /* and evidence_pack (version 10) */
};

static int fail(struct store_history *h, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(h->db));
    return -1;
}

struct store_history *store_history_open(const char *path, char *err, size_t errlen)
{
    struct store_history *h = xcalloc(1, sizeof(*h));
    if (sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot open store '%s': %s", path,
                 h->db ? sqlite3_errmsg(h->db) : "out of memory");
        sqlite3_close(h->db);
        free(h);
        return NULL;
    }
    sqlite3_busy_timeout(h->db, 30000);
    /* Candidates stay in memory: the temporary tables are small. */
    sqlite3_exec(h->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
    if (store_sql_functions(h->db) < 0 ||
        store_has_table(h->db, "main", "traffic_pack", &h->packs) < 0 ||
        store_has_table(h->db, "main", "evidence_pack", &h->evidence_packs) < 0) {
        snprintf(err, errlen, "cannot open store '%s': %s", path, sqlite3_errmsg(h->db));
        store_history_close(h);
        return NULL;
    }
    return h;
}

void store_history_close(struct store_history *history)
{
    if (!history)
        return;
    sqlite3_close(history->db);
    free(history);
}

int store_history_last_packet(struct store_history *h, bool *found, int64_t *last_ns, char *err,
                              size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h->db, "SELECT max(last_ns) FROM capture_file WHERE packets > 0", -1,
                           &st, NULL) != SQLITE_OK)
        return fail(h, "cannot read the stored captures' span", err, errlen);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (*found)
        *last_ns = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return fail(h, "cannot read the stored captures' span", err, errlen);
    return 0;
}

/* Runs each statement of sql; returns 0 or -1 with err. */
static int run(struct store_history *h, const char *sql, char *err, size_t errlen)
{
    if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail(h, "cannot prepare the store's history", err, errlen);
    return 0;
}

/*
 * Sets seen[i] for each candidate number i the query (bound to before_s)
 * returns, and ends the transaction that filled the candidates.
 */
static int collect_seen(struct store_history *h, const char *sql, int64_t before_s, size_t count,
                        bool *seen, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(h, "cannot query the store's history", err, errlen);
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    sqlite3_bind_int64(st, 1, before_s);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 i = sqlite3_column_int64(st, 0);
        if (i >= 0 && (uint64_t)i < count)
            seen[i] = true;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        fail(h, "cannot query the store's history", err, errlen);
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return run(h, "COMMIT", err, errlen);
}

int store_history_remotes_seen(struct store_history *h, int64_t before_s,
                               const struct ip_addr *remotes, size_t count, bool *seen, char *err,
                               size_t errlen)
{
    sqlite3_stmt *st;
    for (size_t i = 0; i < count; i++)
        seen[i] = false;
    if (run(h,
            "CREATE TEMP TABLE IF NOT EXISTS history_remote (i INTEGER PRIMARY KEY,"
            " remote BLOB NOT NULL UNIQUE); DELETE FROM history_remote; BEGIN",
            err, errlen) < 0)
        return -1;
    if (sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO history_remote VALUES (?, ?)", -1, &st,
                           NULL) != SQLITE_OK) {
        fail(h, "cannot prepare the store's history", err, errlen);
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        uint8_t bytes[STORE_ADDR_MAX];
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_blob(st, 2, bytes, (int)store_addr_bytes(&remotes[i], bytes),
                          SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    /* The stored rows outside, the candidates looked up by their index, loose and packed (a pack's
     * rows all before it, or some). */
    return collect_seen(h,
                        h->packs ? "SELECT DISTINCT c.i FROM (SELECT bin, remote FROM traffic_row"
                                   " UNION ALL SELECT u.bin, u.remote FROM traffic_pack p"
                                   " JOIN traffic_unpack(p.data) u WHERE p.bin_first < ?1) t"
                                   " CROSS JOIN temp.history_remote c"
                                   " ON c.remote = t.remote WHERE t.bin < ?1"
                                 : "SELECT DISTINCT c.i FROM traffic_row t"
                                   " CROSS JOIN temp.history_remote c"
                                   " ON c.remote = t.remote WHERE t.bin < ?1",
                        before_s, count, seen, err, errlen);
}

int store_history_services_seen(struct store_history *h, int64_t before_s,
                                const struct history_service *services, size_t count, bool *seen,
                                char *err, size_t errlen)
{
    sqlite3_stmt *st;
    for (size_t i = 0; i < count; i++)
        seen[i] = false;
    if (run(h,
            "CREATE TEMP TABLE IF NOT EXISTS history_service (i INTEGER PRIMARY KEY,"
            " proto INTEGER NOT NULL, service INTEGER NOT NULL, UNIQUE (proto, service));"
            " DELETE FROM history_service; BEGIN",
            err, errlen) < 0)
        return -1;
    if (sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO history_service VALUES (?, ?, ?)", -1, &st,
                           NULL) != SQLITE_OK) {
        fail(h, "cannot prepare the store's history", err, errlen);
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_int(st, 2, services[i].proto);
        sqlite3_bind_int(st, 3, services[i].service);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return collect_seen(h,
                        h->packs ? "SELECT DISTINCT c.i FROM (SELECT bin, proto, initiator, service"
                                   " FROM traffic_row UNION ALL SELECT u.bin, u.proto, u.initiator,"
                                   " u.service FROM traffic_pack p JOIN traffic_unpack(p.data) u"
                                   " WHERE p.bin_first < ?1) t CROSS JOIN temp.history_service c"
                                   " ON c.proto = t.proto AND c.service = t.service"
                                   " WHERE t.bin < ?1 AND t.initiator = 2"
                                 : "SELECT DISTINCT c.i FROM traffic_row t"
                                   " CROSS JOIN temp.history_service c"
                                   " ON c.proto = t.proto AND c.service = t.service"
                                   " WHERE t.bin < ?1 AND t.initiator = 2",
                        before_s, count, seen, err, errlen);
}

int store_history_evidence_seen(struct store_history *h, int64_t before_s,
                                const struct evidence_row *const *rows, size_t count, bool *seen,
                                char *err, size_t errlen)
{
    sqlite3_stmt *st;
    for (size_t i = 0; i < count; i++)
        seen[i] = false;
    if (run(h,
            "CREATE TEMP TABLE IF NOT EXISTS history_evidence (i INTEGER PRIMARY KEY,"
            " kind TEXT NOT NULL, value BLOB NOT NULL, UNIQUE (kind, value));"
            " DELETE FROM history_evidence; BEGIN",
            err, errlen) < 0)
        return -1;
    if (sqlite3_prepare_v2(h->db, "INSERT OR IGNORE INTO history_evidence VALUES (?, ?, ?)", -1,
                           &st, NULL) != SQLITE_OK) {
        fail(h, "cannot prepare the store's history", err, errlen);
        sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
        sqlite3_bind_text(st, 2, evidence_kind_name((enum evidence_kind)rows[i]->kind), -1,
                          SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, rows[i]->value, rows[i]->len, SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    /* Kinds are matched by name: ids are each store's own. */
#define LOOSE_EVIDENCE                                                                             \
    "SELECT e.bin AS bin, k.name AS kind, v.value AS value FROM evidence_row e"                    \
    " JOIN evidence_value v ON v.id = e.value_id JOIN evidence_kind k ON k.id = v.kind"
    return collect_seen(h,
                        h->evidence_packs
                            ? "SELECT DISTINCT c.i FROM (" LOOSE_EVIDENCE
                              " UNION ALL SELECT u.bin, u.kind, u.value FROM evidence_pack p"
                              " JOIN evidence_unpack(p.data) u WHERE p.bin_first < ?1) e"
                              " CROSS JOIN temp.history_evidence c"
                              " ON c.kind = e.kind AND c.value = e.value WHERE e.bin < ?1"
                            : "SELECT DISTINCT c.i FROM (" LOOSE_EVIDENCE ") e"
                              " CROSS JOIN temp.history_evidence c"
                              " ON c.kind = e.kind AND c.value = e.value WHERE e.bin < ?1",
                        before_s, count, seen, err, errlen);
#undef LOOSE_EVIDENCE
}
