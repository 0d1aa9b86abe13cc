/*
 * Unit tests of the flow table (src/flow/flow_table.c): hand-built decoded
 * packets fed to flow_table_update(), checked against the conversation rules
 * of docs/semantics.md: who initiated, which service, when a flow closes or
 * idles out and a new one starts, ICMP request/reply pairing, fragments, and
 * the max_flows bound with its eviction and expiry counts. IPv4 and IPv6.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/common/addr.h"
#include "../../src/decode/decode.h"
#include "../../src/flow/flow.h"
#include "check.h"

#define NS 1000000000LL
/* 2009-02-01T00:00:00Z: a base time for every test. */
#define T0 (1233446400LL * NS)

/* ---- building packets ---- */

static struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    memset(&a, 0, sizeof(a));
    if (addr_parse(&a, text) != 0)
        abort();
    return a;
}

static struct ip_addr v4n(uint32_t n)
{
    uint8_t b[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    struct ip_addr a;
    addr_from_v4(&a, b);
    return a;
}

static struct decoded_packet packet(const struct ip_addr *src, const struct ip_addr *dst,
                                    uint8_t proto, uint16_t src_port, uint16_t dst_port)
{
    struct decoded_packet p;
    memset(&p, 0, sizeof(p));
    p.src = *src;
    p.dst = *dst;
    p.proto = proto;
    p.src_port = src_port;
    p.dst_port = dst_port;
    p.ip_bytes = 60;
    return p;
}

static struct decoded_packet tcp(const struct ip_addr *src, const struct ip_addr *dst,
                                 uint16_t src_port, uint16_t dst_port, uint8_t flags)
{
    struct decoded_packet p = packet(src, dst, PROTO_TCP, src_port, dst_port);
    p.tcp_flags = flags;
    return p;
}

static struct decoded_packet udp(const struct ip_addr *src, const struct ip_addr *dst,
                                 uint16_t src_port, uint16_t dst_port)
{
    return packet(src, dst, PROTO_UDP, src_port, dst_port);
}

/* ICMP or ICMPv6: src_port is the echo id, dst_port type << 8 | code. */
static struct decoded_packet icmp(uint8_t proto, const struct ip_addr *src,
                                  const struct ip_addr *dst, uint16_t id, uint8_t type,
                                  uint8_t code)
{
    return packet(src, dst, proto, id, (uint16_t)(type << 8 | code));
}

/* ---- driving the table ---- */

/* What one update returned, copied out (the pointer is valid until the next call). */
struct seen {
    struct flow flow;
    bool started;
};

static struct seen feed(struct flow_table *t, const struct decoded_packet *p, enum direction dir,
                        int64_t ts_ns)
{
    struct seen s;
    memset(&s, 0, sizeof(s));
    struct flow *f = flow_table_update(t, p, dir, ts_ns, &s.started);
    if (!f)
        abort();
    s.flow = *f;
    return s;
}

static struct flow_table *table_with(size_t max_flows)
{
    struct flow_config config;
    flow_config_default(&config);
    if (max_flows)
        config.max_flows = max_flows;
    return flow_table_new(&config);
}

static const char *const S4 = "192.0.2.10";   /* the sensor */
static const char *const R4 = "203.0.113.77"; /* a remote */
static const char *const S6 = "2001:db8::10"; /* the sensor, IPv6 */
static const char *const R6 = "2001:db8:ffff::77";

/* ---- tests ---- */

static void test_defaults_and_names(void)
{
    struct flow_config c;
    flow_config_default(&c);
    CHECK_U64(c.max_flows, 1000000);
    CHECK_U64(c.tcp_idle_s, 300);
    CHECK_U64(c.udp_idle_s, 120);
    CHECK_U64(c.icmp_idle_s, 60);
    CHECK_U64(c.other_idle_s, 120);
    CHECK_STR(initiator_name(INITIATOR_SENSOR), "sensor");
    CHECK_STR(initiator_name(INITIATOR_REMOTE), "remote");
    CHECK_STR(initiator_name(INITIATOR_UNKNOWN), "unknown");
    flow_table_free(NULL);

    struct flow_table *t = table_with(0);
    CHECK_U64(flow_table_count(t), 0);
    CHECK_U64(flow_table_stats(t)->flows, 0);
    flow_table_free(t);
}

static void test_tcp_syn_from_remote(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet syn = tcp(&r, &s, 40000, 22, TCP_SYN);
    struct seen a = feed(t, &syn, DIR_IN, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(a.flow.service, 22);
    CHECK_U64(a.flow.key.sensor_port, 22);
    CHECK_U64(a.flow.key.remote_port, 40000);
    CHECK_U64(a.flow.key.proto, PROTO_TCP);
    CHECK(addr_compare(&a.flow.key.sensor, &s) == 0);
    CHECK(addr_compare(&a.flow.key.remote, &r) == 0);
    CHECK_U64(a.flow.first_ns, T0);
    CHECK_U64(a.flow.last_ns, T0);
    CHECK_U64(a.flow.closed, 0);

    struct decoded_packet synack = tcp(&s, &r, 22, 40000, TCP_SYN | TCP_ACK);
    struct seen b = feed(t, &synack, DIR_OUT, T0 + 1000);
    CHECK(!b.started);
    CHECK_U64(b.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(b.flow.service, 22);
    CHECK_U64(b.flow.first_ns, T0);
    CHECK_U64(b.flow.last_ns, T0 + 1000);

    struct decoded_packet ack = tcp(&r, &s, 40000, 22, TCP_ACK);
    struct seen c = feed(t, &ack, DIR_IN, T0 + 2000);
    CHECK(!c.started);
    CHECK_U64(c.flow.last_ns, T0 + 2000);
    CHECK_U64(flow_table_count(t), 1);
    CHECK_U64(flow_table_stats(t)->flows, 1);
    flow_table_free(t);
}

static void test_tcp_syn_from_sensor(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet syn = tcp(&s, &r, 50000, 25, TCP_SYN);
    struct seen a = feed(t, &syn, DIR_OUT, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(a.flow.service, 25);
    CHECK_U64(a.flow.key.sensor_port, 50000);
    CHECK_U64(a.flow.key.remote_port, 25);
    CHECK(addr_compare(&a.flow.key.sensor, &s) == 0);
    CHECK(addr_compare(&a.flow.key.remote, &r) == 0);

    struct decoded_packet synack = tcp(&r, &s, 25, 50000, TCP_SYN | TCP_ACK);
    struct seen b = feed(t, &synack, DIR_IN, T0 + 1);
    CHECK(!b.started);
    CHECK_U64(b.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(b.flow.service, 25);
    CHECK_U64(flow_table_stats(t)->flows, 1);
    flow_table_free(t);
}

static void test_tcp_synack_first(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);

    /* The remote answers a SYN the capture missed: the sensor started it. */
    struct decoded_packet synack = tcp(&r, &s, 443, 51000, TCP_SYN | TCP_ACK);
    struct seen a = feed(t, &synack, DIR_IN, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(a.flow.service, 443);

    /* The sensor answers: the remote started it. */
    struct decoded_packet synack2 = tcp(&s, &r, 8080, 33333, TCP_SYN | TCP_ACK);
    struct seen b = feed(t, &synack2, DIR_OUT, T0);
    CHECK(b.started);
    CHECK_U64(b.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(b.flow.service, 8080);
    CHECK_U64(flow_table_count(t), 2);
    flow_table_free(t);
}

static void test_tcp_data_first(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);

    struct decoded_packet data = tcp(&r, &s, 3389, 51000, TCP_ACK | TCP_PSH);
    struct seen a = feed(t, &data, DIR_IN, T0);
    CHECK(a.started);
    CHECK_U64(a.flow.initiator, INITIATOR_UNKNOWN);
    CHECK_U64(a.flow.service, 3389);

    struct decoded_packet data2 = tcp(&s, &r, 22, 60000, TCP_ACK);
    struct seen b = feed(t, &data2, DIR_OUT, T0);
    CHECK(b.started);
    CHECK_U64(b.flow.initiator, INITIATOR_UNKNOWN);
    CHECK_U64(b.flow.service, 22);

    /* A bare FIN or RST first is mid-stream too. */
    struct decoded_packet fin = tcp(&r, &s, 7001, 7000, TCP_FIN | TCP_ACK);
    struct seen c = feed(t, &fin, DIR_IN, T0);
    CHECK(c.started);
    CHECK_U64(c.flow.initiator, INITIATOR_UNKNOWN);
    CHECK_U64(c.flow.service, 7000);

    /* A later SYN on an open mid-stream flow does not change its initiator. */
    struct decoded_packet syn = tcp(&r, &s, 3389, 51000, TCP_SYN);
    struct seen d = feed(t, &syn, DIR_IN, T0 + 1);
    CHECK(!d.started);
    CHECK_U64(d.flow.initiator, INITIATOR_UNKNOWN);
    CHECK_U64(flow_table_stats(t)->flows, 3);
    flow_table_free(t);
}

static void test_both_directions_one_flow(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet in = tcp(&r, &s, 40000, 445, TCP_SYN);
    struct decoded_packet out = tcp(&s, &r, 445, 40000, TCP_SYN | TCP_ACK);
    struct decoded_packet in_ack = tcp(&r, &s, 40000, 445, TCP_ACK);
    struct decoded_packet out_data = tcp(&s, &r, 445, 40000, TCP_ACK | TCP_PSH);
    unsigned starts = 0;
    for (int i = 0; i < 50; i++) {
        const struct decoded_packet *p = i == 0 ? &in : i == 1 ? &out : i % 2 ? &out_data : &in_ack;
        struct seen x = feed(t, p, i % 2 ? DIR_OUT : DIR_IN, T0 + i * NS);
        starts += x.started;
        CHECK_U64(x.flow.first_ns, T0);
        CHECK_U64(x.flow.last_ns, T0 + i * NS);
        CHECK_U64(x.flow.initiator, INITIATOR_REMOTE);
        CHECK_U64(x.flow.service, 445);
    }
    CHECK_U64(starts, 1);
    CHECK_U64(flow_table_count(t), 1);
    CHECK_U64(flow_table_stats(t)->flows, 1);

    /* Another remote port is another conversation. */
    struct decoded_packet other = tcp(&r, &s, 40001, 445, TCP_SYN);
    CHECK(feed(t, &other, DIR_IN, T0 + 60 * NS).started);
    CHECK_U64(flow_table_count(t), 2);
    flow_table_free(t);
}

static void test_tcp_rst_then_syn(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet syn = tcp(&r, &s, 40000, 23, TCP_SYN);
    struct decoded_packet rst = tcp(&s, &r, 23, 40000, TCP_RST | TCP_ACK);
    struct decoded_packet ack = tcp(&r, &s, 40000, 23, TCP_ACK);

    CHECK(feed(t, &syn, DIR_IN, T0).started);
    struct seen a = feed(t, &rst, DIR_OUT, T0 + 1);
    CHECK(!a.started);
    CHECK_U64(a.flow.closed, 1);

    /* Other packets after the RST stay in the closed flow. */
    struct seen b = feed(t, &ack, DIR_IN, T0 + 2);
    CHECK(!b.started);
    CHECK_U64(b.flow.closed, 1);
    CHECK_U64(b.flow.first_ns, T0);
    struct decoded_packet synack = tcp(&s, &r, 23, 40000, TCP_SYN | TCP_ACK);
    struct seen b2 = feed(t, &synack, DIR_OUT, T0 + 3);
    CHECK(!b2.started);
    CHECK_U64(b2.flow.first_ns, T0);

    /* A new SYN on the same ports starts a new flow. */
    struct seen c = feed(t, &syn, DIR_IN, T0 + 4);
    CHECK(c.started);
    CHECK_U64(c.flow.first_ns, T0 + 4);
    CHECK_U64(c.flow.closed, 0);
    CHECK_U64(c.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(c.flow.service, 23);
    CHECK_U64(flow_table_stats(t)->flows, 2);
    CHECK_U64(flow_table_count(t), 1);

    /* ... and the sensor may reuse the ports the other way round. */
    struct decoded_packet rst2 = tcp(&r, &s, 40000, 23, TCP_RST);
    CHECK(!feed(t, &rst2, DIR_IN, T0 + 5).started);
    struct decoded_packet syn_out = tcp(&s, &r, 23, 40000, TCP_SYN);
    struct seen d = feed(t, &syn_out, DIR_OUT, T0 + 6);
    CHECK(d.started);
    CHECK_U64(d.flow.initiator, INITIATOR_SENSOR);
    CHECK_U64(d.flow.service, 40000);
    CHECK_U64(flow_table_stats(t)->flows, 3);
    flow_table_free(t);
}

/* stats.expired counts flows ended by idle timeout (flow.h), not by RST/FIN. */
static void test_tcp_close_is_not_expiry(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet syn = tcp(&r, &s, 40000, 23, TCP_SYN);
    struct decoded_packet rst = tcp(&s, &r, 23, 40000, TCP_RST | TCP_ACK);
    feed(t, &syn, DIR_IN, T0);
    feed(t, &rst, DIR_OUT, T0 + 1);
    CHECK(feed(t, &syn, DIR_IN, T0 + 2).started);
    CHECK_U64(flow_table_stats(t)->flows, 2);
    CHECK_U64(flow_table_stats(t)->expired, 0);
    CHECK_U64(flow_table_stats(t)->evicted, 0);
    flow_table_free(t);
}

static void test_tcp_fin_both_sides(void)
{
    struct flow_table *t = table_with(0);
    struct ip_addr s = ip(S6), r = ip(R6);
    struct decoded_packet syn = tcp(&r, &s, 40000, 80, TCP_SYN);
    struct decoded_packet fin_in = tcp(&r, &s, 40000, 80, TCP_FIN | TCP_ACK);
    struct decoded_packet fin_out = tcp(&s, &r, 80, 40000, TCP_FIN | TCP_ACK);
    struct decoded_packet ack = tcp(&r, &s, 40000, 80, TCP_ACK);

    CHECK(feed(t, &syn, DIR_IN, T0).started);
    struct seen a = feed(t, &fin_in, DIR_IN, T0 + 1);
    CHECK_U64(a.flow.closed, 0);
    /* One FIN does not close: a SYN (retransmitted or not) stays. */
    struct seen b = feed(t, &syn, DIR_IN, T0 + 2);
    CHECK(!b.started);
    CHECK_U64(b.flow.first_ns, T0);
    /* A second FIN from the same side still does not. */
    CHECK_U64(feed(t, &fin_in, DIR_IN, T0 + 3).flow.closed, 0);

    struct seen c = feed(t, &fin_out, DIR_OUT, T0 + 4);
    CHECK(!c.started);
    CHECK_U64(c.flow.closed, 1);
    struct seen d = feed(t, &ack, DIR_IN, T0 + 5);
    CHECK(!d.started);
    CHECK_U64(d.flow.closed, 1);

    struct seen e = feed(t, &syn, DIR_IN, T0 + 6);
    CHECK(e.started);
    CHECK_U64(e.flow.closed, 0);
    CHECK_U64(e.flow.fin_seen, 0);
    CHECK_U64(e.flow.initiator, INITIATOR_REMOTE);
    CHECK_U64(e.flow.service, 80);
    CHECK(addr_compare(&e.flow.key.sensor, &s) == 0);
    CHECK_U64(flow_table_stats(t)->flows, 2);
    flow_table_free(t);
}

/* A packet exactly limit after the last stays; limit + 1 ns starts a new flow. */
static void check_idle(const struct decoded_packet *p, enum direction dir, int64_t limit_s)
{
    struct flow_table *t = table_with(0);
    int64_t limit = limit_s * NS;
    CHECK(feed(t, p, dir, T0).started);
    struct seen a = feed(t, p, dir, T0 + limit);
    CHECK(!a.started);
    CHECK_U64(a.flow.first_ns, T0);
    CHECK_U64(flow_table_stats(t)->expired, 0);
    struct seen b = feed(t, p, dir, T0 + 2 * limit + 1);
    CHECK(b.started);
    CHECK_U64(b.flow.first_ns, T0 + 2 * limit + 1);
    CHECK_U64(flow_table_stats(t)->expired, 1);
    CHECK_U64(flow_table_stats(t)->flows, 2);
    CHECK_U64(flow_table_count(t), 1);
    flow_table_free(t);
}

static void test_idle_timeouts(void)
{
    struct ip_addr s = ip(S4), r = ip(R4), s6 = ip(S6), r6 = ip(R6);
    struct decoded_packet t4 = tcp(&r, &s, 40000, 22, TCP_ACK);
    struct decoded_packet t6 = tcp(&r6, &s6, 40000, 22, TCP_ACK);
    struct decoded_packet u4 = udp(&r, &s, 5000, 53);
    struct decoded_packet i4 = icmp(PROTO_ICMP, &r, &s, 9, 8, 0);
    struct decoded_packet i6 = icmp(PROTO_ICMPV6, &r6, &s6, 9, 128, 0);
    struct decoded_packet gre = packet(&s, &r, 47, 0, 0);
    check_idle(&t4, DIR_IN, 300);
    check_idle(&t6, DIR_IN, 300);
    check_idle(&u4, DIR_IN, 120);
    check_idle(&i4, DIR_IN, 60);
    check_idle(&i6, DIR_IN, 60);
    check_idle(&gre, DIR_OUT, 120);
}

static void test_idle_custom_config(void)
{
    struct flow_config c;
    flow_config_default(&c);
    c.udp_idle_s = 5;
    struct flow_table *t = flow_table_new(&c);
    struct ip_addr s = ip(S4), r = ip(R4);
    struct decoded_packet u = udp(&r, &s, 5000, 53);
    CHECK(feed(t, &u, DIR_IN, T0).started);
    CHECK(!feed(t, &u, DIR_IN, T0 + 5 * NS).started);
    CHECK(feed(t, &u, DIR_IN, T0 + 10 * NS + 1).started);
    flow_table_free(t);
}

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
    RUN(test_defaults_and_names);
    RUN(test_tcp_syn_from_remote);
    RUN(test_tcp_syn_from_sensor);
    RUN(test_tcp_synack_first);
    RUN(test_tcp_data_first);
    RUN(test_both_directions_one_flow);
    RUN(test_tcp_rst_then_syn);
    RUN(test_tcp_close_is_not_expiry);
    RUN(test_tcp_fin_both_sides);
    RUN(test_idle_timeouts);
    RUN(test_idle_custom_config);
    RUN(test_udp_and_other_initiator);
    RUN(test_icmp_echo_pairing);
    RUN(test_icmp_errors);
    RUN(test_icmpv6);
    RUN(test_fragments_join_first);
    RUN(test_fragments_unmatched);
    RUN(test_fragment_unmatched_icmp);
    RUN(test_fragments_before_first);
    RUN(test_fragment_window_age);
    RUN(test_fragment_window_overflow);
    RUN(test_fragments_shuffled_totals);
    RUN(test_max_flows_eviction);
    RUN(test_eviction_is_lru);
    RUN(test_expiry_before_eviction);
    RUN(test_expiry_before_eviction_mixed);
    RUN(test_many_flows_expire);
    RUN(test_churn_small_table);
    RUN(test_backscatter_candidates);
    CHECK_EXIT();
}
