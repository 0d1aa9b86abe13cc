/*
 * Watching a directory tree for captures as a sensor writes them: a file is
 * taken when the process writing it closes it, or when it is moved in (the
 * usual way to publish a finished file), never while it is being written.
 */
#ifndef HONEYSCOPE_CLI_WATCH_H
#define HONEYSCOPE_CLI_WATCH_H

#include <signal.h>
#include <stddef.h>

/*
 * Watches dir and every directory below it (those made later too) until
 * *stop is set, handing the paths of files closed after writing or moved
 * in to take(ctx, paths, count), a batch per wake-up; paths under skip (the
 * store's own files) are left out. A nonzero return of take ends the
 * watch. Returns 0, that return, or -1 with err when dir cannot be watched.
 */
int watch_directory(const char *dir, const char *skip, volatile sig_atomic_t *stop,
                    int (*take)(void *ctx, char **paths, size_t count), void *ctx, char *err,
                    size_t errlen);

#endif
