/*
 * The pass over one capture file: capture -> decode -> flow -> cube.
 *
 * Runs once per packet, so it does as little as it can: the flow caches the
 * cube row of its current time bin, and the cube index is consulted only when
 * a flow starts or crosses into a new bin.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../capture/capture.h"
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
    for (size_t i = 0; i < from->unsupported_link_count; i++)
        count_unsupported_link(into, from->unsupported_links[i].link_type,
                               from->unsupported_links[i].packets);
}

static int64_t floor_seconds(int64_t ns)
{
    int64_t s = ns / 1000000000;
    return ns % 1000000000 < 0 ? s - 1 : s;
}

static void account(struct cube *cube, const struct aggregate_config *config, struct flow *flow,
                    bool started, enum direction dir, uint32_t ip_bytes, int64_t ts_ns)
{
    int64_t bin = bin_clock_start(&config->clock, floor_seconds(ts_ns));
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
 * Counts the fragments the flow table held for their first fragment and now
 * hands back: at their own time, direction and length, in the flow it chose.
 */
static void account_released(struct cube *cube, const struct aggregate_config *config,
                             struct flow_table *flows)
{
    struct flow_fragment fragment;
    bool started;
    struct flow *flow;
    while ((flow = flow_table_released(flows, &fragment, &started)))
        account(cube, config, flow, started, (enum direction)fragment.dir, fragment.ip_bytes,
                fragment.ts_ns);
}

void shard_init(struct shard *shard, struct cube *cube, const struct aggregate_config *config)
{
    shard->cube = cube;
    shard->flows = flow_table_new(&config->flow);
    evidence_capture_init(&shard->evidence, cube, &config->clock, EVIDENCE_BUFFERS);
    flow_table_on_end(shard->flows, evidence_capture_end, &shard->evidence);
}

void shard_packet(struct shard *shard, const struct aggregate_config *config,
                  const struct decoded_packet *p, enum direction dir, int64_t ts_ns)
{
    bool started;
    struct flow *flow = flow_table_update(shard->flows, p, dir, ts_ns, &started);
    /*
     * NULL: a fragment held for its first, counted when handed back. A
     * non-first fragment's bytes do not start a message: no evidence.
     */
    if (flow) {
        account(shard->cube, config, flow, started, dir, p->ip_bytes, ts_ns);
        if (p->payload_len && !p->is_fragment)
            evidence_capture_packet(&shard->evidence, flow, dir, p->payload, p->payload_len);
    }
    account_released(shard->cube, config, shard->flows);
}

void shard_finish(struct shard *shard, const struct aggregate_config *config, int64_t last_ns,
                  struct input_stats *stats)
{
    flow_table_release_held(shard->flows);
    account_released(shard->cube, config, shard->flows);
    flow_table_end_input(shard->flows, last_ns);
    const struct flow_stats *fs = flow_table_stats(shard->flows);
    stats->flows.flows += fs->flows;
    stats->flows.expired += fs->expired;
    stats->flows.evicted += fs->evicted;
    stats->flows.fragments_unmatched += fs->fragments_unmatched;
    stats->evidence_skipped += shard->evidence.skipped;
    flow_table_free(shard->flows);
    evidence_capture_release(&shard->evidence);
    shard->flows = NULL;
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

enum capture_status read_capture(struct capture_file *file, const struct aggregate_config *config,
                                 struct input_stats *stats,
                                 void (*deliver)(void *ctx, const struct decoded_packet *p,
                                                 enum direction dir, int64_t ts_ns),
                                 void *ctx)
{
    int link_type = capture_link_type(file);
    stats->link_type = link_type;
    snprintf(stats->format, sizeof(stats->format), "%s", capture_format(file));
    bool supported = decode_link_supported(link_type);
    struct capture_packet cp;
    struct decoded_packet p;
    uint64_t unsupported = 0;
    enum capture_status status;

    while ((status = capture_next(file, &cp)) == CAPTURE_PACKET) {
        stats->packets++;
        if ((stats->packets & 0xffff) == 0) {
            if (config->packets_read)
                atomic_fetch_add(config->packets_read, 0x10000);
            if (config->tick)
                config->tick(config->tick_ctx);
            if (config->stop && *config->stop)
                break;
        }
        if (cp.ts_ns < stats->first_ns)
            stats->first_ns = cp.ts_ns;
        if (cp.ts_ns > stats->last_ns)
            stats->last_ns = cp.ts_ns;
        if (!supported) {
            unsupported++;
            continue;
        }
        enum decode_result r = decode_packet(link_type, cp.data, cp.caplen, cp.wirelen, &p);
        if (r != DECODE_OK) {
            stats->bad[r]++;
            continue;
        }
        enum direction dir;
        if (packet_direction(config, &p, stats, &dir))
            deliver(ctx, &p, dir, cp.ts_ns);
    }
    count_unsupported(stats, link_type, unsupported);
    if (config->packets_read)
        atomic_fetch_add(config->packets_read, stats->packets & 0xffff);
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
    shard_finish(&s.shard, config, stats->last_ns, stats);

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
        return -1;
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
