/*
 * honeyscope prefixes: named prefix sets kept in a store, so that
 * 'report --db STORE --group NAME' needs no file at report time and the
 * store carries the exact ranges its reports were made with.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../attrib/attrib.h"
#include "../common/xalloc.h"
#include "../store/store.h"
#include "cli.h"
#include "naming.h"
#include "prefixes_show.h"
#include "stored_groups.h"
#include "suggest.h"

static const char prefixes_usage[] =
    "usage: honeyscope prefixes add --db STORE NAME SPEC...\n"
    "       honeyscope prefixes add --db STORE NAMING-OPTION...\n"
    "       honeyscope prefixes list --db STORE\n"
    "       honeyscope prefixes remove --db STORE NAME...\n"
    "       honeyscope prefixes show FILE[:SELECTION]\n"
    "\n"
    "Keeps named prefix sets in STORE. SPEC is what follows NAME= in --group:\n"
    "FILE[@YYYY-MM-DD][:SELECTION] (a \"CIDR label\" list or a provider's JSON) or\n"
    "AS1,AS2. The file's bytes are stored, so reports need no file later:\n"
    "'honeyscope report --db STORE --group NAME'. Several SPECs (or several adds)\n"
    "under one NAME are dated snapshots of one group. A SPEC is refused unless the\n"
    "set it joins loads as that report will load it (a date on every file, one\n"
    "file per day, a selection keeping some prefix); NAME 'any' is the built-in\n"
    "group of every remote address and cannot be stored.\n"
    "\n"
    "The naming options of add keep naming files in the store too, each with its\n"
    "date: 'report --db STORE' then uses them when it is given none of the option\n"
    "of the same name. 'list' shows them as @pfx2as, @mmdb and @asnames with their\n"
    "dates, 'remove' takes those names.\n"
    "  --pfx2as FILE[@YYYY-MM-DD]  a routing table snapshot (repeatable; dated by\n"
    "                         its header or @YYYY-MM-DD; one a day)\n"
    "  --mmdb FILE            a MaxMind DB (dated by its build day; one)\n"
    "  --asnames FILE[@YYYY-MM-DD]  AS names (dated @YYYY-MM-DD or by the file's\n"
    "                         modification day; one)\n"
    "\n"
    "'show' needs no store: it lists a prefix file's labels and, for a provider's\n"
    "file, its regions and services (AWS services, Azure tags), each with its\n"
    "IPv4 and IPv6 prefix counts, as a selection or 'report --by label' names them.\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

#define MAX_STORED_FILE (256u << 20)

/* The longest leading part of spec that names a regular file, or 0. */
static size_t file_part(const char *spec)
{
    size_t best = 0, n = strlen(spec);
    char *copy = xstrdup(spec);
    for (size_t cut = n; cut > 0; cut--) {
        if (cut < n && spec[cut] != '@' && spec[cut] != ':')
            continue;
        struct stat st;
        copy[cut] = '\0';
        if (stat(copy, &st) == 0 && S_ISREG(st.st_mode)) {
            best = cut;
            break;
        }
    }
    free(copy);
    return best;
}

static int read_file(const char *path, void **bytes, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    size_t alloc = 0;
    *bytes = NULL;
    *len = 0;
    if (!fp)
        return error("cannot open '%s': %s", path, strerror(errno));
    for (;;) {
        if (*len == alloc) {
            if (alloc >= MAX_STORED_FILE) {
                fclose(fp);
                return error("'%s' is larger than %u MiB", path, MAX_STORED_FILE >> 20);
            }
            alloc = alloc ? alloc * 2 : 65536;
            *bytes = xrealloc(*bytes, alloc);
        }
        size_t got = fread((char *)*bytes + *len, 1, alloc - *len, fp);
        *len += got;
        if (got == 0)
            break;
    }
    int failed = ferror(fp);
    fclose(fp);
    return failed ? error("cannot read '%s'", path) : 0;
}

/*
 * Whether 'report --db STORE --group name' will load the set once spec is
 * added to it: spec parses, joins what the store holds under name by the
 * rules of a --group given again, and the whole passes the checks of a
 * report's groups. A store never keeps a set its reports could not load.
 * Returns 0 with *asns (spec is an AS list), or -1 (said).
 */
static int check_spec(struct store *store, const char *name, const char *spec, bool *asns)
{
    char err[1536];
    struct group added, set;
    char *text = xmalloc(st_add(strlen(name) + 2, strlen(spec)));
    sprintf(text, "%s=%s", name, spec);
    int parsed = group_parse(&added, text, err, sizeof(err));
    free(text);
    if (parsed < 0)
        return error("%s", err);
    *asns = added.kind == GROUP_ASNS;
    int found = stored_group_read(store, name, &set, err, sizeof(err));
    if (found < 0) {
        group_release(&added);
        return error("%s", err);
    }
    if (found == 0) {
        set = added;
    } else if (group_merge(&set, &added, err, sizeof(err)) < 0) {
        group_release(&set);
        return error("cannot add '%s' to prefix set '%s': %s", spec, name, err);
    }
    int ok = naming_group_check(&set, err, sizeof(err));
    group_release(&set);
    return ok < 0 ? error("cannot add '%s' to prefix set '%s': %s", spec, name, err) : 0;
}

static int add_spec(struct store *store, const char *name, const char *spec)
{
    char err[1024];
    bool asns = false;
    if (check_spec(store, name, spec, &asns) < 0)
        return -1;

    struct stored_prefix_spec row = {.name = name, .spec = spec};
    void *bytes = NULL;
    char *path = NULL;
    if (!asns) {
        size_t cut = file_part(spec);
        if (cut == 0)
            return error("'%s' names no file", spec);
        path = xstrdup(spec);
        path[cut] = '\0';
        row.file_suffix = spec + cut;
        if (read_file(path, &bytes, &row.content_len) < 0) {
            free(path);
            return -1;
        }
        row.content = bytes;
    }
    int ret = store_prefix_add(store, &row, err, sizeof(err));
    if (ret < 0)
        error("%s", err);
    else
        fprintf(stderr, "honeyscope: prefix set '%s': added %s\n", name, spec);
    free(bytes);
    free(path);
    return ret;
}

static int list_one(void *ctx, const struct stored_prefix_spec *spec)
{
    (void)ctx;
    printf("%-16s %-50s %zu bytes\n", spec->name, spec->spec, spec->content_len);
    return 0;
}

/* "FILE" or "FILE@YYYY-MM-DD" -> the file, and the day (SNAPSHOT_UNDATED). */
static int split_dated(const char *arg, char **file, int64_t *day)
{
    *file = xstrdup(arg);
    *day = SNAPSHOT_UNDATED;
    char *at = strrchr(*file, '@');
    if (at && strlen(at) == 11) {
        if (parse_date(at + 1, day) < 0) {
            free(*file);
            return usage_error("prefixes", "'%s': bad date (want FILE@YYYY-MM-DD)", arg);
        }
        *at = '\0';
    }
    return -1;
}

/* Whether the store keeps a row of name with the suffix (NULL: any). */
struct seek {
    const char *suffix;
    bool found;
};

static int seek_one(void *ctx, const struct stored_prefix_spec *spec)
{
    struct seek *s = ctx;
    if (!s->suffix || (spec->file_suffix && strcmp(spec->file_suffix, s->suffix) == 0))
        s->found = true;
    return 0;
}

/*
 * Keeps a naming file (kind STORED_PFX2AS, STORED_MMDB or STORED_ASNAMES) in
 * the store, dated, once it loads as the report will load it. Returns 0, or
 * -1 (said).
 */
static int add_naming(struct store *store, const char *kind, const char *arg)
{
    char err[1024], suffix[16] = "";
    char *file;
    int64_t day;
    int rc = split_dated(arg, &file, &day);
    if (rc >= 0)
        return -1;
    if (strcmp(kind, STORED_PFX2AS) == 0) {
        struct prefix_set *set = prefix_set_new();
        struct prefix_file_info info;
        rc = prefix_set_load_pfx2as_info(set, file, &info, err, sizeof(err));
        prefix_set_free(set);
        if (day == SNAPSHOT_UNDATED && rc == 0)
            day = info.day;
    } else if (strcmp(kind, STORED_MMDB) == 0) {
        struct mmdb_source *db = mmdb_source_open(file, err, sizeof(err));
        rc = db ? 0 : -1;
        if (db && day == SNAPSHOT_UNDATED)
            day = mmdb_source_day(db);
        mmdb_source_free(db);
    } else {
        struct as_names *names = as_names_load(file, err, sizeof(err));
        struct stat st;
        rc = names ? 0 : -1;
        as_names_free(names);
        if (rc == 0 && day == SNAPSHOT_UNDATED && stat(file, &st) == 0)
            day = (int64_t)st.st_mtime / 86400;
    }
    if (rc < 0) {
        free(file);
        return error("%s", err);
    }
    if (day != SNAPSHOT_UNDATED) {
        char date[16];
        snprintf(suffix, sizeof(suffix), "@%s", snapshot_day_format(day, date, sizeof(date)));
    }
    /* One mmdb, one AS-name file, one routing table a day: as a report takes them. */
    struct seek seek = {strcmp(kind, STORED_PFX2AS) == 0 ? suffix : NULL, false};
    if (store_prefix_each(store, kind, seek_one, &seek, err, sizeof(err)) < 0) {
        free(file);
        return error("%s", err);
    }
    if (seek.found) {
        free(file);
        return error("the store keeps %s already: remove it first ('honeyscope prefixes "
                     "remove --db STORE %s')",
                     strcmp(kind, STORED_PFX2AS) == 0 ? "a routing table of that day"
                     : strcmp(kind, STORED_MMDB) == 0 ? "an mmdb"
                                                      : "AS names",
                     kind);
    }
    char *spec = xmalloc(st_add(strlen(file), sizeof(suffix)));
    sprintf(spec, "%s%s", file, suffix);
    struct stored_prefix_spec row = {.name = kind, .spec = spec, .file_suffix = suffix};
    void *bytes = NULL;
    rc = read_file(file, &bytes, &row.content_len);
    row.content = bytes;
    if (rc == 0 && (rc = store_prefix_add(store, &row, err, sizeof(err))) < 0)
        error("%s", err);
    if (rc == 0)
        fprintf(stderr, "honeyscope: %s: added %s\n", kind, spec);
    free(bytes);
    free(spec);
    free(file);
    return rc;
}

enum { OPT_PFX2AS = 256, OPT_MMDB, OPT_ASNAMES };

static int prefixes_action(int argc, char **argv, const struct option *options, const char *db,
                           const char **naming_kind, const char **naming_arg, size_t naming_count);

/* The stored name of a naming option. */
static const char *naming_kind_of(int opt)
{
    return opt == OPT_PFX2AS ? STORED_PFX2AS : opt == OPT_MMDB ? STORED_MMDB : STORED_ASNAMES;
}

int cmd_prefixes(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"pfx2as", required_argument, NULL, OPT_PFX2AS},
        {"mmdb", required_argument, NULL, OPT_MMDB},
        {"asnames", required_argument, NULL, OPT_ASNAMES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    /* --pfx2as, --mmdb, --asnames: kept in the order given. */
    const char **naming_kind = xcalloc((size_t)argc + 1, sizeof(*naming_kind));
    const char **naming_arg = xcalloc((size_t)argc + 1, sizeof(*naming_arg));
    size_t naming_count = 0;
    int c, status = EXIT_OK;
    while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        if (c == OPT_PFX2AS || c == OPT_MMDB || c == OPT_ASNAMES) {
            naming_kind[naming_count] = naming_kind_of(c);
            naming_arg[naming_count++] = optarg;
        } else if (c == 'd') {
            db = optarg;
        } else if (c == 'h') {
            fputs(prefixes_usage, stdout);
            goto done;
        } else {
            status = unknown_option("prefixes", options, argv);
            goto done;
        }
    }
    status = prefixes_action(argc, argv, options, db, naming_kind, naming_arg, naming_count);
done:
    free(naming_kind);
    free(naming_arg);
    return status;
}

static int prefixes_action(int argc, char **argv, const struct option *options, const char *db,
                           const char **naming_kind, const char **naming_arg, size_t naming_count)
{
    int c;
    if (optind >= argc)
        return usage_error("prefixes", "give add, list, remove or show");
    const char *action = argv[optind++];
    if (strcmp(action, "show") == 0) {
        if (argc - optind != 1)
            return usage_error("prefixes", "show takes one FILE[:SELECTION]");
        return prefixes_show(argv[optind]);
    }
    /* Options may also follow the action, before or after its operands: parsed
     * afresh from the action on (argv[0] is then the action), in GNU order. */
    argv += optind - 1;
    argc -= optind - 1;
    optind = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == OPT_PFX2AS || c == OPT_MMDB || c == OPT_ASNAMES) {
            naming_kind[naming_count] = naming_kind_of(c);
            naming_arg[naming_count++] = optarg;
        } else if (c == 'd') {
            db = optarg;
        } else {
            return unknown_option("prefixes", options, argv);
        }
    }
    if (!db)
        return usage_error("prefixes", "--db STORE is required");
    bool add = strcmp(action, "add") == 0, list = strcmp(action, "list") == 0,
         remove = strcmp(action, "remove") == 0;
    if (!add && !list && !remove)
        return usage_error("prefixes", "'%s' is not add, list, remove or show", action);
    if (naming_count && !add)
        return usage_error("prefixes", "--pfx2as, --mmdb and --asnames go with add");
    if ((add && !naming_count && argc - optind < 2) || (add && argc - optind == 1) ||
        (remove && argc - optind < 1))
        return usage_error("prefixes", add ? "give NAME and at least one SPEC" : "give NAME");
    if (add && argc - optind >= 1 && group_name_builtin(argv[optind]))
        return usage_error("prefixes",
                           "'%s' is a built-in group ('--group %s' in a report), which a stored "
                           "set of that name could never replace: choose another NAME",
                           argv[optind], argv[optind]);

    char err[1024];
    struct store *store = store_open(db, list ? STORE_READ : STORE_WRITE, err, sizeof(err));
    if (!store) {
        error("%s", err);
        return EXIT_FAILED;
    }
    int status = EXIT_OK;
    if (add) {
        for (size_t i = 0; i < naming_count; i++)
            if (add_naming(store, naming_kind[i], naming_arg[i]) < 0)
                status = EXIT_FAILED;
        for (int i = optind + 1; i < argc; i++)
            if (add_spec(store, argv[optind], argv[i]) < 0)
                status = EXIT_FAILED;
    } else if (list) {
        if (store_prefix_each(store, NULL, list_one, NULL, err, sizeof(err)) < 0) {
            error("%s", err);
            status = EXIT_FAILED;
        }
    } else {
        for (int i = optind; i < argc; i++) {
            int n = store_prefix_remove(store, argv[i], err, sizeof(err));
            if (n < 0)
                error("%s", err);
            else if (n == 0)
                error("the store holds no prefix set '%s'", argv[i]);
            else
                fprintf(stderr, "honeyscope: removed prefix set '%s'\n", argv[i]);
            if (n <= 0)
                status = EXIT_FAILED;
        }
    }
    store_close(store);
    return status;
}
