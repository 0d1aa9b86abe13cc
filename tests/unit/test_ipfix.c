/*
 * Unit tests of IPFIX decoding through libfixbuf (src/flowlog/ipfix.c via
 * netflow_decode()): fields in the forms exporters use (IPv6, total
 * counts in reduced size, NTP nanosecond times, ICMPv6 type and code, RFC
 * 5103 reverse elements) come out as the record they describe; a template
 * flood in one domain keeps NETFLOW_TEMPLATES_MAX and a withdrawal frees
 * room; a flood of domains keeps NETFLOW_IPFIX_SESSIONS_MAX sessions and
 * counts the rest as refused.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/flowlog/flowlog.h"
#include "check.h"

#define T0 1733000000u

struct bytes {
    uint8_t data[65535];
    size_t len;
};

static void put(struct bytes *b, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b->data[b->len + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    b->len += n;
}

static void put_raw(struct bytes *b, const void *p, size_t n)
{
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* Starts an IPFIX message; finish() writes its length. */
static void message(struct bytes *b, uint32_t sequence, uint32_t domain)
{
    b->len = 0;
    put(b, 10, 2);
    put(b, 0, 2);
    put(b, T0, 4);
    put(b, sequence, 4);
    put(b, domain, 4);
}

static void finish(struct bytes *b)
{
    b->data[2] = (uint8_t)(b->len >> 8);
    b->data[3] = (uint8_t)b->len;
}

/* Starts a set; returns where its length goes, for end_set(). */
static size_t set(struct bytes *b, uint16_t id)
{
    put(b, id, 2);
    put(b, 0, 2);
    return b->len - 4;
}

static void end_set(struct bytes *b, size_t at)
{
    size_t len = b->len - at;
    b->data[at + 2] = (uint8_t)(len >> 8);
    b->data[at + 3] = (uint8_t)len;
}

struct taken {
    struct netflow_record records[8];
    size_t count;
};

static void take(void *ctx, const struct netflow_record *r)
{
    struct taken *t = ctx;
    if (t->count < 8)
        t->records[t->count] = *r;
    t->count++;
}

static struct ip_addr exporter(void)
{
    struct ip_addr a;
    addr_parse(&a, "192.0.2.1");
    return a;
}

static void test_ipfix_fields(void)
{
    struct netflow_collector *c = netflow_collector_new();
    struct ip_addr from = exporter();
    struct bytes *b = calloc(1, sizeof(*b));
    message(b, 0, 1);
    size_t s = set(b, 2);
    put(b, 400, 2);
    put(b, 10, 2);
    const uint16_t fields[][2] = {{27, 16}, {28, 16}, {4, 1},   {139, 2},
                                  {86, 4},  {85, 4},  {156, 8}, {157, 8}};
    for (size_t i = 0; i < 8; i++) {
        put(b, fields[i][0], 2);
        put(b, fields[i][1], 2);
    }
    put(b, 0x8002, 2); /* reversePacketDeltaCount, RFC 5103 */
    put(b, 4, 2);
    put(b, 29305, 4);
    put(b, 0x8001, 2); /* reverseOctetDeltaCount */
    put(b, 8, 2);
    put(b, 29305, 4);
    end_set(b, s);
    s = set(b, 400);
    struct ip_addr src, dst;
    addr_parse(&src, "2001:db8::1");
    addr_parse(&dst, "2001:db8::2");
    const uint8_t src6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const uint8_t dst6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    put_raw(b, src6, 16);
    put_raw(b, dst6, 16);
    put(b, 58, 1);
    put(b, 128 << 8, 2); /* echo request */
    put(b, 3, 4);
    put(b, 312, 4);
    uint64_t ntp_start = (uint64_t)(T0 + 2208988800u) << 32 | 0x80000000u; /* + 0.5 s */
    put(b, ntp_start, 8);
    put(b, ntp_start + (UINT64_C(1) << 32), 8);
    put(b, 2, 4);
    put(b, 208, 8);
    end_set(b, s);
    finish(b);
    struct taken t = {.count = 0};
    netflow_decode(c, &from, b->data, b->len, take, &t);
    const struct netflow_stats *st = netflow_collector_stats(c);
    CHECK_U64(st->templates, 1);
    CHECK_U64(st->records, 2);
    CHECK_U64(st->malformed + st->records_bad + st->unknown_template, 0);
    CHECK_U64(t.count, 2);
    const struct flow_record *f = &t.records[0].flow, *r = &t.records[1].flow;
    CHECK(addr_equal(&f->orig, &src) && addr_equal(&f->resp, &dst));
    CHECK_U64(f->proto, 58);
    CHECK_U64(f->orig_port, 128);
    CHECK_U64(f->resp_port, 0);
    CHECK_U64(f->orig_packets, 3);
    CHECK_U64(f->orig_bytes, 312);
    CHECK_U64(f->start_ns, (uint64_t)T0 * 1000000000 + 500000000);
    CHECK_U64(f->end_ns, (uint64_t)T0 * 1000000000 + 1500000000);
    CHECK(!t.records[0].reverse_half && t.records[1].reverse_half);
    CHECK(addr_equal(&r->orig, &dst) && addr_equal(&r->resp, &src));
    CHECK_U64(r->orig_packets, 2);
    CHECK_U64(r->orig_bytes, 208);
    free(b);
    netflow_collector_free(c);
}

/* A template set of count one-field templates with ids from first on. */
static void template_set(struct bytes *b, uint16_t first, unsigned count)
{
    size_t s = set(b, 2);
    for (unsigned i = 0; i < count; i++) {
        put(b, first + i, 2);
        put(b, 1, 2);
        put(b, 8, 2);
        put(b, 4, 2);
    }
    end_set(b, s);
}

static void test_ipfix_template_flood(void)
{
    struct netflow_collector *c = netflow_collector_new();
    struct ip_addr from = exporter();
    struct bytes *b = calloc(1, sizeof(*b));
    struct taken t = {.count = 0};
    /* 1,000 templates in 10 messages: 64 kept, 936 refused. */
    for (unsigned m = 0; m < 10; m++) {
        message(b, 0, 7);
        template_set(b, (uint16_t)(256 + 100 * m), 100);
        finish(b);
        netflow_decode(c, &from, b->data, b->len, take, &t);
    }
    const struct netflow_stats *st = netflow_collector_stats(c);
    CHECK_U64(st->templates, 64);
    CHECK_U64(st->templates_refused, 936);
    /* Withdrawing 10 kept ones makes room for 10 new ones, no more. */
    message(b, 0, 7);
    size_t s = set(b, 2);
    for (unsigned i = 0; i < 10; i++) {
        put(b, 256 + i, 2);
        put(b, 0, 2);
    }
    end_set(b, s);
    template_set(b, 2000, 12);
    finish(b);
    netflow_decode(c, &from, b->data, b->len, take, &t);
    CHECK_U64(st->templates, 74);
    CHECK_U64(st->templates_refused, 938);
    /* A data set of a withdrawn template is unknown; one of a new one is read. */
    message(b, 0, 7);
    s = set(b, 256);
    put(b, 0x0a000001, 4);
    end_set(b, s);
    s = set(b, 2000);
    put(b, 0x0a000001, 4);
    end_set(b, s);
    finish(b);
    netflow_decode(c, &from, b->data, b->len, take, &t);
    CHECK_U64(st->unknown_template, 1);
    CHECK_U64(st->records_bad, 1); /* a source address and nothing else */
    CHECK_U64(st->malformed, 0);
    free(b);
    netflow_collector_free(c);
}

static void test_ipfix_domain_flood(void)
{
    struct netflow_collector *c = netflow_collector_new();
    struct ip_addr from = exporter();
    struct bytes *b = calloc(1, sizeof(*b));
    struct taken t = {.count = 0};
    for (unsigned d = 0; d < NETFLOW_IPFIX_SESSIONS_MAX + 100; d++) {
        message(b, 0, d);
        template_set(b, 256, 1);
        finish(b);
        netflow_decode(c, &from, b->data, b->len, take, &t);
    }
    const struct netflow_stats *st = netflow_collector_stats(c);
    CHECK_U64(st->templates, NETFLOW_IPFIX_SESSIONS_MAX);
    CHECK_U64(st->exporters_refused, 100);
    CHECK_U64(st->datagrams, NETFLOW_IPFIX_SESSIONS_MAX + 100);
    free(b);
    netflow_collector_free(c);
}

int main(void)
{
    RUN(test_ipfix_fields);
    RUN(test_ipfix_template_flood);
    RUN(test_ipfix_domain_flood);
    CHECK_EXIT();
}
