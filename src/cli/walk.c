/*
 * The capture files behind the paths a user names: directories walked
 * recursively, files recognised by the capture stage from their bytes.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../capture/capture.h"
#include "../common/hash_index.h"
#include "../common/xalloc.h"
#include "../flowlog/flowlog.h"
#include "cli.h"

/* The files and directories already met, by device and inode: links and loops end here. */
struct seen_set {
    struct seen_entry {
        uint64_t dev, ino;
    } * v;
    size_t count, alloc;
    struct hash_index index;
};

static const void *seen_key_of(const void *rows, uint32_t row, void *scratch, size_t *len)
{
    (void)scratch;
    *len = sizeof(struct seen_entry);
    return &((const struct seen_entry *)rows)[row];
}

/* Adds (dev, ino); returns false when it was there already. */
static bool seen_add(struct seen_set *set, const struct stat *st)
{
    struct seen_entry e = {(uint64_t)st->st_dev, (uint64_t)st->st_ino};
    if (!set->index.slots)
        hash_index_init(&set->index, seen_key_of, 0);
    if (hash_index_find_or_add(&set->index, set->v, &e, sizeof(e), (uint32_t)set->count) !=
        set->count)
        return false;
    ALLOC_GROW(set->v, set->count + 1, set->alloc);
    set->v[set->count++] = e;
    return true;
}

static void result_add(struct walk_result *result, const char *path)
{
    ALLOC_GROW(result->paths, result->count + 1, result->alloc);
    result->paths[result->count++] = xstrdup(path);
}

static char *path_join(const char *dir, const char *name)
{
    size_t dlen = strlen(dir);
    bool slash = dlen && dir[dlen - 1] == '/';
    char *path = xmalloc(dlen + strlen(name) + 2);
    sprintf(path, "%s%s%s", dir, slash ? "" : "/", name);
    return path;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Whether a capture found in a directory cannot hold packets that matter to period. */
static bool outside_period(const struct walk_period *period, const struct capture_packet *first,
                           const struct stat *st)
{
    int64_t first_s = floor_div(first->ts_ns, 1000000000);
    int64_t mtime_s = (int64_t)st->st_mtime;
    if (period->has_to && first_s >= period->to_s + period->margin_s)
        return true;
    return period->has_from && mtime_s >= first_s && mtime_s < period->from_s - period->margin_s;
}

/*
 * Whether path is a flow log; then first->ts_ns is its first record's start
 * (INT64_MAX when it has none).
 */
static bool first_flow_record(const char *path, struct capture_packet *first)
{
    char err[256];
    struct flowlog_file *log = flowlog_open(path, err, sizeof(err));
    if (!log)
        return false;
    struct flow_record record;
    first->ts_ns = flowlog_next(log, &record) == 1 ? record.start_ns : INT64_MAX;
    flowlog_close(log);
    return true;
}

/* Judges one regular file found in a directory: keeps it, or says why not. */
static void take_file(const char *path, const struct stat *st, const struct walk_period *period,
                      bool quiet, struct walk_result *result)
{
    char err[1024];
    /* A file that cannot be opened is a fault of the tree; one that opens but is
     * no capture is only something else kept beside the captures. */
    int fd = open(path, O_RDONLY | O_NOCTTY);
    if (fd < 0) {
        error("skipped: cannot read '%s': %s", path, strerror(errno));
        result->unreadable++;
        return;
    }
    close(fd);
    struct capture_file *file = capture_open(path, err, sizeof(err));
    struct capture_packet first;
    bool outside = false;
    if (file) {
        outside = period && (period->has_from || period->has_to) &&
                  capture_next(file, &first) == CAPTURE_PACKET &&
                  outside_period(period, &first, st);
        capture_close(file);
    } else if (!first_flow_record(path, &first)) {
        if (!quiet)
            error("skipped: %s, nor a Zeek conn.log", err);
        result->foreign++;
        return;
    } else {
        /* A log is written as its flows end: its first record starts about when it does. */
        outside = period && (period->has_from || period->has_to) && first.ts_ns != INT64_MAX &&
                  outside_period(period, &first, st);
    }
    if (outside)
        result->outside++;
    else
        result_add(result, path);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a directory's entry names (without . and ..), sorted; NULL with a message on failure. */
static char **read_names(const char *dir, size_t *count, struct walk_result *result)
{
    DIR *d = opendir(dir);
    if (!d) {
        error("skipped: cannot read directory '%s': %s", dir, strerror(errno));
        result->unreadable++;
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *entry;
    errno = 0;
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        ALLOC_GROW(names, n + 1, alloc);
        names[n++] = xstrdup(entry->d_name);
        errno = 0;
    }
    if (errno) {
        error("skipped part of directory '%s': %s", dir, strerror(errno));
        result->unreadable++;
    }
    closedir(d);
    if (n > 1) /* an empty directory has no array to sort */
        qsort(names, n, sizeof(*names), compare_names);
    *count = n;
    return names;
}

/* Walks dir: its files in name order, then its directories the same way. */
static void walk_directory(const char *root, const struct walk_period *period, bool quiet,
                           struct seen_set *seen, struct walk_result *result)
{
    char **pending = xmalloc(sizeof(*pending));
    size_t npending = 1, pending_alloc = 1;
    pending[0] = xstrdup(root);
    while (npending) {
        char *dir = pending[--npending];
        size_t count = 0;
        char **names = read_names(dir, &count, result);
        size_t first_subdir = npending;
        for (size_t i = 0; i < count; i++) {
            char *path = path_join(dir, names[i]);
            struct stat st;
            free(names[i]);
            if (stat(path, &st) < 0) {
                /* A dangling link, or a link loop (ELOOP). */
                error("skipped: cannot read '%s': %s", path, strerror(errno));
                result->unreadable++;
                free(path);
            } else if (!seen_add(seen, &st)) {
                free(path); /* met already, through another name */
            } else if (S_ISDIR(st.st_mode)) {
                ALLOC_GROW(pending, npending + 1, pending_alloc);
                pending[npending++] = path;
            } else if (!S_ISREG(st.st_mode)) {
                if (!quiet)
                    error("skipped: '%s': not a regular file", path);
                result->foreign++;
                free(path);
            } else {
                take_file(path, &st, period, quiet, result);
                free(path);
            }
        }
        free(names);
        free(dir);
        /* The stack pops the last first: reverse this directory's children
         * so they are walked in name order. */
        for (size_t a = first_subdir, b = npending; a + 1 < b; a++, b--) {
            char *t = pending[a];
            pending[a] = pending[b - 1];
            pending[b - 1] = t;
        }
    }
    free(pending);
}

void walk_inputs(char *const *args, size_t count, const struct walk_period *period, bool quiet,
                 struct walk_result *result)
{
    struct seen_set seen;
    memset(&seen, 0, sizeof(seen));
    memset(result, 0, sizeof(*result));
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (seen_add(&seen, &st))
                walk_directory(args[i], period, quiet, &seen, result);
            continue;
        }
        /* Named one by one: always read, and a file named twice is a copy the
         * report lists (cli/inputs.c). */
        if (stat(args[i], &st) == 0)
            seen_add(&seen, &st);
        result_add(result, args[i]);
    }
    free(seen.v);
    hash_index_release(&seen.index);
    if (!quiet && result->outside)
        fprintf(stderr, "honeyscope: %zu capture%s outside the period not read\n", result->outside,
                result->outside == 1 ? "" : "s");
}

void walk_result_release(struct walk_result *result)
{
    for (size_t i = 0; i < result->count; i++)
        free(result->paths[i]);
    free(result->paths);
    memset(result, 0, sizeof(*result));
}
