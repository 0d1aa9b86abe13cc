/*
 * report: the seed analysis over a cube, and its renderings.
 *
 * report_build() turns a cube, the input counts, the sensor set and the
 * groups into a report model (per group: series, breakdowns by direction,
 * initiator and category, the unsolicited port table, sources); one
 * render_*() per output format writes it. Categories are derived here from
 * initiator + protocol + service, never stored (see docs/semantics.md).
 */
#ifndef HONEYSCOPE_REPORT_H
#define HONEYSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../aggregate/aggregate.h"
#include "../attrib/attrib.h"
#include "../flow/flow.h"

enum metric {
    METRIC_PACKETS,
    METRIC_BYTES,
    METRIC_FLOWS,
};

const char *metric_name(enum metric metric);

struct report_options {
    struct bin_clock clock;
    bool has_from, has_to;
    int64_t from_s; /* UTC second at which --from's day starts in the zone */
    int64_t to_s;   /* UTC second at which the day after --to starts */
    enum metric metric;
    size_t top;     /* sources listed */
};

/* One capture file as read: what the report header says about it. */
struct report_file {
    const char *path;
    char format[24];
    int link_type;
    uint64_t packets;
    const char *error; /* NULL when read to the end */
};

struct report_input {
    const struct input_stats *stats;
    const struct report_file *files;
    size_t file_count;
    const struct sensor_set *sensors;
    const char *sensor_detection; /* NULL when the user gave --sensor */
    const struct group *groups;
    size_t group_count;
    const struct prefix_set *routing; /* for AS groups; may be NULL */
    const char *routing_source;
    struct cube *cube;
    /* Dated routing snapshots, mmdb and AS names; NULL for routing alone.
     * When given, its routing series replaces routing. */
    const struct origin_sources *origins;
    const char *asnames_source; /* the --asnames file, for the report header */
};

/* The service of a cube row in words: "tcp/445", "icmp/3/3", "proto/47". */
void service_format(uint8_t proto, uint16_t service, char *buf, size_t len);
/* The category of a cube row (docs/semantics.md), e.g. "spam-smtp". */
void category_format(enum initiator initiator, uint8_t proto, uint16_t service, char *buf,
                     size_t len);

struct report;

/* Builds the report. Returns NULL with a message in err (period too long). */
struct report *report_build(const struct report_input *input, const struct report_options *options,
                            char *err, size_t errlen);
void report_free(struct report *report);

/* Each returns 0, or -1 when writing failed. */
int render_text(const struct report *report, FILE *out);
int render_json(const struct report *report, FILE *out);

#endif
