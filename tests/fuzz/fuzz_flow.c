/*
 * Fuzz target for the flow table, and for the cube it feeds.
 *
 * Input: two bytes of configuration (table size, timeouts, bin width), then
 * 8-byte records, each a decoded packet: addresses from small pools so that
 * flows collide, any TCP flags, ports from a small pool, TCP/UDP/ICMP/ICMPv6
 * or another protocol, fragment bits, and a time step that may go forwards or
 * backwards or jump to the ends of the clock. Every packet goes through
 * flow_table_update() and is then counted into a cube the way the aggregate
 * pass does it (the flow caches its cube row per bin), with the fragments the
 * table held for their first counted when it hands them back, and the
 * table's and cube's invariants are checked after each step.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../src/aggregate/aggregate.h"
#include "../../src/aggregate/aggregate_int.h"
#include "../../src/flow/flow.h"
#include "fuzz.h"

enum { RECORD_BYTES = 8 };

static const uint16_t port_pool[16] = {0,    1,    25,   53,    80,    123,   443,   445,
                                       1024, 3389, 6667, 40000, 40001, 50000, 65534, 65535};
static const uint8_t proto_pool[8] = {PROTO_TCP,    PROTO_TCP, PROTO_UDP, PROTO_ICMP,
                                      PROTO_ICMPV6, 47,        PROTO_TCP, 0 /* from the record */};
static const int64_t step_ns[8] = {
    1, 1000000, 100000000, 1000000000, 10000000000, 60000000000, 3600000000000, 86400000000000,
};
/* Where a jump lands: the ends of the clock, 1970, the study period. */
static const int64_t jump_ns[4] = {INT64_MIN, INT64_MAX, 0, INT64_C(1233446400000000000)};

static void pool_addr(struct ip_addr *addr, bool v6, bool sensor, unsigned index)
{
    if (v6) {
        uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0, sensor ? 0 : 1};
        b[15] = (uint8_t)(0x10 + index);
        addr_from_v6(addr, b);
    } else {
        uint8_t b[4] = {sensor ? 192 : 198, sensor ? 0 : 51, sensor ? 2 : 100,
                        (uint8_t)(10 + index)};
        addr_from_v4(addr, b);
    }
}

static int64_t add_saturating(int64_t t, int64_t d)
{
    if (d > 0 && t > INT64_MAX - d)
        return INT64_MAX;
    if (d < 0 && t < INT64_MIN - d)
        return INT64_MIN;
    return t + d;
}

/* Counts one packet into the cube with the aggregate pass's own code, then checks its row. */
static void account(struct cube *cube, const struct bin_clock *clock, struct flow *flow,
                    bool started, enum direction dir, uint32_t ip_bytes, int64_t ts_ns)
{
    aggregate_account(cube, clock, flow, started, dir, ip_bytes, ts_ns);
    FUZZ_CHECK(flow->cube_row < cube_row_count(cube));
    const struct cube_row *row = cube_row_at(cube, flow->cube_row);
    /* The cached row is the flow's own: a reused slot must not keep it. */
    FUZZ_CHECK(row->key.bin == bin_clock_start(clock, seconds_floor(ts_ns)));
    FUZZ_CHECK(memcmp(&row->key.sensor, &flow->key.sensor, sizeof(flow->key.sensor)) == 0);
    FUZZ_CHECK(memcmp(&row->key.remote, &flow->key.remote, sizeof(flow->key.remote)) == 0);
    FUZZ_CHECK(row->key.proto == flow->key.proto);
    FUZZ_CHECK(row->key.service == flow->service && row->key.initiator == flow->initiator);
    FUZZ_CHECK(row->counts.first_ns <= ts_ns && ts_ns <= row->counts.last_ns);
}

static void cube_totals(struct cube *cube, uint64_t *packets, uint64_t *bytes, uint64_t *flows)
{
    *packets = *bytes = *flows = 0;
    for (size_t i = 0; i < cube_row_count(cube); i++) {
        const struct cube_counts *c = &cube_row_at(cube, (uint32_t)i)->counts;
        *packets += c->packets_in + c->packets_out;
        *bytes += c->bytes_in + c->bytes_out;
        *flows += c->flows;
        FUZZ_CHECK(c->first_ns <= c->last_ns);
    }
}

/* Counts the fragments the table hands back; returns the flows they started. */
static uint64_t drain(struct flow_table *table, struct cube *cube, const struct bin_clock *clock)
{
    uint64_t started_count = 0;
    struct flow_fragment fragment;
    bool started;
    struct flow *f;
    while ((f = flow_table_released(table, &fragment, &started))) {
        FUZZ_CHECK(fragment.dir <= DIR_OUT);
        /* A late packet never moves its flow's last activity back. */
        FUZZ_CHECK(f->last_ns >= fragment.ts_ns);
        if (started)
            FUZZ_CHECK(f->first_ns == fragment.ts_ns);
        account(cube, clock, f, started, (enum direction)fragment.dir, fragment.ip_bytes,
                fragment.ts_ns);
        started_count += started;
    }
    return started_count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    struct flow_config config;
    flow_config_default(&config);
    config.max_flows = 16 + data[0] % 64u; /* the table's minimum is 16 */
    if (data[1] & 1) {
        /* Short timeouts, so that expiry happens within small inputs. */
        config.tcp_idle_s = 3;
        config.udp_idle_s = 2;
        config.icmp_idle_s = 1;
        config.other_idle_s = 2;
    }
    struct bin_clock clock = {data[1] & 2 ? 3600 : 86400, ((int64_t)(data[1] >> 2) - 32) * 1800,
                              BIN_FIXED};
    data += 2;
    size -= 2;

    struct flow_table *table = flow_table_new(&config);
    struct cube *cube = cube_new();
    int64_t now = INT64_C(1233446400000000000);
    uint64_t packets = 0, bytes = 0, started_count = 0;

    for (; size >= RECORD_BYTES; data += RECORD_BYTES, size -= RECORD_BYTES) {
        const uint8_t *r = data;
        struct decoded_packet p;
        memset(&p, 0, sizeof(p));

        bool v6 = r[0] & 0x80;
        enum direction dir = r[0] & 0x40 ? DIR_OUT : DIR_IN;
        struct ip_addr sensor, remote;
        pool_addr(&sensor, v6, true, r[0] & 1u);
        pool_addr(&remote, v6, false, r[0] >> 1 & 7u);
        p.src = dir == DIR_OUT ? sensor : remote;
        p.dst = dir == DIR_OUT ? remote : sensor;

        p.proto = proto_pool[r[1] & 7u];
        if ((r[1] & 7u) == 7)
            p.proto = r[2];
        if (r[1] & 0x08)
            p.first_fragment = 1;
        else if (r[1] & 0x10)
            p.is_fragment = 1;
        p.frag_id = r[1] >> 5;
        if (!p.is_fragment) {
            if (p.proto == PROTO_ICMP || p.proto == PROTO_ICMPV6) {
                p.dst_port = (uint16_t)(r[3] << 8 | (r[2] & 3u)); /* type, code */
                p.src_port = r[2] >> 6;                           /* echo id */
            } else if (p.proto == PROTO_TCP || p.proto == PROTO_UDP) {
                p.src_port = port_pool[r[3] & 15u];
                p.dst_port = port_pool[r[3] >> 4];
            }
            if (p.proto == PROTO_TCP)
                p.tcp_flags = r[2];
        }
        p.ip_bytes = 20u + r[7];

        int16_t delta = (int16_t)(uint16_t)(r[4] | r[5] << 8);
        if ((r[6] >> 3) == 31)
            now = jump_ns[r[6] & 3u];
        else
            now = add_saturating(now, (int64_t)delta * step_ns[r[6] & 7u]);

        bool started = false;
        struct flow *f = flow_table_update(table, &p, dir, now, &started);
        packets++;
        bytes += p.ip_bytes;
        if (!f) {
            /* Held for its first fragment: counted when handed back. */
            FUZZ_CHECK(p.is_fragment && !started);
            started_count += drain(table, cube, &clock);
            continue;
        }
        FUZZ_CHECK(memcmp(&f->key.sensor, &sensor, sizeof(sensor)) == 0);
        FUZZ_CHECK(memcmp(&f->key.remote, &remote, sizeof(remote)) == 0);
        FUZZ_CHECK(f->key.proto == p.proto);
        /* Idle time runs from the latest packet: an earlier stamp never moves it back. */
        FUZZ_CHECK(f->last_ns >= now);
        if (started)
            FUZZ_CHECK(f->first_ns == now);
        FUZZ_CHECK(f->initiator <= INITIATOR_REMOTE);
        FUZZ_CHECK(f->closed <= 1 && f->fin_seen <= 3);

        size_t live = flow_table_count(table);
        const struct flow_stats *st = flow_table_stats(table);
        FUZZ_CHECK(live >= 1 && live <= config.max_flows);
        FUZZ_CHECK(live + st->expired + st->evicted <= st->flows);

        account(cube, &clock, f, started, dir, p.ip_bytes, now);
        started_count += started;
        started_count += drain(table, cube, &clock);
    }
    flow_table_release_held(table);
    started_count += drain(table, cube, &clock);
    FUZZ_CHECK(flow_table_held(table) == 0);
    FUZZ_CHECK(flow_table_stats(table)->flows == started_count);

    /* The cube holds every packet once, and merging keeps every figure. */
    uint64_t cp, cb, cf;
    cube_totals(cube, &cp, &cb, &cf);
    FUZZ_CHECK(cp == packets && cb == bytes && cf == started_count);
    FUZZ_CHECK(cube_row_count(cube) <= packets);
    struct cube *merged = cube_new();
    cube_merge(merged, cube);
    cube_merge(merged, cube);
    uint64_t mp, mb, mf;
    cube_totals(merged, &mp, &mb, &mf);
    FUZZ_CHECK(mp == 2 * packets && mb == 2 * bytes && mf == 2 * started_count);
    FUZZ_CHECK(cube_row_count(merged) == cube_row_count(cube));

    cube_free(merged);
    cube_free(cube);
    flow_table_free(table);
    return 0;
}
