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
 *
 * This file holds the schema, its upgrades and opening a store; the rest
 * is by task: store_identity.c, store_write.c, store_sample.c,
 * store_read.c and store_merge.c, sharing store_int.h.
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
#include "store_int.h"

/* "hsc1" — marks a SQLite file as a honeyscope store. */
#define STORE_APPLICATION_ID 0x68736331
#define STORE_VERSION 10

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
 * (store_evidence_value_id()), which needs no index beside the table. The keys
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

/*
 * Version 9: a file's traffic rows in packs (pack.c), many rows to a
 * compressed value: a fifth of the rows' size and one insert for 65,536
 * rows. bin_first and bin_last bound the bins of its rows, so that a period
 * reads only its packs. traffic_row keeps the rows of live captures, whose
 * commits add onto rows of the same key, and the rows stored before.
 */
#define TRAFFIC_PACK_TABLE                                                                         \
    "CREATE TABLE IF NOT EXISTS traffic_pack ("                                                    \
    "  file_id INTEGER NOT NULL REFERENCES capture_file(id) ON DELETE CASCADE,"                    \
    "  seq INTEGER NOT NULL, bin_first INTEGER NOT NULL, bin_last INTEGER NOT NULL,"               \
    "  rows INTEGER NOT NULL, data BLOB NOT NULL,"                                                 \
    "  PRIMARY KEY (file_id, seq)) WITHOUT ROWID;"
/*
 * Version 10: a file's evidence rows in packs (pack.c), each pack with its
 * own values, by kind name: values that mostly occur once or twice took
 * two thirds of a honeypot's store, loose. evidence_row and evidence_value
 * keep a live capture's rows, whose commits add onto them, and the rows
 * stored before.
 */
#define EVIDENCE_PACK_TABLE                                                                        \
    "CREATE TABLE IF NOT EXISTS evidence_pack ("                                                   \
    "  file_id INTEGER NOT NULL REFERENCES capture_file(id) ON DELETE CASCADE,"                    \
    "  seq INTEGER NOT NULL, bin_first INTEGER NOT NULL, bin_last INTEGER NOT NULL,"               \
    "  rows INTEGER NOT NULL, data BLOB NOT NULL,"                                                 \
    "  PRIMARY KEY (file_id, seq)) WITHOUT ROWID;"
/*
 * Every traffic row, loose or packed, with traffic_row's columns. Packs are
 * read through traffic_unpack(), which only honeyscope's connections know:
 * the traffic views are temporary, made on the connection of honeyscope sql
 * (store_traffic_views()), so that no view stored in the file names what
 * other programs cannot read (the plain sqlite3 shell reads the tables and
 * says the views are not there, rather than giving the loose rows alone).
 */
#define TRAFFIC_RAW_VIEW                                                                           \
    "CREATE TEMP VIEW IF NOT EXISTS traffic_raw AS SELECT file_id, bin, sensor_id, remote, proto, initiator,"         \
    " service, packets_in, packets_out, bytes_in, bytes_out, flows, first_off, last_off"           \
    " FROM traffic_row UNION ALL SELECT p.file_id, u.bin, a.id, u.remote, u.proto, u.initiator,"   \
    " u.service, u.packets_in, u.packets_out, u.bytes_in, u.bytes_out, u.flows, u.first_off,"      \
    " u.last_off FROM traffic_pack p JOIN traffic_unpack(p.data) u"                                \
    " JOIN sensor_address a ON a.address = u.sensor;"

/* The rows as version 6 named them, addresses as text. */
#define TRAFFIC_VIEW                                                                               \
    "CREATE TEMP VIEW IF NOT EXISTS traffic AS SELECT t.file_id AS file_id, t.bin AS bin,"          \
    " " ADDR_TEXT("a.address") " AS sensor, " ADDR_TEXT("t.remote") " AS remote,"                  \
    " t.proto AS proto, t.initiator AS initiator, t.service AS service,"                           \
    " t.packets_in AS packets_in, t.packets_out AS packets_out, t.bytes_in AS bytes_in,"           \
    " t.bytes_out AS bytes_out, t.flows AS flows, t.bin + t.first_off AS first_s,"                 \
    " t.bin + t.last_off AS last_s"                                                                \
    " FROM traffic_raw t JOIN sensor_address a ON a.id = t.sensor_id;"
#define EVIDENCE_VIEW                                                                              \
    "CREATE VIEW evidence AS SELECT e.file_id AS file_id, e.bin AS bin,"                           \
    " " ADDR_TEXT("e.remote") " AS remote, v.kind AS kind, v.value AS value, e.count AS count"     \
    " FROM evidence_row e JOIN evidence_value v ON v.id = e.value_id;"
/* Since version 10, every evidence row, loose or packed: honeyscope sql's, as the traffic views. */
#define EVIDENCE_TEMP_VIEW                                                                         \
    "CREATE TEMP VIEW IF NOT EXISTS evidence AS SELECT e.file_id AS file_id, e.bin AS bin,"        \
    " " ADDR_TEXT("e.remote") " AS remote, v.kind AS kind, v.value AS value, e.count AS count"     \
    " FROM evidence_row e JOIN evidence_value v ON v.id = e.value_id UNION ALL SELECT p.file_id,"  \
    " u.bin, " ADDR_TEXT("u.remote") ", k.id, u.value, u.count FROM evidence_pack p"               \
    " JOIN evidence_unpack(p.data) u JOIN evidence_kind k ON k.name = u.kind;"

/*
 * A view naming the traffic's codes. Initiators 3 and 4 are backscatter
 * (store version 5; flow.h): SYN-ACK (or ICMP) and RST.
 */
#define TRAFFIC_NAMED                                                                              \
    "CREATE TEMP VIEW IF NOT EXISTS traffic_named AS SELECT"                                       \
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
    "  evidence_skipped INTEGER NOT NULL DEFAULT 0,"
    "  evidence_dropped INTEGER NOT NULL DEFAULT 0,"
    "  status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),"
    "  error TEXT,"
    "  ingested_at TEXT NOT NULL"
    ");"
    "CREATE INDEX capture_file_fingerprint ON capture_file(fingerprint);"
    SENSOR_ADDRESS_TABLE TRAFFIC_ROW_TABLE TRAFFIC_PACK_TABLE
    "CREATE TABLE evidence_kind (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    EVIDENCE_VALUE_TABLE EVIDENCE_ROW_TABLE EVIDENCE_PACK_TABLE
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
static const char *const traffic_views[] = {TRAFFIC_RAW_VIEW, TRAFFIC_VIEW, TRAFFIC_NAMED};

int store_has_table(sqlite3 *db, const char *database, const char *name, bool *has)
{
    char sql[128];
    sqlite3_stmt *st;
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM \"%s\".sqlite_schema WHERE type = 'table' AND name = ?",
             database);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *has = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int store_traffic_views(struct store *s, char *err, size_t errlen)
{
    /* A read-only store of version 8 or 9, read as it is, keeps the views it was made with. */
    bool packs, evidence_packs;
    if (store_has_table(s->db, "main", "traffic_pack", &packs) < 0 ||
        store_has_table(s->db, "main", "evidence_pack", &evidence_packs) < 0)
        return store_fail_db(s, "cannot read the schema", err, errlen);
    for (size_t i = 0; packs && i < sizeof(traffic_views) / sizeof(traffic_views[0]); i++)
        if (store_exec(s, traffic_views[i], err, errlen) < 0)
            return -1;
    if (evidence_packs && store_exec(s, EVIDENCE_TEMP_VIEW, err, errlen) < 0)
        return -1;
    return 0;
}

int store_fail_db(struct store *s, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "store '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
    return -1;
}

int store_exec(struct store *s, const char *sql, char *err, size_t errlen)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot run SQL", err, errlen);
    return 0;
}

/*
 * One write's transaction: its own, or a savepoint inside an open batch, so
 * that a failed write undoes itself and leaves the batch as it was.
 */
int store_tx_begin(struct store *s, char *err, size_t errlen)
{
    return store_exec(s, s->batch ? "SAVEPOINT put" : "BEGIN IMMEDIATE", err, errlen);
}

int store_tx_commit(struct store *s, char *err, size_t errlen)
{
    return store_exec(s, s->batch ? "RELEASE put" : "COMMIT", err, errlen);
}

void store_tx_rollback(struct store *s)
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
    if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    s->batch = true;
    return 0;
}

int store_batch_commit(struct store *s, char *err, size_t errlen)
{
    s->batch = false;
    if (store_exec(s, "COMMIT", err, errlen) < 0) {
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
        return store_fail_db(s, "cannot read the file", err, errlen);
    int rc = sqlite3_step(st);
    *value = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail_db(s, "cannot read the file", err, errlen);
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
    {8, "capture_file", "evidence_skipped, evidence_dropped", true, 0},
    {9, "traffic_pack", "file_id, seq, bin_first, bin_last, rows, data", false, 0},
    {10, "evidence_pack", "file_id, seq, bin_first, bin_last, rows, data", false, 0},
};

static int check_schema(struct store *s, int64_t version, char *err, size_t errlen)
{
    /*
     * A store whose version was set back by hand keeps its compact rows
     * (migrate_to_7()): it needs no table of the versions before, and since
     * version 9 holds no traffic view that would stand for one.
     */
    int64_t compact = 0;
    if (version < 7 &&
        pragma_int(
            s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'traffic_row'",
            &compact, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(schema_uses) / sizeof(schema_uses[0]); i++) {
        char sql[512];
        sqlite3_stmt *st;
        if (schema_uses[i].until && (version > schema_uses[i].until || compact))
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
    /*
     * Rows name their file by capture_file's id, which the writer takes from
     * the row it inserts (its rowid) without checking each row's reference
     * (store_put_file()): the id must be the table's INTEGER PRIMARY KEY.
     */
    int64_t keyed;
    if (pragma_int(s,
                   "SELECT count(*) FROM pragma_table_info('capture_file')"
                   " WHERE name = 'id' AND pk = 1 AND upper(type) = 'INTEGER'",
                   &keyed, err, errlen) < 0)
        return -1;
    if (!keyed) {
        snprintf(err, errlen, "'%s' is a damaged store: table capture_file: id is not its key",
                 s->path);
        return -1;
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
 * for the captures stored before), version 7 compact rows, version 8 the
 * counts of what the evidence bounds left out.
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

/*
 * Adds the count columns of names to capture_file, 0 for the rows there (those
 * there stay), and sets the store's version to version.
 */
static int add_count_columns(struct store *s, const char *const *names, size_t count, int version,
                             char *err, size_t errlen)
{
    for (size_t i = 0; i < count; i++) {
        char sql[160];
        int64_t present;
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM pragma_table_info('capture_file') WHERE name = '%s'",
                 names[i]);
        if (pragma_int(s, sql, &present, err, errlen) < 0)
            return -1;
        if (present)
            continue;
        snprintf(sql, sizeof(sql),
                 "ALTER TABLE capture_file ADD COLUMN %s INTEGER NOT NULL DEFAULT 0", names[i]);
        if (store_exec(s, sql, err, errlen) < 0)
            return -1;
    }
    char sql[48];
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
    return store_exec(s, sql, err, errlen);
}

/*
 * Version 8 keeps what the evidence bounds left out of each file (conversation
 * sides not parsed, values not kept), so that a report from the store says it:
 * 0 for the files before, which did not count it.
 */
static const char *const evidence_count_columns[] = {"evidence_skipped", "evidence_dropped"};

static const char migrate_to_4[] = LIVE_TABLES "PRAGMA user_version = 4;";
/*
 * Version 5: backscatter initiators (3, 4) in traffic rows, named by the view
 * (made on honeyscope sql's connection since version 9).
 */
static const char migrate_to_5[] = "DROP VIEW IF EXISTS traffic_named; PRAGMA user_version = 5;";
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

int store_value_ids_open(sqlite3 *db, struct value_ids *v)
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

void store_value_ids_close(struct value_ids *v)
{
    sqlite3_finalize(v->find);
    sqlite3_finalize(v->add);
}

#define VALUE_ID_MASK ((INT64_C(1) << 47) - 1)

/* The id of (kind, value), added when new. */
int store_evidence_value_id(struct value_ids *v, int64_t kind, const void *value, size_t len,
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

int store_copy_evidence(struct store *s, sqlite3_stmt *rows)
{
    static const char insert_sql[] = "INSERT INTO main.evidence_row VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *insert = NULL;
    struct value_ids ids;
    int rc = SQLITE_ERROR;
    if (store_value_ids_open(s->db, &ids) == 0 &&
        sqlite3_prepare_v2(s->db, insert_sql, -1, &insert, NULL) == SQLITE_OK) {
        while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
            int64_t id;
            const void *value = sqlite3_column_blob(rows, 4);
            if (store_evidence_value_id(&ids, sqlite3_column_int64(rows, 3), value,
                                        (size_t)sqlite3_column_bytes(rows, 4), &id) < 0) {
                rc = SQLITE_ERROR;
                break;
            }
            for (int c = 0; c < 3; c++)
                sqlite3_bind_value(insert, c + 1, sqlite3_column_value(rows, c));
            sqlite3_bind_int64(insert, 4, id);
            sqlite3_bind_value(insert, 5, sqlite3_column_value(rows, 5));
            int done = sqlite3_step(insert);
            sqlite3_reset(insert);
            if (done != SQLITE_DONE) {
                rc = SQLITE_ERROR;
                break;
            }
        }
    }
    store_value_ids_close(&ids);
    sqlite3_finalize(insert);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Version 6's evidence rows, each value into evidence_value. */
static int migrate_evidence_to_7(struct store *s, char *err, size_t errlen)
{
    static const char rows_sql[] =
        "SELECT file_id, bin, honeyscope_addr_bytes(remote), kind, value, count FROM evidence";
    sqlite3_stmt *rows = NULL;
    if (store_exec(s, EVIDENCE_VALUE_TABLE EVIDENCE_ROW_TABLE, err, errlen) < 0)
        return -1;
    int status = sqlite3_prepare_v2(s->db, rows_sql, -1, &rows, NULL) == SQLITE_OK
                     ? store_copy_evidence(s, rows)
                     : -1;
    sqlite3_finalize(rows);
    if (status < 0)
        return store_fail_db(s, "cannot upgrade the evidence", err, errlen);
    return store_exec(s, "DROP TABLE evidence", err, errlen);
}
/* clang-format off */
static const char migrate_tables_to_7[] =
    "DROP VIEW IF EXISTS traffic_named; DROP VIEW IF EXISTS traffic;"
    " DROP VIEW IF EXISTS evidence; DROP VIEW IF EXISTS traffic_raw;"
    SENSOR_ADDRESS_TABLE TRAFFIC_ROW_TABLE EVIDENCE_VALUE_TABLE EVIDENCE_ROW_TABLE;
/*
 * Version 9: the packs' table; the traffic views leave the file (they are
 * honeyscope sql's, store_traffic_views()). The rows stored before stay loose.
 */
static const char migrate_tables_to_9[] =
    "DROP VIEW IF EXISTS traffic_named; DROP VIEW IF EXISTS traffic;"
    " DROP VIEW IF EXISTS traffic_raw;" TRAFFIC_PACK_TABLE;
/* Version 10: the evidence packs' table; the evidence view leaves the file, as the traffic's did. */
static const char migrate_to_10[] =
    "DROP VIEW IF EXISTS evidence;" EVIDENCE_PACK_TABLE "PRAGMA user_version = 10;";
/* clang-format on */

/* Rows already compact (a store whose version was set back by hand) are kept as they are. */
static int migrate_to_7(struct store *s, char *err, size_t errlen)
{
    int64_t traffic_table, evidence_table;
    if (sqlite3_create_function(s->db, "honeyscope_addr_bytes", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, addr_bytes_sql, NULL,
                                NULL) != SQLITE_OK)
        return store_fail_db(s, "cannot upgrade", err, errlen);
    if (pragma_int(s,
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'traffic'",
                   &traffic_table, err, errlen) < 0 ||
        pragma_int(s,
                   "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'evidence'",
                   &evidence_table, err, errlen) < 0)
        return -1;
    if ((traffic_table && store_exec(s, migrate_traffic_to_7, err, errlen) < 0) ||
        (evidence_table && migrate_evidence_to_7(s, err, errlen) < 0))
        return -1;
    if (store_exec(s, migrate_tables_to_7, err, errlen) < 0 ||
        store_exec(s, EVIDENCE_VIEW, err, errlen) < 0)
        return -1;
    return store_exec(s, "PRAGMA user_version = 7", err, errlen);
}

/* Every step from version on, inside the caller's transaction: the one list of upgrades. */
static int migrate_steps(struct store *s, int64_t version, char *err, size_t errlen)
{
    if ((version < 2 && store_exec(s, migrate_to_2, err, errlen) < 0) ||
        (version < 3 && add_count_columns(s, flow_count_columns,
                                          sizeof(flow_count_columns) / sizeof(*flow_count_columns),
                                          3, err, errlen) < 0) ||
        (version < 4 && store_exec(s, migrate_to_4, err, errlen) < 0) ||
        (version < 5 && store_exec(s, migrate_to_5, err, errlen) < 0) ||
        (version < 6 && store_exec(s, migrate_to_6, err, errlen) < 0) ||
        (version < 7 && migrate_to_7(s, err, errlen) < 0) ||
        (version < 8 &&
         add_count_columns(s, evidence_count_columns,
                           sizeof(evidence_count_columns) / sizeof(*evidence_count_columns), 8, err,
                           errlen) < 0) ||
        (version < 9 && (store_exec(s, migrate_tables_to_9, err, errlen) < 0 ||
                         store_exec(s, "PRAGMA user_version = 9", err, errlen) < 0)) ||
        (version < 10 && store_exec(s, migrate_to_10, err, errlen) < 0))
        return -1;
    return 0;
}

static int migrate(struct store *s, int64_t version, char *err, size_t errlen)
{
    if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    if (migrate_steps(s, version, err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (store_exec(s, "COMMIT", err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

char *store_file_uri(const char *path, bool immutable)
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
    sprintf(uri + used, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
    return uri;
}

/*
 * Whether path is a store on media nothing can be written to (its directory
 * is on a read-only file system) with no journal or WAL beside it: SQLite can
 * then read it only as immutable, since a WAL store needs an index file beside
 * it, and nothing can change it while it is read.
 */
static bool on_read_only_media(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    bool read_only = access(slash ? dir : ".", W_OK) != 0 && errno == EROFS;
    free(dir);
    if (!read_only)
        return false;
    static const char *const beside[] = {"-wal", "-journal"};
    for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
        char *other = xmalloc(st_add(strlen(path), 16));
        sprintf(other, "%s%s", path, beside[i]);
        bool there = access(other, F_OK) == 0;
        free(other);
        if (there)
            return false;
    }
    return true;
}

/* upgrade_for_reading()'s return for a store that cannot be written (err says so). */
#define NOT_WRITABLE 1

/*
 * A store of an older version, opened for reading: upgraded through a second
 * handle. Returns 0, -1, or NOT_WRITABLE.
 */
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
        return NOT_WRITABLE;
    }
    sqlite3_busy_timeout(w.db, 30000);
    int ret = store_sql_functions(w.db) < 0 ? store_fail_db(&w, "cannot upgrade", err, errlen)
                                            : migrate(&w, version, err, errlen);
    sqlite3_close(w.db);
    return ret;
}

static int create_schema(struct store *s, char *err, size_t errlen)
{
    char sql[64];
    if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STORE_APPLICATION_ID);
    if (store_exec(s, schema, err, errlen) < 0 || store_exec(s, sql, err, errlen) < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_VERSION);
    if (store_exec(s, sql, err, errlen) < 0 || store_exec(s, "COMMIT", err, errlen) < 0) {
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
        return store_fail_db(s, "cannot prepare evidence kinds", err, errlen);
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        sqlite3_bind_text(st, 1, evidence_kind_name((enum evidence_kind)k), -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            sqlite3_finalize(st);
            return store_fail_db(s, "cannot write evidence kinds", err, errlen);
        }
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM evidence_kind WHERE name = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return store_fail_db(s, "cannot prepare evidence kinds", err, errlen);
    for (unsigned k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        sqlite3_bind_text(st, 1, evidence_kind_name((enum evidence_kind)k), -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_finalize(st);
            return store_fail_db(s, "cannot read evidence kinds", err, errlen);
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
    s->immutable = mode == STORE_READ && on_read_only_media(path);
    char *uri = s->immutable ? store_file_uri(path, true) : NULL;
    int rc = sqlite3_open_v2(uri ? uri : path, &s->db,
                             flags | SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0), NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open store '%s': %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 30000);
    if (store_sql_functions(s->db) < 0) {
        snprintf(err, errlen, "cannot open store '%s': %s", path, sqlite3_errmsg(s->db));
        store_close(s);
        return NULL;
    }
    bool empty;
    int64_t version = STORE_VERSION;
    if (check_kind(s, mode, &empty, &version, err, errlen) < 0) {
        store_close(s);
        return NULL;
    }
    s->version = STORE_VERSION;
    if (mode == STORE_READ && !empty && version < STORE_VERSION) {
        int upgraded = upgrade_for_reading(path, version, err, errlen);
        /* An archive on read-only media stays readable across a small change. */
        if (upgraded == NOT_WRITABLE && version >= STORE_READ_AS_IS) {
            s->version = version;
        } else if (upgraded != 0) {
            store_close(s);
            return NULL;
        }
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
         store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0 ||
         (!empty && migrate_steps(s, version, err, errlen) < 0) ||
         register_kinds(s, err, errlen) < 0 || store_exec(s, "COMMIT", err, errlen) < 0 ||
         store_exec(s, "PRAGMA journal_mode = WAL", err, errlen) < 0 ||
         store_exec(s, "PRAGMA synchronous = NORMAL", err, errlen) < 0)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        store_close(s);
        return NULL;
    }
    if (store_exec(s, "PRAGMA foreign_keys = ON", err, errlen) < 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    store_rows_release(s);
    sqlite3_finalize(s->insert_file);
    sqlite3_finalize(s->insert_sample);
    sqlite3_finalize(s->add_sensor);
    sqlite3_finalize(s->find_sensor);
    free(s->sensor_ids);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}
