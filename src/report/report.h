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
#include "../anonymize/anonymize.h"
#include "../attrib/attrib.h"
#include "../flow/flow.h"

enum metric {
    METRIC_PACKETS,
    METRIC_BYTES,
    METRIC_FLOWS,
};

/* --by: what each group's traffic is split by (by.c). */
enum by_kind {
    BY_NONE,
    BY_LABEL,   /* the label of the prefix that put the remote in the group */
    BY_ASN,     /* the remote's origin AS */
    BY_COUNTRY, /* the country its AS name ends with */
};

const char *metric_name(enum metric metric);

struct report_options {
    struct bin_clock clock;
    bool has_from, has_to;
    int64_t from_s; /* UTC second at which --from's day starts in the zone */
    int64_t to_s;   /* UTC second at which the day after --to starts */
    enum metric metric;
    size_t top;              /* sources (and origin ASes) listed; 0: every one */
    bool mask;               /* publish without absolute numbers or sensor addresses */
    bool mask_keep_evidence; /* with mask: show what the sensor sent, redacted */
    /* --anonymize: every address written replaced (Crypto-PAn); NULL: as it is. */
    struct anonymizer *anonymizer;
    /* Burst detection (report_int.h, bursts.c); zero means the defaults. */
    size_t burst_window;
    double burst_k;
    uint64_t burst_min;
    /* A second period to put beside the first (--compare). */
    bool has_compare;
    int64_t compare_from_s, compare_to_s;
    /* Rows read at a time from a cube that spilled (its budget's worth). */
    size_t chunk_rows;
    /* Merge the next rows while the current ones are reported (a second core). */
    bool chunk_read_ahead;
    /* Warn when a dated snapshot decides bins further than this many days
     * from its date (--snapshot-max-age); 0: SNAPSHOT_MAX_AGE_DEFAULT. */
    uint32_t snapshot_max_age;
    enum by_kind by;
};

/* One capture file as read: what the report header says about it. */
struct report_file {
    const char *path;
    char format[24];
    int link_type;
    uint64_t packets;
    const char *error;   /* NULL when read to the end */
    const char *same_as; /* not read: the same capture as this file; else NULL */
    const char *live;    /* a live capture's interface, start and last commit; else NULL */
    /* not read (--skip-overlapping): holds packets of this file; else NULL */
    const char *overlaps_with;
};

/*
 * Two captures that hold some of the same packets (docs/semantics.md,
 * "Overlapping captures"): file, the later, shares sampled packets with
 * overlaps_with, the earlier.
 */
struct report_overlap {
    const char *file;
    const char *overlaps_with;
    int64_t first_ns, last_ns; /* where the two files' spans meet */
    double share;              /* of file's sampled packets found in overlaps_with, percent */
    bool skipped;              /* file was not read (--skip-overlapping) */
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
    const struct report_overlap *overlaps;
    size_t overlap_count;
};

/* A file's link name as reports show it: "flows" for a flow log, else the capture's link type. */
const char *report_file_link_name(const struct report_file *file);
/* Files of the input that are flow logs (docs/flows.md). */
size_t report_flow_files(const struct report_input *input);

/* The service of a cube row in words: "tcp/445", "icmp/3/3", "proto/47". */
void service_format(uint8_t proto, uint16_t service, char *buf, size_t len);
/* The category of a cube row (docs/semantics.md), e.g. "spam-smtp". */
void category_format(enum initiator initiator, uint8_t proto, uint16_t service, char *buf,
                     size_t len);

#define SNAPSHOT_MAX_AGE_DEFAULT 180

struct report;

/* The report's warnings (a snapshot far from the bins it decided, traffic of
 * no known AS), for the caller to tell on stderr: *count strings. */
const char *const *report_warnings(const struct report *report, size_t *count);

/* Builds the report. Returns NULL with a message in err (period too long). */
struct report *report_build(const struct report_input *input, const struct report_options *options,
                            char *err, size_t errlen);
void report_free(struct report *report);

/* Each returns 0, or -1 when writing failed. */
int render_text(const struct report *report, FILE *out);
int render_json(const struct report *report, FILE *out);
/* One table per section, for spreadsheets and scripts (docs/csv.md). */
int render_csv(const struct report *report, FILE *out);

enum report_format {
    REPORT_TEXT,
    REPORT_JSON,
    REPORT_CSV,
    REPORT_HTML,
};

/* "text", "json", "csv", "html" -> *format. Returns 0, or -1 for another word. */
int report_format_parse(const char *name, enum report_format *format);
/* Writes report in format to out. Returns 0, or -1 when writing failed. */
int report_render(const struct report *report, enum report_format format, FILE *out);
/* One self-contained HTML page with inline SVG charts, for reading and print. */
int render_html(const struct report *report, FILE *out);

/* ---- honeyscope lookup -------------------------------------------------------- */

/* One group an address is in, and what says so. */
struct lookup_group {
    const struct group *group;
    const struct prefix_entry *entry; /* the matching prefix; NULL for "any" */
    const char *source;               /* its file; NULL for "any" */
    int64_t day;                      /* that file's day, or SNAPSHOT_UNDATED */
};

/* What the naming options say of one address. */
struct lookup_answer {
    const char *text;  /* the address as given */
    const char *error; /* NULL, or why it is not an address */
    struct ip_addr addr;
    bool has_origin;
    struct origin origin;
    const struct lookup_group *groups;
    size_t group_count;
};

/* A lookup's output, streamed: begin, one call per address, end. at is the
 * --at date or NULL. end returns 0, or -1 when writing failed. */
void render_lookup_begin(FILE *out, bool json, const char *at);
void render_lookup_one(FILE *out, bool json, const struct lookup_answer *answer, bool first);
int render_lookup_end(FILE *out, bool json);

/* ---- strings from files and packets, for output (escape.c) ---------------- */

/*
 * A copy of len bytes (any bytes, NUL among them) as valid, printable
 * UTF-8: whatever is not (control bytes, bad sequences, bidi overrides) as
 * \xNN. Free it.
 */
char *escape_printable(const void *bytes, size_t len);
/* Writes s as one CSV field (RFC 4180): as utf8_sanitize() would, quoted when
 * it holds a comma or a quote (doubled inside), and with a leading ' when it
 * starts with = + - @ TAB or CR, so a spreadsheet never runs it as a formula.
 * Only for strings from files, packets or the command line: numbers the
 * report computes are written as they are. */
void csv_escape(FILE *out, const char *s);

#endif
