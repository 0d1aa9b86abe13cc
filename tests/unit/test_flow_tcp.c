/*
 * Unit tests of the flow table (src/flow/flow_table.c): TCP conversations
 * (who initiated, which service, when a flow closes and a new one starts)
 * and the idle timeouts. Hand-built decoded packets are fed to
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
    CHECK_EXIT();
}
