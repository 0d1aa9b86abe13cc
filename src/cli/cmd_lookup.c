/*
 * honeyscope lookup: what the naming options say of some addresses — every
 * group each is in, with the matching prefix and its label, and its origin
 * AS and name — under the same --group, --pfx2as, --mmdb and --asnames as
 * report, at the snapshots in force on --at (the latest without it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "../report/report.h"
#include "cli.h"
#include "naming.h"
#include "suggest.h"

/* The longest input line, without its newline; a longer one is reported and skipped. */
#define LINE_MAX_BYTES 4096

static const char lookup_usage[] =
    "usage: honeyscope lookup [options] ADDRESS... | -\n"
    "\n"
    "For each address (IPv4 or IPv6; '-' reads them from stdin, one per line,\n"
    "'#' comments and blank lines skipped): its origin AS and name, and every\n"
    "group it is in, with the matching prefix and its label. A stdin line that\n"
    "is not an address, holds a NUL byte or is longer than 4096 bytes is\n"
    "reported with its number on stderr, and the next lines are still read.\n"
    "\n"
    "Naming (as for report):\n" NAMING_USAGE "\n"
    "  --at YYYY-MM-DD        use the snapshots in force on that day (default: the\n"
    "                         latest of each)\n"
    "  --format text|json     (default text)\n"
    "\n"
    "Exit status: 0 success, 1 some address or line could not be read or a file\n"
    "could not be loaded, 2 usage error.\n";

enum {
    OPT_AT = 256,
    OPT_FORMAT,
};

static const struct option lookup_options_long[] = {
    NAMING_LONG_OPTIONS,
    {"at", required_argument, NULL, OPT_AT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct lookup_args {
    struct naming_args naming;
    const char *at;
    int64_t at_s;
    bool json;
    struct lookup_group *found; /* per address, one per group at most */
};

/* Answers one address and writes it; returns 0, or 1 when it is not one. */
static int lookup_one(struct lookup_args *args, const char *text, bool first, FILE *out)
{
    struct lookup_answer a;
    memset(&a, 0, sizeof(a));
    a.text = text;
    if (addr_parse(&a.addr, text) < 0) {
        a.error = "not an IP address";
        render_lookup_one(out, args->json, &a, first);
        return 1;
    }
    const struct naming_args *n = &args->naming;
    a.has_origin = origin_lookup(&n->origins, &a.addr, args->at_s, &a.origin);
    for (size_t i = 0; i < n->group_count; i++) {
        const struct group *g = &n->groups[i];
        struct group_match match;
        if (!group_match_at(g, &n->origins, &a.addr, args->at_s, &match))
            continue;
        struct lookup_group *f = &args->found[a.group_count++];
        f->group = g;
        f->entry = match.entry;
        f->source = NULL;
        f->day = SNAPSHOT_UNDATED;
        if (g->kind == GROUP_PREFIXES && g->snapshots.count) {
            const struct snapshot *s = &g->snapshots.v[snapshot_index(&g->snapshots, args->at_s)];
            f->source = s->source;
            f->day = s->day;
        } else if (g->kind == GROUP_ASNS) {
            struct origin o;
            origin_lookup(&n->origins, &a.addr, args->at_s, &o);
            f->source = o.source;
            f->day = o.day;
        }
    }
    a.groups = args->found;
    render_lookup_one(out, args->json, &a, first);
    return 0;
}

/*
 * The next line of in into line (LINE_MAX_BYTES + 1 bytes), without its
 * '\n' and NUL-terminated. A longer line is read to its end and dropped: its
 * first bytes are kept and *too_long set, so that one bad line costs only
 * itself. Returns 1 with *len (the bytes kept), or 0 at the end of the input.
 */
static int read_line(FILE *in, char *line, size_t *len, bool *too_long)
{
    int c = EOF;
    size_t n = 0;
    *too_long = false;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n < LINE_MAX_BYTES)
            line[n++] = (char)c;
        else
            *too_long = true;
    }
    line[n] = '\0';
    *len = n;
    return c != EOF || n > 0 || *too_long;
}

/* bytes (len of them) for a message: printable ASCII as is, any other byte as
 * \xNN, so that hostile input cannot drive the terminal. Returns quoted,
 * which holds 4 * len + 1 bytes. */
static const char *quote(const char *bytes, size_t len, char *quoted)
{
    char *q = quoted;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c >= 0x20 && c < 0x7f)
            *q++ = (char)c;
        else
            q += sprintf(q, "\\x%02x", c);
    }
    *q = '\0';
    return quoted;
}

/*
 * Reads addresses from stdin, one per line. A line that is too long or holds
 * a NUL byte is reported with its number and skipped, as is one that is not
 * an address; the lines after it are still answered. Returns how many lines
 * were bad, or -1 on a read error.
 */
static int lookup_stdin(struct lookup_args *args, bool *first, FILE *out)
{
    static char line[LINE_MAX_BYTES + 1], quoted[4 * LINE_MAX_BYTES + 1];
    unsigned long line_no = 0;
    size_t len;
    bool too_long;
    int bad = 0;
    while (read_line(stdin, line, &len, &too_long)) {
        line_no++;
        if (too_long) {
            error("-:%lu: line longer than %d bytes", line_no, LINE_MAX_BYTES);
            bad++;
            continue;
        }
        if (memchr(line, '\0', len)) {
            error("-:%lu: '%s': line holds a NUL byte", line_no, quote(line, len, quoted));
            bad++;
            continue;
        }
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
            line[--len] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        if (lookup_one(args, p, *first, out)) {
            error("-:%lu: '%s' is not an IP address", line_no,
                  quote(p, (size_t)(line + len - p), quoted));
            bad++;
        }
        *first = false;
    }
    if (ferror(stdin)) {
        error("cannot read stdin: %s", strerror(errno));
        return -1;
    }
    return bad;
}

static int parse_args(struct lookup_args *args, int argc, char **argv)
{
    int c;
    while ((c = getopt_long(argc, argv, "h", lookup_options_long, NULL)) != -1) {
        int naming_status;
        if (naming_option(&args->naming, "lookup", c, optarg, &naming_status)) {
            if (naming_status >= 0)
                return naming_status;
            continue;
        }
        switch (c) {
        case OPT_AT: {
            int64_t days;
            if (parse_date(optarg, &days) < 0)
                return usage_error("lookup", "--at takes YYYY-MM-DD, not '%s'", optarg);
            args->at = optarg;
            args->at_s = days * 86400;
            break;
        }
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                args->json = false;
            else if (strcmp(optarg, "json") == 0)
                args->json = true;
            else
                return usage_error("lookup", "--format takes text or json, not '%s'", optarg);
            break;
        case 'h':
            fputs(lookup_usage, stdout);
            return EXIT_OK;
        default:
            return unknown_option("lookup", lookup_options_long, argv);
        }
    }
    if (optind >= argc)
        return usage_error("lookup", "no address given ('-' reads them from stdin)");
    return -1;
}

int cmd_lookup(int argc, char **argv)
{
    struct lookup_args args;
    memset(&args, 0, sizeof(args));
    naming_args_init(&args.naming);
    args.at_s = INT64_MAX;

    int status = parse_args(&args, argc, argv);
    if (status < 0)
        status = naming_finish(&args.naming, "lookup", false);
    if (status < 0 && args.naming.group_count == 0 && !origin_sources_any(&args.naming.origins))
        status = usage_error("lookup", "nothing to look addresses up in: give --group, --pfx2as "
                                       "or --mmdb");
    if (status >= 0)
        goto out;

    args.found = xcalloc(args.naming.group_count + 1, sizeof(*args.found));
    int bad = 0;
    bool first = true;
    render_lookup_begin(stdout, args.json, args.at);
    for (int i = optind; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            int n = lookup_stdin(&args, &first, stdout);
            bad += n < 0 ? 1 : n;
            continue;
        }
        if (lookup_one(&args, argv[i], first, stdout)) {
            error("'%s' is not an IP address", argv[i]);
            bad++;
        }
        first = false;
    }
    if (render_lookup_end(stdout, args.json) < 0) {
        error("cannot write to stdout");
        bad++;
    }
    status = bad ? EXIT_FAILED : EXIT_OK;
out:
    free(args.found);
    naming_args_release(&args.naming);
    return status;
}
