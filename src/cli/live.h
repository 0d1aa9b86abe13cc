/*
 * ingest --live: capture from an interface into a store, committing as the
 * capture goes on (docs/live.md).
 */
#ifndef HONEYSCOPE_CLI_LIVE_H
#define HONEYSCOPE_CLI_LIVE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "../flow/flow.h"

struct store;

struct live_setup {
    struct store *store;
    const struct sensor_set *sensors;
    struct flow_config flow;
    const char *interface;
    const char *filter;    /* BPF, or NULL */
    unsigned commit_every; /* seconds */
    uint64_t memory;       /* --memory (0: default) */
    const char *tmp_dir;
    bool quiet;
};

/*
 * Captures on setup->interface into setup->store until *stop is set (by
 * SIGINT or SIGTERM): a commit at the start (the store lists the capture at
 * once), then every commit_every seconds or sooner when the rows waiting pass
 * a bound, and a last one with every open flow ended when stopped. Returns
 * the exit status: 0 when stopped by a signal with everything committed, 1
 * when the interface cannot be captured on or the store cannot be written.
 */
int ingest_live(const struct live_setup *setup, volatile sig_atomic_t *stop);

#endif
