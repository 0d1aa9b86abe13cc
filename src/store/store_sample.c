/*
 * Packet samples in the store: the stored captures holding some of a new
 * capture's packets, and the overlapping captures of a period.
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

/* ---- packet samples: captures holding the same packets ---------------------------------- */

/* A reader's check: a stored sample honeyscope could have written, else the store is damaged. */
static int sample_from_row(struct store *s, sqlite3_stmt *st, int column,
                           struct capture_sample *sample, char *err, size_t errlen)
{
    int64_t level = sqlite3_column_int64(st, column);
    const void *bytes = sqlite3_column_blob(st, column + 1);
    int len = sqlite3_column_bytes(st, column + 1);
    if (level < 0 || level > 64 || len < 0 ||
        capture_sample_decode(sample, bytes, (size_t)len, (unsigned)level,
                              sqlite3_column_int64(st, column + 2),
                              sqlite3_column_int64(st, column + 3)) < 0) {
        snprintf(err, errlen,
                 "'%s' is a damaged store: table packet_sample, file %lld: not a sample", s->path,
                 (long long)sqlite3_column_int64(st, 0));
        return -1;
    }
    return 0;
}

int store_find_overlap(struct store *s, const struct capture_sample *sample, const char *path,
                       char *other, size_t othlen, struct capture_overlap *overlap, bool *found,
                       char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT f.id, f.path, p.level, p.fingerprints, f.first_ns, f.last_ns"
        " FROM packet_sample p JOIN capture_file f ON f.id = p.file_id"
        " WHERE f.first_ns <= ? AND f.last_ns >= ? AND f.path <> ? ORDER BY f.first_ns, f.id";
    sqlite3_stmt *st;
    *found = false;
    if (!sample->count)
        return 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read the packet samples", err, errlen);
    sqlite3_bind_int64(st, 1, sample->last_ns);
    sqlite3_bind_int64(st, 2, sample->first_ns);
    sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
    struct capture_sample *stored = capture_sample_new();
    int rc, ret = 0;
    while (!*found && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sample_from_row(s, st, 2, stored, err, errlen) < 0) {
            ret = -1;
            break;
        }
        if (capture_sample_overlap(stored, sample, overlap)) {
            const char *p = (const char *)sqlite3_column_text(st, 1);
            snprintf(other, othlen, "%s", p ? p : "");
            *found = true;
        }
    }
    if (ret == 0 && !*found && rc != SQLITE_DONE)
        ret = store_fail_db(s, "cannot read the packet samples", err, errlen);
    sqlite3_finalize(st);
    free(stored);
    return ret;
}

/* A stored sample still in reach of the files after it (its span not over). */
struct active_sample {
    struct capture_sample *sample;
    char *path;
};

int store_overlaps(struct store *s, int64_t from_ns, int64_t to_ns, struct store_overlap **list,
                   size_t *count, char *err, size_t errlen)
{
    static const char sql[] = "SELECT f.id, f.path, p.level, p.fingerprints, f.first_ns, f.last_ns"
                              " FROM packet_sample p JOIN capture_file f ON f.id = p.file_id"
                              " WHERE f.first_ns IS NOT NULL AND f.last_ns IS NOT NULL"
                              " AND f.last_ns >= ? AND f.first_ns <= ? ORDER BY f.first_ns, f.id";
    sqlite3_stmt *st;
    *list = NULL;
    *count = 0;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read the packet samples", err, errlen);
    sqlite3_bind_int64(st, 1, from_ns);
    sqlite3_bind_int64(st, 2, to_ns);
    /*
     * In order of first packet (then of storing), each file against those
     * before it whose span is not over: only those are held, so memory
     * follows the files that overlap in time, not the store's size.
     */
    struct active_sample *active = NULL;
    size_t nactive = 0, active_alloc = 0, found_alloc = 0;
    struct capture_sample *next = capture_sample_new();
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sample_from_row(s, st, 2, next, err, errlen) < 0) {
            ret = -1;
            break;
        }
        const char *p = (const char *)sqlite3_column_text(st, 1);
        size_t kept = 0;
        for (size_t i = 0; i < nactive; i++) {
            if (active[i].sample->last_ns < next->first_ns) {
                free(active[i].sample);
                free(active[i].path);
                continue;
            }
            active[kept++] = active[i];
        }
        nactive = kept;
        for (size_t i = 0; i < nactive; i++) {
            struct capture_overlap o;
            if (!capture_sample_overlap(active[i].sample, next, &o))
                continue;
            ALLOC_GROW(*list, *count + 1, found_alloc);
            (*list)[(*count)++] =
                (struct store_overlap){xstrdup(p ? p : ""), xstrdup(active[i].path), o};
            break;
        }
        ALLOC_GROW(active, nactive + 1, active_alloc);
        active[nactive++] =
            (struct active_sample){capture_sample_shrink(next), xstrdup(p ? p : "")};
        next = capture_sample_new();
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = store_fail_db(s, "cannot read the packet samples", err, errlen);
    sqlite3_finalize(st);
    for (size_t i = 0; i < nactive; i++) {
        free(active[i].sample);
        free(active[i].path);
    }
    free(active);
    free(next);
    if (ret < 0) {
        store_overlaps_free(*list, *count);
        *list = NULL;
        *count = 0;
    }
    return ret;
}

void store_overlaps_free(struct store_overlap *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].file);
        free(list[i].overlaps_with);
    }
    free(list);
}
