/*
 * honeyscope sql: the user's own SQL on a store, read-only, with functions
 * that read the store's address bytes (docs/store.md, "SQL stays usable").
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../report/report.h"
#include "../store/store.h"
#include "cli.h"
#include "suggest.h"

static const char sql_usage[] =
    "usage: honeyscope sql --db STORE [options] [SQL]\n"
    "\n"
    "Runs SQL on STORE (one statement or several, separated by ';'), read from\n"
    "standard input when SQL is not given or is '-'. The store is opened read-only:\n"
    "a statement that would change it fails. Tables and views are those of\n"
    "docs/store.md; the views traffic, traffic_named and traffic_raw (every traffic\n"
    "row, packed or loose) exist only here. Besides SQLite's own functions:\n"
    "  ip_text(ADDRESS)        an address as the store keeps it (remote,\n"
    "                          sensor_address.address: 4 or 16 bytes) as text, as\n"
    "                          reports write it; NULL for anything else\n"
    "  ip_bytes(TEXT)          the bytes the store keeps for an address's text:\n"
    "                          WHERE remote = ip_bytes('198.51.100.7')\n"
    "  ip_in(ADDRESS, PREFIX)  1 when the address lies in PREFIX ('198.51.100.0/24',\n"
    "                          '2001:db8::/32'), 0 when not, NULL when either is not\n"
    "                          what it should be\n"
    "\n"
    "Options:\n"
    "  --db STORE             the store (required)\n"
    "  --format text|csv|json  (default text)\n"
    "      text: a line per row, values separated by '|' (the sqlite3 shell's\n"
    "            list mode), no header\n"
    "      csv:  a header line of column names, then the rows (RFC 4180)\n"
    "      json: per statement that gives columns, an array of objects, one per row\n"
    "  -o, --output FILE      write to FILE (whole or not at all), not stdout\n"
    "\n"
    "Text from the store (evidence values are bytes as an attacker sent them) is\n"
    "written as printable UTF-8, any other byte as \\xNN; BLOBs as x'hex'. NULL is\n"
    "empty in text and CSV, null in JSON.\n"
    "\n"
    "Exit status: 0 success, 1 the store could not be read or a statement failed\n"
    "(on stdout the rows of the statements before it are written; -o FILE is left\n"
    "as it was), 2 usage error.\n";

enum sql_format {
    SQL_TEXT,
    SQL_CSV,
    SQL_JSON,
};

struct sql_writer {
    FILE *out;
    enum sql_format format;
    char **names; /* the columns of the statement being written, escaped */
    size_t column_count;
    size_t rows; /* of the statement being written */
};

static void free_names(struct sql_writer *w)
{
    for (size_t i = 0; i < w->column_count; i++)
        free(w->names[i]);
    free(w->names);
    w->names = NULL;
    w->column_count = 0;
}

/* Writes s, printable already (escape_printable()), as a JSON string. */
static void json_string_write(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void blob_write(FILE *out, const unsigned char *bytes, size_t len)
{
    fputs("x'", out);
    for (size_t i = 0; i < len; i++)
        fprintf(out, "%02x", bytes[i]);
    fputc('\'', out);
}

static void value_write(const struct sql_writer *w, const struct store_value *v)
{
    FILE *out = w->out;
    switch (v->type) {
    case STORE_VALUE_NULL:
        if (w->format == SQL_JSON)
            fputs("null", out);
        break;
    case STORE_VALUE_INTEGER:
        fprintf(out, "%" PRId64, v->integer);
        break;
    case STORE_VALUE_REAL: {
        /* SQLite's text of the number; JSON has no infinity ("Inf", "-Inf"). */
        const char *text = (const char *)v->bytes;
        bool finite = text && !strstr(text, "Inf");
        if (w->format == SQL_JSON && !finite)
            fputs("null", out);
        else if (text)
            fputs(text, out);
        break;
    }
    case STORE_VALUE_TEXT: {
        char *text = escape_printable(v->bytes, v->len);
        if (w->format == SQL_CSV)
            csv_escape(out, text);
        else if (w->format == SQL_JSON)
            json_string_write(out, text);
        else
            fputs(text, out);
        free(text);
        break;
    }
    case STORE_VALUE_BLOB:
        if (w->format == SQL_JSON)
            fputc('"', out);
        blob_write(out, v->bytes, v->len);
        if (w->format == SQL_JSON)
            fputc('"', out);
        break;
    }
}

static int sql_columns(void *ctx, size_t count, const char *const *names)
{
    struct sql_writer *w = ctx;
    free_names(w);
    w->names = xcalloc(count, sizeof(*w->names));
    w->column_count = count;
    w->rows = 0;
    for (size_t i = 0; i < count; i++)
        w->names[i] = escape_printable(names[i], strlen(names[i]));
    if (w->format == SQL_CSV) {
        for (size_t i = 0; i < count; i++) {
            if (i)
                fputc(',', w->out);
            csv_escape(w->out, w->names[i]);
        }
        fputc('\n', w->out);
    } else if (w->format == SQL_JSON) {
        fputc('[', w->out);
    }
    return ferror(w->out) ? -1 : 0;
}

static int sql_row(void *ctx, size_t count, const struct store_value *values)
{
    struct sql_writer *w = ctx;
    if (w->format == SQL_JSON)
        fputs(w->rows ? ",\n{" : "\n{", w->out);
    for (size_t i = 0; i < count; i++) {
        if (w->format == SQL_JSON) {
            if (i)
                fputc(',', w->out);
            json_string_write(w->out, i < w->column_count ? w->names[i] : "");
            fputc(':', w->out);
        } else if (i) {
            fputc(w->format == SQL_CSV ? ',' : '|', w->out);
        }
        value_write(w, &values[i]);
    }
    fputs(w->format == SQL_JSON ? "}" : "\n", w->out);
    w->rows++;
    return ferror(w->out) ? -1 : 0;
}

static int sql_end(void *ctx)
{
    struct sql_writer *w = ctx;
    if (w->format == SQL_JSON)
        fputs(w->rows ? "\n]\n" : "]\n", w->out);
    free_names(w);
    return ferror(w->out) ? -1 : 0;
}

/* The whole of standard input, as a string; NULL with a message when it cannot be. */
static char *read_stdin_sql(void)
{
    size_t alloc = 4096, used = 0;
    char *sql = xmalloc(alloc);
    size_t n;
    while ((n = fread(sql + used, 1, alloc - used - 1, stdin)) > 0) {
        used += n;
        if (alloc - used - 1 == 0)
            sql = xrealloc(sql, alloc *= 2);
    }
    if (ferror(stdin)) {
        free(sql);
        error("cannot read the SQL from standard input");
        return NULL;
    }
    sql[used] = '\0';
    if (strlen(sql) != used) {
        free(sql);
        error("the SQL on standard input holds a NUL byte");
        return NULL;
    }
    return sql;
}

int cmd_sql(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *output = NULL;
    struct sql_writer writer = {.format = SQL_TEXT};
    int c;
    while ((c = getopt_long(argc, argv, "ho:", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                writer.format = SQL_TEXT;
            else if (strcmp(optarg, "csv") == 0)
                writer.format = SQL_CSV;
            else if (strcmp(optarg, "json") == 0)
                writer.format = SQL_JSON;
            else
                return usage_error("sql", "--format must be text, csv or json, not '%s'", optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            fputs(sql_usage, stdout);
            return EXIT_OK;
        default:
            return unknown_option("sql", options, argv);
        }
    }
    if (!db)
        return usage_error("sql", "--db STORE is required");
    if (argc - optind > 1)
        return usage_error("sql", "give the SQL as one argument (quote it), or on standard input");

    char *sql =
        optind < argc && strcmp(argv[optind], "-") != 0 ? xstrdup(argv[optind]) : read_stdin_sql();
    if (!sql)
        return EXIT_FAILED;
    char err[1024];
    struct store *store = store_open(db, STORE_READ, err, sizeof(err));
    if (!store) {
        error("%s", err);
        free(sql);
        return EXIT_FAILED;
    }
    int status = EXIT_FAILED;
    struct output out;
    if (output_open(&out, output) == 0) {
        writer.out = out.fp;
        const struct store_query_sink sink = {&writer, sql_columns, sql_row, sql_end};
        int ran = store_query(store, sql, &sink, err, sizeof(err));
        bool written = output_close(&out, ran == 0) == 0;
        if (ran < 0)
            error("%s", err);
        else if (!written)
            error("cannot write to '%s'", output ? output : "stdout");
        else
            status = EXIT_OK;
    }
    free_names(&writer);
    store_close(store);
    free(sql);
    return status;
}
