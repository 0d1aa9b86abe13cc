/*
 * Unit tests of the traffic cube (src/aggregate/cube.c) and of the report's
 * words for it (src/report/category.c, src/report/escape.c): time bin starts
 * for days and hours in positive and negative zones and before 1970, row
 * lookup over many keys while the index grows, merging, the category and
 * service names of docs/semantics.md, and the escaping of foreign strings
 * for a terminal.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/aggregate/aggregate.h"
#include "../../src/aggregate/aggregate_int.h"
#include "../../src/common/addr.h"
#include "../../src/common/sort.h"
#include "../../src/report/report.h"
#include "../../src/report/report_int.h"
#include "check.h"

#define DAY 86400
#define HOUR 3600
/* 2009-02-01T00:00:00Z */
#define FEB1 1233446400LL

static struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    memset(&a, 0, sizeof(a));
    if (addr_parse(&a, text) != 0)
        abort();
    return a;
}

static int64_t bin_start(int64_t width, int64_t offset, int64_t t)
{
    struct bin_clock clock = {width, offset, BIN_FIXED};
    return bin_clock_start(&clock, t);
}

/* ---- time bins ---- */

static void test_bins_utc(void)
{
    CHECK_U64(bin_start(DAY, 0, FEB1), FEB1);
    CHECK_U64(bin_start(DAY, 0, FEB1 + 1), FEB1);
    CHECK_U64(bin_start(DAY, 0, FEB1 + DAY - 1), FEB1);
    CHECK_U64(bin_start(DAY, 0, FEB1 + DAY), FEB1 + DAY);
    CHECK_U64(bin_start(DAY, 0, FEB1 - 1), FEB1 - DAY);
    CHECK_U64(bin_start(HOUR, 0, FEB1 + 13 * HOUR + 59 * 60 + 59), FEB1 + 13 * HOUR);
    CHECK_U64(bin_start(HOUR, 0, FEB1 + 14 * HOUR), FEB1 + 14 * HOUR);
    CHECK_U64(bin_start(DAY, 0, 0), 0);
    CHECK_U64(bin_start(HOUR, 0, 0), 0);
}

static void test_bins_positive_zone(void)
{
    const int64_t jst = 9 * HOUR; /* +09:00 */
    /* 2009-02-01T00:00Z is 09:00 on the 1st in Tokyo: that day began at 15:00Z. */
    CHECK_U64(bin_start(DAY, jst, FEB1), FEB1 - jst);
    CHECK_U64(bin_start(DAY, jst, FEB1 - jst), FEB1 - jst);
    CHECK_U64(bin_start(DAY, jst, FEB1 - jst - 1), FEB1 - jst - DAY);
    CHECK_U64(bin_start(DAY, jst, FEB1 + DAY - jst - 1), FEB1 - jst);
    CHECK_U64(bin_start(DAY, jst, FEB1 + DAY - jst), FEB1 + DAY - jst);
    /* Whole-hour zones do not move hour bins. */
    CHECK_U64(bin_start(HOUR, jst, FEB1 + 1800), FEB1);
    CHECK_U64(bin_start(HOUR, jst, FEB1 - 1), FEB1 - HOUR);
    /* The epoch: 09:00 on 1970-01-01 in Tokyo. */
    CHECK_U64(bin_start(DAY, jst, 0), -jst);
    CHECK_U64(bin_start(DAY, jst, -jst), -jst);
    CHECK_U64(bin_start(DAY, jst, -jst - 1), -jst - DAY);
}

static void test_bins_negative_zone(void)
{
    const int64_t ist = -(5 * HOUR + 30 * 60); /* -05:30 */
    /* 1970-01-01T00:00Z is 18:30 on 1969-12-31 at -05:30. */
    CHECK_U64(bin_start(DAY, ist, 0), -DAY - ist);
    CHECK_U64(bin_start(DAY, ist, -ist), -ist); /* local midnight, 05:30Z */
    CHECK_U64(bin_start(DAY, ist, -ist - 1), -DAY - ist);
    CHECK_U64(bin_start(HOUR, ist, 0), -1800); /* 18:00 local */
    CHECK_U64(bin_start(HOUR, ist, 1799), -1800);
    CHECK_U64(bin_start(HOUR, ist, 1800), 1800);
    CHECK_U64(bin_start(HOUR, ist, -1800), -1800);
    CHECK_U64(bin_start(HOUR, ist, -1801), -5400);
    CHECK_U64(bin_start(DAY, ist, FEB1), FEB1 - DAY - ist);
    CHECK_U64(bin_start(DAY, ist, FEB1 - ist), FEB1 - ist);
    CHECK_U64(bin_start(HOUR, ist, FEB1 + 10 * 60), FEB1 - 1800);
}

static int64_t calendar_start(enum bin_unit unit, int64_t offset, int64_t t, int64_t *next,
                              int64_t *ordinal)
{
    struct bin_clock clock = {DAY, offset, unit};
    *next = bin_clock_next(&clock, t);
    *ordinal = bin_clock_ordinal(&clock, t);
    return bin_clock_start(&clock, t);
}

/* ISO weeks start on Mondays; months are 28 to 31 local days. */
static void test_bins_calendar(void)
{
    int64_t next, ord, ord2;
    /* 2009-02-01 is a Sunday: its week began on Monday 2009-01-26. */
    CHECK_U64(calendar_start(BIN_WEEK, 0, FEB1, &next, &ord), 1232928000LL);
    CHECK_U64(next, 1232928000LL + 7 * DAY);
    calendar_start(BIN_WEEK, 0, FEB1 + DAY, &next, &ord2);
    CHECK_U64(ord2 - ord, 1);
    /* 2012-12-31 (a Monday) opens ISO week 1 of 2013. */
    CHECK_U64(calendar_start(BIN_WEEK, 0, 1356998400LL + 5, &next, &ord), 1356912000LL);
    /* A leap February: 2008-02-29T12:00Z is in the month of 2008-02-01, up to 03-01. */
    CHECK_U64(calendar_start(BIN_MONTH, 0, 1204286400LL, &next, &ord), 1201824000LL);
    CHECK_U64(next, 1204329600LL);
    /* December rolls into January. */
    CHECK_U64(calendar_start(BIN_MONTH, 0, 1388448000LL, &next, &ord), 1385856000LL);
    CHECK_U64(next, 1388534400LL);
    calendar_start(BIN_MONTH, 0, 1388534400LL, &next, &ord2);
    CHECK_U64(ord2 - ord, 1);
    CHECK_U64(ord2, 2014 * 12);
    /* In Tokyo, 2009-01-31T20:00Z is already February: from 01-31T15:00Z to 02-28T15:00Z. */
    CHECK_U64(calendar_start(BIN_MONTH, 9 * HOUR, 1233432000LL, &next, &ord), 1233414000LL);
    CHECK_U64(next, 1235833200LL);
    /* Before 1970: 1969-12-31 is in December 1969. */
    CHECK_U64(calendar_start(BIN_MONTH, 0, -1, &next, &ord), -31 * DAY);
    CHECK_U64(next, 0);
    CHECK_U64(ord, 1969 * 12 + 11);
}

static void test_bins_before_1970(void)
{
    CHECK_U64(bin_start(DAY, 0, -1), -DAY);
    CHECK_U64(bin_start(DAY, 0, -DAY), -DAY);
    CHECK_U64(bin_start(DAY, 0, -DAY - 1), -2 * DAY);
    CHECK_U64(bin_start(HOUR, 0, -1), -HOUR);
    CHECK_U64(bin_start(HOUR, 0, -HOUR), -HOUR);
    /* 1900-01-01T00:00:00Z */
    CHECK_U64(bin_start(DAY, 0, -2208988800LL), -2208988800LL);
    CHECK_U64(bin_start(DAY, 0, -2208988800LL + DAY - 1), -2208988800LL);
    CHECK_U64(bin_start(DAY, 9 * HOUR, -2208988800LL), -2208988800LL - 9 * HOUR);
    CHECK_U64(bin_start(DAY, -(5 * HOUR + 1800), -2208988800LL),
              -2208988800LL - DAY + 5 * HOUR + 1800);
}

/* Every bin holds its time, and starts at a local multiple of its width. */
static void test_bins_property(void)
{
    static const int64_t offsets[] = {0,         9 * HOUR,   -(5 * HOUR + 1800),
                                      14 * HOUR, -12 * HOUR, 5 * HOUR + 45 * 60};
    static const int64_t widths[] = {HOUR, DAY};
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    unsigned bad = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t t = (int64_t)(x % 8000000000ULL) - 4000000000LL;
        for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++)
            for (size_t w = 0; w < 2; w++) {
                int64_t s = bin_start(widths[w], offsets[o], t);
                int64_t local = s + offsets[o];
                if (s > t || t >= s + widths[w] || local % widths[w] != 0)
                    bad++;
            }
    }
    CHECK_U64(bad, 0);
}

/* ---- cube rows ---- */

static struct cube_key key_n(uint32_t n)
{
    struct cube_key k;
    memset(&k, 0, sizeof(k));
    k.bin = FEB1 + (int64_t)(n % 24) * HOUR;
    k.sensor = ip(n % 3 ? "192.0.2.10" : "2001:db8::10");
    uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0xee};
    b[12] = (uint8_t)(n >> 24);
    b[13] = (uint8_t)(n >> 16);
    b[14] = (uint8_t)(n >> 8);
    b[15] = (uint8_t)n;
    if (n % 2) {
        addr_from_v4(&k.remote, b + 12);
    } else {
        addr_from_v6(&k.remote, b);
    }
    k.service = (uint16_t)(n % 7 * 100);
    k.proto = n % 5 ? PROTO_TCP : PROTO_UDP;
    k.initiator = (uint8_t)(n % 3);
    return k;
}

static void test_cube_lookup_many(void)
{
    struct cube *c = cube_new();
    enum { N = 200000 };
    unsigned bad_new = 0, bad_again = 0, bad_key = 0, bad_fresh = 0;
    CHECK_U64(cube_row_count(c), 0);
    for (uint32_t n = 0; n < N; n++) {
        struct cube_key k = key_n(n);
        uint32_t i = cube_lookup(c, &k);
        if (i != n)
            bad_new++;
        const struct cube_row *row = cube_row_at(c, i);
        if (row->counts.packets_in || row->counts.packets_out || row->counts.bytes_in ||
            row->counts.bytes_out || row->counts.flows || row->counts.first_ns != INT64_MAX ||
            row->counts.last_ns != INT64_MIN)
            bad_fresh++;
        cube_row_at(c, i)->counts.packets_in = n + 1;
    }
    CHECK_U64(bad_new, 0);
    CHECK_U64(bad_fresh, 0);
    CHECK_U64(cube_row_count(c), N);
    for (uint32_t n = 0; n < N; n++) {
        struct cube_key k = key_n(n);
        uint32_t i = cube_lookup(c, &k);
        if (i != n)
            bad_again++;
        const struct cube_row *row = cube_row_at(c, i);
        if (memcmp(&row->key, &k, sizeof(k)) != 0 || row->counts.packets_in != n + 1)
            bad_key++;
    }
    CHECK_U64(bad_again, 0);
    CHECK_U64(bad_key, 0);
    CHECK_U64(cube_row_count(c), N);
    cube_free(c);
    cube_free(NULL);
}

/* Keys that differ in one field only are different rows. */
static void test_cube_key_fields(void)
{
    struct cube *c = cube_new();
    struct cube_key base;
    memset(&base, 0, sizeof(base));
    base.bin = FEB1;
    base.sensor = ip("192.0.2.10");
    base.remote = ip("203.0.113.1");
    base.service = 445;
    base.proto = PROTO_TCP;
    base.initiator = INITIATOR_REMOTE;

    struct cube_key k[7];
    for (int i = 0; i < 7; i++)
        k[i] = base;
    k[1].bin = FEB1 + HOUR;
    k[2].sensor = ip("192.0.2.11");
    k[3].remote = ip("::ffff:203.0.113.2");
    k[4].service = 446;
    k[5].proto = PROTO_UDP;
    k[6].initiator = INITIATOR_SENSOR;
    uint32_t idx[7];
    for (int i = 0; i < 7; i++)
        idx[i] = cube_lookup(c, &k[i]);
    for (int i = 0; i < 7; i++) {
        CHECK_U64(idx[i], i);
        CHECK_U64(cube_lookup(c, &k[i]), idx[i]);
    }
    CHECK_U64(cube_row_count(c), 7);
    /* An IPv4 remote and the IPv6 address ::ffff: of the same bytes are two
     * addresses: a packet carried one or the other. */
    struct cube_key other = base;
    other.remote = ip("::ffff:203.0.113.1");
    CHECK_U64(cube_lookup(c, &other), 7);
    CHECK_U64(cube_row_count(c), 8);
    cube_free(c);
}

static void set_counts(struct cube *c, const struct cube_key *k, uint64_t pin, uint64_t pout,
                       uint64_t bin_, uint64_t bout, uint64_t flows, int64_t first, int64_t last)
{
    struct cube_counts *x = &cube_row_at(c, cube_lookup(c, k))->counts;
    x->packets_in = pin;
    x->packets_out = pout;
    x->bytes_in = bin_;
    x->bytes_out = bout;
    x->flows = flows;
    x->first_ns = first;
    x->last_ns = last;
}

static void test_cube_merge(void)
{
    struct cube *a = cube_new(), *b = cube_new();
    struct cube_key k1 = key_n(1), k2 = key_n(2), k3 = key_n(3), k4 = key_n(4);
    set_counts(a, &k1, 3, 4, 300, 400, 1, 100, 200);
    set_counts(a, &k2, 1, 0, 60, 0, 1, 500, 500);
    set_counts(b, &k3, 7, 0, 700, 0, 2, 10, 20);
    set_counts(b, &k1, 10, 20, 1000, 2000, 5, 50, 150);
    /* A row of b that was looked up but never counted. */
    cube_lookup(b, &k4);

    cube_merge(a, b);
    CHECK_U64(cube_row_count(a), 4);
    CHECK_U64(cube_row_count(b), 3);
    const struct cube_counts *x = &cube_row_at(a, cube_lookup(a, &k1))->counts;
    CHECK_U64(x->packets_in, 13);
    CHECK_U64(x->packets_out, 24);
    CHECK_U64(x->bytes_in, 1300);
    CHECK_U64(x->bytes_out, 2400);
    CHECK_U64(x->flows, 6);
    CHECK_U64(x->first_ns, 50);
    CHECK_U64(x->last_ns, 200);
    x = &cube_row_at(a, cube_lookup(a, &k2))->counts;
    CHECK_U64(x->packets_in, 1);
    CHECK_U64(x->bytes_in, 60);
    CHECK_U64(x->first_ns, 500);
    CHECK_U64(x->last_ns, 500);
    x = &cube_row_at(a, cube_lookup(a, &k3))->counts;
    CHECK_U64(x->packets_in, 7);
    CHECK_U64(x->bytes_in, 700);
    CHECK_U64(x->flows, 2);
    CHECK_U64(x->first_ns, 10);
    CHECK_U64(x->last_ns, 20);
    x = &cube_row_at(a, cube_lookup(a, &k4))->counts;
    CHECK_U64(x->packets_in, 0);
    CHECK(x->first_ns == INT64_MAX);
    CHECK(x->last_ns == INT64_MIN);

    /* b is unchanged. */
    x = &cube_row_at(b, cube_lookup(b, &k1))->counts;
    CHECK_U64(x->packets_in, 10);
    CHECK_U64(x->first_ns, 50);
    CHECK_U64(cube_row_count(b), 3);

    /* Merging is adding: twice doubles b's part. */
    cube_merge(a, b);
    x = &cube_row_at(a, cube_lookup(a, &k1))->counts;
    CHECK_U64(x->packets_in, 23);
    CHECK_U64(x->flows, 11);
    CHECK_U64(x->first_ns, 50);
    CHECK_U64(x->last_ns, 200);
    cube_free(a);
    cube_free(b);
}

/* Merging enough new rows to grow into's row array. */
static void test_cube_merge_many(void)
{
    struct cube *a = cube_new(), *b = cube_new();
    enum { N = 30000 };
    for (uint32_t n = 0; n < N; n++) {
        struct cube_key k = key_n(n);
        if (n % 2)
            set_counts(a, &k, 1, 0, 40, 0, 1, n, n);
        if (n % 3)
            set_counts(b, &k, 2, 1, 80, 40, 0, (int64_t)n - 5, (int64_t)n + 5);
    }
    cube_merge(a, b);
    unsigned bad = 0;
    size_t expect_rows = 0;
    for (uint32_t n = 0; n < N; n++) {
        bool in_a = n % 2, in_b = n % 3;
        if (!in_a && !in_b)
            continue;
        expect_rows++;
        struct cube_key k = key_n(n);
        const struct cube_counts *x = &cube_row_at(a, cube_lookup(a, &k))->counts;
        uint64_t pin = (in_a ? 1u : 0u) + (in_b ? 2u : 0u);
        int64_t first = in_b ? (int64_t)n - 5 : (int64_t)n;
        int64_t last = in_b ? (int64_t)n + 5 : (int64_t)n;
        if (x->packets_in != pin || x->packets_out != (in_b ? 1u : 0u) || x->bytes_in != pin * 40 ||
            x->flows != (in_a ? 1u : 0u) || x->first_ns != first || x->last_ns != last)
            bad++;
    }
    CHECK_U64(bad, 0);
    CHECK_U64(cube_row_count(a), expect_rows);
    cube_free(a);
    cube_free(b);
}

/* ---- categories and services ---- */

static const char *category(enum initiator who, uint8_t proto, uint16_t service)
{
    static char buf[64];
    memset(buf, 'x', sizeof(buf));
    category_format(who, proto, service, buf, sizeof(buf));
    return buf;
}

static const char *service(uint8_t proto, uint16_t svc)
{
    static char buf[64];
    memset(buf, 'x', sizeof(buf));
    service_format(proto, svc, buf, sizeof(buf));
    return buf;
}

static void test_service_format(void)
{
    CHECK_STR(service(PROTO_TCP, 1234), "tcp/1234");
    CHECK_STR(service(PROTO_TCP, 0), "tcp/0");
    CHECK_STR(service(PROTO_TCP, 65535), "tcp/65535");
    CHECK_STR(service(PROTO_UDP, 123), "udp/123");
    CHECK_STR(service(PROTO_ICMP, 8 << 8), "icmp/8");
    CHECK_STR(service(PROTO_ICMP, 13 << 8), "icmp/13");
    CHECK_STR(service(PROTO_ICMP, 0x0303), "icmp/3/3");
    CHECK_STR(service(PROTO_ICMP, 0), "icmp/0");
    CHECK_STR(service(PROTO_ICMPV6, 128 << 8), "icmp6/128");
    CHECK_STR(service(PROTO_ICMPV6, 135 << 8), "icmp6/135");
    CHECK_STR(service(PROTO_ICMPV6, 0x0104), "icmp6/1/4");
    CHECK_STR(service(47, 0), "proto/47");
    CHECK_STR(service(0, 0), "proto/0");
    CHECK_STR(service(255, 0), "proto/255");
}

static void test_category_sensor_named(void)
{
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 25), "spam-smtp");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 465), "spam-smtp");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 587), "spam-smtp");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 53), "dns");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_UDP, 53), "dns");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMP, 8 << 8), "icmp-scan");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMPV6, 128 << 8), "icmp-scan");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 80), "http-download");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 8080), "http-download");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 443), "https");
    for (uint16_t p = 6660; p <= 6669; p++)
        CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, p), "irc");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 6697), "irc");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 7000), "irc");
}

static void test_category_sensor_other(void)
{
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 1234), "tcp/1234");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 6659), "tcp/6659");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 6670), "tcp/6670");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 24), "tcp/24");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_TCP, 8081), "tcp/8081");
    /* The named ones are by protocol too. */
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_UDP, 25), "udp/25");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_UDP, 443), "udp/443");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_UDP, 80), "udp/80");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_UDP, 6667), "udp/6667");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_UDP, 123), "udp/123");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMP, 13 << 8), "icmp/13");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMP, 0x0801), "icmp/8/1");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMP, 128 << 8), "icmp/128");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMPV6, 8 << 8), "icmp6/8");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMPV6, 135 << 8), "icmp6/135");
    CHECK_STR(category(INITIATOR_SENSOR, PROTO_ICMP, 0x0303), "icmp/3/3");
    CHECK_STR(category(INITIATOR_SENSOR, 47, 0), "proto/47");
    /* Only the service and protocol count: 47's "service" 25 is still proto/47. */
    CHECK_STR(category(INITIATOR_SENSOR, 47, 25), "proto/47");
}

static void test_category_remote_unknown(void)
{
    CHECK_STR(category(INITIATOR_REMOTE, PROTO_TCP, 445), "scan:tcp/445");
    CHECK_STR(category(INITIATOR_REMOTE, PROTO_TCP, 25), "scan:tcp/25");
    CHECK_STR(category(INITIATOR_REMOTE, PROTO_UDP, 53), "scan:udp/53");
    CHECK_STR(category(INITIATOR_REMOTE, PROTO_ICMP, 8 << 8), "scan:icmp/8");
    CHECK_STR(category(INITIATOR_REMOTE, PROTO_ICMP, 0x0303), "scan:icmp/3/3");
    CHECK_STR(category(INITIATOR_REMOTE, PROTO_ICMPV6, 128 << 8), "scan:icmp6/128");
    CHECK_STR(category(INITIATOR_REMOTE, 47, 0), "scan:proto/47");
    CHECK_STR(category(INITIATOR_UNKNOWN, PROTO_UDP, 53), "unknown:udp/53");
    CHECK_STR(category(INITIATOR_UNKNOWN, PROTO_TCP, 80), "unknown:tcp/80");
    CHECK_STR(category(INITIATOR_UNKNOWN, PROTO_ICMP, 0x0303), "unknown:icmp/3/3");
    CHECK_STR(category(INITIATOR_UNKNOWN, 47, 0), "unknown:proto/47");
}

static void test_category_named_ids(void)
{
    CHECK(category_named_text(0) == NULL);
    CHECK_STR(category_named_text(category_named(PROTO_TCP, 25)), "spam-smtp");
    CHECK_STR(category_named_text(category_named(PROTO_UDP, 53)), "dns");
    CHECK_STR(category_named_text(category_named(PROTO_ICMPV6, 128 << 8)), "icmp-scan");
    CHECK_STR(category_named_text(category_named(PROTO_TCP, 8080)), "http-download");
    CHECK_STR(category_named_text(category_named(PROTO_TCP, 443)), "https");
    CHECK_STR(category_named_text(category_named(PROTO_TCP, 6697)), "irc");
    CHECK_U64(category_named(PROTO_TCP, 1234), 0);
    CHECK_U64(category_named(PROTO_UDP, 443), 0);
    CHECK_U64(category_named(47, 25), 0);
    CHECK(category_named_text(7) == NULL);
    CHECK(category_named_text(1000) == NULL);
}

/* A short buffer truncates, never overruns. */
static void test_category_short_buffer(void)
{
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    category_format(INITIATOR_UNKNOWN, PROTO_ICMPV6, 0x0104, buf, 6);
    CHECK_STR(buf, "unkno");
    CHECK(buf[6] == 'x' && buf[7] == 'x');
    service_format(PROTO_TCP, 65535, buf, 5);
    CHECK_STR(buf, "tcp/");
}

/* ---- escaping ---- */

/* What text_escape() writes for s. */
static char *escaped(const char *s)
{
    static char out[1024];
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    if (!f)
        abort();
    text_escape(f, s);
    fclose(f);
    snprintf(out, sizeof(out), "%s", mem);
    free(mem);
    return out;
}

static char *sanitized(const char *s)
{
    static char out[1024];
    memset(out, 'x', sizeof(out));
    size_t n = utf8_sanitize(s, out, sizeof(out));
    if (n != strlen(out))
        return NULL;
    return out;
}

struct escape_case {
    const char *in, *out;
};

static const struct escape_case escape_cases[] = {
    {"", ""},
    {"plain ascii 0-9 ~!", "plain ascii 0-9 ~!"},
    {"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
    {"a\xc2\x9b"
     "31mb",
     "a\\xc2\\x9b31mb"},                                      /* C1 CSI, U+009B */
    {"\xc2\x80", "\\xc2\\x80"},                               /* U+0080 */
    {"\xc2\xa0", "\xc2\xa0"},                                 /* U+00A0 is past C1 */
    {"caf\xc3\xa9", "caf\xc3\xa9"},                           /* é */
    {"\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac"}, /* 日本 */
    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},                 /* U+1F600 */
    {"\xe2\x80\xae"
     "txt.exe",
     "\\xe2\\x80\\xaetxt.exe"},          /* U+202E */
    {"\xe2\x80\xaa", "\\xe2\\x80\\xaa"}, /* U+202A */
    {"\xe2\x81\xa6", "\\xe2\\x81\\xa6"}, /* U+2066 */
    {"\xe2\x81\xa9", "\\xe2\\x81\\xa9"}, /* U+2069 */
    {"\xe2\x80\xa8", "\\xe2\\x80\\xa8"}, /* U+2028 */
    {"\xe2\x80\xa9", "\\xe2\\x80\\xa9"}, /* U+2029 */
    {"\xe2\x80\x94", "\xe2\x80\x94"},    /* U+2014, an em dash */
    {"\xff", "\\xff"},
    {"a\xfe"
     "b",
     "a\\xfeb"},
    {"\xc3", "\\xc3"},   /* cut short */
    {"\xc3(", "\\xc3("}, /* bad continuation */
    {"\xe2\x80", "\\xe2\\x80"},
    {"\xc0\xaf", "\\xc0\\xaf"},                   /* overlong '/' */
    {"\xe0\x80\xaf", "\\xe0\\x80\\xaf"},          /* overlong '/' */
    {"\xed\xa0\x80", "\\xed\\xa0\\x80"},          /* a surrogate */
    {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"}, /* past U+10FFFF */
    {"\x80"
     "abc",
     "\\x80abc"}, /* lone continuation */
    {"tab\there", "tab\\x09here"},
    {"line\nbreak\r", "line\\x0abreak\\x0d"},
    {"del\x7f", "del\\x7f"},
    {"\x01\x1f", "\\x01\\x1f"},
};

static void test_text_escape(void)
{
    for (size_t i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++)
        CHECK_STR(escaped(escape_cases[i].in), escape_cases[i].out);
}

static void test_utf8_sanitize(void)
{
    for (size_t i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++)
        CHECK_STR(sanitized(escape_cases[i].in), escape_cases[i].out);
}

/* Offsets in a sanitized string at which one escape or character ends. */
static size_t unit_ends(const char *s, size_t *ends, size_t max)
{
    size_t n = 0, i = 0, len = strlen(s);
    ends[n++] = 0;
    while (i < len && n < max) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            i += 4;
        else if (c < 0x80)
            i += 1;
        else if ((c & 0xe0) == 0xc0)
            i += 2;
        else if ((c & 0xf0) == 0xe0)
            i += 3;
        else
            i += 4;
        ends[n++] = i;
    }
    return n;
}

/*
 * A buffer too short: the output is a NUL-terminated prefix of the full
 * result that never splits an escape or a character, and nothing is written
 * past len.
 */
static void test_utf8_sanitize_short(void)
{
    static const char *const inputs[] = {
        "abcdefghijklmnopqrstuvwxyz",
        "\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b",
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
        "a\xe2\x80\xae"
        "b\xff"
        "c\xc2\x9b"
        "defghijklmnop",
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        char full[256];
        size_t full_len = utf8_sanitize(inputs[i], full, sizeof(full));
        CHECK_U64(full_len, strlen(full));
        size_t ends[256];
        size_t nends = unit_ends(full, ends, 256);
        CHECK_U64(ends[nends - 1], full_len);
        for (size_t len = 1; len <= 40; len++) {
            char buf[64];
            memset(buf, 'Z', sizeof(buf));
            size_t n = utf8_sanitize(inputs[i], buf, len);
            CHECK(n < len);
            CHECK_U64(n, strlen(buf));
            CHECK(memcmp(buf, full, n) == 0);
            bool at_end = false;
            for (size_t k = 0; k < nends; k++)
                at_end |= ends[k] == n;
            CHECK(at_end);
            for (size_t k = len; k < sizeof(buf); k++)
                CHECK(buf[k] == 'Z');
        }
        /* Room for the whole result, its NUL and a little slack holds it all. */
        char roomy[256];
        CHECK_U64(utf8_sanitize(inputs[i], roomy, full_len + 6), full_len);
        CHECK_STR(roomy, full);
    }
    /* Exact, for escapes: each takes four bytes, and no escape is cut. */
    char buf[16];
    CHECK_U64(utf8_sanitize("\x1b\x1b\x1b\x1b\x1b", buf, sizeof(buf)), 12);
    CHECK_STR(buf, "\\x1b\\x1b\\x1b");
}

/* Absorbing: an empty cube takes another's rows and evidence whole; a full one adds them. */
static void test_cube_absorb(void)
{
    struct cube *into = cube_new(), *a = cube_new(), *b = cube_new();
    struct cube_key k1 = key_n(1), k2 = key_n(2);
    set_counts(a, &k1, 3, 4, 300, 400, 1, 100, 200);
    evidence_table_add(cube_evidence(a), k1.bin, &k1.remote, 1, "x", 1, 2);
    set_counts(b, &k2, 1, 0, 60, 0, 1, 500, 500);
    set_counts(b, &k1, 1, 1, 10, 10, 0, 50, 60);
    evidence_table_add(cube_evidence(b), k1.bin, &k1.remote, 1, "x", 1, 5);
    cube_absorb(into, a); /* taken whole, a freed */
    CHECK_U64(cube_row_count(into), 1);
    CHECK_U64(cube_row_at(into, cube_lookup(into, &k1))->counts.packets_out, 4);
    cube_absorb(into, b); /* added, b freed */
    CHECK_U64(cube_row_count(into), 2);
    const struct cube_counts *x = &cube_row_at(into, cube_lookup(into, &k1))->counts;
    CHECK_U64(x->packets_in, 4);
    CHECK_U64(x->packets_out, 5);
    CHECK_U64(x->first_ns, 50);
    CHECK_U64(x->last_ns, 200);
    CHECK_U64(evidence_table_count(cube_evidence(into)), 1);
    CHECK_U64(evidence_table_at(cube_evidence(into), 0)->count, 7);
    cube_free(into);
}

/*
 * The evidence table's bound is its memory: all it allocates for rows, hashes,
 * index and values, never more than the bound. Past it new values are counted
 * as dropped; rows already there still count, and put() (merges, loads) is
 * not bounded.
 */
static void test_evidence_bytes_bound(void)
{
    struct evidence_table *t = evidence_table_new();
    uint64_t max = UINT64_C(1) << 20;
    evidence_table_set_bytes(t, max);
    struct ip_addr remote;
    memset(&remote, 0, sizeof(remote));
    char value[16];
    uint64_t most = 0;
    for (unsigned i = 0; i < 20000; i++) {
        int len = snprintf(value, sizeof(value), "v%05u", i);
        evidence_table_add(t, 0, &remote, 1, value, (size_t)len, 1);
        if (evidence_table_bytes(t) > most)
            most = evidence_table_bytes(t);
    }
    CHECK(most <= max);
    size_t kept = evidence_table_count(t);
    CHECK(kept > 4000 && kept < 20000); /* a quarter of a MiB of values, then rows of ~60 B */
    CHECK_U64(evidence_table_dropped(t), 20000 - kept);
    evidence_table_add(t, 0, &remote, 1, "v00000", 6, 4); /* kept before: still counts */
    CHECK_U64(evidence_table_at(t, 0)->count, 5);
    evidence_table_put(t, 0, &remote, 1, "w", 1, 1);
    CHECK_U64(evidence_table_count(t), kept + 1);
    evidence_table_free(t);
}

/*
 * Absorbing disjoint cubes (a stream's workers): rows and evidence are
 * appended in order, a later lookup or evidence add still finds them (the
 * indexes are rebuilt then), and rows past into's budget take the spilling way.
 */
static void test_cube_absorb_disjoint(void)
{
    struct cube *into = cube_new(), *a = cube_new(), *b = cube_new(), *c = cube_new();
    struct cube_key k1 = key_n(1), k2 = key_n(2), k3 = key_n(3), k4 = key_n(4);
    set_counts(a, &k1, 3, 4, 300, 400, 1, 100, 200);
    evidence_table_add(cube_evidence(a), k1.bin, &k1.remote, 1, "x", 1, 2);
    set_counts(b, &k2, 1, 0, 60, 0, 1, 500, 500);
    set_counts(b, &k3, 2, 0, 70, 0, 1, 600, 700);
    evidence_table_add(cube_evidence(b), k2.bin, &k2.remote, 1, "y", 1, 5);
    evidence_table_add(cube_evidence(b), k3.bin, &k3.remote, 2, "zz", 2, 1);
    cube_absorb_disjoint(into, a); /* taken whole */
    cube_absorb_disjoint(into, b); /* appended */
    CHECK_U64(cube_row_count(into), 3);
    CHECK(memcmp(&cube_row_at(into, 1)->key, &k2, sizeof(k2)) == 0);
    CHECK(memcmp(&cube_row_at(into, 2)->key, &k3, sizeof(k3)) == 0);
    CHECK_U64(cube_lookup(into, &k3), 2);
    CHECK_U64(cube_row_at(into, cube_lookup(into, &k1))->counts.packets_out, 4);
    CHECK_U64(cube_lookup(into, &k4), 3); /* a new key after the index was rebuilt */
    CHECK_U64(cube_row_count(into), 4);
    struct evidence_table *e = cube_evidence(into);
    CHECK_U64(evidence_table_count(e), 3);
    CHECK_STR(evidence_table_at(e, 2)->value, "zz");
    evidence_table_add(e, k2.bin, &k2.remote, 1, "y", 1, 4); /* found, not added again */
    CHECK_U64(evidence_table_count(e), 3);
    CHECK_U64(evidence_table_at(e, 1)->count, 9);
    /* Past into's budget: the rows are spilled as they are added, none lost. */
    cube_set_budget(into, 4, "/tmp");
    struct cube_key k5 = key_n(5), k6 = key_n(6);
    set_counts(c, &k5, 1, 0, 10, 0, 0, 800, 800);
    set_counts(c, &k6, 1, 0, 10, 0, 1, 900, 900);
    cube_absorb_disjoint(into, c);
    CHECK(cube_spilled(into));
    char err[256];
    struct cube_chunks *chunks = cube_chunks_open(into, 100, false, err, sizeof(err));
    CHECK(chunks != NULL);
    struct cube *chunk;
    int status = 0;
    size_t rows = 0;
    uint64_t packets = 0;
    while (chunks && (chunk = cube_chunks_next(chunks, &status, err, sizeof(err)))) {
        rows += cube_row_count(chunk);
        for (size_t i = 0; i < cube_row_count(chunk); i++)
            packets += cube_row_at(chunk, (uint32_t)i)->counts.packets_in;
    }
    CHECK(status == 0);
    CHECK_U64(rows, 6);
    CHECK_U64(packets, 3 + 1 + 2 + 0 + 1 + 1); /* k1..k6: a's, b's, the lookup's k4, c's */
    cube_chunks_close(chunks);
    cube_free(into);
}

/*
 * A spilled cube read back in chunks: each chunk holds whole remotes in
 * address order, each key once (rows of one key from several runs added
 * up), says so, and still answers a lookup (its index built on demand).
 * The same with the next chunk merged ahead by a thread of its own, and
 * with runs so many that they are merged a level up while they are made.
 */
static void check_chunks_in_order(bool read_ahead, size_t budget, uint32_t keys)
{
    struct cube *c = cube_new();
    cube_set_budget(c, budget, "/tmp");
    for (uint32_t n = 1; n <= 2 * keys; n++) {
        struct cube_key k = key_n(n % keys + 1); /* each key twice, in runs apart */
        set_counts(c, &k, 1, 0, 10, 0, 1, n, n);
    }
    CHECK(cube_spilled(c));
    CHECK(!cube_in_address_order(c));
    char err[256];
    int status = 0;
    struct cube_chunks *chunks = cube_chunks_open(c, 64, read_ahead, err, sizeof(err));
    CHECK(chunks != NULL);
    struct cube *chunk;
    uint64_t rows = 0, packets = 0;
    struct cube_key last;
    bool have_last = false, ordered = true;
    while ((chunk = cube_chunks_next(chunks, &status, err, sizeof(err)))) {
        CHECK(cube_in_address_order(chunk));
        for (size_t i = 0; i < cube_row_count(chunk); i++) {
            const struct cube_row *row = cube_row_at(chunk, (uint32_t)i);
            if (have_last && spill_cmp(&last, &row->key) >= 0)
                ordered = false;
            last = row->key;
            have_last = true;
            rows++;
            packets += row->counts.packets_in;
        }
        /* A lookup of a row it holds finds that row; the chunk is then a plain cube. */
        const struct cube_row *first = cube_row_at(chunk, 0);
        struct cube_key k = first->key;
        uint64_t before = first->counts.packets_in;
        size_t count = cube_row_count(chunk);
        CHECK_U64(cube_row_at(chunk, cube_lookup(chunk, &k))->counts.packets_in, before);
        CHECK_U64(cube_row_count(chunk), count);
        CHECK(!cube_in_address_order(chunk));
    }
    CHECK(status == 0);
    CHECK(ordered);
    CHECK_U64(rows, keys);
    CHECK_U64(packets, 2 * keys);
    /* The end stays the end. */
    CHECK(cube_chunks_next(chunks, &status, err, sizeof(err)) == NULL && status == 0);
    cube_chunks_close(chunks);
    cube_free(c);
}

static void test_cube_chunks_in_order(void)
{
    check_chunks_in_order(false, 50, 200);
}

static void test_cube_chunks_read_ahead(void)
{
    check_chunks_in_order(true, 50, 200);
}

/* 700 runs of two rows: every 128 of them merge into one a level up. */
static void test_cube_chunks_many_runs(void)
{
    check_chunks_in_order(true, 2, 700);
}

/* A cube of keys key_n(first .. first + count - 1), each with packets_in packets, spilling past
 * budget rows. */
static struct cube *cube_of_keys(size_t budget, const char *dir, uint32_t first, uint32_t count,
                                 uint64_t packets_in)
{
    struct cube *c = cube_new();
    cube_set_budget(c, budget, dir);
    for (uint32_t n = 1; n <= count; n++) {
        struct cube_key k = key_n(first + n - 1);
        set_counts(c, &k, packets_in, 0, 10, 0, 1, n, n);
    }
    return c;
}

/* Rows read back from a cube's chunks: how many, and their packets. */
static void read_back(struct cube *c, uint64_t *rows, uint64_t *packets, int *status)
{
    char err[256];
    *rows = *packets = 0;
    struct cube_chunks *chunks = cube_chunks_open(c, 64, true, err, sizeof(err));
    *status = chunks ? 0 : -1;
    struct cube *chunk;
    while (chunks && (chunk = cube_chunks_next(chunks, status, err, sizeof(err))))
        for (size_t i = 0; i < cube_row_count(chunk); i++) {
            ++*rows;
            *packets += cube_row_at(chunk, (uint32_t)i)->counts.packets_in;
        }
    cube_chunks_close(chunks);
}

/* Two cubes that spilled, one absorbed into the other: every row is read back once. */
static void test_cube_spilled_absorbed(void)
{
    struct cube *a = cube_of_keys(10, "/tmp", 1, 25, 1), *b = cube_of_keys(10, "/tmp", 1001, 25, 2);
    CHECK(cube_spilled(a) && cube_spilled(b));
    cube_absorb_disjoint(a, b);
    uint64_t rows, packets;
    int status;
    read_back(a, &rows, &packets, &status);
    CHECK(status == 0);
    CHECK_U64(rows, 50);
    CHECK_U64(packets, 25 + 50);
    struct cube_spill_stats st = cube_spill_stats(a);
    CHECK(st.runs >= 4 && st.bytes > 0);
    CHECK(cube_error(a) == NULL);
    cube_free(a);
}

/* A spill that cannot be written: the error comes out, nothing is read back. */
static void test_cube_spill_fails(void)
{
    struct cube *c = cube_of_keys(10, "/nonexistent/honeyscope-spill", 1, 40, 1);
    const char *error = cube_error(c);
    CHECK(error != NULL && strstr(error, "/nonexistent/honeyscope-spill") != NULL);
    uint64_t rows, packets;
    int status;
    read_back(c, &rows, &packets, &status);
    CHECK(status < 0);
    cube_free(c);
}

/* Rows of every kind for a run: both families, mapped, extreme bins, times and counts. */
static struct cube_row run_row(uint32_t n)
{
    struct cube_row row;
    memset(&row, 0, sizeof(row));
    row.key = key_n(n / 3 + 1); /* three rows a remote */
    row.key.bin += n % 3 * 900;
    row.key.service = (uint16_t)(n * 7919u);
    row.key.proto = (uint8_t)n;
    row.key.initiator = (uint8_t)(n % 3);
    if (n % 5 == 0) {
        const uint8_t mapped[16] = {0, 0, 0,    0,    0,   0,  0,   0,
                                    0, 0, 0xff, 0xff, 198, 51, 100, (uint8_t)n};
        addr_from_v6(&row.key.remote, mapped);
    }
    const int64_t bins[] = {INT64_MIN, -1, 0, FEB1, INT64_MAX};
    if (n % 11 == 0)
        row.key.bin = bins[n / 11 % 5];
    row.counts.packets_in = n % 13 == 0 ? UINT64_MAX : n;
    row.counts.packets_out = n / 3;
    row.counts.bytes_in = (uint64_t)n << 40;
    row.counts.bytes_out = n % 17 == 0 ? UINT64_MAX : 60 * (uint64_t)n;
    row.counts.flows = n % 2;
    /* A row no packet has set yet keeps its sentinels; others lie anywhere. */
    const int64_t firsts[] = {INT64_MAX, INT64_MIN, 0, row.key.bin / 3, -5};
    row.counts.first_ns = n % 7 == 0 ? firsts[n / 7 % 5] : (int64_t)n * 1000003;
    row.counts.last_ns = n % 19 == 0 ? INT64_MIN : row.counts.first_ns / 2 + (int64_t)n;
    return row;
}

static int run_row_cmp(const void *a, const void *b)
{
    return spill_cmp(&((const struct cube_row *)a)->key, &((const struct cube_row *)b)->key);
}

/* The rows written to a run come back as they were, block boundaries and all. */
static void test_run_round_trip(void)
{
    enum { N = 3 * RUN_BLOCK_ROWS + 17 };
    struct cube_row *rows = calloc(N, sizeof(*rows));
    for (uint32_t n = 0; n < N; n++)
        rows[n] = run_row(n + 1);
    qsort(rows, N, sizeof(*rows), run_row_cmp);
    char err[256];
    struct run *run = run_create("/tmp", err, sizeof(err));
    CHECK(run != NULL);
    /* One row, then the rest in pieces that straddle the blocks. */
    CHECK(run_write(run, rows, 1, "/tmp", err, sizeof(err)) == 0);
    for (size_t at = 1; at < N; at += 300)
        CHECK(run_write(run, rows + at, N - at < 300 ? N - at : 300, "/tmp", err, sizeof(err)) ==
              0);
    CHECK(run_finish_writing(run, "/tmp", err, sizeof(err)) == 0);
    CHECK(run->bytes < (uint64_t)N * sizeof(struct cube_row));
    struct run_merge *m = run_merge_open(&run, 1, err, sizeof(err));
    CHECK(m != NULL);
    struct cube_row row;
    size_t got = 0, same = 0;
    while (run_merge_next(m, &row, err, sizeof(err)) == 0) {
        same += got < N && memcmp(&row, &rows[got], sizeof(row)) == 0;
        got++;
    }
    run_merge_close(m);
    CHECK_U64(got, N);
    CHECK_U64(same, N);
    run_free(run);
    free(rows);
}

/* A run that is not as it was written is an error when read back, never other rows. */
static void test_run_damaged(void)
{
    char err[256];
    for (int damage = 0; damage < 3; damage++) {
        struct run *run = run_create("/tmp", err, sizeof(err));
        CHECK(run != NULL);
        for (uint32_t n = 1; n <= 40; n++) {
            struct cube_row row = run_row(2 * n);
            row.key.bin = FEB1;
            CHECK(run_write(run, &row, 1, "/tmp", err, sizeof(err)) == 0);
        }
        CHECK(run_finish_writing(run, "/tmp", err, sizeof(err)) == 0);
        int fd = fileno(run->fp);
        if (damage == 0) {
            CHECK(pwrite(fd, "\xff", 1, 8) == 1); /* the first row's flags */
        } else if (damage == 1) {
            const uint32_t head[2] = {8, 40}; /* fewer bytes than its rows need */
            CHECK(pwrite(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head));
        } else {
            CHECK(ftruncate(fd, 50) == 0);
        }
        err[0] = '\0';
        struct run_merge *m = run_merge_open(&run, 1, err, sizeof(err));
        CHECK(m == NULL);
        CHECK(strstr(err, "cannot read back a spill file") != NULL);
        run_free(run);
    }
}

static const struct ip_addr *nth_addr(const void *ctx, size_t i)
{
    return &((const struct ip_addr *)ctx)[i];
}

/*
 * Address order over a mix of every kind of address: IPv4, IPv6 below
 * ::ffff:0:0/96 (::1, ::a.b.c.d), IPv6 forms of IPv4 addresses (inside it,
 * some the twins of IPv4 ones) and IPv6 above it; equal addresses stay in
 * index order. Checked against comparisons of every neighbouring pair.
 */
static void test_address_order_mixed(void)
{
    enum { N = 6000 };
    static struct ip_addr addrs[N];
    static uint32_t order[N];
    static bool seen[N];
    uint64_t x = 88172645463325252u;
    uint8_t last_v4[4] = {192, 0, 2, 1};
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint8_t b[16] = {0};
        uint8_t v4[4] = {(uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24),
                         (uint8_t)(x % 7)};
        switch (x % 5) {
        case 0:
        case 1:
            addr_from_v4(&addrs[i], v4);
            memcpy(last_v4, v4, 4);
            break;
        case 2: /* below the IPv4 range */
            memcpy(b + 12, v4, 4);
            addr_from_v6(&addrs[i], b);
            break;
        case 3: /* an IPv4 address in its IPv6 form: half of them twins of one before */
            b[10] = b[11] = 0xff;
            memcpy(b + 12, x % 2 ? last_v4 : v4, 4);
            addr_from_v6(&addrs[i], b);
            break;
        default: /* above it */
            b[0] = 0x20;
            b[1] = 0x01;
            memcpy(b + 12, v4, 4);
            addr_from_v6(&addrs[i], b);
            break;
        }
    }
    address_order(N, nth_addr, addrs, order);
    bool sorted = true, permutation = true;
    for (size_t k = 0; k < N; k++) {
        if (order[k] >= N || seen[order[k]])
            permutation = false;
        else
            seen[order[k]] = true;
        if (k > 0) {
            int c = addr_compare(&addrs[order[k - 1]], &addrs[order[k]]);
            if (c > 0 || (c == 0 && order[k - 1] > order[k]))
                sorted = false;
        }
    }
    CHECK(permutation);
    CHECK(sorted);
}

/* A reader that stops early (an error elsewhere) closes a read-ahead cleanly. */
static void test_cube_chunks_closed_early(void)
{
    struct cube *c = cube_of_keys(20, "/tmp", 1, 300, 1);
    char err[256];
    int status = 0;
    struct cube_chunks *chunks = cube_chunks_open(c, 16, true, err, sizeof(err));
    CHECK(chunks != NULL);
    struct cube *chunk = cube_chunks_next(chunks, &status, err, sizeof(err));
    CHECK(chunk != NULL && status == 0);
    CHECK_U64(cube_row_count(chunk), 8);
    cube_chunks_close(chunks);
    cube_free(c);
}

int main(void)
{
    RUN(test_bins_utc);
    RUN(test_bins_positive_zone);
    RUN(test_bins_negative_zone);
    RUN(test_bins_before_1970);
    RUN(test_bins_calendar);
    RUN(test_bins_property);
    RUN(test_cube_lookup_many);
    RUN(test_cube_key_fields);
    RUN(test_cube_merge);
    RUN(test_cube_chunks_in_order);
    RUN(test_cube_chunks_read_ahead);
    RUN(test_cube_chunks_many_runs);
    RUN(test_run_round_trip);
    RUN(test_cube_spilled_absorbed);
    RUN(test_cube_spill_fails);
    RUN(test_run_damaged);
    RUN(test_cube_chunks_closed_early);
    RUN(test_address_order_mixed);
    RUN(test_cube_absorb);
    RUN(test_cube_absorb_disjoint);
    RUN(test_evidence_bytes_bound);
    RUN(test_service_format);
    RUN(test_category_sensor_named);
    RUN(test_category_sensor_other);
    RUN(test_category_remote_unknown);
    RUN(test_category_named_ids);
    RUN(test_category_short_buffer);
    RUN(test_text_escape);
    RUN(test_utf8_sanitize);
    RUN(test_utf8_sanitize_short);
    /* Last: under AddressSanitizer a fault here ends the program. */
    RUN(test_cube_merge_many);
    CHECK_EXIT();
}
