/*
 * Flow records into the cube: a flow log enters the pipeline at the flow
 * stage, after the decisions a capture's packets would need.
 *
 * Each record is one flow, whole: its packets and bytes each way and its
 * start count in the bin of its start, its first and last times are the
 * record's start and end (docs/flows.md says why a long flow is not spread
 * over bins). The initiator and the service follow the same rules as for
 * packets (docs/semantics.md), from who sent the first packet as the log
 * tells. A record that starts inside the span of a capture of the same run
 * or store is the same traffic seen twice: it is counted as covered, not
 * as traffic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"
#include "aggregate_int.h"

void time_spans_init(struct time_spans *spans)
{
    memset(spans, 0, sizeof(*spans));
}

void time_spans_release(struct time_spans *spans)
{
    free(spans->span);
    memset(spans, 0, sizeof(*spans));
}

void time_spans_add(struct time_spans *spans, int64_t from_ns, int64_t to_ns)
{
    if (from_ns > to_ns)
        return;
    if (spans->count == spans->alloc) {
        spans->alloc = spans->alloc ? 2 * spans->alloc : 16;
        spans->span = xrealloc(spans->span, spans->alloc * sizeof(*spans->span));
    }
    spans->span[spans->count][0] = from_ns;
    spans->span[spans->count][1] = to_ns;
    spans->count++;
}

static int span_cmp(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

void time_spans_seal(struct time_spans *spans)
{
    if (!spans->count)
        return;
    qsort(spans->span, spans->count, sizeof(*spans->span), span_cmp);
    size_t kept = 0;
    for (size_t i = 1; i < spans->count; i++) {
        if (spans->span[i][0] <= spans->span[kept][1]) {
            if (spans->span[i][1] > spans->span[kept][1])
                spans->span[kept][1] = spans->span[i][1];
        } else {
            spans->span[++kept][0] = spans->span[i][0];
            spans->span[kept][1] = spans->span[i][1];
        }
    }
    spans->count = kept + 1;
}

bool time_spans_contain(const struct time_spans *spans, int64_t ns)
{
    size_t lo = 0, hi = spans ? spans->count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (spans->span[mid][1] < ns)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < (spans ? spans->count : 0) && spans->span[lo][0] <= ns;
}

bool aggregate_is_flowlog(const char *path)
{
    char err[64];
    struct flowlog_file *file = flowlog_open(path, err, sizeof(err));
    flowlog_close(file);
    return file != NULL;
}

/* The initiator and service of a record whose sensor side is orig or resp. */
static void decide(const struct flow_record *r, bool orig_is_sensor, struct cube_key *key)
{
    uint16_t sensor_port = orig_is_sensor ? r->orig_port : r->resp_port;
    uint16_t remote_port = orig_is_sensor ? r->resp_port : r->orig_port;
    enum initiator orig_side = orig_is_sensor ? INITIATOR_SENSOR : INITIATOR_REMOTE;
    enum initiator resp_side = orig_is_sensor ? INITIATOR_REMOTE : INITIATOR_SENSOR;
    if (r->proto == PROTO_ICMP || r->proto == PROTO_ICMPV6) {
        /* Zeek: orig_p is the type of the originator's first message, resp_p its code. */
        bool orig_started;
        key->service = flow_icmp_service(r->proto, (uint8_t)r->orig_port, (uint8_t)r->resp_port,
                                         &orig_started);
        key->initiator = (uint8_t)(orig_started ? orig_side : resp_side);
        return;
    }
    enum initiator who = INITIATOR_UNKNOWN;
    if (r->opener == FLOW_OPENED_BY_ORIG)
        who = orig_side;
    else if (r->opener == FLOW_OPENED_BY_RESP)
        who = resp_side;
    key->initiator = (uint8_t)who;
    if (who == INITIATOR_SENSOR)
        key->service = remote_port;
    else if (who == INITIATOR_REMOTE)
        key->service = sensor_port;
    else
        key->service = sensor_port < remote_port ? sensor_port : remote_port;
}

void aggregate_flow_record(struct cube *cube, const struct aggregate_config *config,
                           const struct flow_record *r, const struct time_spans *covered,
                           struct input_stats *stats)
{
    uint64_t packets = r->orig_packets + r->resp_packets;
    stats->flow_records++;
    stats->packets += packets;
    if (r->start_ns < stats->first_ns)
        stats->first_ns = r->start_ns;
    if (r->end_ns > stats->last_ns)
        stats->last_ns = r->end_ns;
    bool orig_is_sensor = sensor_set_contains(config->sensors, &r->orig);
    bool resp_is_sensor = sensor_set_contains(config->sensors, &r->resp);
    if (orig_is_sensor == resp_is_sensor) {
        if (orig_is_sensor)
            stats->sensor_to_sensor += packets;
        else
            stats->not_sensor += packets;
        return;
    }
    if (time_spans_contain(covered, r->start_ns)) {
        stats->flow_covered++;
        return;
    }
    struct cube_key key;
    memset(&key, 0, sizeof(key));
    key.bin = bin_clock_start(&config->clock, r->start_ns / 1000000000);
    key.sensor = orig_is_sensor ? r->orig : r->resp;
    key.remote = orig_is_sensor ? r->resp : r->orig;
    key.proto = r->proto;
    decide(r, orig_is_sensor, &key);
    struct cube_counts *c = &cube_row_at(cube, cube_lookup(cube, &key))->counts;
    uint64_t in_packets = orig_is_sensor ? r->resp_packets : r->orig_packets;
    uint64_t out_packets = orig_is_sensor ? r->orig_packets : r->resp_packets;
    c->packets_in += in_packets;
    c->packets_out += out_packets;
    c->bytes_in += orig_is_sensor ? r->resp_bytes : r->orig_bytes;
    c->bytes_out += orig_is_sensor ? r->orig_bytes : r->resp_bytes;
    c->flows++;
    if (r->start_ns < c->first_ns)
        c->first_ns = r->start_ns;
    if (r->end_ns > c->last_ns)
        c->last_ns = r->end_ns;
    stats->flows.flows++;
}

int aggregate_flowlog(struct cube *cube, const struct aggregate_config *config, const char *path,
                      const struct time_spans *covered, struct input_stats *stats, char *err,
                      size_t errlen)
{
    stats->files++;
    struct flowlog_file *file = flowlog_open(path, err, errlen);
    if (!file) {
        stats->files_failed++;
        return -1;
    }
    snprintf(stats->format, sizeof(stats->format), "%s", flowlog_format(file));
    stats->link_type = 0;
    struct flow_record r;
    int got, ret = 0;
    uint64_t records = 0;
    while ((got = flowlog_next(file, &r)) == 1) {
        aggregate_flow_record(cube, config, &r, covered, stats);
        if ((++records & 0xffff) == 0) {
            if (config->tick)
                config->tick(config->tick_ctx);
            if (config->stop && *config->stop) {
                snprintf(err, errlen, "'%s': interrupted", path);
                ret = AGGREGATE_INTERRUPTED;
                break;
            }
        }
    }
    const uint64_t *skipped = flowlog_skipped(file);
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        stats->flow_skipped[i] += skipped[i];
    if (got < 0) {
        snprintf(err, errlen, "%s", flowlog_error(file));
        stats->files_failed++;
        ret = -1;
    }
    flowlog_close(file);
    return ret;
}

int flowlog_sample_addresses(struct sensor_detector *detector, const char *path,
                             uint64_t max_records, char *err, size_t errlen)
{
    struct flowlog_file *file = flowlog_open(path, err, errlen);
    if (!file)
        return -1;
    sensor_detector_next_file(detector);
    struct flow_record r;
    for (uint64_t seen = 0; seen < max_records && flowlog_next(file, &r) == 1; seen++) {
        /* DHCP is a host configuring itself with its router, as for packets. */
        unsigned lo = r.orig_port < r.resp_port ? r.orig_port : r.resp_port;
        unsigned hi = r.orig_port < r.resp_port ? r.resp_port : r.orig_port;
        if (r.proto == PROTO_UDP && ((lo == 67 && hi == 68) || (lo == 546 && hi == 547)))
            continue;
        sensor_detector_feed(detector, &r.orig, &r.resp);
    }
    flowlog_close(file);
    return 0;
}
