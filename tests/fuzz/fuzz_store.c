/*
 * Fuzz target for the store reader: a store copied from elsewhere is
 * untrusted (`report --db` reads one, `merge` reads foreign ones). Byte 0
 * picks how the rest makes the store file:
 *
 *   0  the rest is the file itself;
 *   1  SQL-level edits of a real store: the rest is a list of edits (set a
 *      column of a row to a value of any type, delete rows, drop a table,
 *      set user_version or application_id, rebuild a table without its
 *      constraints, run a short SQL text, cut the file);
 *   2  byte-level damage of the same real store: 4-byte records
 *      (a 24-bit offset and a byte to put there; the top bit set cuts the
 *      file at the offset instead).
 *
 * The real store is made once per process with the store's own writer
 * (sensors, three capture files with traffic and evidence in packs, a live
 * capture's loose rows, a named prefix set) and shrunk to 512-byte pages, in
 * a private directory on /dev/shm. The edits name the tables of today's
 * schema.
 * Each store then goes through the paths of the verbs that read stores:
 * store_open() for reading, the sensors, store_load() and report_build() as
 * `report --db` does; store_merge() into an empty store as `merge` does; and
 * store_open() for writing, store_presence() and store_forget() as `ingest`
 * and `forget` do.
 *
 * Checked: every refusal names the file, and a refused store is left byte
 * for byte as it was; what loads agrees with itself (one listed file per
 * file counted); a merge, whatever it read, leaves a store that opens and
 * loads, with no file when none was added.
 *
 * This harness talks to SQLite directly to tamper with stores, which the
 * store's API rightly does not allow; honeyscope's code still has one door.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/aggregate/aggregate.h"
#include "../../src/attrib/attrib.h"
#include "../../src/evidence/evidence.h"
#include "../../src/report/report.h"
#include "../../src/store/store.h"
#include "fuzz.h"

/* ---- files ----------------------------------------------------------------- */

struct bytes {
    uint8_t *data;
    size_t len;
};

static char dir[256], in_path[300], out_path[300];
static struct bytes in_template, out_template;
static FILE *devnull;

static void die(const char *what, const char *why)
{
    fprintf(stderr, "fuzz_store: %s: %s\n", what, why);
    abort();
}

static struct bytes read_all(const char *path)
{
    struct bytes b = {NULL, 0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return b;
    size_t alloc = 0;
    for (;;) {
        if (b.len == alloc) {
            alloc = alloc ? alloc * 2 : 65536;
            b.data = realloc(b.data, alloc);
            if (!b.data)
                abort();
        }
        size_t got = fread(b.data + b.len, 1, alloc - b.len, fp);
        if (got == 0)
            break;
        b.len += got;
    }
    fclose(fp);
    return b;
}

static bool same_bytes(struct bytes a, struct bytes b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

/* Removes path and the journal, WAL and shared-memory files SQLite keeps beside it. */
static void remove_store(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char name[320];
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

static void write_store(const char *path, const uint8_t *data, size_t len)
{
    remove_store(path);
    FILE *fp = fopen(path, "wb");
    if (!fp || (len && fwrite(data, 1, len, fp) != len) || fclose(fp) != 0)
        die(path, strerror(errno));
}

static void cleanup(void)
{
    remove_store(in_path);
    remove_store(out_path);
    rmdir(dir);
}

/* ---- the real store --------------------------------------------------------- */

static struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    FUZZ_CHECK(addr_parse(&a, text) == 0);
    return a;
}

static void add_row(struct cube *cube, int64_t bin, const char *sensor, const char *remote,
                    uint8_t proto, uint16_t service, uint8_t initiator, uint64_t packets)
{
    struct cube_key key;
    memset(&key, 0, sizeof(key));
    key.bin = bin;
    key.sensor = ip(sensor);
    key.remote = ip(remote);
    key.proto = proto;
    key.service = service;
    key.initiator = initiator;
    struct cube_counts *c = &cube_row_at(cube, cube_lookup(cube, &key))->counts;
    c->packets_in = packets;
    c->packets_out = packets / 2;
    c->bytes_in = 60 * packets;
    c->bytes_out = 40 * packets;
    c->flows = 1;
    c->first_ns = bin * 1000000000 + 5;
    c->last_ns = (bin + 600) * 1000000000;
}

/* A file's rows: traffic of both families, and evidence of two kinds. */
static struct cube *template_cube(int64_t bin)
{
    struct cube *cube = cube_new();
    add_row(cube, bin, "192.0.2.10", "198.51.100.7", 6, 445, INITIATOR_REMOTE, 10);
    add_row(cube, bin, "192.0.2.10", "203.0.113.9", 17, 53, INITIATOR_SENSOR, 4);
    add_row(cube, bin + 900, "2001:db8::10", "2001:db8:1::20", 58, 128 << 8, INITIATOR_REMOTE, 3);
    add_row(cube, bin + 1800, "192.0.2.10", "198.51.100.7", 1, 8 << 8, INITIATOR_UNKNOWN, 2);
    struct ip_addr remote = ip("198.51.100.7");
    evidence_table_add(cube_evidence(cube), bin, &remote, EVIDENCE_SMTP_HELO, "mx.example.com", 14,
                       2);
    evidence_table_add(cube_evidence(cube), bin, &remote, EVIDENCE_SMTP_REPLY, "250", 3, 5);
    return cube;
}

/* A live capture's commit: its rows stay loose (traffic_row, evidence_row and evidence_value). */
static void put_live(struct store *store, int64_t bin)
{
    struct live_capture_info info = {"eth0", "tcp", bin * 1000000000};
    struct input_stats stats;
    char err[1024];
    int64_t file_id = 0;
    input_stats_init(&stats);
    stats.packets = 19;
    stats.first_ns = bin * 1000000000;
    stats.last_ns = (bin + 2000) * 1000000000;
    struct cube *cube = template_cube(bin);
    if (store_put_live(store, &info, &file_id, &stats, cube, 1, 0, true, err, sizeof(err)) < 0)
        die("cannot make the template store", err);
    cube_free(cube);
}

static void put_file(struct store *store, const char *name, int64_t bin, bool failed)
{
    struct file_identity id;
    struct input_stats stats;
    char err[1024];
    memset(&id, 0, sizeof(id));
    snprintf(id.path, sizeof(id.path), "/fuzz/%s", name);
    id.size = 4096 + bin % 1000;
    id.mtime_ns = bin * 1000000000;
    snprintf(id.fingerprint, sizeof(id.fingerprint), "%032llx", (long long)bin);
    input_stats_init(&stats);
    stats.files = 1;
    stats.packets = 40;
    stats.bad[DECODE_TRUNCATED] = 1;
    stats.not_sensor = 2;
    stats.first_ns = bin * 1000000000;
    stats.last_ns = (bin + 3000) * 1000000000;
    stats.flows.flows = 6;
    snprintf(stats.format, sizeof(stats.format), "pcap");
    stats.link_type = 1;
    struct cube *cube = template_cube(bin);
    if (store_put_file(store, &id, &stats, failed ? "truncated at byte offset 4000" : NULL, cube,
                       NULL, 0, err, sizeof(err)) < 0)
        die("cannot make the template store", err);
    cube_free(cube);
}

static void sql(sqlite3 *db, const char *text)
{
    if (sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
        die("cannot shrink the template store", sqlite3_errmsg(db));
}

/* A store with every table filled, then shrunk so that damage hits more than padding. */
static void make_templates(void)
{
    char err[1024];
    struct store *store = store_open(in_path, STORE_WRITE, err, sizeof(err));
    if (!store)
        die("cannot make the template store", err);
    struct sensor_set sensors;
    sensor_set_init(&sensors);
    struct ip_prefix prefix;
    FUZZ_CHECK(prefix_parse(&prefix, "192.0.2.0/24", NULL) == 0);
    sensor_set_add(&sensors, &prefix);
    FUZZ_CHECK(prefix_parse(&prefix, "2001:db8::/48", NULL) == 0);
    sensor_set_add(&sensors, &prefix);
    if (store_set_sensors(store, &sensors, "given", err, sizeof(err)) < 0)
        die("cannot make the template store", err);
    sensor_set_release(&sensors);
    put_file(store, "a.pcap", 1233446400, false);
    put_file(store, "b.pcap", 1233532800, false);
    put_file(store, "c.pcap", 1233619200, true);
    put_live(store, 1233705600);
    static const char list[] = "198.51.100.0/24 example\n";
    struct stored_prefix_spec spec = {"aws", "aws=list.txt", "", list, sizeof(list) - 1};
    if (store_prefix_add(store, &spec, err, sizeof(err)) < 0)
        die("cannot make the template store", err);
    store_close(store);

    sqlite3 *db;
    if (sqlite3_open(in_path, &db) != SQLITE_OK)
        die("cannot shrink the template store", sqlite3_errmsg(db));
    sql(db, "PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;"
            " PRAGMA journal_mode = WAL;");
    sqlite3_close(db);
    in_template = read_all(in_path);

    /* merge's output: a new store, empty. */
    store = store_open(out_path, STORE_WRITE, err, sizeof(err));
    if (!store)
        die("cannot make the output store", err);
    store_close(store);
    out_template = read_all(out_path);
    if (!in_template.len || !out_template.len)
        die("cannot read the template stores", dir);
}

static void setup(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/honeyscope-fuzz-store-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(dir))
        die(dir, strerror(errno));
    snprintf(in_path, sizeof(in_path), "%s/in.db", dir);
    snprintf(out_path, sizeof(out_path), "%s/out.db", dir);
    atexit(cleanup);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        die("/dev/null", strerror(errno));
    make_templates();
}

/* ---- SQL-level edits ------------------------------------------------------- */

struct table {
    const char *name;
    const char *key; /* what names one row */
    const char *const *columns;
};

static const char *const capture_file_cols[] = {
    "id",
    "path",
    "size",
    "mtime_ns",
    "fingerprint",
    "format",
    "link_type",
    "first_ns",
    "last_ns",
    "packets",
    "truncated",
    "malformed",
    "unsupported",
    "unsupported_link",
    "not_ip",
    "not_sensor",
    "sensor_to_sensor",
    "flows",
    "flows_expired",
    "flows_evicted",
    "fragments_unmatched",
    "flow_records",
    "flow_skipped",
    "flow_covered",
    "export_datagrams",
    "export_lost_packets",
    "export_lost_records",
    "export_skipped",
    "sampling_interval",
    "evidence_skipped",
    "evidence_dropped",
    "status",
    "error",
    "ingested_at",
    NULL,
};
static const char *const traffic_row_cols[] = {
    "file_id",   "bin",     "sensor_id",  "remote",      "proto",
    "initiator", "service", "packets_in", "packets_out", "bytes_in",
    "bytes_out", "flows",   "first_off",  "last_off",    NULL,
};
static const char *const pack_cols[] = {"file_id", "seq",  "bin_first", "bin_last",
                                        "rows",    "data", NULL};
static const char *const evidence_row_cols[] = {"file_id",  "bin",   "remote",
                                                "value_id", "count", NULL};
static const char *const evidence_value_cols[] = {"id", "kind", "value", NULL};
static const char *const sensor_address_cols[] = {"id", "address", NULL};
static const char *const sample_cols[] = {"file_id", "level", "fingerprints", NULL};
static const char *const kind_cols[] = {"id", "name", NULL};
static const char *const sensor_cols[] = {"prefix", "how", NULL};
static const char *const prefix_cols[] = {"name",    "seq",      "spec", "file_suffix",
                                          "content", "added_at", NULL};

/* The tables of the store's schema (store version 10); the first is capture_file. */
static const struct table tables[] = {
    {"capture_file", "rowid", capture_file_cols},
    {"traffic_pack", "file_id, seq", pack_cols},
    {"evidence_pack", "file_id, seq", pack_cols},
    {"sensor_address", "rowid", sensor_address_cols},
    {"traffic_row", "file_id, bin, sensor_id, remote, proto, initiator, service", traffic_row_cols},
    {"evidence_row", "file_id, bin, remote, value_id", evidence_row_cols},
    {"evidence_value", "rowid", evidence_value_cols},
    {"packet_sample", "file_id", sample_cols},
    {"evidence_kind", "rowid", kind_cols},
    {"sensor", "rowid", sensor_cols},
    {"prefix_spec", "rowid", prefix_cols},
};
#define TABLE_COUNT (sizeof(tables) / sizeof(tables[0]))

static size_t column_count(const struct table *t)
{
    size_t n = 0;
    while (t->columns[n])
        n++;
    return n;
}

/* The input as a cursor; reads past the end give zeros and stop the edits. */
struct cursor {
    const uint8_t *p;
    size_t left;
};

static uint8_t next_u8(struct cursor *c)
{
    if (!c->left)
        return 0;
    c->left--;
    return *c->p++;
}

static uint64_t next_u64(struct cursor *c)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | next_u8(c);
    return v;
}

static const uint8_t *next_bytes(struct cursor *c, size_t *n)
{
    if (*n > c->left)
        *n = c->left;
    const uint8_t *p = c->p;
    c->p += *n;
    c->left -= *n;
    return p;
}

/* Binds the value an edit asks for to parameter 1 of st. */
static void bind_value(sqlite3_stmt *st, struct cursor *c)
{
    static const int64_t special_ints[] = {
        INT64_MIN,
        INT64_MAX,
        -1,
        0,
        1,
        (int64_t)1 << 32,
        (int64_t)1 << 53,
        INT64_MIN + 1,
        900,
        -900,
        255,
        256,
        65536,
        3,
        -9223372036854775807 / 1000000000,
        9223372036854775807 / 1000000000 + 1,
    };
    static const char *const special_texts[] = {
        "",
        "not an address",
        "::ffff:1.2.3.4",
        "1.2.3.4",
        "2001:db8::1",
        "999.1.1.1",
        "failed",
        "ok",
        "192.0.2.0/24",
        "::/0",
        "0.0.0.0/0",
        "10.0.0.0/33",
        "1.2.3.4/",
        "smtp_helo",
        "no_such_kind",
        "\xff\xfe",
        "1.2.3.4\nx",
        "192.0.2.10",
    };
    uint8_t kind = next_u8(c) % 8;
    switch (kind) {
    case 0:
        sqlite3_bind_null(st, 1);
        break;
    case 1: {
        uint64_t v = next_u64(c);
        int64_t s;
        memcpy(&s, &v, sizeof(s));
        sqlite3_bind_int64(st, 1, s);
        break;
    }
    case 2:
        sqlite3_bind_int64(st, 1, special_ints[next_u8(c) % (sizeof(special_ints) / 8)]);
        break;
    case 3: {
        uint64_t v = next_u64(c);
        double d;
        memcpy(&d, &v, sizeof(d));
        sqlite3_bind_double(st, 1, d);
        break;
    }
    case 4:
    case 5: {
        size_t n = next_u8(c);
        const uint8_t *p = next_bytes(c, &n);
        if (kind == 4)
            sqlite3_bind_text(st, 1, (const char *)p, (int)n, SQLITE_TRANSIENT);
        else
            sqlite3_bind_blob(st, 1, p, (int)n, SQLITE_TRANSIENT);
        break;
    }
    case 6:
        sqlite3_bind_text(st, 1,
                          special_texts[next_u8(c) % (sizeof(special_texts) / sizeof(char *))], -1,
                          SQLITE_STATIC);
        break;
    default:
        sqlite3_bind_zeroblob(st, 1, next_u8(c) % 20);
        break;
    }
}

/* Runs text with parameter 1 from the input and parameter 2 as row; errors are fine. */
static void run_edit(sqlite3 *db, const char *text, struct cursor *c, bool value, int row)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, text, -1, &st, NULL) != SQLITE_OK)
        return;
    if (value)
        bind_value(st, c);
    sqlite3_bind_int(st, 2, row);
    while (sqlite3_step(st) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
}

/* The one row an edit touches: its key among the first row-th, or every row for 255. */
static void row_filter(char *buf, size_t len, const struct table *t, uint8_t row)
{
    if (row == 255)
        snprintf(buf, len, "1");
    else
        snprintf(buf, len, "(%s) IN (SELECT %s FROM %s LIMIT 1 OFFSET ?2)", t->key, t->key,
                 t->name);
}

/* Whether text may run: nothing that reaches files other than the store. */
static bool harmless(const char *text)
{
    static const char *const words[] = {"attach", "vacuum", "load_extension", "temp_store_dir",
                                        "data_store_dir"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcasestr(text, words[i]))
            return false;
    return true;
}

/* Long queries (recursive CTEs) are cut short. */
static int stop_long(void *ctx)
{
    return ++*(unsigned *)ctx > 2000;
}

static void edit_store(struct cursor *c)
{
    sqlite3 *db;
    unsigned ticks = 0;
    long cut = -1;
    if (sqlite3_open_v2(in_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        die("cannot open the store to edit", sqlite3_errmsg(db));
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
    sqlite3_progress_handler(db, 1000, stop_long, &ticks);
    sqlite3_exec(db, "PRAGMA ignore_check_constraints = ON; PRAGMA legacy_alter_table = ON", NULL,
                 NULL, NULL);
    for (int edits = 0; c->left && edits < 32; edits++) {
        char text[1024], where[256];
        uint8_t op = next_u8(c) % 8;
        const struct table *t = &tables[next_u8(c) % TABLE_COUNT];
        ticks = 0;
        switch (op) {
        case 0:
        case 1: { /* set a column of a row (or of every row) to a value */
            const char *col = t->columns[next_u8(c) % column_count(t)];
            uint8_t row = next_u8(c);
            row_filter(where, sizeof(where), t, row);
            snprintf(text, sizeof(text), "UPDATE %s SET %s = ?1 WHERE %s", t->name, col, where);
            run_edit(db, text, c, true, row);
            break;
        }
        case 2: { /* delete a row, or all */
            uint8_t row = next_u8(c);
            row_filter(where, sizeof(where), t, row);
            snprintf(text, sizeof(text), "DELETE FROM %s WHERE %s", t->name, where);
            run_edit(db, text, c, false, row);
            break;
        }
        case 3: /* drop a table, the index or the view */
            if (next_u8(c) & 1)
                snprintf(text, sizeof(text), "DROP TABLE %s", t->name);
            else
                snprintf(text, sizeof(text), "DROP %s",
                         t == tables ? "INDEX capture_file_fingerprint" : "TABLE live_commit");
            run_edit(db, text, c, false, 0);
            break;
        case 4: { /* user_version or application_id */
            uint64_t v = next_u64(c);
            snprintf(text, sizeof(text), "PRAGMA %s = %d",
                     v & 1 ? "user_version" : "application_id", (int)(int32_t)(uint32_t)(v >> 8));
            run_edit(db, text, c, false, 0);
            break;
        }
        case 5: /* the same table without its constraints (NULLs, duplicates then fit) */
            snprintf(text, sizeof(text),
                     "ALTER TABLE %s RENAME TO fuzz_old; CREATE TABLE %s AS SELECT * FROM "
                     "fuzz_old; DROP TABLE fuzz_old",
                     t->name, t->name);
            if (sqlite3_exec(db, text, NULL, NULL, NULL) != SQLITE_OK)
                sqlite3_exec(db, "DROP TABLE IF EXISTS fuzz_old", NULL, NULL, NULL);
            break;
        case 6: { /* any SQL that stays inside the store */
            size_t n = next_u8(c);
            const uint8_t *p = next_bytes(c, &n);
            memcpy(text, p, n);
            text[n] = '\0';
            if (harmless(text))
                sqlite3_exec(db, text, NULL, NULL, NULL);
            break;
        }
        default: /* cut the file once the edits are written */
            cut = (long)(next_u64(c) % (in_template.len + 1));
            break;
        }
    }
    if (sqlite3_close(db) != SQLITE_OK)
        die("cannot close the edited store", sqlite3_errmsg(db));
    if (cut >= 0 && truncate(in_path, cut) != 0)
        die(in_path, strerror(errno));
}

/* ---- byte-level damage ----------------------------------------------------- */

static void damage_store(struct cursor *c)
{
    uint8_t *copy = malloc(in_template.len);
    size_t len = in_template.len;
    if (!copy)
        abort();
    memcpy(copy, in_template.data, len);
    while (c->left >= 4) {
        uint32_t off = (uint32_t)next_u8(c) << 16 | (uint32_t)next_u8(c) << 8 | next_u8(c);
        uint8_t value = next_u8(c);
        if (off & 0x800000)
            len = (off & 0x7fffff) % (len + 1);
        else if (len)
            copy[off % len] = value;
    }
    write_store(in_path, copy, len);
    free(copy);
}

/* ---- the verbs' paths ------------------------------------------------------- */

/* Opens the store in mode, or checks that the refusal names it and left it as it was. */
static struct store *open_or_refused(enum store_mode mode, char *err, size_t errlen)
{
    struct bytes before = read_all(in_path);
    struct store *store = store_open(in_path, mode, err, errlen);
    if (!store) {
        FUZZ_CHECK(strstr(err, in_path) != NULL);
        struct bytes after = read_all(in_path);
        FUZZ_CHECK(same_bytes(before, after));
        free(after.data);
    }
    free(before.data);
    return store;
}

/* `report --db`: open, sensors, load, build. */
static void check_report(void)
{
    char err[1024] = "", why[512] = "";
    struct store *store = open_or_refused(STORE_READ, err, sizeof(err));
    if (!store)
        return;
    struct sensor_set sensors;
    sensor_set_init(&sensors);
    struct cube *cube = cube_new();
    struct input_stats total;
    input_stats_init(&total);
    struct stored_file *files = NULL;
    size_t count = 0;
    if (store_get_sensors(store, &sensors, why, sizeof(why), err, sizeof(err)) < 0 ||
        store_load(store, INT64_MIN, INT64_MAX, cube, &total, &files, &count, err, sizeof(err)) <
            0) {
        FUZZ_CHECK(strstr(err, in_path) != NULL);
        store_close(store);
        store_files_free(files, count);
        cube_free(cube);
        sensor_set_release(&sensors);
        return;
    }
    store_close(store);
    FUZZ_CHECK(total.files == count);
    FUZZ_CHECK(total.files_failed <= total.files);

    struct report_file *rf = calloc(count ? count : 1, sizeof(*rf));
    FUZZ_CHECK(rf != NULL);
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(files[i].path != NULL);
        rf[i].path = files[i].path;
        memcpy(rf[i].format, files[i].format, sizeof(rf[i].format));
        rf[i].link_type = files[i].link_type;
        rf[i].packets = files[i].packets;
        rf[i].error = files[i].error;
    }
    struct group any;
    group_init_any(&any);
    struct report_options options;
    memset(&options, 0, sizeof(options));
    options.clock.width_s = 86400;
    options.top = 5;
    struct report_input input = {
        .stats = &total,
        .files = rf,
        .file_count = count,
        .sensors = &sensors,
        .groups = &any,
        .group_count = 1,
        .cube = cube,
    };
    struct report *report = report_build(&input, &options, err, sizeof(err));
    if (report) {
        FUZZ_CHECK(render_json(report, devnull) == 0);
        report_free(report);
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }
    group_release(&any);
    free(rf);
    store_files_free(files, count);
    cube_free(cube);
    sensor_set_release(&sensors);
}

/* Files a store lists, or -1 when it cannot be read. */
static long stored_files(const char *path)
{
    char err[1024];
    struct store *store = store_open(path, STORE_READ, err, sizeof(err));
    if (!store)
        return -1;
    struct cube *cube = cube_new();
    struct input_stats total;
    input_stats_init(&total);
    struct stored_file *files = NULL;
    size_t count = 0;
    int ret =
        store_load(store, INT64_MIN, INT64_MAX, cube, &total, &files, &count, err, sizeof(err));
    store_files_free(files, count);
    cube_free(cube);
    store_close(store);
    return ret < 0 ? -1 : (long)count;
}

/* `merge OUT IN`: whatever IN holds, OUT stays a store. */
static void check_merge(void)
{
    char err[1024] = "";
    write_store(out_path, out_template.data, out_template.len);
    struct store *out = store_open(out_path, STORE_WRITE, err, sizeof(err));
    if (!out)
        die("cannot open the output store", err);
    struct merge_counts counts = {0, 0, 0};
    if (store_merge(out, in_path, &counts, err, sizeof(err)) < 0)
        FUZZ_CHECK(strstr(err, in_path) != NULL || strstr(err, out_path) != NULL);
    store_close(out);
    long files = stored_files(out_path);
    FUZZ_CHECK(files >= 0);
    FUZZ_CHECK((uint64_t)files == counts.added);
}

/* `ingest` and `forget` open the store for writing. */
static void check_write(void)
{
    char err[1024] = "", other[4096];
    struct store *store = open_or_refused(STORE_WRITE, err, sizeof(err));
    if (!store)
        return;
    struct file_identity id;
    memset(&id, 0, sizeof(id));
    snprintf(id.path, sizeof(id.path), "/fuzz/b.pcap");
    id.size = 4096 + 1233532800 % 1000;
    id.mtime_ns = 1233532800LL * 1000000000;
    snprintf(id.fingerprint, sizeof(id.fingerprint), "%032llx", 1233532800LL);
    int64_t file_id;
    enum store_presence presence;
    store_presence(store, &id, &file_id, other, sizeof(other), &presence);
    uint64_t packets = 0;
    int found = store_forget(store, "/fuzz/a.pcap", &packets, err, sizeof(err));
    FUZZ_CHECK(found >= -1 && found <= 1);
    if (found < 0)
        FUZZ_CHECK(strstr(err, in_path) != NULL);
    store_close(store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        setup();
    if (size < 1)
        return 0;
    struct cursor c = {data + 1, size - 1};
    switch (data[0] % 3) {
    case 0:
        write_store(in_path, data + 1, size - 1);
        break;
    case 1:
        write_store(in_path, in_template.data, in_template.len);
        edit_store(&c);
        break;
    default:
        damage_store(&c);
        break;
    }
    check_report();
    check_merge();
    check_write();
    return 0;
}
