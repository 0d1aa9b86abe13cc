/*
 * SQL of the user's own on a store (honeyscope sql): the functions that
 * read the store's address bytes, and a read-only run of statements whose
 * rows go to the caller.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "store_int.h"

/* ---- functions: ip_text(), ip_bytes(), ip_in() ------------------------------------------- */

/* The address of a value holding the bytes the store keeps (4 or 16), else false. */
static bool value_addr(sqlite3_value *value, struct ip_addr *addr)
{
    if (sqlite3_value_type(value) != SQLITE_BLOB)
        return false;
    const void *bytes = sqlite3_value_blob(value);
    int len = sqlite3_value_bytes(value);
    return bytes && len > 0 && store_addr_from_bytes(addr, bytes, (size_t)len);
}

/* ip_text(ADDRESS): the bytes of an address as text, as reports write it; NULL for others. */
static void sql_ip_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct ip_addr addr;
    char text[ADDR_TEXT_MAX];
    if (!value_addr(argv[0], &addr)) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_text(ctx, addr_format(&addr, text), -1, SQLITE_TRANSIENT);
}

/* ip_bytes(TEXT): an address's text as the bytes the store keeps; NULL when it is none. */
static void sql_ip_bytes(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *text = sqlite3_value_text(argv[0]);
    int len = sqlite3_value_bytes(argv[0]);
    char buf[ADDR_TEXT_MAX];
    struct ip_addr addr;
    /* The text as a C string: one holding a NUL, or too long for an address, is none. */
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT || !text || len <= 0 ||
        (size_t)len >= sizeof(buf) || memchr(text, '\0', (size_t)len)) {
        sqlite3_result_null(ctx);
        return;
    }
    memcpy(buf, text, (size_t)len);
    buf[len] = '\0';
    if (addr_parse(&addr, buf) < 0) {
        sqlite3_result_null(ctx);
        return;
    }
    uint8_t bytes[STORE_ADDR_MAX];
    size_t n = store_addr_bytes(&addr, bytes);
    sqlite3_result_blob(ctx, bytes, (int)n, SQLITE_TRANSIENT);
}

/*
 * ip_in(ADDRESS, PREFIX): 1 when the address bytes lie in the prefix's text
 * ('198.51.100.0/24', '2001:db8::/32'), 0 when not, NULL when either is not
 * what it should be. The prefix is parsed once per statement, not per row
 * (SQLite keeps it as the argument's auxiliary data while it stays the same).
 */
static void sql_ip_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    struct ip_prefix *prefix = sqlite3_get_auxdata(ctx, 1);
    if (!prefix) {
        const unsigned char *text = sqlite3_value_text(argv[1]);
        int len = sqlite3_value_bytes(argv[1]);
        char buf[PREFIX_TEXT_MAX];
        const char *why;
        struct ip_prefix parsed;
        if (sqlite3_value_type(argv[1]) != SQLITE_TEXT || !text || len <= 0 ||
            (size_t)len >= sizeof(buf) || memchr(text, '\0', (size_t)len)) {
            sqlite3_result_null(ctx);
            return;
        }
        memcpy(buf, text, (size_t)len);
        buf[len] = '\0';
        if (prefix_parse(&parsed, buf, &why) < 0) {
            sqlite3_result_null(ctx);
            return;
        }
        prefix = xmalloc(sizeof(*prefix));
        *prefix = parsed;
        /* SQLite may free it at once (then it is gone from get_auxdata): read it back. */
        sqlite3_set_auxdata(ctx, 1, prefix, free);
        prefix = sqlite3_get_auxdata(ctx, 1);
        if (!prefix) {
            struct ip_addr addr;
            if (!value_addr(argv[0], &addr))
                sqlite3_result_null(ctx);
            else
                sqlite3_result_int(ctx, prefix_contains(&parsed, &addr));
            return;
        }
    }
    struct ip_addr addr;
    if (!value_addr(argv[0], &addr)) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int(ctx, prefix_contains(prefix, &addr));
}

/* ---- traffic_unpack(DATA), evidence_unpack(DATA): a pack's rows, as a table ---------------- */

/*
 * Table-valued functions: SELECT ... FROM traffic_pack p, traffic_unpack(p.data) u
 * gives each pack's rows, with traffic_row's columns (the sensor as its
 * bytes); evidence_unpack() gives an evidence pack's rows, each with its
 * kind's name and its value. The views read packs through them.
 */
enum unpack_column {
    UNPACK_BIN,
    UNPACK_SENSOR,
    UNPACK_REMOTE,
    UNPACK_PROTO,
    UNPACK_INITIATOR,
    UNPACK_SERVICE,
    UNPACK_PACKETS_IN,
    UNPACK_PACKETS_OUT,
    UNPACK_BYTES_IN,
    UNPACK_BYTES_OUT,
    UNPACK_FLOWS,
    UNPACK_FIRST_OFF,
    UNPACK_LAST_OFF,
    UNPACK_DATA, /* hidden: the argument */
};

enum evidence_unpack_column {
    EVIDENCE_UNPACK_BIN,
    EVIDENCE_UNPACK_REMOTE,
    EVIDENCE_UNPACK_KIND,
    EVIDENCE_UNPACK_VALUE,
    EVIDENCE_UNPACK_COUNT,
    EVIDENCE_UNPACK_DATA, /* hidden: the argument */
};

/* What tells the two tables apart: the module's aux. */
struct unpack_table {
    const char *name, *schema;
    int data_column;
    bool evidence;
};

static const struct unpack_table traffic_unpack = {
    "traffic_unpack",
    "CREATE TABLE x(bin INTEGER, sensor BLOB, remote BLOB, proto INTEGER,"
    " initiator INTEGER, service INTEGER, packets_in INTEGER, packets_out INTEGER,"
    " bytes_in INTEGER, bytes_out INTEGER, flows INTEGER, first_off INTEGER,"
    " last_off INTEGER, data HIDDEN)",
    UNPACK_DATA,
    false,
};

static const struct unpack_table evidence_unpack = {
    "evidence_unpack",
    "CREATE TABLE x(bin INTEGER, remote BLOB, kind TEXT, value BLOB, count INTEGER,"
    " data HIDDEN)",
    EVIDENCE_UNPACK_DATA,
    true,
};

struct unpack_vtab {
    sqlite3_vtab base;
    const struct unpack_table *table;
};

struct unpack_cursor {
    sqlite3_vtab_cursor base;
    struct cube_row *rows;
    size_t count, alloc, at;
    struct evidence_pack evidence;
};

static int unpack_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                          sqlite3_vtab **vtab, char **err)
{
    (void)argc, (void)argv, (void)err;
    const struct unpack_table *table = aux;
    int rc = sqlite3_declare_vtab(db, table->schema);
    if (rc != SQLITE_OK)
        return rc;
    /* It reads only its argument: the views of any store may use it. */
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    struct unpack_vtab *v = sqlite3_malloc(sizeof(*v));
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof(*v));
    v->table = table;
    *vtab = &v->base;
    return SQLITE_OK;
}

static int unpack_disconnect(sqlite3_vtab *vtab)
{
    sqlite3_free(vtab);
    return SQLITE_OK;
}

/* Only a plan that gives the pack is one: the planner puts the pack's table first. */
static int unpack_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info)
{
    const struct unpack_table *table = ((struct unpack_vtab *)vtab)->table;
    bool unusable = false;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn != table->data_column || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (!c->usable) {
            unusable = true;
            continue;
        }
        info->aConstraintUsage[i].argvIndex = 1;
        info->aConstraintUsage[i].omit = 1;
        info->estimatedCost = 1000;
        info->estimatedRows = 1000;
        return SQLITE_OK;
    }
    if (unusable)
        return SQLITE_CONSTRAINT;
    sqlite3_free(vtab->zErrMsg);
    vtab->zErrMsg = sqlite3_mprintf("%s() takes a pack: %s(data)", table->name, table->name);
    return SQLITE_ERROR;
}

static int unpack_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **cursor)
{
    (void)vtab;
    struct unpack_cursor *c = sqlite3_malloc(sizeof(*c));
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof(*c));
    *cursor = &c->base;
    return SQLITE_OK;
}

static int unpack_close(sqlite3_vtab_cursor *cursor)
{
    struct unpack_cursor *c = (struct unpack_cursor *)cursor;
    free(c->rows);
    evidence_pack_free(&c->evidence);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int unpack_collect(void *ctx, const struct cube_row *row)
{
    struct unpack_cursor *c = ctx;
    if (c->count == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 256;
        c->rows = xrealloc(c->rows, st_mult(c->alloc, sizeof(*c->rows)));
    }
    c->rows[c->count++] = *row;
    return 0;
}

static int unpack_filter(sqlite3_vtab_cursor *cursor, int plan, const char *plan_text, int argc,
                         sqlite3_value **argv)
{
    (void)plan, (void)plan_text;
    struct unpack_cursor *c = (struct unpack_cursor *)cursor;
    const struct unpack_table *table = ((struct unpack_vtab *)cursor->pVtab)->table;
    c->count = c->at = 0;
    evidence_pack_free(&c->evidence);
    if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return SQLITE_OK;
    const void *pack = sqlite3_value_blob(argv[0]);
    int len = sqlite3_value_bytes(argv[0]);
    const char *why = NULL;
    int status;
    if (table->evidence) {
        status = evidence_pack_decode(pack, len > 0 ? (size_t)len : 0, &c->evidence, &why);
        c->count = status < 0 ? 0 : c->evidence.row_count;
    } else {
        status = traffic_pack_decode(pack, len > 0 ? (size_t)len : 0, unpack_collect, c, &why);
    }
    if (status < 0) {
        c->count = 0;
        sqlite3_free(cursor->pVtab->zErrMsg);
        cursor->pVtab->zErrMsg =
            sqlite3_mprintf("a damaged %s pack: %s", table->evidence ? "evidence" : "traffic", why);
        return SQLITE_CORRUPT;
    }
    return SQLITE_OK;
}

static int unpack_next(sqlite3_vtab_cursor *cursor)
{
    ((struct unpack_cursor *)cursor)->at++;
    return SQLITE_OK;
}

static int unpack_eof(sqlite3_vtab_cursor *cursor)
{
    struct unpack_cursor *c = (struct unpack_cursor *)cursor;
    return c->at >= c->count;
}

static void result_addr(sqlite3_context *ctx, const struct ip_addr *addr)
{
    size_t len;
    const uint8_t *bytes = store_addr_view(addr, &len);
    sqlite3_result_blob(ctx, bytes, (int)len, SQLITE_TRANSIENT);
}

static void evidence_column(const struct evidence_pack *pack, size_t at, sqlite3_context *ctx,
                            int column)
{
    const struct evidence_pack_row *row = &pack->rows[at];
    const struct evidence_pack_value *value = &pack->values[row->value];
    switch (column) {
    case EVIDENCE_UNPACK_BIN:
        sqlite3_result_int64(ctx, row->bin);
        break;
    case EVIDENCE_UNPACK_REMOTE:
        result_addr(ctx, &row->remote);
        break;
    case EVIDENCE_UNPACK_KIND:
        sqlite3_result_text(ctx, value->kind, (int)value->kind_len, SQLITE_TRANSIENT);
        break;
    case EVIDENCE_UNPACK_VALUE:
        sqlite3_result_blob(ctx, value->len ? (const void *)value->bytes : "", (int)value->len,
                            SQLITE_TRANSIENT);
        break;
    case EVIDENCE_UNPACK_COUNT:
        sqlite3_result_int64(ctx, (sqlite3_int64)row->count);
        break;
    default:
        sqlite3_result_null(ctx);
        break;
    }
}

static int unpack_column(sqlite3_vtab_cursor *cursor, sqlite3_context *ctx, int column)
{
    struct unpack_cursor *c = (struct unpack_cursor *)cursor;
    if (((struct unpack_vtab *)cursor->pVtab)->table->evidence) {
        evidence_column(&c->evidence, c->at, ctx, column);
        return SQLITE_OK;
    }
    const struct cube_row *row = &c->rows[c->at];
    const struct cube_counts *n = &row->counts;
    switch (column) {
    case UNPACK_BIN:
        sqlite3_result_int64(ctx, row->key.bin);
        break;
    case UNPACK_SENSOR:
    case UNPACK_REMOTE:
        result_addr(ctx, column == UNPACK_SENSOR ? &row->key.sensor : &row->key.remote);
        break;
    case UNPACK_PROTO:
        sqlite3_result_int(ctx, row->key.proto);
        break;
    case UNPACK_INITIATOR:
        sqlite3_result_int(ctx, row->key.initiator);
        break;
    case UNPACK_SERVICE:
        sqlite3_result_int(ctx, row->key.service);
        break;
    case UNPACK_PACKETS_IN:
        sqlite3_result_int64(ctx, (sqlite3_int64)n->packets_in);
        break;
    case UNPACK_PACKETS_OUT:
        sqlite3_result_int64(ctx, (sqlite3_int64)n->packets_out);
        break;
    case UNPACK_BYTES_IN:
        sqlite3_result_int64(ctx, (sqlite3_int64)n->bytes_in);
        break;
    case UNPACK_BYTES_OUT:
        sqlite3_result_int64(ctx, (sqlite3_int64)n->bytes_out);
        break;
    case UNPACK_FLOWS:
        sqlite3_result_int64(ctx, (sqlite3_int64)n->flows);
        break;
    case UNPACK_FIRST_OFF:
        sqlite3_result_int64(ctx, n->first_ns / 1000000000 - row->key.bin);
        break;
    case UNPACK_LAST_OFF:
        sqlite3_result_int64(ctx, n->last_ns / 1000000000 - row->key.bin);
        break;
    default:
        sqlite3_result_null(ctx);
        break;
    }
    return SQLITE_OK;
}

static int unpack_rowid(sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((struct unpack_cursor *)cursor)->at;
    return SQLITE_OK;
}

/* Eponymous only (no xCreate): it exists on every connection that registers it, in no schema. */
static const sqlite3_module unpack_module = {
    .xConnect = unpack_connect,
    .xBestIndex = unpack_best_index,
    .xDisconnect = unpack_disconnect,
    .xOpen = unpack_open,
    .xClose = unpack_close,
    .xFilter = unpack_filter,
    .xNext = unpack_next,
    .xEof = unpack_eof,
    .xColumn = unpack_column,
    .xRowid = unpack_rowid,
};

int store_sql_functions(sqlite3 *db)
{
    /* Pure functions of their arguments: usable in indexes, views and by a store's own schema. */
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function_v2(db, "ip_text", 1, flags, NULL, sql_ip_text, NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_create_function_v2(db, "ip_bytes", 1, flags, NULL, sql_ip_bytes, NULL, NULL,
                                   NULL) != SQLITE_OK ||
        sqlite3_create_function_v2(db, "ip_in", 2, flags, NULL, sql_ip_in, NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_create_module_v2(db, traffic_unpack.name, &unpack_module, (void *)&traffic_unpack,
                                 NULL) != SQLITE_OK ||
        sqlite3_create_module_v2(db, evidence_unpack.name, &unpack_module, (void *)&evidence_unpack,
                                 NULL) != SQLITE_OK)
        return -1;
    return 0;
}

/* ---- running the user's statements -------------------------------------------------------- */

/* The line (from 1) of sql at byte offset. */
static unsigned line_at(const char *sql, size_t offset)
{
    unsigned line = 1;
    for (size_t i = 0; i < offset && sql[i]; i++)
        line += sql[i] == '\n';
    return line;
}

static int statement_error(struct store *s, const char *sql, const char *start, unsigned number,
                           char *err, size_t errlen)
{
    size_t offset = (size_t)(start - sql);
    int at = -1;
#if SQLITE_VERSION_NUMBER >= 3038000
    at = sqlite3_error_offset(s->db); /* from start, where the statement's text began */
#endif
    if (at >= 0) {
        offset += (size_t)at;
    } else {
        /* The statement's line is that of its first word, not the end of the one before. */
        while (sql[offset] == ' ' || sql[offset] == '\t' || sql[offset] == '\n' ||
               sql[offset] == '\r')
            offset++;
    }
    snprintf(err, errlen, "SQL statement %u (line %u): %s", number, line_at(sql, offset),
             sqlite3_errmsg(s->db));
    return -1;
}

/* Hands the row st stands on to the sink. */
static int give_row(sqlite3_stmt *st, struct store_value *values, int columns,
                    const struct store_query_sink *sink)
{
    for (int i = 0; i < columns; i++) {
        struct store_value *v = &values[i];
        memset(v, 0, sizeof(*v));
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            v->type = STORE_VALUE_INTEGER;
            v->integer = sqlite3_column_int64(st, i);
            break;
        case SQLITE_FLOAT:
            /* SQLite's own text of the number, as its shell writes it. */
            v->type = STORE_VALUE_REAL;
            v->bytes = sqlite3_column_text(st, i);
            break;
        case SQLITE_TEXT:
            v->type = STORE_VALUE_TEXT;
            v->bytes = sqlite3_column_text(st, i);
            break;
        case SQLITE_BLOB:
            v->type = STORE_VALUE_BLOB;
            v->bytes = sqlite3_column_blob(st, i);
            break;
        default:
            v->type = STORE_VALUE_NULL;
            continue;
        }
        int len = sqlite3_column_bytes(st, i);
        v->len = len > 0 ? (size_t)len : 0;
        if (!v->bytes)
            v->len = 0;
    }
    return sink->row(sink->ctx, (size_t)columns, values);
}

/* Runs one prepared statement; its rows go to the sink. */
static int run_statement(sqlite3_stmt *st, const struct store_query_sink *sink, bool *sink_failed)
{
    int columns = sqlite3_column_count(st);
    const char **names = columns ? xcalloc((size_t)columns, sizeof(*names)) : NULL;
    struct store_value *values = columns ? xcalloc((size_t)columns, sizeof(*values)) : NULL;
    for (int i = 0; i < columns; i++) {
        names[i] = sqlite3_column_name(st, i);
        if (!names[i])
            names[i] = "";
    }
    int ret = 0, rc;
    if (columns && sink->columns(sink->ctx, (size_t)columns, names) < 0)
        ret = -1, *sink_failed = true;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (give_row(st, values, columns, sink) < 0)
            ret = -1, *sink_failed = true;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = -1;
    if (ret == 0 && columns && sink->end(sink->ctx) < 0)
        ret = -1, *sink_failed = true;
    free(names);
    free(values);
    return ret;
}

int store_query(struct store *s, const char *sql, const struct store_query_sink *sink, char *err,
                size_t errlen)
{
    /*
     * The store may come from another machine: its schema (views, triggers)
     * may call only innocuous functions, and may not be written around.
     */
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    if (store_traffic_views(s, err, errlen) < 0)
        return -1;
    const char *next = sql;
    unsigned number = 0;
    while (*next) {
        const char *start = next;
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s->db, start, -1, &st, &next) != SQLITE_OK)
            return statement_error(s, sql, start, number + 1, err, errlen);
        if (!st) /* blanks or a comment */
            continue;
        number++;
        bool sink_failed = false;
        int ret = run_statement(st, sink, &sink_failed);
        if (ret < 0 && !sink_failed)
            statement_error(s, sql, start, number, err, errlen);
        else if (ret < 0)
            snprintf(err, errlen, "cannot write the rows of SQL statement %u", number);
        sqlite3_finalize(st);
        if (ret < 0)
            return -1;
    }
    if (number == 0) {
        snprintf(err, errlen, "no SQL statement given");
        return -1;
    }
    return 0;
}
