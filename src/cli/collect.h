/*
 * cli/collect: receiving NetFlow v5, v9 and IPFIX export datagrams on a UDP
 * socket (ingest --collect), in intervals handed to the caller to store.
 */
#ifndef HONEYSCOPE_CLI_COLLECT_H
#define HONEYSCOPE_CLI_COLLECT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../flow/flow.h"
#include "../flowlog/flowlog.h"

/* Records held at once: past it an interval is handed on early (bounded memory). */
#define COLLECT_RECORDS_MAX (1u << 22)

struct collect_interval {
    struct netflow_record *records; /* one direction each, not yet paired */
    size_t count;
    struct netflow_stats stats; /* the decoder's counts for the interval */
    uint64_t refused;           /* datagrams from senders outside --collect-from */
    uint8_t versions;           /* bit 0: v5, bit 1: v9, bit 2: IPFIX */
    int64_t start_ns, end_ns;   /* the wall-clock interval */
};

struct collect_config {
    const char *listen;            /* HOST:PORT; [v6]:PORT */
    const struct sensor_set *from; /* exporters accepted; empty: any */
    unsigned commit_every_s;
    volatile sig_atomic_t *stop;
    bool quiet; /* else says on stderr when the socket listens */
};

/*
 * Binds the socket, then receives until *stop is set: every
 * commit_every_s seconds (or when COLLECT_RECORDS_MAX records wait, or at
 * the stop) calls commit(ctx, interval) with what came since the last
 * one. A nonzero return of commit ends the collection. Returns 0, that
 * return, or -1 with err (the socket could not be made).
 */
int collect_flows(const struct collect_config *config,
                  int (*commit)(void *ctx, const struct collect_interval *interval), void *ctx,
                  char *err, size_t errlen);

#endif
