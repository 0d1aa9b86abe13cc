/*
 * Unit tests of the flow table (src/flow/flow_table.c): fragments joined to
 * their first, held until it comes, or handed back unmatched; the age and
 * size of the hold window. Hand-built decoded packets are fed to
 * flow_table_update() and checked against the conversation rules of
 * docs/semantics.md, IPv4 and IPv6. Helpers shared with the other
 * test_flow_*.c are in flow_fixture.h.
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

static void test_fragments_join_first(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);

    struct decoded_packet first = udp(&r, &s, 5060, 5060);
    first.first_fragment = 1;
    first.frag_id = 0xbeef;
    struct seen a = feed(t, &first, DIR_IN, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.service, 5060);

    struct decoded_packet rest = packet(&r, &s, PROTO_UDP, 0, 0);
    rest.is_fragment = 1;
    rest.frag_id = 0xbeef;
    for (int i = 1; i <= 3; i++) {
        struct seen b = feed(t, &rest, DIR_IN, T0 + i);
        CHECK(!b.started);
        CHECK_U64(b.flow.first_ns, T0);
        CHECK_U64(b.flow.key.sensor_port, 5060);
        CHECK_U64(b.flow.key.remote_port, 5060);
    }
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, 0);
    CHECK_U64(flow_table_count(t), 1);

    /* TCP: the fragments of a SYN carrying data stay in its flow. */
    struct decoded_packet syn = tcp(&r, &s, 41000, 80, TCP_SYN);
    syn.first_fragment = 1;
    syn.frag_id = 7;
    struct seen c = feed(t, &syn, DIR_IN, T0 + 10);
    CHECK(c.started);
    CHECK_U64(c.flow.initiator, INITIATOR_REMOTE);
    struct decoded_packet tail = packet(&r, &s, PROTO_TCP, 0, 0);
    tail.is_fragment = 1;
    tail.frag_id = 7;
    struct seen d = feed(t, &tail, DIR_IN, T0 + 11);
    CHECK(!d.started);
    CHECK_U64(d.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(d.flow.service, 80);

    /* IPv6, ICMPv6 echo request in fragments. */
    struct ip_addr s6 = ip(S6), r6 = ip(R6);
    struct decoded_packet big = icmp(PROTO_ICMPV6, &r6, &s6, 5, 128, 0);
    big.first_fragment = 1;
    big.frag_id = 0x01020304;
    CHECK(feed(t, &big, DIR_IN, T0 + 20).started);
    struct decoded_packet big_tail = packet(&r6, &s6, PROTO_ICMPV6, 0, 0);
    big_tail.is_fragment = 1;
    big_tail.frag_id = 0x01020304;
    struct seen e = feed(t, &big_tail, DIR_IN, T0 + 21);
    CHECK(!e.started);
    CHECK_U64(e.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(e.flow.service, 128 << 8);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, 0);
    CHECK_U64(flow_table_stats(t)->flows, 3);
    flow_table_free(t);
}

/* Feeds a non-first fragment the table must hold for its first. */
static void feed_held(struct flow_table *t, const struct decoded_packet *p, enum direction dir,
                      int64_t ts_ns)
{
    bool started = true;
    CHECK(flow_table_update(t, p, dir, ts_ns, &started) == NULL);
    CHECK(!started);
}

/* A held fragment handed back, copied out. */
struct handed {
    struct flow flow;
    struct flow_fragment fragment;
    bool started;
};

/* Drains what the table hands back into out (at most max); returns how many it handed. */
static size_t drain(struct flow_table *t, struct handed *out, size_t max)
{
    size_t n = 0;
    struct handed h;
    struct flow *f;
    while ((f = flow_table_released(t, &h.fragment, &h.started))) {
        h.flow = *f;
        if (n < max)
            out[n] = h;
        n++;
    }
    return n;
}

static struct decoded_packet fragment_of(const struct ip_addr *src, const struct ip_addr *dst,
                                         uint8_t proto, uint32_t id, uint32_t ip_bytes)
{
    struct decoded_packet p = packet(src, dst, proto, 0, 0);
    p.is_fragment = 1;
    p.frag_id = id;
    p.ip_bytes = ip_bytes;
    return p;
}

/*
 * Fragments whose first never comes: held, then handed back at the end of
 * the file as unmatched, each in a flow with ports 0 of its own addresses
 * and protocol; the first seen of a datagram still lends its ports at once.
 */
static void test_fragments_unmatched(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4), other = ip("203.0.113.78");
    struct handed h[8];

    struct decoded_packet first = udp(&r, &s, 5060, 5060);
    first.first_fragment = 1;
    first.frag_id = 100;
    feed(t, &first, DIR_IN, T0);

    /* Another id; the next one of that datagram too. */
    struct decoded_packet rest = fragment_of(&r, &s, PROTO_UDP, 101, 60);
    feed_held(t, &rest, DIR_IN, T0 + 1);
    feed_held(t, &rest, DIR_IN, T0 + 2);
    /* Same id, other source address. */
    struct decoded_packet stranger = fragment_of(&other, &s, PROTO_UDP, 100, 60);
    feed_held(t, &stranger, DIR_IN, T0 + 3);
    /* Same id and addresses, other protocol. */
    struct decoded_packet tcp_rest = fragment_of(&r, &s, PROTO_TCP, 100, 60);
    feed_held(t, &tcp_rest, DIR_IN, T0 + 4);
    /* Reverse direction of the first fragment is not its datagram. */
    struct decoded_packet reverse = fragment_of(&s, &r, PROTO_UDP, 100, 60);
    feed_held(t, &reverse, DIR_OUT, T0 + 5);
    CHECK_U64(drain(t, h, 8), 0);
    CHECK_U64(flow_table_held(t), 5);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, 0);

    /* The original datagram's fragments still match, at once. */
    struct decoded_packet mine = fragment_of(&r, &s, PROTO_UDP, 100, 60);
    struct seen c = feed(t, &mine, DIR_IN, T0 + 6);
    CHECK(!c.started);
    CHECK_U64(c.flow.key.sensor_port, 5060);

    /* The end of the file: every held one is unmatched, in arrival order. */
    flow_table_release_held(t);
    CHECK_U64(flow_table_held(t), 0);
    CHECK_U64(drain(t, h, 8), 5);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, 5);
    CHECK(h[0].started && !h[1].started); /* id 101 twice: one ports-0 flow */
    CHECK(h[2].started && h[3].started);
    /* Both directions of a conversation share its flow, ports 0 too. */
    CHECK(!h[4].started);
    CHECK(memcmp(&h[4].flow.key, &h[0].flow.key, sizeof(h[0].flow.key)) == 0);
    for (int i = 0; i < 5; i++) {
        CHECK_U64(h[i].flow.key.sensor_port, 0);
        CHECK_U64(h[i].flow.key.remote_port, 0);
        CHECK_U64(h[i].fragment.ts_ns, T0 + 1 + i);
        CHECK_U64(h[i].flow.first_ns, i == 1 || i == 4 ? T0 + 1 : T0 + 1 + i);
    }
    CHECK(addr_compare(&h[2].flow.key.remote, &other) == 0);
    CHECK_U64(h[3].flow.key.proto, PROTO_TCP);
    CHECK_U64(h[4].fragment.dir, DIR_OUT);
    CHECK_U64(flow_table_stats(t)->flows, 4);
    flow_table_free(t);
}

/*
 * An ICMP fragment whose first was not seen carries no type: it joins a
 * ports-0 flow (docs/semantics.md), not an echo flow, and a remote's
 * fragment is not the sensor's own traffic.
 */
static void test_fragment_unmatched_icmp(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet rest = fragment_of(&r, &s, PROTO_ICMP, 555, 60);
    feed_held(t, &rest, DIR_IN, T0);
    flow_table_release_held(t);
    struct handed h[2];
    CHECK_U64(drain(t, h, 2), 1);
    CHECK(h[0].started);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, 1);
    CHECK_U64(h[0].flow.key.sensor_port, 0);
    CHECK_U64(h[0].flow.key.remote_port, 0);
    CHECK(h[0].flow.initiator != INITIATOR_SENSOR);
    flow_table_free(t);
}

/*
 * Fragments that come before their first (Linux sends the last one first):
 * held, then handed back when the first arrives, in the first's flow with
 * its ports, each at its own time and length, none unmatched. IPv4 and IPv6,
 * both directions, two datagrams interleaved.
 */
static void test_fragments_before_first(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct handed h[8];

    /* A DNS answer the sensor receives in three fragments: last, middle, first. */
    struct decoded_packet last = fragment_of(&r, &s, PROTO_UDP, 0x1111, 300);
    struct decoded_packet middle = fragment_of(&r, &s, PROTO_UDP, 0x1111, 1500);
    feed_held(t, &last, DIR_IN, T0);
    feed_held(t, &middle, DIR_IN, T0 + 1);
    CHECK_U64(flow_table_held(t), 2);
    struct decoded_packet first = udp(&r, &s, 53, 33000);
    first.first_fragment = 1;
    first.frag_id = 0x1111;
    first.ip_bytes = 1500;
    struct seen a = feed(t, &first, DIR_IN, T0 + 2);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(a.flow.service, 33000);
    CHECK_U64(flow_table_held(t), 0);
    CHECK_U64(drain(t, h, 8), 2);
    for (int i = 0; i < 2; i++) {
        CHECK(!h[i].started);
        CHECK(memcmp(&h[i].flow.key, &a.flow.key, sizeof(a.flow.key)) == 0);
        CHECK_U64(h[i].fragment.dir, DIR_IN);
        /* The flow began with its first fragment; a held one never moves it back. */
        CHECK_U64(h[i].flow.first_ns, T0 + 2);
        CHECK_U64(h[i].flow.last_ns, T0 + 2);
    }
    /* Either order of the two; each keeps its own time and length. */
    CHECK_U64(h[0].fragment.ts_ns + h[1].fragment.ts_ns, 2 * T0 + 1);
    CHECK_U64(h[0].fragment.ip_bytes + h[1].fragment.ip_bytes, 1800);
    CHECK_U64(h[0].fragment.ts_ns == T0 ? h[0].fragment.ip_bytes : h[1].fragment.ip_bytes, 300);

    /* The sensor's own big datagram, IPv6, interleaved with a remote's. */
    struct ip_addr s6 = ip(S6), r6 = ip(R6);
    struct decoded_packet out_tail = fragment_of(&s6, &r6, PROTO_UDP, 0xa0000001u, 800);
    struct decoded_packet in_tail = fragment_of(&r6, &s6, PROTO_ICMPV6, 0xa0000001u, 900);
    feed_held(t, &out_tail, DIR_OUT, T0 + 10);
    feed_held(t, &in_tail, DIR_IN, T0 + 11);
    struct decoded_packet in_first = icmp(PROTO_ICMPV6, &r6, &s6, 9, 128, 0);
    in_first.first_fragment = 1;
    in_first.frag_id = 0xa0000001u;
    struct seen b = feed(t, &in_first, DIR_IN, T0 + 12);
    CHECK(b.started);
    CHECK_U64(b.flow.service, 128 << 8);
    CHECK_U64(drain(t, h, 8), 1);
    CHECK(memcmp(&h[0].flow.key, &b.flow.key, sizeof(b.flow.key)) == 0);
    CHECK_U64(h[0].fragment.ip_bytes, 900);
    CHECK_U64(h[0].flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(flow_table_held(t), 1);
    struct decoded_packet out_first = udp(&s6, &r6, 40000, 4444);
    out_first.first_fragment = 1;
    out_first.frag_id = 0xa0000001u;
    struct seen c = feed(t, &out_first, DIR_OUT, T0 + 13);
    CHECK(c.started);
    CHECK_U64(c.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(drain(t, h, 8), 1);
    CHECK(memcmp(&h[0].flow.key, &c.flow.key, sizeof(c.flow.key)) == 0);
    CHECK_U64(h[0].flow.key.remote_port, 4444);
    CHECK_U64(h[0].fragment.dir, DIR_OUT);
    CHECK_U64(h[0].fragment.ts_ns, T0 + 10);

    /* A later fragment of a datagram whose first was seen needs no holding. */
    struct seen d = feed(t, &out_tail, DIR_OUT, T0 + 14);
    CHECK(!d.started);
    CHECK_U64(d.flow.key.remote_port, 4444);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, 0);
    CHECK_U64(flow_table_stats(t)->flows, 3);
    flow_table_release_held(t);
    CHECK_U64(drain(t, h, 8), 0);
    flow_table_free(t);
}

/* A first fragment more than 30 s after the rest comes too late: they are unmatched. */
static void test_fragment_window_age(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct handed h[4];
    struct decoded_packet tail = fragment_of(&r, &s, PROTO_UDP, 77, 500);
    feed_held(t, &tail, DIR_IN, T0);
    struct decoded_packet other = udp(&r, &s, 1000, 2000);
    feed(t, &other, DIR_IN, T0 + 30 * NS);
    CHECK_U64(drain(t, h, 4), 0); /* 30 s is still within the window */
    feed(t, &other, DIR_IN, T0 + 30 * NS + 1);
    CHECK_U64(drain(t, h, 4), 1);
    CHECK(h[0].started);
    CHECK_U64(h[0].flow.key.sensor_port, 0);
    CHECK_U64(h[0].fragment.ts_ns, T0);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, 1);
    struct decoded_packet first = udp(&r, &s, 53, 5353);
    first.first_fragment = 1;
    first.frag_id = 77;
    CHECK(feed(t, &first, DIR_IN, T0 + 31 * NS).started);
    CHECK_U64(drain(t, h, 4), 0);
    flow_table_free(t);
}

/*
 * More fragments waiting than the window holds: each new one lets the oldest
 * go, as unmatched, and the rest still find their first; nothing is lost.
 */
static void test_fragment_window_overflow(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    static struct handed h[2048];
    enum { WINDOW = 1024, EXTRA = 5 };
    uint64_t handed = 0;
    for (uint32_t id = 0; id < WINDOW + EXTRA; id++) {
        struct decoded_packet tail = fragment_of(&r, &s, PROTO_UDP, id, 100 + id);
        feed_held(t, &tail, DIR_IN, T0 + id);
        size_t n = drain(t, h, 2048);
        CHECK_U64(n, id < WINDOW ? 0 : 1);
        if (n) {
            CHECK_U64(h[0].fragment.ts_ns, T0 + id - WINDOW); /* the oldest goes */
            CHECK_U64(h[0].flow.key.remote_port, 0);
        }
        handed += n;
    }
    CHECK_U64(flow_table_held(t), WINDOW);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, EXTRA);
    /* The first of a datagram let go finds nothing; one still held joins. */
    struct decoded_packet first = udp(&r, &s, 53, 7000);
    first.first_fragment = 1;
    first.frag_id = 2;
    feed(t, &first, DIR_IN, T0 + NS);
    CHECK_U64(drain(t, h, 2048), 0);
    first.frag_id = EXTRA + 2;
    first.src_port = 54;
    struct seen a = feed(t, &first, DIR_IN, T0 + NS);
    CHECK_U64(drain(t, h, 2048), 1);
    CHECK(memcmp(&h[0].flow.key, &a.flow.key, sizeof(a.flow.key)) == 0);
    CHECK_U64(h[0].fragment.ip_bytes, 100 + EXTRA + 2);
    handed++;
    flow_table_release_held(t);
    handed += drain(t, h, 2048);
    CHECK_U64(handed, WINDOW + EXTRA);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, WINDOW + EXTRA - 1);
    flow_table_free(t);
}

/*
 * Many datagrams in fragments, in shuffled order, some without a first:
 * every packet and byte is counted exactly once, each fragment in the flow
 * of its datagram's first fragment when the file holds it, and unmatched
 * only when it does not.
 */
static void test_fragments_shuffled_totals(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), s6 = ip(S6);
    enum { DATAGRAMS = 400, MOST = 5 };
    struct piece {
        struct decoded_packet p;
        enum direction dir;
        uint32_t datagram;
    } pieces[DATAGRAMS * MOST];
    size_t count = 0;
    uint64_t want_bytes = 0, want_unmatched = 0;
    uint32_t seed = 12345;
#define NEXT() (seed = seed * 1103515245u + 12345u, seed >> 16)
    for (uint32_t d = 0; d < DATAGRAMS; d++) {
        bool v6 = d % 3 == 0, missing = d % 7 == 3;
        struct ip_addr r = v6 ? ip(R6) : v4n(0xcb007100u + d % 50);
        const struct ip_addr *sensor = v6 ? &s6 : &s;
        enum direction dir = d % 4 == 1 ? DIR_OUT : DIR_IN;
        const struct ip_addr *src = dir == DIR_OUT ? sensor : &r,
                             *dst = dir == DIR_OUT ? &r : sensor;
        size_t n = 2 + NEXT() % (MOST - 1), at = count;
        for (size_t k = 0; k < n; k++) {
            struct piece *pc = &pieces[count++];
            if (k == 0) {
                pc->p = udp(src, dst, (uint16_t)(1024 + d), 53);
                pc->p.first_fragment = 1;
            } else {
                pc->p = fragment_of(src, dst, PROTO_UDP, 0, 0);
            }
            pc->p.frag_id = d;
            pc->p.ip_bytes = 100 + (uint32_t)NEXT() % 1400;
            pc->dir = dir;
            pc->datagram = d;
            want_bytes += pc->p.ip_bytes;
        }
        /* Shuffle the datagram's pieces; drop its first now and then. */
        for (size_t k = n - 1; k > 0; k--) {
            size_t j = NEXT() % (k + 1);
            struct piece tmp = pieces[at + k];
            pieces[at + k] = pieces[at + j];
            pieces[at + j] = tmp;
        }
        if (missing) {
            for (size_t k = at; k < count; k++)
                if (pieces[k].p.first_fragment) {
                    want_bytes -= pieces[k].p.ip_bytes;
                    pieces[k] = pieces[--count];
                    break;
                }
            want_unmatched += count - at;
        }
    }
#undef NEXT
    uint64_t packets = 0, bytes = 0, wrong = 0;
    int64_t now = T0;
    for (size_t k = 0; k < count; k++) {
        const struct piece *pc = &pieces[k];
        bool started;
        now += 1000;
        struct flow *f = flow_table_update(t, &pc->p, pc->dir, now, &started);
        if (f) {
            packets++;
            bytes += pc->p.ip_bytes;
            /* A fragment counted at once: its datagram's first came before it. */
            wrong += pc->p.is_fragment && f->key.remote_port != 53 && f->key.sensor_port != 53;
        }
        struct flow_fragment fr;
        while ((f = flow_table_released(t, &fr, &started))) {
            packets++;
            bytes += fr.ip_bytes;
            wrong += fr.ts_ns > now;
            /* Handed back before the end: with its first, on port 53. */
            wrong += f->key.remote_port != 53 && f->key.sensor_port != 53;
        }
    }
    flow_table_release_held(t);
    struct flow_fragment fr;
    bool started;
    struct flow *f;
    while ((f = flow_table_released(t, &fr, &started))) {
        packets++;
        bytes += fr.ip_bytes;
        wrong += f->key.remote_port != 0 || f->key.sensor_port != 0;
    }
    CHECK_U64(packets, count);
    CHECK_U64(bytes, want_bytes);
    CHECK_U64(wrong, 0);
    CHECK_U64(flow_table_stats(t)->fragments_unmatched, want_unmatched);
    flow_table_free(t);
}

int main(void)
{
    RUN(test_fragments_join_first);
    RUN(test_fragments_unmatched);
    RUN(test_fragment_unmatched_icmp);
    RUN(test_fragments_before_first);
    RUN(test_fragment_window_age);
    RUN(test_fragment_window_overflow);
    RUN(test_fragments_shuffled_totals);
    CHECK_EXIT();
}
