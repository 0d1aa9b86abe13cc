/*
 * Unit tests of the flow table (src/flow/flow_table.c): the max_flows bound,
 * its LRU eviction, and expiry before eviction, with their counts.
 * Hand-built decoded packets are fed to flow_table_update() and checked
 * against the conversation rules of docs/semantics.md, IPv4 and IPv6.
 * Helpers shared with the other test_flow_*.c are in flow_fixture.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/common/addr.h"
#include "../../src/decode/decode.h"
#include "../../src/flow/flow.h"
#include "check.h"
#include "flow_fixture.h"

static void test_max_flows_eviction(void)
{
    struct flow_table *t = table_with(16);
    struct ip_addr s = ip(S4);
    size_t most = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        struct ip_addr r = v4n(0x0a000000u + i);
        struct decoded_packet p = udp(&r, &s, 1024, 53);
        CHECK(feed(t, &p, DIR_IN, T0 + i * 1000000LL).started);
        if (flow_table_count(t) > most)
            most = flow_table_count(t);
    }
    CHECK_U64(most, 16);
    CHECK_U64(flow_table_count(t), 16);
    CHECK_U64(flow_table_stats(t)->flows, 1000);
    CHECK_U64(flow_table_stats(t)->evicted, 1000 - 16);
    CHECK_U64(flow_table_stats(t)->expired, 0);

    /* The 16 most recent remain; the one before them was evicted. */
    for (uint32_t i = 984; i < 1000; i++) {
        struct ip_addr r = v4n(0x0a000000u + i);
        struct decoded_packet p = udp(&s, &r, 53, 1024);
        CHECK(!feed(t, &p, DIR_OUT, T0 + NS).started);
    }
    CHECK_U64(flow_table_stats(t)->evicted, 1000 - 16);
    flow_table_free(t);
}

static void test_eviction_is_lru(void)
{
    struct flow_table *t = table_with(16);
    struct ip_addr s = ip(S6);
    struct decoded_packet p[18];
    for (unsigned i = 0; i < 18; i++) {
        char text[48];
        snprintf(text, sizeof(text), "2001:db8:1::%x", i + 1);
        struct ip_addr r = ip(text);
        p[i] = tcp(&r, &s, (uint16_t)(30000 + i), 445, TCP_SYN);
    }
    for (unsigned i = 0; i < 16; i++)
        feed(t, &p[i], DIR_IN, T0 + i);
    /* Flow 0 is touched again: flow 1 becomes the least recently active. */
    CHECK(!feed(t, &p[0], DIR_IN, T0 + 100).started);
    CHECK(feed(t, &p[16], DIR_IN, T0 + 101).started);
    CHECK_U64(flow_table_stats(t)->evicted, 1);
    CHECK(!feed(t, &p[0], DIR_IN, T0 + 102).started);
    CHECK(feed(t, &p[1], DIR_IN, T0 + 103).started); /* evicted: starts again */
    CHECK_U64(flow_table_stats(t)->evicted, 2);      /* ... evicting flow 2 */
    CHECK(!feed(t, &p[3], DIR_IN, T0 + 104).started);
    CHECK_U64(flow_table_count(t), 16);
    flow_table_free(t);
}

static void test_expiry_before_eviction(void)
{
    struct flow_table *t = table_with(16);
    struct ip_addr s = ip(S4);
    for (uint32_t i = 0; i < 16; i++) {
        struct ip_addr r = v4n(0x0a000000u + i);
        struct decoded_packet p = udp(&r, &s, 1024, 53);
        feed(t, &p, DIR_IN, T0 + i * 1000000LL);
    }
    struct ip_addr r = v4n(0x0b000000u);
    struct decoded_packet late = udp(&r, &s, 1024, 53);
    CHECK(feed(t, &late, DIR_IN, T0 + 121 * NS).started);
    CHECK_U64(flow_table_stats(t)->expired, 16);
    CHECK_U64(flow_table_stats(t)->evicted, 0);
    CHECK_U64(flow_table_count(t), 1);
    flow_table_free(t);
}

/*
 * A full table whose least recently active flow is a TCP flow still within
 * its 300 s, behind UDP flows idle past their 120 s: the idle UDP flows end,
 * the live TCP conversation is not evicted.
 */
static void test_expiry_before_eviction_mixed(void)
{
    struct flow_table *t = table_with(16);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet ssh = tcp(&r, &s, 40000, 22, TCP_SYN);
    feed(t, &ssh, DIR_IN, T0);
    for (uint32_t i = 1; i < 16; i++) {
        struct ip_addr ri = v4n(0x0a000000u + i);
        struct decoded_packet p = udp(&ri, &s, 1024, 53);
        feed(t, &p, DIR_IN, T0 + i * NS);
    }
    struct ip_addr rn = v4n(0x0b000000u);
    struct decoded_packet late = udp(&rn, &s, 1024, 53);
    CHECK(feed(t, &late, DIR_IN, T0 + 200 * NS).started);
    CHECK_U64(flow_table_stats(t)->evicted, 0);

    struct decoded_packet more = tcp(&r, &s, 40000, 22, TCP_ACK);
    struct seen a = feed(t, &more, DIR_IN, T0 + 250 * NS);
    CHECK(!a.started);
    CHECK_U64(a.flow.first_ns, T0);
    CHECK_U64(a.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(flow_table_stats(t)->flows, 17);
    flow_table_free(t);
}

static void test_many_flows_expire(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), s6 = ip(S6);
    size_t most = 0;
    /* One new UDP flow every 10 ms: 120 s hold 12001 of them. */
    for (uint32_t i = 0; i < 100000; i++) {
        struct decoded_packet p;
        if (i % 2) {
            struct ip_addr r = v4n(0x0a000000u + i);
            p = udp(&r, &s, (uint16_t)(1024 + i % 50000), 53);
        } else {
            uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0xaa, 0, 0, 0, 0, 0, 0, 0};
            b[12] = (uint8_t)(i >> 24);
            b[13] = (uint8_t)(i >> 16);
            b[14] = (uint8_t)(i >> 8);
            b[15] = (uint8_t)i;
            struct ip_addr r;
            addr_from_v6(&r, b);
            p = udp(&r, &s6, 1024, 53);
        }
        bool started;
        if (!flow_table_update(t, &p, DIR_IN, T0 + (int64_t)i * 10000000LL, &started))
            abort();
        CHECK(started);
        if (flow_table_count(t) > most)
            most = flow_table_count(t);
    }
    CHECK_U64(most, 12001);
    CHECK_U64(flow_table_count(t), 12001);
    CHECK_U64(flow_table_stats(t)->flows, 100000);
    CHECK_U64(flow_table_stats(t)->expired, 100000 - 12001);
    CHECK_U64(flow_table_stats(t)->evicted, 0);

    /* The survivors are still found (the index stayed consistent). */
    for (uint32_t i = 100000 - 12001; i < 100000; i += 997) {
        if (!(i % 2))
            continue;
        struct ip_addr r = v4n(0x0a000000u + i);
        struct decoded_packet p = udp(&s, &r, 53, (uint16_t)(1024 + i % 50000));
        struct seen x = feed(t, &p, DIR_OUT, T0 + 99999LL * 10000000LL);
        CHECK(!x.started);
        CHECK_U64(x.flow.first_ns, T0 + (int64_t)i * 10000000LL);
    }
    flow_table_free(t);
}

/* Churn with a small table: every flow is found until it is evicted. */
static void test_churn_small_table(void)
{
    struct flow_table *t = table_with(64);
    struct ip_addr s = ip(S4);
    unsigned failures = 0;
    for (uint32_t round = 0; round < 200; round++) {
        for (uint32_t i = 0; i < 64; i++) {
            struct ip_addr r = v4n(0x0a000000u + round * 64 + i);
            struct decoded_packet p = udp(&r, &s, 1024, 53);
            if (!feed(t, &p, DIR_IN, T0 + round).started)
                failures++;
        }
        for (uint32_t i = 0; i < 64; i++) {
            struct ip_addr r = v4n(0x0a000000u + round * 64 + i);
            struct decoded_packet p = udp(&s, &r, 53, 1024);
            if (feed(t, &p, DIR_OUT, T0 + round).started)
                failures++;
        }
    }
    CHECK_U64(failures, 0);
    CHECK_U64(flow_table_count(t), 64);
    CHECK_U64(flow_table_stats(t)->evicted, 199 * 64);
    flow_table_free(t);
}

int main(void)
{
    RUN(test_max_flows_eviction);
    RUN(test_eviction_is_lru);
    RUN(test_expiry_before_eviction);
    RUN(test_expiry_before_eviction_mixed);
    RUN(test_many_flows_expire);
    RUN(test_churn_small_table);
    CHECK_EXIT();
}
