/*
 * The progress line on stderr for long work: files done, packets, rate.
 * Shown only when stderr is a terminal and --quiet was not given, so logs and
 * pipes stay clean.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

void progress_start(struct progress *p, bool quiet, size_t files)
{
    p->on = progress_wanted(quiet);
    p->files = files;
    p->files_done = 0;
    atomic_store(&p->packets, 0);
    atomic_store(&p->spilled, 0);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void progress_tick(void *ctx)
{
    struct progress *p = ctx;
    if (!p->on)
        return;
    double secs = seconds_since(&p->start);
    uint64_t packets = atomic_load(&p->packets), spilled = atomic_load(&p->spilled);
    fprintf(stderr, "\r%zu/%zu files, %" PRIu64 " packets, %.2f M packets/s, %.0f s", p->files_done,
            p->files, packets, secs > 0 ? (double)packets / secs / 1e6 : 0.0, secs);
    /* Past --memory the disk is part of the work: said as soon as it starts. */
    if (spilled)
        fprintf(stderr, ", %" PRIu64 " MiB spilled", spilled >> 20);
    fputs("   ", stderr);
    fflush(stderr);
}

void progress_end(struct progress *p)
{
    if (!p->on)
        return;
    progress_tick(p);
    fputc('\n', stderr);
}
