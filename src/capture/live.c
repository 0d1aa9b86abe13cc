/*
 * Live capture from an interface through libpcap: pcap_create() and
 * pcap_activate() rather than pcap_open_live(), to ask for immediate mode
 * (a packet is delivered as soon as it is seen, not when a buffer block
 * fills: a quiet darknet would otherwise wait seconds) and a kernel buffer
 * sized for bursts. The descriptor is polled so that the caller can look at
 * its clock and its stop flag between packets.
 *
 * The kernel's drop counters (pcap_stats) are 32 bits on some systems and
 * wrap; they are followed here into 64-bit totals, read at least once per
 * wrap by the caller's commits.
 */
#define _DEFAULT_SOURCE /* <pcap.h> uses u_char and u_int */
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "capture.h"

struct capture_live {
    pcap_t *pcap;
    int fd;
    int link_type;
    bool nano;
    uint32_t last_drop, last_ifdrop;
    uint64_t drops, ifdrops;
    char error[PCAP_ERRBUF_SIZE + 256];
};

/* Why pcap_activate() failed, in words that say what to do. */
static void activate_error(pcap_t *pcap, int status, const char *iface, char *err, size_t errlen)
{
    const char *detail = pcap_geterr(pcap);
    switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
        snprintf(err, errlen, "cannot capture on '%s': no such interface", iface);
        break;
    case PCAP_ERROR_PERM_DENIED:
        snprintf(err, errlen,
                 "cannot capture on '%s': permission denied (capturing needs CAP_NET_RAW: run "
                 "as root, or give the program the capability with setcap "
                 "cap_net_raw,cap_net_admin=eip)",
                 iface);
        break;
    case PCAP_ERROR_IFACE_NOT_UP:
        snprintf(err, errlen, "cannot capture on '%s': the interface is down", iface);
        break;
    default:
        snprintf(err, errlen, "cannot capture on '%s': %s", iface,
                 detail && detail[0] ? detail : pcap_statustostr(status));
        break;
    }
}

struct capture_live *capture_live_open(const char *iface, const char *filter, size_t buffer_bytes,
                                       char *err, size_t errlen)
{
    char pcap_err[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pcap = pcap_create(iface, pcap_err);
    if (!pcap) {
        snprintf(err, errlen, "cannot capture on '%s': %s", iface, pcap_err);
        return NULL;
    }
    pcap_set_snaplen(pcap, 262144);
    pcap_set_promisc(pcap, 1);
    pcap_set_immediate_mode(pcap, 1);
    pcap_set_buffer_size(pcap, buffer_bytes > INT_MAX ? INT_MAX : (int)buffer_bytes);
    bool nano = pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_NANO) == 0;
    int status = pcap_activate(pcap);
    if (status < 0) {
        activate_error(pcap, status, iface, err, errlen);
        pcap_close(pcap);
        return NULL;
    }
    if (filter) {
        struct bpf_program program;
        if (pcap_compile(pcap, &program, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
            snprintf(err, errlen, "--filter '%s': %s", filter, pcap_geterr(pcap));
            pcap_close(pcap);
            return NULL;
        }
        int set = pcap_setfilter(pcap, &program);
        pcap_freecode(&program);
        if (set < 0) {
            snprintf(err, errlen, "cannot filter on '%s': %s", iface, pcap_geterr(pcap));
            pcap_close(pcap);
            return NULL;
        }
    }
    if (pcap_setnonblock(pcap, 1, pcap_err) < 0) {
        snprintf(err, errlen, "cannot capture on '%s': %s", iface, pcap_err);
        pcap_close(pcap);
        return NULL;
    }
    struct capture_live *live = xcalloc(1, sizeof(*live));
    live->pcap = pcap;
    live->fd = pcap_get_selectable_fd(pcap);
    live->link_type = pcap_datalink(pcap);
    live->nano = nano && pcap_get_tstamp_precision(pcap) == PCAP_TSTAMP_PRECISION_NANO;
    return live;
}

struct dispatch {
    struct capture_live *live;
    void (*each)(void *ctx, const struct capture_packet *packet);
    void *ctx;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    struct dispatch *d = (struct dispatch *)user;
    struct capture_packet p;
    int64_t frac = d->live->nano ? (int64_t)h->ts.tv_usec : (int64_t)h->ts.tv_usec * 1000;
    p.ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + frac;
    p.caplen = h->caplen;
    p.wirelen = h->len;
    p.data = bytes;
    d->each(d->ctx, &p);
}

int capture_live_read(struct capture_live *live, int timeout_ms, int max_packets,
                      void (*each)(void *ctx, const struct capture_packet *packet), void *ctx)
{
    if (live->fd >= 0) {
        struct pollfd p = {.fd = live->fd, .events = POLLIN};
        int ready = poll(&p, 1, timeout_ms);
        if (ready < 0 && errno != EINTR) {
            snprintf(live->error, sizeof(live->error), "cannot wait for packets: %s",
                     strerror(errno));
            return -1;
        }
        if (ready <= 0)
            return 0;
    }
    struct dispatch d = {live, each, ctx};
    int n = pcap_dispatch(live->pcap, max_packets, on_packet, (u_char *)&d);
    if (n == PCAP_ERROR) {
        snprintf(live->error, sizeof(live->error), "capture failed: %s", pcap_geterr(live->pcap));
        return -1;
    }
    return n < 0 ? 0 : n;
}

int capture_live_link_type(const struct capture_live *live)
{
    return live->link_type;
}

int capture_live_drops(struct capture_live *live, uint64_t *kernel, uint64_t *interface)
{
    struct pcap_stat st;
    if (pcap_stats(live->pcap, &st) < 0) {
        snprintf(live->error, sizeof(live->error), "cannot read drop counters: %s",
                 pcap_geterr(live->pcap));
        return -1;
    }
    /* Unsigned differences follow the counters across a wrap. */
    live->drops += (uint32_t)(st.ps_drop - live->last_drop);
    live->ifdrops += (uint32_t)(st.ps_ifdrop - live->last_ifdrop);
    live->last_drop = st.ps_drop;
    live->last_ifdrop = st.ps_ifdrop;
    *kernel = live->drops;
    *interface = live->ifdrops;
    return 0;
}

const char *capture_live_error(const struct capture_live *live)
{
    return live->error;
}

void capture_live_close(struct capture_live *live)
{
    if (!live)
        return;
    pcap_close(live->pcap);
    free(live);
}
