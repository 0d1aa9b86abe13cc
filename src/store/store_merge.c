/*
 * Merging another store into this one, and the named prefix sets.
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

/* ---- merging ---------------------------------------------------------------------------- */

/* A file: URI for path, percent-encoding what a URI path cannot hold as is. */
static int same_sensors(struct store *s, char *err, size_t errlen, bool *main_empty)
{
    sqlite3_stmt *st;
    static const char sql[] = "SELECT (SELECT count(*) FROM main.sensor),"
                              " (SELECT count(*) FROM (SELECT prefix FROM main.sensor EXCEPT "
                              "SELECT prefix FROM src.sensor)),"
                              " (SELECT count(*) FROM (SELECT prefix FROM src.sensor EXCEPT SELECT "
                              "prefix FROM main.sensor))";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return store_fail_db(s, "cannot compare sensors", err, errlen);
    }
    *main_empty = sqlite3_column_int64(st, 0) == 0;
    bool differ = sqlite3_column_int64(st, 1) || sqlite3_column_int64(st, 2);
    sqlite3_finalize(st);
    return differ && !*main_empty ? 1 : 0;
}

/* A file's evidence rows, each value looked up (or added) in this store's evidence_value. */
static int merge_evidence(struct store *s, int64_t src_id, int64_t new_id)
{
    static const char rows_sql[] =
        "SELECT ?2, e.bin, e.remote, mk.id, v.value, e.count"
        " FROM src.evidence_row e JOIN src.evidence_value v ON v.id = e.value_id"
        " JOIN src.evidence_kind sk ON sk.id = v.kind"
        " JOIN main.evidence_kind mk ON mk.name = sk.name WHERE e.file_id = ?1";
    sqlite3_stmt *rows = NULL;
    int status = -1;
    if (sqlite3_prepare_v2(s->db, rows_sql, -1, &rows, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(rows, 1, src_id);
        sqlite3_bind_int64(rows, 2, new_id);
        status = store_copy_evidence(s, rows);
    }
    sqlite3_finalize(rows);
    return status;
}

/* Runs sql, an INSERT ... SELECT of src's rows of file ?2 as main's file ?1. */
static int copy_rows_of(struct store *s, const char *sql, int64_t new_id, int64_t src_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, new_id);
    sqlite3_bind_int64(st, 2, src_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Copies src's file src_id and its rows; src_version is 7 or 8 for a store read as it is. */
static int merge_one(struct store *s, int64_t src_version, int64_t src_id, int64_t *new_id)
{
#define COPY_FILE(evidence_counts)                                                                 \
    "INSERT INTO main.capture_file (path, size, mtime_ns, fingerprint, format, link_type,"         \
    " first_ns, last_ns, packets, truncated, malformed, unsupported, unsupported_link,"            \
    " not_ip, not_sensor, sensor_to_sensor, flows, flows_expired, flows_evicted,"                  \
    " fragments_unmatched, flow_records, flow_skipped, flow_covered, export_datagrams,"            \
    " export_lost_packets, export_lost_records, export_skipped, sampling_interval,"                \
    " evidence_skipped, evidence_dropped, status, error, ingested_at)"                             \
    " SELECT path, size, mtime_ns, fingerprint, format, link_type, first_ns, last_ns,"             \
    " packets, truncated, malformed, unsupported, unsupported_link, not_ip, not_sensor,"           \
    " sensor_to_sensor, flows, flows_expired, flows_evicted, fragments_unmatched,"                 \
    " flow_records, flow_skipped, flow_covered, export_datagrams, export_lost_packets,"            \
    " export_lost_records, export_skipped, sampling_interval, " evidence_counts ","                \
    " status, error, ingested_at FROM src.capture_file WHERE id = ?"
    const char *copy_file =
        src_version >= 8 ? COPY_FILE("evidence_skipped, evidence_dropped") : COPY_FILE("0, 0");
#undef COPY_FILE
    /* Sensor and evidence value ids are each store's own: matched by address and value. */
    static const char copy_sensors[] =
        "INSERT INTO main.sensor_address (address) SELECT address FROM src.sensor_address"
        " WHERE true ON CONFLICT (address) DO NOTHING";
    static const char copy_rows[] =
        "INSERT INTO main.traffic_row SELECT ?1, t.bin, m.id, t.remote, t.proto, t.initiator,"
        " t.service, t.packets_in, t.packets_out, t.bytes_in, t.bytes_out, t.flows, t.first_off,"
        " t.last_off FROM src.traffic_row t JOIN src.sensor_address a ON a.id = t.sensor_id"
        " JOIN main.sensor_address m ON m.address = a.address WHERE t.file_id = ?2";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, copy_file, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, src_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    /* Exactly one file, or the id read from the list is not the file's. */
    if (rc != SQLITE_DONE || sqlite3_changes(s->db) != 1)
        return -1;
    *new_id = sqlite3_last_insert_rowid(s->db);
    if (sqlite3_exec(s->db, copy_sensors, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    s->sensor_id_count = 0; /* ids added here: looked up again by the next write */
    if (copy_rows_of(s, copy_rows, *new_id, src_id) < 0)
        return -1;
    /*
     * Packs name their sensors by address and their evidence kinds by name:
     * copied as they are (a store set back by hand too).
     */
    static const char *const pack_tables[] = {"traffic_pack", "evidence_pack"};
    for (size_t t = 0; t < sizeof(pack_tables) / sizeof(*pack_tables); t++) {
        char copy_packs[160];
        bool src_packs;
        snprintf(copy_packs, sizeof(copy_packs),
                 "INSERT INTO main.%s SELECT ?1, seq, bin_first, bin_last, rows, data"
                 " FROM src.%s WHERE file_id = ?2",
                 pack_tables[t], pack_tables[t]);
        if (store_has_table(s->db, "src", pack_tables[t], &src_packs) < 0 ||
            (src_packs && copy_rows_of(s, copy_packs, *new_id, src_id) < 0))
            return -1;
    }
    if (merge_evidence(s, src_id, *new_id) < 0)
        return -1;
    static const char copy_sample[] = "INSERT INTO main.packet_sample SELECT ?, level, fingerprints"
                                      " FROM src.packet_sample WHERE file_id = ?";
    return copy_rows_of(s, copy_sample, *new_id, src_id);
}

int store_merge(struct store *s, const char *in_path, struct merge_counts *counts, char *err,
                size_t errlen)
{
    /* Ours, not newer, and every row one honeyscope could have written: a
     * damaged store is refused before anything of it is added. */
    struct store *in = store_open(in_path, STORE_READ, err, errlen);
    if (!in)
        return -1;
    bool in_immutable = in->immutable;
    int64_t in_version = in->version;
    struct sensor_set in_sensors;
    sensor_set_init(&in_sensors);
    int checked = store_get_sensors(in, &in_sensors, NULL, 0, err, errlen) < 0 ||
                          store_check_rows(in, err, errlen) < 0
                      ? -1
                      : 0;
    sensor_set_release(&in_sensors);
    store_close(in);
    if (checked < 0)
        return -1;

    char *uri = store_file_uri(in_path, in_immutable);
    sqlite3_stmt *st = NULL;
    int ret = -1;
    char sql[] = "ATTACH DATABASE ? AS src";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        store_fail_db(s, "cannot attach", err, errlen);
        goto out;
    }
    sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "cannot open store '%s': %s", in_path, sqlite3_errmsg(s->db));
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    bool main_empty = false;
    int differ = same_sensors(s, err, errlen, &main_empty);
    if (differ < 0)
        goto detach;
    if (differ) {
        snprintf(err, errlen, "'%s' was made with other sensor addresses than '%s'", in_path,
                 s->path);
        goto detach;
    }
    if (main_empty &&
        store_exec(s, "INSERT INTO main.sensor SELECT * FROM src.sensor", err, errlen) < 0)
        goto detach;

    static const char list[] =
        "SELECT f.id,"
        " EXISTS (SELECT 1 FROM main.capture_file m WHERE m.fingerprint = f.fingerprint),"
        " EXISTS (SELECT 1 FROM main.capture_file m WHERE m.path = f.path)"
        " FROM src.capture_file f ORDER BY f.path";
    if (sqlite3_prepare_v2(s->db, list, -1, &st, NULL) != SQLITE_OK) {
        store_fail_db(s, "cannot list files to merge", err, errlen);
        goto detach;
    }
    int64_t *ids = NULL;
    size_t nids = 0, alloc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_int(st, 1)) {
            counts->duplicates++;
        } else if (sqlite3_column_int(st, 2)) {
            counts->conflicts++;
        } else {
            ALLOC_GROW(ids, nids + 1, alloc);
            ids[nids++] = sqlite3_column_int64(st, 0);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    ret = 0;
    for (size_t i = 0; i < nids && ret == 0; i++) {
        int64_t new_id;
        if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0 ||
            merge_one(s, in_version, ids[i], &new_id) < 0 ||
            store_exec(s, "COMMIT", err, errlen) < 0) {
            store_fail_db(s, "cannot merge a capture file", err, errlen);
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            ret = -1;
        } else {
            counts->added++;
        }
    }
    free(ids);
detach:
    sqlite3_exec(s->db, "DETACH DATABASE src", NULL, NULL, NULL);
out:
    sqlite3_finalize(st);
    free(uri);
    return ret;
}

/* ---- named prefix sets ------------------------------------------------------------------ */

int store_prefix_add(struct store *s, const struct stored_prefix_spec *spec, char *err,
                     size_t errlen)
{
    static const char sql[] =
        "INSERT INTO prefix_spec (name, seq, spec, file_suffix, content, added_at)"
        " VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM prefix_spec WHERE name = ?1),"
        " ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot store a prefix set", err, errlen);
    sqlite3_bind_text(st, 1, spec->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, spec->spec, -1, SQLITE_STATIC);
    if (spec->file_suffix)
        sqlite3_bind_text(st, 3, spec->file_suffix, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_blob64(st, 4, spec->content ? spec->content : "", spec->content_len,
                        SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot store a prefix set", err, errlen);
    return 0;
}

int store_prefix_each(struct store *s, const char *name,
                      int (*fn)(void *ctx, const struct stored_prefix_spec *spec), void *ctx,
                      char *err, size_t errlen)
{
    sqlite3_stmt *st;
    const char *sql = name ? "SELECT name, spec, file_suffix, content FROM prefix_spec"
                             " WHERE name = ? ORDER BY seq"
                           : "SELECT name, spec, file_suffix, content FROM prefix_spec"
                             " ORDER BY name, seq";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read prefix sets", err, errlen);
    if (name)
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int ret = 0, rc;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* A set edited outside honeyscope: no name or specification to hand on. */
        if (sqlite3_column_type(st, 0) != SQLITE_TEXT ||
            sqlite3_column_type(st, 1) != SQLITE_TEXT) {
            sqlite3_finalize(st);
            snprintf(err, errlen, "'%s' is a damaged store: a stored prefix set has no name",
                     s->path);
            return -1;
        }
        struct stored_prefix_spec spec = {
            .name = (const char *)sqlite3_column_text(st, 0),
            .spec = (const char *)sqlite3_column_text(st, 1),
            .file_suffix = (const char *)sqlite3_column_text(st, 2),
            .content = sqlite3_column_blob(st, 3),
            .content_len = (size_t)sqlite3_column_bytes(st, 3),
        };
        ret = fn(ctx, &spec);
    }
    sqlite3_finalize(st);
    if (ret)
        snprintf(err, errlen, "cannot use a stored prefix set");
    return ret ? -1 : 0;
}

int store_prefix_remove(struct store *s, const char *name, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM prefix_spec WHERE name = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return store_fail_db(s, "cannot remove a prefix set", err, errlen);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot remove a prefix set", err, errlen);
    return sqlite3_changes(s->db);
}
