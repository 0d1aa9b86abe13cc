/*
 * The UDP side of ingest --collect: one socket, datagrams decoded as they
 * come (src/flowlog/netflow.c), their records held until the interval is
 * handed on. Only senders inside --collect-from are read.
 */
#include "collect.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"

struct pending {
    struct collect_interval interval;
    size_t alloc;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void take_record(void *ctx, const struct netflow_record *record)
{
    struct pending *p = ctx;
    struct collect_interval *in = &p->interval;
    if (in->count == p->alloc) {
        p->alloc = p->alloc ? 2 * p->alloc : 4096;
        in->records = xreallocarray(in->records, p->alloc, sizeof(*in->records));
    }
    in->records[in->count++] = *record;
}

/* HOST:PORT, [HOST]:PORT or :PORT into a bound UDP socket; -1 with err. */
static int open_socket(const char *listen, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || !colon[1] || (size_t)(colon - listen) >= sizeof(host)) {
        snprintf(err, errlen, "--collect '%s': give HOST:PORT", listen);
        return -1;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *h = host;
    size_t hl = strlen(h);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h[hl - 1] = '\0';
        h++;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(h[0] ? h : NULL, colon + 1, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "--collect '%s': %s", listen, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd >= 0) {
        int size = 8 << 20; /* bursts of export datagrams while an interval is stored */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    }
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
        snprintf(err, errlen, "--collect '%s': cannot listen: %s", listen, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* The sender's address, IPv4-mapped IPv6 ones as IPv4. */
static void sender_address(const struct sockaddr_storage *ss, struct ip_addr *addr)
{
    memset(addr, 0, sizeof(*addr));
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        addr_from_v4(addr, (const uint8_t *)&in->sin_addr);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        const uint8_t *b = in6->sin6_addr.s6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, 12) == 0)
            addr_from_v4(addr, b + 12);
        else
            addr_from_v6(addr, b);
    }
}

static int hand_on(struct pending *p, struct netflow_collector *nc,
                   int (*commit)(void *, const struct collect_interval *), void *ctx)
{
    struct collect_interval *in = &p->interval;
    in->end_ns = now_ns();
    in->stats = *netflow_collector_stats(nc);
    int ret = 0;
    if (in->stats.datagrams || in->refused)
        ret = commit(ctx, in);
    netflow_collector_reset_stats(nc);
    in->count = 0;
    in->refused = 0;
    in->versions = 0;
    in->start_ns = in->end_ns;
    return ret;
}

int collect_flows(const struct collect_config *config,
                  int (*commit)(void *ctx, const struct collect_interval *interval), void *ctx,
                  char *err, size_t errlen)
{
    int fd = open_socket(config->listen, err, errlen);
    if (fd < 0)
        return -1;
    /* Said once the socket is bound: a test (or a script) may send from then on. */
    if (!config->quiet)
        fprintf(stderr, "honeyscope: collecting flows on udp %s (Ctrl-C to stop)\n",
                config->listen);
    struct netflow_collector *nc = netflow_collector_new();
    struct pending p;
    memset(&p, 0, sizeof(p));
    p.interval.start_ns = now_ns();
    uint8_t *buf = xmalloc(65536);
    int64_t every_ns = (int64_t)(config->commit_every_s ? config->commit_every_s : 60) * 1000000000;
    int ret = 0;
    bool draining = false;
    while (!ret) {
        /* Stopped: what the socket holds already is read before the last commit. */
        if (*config->stop && !draining)
            draining = true;
        struct pollfd pfd = {fd, POLLIN, 0};
        int ready = poll(&pfd, 1, draining ? 0 : 200);
        if (draining && ready <= 0)
            break;
        if (ready > 0) {
            struct sockaddr_storage from;
            socklen_t fromlen = sizeof(from);
            ssize_t n = recvfrom(fd, buf, 65536, 0, (struct sockaddr *)&from, &fromlen);
            if (n >= 0) {
                struct ip_addr sender;
                sender_address(&from, &sender);
                if (config->from->count && !sensor_set_contains(config->from, &sender)) {
                    p.interval.refused++;
                } else {
                    if (n >= 2)
                        p.interval.versions |= buf[1] == 5    ? 1
                                               : buf[1] == 9  ? 2
                                               : buf[1] == 10 ? 4
                                                              : 0;
                    netflow_decode(nc, &sender, buf, (size_t)n, take_record, &p);
                }
            }
        }
        if (now_ns() - p.interval.start_ns >= every_ns || p.interval.count >= COLLECT_RECORDS_MAX)
            ret = hand_on(&p, nc, commit, ctx);
    }
    if (!ret)
        ret = hand_on(&p, nc, commit, ctx);
    free(buf);
    free(p.interval.records);
    netflow_collector_free(nc);
    close(fd);
    return ret;
}
