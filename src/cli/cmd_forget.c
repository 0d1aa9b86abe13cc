/*
 * honeyscope forget: removes capture files' contributions from a store, each
 * in its own transaction, e.g. a capture found to be from the wrong sensor.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/store.h"
#include "cli.h"
#include "suggest.h"

static const char forget_usage[] =
    "usage: honeyscope forget --db STORE FILE...\n"
    "\n"
    "Removes what each capture FILE contributed to STORE (its traffic rows and its\n"
    "record). FILE is named as it was ingested, or by any other name of it ('./',\n"
    "'..', symbolic links: ingest keeps the absolute name with links resolved); it\n"
    "need not exist any more. A live capture (ingest --live) is named as reports\n"
    "list it, live:IFACE@START.\n"
    "\n"
    "Exit status: 0 success, 1 some FILE was not in the store or could not be\n"
    "removed, 2 usage error.\n";

/* A symbolic link loop, or a chain too long to follow (as the kernel's ELOOP). */
#define MAX_LINKS 40

/* Appends "/name" (len bytes) to the absolute path dir (PATH_MAX bytes), or
 * replaces dir's last name with it when dir is "/". Returns 0, or -1 when
 * it does not fit. */
static int append_name(char *dir, const char *name, size_t len)
{
    size_t used = strlen(dir);
    if (used == 1)
        used = 0; /* "/" + "name" is "/name", not "//name" */
    if (len > PATH_MAX - 2 - used)
        return -1;
    dir[used] = '/';
    memcpy(dir + used + 1, name, len);
    dir[used + 1 + len] = '\0';
    return 0;
}

/*
 * The name ingest stored for path: absolute, symbolic links resolved, no
 * ".", ".." or "//" (store_identify() keeps realpath()). realpath() itself
 * fails for a file that is gone, so the walk is done here name by name: a
 * name that is a symbolic link is replaced by its target, ".." takes off the
 * last name, and a name that no longer exists is kept as written, since it
 * stood there when the file was ingested. Returns 0 with the name in out
 * (PATH_MAX bytes), or -1 with errno set.
 */
static int stored_name(const char *path, char *out)
{
    char rest[PATH_MAX], next[PATH_MAX], target[PATH_MAX];
    int links = 0;
    if (strlen(path) >= sizeof(rest)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(rest, path, strlen(path) + 1);
    if (path[0] == '/')
        memcpy(out, "/", 2);
    else if (!getcwd(out, PATH_MAX)) /* the working folder, links resolved */
        return -1;
    const char *p = rest;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        const char *after = slash ? slash + 1 : p + len;
        if (len == 0 || (len == 1 && p[0] == '.')) {
            p = after;
            continue;
        }
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            char *last = strrchr(out, '/');
            last[last == out ? 1 : 0] = '\0';
            p = after;
            continue;
        }
        size_t kept = strlen(out);
        if (append_name(out, p, len) < 0) {
            errno = ENAMETOOLONG;
            return -1;
        }
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode)) {
            p = after;
            continue;
        }
        /* A link: its target takes its place, before the names that follow. */
        ssize_t n = readlink(out, target, sizeof(target) - 1);
        if (n < 0)
            return -1;
        target[n] = '\0';
        if (++links > MAX_LINKS) {
            errno = ELOOP;
            return -1;
        }
        if ((size_t)n + 1 + strlen(after) >= sizeof(next)) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(next, target, (size_t)n);
        next[n] = '/';
        memcpy(next + n + 1, after, strlen(after) + 1);
        memcpy(rest, next, strlen(next) + 1);
        p = rest;
        if (target[0] == '/')
            memcpy(out, "/", 2);
        else
            out[kept > 1 ? kept : 1] = '\0';
    }
    return 0;
}

int cmd_forget(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(forget_usage, stdout);
            return EXIT_OK;
        default:
            return unknown_option("forget", options, argv);
        }
    }
    if (!db || optind >= argc)
        return usage_error("forget", db ? "no files given" : "--db STORE is required");

    char err[1024];
    struct store *store = store_open(db, STORE_WRITE, err, sizeof(err));
    if (!store) {
        error("%s", err);
        return EXIT_FAILED;
    }
    int status = EXIT_OK;
    for (int i = optind; i < argc; i++) {
        char name[PATH_MAX];
        /* A live capture's name is no path: taken as written. */
        if (strncmp(argv[i], "live:", 5) == 0 && strlen(argv[i]) < sizeof(name)) {
            memcpy(name, argv[i], strlen(argv[i]) + 1);
        } else if (stored_name(argv[i], name) < 0) {
            error("cannot tell the absolute name of '%s': %s", argv[i], strerror(errno));
            status = EXIT_FAILED;
            continue;
        }
        uint64_t packets = 0;
        int found = store_forget(store, name, &packets, err, sizeof(err));
        if (found < 0) {
            error("%s", err);
            status = EXIT_FAILED;
        } else if (found == 0) {
            error("'%s' (stored as '%s') is not in the store", argv[i], name);
            status = EXIT_FAILED;
        } else {
            fprintf(stderr, "honeyscope: forgot '%s' (%" PRIu64 " packets)\n", argv[i], packets);
        }
    }
    store_close(store);
    return status;
}
