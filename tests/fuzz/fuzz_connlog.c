/*
 * Fuzz target for Zeek conn.logs: the input is a file (TSV or JSON lines,
 * gzip or not, or anything else) read three ways:
 *
 *  - record by record through the flowlog stage, checking each record's
 *    invariants (end not before start, ports and counts in range) and that
 *    an error names the file;
 *  - through aggregate_flowlog() with sensors 192.0.2.0/24, 10.0.0.0/8 and
 *    2001:db8::/48, checking that every record is counted once: in the cube
 *    or as not_sensor / sensor_to_sensor / covered, and every packet it
 *    carried too;
 *  - through the sensor detection sample.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../src/aggregate/aggregate.h"
#include "../../src/flowlog/flowlog.h"
#include "fuzz.h"

struct read_counts {
    uint64_t records, packets, skipped;
    bool opened, failed;
};

static struct read_counts read_records(const char *path)
{
    struct read_counts n = {0};
    char err[512] = "";
    struct flowlog_file *file = flowlog_open(path, err, sizeof(err));
    if (!file) {
        FUZZ_CHECK(strstr(err, path) != NULL);
        return n;
    }
    n.opened = true;
    FUZZ_CHECK(flowlog_format_is_flows(flowlog_format(file)));
    struct flow_record r;
    int got;
    while ((got = flowlog_next(file, &r)) == 1) {
        n.records++;
        FUZZ_CHECK(r.end_ns >= r.start_ns && r.start_ns >= 0);
        FUZZ_CHECK(r.opener <= FLOW_OPENED_BY_RESP);
        FUZZ_CHECK(r.orig_bytes >= 20 * r.orig_packets && r.resp_bytes >= 20 * r.resp_packets);
        FUZZ_CHECK(addr_is_v4(&r.orig) == addr_is_v4(&r.resp));
        if (r.proto == 1 || r.proto == 58)
            FUZZ_CHECK(r.orig_port < 256 && r.resp_port < 256);
        n.packets += r.orig_packets + r.resp_packets;
    }
    FUZZ_CHECK(got == 0 || got == -1);
    if (got < 0)
        FUZZ_CHECK(strstr(flowlog_error(file), path) != NULL);
    n.failed = got < 0;
    const uint64_t *skipped = flowlog_skipped(file);
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        n.skipped += skipped[i];
    FUZZ_CHECK(n.records + n.skipped <= flowlog_lines(file));
    flowlog_close(file);
    return n;
}

static void add_sensor(struct sensor_set *set, const char *text)
{
    struct ip_prefix prefix;
    FUZZ_CHECK(prefix_parse(&prefix, text, NULL) == 0);
    sensor_set_add(set, &prefix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    struct read_counts n = read_records(path);

    struct sensor_set sensors;
    sensor_set_init(&sensors);
    add_sensor(&sensors, "192.0.2.0/24");
    add_sensor(&sensors, "10.0.0.0/8");
    add_sensor(&sensors, "2001:db8::/48");

    struct aggregate_config config;
    memset(&config, 0, sizeof(config));
    config.clock.width_s = 3600;
    config.clock.offset_s = 9 * 3600;
    flow_config_default(&config.flow);
    config.sensors = &sensors;

    /* A capture "covered" an hour: records starting in it are left out. */
    struct time_spans covered;
    time_spans_init(&covered);
    time_spans_add(&covered, INT64_C(3600000000000), INT64_C(7200000000000));
    time_spans_seal(&covered);

    struct cube *cube = cube_new();
    struct input_stats stats;
    input_stats_init(&stats);
    char err[1024] = "";
    int ret = aggregate_flowlog(cube, &config, path, &covered, &stats, err, sizeof(err));
    FUZZ_CHECK(ret == 0 || ret == -1);
    FUZZ_CHECK(stats.files == 1);
    FUZZ_CHECK((ret < 0) == (!n.opened || n.failed));
    if (ret < 0)
        FUZZ_CHECK(strstr(err, path) != NULL);
    FUZZ_CHECK(stats.flow_records == n.records);
    FUZZ_CHECK(stats.packets == n.packets);
    uint64_t in_cube = 0, flows = 0, skipped = 0;
    for (size_t i = 0; i < cube_row_count(cube); i++) {
        const struct cube_counts *c = &cube_row_at(cube, (uint32_t)i)->counts;
        in_cube += c->packets_in + c->packets_out;
        flows += c->flows;
        FUZZ_CHECK(c->first_ns <= c->last_ns);
    }
    for (int i = 0; i < FLOWLOG_SKIP_COUNT; i++)
        skipped += stats.flow_skipped[i];
    FUZZ_CHECK(skipped == n.skipped);
    FUZZ_CHECK(flows == stats.flows.flows);
    FUZZ_CHECK(flows + stats.flow_covered <= stats.flow_records);
    FUZZ_CHECK(in_cube + stats.not_sensor + stats.sensor_to_sensor <= stats.packets);
    if (!stats.flow_covered)
        FUZZ_CHECK(in_cube + stats.not_sensor + stats.sensor_to_sensor == stats.packets);

    struct sensor_detector *detector = sensor_detector_new();
    char why[512] = "";
    if (aggregate_sample_addresses(detector, path, 1000, err, sizeof(err)) < 0)
        FUZZ_CHECK(strstr(err, path) != NULL);
    struct sensor_set detected;
    sensor_set_init(&detected);
    sensor_detector_finish(detector, &detected, why, sizeof(why));
    FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);

    sensor_set_release(&detected);
    sensor_detector_free(detector);
    time_spans_release(&covered);
    cube_free(cube);
    sensor_set_release(&sensors);
    return 0;
}
