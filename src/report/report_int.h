/*
 * Private to the report stage: the report model that report_build() fills and
 * every renderer reads. Figures are kept raw; renderers round.
 */
#ifndef HONEYSCOPE_REPORT_INT_H
#define HONEYSCOPE_REPORT_INT_H

#include "report.h"

struct figures {
    uint64_t packets, bytes, flows;
    double share; /* percent, in the report's metric */
};

/* The lists of a group's breakdown, in the order they are shown. */
enum list_id {
    LIST_OUT,            /* sensor-initiated, sent by the sensor */
    LIST_IN_REPLIES,     /* sensor-initiated, received */
    LIST_IN_UNSOLICITED, /* remote-initiated, received */
    LIST_OUT_REPLIES,    /* remote-initiated, sent by the sensor */
    LIST_IN_UNKNOWN,
    LIST_OUT_UNKNOWN,
    LIST_COUNT
};

extern const char *const list_json_names[LIST_COUNT];
extern const char *const list_titles[LIST_COUNT];

struct category_entry {
    char name[32];
    struct figures f;
};

struct port_entry {
    uint8_t proto;
    uint16_t port;
    char proto_name[8];
    struct figures f;
};

struct series_point {
    int64_t bin;
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources;
};

struct source_entry {
    struct ip_addr addr;
    const struct prefix_entry *prefix; /* NULL for the group "any" */
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, flows_initiated;
    int64_t first_ns, last_ns;
    char services[5][16]; /* its top unsolicited services */
    size_t service_count; /* shown */
    size_t services_total; /* distinct unsolicited services */
};

struct totals {
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources;
};

struct group_report {
    const struct group *group;
    struct totals totals;
    struct series_point *series;
    size_t series_count;
    struct category_entry *lists[LIST_COUNT];
    size_t list_counts[LIST_COUNT];
    struct port_entry *ports_in;
    size_t port_count;
    struct source_entry *top;
    size_t top_count;
};

struct report {
    const struct report_input *input;
    struct report_options options;
    int64_t period_start, period_end; /* UTC seconds, [start, end) */
    struct group_report *groups;
    size_t group_count;
};

/* ISO 8601 name of the bin starting at bin_s, in the report's zone. */
void format_bin(const struct report *report, int64_t bin_s, char *buf, size_t len);
/* ISO 8601 date-time (seconds) of ns in the report's zone. */
void format_time(const struct report *report, int64_t ns, char *buf, size_t len);
/* "+09:00", "+00:00". */
void format_zone(int64_t offset_s, char *buf, size_t len);
/* The named category of sensor-initiated traffic (1..), or 0: "the service". */
unsigned category_named(uint8_t proto, uint16_t service);
const char *category_named_text(unsigned named);
/* Writes s for a terminal: printable UTF-8 as is, anything else as \xNN. */
void text_escape(FILE *out, const char *s);
/* Copies s into buf (len bytes) as valid, printable UTF-8, other bytes as \xNN. */
size_t utf8_sanitize(const char *s, char *buf, size_t len);
uint64_t figures_metric(const struct figures *f, enum metric metric);

#endif
