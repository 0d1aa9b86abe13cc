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
        " export_lost_packets, export_lost_records, export_skipped, sampling_interval,"
        " evidence_skipped, evidence_dropped, status, error, ingested_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
    sqlite3_stmt *st = store_statement(s, &s->insert_file, sql);
    if (!st)
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
        stats->evidence_skipped,    stats->evidence_dropped,
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        sqlite3_bind_int64(st, n++, (sqlite3_int64)counts[i]);
    sqlite3_bind_text(st, n++, error ? "failed" : "ok", -1, SQLITE_STATIC);
    if (error)
        sqlite3_bind_text(st, n++, error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, n++);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    *new_id = sqlite3_last_insert_rowid(s->db);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The file's packet sample, when it has one (a capture with packets). */
static int insert_sample(struct store *s, int64_t file_id, const struct capture_sample *sample)
{
    if (!sample || !sample->count)
        return 0;
    sqlite3_stmt *st =
        store_statement(s, &s->insert_sample,
                        "INSERT INTO packet_sample (file_id, level, fingerprints) VALUES (?,?,?)");
    if (!st)
        return -1;
    unsigned char *bytes = xmalloc(8 * sample->count);
    capture_sample_encode(sample, bytes);
    sqlite3_bind_int64(st, 1, file_id);
    sqlite3_bind_int64(st, 2, sample->level);
    sqlite3_bind_blob(st, 3, bytes, (int)(8 * sample->count), SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    free(bytes);
    return rc == SQLITE_DONE ? 0 : -1;
}

sqlite3_stmt *store_statement(struct store *s, sqlite3_stmt **slot, const char *sql)
{
    if (!*slot &&
        sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK)
        *slot = NULL;
    return *slot;
}

const uint8_t *store_addr_view(const struct ip_addr *addr, size_t *len)
{
    if (addr_is_v4(addr)) {
        *len = 4;
        return addr->b + 12;
    }
    *len = 16;
    return addr->b;
}

size_t store_addr_bytes(const struct ip_addr *addr, uint8_t out[STORE_ADDR_MAX])
{
    size_t len;
    const uint8_t *bytes = store_addr_view(addr, &len);
    memcpy(out, bytes, len);
    return len;
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

/*
 * The sensor ids known, kept in address order: a darknet's /24 is 256
 * sensor addresses, and every row asks for one (a binary search, where a
 * scan of them all cost more than the rest of the row's writing).
 */
static size_t sensor_slot(const struct store *s, const struct ip_addr *addr, bool *found)
{
    size_t lo = 0, hi = s->sensor_id_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = addr_compare(&s->sensor_ids[mid].addr, addr);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

int store_sensor_id(struct store *s, const struct ip_addr *addr, int64_t *id)
{
    bool found;
    size_t slot = sensor_slot(s, addr, &found);
    if (found) {
        *id = s->sensor_ids[slot].id;
        return 0;
    }
    static const char add[] = "INSERT INTO sensor_address (address) VALUES (?1)"
                              " ON CONFLICT (address) DO NOTHING";
    static const char find[] = "SELECT id FROM sensor_address WHERE address = ?1";
    uint8_t bytes[STORE_ADDR_MAX];
    size_t len = store_addr_bytes(addr, bytes);
    for (int step = 0; step < 2; step++) {
        sqlite3_stmt *st =
            store_statement(s, step ? &s->find_sensor : &s->add_sensor, step ? find : add);
        if (!st)
            return -1;
        sqlite3_bind_blob(st, 1, bytes, (int)len, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (step)
            *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (rc != (step ? SQLITE_ROW : SQLITE_DONE))
            return -1;
    }
    ALLOC_GROW(s->sensor_ids, s->sensor_id_count + 1, s->sensor_id_alloc);
    memmove(&s->sensor_ids[slot + 1], &s->sensor_ids[slot],
            (s->sensor_id_count - slot) * sizeof(s->sensor_ids[0]));
    s->sensor_ids[slot].addr = *addr;
    s->sensor_ids[slot].id = *id;
    s->sensor_id_count++;
    return 0;
}

/*
 * A file's or a live commit's rows, evidence and sample, inside the
 * caller's transaction; what failed is said in err.
 */
static int put_contribution(struct store *s, int64_t file_id, struct cube *cube,
                            const struct cube_row *const *sorted, bool add,
                            const struct capture_sample *sample, const char *what, char *err,
                            size_t errlen)
{
    if (store_insert_traffic(s, file_id, cube, sorted, add, err, errlen) < 0)
        return -1;
    if (store_insert_evidence(s, file_id, cube, add) < 0) {
        if (evidence_table_error(cube_evidence(cube))) {
            snprintf(err, errlen, "%s: %s", what, evidence_table_error(cube_evidence(cube)));
            return -1;
        }
        return store_fail_db(s, what, err, errlen);
    }
    if (insert_sample(s, file_id, sample) < 0)
        return store_fail_db(s, what, err, errlen);
    return 0;
}

/* Ends a write's transaction: committed when status is 0, else rolled back. */
static int tx_end(struct store *s, int status, char *err, size_t errlen)
{
    if (status == 0 && store_tx_commit(s, err, errlen) == 0)
        return 0;
    store_tx_rollback(s);
    return -1;
}

int store_put_file(struct store *s, const struct file_identity *id, const struct input_stats *stats,
                   const char *error, const struct cube *cube, const struct cube_row *const *sorted,
                   int64_t replace_id, char *err, size_t errlen)
{
    static const char what[] = "cannot store a capture file";
    int64_t file_id;
    char del[64];
    /*
     * Every row written here names the capture_file row just inserted, so
     * checking each row's file_id against it (a lookup per row, 5 % of the
     * writing) proves nothing: the check is off for the transaction. It
     * stays on to replace a file, whose old rows go by ON DELETE CASCADE,
     * and inside a batch, where it cannot change.
     */
    bool unchecked =
        replace_id <= 0 && !s->batch &&
        sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) == SQLITE_OK;
    if (store_tx_begin(s, err, errlen) < 0) {
        if (unchecked)
            sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        return -1;
    }
    snprintf(del, sizeof(del), "DELETE FROM capture_file WHERE id = %lld", (long long)replace_id);
    int status;
    if ((replace_id > 0 && sqlite3_exec(s->db, del, NULL, NULL, NULL) != SQLITE_OK) ||
        insert_file_row(s, id, stats, error, &file_id) < 0)
        status = store_fail_db(s, what, err, errlen);
    else
        status = put_contribution(s, file_id, (struct cube *)cube, sorted, false, id->sample, what,
                                  err, errlen);
    status = tx_end(s, status, err, errlen);
    if (unchecked && sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
        status = store_fail_db(s, "cannot check references again", err, errlen);
    return status;
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
        " evidence_skipped = evidence_skipped + ?16, evidence_dropped = evidence_dropped + ?17,"
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
    sqlite3_bind_int64(st, 16, (sqlite3_int64)stats->evidence_skipped);
    sqlite3_bind_int64(st, 17, (sqlite3_int64)stats->evidence_dropped);
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
    static const char what[] = "cannot store the live capture";
    int64_t id = *file_id;
    if (store_tx_begin(s, err, errlen) < 0)
        return -1;
    int status;
    if ((id == 0 ? new_live_row(s, info, stats, &id) : add_to_file_row(s, id, stats)) < 0)
        status = store_fail_db(s, what, err, errlen);
    else if ((status = put_contribution(s, id, cube, NULL, true, NULL, what, err, errlen)) == 0 &&
             record_commit(s, id, stats->packets, kernel_drops, interface_drops, stopped) < 0)
        status = store_fail_db(s, what, err, errlen);
    if (tx_end(s, status, err, errlen) < 0)
        return -1;
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
