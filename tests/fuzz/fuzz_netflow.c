/*
 * Fuzz target for the collector's datagram decoding (NetFlow v5, v9,
 * IPFIX): the input is a sequence of datagrams, each a 2-byte big-endian
 * length then its bytes, all from one exporter, then a second exporter
 * replaying them, so that templates, sequence numbers and their bounds
 * carry from datagram to datagram. Checked: every record decoded obeys the
 * decoder's promises (addresses of one family, counts in range, end not
 * before start); the counts add up; pairing keeps every packet; memory stays
 * bounded (templates and domains within their limits, by the counts).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/flowlog/flowlog.h"
#include "fuzz.h"

struct held {
    struct netflow_record *records;
    size_t count, alloc;
    uint64_t packets;
};

static void take(void *ctx, const struct netflow_record *r)
{
    struct held *h = ctx;
    FUZZ_CHECK(addr_is_v4(&r->flow.orig) == addr_is_v4(&r->flow.resp));
    FUZZ_CHECK(r->flow.end_ns >= r->flow.start_ns && r->flow.start_ns >= 0);
    FUZZ_CHECK(r->flow.resp_packets == 0 && r->flow.resp_bytes == 0);
    FUZZ_CHECK(r->flow.orig_bytes >= 20 * r->flow.orig_packets);
    FUZZ_CHECK(r->flow.orig_bytes <= 65535 * r->flow.orig_packets);
    if (r->flow.proto == 1 || r->flow.proto == 58)
        FUZZ_CHECK(r->flow.orig_port < 256 && r->flow.resp_port < 256);
    if (h->count == h->alloc) {
        h->alloc = h->alloc ? 2 * h->alloc : 64;
        h->records = realloc(h->records, h->alloc * sizeof(*h->records));
        FUZZ_CHECK(h->records != NULL);
    }
    h->records[h->count++] = *r;
    h->packets += r->flow.orig_packets;
}

struct paired {
    uint64_t flows, packets;
};

static void count_pair(void *ctx, const struct flow_record *r)
{
    struct paired *p = ctx;
    p->flows++;
    p->packets += r->orig_packets + r->resp_packets;
    FUZZ_CHECK(r->opener <= FLOW_OPENED_BY_RESP);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct netflow_collector *c = netflow_collector_new();
    struct held h = {NULL, 0, 0, 0};
    struct ip_addr exporters[2];
    FUZZ_CHECK(addr_parse(&exporters[0], "192.0.2.1") == 0);
    FUZZ_CHECK(addr_parse(&exporters[1], "2001:db8::1") == 0);
    uint64_t datagrams = 0;
    for (int e = 0; e < 2; e++) {
        size_t at = 0;
        while (size - at >= 2) {
            size_t len = (size_t)data[at] << 8 | data[at + 1];
            at += 2;
            if (len > size - at)
                len = size - at;
            /* A copy of exactly len bytes: a read past it is a sanitizer finding. */
            uint8_t *copy = malloc(len ? len : 1);
            FUZZ_CHECK(copy != NULL);
            memcpy(copy, data + at, len);
            netflow_decode(c, &exporters[e], copy, len, take, &h);
            free(copy);
            datagrams++;
            at += len;
        }
    }
    const struct netflow_stats *st = netflow_collector_stats(c);
    FUZZ_CHECK(st->datagrams == datagrams);
    FUZZ_CHECK(st->records == h.count);
    FUZZ_CHECK(st->templates <= 2 * (uint64_t)NETFLOW_DOMAINS_MAX * NETFLOW_TEMPLATES_MAX);
    struct paired p = {0, 0};
    netflow_pair(h.records, h.count, count_pair, &p);
    FUZZ_CHECK(p.packets == h.packets);
    FUZZ_CHECK(p.flows <= h.count && (h.count == 0 || p.flows >= (h.count + 1) / 2));
    free(h.records);
    netflow_collector_free(c);
    return 0;
}
