/*
 * Writing: a file's row, its cube rows and evidence, a live capture's
 * commits, forgetting a file, and the store's sensors.
 */
#define _DEFAULT_SOURCE /* realpath() */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/hash.h"
#include "../common/xalloc.h"
#include "../evidence/evidence.h"
#include "store_int.h"

/* ---- writing -------------------------------------------------------------------- */

/*
 * A file's packet counts in capture_file's column order (packets through
 * fragments_unmatched): stored whole for a file, added for a live commit.
 */
#define PACKET_COUNTS 12

static void packet_counts_of(const struct input_stats *stats, uint64_t out[PACKET_COUNTS])
{
    uint64_t unsupported_link = 0;
    for (size_t i = 0; i < stats->unsupported_link_count; i++)
        unsupported_link += stats->unsupported_links[i].packets;
    const uint64_t counts[PACKET_COUNTS] = {
        stats->packets,
        stats->bad[DECODE_TRUNCATED],
        stats->bad[DECODE_MALFORMED],
        stats->bad[DECODE_UNSUPPORTED],
        unsupported_link,
        stats->bad[DECODE_NOT_IP],
        stats->not_sensor,
        stats->sensor_to_sensor,
        stats->flows.flows,
        stats->flows.expired,
        stats->flows.evicted,
        stats->flows.fragments_unmatched,
    };
    memcpy(out, counts, sizeof(counts));
}

static int insert_file_row(struct store *s, const struct file_identity *id,
                           const struct input_stats *stats, const char *error, int64_t *new_id)
{
    static const char sql[] =
        "INSERT INTO capture_file (path, size, mtime_ns, fingerprint, format, link_type,"
        " first_ns, last_ns, packets, truncated, malformed, unsupported, unsupported_link,"
        " not_ip, not_sensor, sensor_to_sensor, flows, flows_expired, flows_evicted,"
        " fragments_unmatched, flow_records, flow_skipped, flow_covered, export_datagrams,"
        " export_lost_packets, export_lost_records, export_skipped, sampling_interval, status,"
        " error, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    bool any = stats->packets && stats->first_ns <= stats->last_ns;
    uint64_t flow_skipped = 0;
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        flow_skipped += stats->flow_skipped[i];
    int n = 1;
    sqlite3_bind_text(st, n++, id->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, n++, id->size);
    sqlite3_bind_int64(st, n++, id->mtime_ns);
    sqlite3_bind_text(st, n++, id->fingerprint, -1, SQLITE_STATIC);
    if (stats->format[0]) {
        sqlite3_bind_text(st, n++, stats->format, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, n++, stats->link_type);
    } else {
        sqlite3_bind_null(st, n++);
        sqlite3_bind_null(st, n++);
    }
    if (any) {
        sqlite3_bind_int64(st, n++, stats->first_ns);
        sqlite3_bind_int64(st, n++, stats->last_ns);
    } else {
        sqlite3_bind_null(st, n++);
        sqlite3_bind_null(st, n++);
    }
    uint64_t packet_counts[PACKET_COUNTS];
    packet_counts_of(stats, packet_counts);
    for (size_t i = 0; i < PACKET_COUNTS; i++)
        sqlite3_bind_int64(st, n++, (sqlite3_int64)packet_counts[i]);
    const uint64_t counts[] = {
        stats->flow_records,        flow_skipped,
        stats->flow_covered,        stats->export_datagrams,
        stats->export_lost_packets, stats->export_lost_records,
        stats->export_skipped,      stats->sampling_interval,
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        sqlite3_bind_int64(st, n++, (sqlite3_int64)counts[i]);
    sqlite3_bind_text(st, n++, error ? "failed" : "ok", -1, SQLITE_STATIC);
    if (error)
        sqlite3_bind_text(st, n++, error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, n++);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    *new_id = sqlite3_last_insert_rowid(s->db);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The file's packet sample, when it has one (a capture with packets). */
static int insert_sample(struct store *s, int64_t file_id, const struct capture_sample *sample)
{
    if (!sample || !sample->count)
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            s->db, "INSERT INTO packet_sample (file_id, level, fingerprints) VALUES (?,?,?)", -1,
            &st, NULL) != SQLITE_OK)
        return -1;
    unsigned char *bytes = xmalloc(8 * sample->count);
    capture_sample_encode(sample, bytes);
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, sample->level);
    sqlite3_bind_blob(st, 3, bytes, (int)(8 * sample->count), SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    free(bytes);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int64_t floor_seconds(int64_t ns)
{
    return ns / 1000000000 - (ns % 1000000000 < 0);
}

size_t store_addr_bytes(const struct ip_addr *addr, uint8_t out[STORE_ADDR_MAX])
{
    if (addr_is_v4(addr)) {
        memcpy(out, addr->b + 12, 4);
        return 4;
    }
    memcpy(out, addr->b, 16);
    return 16;
}

bool store_addr_from_bytes(struct ip_addr *addr, const void *bytes, size_t len)
{
    if (len == 4)
        addr_from_v4(addr, bytes);
    else if (len == 16)
        addr_from_v6(addr, bytes);
    else
        return false;
    return true;
}

/* The sensor_address id of a sensor address, added when new. */
static int sensor_id(struct store *s, const struct ip_addr *addr, int64_t *id)
{
    for (size_t i = 0; i < s->sensor_id_count; i++)
        if (addr_compare(&s->sensor_ids[i].addr, addr) == 0) {
            *id = s->sensor_ids[i].id;
            return 0;
        }
    static const char add[] = "INSERT INTO sensor_address (address) VALUES (?1)"
                              " ON CONFLICT (address) DO NOTHING";
    static const char find[] = "SELECT id FROM sensor_address WHERE address = ?1";
    uint8_t bytes[STORE_ADDR_MAX];
    size_t len = store_addr_bytes(addr, bytes);
    sqlite3_stmt *st;
    int rc = SQLITE_ERROR;
    for (int step = 0; step < 2; step++) {
        if (sqlite3_prepare_v2(s->db, step ? find : add, -1, &st, NULL) != SQLITE_OK)
            return -1;
        sqlite3_bind_blob(st, 1, bytes, (int)len, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (step)
            *id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc != (step ? SQLITE_ROW : SQLITE_DONE))
            return -1;
    }
    ALLOC_GROW(s->sensor_ids, s->sensor_id_count + 1, s->sensor_id_alloc);
    s->sensor_ids[s->sensor_id_count].addr = *addr;
    s->sensor_ids[s->sensor_id_count++].id = *id;
    return 0;
}

/* Each evidence value once in evidence_value, the rows naming it by id. */
static int insert_evidence(struct store *s, int64_t file_id, struct cube *cube, bool add)
{
    static const char insert_sql[] =
        "INSERT INTO evidence_row (file_id, bin, remote, value_id, count) VALUES (?, ?, ?, ?, ?)";
    static const char add_sql[] =
        "INSERT INTO evidence_row (file_id, bin, remote, value_id, count) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (file_id, bin, remote, value_id) DO UPDATE SET"
        " count = count + excluded.count";
    const struct evidence_table *table = cube_evidence(cube);
    size_t n = evidence_table_count(table);
    struct value_ids ids;
    sqlite3_stmt *st = NULL;
    if (n == 0)
        return 0;
    int rc = SQLITE_ERROR;
    if (store_value_ids_open(s->db, &ids) == 0 &&
        sqlite3_prepare_v2(s->db, add ? add_sql : insert_sql, -1, &st, NULL) == SQLITE_OK) {
        rc = SQLITE_DONE;
        for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
            const struct evidence_row *row = evidence_table_at(table, i);
            uint8_t remote[STORE_ADDR_MAX];
            int64_t id;
            if (store_evidence_value_id(&ids, s->kind_ids[row->kind], row->value, row->len, &id) <
                0) {
                rc = SQLITE_ERROR;
                break;
            }
            sqlite3_bind_int64(st, 1, file_id);
            sqlite3_bind_int64(st, 2, row->bin);
            sqlite3_bind_blob(st, 3, remote, (int)store_addr_bytes(&row->remote, remote),
                              SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 4, id);
            sqlite3_bind_int64(st, 5, (sqlite3_int64)row->count);
            rc = sqlite3_step(st);
            sqlite3_reset(st);
        }
    }
    store_value_ids_close(&ids);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int insert_cube_rows(struct store *s, sqlite3_stmt *st, int64_t file_id,
                            const struct cube *cube)
{
    size_t rows = cube_row_count(cube);
    for (size_t i = 0; i < rows; i++) {
        const struct cube_row *row = cube_row_at((struct cube *)cube, (uint32_t)i);
        uint8_t remote[STORE_ADDR_MAX];
        int64_t sensor;
        const struct cube_counts *c = &row->counts;
        if (sensor_id(s, &row->key.sensor, &sensor) < 0)
            return -1;
        sqlite3_bind_int64(st, 1, file_id);
        sqlite3_bind_int64(st, 2, row->key.bin);
        sqlite3_bind_int64(st, 3, sensor);
        sqlite3_bind_blob(st, 4, remote, (int)store_addr_bytes(&row->key.remote, remote),
                          SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 5, row->key.proto);
        sqlite3_bind_int(st, 6, row->key.initiator);
        sqlite3_bind_int(st, 7, row->key.service);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)c->packets_in);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)c->packets_out);
        sqlite3_bind_int64(st, 10, (sqlite3_int64)c->bytes_in);
        sqlite3_bind_int64(st, 11, (sqlite3_int64)c->bytes_out);
        sqlite3_bind_int64(st, 12, (sqlite3_int64)c->flows);
        /* Seconds are what reports show: the store keeps no finer times. */
        sqlite3_bind_int64(st, 13, floor_seconds(c->first_ns) - row->key.bin);
        sqlite3_bind_int64(st, 14, floor_seconds(c->last_ns) - row->key.bin);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return 0;
}

/* Rows of a cube that spilled are read back merged, a range of remotes at a time. */
#define STORE_CHUNK_ROWS 65536

/* Inserts cube's rows for file_id; add: onto rows of the same key already there (live). */
static int insert_rows(struct store *s, int64_t file_id, struct cube *cube, bool add, char *err,
                       size_t errlen)
{
    static const char sql[] =
        "INSERT INTO traffic_row (file_id, bin, sensor_id, remote, proto, initiator, service,"
        " packets_in, packets_out, bytes_in, bytes_out, flows, first_off, last_off)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static const char add_sql[] =
        "INSERT INTO traffic_row (file_id, bin, sensor_id, remote, proto, initiator, service,"
        " packets_in, packets_out, bytes_in, bytes_out, flows, first_off, last_off)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT (file_id, bin, sensor_id, remote, proto, initiator, service) DO UPDATE SET"
        " packets_in = packets_in + excluded.packets_in,"
        " packets_out = packets_out + excluded.packets_out,"
        " bytes_in = bytes_in + excluded.bytes_in, bytes_out = bytes_out + excluded.bytes_out,"
        " flows = flows + excluded.flows, first_off = min(first_off, excluded.first_off),"
        " last_off = max(last_off, excluded.last_off)";
    sqlite3_stmt **st = add ? &s->add_row : &s->insert_row;
    if (!*st && sqlite3_prepare_v2(s->db, add ? add_sql : sql, -1, st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot store a capture file", err, errlen);
    if (!cube_spilled(cube))
        return insert_cube_rows(s, *st, file_id, cube) < 0
                   ? store_fail_db(s, "cannot store a capture file", err, errlen)
                   : 0;
    struct cube_chunks *chunks = cube_chunks_open(cube, STORE_CHUNK_ROWS, false, err, errlen);
    struct cube *chunk;
    int status = chunks ? 0 : -1;
    while (status == 0 && (chunk = cube_chunks_next(chunks, &status, err, errlen)))
        if (insert_cube_rows(s, *st, file_id, chunk) < 0)
            status = store_fail_db(s, "cannot store a capture file", err, errlen);
    cube_chunks_close(chunks);
    return status;
}

int store_put_file(struct store *s, const struct file_identity *id, const struct input_stats *stats,
                   const char *error, const struct cube *cube, int64_t replace_id, char *err,
                   size_t errlen)
{
    int64_t file_id;
    char del[64];
    if (store_tx_begin(s, err, errlen) < 0)
        return -1;
    snprintf(del, sizeof(del), "DELETE FROM capture_file WHERE id = %lld", (long long)replace_id);
    if ((replace_id > 0 && sqlite3_exec(s->db, del, NULL, NULL, NULL) != SQLITE_OK) ||
        insert_file_row(s, id, stats, error, &file_id) < 0) {
        store_fail_db(s, "cannot store a capture file", err, errlen);
        store_tx_rollback(s);
        return -1;
    }
    if (insert_rows(s, file_id, (struct cube *)cube, false, err, errlen) < 0) {
        store_tx_rollback(s);
        return -1;
    }
    if (insert_evidence(s, file_id, (struct cube *)cube, false) < 0 ||
        insert_sample(s, file_id, id->sample) < 0) {
        store_fail_db(s, "cannot store a capture file", err, errlen);
        store_tx_rollback(s);
        return -1;
    }
    if (store_tx_commit(s, err, errlen) < 0) {
        store_tx_rollback(s);
        return -1;
    }
    return 0;
}

/* Adds a live commit's counts to the capture's row. */
static int add_to_file_row(struct store *s, int64_t file_id, const struct input_stats *stats)
{
    static const char sql[] =
        "UPDATE capture_file SET packets = packets + ?, truncated = truncated + ?,"
        " malformed = malformed + ?, unsupported = unsupported + ?,"
        " unsupported_link = unsupported_link + ?, not_ip = not_ip + ?,"
        " not_sensor = not_sensor + ?, sensor_to_sensor = sensor_to_sensor + ?,"
        " flows = flows + ?, flows_expired = flows_expired + ?,"
        " flows_evicted = flows_evicted + ?, fragments_unmatched = fragments_unmatched + ?,"
        " first_ns = CASE WHEN ?13 IS NULL THEN first_ns WHEN first_ns IS NULL THEN ?13"
        "   ELSE min(first_ns, ?13) END,"
        " last_ns = CASE WHEN ?14 IS NULL THEN last_ns WHEN last_ns IS NULL THEN ?14"
        "   ELSE max(last_ns, ?14) END,"
        " ingested_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
        " WHERE id = ?15";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    uint64_t counts[PACKET_COUNTS];
    packet_counts_of(stats, counts);
    for (size_t i = 0; i < PACKET_COUNTS; i++)
        sqlite3_bind_int64(st, (int)i + 1, (sqlite3_int64)counts[i]);
    if (stats->packets && stats->first_ns <= stats->last_ns) {
        sqlite3_bind_int64(st, 13, stats->first_ns);
        sqlite3_bind_int64(st, 14, stats->last_ns);
    }
    sqlite3_bind_int64(st, 15, file_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE && sqlite3_changes(s->db) == 1 ? 0 : -1;
}

/* "2026-12-01T20:40:05Z" for ns since 1970 (UTC). */
static void iso_time(int64_t ns, char *out, size_t outlen)
{
    time_t t = (time_t)(ns / 1000000000 - (ns % 1000000000 < 0));
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, outlen, "%lld", (long long)t);
}

/* The capture_file row of a live capture, made at its first commit. */
static int new_live_row(struct store *s, const struct live_capture_info *info,
                        const struct input_stats *stats, int64_t *file_id)
{
    struct file_identity id;
    char started[32];
    memset(&id, 0, sizeof(id));
    iso_time(info->started_ns, started, sizeof(started));
    snprintf(id.path, sizeof(id.path), "live:%s@%s", info->interface, started);
    id.mtime_ns = info->started_ns;
    /* No content to sample: the name stands for it, so that merges tell captures apart. */
    unsigned char hash[STORE_FINGERPRINT_LEN / 2];
    crypto_generichash(hash, sizeof(hash), (const unsigned char *)id.path, strlen(id.path), NULL,
                       0);
    store_to_hex(hash, sizeof(hash), id.fingerprint);
    if (insert_file_row(s, &id, stats, NULL, file_id) < 0)
        return -1;
    static const char sql[] = "INSERT INTO live_capture (file_id, interface, filter, started_at,"
                              " last_commit_at, commits) VALUES (?, ?, ?, ?, ?, 0)";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, *file_id);
    sqlite3_bind_text(st, 2, info->interface, -1, SQLITE_STATIC);
    if (info->filter)
        sqlite3_bind_text(st, 3, info->filter, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, started, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, started, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Records one commit: what it brought and lost, and the capture's last commit. */
static int record_commit(struct store *s, int64_t file_id, uint64_t packets, uint64_t kernel_drops,
                         uint64_t interface_drops, bool stopped)
{
    static const char commit_sql[] =
        "INSERT INTO live_commit (file_id, seq, committed_at, packets, kernel_drops,"
        " interface_drops) VALUES (?1, (SELECT commits + 1 FROM live_capture WHERE file_id = ?1),"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?2, ?3, ?4)";
    static const char capture_sql[] =
        "UPDATE live_capture SET commits = commits + 1,"
        " last_commit_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
        " stopped_at = CASE WHEN ?2 THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END"
        " WHERE file_id = ?1";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, commit_sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)packets);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)kernel_drops);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)interface_drops);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || sqlite3_prepare_v2(s->db, capture_sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int(st, 2, stopped);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_put_live(struct store *s, const struct live_capture_info *info, int64_t *file_id,
                   const struct input_stats *stats, struct cube *cube, uint64_t kernel_drops,
                   uint64_t interface_drops, bool stopped, char *err, size_t errlen)
{
    int64_t id = *file_id;
    if (store_tx_begin(s, err, errlen) < 0)
        return -1;
    if ((id == 0 ? new_live_row(s, info, stats, &id) : add_to_file_row(s, id, stats)) < 0) {
        store_fail_db(s, "cannot store the live capture", err, errlen);
        store_tx_rollback(s);
        return -1;
    }
    if (insert_rows(s, id, cube, true, err, errlen) < 0) {
        store_tx_rollback(s);
        return -1;
    }
    if (insert_evidence(s, id, cube, true) < 0 ||
        record_commit(s, id, stats->packets, kernel_drops, interface_drops, stopped) < 0) {
        store_fail_db(s, "cannot store the live capture", err, errlen);
        store_tx_rollback(s);
        return -1;
    }
    if (store_tx_commit(s, err, errlen) < 0) {
        store_tx_rollback(s);
        return -1;
    }
    *file_id = id;
    return 0;
}

int store_forget(struct store *s, const char *path, uint64_t *packets, char *err, size_t errlen)
{
    char resolved[PATH_MAX], cwd[PATH_MAX];
    const char *key = path;
    if (strncmp(path, "live:", 5) == 0)
        key = path; /* a live capture's name (store_put_live) is no path */
    else if (realpath(path, resolved))
        key = resolved;
    else if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) &&
             (size_t)snprintf(resolved, sizeof(resolved), "%s/%s", cwd, path) < sizeof(resolved))
        key = resolved; /* the file is gone: its absolute name as it would have been */

    sqlite3_stmt *st;
    if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    if (sqlite3_prepare_v2(s->db, "SELECT id, packets FROM capture_file WHERE path = ?", -1, &st,
                           NULL) != SQLITE_OK) {
        store_fail_db(s, "cannot look up a file", err, errlen);
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int64_t id = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        *packets = (uint64_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (id == 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return 0;
    }
    char del[64];
    snprintf(del, sizeof(del), "DELETE FROM capture_file WHERE id = %lld", (long long)id);
    /*
     * Evidence values no row names any more go too: one pass over the rows.
     * A value whose id had been taken by one removed here is no longer found
     * by store_evidence_value_id(), which may then add it again under a second id:
     * readers join by id and compare values, so that costs room, not sense.
     */
    if (store_exec(s, del, err, errlen) < 0 ||
        store_exec(s,
                   "DELETE FROM evidence_value WHERE id NOT IN (SELECT value_id FROM evidence_row)",
                   err, errlen) < 0 ||
        store_exec(s, "COMMIT", err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 1;
}

/* ---- sensors ------------------------------------------------------------------------ */

int store_get_sensors(struct store *s, struct sensor_set *sensors, char *how, size_t howlen,
                      char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT prefix, how FROM sensor ORDER BY rowid", -1, &st, NULL) !=
        SQLITE_OK)
        return store_fail_db(s, "cannot read the sensors", err, errlen);
    if (howlen)
        how[0] = '\0';
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ip_prefix prefix;
        const char *why;
        const char *text = (const char *)sqlite3_column_text(st, 0);
        const char *text_how = (const char *)sqlite3_column_text(st, 1);
        if (sqlite3_column_type(st, 0) != SQLITE_TEXT || prefix_parse(&prefix, text, &why) < 0) {
            char quoted[64];
            snprintf(quoted, sizeof(quoted), "%s", text ? text : "");
            for (char *q = quoted; *q; q++)
                if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
                    *q = '?'; /* the text came from the file: keep it off the terminal */
            sqlite3_finalize(st);
            snprintf(err, errlen, "store '%s': bad sensor prefix '%s'", s->path, quoted);
            return -1;
        }
        sensor_set_add(sensors, &prefix);
        if (howlen)
            snprintf(how, howlen, "%s", text_how ? text_how : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read the sensors", err, errlen);
    return 0;
}

int store_set_sensors(struct store *s, const struct sensor_set *sensors, const char *how, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st;
    if (store_tx_begin(s, err, errlen) < 0)
        return -1;
    if (store_exec(s, "DELETE FROM sensor", err, errlen) < 0 ||
        sqlite3_prepare_v2(s->db, "INSERT INTO sensor (prefix, how) VALUES (?, ?)", -1, &st,
                           NULL) != SQLITE_OK) {
        store_tx_rollback(s);
        return store_fail_db(s, "cannot write the sensors", err, errlen);
    }
    for (size_t i = 0; i < sensors->count; i++) {
        char text[PREFIX_TEXT_MAX];
        sqlite3_bind_text(st, 1, prefix_format(&sensors->prefixes[i], text), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, how, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            store_tx_rollback(s);
            return store_fail_db(s, "cannot write the sensors", err, errlen);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return store_tx_commit(s, err, errlen);
}
