/*
 * The pass over one capture file: capture -> decode -> flow -> cube.
 *
 * Runs once per packet, so it does as little as it can: the flow caches the
 * cube row of its current time bin, and the cube index is consulted only when
 * a flow starts or crosses into a new bin.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/capture.h"
#include "../common/xalloc.h"
#include "../decode/scanner.h"
#include "../evidence/evidence.h"
#include "aggregate_int.h"

void input_stats_init(struct input_stats *stats)
{
    memset(stats, 0, sizeof(*stats));
    stats->first_ns = INT64_MAX;
    stats->last_ns = INT64_MIN;
}

static void count_unsupported_link(struct input_stats *stats, int link_type, uint64_t packets)
{
    for (size_t i = 0; i < stats->unsupported_link_count; i++)
        if (stats->unsupported_links[i].link_type == link_type) {
            stats->unsupported_links[i].packets += packets;
            return;
        }
    size_t cap = sizeof(stats->unsupported_links) / sizeof(stats->unsupported_links[0]);
    if (stats->unsupported_link_count < cap) {
        stats->unsupported_links[stats->unsupported_link_count].link_type = link_type;
        stats->unsupported_links[stats->unsupported_link_count].packets = packets;
        stats->unsupported_link_count++;
    }
}

void input_stats_merge(struct input_stats *into, const struct input_stats *from)
{
    into->files += from->files;
    into->files_failed += from->files_failed;
    into->packets += from->packets;
    for (int i = 0; i < DECODE_RESULT_COUNT; i++)
        into->bad[i] += from->bad[i];
    into->not_sensor += from->not_sensor;
    into->sensor_to_sensor += from->sensor_to_sensor;
    if (from->first_ns < into->first_ns)
        into->first_ns = from->first_ns;
    if (from->last_ns > into->last_ns)
        into->last_ns = from->last_ns;
    into->flows.flows += from->flows.flows;
    into->flows.expired += from->flows.expired;
    into->flows.evicted += from->flows.evicted;
    into->flows.fragments_unmatched += from->flows.fragments_unmatched;
    into->evidence_skipped += from->evidence_skipped;
    into->evidence_dropped += from->evidence_dropped;
    into->flow_records += from->flow_records;
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        into->flow_skipped[i] += from->flow_skipped[i];
    into->flow_covered += from->flow_covered;
    into->export_datagrams += from->export_datagrams;
    into->export_lost_packets += from->export_lost_packets;
    into->export_lost_records += from->export_lost_records;
    into->export_skipped += from->export_skipped;
    if (from->sampling_interval > into->sampling_interval)
        into->sampling_interval = from->sampling_interval;
    into->live_captures += from->live_captures;
    into->kernel_drops += from->kernel_drops;
    into->interface_drops += from->interface_drops;
    for (size_t i = 0; i < from->unsupported_link_count; i++)
        count_unsupported_link(into, from->unsupported_links[i].link_type,
                               from->unsupported_links[i].packets);
}

void aggregate_account(struct cube *cube, const struct bin_clock *clock, struct flow *flow,
                       bool started, enum direction dir, uint32_t ip_bytes, int64_t ts_ns)
{
    int64_t bin = bin_clock_start(clock, seconds_floor(ts_ns));
    if (flow->cube_bin != bin || flow->cube_gen != cube_generation(cube)) {
        struct cube_key key;
        memset(&key, 0, sizeof(key));
        key.bin = bin;
        key.sensor = flow->key.sensor;
        key.remote = flow->key.remote;
        key.service = flow->service;
        key.proto = flow->key.proto;
        key.initiator = flow->initiator;
        flow->cube_row = cube_lookup(cube, &key);
        flow->cube_gen = cube_generation(cube); /* after the lookup: it may have spilled */
        flow->cube_bin = bin;
    }
    struct cube_counts *c = &cube_row_at(cube, flow->cube_row)->counts;
    if (dir == DIR_IN) {
        c->packets_in++;
        c->bytes_in += ip_bytes;
    } else {
        c->packets_out++;
        c->bytes_out += ip_bytes;
    }
    c->flows += started;
    if (ts_ns < c->first_ns)
        c->first_ns = ts_ns;
    if (ts_ns > c->last_ns)
        c->last_ns = ts_ns;
}

/*
 * A probe of a known scanning tool (decode/scanner.h): counted as evidence of
 * its remote in the packet's bin, "tool proto/port" with the service of its
 * flow, one row for the probes and one for the flows they opened. Rows share
 * the evidence table's bound (past it they spill, or with nowhere to spill
 * are counted as dropped), so a flood of tagged sources cannot exhaust memory.
 */
/*
 * Writes "tool proto/port" and a NUL into value (room for 32: names of at
 * most 7 and 5 letters, a port of at most 5 digits) and returns its length.
 * By hand rather than with snprintf, as a flood tags every packet.
 */
static size_t tag_value(char *value, const char *tool, const char *proto, unsigned port)
{
    size_t n = 0;
    for (; *tool && n < 8; tool++)
        value[n++] = *tool;
    value[n++] = ' ';
    for (; *proto && n < 15; proto++)
        value[n++] = *proto;
    value[n++] = '/';
    char digits[10];
    size_t d = 0;
    do {
        digits[d++] = (char)('0' + port % 10);
        port /= 10;
    } while (port);
    while (d)
        value[n++] = digits[--d];
    value[n] = '\0';
    return n;
}

static void tag_probe(struct cube *cube, const struct flow *flow, enum scanner_tool tool,
                      bool started)
{
    static const char *const protos[] = {
        [PROTO_ICMP] = "icmp", [PROTO_TCP] = "tcp", [PROTO_UDP] = "udp", [PROTO_ICMPV6] = "icmp6"};
    const char *proto =
        flow->key.proto < sizeof(protos) / sizeof(protos[0]) ? protos[flow->key.proto] : NULL;
    /* ICMP's service is type << 8 | code; its port, as in the port table, is the type. */
    bool icmp = flow->key.proto == PROTO_ICMP || flow->key.proto == PROTO_ICMPV6;
    unsigned port = !proto ? flow->key.proto : icmp ? flow->service >> 8 : flow->service;
    char value[32];
    size_t n = tag_value(value, scanner_tool_name(tool), proto ? proto : "proto", port);
    struct evidence_table *evidence = cube_evidence(cube);
    evidence_table_add(evidence, flow->cube_bin, &flow->key.remote, EVIDENCE_SCANNER_PACKETS, value,
                       n, 1);
    if (started)
        evidence_table_add(evidence, flow->cube_bin, &flow->key.remote, EVIDENCE_SCANNER_FLOWS,
                           value, n, 1);
}

/* Bits of flow->handshake, for the spoofing signs (docs/semantics.md). */
enum {
    HANDSHAKE_ANSWERED = 1, /* the sensor sent a SYN-ACK */
    HANDSHAKE_MORE = 2,     /* the remote sent more than its first packet */
};

static void follow_handshake(struct flow *flow, const struct decoded_packet *p, enum direction dir,
                             bool started)
{
    if (flow->initiator != INITIATOR_REMOTE || flow->key.proto != PROTO_TCP || p->is_fragment)
        return;
    if (dir == DIR_OUT && (p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
        flow->handshake |= HANDSHAKE_ANSWERED;
    else if (dir == DIR_IN && !started)
        flow->handshake |= HANDSHAKE_MORE;
}

/* A conversation the sensor answered and the remote left at its first packet: a sign. */
static void handshake_ended(struct cube *cube, const struct bin_clock *clock,
                            const struct flow *flow)
{
    if (flow->handshake != HANDSHAKE_ANSWERED || !cube)
        return;
    int64_t bin = bin_clock_start(clock, seconds_floor(flow->first_ns));
    evidence_table_add(cube_evidence(cube), bin, &flow->key.remote, EVIDENCE_SYN_ACK_UNANSWERED, "",
                       0, 1);
}

/* ---- backscatter (docs/semantics.md) ------------------------------------------ */

/*
 * Counts what a victim sent in the minute holding ts_ns, for its attack
 * records: "MINUTE proto/port" evidence of the row's bin, packets and
 * bytes. Rows share the evidence table's bound, as the tool tags do.
 */
static void count_backscatter_minute(struct cube *cube, const struct flow *flow, int64_t bin,
                                     int64_t ts_ns, uint64_t packets, uint64_t bytes)
{
    static const char *const protos[] = {
        [PROTO_ICMP] = "icmp", [PROTO_TCP] = "tcp", [PROTO_UDP] = "udp", [PROTO_ICMPV6] = "icmp6"};
    uint8_t p = flow->key.proto;
    const char *proto = p < sizeof(protos) / sizeof(protos[0]) && protos[p] ? protos[p] : "proto";
    unsigned port = flow->service;
    if (p == PROTO_ICMP || p == PROTO_ICMPV6) {
        /* The type received: a reply's flow is named by its request's type. */
        static const uint8_t reply_of[256] = {
            [8] = 0, [13] = 14, [15] = 16, [17] = 18, [128] = 129};
        port = flow->service >> 8u;
        if (port == 8 || port == 13 || port == 15 || port == 17 || port == 128)
            port = reply_of[port];
    }
    int64_t s = seconds_floor(ts_ns);
    int64_t minute = s - (s % 60 + 60) % 60;
    char value[48];
    int n = snprintf(value, sizeof(value), "%lld %s/%u", (long long)minute, proto, port);
    if (n <= 0 || (size_t)n >= sizeof(value) || !cube)
        return;
    struct evidence_table *evidence = cube_evidence(cube);
    evidence_table_add(evidence, bin, &flow->key.remote, EVIDENCE_BACKSCATTER_PACKETS, value,
                       (size_t)n, packets);
    evidence_table_add(evidence, bin, &flow->key.remote, EVIDENCE_BACKSCATTER_BYTES, value,
                       (size_t)n, bytes);
}

/*
 * Holds a packet of a flow that may be backscatter, instead of counting it,
 * until the flow stage tells whose the flow is. Returns false, holding
 * nothing, when the packet falls in another bin than the flow's first or
 * the counts are full: the caller then settles the flow as backscatter.
 */
static bool hold_packet(struct flow *flow, const struct aggregate_config *config, bool started,
                        enum direction dir, uint32_t ip_bytes, int64_t ts_ns)
{
    if (started) {
        flow->held = 1;
        flow->held_bytes_in = flow->held_bytes_out = 0;
        flow->held_packets_in = flow->held_packets_out = 0;
    } else if (bin_clock_start(&config->clock, seconds_floor(ts_ns)) !=
               bin_clock_start(&config->clock, seconds_floor(flow->first_ns))) {
        return false;
    }
    uint16_t *packets = dir == DIR_IN ? &flow->held_packets_in : &flow->held_packets_out;
    uint32_t *bytes = dir == DIR_IN ? &flow->held_bytes_in : &flow->held_bytes_out;
    if (*packets == UINT16_MAX || ip_bytes > UINT32_MAX - *bytes)
        return false;
    ++*packets;
    *bytes += ip_bytes;
    return true;
}

/*
 * Counts a flow's held packets, in the bin of its first packet, as
 * backscatter or as the initiator the flow stage gave it, and ends the
 * holding: the flow counts packet by packet from now on.
 */
static void release_held(struct cube *cube, const struct aggregate_config *config,
                         struct flow *flow, bool backscatter)
{
    uint64_t packets_in = flow->held_packets_in, packets_out = flow->held_packets_out;
    uint64_t bytes_in = flow->held_bytes_in, bytes_out = flow->held_bytes_out;
    flow->held = 0;
    if (backscatter) {
        flow->initiator = flow->backscatter;
        /* The victim's port: the service it was attacked on. */
        if (flow->key.proto == PROTO_TCP || flow->key.proto == PROTO_UDP)
            flow->service = flow->key.remote_port;
    }
    flow->backscatter = 0;
    flow->cube_bin = INT64_MIN;
    flow->cube_row = flow->cube_gen = 0;
    if (!cube)
        return;
    int64_t first_s = seconds_floor(flow->first_ns);
    int64_t bin = bin_clock_start(&config->clock, first_s);
    /* flow->last_ns may be a later packet's, of the next bin: the row's stays in its own. */
    int64_t next_s = bin_clock_next(&config->clock, first_s);
    int64_t bin_last_ns = next_s > INT64_MAX / 1000000000 ? INT64_MAX : next_s * 1000000000 - 1;
    struct cube_key key;
    memset(&key, 0, sizeof(key));
    key.bin = bin;
    key.sensor = flow->key.sensor;
    key.remote = flow->key.remote;
    key.service = flow->service;
    key.proto = flow->key.proto;
    key.initiator = flow->initiator;
    struct cube_counts *c = &cube_row_at(cube, cube_lookup(cube, &key))->counts;
    c->packets_in += packets_in;
    c->packets_out += packets_out;
    c->bytes_in += bytes_in;
    c->bytes_out += bytes_out;
    c->flows++;
    if (flow->first_ns < c->first_ns)
        c->first_ns = flow->first_ns;
    int64_t last = flow->last_ns < bin_last_ns ? flow->last_ns : bin_last_ns;
    if (last > c->last_ns)
        c->last_ns = last;
    if (backscatter && packets_in)
        count_backscatter_minute(cube, flow, bin, flow->first_ns, packets_in, bytes_in);
}

/*
 * Counts a packet of flow: held while the flow may still be backscatter,
 * else in its row. Returns whether it was held (then it is no probe and no
 * evidence: its flow's fate is not known).
 */
static bool count_packet(struct cube *cube, const struct aggregate_config *config,
                         struct flow *flow, bool started, enum direction dir, uint32_t ip_bytes,
                         int64_t ts_ns)
{
    if (flow->backscatter && (started || flow->held)) {
        if (hold_packet(flow, config, started, dir, ip_bytes, ts_ns))
            return true;
        release_held(cube, config, flow, true);
    } else if (flow->held) {
        release_held(cube, config, flow, false); /* the sensor went on: its own */
    }
    aggregate_account(cube, &config->clock, flow,
                      started && !initiator_is_backscatter(flow->initiator), dir, ip_bytes, ts_ns);
    if (dir == DIR_IN && initiator_is_backscatter(flow->initiator))
        count_backscatter_minute(cube, flow, flow->cube_bin, ts_ns, 1, ip_bytes);
    return false;
}

/* ---- files apart (a store) ----------------------------------------------------- */

struct cube *cube_new_counting(const struct aggregate_config *config)
{
    struct cube *cube = cube_new();
    if (config->cube_max_rows || config->tmp_dir)
        cube_set_budget(cube, config->cube_max_rows, config->tmp_dir);
    cube_set_evidence_bytes(cube, config->evidence_bytes);
    cube_meter_spills(cube, config->spilled_bytes);
    return cube;
}

/* The rows of file, made on first use. */
static struct cube *file_cube(struct shard *shard, uint32_t file)
{
    struct shard_file *sf = &shard->files[file];
    if (!sf->cube)
        sf->cube = cube_new_counting(shard->config);
    return sf->cube;
}

/* Hands file on once it was read to its end and nothing of it is open. */
static void settle(struct shard *shard, uint32_t file)
{
    struct shard_file *sf = &shard->files[file];
    if (sf->ended && !sf->open && !sf->settled) {
        sf->settled = true;
        sf->stats.evidence_dropped += cube_evidence_dropped(sf->cube);
        shard->settled(shard->settled_ctx, file, sf);
    }
}

static void unpin(struct shard *shard, uint32_t file)
{
    shard->files[file].open--;
    settle(shard, file);
}

/* The flow table's end hook: the flow's evidence and end count in the file it started in. */
static void flow_ended(void *ctx, struct flow *flow, enum flow_end why)
{
    struct shard *shard = ctx;
    /* The sensor never went on: backscatter, decided at the flow's end. */
    if (flow->held)
        release_held(shard->files ? shard->files[flow->file].cube : shard->cube, shard->config,
                     flow, true);
    if (!shard->files) {
        evidence_capture_end(&shard->evidence, flow);
        handshake_ended(shard->evidence.cube, &shard->config->clock, flow);
        return;
    }
    struct shard_file *sf = &shard->files[flow->file];
    shard->evidence.cube = sf->cube;
    evidence_capture_end(&shard->evidence, flow);
    handshake_ended(sf->cube, &shard->config->clock, flow);
    shard->evidence.cube = shard->cube;
    sf->stats.flows.expired += why == FLOW_END_EXPIRED || why == FLOW_END_INPUT;
    sf->stats.flows.evicted += why == FLOW_END_EVICTED;
    unpin(shard, flow->file);
}

/* A flow began with a packet of file: it belongs to file, which waits for its end. */
static void flow_began(struct shard *shard, struct flow *flow, uint32_t file)
{
    flow->file = file;
    if (shard->files) {
        shard->files[file].open++;
        shard->files[file].stats.flows.flows++;
    }
}

/*
 * Counts the fragments the flow table held for their first fragment and now
 * hands back: at their own time, direction and length, in the flow it chose,
 * in the rows of the file they came in.
 */
static void account_released(struct shard *shard, const struct aggregate_config *config)
{
    struct flow_fragment fragment;
    bool started;
    struct flow *flow;
    for (;;) {
        uint64_t unmatched = flow_table_stats(shard->flows)->fragments_unmatched;
        flow = flow_table_released(shard->flows, &fragment, &started);
        if (!flow)
            return;
        struct cube *cube = shard->cube;
        if (shard->files) {
            cube = file_cube(shard, fragment.tag);
            shard->files[fragment.tag].stats.flows.fragments_unmatched +=
                flow_table_stats(shard->flows)->fragments_unmatched - unmatched;
        }
        if (started)
            flow_began(shard, flow, fragment.tag);
        count_packet(cube, config, flow, started, (enum direction)fragment.dir, fragment.ip_bytes,
                     fragment.ts_ns);
        if (shard->files)
            unpin(shard, fragment.tag);
    }
}

#define FLOWS_AT_LEAST 65536

/* How many buffers of each bytes fit in bytes, within [least, most]. */
static size_t buffers_within(uint64_t bytes, size_t each, size_t least, size_t most)
{
    uint64_t n = bytes / each;
    return n < least ? least : n > most ? most : (size_t)n;
}

void aggregate_plan_counting(uint64_t bytes, struct flow_config *flow,
                             struct evidence_buffer_counts *buffers)
{
    if (!flow->max_flows) {
        uint64_t flows = bytes / 4 * 3 / flow_table_bytes_per_flow();
        flow->max_flows = flows < FLOWS_AT_LEAST   ? FLOWS_AT_LEAST
                          : flows > UINT32_MAX / 4 ? UINT32_MAX / 4
                                                   : (size_t)flows;
    }
    uint64_t pools = bytes / 4;
    buffers->sides = buffers_within(pools / 2, EVIDENCE_SIDE_BYTES, 1024, EVIDENCE_BUFFERS);
    buffers->long_sides =
        buffers_within(pools / 4, EVIDENCE_LONG_SIDE_BYTES, 256, EVIDENCE_LONG_BUFFERS);
    buffers->record_sides =
        buffers_within(pools / 4, EVIDENCE_RECORD_SIDE_BYTES, 64, EVIDENCE_RECORD_BUFFERS);
}

static void shard_start(struct shard *shard, struct cube *cube,
                        const struct aggregate_config *config)
{
    shard->cube = cube;
    shard->config = config;
    shard->flows = flow_table_new(&config->flow);
    const struct evidence_buffer_counts *b = &config->evidence_buffers;
    evidence_capture_init(&shard->evidence, cube, &config->clock,
                          b->sides ? b->sides : EVIDENCE_BUFFERS,
                          b->long_sides ? b->long_sides : EVIDENCE_LONG_BUFFERS,
                          b->record_sides ? b->record_sides : EVIDENCE_RECORD_BUFFERS);
    flow_table_on_end(shard->flows, flow_ended, shard);
}

void shard_init(struct shard *shard, struct cube *cube, const struct aggregate_config *config)
{
    memset(shard, 0, sizeof(*shard));
    /* The caller's cube (a report's, counted in the reading thread) is bounded here. */
    cube_set_evidence_bytes(cube, config->evidence_bytes);
    shard_start(shard, cube, config);
}

void shard_init_files(struct shard *shard, size_t count, const struct aggregate_config *config,
                      void (*settled)(void *ctx, uint32_t file, struct shard_file *sf), void *ctx)
{
    memset(shard, 0, sizeof(*shard));
    shard->files = xcalloc(count ? count : 1, sizeof(*shard->files));
    shard->waiting = xcalloc(count ? count : 1, sizeof(*shard->waiting));
    for (size_t i = 0; i < count; i++)
        input_stats_init(&shard->files[i].stats);
    shard->file_count = count;
    shard->settled = settled;
    shard->settled_ctx = ctx;
    shard->file = SHARD_NO_FILE;
    shard_start(shard, NULL, config);
}

void shard_set_file(struct shard *shard, uint32_t file)
{
    shard->file = file;
    shard->cube = file_cube(shard, file);
    shard->evidence.cube = shard->cube;
    flow_table_set_tag(shard->flows, file);
}

struct new_owner {
    struct shard *shard;
    uint32_t from, to;
};

static void move_flow(void *ctx, struct flow *flow)
{
    struct new_owner *o = ctx;
    if (flow->file == o->from) {
        flow->file = o->to;
        o->shard->files[o->from].open--;
        o->shard->files[o->to].open++;
    }
}

/*
 * Long conversations must not keep files waiting without end (their rows in
 * memory, not in the store): past SHARD_WAITING_MAX files read but not
 * settled, the flows of the oldest pass to file, the last one read, which
 * then takes their evidence and end (docs/store.md).
 */
static void bound_waiting(struct shard *shard, uint32_t file)
{
    size_t kept = 0;
    for (size_t i = 0; i < shard->waiting_count; i++)
        if (!shard->files[shard->waiting[i]].settled)
            shard->waiting[kept++] = shard->waiting[i];
    shard->waiting_count = kept;
    while (shard->waiting_count > SHARD_WAITING_MAX) {
        struct new_owner o = {shard, shard->waiting[0], file};
        flow_table_each(shard->flows, move_flow, &o);
        memmove(shard->waiting, shard->waiting + 1, --shard->waiting_count * sizeof(uint32_t));
        settle(shard, o.from); /* unless fragments of it are still held (30 s at most) */
    }
}

void shard_end_file(struct shard *shard, uint32_t file)
{
    if (shard->file == file) {
        shard->file = SHARD_NO_FILE;
        shard->cube = shard->evidence.cube = NULL;
    }
    shard->files[file].ended = true;
    settle(shard, file);
    if (!shard->files[file].settled) {
        shard->waiting[shard->waiting_count++] = file;
        bound_waiting(shard, file);
    }
}

void shard_packet(struct shard *shard, const struct aggregate_config *config,
                  const struct decoded_packet *p, enum direction dir, int64_t ts_ns)
{
    bool started;
    const struct flow_stats *fs = flow_table_stats(shard->flows);
    uint64_t unmatched = fs->fragments_unmatched, skipped = shard->evidence.skipped;
    struct flow *flow = flow_table_update(shard->flows, p, dir, ts_ns, &started);
    /*
     * NULL: a fragment held for its first, counted when handed back. A
     * non-first fragment's bytes do not start a message: no evidence.
     */
    if (flow) {
        if (started)
            flow_began(shard, flow, shard->file);
        bool held = count_packet(shard->cube, config, flow, started, dir, p->ip_bytes, ts_ns);
        follow_handshake(flow, p, dir, started);
        if (dir == DIR_IN && !held && !initiator_is_backscatter(flow->initiator)) {
            enum scanner_tool tool = scanner_tag(p);
            if (tool != SCANNER_NONE)
                tag_probe(shard->cube, flow, tool, started);
        }
        if (p->payload_len && !p->is_fragment && !held &&
            !initiator_is_backscatter(flow->initiator))
            evidence_capture_packet(&shard->evidence, flow, dir, p->payload, p->payload_len);
    }
    if (shard->files) {
        struct shard_file *sf = &shard->files[shard->file];
        sf->open += !flow; /* a held fragment keeps its file waiting */
        sf->stats.flows.fragments_unmatched += fs->fragments_unmatched - unmatched;
        sf->stats.evidence_skipped += shard->evidence.skipped - skipped;
    }
    account_released(shard, config);
}

void shard_finish(struct shard *shard, const struct aggregate_config *config,
                  struct input_stats *stats)
{
    flow_table_release_held(shard->flows);
    account_released(shard, config);
    flow_table_end_input(shard->flows);
    if (!shard->files) {
        const struct flow_stats *fs = flow_table_stats(shard->flows);
        stats->flows.flows += fs->flows;
        stats->flows.expired += fs->expired;
        stats->flows.evicted += fs->evicted;
        stats->flows.fragments_unmatched += fs->fragments_unmatched;
        stats->evidence_skipped += shard->evidence.skipped;
        stats->evidence_dropped += cube_evidence_dropped(shard->cube);
    }
    flow_table_free(shard->flows);
    evidence_capture_release(&shard->evidence);
    shard->flows = NULL;
}

void shard_release(struct shard *shard)
{
    /* Not finished (a stopped run): its flows are dropped with their files. */
    flow_table_free(shard->flows);
    shard->flows = NULL;
    evidence_capture_release(&shard->evidence);
    if (shard->files)
        for (size_t i = 0; i < shard->file_count; i++)
            cube_free(shard->files[i].cube);
    free(shard->files);
    free(shard->waiting);
    shard->files = NULL;
    shard->waiting = NULL;
}

bool packet_direction(const struct aggregate_config *config, const struct decoded_packet *p,
                      struct input_stats *stats, enum direction *dir)
{
    bool src_is_sensor = sensor_set_contains(config->sensors, &p->src);
    bool dst_is_sensor = sensor_set_contains(config->sensors, &p->dst);
    if (src_is_sensor == dst_is_sensor) {
        if (src_is_sensor)
            stats->sensor_to_sensor++;
        else
            stats->not_sensor++;
        return false;
    }
    *dir = src_is_sensor ? DIR_OUT : DIR_IN;
    return true;
}

void count_unsupported(struct input_stats *stats, int link_type, uint64_t packets)
{
    if (packets) {
        stats->bad[DECODE_UNSUPPORTED] += packets;
        count_unsupported_link(stats, link_type, packets);
    }
}

void file_reader_start(struct file_reader *r, struct capture_file *file, struct input_stats *stats)
{
    r->file = file;
    r->stats = stats;
    r->link_type = capture_link_type(file);
    r->supported = decode_link_supported(r->link_type);
    r->unsupported = 0;
    r->sample = NULL;
    stats->link_type = r->link_type;
    snprintf(stats->format, sizeof(stats->format), "%s", capture_format(file));
}

bool file_reader_packet(struct file_reader *r, const struct aggregate_config *config,
                        const struct capture_packet *cp, packet_sink deliver, void *ctx)
{
    struct input_stats *stats = r->stats;
    bool go_on = true;
    stats->packets++;
    if (r->sample)
        capture_sample_add(r->sample, cp);
    if ((stats->packets & 0xffff) == 0) {
        if (config->packets_read)
            atomic_fetch_add(config->packets_read, 0x10000);
        if (config->tick)
            config->tick(config->tick_ctx);
        go_on = !(config->stop && *config->stop);
    }
    if (cp->ts_ns < stats->first_ns)
        stats->first_ns = cp->ts_ns;
    if (cp->ts_ns > stats->last_ns)
        stats->last_ns = cp->ts_ns;
    if (!r->supported) {
        r->unsupported++;
        return go_on;
    }
    struct decoded_packet p;
    enum decode_result result = decode_packet(r->link_type, cp->data, cp->caplen, cp->wirelen, &p);
    if (result != DECODE_OK) {
        stats->bad[result]++;
        return go_on;
    }
    enum direction dir;
    if (packet_direction(config, &p, stats, &dir))
        deliver(ctx, &p, dir, cp->ts_ns);
    return go_on;
}

void file_reader_finish(struct file_reader *r, const struct aggregate_config *config)
{
    count_unsupported(r->stats, r->link_type, r->unsupported);
    r->unsupported = 0;
    if (r->sample)
        capture_sample_finish(r->sample);
    r->sample = NULL;
    if (config->packets_read)
        atomic_fetch_add(config->packets_read, r->stats->packets & 0xffff);
}

enum capture_status read_capture(struct capture_file *file, const struct aggregate_config *config,
                                 struct input_stats *stats, packet_sink deliver, void *ctx)
{
    struct file_reader reader;
    struct capture_packet cp;
    enum capture_status status;
    file_reader_start(&reader, file, stats);
    while ((status = capture_next(file, &cp)) == CAPTURE_PACKET)
        if (!file_reader_packet(&reader, config, &cp, deliver, ctx))
            break;
    file_reader_finish(&reader, config);
    return status;
}

struct one_shard {
    struct shard shard;
    const struct aggregate_config *config;
};

static void count_in_shard(void *ctx, const struct decoded_packet *p, enum direction dir,
                           int64_t ts_ns)
{
    struct one_shard *s = ctx;
    shard_packet(&s->shard, s->config, p, dir, ts_ns);
}

int aggregate_capture(struct cube *cube, const struct aggregate_config *config, const char *path,
                      struct input_stats *stats, char *err, size_t errlen)
{
    struct capture_file *file = capture_open(path, err, errlen);
    stats->files++;
    if (!file) {
        stats->files_failed++;
        return -1;
    }
    struct one_shard s = {.config = config};
    shard_init(&s.shard, cube, config);
    enum capture_status status = read_capture(file, config, stats, count_in_shard, &s);
    shard_finish(&s.shard, config, stats);

    int ret = 0;
    if (status == CAPTURE_PACKET) {
        snprintf(err, errlen, "'%s': interrupted", path);
        ret = AGGREGATE_INTERRUPTED;
    } else if (status == CAPTURE_ERROR) {
        snprintf(err, errlen, "%s", capture_error(file));
        stats->files_failed++;
        ret = -1;
    }
    capture_close(file);
    return ret;
}

/*
 * Whether the frame went to a link-layer broadcast or multicast address, as
 * far as the link header tells: then its IP destination is a broadcast
 * (directed ones included) or multicast address, never a host's own.
 */
static bool link_group_frame(int link_type, const uint8_t *data, uint32_t caplen)
{
    switch (link_type) {
    case 1: /* DLT_EN10MB: the I/G bit of the destination MAC */
        return caplen >= 6 && (data[0] & 1u);
    case 113: /* DLT_LINUX_SLL: packet type 1 broadcast, 2 multicast */
        return caplen >= 2 && data[0] == 0 && (data[1] == 1 || data[1] == 2);
    case 276: /* DLT_LINUX_SLL2: the same types, one byte at offset 10 */
        return caplen >= 11 && (data[10] == 1 || data[10] == 2);
    default:
        return false;
    }
}

/* DHCP or DHCPv6: a host configuring itself with its router, on its link. */
static bool link_configuration(const struct decoded_packet *p)
{
    if (p->proto != PROTO_UDP)
        return false;
    unsigned lo = p->src_port < p->dst_port ? p->src_port : p->dst_port;
    unsigned hi = p->src_port < p->dst_port ? p->dst_port : p->src_port;
    return (lo == 67 && hi == 68) || (lo == 546 && hi == 547);
}

int aggregate_sample_addresses(struct sensor_detector *detector, const char *path,
                               uint64_t max_packets, char *err, size_t errlen)
{
    struct capture_file *file = capture_open(path, err, errlen);
    if (!file)
        return flowlog_sample_addresses(detector, path, max_packets, err, errlen);
    int link_type = capture_link_type(file);
    struct capture_packet cp;
    struct decoded_packet p;
    uint64_t seen = 0;

    sensor_detector_next_file(detector);
    while (seen < max_packets && capture_next(file, &cp) == CAPTURE_PACKET) {
        if (decode_packet(link_type, cp.data, cp.caplen, cp.wirelen, &p) != DECODE_OK)
            continue;
        seen++;
        /*
         * Link chatter is no traffic with a remote, and its sender would
         * otherwise pass for a second sensor: frames sent to a group (a
         * directed broadcast is known as one only here, by its frame; the
         * detector leaves out group addresses itself) and DHCP.
         */
        if (!link_group_frame(link_type, cp.data, cp.caplen) && !link_configuration(&p))
            sensor_detector_feed(detector, &p.src, &p.dst);
    }
    capture_close(file);
    return 0;
}

size_t aggregate_detect_sensors(const char *const *paths, size_t count, struct sensor_set *sensors,
                                char *why, size_t whylen)
{
    struct sensor_detector *detector = sensor_detector_new();
    char err[512];
    /* An equal share each, from each file's start: no file's place in the
     * list decides whether it is looked at. */
    uint64_t share = count ? AGGREGATE_SENSOR_SAMPLE / count : 0;
    if (share < AGGREGATE_SENSOR_SAMPLE_MIN)
        share = AGGREGATE_SENSOR_SAMPLE_MIN;
    for (size_t i = 0; i < count; i++)
        /* A file that cannot be read adds no sample; the pass reports it. */
        aggregate_sample_addresses(detector, paths[i], share, err, sizeof(err));
    size_t n = sensor_detector_finish(detector, sensors, why, whylen);
    sensor_detector_free(detector);
    return n;
}
