/*
 * What the flow table's unit tests (tests/unit/test_flow_*.c) share: a base
 * time, the sensor's and a remote's addresses, builders of decoded packets,
 * and feeding them to a table. Defined in flow_fixture.c, linked into each
 * test.
 */
#ifndef HONEYSCOPE_FLOW_FIXTURE_H
#define HONEYSCOPE_FLOW_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../src/common/addr.h"
#include "../../src/decode/decode.h"
#include "../../src/flow/flow.h"

#define NS 1000000000LL
/* 2009-02-01T00:00:00Z: a base time for every test. */
#define T0 (1233446400LL * NS)

/* What one update returned, copied out (the pointer is valid until the next call). */
struct seen {
    struct flow flow;
    bool started;
};

extern const char *const S4; /* the sensor */
extern const char *const R4; /* a remote */
extern const char *const S6; /* the sensor, IPv6 */
extern const char *const R6;

struct ip_addr ip(const char *text);
struct ip_addr v4n(uint32_t n);
struct decoded_packet packet(const struct ip_addr *src, const struct ip_addr *dst, uint8_t proto,
                             uint16_t src_port, uint16_t dst_port);
struct decoded_packet tcp(const struct ip_addr *src, const struct ip_addr *dst, uint16_t src_port,
                          uint16_t dst_port, uint8_t flags);
struct decoded_packet udp(const struct ip_addr *src, const struct ip_addr *dst, uint16_t src_port,
                          uint16_t dst_port);
struct decoded_packet icmp(uint8_t proto, const struct ip_addr *src, const struct ip_addr *dst,
                           uint16_t id, uint8_t type, uint8_t code);
struct seen feed(struct flow_table *t, const struct decoded_packet *p, enum direction dir,
                 int64_t ts_ns);
struct flow_table *table_with(size_t max_flows);

#endif
