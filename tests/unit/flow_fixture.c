/*
 * Helpers shared by the flow table's unit tests (test_flow_*.c, see
 * flow_fixture.h): hand-built decoded packets and the table they are fed to.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flow_fixture.h"

/* ---- building packets ---- */

struct ip_addr ip(const char *text)
{
    struct ip_addr a;
    memset(&a, 0, sizeof(a));
    if (addr_parse(&a, text) != 0)
        abort();
    return a;
}

struct ip_addr v4n(uint32_t n)
{
    uint8_t b[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    struct ip_addr a;
    addr_from_v4(&a, b);
    return a;
}

struct decoded_packet packet(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto,
                             uint16_t src_port, uint16_t dst_port)
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

struct decoded_packet tcp(const struct ip_addr *src, const struct ip_addr *dst, uint16_t src_port,
                          uint16_t dst_port, uint8_t flags)
{
    struct decoded_packet p = packet(src, dst, PROTO_TCP, src_port, dst_port);
    p.tcp_flags = flags;
    return p;
}

struct decoded_packet udp(const struct ip_addr *src, const struct ip_addr *dst, uint16_t src_port,
                          uint16_t dst_port)
{
    return packet(src, dst, PROTO_UDP, src_port, dst_port);
}

/* ICMP or ICMPv6: src_port is the echo id, dst_port type << 8 | code. */
struct decoded_packet icmp(uint8_t proto, const struct ip_addr *src, const struct ip_addr *dst,
                           uint16_t id, uint8_t type, uint8_t code)
{
    return packet(src, dst, proto, id, (uint16_t)(type << 8 | code));
}

/* ---- driving the table ---- */

struct seen feed(struct flow_table *t, const struct decoded_packet *p, enum direction dir,
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

struct flow_table *table_with(size_t max_flows)
{
    struct flow_config config;
    flow_config_default(&config);
    if (max_flows)
        config.max_flows = max_flows;
    return flow_table_new(&config);
}

const char *const S4 = "192.0.2.10";   /* the sensor */
const char *const R4 = "203.0.113.77"; /* a remote */
const char *const S6 = "2001:db8::10"; /* the sensor, IPv6 */
const char *const R6 = "2001:db8:ffff::77";
