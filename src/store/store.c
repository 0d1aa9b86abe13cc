/*
 * The SQLite store (docs/store.md):
 *
 *   capture_file  one row per capture file: identity, format, span, counts,
 *                 status and error
 *   traffic_row   the cube rows each file contributed (ON DELETE CASCADE),
 *                 addresses as bytes, the sensor by its sensor_address id
 *   evidence_row  the evidence each file contributed, each value once in
 *                 evidence_value
 *   sensor        the sensor prefixes the store was made with
 *
 * The views traffic and evidence give the rows with text addresses, as
 * stores before version 7 held them, for plain SQL.
 *
 * Every write to a file's contribution is one transaction, so a crash or a
 * signal leaves each file either wholly stored or absent. WAL mode lets a
 * report read while an ingest writes.
 */
#define _DEFAULT_SOURCE /* realpath() */
#include "store.h"

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

/* "hsc1" — marks a SQLite file as a honeyscope store. */
#define STORE_APPLICATION_ID 0x68736331
#define STORE_VERSION 7

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
 * Live captures (version 4): each is one capture_file row whose counts and
 * rows grow at every commit; these say which interface, since when, and
 * what each commit brought and the kernel dropped.
 */
#define LIVE_TABLES                                                                                \
    "CREATE TABLE IF NOT EXISTS live_capture ("                                                    \
    "  file_id INTEGER PRIMARY KEY REFERENCES capture_file(id) ON DELETE CASCADE,"                 \
    "  interface TEXT NOT NULL, filter TEXT, started_at TEXT NOT NULL,"                            \
    "  last_commit_at TEXT NOT NULL, commits INTEGER NOT NULL, stopped_at TEXT);"                  \
    "CREATE TABLE IF NOT EXISTS live_commit ("                                                     \
    "  file_id INTEGER NOT NULL REFERENCES capture_file(id) ON DELETE CASCADE,"                    \
    "  seq INTEGER NOT NULL, committed_at TEXT NOT NULL, packets INTEGER NOT NULL,"                \
    "  kernel_drops INTEGER NOT NULL, interface_drops INTEGER NOT NULL,"                           \
    "  PRIMARY KEY (file_id, seq));"

/*
 * Text forms of the address bytes in pure SQL, so that the plain sqlite3
 * shell reads the store: hex() and instr() give each byte, printf() the
 * dotted quad; IPv6 is written without the :: compression
 * (2001:db8:0:0:0:0:0:1), each group without leading zeros.
 */
/* clang-format off */
#define HEX_DIGIT(h, at) "(instr('0123456789ABCDEF', substr(" h ", " at ", 1)) - 1)"
#define HEX_BYTE(h, hi, lo) HEX_DIGIT(h, hi) " * 16 + " HEX_DIGIT(h, lo)
#define HEX_GROUP(h, at) "coalesce(nullif(ltrim(substr(" h ", " at ", 4), '0'), ''), '0')"
#define ADDR_TEXT_V4(h)                                                                            \
    "printf('%d.%d.%d.%d', "                                                                       \
        HEX_BYTE(h, "1", "2") ", " HEX_BYTE(h, "3", "4") ", "                                      \
        HEX_BYTE(h, "5", "6") ", " HEX_BYTE(h, "7", "8") ")"
#define ADDR_TEXT_V6(h)                                                                            \
    "lower("                                                                                       \
        HEX_GROUP(h, "1") " || ':' || " HEX_GROUP(h, "5") " || ':' || "                            \
        HEX_GROUP(h, "9") " || ':' || " HEX_GROUP(h, "13") " || ':' || "                           \
        HEX_GROUP(h, "17") " || ':' || " HEX_GROUP(h, "21") " || ':' || "                          \
        HEX_GROUP(h, "25") " || ':' || " HEX_GROUP(h, "29") ")"
#define ADDR_TEXT(col)                                                                             \
    "CASE length(" col ")"                                                                         \
    " WHEN 4 THEN " ADDR_TEXT_V4("hex(" col ")")                                                   \
    " WHEN 16 THEN " ADDR_TEXT_V6("hex(" col ")") " END"

/*
 * Version 7: compact rows. Remote addresses are 4 bytes (IPv4) or 16
 * (IPv6), the sensor a sensor_address id, first and last packet seconds
 * counted from the bin (they fit in two bytes where the epoch takes four),
 * each evidence value kept once, under an id derived from its hash
 * (evidence_value_id()), which needs no index beside the table. The keys
 * are those of version 6, so the upserts of live captures and the readers
 * work as before.
 */
#define SENSOR_ADDRESS_TABLE                                                                       \
    "CREATE TABLE IF NOT EXISTS sensor_address ("                                                  \
    "  id INTEGER PRIMARY KEY, address BLOB NOT NULL UNIQUE);"
#define TRAFFIC_ROW_TABLE                                                                          \
    "CREATE TABLE IF NOT EXISTS traffic_row ("                                                     \
    "  file_id INTEGER NOT NULL REFERENCES capture_file(id) ON DELETE CASCADE,"                    \
    "  bin INTEGER NOT NULL, sensor_id INTEGER NOT NULL, remote BLOB NOT NULL,"                    \
    "  proto INTEGER NOT NULL, initiator INTEGER NOT NULL, service INTEGER NOT NULL,"              \
    "  packets_in INTEGER NOT NULL, packets_out INTEGER NOT NULL, bytes_in INTEGER NOT NULL,"      \
    "  bytes_out INTEGER NOT NULL, flows INTEGER NOT NULL,"                                        \
    "  first_off INTEGER NOT NULL, last_off INTEGER NOT NULL,"                                     \
    "  PRIMARY KEY (file_id, bin, sensor_id, remote, proto, initiator, service)"                   \
    ") WITHOUT ROWID;"
#define EVIDENCE_VALUE_TABLE                                                                       \
    "CREATE TABLE IF NOT EXISTS evidence_value (id INTEGER PRIMARY KEY,"                           \
    "  kind INTEGER NOT NULL REFERENCES evidence_kind(id), value BLOB NOT NULL);"
#define EVIDENCE_ROW_TABLE                                                                         \
    "CREATE TABLE IF NOT EXISTS evidence_row ("                                                    \
    "  file_id INTEGER NOT NULL REFERENCES capture_file(id) ON DELETE CASCADE,"                    \
    "  bin INTEGER NOT NULL, remote BLOB NOT NULL, value_id INTEGER NOT NULL,"                     \
    "  count INTEGER NOT NULL, PRIMARY KEY (file_id, bin, remote, value_id)) WITHOUT ROWID;"

/* The rows as version 6 named them, addresses as text. */
#define TRAFFIC_VIEW                                                                               \
    "CREATE VIEW traffic AS SELECT t.file_id AS file_id, t.bin AS bin,"                            \
    " " ADDR_TEXT("a.address") " AS sensor, " ADDR_TEXT("t.remote") " AS remote,"                  \
    " t.proto AS proto, t.initiator AS initiator, t.service AS service,"                           \
    " t.packets_in AS packets_in, t.packets_out AS packets_out, t.bytes_in AS bytes_in,"           \
    " t.bytes_out AS bytes_out, t.flows AS flows, t.bin + t.first_off AS first_s,"                 \
    " t.bin + t.last_off AS last_s"                                                                \
    " FROM traffic_row t JOIN sensor_address a ON a.id = t.sensor_id;"
#define EVIDENCE_VIEW                                                                              \
    "CREATE VIEW evidence AS SELECT e.file_id AS file_id, e.bin AS bin,"                           \
    " " ADDR_TEXT("e.remote") " AS remote, v.kind AS kind, v.value AS value, e.count AS count"     \
    " FROM evidence_row e JOIN evidence_value v ON v.id = e.value_id;"

/*
 * A view naming the traffic's codes. Initiators 3 and 4 are backscatter
 * (store version 5; flow.h): SYN-ACK (or ICMP) and RST.
 */
#define TRAFFIC_NAMED                                                                              \
    "CREATE VIEW traffic_named AS SELECT"                                                          \
    "  strftime('%Y-%m-%dT%H:%M:%SZ', bin, 'unixepoch') AS bin_utc, sensor, remote,"               \
    "  CASE proto WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp' WHEN 1 THEN 'icmp'"                         \
    "    WHEN 58 THEN 'icmp6' ELSE 'ip' || proto END AS proto_name,"                               \
    "  CASE initiator WHEN 1 THEN 'sensor' WHEN 2 THEN 'remote' WHEN 3 THEN 'backscatter'"         \
    "    WHEN 4 THEN 'backscatter' ELSE 'unknown' END AS initiator_name,"                          \
    "  CASE WHEN proto IN (1, 58) THEN service >> 8 ELSE service END AS port,"                     \
    "  packets_in, packets_out, bytes_in, bytes_out, flows, file_id, bin"                          \
    "  FROM traffic;"
/* clang-format on */

/*
 * Packet samples (version 6): each capture's content-defined sample of packet
 * fingerprints (capture.h), so that a later ingest or report can tell files
 * holding the same packets; spans are capture_file's.
 */
#define SAMPLE_TABLE                                                                               \
    "CREATE TABLE IF NOT EXISTS packet_sample ("                                                   \
    "  file_id INTEGER PRIMARY KEY REFERENCES capture_file(id) ON DELETE CASCADE,"                 \
    "  level INTEGER NOT NULL, fingerprints BLOB NOT NULL);"

/* clang-format off */
static const char schema[] =
    "CREATE TABLE capture_file ("
    "  id INTEGER PRIMARY KEY,"
    "  path TEXT NOT NULL UNIQUE,"
    "  size INTEGER NOT NULL,"
    "  mtime_ns INTEGER NOT NULL,"
    "  fingerprint TEXT NOT NULL,"
    "  format TEXT,"
    "  link_type INTEGER,"
    "  first_ns INTEGER,"
    "  last_ns INTEGER,"
    "  packets INTEGER NOT NULL,"
    "  truncated INTEGER NOT NULL,"
    "  malformed INTEGER NOT NULL,"
    "  unsupported INTEGER NOT NULL,"
    "  unsupported_link INTEGER NOT NULL,"
    "  not_ip INTEGER NOT NULL,"
    "  not_sensor INTEGER NOT NULL,"
    "  sensor_to_sensor INTEGER NOT NULL,"
    "  flows INTEGER NOT NULL,"
    "  flows_expired INTEGER NOT NULL,"
    "  flows_evicted INTEGER NOT NULL,"
    "  fragments_unmatched INTEGER NOT NULL,"
    "  flow_records INTEGER NOT NULL DEFAULT 0,"
    "  flow_skipped INTEGER NOT NULL DEFAULT 0,"
    "  flow_covered INTEGER NOT NULL DEFAULT 0,"
    "  export_datagrams INTEGER NOT NULL DEFAULT 0,"
    "  export_lost_packets INTEGER NOT NULL DEFAULT 0,"
    "  export_lost_records INTEGER NOT NULL DEFAULT 0,"
    "  export_skipped INTEGER NOT NULL DEFAULT 0,"
    "  sampling_interval INTEGER NOT NULL DEFAULT 0,"
    "  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),"
    "  error TEXT,"
    "  ingested_at TEXT NOT NULL"
    ");"
    "CREATE INDEX capture_file_fingerprint ON capture_file(fingerprint);"
    SENSOR_ADDRESS_TABLE TRAFFIC_ROW_TABLE
    "CREATE TABLE evidence_kind (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    EVIDENCE_VALUE_TABLE EVIDENCE_ROW_TABLE
    "CREATE TABLE prefix_spec ("
    "  name TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  spec TEXT NOT NULL,"
    "  file_suffix TEXT,"
    "  content BLOB NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  PRIMARY KEY (name, seq)"
    ");"
    "CREATE TABLE sensor (prefix TEXT PRIMARY KEY, how TEXT NOT NULL);" LIVE_TABLES SAMPLE_TABLE;
/* clang-format on */

/* The views, each run on its own (C11 promises string literals of 4095 bytes, no more). */
static const char *const views[] = {TRAFFIC_VIEW, EVIDENCE_VIEW, TRAFFIC_NAMED};

static int exec(struct store *s, const char *sql, char *err, size_t errlen);

static int create_views(struct store *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
        if (exec(s, views[i], err, errlen) < 0)
            return -1;
    return 0;
}

static int fail_db(struct store *s, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "store '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return -1;
}

static int exec(struct store *s, const char *sql, char *err, size_t errlen)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail_db(s, "cannot run SQL", err, errlen);
    return 0;
}

/*
 * One write's transaction: its own, or a savepoint inside an open batch, so
 * that a failed write undoes itself and leaves the batch as it was.
 */
static int tx_begin(struct store *s, char *err, size_t errlen)
{
    return exec(s, s->batch ? "SAVEPOINT put" : "BEGIN IMMEDIATE", err, errlen);
}

static int tx_commit(struct store *s, char *err, size_t errlen)
{
    return exec(s, s->batch ? "RELEASE put" : "COMMIT", err, errlen);
}

static void tx_rollback(struct store *s)
{
    s->sensor_id_count = 0;
    sqlite3_exec(s->db, s->batch ? "ROLLBACK TO put; RELEASE put" : "ROLLBACK", NULL, NULL, NULL);
}

int store_batch_begin(struct store *s, char *err, size_t errlen)
{
    if (s->batch) {
        snprintf(err, errlen, "store '%s': a batch is already open", s->path);
        return -1;
    }
    if (exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    s->batch = true;
    return 0;
}

int store_batch_commit(struct store *s, char *err, size_t errlen)
{
    s->batch = false;
    if (exec(s, "COMMIT", err, errlen) < 0) {
        s->sensor_id_count = 0;
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

void store_batch_rollback(struct store *s)
{
    if (s->batch)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->batch = false;
    s->sensor_id_count = 0;
}

static int pragma_int(struct store *s, const char *sql, int64_t *value, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail_db(s, "cannot read the file", err, errlen);
    int rc = sqlite3_step(st);
    *value = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail_db(s, "cannot read the file", err, errlen);
    return 0;
}

/*
 * The tables and columns the code reads, by the version that brought them.
 * A store changed by hand (a table dropped or rebuilt without a column) is
 * refused here, before anything is written to it, rather than half-way
 * through a verb.
 */
static const struct {
    int64_t since;
    const char *table;
    const char *columns;
    bool added;    /* columns added to a table of an earlier version */
    int64_t until; /* the last version the code reads it in, 0 for the current one */
} schema_uses[] = {
    {1, "capture_file",
     "id, path, size, mtime_ns, fingerprint, format, link_type, first_ns, last_ns, packets,"
     " truncated, malformed, unsupported, unsupported_link, not_ip, not_sensor, sensor_to_sensor,"
     " flows, flows_expired, flows_evicted, fragments_unmatched, status, error, ingested_at",
     false, 0},
    /* The tables of version 6 that version 7 made views: read by its upgrade. */
    {1, "traffic",
     "file_id, bin, sensor, remote, proto, initiator, service, packets_in, packets_out, bytes_in,"
     " bytes_out, flows, first_s, last_s",
     false, 6},
    {1, "sensor", "prefix, how", false, 0},
    {2, "evidence_kind", "id, name", false, 0},
    {2, "evidence", "file_id, bin, remote, kind, value, count", false, 6},
    {2, "prefix_spec", "name, seq, spec, file_suffix, content, added_at", false, 0},
    {3, "capture_file",
     "flow_records, flow_skipped, flow_covered, export_datagrams, export_lost_packets,"
     " export_lost_records, export_skipped, sampling_interval",
     true, 0},
    {4, "live_capture",
     "file_id, interface, filter, started_at, last_commit_at, commits, stopped_at", false, 0},
    {4, "live_commit", "file_id, seq, committed_at, packets, kernel_drops, interface_drops", false,
     0},
    {6, "packet_sample", "file_id, level, fingerprints", false, 0},
    {7, "sensor_address", "id, address", false, 0},
    {7, "traffic_row",
     "file_id, bin, sensor_id, remote, proto, initiator, service, packets_in, packets_out,"
     " bytes_in, bytes_out, flows, first_off, last_off",
     false, 0},
    {7, "evidence_value", "id, kind, value", false, 0},
    {7, "evidence_row", "file_id, bin, remote, value_id, count", false, 0},
};

static int check_schema(struct store *s, int64_t version, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof(schema_uses) / sizeof(schema_uses[0]); i++) {
        char sql[512];
        sqlite3_stmt *st;
        if (schema_uses[i].until && version > schema_uses[i].until)
            continue;
        /* An older store may hold a later table already (the upgrade keeps it): check it then. */
        if (version < schema_uses[i].since) {
            int64_t present;
            if (schema_uses[i].added)
                continue; /* the upgrade adds them */
            snprintf(sql, sizeof(sql),
                     "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
                     schema_uses[i].table);
            if (pragma_int(s, sql, &present, err, errlen) < 0)
                return -1;
            if (!present)
                continue;
        }
        snprintf(sql, sizeof(sql), "SELECT %s FROM %s LIMIT 0", schema_uses[i].columns,
                 schema_uses[i].table);
        if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "'%s' is a damaged store: table %s: %s", s->path,
                     schema_uses[i].table, sqlite3_errmsg(s->db));
            return -1;
        }
        sqlite3_finalize(st);
    }
    return 0;
}

/* Checks that the file is ours (or empty, for writing), current and whole. */
static int check_kind(struct store *s, enum store_mode mode, bool *empty, int64_t *version_out,
                      char *err, size_t errlen)
{
    int64_t app_id, version, tables;
    if (pragma_int(s, "PRAGMA application_id", &app_id, err, errlen) < 0 ||
        pragma_int(s, "PRAGMA user_version", &version, err, errlen) < 0 ||
        pragma_int(s, "SELECT count(*) FROM sqlite_schema", &tables, err, errlen) < 0)
        return -1;
    *empty = tables == 0 && app_id == 0 && version == 0;
    if (*empty) {
        if (mode == STORE_READ) {
            snprintf(err, errlen, "'%s' is an empty store: ingest captures into it first", s->path);
            return -1;
        }
        return 0;
    }
    if (app_id != STORE_APPLICATION_ID) {
        snprintf(err, errlen, "'%s' is not a honeyscope store (a SQLite file of another kind)",
                 s->path);
        return -1;
    }
    if (version > STORE_VERSION) {
        snprintf(err, errlen,
                 "'%s' was made by a newer honeyscope (store version %lld, this one reads up to "
                 "%d)",
                 s->path, (long long)version, STORE_VERSION);
        return -1;
    }
    /* Version 0 (or less) was never written: the version was changed by hand. */
    if (version < 1) {
        snprintf(err, errlen, "'%s' is a damaged store: store version %lld was never made", s->path,
                 (long long)version);
        return -1;
    }
    *version_out = version;
    return check_schema(s, version, err, errlen);
}

/*
 * Upgrades, version by version, in one transaction. Version 2 added the
 * evidence tables (present in some version 1 stores) and named prefix sets,
 * version 3 the counts of flow logs, version 4 the live capture tables,
 * version 5 the backscatter initiators, version 6 the packet samples (none
 * for the captures stored before), version 7 compact rows.
 */
static const char migrate_to_2[] =
    "CREATE TABLE IF NOT EXISTS evidence_kind (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS evidence ("
    "  file_id INTEGER NOT NULL REFERENCES capture_file(id) ON DELETE CASCADE,"
    "  bin INTEGER NOT NULL, remote TEXT NOT NULL,"
    "  kind INTEGER NOT NULL REFERENCES evidence_kind(id), value BLOB NOT NULL,"
    "  count INTEGER NOT NULL, PRIMARY KEY (file_id, bin, remote, kind, value)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS prefix_spec (name TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  spec TEXT NOT NULL, file_suffix TEXT, content BLOB NOT NULL, added_at TEXT NOT NULL,"
    "  PRIMARY KEY (name, seq));"
    "PRAGMA user_version = 2;";
/*
 * Version 3 counts flow logs' records (docs/flows.md): 0 for the captures
 * before. A column already there (a store whose version was set back by
 * hand, or made by a build between versions) is kept as it is.
 */
static const char *const flow_count_columns[] = {
    "flow_records",        "flow_skipped",        "flow_covered",   "export_datagrams",
    "export_lost_packets", "export_lost_records", "export_skipped", "sampling_interval",
};

static int migrate_to_3(struct store *s, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof(flow_count_columns) / sizeof(flow_count_columns[0]); i++) {
        char sql[160];
        int64_t present;
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM pragma_table_info('capture_file') WHERE name = '%s'",
                 flow_count_columns[i]);
        if (pragma_int(s, sql, &present, err, errlen) < 0)
            return -1;
        if (present)
            continue;
        snprintf(sql, sizeof(sql),
                 "ALTER TABLE capture_file ADD COLUMN %s INTEGER NOT NULL DEFAULT 0",
                 flow_count_columns[i]);
        if (exec(s, sql, err, errlen) < 0)
            return -1;
    }
    return exec(s, "PRAGMA user_version = 3", err, errlen);
}

static const char migrate_to_4[] = LIVE_TABLES "PRAGMA user_version = 4;";
/* Version 5: backscatter initiators (3, 4) in traffic rows, named by the view. */
static const char migrate_to_5[] =
    "DROP VIEW IF EXISTS traffic_named;" TRAFFIC_NAMED "PRAGMA user_version = 5;";
static const char migrate_to_6[] = SAMPLE_TABLE "PRAGMA user_version = 6;";

/*
 * Version 7, compact rows: text addresses become their bytes through
 * honeyscope_addr_bytes(), which fails on a text honeyscope never wrote, so
 * that a damaged store fails its upgrade and stays as it was.
 */
static void addr_bytes_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct ip_addr addr;
    uint8_t bytes[STORE_ADDR_MAX];
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
        addr_parse(&addr, (const char *)sqlite3_value_text(argv[0])) != 0) {
        sqlite3_result_error(ctx, "a stored address is not one honeyscope writes", -1);
        return;
    }
    sqlite3_result_blob(ctx, bytes, (int)store_addr_bytes(&addr, bytes), SQLITE_TRANSIENT);
}

/* clang-format off */
static const char migrate_traffic_to_7[] =
    SENSOR_ADDRESS_TABLE
    "INSERT OR IGNORE INTO sensor_address (address)"
    " SELECT honeyscope_addr_bytes(sensor) FROM (SELECT DISTINCT sensor FROM traffic) ORDER BY 1;"
    TRAFFIC_ROW_TABLE
    "INSERT INTO traffic_row SELECT file_id, bin,"
    " (SELECT id FROM sensor_address WHERE address = honeyscope_addr_bytes(sensor)),"
    " honeyscope_addr_bytes(remote), proto, initiator, service, packets_in, packets_out,"
    " bytes_in, bytes_out, flows, first_s - bin, last_s - bin FROM traffic;"
    "DROP VIEW IF EXISTS traffic_named; DROP TABLE traffic;";
/* clang-format on */

/*
 * Evidence values (version 7) are kept once each, under an id taken from
 * BLAKE2b of kind and value: 47 bits, which SQLite stores in 6 bytes, and
 * the next free id when another value has it. The lookup needs no index of
 * the values, which would hold each of them a second time.
 */
struct value_ids {
    sqlite3_stmt *find, *add;
};

static int value_ids_open(sqlite3 *db, struct value_ids *v)
{
    v->find = v->add = NULL;
    return sqlite3_prepare_v2(db, "SELECT kind, value FROM evidence_value WHERE id = ?", -1,
                              &v->find, NULL) == SQLITE_OK &&
                   sqlite3_prepare_v2(
                       db, "INSERT INTO evidence_value (id, kind, value) VALUES (?, ?, ?)", -1,
                       &v->add, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static void value_ids_close(struct value_ids *v)
{
    sqlite3_finalize(v->find);
    sqlite3_finalize(v->add);
}

#define VALUE_ID_MASK ((INT64_C(1) << 47) - 1)

/* The id of (kind, value), added when new. */
static int evidence_value_id(struct value_ids *v, int64_t kind, const void *value, size_t len,
                             int64_t *id)
{
    unsigned char digest[8];
    uint8_t kind_bytes[8];
    crypto_generichash_state state;
    for (int i = 0; i < 8; i++)
        kind_bytes[i] = (uint8_t)((uint64_t)kind >> (8 * i));
    crypto_generichash_init(&state, NULL, 0, sizeof(digest));
    crypto_generichash_update(&state, kind_bytes, sizeof(kind_bytes));
    crypto_generichash_update(&state, value, len);
    crypto_generichash_final(&state, digest, sizeof(digest));
    int64_t candidate = (int64_t)(addr_be64(digest) & VALUE_ID_MASK);
    for (;;) {
        sqlite3_bind_int64(v->find, 1, candidate);
        int rc = sqlite3_step(v->find);
        if (rc == SQLITE_ROW) {
            const void *stored = sqlite3_column_blob(v->find, 1);
            size_t stored_len = (size_t)sqlite3_column_bytes(v->find, 1);
            bool same = sqlite3_column_int64(v->find, 0) == kind && stored_len == len &&
                        (len == 0 || memcmp(stored, value, len) == 0);
            sqlite3_reset(v->find);
            if (same)
                break;
            candidate = (candidate + 1) & VALUE_ID_MASK; /* another value's id: the next */
            continue;
        }
        sqlite3_reset(v->find);
        if (rc != SQLITE_DONE)
            return -1;
        sqlite3_bind_int64(v->add, 1, candidate);
        sqlite3_bind_int64(v->add, 2, kind);
        sqlite3_bind_blob(v->add, 3, len ? value : "", (int)len, SQLITE_STATIC);
        rc = sqlite3_step(v->add);
        sqlite3_reset(v->add);
        if (rc != SQLITE_DONE)
            return -1;
        break;
    }
    *id = candidate;
    return 0;
}

/* Version 6's evidence rows, each value into evidence_value. */
static int migrate_evidence_to_7(struct store *s, char *err, size_t errlen)
{
    static const char rows_sql[] =
        "SELECT file_id, bin, honeyscope_addr_bytes(remote), kind, value, count FROM evidence";
    static const char insert_sql[] = "INSERT INTO evidence_row VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *rows = NULL, *insert = NULL;
    struct value_ids ids;
    int rc = SQLITE_ERROR;
    if (exec(s, EVIDENCE_VALUE_TABLE EVIDENCE_ROW_TABLE, err, errlen) < 0)
        return -1;
    if (value_ids_open(s->db, &ids) == 0 &&
        sqlite3_prepare_v2(s->db, rows_sql, -1, &rows, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(s->db, insert_sql, -1, &insert, NULL) == SQLITE_OK) {
        while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
            int64_t id;
            const void *value = sqlite3_column_blob(rows, 4);
            if (evidence_value_id(&ids, sqlite3_column_int64(rows, 3), value,
                                  (size_t)sqlite3_column_bytes(rows, 4), &id) < 0)
                break;
            for (int c = 0; c < 3; c++)
                sqlite3_bind_value(insert, c + 1, sqlite3_column_value(rows, c));
            sqlite3_bind_int64(insert, 4, id);
            sqlite3_bind_value(insert, 5, sqlite3_column_value(rows, 5));
            int done = sqlite3_step(insert);
            sqlite3_reset(insert);
            if (done != SQLITE_DONE)
                break;
        }
    }
    value_ids_close(&ids);
    sqlite3_finalize(rows);
    sqlite3_finalize(insert);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot upgrade the evidence", err, errlen);
    return exec(s, "DROP TABLE evidence", err, errlen);
}
/* clang-format off */
static const char migrate_tables_to_7[] =
    "DROP VIEW IF EXISTS traffic_named; DROP VIEW IF EXISTS traffic;"
    " DROP VIEW IF EXISTS evidence;"
    SENSOR_ADDRESS_TABLE TRAFFIC_ROW_TABLE EVIDENCE_VALUE_TABLE EVIDENCE_ROW_TABLE;
/* clang-format on */

/* Rows already compact (a store whose version was set back by hand) are kept as they are. */
static int migrate_to_7(struct store *s, char *err, size_t errlen)
{
    int64_t traffic_table, evidence_table;
    if (sqlite3_create_function(s->db, "honeyscope_addr_bytes", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, addr_bytes_sql, NULL,
                                NULL) != SQLITE_OK)
        return fail_db(s, "cannot upgrade", err, errlen);
    if (pragma_int(s,
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'traffic'",
                   &traffic_table, err, errlen) < 0 ||
        pragma_int(s,
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'evidence'",
                   &evidence_table, err, errlen) < 0)
        return -1;
    if ((traffic_table && exec(s, migrate_traffic_to_7, err, errlen) < 0) ||
        (evidence_table && migrate_evidence_to_7(s, err, errlen) < 0))
        return -1;
    if (exec(s, migrate_tables_to_7, err, errlen) < 0 || create_views(s, err, errlen) < 0)
        return -1;
    return exec(s, "PRAGMA user_version = 7", err, errlen);
}

/* Every step from version on, inside the caller's transaction: the one list of upgrades. */
static int migrate_steps(struct store *s, int64_t version, char *err, size_t errlen)
{
    if ((version < 2 && exec(s, migrate_to_2, err, errlen) < 0) ||
        (version < 3 && migrate_to_3(s, err, errlen) < 0) ||
        (version < 4 && exec(s, migrate_to_4, err, errlen) < 0) ||
        (version < 5 && exec(s, migrate_to_5, err, errlen) < 0) ||
        (version < 6 && exec(s, migrate_to_6, err, errlen) < 0) ||
        (version < 7 && migrate_to_7(s, err, errlen) < 0))
        return -1;
    return 0;
}

static int migrate(struct store *s, int64_t version, char *err, size_t errlen)
{
    if (exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    if (migrate_steps(s, version, err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (exec(s, "COMMIT", err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* A store of an older version, opened for reading: upgraded through a second handle. */
static int upgrade_for_reading(const char *path, int64_t version, char *err, size_t errlen)
{
    struct store w = {0};
    w.path = (char *)path;
    if (sqlite3_open_v2(path, &w.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_db_readonly(w.db, "main") == 1) {
        snprintf(err, errlen,
                 "'%s' was made by an older honeyscope (store version %lld) and cannot be "
                 "upgraded: it is not writable",
                 path, (long long)version);
        sqlite3_close(w.db);
        return -1;
    }
    sqlite3_busy_timeout(w.db, 30000);
    int ret = migrate(&w, version, err, errlen);
    sqlite3_close(w.db);
    return ret;
}

static int create_schema(struct store *s, char *err, size_t errlen)
{
    char sql[64];
    if (exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
    if (exec(s, schema, err, errlen) < 0 || create_views(s, err, errlen) < 0 ||
        exec(s, sql, err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_VERSION);
    if (exec(s, sql, err, errlen) < 0 || exec(s, "COMMIT", err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* Names the evidence kinds this version knows; ids are the store's own. */
static int register_kinds(struct store *s, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO evidence_kind (name) VALUES (?)", -1, &st,
                           NULL) != SQLITE_OK)
        return fail_db(s, "cannot prepare evidence kinds", err, errlen);
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        sqlite3_bind_text(st, 1, evidence_kind_name((enum evidence_kind)k), -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(st);
            return fail_db(s, "cannot write evidence kinds", err, errlen);
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM evidence_kind WHERE name = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return fail_db(s, "cannot prepare evidence kinds", err, errlen);
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        sqlite3_bind_text(st, 1, evidence_kind_name((enum evidence_kind)k), -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_finalize(st);
            return fail_db(s, "cannot read evidence kinds", err, errlen);
        }
        s->kind_ids[k] = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return 0;
}

struct store *store_open(const char *path, enum store_mode mode, char *err, size_t errlen)
{
    struct stat st;
    if (mode == STORE_READ && stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot open store '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct store *s = xcalloc(1, sizeof(*s));
    s->path = xstrdup(path);
    int flags =
        mode == STORE_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open store '%s': %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 30000);
    bool empty;
    int64_t version = STORE_VERSION;
    if (check_kind(s, mode, &empty, &version, err, errlen) < 0) {
        store_close(s);
        return NULL;
    }
    if (mode == STORE_READ && !empty && version < STORE_VERSION &&
        upgrade_for_reading(path, version, err, errlen) < 0) {
        store_close(s);
        return NULL;
    }
    if (mode == STORE_WRITE && sqlite3_db_readonly(s->db, "main") == 1) {
        snprintf(err, errlen, "store '%s' is read-only: cannot ingest into it", path);
        store_close(s);
        return NULL;
    }
    /*
     * For writing: the upgrade and the evidence kinds in one transaction, so
     * that a store refused now (say, a table that takes no new kind) is left
     * as it was; only then the journal mode, which changes the file even when
     * nothing else does.
     */
    if (mode == STORE_WRITE &&
        ((empty && create_schema(s, err, errlen) < 0) ||
         exec(s, "BEGIN IMMEDIATE", err, errlen) < 0 ||
         (!empty && migrate_steps(s, version, err, errlen) < 0) ||
         register_kinds(s, err, errlen) < 0 || exec(s, "COMMIT", err, errlen) < 0 ||
         exec(s, "PRAGMA journal_mode = WAL", err, errlen) < 0 ||
         exec(s, "PRAGMA synchronous = NORMAL", err, errlen) < 0)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        store_close(s);
        return NULL;
    }
    if (exec(s, "PRAGMA foreign_keys = ON", err, errlen) < 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->insert_row);
    sqlite3_finalize(s->add_row);
    free(s->sensor_ids);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

/* ---- identity ----------------------------------------------------------------- */

#define FINGERPRINT_SAMPLE (1 << 20)

static void to_hex(const unsigned char *bytes, size_t n, char *out)
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
    to_hex(digest, sizeof(digest), id->fingerprint);
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

void store_find_copies(const char *const *paths, size_t count, struct file_identity *ids,
                       size_t *same_as)
{
    char err[1024];
    struct identity_ref *refs = xcalloc(count ? count : 1, sizeof(*refs));
    size_t nrefs = 0;
    for (size_t i = 0; i < count; i++) {
        same_as[i] = STORE_NOT_A_COPY;
        if (store_identify(paths[i], &ids[i], err, sizeof(err)) < 0)
            memset(&ids[i], 0, sizeof(ids[i]));
        else
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
        return fail_db(s, "cannot look up a file", err, sizeof(err));
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
        return fail_db(s, "cannot look up a file", err, sizeof(err));
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
        return fail_db(s, "cannot read the captures' spans", err, errlen);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        time_spans_add(spans, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot read the captures' spans", err, errlen);
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
        return fail_db(s, "cannot compare flow logs with captures", err, errlen);
    }
    *count = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
}

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
    if (value_ids_open(s->db, &ids) == 0 &&
        sqlite3_prepare_v2(s->db, add ? add_sql : insert_sql, -1, &st, NULL) == SQLITE_OK) {
        rc = SQLITE_DONE;
        for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
            const struct evidence_row *row = evidence_table_at(table, i);
            uint8_t remote[STORE_ADDR_MAX];
            int64_t id;
            if (evidence_value_id(&ids, s->kind_ids[row->kind], row->value, row->len, &id) < 0) {
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
    value_ids_close(&ids);
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
        return fail_db(s, "cannot store a capture file", err, errlen);
    if (!cube_spilled(cube))
        return insert_cube_rows(s, *st, file_id, cube) < 0
                   ? fail_db(s, "cannot store a capture file", err, errlen)
                   : 0;
    struct cube_chunks *chunks = cube_chunks_open(cube, STORE_CHUNK_ROWS, false, err, errlen);
    struct cube *chunk;
    int status = chunks ? 0 : -1;
    while (status == 0 && (chunk = cube_chunks_next(chunks, &status, err, errlen)))
        if (insert_cube_rows(s, *st, file_id, chunk) < 0)
            status = fail_db(s, "cannot store a capture file", err, errlen);
    cube_chunks_close(chunks);
    return status;
}

int store_put_file(struct store *s, const struct file_identity *id, const struct input_stats *stats,
                   const char *error, const struct cube *cube, int64_t replace_id, char *err,
                   size_t errlen)
{
    int64_t file_id;
    char del[64];
    if (tx_begin(s, err, errlen) < 0)
        return -1;
    snprintf(del, sizeof(del), "DELETE FROM capture_file WHERE id = %lld", (long long)replace_id);
    if ((replace_id > 0 && sqlite3_exec(s->db, del, NULL, NULL, NULL) != SQLITE_OK) ||
        insert_file_row(s, id, stats, error, &file_id) < 0) {
        fail_db(s, "cannot store a capture file", err, errlen);
        tx_rollback(s);
        return -1;
    }
    if (insert_rows(s, file_id, (struct cube *)cube, false, err, errlen) < 0) {
        tx_rollback(s);
        return -1;
    }
    if (insert_evidence(s, file_id, (struct cube *)cube, false) < 0 ||
        insert_sample(s, file_id, id->sample) < 0) {
        fail_db(s, "cannot store a capture file", err, errlen);
        tx_rollback(s);
        return -1;
    }
    if (tx_commit(s, err, errlen) < 0) {
        tx_rollback(s);
        return -1;
    }
    return 0;
}

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
        return fail_db(s, "cannot read the packet samples", err, errlen);
    sqlite3_bind_int64(st, 1, sample->last_ns);
    sqlite3_bind_int64(st, 2, sample->first_ns);
    sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
    struct capture_sample *stored = xmalloc(sizeof(*stored));
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
        ret = fail_db(s, "cannot read the packet samples", err, errlen);
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
        return fail_db(s, "cannot read the packet samples", err, errlen);
    sqlite3_bind_int64(st, 1, from_ns);
    sqlite3_bind_int64(st, 2, to_ns);
    /*
     * In order of first packet (then of storing), each file against those
     * before it whose span is not over: only those are held, so memory
     * follows the files that overlap in time, not the store's size.
     */
    struct active_sample *active = NULL;
    size_t nactive = 0, active_alloc = 0, found_alloc = 0;
    struct capture_sample *next = xmalloc(sizeof(*next));
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
        active[nactive++] = (struct active_sample){next, xstrdup(p ? p : "")};
        next = xmalloc(sizeof(*next));
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = fail_db(s, "cannot read the packet samples", err, errlen);
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
    to_hex(hash, sizeof(hash), id.fingerprint);
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
    if (tx_begin(s, err, errlen) < 0)
        return -1;
    if ((id == 0 ? new_live_row(s, info, stats, &id) : add_to_file_row(s, id, stats)) < 0) {
        fail_db(s, "cannot store the live capture", err, errlen);
        tx_rollback(s);
        return -1;
    }
    if (insert_rows(s, id, cube, true, err, errlen) < 0) {
        tx_rollback(s);
        return -1;
    }
    if (insert_evidence(s, id, cube, true) < 0 ||
        record_commit(s, id, stats->packets, kernel_drops, interface_drops, stopped) < 0) {
        fail_db(s, "cannot store the live capture", err, errlen);
        tx_rollback(s);
        return -1;
    }
    if (tx_commit(s, err, errlen) < 0) {
        tx_rollback(s);
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
    if (exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    if (sqlite3_prepare_v2(s->db, "SELECT id, packets FROM capture_file WHERE path = ?", -1, &st,
                           NULL) != SQLITE_OK) {
        fail_db(s, "cannot look up a file", err, errlen);
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
     * by evidence_value_id(), which may then add it again under a second id:
     * readers join by id and compare values, so that costs room, not sense.
     */
    if (exec(s, del, err, errlen) < 0 ||
        exec(s, "DELETE FROM evidence_value WHERE id NOT IN (SELECT value_id FROM evidence_row)",
             err, errlen) < 0 ||
        exec(s, "COMMIT", err, errlen) < 0) {
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
        return fail_db(s, "cannot read the sensors", err, errlen);
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
        return fail_db(s, "cannot read the sensors", err, errlen);
    return 0;
}

int store_set_sensors(struct store *s, const struct sensor_set *sensors, const char *how, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st;
    if (tx_begin(s, err, errlen) < 0)
        return -1;
    if (exec(s, "DELETE FROM sensor", err, errlen) < 0 ||
        sqlite3_prepare_v2(s->db, "INSERT INTO sensor (prefix, how) VALUES (?, ?)", -1, &st,
                           NULL) != SQLITE_OK) {
        tx_rollback(s);
        return fail_db(s, "cannot write the sensors", err, errlen);
    }
    for (size_t i = 0; i < sensors->count; i++) {
        char text[PREFIX_TEXT_MAX];
        sqlite3_bind_text(st, 1, prefix_format(&sensors->prefixes[i], text), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, how, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            sqlite3_finalize(st);
            tx_rollback(s);
            return fail_db(s, "cannot write the sensors", err, errlen);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return tx_commit(s, err, errlen);
}

/* ---- reading -------------------------------------------------------------------------- */

/*
 * A store may come from another machine (merge) or be edited by hand, so
 * every value read is checked against what honeyscope writes: a row that
 * could not have been written is damage, and the store is refused with the
 * row named rather than read into wrong numbers (or, for a count cast to
 * unsigned, numbers near 2^64).
 */

/* Seconds whose nanoseconds fit in int64_t: the span any capture time has. */
#define SECONDS_MAX (INT64_MAX / 1000000000)

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
        return fail_db(s, "cannot read traffic", err, errlen);
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
            struct cube_counts *c = &cube_row_at(cube, cube_lookup(cube, &key))->counts;
            /* Rows of one key add up: their sums must not wrap either. */
            if (!add_u64(&c->packets_in, (uint64_t)sqlite3_column_int64(st, 6)) ||
                !add_u64(&c->packets_out, (uint64_t)sqlite3_column_int64(st, 7)) ||
                !add_u64(&c->bytes_in, (uint64_t)sqlite3_column_int64(st, 8)) ||
                !add_u64(&c->bytes_out, (uint64_t)sqlite3_column_int64(st, 9)) ||
                !add_u64(&c->flows, (uint64_t)sqlite3_column_int64(st, 10)))
                bad = 6;
            int64_t first = (key.bin + sqlite3_column_int64(st, 11)) * 1000000000;
            int64_t last = (key.bin + sqlite3_column_int64(st, 12)) * 1000000000;
            if (first < c->first_ns)
                c->first_ns = first;
            if (last > c->last_ns)
                c->last_ns = last;
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
        return fail_db(s, "cannot read traffic", err, errlen);
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
        return fail_db(s, "cannot read evidence", err, errlen);
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
        return fail_db(s, "cannot read evidence", err, errlen);
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
    return NULL;
}

/* Adds a capture_file row's counts to stats; false when a sum would wrap. */
static bool add_file_stats(sqlite3_stmt *st, struct input_stats *stats)
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
        fits_u64(stats->export_skipped, one.export_skipped);
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
                      size_t *file_count, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT path, format, link_type, error, packets, status, first_ns, last_ns, truncated,"
        " malformed, unsupported, unsupported_link, not_ip, not_sensor, sensor_to_sensor, flows,"
        " flows_expired, flows_evicted, fragments_unmatched, id, flow_records, flow_skipped,"
        " flow_covered, export_datagrams, export_lost_packets, export_lost_records,"
        " export_skipped, sampling_interval FROM capture_file ORDER BY path";
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
        return fail_db(s, "cannot read the capture files", err, errlen);
    }
    int64_t paths = sqlite3_column_int64(st, 0);
    int64_t rows = sqlite3_column_int64(st, 1) + sqlite3_column_int64(st, 2);
    sqlite3_finalize(st);
    if (paths || rows) {
        snprintf(err, errlen,
                 "'%s' is a damaged store: %lld capture files share a path or an id (or have "
                 "none), %lld rows belong to no capture file",
                 s->path, (long long)paths, (long long)rows);
        return -1;
    }
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail_db(s, "cannot read the capture files", err, errlen);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *bad = file_row_damage(st);
        if (!bad && stats && !add_file_stats(st, stats))
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
        return fail_db(s, "cannot read the capture files", err, errlen);
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
        return fail_db(s, "cannot read the live captures", err, errlen);
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
        return fail_db(s, "cannot read the live captures", err, errlen);
    return 0;
}

int store_load(struct store *s, int64_t from_s, int64_t to_s, struct cube *cube,
               struct input_stats *stats, struct stored_file **files, size_t *file_count, char *err,
               size_t errlen)
{
    *files = NULL;
    *file_count = 0;
    /* One read transaction, so rows and files agree while an ingest writes. */
    if (exec(s, "BEGIN", err, errlen) < 0)
        return -1;
    int ret = read_files(s, stats, files, file_count, err, errlen);
    if (ret == 0)
        ret = read_live(s, stats, *files, *file_count, err, errlen);
    if (ret == 0)
        ret = load_rows(s, from_s, to_s, cube, err, errlen);
    if (ret == 0)
        ret = load_evidence(s, from_s, to_s, cube, err, errlen);
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
        return fail_db(s, "cannot read traffic", err, errlen);
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
static int check_rows(struct store *s, char *err, size_t errlen)
{
    struct input_stats sums;
    input_stats_init(&sums);
    if (exec(s, "BEGIN", err, errlen) < 0)
        return -1;
    int ret = read_files(s, &sums, NULL, NULL, err, errlen);
    if (ret == 0)
        ret = load_rows(s, INT64_MIN, INT64_MAX, NULL, err, errlen);
    if (ret == 0)
        ret = check_sums(s, err, errlen);
    if (ret == 0)
        ret = load_evidence(s, INT64_MIN, INT64_MAX, NULL, err, errlen);
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

/* ---- merging ---------------------------------------------------------------------------- */

/* A file: URI for path, percent-encoding what a URI path cannot hold as is. */
static char *file_uri(const char *path)
{
    size_t n = strlen(path);
    char *uri = xmalloc(st_add(st_mult(n, 3), 32));
    size_t used = (size_t)sprintf(uri, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x21 || *p >= 0x7f)
            used += (size_t)sprintf(uri + used, "%%%02X", *p);
        else
            uri[used++] = (char)*p;
    }
    sprintf(uri + used, "?mode=ro");
    return uri;
}

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
        return fail_db(s, "cannot compare sensors", err, errlen);
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
        "SELECT e.bin, e.remote, mk.id, v.value, e.count"
        " FROM src.evidence_row e JOIN src.evidence_value v ON v.id = e.value_id"
        " JOIN src.evidence_kind sk ON sk.id = v.kind"
        " JOIN main.evidence_kind mk ON mk.name = sk.name WHERE e.file_id = ?";
    static const char insert_sql[] = "INSERT INTO main.evidence_row VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *rows = NULL, *insert = NULL;
    struct value_ids ids;
    int rc = SQLITE_ERROR;
    if (value_ids_open(s->db, &ids) == 0 &&
        sqlite3_prepare_v2(s->db, rows_sql, -1, &rows, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(s->db, insert_sql, -1, &insert, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(rows, 1, src_id);
        while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
            int64_t id;
            if (evidence_value_id(&ids, sqlite3_column_int64(rows, 2), sqlite3_column_blob(rows, 3),
                                  (size_t)sqlite3_column_bytes(rows, 3), &id) < 0)
                break;
            sqlite3_bind_int64(insert, 1, new_id);
            sqlite3_bind_value(insert, 2, sqlite3_column_value(rows, 0));
            sqlite3_bind_value(insert, 3, sqlite3_column_value(rows, 1));
            sqlite3_bind_int64(insert, 4, id);
            sqlite3_bind_value(insert, 5, sqlite3_column_value(rows, 4));
            int done = sqlite3_step(insert);
            sqlite3_reset(insert);
            if (done != SQLITE_DONE)
                break;
        }
    }
    value_ids_close(&ids);
    sqlite3_finalize(rows);
    sqlite3_finalize(insert);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int merge_one(struct store *s, int64_t src_id, int64_t *new_id)
{
    static const char copy_file[] =
        "INSERT INTO main.capture_file (path, size, mtime_ns, fingerprint, format, link_type,"
        " first_ns, last_ns, packets, truncated, malformed, unsupported, unsupported_link,"
        " not_ip, not_sensor, sensor_to_sensor, flows, flows_expired, flows_evicted,"
        " fragments_unmatched, flow_records, flow_skipped, flow_covered, export_datagrams,"
        " export_lost_packets, export_lost_records, export_skipped, sampling_interval, status,"
        " error, ingested_at)"
        " SELECT path, size, mtime_ns, fingerprint, format, link_type, first_ns, last_ns,"
        " packets, truncated, malformed, unsupported, unsupported_link, not_ip, not_sensor,"
        " sensor_to_sensor, flows, flows_expired, flows_evicted, fragments_unmatched,"
        " flow_records, flow_skipped, flow_covered, export_datagrams, export_lost_packets,"
        " export_lost_records, export_skipped, sampling_interval, status, error, ingested_at"
        " FROM src.capture_file WHERE id = ?";
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
    if (sqlite3_prepare_v2(s->db, copy_rows, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, *new_id);
    sqlite3_bind_int64(st, 2, src_id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    if (merge_evidence(s, src_id, *new_id) < 0)
        return -1;
    static const char copy_sample[] = "INSERT INTO main.packet_sample SELECT ?, level, fingerprints"
                                      " FROM src.packet_sample WHERE file_id = ?";
    if (sqlite3_prepare_v2(s->db, copy_sample, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, *new_id);
    sqlite3_bind_int64(st, 2, src_id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_merge(struct store *s, const char *in_path, struct merge_counts *counts, char *err,
                size_t errlen)
{
    /* Ours, not newer, and every row one honeyscope could have written: a
     * damaged store is refused before anything of it is added. */
    struct store *in = store_open(in_path, STORE_READ, err, errlen);
    if (!in)
        return -1;
    struct sensor_set in_sensors;
    sensor_set_init(&in_sensors);
    int checked = store_get_sensors(in, &in_sensors, NULL, 0, err, errlen) < 0 ||
                          check_rows(in, err, errlen) < 0
                      ? -1
                      : 0;
    sensor_set_release(&in_sensors);
    store_close(in);
    if (checked < 0)
        return -1;

    char *uri = file_uri(in_path);
    sqlite3_stmt *st = NULL;
    int ret = -1;
    char sql[] = "ATTACH DATABASE ? AS src";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail_db(s, "cannot attach", err, errlen);
        goto out;
    }
    sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "cannot open store '%s': %s", in_path, sqlite3_errmsg(s->db));
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    bool main_empty;
    int differ = same_sensors(s, err, errlen, &main_empty);
    if (differ < 0)
        goto detach;
    if (differ) {
        snprintf(err, errlen, "'%s' was made with other sensor addresses than '%s'", in_path,
                 s->path);
        goto detach;
    }
    if (main_empty && exec(s, "INSERT INTO main.sensor SELECT * FROM src.sensor", err, errlen) < 0)
        goto detach;

    static const char list[] =
        "SELECT f.id,"
        " EXISTS (SELECT 1 FROM main.capture_file m WHERE m.fingerprint = f.fingerprint),"
        " EXISTS (SELECT 1 FROM main.capture_file m WHERE m.path = f.path)"
        " FROM src.capture_file f ORDER BY f.path";
    if (sqlite3_prepare_v2(s->db, list, -1, &st, NULL) != SQLITE_OK) {
        fail_db(s, "cannot list files to merge", err, errlen);
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
        if (exec(s, "BEGIN IMMEDIATE", err, errlen) < 0 || merge_one(s, ids[i], &new_id) < 0 ||
            exec(s, "COMMIT", err, errlen) < 0) {
            fail_db(s, "cannot merge a capture file", err, errlen);
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
        return fail_db(s, "cannot store a prefix set", err, errlen);
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
        return fail_db(s, "cannot store a prefix set", err, errlen);
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
        return fail_db(s, "cannot read prefix sets", err, errlen);
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
        return fail_db(s, "cannot remove a prefix set", err, errlen);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail_db(s, "cannot remove a prefix set", err, errlen);
    return sqlite3_changes(s->db);
}
