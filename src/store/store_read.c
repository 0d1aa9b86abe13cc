/*
 * Reading: the rows and evidence of a period into a cube, the files and
 * their counts, with every value checked, since a store may come from
 * elsewhere.
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

/* ---- reading -------------------------------------------------------------------------- */

/*
 * A store may come from another machine (merge) or be edited by hand, so
 * every value read is checked against what honeyscope writes: a row that
 * could not have been written is damage, and the store is refused with the
 * row named rather than read into wrong numbers (or, for a count cast to
 * unsigned, numbers near 2^64).
 */

/* Seconds whose nanoseconds fit in int64_t: the span any capture time has. */
#define SECONDS_MAX STORE_SECONDS_MAX

static int damaged(struct store *s, const char *what, int64_t row, const char *column, char *err,
                   size_t errlen)
{
    snprintf(err, errlen, "'%s' is a damaged store: %s row %lld has a bad %s", s->path, what,
             (long long)row, column);
    return -1;
}

/* Column i holds an integer in [min, max]. */
static bool int_in(sqlite3_stmt *st, int i, int64_t min, int64_t max)
{
    if (sqlite3_column_type(st, i) != SQLITE_INTEGER)
        return false;
    int64_t v = sqlite3_column_int64(st, i);
    return v >= min && v <= max;
}

/* Column i holds an address as honeyscope writes it: 4 or 16 bytes. */
static bool addr_in(sqlite3_stmt *st, int i, struct ip_addr *addr)
{
    if (sqlite3_column_type(st, i) != SQLITE_BLOB)
        return false;
    const void *bytes = sqlite3_column_blob(st, i);
    return store_addr_from_bytes(addr, bytes, (size_t)sqlite3_column_bytes(st, i));
}

/* Whether a + b fits in 64 bits. */
static bool fits_u64(uint64_t a, uint64_t b)
{
    return b <= UINT64_MAX - a;
}

/* *sum += v, unless the sum would wrap around. */
static bool add_u64(uint64_t *sum, uint64_t v)
{
    if (!fits_u64(*sum, v))
        return false;
    *sum += v;
    return true;
}

/*
 * Adds a stored row (loose or packed) to the cube's row of its key. Rows of
 * one key add up: false when their sums would wrap.
 */
static bool add_stored_row(struct cube *cube, const struct cube_row *row)
{
    struct cube_counts *c = &cube_row_at(cube, cube_lookup(cube, &row->key))->counts;
    if (!add_u64(&c->packets_in, row->counts.packets_in) ||
        !add_u64(&c->packets_out, row->counts.packets_out) ||
        !add_u64(&c->bytes_in, row->counts.bytes_in) ||
        !add_u64(&c->bytes_out, row->counts.bytes_out) || !add_u64(&c->flows, row->counts.flows))
        return false;
    if (row->counts.first_ns < c->first_ns)
        c->first_ns = row->counts.first_ns;
    if (row->counts.last_ns > c->last_ns)
        c->last_ns = row->counts.last_ns;
    return true;
}

static const char *const traffic_columns[] = {
    "bin",         "sensor",   "remote",    "proto", "initiator", "service",  "packets_in",
    "packets_out", "bytes_in", "bytes_out", "flows", "first_off", "last_off",
};

/*
 * Reads the traffic rows with bins in [from_s, to_s) into cube, or only
 * checks them when cube is NULL.
 */
static int load_rows(struct store *s, int64_t from_s, int64_t to_s, struct cube *cube, char *err,
                     size_t errlen)
{
    static const char sql[] =
        "SELECT t.bin, a.address, t.remote, t.proto, t.initiator, t.service, t.packets_in,"
        " t.packets_out, t.bytes_in, t.bytes_out, t.flows, t.first_off, t.last_off, t.file_id"
        " FROM traffic_row t LEFT JOIN sensor_address a ON a.id = t.sensor_id"
        " WHERE t.bin >= ?1 AND t.bin < ?2 OR typeof(t.bin) <> 'integer'"
        " OR t.bin NOT BETWEEN -?3 AND ?3";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read traffic", err, errlen);
    /* Bins no period can hold are read too: they are damage, not data outside the period. */
    sqlite3_bind_int64(st, 1, from_s);
    sqlite3_bind_int64(st, 2, to_s);
    sqlite3_bind_int64(st, 3, SECONDS_MAX);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct cube_key key;
        memset(&key, 0, sizeof(key));
        int bad = -1;
        if (!int_in(st, 0, -SECONDS_MAX, SECONDS_MAX))
            bad = 0;
        else if (!addr_in(st, 1, &key.sensor))
            bad = 1;
        else if (!addr_in(st, 2, &key.remote))
            bad = 2;
        else if (!int_in(st, 3, 0, UINT8_MAX))
            bad = 3;
        else if (!int_in(st, 4, INITIATOR_UNKNOWN, INITIATOR_COUNT - 1))
            bad = 4;
        else if (!int_in(st, 5, 0, UINT16_MAX))
            bad = 5;
        for (int i = 6; bad < 0 && i <= 10; i++)
            if (!int_in(st, i, 0, INT64_MAX))
                bad = i;
        /* Seconds from the bin: their sum must be a time too (no overflow: both are bounded). */
        for (int i = 11; bad < 0 && i <= 12; i++)
            if (!int_in(st, i, -SECONDS_MAX, SECONDS_MAX) ||
                sqlite3_column_int64(st, 0) + sqlite3_column_int64(st, i) < -SECONDS_MAX ||
                sqlite3_column_int64(st, 0) + sqlite3_column_int64(st, i) > SECONDS_MAX)
                bad = i;
        if (bad < 0 && cube) {
            key.bin = sqlite3_column_int64(st, 0);
            key.proto = (uint8_t)sqlite3_column_int(st, 3);
            key.initiator = (uint8_t)sqlite3_column_int(st, 4);
            key.service = (uint16_t)sqlite3_column_int(st, 5);
            struct cube_row row = {.key = key};
            uint64_t *counts[] = {&row.counts.packets_in, &row.counts.packets_out,
                                  &row.counts.bytes_in, &row.counts.bytes_out, &row.counts.flows};
            for (int i = 0; i < 5; i++)
                *counts[i] = (uint64_t)sqlite3_column_int64(st, 6 + i);
            row.counts.first_ns = (key.bin + sqlite3_column_int64(st, 11)) * 1000000000;
            row.counts.last_ns = (key.bin + sqlite3_column_int64(st, 12)) * 1000000000;
            if (!add_stored_row(cube, &row))
                bad = 6;
        }
        if (bad >= 0) {
            char what[64];
            snprintf(what, sizeof(what), "a traffic_row of file %lld (bin %lld)",
                     (long long)sqlite3_column_int64(st, 13),
                     (long long)sqlite3_column_int64(st, 0));
            sqlite3_finalize(st);
            snprintf(err, errlen, "'%s' is a damaged store: %s has a bad %s%s", s->path, what,
                     traffic_columns[bad], bad == 6 ? " (the counts overflow)" : "");
            return -1;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read traffic", err, errlen);
    return 0;
}

/* The sensor addresses of sensor_address, sorted: what packs may name. */
struct sensor_list {
    struct ip_addr *addrs;
    size_t count, alloc;
};

static int addr_cmp(const void *a, const void *b)
{
    return addr_compare(a, b);
}

/*
 * Every sensor address is one honeyscope writes, kept in list: packs name
 * their sensors by address, and each must be one of these (the views join
 * them).
 */
static int read_sensor_addresses(struct store *s, struct sensor_list *list, char *err,
                                 size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id, address FROM sensor_address", -1, &st, NULL) !=
        SQLITE_OK)
        return store_fail_db(s, "cannot read the sensor addresses", err, errlen);
    int rc;
    struct ip_addr addr;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!addr_in(st, 1, &addr)) {
            int64_t id = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
            return damaged(s, "sensor_address", id, "address", err, errlen);
        }
        ALLOC_GROW(list->addrs, list->count + 1, list->alloc);
        list->addrs[list->count++] = addr;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read the sensor addresses", err, errlen);
    if (list->count)
        qsort(list->addrs, list->count, sizeof(*list->addrs), addr_cmp);
    return 0;
}

/* Whether the store has the packs' table (version 9, or a later store set back by hand). */
static int has_packs(struct store *s, bool *packs, char *err, size_t errlen)
{
    if (store_has_table(s->db, "main", "traffic_pack", packs) < 0)
        return store_fail_db(s, "cannot read the schema", err, errlen);
    return 0;
}

/* A pack stored twice for one file would count its rows twice: damage. what: "traffic" or
 * "evidence". */
static int packs_stored_twice(struct store *s, const char *what, char *err, size_t errlen)
{
    char sql[128];
    sqlite3_stmt *st;
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM (SELECT 1 FROM %s_pack GROUP BY file_id, data"
             " HAVING count(*) > 1)",
             what);
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return store_fail_db(s, "cannot read the packs", err, errlen);
    }
    int64_t repeated = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (repeated) {
        snprintf(err, errlen, "'%s' is a damaged store: %lld %s packs are stored twice", s->path,
                 (long long)repeated, what);
        return -1;
    }
    return 0;
}

/* A pack's row as read: what its bin_first, bin_last and rows columns say, or why they are bad. */
static const char *pack_columns_damage(sqlite3_stmt *st, int64_t max_rows)
{
    if (!int_in(st, 2, -SECONDS_MAX, SECONDS_MAX) || !int_in(st, 3, -SECONDS_MAX, SECONDS_MAX) ||
        sqlite3_column_int64(st, 2) > sqlite3_column_int64(st, 3))
        return "bin_first or bin_last";
    if (!int_in(st, 4, 1, max_rows))
        return "rows";
    if (sqlite3_column_type(st, 5) != SQLITE_BLOB)
        return "data (not a pack)";
    return NULL;
}

/* A pack's rows going into a cube (or only checked). */
struct pack_load {
    struct cube *cube;
    int64_t from_s, to_s;        /* the period */
    int64_t bin_first, bin_last; /* what the pack's row says its bins are */
    uint64_t rows;
    const struct sensor_list *sensors;
    struct ip_addr sensor; /* the last sensor found among them */
    bool sensor_known;
    /* Checking (no cube): every count of every pack, which must not wrap. */
    uint64_t totals[5];
    const char *bad; /* why the pack is damaged, when its rows say so */
};

/* Adds one decoded row to the cube, as load_rows() adds a loose one. */
static int pack_row(void *ctx, const struct cube_row *row)
{
    struct pack_load *l = ctx;
    l->rows++;
    if (row->key.bin < l->bin_first || row->key.bin > l->bin_last) {
        l->bad = "bin (a row outside its pack's bins)";
        return 1;
    }
    if (!l->sensor_known || !addr_equal(&l->sensor, &row->key.sensor)) {
        if (!l->sensors->count || !bsearch(&row->key.sensor, l->sensors->addrs, l->sensors->count,
                                           sizeof(*l->sensors->addrs), addr_cmp)) {
            l->bad = "sensor (not in sensor_address)";
            return 1;
        }
        l->sensor = row->key.sensor;
        l->sensor_known = true;
    }
    const uint64_t counts[5] = {row->counts.packets_in, row->counts.packets_out,
                                row->counts.bytes_in, row->counts.bytes_out, row->counts.flows};
    if (!l->cube) {
        for (int i = 0; i < 5; i++)
            if (!add_u64(&l->totals[i], counts[i])) {
                l->bad = "count (the counts overflow)";
                return 1;
            }
        return 0;
    }
    if (row->key.bin < l->from_s || row->key.bin >= l->to_s)
        return 0;
    if (!add_stored_row(l->cube, row)) {
        l->bad = "count (the counts overflow)";
        return 1;
    }
    return 0;
}

/*
 * As load_rows(), for the packed rows (version 9): every pack is decoded and
 * checked whole, whatever the period, so that no pack whose bin columns were
 * changed can leave a period without a word; the rows of the period go into
 * the cube. Checking (cube NULL), the counts of all rows, loose and packed,
 * must add up without wrapping, which is more than any key's sum needs.
 */
static int load_packs(struct store *s, int64_t from_s, int64_t to_s, struct cube *cube, char *err,
                      size_t errlen)
{
    bool packs = false;
    if (has_packs(s, &packs, err, errlen) < 0)
        return -1;
    if (!packs)
        return 0; /* a store of version 8 or before, read as it is */
    struct sensor_list sensors = {0};
    if (read_sensor_addresses(s, &sensors, err, errlen) < 0)
        return -1;
    sqlite3_stmt *st;
    if (packs_stored_twice(s, "traffic", err, errlen) < 0) {
        free(sensors.addrs);
        return -1;
    }
    static const char sql[] =
        "SELECT file_id, seq, bin_first, bin_last, rows, data FROM traffic_pack";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        free(sensors.addrs);
        return store_fail_db(s, "cannot read traffic", err, errlen);
    }
    struct pack_load l;
    memset(&l, 0, sizeof(l));
    l.cube = cube;
    l.from_s = from_s;
    l.to_s = to_s;
    l.sensors = &sensors;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *why = NULL;
        l.rows = 0;
        l.sensor_known = false;
        l.bad = pack_columns_damage(st, PACK_MAX_ROWS);
        if (!l.bad) {
            l.bin_first = sqlite3_column_int64(st, 2);
            l.bin_last = sqlite3_column_int64(st, 3);
            int len = sqlite3_column_bytes(st, 5);
            if (traffic_pack_decode(sqlite3_column_blob(st, 5), len > 0 ? (size_t)len : 0, pack_row,
                                    &l, &why) == -1)
                l.bad = why;
            else if (!l.bad && l.rows != (uint64_t)sqlite3_column_int64(st, 4))
                l.bad = "rows (not the pack's)";
        }
        if (l.bad) {
            snprintf(err, errlen,
                     "'%s' is a damaged store: the traffic_pack %lld of file %lld has a bad %s",
                     s->path, (long long)sqlite3_column_int64(st, 1),
                     (long long)sqlite3_column_int64(st, 0), l.bad);
            sqlite3_finalize(st);
            free(sensors.addrs);
            return -1;
        }
    }
    sqlite3_finalize(st);
    free(sensors.addrs);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read traffic", err, errlen);
    if (cube)
        return 0;
    /* The loose rows' totals (sum() stops at 2^63: past it, damage too), with the packs'. */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT sum(packets_in), sum(packets_out), sum(bytes_in),"
                           " sum(bytes_out), sum(flows) FROM traffic_row",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read traffic", err, errlen);
    bool wraps = sqlite3_step(st) != SQLITE_ROW;
    for (int i = 0; i < 5 && !wraps; i++)
        wraps = !add_u64(&l.totals[i], (uint64_t)sqlite3_column_int64(st, i));
    sqlite3_finalize(st);
    if (wraps) {
        snprintf(err, errlen, "'%s' is a damaged store: the traffic counts overflow", s->path);
        return -1;
    }
    return 0;
}

/* As load_rows(), for the evidence rows; rows of kinds this version does not know are skipped. */
static int load_evidence(struct store *s, int64_t from_s, int64_t to_s, struct cube *cube,
                         char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT e.bin, e.remote, k.name, v.value, e.count, e.file_id FROM evidence_row e"
        " LEFT JOIN evidence_value v ON v.id = e.value_id"
        " LEFT JOIN evidence_kind k ON k.id = v.kind"
        " WHERE e.bin >= ?1 AND e.bin < ?2 OR typeof(e.bin) <> 'integer'"
        " OR e.bin NOT BETWEEN -?3 AND ?3";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read evidence", err, errlen);
    sqlite3_bind_int64(st, 1, from_s);
    sqlite3_bind_int64(st, 2, to_s);
    sqlite3_bind_int64(st, 3, SECONDS_MAX);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct ip_addr remote;
        const char *bad = NULL;
        int value_type = sqlite3_column_type(st, 3);
        if (!int_in(st, 0, -SECONDS_MAX, SECONDS_MAX))
            bad = "bin";
        else if (!addr_in(st, 1, &remote))
            bad = "remote";
        else if (value_type != SQLITE_BLOB && value_type != SQLITE_TEXT)
            bad = "value";
        else if (!int_in(st, 4, 0, INT64_MAX))
            bad = "count";
        if (bad) {
            snprintf(err, errlen,
                     "'%s' is a damaged store: an evidence_row of file %lld has a bad %s", s->path,
                     (long long)sqlite3_column_int64(st, 5), bad);
            sqlite3_finalize(st);
            return -1;
        }
        const char *kind_name = (const char *)sqlite3_column_text(st, 2);
        unsigned kind = EVIDENCE_KIND_COUNT;
        for (unsigned k = 0; kind_name && k < EVIDENCE_KIND_COUNT; k++)
            if (strcmp(kind_name, evidence_kind_name((enum evidence_kind)k)) == 0)
                kind = k;
        if (kind == EVIDENCE_KIND_COUNT || !cube)
            continue; /* a kind this version does not know */
        const void *value = sqlite3_column_blob(st, 3);
        int len = sqlite3_column_bytes(st, 3);
        evidence_table_put(cube_evidence(cube), sqlite3_column_int64(st, 0), &remote, kind,
                           value ? value : "", (size_t)len, (uint64_t)sqlite3_column_int64(st, 4));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read evidence", err, errlen);
    return 0;
}

/* The enum evidence_kind of a kind's name, or EVIDENCE_KIND_COUNT for a kind this version does not
 * know. */
static unsigned kind_of_name(const char *name, size_t len)
{
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        const char *known = evidence_kind_name((enum evidence_kind)k);
        if (strlen(known) == len && memcmp(known, name, len) == 0)
            return k;
    }
    return EVIDENCE_KIND_COUNT;
}

/* Puts a pack's rows of [from_s, to_s) into the cube; NULL, or why the pack is damaged. */
static const char *put_evidence_pack(const struct evidence_pack *pack, int64_t bin_first,
                                     int64_t bin_last, int64_t from_s, int64_t to_s,
                                     struct cube *cube)
{
    unsigned *kinds = xmalloc(pack->value_count * sizeof(*kinds));
    for (size_t v = 0; v < pack->value_count; v++)
        kinds[v] = kind_of_name(pack->values[v].kind, pack->values[v].kind_len);
    const char *bad = NULL;
    for (size_t i = 0; i < pack->row_count && !bad; i++) {
        const struct evidence_pack_row *r = &pack->rows[i];
        const struct evidence_pack_value *v = &pack->values[r->value];
        if (r->bin < bin_first || r->bin > bin_last)
            bad = "bin (a row outside its pack's bins)";
        else if (cube && kinds[r->value] != EVIDENCE_KIND_COUNT && r->bin >= from_s &&
                 r->bin < to_s)
            evidence_table_put(cube_evidence(cube), r->bin, &r->remote, kinds[r->value],
                               v->len ? (const char *)v->bytes : "", v->len, r->count);
    }
    free(kinds);
    return bad;
}

/*
 * As load_evidence(), for the packed rows (version 10): every pack decoded
 * and checked whole, whatever the period, as load_packs() does.
 */
static int load_evidence_packs(struct store *s, int64_t from_s, int64_t to_s, struct cube *cube,
                               char *err, size_t errlen)
{
    bool packs = false;
    if (store_has_table(s->db, "main", "evidence_pack", &packs) < 0)
        return store_fail_db(s, "cannot read the schema", err, errlen);
    if (!packs)
        return 0; /* a store of version 9 or before, read as it is */
    if (packs_stored_twice(s, "evidence", err, errlen) < 0)
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            s->db, "SELECT file_id, seq, bin_first, bin_last, rows, data FROM evidence_pack", -1,
            &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read evidence", err, errlen);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *bad = pack_columns_damage(st, EVIDENCE_PACK_MAX_ROWS);
        struct evidence_pack pack;
        int len = sqlite3_column_bytes(st, 5);
        if (!bad && evidence_pack_decode(sqlite3_column_blob(st, 5), len > 0 ? (size_t)len : 0,
                                         &pack, &bad) == 0) {
            bad = put_evidence_pack(&pack, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
                                    from_s, to_s, cube);
            if (!bad && pack.row_count != (uint64_t)sqlite3_column_int64(st, 4))
                bad = "rows (not the pack's)";
            evidence_pack_free(&pack);
        }
        if (bad) {
            snprintf(err, errlen,
                     "'%s' is a damaged store: the evidence_pack %lld of file %lld has a bad %s",
                     s->path, (long long)sqlite3_column_int64(st, 1),
                     (long long)sqlite3_column_int64(st, 0), bad);
            sqlite3_finalize(st);
            return -1;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read evidence", err, errlen);
    return 0;
}

/* The capture_file columns read, in the order of read_files()'s SELECT. */
enum {
    FILE_PATH,
    FILE_FORMAT,
    FILE_LINK_TYPE,
    FILE_ERROR,
    FILE_PACKETS,
    FILE_STATUS,
    FILE_FIRST_NS,
    FILE_LAST_NS,
    FILE_TRUNCATED, /* then the other counts, to FILE_FRAGMENTS_UNMATCHED */
    FILE_FRAGMENTS_UNMATCHED = FILE_TRUNCATED + 10,
    FILE_ID,
    FILE_FLOW_RECORDS,
    FILE_FLOW_SKIPPED,
    FILE_FLOW_COVERED,
    FILE_EXPORT_DATAGRAMS, /* then the other export counts, to FILE_SAMPLING_INTERVAL */
    FILE_SAMPLING_INTERVAL = FILE_EXPORT_DATAGRAMS + 4,
    FILE_EVIDENCE_SKIPPED,
    FILE_EVIDENCE_DROPPED,
};

/* Why a capture_file row could not have been written by honeyscope, or NULL. */
static const char *file_row_damage(sqlite3_stmt *st)
{
    static const char *const count_names[] = {
        "truncated",     "malformed",     "unsupported",         "unsupported_link",
        "not_ip",        "not_sensor",    "sensor_to_sensor",    "flows",
        "flows_expired", "flows_evicted", "fragments_unmatched",
    };
    const char *status = (const char *)sqlite3_column_text(st, FILE_STATUS);
    if (!int_in(st, FILE_ID, 1, INT64_MAX))
        return "id";
    int first = sqlite3_column_type(st, FILE_FIRST_NS),
        last = sqlite3_column_type(st, FILE_LAST_NS);
    if (sqlite3_column_type(st, FILE_PATH) != SQLITE_TEXT)
        return "path";
    if (sqlite3_column_type(st, FILE_STATUS) != SQLITE_TEXT ||
        (strcmp(status, "ok") != 0 && strcmp(status, "failed") != 0))
        return "status";
    if (sqlite3_column_type(st, FILE_FORMAT) != SQLITE_NULL &&
        sqlite3_column_type(st, FILE_FORMAT) != SQLITE_TEXT)
        return "format";
    if (sqlite3_column_type(st, FILE_LINK_TYPE) != SQLITE_NULL &&
        !int_in(st, FILE_LINK_TYPE, INT32_MIN, INT32_MAX))
        return "link_type";
    if (sqlite3_column_type(st, FILE_ERROR) != SQLITE_NULL &&
        sqlite3_column_type(st, FILE_ERROR) != SQLITE_TEXT)
        return "error";
    if (!int_in(st, FILE_PACKETS, 0, INT64_MAX))
        return "packets";
    if (!(first == SQLITE_NULL && last == SQLITE_NULL) &&
        !(first == SQLITE_INTEGER && last == SQLITE_INTEGER))
        return "first_ns";
    for (int i = FILE_TRUNCATED; i <= FILE_FRAGMENTS_UNMATCHED; i++)
        if (!int_in(st, i, 0, INT64_MAX))
            return count_names[i - FILE_TRUNCATED];
    if (!int_in(st, FILE_FLOW_RECORDS, 0, INT64_MAX))
        return "flow_records";
    if (!int_in(st, FILE_FLOW_SKIPPED, 0, INT64_MAX))
        return "flow_skipped";
    if (!int_in(st, FILE_FLOW_COVERED, 0, INT64_MAX))
        return "flow_covered";
    for (int i = FILE_EXPORT_DATAGRAMS; i <= FILE_SAMPLING_INTERVAL; i++)
        if (!int_in(st, i, 0, INT64_MAX))
            return "export counts";
    if (!int_in(st, FILE_EVIDENCE_SKIPPED, 0, INT64_MAX) ||
        !int_in(st, FILE_EVIDENCE_DROPPED, 0, INT64_MAX))
        return "evidence counts";
    return NULL;
}

/* The second of a time in ns, rounded down (before 1970 too). */
static int64_t floor_div_ns(int64_t ns)
{
    return ns / 1000000000 - (ns % 1000000000 < 0);
}

/*
 * Adds a capture_file row's counts to stats; false when a sum would wrap.
 * What the evidence bounds left out counts only for a file with packets in
 * [from_s, to_s): the report of another period has all of its evidence.
 */
static bool add_file_stats(sqlite3_stmt *st, struct input_stats *stats, int64_t from_s,
                           int64_t to_s)
{
    struct input_stats one;
    input_stats_init(&one);
    one.files = 1;
    one.files_failed = strcmp((const char *)sqlite3_column_text(st, FILE_STATUS), "failed") == 0;
    one.packets = (uint64_t)sqlite3_column_int64(st, FILE_PACKETS);
    if (sqlite3_column_type(st, FILE_FIRST_NS) != SQLITE_NULL) {
        one.first_ns = sqlite3_column_int64(st, FILE_FIRST_NS);
        one.last_ns = sqlite3_column_int64(st, FILE_LAST_NS);
    }
    uint64_t counts[11];
    for (int i = 0; i < 11; i++)
        counts[i] = (uint64_t)sqlite3_column_int64(st, FILE_TRUNCATED + i);
    one.bad[DECODE_TRUNCATED] = counts[0];
    one.bad[DECODE_MALFORMED] = counts[1];
    one.bad[DECODE_UNSUPPORTED] = counts[2];
    one.bad[DECODE_NOT_IP] = counts[4];
    one.not_sensor = counts[5];
    one.sensor_to_sensor = counts[6];
    one.flows.flows = counts[7];
    one.flows.expired = counts[8];
    one.flows.evicted = counts[9];
    one.flows.fragments_unmatched = counts[10];
    one.flow_records = (uint64_t)sqlite3_column_int64(st, FILE_FLOW_RECORDS);
    /* The store keeps the lines skipped, not why: they count as values out of range. */
    one.flow_skipped[FLOWLOG_SKIP_VALUE] = (uint64_t)sqlite3_column_int64(st, FILE_FLOW_SKIPPED);
    one.flow_covered = (uint64_t)sqlite3_column_int64(st, FILE_FLOW_COVERED);
    one.export_datagrams = (uint64_t)sqlite3_column_int64(st, FILE_EXPORT_DATAGRAMS);
    one.export_lost_packets = (uint64_t)sqlite3_column_int64(st, FILE_EXPORT_DATAGRAMS + 1);
    one.export_lost_records = (uint64_t)sqlite3_column_int64(st, FILE_EXPORT_DATAGRAMS + 2);
    one.export_skipped = (uint64_t)sqlite3_column_int64(st, FILE_EXPORT_DATAGRAMS + 3);
    one.sampling_interval = (uint64_t)sqlite3_column_int64(st, FILE_SAMPLING_INTERVAL);
    if (sqlite3_column_type(st, FILE_FIRST_NS) != SQLITE_NULL &&
        floor_div_ns(one.first_ns) < to_s && floor_div_ns(one.last_ns) >= from_s) {
        one.evidence_skipped = (uint64_t)sqlite3_column_int64(st, FILE_EVIDENCE_SKIPPED);
        one.evidence_dropped = (uint64_t)sqlite3_column_int64(st, FILE_EVIDENCE_DROPPED);
    }
    if (counts[3]) {
        one.unsupported_links[0].link_type = sqlite3_column_int(st, FILE_LINK_TYPE);
        one.unsupported_links[0].packets = counts[3];
        one.unsupported_link_count = 1;
    }
    /* input_stats_merge() adds: check first that no sum wraps. */
    bool fits =
        fits_u64(stats->packets, one.packets) && fits_u64(stats->not_sensor, one.not_sensor) &&
        fits_u64(stats->sensor_to_sensor, one.sensor_to_sensor) &&
        fits_u64(stats->flows.flows, one.flows.flows) &&
        fits_u64(stats->flows.expired, one.flows.expired) &&
        fits_u64(stats->flows.evicted, one.flows.evicted) &&
        fits_u64(stats->flows.fragments_unmatched, one.flows.fragments_unmatched) &&
        fits_u64(stats->flow_records, one.flow_records) &&
        fits_u64(stats->flow_skipped[FLOWLOG_SKIP_VALUE], one.flow_skipped[FLOWLOG_SKIP_VALUE]) &&
        fits_u64(stats->flow_covered, one.flow_covered) &&
        fits_u64(stats->export_datagrams, one.export_datagrams) &&
        fits_u64(stats->export_lost_packets, one.export_lost_packets) &&
        fits_u64(stats->export_lost_records, one.export_lost_records) &&
        fits_u64(stats->export_skipped, one.export_skipped) &&
        fits_u64(stats->evidence_skipped, one.evidence_skipped) &&
        fits_u64(stats->evidence_dropped, one.evidence_dropped);
    for (int i = 0; fits && i < DECODE_RESULT_COUNT; i++)
        fits = fits_u64(stats->bad[i], one.bad[i]);
    for (size_t i = 0; fits && i < stats->unsupported_link_count; i++)
        fits = fits_u64(stats->unsupported_links[i].packets, counts[3]);
    if (fits)
        input_stats_merge(stats, &one);
    return fits;
}

/*
 * Reads the capture files: their counts into stats and the list into
 * *files, or only checks them when stats is NULL. Two files with one path,
 * and rows of a file that is not there, are damage too.
 */
static int read_files(struct store *s, struct input_stats *stats, struct stored_file **files,
                      size_t *file_count, int64_t from_s, int64_t to_s, char *err, size_t errlen)
{
#define FILE_COLUMNS                                                                               \
    "SELECT path, format, link_type, error, packets, status, first_ns, last_ns, truncated,"        \
    " malformed, unsupported, unsupported_link, not_ip, not_sensor, sensor_to_sensor, flows,"      \
    " flows_expired, flows_evicted, fragments_unmatched, id, flow_records, flow_skipped,"          \
    " flow_covered, export_datagrams, export_lost_packets, export_lost_records,"                   \
    " export_skipped, sampling_interval, "
    /* A version 7 store read as it is did not count what the evidence bounds left out. */
    const char *sql = s->version >= 8 ? FILE_COLUMNS "evidence_skipped, evidence_dropped"
                                                     " FROM capture_file ORDER BY path"
                                      : FILE_COLUMNS "0, 0 FROM capture_file ORDER BY path";
#undef FILE_COLUMNS
    static const char orphans[] =
        "SELECT (SELECT count(path) - count(DISTINCT path) + count(*) - count(DISTINCT id)"
        "   FROM capture_file),"
        " (SELECT count(*) FROM traffic_row t WHERE NOT EXISTS"
        "   (SELECT 1 FROM capture_file f WHERE f.id = t.file_id)),"
        " (SELECT count(*) FROM evidence_row e WHERE NOT EXISTS"
        "   (SELECT 1 FROM capture_file f WHERE f.id = e.file_id))";
    sqlite3_stmt *st;
    size_t alloc = 0;
    if (sqlite3_prepare_v2(s->db, orphans, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return store_fail_db(s, "cannot read the capture files", err, errlen);
    }
    int64_t paths = sqlite3_column_int64(st, 0);
    int64_t rows = sqlite3_column_int64(st, 1) + sqlite3_column_int64(st, 2);
    sqlite3_finalize(st);
    /* Packs of a file that is not there (tables of version 9 and 10, where the store has them). */
    static const char *const pack_tables[] = {"traffic_pack", "evidence_pack"};
    for (size_t t = 0; t < sizeof(pack_tables) / sizeof(*pack_tables); t++) {
        bool packs = false;
        char orphan_packs[160];
        if (store_has_table(s->db, "main", pack_tables[t], &packs) < 0)
            return store_fail_db(s, "cannot read the schema", err, errlen);
        if (!packs)
            continue;
        snprintf(orphan_packs, sizeof(orphan_packs),
                 "SELECT count(*) FROM %s p WHERE NOT EXISTS"
                 " (SELECT 1 FROM capture_file f WHERE f.id = p.file_id)",
                 pack_tables[t]);
        if (sqlite3_prepare_v2(s->db, orphan_packs, -1, &st, NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_finalize(st);
            return store_fail_db(s, "cannot read the capture files", err, errlen);
        }
        rows += sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (paths || rows) {
        snprintf(err, errlen,
                 "'%s' is a damaged store: %lld capture files share a path or an id (or have "
                 "none), %lld rows belong to no capture file",
                 s->path, (long long)paths, (long long)rows);
        return -1;
    }
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read the capture files", err, errlen);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *bad = file_row_damage(st);
        if (!bad && stats && !add_file_stats(st, stats, from_s, to_s))
            bad = "count (the sums overflow)";
        if (bad) {
            int64_t id = sqlite3_column_int64(st, FILE_ID);
            sqlite3_finalize(st);
            return damaged(s, "capture_file", id, bad, err, errlen);
        }
        if (!files)
            continue;
        ALLOC_GROW(*files, *file_count + 1, alloc);
        struct stored_file *f = &(*files)[(*file_count)++];
        memset(f, 0, sizeof(*f));
        f->path = xstrdup((const char *)sqlite3_column_text(st, FILE_PATH));
        if (sqlite3_column_type(st, FILE_FORMAT) != SQLITE_NULL)
            snprintf(f->format, sizeof(f->format), "%s",
                     (const char *)sqlite3_column_text(st, FILE_FORMAT));
        f->link_type = sqlite3_column_int(st, FILE_LINK_TYPE);
        if (sqlite3_column_type(st, FILE_ERROR) != SQLITE_NULL)
            f->error = xstrdup((const char *)sqlite3_column_text(st, FILE_ERROR));
        f->packets = (uint64_t)sqlite3_column_int64(st, FILE_PACKETS);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read the capture files", err, errlen);
    return 0;
}

/*
 * The live captures: their count and drops into stats, and a line for each
 * in the list of files (interface, start, last commit). A version 2 store
 * opened for reading was upgraded, so the tables are there.
 */
static int read_live(struct store *s, struct input_stats *stats, struct stored_file *files,
                     size_t file_count, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT f.path, l.interface, l.started_at, l.last_commit_at, l.commits, l.stopped_at,"
        " (SELECT coalesce(sum(kernel_drops), 0) FROM live_commit c WHERE c.file_id = l.file_id),"
        " (SELECT coalesce(sum(interface_drops), 0) FROM live_commit c"
        "   WHERE c.file_id = l.file_id)"
        " FROM live_capture l JOIN capture_file f ON f.id = l.file_id";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read the live captures", err, errlen);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        int64_t kernel = sqlite3_column_int64(st, 6), iface = sqlite3_column_int64(st, 7);
        if (kernel < 0 || iface < 0) {
            sqlite3_finalize(st);
            return damaged(s, "live_commit", 0, "kernel_drops", err, errlen);
        }
        stats->live_captures++;
        stats->kernel_drops += (uint64_t)kernel;
        stats->interface_drops += (uint64_t)iface;
        for (size_t i = 0; path && i < file_count; i++) {
            if (strcmp(files[i].path, path) != 0)
                continue;
            const char *text[4];
            for (int c = 0; c < 4; c++) {
                text[c] = (const char *)sqlite3_column_text(st, c == 3 ? 5 : c + 1);
                if (!text[c])
                    text[c] = "";
            }
            char line[512];
            snprintf(line, sizeof(line),
                     "live on %s since %s, last commit %s (%lld commits%s%s), %lld dropped by "
                     "the kernel",
                     text[0], text[1], text[2], (long long)sqlite3_column_int64(st, 4),
                     text[3][0] ? ", stopped " : ", running or killed", text[3], (long long)kernel);
            free(files[i].live);
            files[i].live = xstrdup(line);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read the live captures", err, errlen);
    return 0;
}

int store_load(struct store *s, int64_t from_s, int64_t to_s, struct cube *cube,
               struct input_stats *stats, struct stored_file **files, size_t *file_count, char *err,
               size_t errlen)
{
    *files = NULL;
    *file_count = 0;
    /* One read transaction, so rows and files agree while an ingest writes. */
    if (store_exec(s, "BEGIN", err, errlen) < 0)
        return -1;
    int ret = read_files(s, stats, files, file_count, from_s, to_s, err, errlen);
    if (ret == 0)
        ret = read_live(s, stats, *files, *file_count, err, errlen);
    if (ret == 0)
        ret = load_rows(s, from_s, to_s, cube, err, errlen);
    if (ret == 0)
        ret = load_packs(s, from_s, to_s, cube, err, errlen);
    if (ret == 0)
        ret = load_evidence(s, from_s, to_s, cube, err, errlen);
    if (ret == 0)
        ret = load_evidence_packs(s, from_s, to_s, cube, err, errlen);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return ret;
}

/*
 * Whether the counts of the rows of each cube key add up without wrapping
 * (SQLite's sum() stops at 2^63, short of the 2^64 a load allows: no real
 * capture comes near either).
 */
static int check_sums(struct store *s, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT sum(packets_in), sum(packets_out), sum(bytes_in), sum(bytes_out), sum(flows)"
        " FROM traffic_row GROUP BY bin, sensor_id, remote, proto, initiator, service";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot read traffic", err, errlen);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, errlen, "'%s' is a damaged store: the traffic counts overflow (%s)", s->path,
             sqlite3_errmsg(s->db));
    return -1;
}

/* Checks every row of the store as store_load() would read it, keeping nothing. */
int store_check_rows(struct store *s, char *err, size_t errlen)
{
    struct input_stats sums;
    input_stats_init(&sums);
    if (store_exec(s, "BEGIN", err, errlen) < 0)
        return -1;
    int ret = read_files(s, &sums, NULL, NULL, INT64_MIN, INT64_MAX, err, errlen);
    if (ret == 0)
        ret = load_rows(s, INT64_MIN, INT64_MAX, NULL, err, errlen);
    if (ret == 0)
        ret = load_packs(s, INT64_MIN, INT64_MAX, NULL, err, errlen);
    if (ret == 0)
        ret = check_sums(s, err, errlen);
    if (ret == 0)
        ret = load_evidence(s, INT64_MIN, INT64_MAX, NULL, err, errlen);
    if (ret == 0)
        ret = load_evidence_packs(s, INT64_MIN, INT64_MAX, NULL, err, errlen);
    if (ret == 0) {
        /* Reading every sample checks it. */
        struct store_overlap *overlaps;
        size_t count;
        ret = store_overlaps(s, INT64_MIN, INT64_MAX, &overlaps, &count, err, errlen);
        store_overlaps_free(overlaps, count);
    }
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return ret;
}

void store_files_free(struct stored_file *files, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(files[i].path);
        free(files[i].error);
        free(files[i].live);
    }
    free(files);
}
