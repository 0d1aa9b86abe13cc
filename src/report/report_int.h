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

/* One AS of a group's "top origin ASes" (asview.c). */
struct as_entry {
    uint32_t asn;     /* 0: no AS known for those addresses */
    const char *name; /* "" when unknown */
    uint64_t packets_in, packets_out, bytes_in, bytes_out, flows, sources;
    double share; /* of the group's traffic both ways, in the metric */
};

/* Which bins of the period a snapshot decided (attribution.c). */
struct snapshot_use {
    const struct snapshot *snapshot;
    bool used;               /* false: no bin of the period falls in its span */
    int64_t first_bin, last_bin; /* UTC seconds of the bins' starts */
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
    struct as_entry *asns_top; /* NULL when no source tells ASes */
    size_t asn_top_count, asn_count;
    /* The group's own files (GROUP_PREFIXES) or the routing snapshots
     * (GROUP_ASNS) over the period. */
    struct snapshot_use *snapshots;
    size_t snapshot_count;
};

struct report {
    const struct report_input *input;
    struct report_options options;
    int64_t period_start, period_end; /* UTC seconds, [start, end) */
    struct group_report *groups;
    size_t group_count;
    struct origin_sources origins; /* what names origin ASes */
    struct snapshot_series routing_one; /* routing alone, as a series of one */
    struct snapshot routing_one_v;
    struct snapshot_use *routing_snapshots;
    size_t routing_snapshot_count;
};

/*
 * Walks cube rows sorted by remote address and bin and tells, for each,
 * whether its remote belongs to the group at that bin and by which prefix.
 * The match is made once per remote address, and again only when the
 * snapshot deciding membership changes (dated groups), so an undated group
 * costs one LPM per remote address.
 */
struct member_cursor {
    const struct group *group;
    const struct origin_sources *origins;
    bool dated;
    bool started;
    struct ip_addr remote;
    size_t epoch;
    bool in;
    const struct prefix_entry *entry; /* the matching prefix, NULL for "any" */
};

void member_cursor_init(struct member_cursor *c, const struct group *group,
                        const struct origin_sources *origins);
/* Whether remote belongs to the group in the bin starting at bin_s; sets
 * *new_remote when remote differs from the previous call's. */
bool member_cursor_next(struct member_cursor *c, const struct ip_addr *remote, int64_t bin_s,
                        bool *new_remote);
/* Which bins of the report's period each snapshot of series decided; returns
 * an array of series->count (NULL when empty) to free. */
struct snapshot_use *snapshot_uses(const struct report *r, const struct snapshot_series *series);
/* Fills gr's top origin ASes (after its totals are known). */
void asview_build(const struct report *r, struct group_report *gr, const uint32_t *order,
                  size_t nrows);


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
