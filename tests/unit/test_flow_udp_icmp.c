/*
 * Unit tests of the flow table (src/flow/flow_table.c): the initiator of UDP
 * and other protocols, ICMP and ICMPv6 request/reply pairing and errors, and
 * which flows may be backscatter. Hand-built decoded packets are fed to
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

static void test_udp_and_other_initiator(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);

    struct decoded_packet q = udp(&s, &r, 5353, 53);
    struct seen a = feed(t, &q, DIR_OUT, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(a.flow.service, 53);
    struct decoded_packet answer = udp(&r, &s, 53, 5353);
    struct seen b = feed(t, &answer, DIR_IN, T0 + 1);
    CHECK(!b.started);
    CHECK_U64(b.flow.initiator, INITIATOR_SENSOR);

    struct decoded_packet probe = udp(&r, &s, 5000, 161);
    struct seen c = feed(t, &probe, DIR_IN, T0 + 2);
    CHECK(c.started);
    CHECK_U64(c.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(c.flow.service, 161);
    CHECK_U64(c.flow.key.sensor_port, 161);
    CHECK_U64(c.flow.key.remote_port, 5000);

    /* The first packet decides, even from the lower port. */
    struct decoded_packet back = udp(&s, &r, 53, 40000);
    struct seen d = feed(t, &back, DIR_OUT, T0 + 3);
    CHECK(d.started);
    CHECK_U64(d.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(d.flow.service, 40000);

    struct decoded_packet gre_in = packet(&r, &s, 47, 0, 0);
    struct seen e = feed(t, &gre_in, DIR_IN, T0 + 4);
    CHECK(e.started);
    CHECK_U64(e.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(e.flow.service, 0);
    CHECK_U64(e.flow.key.proto, 47);
    struct decoded_packet gre_out = packet(&s, &r, 47, 0, 0);
    CHECK(!feed(t, &gre_out, DIR_OUT, T0 + 5).started);
    CHECK_U64(flow_table_stats(t)->flows, 4);
    flow_table_free(t);
}

static void test_icmp_echo_pairing(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);

    struct decoded_packet req = icmp(PROTO_ICMP, &r, &s, 0x1234, 8, 0);
    struct seen a = feed(t, &req, DIR_IN, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(a.flow.service, 0x0800);
    struct decoded_packet rep = icmp(PROTO_ICMP, &s, &r, 0x1234, 0, 0);
    struct seen b = feed(t, &rep, DIR_OUT, T0 + 1);
    CHECK(!b.started);
    CHECK_U64(b.flow.first_ns, T0);
    CHECK_U64(b.flow.service, 0x0800);
    CHECK_U64(flow_table_count(t), 1);

    /* Another echo id is another flow. */
    struct decoded_packet req2 = icmp(PROTO_ICMP, &r, &s, 0x1235, 8, 0);
    CHECK(feed(t, &req2, DIR_IN, T0 + 2).started);
    CHECK_U64(flow_table_count(t), 2);

    /* A reply seen first: its receiver (here the sensor) initiated. */
    struct decoded_packet lone = icmp(PROTO_ICMP, &r, &s, 77, 0, 0);
    struct seen c = feed(t, &lone, DIR_IN, T0 + 3);
    CHECK(c.started);
    CHECK_U64(c.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(c.flow.service, 0x0800);
    /* The sensor's next request with that id joins it. */
    struct decoded_packet next = icmp(PROTO_ICMP, &s, &r, 77, 8, 0);
    CHECK(!feed(t, &next, DIR_OUT, T0 + 4).started);

    /* A reply sent by the sensor first: the remote initiated. */
    struct decoded_packet lone_out = icmp(PROTO_ICMP, &s, &r, 78, 0, 0);
    struct seen d = feed(t, &lone_out, DIR_OUT, T0 + 5);
    CHECK(d.started);
    CHECK_U64(d.flow.initiator, INITIATOR_REMOTE);

    /* Timestamp 13/14 pair as well; 14 is not echo's flow. */
    struct decoded_packet ts_req = icmp(PROTO_ICMP, &s, &r, 0x1234, 13, 0);
    struct seen e = feed(t, &ts_req, DIR_OUT, T0 + 6);
    CHECK(e.started);
    CHECK_U64(e.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(e.flow.service, 13 << 8);
    struct decoded_packet ts_rep = icmp(PROTO_ICMP, &r, &s, 0x1234, 14, 0);
    CHECK(!feed(t, &ts_rep, DIR_IN, T0 + 7).started);
    CHECK_U64(flow_table_stats(t)->flows, 5);
    flow_table_free(t);
}

static void test_icmp_errors(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);

    struct decoded_packet unreach = icmp(PROTO_ICMP, &r, &s, 0, 3, 3);
    struct seen a = feed(t, &unreach, DIR_IN, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(a.flow.service, 0x0303);
    CHECK(!feed(t, &unreach, DIR_IN, T0 + 1).started);

    /* The same error the other way shares the key: it joins that flow. */
    struct decoded_packet back = icmp(PROTO_ICMP, &s, &r, 0, 3, 3);
    struct seen b0 = feed(t, &back, DIR_OUT, T0 + 2);
    CHECK(!b0.started);
    CHECK_U64(b0.flow.initiator, INITIATOR_SENSOR);

    /* An error sent by the sensor first: the remote initiated. */
    struct ip_addr r2 = ip("198.51.100.200");
    struct decoded_packet unreach_out = icmp(PROTO_ICMP, &s, &r2, 0, 3, 3);
    struct seen b = feed(t, &unreach_out, DIR_OUT, T0 + 2);
    CHECK(b.started);
    CHECK_U64(b.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(b.flow.service, 0x0303);

    struct decoded_packet ttl = icmp(PROTO_ICMP, &r, &s, 0, 11, 0);
    struct seen c = feed(t, &ttl, DIR_IN, T0 + 3);
    CHECK(c.started);
    CHECK_U64(c.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(c.flow.service, 0x0b00);

    /* A request that is not echo: the sender initiates, code kept. */
    struct decoded_packet mask = icmp(PROTO_ICMP, &r, &s, 0, 17, 0);
    struct seen d = feed(t, &mask, DIR_IN, T0 + 4);
    CHECK(d.started);
    CHECK_U64(d.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(d.flow.service, 17 << 8);
    flow_table_free(t);
}

static void test_icmpv6(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S6), r = ip(R6);

    struct decoded_packet req = icmp(PROTO_ICMPV6, &r, &s, 42, 128, 0);
    struct seen a = feed(t, &req, DIR_IN, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(a.flow.service, 128 << 8);
    CHECK_U64(a.flow.key.proto, PROTO_ICMPV6);
    CHECK(addr_compare(&a.flow.key.sensor, &s) == 0);
    CHECK(addr_compare(&a.flow.key.remote, &r) == 0);
    struct decoded_packet rep = icmp(PROTO_ICMPV6, &s, &r, 42, 129, 0);
    struct seen b = feed(t, &rep, DIR_OUT, T0 + 1);
    CHECK(!b.started);
    CHECK_U64(b.flow.first_ns, T0);

    struct decoded_packet lone = icmp(PROTO_ICMPV6, &r, &s, 43, 129, 0);
    struct seen c = feed(t, &lone, DIR_IN, T0 + 2);
    CHECK(c.started);
    CHECK_U64(c.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(c.flow.service, 128 << 8);

    /* ICMPv6 1-4 are errors: port unreachable received by the sensor. */
    struct decoded_packet err = icmp(PROTO_ICMPV6, &r, &s, 0, 1, 4);
    struct seen d = feed(t, &err, DIR_IN, T0 + 3);
    CHECK(d.started);
    CHECK_U64(d.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(d.flow.service, 0x0104);

    /* Neighbour solicitation is a request. */
    struct decoded_packet ns = icmp(PROTO_ICMPV6, &s, &r, 0, 135, 0);
    struct seen e = feed(t, &ns, DIR_OUT, T0 + 4);
    CHECK(e.started);
    CHECK_U64(e.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(e.flow.service, 135 << 8);
    CHECK_U64(flow_table_count(t), 4);
    flow_table_free(t);
}

/* A port unreachable from r quoting UDP from s:sport to r:dport. */
static struct decoded_packet unreachable(const struct ip_addr *r, const struct ip_addr *s,
                                         uint16_t sport, uint16_t dport)
{
    struct decoded_packet p = icmp(PROTO_ICMP, r, s, 0, 3, 3);
    p.quoted = 1;
    p.quoted_src = *s;
    p.quoted_dst = *r;
    p.quoted_proto = PROTO_UDP;
    p.quoted_src_port = sport;
    p.quoted_dst_port = dport;
    return p;
}

/* Which flows may be backscatter (docs/semantics.md, "Backscatter"), and what clears it. */
static void test_backscatter_candidates(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4), router = ip("198.51.100.1");

    /* A SYN-ACK: may be; the sensor's RST keeps it so, its ACK clears it. */
    struct decoded_packet p = tcp(&r, &s, 80, 1024, TCP_SYN | TCP_ACK);
    CHECK_U64(feed(t, &p, DIR_IN, T0).flow.backscatter, INITIATOR_BACKSCATTER);
    p = tcp(&s, &r, 1024, 80, TCP_RST);
    CHECK_U64(feed(t, &p, DIR_OUT, T0 + NS).flow.backscatter, INITIATOR_BACKSCATTER);
    p = tcp(&r, &s, 80, 1025, TCP_SYN | TCP_ACK);
    feed(t, &p, DIR_IN, T0 + 2 * NS);
    p = tcp(&s, &r, 1025, 80, TCP_ACK);
    struct seen seen = feed(t, &p, DIR_OUT, T0 + 3 * NS);
    CHECK_U64(seen.flow.backscatter, 0);
    CHECK_U64(seen.flow.initiator, INITIATOR_SENSOR);
    /* The remote's data after its SYN-ACK: a conversation. */
    p = tcp(&r, &s, 443, 1026, TCP_SYN | TCP_ACK);
    feed(t, &p, DIR_IN, T0 + 4 * NS);
    p = tcp(&r, &s, 443, 1026, TCP_ACK);
    p.payload_len = 10;
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 5 * NS).flow.backscatter, 0);

    /* RST-ACK with sequence 0: a closed port's answer; with another, an end. */
    p = tcp(&r, &s, 80, 2000, TCP_RST | TCP_ACK);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 6 * NS).flow.backscatter, INITIATOR_BACKSCATTER_RST);
    p = tcp(&r, &s, 80, 2001, TCP_RST | TCP_ACK);
    p.tcp_seq = 12345;
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 7 * NS).flow.backscatter, 0);
    p = tcp(&r, &s, 80, 2002, TCP_RST);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 8 * NS).flow.backscatter, 0);
    /* A SYN from the remote is a scan, not backscatter. */
    p = tcp(&r, &s, 5000, 22, TCP_SYN);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 9 * NS).flow.backscatter, 0);

    /* An echo reply to no request may be; the sensor's request clears it. */
    p = icmp(PROTO_ICMP, &r, &s, 77, 0, 0);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 10 * NS).flow.backscatter, INITIATOR_BACKSCATTER);
    p = icmp(PROTO_ICMP, &s, &r, 77, 8, 0);
    CHECK_U64(feed(t, &p, DIR_OUT, T0 + 11 * NS).flow.backscatter, 0);

    /* Errors: quoting nothing the sensor sent may be; quoting its UDP is not. */
    p = unreachable(&r, &s, 5000, 53);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 12 * NS).flow.backscatter, INITIATOR_BACKSCATTER);
    struct ip_addr other = ip("203.0.113.78");
    p = udp(&s, &other, 5353, 53);
    feed(t, &p, DIR_OUT, T0 + 13 * NS);
    p = unreachable(&other, &s, 5353, 53);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 14 * NS).flow.backscatter, 0);
    /* Unreadable quote, or a router's error about another address: an answer. */
    p = icmp(PROTO_ICMP, &router, &s, 0, 3, 1);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 15 * NS).flow.backscatter, 0);
    p = unreachable(&router, &s, 6000, 53);
    p.dst_port = 11 << 8;
    p.quoted_dst = r;
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 16 * NS).flow.backscatter, 0);
    /* A later error of a flow that may be, answering the sensor's UDP, clears it. */
    p = udp(&s, &r, 7000, 123);
    feed(t, &p, DIR_OUT, T0 + 17 * NS);
    p = unreachable(&r, &s, 7000, 123);
    CHECK_U64(feed(t, &p, DIR_IN, T0 + 18 * NS).flow.backscatter, 0);
    flow_table_free(t);
}

int main(void)
{
    RUN(test_udp_and_other_initiator);
    RUN(test_icmp_echo_pairing);
    RUN(test_icmp_errors);
    RUN(test_icmpv6);
    RUN(test_backscatter_candidates);
    CHECK_EXIT();
}
