/*
 * Fuzz target for whole capture files: the input is a file (classic pcap,
 * pcapng, either gzip- or zstd-compressed, or anything else) read three ways:
 *
 *  - record by record through the capture stage, checking that each record's
 *    bytes are all readable and that an error names the file and a byte
 *    offset;
 *  - through aggregate_capture() with sensors 192.0.2.0/24, 10.0.0.0/8 and
 *    2001:db8::/48 (the generator's and the corpus's sensors), so that the
 *    decode, flow and cube code run on what the file holds, checking that
 *    every record is counted exactly once;
 *  - through the sensor detection sample.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../src/aggregate/aggregate.h"
#include "../../src/capture/capture.h"
#include "../../src/flow/flow.h"
#include "fuzz.h"

/* Records read one by one; -1 when the file could not be opened. */
static int64_t read_records(const char *path, bool *failed)
{
    char err[512] = "";
    struct capture_file *file = capture_open(path, err, sizeof(err));
    *failed = true;
    if (!file) {
        FUZZ_CHECK(strstr(err, path) != NULL);
        return -1;
    }
    FUZZ_CHECK(capture_format(file)[0] != '\0');
    FUZZ_CHECK(capture_link_name(capture_link_type(file)) != NULL);
    int64_t records = 0;
    struct capture_packet p;
    enum capture_status status;
    while ((status = capture_next(file, &p)) == CAPTURE_PACKET) {
        records++;
        FUZZ_CHECK(p.caplen == 0 || p.data != NULL);
        unsigned sum = 0;
        for (uint32_t i = 0; i < p.caplen; i++)
            sum += p.data[i];
        (void)sum;
    }
    FUZZ_CHECK(status == CAPTURE_END || status == CAPTURE_ERROR);
    if (status == CAPTURE_ERROR) {
        FUZZ_CHECK(strstr(capture_error(file), path) != NULL);
        FUZZ_CHECK(strstr(capture_error(file), "byte offset") != NULL);
    }
    *failed = status == CAPTURE_ERROR;
    capture_close(file);
    return records;
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
    bool failed;
    int64_t records = read_records(path, &failed);

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
    config.flow.max_flows = 32; /* small, so that eviction runs too */
    config.sensors = &sensors;

    struct cube *cube = cube_new();
    struct input_stats stats;
    input_stats_init(&stats);
    char err[1024] = "";
    int ret = aggregate_capture(cube, &config, path, &stats, err, sizeof(err));
    FUZZ_CHECK(ret == 0 || ret == -1);
    FUZZ_CHECK(stats.files == 1);
    if (ret < 0) {
        FUZZ_CHECK(stats.files_failed == 1);
        FUZZ_CHECK(strstr(err, path) != NULL);
    }
    /* The same records as read one by one, each counted in exactly one place. */
    FUZZ_CHECK((ret < 0) == failed);
    FUZZ_CHECK(stats.packets == (uint64_t)(records < 0 ? 0 : records));
    uint64_t in_cube = 0, flows = 0;
    for (size_t i = 0; i < cube_row_count(cube); i++) {
        const struct cube_counts *c = &cube_row_at(cube, (uint32_t)i)->counts;
        in_cube += c->packets_in + c->packets_out;
        flows += c->flows;
    }
    uint64_t counted = in_cube + stats.not_sensor + stats.sensor_to_sensor;
    for (int r = DECODE_OK + 1; r < DECODE_RESULT_COUNT; r++)
        counted += stats.bad[r];
    FUZZ_CHECK(counted == stats.packets);
    FUZZ_CHECK(flows == stats.flows.flows);
    FUZZ_CHECK(stats.flows.evicted + stats.flows.expired <= stats.flows.flows);
    if (stats.packets)
        FUZZ_CHECK(stats.first_ns <= stats.last_ns);

    struct sensor_detector *detector = sensor_detector_new();
    char why[512] = "";
    if (aggregate_sample_addresses(detector, path, 1000, err, sizeof(err)) < 0)
        FUZZ_CHECK(strstr(err, path) != NULL);
    FUZZ_CHECK(sensor_detector_packets(detector) <= stats.packets);
    struct sensor_set detected;
    sensor_set_init(&detected);
    sensor_detector_finish(detector, &detected, why, sizeof(why));
    FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);

    sensor_set_release(&detected);
    sensor_detector_free(detector);
    cube_free(cube);
    sensor_set_release(&sensors);
    return 0;
}
