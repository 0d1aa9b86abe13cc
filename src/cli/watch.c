/*
 * ingest --watch: inotify on a directory tree. A capture is taken on
 * IN_CLOSE_WRITE (tcpdump -G/-C and most writers close a file when they
 * rotate) or IN_MOVED_TO (a file finished elsewhere and renamed in); a file
 * still open for writing is never read half-written. A closed file waits
 * WATCH_SETTLE_S and is taken only if it is still there under its name, so
 * a file written under a temporary name and then renamed is read once, by
 * its final name. Directories made later
 * are watched as they appear, and what they already hold is taken. When the
 * kernel's queue overflows, events are lost: the whole tree is taken again
 * (files already stored are skipped by the store, not read).
 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"

/* Deeper trees than this are not a sensor's rotation scheme. */
#define WATCH_DEPTH_MAX 32

#define FILE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO)

/* Seconds a closed file waits, in case it is renamed (a temporary name). */
#define WATCH_SETTLE_S 1
#define DIR_EVENTS (IN_CREATE | IN_MOVED_TO)

struct watched_dir {
    int wd;
    char *path;
};

struct watcher {
    int fd;
    struct watched_dir *dirs;
    size_t count, alloc;
    const char *skip;
    size_t skip_len;
    char **batch;
    size_t batch_count, batch_alloc;
    /* Files closed, waiting WATCH_SETTLE_S before they join the batch. */
    struct closed_file {
        char *path;
        time_t closed;
    } * closed;
    size_t closed_count, closed_alloc;
};

static char *join(const char *dir, const char *name, size_t name_len)
{
    size_t n = strlen(dir);
    char *path = xmalloc(n + 1 + name_len + 1);
    memcpy(path, dir, n);
    path[n] = '/';
    memcpy(path + n + 1, name, name_len);
    path[n + 1 + name_len] = '\0';
    return path;
}

static void take_path(struct watcher *w, char *path)
{
    if (w->skip_len && strncmp(path, w->skip, w->skip_len) == 0) {
        free(path); /* the store itself, its journal or WAL */
        return;
    }
    ALLOC_GROW(w->batch, w->batch_count + 1, w->batch_alloc);
    w->batch[w->batch_count++] = path;
}

/* Watches dir and the directories below it; with files, takes what they hold. */
static void add_tree(struct watcher *w, const char *dir, unsigned depth, bool files)
{
    if (depth > WATCH_DEPTH_MAX)
        return;
    int wd = inotify_add_watch(w->fd, dir, FILE_EVENTS | DIR_EVENTS | IN_ONLYDIR);
    if (wd < 0) {
        fprintf(stderr, "honeyscope: cannot watch '%s': %s\n", dir, strerror(errno));
        return;
    }
    bool known = false;
    for (size_t i = 0; i < w->count && !known; i++)
        known = w->dirs[i].wd == wd; /* a directory seen twice (a link, a move) */
    if (!known) {
        ALLOC_GROW(w->dirs, w->count + 1, w->alloc);
        w->dirs[w->count].wd = wd;
        w->dirs[w->count].path = xstrdup(dir);
        w->count++;
    }
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char *path = join(dir, entry->d_name, strlen(entry->d_name));
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            add_tree(w, path, depth + 1, files);
            free(path);
        } else if (files && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            take_path(w, path);
        } else {
            free(path);
        }
    }
    closedir(d);
}

static const char *dir_of(const struct watcher *w, int wd)
{
    for (size_t i = 0; i < w->count; i++)
        if (w->dirs[i].wd == wd)
            return w->dirs[i].path;
    return NULL;
}

/* Reads the events waiting (len bytes in buf) into the batch. */
static void read_events(struct watcher *w, const char *buf, size_t len, const char *root)
{
    for (size_t at = 0; at + sizeof(struct inotify_event) <= len;) {
        struct inotify_event ev;
        memcpy(&ev, buf + at, sizeof(ev));
        size_t step = sizeof(ev) + ev.len;
        if (step > len - at)
            break;
        const char *name = buf + at + sizeof(ev);
        at += step;
        if (ev.mask & IN_Q_OVERFLOW) {
            fprintf(stderr, "honeyscope: --watch: events were lost; looking at every file "
                            "again\n");
            add_tree(w, root, 0, true);
            continue;
        }
        const char *dir = dir_of(w, ev.wd);
        if (!dir || !ev.len)
            continue;
        char *path = join(dir, name, strnlen(name, ev.len));
        if ((ev.mask & IN_ISDIR) && (ev.mask & DIR_EVENTS)) {
            add_tree(w, path, 1, true);
            free(path);
        } else if (!(ev.mask & IN_ISDIR) && (ev.mask & IN_MOVED_TO)) {
            take_path(w, path);
        } else if (!(ev.mask & IN_ISDIR) && (ev.mask & IN_CLOSE_WRITE)) {
            ALLOC_GROW(w->closed, w->closed_count + 1, w->closed_alloc);
            w->closed[w->closed_count].path = path;
            w->closed[w->closed_count].closed = time(NULL);
            w->closed_count++;
        } else {
            free(path);
        }
    }
}

/* Closed files that waited long enough join the batch, if still there. */
static void settle_closed(struct watcher *w, time_t now)
{
    size_t kept = 0;
    for (size_t i = 0; i < w->closed_count; i++) {
        struct closed_file *c = &w->closed[i];
        struct stat st;
        if (now - c->closed < WATCH_SETTLE_S)
            w->closed[kept++] = *c;
        else if (lstat(c->path, &st) == 0 && S_ISREG(st.st_mode))
            take_path(w, c->path);
        else
            free(c->path); /* renamed (its new name comes as a move) or removed */
    }
    w->closed_count = kept;
}

static void batch_release(struct watcher *w)
{
    for (size_t i = 0; i < w->batch_count; i++)
        free(w->batch[i]);
    w->batch_count = 0;
}

int watch_directory(const char *dir, const char *skip, volatile sig_atomic_t *stop,
                    int (*take)(void *ctx, char **paths, size_t count), void *ctx, char *err,
                    size_t errlen)
{
    struct watcher w;
    memset(&w, 0, sizeof(w));
    w.skip = skip;
    w.skip_len = skip ? strlen(skip) : 0;
    w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (w.fd < 0) {
        snprintf(err, errlen, "cannot watch '%s': %s", dir, strerror(errno));
        return -1;
    }
    add_tree(&w, dir, 0, false);
    if (w.count == 0) {
        snprintf(err, errlen, "cannot watch '%s'", dir);
        close(w.fd);
        return -1;
    }
    int ret = 0;
    /* Aligned for the events the kernel writes; read through memcpy all the same. */
    union {
        struct inotify_event event;
        char bytes[64 * 1024];
    } buf;
    while (!*stop && ret == 0) {
        struct pollfd p = {.fd = w.fd, .events = POLLIN};
        /* A timeout or a signal reads nothing: *stop is looked at, closed files settle. */
        if (poll(&p, 1, 250) > 0) {
            ssize_t n = read(w.fd, buf.bytes, sizeof(buf.bytes));
            if (n > 0)
                read_events(&w, buf.bytes, (size_t)n, dir);
        }
        settle_closed(&w, time(NULL));
        if (w.batch_count)
            ret = take(ctx, w.batch, w.batch_count);
        batch_release(&w);
    }
    batch_release(&w);
    free(w.batch);
    for (size_t i = 0; i < w.closed_count; i++)
        free(w.closed[i].path);
    free(w.closed);
    for (size_t i = 0; i < w.count; i++)
        free(w.dirs[i].path);
    free(w.dirs);
    close(w.fd);
    return ret;
}
