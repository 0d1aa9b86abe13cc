/*
 * Who a capture file is (path, size, time, content fingerprint), copies among
 * the files given, and whether the store holds it; the spans captures cover
 * for flow logs (docs/flows.md).
 */
#define _DEFAULT_SOURCE /* realpath() */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
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

/* ---- identity ----------------------------------------------------------------- */

#define FINGERPRINT_SAMPLE (1 << 20)

void store_to_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

int store_identify(const char *path, struct file_identity *id, char *err, size_t errlen)
{
    struct stat st;
    char resolved[PATH_MAX];
    FILE *fp = fopen(path, "rb");
    if (!fp || fstat(fileno(fp), &st) != 0 || !realpath(path, resolved)) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        if (fp)
            fclose(fp);
        return -1;
    }
    snprintf(id->path, sizeof(id->path), "%s", resolved);
    id->size = (int64_t)st.st_size;
    id->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;

    crypto_library_init();
    crypto_generichash_state state;
    unsigned char digest[STORE_FINGERPRINT_LEN / 2];
    unsigned char *buf = xmalloc(FINGERPRINT_SAMPLE);
    crypto_generichash_init(&state, NULL, 0, sizeof(digest));
    crypto_generichash_update(&state, (const unsigned char *)&id->size, sizeof(id->size));
    size_t got = fread(buf, 1, FINGERPRINT_SAMPLE, fp);
    crypto_generichash_update(&state, buf, got);
    if (id->size > 2 * FINGERPRINT_SAMPLE &&
        fseeko(fp, (off_t)(id->size - FINGERPRINT_SAMPLE), SEEK_SET) == 0) {
        got = fread(buf, 1, FINGERPRINT_SAMPLE, fp);
        crypto_generichash_update(&state, buf, got);
    }
    int failed = ferror(fp);
    fclose(fp);
    free(buf);
    if (failed) {
        snprintf(err, errlen, "cannot read '%s'", path);
        return -1;
    }
    crypto_generichash_final(&state, digest, sizeof(digest));
    store_to_hex(digest, sizeof(digest), id->fingerprint);
    return 0;
}

/* Whether the files at paths a and b hold the same bytes; false when either cannot be read. */
static bool same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    if (same) {
        unsigned char *ba = xmalloc(FINGERPRINT_SAMPLE), *bb = xmalloc(FINGERPRINT_SAMPLE);
        for (;;) {
            size_t na = fread(ba, 1, FINGERPRINT_SAMPLE, fa);
            size_t nb = fread(bb, 1, FINGERPRINT_SAMPLE, fb);
            if (na != nb || memcmp(ba, bb, na) != 0 || ferror(fa) || ferror(fb)) {
                same = false;
                break;
            }
            if (na == 0)
                break;
        }
        free(ba);
        free(bb);
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

bool store_same_capture(const struct file_identity *a, const struct file_identity *b)
{
    if (!a->path[0] || !b->path[0])
        return false;
    if (strcmp(a->path, b->path) == 0)
        return true;
    /* The fingerprint samples the file: a match is only a candidate. */
    return a->size == b->size && strcmp(a->fingerprint, b->fingerprint) == 0 &&
           same_bytes(a->path, b->path);
}

struct identity_ref {
    const struct file_identity *id;
    size_t index;
};

static int compare_identity_refs(const void *pa, const void *pb)
{
    const struct identity_ref *a = pa, *b = pb;
    int c = strcmp(a->id->fingerprint, b->id->fingerprint);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Files being identified by several threads, each taking the next. */
struct identify_job {
    const char *const *paths;
    size_t count;
    struct file_identity *ids;
    _Atomic size_t next;
};

static void *identify_files(void *arg)
{
    struct identify_job *job = arg;
    char err[1024];
    for (size_t i; (i = atomic_fetch_add(&job->next, 1)) < job->count;)
        if (store_identify(job->paths[i], &job->ids[i], err, sizeof(err)) < 0)
            memset(&job->ids[i], 0, sizeof(job->ids[i]));
    return NULL;
}

void store_find_copies(const char *const *paths, size_t count, struct file_identity *ids,
                       size_t *same_as, unsigned threads)
{
    /* Fingerprints hash up to 2 MiB of each file: a batch's files are hashed side by side. */
    struct identify_job job = {paths, count, ids, 0};
    crypto_library_init();
    unsigned helpers = threads > 1 ? threads - 1 : 0;
    if (helpers > count)
        helpers = (unsigned)count;
    pthread_t *thread = xcalloc(helpers ? helpers : 1, sizeof(*thread));
    unsigned started = 0;
    while (started < helpers && pthread_create(&thread[started], NULL, identify_files, &job) == 0)
        started++;
    identify_files(&job);
    for (unsigned t = 0; t < started; t++)
        pthread_join(thread[t], NULL);
    free(thread);

    struct identity_ref *refs = xcalloc(count ? count : 1, sizeof(*refs));
    size_t nrefs = 0;
    for (size_t i = 0; i < count; i++) {
        same_as[i] = STORE_NOT_A_COPY;
        if (ids[i].path[0])
            refs[nrefs++] = (struct identity_ref){&ids[i], i};
    }
    /* Copies share a fingerprint: sorting by it (then by position) puts each
     * file right after the earlier ones it may repeat. */
    qsort(refs, nrefs, sizeof(*refs), compare_identity_refs);
    for (size_t start = 0, end; start < nrefs; start = end) {
        for (end = start + 1; end < nrefs; end++)
            if (strcmp(refs[end].id->fingerprint, refs[start].id->fingerprint) != 0)
                break;
        for (size_t k = start + 1; k < end; k++)
            for (size_t j = start; j < k; j++)
                if (same_as[refs[j].index] == STORE_NOT_A_COPY &&
                    store_same_capture(refs[j].id, refs[k].id)) {
                    same_as[refs[k].index] = refs[j].index;
                    break;
                }
    }
    free(refs);
}

int store_presence(struct store *s, const struct file_identity *id, int64_t *file_id, char *other,
                   size_t othlen, enum store_presence *presence)
{
    sqlite3_stmt *st;
    char err[256];
    *presence = STORE_ABSENT;
    *file_id = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT id, size, mtime_ns FROM capture_file WHERE path = ?", -1,
                           &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot look up a file", err, sizeof(err));
    sqlite3_bind_text(st, 1, id->path, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *file_id = sqlite3_column_int64(st, 0);
        bool same =
            sqlite3_column_int64(st, 1) == id->size && sqlite3_column_int64(st, 2) == id->mtime_ns;
        *presence = same ? STORE_SAME : STORE_CHANGED;
    }
    sqlite3_finalize(st);
    if (*presence != STORE_ABSENT)
        return 0;
    if (sqlite3_prepare_v2(s->db, "SELECT path FROM capture_file WHERE fingerprint = ? LIMIT 1", -1,
                           &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot look up a file", err, sizeof(err));
    sqlite3_bind_text(st, 1, id->fingerprint, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        *presence = STORE_DUPLICATE;
        snprintf(other, othlen, "%s", path ? path : "");
    }
    sqlite3_finalize(st);
    return 0;
}

/* ---- flow logs beside captures (docs/flows.md) ---------------------------------------- */

/* Flow logs are the files whose format names them; captures are the rest. */
#define IS_FLOW_LOG(column)                                                                        \
    "(" column " LIKE 'zeek-%' OR " column " LIKE 'netflow%' OR " column " = 'ipfix')"

int store_capture_spans(struct store *s, struct time_spans *spans, char *err, size_t errlen)
{
    static const char sql[] = "SELECT first_ns, last_ns FROM capture_file"
                              " WHERE first_ns IS NOT NULL AND last_ns IS NOT NULL"
                              " AND (format IS NULL OR NOT " IS_FLOW_LOG("format") ")";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read the captures' spans", err, errlen);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        time_spans_add(spans, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read the captures' spans", err, errlen);
    time_spans_seal(spans);
    return 0;
}

int store_flow_logs_overlapped(struct store *s, uint64_t *count, char *err, size_t errlen)
{
    static const char sql[] = "SELECT count(*) FROM capture_file f WHERE " IS_FLOW_LOG(
        "f.format") " AND EXISTS"
                    " (SELECT 1 FROM capture_file c WHERE c.id > f.id AND c.first_ns IS NOT NULL"
                    "  AND (c.format IS NULL OR NOT " IS_FLOW_LOG(
                        "c.format") ")"
                                    "  AND c.first_ns <= f.last_ns AND c.last_ns >= f.first_ns)";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return store_fail_db(s, "cannot compare flow logs with captures", err, errlen);
    }
    *count = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}
